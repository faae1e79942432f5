r"""The Fisher–Rao geometry of the normal family :math:`N(\mu, \sigma^2)`.

The Fisher matrix of :math:`\theta = (\mu, \sigma)` is :math:`\operatorname{diag}(1, 2)/\sigma^2`, so the
squared length of a small step is

.. math::
    ds^2 = \frac{d\mu^2 + 2\,d\sigma^2}{\sigma^2}
         = 2\,\frac{du^2 + d\sigma^2}{\sigma^2}, \qquad u = \mu/\sqrt2 :

twice the metric of Poincaré's upper half-plane :math:`\{(u, \sigma) : \sigma > 0\}`, the model
of hyperbolic geometry. Its geodesics are vertical lines and half-circles centred on the axis
:math:`\sigma = 0`, and the Fisher–Rao distance is (Costa, Santos and Strapasson 2015, eq. 8)

.. math::
    d_{FR}(\theta_1, \theta_2) = \sqrt2\,\operatorname{arccosh}\Big(1 +
    \frac{(u_1 - u_2)^2 + (\sigma_1 - \sigma_2)^2}{2\sigma_1\sigma_2}\Big).

Locally :math:`d_{FR}^2 = \Delta^\top F\Delta + O(\lVert\Delta\rVert^3)` and so
:math:`\mathrm{KL} = \tfrac12 d_{FR}^2 + O(\lVert\Delta\rVert^3)` (Chapter 3).

Introduced in Chapter 3, "KL divergence and its Taylor expansion".
"""

from __future__ import annotations

import numpy as np

from . import _validate as v

__all__ = ["normal_fisher_rao_distance", "normal_geodesic"]


def _check_normal_theta(name, theta):
    t = v.as_float_array(name, theta)
    if t.ndim == 0 or t.shape[-1] != 2:
        raise ValueError(f"{name} must have shape (..., 2) holding (mu, sigma), got shape {t.shape}")
    v.check_finite(name, t)
    if np.any(t[..., 1] <= 0):
        raise ValueError(f"{name} must have sigma = {name}[..., 1] > 0, got {v._show(t[..., 1][t[..., 1] <= 0])}")
    return t


def normal_fisher_rao_distance(theta_a, theta_b) -> np.ndarray:
    r"""Fisher–Rao distance between :math:`N(\mu_a, \sigma_a^2)` and :math:`N(\mu_b, \sigma_b^2)`.

    :math:`\sqrt2\,\operatorname{arccosh}\big(1 + \frac{(\mu_a-\mu_b)^2/2 + (\sigma_a-\sigma_b)^2}{2\sigma_a\sigma_b}\big)`,
    the length of the shortest path in the metric :math:`(d\mu^2 + 2d\sigma^2)/\sigma^2`. The
    argument of arccosh is written as :math:`1 + x` and evaluated with
    :math:`\operatorname{arccosh}(1 + x) = \log\big(1 + x + \sqrt{x(x+2)}\big)` through ``log1p``,
    so that nearby points keep their relative precision.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".

    Parameters
    ----------
    theta_a, theta_b : array of shape (..., 2)
        :math:`(\mu, \sigma)` with :math:`\sigma > 0`; broadcast together.

    Returns
    -------
    ndarray of shape (...)
    """
    a = _check_normal_theta("theta_a", theta_a)
    b = _check_normal_theta("theta_b", theta_b)
    try:
        np.broadcast_shapes(a.shape, b.shape)
    except ValueError:
        raise ValueError(f"theta_a and theta_b must have broadcastable shapes, got {a.shape} and {b.shape}") from None
    with v.quiet():
        x = (0.5 * (a[..., 0] - b[..., 0]) ** 2 + (a[..., 1] - b[..., 1]) ** 2) / (2 * a[..., 1] * b[..., 1])
        out = np.sqrt(2.0) * np.log1p(x + np.sqrt(x * (x + 2.0)))
    return v.check_result(out, "the distance", "theta_a and theta_b")


def normal_geodesic(theta_a, theta_b, n_points: int = 101) -> np.ndarray:
    r"""Points of the Fisher–Rao geodesic from :math:`\theta_a` to :math:`\theta_b`, at constant speed.

    In :math:`(u, \sigma) = (\mu/\sqrt2, \sigma)` the geodesic is a vertical segment when
    :math:`\mu_a = \mu_b` (parameterised by :math:`\log\sigma`, the hyperbolic arc length there)
    and otherwise an arc of the circle centred at :math:`(c, 0)` through both points. On the
    circle :math:`(c + R\cos\phi, R\sin\phi)` the hyperbolic arc length is
    :math:`\log\tan(\phi/2)`, so points equally spaced in it are equally spaced in distance.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".

    Parameters
    ----------
    theta_a, theta_b : array of shape (2,)
        End points :math:`(\mu, \sigma)`, :math:`\sigma > 0`.
    n_points : int
        Number of points, >= 2 (both ends included).

    Returns
    -------
    ndarray of shape (n_points, 2)
        :math:`(\mu, \sigma)` along the geodesic.
    """
    a = v.check_shape("theta_a", _check_normal_theta("theta_a", theta_a), (2,))
    b = v.check_shape("theta_b", _check_normal_theta("theta_b", theta_b), (2,))
    n_points = v.check_int("n_points", n_points, minimum=2)
    t = np.linspace(0.0, 1.0, n_points)
    with v.quiet():
        out = _geodesic(a, b, t)
    out = v.check_result(out, "the geodesic", "theta_a and theta_b")
    out[0], out[-1] = a, b  # the ends exactly
    return out


def _geodesic(a, b, t):
    ua, ub = a[0] / np.sqrt(2.0), b[0] / np.sqrt(2.0)
    scale = max(abs(ua), abs(ub), a[1], b[1])
    if abs(ua - ub) <= 1e-12 * scale:  # a vertical geodesic: log sigma moves at constant speed
        sigma = a[1] * (b[1] / a[1]) ** t
        return np.stack([a[0] + t * (b[0] - a[0]), sigma], axis=-1)  # mu moves by at most rounding
    c = (ua**2 + a[1] ** 2 - ub**2 - b[1] ** 2) / (2.0 * (ua - ub))  # centre on the axis sigma = 0
    R = np.hypot(ua - c, a[1])
    phi_a, phi_b = np.arctan2(a[1], ua - c), np.arctan2(b[1], ub - c)
    arc_a, arc_b = np.log(np.tan(phi_a / 2)), np.log(np.tan(phi_b / 2))  # hyperbolic arc length
    phi = 2.0 * np.arctan(np.exp(arc_a + t * (arc_b - arc_a)))
    out = np.stack([np.sqrt(2.0) * (c + R * np.cos(phi)), R * np.sin(phi)], axis=-1)
    return out
