"""Benchmark of Chapter 8, "Policy-gradient convergence II": the step-size scales of every
experiment, chosen on the tuning seeds 0..9 only.

For each task of `fisherlab.rl.convergence.chapter_task` (finite MDP, LQR, short corridor; the
von Mises bandit uses the theorems' step sizes and is not tuned) and each method, every
step-size scale gamma_0 of a grid runs T = 3000 iterations on seeds 0..9. The score of a
configuration is the mean final optimality gap over the ten seeds, with a run that diverged or
ended worse than it started counted as its starting gap (no progress). The best score of each
grid is the value the chapter uses; the chapter then shows and checks every comparison on the
held-out seeds 100..119, which this benchmark never runs.

The remedies of HARPG on the LQR (a leave-one-out baseline in the estimators, a larger Hessian
batch, a warm-up of the step size) are tuned the same way. One line per configuration: the
score, the median final gap, and the fates of the ten runs (`convergence.fates` without gradients:
diverged / worse than start / slow = final gap above 10% of the start / converging).

Run with `make bench` (a few minutes on 2 cores; progress is printed per grid).
"""

from __future__ import annotations

import time

import numpy as np

from fisherlab.rl import convergence as cv

T = 3000
SEEDS = range(10)
GRIDS = {
    "finite": {
        ("pg", ()): (0.03, 0.1, 0.3),
        ("n-pg-igt", ()): (0.3, 1.0, 3.0),
        ("harpg", ()): (0.03, 0.1, 0.3),
        ("n-harpg", ()): (0.3, 1.0, 3.0),
    },
    "lqr": {
        ("pg", ()): (0.0005, 0.001, 0.002),
        ("n-pg-igt", ()): (0.1, 0.3, 1.0),
        ("harpg", ()): (0.001, 0.002, 0.005),
        ("n-harpg", ()): (0.1, 0.3, 1.0),
        # the remedies of HARPG: a baseline in g and B v, a larger Hessian batch, a warm-up
        ("harpg", (("baseline", True),)): (0.002, 0.005, 0.01),
        ("harpg", (("hess_batch_size", 16),)): (0.002, 0.005, 0.01),
        ("harpg", (("warmup", 100),)): (0.002, 0.005, 0.01),
    },
    "corridor": {
        ("pg", ()): (0.001, 0.003, 0.01),
        ("n-pg-igt", ()): (0.1, 0.3, 1.0),
        ("harpg", ()): (0.01, 0.03, 0.1),
        ("n-harpg", ()): (0.1, 0.3, 1.0),
    },
}


def _config(task, method, lr, extra):
    n, n_hess = task.batches[method]
    if "hess_batch_size" in extra:
        n_hess = extra.pop("hess_batch_size")
    return cv.Config(method=method, lr=lr, batch_size=n, hess_batch_size=n_hess, **extra)


def score(start, end) -> float:
    """Mean final gap, a run that diverged or ended worse than it started counted as its start."""
    return float(np.mean(np.where(np.isfinite(end) & (end <= start), end, start)))


def main() -> None:
    print(f"tuning seeds {SEEDS.start}..{SEEDS.stop - 1}, T = {T}; score = mean final gap "
          "(diverged or worse than start: the starting gap)")
    for name, grids in GRIDS.items():
        task = cv.chapter_task(name, n_iters=T)
        print(f"== {name}: H = {task.horizon}, batches {task.batches}, J* = {task.J_star:.6f}", flush=True)
        print(f"{'method':>9} {'remedy':>14} {'gamma_0':>8} {'score':>9} {'median':>10}   fates", flush=True)
        for (method, extra), grid in grids.items():
            start = time.perf_counter()
            configs = {lr: _config(task, method, lr, dict(extra)) for lr in grid}
            runs = cv.run_groups(task.problem, task.theta0, T, configs, seeds=SEEDS, eval_points=[0, T])
            best = None
            remedy = ", ".join(f"{k}={v}" for k, v in extra) or "-"
            for lr, r in runs.items():
                gaps = r.gaps(task.J_star)
                fate = cv.fates(gaps[:, 0], gaps[:, -1])
                counts = " ".join(f"{f} {int(np.sum(fate == f))}" for f in cv.FATES if np.any(fate == f))
                s = score(gaps[:, 0], gaps[:, -1])
                print(f"{method:>9} {remedy:>14} {lr:>8} {s:>9.4f} {np.median(gaps[:, -1]):>10.3g}   {counts}",
                      flush=True)
                if best is None or s < best[1]:
                    best = (lr, s)
            print(f"{method:>9} {remedy:>14} best gamma_0 = {best[0]} (score {best[1]:.4f}; "
                  f"{time.perf_counter() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
