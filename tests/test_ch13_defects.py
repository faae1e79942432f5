"""Defects of chapters 1-3 that tests now hold: out-of-range histogram values are counted, not
clipped into the edge bins; one direction convention for every divergence along a step; no
log-log slope through rounding noise."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import fisherlab as fl  # noqa: E402
from fisherlab import divergences as D  # noqa: E402
from fisherlab.viz import divergences as vdiv  # noqa: E402
from fisherlab.viz import scores as figs  # noqa: E402


# ---- out-of-range values in the histograms of chapter 1 ----------------------------------------
def test_panels_count_out_of_range_values_instead_of_clipping():
    family = fl.NormalMean(1.0)
    x = np.array([-20.0, -0.3, 0.0, 0.2, 0.4, 9.0, 12.0])  # scores at 0 are x: 1 below, 2 above (-8, 8)
    fig, axes = figs.derivative_figure(family, x, np.linspace(-3, 3, 31), 0.0, ylims=[None, (-8, 8)])
    rows = figs.derivative_panels(axes, family, x, np.linspace(-3, 3, 31), 0.0, ylims=[None, (-8, 8)])
    widths = np.array([bar.get_width() for bar in rows[1]["bars"]])
    assert rows[1]["outside"] == (1, 2)
    assert widths.sum() == 4  # only the values inside the window are bars
    assert widths[0] == 0 and widths[-1] == 0  # no spurious bars at the edges (clipping drew 1 and 2)
    assert "2 above" in rows[1]["outside_text"].get_text() and "1 below" in rows[1]["outside_text"].get_text()
    # moving to theta0 = -12 shifts every score by +12: all but the first are above the window
    figs.move_panels(rows, family, x, -12.0)
    widths = np.array([bar.get_width() for bar in rows[1]["bars"]])
    assert rows[1]["outside"] == (0, 6) and widths.sum() == 1 and widths[-1] == 0
    assert "6 above" in rows[1]["outside_text"].get_text()
    plt.close(fig)


# ---- one direction convention -----------------------------------------------------------------
CASES = [
    (fl.Bernoulli(), 0.3, 1.0),
    (fl.NormalMeanScale(), np.array([0.0, 1.0]), np.array([0.6, 0.8])),
    (fl.Categorical(3), np.array([0.5, -0.5, 1.0]), np.array([1.0, -0.5, 0.2])),
]


@pytest.mark.parametrize(("family", "theta", "u"), CASES, ids=["bernoulli", "normal", "categorical"])
def test_every_divergence_along_a_step_puts_the_expansion_point_first(family, theta, u):
    steps = np.array([0.05, 0.1, 0.2])
    step = theta + (steps[:, None] * u if family.dim > 1 else steps * u)
    forward = D.kl(family, theta, step)  # KL(p_theta || p_{theta + t u})
    backward = D.kl(family, step, theta)
    # the two directions differ at these steps, so a swap cannot pass unnoticed
    assert np.all(np.abs(forward - backward) > 1e-4 * forward)
    for name_or_f, expected in (("kl", forward), (D.KL, forward), ("reverse_kl", backward),
                                (D.REVERSE_KL, backward)):
        res = D.approximation_error(family, theta, u, steps, divergence=name_or_f)
        np.testing.assert_allclose(res.divergence, expected, rtol=1e-12)
    # the generic f-divergence route agrees: D_f(p_theta || p_{theta + t u}) by quadrature / sums
    np.testing.assert_allclose(D.f_divergence(family, theta, step, D.KL), forward, rtol=1e-6)
    np.testing.assert_allclose(D.f_divergence(family, theta, step, D.REVERSE_KL), backward, rtol=1e-6)
    for f in (D.SQUARED_HELLINGER, D.CHI_SQUARE):
        res = D.approximation_error(family, theta, u, steps, divergence=f)
        np.testing.assert_allclose(res.divergence, D.f_divergence(family, theta, step, f), rtol=1e-12)
        if f is D.CHI_SQUARE:  # chi^2 is not symmetric: the other direction is a different number
            other = D.f_divergence(family, step, theta, f)
            assert np.all(np.abs(res.divergence - other) > 1e-4 * other)


def test_local_ratios_use_the_same_direction():
    family, theta, u = fl.NormalMeanScale(), np.array([0.0, 1.0]), np.array([0.0, 1.0])
    steps = np.array([0.1, 0.3])
    fig, ax = plt.subplots()
    drawn = vdiv.local_ratios(ax, family, theta, u, steps, [D.KL, D.CHI_SQUARE])
    uFu = u @ family.fisher_exact(theta) @ u
    for f, row in zip((D.KL, D.CHI_SQUARE), drawn):
        res = D.approximation_error(family, theta, u, steps, divergence=f)
        np.testing.assert_allclose(row, res.divergence / (steps**2 * uFu), rtol=1e-6)  # quadrature
    plt.close(fig)


# ---- no slope through rounding noise -----------------------------------------------------------
def test_exact_quadratic_has_no_slope_and_noise_is_not_fitted():
    res = D.approximation_error(fl.GaussianMean([[1.0, 0.8], [0.8, 1.0]]), [0.0, 0.0], [1.0, 1.0],
                                np.geomspace(1e-3, 1e-1, 9))
    assert np.isnan(res.slope)
    assert np.all(res.error <= 64 * np.finfo(float).eps * res.divergence)
    # a genuinely third-order error still gets its slope
    res = D.approximation_error(fl.Bernoulli(), 0.3, 1.0, np.geomspace(1e-3, 1e-1, 9))
    assert 2.8 <= res.slope <= 3.2


def test_fit_loglog_slope_explains_an_exact_zero():
    with pytest.raises(ValueError, match="y must be > 0: a value of exactly 0 has no logarithm"):
        D.fit_loglog_slope([1.0, 2.0], [1.0, 0.0])
    assert D.fit_loglog_slope([1.0, 2.0, 4.0], [3.0, 24.0, 192.0]) == pytest.approx(3.0)
