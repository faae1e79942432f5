r"""Figures of Chapter 6, "Why natural policy gradient converges".

Each figure draws what :mod:`fisherlab.rl.exact_pg` computed: optimality gaps of exact runs next
to the bounds that the theory gives for them, natural against vanilla directions, plateau
lengths, Fisher conditioning. The figures only draw; every number they show is computed (and
checked) in the notebook.

Colours: vanilla policy gradient ``UNINFORMATIVE`` (orange), natural policy gradient
``ESTIMATE`` (green), policy iteration black, as in Chapter 5's figures; series indexed by a
step size or an MDP take ``PALETTE`` in order. A measured quantity is a solid line, the bound
that holds for it is a dashed line of the same colour. Gaps below ``floor`` (the rounding level of
float64 values of order 1-10) are drawn at ``floor`` on logarithmic axes.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import _validate as v
from .style import (ACCENT, ESTIMATE, NEUTRAL, PALETTE, TRUTH, UNINFORMATIVE, check_ax, check_axes, check_dict,
                    check_series, check_text)

__all__ = ["METHOD_STYLES", "measured_vs_bound", "method_curves", "direction_scatter", "greedy_limit",
           "plateau_lengths", "fisher_conditioning", "regularisation_bias"]

#: colour and line style per method key of :func:`method_curves` (prefix match)
METHOD_STYLES = {"pg": dict(color=UNINFORMATIVE), "npg": dict(color=ESTIMATE), "pi": dict(color="#000000"),
                 "q-npg": dict(color=ACCENT)}
FLOOR = 1e-15


def _ax(ax, figsize=(7.0, 4.0)):
    if check_ax(ax) is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _positive(y, floor):
    return np.maximum(np.asarray(y, dtype=float), floor)


def _series_dict(name: str, value, n: int | None, n_of: str, *, optional: bool = False, nonneg: bool = False):
    """A dict ``label -> array (n,)`` of finite values (``n`` None: any length >= 1)."""
    if optional and value is not None and isinstance(value, dict) and not value:
        return {}
    for label, y in check_dict(name, value, optional=optional, what="label -> array").items():
        check_series(f"{name}[{label!r}]", y, n=n, nonneg=nonneg, n_of=n_of)
    return value or {}


def _texts(**texts):
    for name, text in texts.items():
        check_text(name, text, optional=False)


def _flags(**flags):
    return [v.check_bool(name, flag) for name, flag in flags.items()]


def measured_vs_bound(x, measured: dict, bounds: dict, *, ax=None, xlabel: str = r"iteration $t$",
                      ylabel: str = "optimality gap", title: str = "", logx: bool = False, logy: bool = True,
                      floor: float = FLOOR, legend: bool = True):
    r"""Measured quantities (solid) next to their bounds (dashed, same colour), one colour per key.

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Parameters
    ----------
    x : array of shape (n,)
        Abscissa shared by every series (iterations, or step sizes).
    measured : dict
        ``{label: y}`` with ``y`` of shape ``(n,)``: the measured quantity.
    bounds : dict
        ``{label: b}`` with ``b`` of shape ``(n,)`` (or ``(x_b, b)`` for another abscissa): the bound
        for the measured series of the same label. A label present only here is drawn in ``TRUTH``.
    floor : float
        Values below it are drawn at it on a logarithmic y axis.
    """
    logx, logy, legend = _flags(logx=logx, logy=logy, legend=legend)
    x = check_series("x", x, positive=logx)
    _series_dict("measured", measured, x.size, "x")
    if not isinstance(bounds, dict):
        raise v.ArgumentTypeError(f"bounds must be a dict label -> array (or (x_b, b)), got {v._describe(bounds)}")
    for label, b in bounds.items():
        if isinstance(b, tuple):
            if len(b) != 2:
                raise ValueError(f"bounds[{label!r}] must be an array or a pair (x_b, b), got {len(b)} items")
            xb = check_series(f"bounds[{label!r}] x_b", b[0], positive=logx)
            check_series(f"bounds[{label!r}] b", b[1], n=xb.size, n_of="x_b")
        else:
            check_series(f"bounds[{label!r}]", b, n=x.size, n_of="x")
    floor = v.check_positive("floor", floor, scalar=True)
    _texts(xlabel=xlabel, ylabel=ylabel, title=title)
    ax = _ax(ax)
    colours = {}
    for i, (label, y) in enumerate(measured.items()):
        colours[label] = PALETTE[i % len(PALETTE)]
        y = _positive(y, floor) if logy else np.asarray(y, dtype=float)
        ax.plot(x, y, color=colours[label], lw=1.8, label=label)
    for label, b in bounds.items():
        xb, b = b if isinstance(b, tuple) else (x, b)
        ax.plot(xb, b, color=colours.get(label, TRUTH), lw=1.4, ls="--",
                label=None if label in colours else label)
    if logy:
        ax.set_yscale("log")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if legend:
        if any(label in colours for label in bounds):
            ax.plot([], [], color=NEUTRAL, ls="--", lw=1.4, label="bound (dashed)")
        ax.legend(loc="best", fontsize=8)
    return ax


def _style(key: str) -> dict:
    for prefix in sorted(METHOD_STYLES, key=len, reverse=True):
        if key.lower().startswith(prefix):
            return dict(METHOD_STYLES[prefix])
    return dict(color=NEUTRAL)


def method_curves(curves: dict, *, ax=None, bounds: dict | None = None, title: str = "",
                  xlabel: str = r"iteration $t$", ylabel: str = r"$V^\star(\mu) - V^{(t)}(\mu)$",
                  floor: float = FLOOR, logx: bool = True, legend: bool = True):
    r"""Optimality gap against iterations for several methods (PG, NPG, policy iteration).

    The colour follows the method (the key's prefix ``pg``, ``npg``, ``q-npg`` or ``pi``, see
    :data:`METHOD_STYLES`); several runs of one method (step sizes) get solid, dash-dotted and
    dotted lines in the order given. With ``logx`` the iteration axis is logarithmic above 1 and
    linear between 0 and 1 ("symlog"), so that iteration 0 is shown.

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Parameters
    ----------
    curves : dict
        ``{label: gaps}``, ``gaps`` of shape ``(n_iters + 1,)``; the label starts with the method key.
    bounds : dict, optional
        ``{label: b}``: a bound for the curve of that label, dashed in its colour.
    """
    logx, legend = _flags(logx=logx, legend=legend)
    _series_dict("curves", curves, None, "")
    _series_dict("bounds", bounds, None, "", optional=True)  # a label not in curves is drawn in TRUTH
    floor = v.check_positive("floor", floor, scalar=True)
    _texts(title=title, xlabel=xlabel, ylabel=ylabel)
    ax = _ax(ax)
    seen: dict[str, int] = {}
    styles = ("-", "-.", ":", (0, (5, 1)))
    colours = {}
    for label, y in curves.items():
        st = _style(label)
        key = st["color"]
        k = seen.get(key, 0)
        seen[key] = k + 1
        y = _positive(y, floor)
        x = np.arange(len(y), dtype=float)
        colours[label] = st["color"]
        ax.plot(x, y, color=st["color"], ls=styles[k % len(styles)], lw=1.8, label=label)
    for label, b in (bounds or {}).items():
        b = np.asarray(b, dtype=float)
        x = np.arange(len(b), dtype=float)
        ax.plot(x, b, color=colours.get(label, TRUTH), ls="--", lw=1.2, alpha=0.9, label=f"bound for {label}")
    ax.set_yscale("log")
    if logx:
        ax.set_xscale("symlog", linthresh=1.0)
        ax.set_xlim(left=0)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if legend:
        ax.legend(loc="lower left", fontsize=8)
    return ax


def direction_scatter(closed_form, natural, vanilla, *, axes=None):
    r"""Two panels against the closed form :math:`(A - \bar A)/(1-\gamma)`: the natural gradient
    from CG (on the diagonal) and the vanilla gradient (squashed by :math:`d(s)\pi(a|s)`).

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Parameters
    ----------
    closed_form, natural, vanilla : arrays of shape (d,)
        :math:`F^+\nabla J` in closed form, the CG solution, and :math:`\nabla J`.
    """
    x = check_series("closed_form", closed_form)
    check_series("natural", natural, n=x.size, n_of="closed_form")
    check_series("vanilla", vanilla, n=x.size, n_of="closed_form")
    if check_axes(axes, 2) is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 4.2))
    lim = np.array([x.min(), x.max()])
    axes[0].plot(lim, lim, color=NEUTRAL, lw=1, ls="--", label="identity")
    axes[0].plot(x, natural, "o", color=ESTIMATE, ms=5, mfc="none", label=r"CG: $F_\rho^+\nabla J$")
    axes[0].set_xlabel(r"closed form $(A^\pi(s,a) - \bar A^\pi(s))/(1-\gamma)$")
    axes[0].set_ylabel("natural gradient, by CG")
    axes[0].set_title("The natural gradient is the advantage")
    axes[0].legend(loc="upper left")
    axes[1].axhline(0, color=NEUTRAL, lw=0.8)
    axes[1].plot(x, vanilla, "o", color=UNINFORMATIVE, ms=5, mfc="none", label=r"$\nabla J$")
    axes[1].set_xlabel(r"closed form $(A^\pi(s,a) - \bar A^\pi(s))/(1-\gamma)$")
    axes[1].set_ylabel(r"vanilla gradient $d_\rho^\pi(s)\pi(a|s)A^\pi(s,a)/(1-\gamma)$")
    axes[1].set_title(r"The vanilla gradient squashes it by $d_\rho^\pi(s)\,\pi(a|s)$")
    axes[1].legend(loc="upper left")
    return axes


def greedy_limit(etas, distances: dict, *, ax=None,
                 title: str = r"As $\eta\to\infty$ one NPG step becomes the greedy step"):
    r"""Distance between one NPG step and the policy-iteration step, against the step size.

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Parameters
    ----------
    etas : array of shape (n,)
    distances : dict
        ``{mdp name: dist}``, ``dist`` of shape ``(n,)``:
        :math:`\max_{s,a}|\pi^+_\eta(a|s) - \pi^+_\infty(a|s)|`.
    """
    etas = check_series("etas", etas, positive=True)
    _series_dict("distances", distances, etas.size, "etas", nonneg=True)
    _texts(title=title)
    ax = _ax(ax)
    for i, (label, dist) in enumerate(distances.items()):
        ax.plot(etas, _positive(dist, 1e-300), "o-", color=PALETTE[i % len(PALETTE)], lw=1.6, ms=4, label=label)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"step size $\eta$")
    ax.set_ylabel(r"$\max_{s,a}|\pi^+_\eta(a|s) - \pi^+_{\infty}(a|s)|$")
    ax.set_title(title)
    ax.legend(loc="lower left", fontsize=8)
    return ax


def plateau_lengths(ns, iterations: dict, *, budget: int | None = None, ax=None,
                    xlabel: str = r"chain length $n$", title: str = ""):
    r"""Iterations a method needs (to halve the gap, say) against a problem size, on a log scale.

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Parameters
    ----------
    ns : array of shape (n,)
    iterations : dict
        ``{label: counts}``; a count of ``None`` (not reached within ``budget``) is drawn at
        ``budget`` with an upward triangle.
    """
    ns = check_series("ns", ns)
    for label, counts in check_dict("iterations", iterations, what="label -> counts").items():
        if isinstance(counts, (str, bytes)) or not isinstance(counts, (list, tuple, np.ndarray)):
            raise v.ArgumentTypeError(f"iterations[{label!r}] must be a sequence of counts (int or None), "
                                      f"got {v._describe(counts)}")
        if len(counts) != ns.size:
            raise ValueError(f"iterations[{label!r}] must hold one count per entry of ns ({ns.size}), got {len(counts)}")
        for c in counts:
            if c is not None:
                v.check_int(f"iterations[{label!r}]", c, minimum=0)
    if budget is not None:
        budget = v.check_int("budget", budget, minimum=1)
    _texts(xlabel=xlabel, title=title)
    ax = _ax(ax)
    for label, counts in iterations.items():
        st = _style(label)
        reached = [(n, c) for n, c in zip(ns, counts) if c is not None]
        if reached:
            ax.plot(*zip(*reached), "o-", color=st["color"], lw=1.8, ms=5, label=label)
        missed = [n for n, c in zip(ns, counts) if c is None]
        if missed and budget is not None:
            ax.plot(missed, [budget] * len(missed), "^", color=st["color"], ms=8,
                    label=f"{label}: not within {budget}")
    if budget is not None:
        ax.axhline(budget, color=NEUTRAL, ls=":", lw=1)
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("iterations to halve the gap")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    return ax


def fisher_conditioning(t, gap, log10_kappa_low, log10_kappa_high, *, ax=None, floor: float = FLOOR,
                        title: str = "NPG converges while the Fisher matrix degenerates"):
    r"""The optimality gap of an NPG run (left axis) and bounds on :math:`\log_{10}\kappa(F_\rho)` (right axis).

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Returns
    -------
    (ax, ax_right)
    """
    t = check_series("t", t)
    check_series("gap", gap, n=t.size, n_of="t")
    low = check_series("log10_kappa_low", log10_kappa_low, n=t.size, n_of="t")
    high = check_series("log10_kappa_high", log10_kappa_high, n=t.size, n_of="t")
    if np.any(low > high):
        raise ValueError("log10_kappa_low must be <= log10_kappa_high at every t")
    floor = v.check_positive("floor", floor, scalar=True)
    _texts(title=title)
    ax = _ax(ax)
    ax.plot(t, _positive(gap, floor), color=ESTIMATE, lw=2, label=r"gap $V^\star(\rho) - V^{(t)}(\rho)$")
    ax.set_yscale("log")
    ax.set_xlabel(r"iteration $t$")
    ax.set_ylabel("optimality gap", color=ESTIMATE)
    right = ax.twinx()
    right.fill_between(t, log10_kappa_low, log10_kappa_high, color=TRUTH, alpha=0.25, lw=0)
    right.plot(t, log10_kappa_low, color=TRUTH, lw=1.2, label=r"$\log_{10}\kappa(F_\rho)$ (bounds)")
    right.plot(t, log10_kappa_high, color=TRUTH, lw=1.2)
    right.set_ylabel(r"$\log_{10}$ condition number of $F_\rho$", color=TRUTH)
    right.grid(False)
    lines = ax.get_lines()[:1] + right.get_lines()[:1]
    ax.legend(lines, [ln.get_label() for ln in lines], loc="center right", fontsize=8)
    ax.set_title(title)
    return ax, right


def regularisation_bias(taus, bias: dict, bound, *, ax=None,
                        title: str = r"Entropy buys speed with a bias of at most $\tau\log|\mathcal{A}|/(1-\gamma)$"):
    r"""The unregularised gap of the soft-optimal policy against the temperature, with its bound.

    Introduced in Chapter 6, "Why natural policy gradient converges".

    Parameters
    ----------
    taus : array of shape (n,)
    bias : dict
        ``{mdp name: V*(rho) - V^{pi_tau*}(rho)}``, arrays of shape ``(n,)``.
    bound : dict or array
        :math:`\tau\log|\mathcal A|/(1-\gamma)`: one array for all, or one per name (dashed, same colour).
    """
    taus = check_series("taus", taus, positive=True)
    _series_dict("bias", bias, taus.size, "taus")
    if isinstance(bound, dict):
        _series_dict("bound", bound, taus.size, "taus")
    else:
        check_series("bound", bound, n=taus.size, n_of="taus")
    _texts(title=title)
    ax = _ax(ax)
    for i, (label, b) in enumerate(bias.items()):
        c = PALETTE[i % len(PALETTE)]
        ax.plot(taus, _positive(b, 1e-12), "o-", color=c, lw=1.6, ms=4, label=label)
        if isinstance(bound, dict) and label in bound:
            ax.plot(taus, bound[label], color=c, ls="--", lw=1.2)
    if not isinstance(bound, dict):
        ax.plot(taus, bound, color=TRUTH, ls="--", lw=1.4, label=r"$\tau\log|\mathcal{A}|/(1-\gamma)$")
    else:
        ax.plot([], [], color=NEUTRAL, ls="--", label=r"bound $\tau\log|\mathcal{A}|/(1-\gamma)$")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(r"temperature $\tau$")
    ax.set_ylabel(r"$V^\star(\rho) - V^{\pi^\star_\tau}(\rho)$")
    ax.set_title(title)
    ax.legend(loc="lower right", fontsize=8)
    return ax
