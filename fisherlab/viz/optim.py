"""Figures of Chapter 4, "Natural gradient".

Each figure draws what :mod:`fisherlab.models`, :mod:`fisherlab.linalg` and
:mod:`fisherlab.optim` compute: loss surfaces from the models' own ``loss``, directions from
their ``grad`` and curvature, paths and curves from :class:`fisherlab.optim.OptimResult`.

Colours: gradient descent is ``UNINFORMATIVE`` (orange; it ignores the information),
natural gradient descent with the Fisher ``INFORMATIVE`` (blue), with the empirical Fisher
``ACCENT`` (pink).
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .. import _validate as v
from ..divergences import kl_constrained_step
from ..linalg import CGResult
from ..models import GaussianMLE
from .style import (ACCENT, INFORMATIVE, NEUTRAL, PALETTE, TRUTH, UNINFORMATIVE, check_ax, check_axes, check_dict,
                    check_series, check_text)

__all__ = [
    "GD_COLOR",
    "NGD_COLOR",
    "EMPIRICAL_COLOR",
    "metric_balls",
    "invariance_paths",
    "convergence_curves",
    "direction_fields",
    "cost_scaling",
    "cg_residuals",
    "cg_iteration_spread",
    "kfac_comparison",
]

def _model(name: str, model, parameterisation: str | None = None) -> GaussianMLE:
    v.check_instance(name, model, GaussianMLE, "a GaussianMLE (e.g. fisherlab.models.GaussianMLE(x, 'mu_sigma'))")
    if parameterisation is not None and model.parameterisation != parameterisation:
        raise ValueError(f"{name} must use parameterisation={parameterisation!r}, got {model.parameterisation!r}")
    return model


def _window(name: str, value) -> tuple[float, float]:
    if isinstance(value, (str, bytes)) or not isinstance(value, (tuple, list, np.ndarray)) or len(value) != 2:
        raise v.ArgumentTypeError(f"{name} must be a pair (low, high), got {v._describe(value)}")
    low, high = (v.check_scalar(name, x) for x in value)
    if not low < high:
        raise ValueError(f"{name} must be a pair with low < high, got {(low, high)}")
    return low, high


GD_COLOR = UNINFORMATIVE
NGD_COLOR = INFORMATIVE
EMPIRICAL_COLOR = ACCENT


def _loss_contours(ax, model, xs, ys, *, levels=14, to_theta=None):
    """Contours of ``model.loss`` over a grid of (x, y); ``to_theta`` maps grid points to theta."""
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    theta = grid if to_theta is None else to_theta(grid)
    loss = model.loss(theta)
    # levels spread over the quantiles of the window, so a steep corner does not hide the rest
    levels = np.unique(np.quantile(loss, np.linspace(0.0, 0.95, levels) ** 1.5))
    ax.contour(xs, ys, loss, levels=levels, colors=NEUTRAL, linewidths=0.6, alpha=0.7)
    return loss


def metric_balls(model: GaussianMLE, theta, *, radius: float, ax=None, span: float = 2.2, title=None):
    r"""Steepest descent under two metrics, in the coordinates of ``model``.

    Around ``theta``: the Euclidean ball :math:`\tfrac12\lVert\Delta\rVert^2 = \varepsilon`, the
    KL ball :math:`\mathrm{KL}(p_\theta\|p_{\theta+\Delta}) = \varepsilon` (solid, from
    ``model.kl``) with its quadratic approximation :math:`\tfrac12\Delta^\top F\Delta =
    \varepsilon` (dashed), and in each the minimiser of the linearised loss
    (:func:`fisherlab.divergences.kl_constrained_step` with metric :math:`I` or :math:`F`).

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    model : GaussianMLE
    theta : array of shape (2,)
    radius : float
        :math:`\varepsilon > 0`, in nats for the KL ball (and in squared parameter units / 2
        for the Euclidean one).
    span : float
        Half-width of the drawn window in units of the larger ball's radius.
    title : str, optional
        Axes title; by default it states the KL moved by the Euclidean step.

    Returns
    -------
    tuple of two ndarrays of shape (2,)
        The Euclidean and the natural steepest steps.
    """
    model = _model("model", model)
    theta = check_series("theta", theta, n=2, n_of="the model's parameters")
    if model.parameterisation != "mu_log_sigma" and theta[1] <= 0:
        raise ValueError(f"theta must have sigma > 0 in parameterisation {model.parameterisation!r}, got {theta[1]!r}")
    radius = v.check_positive("radius", radius, scalar=True)
    span = v.check_positive("span", span, scalar=True)
    check_text("title", title)
    if check_ax(ax) is None:
        _, ax = plt.subplots(figsize=(6.0, 5.0))
    g, F = model.grad(theta), model.fisher_exact(theta)
    step_e = kl_constrained_step(-g, np.eye(2), radius)
    step_n = kl_constrained_step(-g, F, radius)
    reach = span * max(np.sqrt(2 * radius), np.sqrt(2 * radius / np.linalg.eigvalsh(F).min()))
    xs = np.linspace(theta[0] - reach, theta[0] + reach, 161)
    ys = np.linspace(theta[1] - reach, theta[1] + reach, 161)
    if model.parameterisation != "mu_log_sigma":
        ys = ys[ys > 1e-3]
    _loss_contours(ax, model, xs, ys)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    ax.contour(xs, ys, model.kl(theta, grid), levels=[radius], colors=[NGD_COLOR], linewidths=2)
    quad = 0.5 * np.einsum("...i,ij,...j->...", grid - theta, F, grid - theta)
    ax.contour(xs, ys, quad, levels=[radius], colors=[NGD_COLOR], linewidths=1.2, linestyles="--")
    circle = 0.5 * np.sum((grid - theta) ** 2, axis=-1)
    ax.contour(xs, ys, circle, levels=[radius], colors=[GD_COLOR], linewidths=2)
    for step, color, label in ((step_e, GD_COLOR, "Euclidean steepest step  $\\propto -\\nabla L$"),
                               (step_n, NGD_COLOR, "KL steepest step  $\\propto -F^{-1}\\nabla L$")):
        ax.annotate("", xy=theta + step, xytext=theta,
                    arrowprops=dict(arrowstyle="-|>", color=color, lw=2.2, mutation_scale=16))
        ax.plot([], [], color=color, lw=2.2, label=label)
    ax.plot([], [], color=NGD_COLOR, lw=1.2, ls="--", label=r"$\frac{1}{2}\Delta^\top F\Delta=\varepsilon$")
    ax.plot(*theta, "o", color="black", ms=5)
    ax.set_xlabel(f"${model.param_tex[0]}$")
    ax.set_ylabel(f"${model.param_tex[1]}$")
    ax.set_aspect("equal")
    ax.legend(loc="upper left", fontsize=8)
    if title is None:
        moved = float(model.kl(theta, theta + step_e))
        title = f"Euclidean step moves {moved:.3f} nats of KL, KL step {radius:g}"
    ax.set_title(title, fontsize=9)
    return step_e, step_n


def invariance_paths(reference: GaussianMLE, paths: dict, *, axes=None, mle=None):
    r"""Optimisation paths of a Gaussian fit, mapped back to :math:`(\mu, \sigma)`.

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    reference : GaussianMLE
        Any model of the data (its loss is drawn as contours in :math:`(\mu, \sigma)`).
    paths : dict
        ``{"gd": {name: array (n, 2)}, "ngd": {name: array (n, 2)}}``: each path in
        :math:`(\mu,\sigma)` coordinates, one per parameterisation ``name``.
    mle : array of shape (2,), optional
        The minimiser, marked with a star.

    """
    reference = _model("reference", reference)
    check_dict("paths", paths, what='{"gd": {name: path}, "ngd": {name: path}}')
    if set(paths) != {"gd", "ngd"}:
        raise ValueError(f"paths must have the keys 'gd' and 'ngd', got {sorted(map(str, paths))}")
    for method, d in paths.items():
        for name, path in check_dict(f"paths[{method!r}]", d, what="name -> path (n, 2)").items():
            if name not in GaussianMLE._TEX:
                raise ValueError(f"paths[{method!r}] must be keyed by parameterisations {tuple(GaussianMLE._TEX)}, "
                                 f"got {name!r}")
            path = check_series(f"paths[{method!r}][{name!r}]", path, ndim=2, n=2, n_of="(mu, sigma)")
            if np.any(path[:, 1] <= 0):
                raise ValueError(f"paths[{method!r}][{name!r}] must have sigma > 0 in its second column")
    if mle is not None:
        check_series("mle", mle, n=2, n_of="(mu, sigma)")
    if check_axes(axes, 2) is None:
        _, axes = plt.subplots(1, 2, figsize=(9.5, 4.2), sharex=True, sharey=True)
    allpts = np.concatenate([p for d in paths.values() for p in d.values()])
    lo, hi = allpts.min(0), allpts.max(0)
    pad = 0.12 * (hi - lo)
    xs = np.linspace(lo[0] - pad[0], hi[0] + pad[0], 120)
    ys = np.linspace(max(lo[1] - pad[1], 0.05), hi[1] + pad[1], 120)
    ms_model = GaussianMLE(reference.x, "mu_sigma")
    styles = ["-", "--", ":"]
    titles = {"gd": "GD: the path depends on the coordinates",
              "ngd": "NGD: one path, whatever the coordinates"}
    colors = {"gd": GD_COLOR, "ngd": NGD_COLOR}
    for ax, method in zip(axes, ("gd", "ngd")):
        _loss_contours(ax, ms_model, xs, ys)
        for (name, path), ls, marker in zip(paths[method].items(), styles, ("o", "s", "^")):
            tex = GaussianMLE._TEX[name]
            ax.plot(path[:, 0], path[:, 1], ls=ls, color=colors[method], lw=1.8,
                    marker=marker, ms=3, markevery=max(1, len(path) // 10),
                    label=f"$\\theta = ({tex[0]}, {tex[1]})$")
        ax.plot(*allpts[0], "o", color="black", ms=5)
        if mle is not None:
            ax.plot(*mle, "*", color=TRUTH, ms=12, label="MLE")
        ax.set_title(titles[method], fontsize=10)
        ax.set_xlabel(r"$\mu$")
        ax.legend(loc="lower right", fontsize=8)
    axes[0].set_ylabel(r"$\sigma$")
    return axes


def convergence_curves(curves: dict, loss_star: float, *, ax=None):
    r"""Suboptimality :math:`L(\theta_k) - L^\star` against the step ``k``, log scale.

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    curves : dict
        ``{kappa: {"gd": losses, "ngd": losses}}``, ``losses`` of shape ``(n + 1,)``.
    loss_star : float
        :math:`L^\star`, the minimum.

    """
    loss_star = v.check_scalar("loss_star", loss_star)
    for kappa, runs in check_dict("curves", curves, what='kappa -> {"gd": losses, "ngd": losses}').items():
        v.check_scalar("curves", kappa)  # the keys are condition numbers, shown with :g
        runs = check_dict(f"curves[{kappa!r}]", runs, what='{"gd": losses, "ngd": losses}')
        for method in ("gd", "ngd"):
            if method not in runs:
                raise ValueError(f"curves[{kappa!r}] must have the keys 'gd' and 'ngd', got {sorted(map(str, runs))}")
            check_series(f"curves[{kappa!r}][{method!r}]", runs[method])
    if check_ax(ax) is None:
        _, ax = plt.subplots(figsize=(7.0, 4.2))
    floor = 1e-13
    for (kappa, runs), shade in zip(curves.items(), np.linspace(1.0, 0.35, len(curves))):
        for method, color, ls in (("gd", GD_COLOR, "-"), ("ngd", NGD_COLOR, "--")):
            gap = np.maximum(np.asarray(runs[method]) - loss_star, floor)
            ax.semilogy(np.arange(gap.size), gap, ls=ls, color=color, alpha=float(shade), lw=1.8,
                        label=f"{method.upper()}, $\\kappa = {kappa:g}$")
    ax.set_xlabel("step $k$")
    ax.set_ylabel(r"$L(\theta_k) - L^\star$")
    ax.set_ylim(floor, None)
    ax.legend(ncol=2, fontsize=8)
    return ax


def direction_fields(models: dict, *, mu_range, log_sigma_range, damping: float = 1e-8,
                     n_grid: int = 11, axes=None):
    r"""Directions of GD, NGD with the Fisher and NGD with the empirical Fisher, on a grid.

    For each data set (a row) and each method (a column), arrows of one length (directions
    only, drawn in screen units on a square box) point along
    :math:`-\nabla L`, :math:`-F^{-1}\nabla L` and :math:`-(\tilde F + \lambda I)^{-1}\nabla L`
    in the coordinates :math:`(\mu, \log\sigma)`, over the loss contours, with the minimiser.

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    models : dict
        ``{row title: GaussianMLE}`` with ``parameterisation="mu_log_sigma"``.
    mu_range, log_sigma_range : (float, float)
        The window.
    damping : float
        :math:`\lambda` for the solves (a tiny value guards singular empirical Fishers).

    Returns
    -------
    dict
        ``{row title: {method: directions}}``, each of shape ``(n_grid, n_grid, 2)``.

    """
    methods = (("gd", "GD: $-\\nabla L$", GD_COLOR),
               ("exact", "NGD, Fisher: $-F^{-1}\\nabla L$", NGD_COLOR),
               ("empirical", "NGD, empirical Fisher: $-\\tilde F^{-1}\\nabla L$", EMPIRICAL_COLOR))
    for title, model in check_dict("models", models, what="row title -> GaussianMLE").items():
        _model(f"models[{title!r}]", model, "mu_log_sigma")
    mu_range, log_sigma_range = _window("mu_range", mu_range), _window("log_sigma_range", log_sigma_range)
    damping = v.check_nonnegative("damping", damping, scalar=True)
    n_grid = v.check_int("n_grid", n_grid, minimum=2)
    if axes is not None:
        arr = np.asarray(axes, dtype=object)
        if arr.shape != (len(models), 3):
            raise ValueError(f"axes must be an array of Axes of shape ({len(models)}, 3), got shape {arr.shape}")
        check_axes(arr, arr.size)
    if axes is None:
        _, axes = plt.subplots(len(models), 3, figsize=(10.5, 3.4 * len(models)), sharex=True, sharey=True,
                               squeeze=False)
    xs = np.linspace(*mu_range, n_grid)
    ys = np.linspace(*log_sigma_range, n_grid)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1)
    cx = np.linspace(*mu_range, 100)
    cy = np.linspace(*log_sigma_range, 100)
    out = {}
    for row, (title, model) in zip(axes, models.items()):
        g = model.grad(grid)
        eye = damping * np.eye(2)
        fields = {"gd": -g,
                  "exact": -np.linalg.solve(model.fisher_exact(grid) + eye, g[..., None])[..., 0],
                  "empirical": -np.linalg.solve(model.fisher_empirical(grid) + eye, g[..., None])[..., 0]}
        out[title] = fields
        theta_hat = model.mle()
        for ax, (key, label, color) in zip(row, methods):
            _loss_contours(ax, model, cx, cy, levels=12)
            # unit arrows in screen units: each component relative to its axis span
            d = fields[key] / np.array([mu_range[1] - mu_range[0], log_sigma_range[1] - log_sigma_range[0]])
            unit = d / np.linalg.norm(d, axis=-1, keepdims=True)
            ax.quiver(grid[..., 0], grid[..., 1], unit[..., 0], unit[..., 1], color=color,
                      angles="uv", scale_units="width", scale=1.2 * n_grid, width=0.008, pivot="mid")
            ax.set_box_aspect(1)
            ax.plot(*theta_hat, "*", color=TRUTH, ms=12)
            ax.set_title(f"{title}\n{label}", fontsize=9)
        row[0].set_ylabel(r"$\log\sigma$")
    for ax in axes[-1]:
        ax.set_xlabel(r"$\mu$")
    return out


def cost_scaling(dims, times: dict, *, ax=None, slopes: dict | None = None):
    r"""Wall time against the dimension ``d``, log-log, with reference slopes.

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    dims : array of shape (k,)
    times : dict
        ``{label: seconds of shape (k,)}``.
    slopes : dict, optional
        ``{label: fitted log-log slope}``, shown in the legend.

    """
    dims = check_series("dims", dims, positive=True)
    for label, t in check_dict("times", times, what="label -> seconds (k,)").items():
        check_series(f"times[{label!r}]", t, n=dims.size, positive=True, n_of="dims")
    for label, slope in check_dict("slopes", slopes, optional=True, what="label -> slope").items():
        v.check_scalar(f"slopes[{label!r}]", slope)
    if check_ax(ax) is None:
        _, ax = plt.subplots(figsize=(6.0, 4.2))
    for (label, t), color, marker in zip(times.items(), (GD_COLOR, NGD_COLOR, PALETTE[2]), ("o", "s", "^")):
        extra = f" (slope {slopes[label]:.2f})" if slopes and label in slopes else ""
        ax.loglog(dims, t, marker=marker, color=color, lw=1.8, label=label + extra)
    first = min(t[0] for t in times.values())
    for power, ls in ((1, ":"), (2, "--")):
        ax.loglog(dims, first * (dims / dims[0]) ** power, color=NEUTRAL, ls=ls, lw=1,
                  label=f"$\\propto d^{power}$" if power > 1 else r"$\propto d$")
    ax.set_xticks(dims, [f"{int(d)}" for d in dims])
    ax.minorticks_off()
    ax.set_xlabel("number of parameters $d$")
    ax.set_ylabel("wall time per natural-gradient step (s)")
    ax.legend(fontsize=8)
    return ax


def cg_residuals(results: dict, *, ax=None, tol: float | None = None):
    r"""Relative CG residual :math:`\lVert r_k\rVert / \lVert b\rVert` against the iteration ``k``.

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    results : dict
        ``{label: CGResult}``.
    tol : float, optional
        The stopping tolerance, drawn as a horizontal line.

    """
    for label, res in check_dict("results", results, what="label -> CGResult").items():
        v.check_instance(f"results[{label!r}]", res, CGResult, "a CGResult (from fisherlab.linalg.cg)")
        if res.residual_norms.size == 0 or not res.residual_norms[0] > 0:
            raise ValueError(f"results[{label!r}] must start from a nonzero residual ||b|| > 0")
    if tol is not None:
        tol = v.check_positive("tol", tol, scalar=True)
    if check_ax(ax) is None:
        _, ax = plt.subplots(figsize=(6.0, 4.2))
    for (label, res), color in zip(results.items(), PALETTE):
        rel = res.residual_norms / res.residual_norms[0]
        ax.semilogy(np.arange(rel.size), rel, color=color, lw=1.8, marker="o", ms=2.5,
                    label=f"{label}: {res.n_iters} iterations")
    if tol is not None:
        ax.axhline(tol, color=NEUTRAL, ls="--", lw=1)
    ax.set_xlabel("CG iteration $k$")
    ax.set_ylabel(r"$\Vert r_k\Vert / \Vert b\Vert$")
    ax.legend(fontsize=8)
    return ax


def cg_iteration_spread(counts: dict, claimed: dict, *, ax=None):
    r"""CG iteration counts of nearly identical solves, one column per damping, over the range
    the text claims: how the count at a tolerance scatters when the right-hand side changes in
    its last bits.

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    counts : dict
        ``{damping: sequence of iteration counts}``, the first of each the unperturbed solve.
    claimed : dict
        ``{damping: (low, high)}``, the claimed range of each count (drawn as a band).
    """
    check_dict("counts", counts, what="damping -> iteration counts")
    check_dict("claimed", claimed, what="damping -> (low, high)")
    if set(counts) != set(claimed):
        raise ValueError(f"counts and claimed must have the same dampings, got {sorted(counts)} "
                         f"and {sorted(claimed)}")
    for lam in counts:
        v.check_nonnegative("counts", lam, scalar=True)  # the keys are dampings, shown with :g
        check_series(f"counts[{lam!r}]", counts[lam], positive=True)
        low, high = _window(f"claimed[{lam!r}]", claimed[lam])
        if low <= 0:
            raise ValueError(f"claimed[{lam!r}] must be a range of counts > 0 (a log axis), got {(low, high)}")
    if check_ax(ax) is None:
        _, ax = plt.subplots(figsize=(4.2, 4.2))
    jitter = np.random.default_rng(0)  # horizontal jitter of the dots only
    for i, (lam, values) in enumerate(counts.items()):
        values = np.asarray(values, dtype=float)
        low, high = claimed[lam]
        ax.fill_between([i - 0.35, i + 0.35], low, high, color=NEUTRAL, alpha=0.2, lw=0,
                        label="claimed range" if i == 0 else None)
        ax.plot(i + jitter.uniform(-0.2, 0.2, values.size - 1), values[1:], "o", ms=3.5, alpha=0.6,
                color=PALETTE[i % len(PALETTE)])
        ax.plot([i], values[:1], "k_", ms=18, mew=2, label="unperturbed $g$" if i == 0 else None)
    ax.set_xticks(range(len(counts)), [f"{lam:g}" for lam in counts])
    ax.set_xlabel(r"damping $\lambda$")
    ax.set_ylabel("CG iterations to the tolerance")
    ax.set_yscale("log")
    ax.legend(fontsize=8)
    return ax


def kfac_comparison(fisher, kfac, *, axes=None):
    r"""Heat maps of the exact Fisher, its Kronecker approximation and their difference.

    Introduced in Chapter 4, "Natural gradient".

    Parameters
    ----------
    fisher, kfac : arrays of shape (d, d)

    """
    fisher = v.check_square("fisher", fisher)
    kfac = v.check_square("kfac", kfac)
    if kfac.shape != fisher.shape:
        raise ValueError(f"kfac must have the shape of fisher {fisher.shape}, got {kfac.shape}")
    if not np.any(fisher):
        raise ValueError("fisher must not be zero (the difference is shown relative to it)")
    if check_axes(axes, 3) is None:
        _, axes = plt.subplots(1, 3, figsize=(10.5, 3.4))
    vmax = max(np.abs(fisher).max(), np.abs(kfac).max())
    rel = np.linalg.norm(kfac - fisher) / np.linalg.norm(fisher)
    panels = ((fisher, "exact Fisher $F$"), (kfac, r"K-FAC $A \otimes G$"),
              (kfac - fisher, f"difference (relative Frobenius {rel:.3f})"))
    for ax, (mat, title) in zip(axes, panels):
        im = ax.imshow(mat, cmap="RdBu_r", vmin=-vmax, vmax=vmax)
        ax.set_title(title, fontsize=9)
        ax.set_xlabel("parameter index")
        ax.grid(False)
    axes[0].set_ylabel("parameter index")
    plt.colorbar(im, ax=axes, shrink=0.8)
    return axes
