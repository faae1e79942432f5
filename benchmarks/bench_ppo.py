"""TRPO, its variants and PPO on CartPole-v1 over the same held-out seeds: KL per update, returns,
steps to 475, wall and CPU time.

Protocol as in ``bench_trpo.py`` (numpy backend, the mirror-symmetric linear softmax policy,
batches of 32 x 16, lambda 0.9, a budget of 100 000 steps, a 20-episode deterministic evaluation
after every update until 475, the final policy evaluated on 20 more episodes), on the held-out
seeds 5-9. The settings:

* ``trpo``: delta = 0.1, lambda = 0.97, damping 0.01 (chosen on seeds 0-4 in ``bench_trpo.py``);
* ``trpo, damping 1e-3``: the same with a damping below most of F's eigenvalues (a direction
  close to the natural gradient);
* ``trpo, damping 0.1``: the same with the damping of Schulman's code, above most of F's
  eigenvalues (a direction close to the vanilla gradient on CartPole, see Chapter 5);
* ``kl-pg``: ``precondition=False``, the KL-normalised vanilla gradient with TRPO's line search;
* ``ppo``: clipped surrogate, epsilon = 0.2, 10 epochs of 4 minibatches, Adam with learning rate
  0.01 and lambda 0.9, chosen on seeds 0-4 (both backends, ten runs) from 0.003, 0.01, 0.03 by
  the rule of ``bench_trpo.py``: 80% quantiles of the steps to 475 14 510, 8 900 and 12 278.

For every setting the benchmark prints, per seed, the steps to 475, the final return, the mean KL
per update, the largest mean KL of an update in units of TRPO's delta = 0.1, the share of
updates whose mean KL exceeds delta, and the CPU and wall time of the run (training and
evaluation); and the medians. Wall time counts waiting when other processes share the cores;
the CPU time does not.

Measured (``.venv/bin/python benchmarks/bench_ppo.py``, 2-core machine shared with one other
job). Medians over the held-out seeds 5-9; CPU and wall seconds of a whole run (100 000 steps,
evaluations included):

====================  ============  =====  =======  ============  ========  =====  ======
setting               steps to 475  final  mean KL  max KL/delta  KL>delta  cpu s  wall s
====================  ============  =====  =======  ============  ========  =====  ======
trpo                  2 467         381    0.0723   1.00          0%        0.90   0.90
trpo, damping 1e-3    4 049         220    0.0737   1.00          0%        0.87   0.88
trpo, damping 0.1     2 461         437    0.0760   1.00          0%        0.98   0.98
kl-pg                 2 467         255    0.0768   1.00          0%        0.77   0.77
ppo                   6 035         428    0.0048   0.30          0%        2.51   2.51
====================  ============  =====  =======  ============  ========  =====  ======

Ranges of the steps to 475 (all five seeds reach 475 in every setting): trpo 1 505-22 792,
damping 1e-3 2 006-37 475, damping 0.1 1 506-20 311, kl-pg 2 011-5 550, ppo 5 040-22 841. With
five seeds the TRPO variants cannot be told apart: the direction (natural, damped or the plain
gradient) matters less on CartPole than the step length the trust region sets. PPO moves the
policy by about a fifteenth of TRPO's KL per update (its largest mean KL is 0.30 delta), needs
more steps to reach 475, and costs about 2.8 times the CPU time of a TRPO run with this
eight-parameter policy (forty minibatch steps per update against ten Fisher-vector products).
Reaching 475 is not keeping it: the final returns after 100 000 steps range from 44 to 500.

Run: ``.venv/bin/python benchmarks/bench_ppo.py`` (about 1 minute on an idle 2-core machine).
"""

import sys
import time

import numpy as np

from fisherlab.rl import algorithms, envs

from bench_trpo import BUDGET, CONFIGS, HELD_OUT_SEEDS as SEEDS, TARGET, make_policy

TRPO = CONFIGS["linear"]
DELTA = TRPO["delta"]
BATCH = dict(num_envs=TRPO["num_envs"], n_steps=TRPO["n_steps"], lam=TRPO["lam"], gamma=TRPO["gamma"])
SETTINGS = {
    "trpo": dict(TRPO),
    "trpo, damping 1e-3": dict(TRPO, damping=1e-3),
    "trpo, damping 0.1": dict(TRPO, damping=0.1),
    "kl-pg": dict(TRPO, precondition=False),
    "ppo": dict(algo="ppo", lr=0.01, lam=0.9),
}


def one_run(seed, kw):
    cfg = algorithms.Config(**{**BATCH, **kw})
    env = envs.CartPole(cfg.num_envs)
    policy = make_policy("linear")
    wall, cpu = time.perf_counter(), time.process_time()
    rng = np.random.default_rng(seed)
    h = algorithms.run(env, policy, total_steps=BUDGET, rng=rng, config=cfg, eval_every=1, eval_episodes=20,
                       eval_until=TARGET)
    final = float(envs.evaluate(env, policy, h.thetas[-1], n_episodes=20, rng=rng).mean())
    return h, final, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    print(f"CartPole-v1 (numpy), symmetric linear softmax policy, batch {BATCH['num_envs']} x {BATCH['n_steps']}, "
          f"budget {BUDGET}, held-out seeds {SEEDS.start}-{SEEDS.stop - 1}")
    summary = {}
    for name, kw in SETTINGS.items():
        print(f"\n{name}: {kw}")
        print(f"{'seed':>4} {'steps to 475':>13} {'final':>6} {'mean KL':>8} {'max KL/delta':>12} "
              f"{'KL>delta':>8} {'cpu s':>6} {'wall s':>7}")
        rows = []
        for seed in SEEDS:
            h, final, wall, cpu = one_run(seed, kw)
            steps = h.steps_to(TARGET)
            over = float(np.mean(h.kl > DELTA))
            rows.append((steps if steps is not None else np.inf, final, np.mean(h.kl), h.kl.max() / DELTA, over,
                         cpu, wall))
            print(f"{seed:>4} {str(steps) if steps is not None else 'never':>13} {final:>6.0f} {np.mean(h.kl):>8.4f} "
                  f"{h.kl.max() / DELTA:>12.2f} {over:>8.0%} {cpu:>6.2f} {wall:>7.2f}", flush=True)
        R = np.array(rows, dtype=float)
        summary[name] = np.median(R, axis=0)
        print(f"median: steps to 475 {np.median(R[:, 0]):.0f}, final {np.median(R[:, 1]):.0f}, "
              f"cpu {np.median(R[:, 5]):.2f} s, wall {np.median(R[:, 6]):.2f} s; "
              f"reached 475 on {int(np.sum(np.isfinite(R[:, 0])))}/{len(SEEDS)} seeds")
    print("\nmedians over seeds")
    print(f"{'setting':>20} {'steps to 475':>13} {'final':>6} {'mean KL':>8} {'max KL/delta':>12} {'KL>delta':>8} "
          f"{'cpu s':>6} {'wall s':>7}")
    for name, m in summary.items():
        print(f"{name:>20} {m[0]:>13.0f} {m[1]:>6.0f} {m[2]:>8.4f} {m[3]:>12.2f} {m[4]:>8.0%} {m[5]:>6.2f} "
              f"{m[6]:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
