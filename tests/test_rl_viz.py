"""Figures of Chapter 5 draw what fisherlab.rl computes (smoke tests that check the drawn data)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import fisherlab as fl  # noqa: E402
from fisherlab.rl import algorithms  # noqa: E402
from fisherlab.rl import mdp as M  # noqa: E402
from fisherlab.viz import rl as vr  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def runs():
    mdp = M.river_swim(5)
    pol = fl.rl.TabularSoftmax(5, 2)
    return {a: algorithms.run_exact(mdp, pol, pol.init_theta(), n_iters=6, config=algorithms.Config(algo=a, lr=1.0))
            for a in ("pg", "npg", "trpo")}


def test_learning_curves_plot_the_means(runs):
    ax = vr.learning_curves({a: (np.arange(7), np.stack([h.returns, h.returns + 1])) for a, h in runs.items()},
                            xlabel="k", ylabel="J", title="t", target=1.0)
    lines = {ln.get_label(): ln for ln in ax.get_lines()}
    np.testing.assert_allclose(lines["TRPO (mean of 2)"].get_ydata(), runs["trpo"].returns + 0.5)
    assert ax.get_title() == "t" and "target 1" in lines


def test_kl_per_update_and_delta_line(runs):
    ax = vr.kl_per_update({a: h.kl for a, h in runs.items()}, 0.01, ylim=(1e-6, 1.0))
    ys = [ln.get_ydata() for ln in ax.get_lines() if ln.get_label() == "TRPO"]
    np.testing.assert_allclose(ys[0], runs["trpo"].kl)
    assert ax.get_yscale() == "log" and ax.get_ylim() == pytest.approx((1e-6, 1.0))


def test_parameter_paths_and_surrogate_figures():
    w = np.linspace(-1, 1, 5)
    paths = {"pg": np.zeros((3, 2)), "npg": np.ones((3, 2)) * 0.5, "trpo": np.ones((3, 2)) * 0.5}
    ax = vr.parameter_paths(w, w, np.add.outer(w, w), paths)
    assert {ln.get_label() for ln in ax.get_lines()} >= {"PG", "NPG", "TRPO", "start"}
    t = np.linspace(0, 1, 5)
    ax = vr.surrogate_vs_objective(t, t, 1.1 * t, t - 10 * t**2, delta_t=0.5)
    assert ax.get_ylim()[0] < 0 < ax.get_ylim()[1] and len(ax.get_lines()) >= 4


def test_line_search_stats_fractions():
    ax = vr.line_search_stats(np.array([0, 0, 1, 10]), 10)
    heights = [p.get_height() for p in ax.patches]
    assert len(heights) == 11 and sum(heights) == pytest.approx(1.0)
    assert heights[0] == pytest.approx(0.5) and heights[-1] == pytest.approx(0.25)
