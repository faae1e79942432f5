r"""Reinforcement learning on top of the Fisher machinery: MDPs, policies, rollouts, algorithms.

Used as ``fl.rl.<module>.<name>`` (``import fisherlab as fl``); the most used names are also
re-exported here (``fl.rl.FiniteMDP``, ``fl.rl.LinearSoftmax``, ...).

Modules and interfaces
----------------------
``mdp``
    :class:`~fisherlab.rl.mdp.FiniteMDP` ``(P (S, A, S), R (S, A), gamma in (0, 1), rho (S,))``
    with exact evaluation of a policy table ``pi (S, A)``: ``value`` (S,), ``q_value`` (S, A),
    ``advantage`` (S, A), ``state_distribution`` :math:`d_\rho^\pi` (S,), ``objective`` J.
    For a parametric policy: ``exact_objective(mdp, policy, theta)``, ``exact_gradient`` (d,),
    ``exact_fisher`` :math:`F_\rho(\theta)` (d, d), ``exact_fisher_vector_product`` (d,),
    ``exact_surrogate``, ``exact_mean_kl``. MDPs: ``random_mdp(S, A, rng=...)``,
    ``river_swim()``, ``gridworld()``, ``short_corridor()``.
``policies``
    :class:`~fisherlab.rl.policies.TabularSoftmax`, ``LinearSoftmax``, ``LinearGaussian``; one
    interface, parameter ``theta`` of shape (d,) first:
    ``log_prob(theta, states, actions)`` (n,), ``score`` (n, d), ``hvp_log_prob(theta, states,
    actions, vec)`` (n, d) and its dense twin ``hessian_log_prob`` (n, d, d),
    ``fisher_vector_product(theta, states, vec, weights=None)`` (d,) and its dense twin
    ``fisher`` (d, d), ``fisher_operator(theta, states, weights=None, damping=0.0)`` (a
    :class:`fisherlab.linalg.FisherOperator`), ``kl(theta_old, theta, states)`` (n,), ``sample(theta, states, rng=...)``,
    ``mode``, ``entropy``; softmax policies also ``probs`` (n, A) and ``logits``.
    ``states``: integers (n,) (tabular, or a feature table) or feature vectors (n, obs_dim);
    discrete ``actions`` integers (n,); Gaussian actions (n, action_dim).
``envs``
    Vectorised environments with one interface: ``FiniteMDPEnv`` and ``CartPole``
    (gymnasium's vectorised CartPole-v1, or its exact numpy twin); ``evaluate`` plays fresh
    episodes with the deterministic or the stochastic policy.
``rollouts``
    ``Episodes`` (N episodes of at most H steps, arrays (N, H), a mask for early ends) from
    ``sample_episodes`` (a finite MDP) or ``sample_env`` (a vectorised environment), and
    ``collect`` (a batch of T steps from a vectorised environment, arrays (T, N)).
``estimators``
    REINFORCE and GPOMDP gradients with standard errors, a linear value baseline, GAE(λ).
``mlp``
    :class:`~fisherlab.rl.mlp.MLPSoftmax`, a one-hidden-layer tanh network with a softmax head:
    the policy interface above, with the score by backpropagation and Fisher-vector products by
    one R-operator forward pass and one backward pass.
``ppo``
    PPO's clipped surrogate, ``ppo_update`` (Adam epochs on minibatches) and a small ``Adam``.
``algorithms``
    PG, NPG and TRPO, one code path with a switch (``Config(algo="pg" | "npg" | "trpo")``), and
    PPO on the same driver (``Config(algo="ppo")``, sampled runs only):
    ``policy_update(theta, model, config)`` on a ``LocalModel`` (gradient, Fisher-vector
    product, surrogate gain, mean KL) that is exact (``exact_model(mdp, policy, theta)``) or
    sampled (``sampled_model(policy, theta, states, actions, advantages)``); the loops
    ``run_exact(mdp, policy, theta0, n_iters=...)`` and ``run(env, policy, total_steps=...,
    rng=...)`` each return a :class:`~fisherlab.rl.algorithms.History`.

Introduced in Chapter 5, "TRPO"; reused in Chapter 6.
"""

from importlib import import_module

from . import mdp, policies
from . import exact_pg  # noqa: F401  (Chapter 6: exact NPG, PG, policy iteration, bounds)
from .mdp import FiniteMDP, gridworld, random_mdp, river_swim, short_corridor, short_corridor_policy
from .policies import LinearGaussian, LinearSoftmax, Policy, TabularSoftmax

_LAZY = ("envs", "rollouts", "estimators", "algorithms", "mlp", "ppo",
         "second_order", "enumeration", "lqr", "assumptions", "convergence")


def __getattr__(name):
    if name in _LAZY:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'fisherlab.rl' has no attribute {name!r}")


__all__ = ["mdp", "policies", "FiniteMDP", "random_mdp", "river_swim", "gridworld", "short_corridor",
           "short_corridor_policy",
           "Policy", "TabularSoftmax", "LinearSoftmax", "LinearGaussian"]
