"""The LQR of Chapters 7-8: exact J(K) by the Lyapunov equation against long Monte Carlo rollouts,
the exact gradient against finite differences, the Riccati optimum against perturbed gains, the
exact Fisher against the policy's own, and a clear error for unstable gains."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import fisherlab as fl
from fisherlab.rl import lqr as L


@pytest.fixture
def task():
    return L.example_lqr(gamma=0.9, sigma=0.5)


def test_theta_gain_round_trip(task):
    K = np.array([[0.3, -1.2]])
    theta = L.gain_to_theta(K)
    np.testing.assert_array_equal(task.gain(theta), K)
    x = np.array([[1.0, 2.0], [-0.5, 0.3]])
    np.testing.assert_allclose(task.policy().mean(theta, x), -(x @ K.T))  # the policy's mean is -K x


@pytest.mark.parametrize("K", [np.zeros((1, 2)), np.array([[0.5, 1.0]]), np.array([[1.5, 3.0]])])
def test_exact_objective_matches_monte_carlo(task, K, rng):
    theta = L.gain_to_theta(K)
    H = 160  # gamma^H ~ 5e-8: truncation negligible against the standard error
    traj = task.sample(theta, n_episodes=10_000, horizon=H, rng=rng)
    R = traj.returns()
    assert abs(R.mean() - task.objective(K)) <= 4 * R.std(ddof=1) / np.sqrt(len(R))


def test_process_noise_objective_matches_monte_carlo(rng):
    A = np.array([[0.9, 0.1], [0.0, 0.8]])
    task = L.LQR(A, np.array([[0.0], [1.0]]), np.eye(2), np.eye(1), gamma=0.8, sigma=0.3, W=0.2 * np.eye(2))
    K = np.array([[0.1, 0.4]])
    R = task.sample(L.gain_to_theta(K), n_episodes=10_000, horizon=100, rng=rng).returns()
    assert abs(R.mean() - task.objective(K)) <= 4 * R.std(ddof=1) / np.sqrt(len(R))


def test_sampled_actions_follow_the_policy(task, rng):
    theta = np.array([-0.4, -0.9])
    traj = task.sample(theta, n_episodes=4000, horizon=3, rng=rng)
    resid = traj.actions[..., 0] - task.policy().mean(theta, traj.states.reshape(-1, 2)).reshape(4000, 3)
    assert abs(resid.std() - 0.5) < 0.01 and abs(resid.mean()) < 0.01


@given(k1=st.floats(-0.5, 2.0), k2=st.floats(-0.5, 4.0))
def test_exact_gradient_matches_finite_differences(k1, k2):
    task = L.example_lqr(gamma=0.9, sigma=0.5)
    K = np.array([[k1, k2]])
    try:
        task.check_gain(K)
    except ValueError:
        return
    theta = L.gain_to_theta(K)
    eps = 1e-6
    fd = np.array([(task.objective(task.gain(theta + eps * e)) - task.objective(task.gain(theta - eps * e))) / (2 * eps)
                   for e in np.eye(2)])
    np.testing.assert_allclose(task.gradient(K), fd, rtol=1e-5, atol=1e-6)


def test_riccati_optimum_beats_perturbed_gains(task, rng):
    K_star = task.optimal_gain()
    J_star = task.optimal_objective()
    np.testing.assert_allclose(task.gradient(K_star), 0.0, atol=1e-9)
    for _ in range(50):
        K = K_star + 0.3 * rng.normal(size=K_star.shape)
        try:
            assert task.objective(K) < J_star
        except ValueError:
            pass  # an unstable perturbation has cost +infinity: also worse
    # P_K >= P_{K*} in the Loewner order
    P_star = task.value_matrix(K_star)
    P = task.value_matrix(K_star + 0.1)
    assert np.linalg.eigvalsh(P - P_star).min() >= -1e-10


def test_exact_fisher_matches_policy_fisher_and_is_non_degenerate(task, rng):
    K = np.array([[0.5, 1.0]])
    theta = L.gain_to_theta(K)
    # the discounted state distribution by weights (1 - gamma) gamma^t over a long rollout
    traj = task.sample(theta, n_episodes=2000, horizon=150, rng=rng)
    w = np.broadcast_to((1 - task.gamma) * task.gamma ** np.arange(150), (2000, 150)).ravel() / 2000
    F_mc = task.policy().fisher(theta, traj.states.reshape(-1, 2), weights=w)
    np.testing.assert_allclose(F_mc, task.fisher(K), rtol=0.05)
    # Sigma_d >= (1 - gamma) Sigma0, so lambda_min(F) >= (1 - gamma) / sigma^2 for every gain
    for K in (np.zeros((1, 2)), K, task.optimal_gain()):
        assert np.linalg.eigvalsh(task.fisher(K)).min() >= (1 - task.gamma) / 0.25 - 1e-12


def test_unstable_gain_raises(task):
    with pytest.raises(ValueError, match="K must be stabilising"):
        task.objective(np.array([[-10.0, -10.0]]))
    with pytest.raises(ValueError, match="theta must give finite trajectories"):
        task.sample(L.gain_to_theta(np.array([[-1e3, -1e3]])), n_episodes=2, horizon=400, rng=np.random.default_rng(0))


def test_bad_input(task, rng):
    A, B = np.eye(2), np.ones((2, 1))
    with pytest.raises(ValueError, match="gamma must be in"):
        L.LQR(A, B, np.eye(2), np.eye(1), gamma=1.0)
    with pytest.raises(ValueError, match="gamma must be in"):
        L.LQR(A, B, np.eye(2), np.eye(1), gamma=0.0)
    with pytest.raises(ValueError, match="sigma must be > 0"):
        L.LQR(A, B, np.eye(2), np.eye(1), gamma=0.9, sigma=0.0)
    with pytest.raises(ValueError, match="Q must be positive definite"):
        L.LQR(A, B, -np.eye(2), np.eye(1), gamma=0.9)
    with pytest.raises(ValueError, match=r"B must have shape \(2, m\)"):
        L.LQR(A, np.ones((3, 1)), np.eye(2), np.eye(1), gamma=0.9)
    with pytest.raises(ValueError, match=r"K must have shape \(1, 2\)"):
        task.objective(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        task.sample(np.zeros(2), n_episodes=2, horizon=0, rng=rng)
