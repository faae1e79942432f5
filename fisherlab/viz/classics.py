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
from .style import ESTIMATE, INFORMATIVE, NEUTRAL, TRUTH, UNINFORMATIVE

__all__ = ["mle_histograms", "conditional_variance", "coverage_curves", "jeffreys_panels",
           "nuisance_ellipses", "half_plane_geodesics", "half_plane_balls"]


def mle_histograms(axes, panels, *, half_width: float = 4.5, bins: int = 41):
    r"""Histograms of :math:`\sqrt n(\hat\theta - \theta^*)` against the density of :math:`N(0, 1/I)`.

    ``panels`` holds one dict per axis with ``"values"`` (array), ``"variance"`` (:math:`1/I`),
    ``"title"`` and optionally ``"color"`` and ``"label"`` (of the density curve). The window is ``half_width`` standard deviations of
    the limit; values outside it are counted in the corner, not clipped into the edge bins.

    Introduced in Chapter 1, "Fisher information, by intuition".
    """
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
    F = v.check_symmetric_positive_definite("F", F)
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
