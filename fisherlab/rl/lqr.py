r"""A discounted linear-quadratic regulator with a linear Gaussian policy: a continuous task whose
objective and optimum are known exactly.

Dynamics, policy and reward (state :math:`x\in\mathbb R^n`, action :math:`u\in\mathbb R^m`):

.. math::
    x_0\sim\mathcal N(0,\Sigma_0),\quad x_{t+1} = A x_t + B u_t + w_t,\ w_t\sim\mathcal N(0, W),\quad
    u_t = -K x_t + \varepsilon_t,\ \varepsilon_t\sim\mathcal N(0,\Sigma_u),\quad
    r_t = -(x_t^\top Q x_t + u_t^\top R u_t),

with :math:`\Sigma_u = \operatorname{diag}\sigma^2` fixed. The policy is
:class:`fisherlab.rl.policies.LinearGaussian` with mean :math:`W_\pi^\top x`,
:math:`W_\pi = -K^\top` (``theta = W_pi.ravel()``, see :func:`gain_to_theta`). If
:math:`\sqrt\gamma\,\rho(A - BK) < 1` the cost is finite and, with :math:`A_K = A - BK`,

.. math::
    P_K = Q + K^\top R K + \gamma A_K^\top P_K A_K \quad\text{(discrete Lyapunov equation)},

.. math::
    J(K) = -\operatorname{tr}(P_K\Sigma_0)
    - \frac{\operatorname{tr}(R\Sigma_u) + \gamma\operatorname{tr}\big(P_K(B\Sigma_uB^\top + W)\big)}{1-\gamma}.

:math:`P_K \succeq P_{K^\star}` for every stabilising :math:`K`, where :math:`K^\star` comes from
the discounted Riccati equation
:math:`P = Q + \gamma A^\top P A - \gamma^2 A^\top P B(R + \gamma B^\top P B)^{-1}B^\top P A`,
:math:`K^\star = \gamma(R+\gamma B^\top P B)^{-1}B^\top P A` (``scipy.linalg.solve_discrete_are``
on :math:`(\sqrt\gamma A, \sqrt\gamma B)`); so :math:`J^\star = J(K^\star)` is the best return of
the policy class with this :math:`\sigma` (Bertsekas 2017, ch. 3; Fazel et al. 2018).

Introduced in Chapter 7, "Policy-gradient convergence I".
"""

from __future__ import annotations

import numpy as np
import scipy.linalg

from .. import _validate as v
from .policies import LinearGaussian
from .rollouts import Episodes

__all__ = ["LQR", "gain_to_theta", "theta_to_gain", "example_lqr"]


def gain_to_theta(K) -> np.ndarray:
    r"""The policy parameter of the gain :math:`K` ``(m, n)``: ``theta = (-K.T).ravel()``, shape ``(n m,)``."""
    K = v.as_float_array("K", K)
    if K.ndim != 2 or K.size == 0:
        raise ValueError(f"K must have shape (m, n) with m, n >= 1, got {K.shape}")
    return (-K.T).ravel()


def theta_to_gain(theta, n: int, m: int) -> np.ndarray:
    r"""The gain :math:`K` ``(m, n)`` of a parameter ``theta`` ``(n m,)``."""
    n, m = v.check_int("n", n, minimum=1), v.check_int("m", m, minimum=1)
    theta = v.check_shape("theta", v.as_float_array("theta", theta), (n * m,))
    return -theta.reshape(n, m).T


class LQR:
    r"""A discounted LQR with exact objective, gradient, optimum and Fisher matrix.

    Introduced in Chapter 7, "Policy-gradient convergence I".

    Parameters
    ----------
    A : array (n, n)
        State transition matrix.
    B : array (n, m)
        Control matrix.
    Q : array (n, n)
        State cost, symmetric positive definite.
    R : array (m, m)
        Control cost, symmetric positive definite.
    gamma : float
        Discount in (0, 1).
    sigma : float or array (m,)
        Standard deviation of the policy's exploration noise, > 0.
    Sigma0 : array (n, n), optional
        Covariance of :math:`x_0` (default identity), symmetric positive definite.
    W : array (n, n), optional
        Covariance of the process noise (default 0), symmetric positive semidefinite.
    """

    def __init__(self, A, B, Q, R, *, gamma: float, sigma=0.5, Sigma0=None, W=None):
        self.A = v.check_square("A", A)
        n = self.A.shape[0]
        B = v.as_float_array("B", B)
        if B.ndim != 2 or B.shape[0] != n or B.shape[1] == 0:
            raise ValueError(f"B must have shape ({n}, m) with m >= 1, got {B.shape}")
        self.B = B
        m = B.shape[1]
        self.n, self.m = n, m
        self.Q = v.check_symmetric_positive_definite("Q", Q)
        if self.Q.shape != (n, n):
            raise ValueError(f"Q must have shape (n, n) = ({n}, {n}), as A, got {self.Q.shape}")
        self.R = v.check_symmetric_positive_definite("R", R)
        if self.R.shape != (m, m):
            raise ValueError(f"R must have shape (m, m) = ({m}, {m}), m the columns of B, got {self.R.shape}")
        self.gamma = v.check_open_interval("gamma", gamma, 0.0, 1.0, scalar=True)
        sigma = v.check_positive("sigma", sigma)
        if sigma.shape not in ((), (m,)):
            raise ValueError(f"sigma must be a number or an array of shape (m,) = ({m},), got shape {sigma.shape}")
        self.sigma = np.broadcast_to(sigma, (m,)).copy()
        self.Sigma0 = np.eye(n) if Sigma0 is None else v.check_shape(
            "Sigma0", v.check_symmetric_positive_definite("Sigma0", Sigma0), (n, n))
        W = np.zeros((n, n)) if W is None else v.check_shape("W", v.as_float_array("W", W), (n, n))
        if np.any(np.abs(W - W.T) > 1e-10 * max(1.0, np.abs(W).max())):
            raise ValueError(f"W must be symmetric, got max |W - W^T| = {np.abs(W - W.T).max():.3g}")
        if W.size and np.linalg.eigvalsh((W + W.T) / 2).min() < -1e-12:
            raise ValueError("W must be symmetric positive semidefinite")
        self.W = W
        self.Sigma_u = np.diag(self.sigma**2)

    def __repr__(self):
        return f"LQR(n={self.n}, m={self.m}, gamma={self.gamma})"

    # ---- the policy ---------------------------------------------------------------------------
    def policy(self) -> LinearGaussian:
        r"""The matching :class:`LinearGaussian` policy (states are feature vectors, fixed :math:`\sigma`)."""
        return LinearGaussian(n_features=self.n, action_dim=self.m, log_std=np.log(self.sigma))

    def gain(self, theta) -> np.ndarray:
        """The gain ``K`` (m, n) of ``theta``."""
        return theta_to_gain(theta, self.n, self.m)

    # ---- exact evaluation ---------------------------------------------------------------------
    def check_gain(self, K) -> np.ndarray:
        r"""``K`` of shape ``(m, n)`` with :math:`\sqrt\gamma\,\rho(A - BK) < 1` (finite cost)."""
        K = v.check_shape("K", v.as_float_array("K", K), (self.m, self.n))
        radius = float(np.max(np.abs(np.linalg.eigvals(self.A - self.B @ K))))
        if np.sqrt(self.gamma) * radius >= 1.0:
            raise ValueError(f"K must be stabilising: sqrt(gamma) * spectral radius of A - B K must be < 1, "
                             f"got {np.sqrt(self.gamma) * radius:.4g} (the cost is infinite)")
        return K

    def value_matrix(self, K) -> np.ndarray:
        r""":math:`P_K` solving :math:`P = Q + K^\top R K + \gamma A_K^\top P A_K`; shape ``(n, n)``."""
        K = self.check_gain(K)
        AK = self.A - self.B @ K
        # solve_discrete_lyapunov(a, q) solves X = a X a^T + q
        return scipy.linalg.solve_discrete_lyapunov(np.sqrt(self.gamma) * AK.T, self.Q + K.T @ self.R @ K)

    def _noise(self):
        return self.B @ self.Sigma_u @ self.B.T + self.W

    def objective(self, K) -> float:
        r"""Exact :math:`J(K) = -\mathbb E\sum_t\gamma^t(x_t^\top Qx_t + u_t^\top Ru_t)` (module docstring)."""
        P = self.value_matrix(K)
        const = (np.trace(self.R @ self.Sigma_u) + self.gamma * np.trace(P @ self._noise())) / (1 - self.gamma)
        return float(-np.trace(P @ self.Sigma0) - const)

    def state_moment(self, K) -> np.ndarray:
        r""":math:`\Sigma_d = (1-\gamma)\sum_t\gamma^t\mathbb E[x_tx_t^\top]`, the second moment of
        :math:`d_\rho^\pi`; solves :math:`\Sigma_d = (1-\gamma)\Sigma_0 + \gamma(A_K\Sigma_dA_K^\top
        + B\Sigma_uB^\top + W)`. Shape ``(n, n)``."""
        K = self.check_gain(K)
        AK = self.A - self.B @ K
        return scipy.linalg.solve_discrete_lyapunov(np.sqrt(self.gamma) * AK,
                                                    (1 - self.gamma) * self.Sigma0 + self.gamma * self._noise())

    def gradient(self, K) -> np.ndarray:
        r"""Exact :math:`\nabla_\theta J` in the policy's layout, shape ``(n m,)``.

        .. math::
            \nabla_K C(K) = 2\big((R + \gamma B^\top P_K B)K - \gamma B^\top P_K A\big)\,
            \frac{\Sigma_d}{1-\gamma},

        (Fazel et al. 2018, Lemma 1, with discount and noise), and
        :math:`\nabla_{W_\pi}J = (\nabla_K C)^\top` since :math:`J = -C` and :math:`W_\pi = -K^\top`.
        """
        K = self.check_gain(K)
        P = self.value_matrix(K)
        E = (self.R + self.gamma * self.B.T @ P @ self.B) @ K - self.gamma * self.B.T @ P @ self.A
        grad_K = 2 * E @ self.state_moment(K) / (1 - self.gamma)
        return grad_K.T.ravel()

    def fisher(self, K) -> np.ndarray:
        r"""Exact :math:`F_\rho = \mathbb E_{x\sim d_\rho^\pi}[\nabla\log\pi\nabla\log\pi^\top]
        = \Sigma_d\otimes\operatorname{diag}(\sigma^{-2})`; shape ``(n m, n m)``."""
        return np.kron(self.state_moment(K), np.diag(self.sigma**-2.0))

    def riccati(self):
        r"""``(P_star, K_star)``: the discounted Riccati solution and the optimal gain."""
        sg = np.sqrt(self.gamma)
        P = scipy.linalg.solve_discrete_are(sg * self.A, sg * self.B, self.Q, self.R)
        K = self.gamma * np.linalg.solve(self.R + self.gamma * self.B.T @ P @ self.B, self.B.T @ P @ self.A)
        return P, K

    def optimal_gain(self) -> np.ndarray:
        r""":math:`K^\star`; shape ``(m, n)``."""
        return self.riccati()[1]

    def optimal_objective(self) -> float:
        r""":math:`J^\star = J(K^\star)`, the best return of a linear Gaussian policy with this :math:`\sigma`."""
        return self.objective(self.optimal_gain())

    # ---- sampling -----------------------------------------------------------------------------
    def sample(self, theta, *, n_episodes: int, horizon: int, rng: np.random.Generator) -> Episodes:
        r"""``n_episodes`` trajectories of ``horizon`` steps of :meth:`policy` at ``theta``.

        States ``(N, H, n)``, actions ``(N, H, m)``, rewards ``(N, H)``. The actions are
        :math:`u_t = W_\pi^\top x_t + \sigma\odot\varepsilon_t`, exactly the law of
        ``self.policy().sample``; the loop over time does two small matrix products per step and
        the rewards are computed after it, in one vectorised pass.

        Introduced in Chapter 7, "Policy-gradient convergence I".
        """
        N = v.check_int("n_episodes", n_episodes, minimum=1)
        H = v.check_int("horizon", horizon, minimum=1)
        rng = v.check_generator("rng", rng)
        W_pi = v.check_shape("theta", v.as_float_array("theta", theta), (self.n * self.m,)).reshape(self.n, self.m)
        x = rng.standard_normal((N, self.n)) @ np.linalg.cholesky(self.Sigma0).T
        eps = rng.standard_normal((H, N, self.m)) * self.sigma
        noisy = bool(np.any(self.W))
        if noisy:
            w = rng.standard_normal((H, N, self.n)) @ np.linalg.cholesky(self.W + 1e-12 * np.eye(self.n)).T
        states = np.empty((N, H, self.n))
        actions = np.empty((N, H, self.m))
        with np.errstate(over="ignore", invalid="ignore"):
            for t in range(H):
                u = x @ W_pi + eps[t]
                states[:, t], actions[:, t] = x, u
                x = x @ self.A.T + u @ self.B.T
                if noisy:
                    x = x + w[t]
        if not (np.all(np.isfinite(states)) and np.all(np.isfinite(actions))):
            raise ValueError("theta must give finite trajectories: the sampled states overflowed "
                             "(the gain is far outside the stabilising set)")
        rewards = -(np.einsum("nhi,ij,nhj->nh", states, self.Q, states)
                    + np.einsum("nhi,ij,nhj->nh", actions, self.R, actions))
        return Episodes(states, actions, rewards, self.gamma)


def example_lqr(*, gamma: float = 0.9, sigma: float = 0.5) -> LQR:
    r"""The chapter's LQR: a damped 2-D double integrator steered by one force.

    :math:`A = \begin{pmatrix}0.95 & 0.2\\ 0 & 0.9\end{pmatrix}`, :math:`B = (0, 0.2)^\top`,
    :math:`Q = I`, :math:`R = 0.1`, :math:`\Sigma_0 = I`, no process noise. :math:`\rho(A) = 0.95`,
    so the zero gain (the starting policy) has finite cost for every :math:`\gamma < 1`.

    Introduced in Chapter 7, "Policy-gradient convergence I".
    """
    A = np.array([[0.95, 0.2], [0.0, 0.9]])
    B = np.array([[0.0], [0.2]])
    return LQR(A, B, np.eye(2), 0.1 * np.eye(1), gamma=gamma, sigma=sigma)
