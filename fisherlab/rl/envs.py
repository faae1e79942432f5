r"""Vectorised environments with one interface: finite MDPs and gymnasium's CartPole-v1.

Every environment runs ``num_envs`` copies side by side and follows gymnasium's vector-env
conventions (gymnasium 1.x, "next-step" autoreset):

* ``reset(rng=...)`` returns the first observations, shape ``(num_envs, ...)``;
* ``step(actions)`` returns ``(obs, rewards, terminated, truncated)``, each with a leading
  ``num_envs`` axis. When a copy's episode ends (``terminated`` or ``truncated``) the returned
  observation is the *final* observation of that episode (so a truncated episode can be
  bootstrapped from it); the *next* call to ``step`` ignores that copy's action, resets it and
  returns its first observation with reward 0 and both flags false. ``needs_reset`` (bool,
  ``(num_envs,)``) marks the copies whose next step is such a reset step; rollouts do not count
  it as an environment step.

The latest observations are kept in ``obs``. Completed episodes are recorded in ``episode_returns`` and ``episode_lengths`` (undiscounted).
Randomness comes from the ``rng`` given to ``reset``.

Introduced in Chapter 5, "TRPO".
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from .mdp import FiniteMDP

__all__ = ["FiniteMDPEnv", "CartPole", "evaluate"]


def check_env(env, name: str = "env"):
    """A vectorised environment: ``num_envs``, ``reset``, ``step`` and ``clone`` (a ``TypeError``
    naming the argument otherwise)."""
    needs = ("num_envs", "reset", "step", "clone")
    missing = [a for a in needs if not hasattr(env, a)]
    if missing:
        raise v.ArgumentTypeError(
            f"{name} must be a vectorised environment (fisherlab.rl.envs.FiniteMDPEnv, CartPole) with "
            f"{', '.join(needs)}; got {type(env).__name__}, which has no {missing[0]}")
    return env


def check_policy_for_env(env, policy, name: str = "policy"):
    """``policy`` is a fisherlab policy whose actions and states fit ``env``: the same number of
    actions, and its state check accepts the environment's observations (a ``TypeError`` for
    another kind of object, a ``ValueError`` naming ``policy`` for one that does not fit)."""
    from .policies import Policy

    v.check_instance(name, policy, Policy, "a fisherlab policy (e.g. fisherlab.rl.LinearSoftmax(2, n_features=4))")
    n_actions = getattr(env, "n_actions", None)
    if n_actions is not None:
        if not policy.discrete:
            raise ValueError(f"{name} must be a discrete (softmax) policy for an environment with {n_actions} "
                             f"actions, got {policy!r}")
        if policy.n_actions != n_actions:
            raise ValueError(f"{name}.n_actions must equal env.n_actions = {n_actions}, got {policy.n_actions}")
    if isinstance(env, FiniteMDPEnv):
        states = np.arange(env.mdp.n_states)
    elif hasattr(env, "obs_dim"):
        states = np.zeros((1, env.obs_dim))
    else:
        return policy
    try:
        policy.check_states(states)
    except ValueError as exc:
        raise ValueError(f"{name} must accept the observations of the environment: {exc}") from None
    return policy


class _VectorEnv:
    """Shared bookkeeping: episode returns and lengths, the reset mask."""

    num_envs: int

    def _start(self):
        self.needs_reset = np.zeros(self.num_envs, dtype=bool)
        self._ret = np.zeros(self.num_envs)
        self._len = np.zeros(self.num_envs, dtype=np.int64)
        self.episode_returns: list[float] = []
        self.episode_lengths: list[int] = []
        self.total_steps = 0  # real transitions, reset steps excluded
        self._any_reset = False

    def _record(self, rewards, terminated, truncated):
        # reset steps have reward 0 and both flags false, so they add nothing below
        self.total_steps += self.num_envs - int(np.count_nonzero(self.needs_reset))
        self._ret += rewards
        self._len += ~self.needs_reset
        done = terminated | truncated
        self._any_reset = bool(done.any())
        if self._any_reset:
            self.episode_returns.extend(self._ret[done].tolist())
            self.episode_lengths.extend(self._len[done].tolist())
            self._ret[done] = 0.0
            self._len[done] = 0
        self.needs_reset = done


class FiniteMDPEnv(_VectorEnv):
    r"""``num_envs`` copies of a :class:`~fisherlab.rl.mdp.FiniteMDP`, truncated after ``horizon`` steps.

    Observations are integer states ``(num_envs,)``; actions integers ``(num_envs,)``. Episodes
    start from :math:`\rho` and never terminate; they are truncated at ``horizon`` (choose
    :math:`\gamma^H` small, e.g. ``H = 100`` for :math:`\gamma = 0.9`, for the discounted return).

    Introduced in Chapter 5, "TRPO".
    """

    def __init__(self, mdp: FiniteMDP, num_envs: int = 8, *, horizon: int = 100):
        v.check_instance("mdp", mdp, FiniteMDP, "a FiniteMDP (e.g. fisherlab.rl.river_swim())")
        self.mdp = mdp
        self.num_envs = v.check_int("num_envs", num_envs, minimum=1)
        self.horizon = v.check_int("horizon", horizon, minimum=1)
        self.n_actions = mdp.n_actions
        self.gamma = mdp.gamma
        self._cdf = np.cumsum(mdp.P, axis=2)
        self._rho_cdf = np.cumsum(mdp.rho)
        self._rng = None

    def clone(self, num_envs: int) -> "FiniteMDPEnv":
        """A fresh environment of the same MDP with ``num_envs`` copies."""
        return FiniteMDPEnv(self.mdp, num_envs, horizon=self.horizon)

    def _draw(self, cdf, n):
        u = self._rng.random(n)[:, None]
        return np.minimum((cdf < u * cdf[..., -1:]).sum(axis=-1), self.mdp.n_states - 1)

    def reset(self, *, rng: np.random.Generator) -> np.ndarray:
        """Start every copy from :math:`s_0\\sim\\rho`; returns states ``(num_envs,)``."""
        self._rng = v.check_generator("rng", rng)
        self._start()
        self.state = self._draw(np.broadcast_to(self._rho_cdf, (self.num_envs, self.mdp.n_states)), self.num_envs)
        self.t = np.zeros(self.num_envs, dtype=np.int64)
        self.obs = self.state.copy()
        return self.obs

    def step(self, actions):
        """One step of every copy; see the module docstring for the autoreset convention."""
        if self._rng is None:
            raise ValueError("call reset(rng=...) before step")
        a = v.check_index_array("actions", actions, self.n_actions)
        if a.shape != (self.num_envs,):
            raise ValueError(f"actions must have shape ({self.num_envs},) (one per copy), got {a.shape}")
        return self._step(a)

    def _step(self, a):
        # step without checking the actions: for rollouts, whose actions come from the policy
        s = self.state
        rewards = self.mdp.R[s, a]
        nxt = self._draw(self._cdf[s, a], self.num_envs)
        self.t += 1
        terminated = np.zeros(self.num_envs, dtype=bool)
        truncated = self.t >= self.horizon
        # next-step autoreset of the copies whose episode ended at the previous step
        r = self.needs_reset
        if self._any_reset:
            nxt[r] = self._draw(np.broadcast_to(self._rho_cdf, (int(r.sum()), self.mdp.n_states)), int(r.sum()))
            self.t[r] = 0
            rewards = np.where(r, 0.0, rewards)
            truncated = truncated & ~r
        self.state = nxt
        self._record(rewards, terminated, truncated)
        self.obs = nxt.copy()
        return self.obs, rewards, terminated, truncated


class CartPole(_VectorEnv):
    r"""CartPole-v1, vectorised: gymnasium's own vector environment or an exact numpy twin.

    Observations ``(num_envs, 4)`` (cart position, cart velocity, pole angle, pole angular
    velocity) as float64; actions 0 (push left) and 1 (push right); reward 1 per step;
    episodes terminate when the pole leans more than 12° or the cart leaves [-2.4, 2.4], and
    are truncated after ``max_episode_steps`` = 500 steps (Barto, Sutton and Anderson, 1983).

    ``backend="gymnasium"`` steps ``gymnasium.make_vec("CartPole-v1", vectorization_mode=
    "vector_entry_point")``. ``backend="numpy"`` (the default) runs the same equations of motion
    and the same termination, truncation and next-step autoreset rules in a few numpy
    operations, without gymnasium's per-step checks; it is several times faster, and the tests
    hold it step for step against gymnasium's environment (same states, rewards and flags).
    The two differ only in the random numbers of the resets (gymnasium's generator is seeded
    from ``rng``; the numpy twin draws from ``rng`` itself).

    Introduced in Chapter 5, "TRPO".
    """

    obs_dim = 4
    n_actions = 2
    # physical constants of gymnasium's CartPole-v1 (gymnasium/envs/classic_control/cartpole.py)
    gravity, masscart, masspole, length, force_mag, tau = 9.8, 1.0, 0.1, 0.5, 10.0, 0.02
    theta_threshold = 12 * 2 * np.pi / 360
    x_threshold = 2.4
    _total_mass = masspole + masscart
    _thresholds = np.array([[x_threshold], [theta_threshold]])
    _polemass_length = masspole * length

    def __init__(self, num_envs: int = 16, *, max_episode_steps: int = 500, backend: str = "numpy"):
        self.num_envs = v.check_int("num_envs", num_envs, minimum=1)
        self.max_episode_steps = v.check_int("max_episode_steps", max_episode_steps, minimum=1)
        self.backend = v.check_choice("backend", backend, ("numpy", "gymnasium"))
        if backend == "gymnasium":
            import gymnasium  # the one place fisherlab needs gymnasium

            self._env = gymnasium.make_vec("CartPole-v1", num_envs=self.num_envs,
                                           vectorization_mode="vector_entry_point",
                                           max_episode_steps=self.max_episode_steps)
        self._started = False

    def clone(self, num_envs: int) -> "CartPole":
        """A fresh CartPole with ``num_envs`` copies and the same backend."""
        return CartPole(num_envs, max_episode_steps=self.max_episode_steps, backend=self.backend)

    def reset(self, *, rng: np.random.Generator) -> np.ndarray:
        """Reset every copy to a state uniform on [-0.05, 0.05]^4; returns observations ``(num_envs, 4)``."""
        rng = v.check_generator("rng", rng)
        if self.backend == "gymnasium":
            obs, _ = self._env.reset(seed=int(rng.integers(2**31 - 1)))
        else:
            self._rng = rng
            self.state = rng.uniform(-0.05, 0.05, size=(4, self.num_envs))
            self.steps = np.zeros(self.num_envs, dtype=np.int64)
            self._forces = np.array([-self.force_mag, self.force_mag])
            self._deriv = np.empty((4, self.num_envs))
            self._ones = np.ones(self.num_envs)
            obs = self.state.T.astype(np.float32)
        self._start()
        self._started = True
        self.obs = obs.astype(np.float64)
        return self.obs

    def _numpy_step(self, a):
        # the equations of motion of gymnasium's CartPoleVectorEnv.step (explicit Euler), in the
        # same order of floating-point operations, so that the states agree bit for bit
        x, x_dot, th, th_dot = self.state
        force = self._forces[a]  # -force_mag for action 0, +force_mag for action 1
        costh, sinth = np.cos(th), np.sin(th)
        temp = (force + self._polemass_length * np.square(th_dot) * sinth) / self._total_mass
        thacc = (self.gravity * sinth - costh * temp) / (
            self.length * (4.0 / 3.0 - self.masspole * np.square(costh) / self._total_mass))
        xacc = temp - self._polemass_length * thacc * costh / self._total_mass
        # explicit Euler, (x, x_dot, th, th_dot) += tau * (x_dot, xacc, th_dot, thacc): elementwise
        # the same floating-point operations as gymnasium's four separate updates
        deriv = self._deriv
        deriv[0], deriv[1], deriv[2], deriv[3] = x_dot, xacc, th_dot, thacc
        state = self.state + self.tau * deriv
        # |x| > 2.4 or |theta| > 12 degrees: the same tests as gymnasium's four comparisons
        terminated = (np.abs(state[0]) > self.x_threshold) | (np.abs(state[2]) > self.theta_threshold)
        self.steps += 1
        truncated = self.steps >= self.max_episode_steps
        rewards = self._ones.copy()
        if self._any_reset:  # next-step autoreset of the copies that finished at the previous step
            r = self.needs_reset
            state[:, r] = self._rng.uniform(-0.05, 0.05, size=(4, int(np.count_nonzero(r))))
            self.steps[r] = 0
            rewards[r] = 0.0
            terminated[r] = False
            truncated[r] = False
        self.state = state
        return state.T.astype(np.float32), rewards, terminated, truncated

    def step(self, actions):
        """One step of every copy; see the module docstring for the autoreset convention."""
        if not self._started:
            raise ValueError("call reset(rng=...) before step")
        a = v.check_index_array("actions", actions, 2)  # 0.7 is an error, never truncated to 0
        if a.shape != (self.num_envs,):
            raise ValueError(f"actions must be integers in [0, 1] of shape ({self.num_envs},), got shape {a.shape}")
        return self._step(a)

    def _step(self, a):
        # step without checking the actions: for rollouts, whose actions come from the policy
        if self.backend == "gymnasium":
            obs, rewards, terminated, truncated, _ = self._env.step(a)
            rewards = rewards.astype(np.float64)
        else:
            obs, rewards, terminated, truncated = self._numpy_step(a)
        self._record(rewards, terminated, truncated)
        self.obs = obs.astype(np.float64)
        return self.obs, rewards, terminated, truncated

    def close(self):
        if self.backend == "gymnasium":
            self._env.close()


def evaluate(env, policy, theta, *, n_episodes: int = 20, rng: np.random.Generator,
             deterministic: bool = True) -> np.ndarray:
    r"""Undiscounted returns of ``n_episodes`` fresh episodes of ``policy`` at ``theta``; shape ``(n_episodes,)``.

    Runs ``env.clone(n_episodes)`` (one copy per episode, in parallel) until every copy has
    finished its first episode. ``deterministic`` plays the most probable action (softmax) or
    the mean (Gaussian) instead of sampling.

    Introduced in Chapter 5, "TRPO".
    """
    check_env(env)
    check_policy_for_env(env, policy)
    theta = policy.check_theta(theta)
    n = v.check_int("n_episodes", n_episodes, minimum=1)
    rng = v.check_generator("rng", rng)
    deterministic = v.check_bool("deterministic", deterministic)
    ev = env.clone(n)
    obs = ev.reset(rng=rng)
    policy.check_states(obs)
    # validated once above; inside the loop the environment's own observations need no check
    act = (lambda o: policy._mode(theta, o)) if deterministic else (lambda o: policy._sample(theta, o, rng))
    returns = np.zeros(n)
    finished = np.zeros(n, dtype=bool)
    while not finished.all():
        actions = act(obs)
        obs, rewards, terminated, truncated = ev._step(actions)  # actions from the policy: no check
        returns += np.where(finished, 0.0, rewards)  # only each copy's first episode counts
        finished |= terminated | truncated
    return returns
