"""fisherlab.viz.offline: kernel-free explorers (frames behind sliders)."""

import json
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from fisherlab.viz.offline import Slider, slider_explorer  # noqa: E402


def _explorer(calls, **kw):
    fig, ax = plt.subplots(figsize=(2, 1.5))

    def update(a, b):
        calls.append((a, b))
        ax.clear()
        ax.plot([0, 1], [a, b])

    sliders = [Slider("a", "α", [0.0, 1.0, 2.0], start=1.0), Slider("b", "β", [5, 6], start=6, fmt="{:.0f}")]
    return slider_explorer(fig, update, sliders, alt="a test figure", **kw).data


def test_every_combination_drawn_once_last_slider_fastest():
    calls = []
    html = _explorer(calls)
    assert calls == [(a, b) for a in (0.0, 1.0, 2.0) for b in (5.0, 6.0)]
    frames = json.loads(re.search(r"var frames = (\[.*?\]);", html).group(1))
    assert len(frames) == 6 and len(set(frames)) == 6
    assert json.loads(re.search(r"var strides = (\[.*?\]);", html).group(1)) == [2, 1]
    # the first image is the start combination (a = 1, b = 6): frame 1 * 2 + 1 = 3
    assert f'src="data:image/png;base64,{frames[3]}"' in html
    assert json.loads(re.search(r"var labels = (\[.*?\]\]);", html).group(1)) == [["0", "1", "2"], ["5", "6"]]


def test_self_contained_and_accessible():
    html = _explorer([])
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "no request to another host"
    assert 'alt="a test figure"' in html and html.count('type="range"') == 2
    assert 'aria-label="α"' in html and "<output" in html
    assert re.search(r'width="\d+"', html)  # displayed at 1x, rendered at 2x
    assert _explorer([]) .split("var frames")[0] == html.split("var frames")[0]  # stable ids


def test_frames_are_rendered_at_twice_the_displayed_size():
    import base64
    import io

    from PIL import Image

    html = _explorer([])
    frame = json.loads(re.search(r"var frames = (\[.*?\]);", html).group(1))[0]
    width = int(re.search(r'width="(\d+)"', html).group(1))
    assert Image.open(io.BytesIO(base64.b64decode(frame))).size[0] == 2 * width


@pytest.mark.parametrize("kwargs, message", [
    (dict(name="1a", label="x", values=[0, 1], start=0), "name"),
    (dict(name="a", label="", values=[0, 1], start=0), "label"),
    (dict(name="a", label="x", values=[0], start=0), "at least 2"),
    (dict(name="a", label="x", values=[0, 1, 0.5], start=0), "increasing"),
    (dict(name="a", label="x", values=[0, np.nan], start=0), "finite"),
    (dict(name="a", label="x", values=[0, 1], start=0.5), "one of values"),
    (dict(name="a", label="x", values=[0, 1], start=0, fmt="{:d}"), "fmt"),
])
def test_bad_slider_is_named(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Slider(**kwargs)


@pytest.mark.parametrize("kwargs, exc", [
    (dict(values="ab", start=0), TypeError),
    (dict(values=[1 + 1j, 2], start=1), TypeError),
    (dict(values=[0, 1], start="0"), TypeError),
])
def test_wrong_kind_in_slider(kwargs, exc):
    with pytest.raises(exc, match="Slider"):
        Slider("a", "x", **kwargs)


def test_bad_explorer_arguments():
    fig, _ = plt.subplots()
    ok = [Slider("a", "x", [0, 1], start=0)]
    with pytest.raises(TypeError, match="fig"):
        slider_explorer("fig", lambda a: None, ok, alt="x")
    with pytest.raises(TypeError, match="update"):
        slider_explorer(fig, 3, ok, alt="x")
    with pytest.raises(ValueError, match="alt"):
        slider_explorer(fig, lambda a: None, ok, alt=" ")
    with pytest.raises(ValueError, match="distinct"):
        slider_explorer(fig, lambda a: None, ok * 2, alt="x")
    with pytest.raises(ValueError, match="1 to 4"):
        slider_explorer(fig, lambda a: None, [], alt="x")
    with pytest.raises(ValueError, match="colors"):
        slider_explorer(fig, lambda a: None, ok, alt="x", colors=1)
    big = [Slider("a", "x", np.arange(11.0), start=0), Slider("b", "y", np.arange(11.0), start=0)]
    with pytest.raises(ValueError, match="121 frames"):
        slider_explorer(fig, lambda a, b: None, big, alt="x")
    plt.close("all")
