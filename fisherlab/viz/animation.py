"""Animations that play offline: a matplotlib animation as one self-contained HTML block.

The frames are embedded as base64 PNG images with matplotlib's own JavaScript player, so the
animation plays on the static site and in Jupyter without any network access. Two changes make
the player fit the course: its control icons are plain Unicode characters (matplotlib's player
links an icon font from a CDN, which an offline page cannot load), and the frame image carries
alt text. The player's element ids are derived from the alt text, so re-running a notebook
gives the same HTML apart from the frames themselves.
"""

from __future__ import annotations

import base64
import hashlib
import io
import numbers
import re

import matplotlib.pyplot as plt
from IPython.display import HTML
from matplotlib._animation_data import DISPLAY_TEMPLATE, JS_INCLUDE, STYLE_INCLUDE
from matplotlib.animation import Animation, FuncAnimation, _embedded_frames
from matplotlib.figure import Figure
from PIL import Image

from .. import _validate as v
from .style import HIDPI

__all__ = ["animate", "to_html"]

# Characters present in common system fonts (the typographic media-control symbols are not)
_ICONS = {
    "fa fa-minus": "&#8722;",
    "fa fa-plus": "+",
    "fa fa-fast-backward": "|&#9664;&#9664;",
    "fa fa-step-backward": "|&#9664;",
    "fa fa-play fa-flip-horizontal": "&#9664;",
    "fa fa-pause": "&#10074;&#10074;",
    "fa fa-play": "&#9654;",
    "fa fa-step-forward": "&#9654;|",
    "fa fa-fast-forward": "&#9654;&#9654;|",
}


def _offline_player(html: str, alt: str, width: int | None = None) -> str:
    html = re.sub(r"<link[^>]*font-awesome[^>]*>", "", html)
    for cls, char in _ICONS.items():
        html = html.replace(f'<i class="{cls}"></i>', f'<span aria-hidden="true">{char}</span>')
    # matplotlib names the player with a random uuid; use a stable one instead
    old = re.search(r"anim([0-9a-f]{32})", html)
    if old:
        html = html.replace(old.group(1), hashlib.sha1(alt.encode()).hexdigest()[:32])
    escaped = alt.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    size = f' width="{width}"' if width else ""
    return re.sub(r'<img id="(_anim_img[0-9a-f]+)"', rf'<img id="\1" alt="{escaped}"{size}', html, count=1)


MODES = ("loop", "once", "reflect")


def _check_alt(alt):
    if not isinstance(alt, str):
        raise v.ArgumentTypeError(f"alt must be a non-empty description of the animation (a string), got {v._describe(alt)}")
    if not alt.strip():
        raise ValueError("alt must be a non-empty description of the animation")
    return alt


def to_html(anim: FuncAnimation, *, alt: str, default_mode: str = "loop") -> HTML:
    """Render ``anim`` as self-contained offline HTML and close its figure.

    Parameters
    ----------
    anim : matplotlib.animation.FuncAnimation
        The animation.
    alt : str
        Alt text of the frame image: what the animation shows, for readers who cannot see it.
    default_mode : {"loop", "once", "reflect"}
        What the player does at the last frame.

    Closing the figure keeps Jupyter from also showing a static copy of the last frame.
    """
    v.check_instance("anim", anim, Animation, "a matplotlib animation (e.g. a FuncAnimation)")
    _check_alt(alt)
    v.check_choice("default_mode", default_mode, MODES)
    html = anim.to_jshtml(default_mode=default_mode)
    plt.close(anim._fig)
    return HTML(_offline_player(html, alt))


def animate(fig, update, frames, *, alt: str, interval: int = 120, default_mode: str = "loop",
            colors: int | None = 64) -> HTML:
    """Draw ``update(frame)`` for each frame and return the frames as an offline HTML player.

    Each frame is rendered exactly once, straight to PNG (a ``FuncAnimation`` renders every
    frame two or three times on its way to HTML), and embedded in matplotlib's own JavaScript
    player. The figure is closed afterwards.

    Introduced in Chapter 1, "Fisher information, by intuition".

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure the animation draws on.
    update : callable
        ``update(frame)`` redraws the figure for one element of ``frames``. Updating the data
        of existing artists is faster than clearing and redrawing axes.
    frames : sequence
        The frame values; keep it short (20–40 frames at the course's dpi): each frame is an
        embedded PNG, and a page should stay under a few MB.
    alt : str
        Alt text for the site (what the animation shows).
    interval : int
        Milliseconds between frames.
    default_mode : {"loop", "once", "reflect"}
        What the player does at the last frame.
    colors : int or None
        Store each frame as a palette PNG with at most this many colours (2–256); line
        figures look the same and take about a quarter of the bytes. ``None`` keeps full colour.
    """
    v.check_instance("fig", fig, Figure, "a matplotlib Figure (e.g. from plt.subplots())")
    v.check_callable("update", update, "frame -> None (redraws the figure)")
    if frames is None or isinstance(frames, (str, bytes)) or not hasattr(frames, "__iter__"):
        raise v.ArgumentTypeError(f"frames must be a sequence of frame values, got {v._describe(frames)}")
    _check_alt(alt)
    interval = v.check_int("interval", interval, minimum=1)
    if colors is not None:
        if isinstance(colors, bool) or not isinstance(colors, numbers.Integral):
            raise v.ArgumentTypeError(f"colors must be an integer in [2, 256] or None, got {v._describe(colors)}")
        if not 2 <= colors <= 256:
            raise ValueError(f"colors must be an integer in [2, 256] or None, got {colors!r}")
        colors = int(colors)
    v.check_choice("default_mode", default_mode, MODES)
    encoded = []
    for frame in frames:
        update(frame)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=HIDPI * fig.dpi)  # displayed at 1x: sharp on HiDPI
        if colors is not None:
            image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
            buffer = io.BytesIO()
            image.quantize(colors=colors, method=Image.Quantize.MEDIANCUT).save(buffer, format="png", optimize=True)
        encoded.append(base64.b64encode(buffer.getvalue()).decode("ascii"))
    plt.close(fig)
    if not encoded:
        raise ValueError("frames must contain at least one frame")
    modes = {"once_checked": "", "loop_checked": "", "reflect_checked": ""}
    modes[default_mode + "_checked"] = "checked"
    html = JS_INCLUDE + STYLE_INCLUDE + DISPLAY_TEMPLATE.format(
        id="0" * 32, Nframes=len(encoded), fill_frames=_embedded_frames(encoded, "png"),
        interval=int(interval), **modes)
    return HTML(_offline_player(html, alt, width=round(fig.get_figwidth() * fig.dpi)))
