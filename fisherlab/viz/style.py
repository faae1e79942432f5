"""The course's figure style: one palette, one size, one set of fonts for every chapter.

Colours (Okabe–Ito, readable by colour-blind readers and on light and dark pages):

* ``INFORMATIVE`` (blue) for a sharp, informative family or direction,
* ``UNINFORMATIVE`` (orange) for a flat, uninformative one,
* ``TRUTH`` (vermilion) for the true parameter,
* ``ESTIMATE`` (bluish green) for estimates and Monte Carlo results,
* ``NEUTRAL`` (grey) for individual observations drawn many at a time.
"""

from __future__ import annotations

import matplotlib as mpl

__all__ = ["INFORMATIVE", "UNINFORMATIVE", "TRUTH", "ESTIMATE", "NEUTRAL", "ACCENT", "PALETTE", "use_style"]

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


def use_style() -> None:
    """Apply the course's matplotlib settings (called on import of :mod:`fisherlab.viz`)."""
    mpl.rcParams.update(_RC)
