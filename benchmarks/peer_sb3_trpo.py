"""Peer benchmark: sb3-contrib's TRPO on CartPole-v1, under the protocol of ``bench_trpo.py``.

What it measures. The sample efficiency and CPU cost of the TRPO of stable-baselines3's contrib
package (PyTorch) on gymnasium's CartPole-v1, measured exactly as ``benchmarks/bench_trpo.py``
measures fisherlab's TRPO, so that the two can be quoted side by side. It runs in its own
environment (``.venv-peer``, ``benchmarks/peer/requirements.txt``: torch, stable-baselines3,
sb3-contrib), which the course does not need: ``make bench-peer``, not ``make bench``.

Protocol (the one of ``bench_trpo.py``):

* every run trains for the whole budget of 100 000 environment steps (sb3 stops at the first
  rollout boundary at or past it: 98 rollouts of 2 x 512 = 100 352 steps);
* after every update, the deterministic policy (the most probable action) plays 20 fresh
  evaluation episodes on a separate evaluation environment (gymnasium's vectorised CartPole-v1,
  20 copies, each copy's first episode counted; episodes end at 500 steps), until their mean
  return first reaches 475; the training-environment steps at that update (all steps collected
  so far, including the rollout that fed the update) are the run's *steps to 475*. Since sb3
  updates once per rollout of 1 024 steps, steps to 475 is a multiple of 1 024 (fisherlab's
  batches are of 512 steps);
* the evaluation runs in a callback's ``_on_rollout_start``, which sb3 calls at the start of every
  rollout, that is after the previous rollout's update (``learn`` alternates
  ``collect_rollouts`` and ``train``), with ``num_timesteps`` counting every step collected so
  far; the first call (before any update, 0 steps) is skipped and the update after the last
  rollout is evaluated in ``_on_training_end``. (``_on_rollout_end`` would be wrong: sb3 calls it
  after the rollout but before ``train``, so it would evaluate the policy that collected the
  rollout, one update late.) Evaluation draws its episodes from its own seed stream and plays
  the mode, so it consumes no randomness of the training run;
* the final policy is evaluated on 20 more fresh episodes;
* one thread (``OMP_NUM_THREADS=MKL_NUM_THREADS=1`` before torch is imported,
  ``torch.set_num_threads(1)``), on the CPU; CPU time (``time.process_time``) from the start of
  ``learn`` to the end of the final evaluation, per 100 000 steps, reported in total and for
  training alone (the per-update evaluations are measurement, not training: their CPU time is
  measured in the callback and subtracted; the final evaluation is counted in the total only).
  ``bench_trpo.py`` reports the total.

Seeds. Seed ``s`` seeds sb3 (``TRPO(seed=s)``: Python, numpy and torch generators, the training
environments' resets) and the evaluation stream (``numpy.random.default_rng([s, 1])``, one reset
seed per evaluation). Seeds 5-9 (the default; ``bench_trpo.py``'s held-out seeds) and 0-4
(``--seeds 0-4``, its tuning seeds). Nothing here was tuned: both configurations take the zoo's
hyperparameters, and mlp32 changes only the policy network, to fisherlab's.

Configurations.

``zoo``: the hyperparameters of rl-baselines3-zoo for TRPO on CartPole-v1 ("# Tuned"), from
``hyperparams/trpo.yml`` of github.com/DLR-RM/rl-baselines3-zoo, commit
eec15dc22e1ec7167064aae0c1218eefccaf0ff4 (the last to touch that file; repository HEAD
22e3ff2450fd92033f7f032915e1f64894a09584)::

    n_envs: 2, n_timesteps: 1e5, policy: MlpPolicy, n_steps: 512, batch_size: 512,
    cg_damping: 1e-3, gae_lambda: 0.98, gamma: 0.99, learning_rate: 1e-3, n_critic_updates: 20

and sb3-contrib's defaults for the rest: target_kl (the trust region's delta) 0.01,
cg_max_steps 15, line_search_shrinking_factor 0.8, line_search_max_iter 10,
normalize_advantage True, sub_sampling_factor 1. ``learning_rate`` and ``batch_size`` are the
critic's (Adam, minibatches of 512, 20 epochs per update); the policy is MlpPolicy's default:
two tanh hidden layers of 64 for the policy and two of 64 for the value function (no shared
layers). As the zoo does, the training environments are ``make_vec_env("CartPole-v1",
n_envs=2)`` (DummyVecEnv of Monitor-wrapped environments).

``mlp32``: the same, with the policy network one tanh hidden layer of 32 units
(``net_arch=dict(pi=[32], vf=[64, 64])``, ``activation_fn=nn.Tanh``): the policy class of
fisherlab's ``MLPSoftmax(hidden=32)`` (226 parameters in both). The value network stays the
zoo's 64 x 64 MLP.

Differences from fisherlab's settings in ``bench_trpo.py`` that the numbers include: sb3 learns
a neural critic by Adam where fisherlab fits a linear baseline on quadratic features by ridge
regression; batches of 2 x 512 here, 32 x 16 there; delta 0.01 here, 0.1 (linear) and 0.05
(network) there; CG damping 1e-3 here, 0.01 (linear) and 0.1 (network) there; 15 CG iterations
here, 10 there; GAE lambda 0.98 here, 0.97 (linear) and 0.95 (network) there; sb3's policies
have biases, fisherlab's are mirror-symmetric (no constant feature, no biases); fisherlab's
settings were tuned on seeds 0-4, the zoo's by the zoo (gamma 0.99, backtracking factor 0.8 and
10 line-search trials in both). Both bootstrap a time-limit truncation from the value of its
last observation.

Measured (2-core machine shared with other jobs; torch 2.13.0 CPU, stable-baselines3 and
sb3-contrib 2.9.2, gymnasium 1.4.0). Held-out seeds 5-9, ``make bench-peer`` (418 s of wall
time for the ten runs)::

    sb3-contrib TRPO, CartPole-v1, config zoo (policy 64x64 tanh, value 64x64), budget 100000
    env steps, batch 2 x 512, target_kl 0.01, seeds 5-9
    seed  steps to 475  final return  train cpu s/100k  total cpu s/100k  wall s
       5        83 968         500.0              43.2              53.6    61.0
       6         1 024         387.9              36.6              37.0    42.3
       7        21 504         353.4              42.1              45.8    47.8
       8         4 096         500.0              36.6              37.3    38.5
       9        18 432         500.0              47.9              51.5    54.2
    steps to 475: median 18 432 (range 1 024-83 968); reached 475 within 100000 steps on 5/5 seeds
    final return: median 500, min 353; cpu s per 100k steps: training 42.1, total 45.8 (medians)

    sb3-contrib TRPO, CartPole-v1, config mlp32 (policy 32 tanh, value 64x64), budget 100000
    env steps, batch 2 x 512, target_kl 0.01, seeds 5-9
    seed  steps to 475  final return  train cpu s/100k  total cpu s/100k  wall s
       5         6 144         243.6              34.3              35.6    36.4
       6         5 120         500.0              33.3              34.3    35.2
       7        17 408         500.0              33.5              36.6    37.7
       8         3 072         453.6              32.9              33.4    34.4
       9         1 024         457.0              27.5              27.8    28.3
    steps to 475: median 5 120 (range 1 024-17 408); reached 475 within 100000 steps on 5/5 seeds
    final return: median 457, min 244; cpu s per 100k steps: training 33.3, total 34.3 (medians)

Seeds 0-4, ``make bench-peer SEEDS=0-4`` (391 s)::

    config zoo, seeds 0-4
    seed  steps to 475  final return  train cpu s/100k  total cpu s/100k  wall s
       0        27 648         500.0              39.1              44.1    46.2
       1        11 264         446.4              37.1              39.0    39.9
       2         6 144         500.0              36.1              37.1    37.6
       3         5 120         500.0              35.6              36.6    37.0
       4        24 576         500.0              33.8              37.7    38.3
    steps to 475: median 11 264 (range 5 120-27 648); reached 475 within 100000 steps on 5/5 seeds
    final return: median 500, min 446; cpu s per 100k steps: training 36.1, total 37.7 (medians)

    config mlp32, seeds 0-4
    seed  steps to 475  final return  train cpu s/100k  total cpu s/100k  wall s
       0        20 480         500.0              29.4              32.0    32.2
       1        44 032         500.0              37.2              44.1    46.1
       2        27 648         469.4              30.6              34.4    35.1
       3        17 408         500.0              32.8              35.8    37.1
       4        18 432         500.0              33.3              37.1    38.6
    steps to 475: median 20 480 (range 17 408-44 032); reached 475 within 100000 steps on 5/5 seeds
    final return: median 500, min 469; cpu s per 100k steps: training 32.8, total 35.8 (medians)

Reading. Every one of the 20 runs reaches 475 within the budget. The five-seed medians move by
a factor of 1.6-4 between the two seed sets (zoo 18 432 and 11 264; mlp32 5 120 and 20 480), and
the order of the two configurations flips with them: over all ten seeds the medians are
14 848 (zoo) and 17 408 (mlp32), so five seeds do not separate the two configurations. Reaching
475 once is not keeping it: five of the ten held-out final policies return less than 475 (the
worst, mlp32 seed 5, 244 after reaching 475 at 6 144 steps). A run costs 28-54 s of CPU per
100 000 steps, of which 0.5-19 % (mean 7 %) is the per-update evaluation (``bench_trpo.py``
prints fisherlab's figures under the same protocol). CPU times move with the machine's load: a
repeat of mlp32 seed 9 (same steps and return) took 34.9 s per 100 000 steps against 27.8 s.

Checks (``self_check``, run before the benchmark unless ``--skip-checks``; about 20 s): over
three rollouts, the policy's parameters at each ``_on_rollout_start`` differ from those at the
previous ``_on_rollout_end`` (an update lies between) and equal those at the rollout's own end
(none during collection), so the evaluation hook sees the policy after the update; ten updates
with an evaluation after each end at bit-identical parameters to ten updates without any; and a
second run with evaluation reproduces the first's evaluations and parameters exactly. Full
re-runs reproduced the rows above: zoo seed 6 (1 024 steps, 387.9), mlp32 seed 8 (3 072, 453.6)
and, after the checks in the same process, mlp32 seed 9 (1 024, 457.0).

Run: ``make bench-peer`` (creates ``.venv-peer`` on first use) or
``.venv-peer/bin/python benchmarks/peer_sb3_trpo.py [--seeds 5-9] [--configs zoo,mlp32]
[--skip-checks]``.
The numbers are also written to ``benchmarks/results/peer_sb3_trpo.json`` (one entry per seed
range, merged into the file) when every configuration ran on the full budget, unless
``--no-json``.
"""

import os

# one thread: set before torch (and numpy's BLAS) is imported
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import gymnasium as gym  # noqa: E402
import numpy as np  # noqa: E402
import sb3_contrib  # noqa: E402
import stable_baselines3 as sb3  # noqa: E402
import torch  # noqa: E402
from sb3_contrib import TRPO  # noqa: E402
from stable_baselines3.common.callbacks import BaseCallback  # noqa: E402
from stable_baselines3.common.env_util import make_vec_env  # noqa: E402

torch.set_num_threads(1)

ENV_ID = "CartPole-v1"
BUDGET = 100_000
TARGET = 475.0
EVAL_EPISODES = 20
HELD_OUT_SEEDS = "5-9"
RESULTS = Path(__file__).resolve().parent / "results" / "peer_sb3_trpo.json"
ZOO_SOURCE = ("github.com/DLR-RM/rl-baselines3-zoo hyperparams/trpo.yml "
              "@ eec15dc22e1ec7167064aae0c1218eefccaf0ff4")
# rl-baselines3-zoo, hyperparams/trpo.yml, CartPole-v1 (n_timesteps: 1e5 is BUDGET)
ZOO = dict(n_envs=2, n_steps=512, batch_size=512, cg_damping=1e-3, gae_lambda=0.98, gamma=0.99,
           learning_rate=1e-3, n_critic_updates=20)
CONFIGS = {
    "zoo": dict(ZOO, policy_kwargs=None),
    "mlp32": dict(ZOO, policy_kwargs=dict(net_arch=dict(pi=[32], vf=[64, 64]),
                                          activation_fn="tanh")),
}
FIELDS = ("seed", "steps_to_475", "final_return", "env_steps", "updates", "train_cpu_per_100k",
          "total_cpu_per_100k", "eval_cpu_s", "wall_s")


def evaluate(model, eval_env, rng: np.random.Generator) -> float:
    """Mean undiscounted return of the deterministic policy over ``eval_env.num_envs`` episodes.

    ``eval_env`` is a vectorised CartPole (one copy per episode), reset with a seed drawn from
    ``rng``; each copy's first episode counts (the copies that finish early are autoreset and
    ignored), as in ``fisherlab.rl.envs.evaluate``.
    """
    n = eval_env.num_envs
    obs, _ = eval_env.reset(seed=int(rng.integers(2**31 - 1)))
    returns = np.zeros(n)
    finished = np.zeros(n, dtype=bool)
    while not finished.all():
        actions, _ = model.predict(obs, deterministic=True)  # the most probable action
        obs, rewards, terminated, truncated, _ = eval_env.step(actions)
        returns += np.where(finished, 0.0, rewards)
        finished |= terminated | truncated
    return float(returns.mean())


class EvalAfterUpdate(BaseCallback):
    """Evaluates the policy after every update until the mean return first reaches ``target``.

    ``_on_rollout_start`` runs after the previous rollout's ``train()``: the policy is the updated
    one and ``num_timesteps`` counts every training step collected so far. The update after the
    last rollout is evaluated in ``_on_training_end``. The CPU time of the evaluations is summed
    in ``eval_cpu``.
    """

    def __init__(self, eval_env, rng: np.random.Generator, target: float):
        super().__init__()
        self.eval_env, self.rng, self.target = eval_env, rng, target
        self.steps_to_target = None
        self.history = []  # (num_timesteps, mean return) per evaluation
        self.eval_cpu = 0.0
        self.updates = 0

    def _evaluate(self):
        self.updates += 1
        if self.steps_to_target is not None:
            return
        cpu = time.process_time()
        ev = evaluate(self.model, self.eval_env, self.rng)
        self.eval_cpu += time.process_time() - cpu
        self.history.append((int(self.num_timesteps), ev))
        if ev >= self.target:
            self.steps_to_target = int(self.num_timesteps)

    def _on_rollout_start(self) -> None:
        if self.num_timesteps > 0:  # not before the first update
            self._evaluate()

    def _on_training_end(self) -> None:
        self._evaluate()

    def _on_step(self) -> bool:
        return True


def policy_params(model) -> np.ndarray:
    """The policy network's parameters (actor and critic), flattened; a copy."""
    return torch.cat([p.detach().flatten() for p in model.policy.parameters()]).numpy().copy()


class HookProbe(BaseCallback):
    """Records the policy's parameters at every rollout start and end and at the end of training."""

    def __init__(self):
        super().__init__()
        self.events = []  # (event, num_timesteps, parameters)

    def _record(self, event):
        self.events.append((event, int(self.num_timesteps), policy_params(self.model)))

    def _on_rollout_start(self) -> None:
        self._record("start")

    def _on_rollout_end(self) -> None:
        self._record("end")

    def _on_training_end(self) -> None:
        self._record("training_end")

    def _on_step(self) -> bool:
        return True


def self_check(config: str = "zoo", seed: int = 0, n_updates: int = 10) -> None:
    """The checks of the protocol (module docstring, "Checks"); raises AssertionError on failure."""
    rollout = CONFIGS[config]["n_envs"] * CONFIGS[config]["n_steps"]
    # 1. sb3's hook order: start (no update yet) -> end (same parameters) -> train -> start ...
    probe = HookProbe()
    make_model(config, seed).learn(total_timesteps=3 * rollout, callback=probe)
    kinds = [e[0] for e in probe.events]
    assert kinds == ["start", "end"] * 3 + ["training_end"], kinds
    for (_, _, p_start), (_, steps, p_end) in zip(probe.events[0:6:2], probe.events[1:6:2]):
        assert np.array_equal(p_start, p_end), "the parameters changed during a rollout"
    for (_, _, p_end), (_, steps, p_next) in zip(probe.events[1:6:2], probe.events[2:7:2]):
        assert not np.array_equal(p_end, p_next), f"no update between rollout end and {steps} steps"
    assert [e[1] for e in probe.events[2::2]] == [rollout, 2 * rollout, 3 * rollout]
    # 2. evaluating after every update does not change training; 3. runs are reproducible
    plain = make_model(config, seed)
    plain.learn(total_timesteps=n_updates * rollout)
    runs = []
    for _ in range(2):
        model = make_model(config, seed)
        eval_env = gym.make_vec(ENV_ID, num_envs=EVAL_EPISODES,
                                vectorization_mode="vector_entry_point")
        callback = EvalAfterUpdate(eval_env, np.random.default_rng([seed, 1]), np.inf)
        model.learn(total_timesteps=n_updates * rollout, callback=callback)
        eval_env.close()
        assert len(callback.history) == n_updates, len(callback.history)
        runs.append((policy_params(model), callback.history))
    assert np.array_equal(policy_params(plain), runs[0][0]), "evaluation changed the training run"
    assert np.array_equal(runs[0][0], runs[1][0]) and runs[0][1] == runs[1][1], "not reproducible"
    print(f"checks ({config}, seed {seed}): evaluation hook sees the updated policy at "
          f"{rollout}, {2 * rollout}, {3 * rollout} steps; {n_updates} updates with and without "
          f"evaluation: identical parameters; repeated run: identical evaluations "
          f"(last {runs[0][1][-1][1]:.1f}) and parameters: ok", flush=True)


def make_model(config: str, seed: int):
    cfg = dict(CONFIGS[config])
    n_envs = cfg.pop("n_envs")
    policy_kwargs = cfg.pop("policy_kwargs")
    if policy_kwargs is not None:
        policy_kwargs = dict(policy_kwargs, activation_fn=torch.nn.Tanh)
    env = make_vec_env(ENV_ID, n_envs=n_envs, seed=seed)
    return TRPO("MlpPolicy", env, policy_kwargs=policy_kwargs, seed=seed, device="cpu", verbose=0,
                **cfg)


def one_run(config: str, seed: int, budget: int) -> dict:
    """One training run of the whole budget; the fields of FIELDS."""
    model = make_model(config, seed)
    eval_env = gym.make_vec(ENV_ID, num_envs=EVAL_EPISODES, vectorization_mode="vector_entry_point")
    rng = np.random.default_rng([seed, 1])  # the evaluation stream, apart from training's
    callback = EvalAfterUpdate(eval_env, rng, TARGET)
    wall, cpu = time.perf_counter(), time.process_time()
    model.learn(total_timesteps=budget, callback=callback)
    train_cpu = time.process_time() - cpu - callback.eval_cpu
    final = evaluate(model, eval_env, rng)
    total_cpu = time.process_time() - cpu
    wall = time.perf_counter() - wall
    eval_env.close()
    steps = int(model.num_timesteps)
    return dict(seed=seed, steps_to_475=callback.steps_to_target, final_return=final,
                env_steps=steps, updates=callback.updates,
                train_cpu_per_100k=train_cpu * 100_000 / steps,
                total_cpu_per_100k=total_cpu * 100_000 / steps, eval_cpu_s=callback.eval_cpu,
                wall_s=wall)


def summarise(runs: list) -> dict:
    steps = np.array([r["steps_to_475"] if r["steps_to_475"] is not None else np.inf for r in runs])
    finals = np.array([r["final_return"] for r in runs])
    train = np.array([r["train_cpu_per_100k"] for r in runs])
    total = np.array([r["total_cpu_per_100k"] for r in runs])
    reached = int(np.sum(np.isfinite(steps)))
    as_num = lambda x: float(x) if np.isfinite(x) else None  # noqa: E731  (never -> null in JSON)
    return dict(median_steps_to_475=as_num(np.median(steps)), min_steps_to_475=as_num(steps.min()),
                max_steps_to_475=as_num(steps.max()), reached=reached, n_seeds=len(runs),
                median_final_return=float(np.median(finals)), min_final_return=float(finals.min()),
                median_train_cpu_per_100k=float(np.median(train)),
                median_total_cpu_per_100k=float(np.median(total)))


def fmt_steps(x) -> str:
    return "never" if x is None else f"{x:,.0f}".replace(",", " ")


def report(config: str, seeds: range, budget: int) -> dict:
    cfg = CONFIGS[config]
    net = "policy 64x64 tanh" if cfg["policy_kwargs"] is None else "policy 32 tanh"
    print(f"\nsb3-contrib TRPO, {ENV_ID}, config {config} ({net}, value 64x64), "
          f"budget {budget} env steps, batch {cfg['n_envs']} x {cfg['n_steps']}, target_kl 0.01, "
          f"seeds {seeds.start}-{seeds.stop - 1}", flush=True)
    print(f"{'seed':>4} {'steps to 475':>13} {'final return':>13} {'train cpu s/100k':>17} "
          f"{'total cpu s/100k':>17} {'wall s':>7}", flush=True)
    runs = []
    for seed in seeds:
        r = one_run(config, seed, budget)
        runs.append(r)
        print(f"{seed:>4} {fmt_steps(r['steps_to_475']):>13} {r['final_return']:>13.1f} "
              f"{r['train_cpu_per_100k']:>17.1f} {r['total_cpu_per_100k']:>17.1f} "
              f"{r['wall_s']:>7.1f}",
              flush=True)
    s = summarise(runs)
    print(f"steps to {TARGET:g}: median {fmt_steps(s['median_steps_to_475'])} "
          f"(range {fmt_steps(s['min_steps_to_475'])}-{fmt_steps(s['max_steps_to_475'])}); "
          f"reached {TARGET:g} within {budget} steps on {s['reached']}/{s['n_seeds']} seeds")
    print(f"final return: median {s['median_final_return']:.0f}, min {s['min_final_return']:.0f}; "
          f"cpu s per 100k steps: training {s['median_train_cpu_per_100k']:.1f}, "
          f"total {s['median_total_cpu_per_100k']:.1f} (medians)", flush=True)
    return dict(runs=runs, summary=s)


def write_json(path: Path, seed_key: str, results: dict, wall: float):
    data = json.loads(path.read_text()) if path.exists() else {}
    data["protocol"] = dict(env=ENV_ID, budget=BUDGET, target=TARGET, eval_episodes=EVAL_EPISODES,
                            deterministic_eval=True,
                            eval_hook="_on_rollout_start (+ _on_training_end)", threads=1,
                            cpu_clock="time.process_time", source_of_zoo=ZOO_SOURCE)
    data["configs"] = json.loads(json.dumps(CONFIGS))
    data.setdefault("seeds", {})
    entry = data["seeds"].setdefault(seed_key, {})
    entry.update(results)
    entry["_versions"] = dict(python=platform.python_version(), torch=torch.__version__,
                              stable_baselines3=sb3.__version__,
                              sb3_contrib=sb3_contrib.__version__, gymnasium=gym.__version__,
                              numpy=np.__version__)
    entry["_wall_s"] = round(wall, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def parse_seeds(text: str) -> range:
    try:
        lo, hi = (int(x) for x in text.split("-"))
    except ValueError:
        raise SystemExit(f"--seeds must be first-last, e.g. 5-9, got {text!r}") from None
    if not 0 <= lo <= hi:
        raise SystemExit(f"--seeds must satisfy 0 <= first <= last, got {text!r}")
    return range(lo, hi + 1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default=HELD_OUT_SEEDS,
                        help="first-last: 5-9 (held out, default) or 0-4")
    parser.add_argument("--configs", default="zoo,mlp32",
                        help="comma-separated, from: " + ", ".join(CONFIGS))
    parser.add_argument("--budget", type=int, default=BUDGET,
                        help="env steps per run (smoke runs only: no JSON is written)")
    parser.add_argument("--no-json", action="store_true", help=f"do not write {RESULTS.name}")
    parser.add_argument("--skip-checks", action="store_true", help="skip self_check (about 20 s)")
    args = parser.parse_args()
    seeds = parse_seeds(args.seeds)
    configs = [c.strip() for c in args.configs.split(",") if c.strip()]
    bad = [c for c in configs if c not in CONFIGS]
    if bad or not configs:
        raise SystemExit(f"--configs must name some of {', '.join(CONFIGS)}, got {args.configs!r}")
    if args.budget < 1:
        raise SystemExit(f"--budget must be >= 1, got {args.budget}")
    print(f"torch {torch.__version__} ({torch.get_num_threads()} thread), "
          f"stable-baselines3 {sb3.__version__}, sb3-contrib {sb3_contrib.__version__}, "
          f"gymnasium {gym.__version__}", flush=True)
    if not args.skip_checks:
        self_check()
    start = time.perf_counter()
    results = {c: report(c, seeds, args.budget) for c in configs}
    wall = time.perf_counter() - start
    print(f"\nwall time of the whole run: {wall:.0f} s", flush=True)
    if args.no_json:
        pass
    elif args.budget != BUDGET or set(configs) != set(CONFIGS):
        print(f"not written to {RESULTS.name}: it holds full-budget runs of every configuration")
    else:
        write_json(RESULTS, f"{seeds.start}-{seeds.stop - 1}", results, wall)
        print(f"written: {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
