"""Figures of Chapter 6, "Policy-gradient convergence".

Each figure draws numbers computed by :mod:`fisherlab.rl.enumeration`,
:mod:`fisherlab.rl.second_order`, :mod:`fisherlab.rl.assumptions`, :mod:`fisherlab.rl.lqr` and
:mod:`fisherlab.rl.convergence`. Colours: exact values ``TRUTH`` (vermilion), Monte Carlo
estimates ``ESTIMATE`` (green), theoretical bounds ``NEUTRAL`` (grey); the four methods keep
one colour each in every figure (:data:`METHOD_COLORS`).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import ACCENT, ESTIMATE, INFORMATIVE, NEUTRAL, TRUTH, UNINFORMATIVE

__all__ = ["METHOD_COLORS", "METHOD_LABELS", "estimates_vs_exact", "bounds_vs_measured", "lambda_min_curves",
           "gradient_domination", "gap_curves", "fit_slope", "return_curves"]

#: one colour per method, in every figure of the chapter
METHOD_COLORS = {"pg": UNINFORMATIVE, "n-pg-igt": ACCENT, "harpg": INFORMATIVE, "n-harpg": ESTIMATE}
METHOD_LABELS = {"pg": "PG", "n-pg-igt": "N-PG-IGT", "harpg": "HARPG", "n-harpg": "N-HARPG"}


def _ax(ax):
    return plt.gca() if ax is None else ax


def estimates_vs_exact(ax, exact, estimates, *, labels=None, title=None, ylabel="value"):
    r"""Exact coordinates (bars) and Monte Carlo estimates with 2-standard-error bars.

    ``exact`` ``(d,)``; ``estimates`` a dict ``name -> (mean (d,), stderr (d,))``, drawn side by
    side; ``labels`` names the coordinates. Introduced in Chapter 6.
    """
    ax = _ax(ax)
    exact = np.asarray(exact)
    d = exact.size
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
    with the ratio bound/measured printed above each pair. Introduced in Chapter 6."""
    ax = _ax(ax)
    x = np.arange(len(names))
    bounds, measured = np.asarray(bounds, float), np.asarray(measured, float)
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
    ``label -> (t, values, color)``. Introduced in Chapter 6."""
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
    Introduced in Chapter 6."""
    ax = _ax(ax)
    gap, bound = np.asarray(gap), np.asarray(bound)
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


def fit_slope(x, y, *, start: int = 0):
    r"""Least-squares slope of :math:`\log y` against :math:`\log x` over ``x[start:]``."""
    x, y = np.asarray(x, float)[start:], np.asarray(y, float)[start:]
    return float(np.polyfit(np.log(x), np.log(y), 1)[0])


def gap_curves(ax, x, gaps, *, fit_start=None, title=None, xlabel="iteration $t$", reference=None):
    r"""Mean :math:`J^\star - J(\theta_t)` over seeds with a band (min to max), log-log axes.

    ``gaps`` a dict ``method -> array (n_seeds, len(x))``. With ``fit_start`` (an index into
    ``x``), the fitted slope of the mean over ``x[fit_start:]`` is drawn dashed and shown in the
    legend. ``reference`` a dict ``label -> slope`` draws guide lines. Returns the slopes.
    Introduced in Chapter 6.
    """
    ax = _ax(ax)
    x = np.asarray(x, float)
    slopes = {}
    for method, Y in gaps.items():
        Y = np.asarray(Y, float)
        mean = Y.mean(axis=0)
        color = METHOD_COLORS.get(method, NEUTRAL)
        label = METHOD_LABELS.get(method, method)
        if fit_start is not None:
            s = fit_slope(x, mean, start=fit_start)
            slopes[method] = s
            c = np.polyfit(np.log(x[fit_start:]), np.log(mean[fit_start:]), 1)
            ax.plot(x[fit_start:], np.exp(np.polyval(c, np.log(x[fit_start:]))), color=color, ls="--", lw=1)
            label = f"{label} (slope {s:.2f})"
        ax.plot(x, mean, color=color, lw=2, label=label)
        ax.fill_between(x, Y.min(axis=0), Y.max(axis=0), color=color, alpha=0.15, lw=0)
    if reference:
        anchor_x, anchor_y = x[-1], min(np.asarray(Y).mean(axis=0)[-1] for Y in gaps.values())
        for (label, slope), ls in zip(reference.items(), (":", "-.")):
            xx = np.array([x[len(x) // 3], x[-1]])
            ax.plot(xx, anchor_y * 0.5 * (xx / anchor_x) ** slope, color="black", ls=ls, lw=1, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(r"$J^\star - J(\theta_t)$")
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title)
    return slopes


def return_curves(ax, curves, *, title=None, xlabel="environment steps", ylabel="return"):
    r"""Mean return over seeds against environment steps, with a band (one standard error)
    around it. ``curves`` a dict ``method -> (steps (n_seeds, n), returns (n_seeds, n))``;
    the curves are interpolated on a common grid of steps. Introduced in Chapter 6."""
    ax = _ax(ax)
    for method, (steps, returns) in curves.items():
        steps, returns = np.asarray(steps, float), np.asarray(returns, float)
        grid = np.linspace(steps[:, 0].max(), steps[:, -1].min(), 60)
        Y = np.array([np.interp(grid, s, r) for s, r in zip(steps, returns)])
        mean, se = Y.mean(axis=0), Y.std(axis=0, ddof=1) / np.sqrt(len(Y))
        color = METHOD_COLORS.get(method, NEUTRAL)
        ax.plot(grid, mean, color=color, lw=2, label=METHOD_LABELS.get(method, method))
        ax.fill_between(grid, mean - se, mean + se, color=color, alpha=0.2, lw=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    if title:
        ax.set_title(title)
    return ax
