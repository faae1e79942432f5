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

from .. import _validate as v
from .style import ESTIMATE, INFORMATIVE, NEUTRAL, PALETTE, TRUTH, UNINFORMATIVE, check_ax, check_dict, check_series, check_text

__all__ = ["METHOD_COLORS", "METHOD_LABELS", "surrogate_vs_objective", "learning_curves", "kl_per_update",
           "parameter_paths", "line_search_stats"]

#: one colour per algorithm, the same in every figure of the chapter
METHOD_COLORS = {"pg": UNINFORMATIVE, "npg": ESTIMATE, "trpo": INFORMATIVE, "kl-pg": PALETTE[4],
                 "ppo": PALETTE[3], "trpo-mlp": PALETTE[5]}
#: legend labels
METHOD_LABELS = {"pg": "PG", "npg": "NPG", "trpo": "TRPO", "kl-pg": "KL-normalised PG", "ppo": "PPO",
                 "trpo-mlp": "TRPO, MLP policy"}


def _ax(ax, figsize=(7.0, 4.0)):
    if check_ax(ax) is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _curve(name: str, value, n: int, *, nan: bool = False, neginf: bool = False, ndim=1) -> np.ndarray:
    arr = v.check_real_array(name, value, nan=nan, neginf=neginf, what="a missing or unbounded value")
    dims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.ndim not in dims or arr.size == 0 or arr.shape[-1] != n:
        raise ValueError(f"{name} must have {' or '.join(map(str, dims))} axes with {n} values along the last "
                         f"(one per point of the abscissa), got shape {arr.shape}")
    return arr


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
    n = check_series("ts", ts).size
    _curve("J", J, n)
    _curve("L", L, n)
    _curve("bound", bound, n, neginf=True)
    if delta_t is not None:
        v.check_scalar("delta_t", delta_t)
    check_ax(ax)
    check_text("xlabel", xlabel, optional=False)
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
    for method, entry in check_dict("curves", curves, what="method -> (x, Y)").items():
        if not isinstance(entry, (tuple, list)) or len(entry) != 2:
            raise ValueError(f"curves[{method!r}] must be a pair (x, Y), got {v._describe(entry)}")
        n = check_series(f"curves[{method!r}] x", entry[0]).size
        _curve(f"curves[{method!r}] Y", entry[1], n, nan=True, ndim=(1, 2))
    for name, text in (("xlabel", xlabel), ("ylabel", ylabel), ("title", title)):
        check_text(name, text, optional=False)
    if target is not None:
        v.check_scalar("target", target)
    check_text("target_label", target_label)
    v.check_choice("band", band, ("minmax", "std"))
    check_ax(ax)
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
    for method, kl in check_dict("kls", kls, what="method -> kl").items():
        arr = v.check_real_array(f"kls[{method!r}]", kl, nan=True, what="a missing update")
        if arr.ndim not in (1, 2) or arr.size == 0:
            raise ValueError(f"kls[{method!r}] must have shape (n_updates,) or (n_seeds, n_updates), got shape {arr.shape}")
        if np.any(arr[~np.isnan(arr)] < 0):
            raise ValueError(f"kls[{method!r}] must be >= 0 (a KL divergence), got {arr[arr < 0].ravel()[0]!r}")
    v.check_positive("delta", delta, scalar=True)
    v.check_bool("log", log)
    if ylim is not None:
        if not isinstance(ylim, (tuple, list)):
            raise v.ArgumentTypeError(f"ylim must be None or a pair (low, high), got {v._describe(ylim)}")
        lim = v.as_float_array("ylim", ylim)
        if lim.shape != (2,) or not lim[0] < lim[1] or (log and lim[0] <= 0):
            raise ValueError(f"ylim must be a pair (low, high) with {'0 < ' if log else ''}low < high, got {ylim!r}")
    check_text("title", title, optional=False)
    check_ax(ax)
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
    n0 = check_series("w0", w0).size
    n1 = check_series("w1", w1).size
    if n0 < 2 or n1 < 2:
        raise ValueError(f"w0 and w1 must hold at least 2 grid coordinates each, got {n0} and {n1}")
    J_arr = v.as_float_array("J", J)
    if J_arr.shape != (n1, n0):
        raise ValueError(f"J must have shape (len(w1), len(w0)) = ({n1}, {n0}), got shape {J_arr.shape}")
    for method, pts in check_dict("paths", paths, what="method -> points").items():
        check_series(f"paths[{method!r}]", pts, ndim=2, n=2, n_of="(w0, w1)")
    v.check_int("levels", levels, minimum=1)
    check_ax(ax)
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
    backtrack_iters = v.check_int("backtrack_iters", backtrack_iters, minimum=1)
    if isinstance(n_backtracks, dict):
        items = check_dict("n_backtracks", n_backtracks, what="label -> backtracks").items()
        if len(n_backtracks) > 4:
            raise ValueError(f"n_backtracks must hold at most 4 settings, got {len(n_backtracks)}")
    else:
        items = [("n_backtracks", n_backtracks)]
    for label, nb in items:
        name = "n_backtracks" if label == "n_backtracks" else f"n_backtracks[{label!r}]"
        arr = v.check_int_array(name, nb, minimum=0, maximum=backtrack_iters)
        if arr.size == 0:
            raise ValueError(f"{name} must hold at least one update, got none")
    check_text("title", title, optional=False)
    check_ax(ax)
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
