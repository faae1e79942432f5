"""Benchmark of Chapter 4, "Natural gradient": what a Fisher-vector product and a CG natural
gradient step cost, as ratios measured in one run on this machine.

(i)  one Fisher-vector product vs one gradient evaluation, logistic regression, N = 10 000,
     d in {10, 100, 1000}. Target: <= 2.5x (a Fisher-vector product is two passes over the
     data, like the gradient; the model's probabilities at theta are computed once when the
     operator is built, as in TRPO where one operator serves all CG iterations).
(ii) a natural-gradient step by CG with 10 iterations (gradient + operator + 10 products)
     vs forming the dense Fisher and solving with it (O(N d^2 + d^3)), at d = 1000,
     N = 10 000. Target: CG faster.

Run with `make bench`. Times are the median of several repeats (wall clock, time.perf_counter).
"""

from __future__ import annotations

import time

import numpy as np

import fisherlab as fl
from fisherlab.models import SoftmaxRegression, make_classification
from _timing import median_time

N_SAMPLES = 10_000



def main() -> None:
    rng = np.random.default_rng(0)
    print(f"(i) Fisher-vector product vs gradient, logistic regression, N = {N_SAMPLES}")
    print(f"{'d':>6} {'gradient':>12} {'F v':>12} {'ratio':>8} {'build + F v':>12} {'ratio':>8}")
    ratios = {}
    for d in (10, 100, 1000):
        data = make_classification(N_SAMPLES, d, 2, condition_number=10.0, rng=rng)
        model = SoftmaxRegression.from_data(data)
        theta = 0.1 * rng.normal(size=d)
        vec = rng.normal(size=d)
        op = fl.linalg.fisher_operator(model, theta)
        repeats = 200 if d < 1000 else 50
        t_grad = median_time(lambda: model.grad(theta), repeats)
        t_fvp = median_time(lambda: op @ vec, repeats)
        t_both = median_time(lambda: fl.linalg.fisher_operator(model, theta) @ vec, repeats)
        ratios[d] = t_fvp / t_grad
        print(f"{d:>6} {t_grad * 1e3:>9.3f} ms {t_fvp * 1e3:>9.3f} ms {t_fvp / t_grad:>7.2f}x "
              f"{t_both * 1e3:>9.3f} ms {t_both / t_grad:>7.2f}x")
    worst = max(ratios.values())
    print(f"    worst F v / gradient ratio {worst:.2f}x (target <= 2.5x): {'met' if worst <= 2.5 else 'NOT met'}")

    d = 1000
    print(f"\n(ii) natural-gradient step at d = {d}, N = {N_SAMPLES}")
    data = make_classification(N_SAMPLES, d, 2, condition_number=10.0, rng=rng)
    model = SoftmaxRegression.from_data(data)
    theta = 0.1 * rng.normal(size=d)

    def cg_step():
        g = model.grad(theta)
        return fl.linalg.cg(fl.linalg.fisher_operator(model, theta, damping=1e-3), g, cg_iters=10).x

    def dense_step():
        g = model.grad(theta)
        F = model.fisher_exact(theta) + 1e-3 * np.eye(d)
        chol = np.linalg.cholesky(F)
        return np.linalg.solve(chol.T, np.linalg.solve(chol, g))

    t_cg = median_time(cg_step, 7)
    t_dense = median_time(dense_step, 3)
    t_form = median_time(lambda: model.fisher_exact(theta), 3)
    x_cg, x_dense = cg_step(), dense_step()
    rel = np.linalg.norm(x_cg - x_dense) / np.linalg.norm(x_dense)
    print(f"    CG, 10 iterations         {t_cg * 1e3:9.1f} ms")
    print(f"    dense: form F + Cholesky  {t_dense * 1e3:9.1f} ms (forming F alone {t_form * 1e3:.1f} ms)")
    print(f"    dense / CG = {t_dense / t_cg:.1f}x (target: CG faster): {'met' if t_dense > t_cg else 'NOT met'}")
    print(f"    relative difference of the two directions: {rel:.2e}")


if __name__ == "__main__":
    main()
