"""Figures and animations: they draw what the library computes, and animations work offline."""

import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import fisherlab as fl  # noqa: E402
from fisherlab.viz import scores as figs  # noqa: E402


def test_animation_is_offline_and_has_alt_text():
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 0])
    html = fl.viz.animate(fig, lambda k: line.set_ydata([0, k]), range(4), alt='a "rising" line').data
    assert "http" not in html  # no CDN: the icon font link is gone
    assert 'class="fa' not in html
    assert html.count("data:image/png;base64,") == 4
    assert re.search(r'<img id="_anim_img[0-9a-f]+" alt="a &quot;rising&quot; line"', html)


def test_animation_html_is_deterministic():
    def make():
        fig, ax = plt.subplots()
        (line,) = ax.plot([0, 1], [0, 0])
        return fl.viz.animate(fig, lambda k: line.set_ydata([0, k]), range(3), alt="line").data

    assert make() == make()


def test_animation_bad_input():
    fig, _ = plt.subplots()
    with pytest.raises(ValueError, match="alt must be a non-empty"):
        fl.viz.animate(fig, lambda k: None, range(2), alt=" ")
    with pytest.raises(ValueError, match="colors must be an integer in"):
        fl.viz.animate(fig, lambda k: None, range(2), alt="x", colors=1)
    with pytest.raises(ValueError, match="frames must contain at least one frame"):
        fl.viz.animate(fig, lambda k: None, [], alt="x")
    plt.close("all")


def test_votes_are_drawn_where_the_caller_puts_them(rng):
    family = fl.NormalMean(1.0)
    x = np.array([-2.0, 1.0, 4.0, 5.0, 12.0])
    votes = family.mle(x[:, None])  # the maximiser of each curve: the observation itself
    np.testing.assert_array_equal(votes, x)
    fig, ax = plt.subplots()
    figs.loglik_votes(ax, family, x, np.linspace(0, 10, 101), votes, truth=5.0)
    lines = {line.get_label(): line for line in ax.get_lines()}
    np.testing.assert_array_equal(lines["votes (maximisers)"].get_xdata(), [1.0, 4.0, 5.0])
    assert "1 vote beyond the window" in [t.get_text() for t in ax.get_legend().get_texts()]
    assert ax.get_xlim() == (0.0, 10.0)
    with pytest.raises(ValueError, match="votes must have length 5"):
        figs.loglik_votes(ax, family, x, np.linspace(0, 10, 101), votes[:3])
    plt.close(fig)


def test_panels_show_the_library_values_and_move(rng):
    family = fl.CauchyLocation(1.0)
    x = family.sample(0.0, 30, rng=rng)
    fig, axes = figs.derivative_figure(family, x, np.linspace(-3, 3, 61), 0.5, orders=(0, 1, 2))
    rows = figs.derivative_panels(axes, family, x, np.linspace(-3, 3, 61), 0.5, orders=(0, 1, 2))
    np.testing.assert_allclose(rows[1]["values"], family.score(0.5, x))
    moved = figs.move_panels(rows, family, x, -0.5)
    np.testing.assert_allclose(moved[2], family.hessian(-0.5, x))
    assert sum(bar.get_width() for bar in rows[1]["bars"]) == len(x)
    plt.close(fig)


def test_narrowing_animation_draws_the_callers_table():
    rows = []
    for g in (2.0, 1.0):
        family = fl.CauchyLocation(g)
        x = family.sample(0.0, 300, rng=np.random.default_rng(1))
        rows.append({"scale": g, "exact": family.fisher_exact(0.0),
                     "minus_mean_hessian": fl.fisher_from_hessians(family.hessian(0.0, x)),
                     "mean_squared_score": fl.fisher_from_scores(family.score(0.0, x))})
    html = figs.narrowing_animation(lambda g: fl.CauchyLocation(g), rows, 0.0, n_samples=300,
                                    seed=1, theta_grid=np.linspace(-3, 3, 31))
    assert "data:image/png" in html.data
    with pytest.raises(ValueError, match="table must be a non-empty sequence of rows"):
        figs.narrowing_animation(lambda g: fl.CauchyLocation(g), [{"scale": 1.0}], 0.0, n_samples=10,
                                 seed=1, theta_grid=np.linspace(-3, 3, 31))
    plt.close("all")


def test_explorer_builds_widgets():
    widget = figs.explorer(n=20)
    assert [c.description for c in widget.children[:3]] == ["σ", "μ₀", "n"]
    plt.close("all")


def test_figures_are_stored_at_twice_their_displayed_size():
    import base64
    import io

    from PIL import Image

    fig, ax = plt.subplots(figsize=(4.0, 3.0))
    ax.plot([0, 1], [0, 1])
    data, metadata = fl.viz.style.figure_png(fig)
    image = Image.open(io.BytesIO(base64.b64decode(data)))
    assert image.mode == "P"  # a palette PNG
    for pixels, shown in zip(image.size, (metadata["width"], metadata["height"])):
        assert 2 * shown <= pixels < 2 * (shown + 1)  # at least twice the displayed size
    plt.close(fig)
    empty = plt.figure()
    assert fl.viz.style.figure_png(empty) is None or fl.viz.style.figure_png(empty)[1]["width"] > 0
    plt.close(empty)


def test_jupyter_shows_figures_through_the_course_formatter():
    from IPython.core.interactiveshell import InteractiveShell
    from matplotlib.figure import Figure

    shell = InteractiveShell.instance()
    try:
        fl.viz.style.use_style()
        png = shell.display_formatter.formatters["image/png"]
        assert png.lookup_by_type(Figure) is fl.viz.style.figure_png
    finally:
        InteractiveShell.clear_instance()


def test_animation_frames_are_stored_at_twice_their_displayed_size():
    fig, ax = plt.subplots(figsize=(3.0, 2.0))
    (line,) = ax.plot([0, 1], [0, 0])
    html = fl.viz.animate(fig, lambda k: line.set_ydata([0, k]), range(2), alt="a line turning").data
    assert f'width="{round(3.0 * fig.dpi)}"' in html
