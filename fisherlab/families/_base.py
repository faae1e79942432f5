"""The interface every parametric family implements.

A family is a set of densities (or mass functions) :math:`p(x;\\theta)`. Its fixed settings
(a known :math:`\\sigma`, a number of degrees of freedom) are given when the family is built;
the parameter :math:`\\theta` is passed to every method, so one family object can be evaluated
on a whole grid of parameters at once.

Shapes. ``d = family.dim`` is the number of parameters.

* ``d == 1``: ``theta`` is a float or an array of shape ``(...)``; for observations ``x`` of
  shape ``(n,)`` the log-likelihood, score and second derivative have shape ``(..., n)`` and
  the Fisher information has shape ``(...)``.
* ``d > 1``: ``theta`` has shape ``(..., d)``; log-likelihood ``(..., n)``, score
  ``(..., n, d)``, Hessian ``(..., n, d, d)``, Fisher matrix ``(..., d, d)``.

A grid of parameters is evaluated against every observation at once: for ``d == 1``,
``family.log_likelihood(mu_grid, x)`` has shape ``(len(mu_grid), n)``; for ``d > 1``, a grid
``theta`` of shape ``(g, d)`` gives ``(g, n)``.
"""

from __future__ import annotations

import abc

import numpy as np

from .. import _validate as v


class Family(abc.ABC):
    """A parametric family :math:`p(x;\\theta)` with analytic derivatives.

    Subclasses implement the ``_log_likelihood``, ``_score``, ``_hessian``, ``_fisher`` and
    ``_sample`` methods on validated float arrays; the public methods validate, broadcast and
    document.
    """

    #: number of parameters ``d``
    dim: int = 1
    #: names of the parameters, in the order of ``theta``'s last axis
    param_names: tuple[str, ...] = ("theta",)
    #: names of the parameters in LaTeX, for axis labels
    param_tex: tuple[str, ...] = (r"\theta",)

    # ---- validation ---------------------------------------------------------------------
    def check_theta(self, theta, name: str = "theta") -> np.ndarray:
        """``theta`` as a float array, checked against the parameter space.

        Raises ``ValueError`` naming the argument (``name``) and its valid range, and
        :class:`~fisherlab._validate.ArgumentTypeError` for a string, a complex number, ``None``.
        """
        name = v.check_str("name", name)
        arr = v.as_float_array(name, theta)
        if self.dim > 1 and (arr.ndim == 0 or arr.shape[-1] != self.dim):
            raise ValueError(
                f"{name} must have shape (..., {self.dim}) for ({', '.join(self.param_names)}), "
                f"got shape {arr.shape}"
            )
        return arr

    def check_x(self, x) -> np.ndarray:
        """Observations ``x`` of shape ``(n,)`` (a scalar counts as one observation)."""
        arr = v.as_float_array("x", x)
        if arr.ndim > 1:
            raise ValueError(f"x must be a 1-D array of observations of shape (n,), got shape {arr.shape}")
        return np.atleast_1d(arr)

    def _check_single(self, theta, name: str = "theta") -> np.ndarray:
        """One parameter value: shape ``()`` for ``d == 1``, ``(d,)`` otherwise."""
        theta = self.check_theta(theta, name)
        want = () if self.dim == 1 else (self.dim,)
        if theta.shape != want:
            raise ValueError(f"{name} must be a single parameter value of shape {want}, got shape {theta.shape}")
        return theta

    def _pair(self, theta, x):
        """Validated ``theta`` and ``x`` broadcast for elementwise formulas.

        For ``d == 1`` returns ``theta[..., None]`` (shape ``(..., 1)``) and ``x`` (``(n,)``).
        For ``d > 1`` returns the parameters as a tuple of ``(..., 1)`` arrays and ``x``.
        """
        theta = self.check_theta(theta)
        x = self.check_x(x)
        if self.dim == 1:
            return theta[..., None], x
        return tuple(theta[..., i, None] for i in range(self.dim)), x

    # ---- public API ---------------------------------------------------------------------
    def log_likelihood(self, theta, x) -> np.ndarray:
        r"""Log-likelihood :math:`\ell(\theta; x) = \log p(x;\theta)` of each observation.

        Shape ``(..., n)``.
        """
        t, x = self._pair(theta, x)
        with v.quiet():
            out = self._log_likelihood(t, x)
        return v.check_result(out, "the log-likelihood", "theta and x")

    def score(self, theta, x) -> np.ndarray:
        r"""Score :math:`s(\theta; x) = \nabla_\theta \log p(x;\theta)` of each observation.

        Shape ``(..., n)`` for ``d == 1``, ``(..., n, d)`` otherwise.
        """
        t, x = self._pair(theta, x)
        with v.quiet():
            out = self._score(t, x)
        return v.check_result(out, "the score", "theta and x")

    def hessian(self, theta, x) -> np.ndarray:
        r"""Second derivative :math:`\nabla^2_\theta \log p(x;\theta)` of each observation.

        Shape ``(..., n)`` for ``d == 1``, ``(..., n, d, d)`` otherwise.
        """
        t, x = self._pair(theta, x)
        with v.quiet():
            out = self._hessian(t, x)
        return v.check_result(out, "the Hessian", "theta and x")

    def fisher_exact(self, theta) -> np.ndarray:
        r"""Exact Fisher information :math:`I(\theta) = \mathbb{E}[s s^\top] = -\mathbb{E}[\nabla^2 \ell]`.

        Shape ``(...)`` for ``d == 1``, ``(..., d, d)`` otherwise.
        """
        theta = self.check_theta(theta)
        with v.quiet():
            out = self._fisher(theta)
        return v.check_result(out, "the Fisher information", "theta")

    def sample(self, theta, n_samples: int, *, rng: np.random.Generator) -> np.ndarray:
        """Draw ``n_samples`` i.i.d. observations from :math:`p(\\cdot;\\theta)`; shape ``(n_samples,)``.

        ``theta`` is one parameter value (a float for ``d == 1``, shape ``(d,)`` otherwise).
        """
        theta = self._check_single(theta)
        n_samples = v.check_int("n_samples", n_samples, minimum=1)
        rng = v.check_generator("rng", rng)
        with v.quiet():
            out = self._sample(theta, n_samples, rng)
        return v.check_result(out, "a sample", "theta")

    def mle(self, x) -> np.ndarray:
        """Maximum-likelihood estimate from observations ``x`` of shape ``(..., n)``; shape ``(...)``
        for ``d == 1``, ``(..., d)`` otherwise. Batched: each row of ``x`` is one data set, and every
        data set is validated (one observation or more each)."""
        arr = v.as_float_array("x", x)
        if arr.ndim == 0 or arr.shape[-1] < 1:
            raise ValueError(f"x must have at least one observation on its last axis, got shape {arr.shape}")
        self.check_x(arr.reshape(-1))  # every observation of every data set, not only the first
        with v.quiet():
            out = self._mle(arr)
        return v.check_result(out, "the estimate", "x")

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={val!r}" for k, val in self._settings().items())
        return f"{type(self).__name__}({settings})"

    # ---- to implement -------------------------------------------------------------------
    def _settings(self) -> dict:
        return {}

    @abc.abstractmethod
    def _log_likelihood(self, t, x): ...

    @abc.abstractmethod
    def _score(self, t, x): ...

    @abc.abstractmethod
    def _hessian(self, t, x): ...

    @abc.abstractmethod
    def _fisher(self, theta): ...

    @abc.abstractmethod
    def _sample(self, theta, n_samples, rng): ...

    def _mle(self, x):
        raise NotImplementedError(f"{type(self).__name__} has no maximum-likelihood estimator")
