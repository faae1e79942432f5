"""The course's figure style: one palette, one size, one set of fonts for every chapter.

Colours (Okabe–Ito, readable by colour-blind readers and on light and dark pages):

* ``INFORMATIVE`` (blue) for a sharp, informative family or direction,
* ``UNINFORMATIVE`` (orange) for a flat, uninformative one,
* ``TRUTH`` (vermilion) for the true parameter,
* ``ESTIMATE`` (bluish green) for estimates and Monte Carlo results,
* ``NEUTRAL`` (grey) for individual observations drawn many at a time.
"""

from __future__ import annotations

import base64
import io

import matplotlib as mpl
import numpy as np

from .. import _validate as v

__all__ = [
    "INFORMATIVE", "UNINFORMATIVE", "TRUTH", "ESTIMATE", "NEUTRAL", "ACCENT", "PALETTE", "HIDPI",
    "figure_png", "use_style",
]

INFORMATIVE = "#0072B2"
UNINFORMATIVE = "#E69F00"
TRUTH = "#D55E00"
ESTIMATE = "#009E73"
NEUTRAL = "#7F7F7F"
ACCENT = "#CC79A7"
#: colours for series that are not "informative vs uninformative" (methods, seeds, ...)
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")

_RC = {
    "figure.figsize": (7.0, 4.0),
    "figure.dpi": 80,
    "savefig.dpi": 80,
    # a white figure background keeps figures legible on the site's dark theme too
    "figure.facecolor": "white",
    "axes.facecolor": "white",
    "savefig.facecolor": "white",
    "axes.grid": True,
    "grid.alpha": 0.3,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 11,
    "axes.labelsize": 10,
    "legend.fontsize": 9,
    "legend.frameon": False,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
    "animation.embed_limit": 8.0,  # MB of frames an animation may embed
    "image.cmap": "viridis",
}


#: figures are stored at this multiple of their displayed size, sharp on high-density screens
HIDPI = 2


def figure_png(fig) -> tuple[str, dict] | None:
    """A figure as Jupyter shows it in the course: a PNG at ``HIDPI`` times ``figure.dpi``,
    reduced to a 256-colour palette (line figures look the same at about a third of the bytes),
    with width and height metadata of its nominal size, at which the notebook and the site
    display it. Returns ``(base64 PNG, metadata)``, or None for a figure with nothing drawn.
    """
    from IPython.core.pylabtools import print_figure
    from matplotlib.figure import Figure
    from PIL import Image

    v.check_instance("fig", fig, Figure, "a matplotlib Figure")

    png = print_figure(fig, fmt="png", base64=False, dpi=HIDPI * fig.dpi)
    if not png:
        return None
    image = Image.open(io.BytesIO(png)).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        buffer, format="png", optimize=True)
    width, height = image.size
    metadata = {"width": width // HIDPI, "height": height // HIDPI}
    return base64.b64encode(buffer.getvalue()).decode("ascii"), metadata


def use_style() -> None:
    """Apply the course's matplotlib settings (called on import of :mod:`fisherlab.viz`).

    In Jupyter, figures are also shown through :func:`figure_png`: sharp on high-density
    screens, displayed at their nominal size. The inline backend is configured first (it
    otherwise configures itself at the first figure and would replace both settings).
    """
    try:
        from IPython import get_ipython
    except ImportError:  # plain Python: the rcParams only
        shell = None
    else:
        shell = get_ipython()
    if shell is not None and mpl.get_backend(auto_select=False) in (
            "inline", "module://matplotlib_inline.backend_inline"):
        import matplotlib_inline.backend_inline  # noqa: F401  (configures the inline backend)
    mpl.rcParams.update(_RC)
    if shell is not None and hasattr(shell, "display_formatter"):
        from matplotlib.figure import Figure

        formatters = shell.display_formatter.formatters
        for mime in ("image/svg+xml", "image/jpeg", "application/pdf"):
            formatters[mime].pop(Figure, None)
        formatters["image/png"].for_type(Figure, figure_png)


# ---- argument checks shared by the figures (a clear error before anything is drawn) -------------
def check_ax(ax, name: str = "ax", *, optional: bool = True):
    """``ax`` is a matplotlib ``Axes`` (``None`` allowed when ``optional``: the figure makes one)."""
    from matplotlib.axes import Axes

    if ax is None and optional:
        return None
    return v.check_instance(name, ax, Axes, "a matplotlib Axes (e.g. from plt.subplots())"
                            + (" or None" if optional else ""))


def check_axes(axes, n: int, name: str = "axes"):
    """``None`` or a sequence of ``n`` matplotlib ``Axes``."""
    if axes is None:
        return None
    if isinstance(axes, np.ndarray):
        axes = list(axes.ravel())
    if not isinstance(axes, (list, tuple)):
        raise v.ArgumentTypeError(f"{name} must be None or a sequence of {n} matplotlib Axes, got {v._describe(axes)}")
    if len(axes) != n:
        raise ValueError(f"{name} must hold {n} matplotlib Axes, got {len(axes)}")
    for i, ax in enumerate(axes):
        check_ax(ax, f"{name}[{i}]", optional=False)
    return axes


def check_series(name: str, value, *, n: int | None = None, ndim=1, positive: bool = False,
                 nonneg: bool = False, nan: bool = False, posinf: bool = False, what: str = "",
                 n_of: str = "") -> np.ndarray:
    """Data to draw: real numbers with ``ndim`` axes (an int or a tuple of allowed ones), at least
    one value, the last axis of length ``n`` when given; NaN or +inf only where allowed."""
    arr = v.check_real_array(name, value, nan=nan, posinf=posinf, what=what)
    dims = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.ndim not in dims or arr.size == 0:
        raise ValueError(f"{name} must have {' or '.join(map(str, dims))} axes and at least one value, "
                         f"got shape {arr.shape}")
    if n is not None and arr.shape[-1] != n:
        raise ValueError(f"{name} must have length {n} along its last axis (one value per entry of "
                         f"{n_of or 'the points'}), got shape {arr.shape}")
    if positive and np.any(arr[~np.isnan(arr)] <= 0):
        raise ValueError(f"{name} must be > 0 (a logarithmic axis), got {arr[arr <= 0].ravel()[0]!r}")
    if nonneg and np.any(arr[~np.isnan(arr)] < 0):
        raise ValueError(f"{name} must be >= 0, got {arr[arr < 0].ravel()[0]!r}")
    return arr


def check_dict(name: str, value, *, optional: bool = False, what: str = "") -> dict:
    """A non-empty dict (``{}`` when ``optional`` and ``None``)."""
    if value is None and optional:
        return {}
    if not isinstance(value, dict):
        raise v.ArgumentTypeError(f"{name} must be a dict{' ' + what if what else ''}, got {v._describe(value)}")
    if not value and not optional:
        raise ValueError(f"{name} must hold at least one entry, got an empty dict")
    return value


def check_text(name: str, value, *, optional: bool = True):
    """A string for a title or a label (``None`` allowed when ``optional``)."""
    if value is None and optional:
        return None
    return v.check_str(name, value)
