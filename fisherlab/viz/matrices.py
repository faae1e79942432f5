"""Figures of Chapter 2, "The Fisher information matrix".

The ellipse of a symmetric positive definite matrix (from its eigen-decomposition) is the one
reusable routine; every other figure draws what a family's own ``log_likelihood``, ``score``
and ``fisher_exact`` return, and what the estimators of :mod:`fisherlab.estimators` compute.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import _validate as v
from ..estimators import MatrixErrorCurve, directional_information
from ..families import Family
from .animation import animate
from .style import ESTIMATE, INFORMATIVE, NEUTRAL, TRUTH, UNINFORMATIVE, check_ax, check_axes, check_series, check_text

__all__ = [
    "ellipse_points",
    "draw_ellipse",
    "parameter_grid",
    "loglik_contours",
    "observation_ellipses",
    "score_histogram",
    "score_field",
    "direction_slices",
    "directional_polar",
    "directional_animation",
    "direction_panels",
    "direction_explorer",
    "mc_error_loglog",
    "null_direction",
]


# ---- the ellipse of an SPD matrix ---------------------------------------------------------
def ellipse_points(A, *, radius=1.0, center=None, inverse=False, n_points=200) -> np.ndarray:
    r"""Points on the ellipse of a 2 x 2 symmetric positive definite matrix :math:`A`.

    With the eigen-decomposition :math:`A = V \operatorname{diag}(\lambda_1, \lambda_2) V^\top`:

    * ``inverse=False`` (a covariance ellipse): :math:`\{x : (x-c)^\top A^{-1}(x-c) = r^2\}`,
      half-axes :math:`r\sqrt{\lambda_i}` along the eigenvectors :math:`v_i`. For the
      covariance of the score vectors (the Fisher matrix) at :math:`r = 2` it holds about 86%
      of Gaussian scores (:math:`1 - e^{-r^2/2}`).
    * ``inverse=True`` (a metric ball): :math:`\{x : (x-c)^\top A (x-c) = r^2\}`, half-axes
      :math:`r/\sqrt{\lambda_i}`. The trust region :math:`\tfrac12\Delta^\top F\Delta = \delta`
      is ``ellipse_points(F, radius=sqrt(2 * delta), inverse=True)``.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    A : array of shape (2, 2)
        Symmetric positive definite.
    radius : float
        :math:`r > 0`.
    center : array of shape (2,), optional
        Centre :math:`c` (default the origin).
    inverse : bool
        Which of the two ellipses.
    n_points : int
        Number of points, >= 4.

    Returns
    -------
    ndarray of shape (n_points, 2)
        A closed curve (the first point is repeated at the end).
    """
    A = v.check_symmetric_positive_definite("A", A)
    v.check_shape("A", A, (2, 2))
    radius = float(v.check_positive("radius", radius, scalar=True))
    n_points = v.check_int("n_points", n_points, minimum=4)
    c = np.zeros(2) if center is None else v.as_float_array("center", center)
    v.check_shape("center", c, (2,))
    v.check_bool("inverse", inverse)
    lam, V = np.linalg.eigh(A)  # A = V diag(lam) V^T
    half = radius / np.sqrt(lam) if inverse else radius * np.sqrt(lam)
    t = np.linspace(0.0, 2 * np.pi, n_points)
    circle = np.stack([np.cos(t), np.sin(t)], axis=-1)  # (n, 2)
    return c + (circle * half) @ V.T


def draw_ellipse(ax, A, *, radius: float = 1.0, center=None, inverse: bool = False, axes_lines: bool = False, **kw):
    """Draw :func:`ellipse_points` on ``ax`` (keyword arguments go to ``ax.plot``); with
    ``axes_lines`` also its two principal half-axes. Returns the line.

    Introduced in Chapter 2, "The Fisher information matrix".
    """
    check_ax(ax, optional=False)
    v.check_bool("axes_lines", axes_lines)
    pts = ellipse_points(A, radius=radius, center=center, inverse=inverse)
    (line,) = ax.plot(pts[:, 0], pts[:, 1], **kw)
    if axes_lines:
        c = np.zeros(2) if center is None else np.asarray(center, dtype=float)
        lam, V = np.linalg.eigh(np.asarray(A, dtype=float))
        half = radius / np.sqrt(lam) if inverse else radius * np.sqrt(lam)
        for h, vec in zip(half, V.T):
            ax.plot(*np.stack([c, c + h * vec]).T, color=line.get_color(), lw=1, ls=":")
    return line


def parameter_grid(center, half_width, n: int = 121):
    """A square grid around ``center``: returns ``(T1, T2, theta)`` with ``theta`` of shape
    ``(n, n, 2)`` for family methods and ``T1, T2`` for ``contour``.

    Introduced in Chapter 2, "The Fisher information matrix".
    """
    c = v.as_float_array("center", center)
    v.check_shape("center", c, (2,))
    hw = v.check_positive("half_width", half_width)
    if hw.shape not in ((), (1,), (2,)):
        raise ValueError(f"half_width must be one number or one per coordinate (shape (2,)), got shape {hw.shape}")
    hw = np.broadcast_to(hw, (2,))
    v.check_int("n", n, minimum=2)
    t1 = np.linspace(c[0] - hw[0], c[0] + hw[0], n)
    t2 = np.linspace(c[1] - hw[1], c[1] + hw[1], n)
    T1, T2 = np.meshgrid(t1, t2)
    return T1, T2, np.stack([T1, T2], axis=-1)


def _check_2d(family, name: str = "family"):
    v.check_instance(name, family, Family, "a fisherlab Family with dim == 2 (e.g. fisherlab.GaussianMean(cov))")
    if family.dim != 2:
        raise ValueError(f"{name} must be a fisherlab Family with dim == 2 (a parameter plane), got dim == {family.dim}")


def _obs(family, name: str, x, *, one: bool = False) -> np.ndarray:
    """Observations of ``family`` (``one``: a single observation), checked by the family under ``name``."""
    arr = v.as_float_array(name, x)
    if one and arr.ndim != 1:
        raise ValueError(f"{name} must be one observation (a 1-D array), got shape {arr.shape}")
    try:
        arr = family.check_x(arr[None] if one else arr)
    except ValueError as err:
        raise ValueError(f"{name} must hold observations of the family: {err}") from None
    if arr.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one observation, got none")
    return arr


def _theta(family, name: str, value) -> np.ndarray:
    """One parameter value of ``family`` (shape ``(dim,)``)."""
    arr = check_series(name, value, n=family.dim, n_of="the parameter's coordinates")
    family._check_single(arr, name)
    return arr


def _spd2(name: str, value, *, optional: bool = False):
    if value is None and optional:
        return None
    A = v.check_symmetric_positive_definite(name, value)
    return v.check_shape(name, A, (2, 2))


def _scores(name: str, value, minimum: int = 1) -> np.ndarray:
    arr = v.check_shape(name, v.as_float_array(name, value), (None, 2))
    if arr.shape[0] < minimum:
        raise ValueError(f"{name} must hold at least {minimum} score vector{'s' if minimum > 1 else ''}, "
                         f"got {arr.shape[0]}")
    return arr


def _pair_of_axes(axes, name: str = "axes"):
    if axes is None:
        raise v.ArgumentTypeError(f"{name} must be a pair of matplotlib Axes, got None")
    check_axes(axes, 2, name)
    return axes


def _labels(ax, family, prefix=""):
    ax.set_xlabel(f"${prefix}{family.param_tex[0]}$")
    ax.set_ylabel(f"${prefix}{family.param_tex[1]}$")


# ---- Figures a and b: log-likelihood contours and gradients in the parameter plane ----------
def loglik_contours(ax, family: Family, x_obs, theta_true, *, point=None, half_width=3.0, levels: int = 12,
                    arrow_scale: float = 0.5):
    r"""Contours of the log-likelihood :math:`\theta \mapsto \ell(\theta; x)` of one observation
    in the parameter plane, the true parameter, and the gradient (score) at ``point``.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    family : Family
        A family with ``dim == 2``.
    x_obs : array of shape (k,)
        One observation.
    theta_true : array of shape (2,)
    point : array of shape (2,), optional
        Where to draw the gradient vector :math:`s(\theta; x)` (scaled by ``arrow_scale``).

    Returns
    -------
    ndarray of shape (2,) or None
        The score at ``point``.
    """
    check_ax(ax, optional=False)
    _check_2d(family)
    _obs(family, "x_obs", x_obs, one=True)
    _theta(family, "theta_true", theta_true)
    if point is not None:
        _theta(family, "point", point)
    v.check_positive("half_width", half_width)
    v.check_int("levels", levels, minimum=1)
    v.check_scalar("arrow_scale", arrow_scale)
    theta_true = np.asarray(theta_true, dtype=float)
    T1, T2, grid = parameter_grid(theta_true, half_width)
    ll = family.log_likelihood(grid.reshape(-1, 2), x_obs)[:, 0].reshape(T1.shape)
    cs = ax.contour(T1, T2, ll, levels=levels, cmap="Blues_r", linewidths=1)
    ax.clabel(cs, fontsize=7, fmt="%.1f", inline=True)
    ax.plot(*theta_true, "*", color=TRUTH, ms=14, label=r"true $\theta^*$", zorder=5)
    out = None
    if point is not None:
        point = np.asarray(point, dtype=float)
        out = family.score(point, x_obs)[0]
        ax.plot(*point, "o", color=ESTIMATE, ms=6, zorder=5)
        ax.annotate("", xy=point + arrow_scale * out, xytext=point,
                    arrowprops=dict(arrowstyle="-|>", shrinkA=0, shrinkB=0, color=ESTIMATE, lw=2))
        ax.plot([], [], color=ESTIMATE, lw=2, label=r"gradient $\nabla_\theta\ell(\theta; x)$")
    ax.set_aspect("equal")
    _labels(ax, family)
    ax.legend(loc="upper left")
    return out


def observation_ellipses(ax, family: Family, x, theta_true, *, half_width=3.5, drop: float = 2.0,
                         arrow_scale: float = 0.25):
    r"""One log-likelihood contour per observation (the level :math:`\max\ell - \text{drop}`)
    and each observation's gradient vector at the true parameter.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    family : Family
        A family with ``dim == 2``.
    x : array of shape (n, k)
        Observations.
    theta_true : array of shape (2,)
    drop : float
        Each contour is drawn ``drop`` below its own maximum (over the grid).

    Returns
    -------
    ndarray of shape (n, 2)
        The scores at the truth.
    """
    check_ax(ax, optional=False)
    _check_2d(family)
    _obs(family, "x", x)
    _theta(family, "theta_true", theta_true)
    v.check_positive("half_width", half_width)
    v.check_positive("drop", drop, scalar=True)
    v.check_scalar("arrow_scale", arrow_scale)
    theta_true = np.asarray(theta_true, dtype=float)
    T1, T2, grid = parameter_grid(theta_true, half_width, n=71)
    ll = family.log_likelihood(grid.reshape(-1, 2), x).reshape(T1.shape + (-1,))  # (g, g, n)
    for i in range(ll.shape[-1]):
        ax.contour(T1, T2, ll[..., i], levels=[ll[..., i].max() - drop], colors=[NEUTRAL], linewidths=0.8, alpha=0.6,
                   linestyles="solid")
    s = family.score(theta_true, x)
    for si in s:
        ax.annotate("", xy=theta_true + arrow_scale * si, xytext=theta_true,
                    arrowprops=dict(arrowstyle="-|>", shrinkA=0, shrinkB=0, color=INFORMATIVE, lw=1, alpha=0.7))
    ax.plot(*theta_true, "*", color=TRUTH, ms=14, zorder=5, label=r"true $\theta^*$")
    ax.plot([], [], color=NEUTRAL, lw=0.8, label=r"one contour of $\ell(\theta; x_i)$ per observation")
    ax.plot([], [], color=INFORMATIVE, lw=1, label=r"gradients $s(\theta^*; x_i)$")
    ax.set_aspect("equal")
    _labels(ax, family)
    ax.legend(loc="upper left")
    return s


# ---- Figures c and d: the distribution of the score vectors -------------------------------
def score_histogram(ax, scores, *, fisher=None, extent: float = 6.0, bins: int = 50, radius: float = 2.0,
                    title=None, family: Family | None = None):
    r"""2-D histogram of score vectors, with optional covariance ellipses.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    scores : array of shape (N, 2)
        Score vectors :math:`s(\theta; x_i)`.
    fisher : array of shape (2, 2), optional
        Draw its covariance ellipse (:func:`ellipse_points`, radius ``radius``) centred at 0,
        together with the ellipse of the sample covariance of ``scores`` about their mean.
    extent : float
        The axes show ``[-extent, extent]^2``.

    Returns
    -------
    ndarray of shape (2,)
        The sample mean of the scores.
    """
    check_ax(ax, optional=False)
    scores = _scores("scores", scores, 1 if fisher is None else 2)
    _spd2("fisher", fisher, optional=True)
    v.check_positive("extent", extent, scalar=True)
    v.check_int("bins", bins, minimum=1)
    v.check_positive("radius", radius, scalar=True)
    check_text("title", title)
    if family is not None:
        _check_2d(family)
    edges = np.linspace(-extent, extent, bins + 1)
    ax.hist2d(scores[:, 0], scores[:, 1], bins=[edges, edges], cmap="Greys")
    mean = scores.mean(axis=0)
    ax.axhline(0, color=NEUTRAL, lw=0.6)
    ax.axvline(0, color=NEUTRAL, lw=0.6)
    ax.plot(*mean, "P", color=TRUTH, ms=9, label=f"mean score ({mean[0]:.2f}, {mean[1]:.2f})", zorder=5)
    if fisher is not None:
        draw_ellipse(ax, fisher, radius=radius, color=INFORMATIVE, lw=2.2, axes_lines=True,
                     label=rf"exact $F$: $s^\top F^{{-1}} s = {radius:g}^2$")
        cov = np.cov(scores.T)
        draw_ellipse(ax, cov, radius=radius, center=mean, color=ESTIMATE, lw=1.5, ls="--",
                     label="covariance of the sampled scores")
    ax.set_xlim(-extent, extent)
    ax.set_ylim(-extent, extent)
    ax.set_aspect("equal")
    names = family.param_tex if family is not None else (r"\theta_1", r"\theta_2")
    ax.set_xlabel(rf"$\partial\ell/\partial {names[0]}$")
    ax.set_ylabel(rf"$\partial\ell/\partial {names[1]}$")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    return mean


def score_field(ax, family: Family, x, theta_true, grid, field, *, half_width=2.5):
    r"""The mean score as a vector field over the parameter plane,
    :math:`\theta \mapsto \bar s(\theta) = \frac1n\sum_i s(\theta; x_i)`, over contours of the
    mean log-likelihood. With :math:`x_i \sim p(\cdot;\theta^*)` it estimates
    :math:`\mathbb{E}_{\theta^*}[s(\theta; x)]`, which vanishes at :math:`\theta = \theta^*` and
    nowhere else for an identifiable family; the arrows point towards the maximum-likelihood
    estimate. The caller computes the field (``family.score(grid, x).mean(axis=-2)``); the
    figure draws it.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    family : Family
        A family with ``dim == 2``.
    x : array of shape (n, k)
        Observations drawn at the truth (the first 500 set the contours).
    theta_true : array of shape (2,)
    grid : array of shape (m, m, 2)
        The points of the parameter plane where the arrows start.
    field : array of shape (m, m, 2)
        The mean score at each point of ``grid``.
    """
    check_ax(ax, optional=False)
    _check_2d(family)
    _obs(family, "x", x)
    _theta(family, "theta_true", theta_true)
    v.check_positive("half_width", half_width)
    theta_true = np.asarray(theta_true, dtype=float)
    grid = check_series("grid", grid, ndim=3)
    if grid.ndim != 3 or grid.shape[-1] != 2:
        raise ValueError(f"grid must have shape (m, m, 2), got {grid.shape}")
    field = v.check_shape("field", v.as_float_array("field", field), grid.shape)
    T1, T2, contour_grid = parameter_grid(theta_true, half_width, n=61)
    # the contours need few observations
    mean_ll = family.log_likelihood(contour_grid.reshape(-1, 2), x[:500]).mean(axis=-1).reshape(T1.shape)
    drops = np.array([6.0, 3.0, 1.5, 0.75, 0.25, 0.05])  # contour levels below the maximum
    ax.contour(T1, T2, mean_ll, levels=mean_ll.max() - drops, cmap="Blues_r", linewidths=0.8)
    ax.quiver(grid[..., 0], grid[..., 1], field[..., 0], field[..., 1], color=ESTIMATE, angles="xy", width=0.004)
    ax.plot(*theta_true, "*", color=TRUTH, ms=14, zorder=5, label=r"true $\theta^*$")
    ax.plot([], [], color=ESTIMATE, lw=2, label=r"mean score $\bar s(\theta)$")
    ax.set_aspect("equal")
    _labels(ax, family)
    ax.legend(loc="upper left")


# ---- Figure e: directions of information ----------------------------------------------------
def direction_slices(axes, family: Family, x, theta_true, directions, *, t_max: float = 2.0, colors=None,
                     max_curves: int = 40):
    r"""Log-likelihood curves restricted to lines :math:`t \mapsto \theta^* + t u` through the
    truth, one panel per direction: the sub-family along :math:`u` has Fisher information
    :math:`u^\top F u`, and the curves are narrower (the truth easier to locate) where it is large.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    axes : sequence of Axes
        One per direction.
    x : array of shape (n, k)
        Observations.
    directions : array of shape (m, 2)
        Directions (normalised here).

    Returns
    -------
    ndarray of shape (m,)
        The directional informations :math:`u^\top F(\theta^*) u`.
    """
    _check_2d(family)
    _obs(family, "x", x)
    _theta(family, "theta_true", theta_true)
    U = check_series("directions", directions, n=2, ndim=2, n_of="(u_1, u_2)")
    if np.any(np.linalg.norm(U, axis=1) == 0):
        raise ValueError("directions must be non-zero vectors, got a zero row")
    if axes is None:
        raise v.ArgumentTypeError(f"axes must be a sequence of {len(U)} matplotlib Axes, got None")
    check_axes(axes, len(U))
    v.check_positive("t_max", t_max, scalar=True)
    if colors is not None:
        if not isinstance(colors, (list, tuple)):
            raise v.ArgumentTypeError(f"colors must be None or a list of {len(U)} colours, got {v._describe(colors)}")
        if len(colors) != len(U):
            raise ValueError(f"colors must hold {len(U)} colours (one per direction), got {len(colors)}")
    v.check_int("max_curves", max_curves, minimum=1)
    theta_true = np.asarray(theta_true, dtype=float)
    U = np.asarray(directions, dtype=float)
    U = U / np.linalg.norm(U, axis=1, keepdims=True)
    info = directional_information(family.fisher_exact(theta_true), U)
    colors = colors or [INFORMATIVE if i == np.argmax(info) else UNINFORMATIVE for i in range(len(U))]
    t = np.linspace(-t_max, t_max, 201)
    for ax, u, inf, col in zip(axes, U, info, colors):
        ll = family.log_likelihood(theta_true + t[:, None] * u, x[:max_curves])  # (g, n)
        ll = ll - ll.max(axis=0)
        ax.plot(t, ll, color=col, lw=0.8, alpha=0.5)
        votes = t[np.argmax(ll, axis=0)]
        ax.plot(votes, np.full_like(votes, -0.2), "|", color=col, ms=10)
        ax.axvline(0, color=TRUTH, ls="--", lw=1.2)
        ax.set_ylim(-4, 0.5)
        ax.set_xlabel(r"$t$ along $\theta^* + t u$")
        ax.set_title(rf"$u = ({u[0]:.2f}, {u[1]:.2f})$: $u^\top F u = {inf:.2f}$")
    axes[0].set_ylabel(r"$\ell(\theta^* + t u; x_i) - \max$")
    return info


def directional_polar(ax, F, *, color=INFORMATIVE, label=None, n_angles: int = 361):
    r"""Polar curve :math:`\varphi \mapsto u_\varphi^\top F u_\varphi`,
    :math:`u_\varphi = (\cos\varphi, \sin\varphi)`, on a polar ``ax``; marks the largest value.

    Introduced in Chapter 2, "The Fisher information matrix".
    """
    check_ax(ax, optional=False)
    _spd2("F", F)
    check_text("label", label)
    v.check_int("n_angles", n_angles, minimum=2)
    phi = np.linspace(0, 2 * np.pi, n_angles)
    U = np.stack([np.cos(phi), np.sin(phi)], axis=-1)
    info = directional_information(F, U)
    ax.plot(phi, info, color=color, lw=2, label=label)
    k = int(np.argmax(info))
    ax.plot([phi[k], phi[k]], [0, info[k]], color=color, lw=1, ls=":")
    return phi, info


def directional_animation(F, scores, *, n_frames: int = 24, extent: float = 5.0, alt: str):
    r"""Animation: a unit direction :math:`u` rotates over the cloud of score vectors (left);
    the variance of the projections :math:`u^\top s` — the information :math:`u^\top F u` —
    is traced as a polar curve :math:`\varphi \mapsto (u_\varphi^\top F u_\varphi)\,u_\varphi`
    (right). Offline-playable HTML (:func:`fisherlab.viz.animation.animate`).

    The polar curve is drawn on ordinary axes, and the per-frame titles are plain text: both keep
    the rendering of each frame cheap (a polar projection and per-frame mathtext cost several
    times more).

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    F : array of shape (2, 2)
        The exact Fisher matrix.
    scores : array of shape (N, 2)
        Score vectors at the truth; the sample variance of :math:`u^\top s` is marked next to
        the exact curve.
    n_frames : int
        Number of directions, spread over half a turn (the curve is symmetric).
    extent : float
        The score panel shows ``[-extent, extent]^2``.
    alt : str
        Alt text of the animation.
    """
    F = v.check_symmetric_positive_definite("F", F)
    v.check_shape("F", F, (2, 2))
    scores = _scores("scores", scores)
    n_frames = v.check_int("n_frames", n_frames, minimum=2)
    v.check_positive("extent", extent, scalar=True)
    if not isinstance(alt, str) or not alt.strip():
        raise (ValueError if isinstance(alt, str) else v.ArgumentTypeError)(
            f"alt must be a non-empty string (the animation's alt text), got {v._describe(alt)}")
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(7.0, 3.4))
    pts = scores[:600]  # enough to show the cloud; every frame is an embedded PNG
    ax1.scatter(pts[:, 0], pts[:, 1], s=3, color=NEUTRAL, alpha=0.35)
    draw_ellipse(ax1, F, radius=2.0, color=INFORMATIVE, lw=1.5)
    ax1.set_xlim(-extent, extent)
    ax1.set_ylim(-extent, extent)
    ax1.set_aspect("equal")
    ax1.set_xlabel(r"$s_1$")
    ax1.set_ylabel(r"$s_2$")
    (uline,) = ax1.plot([], [], color=TRUTH, lw=2)
    (proj,) = ax1.plot([], [], ".", color=ESTIMATE, ms=2, alpha=0.5)
    phi_all = np.linspace(0, 2 * np.pi, 361)
    U_all = np.stack([np.cos(phi_all), np.sin(phi_all)], -1)
    info_all = directional_information(F, U_all)
    curve = info_all[:, None] * U_all  # the polar curve r(phi) u(phi) in Cartesian coordinates
    r_max = 1.1 * info_all.max()
    ax2.plot(curve[:, 0], curve[:, 1], color=INFORMATIVE, lw=0.8, alpha=0.3)
    (trace,) = ax2.plot([], [], color=INFORMATIVE, lw=2, label=r"exact $u^\top F u$")
    (mc,) = ax2.plot([], [], "o", color=ESTIMATE, ms=4, label=r"sample variance of $u^\top s$")
    (ray,) = ax2.plot([], [], color=TRUTH, lw=1)
    ax2.set_xlim(-r_max, r_max)
    ax2.set_ylim(-r_max, r_max)
    ax2.set_aspect("equal")
    ax2.set_xlabel(r"$(u^\top F u)\, u_1$")
    ax2.set_ylabel(r"$(u^\top F u)\, u_2$")
    ax2.legend(loc="lower left", fontsize=8)
    frames = np.linspace(0, np.pi, n_frames, endpoint=False)
    mc_points = {}
    ax1.set_title("direction u = (1.00, 0.00)")
    ax2.set_title("information along u: 0.00")

    def update(phi):
        u = np.array([np.cos(phi), np.sin(phi)])
        uline.set_data([-extent * u[0], extent * u[0]], [-extent * u[1], extent * u[1]])
        p = pts @ u
        proj.set_data(p * u[0], p * u[1])
        done = phi_all <= phi + 1e-12
        gap = np.full((1, 2), np.nan)  # break the line between the two halves
        both = np.concatenate([curve[done], gap, -curve[done]])  # r(phi + pi) = r(phi)
        trace.set_data(both[:, 0], both[:, 1])
        ray.set_data([-r_max * u[0], r_max * u[0]], [-r_max * u[1], r_max * u[1]])
        mc_points[float(phi)] = float(np.mean((scores @ u) ** 2)) * u
        xy = np.array([val for key, val in mc_points.items() if key <= phi + 1e-12])
        mc.set_data(np.concatenate([xy[:, 0], -xy[:, 0]]), np.concatenate([xy[:, 1], -xy[:, 1]]))
        info = float(u @ F @ u)
        ax1.set_title(f"direction u = ({u[0]:.2f}, {u[1]:.2f})")
        ax2.set_title(f"information along u: {info:.2f}")
        return uline, proj, trace, mc, ray

    fig.tight_layout()
    return animate(fig, update, frames, alt=alt)


def direction_panels(axes, cov, angle_deg: float, *, n_samples: int = 5000, seed: int = 0):
    r"""Two panels for a Gaussian mean with covariance ``cov`` (so :math:`F = \Sigma^{-1}`):
    the histogram of score vectors at the truth with the Fisher ellipse and a direction
    :math:`u` at ``angle_deg`` (left), and the polar curve of :math:`u^\top F u` with the
    current direction, its exact information and the sample variance of :math:`u^\top s`
    (right). The static view of :func:`direction_explorer`.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    axes : pair of Axes
    cov : array of shape (2, 2)
        Covariance :math:`\Sigma`, symmetric positive definite.
    angle_deg : float
        Direction of :math:`u = (\cos\varphi, \sin\varphi)`, in degrees.
    n_samples : int
        Number of scores drawn (from ``numpy.random.default_rng(seed)``).

    Returns
    -------
    tuple of float
        The exact :math:`u^\top F u` and the sample variance of :math:`u^\top s`.
    """
    from ..families import GaussianMean

    _pair_of_axes(axes)
    _spd2("cov", cov)
    v.check_scalar("angle_deg", angle_deg)
    v.check_int("n_samples", n_samples, minimum=1)
    v.check_int("seed", seed, minimum=0)
    family = GaussianMean(cov)
    F = family.fisher_exact([0.0, 0.0])
    scores = family.score([0.0, 0.0], family.sample([0.0, 0.0], n_samples, rng=np.random.default_rng(seed)))
    phi = np.deg2rad(float(angle_deg))
    u = np.array([np.cos(phi), np.sin(phi)])
    info = float(u @ F @ u)
    sample = float(np.mean((scores @ u) ** 2))
    lam = np.linalg.eigvalsh(F)
    extent = 2.6 * np.sqrt(lam[-1])
    ax1, ax2 = axes
    score_histogram(ax1, scores, fisher=F, extent=extent, bins=40, family=family)
    ax1.plot([-extent * u[0], extent * u[0]], [-extent * u[1], extent * u[1]], color=TRUTH, lw=2)
    ax1.set_title("scores at the truth and the direction u")
    all_phi = np.linspace(0, 2 * np.pi, 361)
    U = np.stack([np.cos(all_phi), np.sin(all_phi)], -1)
    curve = directional_information(F, U)[:, None] * U
    ax2.plot(curve[:, 0], curve[:, 1], color=INFORMATIVE, lw=2, label=r"$u^\top F u$ (polar curve)")
    ax2.plot([0, info * u[0]], [0, info * u[1]], color=TRUTH, lw=2)
    ax2.plot(*(sample * u), "o", color=ESTIMATE, ms=7, label=r"sample variance of $u^\top s$")
    r_max = 1.1 * lam[-1]
    ax2.set_xlim(-r_max, r_max)
    ax2.set_ylim(-r_max, r_max)
    ax2.set_aspect("equal")
    ax2.set_xlabel(r"$(u^\top F u)\, u_1$")
    ax2.set_ylabel(r"$(u^\top F u)\, u_2$")
    ax2.set_title(rf"$u^\top F u = {info:.2f}$ (eigenvalues {lam[0]:.2f}, {lam[1]:.2f})")
    ax2.legend(loc="lower left", fontsize=8)
    return info, sample


def direction_explorer(*, rho: float = 0.8, sigma1: float = 1.0, sigma2: float = 1.0, angle_deg: float = 45.0,
                       n_samples: int = 5000, seed: int = 0):
    r"""An ipywidgets explorer of :func:`direction_panels`: sliders for the correlation
    :math:`\rho`, the two standard deviations of the observations and the angle of :math:`u`.
    Returns the ``ipywidgets.interactive`` object (live in Jupyter or Binder).

    Introduced in Chapter 2, "The Fisher information matrix".
    """
    v.check_open_interval("rho", rho, -1.0, 1.0, scalar=True)
    v.check_positive("sigma1", sigma1, scalar=True)
    v.check_positive("sigma2", sigma2, scalar=True)
    v.check_scalar("angle_deg", angle_deg)
    v.check_int("n_samples", n_samples, minimum=1)
    v.check_int("seed", seed, minimum=0)
    import ipywidgets as widgets

    def draw(rho, sigma1, sigma2, angle_deg):
        cov = np.array([[sigma1**2, rho * sigma1 * sigma2], [rho * sigma1 * sigma2, sigma2**2]])
        fig, axes = plt.subplots(1, 2, figsize=(10, 4.6))
        direction_panels(axes, cov, angle_deg, n_samples=n_samples, seed=seed)
        fig.tight_layout()
        plt.show()

    return widgets.interactive(
        draw,
        rho=widgets.FloatSlider(value=rho, min=-0.95, max=0.95, step=0.05, description="ρ"),
        sigma1=widgets.FloatSlider(value=sigma1, min=0.3, max=2.0, step=0.1, description="σ₁"),
        sigma2=widgets.FloatSlider(value=sigma2, min=0.3, max=2.0, step=0.1, description="σ₂"),
        angle_deg=widgets.FloatSlider(value=angle_deg, min=0, max=180, step=5, description="angle of u"),
    )


# ---- Figure f: Monte Carlo error, rank deficiency ------------------------------------------
def mc_error_loglog(ax, curves, *, labels=None):
    r"""Relative error of Monte Carlo Fisher matrices against the sample size ``N`` (log-log),
    with error bars (two standard errors) and a reference line of slope :math:`-1/2`.

    Introduced in Chapter 2, "The Fisher information matrix".

    Parameters
    ----------
    curves : MatrixErrorCurve or sequence of them
        From :func:`fisherlab.estimators.fisher_mc_error`.
    """
    check_ax(ax, optional=False)
    if not isinstance(curves, (MatrixErrorCurve, list, tuple)) or (
            not isinstance(curves, MatrixErrorCurve)
            and (not curves or not all(isinstance(c, MatrixErrorCurve) for c in curves))):
        raise v.ArgumentTypeError(f"curves must be a MatrixErrorCurve or a non-empty sequence of them "
                                  f"(from fisherlab.estimators.fisher_mc_error), got {v._describe(curves)}")
    n_curves = 1 if isinstance(curves, MatrixErrorCurve) else len(curves)
    if labels is not None:
        if not isinstance(labels, (list, tuple)) or not all(isinstance(lab, str) for lab in labels):
            raise v.ArgumentTypeError(f"labels must be None or a list of strings, got {v._describe(labels)}")
        if len(labels) != n_curves:
            raise ValueError(f"labels must hold {n_curves} strings (one per curve), got {len(labels)}")
    curves = [curves] if isinstance(curves, MatrixErrorCurve) else list(curves)
    labels = labels or [f"{c.method} estimator" for c in curves]
    for c, lab, col in zip(curves, labels, (ESTIMATE, INFORMATIVE, UNINFORMATIVE)):
        ax.errorbar(c.n_samples, c.mean, yerr=2 * c.stderr, fmt="o-", color=col, capsize=3,
                    label=f"{lab} (fitted slope {c.slope:.2f})")
    c0 = curves[0]
    ref = c0.mean[0] * np.sqrt(c0.n_samples[0] / c0.n_samples)
    ax.plot(c0.n_samples, ref, "--", color=NEUTRAL, label=r"$\propto 1/\sqrt{N}$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"number of samples $N$")
    ax.set_ylabel(r"$\|\hat F_N - F\|_F \,/\, \|F\|_F$")
    ax.legend()


def null_direction(axes, family: Family, theta_true, *, half_width: float = 3.0):
    r"""The categorical family's singular Fisher matrix, in two panels.

    Left: the expected log-likelihood :math:`\theta \mapsto \mathbb{E}_{x\sim p_{\theta^*}}\ell(\theta; x)`
    on the plane through :math:`\theta^*` spanned by :math:`\mathbb 1/\sqrt k` and an
    informative eigenvector: the contours are straight lines parallel to :math:`\mathbb 1`.
    Right: the eigenvalues of :math:`F(\theta^*)`, one of them zero.

    Returns the eigenvalues of :math:`F(\theta^*)`.

    Introduced in Chapter 2, "The Fisher information matrix".
    """
    from ..families import Categorical

    _pair_of_axes(axes)
    v.check_instance("family", family, Categorical, "a fisherlab Categorical (e.g. fisherlab.Categorical(3))")
    _theta(family, "theta_true", theta_true)
    v.check_positive("half_width", half_width, scalar=True)
    ax1, ax2 = axes
    theta_true = np.asarray(theta_true, dtype=float)
    k = theta_true.size
    F = family.fisher_exact(theta_true)
    lam, V = np.linalg.eigh(F)
    one = np.ones(k) / np.sqrt(k)
    w = V[:, -1]  # the most informative direction (orthogonal to 1)
    a = np.linspace(-half_width, half_width, 121)
    A, B = np.meshgrid(a, a)
    thetas = theta_true + A[..., None] * one + B[..., None] * w
    p_true = np.exp(family.log_likelihood(theta_true, np.arange(k)))
    expected = family.log_likelihood(thetas.reshape(-1, k), np.arange(k)) @ p_true
    cs = ax1.contour(A, B, expected.reshape(A.shape), levels=14, cmap="Blues_r")
    ax1.clabel(cs, fontsize=7, fmt="%.2f")
    ax1.plot(0, 0, "*", color=TRUTH, ms=14, label=r"$\theta^*$")
    ax1.annotate("", xy=(1.5, 0), xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", shrinkA=0, shrinkB=0, color=UNINFORMATIVE, lw=2))
    ax1.annotate("", xy=(0, 1.5), xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", shrinkA=0, shrinkB=0, color=INFORMATIVE, lw=2))
    ax1.set_xlabel(r"$a$ in $\theta^* + a\,\mathbb{1}/\sqrt{k} + b\,w$ (no information)")
    ax1.set_ylabel(r"$b$ (top eigenvector $w$ of $F$)")
    ax1.set_title(r"$\mathbb{E}_{\theta^*}[\ell(\theta; x)]$ is flat along $\mathbb{1}$")
    ax1.legend(loc="upper left")
    colors = [UNINFORMATIVE if abs(x) < 1e-12 else INFORMATIVE for x in lam]
    ax2.bar(np.arange(k), np.maximum(lam, 0), color=colors)
    for i, x in enumerate(lam):
        ax2.text(i, max(x, 0) + 0.005, f"{abs(x) if abs(x) < 1e-12 else x:.3f}", ha="center", fontsize=8)
    ax2.set_xticks(np.arange(k))
    ax2.set_xlabel("eigenvalue index")
    ax2.set_ylabel(r"eigenvalue of $F = \mathrm{diag}(p) - pp^\top$")
    ax2.set_title(rf"rank $k-1 = {k - 1}$: one zero eigenvalue, eigenvector $\mathbb{{1}}$")
    return lam
