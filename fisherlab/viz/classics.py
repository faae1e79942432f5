"""Figures of the statistical classics in Chapters 1-3: asymptotic normality of the MLE, observed
against expected information, Wald coverage, Jeffreys' prior, the nuisance-parameter loss, and
the Fisher-Rao half-plane of the normal family.

Every function draws numbers that the caller computed in a visible cell of the chapter; none
computes a number that a chapter asserts.
"""

from __future__ import annotations

import numpy as np

from .. import _validate as v
from .matrices import ellipse_points
from .style import ESTIMATE, INFORMATIVE, NEUTRAL, TRUTH, UNINFORMATIVE, check_ax, check_dict, check_series, check_text

__all__ = ["mle_histograms", "conditional_variance", "coverage_curves", "jeffreys_panels",
           "nuisance_ellipses", "half_plane_geodesics", "half_plane_balls"]


# ---- argument checks (a clear error before anything is drawn) -----------------------------------
def _axes_list(axes, n: int, name: str = "axes") -> list:
    """At least ``n`` matplotlib Axes (one Axes, a sequence or an array of them)."""
    from matplotlib.axes import Axes

    if not isinstance(axes, (Axes, list, tuple, np.ndarray)):
        raise v.ArgumentTypeError(f"{name} must be a sequence of matplotlib Axes, got {v._describe(axes)}")
    flat = list(np.ravel(np.asarray(axes, dtype=object))) if not isinstance(axes, Axes) else [axes]
    if len(flat) < n:
        raise ValueError(f"{name} must hold at least {n} matplotlib Axes (one per panel), got {len(flat)}")
    for i, ax in enumerate(flat):
        check_ax(ax, f"{name}[{i}]", optional=False)
    return flat


def _list(name: str, value, what: str) -> list:
    if not isinstance(value, (list, tuple)) or not value:
        raise v.ArgumentTypeError(f"{name} must be a non-empty list of {what}, got {v._describe(value)}")
    return list(value)


def _tuple(name: str, value, n: int, what: str):
    if not isinstance(value, (tuple, list)) or len(value) != n:
        raise ValueError(f"{name} must be a tuple {what}, got {v._describe(value)}")
    return value


def _points(name: str, value):
    """An array of points ``(n, 2)``, at least one."""
    return check_series(name, value, ndim=2, n=2, n_of="(x, y)")


def mle_histograms(axes, panels, *, half_width: float = 4.5, bins: int = 41):
    r"""Histograms of :math:`\sqrt n(\hat\theta - \theta^*)` against the density of :math:`N(0, 1/I)`.

    ``panels`` holds one dict per axis with ``"values"`` (array), ``"variance"`` (:math:`1/I`),
    ``"title"`` and optionally ``"color"`` and ``"label"`` (of the density curve). The window is ``half_width`` standard deviations of
    the limit; values outside it are counted in the corner, not clipped into the edge bins.

    Introduced in Chapter 1, "Fisher information, by intuition".
    """
    panels = _list("panels", panels, "dicts (values, variance, title)")
    _axes_list(axes, len(panels))
    for i, panel in enumerate(panels):
        if not isinstance(panel, dict):
            raise v.ArgumentTypeError(f"panels[{i}] must be a dict with the keys values, variance and title, "
                                      f"got {v._describe(panel)}")
        if not all(k in panel for k in ("values", "variance", "title")):
            raise ValueError(f"panels[{i}] must have the keys values, variance and title, got {tuple(panel)}")
        check_series(f"panels[{i}]['values']", panel["values"], ndim=(0, 1))
        v.check_positive(f"panels[{i}]['variance']", panel["variance"], scalar=True)
        check_text(f"panels[{i}]['title']", panel["title"], optional=False)
        check_text(f"panels[{i}]['label']", panel.get("label"))
    v.check_positive("half_width", half_width, scalar=True)
    v.check_int("bins", bins, minimum=1)
    for ax, panel in zip(np.ravel(axes), panels):
        values = v.as_float_array("values", panel["values"])
        sd = float(np.sqrt(panel["variance"]))
        edges = np.linspace(-half_width * sd, half_width * sd, bins + 1)
        inside = values[(values >= edges[0]) & (values <= edges[-1])]
        # density of the whole sample, drawn over the window only
        ax.hist(inside, bins=edges, weights=np.full(inside.size, 1.0 / (values.size * np.diff(edges)[0])),
                color=panel.get("color", INFORMATIVE), alpha=0.6, label="simulation")
        grid = np.linspace(edges[0], edges[-1], 301)
        ax.plot(grid, np.exp(-0.5 * grid**2 / sd**2) / np.sqrt(2 * np.pi) / sd, color=TRUTH, lw=1.8,
                label=panel.get("label", r"$N(0, 1/I)$"))
        outside = values.size - inside.size
        if outside:
            ax.text(0.03, 0.95, f"{outside} outside\nthe window", transform=ax.transAxes, va="top", fontsize=8)
        ax.set_title(panel["title"], fontsize=10)
        ax.set_xlabel(r"$\sqrt{n}\,(\hat\theta - \theta^*)$")
    np.ravel(axes)[0].set_ylabel("density")
    np.ravel(axes)[0].legend(loc="upper right", fontsize=8)


def conditional_variance(ax, ratio, n_var, n_var_err, n_inv_observed, expected):
    r"""Efron and Hinkley's picture: the variance of the MLE among data sets grouped by their
    observed information.

    ``ratio`` (m,) is the mean of :math:`J/(nI)` in each group, ``n_var`` (m,) the group's
    :math:`n\,\mathrm{Var}(\hat\theta)` with its standard error ``n_var_err``, ``n_inv_observed`` the
    group's mean of :math:`n/J`, and ``expected`` the constant :math:`1/I`.

    Introduced in Chapter 1, "Fisher information, by intuition".
    """
    check_ax(ax, optional=False)
    m = check_series("ratio", ratio).size
    check_series("n_var", n_var, n=m, n_of="ratio")
    check_series("n_var_err", n_var_err, n=m, nonneg=True, n_of="ratio")
    check_series("n_inv_observed", n_inv_observed, n=m, n_of="ratio")
    v.check_positive("expected", expected, scalar=True)
    ax.errorbar(ratio, n_var, yerr=2 * np.asarray(n_var_err), fmt="o", color=INFORMATIVE, capsize=3,
                label=r"$n\,\mathrm{Var}(\hat\theta \mid$ group$)$ ± 2 SE")
    ax.plot(ratio, n_inv_observed, "s--", color=ESTIMATE, label=r"observed: mean of $n/J$")
    ax.axhline(expected, color=TRUTH, ls=":", lw=1.8, label=r"expected: $1/I$")
    ax.set_xlabel(r"observed information of the group, $J/(nI)$")
    ax.set_ylabel(r"$n \times$ variance")
    ax.legend(fontsize=8)


def coverage_curves(ax, p_grid, curves, *, level: float = 0.95, points=None):
    """Exact coverage of interval procedures against the parameter, with the nominal level.

    ``curves`` maps a label to ``(coverage array, colour)``; ``points`` (optional) maps a label
    to ``(p values, simulated coverage, standard errors, colour)``.

    Introduced in Chapter 1, "Fisher information, by intuition".
    """
    check_ax(ax, optional=False)
    n = check_series("p_grid", p_grid, positive=True).size
    for label, entry in check_dict("curves", curves, what="label -> (coverage, colour)").items():
        _tuple(f"curves[{label!r}]", entry, 2, "(coverage, colour)")
        cov = check_series(f"curves[{label!r}] coverage", entry[0], n=n, nonneg=True, n_of="p_grid")
        if np.any(cov > 1):
            raise ValueError(f"curves[{label!r}] coverage must be in [0, 1], got {cov[cov > 1][0]!r}")
    v.check_open_interval("level", level, 0.0, 1.0, scalar=True)
    for label, entry in check_dict("points", points, optional=True, what="label -> (p, coverage, se, colour)").items():
        _tuple(f"points[{label!r}]", entry, 4, "(p values, coverage, standard errors, colour)")
        k = check_series(f"points[{label!r}] p values", entry[0], positive=True).size
        check_series(f"points[{label!r}] coverage", entry[1], n=k, nonneg=True, n_of="its p values")
        check_series(f"points[{label!r}] standard errors", entry[2], n=k, nonneg=True, n_of="its p values")
    for label, (cov, color) in curves.items():
        ax.plot(p_grid, cov, color=color, lw=1.2, label=label)
    for label, (ps, cov, se, color) in (points or {}).items():
        ax.errorbar(ps, cov, yerr=2 * np.asarray(se), fmt="o", color=color, ms=5, capsize=3, label=label)
    ax.axhline(level, color="black", ls=":", lw=1.2, label=f"nominal {level:.0%}")
    ax.set_xscale("log")
    ax.set_xlabel("$p$")
    ax.set_ylabel("coverage")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="lower right")


def jeffreys_panels(axes, p_samples, p_grid, density_p, phi_grid, density_phi, flat_phi):
    r"""Jeffreys' prior in two coordinates: samples drawn in :math:`p` and mapped to the log-odds
    land on the density computed in the log-odds; the flat prior in :math:`p` does not stay flat.

    ``density_p`` and ``density_phi`` are the normalised Jeffreys densities on the two grids,
    ``flat_phi`` the density of the log-odds of a uniform :math:`p`.

    Introduced in Chapter 1, "Fisher information, by intuition".
    """
    _axes_list(axes, 2)
    if len(np.ravel(np.asarray(axes, dtype=object))) != 2:
        raise ValueError("axes must be a pair of matplotlib Axes (p, log-odds)")
    p = check_series("p_samples", p_samples)
    if np.any((p <= 0) | (p >= 1)):
        raise ValueError(f"p_samples must be in (0, 1) (probabilities with finite log-odds), "
                         f"got {p[(p <= 0) | (p >= 1)][0]!r}")
    n_p = check_series("p_grid", p_grid).size
    check_series("density_p", density_p, n=n_p, nonneg=True, n_of="p_grid")
    phi_arr = check_series("phi_grid", phi_grid)
    if phi_arr.size < 2 or not phi_arr[0] < phi_arr[-1]:
        raise ValueError("phi_grid must hold at least 2 values, increasing from its first to its last")
    check_series("density_phi", density_phi, n=phi_arr.size, nonneg=True, n_of="phi_grid")
    check_series("flat_phi", flat_phi, n=phi_arr.size, nonneg=True, n_of="phi_grid")
    ax_p, ax_phi = axes
    ax_p.hist(p_samples, bins=np.linspace(0, 1, 41), density=True, color=INFORMATIVE, alpha=0.5,
              label=r"draws from $\pi_J(p)$")
    ax_p.plot(p_grid, density_p, color=TRUTH, lw=1.8, label=r"$\sqrt{I(p)}/\pi$")
    ax_p.set_xlabel("$p$")
    ax_p.set_ylabel("density")
    ax_p.set_ylim(0, 4)
    ax_p.legend(fontsize=8, loc="upper center")
    phi = np.log(p_samples / (1 - p_samples))
    ax_phi.hist(phi, bins=np.linspace(phi_grid[0], phi_grid[-1], 41), density=True, color=INFORMATIVE,
                alpha=0.5, label=r"the same draws, as $\varphi$")
    ax_phi.plot(phi_grid, density_phi, color=TRUTH, lw=1.8, label=r"$\sqrt{I_\varphi(\varphi)}/\pi$")
    ax_phi.plot(phi_grid, flat_phi, color=UNINFORMATIVE, lw=1.5, ls="--", label=r"flat in $p$, seen in $\varphi$")
    ax_phi.set_xlabel(r"log-odds $\varphi$")
    ax_phi.legend(fontsize=8, loc="upper right")


def nuisance_ellipses(ax, F, estimates, *, radius: float = 2.0):
    r"""Scatter of :math:`\sqrt n(\hat\theta - \theta^*)` with the covariance ellipse of
    :math:`F^{-1}` (the estimates' limit) and the covariance ellipse of :math:`F` (the scores'),
    long where the other is short, and the two intervals of the first
    coordinate: the *shadow* of the :math:`F^{-1}` ellipse (half-width
    :math:`r\sqrt{(F^{-1})_{11}}`, the other parameter unknown) and the *slice* of it through the
    centre (half-width :math:`r/\sqrt{F_{11}}`, the other parameter known).

    Introduced in Chapter 2, "The Fisher information matrix".
    """
    check_ax(ax, optional=False)
    F = v.check_shape("F", v.check_symmetric_positive_definite("F", F), (2, 2))
    _points("estimates", estimates)
    v.check_positive("radius", radius, scalar=True)
    est = v.as_float_array("estimates", estimates)
    F_inv = np.linalg.inv(F)
    ax.plot(est[:, 0], est[:, 1], ".", ms=2, color=NEUTRAL, alpha=0.35, label=r"$\sqrt{n}(\hat\theta - \theta^*)$")
    cov_pts = ellipse_points(F_inv, radius=radius)
    ax.plot(cov_pts[:, 0], cov_pts[:, 1], color=INFORMATIVE, lw=2, label=rf"$F^{{-1}}$ ellipse, $r = {radius:g}$")
    f_pts = ellipse_points(F, radius=radius)  # the shape of the score cloud (Chapter 2's ellipse)
    ax.plot(f_pts[:, 0], f_pts[:, 1], color=UNINFORMATIVE, lw=1.5, ls="--",
            label=rf"$F$ ellipse (the scores), $r = {radius:g}$")
    shadow, slice_ = radius * np.sqrt(F_inv[0, 0]), radius / np.sqrt(F[0, 0])
    lo = -1.25 * radius * np.sqrt(F_inv[1, 1])  # the shadow is drawn below the cloud
    ax.plot([-shadow, shadow], [lo, lo], color=INFORMATIVE, lw=5, solid_capstyle="butt",
            label=r"shadow: $\theta_2$ unknown")
    ax.plot([-slice_, slice_], [0, 0], color=TRUTH, lw=5, solid_capstyle="butt", label=r"slice: $\theta_2$ known")
    ax.set_xlabel(r"$\sqrt{n}(\hat\theta_1 - \theta_1^*)$")
    ax.set_ylabel(r"$\sqrt{n}(\hat\theta_2 - \theta_2^*)$")
    ax.set_aspect("equal")
    ax.legend(fontsize=7, loc="upper right")


def half_plane_geodesics(ax, geodesics, segments):
    r"""Fisher-Rao geodesics of :math:`N(\mu, \sigma^2)` in the :math:`(\mu, \sigma)` plane (solid)
    and the straight segments between the same end points (dotted). ``geodesics`` and
    ``segments`` are lists of ``(n, 2)`` arrays of :math:`(\mu, \sigma)`.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    check_ax(ax, optional=False)
    geodesics = _list("geodesics", geodesics, "arrays of points (n, 2)")
    segments = _list("segments", segments, "arrays of points (n, 2)")
    if len(segments) != len(geodesics):
        raise ValueError(f"segments must hold {len(geodesics)} arrays (one per geodesic), got {len(segments)}")
    for i, (geo, seg) in enumerate(zip(geodesics, segments)):
        _points(f"geodesics[{i}]", geo)
        _points(f"segments[{i}]", seg)
    for k, (geo, seg) in enumerate(zip(geodesics, segments)):
        ax.plot(geo[:, 0], geo[:, 1], color=INFORMATIVE, lw=2, label="geodesic" if k == 0 else None)
        ax.plot(seg[:, 0], seg[:, 1], color=NEUTRAL, lw=1.2, ls=":", label="straight segment" if k == 0 else None)
        ax.plot(geo[[0, -1], 0], geo[[0, -1], 1], "o", color="black", ms=4)
    ax.set_xlabel(r"$\mu$")
    ax.set_ylabel(r"$\sigma$")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)


def half_plane_balls(ax, mu_grid, sigma_grid, kl_fields, centres, level, fr_radius):
    r"""Balls of equal KL, :math:`\{\theta : \mathrm{KL}(p_c\|p_\theta) = \delta\}` (solid), and
    Fisher-Rao circles :math:`\{\theta : d_{FR}(c, \theta) = r\}` (dashed) around several centres
    :math:`c`, with Euclidean circles of one common radius (dotted) for comparison.

    ``kl_fields`` holds, per centre, a pair ``(kl_field, fr_field)`` of arrays of shape
    ``(len(sigma_grid), len(mu_grid))`` computed by the caller; the figure draws their level
    sets ``level`` and ``fr_radius``.

    Introduced in Chapter 3, "KL divergence and its Taylor expansion".
    """
    check_ax(ax, optional=False)
    n_mu = check_series("mu_grid", mu_grid).size
    n_sigma = check_series("sigma_grid", sigma_grid, positive=True).size
    kl_fields = _list("kl_fields", kl_fields, "pairs (kl_field, fr_field)")
    centres = _list("centres", centres, "points (mu, sigma)")
    if len(centres) != len(kl_fields):
        raise ValueError(f"centres must hold {len(kl_fields)} points (one per pair of kl_fields), got {len(centres)}")
    for i, c in enumerate(centres):
        c = check_series(f"centres[{i}]", c, n=2, n_of="(mu, sigma)")
        if c[1] <= 0:
            raise ValueError(f"centres[{i}] must have sigma > 0, got {c[1]!r}")
    for i, pair in enumerate(kl_fields):
        _tuple(f"kl_fields[{i}]", pair, 2, "(kl_field, fr_field)")
        for j, what in enumerate(("kl_field", "fr_field")):
            field = v.check_real_array(f"kl_fields[{i}] {what}", pair[j], nan=True, posinf=True,
                                       what="a point outside the plane")
            if field.shape != (n_sigma, n_mu):
                raise ValueError(f"kl_fields[{i}] {what} must have shape (len(sigma_grid), len(mu_grid)) = "
                                 f"({n_sigma}, {n_mu}), got shape {field.shape}")
    v.check_positive("level", level, scalar=True)
    v.check_positive("fr_radius", fr_radius, scalar=True)
    M, S = np.meshgrid(mu_grid, sigma_grid)
    for k, (c, (kl_field, fr_field)) in enumerate(zip(centres, kl_fields)):
        ax.contour(M, S, kl_field, levels=[level], colors=[INFORMATIVE], linewidths=2)
        ax.contour(M, S, fr_field, levels=[fr_radius], colors=[TRUTH], linewidths=1.2, linestyles="--")
        ax.plot([c[0]], [c[1]], "o", color="black", ms=4)
    # the Euclidean circle with the size of the first KL ball along mu
    c0 = centres[0]
    r0 = c0[1] * np.sqrt(2 * level)
    t = np.linspace(0, 2 * np.pi, 200)
    for c in centres:
        ax.plot(c[0] + r0 * np.cos(t), c[1] + r0 * np.sin(t), color=NEUTRAL, lw=1, ls=":")
    ax.plot([], [], color=INFORMATIVE, lw=2, label=rf"$\mathrm{{KL}}(p_c \Vert p_\theta) = {level:g}$")
    ax.plot([], [], color=TRUTH, lw=1.2, ls="--", label=rf"$d_{{FR}}(c, \theta) = {fr_radius:.3g}$")
    ax.plot([], [], color=NEUTRAL, lw=1, ls=":", label="Euclidean circles, equal radii")
    ax.set_xlabel(r"$\mu$")
    ax.set_ylabel(r"$\sigma$")
    ax.set_aspect("equal")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="upper left")
