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
    from PIL import Image

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
