"""Benchmark of Chapter 6, "Policy-gradient convergence": the step-size scales of the corridor
experiment, chosen here on more seeds than the chapter can afford.

Task: the short corridor with switched actions (`fl.rl.short_corridor`, gamma = 0.9) with its
aliased softmax policy (`fl.rl.short_corridor_policy`), started at pi(right) = sigmoid(-1.4),
T = 1000 iterations, H = ceil(log(T + 1) / (1 - gamma)) = 70, 20 trajectories per iteration
(PG, N-PG-IGT) or 10 + 10 (HARPG, N-HARPG): every method uses the same number of environment
steps. For each method and each step-size scale gamma_0 of a grid, the mean and the largest
optimality gap J*_class - J(theta_T) over 10 seeds (0..9) are printed, with J*_class the best
return of the policy class (found to 1e-12 by a scalar search on the exact objective).

The chapter runs the best gamma_0 of each grid for PG and HARPG on seeds 0..4. Run with
`make bench` (about two minutes on 2 cores).
"""

from __future__ import annotations

import time

import numpy as np
import scipy.optimize

import fisherlab as fl
from fisherlab.rl import convergence, rollouts
from fisherlab.rl.mdp import exact_objective

T = 1000
SEEDS = range(10)
GRIDS = {
    "pg": (0.002, 0.003, 0.005),
    "n-pg-igt": (0.3, 0.5),
    "harpg": (0.03, 0.05, 0.07),
    "n-harpg": (0.3, 0.5),
}
BATCHES = {"pg": (20, None), "n-pg-igt": (20, None), "harpg": (10, 10), "n-harpg": (10, 10)}


def main() -> None:
    mdp = fl.rl.short_corridor(gamma=0.9)
    policy = fl.rl.short_corridor_policy()
    best = scipy.optimize.minimize_scalar(lambda x: -exact_objective(mdp, policy, np.array([0.0, x])),
                                          bracket=(-1.0, 1.0), tol=1e-12)
    J_class = -best.fun
    H = int(np.ceil(np.log(T + 1) / (1 - mdp.gamma)))
    theta0 = np.array([0.7, -0.7])

    def sample(theta, n, rng):
        return rollouts.sample_episodes(mdp, policy, theta, n_episodes=n, horizon=H, rng=rng)

    print(f"short corridor, gamma = {mdp.gamma}, H = {H}, T = {T}, seeds {SEEDS.start}..{SEEDS.stop - 1}; "
          f"J*_class = {J_class:.6f}, start gap {J_class - exact_objective(mdp, policy, theta0):.4f}")
    print(f"{'method':>9} {'gamma_0':>8} {'mean gap':>10} {'max gap':>10} {'time':>7}")
    winners = {}
    for method, grid in GRIDS.items():
        n, n_hess = BATCHES[method]
        for lr in grid:
            config = convergence.Config(method=method, lr=lr, batch_size=n, hess_batch_size=n_hess)
            start = time.perf_counter()
            runs = convergence.run_seeds(sample, policy, theta0, T, config, seeds=SEEDS,
                                         evaluate=lambda th: exact_objective(mdp, policy, th), eval_points=[T])
            gaps = np.array([J_class - h.objective[T] for h in runs])
            print(f"{method:>9} {lr:>8} {gaps.mean():>10.5f} {gaps.max():>10.5f} {time.perf_counter() - start:>6.1f}s")
            if method not in winners or gaps.mean() < winners[method][1]:
                winners[method] = (lr, gaps.mean())
    print("best gamma_0 per method: " + ", ".join(f"{m} {lr} (mean gap {g:.5f})" for m, (lr, g) in winners.items()))
    ratio = winners["pg"][1] / winners["harpg"][1]
    print(f"best PG / best HARPG mean final gap: {ratio:.2f} (HARPG ends closer to J* when > 1)")


if __name__ == "__main__":
    main()
