"""TRPO, its variants and PPO on CartPole-v1 over the same held-out seeds: KL per update, returns,
steps to 475, wall and CPU time.

Protocol as in ``bench_trpo.py`` (numpy backend, linear softmax policy, batches of 4 x 128, a
budget of 100 000 steps, a 20-episode deterministic evaluation after every update until 475,
the final policy evaluated on 20 more episodes), on the held-out seeds 5-9. The settings:

* ``trpo``: delta = 0.02, damping 0.1 (chosen on seeds 0-4 in ``bench_trpo.py``);
* ``trpo, damping 1e-3``: the same with a damping below most of F's eigenvalues (a direction
  close to the natural gradient; with 0.1 the direction is close to the vanilla gradient on
  CartPole, see Chapter 5);
* ``kl-pg``: ``precondition=False``, the KL-normalised vanilla gradient with TRPO's line search;
* ``ppo``: clipped surrogate, epsilon = 0.2, 10 epochs of 4 minibatches, Adam with learning rate
  0.01 (chosen on seeds 0-4 from 0.003, 0.01, 0.03; medians 10 056, 5 030, 3 512 steps, but 0.03
  had a seed at 62 586).

For every setting the benchmark prints, per seed, the steps to 475, the final return, the mean KL
per update, the largest mean KL of an update in units of 0.02 (TRPO's delta), the share of
updates whose mean KL exceeds 0.02, and the CPU and wall time of the run; and the medians. Wall
time counts waiting when other processes share the cores; the CPU time does not.

Measured (``.venv/bin/python benchmarks/bench_ppo.py``; the 2-core machine was shared, so wall
times include waiting; CPU times are the comparable figures). Medians over the seeds 5-9:

====================  ============  =====  =======  ===========  =======  =====  ======
setting               steps to 475  final  mean KL  max KL/0.02  KL>0.02  cpu s  wall s
====================  ============  =====  =======  ===========  =======  =====  ======
trpo                  14 141        456    0.0171   1.00         0%       2.66   3.63
trpo, damping 1e-3    7 590         354    0.0165   1.00         0%       3.03   7.82
kl-pg                 6 538         357    0.0175   1.00         0%       2.60   9.41
ppo                   10 612        500    0.0069   0.96         0%       4.28   5.27
====================  ============  =====  =======  ===========  =======  =====  ======

Ranges of the steps to 475: trpo 7 576-25 386, kl-pg 2 985-24 326, ppo 4 007-34 011 (all
five seeds reach 475); damping 1e-3 988-30 021 on four seeds, and seed 8 never reaches it. With
five seeds the differences between the medians are within the spread between seeds. PPO's mean
KL per update exceeded 0.02 in at most 1% of the updates of any seed, by at most 15%. A PPO run
cost about 1.6 times the CPU time of a TRPO run with this ten-parameter policy (forty minibatch
steps per update against ten Fisher-vector products).

Run: ``.venv/bin/python benchmarks/bench_ppo.py`` (about 2 minutes on an idle 2-core machine).
"""

import sys
import time

import numpy as np

import fisherlab as fl
from fisherlab.rl import algorithms, envs

BUDGET = 100_000
TARGET = 475.0
SEEDS = range(5, 10)
DELTA = 0.02
BATCH = dict(num_envs=4, n_steps=128)
SETTINGS = {
    "trpo": dict(algo="trpo", delta=DELTA),
    "trpo, damping 1e-3": dict(algo="trpo", delta=DELTA, damping=1e-3),
    "kl-pg": dict(algo="trpo", delta=DELTA, precondition=False),
    "ppo": dict(algo="ppo", lr=0.01),
}


def one_run(seed, kw):
    cfg = algorithms.Config(**BATCH, **kw)
    env = envs.CartPole(cfg.num_envs)
    policy = fl.rl.LinearSoftmax(2, n_features=4, bias=True)
    wall, cpu = time.perf_counter(), time.process_time()
    rng = np.random.default_rng(seed)
    h = algorithms.run(env, policy, total_steps=BUDGET, rng=rng, config=cfg, eval_every=1, eval_episodes=20,
                       eval_until=TARGET)
    final = float(envs.evaluate(env, policy, h.thetas[-1], n_episodes=20, rng=rng).mean())
    return h, final, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    print(f"CartPole-v1 (numpy), linear softmax policy, batch {BATCH['num_envs']} x {BATCH['n_steps']}, "
          f"budget {BUDGET}, held-out seeds {SEEDS.start}-{SEEDS.stop - 1}")
    summary = {}
    for name, kw in SETTINGS.items():
        print(f"\n{name}: {kw}")
        print(f"{'seed':>4} {'steps to 475':>13} {'final':>6} {'mean KL':>8} {'max KL/0.02':>12} "
              f"{'KL>0.02':>8} {'cpu s':>6} {'wall s':>7}")
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
    print(f"{'setting':>20} {'steps to 475':>13} {'final':>6} {'mean KL':>8} {'max KL/0.02':>12} {'KL>0.02':>8} "
          f"{'cpu s':>6} {'wall s':>7}")
    for name, m in summary.items():
        print(f"{name:>20} {m[0]:>13.0f} {m[1]:>6.0f} {m[2]:>8.4f} {m[3]:>12.2f} {m[4]:>8.0%} {m[5]:>6.2f} "
              f"{m[6]:>7.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
