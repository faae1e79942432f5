"""Tests of fisherlab.optim: line search, gradient descent, natural gradient descent."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab.optim import LineSearchResult, backtracking_line_search


# ---- backtracking line search ------------------------------------------------------------
def test_line_search_takes_full_step_when_accepted():
    res = backtracking_line_search(np.zeros(2), np.ones(2), lambda t: True)
    assert isinstance(res, LineSearchResult)
    assert res.accepted and res.step_fraction == 1.0 and res.n_backtracks == 0
    np.testing.assert_array_equal(res.theta, np.ones(2))


def test_line_search_returns_first_accepted_fraction():
    tried = []

    def accept(t):
        tried.append(t[0])
        return t[0] <= 0.5

    res = backtracking_line_search(np.zeros(1), np.ones(1), accept, backtrack_coeff=0.8, backtrack_iters=10)
    assert res.accepted and res.n_backtracks == 4  # 0.8**4 = 0.4096 is the first <= 0.5
    assert res.step_fraction == pytest.approx(0.8**4)
    np.testing.assert_allclose(tried, 0.8 ** np.arange(5))


def test_line_search_rejects_all():
    theta = np.array([1.0, 2.0])
    res = backtracking_line_search(theta, np.ones(2), lambda t: False, backtrack_iters=7)
    assert not res.accepted and res.step_fraction == 0.0 and res.n_backtracks == 7
    np.testing.assert_array_equal(res.theta, theta)


@given(seed=st.integers(0, 2**32 - 1), scale=st.floats(0.01, 100.0))
def test_line_search_with_armijo_never_increases_loss(seed, scale):
    """On a random quadratic, with an arbitrary (even ascent) step, the accepted point never
    has a higher loss."""
    rng = np.random.default_rng(seed)
    d = 3
    M = rng.normal(size=(d, d))
    A = M @ M.T + 0.1 * np.eye(d)
    loss = lambda t: 0.5 * t @ A @ t  # noqa: E731
    theta = rng.normal(size=d)
    g = A @ theta
    step = scale * rng.normal(size=d)
    accept = lambda t: loss(t) <= loss(theta) + 1e-4 * min(g @ (t - theta), 0.0)  # noqa: E731
    res = backtracking_line_search(theta, step, accept, backtrack_coeff=0.5, backtrack_iters=30)
    assert loss(res.theta) <= loss(theta)


def test_line_search_bad_inputs():
    with pytest.raises(ValueError, match=r"backtrack_coeff must be in \(0, 1\)"):
        backtracking_line_search(np.zeros(2), np.ones(2), lambda t: True, backtrack_coeff=1.0)
    with pytest.raises(ValueError, match="backtrack_iters must be >= 1"):
        backtracking_line_search(np.zeros(2), np.ones(2), lambda t: True, backtrack_iters=0)
    with pytest.raises(ValueError, match=r"full_step must have the shape of theta, \(2,\)"):
        backtracking_line_search(np.zeros(2), np.ones(3), lambda t: True)
    with pytest.raises(ValueError, match="accept must be callable"):
        backtracking_line_search(np.zeros(2), np.ones(2), None)
    with pytest.raises(ValueError, match=r"theta must have shape \(d,\)"):
        backtracking_line_search(np.zeros((2, 2)), np.ones(2), lambda t: True)


# ---- gradient descent and natural gradient descent ----------------------------------------
from fisherlab.models import GaussianMLE, SoftmaxRegression, make_classification  # noqa: E402
from fisherlab.optim import descend, gradient_descent, natural_gradient, natural_gradient_descent  # noqa: E402


@pytest.fixture
def logistic():
    data = make_classification(400, 6, 2, condition_number=100.0, rng=np.random.default_rng(5))
    return SoftmaxRegression.from_data(data)


def test_both_methods_learn(logistic):
    theta0 = np.zeros(logistic.dim)
    lipschitz = np.linalg.eigvalsh(logistic.hessian(theta0)).max()
    gd = gradient_descent(logistic, theta0, lr=1.0 / lipschitz, n_steps=50)
    ngd = natural_gradient_descent(logistic, theta0, lr=1.0, n_steps=10)
    assert gd.losses[-1] < gd.losses[0] and ngd.losses[-1] < ngd.losses[0]
    assert np.all(np.diff(gd.losses) <= 1e-15)  # 1/L steps descend monotonically
    theta_star = natural_gradient_descent(logistic, theta0, lr=1.0, n_steps=30).theta
    np.testing.assert_allclose(logistic.grad(theta_star), 0.0, atol=1e-10)
    assert ngd.losses[-1] - logistic.loss(theta_star) < 1e-10  # Newton: quadratic convergence
    assert gd.losses[-1] - logistic.loss(theta_star) > 1e-4  # ill-conditioned: GD still far
    assert gd.method == "gd" and ngd.method == "ngd"


def test_records_shapes_and_kl(logistic):
    res = natural_gradient_descent(logistic, np.zeros(logistic.dim), lr=0.5, n_steps=5)
    assert res.thetas.shape == (6, logistic.dim) and res.losses.shape == (6,)
    assert res.step_norms.shape == res.kls.shape == res.step_fractions.shape == (5,)
    for k in range(5):
        assert res.kls[k] == pytest.approx(logistic.kl(res.thetas[k], res.thetas[k + 1]))
        assert res.step_norms[k] == pytest.approx(np.linalg.norm(res.thetas[k + 1] - res.thetas[k]))
    assert np.all(res.kls >= 0)
    assert res.n_steps == 5 and res.status == "max_steps"


def test_cg_solver_matches_dense_solver(logistic):
    theta = 0.1 * np.ones(logistic.dim)
    dense, n0 = natural_gradient(logistic, theta, solver="dense")
    cgx, n = natural_gradient(logistic, theta, solver="cg", cg_iters=50)
    np.testing.assert_allclose(cgx, dense, rtol=1e-6)
    assert n0 == 0 and 0 < n <= logistic.dim
    res = natural_gradient_descent(logistic, theta, solver="cg", cg_iters=50, n_steps=3)
    ref = natural_gradient_descent(logistic, theta, n_steps=3)
    np.testing.assert_allclose(res.thetas, ref.thetas, rtol=1e-6)
    assert np.all(res.cg_iters > 0)


def test_ngd_on_gaussian_is_parameterisation_invariant_as_lr_shrinks(rng):
    """NGD paths, mapped back to (mu, sigma), converge to one another as lr -> 0; GD paths do not."""
    x = rng.normal(1.0, 2.0, size=200)
    start = np.array([-1.0, 0.7])
    gaps_ngd, gaps_gd = [], []
    for lr in (0.1, 0.05, 0.025):
        n = int(round(1.0 / lr))  # same "time" 1.0 along the flow
        paths = {}
        for p in GaussianMLE.PARAMETERISATIONS:
            m = GaussianMLE(x, p)
            ngd = natural_gradient_descent(m, m.from_mu_sigma(start), lr=lr, n_steps=n)
            gd = gradient_descent(m, m.from_mu_sigma(start), lr=lr, n_steps=n)
            paths[p] = (m.to_mu_sigma(ngd.theta), m.to_mu_sigma(gd.theta))
        ends_ngd = np.array([v[0] for v in paths.values()])
        ends_gd = np.array([v[1] for v in paths.values()])
        gaps_ngd.append(np.ptp(ends_ngd, axis=0).max())
        gaps_gd.append(np.ptp(ends_gd, axis=0).max())
    assert gaps_ngd[0] > gaps_ngd[1] > gaps_ngd[2]
    assert gaps_ngd[2] < 0.6 * gaps_ngd[0]  # first order in lr: halves with lr
    assert min(gaps_gd) > 10 * gaps_ngd[-1]  # GD's disagreement does not vanish


@given(seed=st.integers(0, 2**32 - 1), lr=st.floats(0.01, 100.0), method=st.sampled_from(["gd", "ngd"]))
def test_line_search_in_descend_never_increases_loss(seed, lr, method):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=30)
    m = GaussianMLE(x, "mu_sigma")
    theta0 = np.array([rng.normal(), rng.uniform(0.2, 3.0)])
    res = descend(m, theta0, method=method, lr=lr, n_steps=5, line_search=True, backtrack_iters=40)
    assert np.all(np.diff(res.losses) <= 0)
    assert np.all(res.step_fractions <= 1.0)


def test_loss_target_stops_early(logistic):
    target = natural_gradient_descent(logistic, np.zeros(logistic.dim), n_steps=30, lr=1.0).losses[-1] + 1e-3
    res = natural_gradient_descent(logistic, np.zeros(logistic.dim), lr=1.0, n_steps=100, loss_target=target)
    assert res.status == "loss_target" and res.n_steps < 100
    assert res.steps_to(target) == res.n_steps
    assert res.steps_to(-1.0) is None


def test_empirical_fisher_and_damping_options(logistic):
    theta0 = np.zeros(logistic.dim)
    emp = natural_gradient_descent(logistic, theta0, fisher="empirical", damping=1e-3, lr=0.5, n_steps=5)
    assert emp.losses[-1] < emp.losses[0]
    a, _ = natural_gradient(logistic, theta0, damping=1e6)
    np.testing.assert_allclose(a * 1e6, logistic.grad(theta0), rtol=1e-3)  # huge damping -> GD


def test_descend_bad_inputs(logistic):
    theta0 = np.zeros(logistic.dim)
    with pytest.raises(ValueError, match=r"method must be one of \('gd', 'ngd'\)"):
        descend(logistic, theta0, method="newton")
    with pytest.raises(ValueError, match="lr must be > 0"):
        descend(logistic, theta0, lr=-1.0)
    with pytest.raises(ValueError, match="n_steps must be >= 1"):
        descend(logistic, theta0, n_steps=0)
    with pytest.raises(ValueError, match=r"theta0 must have shape \(6,\)"):
        descend(logistic, np.zeros(3))
    with pytest.raises(ValueError, match="damping must be a float >= 0"):
        descend(logistic, theta0, damping=-1.0)
    with pytest.raises(ValueError, match=r"solver must be one of \('dense', 'cg'\)"):
        descend(logistic, theta0, solver="lu")
    with pytest.raises(ValueError, match=r"fisher must be one of \('exact', 'empirical', 'ggn'\)"):
        descend(logistic, theta0, fisher="observed")
    with pytest.raises(ValueError, match=r"armijo must be in \(0, 1\)"):
        descend(logistic, theta0, armijo=0.0)
    emp_singular = SoftmaxRegression(np.ones((1, 2)), [1])  # rank-one empirical Fisher
    with pytest.raises(ValueError, match="must be positive definite"):
        natural_gradient(emp_singular, np.zeros(2), fisher="empirical")


# ---- figures of Chapter 4 (fisherlab.viz.optim): they draw what the library computes ----------
def test_viz_optim_figures_draw_library_results(rng):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figs = fl.viz.optim
    x = rng.normal(1.0, 2.0, size=100)
    model = GaussianMLE(x, "mu_sigma")
    theta = np.array([-1.0, 0.7])
    step_e, step_n = figs.metric_balls(model, theta, radius=0.05)
    F = model.fisher_exact(theta)
    assert 0.5 * step_n @ F @ step_n == pytest.approx(0.05)
    assert 0.5 * step_e @ step_e == pytest.approx(0.05)
    assert model.grad(theta) @ step_n < 0 and model.grad(theta) @ step_e < 0
    plt.close("all")

    paths = {m: {p: GaussianMLE(x, p).to_mu_sigma(
        descend(GaussianMLE(x, p), GaussianMLE(x, p).from_mu_sigma([-1.0, 1.0]), method=m, lr=0.05, n_steps=5).thetas)
        for p in GaussianMLE.PARAMETERISATIONS} for m in ("gd", "ngd")}
    axes = figs.invariance_paths(model, paths, mle=model.mle())
    assert len(axes[1].get_lines()) >= 3
    plt.close("all")

    fields_models = {"a": GaussianMLE(x, "mu_log_sigma")}
    fields = figs.direction_fields(fields_models, mu_range=(-2, 3), log_sigma_range=(0, 1.5), n_grid=5)
    m = fields_models["a"]
    point = np.array([np.linspace(-2, 3, 5)[1], np.linspace(0, 1.5, 5)[3]])
    want = -np.linalg.solve(m.fisher_exact(point) + 1e-8 * np.eye(2), m.grad(point))
    np.testing.assert_allclose(fields["a"]["exact"][3, 1], want, rtol=1e-10)
    np.testing.assert_allclose(fields["a"]["gd"][3, 1], -m.grad(point), rtol=1e-12)
    plt.close("all")

    ax = figs.convergence_curves({1: {"gd": np.array([1.0, 0.5, 0.2]), "ngd": np.array([1.0, 0.1, 0.0])}}, 0.0)
    assert len(ax.get_lines()) == 2
    ax = figs.cost_scaling([10, 20, 40], {"a": np.array([1e-3, 4e-3, 1.6e-2])}, slopes={"a": 2.0})
    assert "slope 2.00" in ax.get_legend().get_texts()[0].get_text()
    res = fl.linalg.cg(np.diag([1.0, 2.0, 3.0]), np.ones(3), cg_iters=5)
    ax = figs.cg_residuals({"plain": res}, tol=1e-6)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), res.residual_norms / res.residual_norms[0])
    ax = figs.cg_iteration_spread({0.0: [10, 11, 12], 0.1: [5, 5]}, {0.0: (8, 14), 0.1: (4, 6)})
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [11, 12])  # the perturbed solves
    np.testing.assert_array_equal(ax.get_lines()[1].get_ydata(), [10])      # the unperturbed one
    with pytest.raises(ValueError, match="counts and claimed must have the same dampings"):
        figs.cg_iteration_spread({0.0: [10]}, {0.1: (4, 6)})
    axes = figs.kfac_comparison(np.eye(4), 1.1 * np.eye(4))
    assert "0.100" in axes[2].get_title()
    plt.close("all")
