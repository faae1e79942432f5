"""Figures of Chapter 7, "Policy-gradient convergence I" (parts I and II).

Each figure draws numbers computed by :mod:`fisherlab.rl.enumeration`,
:mod:`fisherlab.rl.second_order`, :mod:`fisherlab.rl.assumptions`, :mod:`fisherlab.rl.lqr` and
:mod:`fisherlab.rl.convergence`; the figures compute nothing the chapter asserts (slopes and
intervals are passed in). Colours: exact values ``TRUTH`` (vermilion), Monte Carlo estimates
``ESTIMATE`` (green), theoretical bounds ``NEUTRAL`` (grey); the four methods keep one colour each
in every figure (:data:`METHOD_COLORS`), and the fates of runs too (:data:`FATE_COLORS`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import _validate as v
from .style import (ACCENT, ESTIMATE, INFORMATIVE, NEUTRAL, TRUTH, UNINFORMATIVE, check_ax, check_dict,
                    check_series, check_text)

__all__ = ["METHOD_COLORS", "METHOD_LABELS", "FATE_COLORS", "estimates_vs_exact", "bounds_vs_measured",
           "lambda_min_curves", "gradient_domination", "gap_bands", "fate_bars", "interval_plot", "run_curves"]

#: one colour per method, in every figure of the chapter
METHOD_COLORS = {"pg": UNINFORMATIVE, "n-pg-igt": ACCENT, "harpg": INFORMATIVE, "n-harpg": ESTIMATE}
METHOD_LABELS = {"pg": "PG", "n-pg-igt": "N-PG-IGT", "harpg": "HARPG", "n-harpg": "N-HARPG"}
#: one colour per fate of a run (see :func:`fisherlab.rl.convergence.fates`)
FATE_COLORS = {"diverged": TRUTH, "worse than start": UNINFORMATIVE, "trapped": ACCENT, "slow": NEUTRAL,
               "converging": ESTIMATE}


def _ax(ax):
    return plt.gca() if check_ax(ax) is None else ax


def _pair(name: str, value, size: int):
    """A tuple or list of ``size`` items (an entry of a dict argument)."""
    if not isinstance(value, (tuple, list)) or len(value) != size:
        raise v.ArgumentTypeError(f"{name} must be a tuple of {size} items, got {v._describe(value)}")
    return value


def _labels(name: str, value, n: int):
    """``None`` or ``n`` strings."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, np.ndarray)):
        raise v.ArgumentTypeError(f"{name} must be a sequence of {n} strings, got {v._describe(value)}")
    if len(value) != n:
        raise ValueError(f"{name} must hold {n} labels (one per value), got {len(value)}")
    return list(value)


def estimates_vs_exact(ax, exact, estimates, *, labels=None, title=None, ylabel="value"):
    r"""Exact coordinates (bars) and Monte Carlo estimates with 2-standard-error bars.

    ``exact`` ``(d,)``; ``estimates`` a dict ``name -> (mean (d,), stderr (d,))``, drawn side by
    side; ``labels`` names the coordinates. Introduced in Chapter 7.
    """
    exact = check_series("exact", exact)
    d = exact.size
    for name, entry in check_dict("estimates", estimates, what="name -> (mean, stderr)").items():
        mean, se = _pair(f"estimates[{name!r}]", entry, 2)
        check_series(f"estimates[{name!r}] mean", mean, n=d, n_of="exact")
        check_series(f"estimates[{name!r}] stderr", se, n=d, nonneg=True, n_of="exact")
    labels = _labels("labels", labels, d)
    check_text("title", title), check_text("ylabel", ylabel, optional=False)
    ax = _ax(ax)
    x = np.arange(d)
    k = len(estimates) + 1
    width = 0.8 / k
    ax.bar(x - 0.4 + width / 2, exact, width, color=TRUTH, alpha=0.8, label="exact (enumeration)")
    colors = (ESTIMATE, UNINFORMATIVE, INFORMATIVE, ACCENT)
    for i, (name, (mean, se)) in enumerate(estimates.items()):
        ax.bar(x - 0.4 + (i + 1.5) * width, mean, width, yerr=2 * np.asarray(se), capsize=2,
               color=colors[i % len(colors)], alpha=0.8, label=name)
    ax.axhline(0, color="black", lw=0.6)
    ax.set_xticks(x, labels if labels is not None else [rf"$\theta_{{{i}}}$" for i in range(d)])
    ax.set_ylabel(ylabel)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def bounds_vs_measured(ax, names, bounds, measured, *, title=None):
    """Proposition-1-style bounds (grey) next to the measured worst cases (green), log scale,
    with the ratio bound/measured printed above each pair. Introduced in Chapter 7."""
    if isinstance(names, (str, bytes)) or not isinstance(names, (list, tuple)):
        raise v.ArgumentTypeError(f"names must be a list of strings, got {v._describe(names)}")
    bounds = check_series("bounds", bounds, n=len(names), positive=True, n_of="names")
    measured = check_series("measured", measured, n=len(names), positive=True, n_of="names")
    check_text("title", title)
    ax = _ax(ax)
    x = np.arange(len(names))
    ax.bar(x - 0.2, bounds, 0.4, color=NEUTRAL, label="bound (Proposition 1)")
    ax.bar(x + 0.2, measured, 0.4, color=ESTIMATE, label="measured (exact, worst over θ)")
    for xi, b, m in zip(x, bounds, measured):
        ax.text(xi, b * 1.6, f"×{b / m:,.0f}", ha="center", fontsize=9)
    ax.set_yscale("log")
    ax.set_xticks(x, names)
    ax.set_ylim(min(measured.min(), bounds.min()) / 3, bounds.max() * 30)
    ax.legend(loc="upper left")
    if title:
        ax.set_title(title)
    return ax


def lambda_min_curves(ax, curves, *, xlabel="iteration $t$", title=None):
    r"""Curves of :math:`\lambda_\min(F_\rho(\theta_t))` on a log axis; ``curves`` a dict
    ``label -> (t, values, color)``. Introduced in Chapter 7."""
    for label, entry in check_dict("curves", curves, what="label -> (t, values, color)").items():
        t, values, _ = _pair(f"curves[{label!r}]", entry, 3)
        t = check_series(f"curves[{label!r}] t", t)
        check_series(f"curves[{label!r}] values", values, n=t.size, positive=True, n_of="t")
    check_text("xlabel", xlabel, optional=False), check_text("title", title)
    ax = _ax(ax)
    for label, (t, values, color) in curves.items():
        ax.plot(t, values, color=color, lw=2, label=label)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"$\lambda_{\min}(F_\rho(\theta_t))$")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def gradient_domination(ax, gap, bound, *, labels=None, title=None):
    r"""Scatter of :math:`J^\star-J(\theta)` against the right-hand side of Lemma 2, with the
    diagonal: every point must lie below it. ``labels`` (optional) colour two groups.
    Introduced in Chapter 7."""
    gap = check_series("gap", gap)  # (a gap may round to slightly below 0; only gaps > 0 are drawn)
    if not np.any(gap > 0):
        raise ValueError("gap must have at least one value > 0 (a logarithmic axis)")
    bound = check_series("bound", bound, n=gap.size, positive=True, n_of="gap")
    labels = _labels("labels", labels, gap.size)
    check_text("title", title)
    ax = _ax(ax)
    groups = np.zeros(len(gap), dtype=int) if labels is None else np.asarray(labels)
    names = {0: None} if labels is None else {g: g for g in np.unique(groups)}
    colors = (INFORMATIVE, UNINFORMATIVE)
    for i, g in enumerate(names):
        sel = groups == g
        ax.scatter(bound[sel], gap[sel], s=18, color=colors[i % 2], alpha=0.8, label=names[g])
    lo = max(min(gap[gap > 0].min(), bound.min()) / 2, 1e-6)
    hi = max(gap.max(), bound.max()) * 2
    ax.plot([lo, hi], [lo, hi], color=NEUTRAL, lw=1, ls="--", label="gap = bound")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"$\sqrt{\varepsilon_\mathrm{bias}}/(1-\gamma) + (M_g/\mu_F)\,\|\nabla J(\theta)\|$")
    ax.set_ylabel(r"$J^\star - J(\theta)$")
    ax.legend()
    if title:
        ax.set_title(title)
    return ax


def _finite_quantiles(Y, qs):
    """Quantiles over runs (axis 0) that treat +inf (diverged runs) as larger than every value."""
    Y = np.asarray(Y, float)
    return np.quantile(np.where(np.isnan(Y), np.inf, Y), qs, axis=0, method="inverted_cdf")


def gap_bands(ax, t, gaps, *, fits=None, reference=None, title=None, xlabel="iteration $t$",
              ylabel=r"$J^\star - J(\theta_t)$", colors=None, labels=None, band=(0.1, 0.9)):
    r"""Median over runs of each group's gaps with a band between two quantiles (10% and 90%),
    on log-log axes.

    ``t`` ``(P,)``; ``gaps`` a dict ``name -> array (runs, P)`` (:math:`+\infty` for diverged runs:
    the band then reaches the top of the axes); ``fits`` a dict ``name -> SlopeFit`` (from
    :func:`fisherlab.rl.convergence.slope_interval`) drawn dashed, with the slope and its interval
    in the legend; ``reference`` a dict ``label -> slope`` of guide lines. Returns ``ax``.
    Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    t = check_series("t", t, nonneg=True)  # (t = 0 has no place on the log axis and is not drawn)
    for name, Y in check_dict("gaps", gaps, what="name -> array (runs, points)").items():
        # a diverged run has +inf gaps (NaN is read as +inf too); a gap may round below 0
        check_series(f"gaps[{name!r}]", Y, n=t.size, ndim=2, nan=True, posinf=True, what="a diverged run", n_of="t")
    fits = check_dict("fits", fits, optional=True, what="name -> SlopeFit")
    for name, fit in fits.items():
        if not all(hasattr(fit, a) for a in ("slope", "low", "high", "t", "intercept")):
            raise v.ArgumentTypeError(f"fits[{name!r}] must be a SlopeFit (from slope_interval), got {v._describe(fit)}")
    reference = check_dict("reference", reference, optional=True, what="label -> slope")
    for label, slope in reference.items():
        v.check_scalar(f"reference[{label!r}]", slope)
    colors = check_dict("colors", colors, optional=True, what="name -> colour")
    labels = check_dict("labels", labels, optional=True, what="name -> label")
    if not isinstance(band, (tuple, list)) or len(band) != 2:
        raise v.ArgumentTypeError(f"band must be a pair of quantiles (low, high), got {v._describe(band)}")
    lo_q, hi_q = (v.check_closed_interval("band", q, 0.0, 1.0, scalar=True) for q in band)
    if not lo_q < 0.5 < hi_q:
        raise ValueError(f"band must be quantiles low < 0.5 < high around the median, got {tuple(band)}")
    for name, text in (("title", title), ("xlabel", xlabel), ("ylabel", ylabel)):
        check_text(name, text, optional=name == "title")
    ax = _ax(ax)
    top = 0.0
    bottom = np.inf
    for name, Y in gaps.items():
        Y = np.asarray(Y, float)
        color = colors.get(name, METHOD_COLORS.get(name, NEUTRAL))
        label = labels.get(name, METHOD_LABELS.get(name, name))
        lo, med, hi = _finite_quantiles(Y, [band[0], 0.5, band[1]])
        finite = Y[np.isfinite(Y)]
        if finite.size:
            top = max(top, finite.max())
            low_band = lo[np.isfinite(lo) & (lo > 0)]
            bottom = min(bottom, low_band.min(initial=np.inf))
        fit = fits.get(name)
        if fit is not None:
            label = f"{label}: slope {fit.slope:+.2f} [{fit.low:+.2f}, {fit.high:+.2f}]"
            ax.plot(fit.t, np.exp(fit.intercept + fit.slope * np.log(fit.t)), color=color, ls="--", lw=1)
        ax.plot(t, np.where(np.isfinite(med), med, np.nan), color=color, lw=2, label=label)
        ax.fill_between(t, np.where(np.isfinite(lo), lo, np.nan), np.where(np.isfinite(hi), hi, top * 10),
                        color=color, alpha=0.15, lw=0)
    if reference:
        anchor = bottom if np.isfinite(bottom) else 1.0
        xx = np.array([t[len(t) // 3], t[-1]])
        for (label, slope), ls in zip(reference.items(), (":", "-.", (0, (1, 3)))):
            ax.plot(xx, anchor * 3 * (xx / xx[-1]) ** slope, color="black", ls=ls, lw=1, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    if top > 0 and np.isfinite(bottom):
        ax.set_ylim(bottom / 3, top * 3)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title)
    return ax


def fate_bars(ax, fates, *, order=None, title=None, labels=None):
    r"""Stacked horizontal bars: how many runs of each group met each fate.

    ``fates`` a dict ``name -> array of fate strings`` (from
    :func:`fisherlab.rl.convergence.fates`); ``order`` the fates from left to right (default
    ``convergence.FATES`` reversed: converging first). Counts are written in the bars.
    Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    from ..rl.convergence import FATES

    for name, f in check_dict("fates", fates, what="name -> array of fates").items():
        f = np.asarray(f)
        if f.ndim != 1 or f.size == 0 or not all(isinstance(x, str) and x in FATES for x in f.tolist()):
            raise ValueError(f"fates[{name!r}] must be a 1-D array of fates {FATES} (from convergence.fates)")
    if order is not None:
        if isinstance(order, str) or not isinstance(order, (list, tuple)) or not order:
            raise v.ArgumentTypeError(f"order must be a sequence of fates {FATES}, got {v._describe(order)}")
        for fate in order:
            v.check_choice("order", fate, FATES)
    labels = check_dict("labels", labels, optional=True, what="name -> label")
    check_text("title", title)
    ax = _ax(ax)
    order = order or ("converging", "slow", "trapped", "worse than start", "diverged")
    names = list(fates)
    for i, name in enumerate(names):
        f = np.asarray(fates[name])
        left = 0
        for fate in order:
            k = int(np.sum(f == fate))
            if k:
                ax.barh(i, k, left=left, color=FATE_COLORS.get(fate, NEUTRAL), edgecolor="white",
                        label=fate if fate not in ax.get_legend_handles_labels()[1] else None)
                ax.text(left + k / 2, i, str(k), ha="center", va="center", fontsize=8, color="white")
                left += k
    ax.set_yticks(range(len(names)), [labels.get(n, METHOD_LABELS.get(n, n)) for n in names])
    ax.invert_yaxis()
    ax.set_xlabel("runs")
    ax.grid(False)
    ax.legend(fontsize=7, ncol=5, loc="upper center", bbox_to_anchor=(0.5, -0.22))
    if title:
        ax.set_title(title)
    return ax


def interval_plot(ax, intervals, *, reference=None, xlabel="value", title=None, log=True, colors=None):
    r"""Point estimates with intervals, one row each: ``intervals`` a dict ``label -> (estimate,
    low, high)`` (for example ratios of medians from
    :func:`fisherlab.rl.convergence.median_ratio`); ``reference`` draws a vertical line (1 for
    ratios). The values are written at the right edge. Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    log = v.check_bool("log", log)
    for label, entry in check_dict("intervals", intervals, what="label -> (estimate, low, high)").items():
        est, lo, hi = check_series(f"intervals[{label!r}]", _pair(f"intervals[{label!r}]", entry, 3), n=3,
                                   positive=log)
        if not lo <= est <= hi:
            raise ValueError(f"intervals[{label!r}] must be (estimate, low, high) with low <= estimate <= high, "
                             f"got {(float(est), float(lo), float(hi))}")
    if reference is not None:
        reference = v.check_positive("reference", reference, scalar=True) if log else v.check_scalar("reference", reference)
    colors = check_dict("colors", colors, optional=True, what="label -> colour")
    check_text("xlabel", xlabel, optional=False), check_text("title", title)
    ax = _ax(ax)
    values = np.array([x for x in intervals.values()], float)
    for i, (label, (est, lo, hi)) in enumerate(intervals.items()):
        color = colors.get(label, INFORMATIVE)
        ax.plot([lo, hi], [i, i], color=color, lw=3, alpha=0.6)
        ax.plot([est], [i], "o", color=color)
        ax.annotate(f"{est:.2g} [{lo:.2g}, {hi:.2g}]", (1.0, i), xycoords=("axes fraction", "data"),
                    xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
    if reference is not None:
        ax.axvline(reference, color="black", lw=1, ls="--")
    ax.set_yticks(range(len(intervals)), list(intervals))
    ax.set_ylim(len(intervals) - 0.5, -0.5)
    if log:
        ax.set_xscale("log")
        lo = min(values.min(), reference if reference is not None else values.min())
        hi = max(values.max(), reference if reference is not None else values.max())
        ax.set_xlim(lo / 1.5, hi * 1.5)
        ax.xaxis.set_minor_formatter(plt.NullFormatter())
    ax.set_xlabel(xlabel)
    if title:
        ax.set_title(title)
    return ax


def run_curves(ax, t, curves, *, logx=True, logy=True, xlabel="iteration $t$", ylabel=None, title=None,
               hline=None):
    r"""Per-run curves: ``curves`` a dict ``label -> (values (runs, P) or (P,), color)``; the first
    run of each label carries the legend entry. ``hline`` draws a horizontal guide (e.g. 1).
    Introduced in Chapter 8, "Policy-gradient convergence II".
    """
    logx, logy = v.check_bool("logx", logx), v.check_bool("logy", logy)
    t = check_series("t", t, nonneg=logx)  # (t = 0 has no place on a log axis and is not drawn)
    for label, entry in check_dict("curves", curves, what="label -> (values, color)").items():
        values, _ = _pair(f"curves[{label!r}]", entry, 2)
        # NaN marks the iterations after a run diverged; +inf a diverged value
        Y = check_series(f"curves[{label!r}] values", values, ndim=(1, 2), nan=True, posinf=True,
                         what="a diverged run")
        if Y.shape[-1] > t.size:
            raise ValueError(f"curves[{label!r}] values must have at most len(t) = {t.size} points, got {Y.shape[-1]}")
    if hline is not None:
        hline = v.check_scalar("hline", hline)
    for name, text in (("xlabel", xlabel), ("ylabel", ylabel), ("title", title)):
        check_text(name, text, optional=name != "xlabel")
    ax = _ax(ax)
    for label, (values, color) in curves.items():
        Y = np.atleast_2d(np.asarray(values, float))
        for k, y in enumerate(Y):
            ax.plot(t[: len(y)], y, color=color, lw=1.2 if len(Y) == 1 else 0.8, alpha=1.0 if len(Y) == 1 else 0.6,
                    label=label if k == 0 else None)
    if hline is not None:
        ax.axhline(hline, color="black", lw=1, ls="--")
    if logx:
        ax.set_xscale("log")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    if ylabel:
        ax.set_ylabel(ylabel)
    ax.legend(fontsize=7)
    if title:
        ax.set_title(title)
    return ax
