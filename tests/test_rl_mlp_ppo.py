"""The neural policy (MLPSoftmax: backprop score, R-operator Fisher-vector product) and PPO."""

import numpy as np
import pytest

import fisherlab as fl
from fisherlab.rl import algorithms, envs
from fisherlab.rl.mlp import MLPSoftmax
from fisherlab.rl.ppo import Adam, clipped_surrogate, ppo_update


def _setup(A=3, k=4, H=5, n=7, seed=0, bias=True):
    pol = MLPSoftmax(A, n_features=k, hidden=H, bias=bias)
    rng = np.random.default_rng(seed)
    theta = pol.init_theta(rng=rng, out_scale=1.0) + 0.3 * rng.normal(size=pol.dim)
    S = rng.normal(size=(n, k))
    actions = rng.integers(0, A, n)
    return pol, theta, S, actions, rng


def test_mlp_dimension_and_unpack():
    pol = MLPSoftmax(2, n_features=4, hidden=8)
    assert pol.dim == 4 * 8 + 8 + 8 * 2 + 2
    W1, b1, W2, b2 = pol.unpack(np.arange(pol.dim, dtype=float))
    assert W1.shape == (4, 8) and b1.shape == (8,) and W2.shape == (8, 2) and b2.shape == (2,)
    assert W1[0, 0] == 0 and b2[-1] == pol.dim - 1


@pytest.mark.parametrize("bias", [True, False])
def test_mlp_score_matches_finite_differences(bias):
    pol, theta, S, a, _ = _setup(bias=bias)
    eps = 1e-6
    fd = np.stack([(pol.log_prob(theta + eps * e, S, a) - pol.log_prob(theta - eps * e, S, a)) / (2 * eps)
                   for e in np.eye(pol.dim)], axis=1)
    assert np.max(np.abs(pol.score(theta, S, a) - fd)) < 1e-8


@pytest.mark.parametrize("seed, bias", [(0, True), (1, True), (2, True), (0, False), (1, False)])
def test_mlp_fisher_vector_product_matches_dense_fisher(seed, bias):
    pol, theta, S, _, rng = _setup(seed=seed, bias=bias)
    w = rng.random(len(S))
    F = pol.fisher(theta, S, weights=w)
    for _ in range(3):
        vec = rng.normal(size=pol.dim)
        assert np.allclose(pol.fisher_vector_product(theta, S, vec, weights=w), F @ vec, rtol=1e-12, atol=1e-13)
        assert np.allclose(pol.fisher_operator(theta, S, weights=w, damping=0.1).matvec(vec), F @ vec + 0.1 * vec,
                           rtol=1e-12, atol=1e-13)
    # the dense Fisher is the expected outer product of scores (action expectation exact)
    p = pol.probs(theta, S)
    F_scores = sum(np.einsum("n,nd,ne->de", w * p[:, b], pol.score(theta, S, np.full(len(S), b)),
                             pol.score(theta, S, np.full(len(S), b))) for b in range(pol.n_actions))
    assert np.allclose(F, F_scores, atol=1e-13)
    assert np.min(np.linalg.eigvalsh(F)) > -1e-12


@pytest.mark.parametrize("bias", [True, False])
def test_mlp_hessian_vector_product_and_information_identity(bias):
    pol, theta, S, a, rng = _setup(bias=bias)
    vec = rng.normal(size=pol.dim)
    eps = 1e-6
    fd = (pol.score(theta + eps * vec, S, a) - pol.score(theta - eps * vec, S, a)) / (2 * eps)
    assert np.max(np.abs(pol.hvp_log_prob(theta, S, a, vec) - fd)) < 1e-7
    H = pol.hessian_log_prob(theta, S, a)
    assert np.allclose(H, H.transpose(0, 2, 1), atol=1e-14)
    # E_a[grad^2 log pi] = -F for every state: the network's curvature term averages out
    p = pol.probs(theta, S)
    EH = sum(p[:, b, None, None] * pol.hessian_log_prob(theta, S, np.full(len(S), b))
             for b in range(pol.n_actions)).mean(axis=0)
    assert np.allclose(EH, -pol.fisher(theta, S), atol=1e-13)
    # ... but a single action's Hessian is not -F(s): the network is not linear in theta
    assert np.max(np.abs(H[0] + pol.fisher(theta, S[:1]))) > 1e-3


def test_mlp_without_biases_is_an_odd_network():
    # d = kH + HA; b1 = b2 = 0, so z(-x) = -z(x): with two actions pi(a|-s) = pi(1-a|s)
    pol = MLPSoftmax(2, n_features=4, hidden=8, bias=False)
    assert pol.dim == 4 * 8 + 8 * 2 and "bias=False" in repr(pol)
    rng = np.random.default_rng(3)
    theta = pol.init_theta(rng=rng, out_scale=1.0) + 0.3 * rng.normal(size=pol.dim)
    W1, b1, W2, b2 = pol.unpack(theta)
    assert W1.shape == (4, 8) and W2.shape == (8, 2) and not b1.any() and not b2.any()
    S = rng.normal(size=(6, 4))
    np.testing.assert_allclose(pol.probs(theta, -S), pol.probs(theta, S)[:, ::-1], rtol=1e-14, atol=1e-15)
    # it is the network with biases restricted to b1 = b2 = 0: same probabilities, same W-blocks of the score
    full = MLPSoftmax(2, n_features=4, hidden=8)
    theta_full = np.concatenate([W1.ravel(), np.zeros(8), W2.ravel(), np.zeros(2)])
    a = rng.integers(0, 2, 6)
    np.testing.assert_allclose(full.probs(theta_full, S), pol.probs(theta, S), rtol=1e-15)
    keep = np.r_[0:32, 40:56]
    np.testing.assert_allclose(full.score(theta_full, S, a)[:, keep], pol.score(theta, S, a), rtol=1e-14, atol=1e-15)
    with pytest.raises(TypeError, match="bias"):
        MLPSoftmax(2, n_features=4, bias="no")


def test_mlp_init_and_errors():
    pol = MLPSoftmax(2, n_features=4, hidden=6)
    th = pol.init_theta(rng=np.random.default_rng(0))
    W1, b1, W2, b2 = pol.unpack(th)
    assert np.allclose(W1 @ W1.T, 2 * np.eye(4)) and np.all(b1 == 0) and np.all(b2 == 0)
    assert np.allclose(pol.probs(th, np.zeros((1, 4))), 0.5, atol=0.02)  # nearly uniform at the start
    with pytest.raises(TypeError):
        pol.init_theta()
    with pytest.raises(ValueError, match="hidden"):
        MLPSoftmax(2, n_features=4, hidden=0)
    with pytest.raises(ValueError, match="theta"):
        pol.score(np.zeros(3), np.zeros((1, 4)), [0])


def test_clipped_surrogate_mask():
    r = np.array([0.5, 0.9, 1.1, 1.5, 0.5, 0.9, 1.1, 1.5])
    A = np.array([1.0, 1.0, 1.0, 1.0, -1.0, -1.0, -1.0, -1.0])
    obj, active = clipped_surrogate(r, A, 0.2)
    # positive advantage: clipped (and constant) only above 1 + eps; negative: only below 1 - eps
    assert active.tolist() == [True, True, True, False, False, True, True, True]
    assert np.allclose(obj, [0.5, 0.9, 1.1, 1.2, -0.8, -0.9, -1.1, -1.5])
    with pytest.raises(ValueError, match="clip_ratio"):
        clipped_surrogate(r, A, 1.5)


def test_ppo_gradient_is_the_gradient_of_the_clipped_objective():
    pol, theta, S, a, rng = _setup(A=2, n=40)
    lp_old = pol.log_prob(theta, S, a)
    adv = rng.normal(size=len(S))
    th = theta + 0.4 * rng.normal(size=pol.dim)  # some ratios leave [0.8, 1.2]

    def L(t):
        return clipped_surrogate(np.exp(pol.log_prob(t, S, a) - lp_old), adv, 0.2)[0].mean()

    ratio = np.exp(pol.log_prob(th, S, a) - lp_old)
    _, active = clipped_surrogate(ratio, adv, 0.2)
    assert 0 < active.sum() < len(S)
    g = np.where(active, ratio * adv, 0.0) @ pol.score(th, S, a) / len(S)
    eps = 1e-7
    fd = np.array([(L(th + eps * e) - L(th - eps * e)) / (2 * eps) for e in np.eye(pol.dim)])
    assert np.max(np.abs(g - fd)) < 1e-6


def test_adam_first_step_is_lr_times_sign():
    opt = Adam(3, lr=0.01)
    th = opt.step(np.zeros(3), np.array([2.0, -0.001, 5.0]))
    assert np.allclose(th, 0.01 * np.array([1.0, -1.0, 1.0]), rtol=1e-4)
    with pytest.raises(ValueError, match="grad"):
        opt.step(np.zeros(3), np.zeros(2))


def _ppo_batch(seed=0):
    pol = fl.rl.LinearSoftmax(2, n_features=4, bias=True)
    env = envs.CartPole(8)
    rng = np.random.default_rng(seed)
    env.reset(rng=rng)
    from fisherlab.rl.rollouts import collect

    theta = 0.1 * rng.normal(size=pol.dim)
    b = collect(env, pol, theta, 32, rng=rng)
    S = b.obs[:-1].reshape(-1, 4)[b.valid.ravel()]
    A = b.actions.ravel()[b.valid.ravel()]
    adv = rng.normal(size=len(S))
    return pol, theta, S, A, adv, pol.log_prob(theta, S, A)


def test_ppo_update_kl_bookkeeping_and_early_stopping():
    pol, theta, S, A, adv, lp = _ppo_batch()
    new, info = ppo_update(pol, theta, S, A, adv, lp, optimizer=Adam(pol.dim, lr=0.05), epochs=5,
                           rng=np.random.default_rng(1))
    kl = pol.kl(theta, new, S)
    assert info.n_epochs == 5
    assert np.isclose(info.kl, kl.mean()) and np.isclose(info.max_kl, kl.max()) and info.max_kl >= info.kl
    ratio = np.exp(pol.log_prob(new, S, A) - lp)
    assert np.isclose(info.clip_fraction, np.mean(np.abs(ratio - 1) > 0.2))
    assert np.isclose(info.surrogate_gain, np.mean((ratio - 1) * adv))
    assert info.surrogate_gain > 0  # ascent on the clipped surrogate raises the surrogate
    # early stopping: a tiny target stops after the first epoch
    _, info1 = ppo_update(pol, theta, S, A, adv, lp, optimizer=Adam(pol.dim, lr=0.05), epochs=5,
                          target_kl=1e-8, rng=np.random.default_rng(1))
    assert info1.n_epochs == 1 and info1.kl > 1.5e-8
    with pytest.raises(ValueError, match="optimizer.dim"):
        ppo_update(pol, theta, S, A, adv, lp, optimizer=Adam(3, lr=0.05), rng=np.random.default_rng(1))
    with pytest.raises(ValueError, match="n_minibatches"):
        ppo_update(pol, theta, S, A, adv, lp, optimizer=Adam(pol.dim, lr=0.05), n_minibatches=len(S) + 1,
                   rng=np.random.default_rng(1))


def test_ppo_is_rejected_where_it_cannot_run():
    grid = fl.rl.gridworld(3)
    tab = fl.rl.TabularSoftmax(grid.n_states, grid.n_actions)
    cfg = algorithms.Config(algo="ppo")
    with pytest.raises(ValueError, match="algo"):
        algorithms.run_exact(grid, tab, tab.init_theta(), n_iters=1, config=cfg)
    model = algorithms.exact_model(grid, tab, tab.init_theta())
    with pytest.raises(ValueError, match="algo"):
        algorithms.policy_update(tab.init_theta(), model, cfg)
    with pytest.raises(ValueError, match="clip_ratio"):
        algorithms.Config(algo="ppo", clip_ratio=0.0)
    with pytest.raises(ValueError, match="target_kl"):
        algorithms.Config(algo="ppo", target_kl=-1.0)


def _learns(policy, config, seeds, budget):
    """Mean training return of the last three batches minus that of the first, per seed."""
    out = []
    for seed in seeds:
        h = algorithms.run(envs.CartPole(config.num_envs), policy, total_steps=budget,
                           rng=np.random.default_rng(seed), config=config, eval_every=0)
        r = h.returns
        out.append(np.nanmean(r[-3:]) - np.nanmean(r[:1]))
    return np.array(out)


def test_ppo_learns_on_cartpole_smoke():
    cfg = algorithms.Config(algo="ppo", lr=0.01, num_envs=8, n_steps=128)
    gains = _learns(fl.rl.LinearSoftmax(2, n_features=4, bias=True), cfg, range(3), 12_000)
    assert np.median(gains) > 30


def test_trpo_with_the_mlp_learns_on_cartpole_smoke():
    cfg = algorithms.Config(algo="trpo", delta=0.02, num_envs=8, n_steps=128)
    gains = _learns(MLPSoftmax(2, n_features=4, hidden=16), cfg, range(3), 12_000)
    assert np.median(gains) > 30


def test_run_records_ppo_and_trpo_kl_statistics():
    cfg = algorithms.Config(algo="ppo", lr=0.01, num_envs=4, n_steps=64)
    h = algorithms.run(envs.CartPole(4), fl.rl.LinearSoftmax(2, n_features=4, bias=True), total_steps=1024,
                       rng=np.random.default_rng(0), config=cfg, eval_every=0)
    assert h.algo == "ppo" and len(h.kl) == len(h.clip_fraction) == len(h.max_kl) >= 4
    assert np.all(h.max_kl >= h.kl) and np.all((h.clip_fraction >= 0) & (h.clip_fraction <= 1))
    h2 = algorithms.run(envs.CartPole(4), fl.rl.LinearSoftmax(2, n_features=4, bias=True), total_steps=1024,
                        rng=np.random.default_rng(0), config=algorithms.Config(num_envs=4, n_steps=64), eval_every=0)
    assert np.all(h2.max_kl >= h2.kl) and h2.clip_fraction.size == 0


def test_kl_normalised_vanilla_gradient_is_parallel_to_g_with_quadratic_kl_delta():
    grid = fl.rl.gridworld(3)
    tab = fl.rl.TabularSoftmax(grid.n_states, grid.n_actions)
    theta = 0.3 * np.random.default_rng(0).normal(size=tab.dim)
    model = algorithms.exact_model(grid, tab, theta)
    new, info = algorithms.policy_update(theta, model, algorithms.Config(algo="npg", delta=0.01, precondition=False))
    step = new - theta
    g = model.grad
    assert np.isclose(step @ g, np.linalg.norm(step) * np.linalg.norm(g), rtol=1e-12)  # parallel to g
    assert np.isclose(0.5 * step @ model.fvp(step), 0.01, rtol=1e-10) and info.cg_iters == 0
    # a huge damping turns the natural direction into the vanilla one
    new_d, _ = algorithms.policy_update(theta, model, algorithms.Config(algo="npg", delta=0.01, damping=1e8))
    assert np.allclose(new_d, new, atol=1e-6)


def test_trpo_line_search_is_strict():
    flat = algorithms.LocalModel(grad=np.ones(3), fvp=lambda w: w, surrogate_gain=lambda th: 0.0,
                                 mean_kl=lambda th: 0.0)
    new, info = algorithms.policy_update(np.zeros(3), flat, algorithms.Config(algo="trpo"))
    assert not info.accepted and np.all(new == 0)
