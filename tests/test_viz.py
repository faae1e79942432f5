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


def test_votes_are_the_maximisers(rng):
    family = fl.NormalMean(1.0)
    x = family.sample(5.0, 20, rng=rng)
    grid = np.linspace(0, 10, 1001)
    fig, ax = plt.subplots()
    votes = figs.loglik_votes(ax, family, x, grid, truth=5.0)
    np.testing.assert_allclose(votes, x, atol=0.006)  # the normal's maximiser is the observation
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


def test_narrowing_table_matches_exact_information():
    html, table = figs.narrowing_animation(lambda g: fl.CauchyLocation(g), [2.0, 1.0], 0.0, n_samples=3000,
                                           seed=1, theta_grid=np.linspace(-3, 3, 31))
    assert "data:image/png" in html.data
    for row in table:
        assert abs(row["minus_mean_hessian"].z_score(row["exact"])) < 4
        assert abs(row["mean_squared_score"].z_score(row["exact"])) < 4


def test_explorer_builds_widgets():
    widget = figs.explorer(n=20)
    assert [c.description for c in widget.children[:3]] == ["σ", "μ₀", "n"]
    plt.close("all")
