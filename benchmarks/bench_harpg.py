"""Benchmark of Chapters 7-8, "Policy-gradient convergence": what the Hessian correction costs, and
what exact enumeration costs, measured in one run on this machine.

(i)  Per-iteration wall time of HARPG vs vanilla PG at equal batch sizes (N trajectories for the
     gradient in both; HARPG also samples N trajectories at the interpolated point and applies
     the matrix-free B v). Target: <= 2.5x (one extra batch of trajectories and one
     Hessian-vector product). Measured on the finite MDP of the chapter (tabular softmax,
     H = 26) and on CartPole-v1 (linear softmax, H = 100).
(ii) Enumeration of every trajectory of a 2-state, 2-action MDP up to H, and the exact gradient
     and Hessian from it, against H: the cost grows like H (S A)^H = H 4^H.
(iii) The vectorised driver: time per iteration of B runs advanced together by
     `convergence.run_batch` on a batched problem (FiniteMDPProblem, LQRProblem) against the same
     B runs one after the other through the one-row `SampledProblem`, for B = 1, 20, 80. This is
     what lets Chapter 8 run 20 held-out seeds of 3000 iterations on the page.

Run with `make bench`. Times are medians of several repeats (wall clock, time.perf_counter).
"""

from __future__ import annotations

import time

import numpy as np

import fisherlab as fl
from fisherlab.rl import convergence, enumeration, rollouts
from _timing import median_time



def per_iteration(sample, policy, n_iters: int, method: str, batch: int, lr: float, repeats: int) -> float:
    config = convergence.Config(method=method, lr=lr, batch_size=batch, hess_batch_size=batch)
    seeds = iter(range(10_000))
    return median_time(lambda: convergence.run(sample, policy, policy.init_theta(), n_iters, config,
                                               rng=np.random.default_rng(next(seeds))), repeats) / n_iters


def main() -> None:
    print("(i) per-iteration wall time, HARPG vs PG at equal batch size N")
    mdp = fl.rl.random_mdp(4, 2, rng=np.random.default_rng(0), gamma=0.8)
    tabular = fl.rl.TabularSoftmax(4, 2)
    env = fl.rl.envs.CartPole(1)
    linear = fl.rl.LinearSoftmax(2, n_features=4, bias=True)
    tasks = {
        "finite MDP, H = 26": (lambda th, n, rng: rollouts.sample_episodes(mdp, tabular, th, n_episodes=n,
                                                                            horizon=26, rng=rng), tabular, 1.0, 40),
        "CartPole, H = 100": (lambda th, n, rng: rollouts.sample_env(env, linear, th, n_episodes=n, horizon=100,
                                                                       gamma=0.99, rng=rng), linear, 0.01, 8),
    }
    print(f"{'task':>20} {'N':>4} {'PG':>10} {'HARPG':>10} {'ratio':>7}")
    worst = 0.0
    for name, (sample, policy, lr, n_iters) in tasks.items():
        for batch in (10, 50):
            t_pg = per_iteration(sample, policy, n_iters, "pg", batch, lr, 5)
            t_harpg = per_iteration(sample, policy, n_iters, "harpg", batch, lr, 5)
            worst = max(worst, t_harpg / t_pg)
            print(f"{name:>20} {batch:>4} {t_pg * 1e3:>7.2f} ms {t_harpg * 1e3:>7.2f} ms {t_harpg / t_pg:>6.2f}x")
    print(f"    worst HARPG / PG ratio {worst:.2f}x (target <= 2.5x): {'met' if worst <= 2.5 else 'NOT met'}")

    print("\n(ii) exact enumeration on a 2-state, 2-action MDP: trajectories and time against H")
    mdp2 = fl.rl.random_mdp(2, 2, rng=np.random.default_rng(6), gamma=0.8)
    policy = fl.rl.TabularSoftmax(2, 2)
    theta = np.array([0.5, -0.5, -1.0, 1.0])
    print(f"{'H':>3} {'trajectories':>13} {'enumerate':>11} {'grad J_H':>11} {'Hess J_H':>11} {'recursion':>11}")
    previous = None
    for H in range(2, 10):
        t_enum = median_time(lambda: enumeration.enumerate_trajectories(mdp2, H), 3)
        E = enumeration.enumerate_trajectories(mdp2, H)
        t_grad = median_time(lambda: E.gradient(policy, theta), 3)
        t_hess = median_time(lambda: E.hessian(policy, theta), 3) if H <= 7 else float("nan")
        t_rec = median_time(lambda: enumeration.exact_gradient_h(mdp2, policy, theta, H), 20)
        growth = "" if previous is None else f"   x{t_grad / previous:.1f}"
        previous = t_grad
        print(f"{H:>3} {E.n_trajectories:>13} {t_enum * 1e3:>8.2f} ms {t_grad * 1e3:>8.2f} ms "
              f"{t_hess * 1e3:>8.2f} ms {t_rec * 1e3:>8.3f} ms{growth}")
    print("    the gradient by enumeration grows about 4x per step of H (4^H trajectories);"
          " the backward recursion stays linear in H")


def vectorised() -> None:
    print("\n(iii) the vectorised driver: time per iteration of B runs (4 methods, B/4 seeds each)")
    print(f"{'task':>12} {'B':>4} {'batched':>10} {'one by one':>11} {'speed-up':>9}")
    for name in ("finite", "lqr"):
        task = convergence.chapter_task(name, n_iters=3000)
        if name == "finite":
            mdp, policy = task.problem.mdp, task.problem.policy
            one = convergence.SampledProblem(lambda th, n, rng: rollouts.sample_episodes(
                mdp, policy, th, n_episodes=n, horizon=task.horizon, rng=rng), policy)
        else:
            lq = task.problem.task
            one = convergence.SampledProblem(lambda th, n, rng: lq.sample(th, n_episodes=n, horizon=task.horizon,
                                                                          rng=rng), lq.policy())
        for B in (4, 20, 80):
            configs = [task.config(m, 0.001) for m in convergence.METHODS for _ in range(B // 4)]
            n_iters = 40
            rngs = lambda: [np.random.default_rng(i) for i in range(B)]
            batched = median_time(lambda: convergence.run_batch(task.problem, task.theta0, n_iters, configs,
                                                                rngs=rngs(), eval_points=[0]), 3) / n_iters
            looped = median_time(lambda: [convergence.run_batch(one, task.theta0, n_iters, [c], rngs=[r],
                                                                eval_points=[0]) for c, r in zip(configs, rngs())],
                                 1) / n_iters
            print(f"{name:>12} {B:>4} {batched * 1e3:>7.2f} ms {looped * 1e3:>8.2f} ms {looped / batched:>8.1f}x",
                  flush=True)


if __name__ == "__main__":
    main()
    vectorised()
