"""Figures of Chapter 5, "TRPO".

Each figure draws what :mod:`fisherlab.rl` computes: exact objectives and surrogates of a
finite MDP, :class:`fisherlab.rl.algorithms.History` records of PG, NPG and TRPO runs.

Colours: vanilla policy gradient ``UNINFORMATIVE`` (orange; it ignores the Fisher geometry),
natural policy gradient ``ESTIMATE`` (green), TRPO ``INFORMATIVE`` (blue); the trust-region
radius and bounds in ``TRUTH`` (vermilion); the KL-normalised vanilla gradient, PPO and TRPO
with the MLP policy in further colours of the palette.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .style import ESTIMATE, INFORMATIVE, NEUTRAL, PALETTE, TRUTH, UNINFORMATIVE

__all__ = ["METHOD_COLORS", "METHOD_LABELS", "surrogate_vs_objective", "learning_curves", "kl_per_update",
           "parameter_paths", "line_search_stats"]

#: one colour per algorithm, the same in every figure of the chapter
METHOD_COLORS = {"pg": UNINFORMATIVE, "npg": ESTIMATE, "trpo": INFORMATIVE, "kl-pg": PALETTE[4],
                 "ppo": PALETTE[3], "trpo-mlp": PALETTE[5]}
#: legend labels
METHOD_LABELS = {"pg": "PG", "npg": "NPG", "trpo": "TRPO", "kl-pg": "KL-normalised PG", "ppo": "PPO",
                 "trpo-mlp": "TRPO, MLP policy"}


def _ax(ax, figsize=(7.0, 4.0)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def surrogate_vs_objective(ts, J, L, bound, *, delta_t=None, ax=None,
                           xlabel=r"step length $t$ along the natural direction $s = F^{-1}g$"):
    r"""True objective, surrogate and the TRPO lower bound along a line :math:`\theta_\text{old} + t\,s`.

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    ts : array of shape (n,)
        Step lengths :math:`t`.
    J, L, bound : arrays of shape (n,)
        :math:`J(\theta) - J(\theta_\text{old})`, :math:`L_{\theta_\text{old}}(\theta) - J(\theta_\text{old})`
        and the lower bound :math:`L - C\,D^{\max}_\mathrm{KL}` minus :math:`J(\theta_\text{old})`.
    delta_t : float, optional
        The :math:`t` at which the mean KL reaches :math:`\delta` (a vertical line).
    """
    ax = _ax(ax)
    ax.plot(ts, J, color=INFORMATIVE, lw=2, label=r"true gain $J(\theta) - J(\theta_{old})$")
    ax.plot(ts, L, color=ESTIMATE, lw=2, ls="--", label=r"surrogate gain $L_{\theta_{old}}(\theta) - J(\theta_{old})$")
    ax.plot(ts, bound, color=TRUTH, lw=1.5, ls=":", label=r"lower bound $L - C\,D_{KL}^{\max}$")
    ax.axhline(0, color=NEUTRAL, lw=0.8)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("gain in discounted return")
    span = np.concatenate([np.asarray(J), np.asarray(L)])
    pad = 0.15 * (span.max() - span.min() + 1e-12)
    ax.set_ylim(span.min() - pad, span.max() + pad)  # the bound dives far below: clip it
    if delta_t is not None:
        ax.axvline(delta_t, color=NEUTRAL, ls="--", lw=1)
        ax.annotate(r"mean KL $= \delta$", (delta_t, ax.get_ylim()[0]), xytext=(4, 8), textcoords="offset points",
                    fontsize=8, color=NEUTRAL)
    ax.set_title("The surrogate matches J to first order; the bound certifies only tiny steps")
    ax.legend(loc="upper left")
    return ax


def learning_curves(curves: dict, *, xlabel: str, ylabel: str, title: str, target: float | None = None,
                    target_label: str | None = None, band: str = "minmax", ax=None):
    """Mean learning curve per method with a band over seeds.

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    curves : dict
        ``{method: (x, Y)}``, ``x`` of shape ``(n,)``, ``Y`` of shape ``(n_seeds, n)`` (or ``(n,)``
        for a single deterministic run). NaNs are ignored.
    band : {"minmax", "std"}
        The band: the range over seeds, or the mean plus or minus one standard deviation.
    target : float, optional
        A horizontal line (for example the return 475 of CartPole-v1).
    """
    ax = _ax(ax)
    for method, (x, Y) in curves.items():
        Y = np.atleast_2d(np.asarray(Y, dtype=float))
        color = METHOD_COLORS.get(method)
        mean = np.nanmean(Y, axis=0)
        label = METHOD_LABELS.get(method, method)
        if Y.shape[0] > 1:
            lo, hi = ((np.nanmin(Y, axis=0), np.nanmax(Y, axis=0)) if band == "minmax"
                      else (mean - np.nanstd(Y, axis=0), mean + np.nanstd(Y, axis=0)))
            ax.fill_between(x, lo, hi, color=color, alpha=0.18, lw=0)
            label += f" (mean of {Y.shape[0]})"
        ax.plot(x, mean, color=color, lw=2, label=label)
    if target is not None:
        ax.axhline(target, color=TRUTH, ls="--", lw=1, label=target_label or f"target {target:g}")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(loc="best")
    return ax


def kl_per_update(kls: dict, delta: float, *, ax=None, log: bool = True, ylim=None,
                  title: str = r"TRPO never leaves the trust region; NPG's quadratic step can overshoot $\delta$"):
    r"""Mean KL divergence moved by each update, against the trust-region radius :math:`\delta`.

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    kls : dict
        ``{method: kl}``, ``kl`` of shape ``(n_updates,)`` or ``(n_seeds, n_updates)``.
    ylim : (float, float), optional
        Limits of the KL axis.
    """
    ax = _ax(ax)
    markers = {"pg": dict(marker="."), "npg": dict(marker="o", mfc="none"), "trpo": dict(marker="x")}
    for j, (method, kl) in enumerate(kls.items()):
        kl = np.atleast_2d(np.asarray(kl, dtype=float))
        color = METHOD_COLORS.get(method)
        # methods side by side within each update, so that overlapping points stay visible
        k = np.arange(1, kl.shape[1] + 1) + 0.15 * (j - (len(kls) - 1) / 2)
        for i, row in enumerate(kl):
            ax.plot(k, row, ls="none", color=color, ms=4, alpha=0.7, **markers.get(method, dict(marker=".")),
                    label=METHOD_LABELS.get(method, method) if i == 0 else None)
    ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    ax.axhline(delta, color=TRUTH, ls="--", lw=1.2, label=rf"$\delta = {delta:g}$")
    if log:
        ax.set_yscale("log")
    if ylim is not None:
        ax.set_ylim(*ylim)  # points outside (e.g. steps taken after convergence) are off the figure
    ax.set_xlabel("update $k$")
    ax.set_ylabel(r"mean KL $\bar D_{KL}(\pi_{\theta_k}\,\|\,\pi_{\theta_{k+1}})$")
    ax.set_title(title)
    ax.legend(loc="best")
    return ax


def parameter_paths(w0, w1, J, paths: dict, *, ax=None, levels: int = 14):
    r"""Contours of the exact objective over a 2-D parameter plane with each method's path.

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    w0, w1 : arrays of shape (n0,), (n1,)
        Grid coordinates.
    J : array of shape (n1, n0)
        :math:`J` on the grid (rows follow ``w1``).
    paths : dict
        ``{method: points}``, ``points`` of shape ``(n_steps + 1, 2)``.
    """
    ax = _ax(ax, figsize=(6.4, 5.2))
    cs = ax.contourf(w0, w1, J, levels=levels, cmap="Greys", alpha=0.55)
    ax.contour(w0, w1, J, levels=cs.levels, colors=NEUTRAL, linewidths=0.4)
    plt.colorbar(cs, ax=ax, label=r"$J(\theta)$")
    styles = {"pg": ("-", "o", 3), "npg": ("-", "o", 7), "trpo": ("--", "x", 5)}  # NPG and TRPO may overlap
    for method, pts in paths.items():
        pts = np.asarray(pts)
        color = METHOD_COLORS.get(method)
        ls, marker, ms = styles.get(method, ("-", "o", 3))
        ax.plot(pts[:, 0], pts[:, 1], ls=ls, marker=marker, color=color, ms=ms, lw=1.5,
                mfc="none" if method == "npg" else color, label=METHOD_LABELS.get(method, method))
    first = np.asarray(next(iter(paths.values())))[0]
    ax.plot(*first, "s", color="black", ms=6, label="start")
    ax.set_xlim(w0[0], w0[-1])
    ax.set_ylim(w1[0], w1[-1])
    ax.set_aspect("auto")
    ax.legend(loc="lower right")
    return ax


def line_search_stats(n_backtracks, backtrack_iters: int, *, ax=None,
                      title: str = "Most TRPO updates take the full natural step; a few shrink it"):
    """Histogram of the number of backtracking steps per TRPO update (``backtrack_iters`` = rejected).

    Introduced in Chapter 5, "TRPO".

    Parameters
    ----------
    n_backtracks : array or dict
        Backtracks per update (any shape), or ``{label: array}`` for several settings.
    """
    ax = _ax(ax)
    data = n_backtracks if isinstance(n_backtracks, dict) else {"TRPO": n_backtracks}
    bins = np.arange(backtrack_iters + 2) - 0.5
    width = 0.8 / len(data)
    for i, ((label, nb), color) in enumerate(zip(data.items(), (INFORMATIVE, ESTIMATE, UNINFORMATIVE, TRUTH))):
        counts, _ = np.histogram(np.ravel(nb), bins=bins)
        frac = counts / max(counts.sum(), 1)
        ax.bar(np.arange(backtrack_iters + 1) - 0.4 + width * (i + 0.5), frac, width=width, color=color, label=label)
    ax.set_xticks(np.arange(backtrack_iters + 1))
    ax.set_xticklabels([str(k) for k in range(backtrack_iters)] + ["rejected"])
    ax.set_xlabel(r"backtracking steps $k$ (step fraction $\beta^k$)")
    ax.set_ylabel("fraction of updates")
    ax.set_title(title)
    ax.legend(loc="best")
    return ax
