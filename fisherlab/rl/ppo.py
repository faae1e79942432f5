r"""PPO: a first-order trust region by clipping the importance ratio (Schulman et al. 2017).

TRPO bounds the step by a KL constraint and pays for it with conjugate gradient and a line
search. PPO keeps only first-order steps (Adam on minibatches, several epochs over the same
batch) and removes the incentive to move far by clipping the ratio
:math:`r_i(\theta) = \pi_\theta(a_i|s_i)/\pi_{\theta_\text{old}}(a_i|s_i)`:

.. math::
    L^\text{CLIP}(\theta) = \frac1n\sum_i \min\big(r_i(\theta)\hat A_i,\;
    \operatorname{clip}(r_i(\theta), 1-\epsilon, 1+\epsilon)\,\hat A_i\big).

Its gradient is :math:`\frac1n\sum_i \mathbb 1_i\, r_i\hat A_i\nabla\log\pi_\theta(a_i|s_i)`,
where :math:`\mathbb 1_i = 0` exactly when the clipped term is the smaller one *and* constant
(:math:`\hat A_i > 0,\ r_i > 1+\epsilon` or :math:`\hat A_i < 0,\ r_i < 1-\epsilon`): a sample
stops pulling once its ratio has moved by :math:`\epsilon` in the direction its advantage
favours. Nothing bounds the KL divergence itself; :func:`ppo_update` measures it after every
update (the exact mean over the batch's states, as for TRPO), and can stop the epochs early
when it exceeds ``1.5 * target_kl`` (the early stopping of OpenAI's Spinning Up PPO).

Departures from Schulman et al. (2017): the value baseline is the course's linear one, refitted
by least squares after each update (not a network trained on a joint loss), there is no entropy
bonus, and no gradient-norm clipping.

Introduced in Chapter 5, "TRPO" (PPO).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import _validate as v
from .policies import Policy

__all__ = ["Adam", "PPOInfo", "clipped_surrogate", "ppo_update"]


class Adam:
    r"""Adam (Kingma & Ba 2015) for *ascent* on a parameter of shape ``(d,)``.

    .. math::
        m \leftarrow \beta_1 m + (1-\beta_1)g,\quad u \leftarrow \beta_2 u + (1-\beta_2)g^2,\quad
        \theta \leftarrow \theta + \eta\,\frac{m/(1-\beta_1^t)}{\sqrt{u/(1-\beta_2^t)} + \varepsilon}.

    The moments persist across calls (and across PPO updates, as in common PPO code).

    Introduced in Chapter 5, "TRPO" (PPO).
    """

    def __init__(self, dim: int, *, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.dim = v.check_int("dim", dim, minimum=1)
        self.lr = v.check_positive("lr", lr, scalar=True)
        self.beta1 = v.check_open_interval("beta1", beta1, 0.0, 1.0, scalar=True)
        self.beta2 = v.check_open_interval("beta2", beta2, 0.0, 1.0, scalar=True)
        self.eps = v.check_positive("eps", eps, scalar=True)
        self.m = np.zeros(self.dim)
        self.u = np.zeros(self.dim)
        self.t = 0

    def step(self, theta, grad) -> np.ndarray:
        """One ascent step; returns the new ``theta`` ``(d,)``."""
        theta = v.check_shape("theta", v.as_float_array("theta", theta), (self.dim,))
        grad = v.check_shape("grad", v.as_float_array("grad", grad), (self.dim,))
        with v.quiet():
            m = self.beta1 * self.m + (1 - self.beta1) * grad
            u = self.beta2 * self.u + (1 - self.beta2) * grad**2
            v.check_result(u, "Adam's second moment", "grad")
            self.t += 1
            self.m, self.u = m, u
            m_hat = self.m / (1 - self.beta1**self.t)  # bias corrections (Kingma & Ba 2015, algorithm 1)
            u_hat = self.u / (1 - self.beta2**self.t)
            out = theta + self.lr * m_hat / (np.sqrt(u_hat) + self.eps)
        return v.check_result(out, "the Adam step", "theta and grad")


def clipped_surrogate(ratio, advantages, clip_ratio: float):
    r"""The clipped objective per sample and its active mask.

    Returns ``(objective (n,), active (n,) bool)``: :math:`\min(r\hat A,
    \operatorname{clip}(r, 1\pm\epsilon)\hat A)`, and whether its gradient is :math:`\hat A\nabla r`
    (True) or zero (False).

    Introduced in Chapter 5, "TRPO" (PPO).
    """
    ratio = v.as_float_array("ratio", ratio)
    if ratio.ndim != 1 or np.any(ratio < 0):
        raise ValueError(f"ratio must have shape (n,) with entries >= 0, got shape {ratio.shape}")
    adv = v.as_float_array("advantages", advantages)
    if adv.shape != ratio.shape:
        raise ValueError(f"advantages must have the shape of ratio, {ratio.shape}, got {adv.shape}")
    eps = v.check_open_interval("clip_ratio", clip_ratio, 0.0, 1.0, scalar=True)
    clipped = np.clip(ratio, 1 - eps, 1 + eps)
    obj = np.minimum(ratio * adv, clipped * adv)
    active = np.where(adv >= 0, ratio <= 1 + eps, ratio >= 1 - eps)
    return obj, active


@dataclass(frozen=True)
class PPOInfo:
    """What one PPO update did: ``kl`` (exact mean KL over the batch's states), ``max_kl`` (the
    largest per-state KL), ``surrogate_gain`` (the unclipped importance-sampled surrogate, as for
    TRPO), ``clip_fraction`` (share of samples whose ratio left ``[1 - eps, 1 + eps]``),
    ``n_epochs`` (epochs run, fewer after early stopping), ``grad_norm`` (the first minibatch
    gradient) and ``step_norm``."""

    kl: float
    max_kl: float
    surrogate_gain: float
    clip_fraction: float
    n_epochs: int
    grad_norm: float
    step_norm: float


def ppo_update(policy, theta, states, actions, advantages, log_probs, *, optimizer: Adam, clip_ratio: float = 0.2,
               epochs: int = 10, n_minibatches: int = 4, target_kl: float | None = None,
               rng: np.random.Generator) -> tuple[np.ndarray, PPOInfo]:
    r"""One PPO update on a batch of ``n`` samples drawn at :math:`\theta_\text{old}` = ``theta``.

    ``epochs`` passes over the batch, each in ``n_minibatches`` shuffled minibatches, each an
    ``optimizer`` (Adam) ascent step on :math:`L^\text{CLIP}` of that minibatch. With
    ``target_kl``, the epochs stop once the mean KL over the batch exceeds ``1.5 * target_kl``
    (checked after each epoch). Returns ``(theta_new (d,), PPOInfo)``.

    Introduced in Chapter 5, "TRPO" (PPO).

    Parameters
    ----------
    states, actions : arrays of ``n`` states and actions, as the policy takes them.
    advantages : array of shape (n,)
    log_probs : array of shape (n,)
        :math:`\log\pi_{\theta_\text{old}}(a_i|s_i)`.
    """
    v.check_instance("policy", policy, Policy, "a fisherlab policy (e.g. fisherlab.rl.LinearSoftmax(2, n_features=4))")
    theta_old = policy.check_theta(theta).copy()
    states = policy.check_states(states)
    n = len(states)
    actions = policy.check_actions(actions, n)
    adv = v.as_float_array("advantages", advantages)
    if adv.shape != (n,):
        raise ValueError(f"advantages must have shape ({n},), one per state, got {adv.shape}")
    lp_old = v.as_float_array("log_probs", log_probs)
    if lp_old.shape != (n,):
        raise ValueError(f"log_probs must have shape ({n},), one per state, got {lp_old.shape}")
    if policy.discrete and np.any(lp_old > 0):
        raise ValueError(f"log_probs must be <= 0 (log-probabilities of actions), got {lp_old.max()!r}")
    v.check_instance("optimizer", optimizer, Adam, "a fisherlab.rl.ppo.Adam")
    if optimizer.dim != policy.dim:
        raise ValueError(f"optimizer.dim must equal policy.dim = {policy.dim}, got {optimizer.dim}")
    clip_ratio = v.check_open_interval("clip_ratio", clip_ratio, 0.0, 1.0, scalar=True)
    epochs = v.check_int("epochs", epochs, minimum=1)
    n_minibatches = v.check_int("n_minibatches", n_minibatches, minimum=1, maximum=n)
    target_kl = None if target_kl is None else v.check_positive("target_kl", target_kl, scalar=True)
    rng = v.check_generator("rng", rng)

    try:
        with v.quiet():
            theta, info = _ppo_epochs(policy, theta_old, states, actions, adv, lp_old, optimizer, clip_ratio,
                                      epochs, n_minibatches, target_kl, rng)
    except ValueError as exc:  # an overflow inside (ratio, gradient, Adam's moments)
        raise ValueError(f"theta, advantages and log_probs must be of a size that float64 can handle: {exc}") from None
    return v.check_result(theta, "the PPO update", "theta, advantages and log_probs"), info


def _ppo_epochs(policy, theta_old, states, actions, adv, lp_old, optimizer, clip_ratio, epochs, n_minibatches,
                target_kl, rng):
    n = len(states)
    theta = theta_old.copy()
    grad_norm = None
    n_epochs = 0
    for _ in range(epochs):
        # one epoch: a random partition of the batch into minibatches
        for idx in np.array_split(rng.permutation(n), n_minibatches):
            # --- the clipped-surrogate gradient: mean of 1_i r_i A_i grad log pi(a_i|s_i)
            ratio = np.exp(policy._log_prob(theta, states[idx], actions[idx]) - lp_old[idx])
            _, active = clipped_surrogate(ratio, adv[idx], clip_ratio)
            weights = np.where(active, ratio * adv[idx], 0.0)
            g = weights @ policy._score(theta, states[idx], actions[idx]) / len(idx)
            if grad_norm is None:
                grad_norm = float(np.linalg.norm(g))
            # --- a first-order step (Adam), no trust region
            v.check_result(g, "the clipped-surrogate gradient", "theta, advantages and log_probs")
            theta = optimizer.step(theta, g)
        n_epochs += 1
        # --- early stopping on the measured KL (Spinning Up's PPO: 1.5 target_kl)
        if target_kl is not None and np.mean(policy._kl(theta_old, theta, states)) > 1.5 * target_kl:
            break
    # bookkeeping
    kl_states = policy._kl(theta_old, theta, states)
    ratio = np.exp(policy._log_prob(theta, states, actions) - lp_old)
    info = PPOInfo(kl=float(kl_states.mean()), max_kl=float(kl_states.max()),
                   surrogate_gain=float(np.mean((ratio - 1.0) * adv)),
                   clip_fraction=float(np.mean(np.abs(ratio - 1.0) > clip_ratio)), n_epochs=n_epochs,
                   grad_norm=float(grad_norm), step_norm=float(np.linalg.norm(theta - theta_old)))
    return theta, info
