"""Figures of Chapters 2 and 3: the ellipse routine exactly, every figure function as a smoke test."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import fisherlab as fl  # noqa: E402
from fisherlab import divergences as D  # noqa: E402
from fisherlab.viz import divergences as vd  # noqa: E402
from fisherlab.viz import matrices as vm  # noqa: E402

COV = np.array([[1.0, 0.8], [0.8, 1.0]])


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@given(st.floats(0.1, 5), st.floats(0.1, 5), st.floats(-0.95, 0.95), st.floats(0.1, 3), st.booleans())
def test_ellipse_points_lie_on_the_quadratic_form(a, b, rho, radius, inverse):
    A = np.array([[a, rho * np.sqrt(a * b)], [rho * np.sqrt(a * b), b]])
    c = np.array([0.3, -1.0])
    pts = vm.ellipse_points(A, radius=radius, center=c, inverse=inverse, n_points=50)
    assert pts.shape == (50, 2)
    M = A if inverse else np.linalg.inv(A)
    d = pts - c
    np.testing.assert_allclose(np.einsum("ni,ij,nj->n", d, M, d), radius**2, rtol=1e-9)
    np.testing.assert_allclose(pts[0], pts[-1], atol=1e-12)  # closed curve
    # half-axes from the eigen-decomposition: the farthest point is r sqrt(lambda_max) (or r / sqrt(lambda_min))
    lam = np.linalg.eigvalsh(A)
    far = radius / np.sqrt(lam[0]) if inverse else radius * np.sqrt(lam[-1])
    assert np.max(np.linalg.norm(d, axis=1)) <= far * (1 + 1e-9)


def test_ellipse_points_bad_input():
    with pytest.raises(ValueError, match="A must be positive definite"):
        vm.ellipse_points([[1.0, 2.0], [2.0, 1.0]])
    with pytest.raises(ValueError, match=r"A must have shape \(2, 2\)"):
        vm.ellipse_points(np.eye(3))
    with pytest.raises(ValueError, match="radius must be > 0"):
        vm.ellipse_points(np.eye(2), radius=0.0)
    with pytest.raises(ValueError, match=r"center must have shape \(2,\)"):
        vm.ellipse_points(np.eye(2), center=[0.0, 0.0, 0.0])


def test_chapter2_figures_return_what_they_draw(rng):
    fam = fl.GaussianMean(COV)
    mu = np.array([1.0, -0.5])
    x = fam.sample(mu, 30, rng=rng)
    fig, axes = plt.subplots(2, 3)
    s = vm.loglik_contours(axes[0, 0], fam, x[0], mu, point=[0.0, 0.0])
    np.testing.assert_allclose(s, fam.score([0.0, 0.0], x[0])[0])
    np.testing.assert_allclose(vm.observation_ellipses(axes[0, 1], fam, x[:5], mu), fam.score(mu, x[:5]))
    scores = fam.score(mu, x)
    np.testing.assert_allclose(vm.score_histogram(axes[0, 2], scores, fisher=fam.fisher_exact(mu)), scores.mean(0))
    _, _, grid = vm.parameter_grid(mu, 2.5, n=5)
    field = fam.score(grid.reshape(-1, 2), x).mean(axis=-2).reshape(5, 5, 2)
    vm.score_field(axes[1, 0], fam, x, mu, grid, field)
    arrows = axes[1, 0].collections[-1]  # the quiver
    np.testing.assert_allclose(arrows.U, field[..., 0].ravel())
    np.testing.assert_allclose(arrows.V, field[..., 1].ravel())
    with pytest.raises(ValueError, match="field must have shape"):
        vm.score_field(axes[1, 0], fam, x, mu, grid, field[:3])
    info = vm.direction_slices(axes[1, 1:], fam, x, mu, [[1.0, 1.0], [1.0, -1.0]])
    np.testing.assert_allclose(info, [1 / 1.8, 1 / 0.2])
    lam = vm.null_direction(plt.subplots(1, 2)[1], fl.Categorical(3), np.array([0.5, -0.5, 1.0]))
    assert abs(lam[0]) < 1e-15 and np.all(lam[1:] > 0)
    curve = fl.fisher_mc_error(fam, mu, [10, 100], n_repeats=3, rng=rng)
    vm.mc_error_loglog(plt.subplots()[1], curve)


def test_chapter2_figures_reject_families_that_are_not_planes():
    with pytest.raises(ValueError, match="dim == 2"):
        vm.loglik_contours(plt.subplots()[1], fl.GaussianDiagonal(2), np.zeros(2), np.zeros(4))


def test_directional_animation_is_offline_html(rng):
    fam = fl.GaussianMean(COV)
    s = fam.score([0.0, 0.0], fam.sample([0.0, 0.0], 200, rng=rng))
    html = vm.directional_animation(fam.fisher_exact([0.0, 0.0]), s, n_frames=3, alt="u turning").data
    assert 'alt="u turning"' in html and "font-awesome" not in html


def test_chapter3_figures_return_what_they_draw():
    fig, axes = plt.subplots(2, 3)
    fwd, rev, quad = vd.kl_vs_quadratic(axes[0, 0], fl.Bernoulli(), 0.3, np.linspace(-0.1, 0.1, 5))
    np.testing.assert_allclose(fwd, D.kl(fl.Bernoulli(), 0.3, 0.3 + np.linspace(-0.1, 0.1, 5)))
    vd.seed_check(axes[0, 1], np.array([1e-4, 0.1]), np.array([1.0, 0.9]), np.array([0.69, 1.1]))
    np.testing.assert_allclose(axes[0, 1].get_lines()[1].get_ydata(), [0.69, 1.1])
    with pytest.raises(ValueError, match="note_ratio must have shape"):
        vd.seed_check(axes[0, 1], np.array([1e-4, 0.1]), np.array([1.0, 0.9]), np.array([0.69]))
    res = D.approximation_error(fl.Bernoulli(), 0.3, 1.0, np.geomspace(1e-3, 1e-1, 5))
    vd.error_loglog(axes[0, 2], [res], ["Bernoulli"])
    ratios = vd.local_ratios(axes[1, 0], fl.Bernoulli(), 0.3, 1.0, np.array([1e-3, 1e-2]), [D.KL, D.JENSEN_SHANNON])
    np.testing.assert_allclose(ratios[:, 0], [0.5, 0.125], rtol=1e-2)
    values = vd.kl_contours(axes[1, 1], fl.GaussianMean(COV), [0.0, 0.0], [0.05], n=11)
    assert values.shape == (11, 11) and np.all(values >= 0)
    F = np.linalg.inv(COV)
    star = vd.constrained_step(axes[1, 2], [1.0, 0.2], F, 0.05)
    np.testing.assert_allclose(star, D.kl_constrained_step([1.0, 0.2], F, 0.05))
    with pytest.raises(ValueError, match="dim == 2"):
        vd.kl_contours(axes[1, 1], fl.Bernoulli(), 0.3, [0.05])


def test_directional_polar_traces_the_eigenvalues():
    ax = plt.figure().add_subplot(projection="polar")
    F = np.linalg.inv(COV)
    phi, info = vm.directional_polar(ax, F)
    lam = np.linalg.eigvalsh(F)
    assert np.isclose(info.max(), lam[-1]) and np.isclose(info.min(), lam[0], rtol=1e-4)


def test_direction_panels_and_explorer():
    fig, axes = plt.subplots(1, 2)
    info, sample = vm.direction_panels(axes, COV, 135.0, n_samples=4000, seed=1)
    assert info == pytest.approx(5.0)
    assert abs(sample - info) < 4 * info * np.sqrt(2 / 4000)  # Var of (u^T s)^2 is 2 info^2
    widget = vm.direction_explorer(n_samples=500)
    descriptions = [w.description for w in widget.children[:4]]
    assert descriptions == ["ρ", "σ₁", "σ₂", "angle of u"]
