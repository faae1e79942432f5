"""Figures of Chapter 1, "Fisher information, by intuition".

Every figure takes a :class:`fisherlab.families.Family` and observations, and draws what the
family's own ``log_likelihood``, ``score`` and ``hessian`` return: the pictures are computed
from the same code the chapter checks numerically.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import _validate as v
from ..families import Family
from .animation import animate
from .style import ESTIMATE, INFORMATIVE, TRUTH, UNINFORMATIVE, check_ax, check_axes, check_series, check_text

__all__ = [
    "loglik_votes",
    "derivative_panels",
    "move_panels",
    "derivative_figure",
    "score_sweep_animation",
    "score_distributions",
    "narrowing_animation",
    "estimator_variance",
    "information_curve",
    "explorer",
]

_ORDER_LABEL = {
    0: r"$\ell(\theta; x_i)$",
    1: r"$s(\theta; x_i) = \partial_\theta \ell$",
    2: r"$\partial^2_\theta \ell(\theta; x_i)$",
}
_ORDER_NAME = {0: "log-likelihood", 1: "score", 2: "second derivative"}


# ---- argument checks (a clear error before anything is drawn) -----------------------------------
def _family(family, name: str = "family") -> Family:
    v.check_instance(name, family, Family, "a fisherlab Family with one parameter (e.g. fisherlab.NormalMean())")
    if family.dim != 1:
        raise ValueError(f"{name} must have one parameter (dim == 1), got dim == {family.dim}")
    return family


def _x(family, x, name: str = "x") -> np.ndarray:
    v.as_float_array(name, x)
    x = family.check_x(x)
    if x.size == 0:
        raise ValueError(f"{name} must hold at least one observation, got none")
    return x


def _grid(family, name: str, value) -> np.ndarray:
    grid = check_series(name, value)
    family.check_theta(grid, name)
    return grid


def _theta(family, name: str, value, *, optional: bool = False):
    if value is None and optional:
        return None
    v.check_scalar(name, value)
    family._check_single(value, name)
    return value


def _pair(name: str, value, *, optional: bool = True):
    """``None`` (when ``optional``) or two finite numbers ``(low, high)`` with ``low < high``."""
    if value is None and optional:
        return None
    if not isinstance(value, (tuple, list, np.ndarray)):
        raise v.ArgumentTypeError(f"{name} must be a pair (low, high) of real numbers"
                                  f"{' or None' if optional else ''}, got {v._describe(value)}")
    arr = v.as_float_array(name, value)
    if arr.shape != (2,) or not arr[0] < arr[1]:
        raise ValueError(f"{name} must be a pair (low, high) with low < high, got {value!r}")
    return value


def _orders(orders) -> tuple:
    if not isinstance(orders, (tuple, list)) or not orders:
        raise v.ArgumentTypeError(f"orders must be a non-empty tuple of derivative orders in (0, 1, 2), "
                                  f"got {v._describe(orders)}")
    for k in orders:
        v.check_int("orders", k, minimum=0, maximum=2)
    return tuple(orders)


def _ylims(ylims, n: int):
    if ylims is None:
        return None
    if not isinstance(ylims, (tuple, list)):
        raise v.ArgumentTypeError(f"ylims must be None or a sequence of {n} pairs (low, high) or None, got "
                                  f"{v._describe(ylims)}")
    if len(ylims) != n:
        raise ValueError(f"ylims must hold {n} entries (one per order), got {len(ylims)}")
    for i, lim in enumerate(ylims):
        _pair(f"ylims[{i}]", lim)
    return ylims


def _panel_args(family, x, theta_grid, theta0, orders, truth, ylims):
    _family(family)
    _x(family, x)
    _grid(family, "theta_grid", theta_grid)
    _theta(family, "theta0", theta0)
    orders = _orders(orders)
    _theta(family, "truth", truth, optional=True)
    _ylims(ylims, len(orders))
    return orders


def _axes_grid(axes, rows: int):
    """``axes`` of shape ``(rows, 2)`` holding matplotlib Axes."""
    from matplotlib.axes import Axes

    arr = np.asarray(axes, dtype=object) if isinstance(axes, (list, tuple, np.ndarray)) else None
    if arr is None:
        raise v.ArgumentTypeError(f"axes must be an array of matplotlib Axes of shape ({rows}, 2) "
                                  f"(e.g. from plt.subplots({rows}, 2, squeeze=False)), got {v._describe(axes)}")
    if arr.shape != (rows, 2):
        raise ValueError(f"axes must have shape ({rows}, 2) (one row per order), got shape {arr.shape}")
    for ax in arr.ravel():
        v.check_instance("axes", ax, Axes, "an array of matplotlib Axes")
    return axes


def _binned(values, edges):
    """Counts of ``values`` in the bins ``edges`` and the numbers below and above the window.

    Out-of-range values are counted apart, never clipped into the edge bins (clipping would draw
    spurious bars at the window's edges)."""
    values = np.asarray(values, dtype=float)
    counts, _ = np.histogram(values, bins=edges)  # values outside [edges[0], edges[-1]] are dropped
    return counts, int(np.sum(values < edges[0])), int(np.sum(values > edges[-1]))


def _outside_label(below: int, above: int) -> str:
    parts = [f"{above} above ↑" if above else "", f"{below} below ↓" if below else ""]
    return "\n".join(p for p in parts if p)


def _values(family: Family, order: int, theta, x) -> np.ndarray:
    method = {0: family.log_likelihood, 1: family.score, 2: family.hessian}[order]
    return method(theta, x)


def loglik_votes(ax, family: Family, x, theta_grid, votes, *, truth=None, color=INFORMATIVE, title=None,
                 ylim=None, max_curves: int = 60):
    r"""Log-likelihood curves :math:`\theta \mapsto \ell(\theta; x_i)`, one per observation,
    with each observation's "vote" as a tick on the axis.

    The vote of :math:`x_i` is the maximiser of its curve, the maximum-likelihood estimate from
    that one observation (``family.mle(x[:, None])``); the caller computes it, the figure only
    draws it. Votes outside the plotted window are drawn as arrow heads at its edges.

    Parameters
    ----------
    ax : matplotlib Axes
    family : Family with ``dim == 1``
    x : array of shape (n,)
        Observations; at most ``max_curves`` curves are drawn, every vote is marked.
    theta_grid : array of shape (g,)
        Parameter values on the horizontal axis (the window).
    votes : array of shape (n,)
        The votes of the observations.
    truth : float, optional
        The true parameter, drawn as a vertical line.
    """
    check_ax(ax, optional=False)
    _family(family)
    theta_grid = _grid(family, "theta_grid", theta_grid)
    x = _x(family, x)
    votes = check_series("votes", votes, n=x.size, n_of="x")
    _theta(family, "truth", truth, optional=True)
    check_text("title", title)
    _pair("ylim", ylim)
    v.check_int("max_curves", max_curves, minimum=1)
    ll = family.log_likelihood(theta_grid, x)  # (g, n)
    ax.plot(theta_grid, ll[:, :max_curves], color=color, lw=0.8, alpha=0.45)
    lo, hi = float(theta_grid.min()), float(theta_grid.max())
    ax.set_xlim(lo, hi)
    if ylim is not None:
        ax.set_ylim(*ylim)
    bottom = ax.get_ylim()[0]
    inside = (votes >= lo) & (votes <= hi)
    ax.plot(votes[inside], np.full(inside.sum(), bottom), "|", color=color, ms=14, mew=1.2, alpha=0.6,
            clip_on=False, label="votes (maximisers)")
    for edge, side, marker in ((lo, votes < lo, "<"), (hi, votes > hi, ">")):
        if side.any():
            ax.plot([edge], [bottom], marker, color=color, ms=9, clip_on=False,
                    label=f"{int(side.sum())} vote{'s' if side.sum() > 1 else ''} beyond the window")
    if truth is not None:
        ax.axvline(truth, color=TRUTH, lw=1.5, ls="--", label=rf"truth ${family.param_tex[0]}^* = {truth:g}$")
    ax.set_xlabel(rf"${family.param_tex[0]}$")
    ax.set_ylabel(r"$\ell(" + family.param_tex[0] + r"; x_i)$")
    if title:
        ax.set_title(title)
    ax.legend(loc="upper right", fontsize=8)


def derivative_panels(axes, family: Family, x, theta_grid, theta0, *, orders=(0, 1), truth=None,
                      color=INFORMATIVE, ylims=None, bins=30, max_curves: int = 60):
    """Rows of (curves, distribution at ``theta0``) for derivatives of the log-likelihood.

    Row ``k`` shows, for ``order = orders[k]`` (0: log-likelihood, 1: score, 2: second
    derivative), the curves :math:`\\theta \\mapsto \\partial^{k}_\\theta\\ell(\\theta; x_i)` on the
    left and, on the right, the distribution of their values at ``theta0`` as a horizontal
    histogram sharing the vertical axis, with the sample mean marked. Values outside the
    vertical window are not drawn as bars: their numbers are written in the histogram's corner
    ("3 above ↑", "2 below ↓").

    ``axes`` has shape ``(len(orders), 2)``; existing content is cleared. ``ylims`` fixes the
    vertical range of each row. Returns one dict per row with the values at ``theta0``
    (``"values"``, shape (n,)), the numbers of values below and above the window
    (``"outside"``, a pair) and the artists that :func:`move_panels` updates.
    """
    orders = _panel_args(family, x, theta_grid, theta0, orders, truth, ylims)
    _axes_grid(axes, len(orders))
    v.check_int("bins", bins, minimum=1)
    v.check_int("max_curves", max_curves, minimum=1)
    theta_grid = np.asarray(theta_grid, dtype=float)
    tex = family.param_tex[0]
    rows = []
    for row, order in enumerate(orders):
        ax_curve, ax_hist = axes[row]
        ax_curve.clear()
        ax_hist.clear()
        curves = _values(family, order, theta_grid, x)  # (g, n)
        at0 = _values(family, order, theta0, x)  # (n,)
        ax_curve.plot(theta_grid, curves[:, :max_curves], color=color, lw=0.7, alpha=0.4)
        (dots,) = ax_curve.plot(np.full(min(len(at0), max_curves), theta0), at0[:max_curves], "o", ms=3,
                                color="black", alpha=0.6)
        vline = ax_curve.axvline(theta0, color="black", lw=1.2, label=rf"${tex}_0$")
        if truth is not None:
            ax_curve.axvline(truth, color=TRUTH, lw=1.5, ls="--", label=rf"${tex}^* = {truth:g}$")
        ax_curve.set_ylabel(_ORDER_LABEL[order].replace(r"\theta", tex))
        if ylims is not None and ylims[row] is not None:
            ax_curve.set_ylim(*ylims[row])
        lo, hi = ax_curve.get_ylim()
        edges = np.linspace(lo, hi, bins + 1)
        counts, below, above = _binned(at0, edges)
        outside_text = ax_hist.text(0.97, 0.97, _outside_label(below, above), transform=ax_hist.transAxes,
                                    ha="right", va="top", fontsize=8, color="black")
        bars = ax_hist.barh(edges[:-1], counts, height=np.diff(edges), align="edge", color=color, alpha=0.6)
        mean = float(np.mean(at0))
        mean_line = ax_hist.axhline(mean, color=ESTIMATE, lw=2, label="mean")
        mean_text = ax_hist.text(0.97, 0.03, f"mean {mean:+.3f}", transform=ax_hist.transAxes, ha="right",
                                 va="bottom", fontsize=8, color=ESTIMATE)
        if order == 1:
            ax_hist.axhline(0.0, color="black", lw=0.8, ls=":")
        ax_hist.set_ylim(lo, hi)
        ax_hist.set_xlim(0, max(1, counts.max()) * 1.25)
        ax_hist.set_xlabel("count")
        ax_hist.set_title(f"{_ORDER_NAME[order]} at ${tex}_0$", fontsize=10)
        ax_hist.tick_params(labelleft=False)
        if row == 0:
            ax_curve.legend(loc="lower left", fontsize=8)
        rows.append({"order": order, "values": at0, "outside": (below, above), "outside_text": outside_text,
                     "dots": dots, "vline": vline, "bars": bars, "edges": edges, "mean_line": mean_line, "mean_text": mean_text, "max_curves": max_curves})
    axes[-1][0].set_xlabel(rf"${tex}$")
    return rows


def move_panels(rows, family: Family, x, theta0):
    """Move the panels drawn by :func:`derivative_panels` to a new ``theta0`` in place.

    Only the marker line, the dots, the histogram bars and the mean change, which is much
    cheaper than redrawing the curves. Values outside the window are counted in the corner
    label, as in :func:`derivative_panels`. Returns the new values at ``theta0`` per row.
    """
    keys = ("order", "max_curves", "dots", "vline", "edges", "bars", "outside_text", "mean_line", "mean_text")
    if not isinstance(rows, (list, tuple)) or not rows or not all(isinstance(r, dict) for r in rows):
        raise v.ArgumentTypeError(f"rows must be the non-empty list of dicts returned by derivative_panels, "
                                  f"got {v._describe(rows)}")
    if any(not all(k in r for k in keys) for r in rows):
        raise ValueError(f"rows must be the list returned by derivative_panels (dicts with the keys {keys})")
    _family(family)
    _x(family, x)
    _theta(family, "theta0", theta0)
    out = []
    for row in rows:
        at0 = _values(family, row["order"], theta0, x)
        k = row["max_curves"]
        row["dots"].set_data(np.full(min(len(at0), k), theta0), at0[:k])
        row["vline"].set_xdata([theta0, theta0])
        counts, below, above = _binned(at0, row["edges"])
        for bar, count in zip(row["bars"], counts):
            bar.set_width(count)
        row["outside"] = (below, above)
        row["outside_text"].set_text(_outside_label(below, above))
        mean = float(np.mean(at0))
        row["mean_line"].set_ydata([mean, mean])
        row["mean_text"].set_text(f"mean {mean:+.3f}")
        out.append(at0)
    return out


def derivative_figure(family: Family, x, theta_grid, theta0, *, orders=(0, 1), truth=None,
                      color=INFORMATIVE, ylims=None, title=None, figsize=None):
    """A new figure holding :func:`derivative_panels`; returns ``(fig, axes)``."""
    orders = _panel_args(family, x, theta_grid, theta0, orders, truth, ylims)
    check_text("title", title)
    if figsize is not None:
        check_series("figsize", figsize, n=2, positive=True, n_of="(width, height)")
    fig, axes = plt.subplots(len(orders), 2, figsize=figsize or (8.0, 2.6 * len(orders)),
                             gridspec_kw={"width_ratios": [3, 1]}, squeeze=False, sharex="col")
    derivative_panels(axes, family, x, theta_grid, theta0, orders=orders, truth=truth, color=color,
                      ylims=ylims)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig, axes


def _row_limits(family, x, theta_values, orders, quantile=0.99):
    """Vertical ranges holding the values at all ``theta_values`` (all but the extreme 1%)."""
    limits = []
    for order in orders:
        values = _values(family, order, np.asarray(theta_values, dtype=float), x)
        lo, hi = np.quantile(values, [1 - quantile, quantile])
        pad = 0.05 * (hi - lo + 1e-12)
        limits.append((lo - pad, hi + pad))
    return limits


def score_sweep_animation(family: Family, x, theta_grid, theta0_values, *, truth, color=INFORMATIVE,
                          interval=250, max_curves: int = 30):
    """Animation of the four-panel view as :math:`\\theta_0` sweeps across the truth.

    The score distribution slides with :math:`\\theta_0`; its mean crosses zero at the truth.
    Returns offline HTML (see :func:`fisherlab.viz.animate`).
    """
    orders = (0, 1)
    _family(family)
    _x(family, x)
    _grid(family, "theta_grid", theta_grid)
    _grid(family, "theta0_values", theta0_values)
    _theta(family, "truth", truth)
    v.check_int("interval", interval, minimum=1)
    v.check_int("max_curves", max_curves, minimum=1)
    theta0_values = np.asarray(theta0_values, dtype=float)
    ylims = _row_limits(family, x, theta0_values, orders)
    fig, axes = plt.subplots(2, 2, figsize=(7.5, 4.6), gridspec_kw={"width_ratios": [3, 1]}, sharex="col")
    rows = derivative_panels(axes, family, x, theta_grid, theta0_values[0], orders=orders, truth=truth,
                             color=color, ylims=ylims, max_curves=max_curves)
    # the histogram's count axis must hold the tallest histogram of the sweep
    tallest = max(_binned(_values(family, 1, t, x), rows[1]["edges"])[0].max() for t in theta0_values)
    axes[1][1].set_xlim(0, tallest * 1.15)
    title = fig.suptitle("")
    fig.tight_layout()

    def update(theta0):
        move_panels(rows, family, x, theta0)
        title.set_text(rf"${family.param_tex[0]}_0 = {theta0:.2f}$: the mean score is zero only at the truth")

    return animate(fig, update, theta0_values, interval=interval,
                   alt=("Animation: as the evaluation point sweeps across the true parameter, the "
                        "histogram of scores slides; its mean is positive to the left of the truth, "
                        "zero at the truth and negative to the right."))


def score_distributions(axes, cases, *, bins=40):
    """Side-by-side score distributions at the truth with the :math:`\\pm\\sqrt{I}` band.

    Parameters
    ----------
    axes : sequence of Axes, one per case (share the horizontal axis to compare spreads)
    cases : sequence of dicts with keys ``family``, ``x`` (observations drawn at the truth),
        ``truth``, ``label`` and ``color``.

    Returns the list of exact Fisher informations.
    """
    if not isinstance(cases, (list, tuple)) or not cases:
        raise v.ArgumentTypeError(f"cases must be a non-empty sequence of dicts (family, x, truth, label, color), "
                                  f"got {v._describe(cases)}")
    if axes is None:
        raise v.ArgumentTypeError(f"axes must be a sequence of {len(cases)} matplotlib Axes, got None")
    check_axes(axes, len(cases))
    for i, case in enumerate(cases):
        keys = ("family", "x", "truth", "label", "color")
        if not isinstance(case, dict):
            raise v.ArgumentTypeError(f"cases[{i}] must be a dict with the keys {keys}, got {v._describe(case)}")
        if not all(k in case for k in keys):
            raise ValueError(f"cases[{i}] must have the keys {keys}, got {tuple(case)}")
        _family(case["family"], f"cases[{i}]['family']")
        _x(case["family"], case["x"], f"cases[{i}]['x']")
        _theta(case["family"], f"cases[{i}]['truth']", case["truth"])
        check_text(f"cases[{i}]['label']", case["label"], optional=False)
    v.check_int("bins", bins, minimum=1)
    infos = []
    for ax, case in zip(axes, cases):
        family, x, truth = case["family"], case["x"], case["truth"]
        scores = family.score(truth, x)
        info = float(family.fisher_exact(truth))
        infos.append(info)
        half = np.sqrt(info)
        ax.hist(scores, bins=bins, density=True, color=case["color"], alpha=0.6)
        ax.axvspan(-half, half, color=case["color"], alpha=0.15,
                   label=rf"$\pm\sqrt{{I}} = \pm{half:.2f}$")
        for sign in (-1, 1):
            ax.axvline(sign * half, color=case["color"], lw=1.5)
        ax.axvline(float(np.mean(scores)), color=ESTIMATE, lw=2, label=f"mean score {np.mean(scores):+.3f}")
        ax.set_title(f"{case['label']}: $I = {info:.3g}$")
        ax.set_xlabel(r"score $s(\theta^*; x_i)$")
        ax.legend(loc="upper right")
    axes[0].set_ylabel("density")
    return infos


def narrowing_animation(make_family, table, truth, *, n_samples, seed, theta_grid, interval=300):
    """Animation of a family narrowing: second derivatives at the truth and the information.

    Left: the curves :math:`\\partial^2_\\theta\\ell(\\theta; x_i)` near the truth. Middle: their
    distribution at the truth, with its mean and :math:`-I` marked. Right: the exact information
    :math:`I` against the scale, with the Monte Carlo values of :math:`-\\mathbb{E}[\\partial^2\\ell]`
    and :math:`\\mathrm{Var}[s]` filled in frame by frame.

    ``make_family(scale)`` builds the family; every frame draws its ``n_samples`` observations
    from ``numpy.random.default_rng(seed)``, so frames differ only in the scale (common random
    numbers). ``table`` holds one row per frame, computed by the caller from the same draws: a
    mapping with the ``"scale"``, the ``"exact"`` information and the two Monte Carlo estimates
    ``"minus_mean_hessian"`` and ``"mean_squared_score"`` (estimates with a ``value``). The
    figure draws the table; it computes no number of its own. Returns the animation's HTML.
    """
    keys = ("scale", "exact", "minus_mean_hessian", "mean_squared_score")
    v.check_callable("make_family", make_family, "scale -> Family")
    if not isinstance(table, (list, tuple)) or not all(isinstance(row, dict) for row in table):
        raise v.ArgumentTypeError(f"table must be a sequence of dicts with the keys {keys}, got {v._describe(table)}")
    if len(table) == 0 or any(not all(k in row for k in keys) for row in table):
        raise ValueError(f"table must be a non-empty sequence of rows with the keys {keys}")
    for i, row in enumerate(table):
        check_series(f"table[{i}]['scale']", row["scale"], ndim=0, positive=True)
        check_series(f"table[{i}]['exact']", row["exact"], ndim=0, positive=True)
        for k in keys[2:]:
            if not hasattr(row[k], "value"):
                raise v.ArgumentTypeError(f"table[{i}][{k!r}] must be an estimate with a value (a FisherEstimate), "
                                          f"got {v._describe(row[k])}")
    v.check_scalar("truth", truth)
    v.check_int("n_samples", n_samples, minimum=1)
    v.check_int("seed", seed, minimum=0)
    check_series("theta_grid", theta_grid)
    v.check_int("interval", interval, minimum=1)
    rows = [(float(r["scale"]), float(r["exact"]), r["minus_mean_hessian"], r["mean_squared_score"])
            for r in table]
    scales = np.array([r[0] for r in rows])
    exact_all = np.array([r[1] for r in rows])
    fine = np.linspace(scales.min(), scales.max(), 200)
    exact_fine = np.array([float(make_family(s).fisher_exact(truth)) for s in fine])
    theta_grid = np.asarray(theta_grid, dtype=float)
    h_lo, h_hi = -5.2 * exact_all.max(), 2.4 * exact_all.max()
    edges = np.linspace(h_lo, h_hi, 31)
    n_curves = 40

    # draw every artist once; frames only change their data
    fig, (ax_c, ax_h, ax_i) = plt.subplots(1, 3, figsize=(10.0, 3.6), gridspec_kw={"width_ratios": [2, 1.2, 2]})
    curve_lines = ax_c.plot(theta_grid, np.zeros((theta_grid.size, n_curves)), color=INFORMATIVE, lw=0.7, alpha=0.4)
    ax_c.axvline(truth, color=TRUTH, ls="--", lw=1.5)
    ax_c.axhline(0, color="black", lw=0.6)
    ax_c.set_ylim(h_lo, h_hi)
    ax_c.set_xlabel(r"$\mu$")
    ax_c.set_ylabel(r"$\partial^2_\mu \ell(\mu; x_i)$")
    curve_title = ax_c.set_title("")
    bars = ax_h.barh(edges[:-1], np.zeros(len(edges) - 1), height=np.diff(edges), align="edge", color=INFORMATIVE,
                     alpha=0.6)
    mean_line = ax_h.axhline(0.0, color=ESTIMATE, lw=2, label="mean")
    info_line = ax_h.axhline(0.0, color=TRUTH, lw=1.5, ls="--", label="$-I$")
    ax_h.set_ylim(h_lo, h_hi)
    ax_h.set_xlim(0, n_samples * 0.5)
    ax_h.tick_params(labelleft=False)
    ax_h.set_xlabel("count")
    ax_h.set_title(r"at $\mu^*$", fontsize=10)
    ax_h.legend(loc="lower right", fontsize=8)
    outside_text = ax_h.text(0.97, 0.97, "", transform=ax_h.transAxes, ha="right", va="top", fontsize=8)
    ax_i.plot(fine, exact_fine, color=TRUTH, lw=1.5, label=r"exact $I$")
    (hess_points,) = ax_i.plot([], [], "o", color=ESTIMATE, label=r"$-\overline{\partial^2 \ell}$ (Monte Carlo)")
    (score_points,) = ax_i.plot([], [], "x", color=INFORMATIVE, ms=7, label=r"$\overline{s^2}$ (Monte Carlo)")
    ax_i.set_xlim(scales.max() * 1.05, scales.min() * 0.9)
    ax_i.set_ylim(0, exact_all.max() * 1.15)
    ax_i.set_xlabel("scale (narrower to the right)")
    ax_i.set_ylabel("information")
    ax_i.set_title("narrower family, more information")
    ax_i.legend(loc="upper left", fontsize=8)
    fig.tight_layout()

    def update(k):
        scale = scales[k]
        family = make_family(scale)
        x = family.sample(truth, n_samples, rng=np.random.default_rng(seed))
        curves = family.hessian(theta_grid, x[:n_curves])  # (g, n_curves)
        for line, column in zip(curve_lines, curves.T):
            line.set_ydata(column)
        curve_title.set_text(f"scale {scale:.2f}: curvature of each observation")
        h = family.hessian(truth, x)
        counts, below, above = _binned(h, edges)
        for bar, count in zip(bars, counts):
            bar.set_width(count)
        outside_text.set_text(_outside_label(below, above))
        mean_line.set_ydata([h.mean(), h.mean()])
        info_line.set_ydata([-rows[k][1], -rows[k][1]])
        done = rows[: k + 1]
        hess_points.set_data([r[0] for r in done], [r[2].value for r in done])
        score_points.set_data([r[0] for r in done], [r[3].value for r in done])

    html = animate(fig, update, range(len(scales)), interval=interval,
                   alt=("Animation: as a Cauchy family narrows, the second derivatives of the "
                        "log-likelihoods at the truth spread out and their mean moves further below "
                        "zero; minus that mean tracks the exact Fisher information, which grows."))
    return html


def estimator_variance(ax, n_values, series, bound, *, title=None):
    """Log-log plot of :math:`n\\,\\mathrm{Var}(T_n)` against :math:`n` with the Cramér–Rao level.

    ``series`` maps a label to ``(variances, standard_errors, color)``, each of shape
    ``(len(n_values),)``; ``bound`` is :math:`1/I`, so the Cramér–Rao bound
    :math:`\\mathrm{Var}(T_n) \\ge 1/(nI)` is the horizontal line :math:`n\\,\\mathrm{Var} = 1/I`.
    """
    check_ax(ax, optional=False)
    n = check_series("n_values", n_values, positive=True).size
    if not isinstance(series, dict) or not series:
        raise v.ArgumentTypeError(f"series must be a non-empty dict label -> (variances, standard_errors, color), "
                                  f"got {v._describe(series)}")
    for label, entry in series.items():
        if not isinstance(entry, (tuple, list)) or len(entry) != 3:
            raise ValueError(f"series[{label!r}] must be a triple (variances, standard_errors, color), got "
                             f"{v._describe(entry)}")
        check_series(f"series[{label!r}] variances", entry[0], n=n, nonneg=True, n_of="n_values")
        check_series(f"series[{label!r}] standard errors", entry[1], n=n, nonneg=True, n_of="n_values")
    check_series("bound", bound, ndim=0, positive=True)
    check_text("title", title)
    n_values = np.asarray(n_values, dtype=float)
    for label, (variances, errors, color) in series.items():
        ax.errorbar(n_values, n_values * np.asarray(variances), yerr=2 * n_values * np.asarray(errors),
                    fmt="o-", color=color, capsize=3, label=label)
    ax.axhline(bound, color=TRUTH, ls="--", lw=1.5, label=r"Cramér–Rao: $1/I$")
    ax.set_xscale("log")
    ax.set_xlabel("sample size $n$")
    ax.set_ylabel(r"$n \cdot \mathrm{Var}(T_n)$")
    if title:
        ax.set_title(title)
    ax.legend()


def information_curve(ax, grid, exact, mc_points=None, *, xlabel, ylabel, title=None, logy=True,
                      color=INFORMATIVE):
    """Exact information along a parameter grid, with Monte Carlo points ``(theta, estimate)``
    (``FisherEstimate`` objects) drawn with two-standard-error bars."""
    check_ax(ax, optional=False)
    n = check_series("grid", grid).size
    check_series("exact", exact, n=n, positive=bool(logy), n_of="grid")
    if mc_points is not None:
        if not isinstance(mc_points, (list, tuple)):
            raise v.ArgumentTypeError(f"mc_points must be None or a sequence of pairs (theta, FisherEstimate), "
                                      f"got {v._describe(mc_points)}")
        for i, p in enumerate(mc_points):
            if not isinstance(p, (tuple, list)) or len(p) != 2:
                raise ValueError(f"mc_points[{i}] must be a pair (theta, FisherEstimate), got {v._describe(p)}")
            v.check_scalar(f"mc_points[{i}] theta", p[0])
            if not (hasattr(p[1], "value") and hasattr(p[1], "stderr")):
                raise v.ArgumentTypeError(f"mc_points[{i}] estimate must be a FisherEstimate (value and stderr), "
                                          f"got {v._describe(p[1])}")
    check_text("xlabel", xlabel, optional=False)
    check_text("ylabel", ylabel, optional=False)
    check_text("title", title)
    v.check_bool("logy", logy)
    ax.plot(grid, exact, color=color, lw=2, label="exact")
    if mc_points:
        thetas = [p[0] for p in mc_points]
        ax.errorbar(thetas, [p[1].value for p in mc_points], yerr=[2 * p[1].stderr for p in mc_points],
                    fmt="o", color=ESTIMATE, capsize=3, label="Monte Carlo ± 2 SE")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend()


def explorer(*, sigma=2.0, mu0=3.0, n=200, truth=5.0, seed=0):
    """An ipywidgets explorer of the four-panel view for :math:`N(\\mu, \\sigma^2)`.

    Sliders for :math:`\\sigma`, :math:`\\mu_0` and the number of observations :math:`n`
    redraw the log-likelihood and score panels live in Jupyter or Binder. The observations are
    drawn from ``numpy.random.default_rng(seed)`` at the true mean ``truth``.
    Returns the ``ipywidgets.interactive`` object.
    """
    v.check_positive("sigma", sigma, scalar=True)
    v.check_scalar("mu0", mu0)
    v.check_int("n", n, minimum=1)
    v.check_scalar("truth", truth)
    v.check_int("seed", seed, minimum=0)
    import ipywidgets as widgets

    from ..families import NormalMean

    grid = np.linspace(truth - 8, truth + 8, 161)

    def draw(sigma, mu0, n):
        family = NormalMean(sigma)
        x = family.sample(truth, n, rng=np.random.default_rng(seed))
        fig, _ = derivative_figure(family, x, grid, mu0, truth=truth,
                                   color=INFORMATIVE if sigma <= 2.5 else UNINFORMATIVE,
                                   ylims=[(-12, 0), (-6, 6)],
                                   title=rf"$N(\mu, {sigma:.1f}^2)$, $n = {n}$: $I = 1/\sigma^2 = {1 / sigma**2:.3f}$")
        plt.show()

    return widgets.interactive(
        draw,
        sigma=widgets.FloatSlider(value=sigma, min=0.5, max=5.0, step=0.1, description="σ"),
        mu0=widgets.FloatSlider(value=mu0, min=truth - 6, max=truth + 6, step=0.1, description="μ₀"),
        n=widgets.IntSlider(value=n, min=10, max=1000, step=10, description="n"),
    )

