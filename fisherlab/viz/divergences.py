"""Figures of Chapter 3, "KL divergence and its Taylor expansion".

Every curve is computed by :mod:`fisherlab.divergences` (exact divergences, the quadratic
approximation, the error fit, the KL-constrained step) from the family's own code.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from .. import divergences as D
from ..families import Family
from .matrices import draw_ellipse, parameter_grid
from .style import ESTIMATE, INFORMATIVE, NEUTRAL, PALETTE, TRUTH, UNINFORMATIVE, check_ax, check_series

__all__ = [
    "kl_vs_quadratic",
    "error_loglog",
    "direction_gap",
    "local_ratios",
    "seed_check",
    "kl_contours",
    "constrained_step",
]


# ---- argument checks (a clear error before anything is drawn) -----------------------------------
def _family(family, *, dim: int | None = None):
    v.check_instance("family", family, Family, "a fisherlab Family (e.g. fisherlab.Bernoulli())")
    if dim is not None and family.dim != dim:
        raise ValueError(f"family must have dim == {dim} (a plane of steps), got dim == {family.dim}")
    return family


def _theta(family, theta):
    check_series("theta", theta, ndim=(0, 1))
    family._check_single(theta, "theta")


def _direction(family, direction):
    """A non-zero direction of the family's parameter space: a number for ``dim == 1``."""
    u = check_series("direction", direction, ndim=1 if family.dim > 1 else 0,
                     n=family.dim if family.dim > 1 else None, n_of="the parameter's coordinates")
    if not np.any(u):
        raise ValueError("direction must be non-zero, got zeros")
    return u


def _colors(colors, n: int):
    if colors is None:
        return None
    if not isinstance(colors, (list, tuple)) or not colors:
        raise v.ArgumentTypeError(f"colors must be None or a non-empty list of colours, got {v._describe(colors)}")
    return colors


def _approximation_error(name: str, value):
    return v.check_instance(name, value, D.ApproximationError,
                            "an ApproximationError (from fisherlab.divergences.approximation_error)")


def kl_vs_quadratic(ax, family: Family, theta, steps, *, direction=1.0, base=None):
    r"""Exact :math:`\mathrm{KL}(p_\theta\|p_{\theta+\Delta})`, the reverse
    :math:`\mathrm{KL}(p_{\theta+\Delta}\|p_\theta)` and the shared quadratic
    :math:`\tfrac12 F\Delta^2` along :math:`\Delta = t u` (signed steps ``t``).

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    check_ax(ax, optional=False)
    _family(family)
    _theta(family, theta)
    check_series("steps", steps)
    _direction(family, direction)
    if base is not None:
        v.check_positive("base", base, scalar=True)
        if base == 1:
            raise ValueError("base must be > 0 and != 1 (the base of the logarithm), got 1")
    t = np.asarray(steps, dtype=float)
    u = np.asarray(direction, dtype=float)
    theta = np.asarray(theta, dtype=float)
    step = theta + (t[:, None] * u if family.dim > 1 else t * u)
    fwd = D.kl(family, theta, step, base=base)
    rev = D.kl(family, step, theta, base=base)
    F = family.fisher_exact(theta)
    quad = D.quadratic_approximation(F, t[:, None] * u if family.dim > 1 else t * u)
    ax.plot(t, fwd, color=INFORMATIVE, lw=2, label=r"$\mathrm{KL}(p_\theta\,\|\,p_{\theta+\Delta})$")
    ax.plot(t, rev, color=UNINFORMATIVE, lw=2, label=r"$\mathrm{KL}(p_{\theta+\Delta}\,\|\,p_\theta)$")
    ax.plot(t, quad, "--", color=NEUTRAL, lw=1.5, label=r"$\frac{1}{2} \Delta^\top F(\theta)\Delta$")
    ax.set_xlabel(r"step $t$ ($\Delta = t\,u$)")
    ax.set_ylabel("divergence (nats)" if base is None else f"divergence (log base {base:g})")
    ax.legend()
    return fwd, rev, quad


def error_loglog(ax, results, labels, *, colors=None, reference_slope: float = 3.0):
    r"""Approximation error against the step on log-log axes, one line per
    :class:`fisherlab.divergences.ApproximationError`, with a reference line of slope 3.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    check_ax(ax, optional=False)
    if not isinstance(results, (list, tuple)) or not results:
        raise v.ArgumentTypeError(f"results must be a non-empty list of ApproximationError, got {v._describe(results)}")
    for i, res in enumerate(results):
        _approximation_error(f"results[{i}]", res)
    if not isinstance(labels, (list, tuple)) or not all(isinstance(lab, str) for lab in labels):
        raise v.ArgumentTypeError(f"labels must be a list of strings, got {v._describe(labels)}")
    if len(labels) != len(results):
        raise ValueError(f"labels must hold {len(results)} strings (one per result), got {len(labels)}")
    _colors(colors, len(results))
    v.check_scalar("reference_slope", reference_slope)
    colors = colors or PALETTE
    for res, lab, col in zip(results, labels, colors):
        ax.loglog(res.steps, res.error, "o-", color=col, ms=4, label=f"{lab} (slope {res.slope:.2f})")
    r0 = results[0]
    ref = r0.error[-1] * (r0.steps / r0.steps[-1]) ** reference_slope
    ax.loglog(r0.steps, ref, "--", color=NEUTRAL, label=rf"slope {reference_slope:g}")
    ax.set_xlabel(r"step length $t$")
    ax.set_ylabel(r"$|D - c\, t^2 u^\top F u|$")
    ax.legend(fontsize=8)


def direction_gap(ax, forward, reverse):
    r"""The gap between the two KL directions along a ray, :math:`|\mathrm{KL}(p_\theta\|p_{\theta+tu})
    - \mathrm{KL}(p_{\theta+tu}\|p_\theta)|`, next to the error of the shared quadratic, on
    log-log axes: both are third order.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".

    Parameters
    ----------
    forward, reverse : ApproximationError
        From :func:`fisherlab.divergences.approximation_error` with ``divergence="kl"`` and
        ``"reverse_kl"`` on the same steps.

    Returns
    -------
    float
        The fitted log-log slope of the gap.
    """
    check_ax(ax, optional=False)
    _approximation_error("forward", forward)
    _approximation_error("reverse", reverse)
    if forward.steps.shape != reverse.steps.shape or not np.allclose(forward.steps, reverse.steps):
        raise ValueError("reverse must have the steps of forward (the same ray, the same step lengths)")
    gap = np.abs(forward.divergence - reverse.divergence)
    slope = D.fit_loglog_slope(forward.steps, gap)
    ax.loglog(forward.steps, gap, "o-", color=PALETTE[0], ms=4,
              label=rf"$|\mathrm{{KL}}(p\|q) - \mathrm{{KL}}(q\|p)|$ (slope {slope:.2f})")
    ax.loglog(forward.steps, forward.error, "s--", color=PALETTE[1], ms=4,
              label=rf"$|\mathrm{{KL}}(p\|q) - \frac{{1}}{{2}}\Delta^\top F\Delta|$ (slope {forward.slope:.2f})")
    ax.set_xlabel(r"step length $t$")
    ax.set_ylabel("difference (nats)")
    ax.legend(fontsize=8)
    return slope


def local_ratios(ax, family: Family, theta, direction, steps, fdivs):
    r"""Ratio :math:`D_f(p_\theta\|p_{\theta+tu}) / (t^2 u^\top F u)` against the step for
    several f-divergences; each tends to :math:`f''(1)/2` (dotted lines). The direction is the
    one of :func:`fisherlab.divergences.approximation_error`, the expansion point first.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    from ..divergences import FDivergence

    check_ax(ax, optional=False)
    _family(family)
    _theta(family, theta)
    _direction(family, direction)
    check_series("steps", steps, positive=True)
    if not isinstance(fdivs, (list, tuple)) or not fdivs or not all(isinstance(f, FDivergence) for f in fdivs):
        raise v.ArgumentTypeError(f"fdivs must be a non-empty list of FDivergence (e.g. [fisherlab.divergences.KL]), "
                                  f"got {v._describe(fdivs)}")
    t = np.asarray(steps, dtype=float)
    u = np.asarray(direction, dtype=float)
    theta = np.asarray(theta, dtype=float)
    F = family.fisher_exact(theta)
    uFu = float(u @ F @ u) if family.dim > 1 else float(F) * float(u) ** 2
    step = theta + (t[:, None] * u if family.dim > 1 else t * u)
    ratios = []
    for f, col in zip(fdivs, PALETTE):
        r = D.f_divergence(family, theta, step, f) / (t**2 * uFu)
        ratios.append(r)
        ax.semilogx(t, r, "o-", ms=3, color=col, label=f"{f.name}: $f''(1)/2 = {f.f2_at_1 / 2:g}$")
        ax.axhline(f.f2_at_1 / 2, color=col, ls=":", lw=1)
    ax.set_xlabel(r"step length $t$")
    ax.set_ylabel(r"$D_f \,/\, (t^2 u^\top F u)$")
    ax.legend(fontsize=8, loc="center right", bbox_to_anchor=(1.0, 0.62))
    return np.array(ratios)


def seed_check(ax, steps, correct_ratio, note_ratio):
    r"""The two-outcome check of the source note, redone: for :math:`p = (p_0, 1-p_0)` and
    :math:`q = p - (t, -t)`, the ratio of each "approximation" to the exact KL, against :math:`t`.

    * correct: :math:`\tfrac12\Delta^\top F\Delta` with the Fisher information of the
      expansion point, :math:`\tfrac12 t^2/(p_0(1-p_0))`, over the KL in nats → 1;
    * the note's: :math:`\tfrac12(p-q)^\top\operatorname{diag}(p/q^2)(p-q)` over the KL in
      *bits* → :math:`\ln 2 \approx 0.69`, passing through 1 only by accident.

    The caller computes both ratios (arrays of the shape of ``steps``); the figure draws them.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    check_ax(ax, optional=False)
    t = check_series("steps", steps)
    correct_ratio = v.check_shape("correct_ratio", v.as_float_array("correct_ratio", correct_ratio), t.shape)
    note_ratio = v.check_shape("note_ratio", v.as_float_array("note_ratio", note_ratio), t.shape)
    ax.plot(t, correct_ratio, color=INFORMATIVE, lw=2,
            label=r"$\frac{1}{2} \Delta^\top F(p)\Delta$ / KL in nats (correct)")
    ax.plot(t, note_ratio, color=TRUTH, lw=2, label=r"$\frac{1}{2} (p-q)^\top \mathrm{diag}(p/q^2)(p-q)$ / KL in bits (note)")
    ax.axhline(1, color=NEUTRAL, lw=1)
    ax.axhline(np.log(2), color=TRUTH, lw=1, ls=":", label=r"$\ln 2$")
    ax.set_xlabel(r"$t = p_0 - q_0$")
    ax.set_ylabel("approximation / exact KL")
    ax.legend(fontsize=8)


def kl_contours(ax, family: Family, theta, deltas, *, half_width=1.0, n: int = 161, colors=None, js: bool = False):
    r"""Exact KL contours :math:`\{\Delta : \mathrm{KL}(p_\theta\|p_{\theta+\Delta}) = \delta\}`
    (solid) against the Fisher ellipses :math:`\{\Delta : \tfrac12\Delta^\top F\Delta = \delta\}`
    (dashed) in the plane of steps :math:`\Delta`, for a family with ``dim == 2``.

    With ``js=True`` the solid contours are of the Jensen–Shannon divergence at level
    :math:`\delta/4`, whose local ellipse is the same.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    check_ax(ax, optional=False)
    _family(family, dim=2)
    _theta(family, theta)
    check_series("deltas", deltas, positive=True)
    hw = v.check_positive("half_width", half_width)
    if hw.shape not in ((), (1,), (2,)):
        raise ValueError(f"half_width must be one number or one per coordinate (shape (2,)), got shape {hw.shape}")
    v.check_int("n", n, minimum=2)
    _colors(colors, 1)
    v.check_bool("js", js)
    theta = np.asarray(theta, dtype=float)
    D1, D2, grid = parameter_grid([0.0, 0.0], half_width, n=n)
    steps = theta + grid
    if family.param_names[1] == "sigma":  # keep the scale positive
        steps[..., 1] = np.maximum(steps[..., 1], 1e-3)
    values = D.js(family, theta, steps, n_nodes=24) * 4 if js else D.kl(family, theta, steps)
    F = family.fisher_exact(theta)
    colors = colors or PALETTE
    for delta, col in zip(deltas, colors):
        ax.contour(D1, D2, values, levels=[delta], colors=[col], linewidths=2)
        draw_ellipse(ax, F, radius=np.sqrt(2 * delta), inverse=True, color=col, lw=1.3, ls="--")
        ax.plot([], [], color=col, lw=2, label=rf"$\delta = {delta:g}$")
    ax.plot([], [], color=NEUTRAL, lw=2, label="exact KL" if not js else r"$4\,\mathrm{JS}$")
    ax.plot([], [], color=NEUTRAL, lw=1.3, ls="--", label=r"$\frac{1}{2}\Delta^\top F\Delta$")
    ax.plot(0, 0, "+", color=TRUTH, ms=10)
    ax.set_aspect("equal")
    ax.set_xlabel(rf"$\Delta_1$ (in ${family.param_tex[0]}$)")
    ax.set_ylabel(rf"$\Delta_2$ (in ${family.param_tex[1]}$)")
    ax.legend(loc="upper right", fontsize=8)
    return values


def constrained_step(ax, g, F, delta, *, brute=None, half_width=None):
    r"""The linear model :math:`g^\top\Delta` (level lines), the trust region
    :math:`\tfrac12\Delta^\top F\Delta \le \delta`, the Euclidean direction :math:`g` and the
    KL-constrained step :math:`\Delta^\star` of :func:`fisherlab.divergences.kl_constrained_step`,
    with an optional brute-force optimum.

    Returns :math:`\Delta^\star`.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    check_ax(ax, optional=False)
    if not np.any(check_series("g", g, n=2, n_of="the plane's coordinates")):
        raise ValueError("g must be non-zero, got zeros")
    v.check_shape("F", v.check_symmetric_positive_definite("F", F), (2, 2))
    v.check_positive("delta", delta, scalar=True)
    if brute is not None:
        check_series("brute", brute, n=2, n_of="the plane's coordinates")
    if half_width is not None:
        v.check_positive("half_width", half_width, scalar=True)
    g = np.asarray(g, dtype=float)
    F = np.asarray(F, dtype=float)
    star = D.kl_constrained_step(g, F, delta)
    hw = half_width or 1.6 * float(np.sqrt(2 * delta / np.linalg.eigvalsh(F).min()))
    D1, D2, grid = parameter_grid([0.0, 0.0], hw, n=81)
    ax.contour(D1, D2, grid @ g, levels=12, colors=[NEUTRAL], linewidths=0.6, alpha=0.6,
               linestyles="solid")
    draw_ellipse(ax, F, radius=np.sqrt(2 * delta), inverse=True, color=INFORMATIVE, lw=2,
                 label=r"$\frac{1}{2}\Delta^\top F\Delta = \delta$")
    euclid = np.sqrt(2 * delta / (g @ F @ g)) * g  # the gradient direction, scaled onto the ellipse
    ax.annotate("", xy=euclid, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", shrinkA=0, shrinkB=0, color=UNINFORMATIVE, lw=2))
    ax.annotate("", xy=star, xytext=(0, 0), arrowprops=dict(arrowstyle="-|>", shrinkA=0, shrinkB=0, color=INFORMATIVE, lw=2.5))
    ax.plot([], [], color=UNINFORMATIVE, lw=2, label=r"along $g$ (scaled to the boundary)")
    ax.plot([], [], color=INFORMATIVE, lw=2.5, label=r"$\Delta^\star \propto F^{-1}g$")
    if brute is not None:
        ax.plot(*brute, "o", mfc="none", mec=ESTIMATE, ms=12, mew=2, label="brute-force optimum")
    ax.set_aspect("equal")
    ax.set_xlabel(r"$\Delta_1$")
    ax.set_ylabel(r"$\Delta_2$")
    ax.legend(loc="lower left", fontsize=8)
    return star
