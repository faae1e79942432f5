r"""Vanilla policy gradient, natural policy gradient and TRPO: one update, one switch.

Every update starts from a :class:`LocalModel` of the objective around :math:`\theta_\text{old}`:
a gradient :math:`g`, Fisher-vector products :math:`v\mapsto Fv`, the surrogate gain
:math:`L_{\theta_\text{old}}(\theta) - L_{\theta_\text{old}}(\theta_\text{old})` and the mean KL
divergence :math:`\bar D_\mathrm{KL}(\theta_\text{old}, \theta)`. The model is either exact
(:func:`exact_model`, on a finite MDP) or estimated from a batch of samples
(:func:`sampled_model`). Then :func:`policy_update` takes one step:

* ``algo="pg"``: :math:`\theta \leftarrow \theta + \eta\, g` (gradient ascent);
* ``algo="npg"``: :math:`s = F^{-1}g` by conjugate gradient, and the step
  :math:`\Delta = \sqrt{2\delta / s^\top F s}\; s` that solves the quadratic model of the
  KL-constrained problem (Kakade 2002; Schulman et al. 2015, appendix C);
* ``algo="trpo"``: the same step, then a backtracking line search that accepts the first
  :math:`\theta + \beta^k\Delta` whose *exact* mean KL is at most :math:`\delta` and whose
  surrogate improves (Schulman et al. 2015, appendix C).

So TRPO is NPG plus a line search: the two share every line of code but one ``if``.
:func:`run_exact` and :func:`run` loop this update and return a :class:`History`.

* ``algo="ppo"`` (in :func:`run` only): PPO's clipped surrogate, several epochs of Adam on
  minibatches of the same batch (Schulman et al. 2017; :mod:`fisherlab.rl.ppo`). It needs the
  samples themselves, not a local model, so :func:`run` calls :func:`~fisherlab.rl.ppo.ppo_update`
  where the other three call :func:`policy_update`; everything else (rollouts, GAE, baseline,
  evaluation, bookkeeping) is shared.

Introduced in Chapter 5, "TRPO".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, fields, replace
from typing import Callable

import numpy as np

from .. import _validate as v
from .. import linalg, optim
from . import envs as _envs
from . import mdp as _mdp
from .estimators import LinearValue, gae, polynomial_features
from .policies import Policy
from .ppo import Adam, ppo_update
from .rollouts import collect

__all__ = ["Config", "LocalModel", "exact_model", "sampled_model", "StepInfo", "policy_update",
           "History", "run_exact", "run"]

ALGOS = ("pg", "npg", "trpo", "ppo")


@dataclass
class Config:
    """Hyperparameters of PG, NPG, TRPO and PPO, with TRPO's usual defaults."""

    algo: str = "trpo"
    """'pg' (gradient ascent), 'npg' (natural step of KL size delta), 'trpo' (npg + line search)
    or 'ppo' (clipped surrogate, Adam epochs on minibatches; run only)."""
    delta: float = 0.01
    """Trust-region radius: the mean KL divergence allowed per update (npg, trpo)."""
    lr: float = 0.1
    """Step size of vanilla gradient ascent (pg), or Adam's learning rate (ppo)."""
    damping: float = 0.1
    """lambda added to the Fisher matrix inside CG: solves (F + lambda I) s = g (npg, trpo)."""
    precondition: bool = True
    """False: the direction is s = g itself, scaled and line-searched as usual: a KL-normalised
    vanilla gradient, the trust region without the Fisher in the direction (npg, trpo)."""
    cg_iters: int = 10
    """Conjugate-gradient iterations for s = F^{-1} g."""
    backtrack_coeff: float = 0.8
    """Line-search shrink factor beta in (0, 1) (trpo)."""
    backtrack_iters: int = 10
    """Line-search trials (trpo); a rejected update leaves theta unchanged."""
    gamma: float = 0.99
    """Discount of the sampled objective (run); run_exact uses the MDP's own gamma."""
    lam: float = 0.97
    """GAE lambda (run)."""
    num_envs: int = 16
    """Environment copies stepped together (run)."""
    n_steps: int = 128
    """Steps per copy per update (run): a batch has num_envs * n_steps transitions."""
    normalize_advantages: bool = True
    """Standardise the advantages of each batch (run)."""
    clip_ratio: float = 0.2
    """PPO's clipping range epsilon: ratios outside [1 - eps, 1 + eps] stop pulling (ppo)."""
    epochs: int = 10
    """Passes over each batch (ppo)."""
    n_minibatches: int = 4
    """Minibatches per pass, each one Adam step (ppo)."""
    target_kl: float | None = None
    """Stop the epochs once the mean KL exceeds 1.5 target_kl (ppo; None: never)."""

    def __post_init__(self):
        v.check_choice("algo", self.algo, ALGOS)
        self.delta = v.check_positive("delta", self.delta, scalar=True)
        self.lr = v.check_positive("lr", self.lr, scalar=True)
        self.damping = v.check_nonnegative("damping", self.damping, scalar=True)
        self.precondition = v.check_bool("precondition", self.precondition)
        self.cg_iters = v.check_int("cg_iters", self.cg_iters, minimum=1)
        self.backtrack_coeff = v.check_open_interval("backtrack_coeff", self.backtrack_coeff, 0.0, 1.0, scalar=True)
        self.backtrack_iters = v.check_int("backtrack_iters", self.backtrack_iters, minimum=1)
        self.gamma = v.check_open_interval("gamma", self.gamma, 0.0, 1.0, scalar=True)
        self.lam = v.check_closed_interval("lam", self.lam, 0.0, 1.0, scalar=True)
        self.num_envs = v.check_int("num_envs", self.num_envs, minimum=1)
        self.n_steps = v.check_int("n_steps", self.n_steps, minimum=1)
        self.normalize_advantages = v.check_bool("normalize_advantages", self.normalize_advantages)
        self.clip_ratio = v.check_open_interval("clip_ratio", self.clip_ratio, 0.0, 1.0, scalar=True)
        self.epochs = v.check_int("epochs", self.epochs, minimum=1)
        self.n_minibatches = v.check_int("n_minibatches", self.n_minibatches, minimum=1)
        if self.target_kl is not None:
            self.target_kl = v.check_positive("target_kl", self.target_kl, scalar=True)


@dataclass
class LocalModel:
    r"""What one update needs to know about the objective near :math:`\theta_\text{old}`.

    Attributes
    ----------
    grad : ndarray of shape (d,)
        :math:`g = \nabla_\theta L_{\theta_\text{old}}(\theta)|_{\theta_\text{old}}` (the policy gradient).
    fvp : callable
        :math:`v \mapsto F(\theta_\text{old})\,v`, shape ``(d,) -> (d,)``.
    surrogate_gain : callable
        :math:`\theta \mapsto L_{\theta_\text{old}}(\theta) - L_{\theta_\text{old}}(\theta_\text{old})`.
    mean_kl : callable
        :math:`\theta \mapsto \bar D_\mathrm{KL}(\pi_{\theta_\text{old}} \| \pi_\theta)`.
    """

    grad: np.ndarray
    fvp: Callable[[np.ndarray], np.ndarray]
    surrogate_gain: Callable[[np.ndarray], float]
    mean_kl: Callable[[np.ndarray], float]

    def __post_init__(self):
        grad = v.as_float_array("grad", self.grad)
        if grad.ndim != 1 or grad.size == 0:
            raise ValueError(f"grad must have shape (d,) with d >= 1, got {grad.shape}")
        self.grad = grad
        v.check_callable("fvp", self.fvp, "v -> F v")
        v.check_callable("surrogate_gain", self.surrogate_gain, "theta -> float")
        v.check_callable("mean_kl", self.mean_kl, "theta -> float")


def exact_model(mdp, policy, theta) -> LocalModel:
    r"""The exact local model on a finite MDP: exact gradient, :math:`F_\rho`, surrogate and KL.

    Introduced in Chapter 5, "TRPO".
    """
    _mdp.check_policy_for(mdp, policy)
    theta = policy.check_theta(theta).copy()
    S = np.arange(mdp.n_states)
    d_old = mdp.state_distribution(_mdp.policy_table(mdp, policy, theta))
    F = policy.fisher_operator(theta, S, weights=d_old)
    return LocalModel(
        grad=_mdp.exact_gradient(mdp, policy, theta),
        fvp=F.matvec,
        surrogate_gain=lambda th: _mdp.exact_surrogate(mdp, policy, theta, th),
        mean_kl=lambda th: _mdp.exact_mean_kl(mdp, policy, theta, th),
    )


def sampled_model(policy, theta, states, actions, advantages, log_probs=None) -> LocalModel:
    r"""The local model estimated from ``n`` samples :math:`(s_i, a_i, \hat A_i)` drawn at :math:`\theta_\text{old}`.

    .. math::
        L(\theta) - L(\theta_\text{old}) = \frac1n\sum_i\Big(\frac{\pi_\theta(a_i|s_i)}
        {\pi_{\theta_\text{old}}(a_i|s_i)} - 1\Big)\hat A_i,\qquad
        g = \frac1n\sum_i \hat A_i\,\nabla\log\pi_{\theta_\text{old}}(a_i|s_i),

    .. math::
        F = \frac1n\sum_i F(s_i;\theta_\text{old}),\qquad
        \bar D_\mathrm{KL}(\theta) = \frac1n\sum_i D_\mathrm{KL}(\pi_{\theta_\text{old}}(\cdot|s_i)\,\|\,\pi_\theta(\cdot|s_i)).

    The Fisher matrix and the KL average over the sampled *states* but take the expectation over
    actions analytically (the "analytic" Fisher of Schulman et al. 2015, section 6), which has
    less variance than the outer products of sampled scores.

    Introduced in Chapter 5, "TRPO".
    """
    v.check_instance("policy", policy, Policy, "a fisherlab policy (e.g. fisherlab.rl.TabularSoftmax(S, A))")
    theta = policy.check_theta(theta).copy()
    states = policy.check_states(states)
    actions = policy.check_actions(actions, len(states))
    n = len(states)
    adv = v.as_float_array("advantages", advantages)
    if adv.shape != (n,):
        raise ValueError(f"advantages must have shape ({n},), one per state, got {adv.shape}")
    if log_probs is None:
        lp_old = policy.log_prob(theta, states, actions)
    else:  # a NaN here would make every surrogate NaN and TRPO reject every step
        lp_old = v.as_float_array("log_probs", log_probs)
        if lp_old.shape != (n,):
            raise ValueError(f"log_probs must have shape ({n},), one per state, got {lp_old.shape}")
        if policy.discrete and np.any(lp_old > 0):
            raise ValueError(f"log_probs must be <= 0 (log-probabilities of actions), got {lp_old.max()!r}")
    scores = policy.score(theta, states, actions)
    F = policy.fisher_operator(theta, states)

    # states and actions are validated once above; the line search calls these two a dozen times
    # per update, so they go straight to the policy's computations (still refusing a non-finite
    # result, and checking each trial theta)
    def surrogate_gain(th):
        lp = policy._finite("log pi", "theta", policy._log_prob, policy.check_theta(th), states, actions)
        return float(np.mean((np.exp(lp - lp_old) - 1.0) * adv))

    def mean_kl(th):
        return float(np.mean(policy._finite("the KL divergence", "theta", policy._kl, theta,
                                            policy.check_theta(th), states)))

    return LocalModel(grad=scores.T @ adv / len(adv), fvp=F.matvec, surrogate_gain=surrogate_gain, mean_kl=mean_kl)


@dataclass(frozen=True)
class StepInfo:
    """What one update did.

    Attributes: ``surrogate_gain`` and ``kl`` (mean KL) of the new parameter, ``grad_norm``,
    ``step_norm`` (Euclidean length of the step taken), ``n_backtracks``, ``step_fraction``
    (:math:`\\beta^k`, 1 for npg/pg, 0 when rejected), ``accepted``, ``cg_iters`` (used);
    ``clip_fraction`` (ppo only) and ``max_kl`` (the largest per-state KL of the batch; run only),
    None where they do not apply.
    """

    surrogate_gain: float
    kl: float
    grad_norm: float
    step_norm: float
    n_backtracks: int
    step_fraction: float
    accepted: bool
    cg_iters: int
    clip_fraction: float | None = None
    max_kl: float | None = None


def policy_update(theta, model: LocalModel, config: Config) -> tuple[np.ndarray, StepInfo]:
    r"""One PG, NPG or TRPO update (``config.algo``) from the local model; returns ``(theta_new, info)``.

    Introduced in Chapter 5, "TRPO".
    """
    theta, model, config = _check_update(theta, model, config)
    if config.algo == "ppo":
        raise ValueError("config.algo must be 'pg', 'npg' or 'trpo' for policy_update, got 'ppo': PPO needs the "
                         "samples themselves (fisherlab.rl.ppo.ppo_update, or run(..., config=Config(algo='ppo')))")
    g = model.grad
    n_cg = 0
    if config.algo == "pg":
        # --- the vanilla gradient step: theta + lr * g
        full_step = config.lr * g
    else:
        # --- the natural direction s = (F + damping I)^{-1} g by CG, with Fisher-vector products only
        #     (damping keeps CG well conditioned on a singular softmax Fisher; 0.1 is the cg_damping
        #     of Schulman's TRPO code, modular_rl; Martens 2010, section 4.4)
        if config.precondition:
            sol = linalg.cg(model.fvp, g, cg_iters=config.cg_iters, damping=config.damping)
            s, n_cg = sol.x, sol.n_iters
        else:  # the KL-normalised vanilla gradient: the same trust region, no Fisher in the direction
            s = g
        # --- the largest step along s inside the quadratic trust region 1/2 d^T F d <= delta
        #     (Schulman et al. 2015, appendix C: beta = sqrt(2 delta / s^T F s)); the scale uses the
        #     undamped F, so the quadratic KL of the step is delta exactly (modular_rl, Baselines
        #     and Spinning Up use s^T (F + lambda I) s here, which shortens the step)
        sFs = float(s @ model.fvp(s))
        full_step = np.sqrt(2 * config.delta / max(sFs, 1e-300)) * s
    if config.algo == "trpo":
        # --- TRPO = NPG + line search: shrink until the exact mean KL <= delta and the surrogate improves
        #     strictly (L > 0, as modular_rl; Spinning Up and Baselines accept L >= 0)
        ls = optim.backtracking_line_search(
            theta, full_step,
            lambda th: model.mean_kl(th) <= config.delta and model.surrogate_gain(th) > 0,
            backtrack_coeff=config.backtrack_coeff, backtrack_iters=config.backtrack_iters)
        theta_new, frac, n_back, ok = ls.theta, ls.step_fraction, ls.n_backtracks, ls.accepted
    else:
        theta_new, frac, n_back, ok = theta + full_step, 1.0, 0, True
    # bookkeeping
    info = StepInfo(
        surrogate_gain=model.surrogate_gain(theta_new), kl=model.mean_kl(theta_new),
        grad_norm=float(np.linalg.norm(g)), step_norm=float(np.linalg.norm(theta_new - theta)),
        n_backtracks=int(n_back), step_fraction=float(frac), accepted=bool(ok), cg_iters=int(n_cg))
    return theta_new, info


def _check_update(theta, model, config):
    """The arguments of :func:`policy_update`: a ``LocalModel``, a ``Config``, ``theta`` shaped like the gradient."""
    v.check_instance("model", model, LocalModel, "a LocalModel (from exact_model or sampled_model)")
    v.check_instance("config", config, Config, "a fisherlab.rl.algorithms.Config")
    theta = v.as_float_array("theta", theta)
    if theta.shape != model.grad.shape:
        raise ValueError(f"theta must have the shape of model.grad, {model.grad.shape}, got {theta.shape}")
    return theta, model, config


@dataclass
class History:
    """Per-update record of a run (arrays of length ``n_updates``, ``thetas`` of ``n_updates + 1``).

    Attributes
    ----------
    returns : mean return per update: the exact :math:`J(\\theta_k)` (run_exact) or the mean
        undiscounted return of the training episodes completed in the batch (run; NaN if none).
    eval_returns : mean deterministic evaluation return after each update (run; NaN if skipped).
    surrogate_gain, kl, n_backtracks, step_fraction, accepted, grad_norm : see :class:`StepInfo`.
    clip_fraction : PPO's share of clipped ratios per update (ppo; empty for the others).
    max_kl : the largest per-state KL of the batch per update (run; empty for run_exact).
    env_steps : cumulative environment steps after each update (0 for run_exact).
    wall_time : cumulative seconds after each update.
    eval_cpu : cumulative CPU seconds (``time.process_time``) spent in the evaluations after each
        update (run; 0 for run_exact): the measurement's own cost, to subtract from a run's CPU time.
    thetas : parameters before the first and after every update, shape ``(n_updates + 1, d)``.
    """

    algo: str
    returns: list = field(default_factory=list)
    eval_returns: list = field(default_factory=list)
    surrogate_gain: list = field(default_factory=list)
    kl: list = field(default_factory=list)
    n_backtracks: list = field(default_factory=list)
    step_fraction: list = field(default_factory=list)
    accepted: list = field(default_factory=list)
    grad_norm: list = field(default_factory=list)
    clip_fraction: list = field(default_factory=list)
    max_kl: list = field(default_factory=list)
    env_steps: list = field(default_factory=list)
    wall_time: list = field(default_factory=list)
    eval_cpu: list = field(default_factory=list)
    thetas: list = field(default_factory=list)

    def _append(self, info: StepInfo):
        for name in ("surrogate_gain", "kl", "n_backtracks", "step_fraction", "accepted", "grad_norm",
                     "clip_fraction", "max_kl"):
            if getattr(info, name) is not None:  # clip_fraction: ppo only; max_kl: run only
                getattr(self, name).append(getattr(info, name))

    def as_arrays(self) -> "History":
        """The same history with every list turned into a numpy array."""
        out = History(self.algo)
        for f in fields(self):
            if f.name != "algo":
                setattr(out, f.name, np.asarray(getattr(self, f.name)))
        return out

    def steps_to(self, target: float) -> int | None:
        """Environment steps when ``eval_returns`` first reached ``target`` (None if never)."""
        target = v.check_scalar("target", target)
        ev = np.asarray(self.eval_returns, dtype=float)
        hit = np.flatnonzero(ev >= target)
        return int(np.asarray(self.env_steps)[hit[0]]) if hit.size else None


def _progress(total, enabled, desc):
    if not enabled:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc=desc)


def run_exact(mdp, policy, theta0, *, n_iters: int, config: Config | None = None,
              progress: bool = False) -> History:
    r"""PG / NPG / TRPO with the exact local model on a finite MDP (no sampling).

    Returns a :class:`History` whose ``returns`` are the exact :math:`J(\theta_k)`, ``k = 0..n_iters``
    (one more entry than updates: the first is the starting point).

    Introduced in Chapter 5, "TRPO".
    """
    config = Config() if config is None else v.check_instance("config", config, Config, "a fisherlab.rl.algorithms.Config")
    if config.algo == "ppo":
        raise ValueError("config.algo must be 'pg', 'npg' or 'trpo' for run_exact, got 'ppo' (PPO is sampled: use run)")
    _mdp.check_policy_for(mdp, policy)
    n_iters = v.check_int("n_iters", n_iters, minimum=0)
    progress = v.check_bool("progress", progress)
    theta = policy.check_theta(theta0, "theta0").copy()
    hist = History(config.algo)
    hist.thetas.append(theta.copy())
    hist.returns.append(_mdp.exact_objective(mdp, policy, theta))
    start = time.perf_counter()
    bar = _progress(n_iters, progress, config.algo)
    for _ in range(n_iters):
        theta, info = policy_update(theta, exact_model(mdp, policy, theta), config)
        hist._append(info)
        hist.returns.append(_mdp.exact_objective(mdp, policy, theta))
        hist.thetas.append(theta.copy())
        hist.env_steps.append(0)
        hist.wall_time.append(time.perf_counter() - start)
        hist.eval_cpu.append(0.0)
        if bar is not None:
            bar.update()
    if bar is not None:
        bar.close()
    return hist.as_arrays()


def run(env, policy, *, total_steps: int, rng: np.random.Generator, config: Config | None = None,
        theta0=None, value=None, eval_every: int = 1, eval_episodes: int = 20, eval_until: float | None = None,
        stop_at: float | None = None, progress: bool = False) -> History:
    r"""PG / NPG / TRPO / PPO from samples of a vectorised environment, with a value baseline and GAE(λ).

    Each update collects ``config.num_envs * config.n_steps`` transitions, computes GAE
    advantages with the current value baseline, updates the policy with :func:`policy_update`
    on :func:`sampled_model` (PPO: :func:`~fisherlab.rl.ppo.ppo_update` on the samples), then
    refits the baseline to the λ-returns. Every ``eval_every``
    updates the deterministic policy is evaluated on ``eval_episodes`` fresh episodes.

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    env : FiniteMDPEnv or CartPole
        Its ``num_envs`` must equal ``config.num_envs``.
    total_steps : int
        Budget of environment steps; the run stops at the first update that reaches it.
    value : LinearValue, optional
        The baseline; by default linear in the quadratic features of the observation
        (:func:`~fisherlab.rl.estimators.polynomial_features`), or a table for finite MDPs.
    eval_every : int
        Evaluate every this many updates (0: never).
    eval_until : float, optional
        Stop evaluating (but keep training) once an evaluation reaches this mean return: enough
        to measure the steps to a target, at a fraction of the cost.
    stop_at : float, optional
        Stop once an evaluation reaches this mean return.
    progress : bool
        Show a tqdm progress bar (for interactive use; off in the course's stored outputs).
    """
    config = Config() if config is None else v.check_instance("config", config, Config, "a fisherlab.rl.algorithms.Config")
    _envs.check_env(env)
    _envs.check_policy_for_env(env, policy)
    total_steps = v.check_int("total_steps", total_steps, minimum=1)
    rng = v.check_generator("rng", rng)
    eval_every = v.check_int("eval_every", eval_every, minimum=0)
    eval_episodes = v.check_int("eval_episodes", eval_episodes, minimum=1)
    eval_until = None if eval_until is None else v.check_scalar("eval_until", eval_until)
    stop_at = None if stop_at is None else v.check_scalar("stop_at", stop_at)
    progress = v.check_bool("progress", progress)
    if value is not None:
        v.check_instance("value", value, LinearValue, "a LinearValue baseline (fisherlab.rl.estimators)")
    if env.num_envs != config.num_envs:
        raise ValueError(f"env.num_envs must equal config.num_envs = {config.num_envs}, got {env.num_envs}")
    if theta0 is not None:
        theta = policy.check_theta(theta0, "theta0").copy()
    elif getattr(policy, "random_init", False):  # a network: its own child generator for the initial weights
        theta = policy.init_theta(rng=rng.spawn(1)[0])
    else:
        theta = policy.init_theta()
    if value is None:
        if isinstance(env, _envs.FiniteMDPEnv):
            value = LinearValue(np.eye(env.mdp.n_states))
        else:
            value = LinearValue(polynomial_features(2))
    hist = History(config.algo)
    hist.thetas.append(theta.copy())
    adam = Adam(policy.dim, lr=config.lr) if config.algo == "ppo" else None  # its moments persist across updates
    # evaluation draws from its own child generator, so how often (and how long) we evaluate
    # never changes the training run
    eval_rng = rng.spawn(1)[0]
    env.reset(rng=rng)
    start = time.perf_counter()
    steps = 0
    bar = _progress(total_steps, progress, config.algo)
    k = 0
    eval_cpu = 0.0
    reached = False
    while steps < total_steps:
        # --- collect a batch at theta_old
        batch = collect(env, policy, theta, config.n_steps, rng=rng)
        T, N = batch.rewards.shape
        steps += batch.n_steps
        obs_flat = batch.obs.reshape(((T + 1) * N,) + batch.obs.shape[2:])
        values = value.predict(obs_flat).reshape(T + 1, N)
        # --- advantages by GAE(lambda) (Schulman et al. 2016)
        adv = gae(batch.rewards, values, batch.terminated, batch.truncated, gamma=config.gamma, lam=config.lam)
        mask = batch.valid.ravel()
        adv_v = adv.ravel()[mask]
        targets = (adv + values[:-1]).ravel()[mask]  # lambda-returns, the baseline's regression targets
        if config.normalize_advantages and adv_v.size > 1:
            # standardised advantages: a per-batch rescaling used by Schulman's TRPO code (modular_rl);
            # it changes the gradient's length, not its direction
            adv_v = (adv_v - adv_v.mean()) / (adv_v.std() + 1e-8)
        states = obs_flat[: T * N][mask]
        actions = batch.actions.reshape((T * N,) + batch.actions.shape[2:])[mask]
        lp_old = batch.log_probs.ravel()[mask]
        if config.algo == "ppo":
            # --- the PPO update: Adam epochs on the clipped surrogate of this batch
            theta_new, pinfo = ppo_update(policy, theta, states, actions, adv_v, lp_old, optimizer=adam,
                                          clip_ratio=config.clip_ratio, epochs=config.epochs,
                                          n_minibatches=min(config.n_minibatches, len(states)),
                                          target_kl=config.target_kl, rng=rng)
            info = StepInfo(surrogate_gain=pinfo.surrogate_gain, kl=pinfo.kl, grad_norm=pinfo.grad_norm,
                            step_norm=pinfo.step_norm, n_backtracks=0, step_fraction=1.0, accepted=True,
                            cg_iters=0, clip_fraction=pinfo.clip_fraction, max_kl=pinfo.max_kl)
            theta = theta_new
        else:
            # --- the policy update (pg / npg / trpo)
            model = sampled_model(policy, theta, states, actions, adv_v, log_probs=lp_old)
            theta_new, info = policy_update(theta, model, config)
            info = replace(info, max_kl=float(policy._kl(theta, theta_new, states).max()))  # worst state
            theta = theta_new
        # --- bookkeeping: baseline refit, evaluation, history
        value.fit(states, targets)
        k += 1
        hist._append(info)
        hist.returns.append(float(batch.episode_returns.mean()) if batch.episode_returns.size else np.nan)
        ev = np.nan
        if eval_every and k % eval_every == 0 and not reached:
            t_eval = time.process_time()
            ev = float(_envs.evaluate(env, policy, theta, n_episodes=eval_episodes, rng=eval_rng).mean())
            eval_cpu += time.process_time() - t_eval
        reached = reached or (eval_until is not None and ev >= eval_until)
        hist.eval_returns.append(ev)
        hist.env_steps.append(steps)
        hist.thetas.append(theta.copy())
        hist.wall_time.append(time.perf_counter() - start)
        hist.eval_cpu.append(eval_cpu)
        if bar is not None:
            bar.update(batch.n_steps)
        if stop_at is not None and ev >= stop_at:
            break
    if bar is not None:
        bar.close()
    return hist.as_arrays()
