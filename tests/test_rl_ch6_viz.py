"""Chapters 7 and 8: the figures of `fisherlab.viz.convergence` draw what they are given
(they compute nothing the chapters assert), cope with diverged runs, and label what they draw."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from fisherlab.rl import convergence as cv  # noqa: E402
from fisherlab.viz import convergence as figs  # noqa: E402


@pytest.fixture(autouse=True)
def close():
    yield
    plt.close("all")


def test_gap_bands_draws_medians_fits_and_references():
    t = np.geomspace(1, 1000, 20)
    rng = np.random.default_rng(0)
    gaps = {"pg": t**-0.5 * np.exp(rng.normal(scale=0.2, size=(10, 20))),
            "harpg": np.where(np.arange(10)[:, None] < 3, np.inf, t**-0.3 * np.ones((10, 20)))}
    fit = cv.slope_interval(t[5:], gaps["pg"][:, 5:], rng=rng, n_boot=50)
    fig, ax = plt.subplots()
    out = figs.gap_bands(ax, t, gaps, fits={"pg": fit}, reference={"T^-1/2": -0.5}, title="x")
    assert out is ax and ax.get_xscale() == "log" and ax.get_yscale() == "log"
    labels = [line.get_label() for line in ax.get_lines()]
    assert any(label.startswith("PG: slope") and f"{fit.slope:+.2f}" in label for label in labels)
    assert "HARPG" in labels and "T^-1/2" in labels
    median = [line for line in ax.get_lines() if line.get_label() == "HARPG"][0].get_ydata()
    np.testing.assert_allclose(median, t**-0.3)  # 3 diverged runs of 10 do not move the median


def test_fate_bars_count_every_run():
    fates = {"pg": np.array(["converging"] * 4 + ["diverged"]), "n-harpg": np.array(["trapped", "slow", "slow"])}
    fig, ax = plt.subplots()
    figs.fate_bars(ax, fates, title="fates")
    widths = sorted(p.get_width() for p in ax.patches)
    assert widths == [1, 1, 2, 4] and sum(widths) == 8
    assert [t.get_text() for t in ax.get_yticklabels()] == ["PG", "N-HARPG"]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"converging", "diverged", "trapped", "slow"}


def test_interval_plot_and_run_curves():
    fig, (a, b) = plt.subplots(1, 2)
    figs.interval_plot(a, {"x / y": (0.5, 0.3, 0.9), "z / y": (1.2, 0.8, 2.0)}, reference=1.0, xlabel="ratio")
    assert len(a.get_yticks()) == 2 and a.get_xscale() == "log"
    lo, hi = a.get_xlim()
    assert lo < 0.3 and hi > 2.0
    figs.run_curves(b, np.arange(1, 6), {"runs": (np.ones((3, 5)), "red"), "one": (np.arange(1, 6), "blue")}, hline=1.0)
    assert len(b.get_lines()) == 5 and [t.get_text() for t in b.get_legend().get_texts()] == ["runs", "one"]


def test_part_one_figures():
    fig, axes = plt.subplots(1, 4)
    figs.estimates_vs_exact(axes[0], np.array([1.0, -1.0]), {"mean": (np.array([0.9, -1.1]), np.array([0.1, 0.1]))})
    figs.bounds_vs_measured(axes[1], ["a", "b"], [10.0, 100.0], [1.0, 2.0])
    figs.lambda_min_curves(axes[2], {"x": (np.arange(3), np.array([1.0, 0.5, 0.1]), "blue")})
    figs.gradient_domination(axes[3], np.array([0.1, 0.2]), np.array([1.0, 2.0]), labels=np.array(["a", "b"]))
    assert len(axes[0].patches) == 4 and axes[1].get_yscale() == "log" and axes[3].get_xscale() == "log"
    assert set(figs.FATE_COLORS) == set(cv.FATES) and set(figs.METHOD_COLORS) == set(cv.METHODS)
