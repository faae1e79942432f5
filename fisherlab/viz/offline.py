"""Explorers that work without a kernel: pre-rendered frames behind sliders, as one HTML block.

An ipywidgets explorer redraws its figure in Python, so on the static site (and in the PDF) it is
a still picture. :func:`slider_explorer` renders the same figure once for every combination of a
few values of each parameter and embeds the frames (base64 PNG, at ``HIDPI`` times the figure's
resolution) with one range slider per parameter and a few lines of plain JavaScript that show the
frame of the sliders' current position. The block needs no kernel, no network and no library on
the page: it works on the static site, offline, and in Jupyter.

The sliders move on the grid of values given, not continuously; the live explorer of the same
chapter moves continuously with a kernel.

Introduced in Chapter 1, "Fisher information, by intuition".
"""

from __future__ import annotations

import base64
import hashlib
import html
import io
import itertools
import json
import math
from dataclasses import dataclass
from typing import Callable, Sequence

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import HTML
from PIL import Image

from .style import HIDPI

__all__ = ["Slider", "slider_explorer"]

#: the most frames one explorer may embed (each is a PNG of some tens of kB)
MAX_FRAMES = 120


@dataclass(frozen=True)
class Slider:
    """One parameter of an offline explorer.

    Attributes
    ----------
    name : str
        The keyword under which ``update`` receives the value (a Python identifier).
    label : str
        What the reader sees next to the slider (Unicode, no TeX), e.g. ``"σ"``.
    values : sequence of float
        The values the slider steps through, at least two, in increasing or decreasing order.
    start : float
        The value shown first; one of ``values``.
    fmt : str
        Format of the value shown next to the slider, e.g. ``"{:.1f}"``.
    """

    name: str
    label: str
    values: Sequence[float]
    start: float
    fmt: str = "{:g}"

    def __post_init__(self):
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ValueError(f"Slider name must be a Python identifier, got {self.name!r}")
        if not isinstance(self.label, str) or not self.label.strip():
            raise ValueError(f"Slider label must be a non-empty string, got {self.label!r}")
        if isinstance(self.values, (str, bytes)):
            raise TypeError(f"Slider values must be a sequence of numbers, got {self.values!r}")
        try:
            values = np.asarray(self.values)
        except Exception as exc:  # ragged input and the like
            raise TypeError(f"Slider values must be a sequence of numbers, got {self.values!r}") from exc
        if values.dtype.kind not in "iuf":
            raise TypeError(f"Slider values must be real numbers, got dtype {values.dtype}")
        values = values.astype(float)
        if values.ndim != 1 or values.size < 2:
            raise ValueError(f"Slider values must be a 1-D sequence of at least 2 numbers, got shape {values.shape}")
        if not np.all(np.isfinite(values)):
            raise ValueError("Slider values must be finite")
        steps = np.diff(values)
        if not (np.all(steps > 0) or np.all(steps < 0)):
            raise ValueError("Slider values must be strictly increasing or strictly decreasing")
        object.__setattr__(self, "values", tuple(float(v) for v in values))
        if not isinstance(self.start, (int, float, np.integer, np.floating)) or isinstance(self.start, bool):
            raise TypeError(f"Slider start must be a number, got {type(self.start).__name__}")
        if not np.any(np.isclose(values, float(self.start), rtol=0, atol=1e-12 * (1 + abs(float(self.start))))):
            raise ValueError(f"Slider start must be one of values {self.values}, got {self.start!r}")
        if not isinstance(self.fmt, str):
            raise TypeError(f"Slider fmt must be a format string, got {type(self.fmt).__name__}")
        try:
            self.fmt.format(values[0])
        except (ValueError, IndexError, KeyError) as exc:
            raise ValueError(f"Slider fmt must format one number, e.g. '{{:.1f}}', got {self.fmt!r}") from exc

    @property
    def start_index(self) -> int:
        return int(np.argmin(np.abs(np.asarray(self.values) - float(self.start))))

    def labels(self) -> list[str]:
        return [self.fmt.format(v) for v in self.values]


def _frame_png(fig, colors: int) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=HIDPI * fig.dpi)  # displayed at 1x: sharp on HiDPI
    image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
    out = io.BytesIO()
    # fast octree quantisation: a tenth of median cut's time, and smaller files for line figures
    image.quantize(colors=colors, method=Image.Quantize.FASTOCTREE).save(out, format="png")
    return base64.b64encode(out.getvalue()).decode("ascii")


_TEMPLATE = """\
<div class="fl-explorer" id="{id}" style="max-width:100%">
<img id="{id}-img" alt="{alt}" width="{width}" style="max-width:100%;height:auto"
 src="data:image/png;base64,{first}">
<div class="fl-explorer-controls" style="display:grid;grid-template-columns:auto 1fr 4.5em;
 gap:0.2em 0.6em;align-items:center;max-width:{width}px">
{rows}
</div>
<script>
(function () {{
  var root = document.getElementById("{id}");
  var frames = {frames};
  var labels = {labels};
  var strides = {strides};
  var img = document.getElementById("{id}-img");
  var inputs = root.querySelectorAll("input[type=range]");
  var outputs = root.querySelectorAll("output");
  function show() {{
    var k = 0;
    for (var i = 0; i < inputs.length; i++) {{
      var j = parseInt(inputs[i].value, 10);
      k += j * strides[i];
      outputs[i].textContent = labels[i][j];
    }}
    img.src = "data:image/png;base64," + frames[k];
  }}
  for (var i = 0; i < inputs.length; i++) inputs[i].addEventListener("input", show);
}})();
</script>
</div>"""

_ROW = ('<label for="{id}-{k}">{label}</label>'
        '<input type="range" id="{id}-{k}" min="0" max="{last}" step="1" value="{value}" '
        'aria-label="{label}" style="width:100%;box-sizing:border-box">'
        '<output for="{id}-{k}">{shown}</output>')


def slider_explorer(fig, update: Callable[..., None], sliders: Sequence[Slider], *, alt: str,
                    colors: int = 32, max_frames: int = MAX_FRAMES) -> HTML:
    r"""An explorer that works without a kernel: ``fig`` drawn at every combination of the
    sliders' values, shown by sliders in a self-contained HTML block. The figure is closed.

    For sliders with :math:`m_1, \dots, m_k` values, ``update(**values)`` is called
    :math:`m_1 \cdots m_k` times (the last slider varies fastest), each time followed by one PNG
    of ``fig`` at ``HIDPI`` times its resolution, reduced to ``colors`` colours. Frame
    :math:`\sum_i j_i s_i` (with strides :math:`s_k = 1`, :math:`s_i = s_{i+1} m_{i+1}`) is shown
    when slider :math:`i` is at position :math:`j_i`.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure ``update`` redraws.
    update : callable
        ``update(**{slider.name: value, ...})`` redraws ``fig`` for one combination.
    sliders : sequence of Slider
        One to four parameters, with distinct names.
    alt : str
        Alt text of the image: what the figure shows, for readers who cannot see it.
    colors : int
        Palette size of each frame, 2 to 256 (32 keeps line figures intact at about a third of
        the bytes of full colour).
    max_frames : int
        The largest number of frames allowed (default 120; each adds tens of kB to the page).

    Returns
    -------
    IPython.display.HTML
        The block: an image, one labelled slider per parameter with its current value, and the
        script that switches frames. Element ids derive from ``alt``, so a re-run gives the same
        HTML apart from the frames' bytes.
    """
    from matplotlib.figure import Figure

    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure, got {type(fig).__name__}")
    if not callable(update):
        raise TypeError(f"update must be callable, got {type(update).__name__}")
    if not isinstance(alt, str) or not alt.strip():
        raise ValueError("alt must be a non-empty description of the figure")
    if isinstance(sliders, Slider):
        sliders = [sliders]
    sliders = list(sliders)
    if not 1 <= len(sliders) <= 4 or not all(isinstance(s, Slider) for s in sliders):
        raise ValueError(f"sliders must be 1 to 4 Slider objects, got {len(sliders)} items")
    if len({s.name for s in sliders}) != len(sliders):
        raise ValueError(f"sliders must have distinct names, got {[s.name for s in sliders]}")
    if not (isinstance(colors, (int, np.integer)) and not isinstance(colors, bool) and 2 <= colors <= 256):
        raise ValueError(f"colors must be an integer in [2, 256], got {colors!r}")
    if not (isinstance(max_frames, (int, np.integer)) and not isinstance(max_frames, bool) and max_frames >= 1):
        raise ValueError(f"max_frames must be an integer >= 1, got {max_frames!r}")
    counts = [len(s.values) for s in sliders]
    n_frames = math.prod(counts)
    if n_frames > max_frames:
        raise ValueError(f"sliders give {n_frames} frames ({' x '.join(map(str, counts))}); "
                         f"max_frames is {max_frames}: use fewer values")

    frames = []
    for combo in itertools.product(*(s.values for s in sliders)):
        update(**{s.name: v for s, v in zip(sliders, combo)})
        frames.append(_frame_png(fig, int(colors)))
    width = round(fig.get_figwidth() * fig.dpi)
    plt.close(fig)

    strides = [math.prod(counts[i + 1:]) for i in range(len(counts))]
    uid = "flx" + hashlib.sha1(alt.encode()).hexdigest()[:12]
    rows = "\n".join(_ROW.format(id=uid, k=k, label=html.escape(s.label), last=len(s.values) - 1,
                                 value=s.start_index, shown=html.escape(s.labels()[s.start_index]))
                     for k, s in enumerate(sliders))
    first = sum(s.start_index * stride for s, stride in zip(sliders, strides))
    return HTML(_TEMPLATE.format(
        id=uid, alt=html.escape(alt, quote=True), width=width, first=frames[first], rows=rows,
        frames=json.dumps(frames), labels=json.dumps([s.labels() for s in sliders], ensure_ascii=False),
        strides=json.dumps(strides)))
