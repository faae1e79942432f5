"""Benchmark of Chapters 2 and 3: matrix-free Fisher-vector products and divergence costs,
measured in one run on this machine.

(i)   Categorical (softmax logits): F v = p*v - p (p.v) in O(k) vs forming
      F = diag(p) - p p^T and multiplying, O(k^2), for k in {10, 100, 1000, 3000}.
      Target: the matrix-free product faster from k = 100 on, and equal to float64 rounding.
(ii)  Divergences between full 2-D Gaussians, one fixed and one on a 40 x 40 cloud of random
      parameters around it: the KL in closed form (Cholesky, batched) and the Jensen-Shannon
      divergence by Gauss-Hermite quadrature (40 nodes per dimension): time per pair. Accuracy
      of the quadrature, measured on the KL against the closed form, by size of the divergence.
      Target: relative error < 1e-6 below 0.1 nat, < 1e-4 below 0.3 nat, < 1e-2 below 1 nat.

Run with `make bench`. Times are the median of several repeats (wall clock, time.perf_counter).
"""

from __future__ import annotations

import time

import numpy as np

import fisherlab as fl
from fisherlab import divergences as D
from _timing import median_time



def main() -> None:
    rng = np.random.default_rng(0)
    print("(i) categorical Fisher-vector product: matrix-free vs dense")
    print(f"{'k':>6} {'dense (s)':>12} {'free (s)':>12} {'speed-up':>9} {'max |diff|':>11}")
    ok = True
    for k in (10, 100, 1000, 3000):
        fam = fl.Categorical(k)
        theta = rng.standard_normal(k)
        vec = rng.standard_normal(k)
        t_dense = median_time(lambda: fam.fisher_exact(theta) @ vec, 7)
        t_free = median_time(lambda: fam.fisher_vp(theta, vec), 7)
        diff = float(np.max(np.abs(fam.fisher_exact(theta) @ vec - fam.fisher_vp(theta, vec))))
        print(f"{k:>6} {t_dense:>12.2e} {t_free:>12.2e} {t_dense / t_free:>9.1f} {diff:>11.1e}")
        ok &= diff < 1e-12 and (k < 100 or t_free < t_dense)

    print("(ii) divergences of the full 2-D Gaussian, 1600 random pairs")
    full = fl.GaussianFull(2)
    theta = full.theta_from_mean_cov([0.0, 0.0], [[1.0, 0.8], [0.8, 1.0]])
    grid = theta + 0.3 * rng.standard_normal((40, 40, full.dim))
    n = grid.shape[0] * grid.shape[1]
    t_kl = median_time(lambda: D.kl(full, theta, grid), 3)
    t_js = median_time(lambda: D.js(full, theta, grid), 1)
    print(f"closed-form KL {t_kl / n:.2e} s per pair; JS by quadrature {t_js / n:.2e} s per pair")
    exact = D.kl(full, theta, grid)
    rel = np.abs(D.f_divergence(full, theta, grid, D.KL) - exact) / exact
    print(f"{'KL below':>9} {'pairs':>6} {'max relative error':>19} {'target':>8}")
    for limit, target in ((0.1, 1e-6), (0.3, 1e-4), (1.0, 1e-2)):
        err = float(rel[exact < limit].max())
        print(f"{limit:>9g} {int((exact < limit).sum()):>6} {err:>19.1e} {target:>8.0e}")
        ok &= err < target
    print("targets met" if ok else "TARGET MISSED")
    if not ok:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
