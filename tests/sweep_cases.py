"""The table of the bad-input sweep: a valid call of every public callable of fisherlab and the
kind of each of its arguments (see ``sweep_api.py`` for the kinds and the bad values of each).

``CASES`` holds the swept callables, ``EXEMPT`` the public callables with nothing to sweep (with
the reason), ``LATER`` those of the modules being rewritten in another branch (covered when they
land).
"""

from __future__ import annotations

import numpy as np

import fisherlab as fl
from fisherlab import divergences as dv
from fisherlab import estimators as est
from fisherlab import linalg, models, optim
from fisherlab.rl import algorithms as alg
from fisherlab.rl import enumeration as enu
from fisherlab.rl import envs
from fisherlab.rl import estimators as rle
from fisherlab.rl import mdp as M
from fisherlab.rl import policies as pol
from fisherlab.rl import rollouts as ro

from sweep_api import (BOOL, BOOLARRAY, CALLABLE, CHOICE, PROBVEC, RNG, SPD, STR, Arg, Case, custom,
                       index, integer, nonneg, obj, pos, prob, real, skip, unit)

CASES: dict[str, Case] = {}


def case(qualname, make, /, **args):
    if qualname in CASES:  # pragma: no cover - a slip in the table
        raise AssertionError(f"{qualname} listed twice")
    CASES[qualname] = Case(qualname, make, args)


def g(seed=0):
    return np.random.default_rng(seed)


# ---- objects of the wrong kind, and the argument kinds that use them ---------------------------
def _a_policy():
    return pol.TabularSoftmax(2, 2)


def _a_family():
    return fl.NormalMean()


FAMILY = obj("must be a fisherlab Family", wrong=_a_policy())
POLICY = obj("must be a fisherlab policy", wrong=_a_family())
MDP = obj("must be a FiniteMDP", wrong=_a_policy())
ENV = obj("must be a vectorised environment", wrong=M.river_swim(3))
MODEL = obj("must be a fisherlab model", wrong=_a_family())
EPISODES = obj("must be an Episodes", wrong=_a_policy())
SCALAR_POS = pos("scalar")
SCALAR_REAL = real("scalar")
SCALAR_NONNEG = nonneg("scalar")
SCALAR_PROB = prob("scalar")
BASE = pos("scalar", optional=True, extra=(("1.0", 1.0),))
NODES = integer(2, extra=(("201 (above 200)", 201),))


# ---- families -----------------------------------------------------------------------------------
_X1 = np.array([0.1, -0.3, 1.2])
_XV = np.array([[0.1, -0.3], [1.2, 0.4], [-0.7, 0.9]])
_COV = np.array([[2.0, 0.3], [0.3, 1.0]])


def _x_scalar(**extra):
    """x of shape (n,) for a one-parameter family (a scalar is one observation)."""
    return real(extra=(("2-D x", _X1[None, :, None]),) + tuple(extra.items()))


_X_VEC = real(extra=(("shape (3, 3)", np.ones((3, 3))), ("3-D x", _XV[None]), ("scalar x", 0.5)))

# name: (constructor, its kwargs and kinds, theta and its kind, x and its kind, single-theta probe)
FAMILIES = {
    "fisherlab.families.scalar.NormalMean": (
        fl.NormalMean, {"sigma": (2.0, SCALAR_POS)}, (0.5, real()), (_X1, _x_scalar())),
    "fisherlab.families.scalar.NormalMeanScale": (
        fl.NormalMeanScale, {}, (np.array([0.5, 1.5]),
                                 real("last", extra=(("sigma <= 0", np.array([0.5, -1.0])),))),
        (_X1, _x_scalar())),
    "fisherlab.families.scalar.Bernoulli": (
        fl.Bernoulli, {}, (0.3, prob()),
        (np.array([0.0, 1.0, 1.0]), _x_scalar(**{"x = 0.5": [0.0, 0.5], "x = 2": [2.0, 1.0]}))),
    "fisherlab.families.scalar.Poisson": (
        fl.Poisson, {}, (2.0, pos()),
        (np.array([0.0, 3.0, 1.0]), _x_scalar(**{"x = -1": [-1.0, 2.0], "x = 1.5": [1.5, 2.0]}))),
    "fisherlab.families.scalar.StudentTLocation": (
        fl.StudentTLocation, {"df": (3.0, SCALAR_POS), "scale": (2.0, SCALAR_POS)}, (0.5, real()),
        (_X1, _x_scalar())),
    "fisherlab.families.scalar.CauchyLocation": (
        fl.CauchyLocation, {"scale": (1.5, SCALAR_POS)}, (0.5, real()), (_X1, _x_scalar())),
    "fisherlab.families.gaussian.GaussianMean": (
        fl.GaussianMean, {"cov": (_COV, Arg("spd", extra=(("1 x 1", [[1.0]]),)))},
        (np.array([0.1, -0.2]), real("last")), (_XV, _X_VEC)),
    "fisherlab.families.gaussian.GaussianDiagonal": (
        fl.GaussianDiagonal, {"k": (2, integer(1))}, (np.array([0.1, -0.2, 0.3, -0.1]), real("last")),
        (_XV, _X_VEC)),
    "fisherlab.families.gaussian.GaussianFull": (
        fl.GaussianFull, {"k": (2, integer(1))}, (np.array([0.1, -0.2, 0.3, -0.1, 0.4]), real("last")),
        (_XV, _X_VEC)),
    "fisherlab.families.categorical.Categorical": (
        fl.Categorical, {"k": (3, integer(2))}, (np.array([0.2, -0.5, 1.0]), real("last")),
        (np.array([0.0, 2.0, 1.0]), _x_scalar(**{"x = 3": [0.0, 3.0], "x = 0.5": [0.5, 1.0],
                                                  "x = -1": [-1.0, 1.0]}))),
}


def _family_cases():
    for name, (cls, ctor, (theta, theta_arg), (x, x_arg)) in FAMILIES.items():
        kw = {k: v for k, (v, _) in ctor.items()}

        def fam(cls=cls, kw=kw):
            return cls(**kw)

        case(name, lambda cls=cls, kw=kw: (cls, dict(kw)), **{k: a for k, (_, a) in ctor.items()})
        theta = np.asarray(theta)
        single = theta if theta.ndim else float(theta)
        batched = np.stack([theta, theta])
        one = (("batched theta", batched),)
        for meth in ("log_likelihood", "score", "hessian"):
            case(f"{name}.{meth}", lambda fam=fam, meth=meth, t=single, x=x: (getattr(fam(), meth), {"theta": t, "x": x}),
                 theta=theta_arg, x=x_arg)
        case(f"{name}.check_theta", lambda fam=fam, t=single: (fam().check_theta, {"theta": t}),
             theta=theta_arg, name=STR)
        case(f"{name}.check_x", lambda fam=fam, x=x: (fam().check_x, {"x": x}), x=x_arg)
        case(f"{name}.fisher_exact", lambda fam=fam, t=single: (fam().fisher_exact, {"theta": t}), theta=theta_arg)
        sample_theta = Arg(theta_arg.kind, theta_arg.shape, extra=theta_arg.extra + one, big=False)
        case(f"{name}.sample", lambda fam=fam, t=single: (fam().sample, {"theta": t, "n_samples": 4, "rng": g()}),
             theta=sample_theta, n_samples=integer(1), rng=RNG)
        if ".gaussian." in name:  # vector observations (n, k), at least 2 of them
            mle_x = Arg(x_arg.kind, x_arg.shape, extra=x_arg.extra + (("one observation", x[:1]),
                                                                      ("no observation", x[:0])))
        else:  # batched: x (..., n), each row a data set; a 2-D x is a batch
            mle_x = Arg(x_arg.kind, x_arg.shape, extra=tuple(e for e in x_arg.extra if e[0] != "2-D x")
                        + (("no observation", x[:0]),))
        if name.endswith("Bernoulli"):
            mle_x = Arg(mle_x.kind, extra=mle_x.extra + (("a bad second data set", [[0.0, 1.0], [0.5, 2.0]]),))
        if name.endswith("Categorical"):
            mle_x = Arg(mle_x.kind, extra=mle_x.extra + (("a category never seen", [0.0, 0.0, 1.0]),))
            mle_valid = np.array([0.0, 2.0, 1.0, 1.0])
        elif name.endswith(("GaussianDiagonal", "GaussianFull")):
            mle_x = Arg(mle_x.kind, extra=mle_x.extra + (("a constant coordinate", [[1.0, 0.0], [1.0, 2.0], [1.0, 3.0]]),))
            mle_valid = x
        else:
            mle_valid = x
        case(f"{name}.mle", lambda fam=fam, x=mle_valid: (fam().mle, {"x": x}), x=mle_x)
        if hasattr(cls, "fisher_vp"):
            d = theta.shape[-1]
            if name.endswith("GaussianMean"):
                vec_arg = real(extra=(("shape (3,)", np.ones(3)), ("empty", np.zeros(0)), ("scalar", 1.0)))
            else:
                vec_arg = real("fixed")
            case(f"{name}.fisher_vp", lambda fam=fam, t=single, d=d: (fam().fisher_vp, {"theta": t, "vec": np.linspace(-1, 1, d)}),
                 theta=theta_arg, vec=vec_arg)
        if hasattr(cls, "mean_cov"):
            case(f"{name}.mean_cov", lambda fam=fam, t=single: (fam().mean_cov, {"theta": t}), theta=theta_arg)
        if hasattr(cls, "probabilities"):
            case(f"{name}.probabilities", lambda fam=fam, t=single: (fam().probabilities, {"theta": t}), theta=theta_arg)
        if hasattr(cls, "inverse_cholesky"):
            case(f"{name}.inverse_cholesky", lambda fam=fam, t=single: (fam().inverse_cholesky, {"theta": t}),
                 theta=theta_arg)
        if hasattr(cls, "theta_from_mean_cov"):
            case(f"{name}.theta_from_mean_cov",
                 lambda fam=fam: (fam().theta_from_mean_cov, {"mean": np.array([0.1, 0.2]), "cov": _COV}),
                 mean=real("fixed"), cov=SPD)


_family_cases()
case("fisherlab.families.categorical.softmax", lambda: (fl.softmax, {"theta": np.array([0.1, 2.0, -1.0])}),
     theta=real(extra=(("scalar", 1.0), ("empty", np.zeros(0)))))


# ---- estimators ------------------------------------------------------------------------------------
_F2 = np.array([[2.0, 0.5], [0.5, 1.0]])
_SQUARE_EXTRAS = (("not square", np.ones((2, 3))), ("1-D", np.ones(2)))
_MATRIX = real(extra=_SQUARE_EXTRAS + (("asymmetric", np.array([[2.0, 0.9], [0.1, 1.0]])),))
_SCORES = np.array([[0.1, -0.4], [1.2, 0.3], [-0.5, 0.8], [0.3, 0.3]])


def _estimate():
    return est.fisher_from_scores(_SCORES)


case("fisherlab.estimators.FisherEstimate.z_score", lambda: (_estimate().z_score, {"exact": _F2}), exact=real("fixed"))
case("fisherlab.estimators.directional_information",
     lambda: (est.directional_information, {"F": _F2, "u": np.array([1.0, 2.0]), "normalize": True}),
     F=_MATRIX, u=real(extra=(("zero vector", np.zeros(2)), ("shape (3,)", np.ones(3)), ("scalar", 1.0))),
     normalize=BOOL)
case("fisherlab.estimators.directional_information_mc",
     lambda: (est.directional_information_mc, {"scores": _SCORES, "u": np.array([1.0, 2.0])}),
     scores=real(extra=(("1-D", np.ones(4)), ("one score", _SCORES[:1]))),
     u=real("fixed", extra=(("zero vector", np.zeros(2)),)))
case("fisherlab.estimators.fisher_empirical",
     lambda: (est.fisher_empirical, {"family": fl.NormalMean(), "theta": 0.5, "x": _X1}),
     family=FAMILY, theta=real(extra=(("batched theta", np.array([0.5, 0.5])),)),
     x=_x_scalar(**{"no observation": np.zeros(0)}))
case("fisherlab.estimators.fisher_from_hessians",
     lambda: (est.fisher_from_hessians, {"hessians": -np.ones((3, 2, 2)) - np.eye(2)}),
     hessians=real(extra=(("one Hessian", -np.ones((1, 2, 2))), ("2-D", np.ones((3, 2))),
                          ("not square", np.ones((3, 2, 3))))))
case("fisherlab.estimators.fisher_from_scores", lambda: (est.fisher_from_scores, {"scores": _SCORES}),
     scores=real(extra=(("one score", _SCORES[:1]), ("3-D", _SCORES[None]))))
case("fisherlab.estimators.fisher_mc",
     lambda: (est.fisher_mc, {"family": fl.NormalMean(), "theta": 0.5, "n_samples": 10, "rng": g(),
                              "method": "score"}),
     family=FAMILY, theta=real(big=False, extra=(("batched theta", np.array([0.5, 0.5])),)),
     n_samples=integer(2), rng=RNG, method=CHOICE)
case("fisherlab.estimators.fisher_mc_error",
     lambda: (est.fisher_mc_error, {"family": fl.NormalMeanScale(), "theta": np.array([0.0, 1.0]),
                                    "n_samples": [10, 20], "n_repeats": 2, "rng": g(), "method": "score",
                                    "norm": "fro"}),
     family=obj("must be a fisherlab Family", wrong=_a_policy(), extra=(("a one-parameter family", fl.NormalMean()),)),
     theta=real("fixed", big=False, extra=(("sigma <= 0", np.array([0.0, -1.0])),)),
     n_samples=custom(("one size", [10]), ("a size of 1", [1, 10]), ("float sizes", [10.5, 20.0]),
                      ("None", None), ("a string", "10"), ("2-D", [[10, 20]]), ("NaN", [float("nan"), 10])),
     n_repeats=integer(2), rng=RNG, method=CHOICE, norm=CHOICE)
case("fisherlab.estimators.matrix_error",
     lambda: (est.matrix_error, {"estimate": _F2 + 0.1, "exact": _F2, "norm": "fro", "relative": True}),
     estimate=real(extra=_SQUARE_EXTRAS + (("shape (3, 3)", np.eye(3)),)),
     exact=real(extra=_SQUARE_EXTRAS + (("zero matrix", np.zeros((2, 2))),)), norm=CHOICE, relative=BOOL)
case("fisherlab.estimators.pullback_fisher",
     lambda: (est.pullback_fisher, {"F": _F2, "jacobian": np.array([[1.0, 0.5, 0.0], [0.0, 2.0, 1.0]])}),
     F=_MATRIX, jacobian=real(extra=(("3 rows for d = 2", np.ones((3, 3))), ("1-D", np.ones(2)))))


# ---- divergences ------------------------------------------------------------------------------------
case("fisherlab.divergences.FDivergence",
     lambda: (dv.FDivergence, {"name": "chi", "f_log": lambda lt: np.expm1(lt) ** 2, "f2_at_1": 2.0, "tex": "",
                               "fstar_log": None}),
     name=STR, f_log=CALLABLE, f2_at_1=SCALAR_POS, tex=STR, fstar_log=Arg("callable", optional=True))
case("fisherlab.divergences.FDivergence.f", lambda: (dv.KL.f, {"t": np.array([0.5, 2.0])}), t=pos())
case("fisherlab.divergences.FDivergence.integrand",
     lambda: (dv.KL.integrand, {"lp": np.array([-1.0, -2.0]), "lq": np.array([-1.5, -1.0]),
                                "lm": np.array([-1.2, -1.4])}),
     lp=real(), lq=real(), lm=real())
case("fisherlab.divergences.approximation_error",
     lambda: (dv.approximation_error, {"family": fl.NormalMean(), "theta": 0.5, "direction": 1.0,
                                       "steps": np.array([0.01, 0.02, 0.04]), "divergence": "kl"}),
     family=FAMILY, theta=real(extra=(("batched theta", np.array([0.5, 0.5])),)),
     direction=real(extra=(("zero", 0.0), ("an array", np.array([1.0, 1.0])))),
     steps=pos(extra=(("one step", np.array([0.1])), ("2-D", np.ones((2, 2)) * 0.1))), divergence=CHOICE)
case("fisherlab.divergences.constrained_step_numeric",
     lambda: (dv.constrained_step_numeric, {"g": np.array([1.0, 0.5]), "constraint": lambda d: 0.5 * d @ d,
                                            "delta": 0.1, "x0": np.array([1e-3, 0.0])}),
     g=real("fixed", extra=(("zero gradient", np.zeros(2)),)), constraint=CALLABLE, delta=SCALAR_POS,
     x0=real("fixed", optional=True))
case("fisherlab.divergences.f_divergence",
     lambda: (dv.f_divergence, {"family": fl.Bernoulli(), "theta_p": 0.3, "theta_q": 0.4, "f": dv.CHI_SQUARE,
                                "n_nodes": 40}),
     family=FAMILY, theta_p=prob(), theta_q=prob(), f=obj("must be an FDivergence", wrong="kl"), n_nodes=NODES)
case("fisherlab.divergences.fit_loglog_slope",
     lambda: (dv.fit_loglog_slope, {"x": np.array([1.0, 2.0, 4.0]), "y": np.array([3.0, 5.0, 9.0])}),
     x=pos(extra=(("one point", np.array([1.0])), ("2-D", np.ones((3, 1))), ("length 2 for 3", np.ones(2)))),
     y=pos(extra=(("length 2 for 3", np.ones(2)),)))
for _fn in ("kl", "js"):
    case(f"fisherlab.divergences.{_fn}",
         lambda _fn=_fn: (getattr(dv, _fn), {"family": fl.NormalMeanScale(), "theta_p": np.array([0.0, 1.0]),
                                             "theta_q": np.array([0.5, 2.0]), "base": 2.0, "n_nodes": 40}),
         family=FAMILY, theta_p=real("last", extra=(("sigma <= 0", np.array([0.0, -1.0])),)),
         theta_q=real("last", extra=(("sigma <= 0", np.array([0.0, -1.0])),)), base=BASE, n_nodes=NODES)
    case(f"fisherlab.divergences.{_fn}_probabilities",
         lambda _fn=_fn: (getattr(dv, f"{_fn}_probabilities"), {"p": np.array([0.2, 0.3, 0.5]),
                                                               "q": np.array([0.3, 0.3, 0.4]), "base": 2.0}),
         p=PROBVEC, q=PROBVEC, base=BASE)
case("fisherlab.divergences.kl_constrained_step",
     lambda: (dv.kl_constrained_step, {"g": np.array([1.0, 0.5]), "F": _F2, "delta": 0.01}),
     g=real("fixed", extra=(("zero gradient", np.zeros(2)),)), F=SPD, delta=SCALAR_POS)
_MEAN_EXTRAS = (("a 1-element mean", np.array([0.0])), ("a 3-element mean", np.zeros(3)), ("scalar", 0.0))
case("fisherlab.divergences.kl_gaussian",
     lambda: (dv.kl_gaussian, {"mean_p": np.array([0.0, 0.5]), "cov_p": _F2, "mean_q": np.array([0.2, 0.0]),
                               "cov_q": np.eye(2), "base": 2.0}),
     mean_p=real(extra=_MEAN_EXTRAS), cov_p=SPD, mean_q=real(extra=_MEAN_EXTRAS), cov_q=SPD, base=BASE)
case("fisherlab.divergences.local_coefficient", lambda: (dv.local_coefficient, {"divergence": "js"}), divergence=CHOICE)
case("fisherlab.divergences.quadratic_approximation",
     lambda: (dv.quadratic_approximation, {"F": _F2, "delta": np.array([0.1, -0.2])}),
     F=real(extra=(("not square", np.ones((2, 3))),)), delta=real(extra=(("shape (3,)", np.ones(3)),)))


# ---- linalg ---------------------------------------------------------------------------------------
_J = np.array([[1.0, 0.5, 0.0], [0.0, 1.0, 2.0]])


def _op(damping=0.0):
    return linalg.FisherOperator(lambda w: (_J @ w)[None, :], lambda u: 2 * u, lambda u: _J.T @ u[0], dim=3,
                                 damping=damping)


def _gauss_model():
    return models.GaussianMLE(np.array([0.5, -0.3, 1.2, 0.8, 0.1]))


_GAUSS_THETA = real("fixed", extra=(("sigma <= 0", np.array([0.2, -1.0])),))
case("fisherlab.linalg.FisherOperator",
     lambda: (linalg.FisherOperator, {"jvp": lambda w: w[None, :], "output_vp": lambda u: u, "vjp": lambda u: u[0],
                                      "dim": 2, "scale": 1.0, "damping": 0.0}),
     jvp=CALLABLE, output_vp=CALLABLE, vjp=CALLABLE, dim=integer(1), scale=SCALAR_POS, damping=SCALAR_NONNEG)
case("fisherlab.linalg.FisherOperator.matvec", lambda: (_op().matvec, {"vec": np.array([1.0, 0.0, -1.0])}),
     vec=real("fixed"))
case("fisherlab.linalg.FisherOperator.with_damping", lambda: (_op().with_damping, {"damping": 0.5}),
     damping=SCALAR_NONNEG)
case("fisherlab.linalg.FisherOperator.to_dense", lambda: (_op().to_dense, {}))
case("fisherlab.linalg.FisherOperator.aslinearoperator", lambda: (_op().aslinearoperator, {}))
for _name, _fn in (("fisherlab.linalg.FisherOperator.from_model", linalg.FisherOperator.from_model),
                   ("fisherlab.linalg.fisher_operator", linalg.fisher_operator)):
    case(_name, lambda _fn=_fn: (_fn, {"model": _gauss_model(), "theta": np.array([0.2, 1.0]), "fisher": "exact",
                                       "damping": 0.0}),
         model=MODEL, theta=_GAUSS_THETA, fisher=CHOICE, damping=SCALAR_NONNEG)


def _kron():
    return linalg.KroneckerOperator(_F2, np.array([[1.0, 0.2, 0.0], [0.2, 1.0, 0.1], [0.0, 0.1, 1.0]]))


_PSD_EXTRAS = (("not square", np.ones((2, 3))), ("1-D", np.ones(2)),
               ("asymmetric", np.array([[2.0, 0.9], [0.1, 1.0]])), ("negative definite", -_F2))
case("fisherlab.linalg.KroneckerOperator", lambda: (linalg.KroneckerOperator, {"A": _F2, "G": np.eye(3)}),
     A=real(extra=_PSD_EXTRAS), G=real(extra=_PSD_EXTRAS))
case("fisherlab.linalg.KroneckerOperator.matvec", lambda: (_kron().matvec, {"vec": np.linspace(-1, 1, 6)}),
     vec=real("fixed"))
case("fisherlab.linalg.KroneckerOperator.solve", lambda: (_kron().solve, {"b": np.linspace(-1, 1, 6), "damping": 0.1}),
     b=real("fixed"), damping=SCALAR_NONNEG)
case("fisherlab.linalg.KroneckerOperator.to_dense", lambda: (_kron().to_dense, {}))
case("fisherlab.linalg.cg",
     lambda: (linalg.cg, {"A": _F2, "b": np.array([1.0, -1.0]), "cg_iters": 5, "tol": 1e-10, "damping": 0.0,
                          "x0": np.zeros(2)}),
     A=custom(("None", None), ("a string", "A"), ("an object", object()), ("NaN matrix", np.full((2, 2), np.nan)),
              ("not square", np.ones((2, 3))), ("3 x 3 for d = 2", np.eye(3)), ("complex matrix", _F2 + 0.5j),
              ("a callable returning the wrong shape", lambda v: np.ones(3)),
              ("a callable returning NaN", lambda v: v * np.nan)),
     b=real("fixed"), cg_iters=integer(1), tol=SCALAR_POS, damping=SCALAR_NONNEG, x0=real("fixed", optional=True))


# ---- optim ------------------------------------------------------------------------------------------
case("fisherlab.optim.OptimResult.steps_to",
     lambda: (optim.gradient_descent(_gauss_model(), np.array([0.0, 1.0]), n_steps=2).steps_to,
              {"loss_target": 1.0}),
     loss_target=SCALAR_REAL)
case("fisherlab.optim.backtracking_line_search",
     lambda: (optim.backtracking_line_search, {"theta": np.array([0.0, 1.0]), "full_step": np.array([0.5, 0.5]),
                                               "accept": lambda t: t[0] < 0.3, "backtrack_coeff": 0.5,
                                               "backtrack_iters": 5}),
     theta=real("fixed"), full_step=real("fixed"), accept=CALLABLE, backtrack_coeff=SCALAR_PROB,
     backtrack_iters=integer(1))
_DESCEND_ARGS = dict(model=MODEL, theta0=_GAUSS_THETA)
case("fisherlab.optim.descend",
     lambda: (optim.descend, {"model": _gauss_model(), "theta0": np.array([0.0, 1.0]), "method": "ngd", "lr": 0.5,
                              "n_steps": 2, "fisher": "exact", "damping": 0.0, "solver": "dense", "cg_iters": 5,
                              "line_search": True, "armijo": 1e-4, "backtrack_coeff": 0.5, "backtrack_iters": 5,
                              "loss_target": -100.0}),
     **_DESCEND_ARGS, method=CHOICE, lr=SCALAR_POS, n_steps=integer(1), fisher=CHOICE, damping=SCALAR_NONNEG,
     solver=CHOICE, cg_iters=integer(1), line_search=BOOL, armijo=SCALAR_PROB, backtrack_coeff=SCALAR_PROB,
     backtrack_iters=integer(1), loss_target=real("scalar", optional=True))
for _fn in ("gradient_descent", "natural_gradient_descent"):
    case(f"fisherlab.optim.{_fn}",
         lambda _fn=_fn: (getattr(optim, _fn), {"model": _gauss_model(), "theta0": np.array([0.0, 1.0]), "n_steps": 2}),
         **_DESCEND_ARGS)
case("fisherlab.optim.natural_gradient",
     lambda: (optim.natural_gradient, {"model": _gauss_model(), "theta": np.array([0.2, 1.0]), "grad": np.array([0.1, -0.2]),
                                       "fisher": "exact", "damping": 0.0, "solver": "cg", "cg_iters": 5, "tol": 1e-10}),
     model=MODEL, theta=_GAUSS_THETA, grad=real("fixed", optional=True), fisher=CHOICE, damping=SCALAR_NONNEG,
     solver=CHOICE, cg_iters=integer(1), tol=SCALAR_POS)


# ---- models ------------------------------------------------------------------------------------------
_GX = np.array([0.5, -0.3, 1.2, 0.8, 0.1])
case("fisherlab.models.GaussianMLE", lambda: (models.GaussianMLE, {"x": _GX, "parameterisation": "mu_log_sigma"}),
     x=real(extra=(("one observation", _GX[:1]), ("2-D", _GX[None]), ("constant data", np.ones(4)))),
     parameterisation=CHOICE)
_GAUSS_THETA_ANY = real("last", extra=(("sigma <= 0", np.array([0.2, -1.0])),))
for _meth in ("check_theta", "fisher_empirical", "fisher_exact", "ggn", "grad", "hessian", "loss", "scores",
              "to_mu_sigma"):
    case(f"fisherlab.models.GaussianMLE.{_meth}",
         lambda _meth=_meth: (getattr(_gauss_model(), _meth), {"theta": np.array([0.2, 1.0])}),
         theta=_GAUSS_THETA_ANY, **({"name": STR} if _meth == "check_theta" else {}))
case("fisherlab.models.GaussianMLE.curvature_factors",
     lambda: (_gauss_model().curvature_factors, {"theta": np.array([0.2, 1.0]), "fisher": "ggn"}),
     theta=_GAUSS_THETA, fisher=CHOICE)
case("fisherlab.models.GaussianMLE.from_mu_sigma",
     lambda: (_gauss_model().from_mu_sigma, {"mu_sigma": np.array([0.2, 1.0])}), mu_sigma=_GAUSS_THETA_ANY)
case("fisherlab.models.GaussianMLE.kl",
     lambda: (_gauss_model().kl, {"theta_p": np.array([0.2, 1.0]), "theta_q": np.array([0.0, 1.5])}),
     theta_p=_GAUSS_THETA_ANY, theta_q=_GAUSS_THETA_ANY)
case("fisherlab.models.GaussianMLE.mle", lambda: (_gauss_model().mle, {}))

_CX = np.array([[0.5, -0.3], [1.2, 0.8], [0.1, -1.0], [0.4, 0.4]])
_CY = np.array([0, 1, 2, 1])


def _softmax_model():
    return models.SoftmaxRegression(_CX, _CY, 3)


_SM_THETA = real("fixed")
case("fisherlab.models.SoftmaxRegression",
     lambda: (models.SoftmaxRegression, {"features": _CX, "labels": _CY, "n_classes": 3}),
     features=real(extra=(("1-D", np.ones(4)), ("no rows", np.zeros((0, 2))))),
     labels=custom(("-1", np.array([0, 1, -1, 1])), ("0.5", np.array([0.0, 1.0, 0.5, 1.0])),
                   ("NaN", np.array([0.0, 1.0, np.nan, 1.0])), ("strings", np.array(["0", "1", "2", "1"])),
                   ("length 3 for 4 rows", np.array([0, 1, 2])), ("None", None), ("complex", _CY + 0j),
                   ("label 3 with n_classes 3", np.array([0, 1, 3, 1]))),
     n_classes=integer(2, optional=True, extra=(("2 with a label 2", 2),)))
for _meth in ("check_theta", "fisher_empirical", "fisher_exact", "ggn", "grad", "hessian", "kfac_factors",
              "log_probs", "loss", "per_sample_grads", "probs", "weights"):
    case(f"fisherlab.models.SoftmaxRegression.{_meth}",
         lambda _meth=_meth: (getattr(_softmax_model(), _meth), {"theta": np.linspace(-1, 1, 4)}),
         theta=_SM_THETA, **({"name": STR} if _meth == "check_theta" else {}))
case("fisherlab.models.SoftmaxRegression.curvature_factors",
     lambda: (_softmax_model().curvature_factors, {"theta": np.linspace(-1, 1, 4), "fisher": "exact"}),
     theta=_SM_THETA, fisher=CHOICE)
case("fisherlab.models.SoftmaxRegression.kl",
     lambda: (_softmax_model().kl, {"theta_p": np.linspace(-1, 1, 4), "theta_q": np.zeros(4)}),
     theta_p=_SM_THETA, theta_q=_SM_THETA)
case("fisherlab.models.SoftmaxRegression.from_data",
     lambda: (models.SoftmaxRegression.from_data, {"data": models.make_classification(6, 2, 3, rng=g())}),
     data=obj("must be a ClassificationData", wrong=_a_family()))
case("fisherlab.models.make_classification",
     lambda: (models.make_classification, {"n_samples": 6, "n_features": 2, "n_classes": 3, "condition_number": 10.0,
                                           "signal": 2.0, "rng": g()}),
     n_samples=integer(2), n_features=integer(1), n_classes=integer(2),
     condition_number=real("scalar", big=False, extra=(("0.5 (below 1)", 0.5),)), signal=pos("scalar", big=False),
     rng=RNG)


# ---- rl.mdp ---------------------------------------------------------------------------------------
def _mdp():
    return M.random_mdp(3, 2, rng=g(1), gamma=0.8)


_PI = np.array([[0.5, 0.5], [0.2, 0.8], [1.0, 0.0]])
_P = _mdp().P
case("fisherlab.rl.mdp.FiniteMDP",
     lambda: (M.FiniteMDP, {"P": _P, "R": np.arange(6.0).reshape(3, 2), "gamma": 0.9, "rho": np.array([0.2, 0.3, 0.5]),
                            "name": "m"}),
     P=Arg("probvec", shape="fixed", extra=(("shape (3, 2, 2)", _P[:, :, :2] / _P[:, :, :2].sum(-1, keepdims=True)),)),
     R=real("fixed"), gamma=SCALAR_PROB, rho=PROBVEC, name=STR)
for _meth in ("advantage", "check_pi", "objective", "q_value", "reward_vector", "transition_matrix", "value"):
    case(f"fisherlab.rl.mdp.FiniteMDP.{_meth}", lambda _meth=_meth: (getattr(_mdp(), _meth), {"pi": _PI}), pi=PROBVEC)
case("fisherlab.rl.mdp.FiniteMDP.state_distribution",
     lambda: (_mdp().state_distribution, {"pi": _PI, "rho": np.array([0.2, 0.3, 0.5])}), pi=PROBVEC,
     rho=Arg("probvec", shape="fixed", optional=True))
case("fisherlab.rl.mdp.FiniteMDP.optimal_objective", lambda: (_mdp().optimal_objective, {}))
case("fisherlab.rl.mdp.FiniteMDP.optimal_value", lambda: (_mdp().optimal_value, {"tol": 1e-10, "max_iters": 10_000}),
     tol=pos("scalar", big=False), max_iters=integer(1, extra=(("too few iterations to converge", 2),)))


def _tab():
    return pol.TabularSoftmax(3, 2)


_THETA6 = np.linspace(-1, 1, 6)
_POLICY_MISMATCH = (("a policy for 2 states", pol.TabularSoftmax(2, 2)), ("a policy with 3 actions", pol.TabularSoftmax(3, 3)),
                    ("a Gaussian policy", pol.LinearGaussian(n_features=1)))
POLICY_FOR_MDP = obj("must be a fisherlab policy", wrong=_a_family(), extra=_POLICY_MISMATCH)
for _fn in ("exact_fisher", "exact_gradient", "exact_objective", "policy_table"):
    case(f"fisherlab.rl.mdp.{_fn}", lambda _fn=_fn: (getattr(M, _fn), {"mdp": _mdp(), "policy": _tab(), "theta": _THETA6}),
         mdp=MDP, policy=POLICY_FOR_MDP, theta=real("fixed"))
case("fisherlab.rl.mdp.exact_fisher_vector_product",
     lambda: (M.exact_fisher_vector_product, {"mdp": _mdp(), "policy": _tab(), "theta": _THETA6, "vec": np.ones(6)}),
     mdp=MDP, policy=POLICY_FOR_MDP, theta=real("fixed"), vec=real("fixed"))
for _fn in ("exact_mean_kl", "exact_surrogate"):
    case(f"fisherlab.rl.mdp.{_fn}",
         lambda _fn=_fn: (getattr(M, _fn), {"mdp": _mdp(), "policy": _tab(), "theta_old": _THETA6, "theta": np.zeros(6)}),
         mdp=MDP, policy=POLICY_FOR_MDP, theta_old=real("fixed"), theta=real("fixed"))
case("fisherlab.rl.mdp.gridworld", lambda: (M.gridworld, {"size": 2, "slip": 0.1, "gamma": 0.9}),
     size=integer(2), slip=nonneg("scalar", big=False, extra=(("1.0", 1.0),)), gamma=SCALAR_PROB)
case("fisherlab.rl.mdp.random_mdp",
     lambda: (M.random_mdp, {"n_states": 3, "n_actions": 2, "rng": g(), "gamma": 0.9, "concentration": 1.0}),
     n_states=integer(1), n_actions=integer(2), rng=RNG, gamma=SCALAR_PROB, concentration=pos("scalar", big=False))
case("fisherlab.rl.mdp.river_swim",
     lambda: (M.river_swim, {"n_states": 4, "gamma": 0.9, "small_reward": 0.005, "large_reward": 1.0}),
     n_states=integer(3), gamma=SCALAR_PROB, small_reward=SCALAR_REAL, large_reward=SCALAR_REAL)
case("fisherlab.rl.mdp.short_corridor", lambda: (M.short_corridor, {"gamma": 0.9}), gamma=SCALAR_PROB)
case("fisherlab.rl.mdp.short_corridor_policy", lambda: (M.short_corridor_policy, {}))


# ---- rl.policies ---------------------------------------------------------------------------------------
_STATES_F = np.array([[0.5, -1.0], [0.2, 0.3], [1.0, 1.0]])
POLICIES = {
    # name: (factory, states, states kind, actions, actions kind)
    "fisherlab.rl.policies.TabularSoftmax": (
        lambda: pol.TabularSoftmax(3, 2), np.array([0, 2, 1]), index(3), np.array([1, 0, 1]),
        index(2, extra=(("length 2 for 3 states", np.array([0, 1])),))),
    "fisherlab.rl.policies.LinearSoftmax": (
        lambda: pol.LinearSoftmax(2, n_features=2, bias=True), _STATES_F,
        real(extra=(("3 features for 2", np.ones((3, 3))), ("1-D", np.ones(2)))), np.array([1, 0, 1]),
        index(2, extra=(("length 2 for 3 states", np.array([0, 1])),))),
    "fisherlab.rl.policies.LinearGaussian": (
        lambda: pol.LinearGaussian(n_features=2, action_dim=1, log_std=-0.5, learn_log_std=True), _STATES_F,
        real(extra=(("3 features for 2", np.ones((3, 3))), ("1-D", np.ones(2)))), np.array([[0.3], [-0.2], [1.0]]),
        real(extra=(("length 2 for 3 states", np.ones((2, 1))), ("action_dim 2 for 1", np.ones((3, 2)))))),
}
case("fisherlab.rl.policies.TabularSoftmax", lambda: (pol.TabularSoftmax, {"n_states": 3, "n_actions": 2}),
     n_states=integer(1), n_actions=integer(2))
_FEATURES = custom(("a string", "abc"), ("NaN table", np.full((3, 2), np.nan)), ("1-D table", np.ones(3)),
                   ("complex table", np.ones((3, 2)) + 1j), ("an object", object()), ("empty table", np.zeros((0, 2))))
case("fisherlab.rl.policies.LinearSoftmax",
     lambda: (pol.LinearSoftmax, {"n_actions": 2, "n_features": 2, "features": None, "bias": False}),
     n_actions=integer(2), n_features=integer(1, optional=True), features=_FEATURES, bias=BOOL)
case("fisherlab.rl.policies.LinearGaussian",
     lambda: (pol.LinearGaussian, {"n_features": 2, "action_dim": 2, "features": None, "bias": False,
                                   "log_std": np.array([0.0, -0.5]), "learn_log_std": False}),
     n_features=integer(1, optional=True), action_dim=integer(1), features=_FEATURES, bias=BOOL,
     log_std=real(big=False, extra=(("3 values for action_dim 2", np.zeros(3)), ("2-D", np.zeros((1, 2))))),
     learn_log_std=BOOL)


def _policy_method_cases(name, make, states, s_arg, actions, a_arg):
    """The cases of the methods every policy has (validation, probabilities, scores, Fisher, KL,
    sampling), for the policy class ``name`` built by ``make()``."""
    d = make().dim
    theta = np.linspace(-0.5, 0.5, d)
    T = real("fixed")
    S = {"theta": theta, "states": states}

    def c(meth, args, /, **kinds):
        case(f"{name}.{meth}", lambda: (getattr(make(), meth), dict(args)), **kinds)

    c("check_theta", {"theta": theta, "name": "theta"}, theta=T, name=STR)
    c("check_states", {"states": states}, states=s_arg)
    c("check_actions", {"actions": actions, "n": 3}, actions=a_arg, n=integer(0))
    c("check_weights", {"weights": np.ones(3) / 3, "n": 3}, weights=nonneg("fixed", optional=True), n=integer(1))
    for meth in ("entropy", "mode") + (("logits", "probs") if "Softmax" in name else ("mean",)):
        c(meth, S, theta=T, states=s_arg)
    for meth in ("log_prob", "score", "hessian_log_prob"):
        c(meth, {**S, "actions": actions}, theta=T, states=s_arg, actions=a_arg)
    c("hvp_log_prob", {**S, "actions": actions, "vec": np.ones(d)}, theta=T, states=s_arg, actions=a_arg,
      vec=real("fixed"))
    W = nonneg("fixed", optional=True)
    c("fisher", {**S, "weights": np.ones(3) / 3}, theta=T, states=s_arg, weights=W)
    c("fisher_vector_product", {**S, "vec": np.ones(d), "weights": np.ones(3) / 3}, theta=T, states=s_arg,
      vec=real("fixed"), weights=W)
    c("fisher_operator", {**S, "weights": np.ones(3) / 3, "damping": 0.1}, theta=T, states=s_arg, weights=W,
      damping=SCALAR_NONNEG)
    c("kl", {"theta_old": theta, **S}, theta_old=T, theta=T, states=s_arg)
    case(f"{name}.sample", lambda: (make().sample, {**S, "rng": g()}), theta=T, states=s_arg, rng=RNG)


def _policy_cases():
    for name, (make, states, s_arg, actions, a_arg) in POLICIES.items():
        _policy_method_cases(name, make, states, s_arg, actions, a_arg)
        case(f"{name}.init_theta", lambda make=make: (make().init_theta, {}))


_policy_cases()


# ---- rl.envs -------------------------------------------------------------------------------------------
def _cartpole(n=2):
    env = envs.CartPole(n)
    env.reset(rng=g())
    return env


def _mdp_env(n=2):
    env = envs.FiniteMDPEnv(_mdp(), n, horizon=5)
    env.reset(rng=g())
    return env


case("fisherlab.rl.envs.CartPole",
     lambda: (envs.CartPole, {"num_envs": 2, "max_episode_steps": 50, "backend": "numpy"}),
     num_envs=integer(1), max_episode_steps=integer(1), backend=CHOICE)
case("fisherlab.rl.envs.CartPole.clone", lambda: (_cartpole().clone, {"num_envs": 3}), num_envs=integer(1))
case("fisherlab.rl.envs.CartPole.close", lambda: (_cartpole().close, {}))
case("fisherlab.rl.envs.CartPole.reset", lambda: (envs.CartPole(2).reset, {"rng": g()}), rng=RNG)
case("fisherlab.rl.envs.CartPole.step", lambda: (_cartpole().step, {"actions": np.array([0, 1])}),
     actions=index(2, extra=(("length 3 for 2 copies", np.array([0, 1, 1])), ("0.7, 1.9", np.array([0.7, 1.9])))))
case("fisherlab.rl.envs.FiniteMDPEnv", lambda: (envs.FiniteMDPEnv, {"mdp": _mdp(), "num_envs": 2, "horizon": 5}),
     mdp=MDP, num_envs=integer(1), horizon=integer(1))
case("fisherlab.rl.envs.FiniteMDPEnv.clone", lambda: (_mdp_env().clone, {"num_envs": 3}), num_envs=integer(1))
case("fisherlab.rl.envs.FiniteMDPEnv.reset",
     lambda: (envs.FiniteMDPEnv(_mdp(), 2, horizon=5).reset, {"rng": g()}), rng=RNG)
case("fisherlab.rl.envs.FiniteMDPEnv.step", lambda: (_mdp_env().step, {"actions": np.array([0, 1])}),
     actions=index(2, extra=(("length 3 for 2 copies", np.array([0, 1, 1])),)))
_CARTPOLE_POLICY = obj("must be a fisherlab policy", wrong=_a_family(),
                       extra=(("a policy for 3 features", pol.LinearSoftmax(2, n_features=3)),
                              ("a policy with 3 actions", pol.LinearSoftmax(3, n_features=4))))
case("fisherlab.rl.envs.evaluate",
     lambda: (envs.evaluate, {"env": envs.CartPole(2, max_episode_steps=10), "policy": pol.LinearSoftmax(2, n_features=4),
                              "theta": np.zeros(8), "n_episodes": 2, "rng": g(), "deterministic": True}),
     env=ENV, policy=_CARTPOLE_POLICY, theta=real("fixed"), n_episodes=integer(1), rng=RNG, deterministic=BOOL)


# ---- rl.rollouts -------------------------------------------------------------------------------------------
def _episodes():
    return ro.sample_episodes(_mdp(), _tab(), _THETA6, n_episodes=4, horizon=3, rng=g())


_EP = _episodes()
case("fisherlab.rl.rollouts.Episodes",
     lambda: (ro.Episodes, {"states": _EP.states, "actions": _EP.actions, "rewards": _EP.rewards, "gamma": 0.9,
                            "mask": np.ones((4, 3))}),
     states=real(big=False, extra=(("shape (4, 4) for rewards (4, 3)", np.zeros((4, 4))), ("1-D", np.zeros(4)))),
     actions=real(big=False, extra=(("shape (4, 4) for rewards (4, 3)", np.zeros((4, 4))), ("1-D", np.zeros(4)))),
     rewards=real("fixed"), gamma=SCALAR_PROB, mask=Arg("boolarray", shape="fixed", optional=True))
for _meth in ("flat", "returns", "rewards_to_go"):
    case(f"fisherlab.rl.rollouts.Episodes.{_meth}", lambda _meth=_meth: (getattr(_episodes(), _meth), {}))
case("fisherlab.rl.rollouts.collect",
     lambda: (ro.collect, {"env": _cartpole(), "policy": pol.LinearSoftmax(2, n_features=4), "theta": np.zeros(8),
                           "n_steps": 3, "rng": g()}),
     env=obj("must be a vectorised environment", wrong=M.river_swim(3), extra=(("an environment never reset", envs.CartPole(2)),)),
     policy=_CARTPOLE_POLICY, theta=real("fixed"), n_steps=integer(1), rng=RNG)
case("fisherlab.rl.rollouts.discounted_cumsum",
     lambda: (ro.discounted_cumsum, {"rewards": np.array([[1.0, 0.0, 2.0]]), "gamma": 0.9}),
     rewards=real(extra=(("scalar", 1.0),)), gamma=unit("scalar"))
case("fisherlab.rl.rollouts.sample_env",
     lambda: (ro.sample_env, {"env": envs.CartPole(1, max_episode_steps=10), "policy": pol.LinearSoftmax(2, n_features=4),
                              "theta": np.zeros(8), "n_episodes": 2, "horizon": 4, "gamma": 0.9, "rng": g()}),
     env=ENV, policy=_CARTPOLE_POLICY, theta=real("fixed"), n_episodes=integer(1), horizon=integer(1),
     gamma=SCALAR_PROB, rng=RNG)
case("fisherlab.rl.rollouts.sample_episodes",
     lambda: (ro.sample_episodes, {"mdp": _mdp(), "policy": _tab(), "theta": _THETA6, "n_episodes": 2, "horizon": 3,
                                   "rng": g()}),
     mdp=MDP, policy=POLICY_FOR_MDP, theta=real("fixed"), n_episodes=integer(1), horizon=integer(1), rng=RNG)


# ---- rl.estimators -------------------------------------------------------------------------------------------
case("fisherlab.rl.estimators.VectorEstimate.z_score",
     lambda: (rle.gpomdp(_tab(), _THETA6, _EP).z_score, {"exact": np.zeros(6)}), exact=real("fixed"))
_VALUE_FEATURES = custom(("None", None), ("a string", "abc"), ("NaN table", np.full((3, 2), np.nan)),
                         ("1-D table", np.ones(3)), ("complex table", np.ones((3, 2)) + 1j))
case("fisherlab.rl.estimators.LinearValue", lambda: (rle.LinearValue, {"features": np.eye(3), "ridge": 1e-3}),
     features=_VALUE_FEATURES, ridge=pos("scalar", big=False))
case("fisherlab.rl.estimators.LinearValue.fit",
     lambda: (rle.LinearValue(np.eye(3)).fit, {"states": np.array([0, 1, 2, 1]), "targets": np.array([1.0, 0.5, 0.0, 0.4])}),
     states=index(3, extra=(("length 3 for 4 targets", np.array([0, 1, 2])),)), targets=real("fixed"))
case("fisherlab.rl.estimators.LinearValue.predict",
     lambda: (rle.LinearValue(np.eye(3)).predict, {"states": np.array([0, 1, 2])}), states=index(3))
_EPISODES_ARG = obj("must be an Episodes", wrong=_a_policy())
for _fn in ("reinforce", "gpomdp"):
    extra = {"baseline": real("fixed", optional=True, extra=(("length 4 for 3 states", np.zeros(4)),))} if _fn == "gpomdp" else {}
    kw = {"baseline": np.zeros(3)} if _fn == "gpomdp" else {}
    case(f"fisherlab.rl.estimators.{_fn}",
         lambda _fn=_fn, kw=kw: (getattr(rle, _fn), {"policy": _tab(), "theta": _THETA6, "episodes": _EP, **kw}),
         policy=POLICY_FOR_MDP, theta=real("fixed"), episodes=_EPISODES_ARG, **extra)
case("fisherlab.rl.estimators.fisher_vector_product_mc",
     lambda: (rle.fisher_vector_product_mc, {"policy": _tab(), "theta": _THETA6, "episodes": _EP, "vec": np.ones(6)}),
     policy=POLICY_FOR_MDP, theta=real("fixed"), episodes=_EPISODES_ARG, vec=real("fixed"))
_R = np.array([[1.0, 0.0], [0.5, 1.0], [0.0, 2.0]])
case("fisherlab.rl.estimators.gae",
     lambda: (rle.gae, {"rewards": _R, "values": np.zeros((4, 2)), "terminated": np.zeros((3, 2), bool),
                        "truncated": np.array([[False, False], [False, True], [False, False]]), "gamma": 0.9,
                        "lam": 0.95}),
     rewards=real(extra=(("1-D", np.ones(3)),)), values=real("fixed"), terminated=BOOLARRAY, truncated=BOOLARRAY,
     gamma=SCALAR_PROB, lam=unit("scalar"))
case("fisherlab.rl.estimators.polynomial_features", lambda: (rle.polynomial_features, {"degree": 2}),
     degree=integer(1, extra=(("4 (above 3)", 4),)))


# ---- rl.algorithms -------------------------------------------------------------------------------------------
_CONFIG_KINDS = dict(algo=CHOICE, delta=pos("scalar", big=False), lr=pos("scalar", big=False),
                     damping=nonneg("scalar", big=False), cg_iters=integer(1), backtrack_coeff=SCALAR_PROB,
                     backtrack_iters=integer(1), gamma=SCALAR_PROB, lam=unit("scalar"), num_envs=integer(1),
                     n_steps=integer(1), normalize_advantages=BOOL)
case("fisherlab.rl.algorithms.Config", lambda: (alg.Config, {}), **_CONFIG_KINDS)
case("fisherlab.rl.algorithms.LocalModel",
     lambda: (alg.LocalModel, {"grad": np.ones(2), "fvp": lambda w: w, "surrogate_gain": lambda t: 0.0,
                               "mean_kl": lambda t: 0.0}),
     grad=real(extra=(("scalar", 1.0), ("2-D", np.ones((2, 1))), ("empty", np.zeros(0)))), fvp=CALLABLE,
     surrogate_gain=CALLABLE, mean_kl=CALLABLE)
case("fisherlab.rl.algorithms.History.steps_to",
     lambda: (alg.History("trpo", eval_returns=[1.0, 3.0], env_steps=[10, 20]).steps_to, {"target": 2.0}),
     target=SCALAR_REAL)
case("fisherlab.rl.algorithms.History.as_arrays", lambda: (alg.History("trpo").as_arrays, {}))
case("fisherlab.rl.algorithms.exact_model", lambda: (alg.exact_model, {"mdp": _mdp(), "policy": _tab(), "theta": _THETA6}),
     mdp=MDP, policy=POLICY_FOR_MDP, theta=real("fixed"))
case("fisherlab.rl.algorithms.policy_update",
     lambda: (alg.policy_update, {"theta": _THETA6, "model": alg.exact_model(_mdp(), _tab(), _THETA6),
                                  "config": alg.Config(algo="trpo")}),
     theta=real("fixed"), model=obj("must be a LocalModel", wrong=_a_family()),
     config=obj("must be a fisherlab.rl.algorithms.Config", wrong={"algo": "trpo"}))
case("fisherlab.rl.algorithms.run",
     lambda: (alg.run, {"env": envs.FiniteMDPEnv(_mdp(), 2, horizon=4), "policy": _tab(), "total_steps": 8, "rng": g(),
                        "config": alg.Config(num_envs=2, n_steps=4), "theta0": _THETA6, "value": rle.LinearValue(np.eye(3)),
                        "eval_every": 1, "eval_episodes": 1, "eval_until": 1e9, "stop_at": 1e9, "progress": False}),
     env=ENV, policy=POLICY_FOR_MDP, total_steps=integer(1), rng=RNG,
     config=obj("must be a fisherlab.rl.algorithms.Config", optional=True, wrong={"algo": "trpo"}),
     theta0=real("fixed", optional=True), value=obj("must be a LinearValue", optional=True, wrong=_a_family()),
     eval_every=integer(0), eval_episodes=integer(1), eval_until=real("scalar", optional=True),
     stop_at=real("scalar", optional=True), progress=BOOL)
case("fisherlab.rl.algorithms.run_exact",
     lambda: (alg.run_exact, {"mdp": _mdp(), "policy": _tab(), "theta0": _THETA6, "n_iters": 2,
                              "config": alg.Config(algo="npg"), "progress": False}),
     mdp=MDP, policy=POLICY_FOR_MDP, theta0=real("fixed"), n_iters=integer(0),
     config=obj("must be a fisherlab.rl.algorithms.Config", optional=True, wrong={"algo": "trpo"}), progress=BOOL)
_S = np.array([0, 2, 1, 1])
_A = np.array([1, 0, 1, 0])
case("fisherlab.rl.algorithms.sampled_model",
     lambda: (alg.sampled_model, {"policy": _tab(), "theta": _THETA6, "states": _S, "actions": _A,
                                  "advantages": np.array([1.0, -0.5, 0.2, 0.0]),
                                  "log_probs": _tab().log_prob(_THETA6, _S, _A)}),
     policy=obj("must be a fisherlab policy", wrong=_a_family()), theta=real("fixed"), states=index(3),
     actions=index(2, extra=(("length 3 for 4 states", _A[:3]),)), advantages=real("fixed"),
     log_probs=real("fixed", optional=True, extra=(("a log-probability > 0", np.array([0.5, -1.0, -1.0, -1.0])),)))


# ---- rl.enumeration ------------------------------------------------------------------------------------------
def _enum():
    return enu.enumerate_trajectories(_mdp(), 2)


_ENUM = _enum()
case("fisherlab.rl.enumeration.Enumeration",
     lambda: (enu.Enumeration, {"mdp": _ENUM.mdp, "traj": _ENUM.traj, "env_log_prob": _ENUM.env_log_prob}),
     mdp=MDP, traj=_EPISODES_ARG,
     env_log_prob=real("fixed", extra=(("a log-probability > 0", np.abs(_ENUM.env_log_prob) + 0.1),)))
for _meth in ("gradient", "gradient_variance", "hessian_reinforce", "objective", "probs"):
    case(f"fisherlab.rl.enumeration.Enumeration.{_meth}",
         lambda _meth=_meth: (getattr(_enum(), _meth), {"policy": _tab(), "theta": _THETA6}),
         policy=POLICY_FOR_MDP, theta=real("fixed"))
case("fisherlab.rl.enumeration.Enumeration.hessian",
     lambda: (_enum().hessian, {"policy": _tab(), "theta": _THETA6, "first_term": True}),
     policy=POLICY_FOR_MDP, theta=real("fixed"), first_term=BOOL)
case("fisherlab.rl.enumeration.Enumeration.hessian_vector",
     lambda: (_enum().hessian_vector, {"policy": _tab(), "theta": _THETA6, "vec": np.ones(6), "first_term": False}),
     policy=POLICY_FOR_MDP, theta=real("fixed"), vec=real("fixed"), first_term=BOOL)
case("fisherlab.rl.enumeration.Enumeration.hessian_variance",
     lambda: (_enum().hessian_variance, {"policy": _tab(), "theta": _THETA6, "ord": 2}),
     policy=POLICY_FOR_MDP, theta=real("fixed"),
     ord=custom(("an unknown norm", "nope"), ("None", None), ("3.5", 3.5)))
case("fisherlab.rl.enumeration.Enumeration.expect",
     lambda: (_enum().expect, {"policy": _tab(), "theta": _THETA6, "values": np.ones(_ENUM.n_trajectories)}),
     policy=POLICY_FOR_MDP, theta=real("fixed"),
     values=real(extra=(("the wrong number of trajectories", np.ones(3)), ("scalar", 1.0))))
case("fisherlab.rl.enumeration.enumerate_trajectories",
     lambda: (enu.enumerate_trajectories, {"mdp": M.short_corridor(), "horizon": 2, "max_trajectories": 1000}),
     mdp=MDP, horizon=integer(1, extra=(("too long for max_trajectories", 10),)), max_trajectories=integer(1))
for _fn in ("exact_gradient_h", "exact_objective_h"):
    case(f"fisherlab.rl.enumeration.{_fn}",
         lambda _fn=_fn: (getattr(enu, _fn), {"mdp": _mdp(), "policy": _tab(), "theta": _THETA6, "horizon": 3}),
         mdp=MDP, policy=POLICY_FOR_MDP, theta=real("fixed"), horizon=integer(1))


# ---- rl.convergence, rl.second_order, rl.lqr, rl.assumptions, rl.exact_pg ---------------------------------
from fisherlab.rl import assumptions as asm  # noqa: E402
from fisherlab.rl import convergence as cv  # noqa: E402
from fisherlab.rl import exact_pg as xpg  # noqa: E402
from fisherlab.rl import lqr as lq  # noqa: E402
from fisherlab.rl import second_order as so  # noqa: E402

_SIZES = custom(("a size of 0", np.array([0, 2])), ("2.5 trajectories", np.array([2.5, 2.0])), ("None", None),
                ("a string", "2"), ("one size for 2 rows", np.array([2])), ("NaN", np.array([np.nan, 2.0])),
                ("2-D", np.array([[2, 2]])), ("complex", np.array([2, 2]) + 0j))
_RNGS = custom(("None", None), ("an int", 3), ("one generator for 2 rows", [g()]), ("an int seed in the list", [0, g()]),
               ("a RandomState in the list", [np.random.RandomState(0), g()]))
_ROWS_FEASIBLE = custom(("1-D", np.zeros(2)), ("None", None), ("a string", "abc"), ("complex", np.zeros((2, 2)) + 0j),
                        ("an object", object()), ("3 parameters for 2", np.zeros((2, 3))))


def _traj_problem():
    mdp, tab = _mdp(), _tab()
    return cv.SampledProblem(lambda th, n, rng: ro.sample_episodes(mdp, tab, th, n_episodes=n, horizon=3, rng=rng),
                             tab, lambda th: M.exact_objective(mdp, tab, th))


PROBLEMS = {
    # name: (factory, thetas (2, d), the batch of another problem for the wrong-kind probe)
    "fisherlab.rl.convergence.FiniteMDPProblem": (lambda: cv.FiniteMDPProblem(_mdp(), _tab(), 3), np.zeros((2, 6))),
    "fisherlab.rl.convergence.LQRProblem": (lambda: cv.LQRProblem(lq.example_lqr(), 3), np.zeros((2, 2))),
    "fisherlab.rl.convergence.VonMisesBandit": (
        lambda: cv.VonMisesBandit([1.0, -1.0], kappa=2.0, gamma=0.5, horizon=3), np.zeros((2, 2))),
    "fisherlab.rl.convergence.SampledProblem": (_traj_problem, np.zeros((2, 6))),
}


def _problem_cases():
    for name, (make, thetas) in PROBLEMS.items():
        d = thetas.shape[1]
        sizes = np.array([2, 2])

        def batch(make=make, thetas=thetas, sizes=sizes):
            return make().sample(thetas, sizes, [g(), g(1)])

        wrong = (PROBLEMS["fisherlab.rl.convergence.VonMisesBandit"] if "VonMises" not in name
                 else PROBLEMS["fisherlab.rl.convergence.FiniteMDPProblem"])
        other = wrong[0]().sample(wrong[1], sizes, [g(), g(1)])
        BATCH = obj("batch must be", wrong=other)
        TH = real("fixed", big=("VonMises" in name or "FiniteMDP" in name))
        flags = np.array([True, False])
        case(f"{name}.sample", lambda make=make, t=thetas: (make().sample, {"thetas": t, "sizes": sizes, "rngs": [g(), g(1)]}),
             thetas=TH, sizes=_SIZES, rngs=_RNGS)
        case(f"{name}.gradient", lambda make=make, t=thetas, b=batch: (make().gradient, {"thetas": t, "batch": b(),
                                                                                          "baseline": flags}),
             thetas=TH, batch=BATCH, baseline=BOOLARRAY)
        case(f"{name}.hessian_vector",
             lambda make=make, t=thetas, b=batch, d=d: (make().hessian_vector, {"thetas": t, "batch": b(),
                                                                                "vecs": np.ones((2, d)),
                                                                                "first_term": flags, "baseline": flags}),
             # (a huge vecs may give a non-finite estimate: run_batch reads that as a divergence)
             thetas=TH, batch=BATCH, vecs=real("fixed", big=False), first_term=BOOLARRAY, baseline=BOOLARRAY)
        for meth in ("env_steps", "mean_return"):
            case(f"{name}.{meth}", lambda make=make, b=batch, meth=meth: (getattr(make(), meth), {"batch": b()}),
                 batch=BATCH)
        exact_big = "FiniteMDP" in name or "VonMises" in name  # the LQR's and a sampler's are NaN where unknown
        case(f"{name}.objective", lambda make=make, t=thetas: (make().objective, {"thetas": t}),
             thetas=real("fixed", big=exact_big or "LQR" in name))
        case(f"{name}.gradient_exact", lambda make=make, t=thetas: (make().gradient_exact, {"thetas": t}),
             thetas=_ROWS_FEASIBLE)  # NaN rows (diverged runs) give NaN, as documented
        case(f"{name}.feasible", lambda make=make, t=thetas: (make().feasible, {"thetas": t}), thetas=_ROWS_FEASIBLE)


_problem_cases()
case("fisherlab.rl.convergence.FiniteMDPProblem", lambda: (cv.FiniteMDPProblem, {"mdp": _mdp(), "policy": _tab(), "horizon": 3}),
     mdp=MDP, policy=POLICY_FOR_MDP, horizon=integer(1))
case("fisherlab.rl.convergence.FiniteMDPProblem.probs",
     lambda: (cv.FiniteMDPProblem(_mdp(), _tab(), 3).probs, {"thetas": np.zeros((2, 6))}), thetas=real("fixed"))
case("fisherlab.rl.convergence.LQRProblem", lambda: (cv.LQRProblem, {"task": lq.example_lqr(), "horizon": 3}),
     task=obj("must be an LQR", wrong=_mdp()), horizon=integer(1))
case("fisherlab.rl.convergence.LQRProblem.gains", lambda: (cv.LQRProblem(lq.example_lqr(), 3).gains, {"thetas": np.zeros((2, 2))}),
     thetas=real("fixed"))
case("fisherlab.rl.convergence.VonMisesBandit",
     lambda: (cv.VonMisesBandit, {"targets": np.array([1.0, -1.0]), "kappa": 2.0, "gamma": 0.5, "horizon": 3}),
     targets=real(extra=(("scalar", 1.0), ("empty", np.zeros(0)), ("2-D", np.ones((1, 2))))), kappa=pos("scalar", big=False),
     gamma=SCALAR_PROB, horizon=integer(1))
for _meth in ("constants", "optimal_objective"):
    case(f"fisherlab.rl.convergence.VonMisesBandit.{_meth}",
         lambda _meth=_meth: (getattr(cv.VonMisesBandit([1.0, -1.0], kappa=2.0, gamma=0.5, horizon=3), _meth), {}))
case("fisherlab.rl.convergence.SampledProblem",
     lambda: (cv.SampledProblem, {"sample": lambda th, n, rng: None, "policy": _tab(), "evaluate": None}),
     sample=CALLABLE, policy=obj("must be a fisherlab policy", wrong=_a_family()), evaluate=Arg("callable", optional=True))

_CV_CONFIG = obj("must be a fisherlab.rl.convergence.Config", wrong=alg.Config())
case("fisherlab.rl.convergence.Config", lambda: (cv.Config, {"hess_batch_size": 4}),
     method=CHOICE, lr=pos("scalar", big=False), batch_size=integer(1), hess_batch_size=integer(1, optional=True),
     first_term=BOOL, extrapolate=BOOL, hessian_point=CHOICE, baseline=BOOL, warmup=integer(0))
case("fisherlab.rl.convergence.Config.schedule", lambda: (cv.Config(warmup=2).schedule, {"n_iters": 5}), n_iters=integer(1))
case("fisherlab.rl.convergence.step_sizes", lambda: (cv.step_sizes, {"method": "harpg", "t": np.arange(4), "lr": 0.5}),
     method=CHOICE, t=nonneg(big=False, extra=(("0.5", np.array([0.0, 0.5])), ("2-D", np.zeros((2, 2))))),
     lr=pos("scalar", big=False))


def _small_runs():
    return cv.run_batch(cv.FiniteMDPProblem(_mdp(), _tab(), 2), np.zeros(6), 2, cv.Config(method="pg", batch_size=1),
                        rngs=[g(), g(1)])


case("fisherlab.rl.convergence.Runs.gaps", lambda: (_small_runs().gaps, {"J_star": 1.0}), J_star=real("scalar", big=False))
case("fisherlab.rl.convergence.Runs.history", lambda: (_small_runs().history, {"i": 1}),
     i=integer(0, extra=(("2 (only 2 runs)", 2),)))
case("fisherlab.rl.convergence.Runs.take", lambda: (_small_runs().take, {"rows": np.array([1])}),
     rows=custom(("2 (only 2 runs)", np.array([2])), ("0.5", np.array([0.5])), ("None", None), ("a string", "0"),
                 ("a mask of the wrong length", np.array([True, False, True])), ("2-D", np.array([[0]])),
                 ("no rows", np.zeros(0, dtype=int))))
case("fisherlab.rl.convergence.Task.config",
     lambda: (cv.chapter_task("von-mises", n_iters=3).config, {"method": "n-harpg", "lr": 0.5}),
     method=CHOICE, lr=pos("scalar", big=False))
case("fisherlab.rl.convergence.chapter_task", lambda: (cv.chapter_task, {"name": "von-mises", "n_iters": 3}),
     name=CHOICE, n_iters=integer(1))

_EVAL_POINTS = custom(("-1", [-1, 2]), ("3 (beyond n_iters = 2)", [0, 3]), ("0.5", [0.5]), ("a string", "0"),
                      ("no points", []), ("NaN", [np.nan]), ("2-D", [[0, 1]]), ("booleans", [True, False]),
                      optional=True)
_SEEDS = custom(("no seeds", []), ("a negative seed", [-1]), ("a float seed", [1.5]), ("None", None),
                ("a string", "12"), ("a generator", [g()]), ("an int", 3))
case("fisherlab.rl.convergence.run_batch",
     lambda: (cv.run_batch, {"problem": cv.FiniteMDPProblem(_mdp(), _tab(), 2), "theta0": np.zeros(6), "n_iters": 2,
                             "configs": [cv.Config(method="harpg", batch_size=1)] * 2, "rngs": [g(), g(1)],
                             "eval_points": [0, 2], "record": True}),
     problem=obj("must be a BatchProblem", wrong=_mdp()), theta0=real("last", big=False), n_iters=integer(1),
     configs=custom(("None", None), ("an algorithms.Config", alg.Config()), ("no configs", []),
                    ("3 configs for 2 generators", [cv.Config()] * 3), ("a string", "harpg")),
     rngs=custom(*(e for e in _RNGS.extra if e[0] != "one generator for 2 rows"),
                 ("3 generators for 2 configs", [g(), g(1), g(2)])),
     eval_points=_EVAL_POINTS, record=BOOL)
case("fisherlab.rl.convergence.run_groups",
     lambda: (cv.run_groups, {"problem": cv.FiniteMDPProblem(_mdp(), _tab(), 2), "theta0": np.zeros(6), "n_iters": 2,
                              "configs": {"pg": cv.Config(method="pg", batch_size=1)}, "seeds": [0, 1],
                              "eval_points": None, "record": False}),
     problem=obj("must be a BatchProblem", wrong=_mdp()), theta0=real("last", big=False), n_iters=integer(1),
     configs=custom(("None", None), ("an empty dict", {}), ("a Config, not a dict", cv.Config()),
                    ("a dict of strings", {"pg": "pg"})),
     seeds=_SEEDS, eval_points=_EVAL_POINTS, record=BOOL)


def _sampler():
    mdp = _mdp()
    return lambda th, n, rng: ro.sample_episodes(mdp, _tab(), th, n_episodes=n, horizon=2, rng=rng)


_RUN_KINDS = dict(sample=CALLABLE, policy=obj("must be a fisherlab policy", wrong=_a_family()), theta0=real("fixed", big=False),
                  n_iters=integer(1), config=_CV_CONFIG, evaluate=Arg("callable", optional=True),
                  eval_points=_EVAL_POINTS)
case("fisherlab.rl.convergence.run",
     lambda: (cv.run, {"sample": _sampler(), "policy": _tab(), "theta0": _THETA6, "n_iters": 2,
                       "config": cv.Config(method="n-harpg", batch_size=1), "rng": g(),
                       "evaluate": lambda th: M.exact_objective(_mdp(), _tab(), th), "eval_points": [0, 2]}),
     rng=RNG, **_RUN_KINDS)
case("fisherlab.rl.convergence.run_seeds",
     lambda: (cv.run_seeds, {"sample": _sampler(), "policy": _tab(), "theta0": _THETA6, "n_iters": 2,
                             "config": cv.Config(method="pg", batch_size=1), "seeds": [0, 1],
                             "evaluate": lambda th: M.exact_objective(_mdp(), _tab(), th), "eval_points": [0, 2]}),
     seeds=_SEEDS, **_RUN_KINDS)
_T5 = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
_Y = np.array([[1.0, 0.6, 0.4, 0.2, 0.1], [1.1, 0.7, 0.5, 0.3, 0.2], [0.9, 0.5, np.inf, 0.2, 0.15]])
_RUN_VALUES = custom(("NaN", np.array([1.0, np.nan, 2.0])), ("None", None), ("a string", "abc"),
                     ("complex", np.array([1.0, 2.0, 3.0]) + 0j), ("one run", np.array([1.0])), ("2-D", np.ones((3, 1))),
                     ("an object", object()), ("-inf", np.array([1.0, -np.inf, 2.0])))
case("fisherlab.rl.convergence.fit_slope", lambda: (cv.fit_slope, {"t": _T5, "y": _Y[0]}),
     t=pos("fixed", big=False, extra=(("one point", _T5[:1]),)), y=pos("fixed", big=False))
case("fisherlab.rl.convergence.slope_interval",
     lambda: (cv.slope_interval, {"t": _T5, "Y": _Y, "rng": g(), "n_boot": 20, "level": 0.9}),
     t=pos("fixed", big=False, extra=(("one point", _T5[:1]),)),
     Y=custom(("NaN", np.where(_Y == np.inf, np.nan, _Y)), ("None", None), ("a string", "abc"), ("complex", _Y + 0j),
              ("one run", _Y[:1]), ("4 columns for 5 points", _Y[:, :4]), ("1-D", _Y[0]), ("-inf", -_Y)),
     rng=RNG, n_boot=integer(10), level=SCALAR_PROB)
for _fn in ("median_interval",):
    case(f"fisherlab.rl.convergence.{_fn}",
         lambda: (cv.median_interval, {"values": np.array([1.0, 3.0, np.inf, 2.0]), "rng": g(), "n_boot": 20, "level": 0.9}),
         values=_RUN_VALUES, rng=RNG, n_boot=integer(10), level=SCALAR_PROB)
case("fisherlab.rl.convergence.median_ratio",
     lambda: (cv.median_ratio, {"a": np.array([1.0, 3.0, np.inf]), "b": np.array([2.0, 1.0, 4.0]), "rng": g(),
                                "n_boot": 20, "level": 0.9}),
     a=_RUN_VALUES, b=custom(*_RUN_VALUES.extra, ("a median of 0", np.array([0.0, 0.0, 1.0]))), rng=RNG,
     n_boot=integer(10), level=SCALAR_PROB)
_GAPS_END = custom(("NaN", np.array([0.5, np.nan, 0.1])), ("None", None), ("a string", "abc"),
                   ("complex", np.array([0.5, 1.0, 0.1]) + 0j), ("2 runs for 3", np.array([0.5, 1.0])),
                   ("-inf", np.array([0.5, -np.inf, 0.1])))
case("fisherlab.rl.convergence.fates",
     lambda: (cv.fates, {"start_gap": np.array([1.0, 1.0, 2.0]), "end_gap": np.array([0.05, np.inf, 1.5]),
                         "start_grad": np.array([1.0, 1.0, 1.0]), "end_grad": np.array([0.1, 1.0, 0.01]),
                         "converged_below": 0.1, "flat_below": 0.25}),
     start_gap=pos("fixed", big=False), end_gap=_GAPS_END, start_grad=nonneg("fixed", optional=True, big=False),
     end_grad=custom(("NaN for a run that did not diverge", np.array([np.nan, 1.0, 0.01])), ("-1", np.array([-1.0, 1.0, 0.01])),
                     ("a string", "abc"), ("2 runs for 3", np.array([0.1, 1.0])), ("complex", np.ones(3) + 0j),
                     ("+inf", np.array([np.inf, 1.0, 0.01])), optional=True), converged_below=SCALAR_PROB, flat_below=SCALAR_PROB)

# rl.second_order
_SO_KINDS = dict(policy=POLICY_FOR_MDP, theta=real("fixed"), traj=_EPISODES_ARG)
for _fn in ("phi", "log_prob_gradient"):
    case(f"fisherlab.rl.second_order.{_fn}",
         lambda _fn=_fn: (getattr(so, _fn), {"policy": _tab(), "theta": _THETA6, "traj": _EP}), **_SO_KINDS)
case("fisherlab.rl.second_order.gradient_estimate",
     lambda: (so.gradient_estimate, {"policy": _tab(), "theta": _THETA6, "traj": _EP, "baseline": True}),
     baseline=BOOL, **_SO_KINDS)
case("fisherlab.rl.second_order.hessian_estimate",
     lambda: (so.hessian_estimate, {"policy": _tab(), "theta": _THETA6, "traj": _EP, "first_term": True}),
     first_term=BOOL, **_SO_KINDS)
case("fisherlab.rl.second_order.hessian_vector_estimate",
     lambda: (so.hessian_vector_estimate, {"policy": _tab(), "theta": _THETA6, "traj": _EP, "vec": np.ones(6),
                                           "first_term": True, "baseline": False}),
     vec=real("fixed"), first_term=BOOL, baseline=BOOL, **_SO_KINDS)
case("fisherlab.rl.second_order.rewards_to_go", lambda: (so.rewards_to_go, {"traj": _EP, "baseline": True}),
     traj=_EPISODES_ARG, baseline=BOOL)

# rl.lqr
_K = np.array([[0.5, 1.0]])
LQR_OBJ = obj("must be an LQR", wrong=_mdp())
_GAIN = real("fixed", extra=(("a destabilising gain", np.array([[0.0, -20.0]])), ("shape (2, 2)", np.ones((2, 2)))))
case("fisherlab.rl.lqr.LQR",
     lambda: (lq.LQR, {"A": np.array([[0.95, 0.2], [0.0, 0.9]]), "B": np.array([[0.0, 0.1], [0.2, 0.0]]),
                       "Q": np.eye(2), "R": 0.1 * np.eye(2), "gamma": 0.9, "sigma": 0.5, "Sigma0": np.eye(2),
                       "W": 0.01 * np.eye(2)}),
     A=real("fixed", big=False), B=real("fixed", big=False), Q=Arg("spd", extra=(("1 x 1", [[1.0]]),)),
     R=Arg("spd", extra=(("1 x 1", np.eye(1)),)), gamma=SCALAR_PROB,
     sigma=pos(big=False, extra=(("3 values for m = 2", np.array([0.5, 0.5, 0.5])),)),
     Sigma0=Arg("spd", optional=True, extra=(("1 x 1", [[1.0]]),)),
     W=custom(("asymmetric", np.array([[0.01, 0.5], [0.0, 0.01]])), ("negative definite", -np.eye(2)),
              ("NaN", np.full((2, 2), np.nan)), ("a string", "abc"), ("1 x 1", [[1.0]]), ("complex", np.eye(2) + 0j),
              ("1-D", np.ones(2)), optional=True))
for _meth in ("check_gain", "fisher", "gradient", "objective", "state_moment", "value_matrix"):
    case(f"fisherlab.rl.lqr.LQR.{_meth}", lambda _meth=_meth: (getattr(lq.example_lqr(), _meth), {"K": _K}), K=_GAIN)
case("fisherlab.rl.lqr.LQR.gain", lambda: (lq.example_lqr().gain, {"theta": np.array([-0.5, -1.0])}), theta=real("fixed"))
for _meth in ("optimal_gain", "optimal_objective", "policy", "riccati"):
    case(f"fisherlab.rl.lqr.LQR.{_meth}", lambda _meth=_meth: (getattr(lq.example_lqr(), _meth), {}))
case("fisherlab.rl.lqr.LQR.sample",
     lambda: (lq.example_lqr().sample, {"theta": np.array([-0.5, -1.0]), "n_episodes": 2, "horizon": 3, "rng": g()}),
     theta=real("fixed"), n_episodes=integer(1), horizon=integer(1), rng=RNG)
case("fisherlab.rl.lqr.example_lqr", lambda: (lq.example_lqr, {"gamma": 0.9, "sigma": 0.5}), gamma=SCALAR_PROB,
     sigma=pos("scalar", big=False))
case("fisherlab.rl.lqr.gain_to_theta", lambda: (lq.gain_to_theta, {"K": _K}),
     K=real(extra=(("1-D", np.ones(2)), ("empty", np.zeros((0, 2))))))
case("fisherlab.rl.lqr.theta_to_gain", lambda: (lq.theta_to_gain, {"theta": np.array([-0.5, -1.0]), "n": 2, "m": 1}),
     theta=real("fixed"), n=integer(1), m=integer(1))

# rl.assumptions
_SOFTMAX = obj("must be a TabularSoftmax or LinearSoftmax", wrong=pol.LinearGaussian(n_features=1))
_LIN = pol.LinearSoftmax(2, features=np.array([[1.0, 0.0], [0.5, 0.5], [0.0, 1.0]]))
_PI_STAR = custom(("NaN", np.full((3, 2), np.nan)), ("a string", "abc"), ("rows not summing to 1", np.full((3, 2), 0.3)),
                  ("shape (2, 2)", np.full((2, 2), 0.5)), ("1-D", np.full(6, 0.5)), optional=True)
for _fn in ("gradient_domination", "transfer_error"):
    case(f"fisherlab.rl.assumptions.{_fn}",
         lambda _fn=_fn: (getattr(asm, _fn), {"mdp": _mdp(), "policy": _tab(), "theta": _THETA6, "pi_star": None}),
         mdp=MDP, policy=POLICY_FOR_MDP, theta=real("fixed"), pi_star=_PI_STAR)
case("fisherlab.rl.assumptions.lambda_min",
     lambda: (asm.lambda_min, {"F": np.diag([2.0, 1.0, 0.0]), "exclude": np.array([[0.0, 0.0, 1.0]])}),
     F=_MATRIX, exclude=real(optional=True, extra=(("2 columns for d = 3", np.ones((1, 2))), ("1-D", np.ones(3)),
                                                   ("rows not orthonormal", np.array([[0.0, 0.0, 2.0]])),
                                                   ("as many rows as d", np.eye(3)))))
_CONST = dict(r_max=SCALAR_POS, gamma=SCALAR_PROB, M_g=SCALAR_POS, M_h=SCALAR_POS)
case("fisherlab.rl.assumptions.lemma1",
     lambda: (asm.lemma1, {"r_max": 1.0, "gamma": 0.9, "M_g": 1.4, "M_h": 0.5, "l_2": 0.3}), l_2=SCALAR_POS, **_CONST)
case("fisherlab.rl.assumptions.proposition1",
     lambda: (asm.proposition1, {"r_max": 1.0, "gamma": 0.9, "M_g": 1.4, "M_h": 0.5, "horizon": 10}),
     horizon=integer(1), **_CONST)
case("fisherlab.rl.assumptions.measured_score_bounds",
     lambda: (asm.measured_score_bounds, {"policy": _tab(), "theta": _THETA6, "n_states": 3}),
     policy=_SOFTMAX, theta=real("fixed"), n_states=integer(1, extra=(("4 states for a 3-state policy", 4),)))
case("fisherlab.rl.assumptions.optimal_policy", lambda: (asm.optimal_policy, {"mdp": _mdp()}), mdp=MDP)
case("fisherlab.rl.assumptions.shift_directions", lambda: (asm.shift_directions, {"policy": _LIN}), policy=_SOFTMAX)
case("fisherlab.rl.assumptions.softmax_constants", lambda: (asm.softmax_constants, {"policy": _LIN, "n_states": 3}),
     policy=_SOFTMAX, n_states=integer(1, optional=True, extra=(("4 for a 3-row feature table", 4),)))
case("fisherlab.rl.assumptions.softmax_l2", lambda: (asm.softmax_l2, {"policy": _tab()}), policy=_SOFTMAX)
case("fisherlab.rl.assumptions.softmax_third_derivative",
     lambda: (asm.softmax_third_derivative, {"policy": _tab(), "theta": _THETA6, "states": np.array([0, 2]),
                                            "vec": np.ones(6)}),
     policy=_SOFTMAX, theta=real("fixed"), states=index(3), vec=real("fixed"))

# rl.exact_pg
_SOFTMAX_X = obj("must be a LinearSoftmax or TabularSoftmax", wrong=pol.LinearGaussian(n_features=1))
_PI_TABLE = np.array([[0.5, 0.5], [0.2, 0.8], [0.9, 0.1]])
_PI_ARG = Arg("probvec", shape="fixed", extra=(("a zero entry", np.array([[1.0, 0.0], [0.2, 0.8], [0.9, 0.1]])),))
_PI_ANY = Arg("probvec", shape="fixed")
_ETA = pos("scalar", big=False)
_THETA0 = real("fixed", optional=True, big=False, extra=(("shape (7,)", np.zeros(7)),))


def _xrun(kind):
    mdp = _mdp()
    if kind == "pg":
        return xpg.run_softmax_pg(mdp, lr=0.5 / xpg.pg_smoothness(mdp) * 2, n_iters=2)
    if kind == "entropy":
        return xpg.run_entropy_npg(mdp, eta=0.5, tau=0.1, n_iters=2)
    return xpg.run_linear_npg(mdp, _LIN, eta=0.5, n_iters=2)


case("fisherlab.rl.exact_pg.compatible_fit",
     lambda: (xpg.compatible_fit, {"mdp": _mdp(), "policy": _LIN, "theta": np.zeros(4), "target": "q", "damping": 0.1}),
     mdp=MDP, policy=_SOFTMAX_X, theta=real("fixed"), target=CHOICE, damping=nonneg("scalar", big=False))
case("fisherlab.rl.exact_pg.entropy_npg_bound",
     lambda: (xpg.entropy_npg_bound, {"mdp": _mdp(), "run": _xrun("entropy"), "q_star": xpg.soft_value_iteration(_mdp(), 0.1),
                                      "tau": 0.1}),
     mdp=MDP, run=obj("must be an ExactRun", wrong=_a_policy(), extra=(("a run of another algorithm", _xrun("pg")),)),
     q_star=real("fixed", big=False), tau=pos("scalar", big=False))
case("fisherlab.rl.exact_pg.feature_table", lambda: (xpg.feature_table, {"mdp": _mdp(), "policy": _LIN}),
     mdp=MDP, policy=obj("must be a LinearSoftmax or TabularSoftmax", wrong=_a_family(), extra=_POLICY_MISMATCH[:2]))
case("fisherlab.rl.exact_pg.fisher_condition_bounds",
     lambda: (xpg.fisher_condition_bounds, {"mdp": _mdp(), "log_pi": np.log(_PI_TABLE)}),
     mdp=MDP, log_pi=real("fixed", big=False, extra=(("rows not summing to 1", np.zeros((3, 2))),)))
case("fisherlab.rl.exact_pg.npg_bound",
     lambda: (xpg.npg_bound, {"n_iters": np.array([1, 10]), "eta": 0.5, "n_actions": 2, "gamma": 0.9, "reward_span": 1.0}),
     n_iters=custom(("0", np.array([0, 10])), ("1.5", np.array([1.5])), ("None", None), ("a string", "10"),
                    ("NaN", np.array([np.nan])), ("complex", np.array([1, 10]) + 0j)),
     eta=_ETA, n_actions=integer(2), gamma=SCALAR_PROB, reward_span=pos("scalar", big=False))
for _fn in ("npg_direction", "softmax_pg_gradient"):
    case(f"fisherlab.rl.exact_pg.{_fn}", lambda _fn=_fn: (getattr(xpg, _fn), {"mdp": _mdp(), "pi": _PI_TABLE}),
         mdp=MDP, pi=_PI_ARG if _fn == "npg_direction" else _PI_ANY)
case("fisherlab.rl.exact_pg.npg_policy_update",
     lambda: (xpg.npg_policy_update, {"mdp": _mdp(), "pi": _PI_TABLE, "eta": 0.5, "atol": 1e-10}),
     mdp=MDP, pi=_PI_ANY, atol=pos("scalar", big=False),  # eta = inf is the greedy step
     eta=custom(("0", 0.0), ("-1", -1.0), ("NaN", np.nan), ("-inf", -np.inf), ("None", None), ("a string", "0.5"),
                ("complex", 0.5 + 0j), ("an array", np.array([0.5, 0.5]))))
case("fisherlab.rl.exact_pg.npg_regret_bound",
     lambda: (xpg.npg_regret_bound, {"mdp": _mdp(), "policy": _LIN, "run": _xrun("linear"), "pi_star": asm.optimal_policy(_mdp())}),
     mdp=MDP, policy=_SOFTMAX_X, run=obj("must be an ExactRun", wrong=_a_policy(), extra=(("a run of another algorithm", _xrun("pg")),)),
     pi_star=_PI_ANY)
for _fn in ("optimal_policy_value", "pg_smoothness", "reachable_states"):
    case(f"fisherlab.rl.exact_pg.{_fn}", lambda _fn=_fn: (getattr(xpg, _fn), {"mdp": _mdp()}), mdp=MDP)
case("fisherlab.rl.exact_pg.pg_lojasiewicz_bound",
     lambda: (xpg.pg_lojasiewicz_bound, {"mdp": _mdp(), "pi": _PI_TABLE, "pi_star": asm.optimal_policy(_mdp())}),
     mdp=MDP, pi=_PI_ANY, pi_star=_PI_ANY)
case("fisherlab.rl.exact_pg.pg_rate_bound",
     lambda: (xpg.pg_rate_bound, {"mdp": _mdp(), "run": _xrun("pg"), "pi_star": asm.optimal_policy(_mdp())}),
     mdp=MDP, run=obj("must be an ExactRun", wrong=_a_policy(), extra=(("a run of another algorithm", _xrun("entropy")),)),
     pi_star=_PI_ANY)
case("fisherlab.rl.exact_pg.policy_iteration",
     lambda: (xpg.policy_iteration, {"mdp": _mdp(), "pi0": _PI_TABLE, "max_iters": 100, "atol": 1e-10}),
     mdp=MDP, pi0=Arg("probvec", shape="fixed", optional=True), max_iters=integer(1), atol=pos("scalar", big=False))
case("fisherlab.rl.exact_pg.run_entropy_npg",
     lambda: (xpg.run_entropy_npg, {"mdp": _mdp(), "eta": 0.5, "tau": 0.1, "n_iters": 2, "theta0": np.zeros(6)}),
     mdp=MDP, eta=pos("scalar", big=False, extra=(("above (1 - gamma) / tau", 5.0),)), tau=pos("scalar", big=False),
     n_iters=integer(0), theta0=_THETA0)
case("fisherlab.rl.exact_pg.run_linear_npg",
     lambda: (xpg.run_linear_npg, {"mdp": _mdp(), "policy": _LIN, "eta": 0.5, "n_iters": 2, "target": "advantage",
                                   "damping": 0.0, "theta0": np.zeros(4)}),
     mdp=MDP, policy=_SOFTMAX_X, eta=_ETA, n_iters=integer(0), target=CHOICE, damping=nonneg("scalar", big=False),
     theta0=real("fixed", optional=True, big=False))
case("fisherlab.rl.exact_pg.run_npg",
     lambda: (xpg.run_npg, {"mdp": _mdp(), "eta": 0.5, "n_iters": 2, "theta0": np.zeros((3, 2))}),
     mdp=MDP, eta=_ETA, n_iters=integer(0), theta0=_THETA0)
case("fisherlab.rl.exact_pg.run_softmax_pg",
     lambda: (xpg.run_softmax_pg, {"mdp": _mdp(), "lr": 0.05, "n_iters": 2, "theta0": np.zeros(6)}),
     mdp=MDP, lr=_ETA, n_iters=integer(0), theta0=_THETA0)
case("fisherlab.rl.exact_pg.soft_value_iteration",
     lambda: (xpg.soft_value_iteration, {"mdp": _mdp(), "tau": 0.1, "tol": 1e-10, "max_iters": 10_000}),
     mdp=MDP, tau=pos("scalar", big=False), tol=pos("scalar", big=False),
     max_iters=integer(1, extra=(("too few iterations to converge", 2),)))
case("fisherlab.rl.exact_pg.soft_values",
     lambda: (xpg.soft_values, {"mdp": _mdp(), "pi": _PI_TABLE, "tau": 0.1, "log_pi": np.log(_PI_TABLE)}),
     mdp=MDP, pi=_PI_ANY, tau=nonneg("scalar", big=False),
     log_pi=real("fixed", optional=True, big=False, extra=(("log_pi not the log of pi", np.zeros((3, 2))),)))


# ---- viz (every figure module; scores, matrices, divergences, rl and classics follow optim) -------------------
# The figures' data arguments: kinds, shapes, NaN (allowed only where it means a diverged run) and an
# ``ax`` of the wrong kind. Huge values (1e308) are not probed: drawing them is matplotlib's business.
import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from fisherlab.viz import animation as vanim  # noqa: E402
from fisherlab.viz import convergence as vcv  # noqa: E402
from fisherlab.viz import course as vcourse  # noqa: E402
from fisherlab.viz import npg as vnpg  # noqa: E402
from fisherlab.viz import style as vstyle  # noqa: E402


def _axes():
    return plt.subplots(figsize=(3, 2))[1]


AX = obj("must be a matplotlib Axes", optional=True, wrong=np.zeros(3))
AX_REQUIRED = obj("must be a matplotlib Axes", wrong=np.zeros(3))
TEXT = Arg("str", optional=True, extra=(("int", 3),))


def _data(shape="fixed", **kw):
    return real(shape, big=False, **kw)


def _data_pos(shape="fixed", **kw):
    return pos(shape, big=False, **kw)


def _dict_of(label, good, *bad):
    """A dict argument: not a dict, empty, and entries of the wrong kind or shape."""
    return custom(("None", None), ("a list", [good]), ("an empty dict", {}), *((f"an entry {w}", {label: b}) for w, b in bad))


_T4 = np.array([1.0, 2.0, 4.0, 8.0])
_GAPS = np.array([[1.0, 0.5, 0.3, 0.2], [1.0, 0.6, np.inf, np.inf], [0.9, 0.4, 0.2, 0.1]])
case("fisherlab.viz.convergence.estimates_vs_exact",
     lambda: (vcv.estimates_vs_exact, {"ax": _axes(), "exact": np.array([0.5, -0.2]),
                                       "estimates": {"mc": (np.array([0.4, -0.1]), np.array([0.05, 0.05]))},
                                       "labels": ["a", "b"], "title": "t", "ylabel": "y"}),
     ax=AX, exact=_data("free", extra=(("2-D", np.ones((2, 2))), ("empty", np.zeros(0)))),
     estimates=_dict_of("mc", (np.zeros(2), np.ones(2)), ("of one array", np.zeros(2)),
                        ("with 3 means for 2 coordinates", (np.zeros(3), np.ones(3))),
                        ("with a NaN mean", (np.array([np.nan, 0.0]), np.ones(2))),
                        ("with a negative standard error", (np.zeros(2), -np.ones(2))),
                        ("with strings", (np.array(["a", "b"]), np.ones(2)))),
     labels=custom(("3 labels for 2 values", ["a", "b", "c"]), ("a string", "ab"), ("an int", 3), optional=True),
     title=TEXT, ylabel=Arg("str", extra=(("None", None),)))
case("fisherlab.viz.convergence.bounds_vs_measured",
     lambda: (vcv.bounds_vs_measured, {"ax": _axes(), "names": ["a", "b"], "bounds": np.array([10.0, 100.0]),
                                       "measured": np.array([1.0, 2.0]), "title": "x"}),
     ax=AX, names=custom(("None", None), ("a string", "ab"), ("3 names for 2 values", ["a", "b", "c"])),
     bounds=_data_pos(), measured=_data_pos(), title=TEXT)
case("fisherlab.viz.convergence.lambda_min_curves",
     lambda: (vcv.lambda_min_curves, {"ax": _axes(), "curves": {"tab": (_T4, np.array([1.0, 0.5, 0.2, 0.1]), "C0")},
                                      "xlabel": "t", "title": "x"}),
     ax=AX, curves=_dict_of("tab", (_T4, _T4, "C0"), ("of two items", (_T4, _T4)),
                                     ("with 3 values for 4 points", (_T4, _T4[:3], "C0")),
                                     ("with a NaN value", (_T4, np.array([1.0, np.nan, 1.0, 1.0]), "C0")),
                                     ("with a value <= 0 (a log axis)", (_T4, np.array([1.0, 0.0, 1.0, 1.0]), "C0"))),
     xlabel=Arg("str", extra=(("None", None),)), title=TEXT)
case("fisherlab.viz.convergence.gradient_domination",
     lambda: (vcv.gradient_domination, {"ax": _axes(), "gap": np.array([0.5, 0.1, 0.2]), "bound": np.array([1.0, 0.3, 0.4]),
                                        "labels": np.array(["a", "b", "a"]), "title": "x"}),
     ax=AX, gap=_data(extra=(("no gap > 0", np.zeros(3)),)), bound=_data_pos(),
     labels=custom(("2 labels for 3 points", ["a", "b"]), ("a string", "abc"), optional=True), title=TEXT)
case("fisherlab.viz.convergence.gap_bands",
     lambda: (vcv.gap_bands, {"ax": _axes(), "t": _T4, "gaps": {"pg": _GAPS},
                              "fits": {"pg": cv.slope_interval(_T4, _GAPS[[0, 2]], rng=g(), n_boot=20)},
                              "reference": {"1/t": -1.0}, "title": "x", "xlabel": "t", "ylabel": "gap",
                              "colors": {"pg": "C1"}, "labels": {"pg": "PG"}, "band": (0.1, 0.9)}),
     ax=AX, t=nonneg("fixed", big=False), gaps=_dict_of("pg", _GAPS, ("1-D", _GAPS[0]), ("with 3 points for 4", _GAPS[:, :3]),
                                                  ("with -inf", -_GAPS), ("of strings", _GAPS.astype(str))),
     fits=custom(("a list", [1]), ("an entry that is not a SlopeFit", {"pg": 1.0}), optional=True),
     reference=custom(("a list", [-1.0]), ("a NaN slope", {"1/t": np.nan}), ("a string slope", {"1/t": "-1"}), optional=True),
     title=TEXT, xlabel=Arg("str", extra=(("None", None),)), ylabel=Arg("str", extra=(("None", None),)),
     colors=custom(("a list", ["C1"]), optional=True), labels=custom(("a list", ["PG"]), optional=True),
     band=custom(("None", None), ("one number", 0.1), ("(0.9, 0.1)", (0.9, 0.1)), ("(-0.1, 0.9)", (-0.1, 0.9)),
                 ("(0.1, NaN)", (0.1, np.nan)), ("three numbers", (0.1, 0.5, 0.9))))
case("fisherlab.viz.convergence.fate_bars",
     lambda: (vcv.fate_bars, {"ax": _axes(), "fates": {"pg": cv.fates(np.ones(3), np.array([0.05, np.inf, 2.0]))},
                              "order": None, "title": "x", "labels": {"pg": "PG"}}),
     ax=AX, fates=_dict_of("pg", np.array(["slow"]), ("an unknown fate", np.array(["great"])),
                                    ("no runs", np.array([], dtype=str)), ("numbers", np.array([1.0]))),
     order=custom(("an unknown fate", ("converging", "great")), ("a string", "slow"), ("an empty tuple", ()),
                  optional=True),
     title=TEXT, labels=custom(("a list", ["PG"]), optional=True))
case("fisherlab.viz.convergence.interval_plot",
     lambda: (vcv.interval_plot, {"ax": _axes(), "intervals": {"a / b": (1.5, 1.1, 2.0)}, "reference": 1.0,
                                  "xlabel": "ratio", "title": "x", "log": True, "colors": {"a / b": "C0"}}),
     ax=AX, intervals=_dict_of("r", (1.0, 0.5, 2.0), ("of two numbers", (1.0, 0.5)),
                                        ("with low > estimate", (1.0, 1.5, 2.0)), ("with NaN", (1.0, np.nan, 2.0)),
                                        ("with a value <= 0 on a log axis", (1.0, 0.0, 2.0)), ("a string", "1")),
     reference=custom(("NaN", np.nan), ("0 on a log axis", 0.0), ("a string", "1"), ("an array", np.ones(2)), optional=True),
     xlabel=Arg("str", extra=(("None", None),)), title=TEXT, log=BOOL, colors=custom(("a list", ["C0"]), optional=True))
case("fisherlab.viz.convergence.run_curves",
     lambda: (vcv.run_curves, {"ax": _axes(), "t": _T4, "curves": {"trapped": (_GAPS, "C3")}, "logx": True, "logy": True,
                               "xlabel": "t", "ylabel": "y", "title": "x", "hline": 1.0}),
     ax=AX, t=nonneg("free", big=False, extra=(("2-D", np.ones((2, 2))),)), curves=_dict_of("a", (_T4, "C0"), ("of one array", _T4),
                                                   ("with 5 points for 4", (np.ones(5), "C0")),
                                                   ("with -inf", (-_GAPS, "C0")), ("3-D", (_GAPS[None], "C0"))),
     logx=BOOL, logy=BOOL, xlabel=Arg("str", extra=(("None", None),)), ylabel=TEXT, title=TEXT,
     hline=custom(("NaN", np.nan), ("a string", "1"), ("an array", np.ones(2)), optional=True))

_G5 = np.array([1.0, 0.5, 0.2, 0.0, -1e-17])
_SERIES_BAD = (("with a NaN", np.array([1.0, np.nan, 0.2, 0.1, 0.1])), ("of strings", np.array(["a"] * 5)),
               ("with 4 values for 5 points", np.ones(4)), ("None", None))
FLOOR_ARG = pos("scalar", big=False)
case("fisherlab.viz.npg.measured_vs_bound",
     lambda: (vnpg.measured_vs_bound, {"x": np.arange(1.0, 6.0), "measured": {"gap": _G5}, "bounds": {"gap": np.ones(5),
                                       "other": (np.array([1.0, 5.0]), np.array([2.0, 1.0]))},
                                       "ax": _axes(), "xlabel": "t", "ylabel": "y", "title": "x", "logx": True,
                                       "logy": True, "floor": 1e-15, "legend": True}),
     x=_data_pos("free", extra=(("2-D", np.ones((1, 5))),)), measured=_dict_of("gap", _G5, *_SERIES_BAD),
     bounds=custom(("None", None), ("a list", [np.ones(5)]), *((f"an entry {w}", {"gap": b}) for w, b in _SERIES_BAD),
                   ("a pair of different lengths", {"b": (np.ones(2), np.ones(3))}), ("three arrays", {"b": (_G5, _G5, _G5)})),
     ax=AX, xlabel=STR, ylabel=STR, title=STR, logx=BOOL, logy=BOOL, floor=FLOOR_ARG, legend=BOOL)
case("fisherlab.viz.npg.method_curves",
     lambda: (vnpg.method_curves, {"curves": {"npg, eta = 1": _G5, "pg": _G5[::-1]}, "ax": _axes(),
                                   "bounds": {"pg": np.ones(5)}, "title": "x", "xlabel": "t", "ylabel": "y",
                                   "floor": 1e-15, "logx": True, "legend": True}),
     curves=_dict_of("npg", _G5, *_SERIES_BAD[:2], ("empty", np.zeros(0)), ("2-D", np.ones((2, 2)))), ax=AX,
     bounds=custom(("a list", [np.ones(5)]), ("an entry with a NaN", {"pg": np.array([np.nan, 1.0])}), optional=True),
     title=STR, xlabel=STR, ylabel=STR, floor=FLOOR_ARG, logx=BOOL, legend=BOOL)
_W = np.array([0.5, -0.2, 0.1])
case("fisherlab.viz.npg.direction_scatter",
     lambda: (vnpg.direction_scatter, {"closed_form": _W, "natural": _W + 0.01, "vanilla": _W / 3,
                                       "axes": None}),
     closed_form=_data("free", extra=(("empty", np.zeros(0)), ("2-D", np.ones((3, 1))))), natural=_data(), vanilla=_data(),
     axes=custom(("a function", _axes), ("a string", "ax"), ("three Axes", [None, None, None]), optional=True))
case("fisherlab.viz.npg.greedy_limit",
     lambda: (vnpg.greedy_limit, {"etas": np.array([1.0, 10.0, 100.0]), "distances": {"chain": np.array([0.5, 0.1, 0.0])},
                                  "ax": _axes(), "title": "x"}),
     etas=_data_pos("free", extra=(("2-D", np.ones((1, 3))),)),
     distances=_dict_of("chain", np.ones(3), ("with a NaN", np.array([np.nan, 0.1, 0.0])),
                        ("with a negative distance", np.array([-0.5, 0.1, 0.0])), ("of 2 values for 3", np.ones(2))),
     ax=AX, title=STR)
case("fisherlab.viz.npg.plateau_lengths",
     lambda: (vnpg.plateau_lengths, {"ns": np.array([2, 4, 8]), "iterations": {"pg": [3, 10, None], "npg": [1, 1, 2]},
                                     "budget": 100, "ax": _axes(), "xlabel": "n", "title": "x"}),
     ns=_data("free", extra=(("2-D", np.ones((1, 3))), ("empty", np.zeros(0)))),
     iterations=_dict_of("pg", [1, 2, 3], ("of 2 counts for 3 sizes", [1, 2]), ("with a count 2.5", [1, 2.5, 3]),
                         ("with a count -1", [1, -1, 3]), ("a string", "123"), ("with a string count", [1, "2", 3])),
     budget=integer(1, optional=True), ax=AX, xlabel=STR, title=STR)
case("fisherlab.viz.npg.fisher_conditioning",
     lambda: (vnpg.fisher_conditioning, {"t": np.arange(4.0), "gap": np.array([1.0, 0.1, 0.01, 0.0]),
                                         "log10_kappa_low": np.array([1.0, 2.0, 3.0, 4.0]),
                                         "log10_kappa_high": np.array([1.5, 2.5, 3.5, 4.5]), "ax": _axes(),
                                         "floor": 1e-15, "title": "x"}),
     t=_data("free", extra=(("2-D", np.ones((1, 4))), ("empty", np.zeros(0)))), gap=_data(), log10_kappa_low=_data(),
     log10_kappa_high=_data(extra=(("below the lower bound", np.zeros(4)),)), ax=AX, floor=FLOOR_ARG, title=STR)
case("fisherlab.viz.npg.regularisation_bias",
     lambda: (vnpg.regularisation_bias, {"taus": np.array([0.01, 0.1, 1.0]), "bias": {"chain": np.array([0.001, 0.01, 0.1])},
                                         "bound": np.array([0.01, 0.1, 1.0]), "ax": _axes(), "title": "x"}),
     taus=_data_pos("free", extra=(("2-D", np.ones((1, 3))),)),
     bias=_dict_of("chain", np.ones(3), ("with a NaN", np.array([np.nan, 0.1, 0.0])), ("of 2 values for 3", np.ones(2))),
     bound=_data(extra=(("a dict with 2 values for 3", {"chain": np.ones(2)}),)), ax=AX, title=STR)

case("fisherlab.viz.course.Chapter", lambda: (vcourse.Chapter, {"number": 1, "title": "Fisher", "formula": "$I$"}),
     number=integer(1), title=STR, formula=STR)
case("fisherlab.viz.course.read_chapters", lambda: (vcourse.read_chapters, {"folder": "."}),
     folder=custom(("None", None), ("an int", 3), ("a missing folder", "/nonexistent/folder")))
case("fisherlab.viz.course.chapter_path",
     lambda: (vcourse.chapter_path, {"chapters": [vcourse.Chapter(1, "One"), vcourse.Chapter(2, "Two")], "per_row": 3,
                                     "title": "x"}),
     chapters=custom(("None", None), ("a string", "ch"), ("no chapters", []), ("a list of strings", ["a"]),
                     ("a single Chapter", vcourse.Chapter(1, "One"))),
     per_row=integer(1), title=Arg("str", optional=True))


def _fig():
    return plt.subplots(figsize=(2, 1.5))[0]


def _anim():
    fig, ax = plt.subplots(figsize=(2, 1.5))
    (line,) = ax.plot([0, 1], [0, 1])
    from matplotlib.animation import FuncAnimation

    anim = FuncAnimation(fig, lambda k: line.set_ydata([0, k]), frames=2)
    anim._draw_was_started = True  # a probe that is rejected never draws it: no warning on deletion
    return anim


case("fisherlab.viz.animation.animate",
     lambda: (vanim.animate, {"fig": _fig(), "update": lambda k: None, "frames": [0, 1], "alt": "two frames",
                              "interval": 100, "default_mode": "once", "colors": 16}),
     fig=obj("must be a matplotlib Figure", wrong=np.zeros(2)), update=CALLABLE,
     frames=custom(("None", None), ("an int", 3), ("a string", "ab"), ("no frames", [])),
     alt=custom(("None", None), ("an int", 3), ("an empty string", " ")), interval=integer(1),
     default_mode=CHOICE, colors=integer(2, optional=True, extra=(("257", 257),)))
case("fisherlab.viz.animation.to_html", lambda: (vanim.to_html, {"anim": _anim(), "alt": "two frames", "default_mode": "loop"}),
     anim=obj("must be a matplotlib animation", wrong=np.zeros(2)),
     alt=custom(("None", None), ("an int", 3), ("an empty string", " ")), default_mode=CHOICE)
case("fisherlab.viz.style.figure_png", lambda: (vstyle.figure_png, {"fig": _fig()}),
     fig=obj("must be a matplotlib Figure", wrong=np.zeros(2)))
case("fisherlab.viz.style.use_style", lambda: (vstyle.use_style, {}))

from fisherlab.viz import optim as voptim  # noqa: E402

_GX5 = np.array([0.5, -0.3, 1.2, 0.8, 0.1])
_MODEL = obj("must be a GaussianMLE", wrong=_a_family())
case("fisherlab.viz.optim.metric_balls",
     lambda: (voptim.metric_balls, {"model": models.GaussianMLE(_GX5, "mu_sigma"), "theta": np.array([0.3, 1.0]),
                                    "radius": 0.05, "ax": _axes(), "span": 2.2, "title": "x"}),
     model=_MODEL, theta=_data(extra=(("sigma <= 0", np.array([0.3, -1.0])),)), radius=pos("scalar", big=False),
     ax=AX, span=pos("scalar", big=False), title=Arg("str", optional=True))
_PATH = np.array([[0.0, 1.0], [0.2, 0.9], [0.4, 0.8]])
case("fisherlab.viz.optim.invariance_paths",
     lambda: (voptim.invariance_paths, {"reference": models.GaussianMLE(_GX5, "mu_sigma"),
                                        "paths": {"gd": {"mu_sigma": _PATH}, "ngd": {"mu_sigma": _PATH}},
                                        "axes": None, "mle": np.array([0.46, 0.5])}),
     reference=_MODEL,
     paths=custom(("None", None), ("a list", [_PATH]), ("no 'ngd'", {"gd": {"mu_sigma": _PATH}}),
                  ("an unknown parameterisation", {"gd": {"nope": _PATH}, "ngd": {"mu_sigma": _PATH}}),
                  ("a 1-D path", {"gd": {"mu_sigma": _PATH[0]}, "ngd": {"mu_sigma": _PATH}}),
                  ("a NaN path", {"gd": {"mu_sigma": _PATH * np.nan}, "ngd": {"mu_sigma": _PATH}}),
                  ("sigma <= 0", {"gd": {"mu_sigma": -_PATH}, "ngd": {"mu_sigma": _PATH}})),
     axes=custom(("a string", "ax"), ("one Axes in a list", [None]), optional=True),
     mle=_data(optional=True))
case("fisherlab.viz.optim.convergence_curves",
     lambda: (voptim.convergence_curves, {"curves": {10.0: {"gd": np.array([2.0, 1.5, 1.2]), "ngd": np.array([2.0, 1.0, 1.0])}},
                                          "loss_star": 1.0, "ax": _axes()}),
     curves=custom(("None", None), ("a list", [1.0]), ("an empty dict", {}), ("no 'ngd'", {1.0: {"gd": np.ones(2)}}),
                   ("a NaN loss", {1.0: {"gd": np.array([np.nan, 1.0]), "ngd": np.ones(2)}}),
                   ("a string key", {"k": {"gd": np.ones(2), "ngd": np.ones(2)}})),
     loss_star=real("scalar", big=False), ax=AX)
case("fisherlab.viz.optim.direction_fields",
     lambda: (voptim.direction_fields, {"models": {"data": models.GaussianMLE(_GX5, "mu_log_sigma")},
                                        "mu_range": (-1.0, 2.0), "log_sigma_range": (-1.0, 1.0), "damping": 1e-8,
                                        "n_grid": 3, "axes": None}),
     models=custom(("None", None), ("an empty dict", {}), ("a family", {"a": _a_family()}),
                   ("the wrong parameterisation", {"a": models.GaussianMLE(_GX5, "mu_sigma")})),
     mu_range=custom(("None", None), ("one number", 1.0), ("(2, -1)", (2.0, -1.0)), ("NaN", (np.nan, 1.0))),
     log_sigma_range=custom(("None", None), ("three numbers", (0.0, 1.0, 2.0)), ("strings", ("a", "b"))),
     damping=nonneg("scalar", big=False), n_grid=integer(2),
     axes=custom(("a string", "ax"), ("the wrong shape", np.empty((2, 2), dtype=object)), optional=True))
case("fisherlab.viz.optim.cost_scaling",
     lambda: (voptim.cost_scaling, {"dims": np.array([10.0, 20.0, 40.0]), "times": {"cg": np.array([0.1, 0.2, 0.4])},
                                    "ax": _axes(), "slopes": {"cg": 1.0}}),
     dims=_data_pos("free", extra=(("2-D", np.ones((1, 3))),)),
     times=_dict_of("cg", np.ones(3), ("of 2 values for 3", np.ones(2)), ("with 0 seconds", np.zeros(3)),
                    ("with a NaN", np.array([np.nan, 1.0, 1.0]))),
     ax=AX, slopes=custom(("a list", [1.0]), ("a string slope", {"cg": "1"}), optional=True))
case("fisherlab.viz.optim.cg_residuals",
     lambda: (voptim.cg_residuals, {"results": {"A": linalg.cg(np.eye(2) * 2.0, np.ones(2))}, "ax": _axes(), "tol": 1e-6}),
     results=custom(("None", None), ("an empty dict", {}), ("an entry that is not a CGResult", {"A": np.ones(3)})),
     ax=AX, tol=pos("scalar", optional=True, big=False))
case("fisherlab.viz.optim.cg_iteration_spread",
     lambda: (voptim.cg_iteration_spread, {"counts": {0.1: [12, 11, 13]}, "claimed": {0.1: (10, 14)}, "ax": _axes()}),
     counts=custom(("None", None), ("a list", [12]), ("another damping", {0.2: [12]}), ("a count of 0", {0.1: [0, 1]}),
                   ("a NaN count", {0.1: [np.nan]})),
     claimed=custom(("None", None), ("one number", {0.1: 10}), ("(14, 10)", {0.1: (14, 10)}), ("(0, 10)", {0.1: (0, 10)})),
     ax=AX)
case("fisherlab.viz.optim.kfac_comparison",
     lambda: (voptim.kfac_comparison, {"fisher": np.eye(2) * 2.0, "kfac": np.eye(2), "axes": None}),
     fisher=real("fixed", big=False, extra=(("zero", np.zeros((2, 2))),)), kfac=real("fixed", big=False),
     axes=custom(("a string", "ax"), ("two Axes", [None, None]), optional=True))


from fisherlab.viz import scores as vscores  # noqa: E402

_SX = np.array([4.0, 5.5, 6.0])
_SGRID = np.linspace(3.0, 7.0, 5)
_COLOR = skip("a matplotlib colour: matplotlib checks it")
_SFAMILY = obj("must be a fisherlab Family", wrong=_a_policy(), extra=(("a 2-parameter family", fl.NormalMeanScale()),))
_YLIM = custom(("one number", 1.0), ("(0, -1)", (0.0, -1.0)), ("(NaN, 0)", (np.nan, 0.0)), ("a string", "ab"),
               optional=True)
_ORDERS = custom(("None", None), ("an empty tuple", ()), ("order 3", (0, 3)), ("order 0.5", (0.5,)), ("an int", 1))
_YLIMS = custom(("a number", 1.0), ("one pair for two orders", [(-1.0, 0.0)]), ("(0, -1)", [(0.0, -1.0), None]),
                optional=True)


def _grid_axes(rows=2):
    return plt.subplots(rows, 2, figsize=(3, 2), squeeze=False)[1]


def _panel_rows():
    return vscores.derivative_panels(_grid_axes(), fl.NormalMean(), _SX, _SGRID, 5.0)


case("fisherlab.viz.scores.loglik_votes",
     lambda: (vscores.loglik_votes, {"ax": _axes(), "family": fl.NormalMean(), "x": _SX, "theta_grid": _SGRID,
                                     "votes": _SX, "truth": 5.0, "color": "C0", "title": "x", "ylim": (-12.0, 0.0),
                                     "max_curves": 2}),
     ax=AX_REQUIRED, family=_SFAMILY, x=_data(), theta_grid=_data("free", extra=(("2-D", np.ones((2, 2))),)),
     votes=_data(), truth=real("scalar", optional=True, big=False), color=_COLOR, title=TEXT, ylim=_YLIM,
     max_curves=integer(1))
case("fisherlab.viz.scores.derivative_panels",
     lambda: (vscores.derivative_panels, {"axes": _grid_axes(), "family": fl.NormalMean(), "x": _SX, "theta_grid": _SGRID,
                                          "theta0": 5.0, "orders": (0, 1), "truth": 5.0, "color": "C0",
                                          "ylims": [(-12.0, 0.0), None], "bins": 3, "max_curves": 2}),
     axes=custom(("None", None), ("one Axes", _axes()), ("a string", "ax"), ("the wrong shape", np.empty((2, 1), dtype=object))),
     family=_SFAMILY, x=_data("free"), theta_grid=_data("free"), theta0=real("scalar", big=False), orders=_ORDERS,
     truth=real("scalar", optional=True, big=False), color=_COLOR, ylims=_YLIMS, bins=integer(1), max_curves=integer(1))
case("fisherlab.viz.scores.move_panels",
     lambda: (vscores.move_panels, {"rows": _panel_rows(), "family": fl.NormalMean(), "x": _SX, "theta0": 4.5}),
     rows=custom(("None", None), ("an empty list", []), ("a list of ints", [1]), ("a dict without the artists", [{"order": 0}])),
     family=_SFAMILY, x=_data("free"), theta0=real("scalar", big=False))
case("fisherlab.viz.scores.derivative_figure",
     lambda: (vscores.derivative_figure, {"family": fl.NormalMean(), "x": _SX, "theta_grid": _SGRID, "theta0": 5.0,
                                          "orders": (0, 1), "truth": 5.0, "color": "C0", "ylims": None, "title": "x",
                                          "figsize": (3.0, 2.0)}),
     family=_SFAMILY, x=_data("free"), theta_grid=_data("free"), theta0=real("scalar", big=False), orders=_ORDERS,
     truth=real("scalar", optional=True, big=False), color=_COLOR, ylims=_YLIMS, title=TEXT,
     figsize=_data_pos(optional=True))
case("fisherlab.viz.scores.score_sweep_animation",
     lambda: (vscores.score_sweep_animation, {"family": fl.NormalMean(), "x": _SX, "theta_grid": _SGRID,
                                              "theta0_values": np.array([4.0, 6.0]), "truth": 5.0, "color": "C0",
                                              "interval": 100, "max_curves": 2}),
     family=_SFAMILY, x=_data("free"), theta_grid=_data("free"), theta0_values=_data("free", extra=(("2-D", np.ones((2, 2))),)),
     truth=real("scalar", big=False), color=_COLOR, interval=integer(1), max_curves=integer(1))


def _score_case():
    return {"family": fl.NormalMean(), "x": _SX, "truth": 5.0, "label": "a", "color": "C0"}


case("fisherlab.viz.scores.score_distributions",
     lambda: (vscores.score_distributions, {"axes": plt.subplots(1, 2, figsize=(3, 2))[1], "cases": [_score_case(), _score_case()],
                                            "bins": 3}),
     axes=custom(("None", None), ("one Axes for two cases", [_axes()]), ("a string", "ax")),
     cases=custom(("None", None), ("an empty list", []), ("a list of ints", [1, 2]), ("a case without x", [{"family": fl.NormalMean()}] * 2),
                  ("a case with a policy", [dict(_score_case(), family=_a_policy())] * 2),
                  ("a case with a NaN truth", [dict(_score_case(), truth=np.nan)] * 2),
                  ("a case with string observations", [dict(_score_case(), x=np.array(["a"]))] * 2)),
     bins=integer(1))


def _narrowing_table():
    rows = []
    for scale in (2.0, 1.0):
        family = fl.CauchyLocation(scale)
        x = family.sample(0.0, 20, rng=g(1))
        rows.append({"scale": scale, "exact": family.fisher_exact(0.0),
                     "minus_mean_hessian": fl.fisher_from_hessians(family.hessian(0.0, x)),
                     "mean_squared_score": fl.fisher_from_scores(family.score(0.0, x))})
    return rows


case("fisherlab.viz.scores.narrowing_animation",
     lambda: (vscores.narrowing_animation, {"make_family": lambda s: fl.CauchyLocation(s), "table": _narrowing_table(),
                                            "truth": 0.0, "n_samples": 20, "seed": 1, "theta_grid": np.linspace(-3, 3, 5),
                                            "interval": 100}),
     make_family=CALLABLE,
     table=custom(("None", None), ("an empty list", []), ("a dict", {"scale": 1.0}), ("a row without exact", [{"scale": 1.0}]),
                  ("a NaN scale", [{"scale": np.nan, "exact": 1.0, "minus_mean_hessian": None, "mean_squared_score": None}])),
     truth=real("scalar", big=False), n_samples=integer(1), seed=integer(0), theta_grid=_data("free"), interval=integer(1))
case("fisherlab.viz.scores.estimator_variance",
     lambda: (vscores.estimator_variance, {"ax": _axes(), "n_values": np.array([10.0, 100.0]),
                                           "series": {"MLE": (np.array([0.2, 0.02]), np.array([0.01, 0.001]), "C0")},
                                           "bound": 2.0, "title": "x"}),
     ax=AX_REQUIRED, n_values=_data_pos("free", extra=(("2-D", np.ones((1, 2))),)),
     series=_dict_of("MLE", (np.ones(2), np.ones(2), "C0"), ("of two arrays", (np.ones(2), np.ones(2))),
                     ("with 3 variances for 2 sizes", (np.ones(3), np.ones(3), "C0")),
                     ("with a NaN variance", (np.array([np.nan, 1.0]), np.ones(2), "C0")),
                     ("with a negative standard error", (np.ones(2), -np.ones(2), "C0"))),
     bound=pos("scalar", big=False), title=TEXT)
case("fisherlab.viz.scores.information_curve",
     lambda: (vscores.information_curve, {"ax": _axes(), "grid": np.array([0.2, 0.5, 0.8]), "exact": np.array([6.25, 4.0, 6.25]),
                                          "mc_points": [(0.5, fl.fisher_from_scores(np.array([2.0, -2.0, 1.9, -2.1])))],
                                          "xlabel": "p", "ylabel": "I", "title": "x", "logy": True, "color": "C0"}),
     ax=AX_REQUIRED, grid=_data("free", extra=(("2-D", np.ones((1, 3))),)), exact=_data_pos(),
     mc_points=custom(("a number", 1.0), ("a pair without an estimate", [(0.5, 1.0)]), ("a NaN theta", [(np.nan, None)]),
                      ("a triple", [(0.5, 1.0, 2.0)]), optional=True),
     xlabel=STR, ylabel=STR, title=TEXT, logy=BOOL, color=_COLOR)
case("fisherlab.viz.scores.explorer",
     lambda: (vscores.explorer, {"sigma": 2.0, "mu0": 3.0, "n": 10, "truth": 5.0, "seed": 0}),
     sigma=pos("scalar", big=False), mu0=real("scalar", big=False), n=integer(1), truth=real("scalar", big=False),
     seed=integer(0))


from fisherlab.viz import matrices as vmat  # noqa: E402

_COV = np.array([[1.0, 0.5], [0.5, 1.0]])
_MU = np.array([0.0, 0.0])
_MX = np.array([[0.5, -0.2], [1.0, 0.3], [-0.4, 0.1]])
_S2 = np.array([[0.5, -0.2], [1.0, 0.3], [-0.4, 0.1], [0.2, 0.2]])
_FAMILY2 = obj("must be a fisherlab Family", wrong=_a_policy(), extra=(("a 1-parameter family", fl.NormalMean()),))
_THETA2 = _data(extra=(("3 coordinates", np.zeros(3)),))


def _gm():
    return fl.GaussianMean(_COV)


case("fisherlab.viz.matrices.ellipse_points",
     lambda: (vmat.ellipse_points, {"A": _COV, "radius": 2.0, "center": np.array([1.0, 0.0]), "inverse": False,
                                    "n_points": 8}),
     A=Arg("spd", extra=(("3 x 3", np.eye(3)),)), radius=pos("scalar", big=False), center=_data(optional=True),
     inverse=BOOL, n_points=integer(4))
case("fisherlab.viz.matrices.draw_ellipse",
     lambda: (vmat.draw_ellipse, {"ax": _axes(), "A": _COV, "radius": 1.0, "center": np.array([0.5, 0.0]), "inverse": True,
                                  "axes_lines": True}),
     ax=AX_REQUIRED, A=SPD, radius=pos("scalar", big=False), center=_data(optional=True), inverse=BOOL, axes_lines=BOOL)
case("fisherlab.viz.matrices.parameter_grid",
     lambda: (vmat.parameter_grid, {"center": np.array([0.0, 1.0]), "half_width": 2.0, "n": 3}),
     center=_data(), half_width=pos(big=False, extra=(("3 widths", np.ones(3)),)), n=integer(2))
case("fisherlab.viz.matrices.loglik_contours",
     lambda: (vmat.loglik_contours, {"ax": _axes(), "family": _gm(), "x_obs": np.array([0.5, -0.2]), "theta_true": _MU,
                                     "point": np.array([0.5, 0.5]), "half_width": 1.0, "levels": 3, "arrow_scale": 0.3}),
     ax=AX_REQUIRED, family=_FAMILY2, x_obs=_data(), theta_true=_THETA2, point=_data(optional=True),
     half_width=pos(big=False, extra=(("3 widths", np.ones(3)),)), levels=integer(1), arrow_scale=real("scalar", big=False))
case("fisherlab.viz.matrices.observation_ellipses",
     lambda: (vmat.observation_ellipses, {"ax": _axes(), "family": _gm(), "x": _MX, "theta_true": _MU,
                                          "half_width": 1.0, "drop": 2.0, "arrow_scale": 0.25}),
     ax=AX_REQUIRED, family=_FAMILY2, x=_data("last"), theta_true=_THETA2, half_width=pos(big=False, extra=(("3 widths", np.ones(3)),)),
     drop=pos("scalar", big=False), arrow_scale=real("scalar", big=False))
case("fisherlab.viz.matrices.score_histogram",
     lambda: (vmat.score_histogram, {"ax": _axes(), "scores": _S2, "fisher": _COV, "extent": 3.0, "bins": 4,
                                     "radius": 2.0, "title": "x", "family": _gm()}),
     ax=AX_REQUIRED, scores=_data("last", extra=(("one score with the ellipses", _S2[:1]),)), fisher=Arg("spd", optional=True),
     extent=pos("scalar", big=False), bins=integer(1), radius=pos("scalar", big=False), title=TEXT,
     family=obj("must be a fisherlab Family", optional=True, wrong=_a_policy()))
_MGRID = vmat.parameter_grid(np.zeros(2), 1.0, n=2)[2]
case("fisherlab.viz.matrices.score_field",
     lambda: (vmat.score_field, {"ax": _axes(), "family": _gm(), "x": _MX, "theta_true": _MU, "grid": _MGRID,
                                 "field": -_MGRID, "half_width": 1.0}),
     ax=AX_REQUIRED, family=_FAMILY2, x=_data("last"), theta_true=_THETA2, grid=_data(), field=_data(),
     half_width=pos(big=False, extra=(("3 widths", np.ones(3)),)))
case("fisherlab.viz.matrices.direction_slices",
     lambda: (vmat.direction_slices, {"axes": list(plt.subplots(1, 2, figsize=(3, 2))[1]), "family": _gm(), "x": _MX,
                                      "theta_true": _MU, "directions": np.array([[1.0, 1.0], [1.0, -1.0]]), "t_max": 1.0,
                                      "colors": None, "max_curves": 2}),
     axes=custom(("None", None), ("one Axes for two directions", [_axes()]), ("a string", "ax")),
     family=_FAMILY2, x=_data("last"), theta_true=_THETA2,
     directions=_data(extra=(("a zero direction", np.array([[0.0, 0.0], [1.0, -1.0]])),)), t_max=pos("scalar", big=False),
     colors=custom(("a string", "C0"), ("one colour for two directions", ["C0"]), optional=True), max_curves=integer(1))
case("fisherlab.viz.matrices.directional_polar",
     lambda: (vmat.directional_polar, {"ax": _axes(), "F": _COV, "color": "C0", "label": "F", "n_angles": 5}),
     ax=AX_REQUIRED, F=Arg("spd", extra=(("3 x 3", np.eye(3)),)), color=_COLOR, label=TEXT, n_angles=integer(2))
case("fisherlab.viz.matrices.directional_animation",
     lambda: (vmat.directional_animation, {"F": _COV, "scores": _S2, "n_frames": 2, "extent": 3.0, "alt": "a turn"}),
     F=Arg("spd", extra=(("3 x 3", np.eye(3)),)), scores=_data("last"), n_frames=integer(2), extent=pos("scalar", big=False),
     alt=custom(("None", None), ("an int", 3), ("an empty string", " ")))
case("fisherlab.viz.matrices.direction_panels",
     lambda: (vmat.direction_panels, {"axes": plt.subplots(1, 2, figsize=(3, 2))[1], "cov": _COV, "angle_deg": 45.0,
                                      "n_samples": 20, "seed": 0}),
     axes=custom(("None", None), ("one Axes", [_axes()]), ("a string", "ax")),
     cov=Arg("spd", extra=(("3 x 3", np.eye(3)),)), angle_deg=real("scalar", big=False), n_samples=integer(1), seed=integer(0))
case("fisherlab.viz.matrices.direction_explorer",
     lambda: (vmat.direction_explorer, {"rho": 0.5, "sigma1": 1.0, "sigma2": 1.0, "angle_deg": 45.0, "n_samples": 20,
                                        "seed": 0}),
     rho=real("scalar", big=False, extra=(("1.0", 1.0), ("-1.0", -1.0))), sigma1=pos("scalar", big=False),
     sigma2=pos("scalar", big=False), angle_deg=real("scalar", big=False), n_samples=integer(1), seed=integer(0))


def _mc_curve():
    return est.fisher_mc_error(fl.NormalMeanScale(), np.array([0.0, 1.0]), np.array([10, 20]), n_repeats=2, rng=g())


case("fisherlab.viz.matrices.mc_error_loglog",
     lambda: (vmat.mc_error_loglog, {"ax": _axes(), "curves": _mc_curve(), "labels": ["score"]}),
     ax=AX_REQUIRED, curves=custom(("None", None), ("an empty list", []), ("a list of arrays", [np.ones(2)]), ("a string", "c")),
     labels=custom(("a string", "ab"), ("two labels for one curve", ["a", "b"]), ("an int label", [3]), optional=True))
case("fisherlab.viz.matrices.null_direction",
     lambda: (vmat.null_direction, {"axes": plt.subplots(1, 2, figsize=(3, 2))[1], "family": fl.Categorical(3),
                                    "theta_true": np.array([0.0, 0.5, -0.5]), "half_width": 1.0}),
     axes=custom(("None", None), ("one Axes", [_axes()]), ("a string", "ax")),
     family=obj("must be a fisherlab Categorical", wrong=_a_family()), theta_true=_data(extra=(("2 logits for 3", np.zeros(2)),)),
     half_width=pos("scalar", big=False))


from fisherlab.viz import divergences as vdiv  # noqa: E402

_DSTEPS = np.array([0.01, 0.02, 0.04])


def _approx(divergence="kl"):
    return dv.approximation_error(fl.Bernoulli(), 0.3, 1.0, _DSTEPS, divergence=divergence)


_APPROX = obj("must be an ApproximationError", wrong=_a_family())
case("fisherlab.viz.divergences.kl_vs_quadratic",
     lambda: (vdiv.kl_vs_quadratic, {"ax": _axes(), "family": fl.Bernoulli(), "theta": 0.3,
                                     "steps": np.array([-0.1, 0.0, 0.1]), "direction": 1.0, "base": 2.0}),
     ax=AX_REQUIRED, family=obj("must be a fisherlab Family", wrong=_a_policy()),
     theta=real("scalar", big=False, extra=(("p = 1.5", 1.5),)), steps=_data("free", extra=(("2-D", np.ones((1, 3))),)),
     direction=real("scalar", big=False, extra=(("0", 0.0),)), base=pos("scalar", optional=True, big=False, extra=(("1.0", 1.0),)))
case("fisherlab.viz.divergences.error_loglog",
     lambda: (vdiv.error_loglog, {"ax": _axes(), "results": [_approx()], "labels": ["Bernoulli"], "colors": ["C0"],
                                  "reference_slope": 3.0}),
     ax=AX_REQUIRED, results=custom(("None", None), ("an empty list", []), ("a list of arrays", [np.ones(3)]), ("a result", _approx())),
     labels=custom(("None", None), ("a string", "B"), ("two labels for one result", ["a", "b"]), ("an int label", [3])),
     colors=custom(("a string", "C0"), ("an empty list", []), optional=True), reference_slope=real("scalar", big=False))
case("fisherlab.viz.divergences.direction_gap",
     lambda: (vdiv.direction_gap, {"ax": _axes(), "forward": _approx(), "reverse": _approx("reverse_kl")}),
     ax=AX_REQUIRED, forward=_APPROX,
     reverse=obj("must be an ApproximationError", wrong=_a_family(),
                 extra=(("other steps", dv.approximation_error(fl.Bernoulli(), 0.3, 1.0, _DSTEPS * 2, divergence="reverse_kl")),)))
case("fisherlab.viz.divergences.local_ratios",
     lambda: (vdiv.local_ratios, {"ax": _axes(), "family": fl.Bernoulli(), "theta": 0.3, "direction": 1.0, "steps": _DSTEPS,
                                  "fdivs": [dv.KL, dv.CHI_SQUARE]}),
     ax=AX_REQUIRED, family=obj("must be a fisherlab Family", wrong=_a_policy()), theta=real("scalar", big=False),
     direction=real("scalar", big=False, extra=(("0", 0.0),)), steps=_data_pos("free"),
     fdivs=custom(("None", None), ("an empty list", []), ("a string", "KL"), ("a list of strings", ["KL"])))
case("fisherlab.viz.divergences.seed_check",
     lambda: (vdiv.seed_check, {"ax": _axes(), "steps": _DSTEPS, "correct_ratio": np.ones(3), "note_ratio": np.full(3, 0.7)}),
     ax=AX_REQUIRED, steps=_data("free", extra=(("2-D", np.ones((1, 3))),)), correct_ratio=_data(), note_ratio=_data())
case("fisherlab.viz.divergences.kl_contours",
     lambda: (vdiv.kl_contours, {"ax": _axes(), "family": fl.GaussianMean(_COV), "theta": np.zeros(2),
                                 "deltas": np.array([0.1, 0.3]), "half_width": 1.0, "n": 5, "colors": ["C0", "C1"],
                                 "js": False}),
     ax=AX_REQUIRED, family=obj("must be a fisherlab Family", wrong=_a_policy(), extra=(("a 1-parameter family", fl.NormalMean()),)),
     theta=_data(), deltas=_data_pos("free"), half_width=pos(big=False, extra=(("3 widths", np.ones(3)),)), n=integer(2),
     colors=custom(("a string", "C0"), ("an empty list", []), optional=True), js=BOOL)
case("fisherlab.viz.divergences.constrained_step",
     lambda: (vdiv.constrained_step, {"ax": _axes(), "g": np.array([1.0, 0.5]), "F": _COV, "delta": 0.1,
                                      "brute": np.array([0.3, 0.1]), "half_width": 1.0}),
     ax=AX_REQUIRED, g=_data(extra=(("zero", np.zeros(2)),)), F=Arg("spd", extra=(("3 x 3", np.eye(3)),)),
     delta=pos("scalar", big=False), brute=_data(optional=True), half_width=pos("scalar", optional=True, big=False))


from fisherlab.viz import rl as vrl  # noqa: E402

_T3 = np.array([0.0, 0.5, 1.0])
case("fisherlab.viz.rl.surrogate_vs_objective",
     lambda: (vrl.surrogate_vs_objective, {"ts": _T3, "J": np.array([0.0, 0.1, 0.15]), "L": np.array([0.0, 0.12, 0.2]),
                                           "bound": np.array([0.0, -0.5, -np.inf]), "delta_t": 0.5, "ax": _axes(),
                                           "xlabel": "t"}),
     ts=_data("free", extra=(("2-D", np.ones((1, 3))),)), J=_data(), L=_data(),
     bound=custom(("None", None), ("NaN", np.array([0.0, np.nan, 0.0])), ("2 values for 3", np.zeros(2)), ("strings", np.array(["a"] * 3))),
     delta_t=real("scalar", optional=True, big=False), ax=AX, xlabel=STR)
case("fisherlab.viz.rl.learning_curves",
     lambda: (vrl.learning_curves, {"curves": {"npg": (np.arange(3.0), np.array([[0.0, 1.0, 2.0], [0.0, np.nan, 1.5]]))},
                                    "xlabel": "k", "ylabel": "J", "title": "x", "target": 2.0, "target_label": "J*",
                                    "band": "std", "ax": _axes()}),
     curves=_dict_of("npg", (_T3, _T3), ("of one array", _T3), ("with 2 values for 3 points", (_T3, np.ones(2))),
                     ("with +inf", (_T3, np.array([0.0, np.inf, 1.0]))), ("3-D", (_T3, np.ones((1, 1, 3)))),
                     ("with a NaN abscissa", (np.array([0.0, np.nan, 1.0]), _T3))),
     xlabel=STR, ylabel=STR, title=STR, target=real("scalar", optional=True, big=False), target_label=TEXT, band=CHOICE, ax=AX)
case("fisherlab.viz.rl.kl_per_update",
     lambda: (vrl.kl_per_update, {"kls": {"trpo": np.array([[0.01, 0.02], [0.015, np.nan]])}, "delta": 0.02, "ax": _axes(),
                                  "log": True, "ylim": (1e-6, 1.0), "title": "x"}),
     kls=_dict_of("trpo", np.ones(2), ("negative", np.array([-0.1, 0.1])), ("3-D", np.ones((1, 1, 2))),
                  ("empty", np.zeros(0)), ("strings", np.array(["a"]))),
     delta=pos("scalar", big=False), ax=AX, log=BOOL,
     ylim=custom(("one number", 1.0), ("(1, 0.1)", (1.0, 0.1)), ("0 on a log axis", (0.0, 1.0)), ("NaN", (np.nan, 1.0)),
                 optional=True), title=STR)
_W0 = np.array([-1.0, 0.0, 1.0])
case("fisherlab.viz.rl.parameter_paths",
     lambda: (vrl.parameter_paths, {"w0": _W0, "w1": _W0[:2], "J": np.array([[0.0, 1.0, 0.5], [0.2, 0.3, 0.1]]),
                                    "paths": {"pg": np.array([[0.0, 0.0], [0.5, 0.5]])}, "ax": _axes(), "levels": 3}),
     w0=_data("free", extra=(("one coordinate", np.zeros(1)),)), w1=_data("free"), J=_data(),
     paths=_dict_of("pg", np.zeros((2, 2)), ("1-D", np.zeros(2)), ("3 coordinates", np.zeros((2, 3))),
                    ("with a NaN", np.array([[np.nan, 0.0]]))), ax=AX, levels=integer(1))
case("fisherlab.viz.rl.line_search_stats",
     lambda: (vrl.line_search_stats, {"n_backtracks": np.array([[0, 0, 1], [0, 3, 10]]), "backtrack_iters": 10,
                                      "ax": _axes(), "title": "x"}),
     n_backtracks=custom(("None", None), ("0.5 backtracks", np.array([0.5])), ("-1", np.array([-1])), ("11 > 10", np.array([11])),
                         ("NaN", np.array([np.nan])), ("strings", np.array(["a"])), ("empty", np.zeros(0)),
                         ("an empty dict", {}), ("a dict entry with -1", {"a": np.array([-1])})),
     backtrack_iters=integer(1), ax=AX, title=STR)


from fisherlab.viz import classics as vcls  # noqa: E402


def _panel():
    return {"values": np.array([-1.0, 0.2, 0.5, 9.0]), "variance": 1.0, "title": "x", "label": "N(0, 1)"}


case("fisherlab.viz.classics.mle_histograms",
     lambda: (vcls.mle_histograms, {"axes": plt.subplots(1, 2, figsize=(3, 2))[1], "panels": [_panel(), _panel()],
                                    "half_width": 3.0, "bins": 5}),
     axes=custom(("None", None), ("one Axes for two panels", [_axes()]), ("a string", "ax")),
     panels=custom(("None", None), ("an empty list", []), ("a list of ints", [1]), ("a panel without variance", [{"values": np.ones(2), "title": "x"}]),
                   ("a NaN value", [dict(_panel(), values=np.array([np.nan, 1.0]))]),
                   ("a variance of 0", [dict(_panel(), variance=0.0)]), ("an int title", [dict(_panel(), title=3)])),
     half_width=pos("scalar", big=False), bins=integer(1))
case("fisherlab.viz.classics.conditional_variance",
     lambda: (vcls.conditional_variance, {"ax": _axes(), "ratio": np.array([0.5, 1.0, 1.5]), "n_var": np.array([2.0, 1.0, 0.7]),
                                          "n_var_err": np.array([0.1, 0.1, 0.1]), "n_inv_observed": np.array([2.0, 1.0, 0.7]),
                                          "expected": 1.0}),
     ax=AX_REQUIRED, ratio=_data("free", extra=(("2-D", np.ones((1, 3))),)), n_var=_data(), n_var_err=Arg("nonneg", shape="fixed", big=False),
     n_inv_observed=_data(), expected=pos("scalar", big=False))
case("fisherlab.viz.classics.coverage_curves",
     lambda: (vcls.coverage_curves, {"ax": _axes(), "p_grid": np.array([0.01, 0.1, 0.5]),
                                     "curves": {"Wald": (np.array([0.5, 0.9, 0.95]), "C0")}, "level": 0.95,
                                     "points": {"sim": (np.array([0.1]), np.array([0.9]), np.array([0.01]), "C1")}}),
     ax=AX_REQUIRED, p_grid=_data_pos("free", extra=(("2-D", np.ones((1, 3))),)),
     curves=_dict_of("Wald", (np.ones(3), "C0"), ("of one array", np.ones(3)), ("with 2 values for 3", (np.ones(2), "C0")),
                     ("with a coverage 1.5", (np.array([0.5, 1.5, 0.9]), "C0")), ("with a NaN", (np.array([0.5, np.nan, 0.9]), "C0"))),
     level=prob("scalar", big=False),
     points=custom(("a list", [1.0]), ("an entry of two items", {"s": (np.ones(1), np.ones(1))}),
                   ("a negative standard error", {"s": (np.ones(1) * 0.1, np.ones(1) * 0.9, -np.ones(1), "C1")}),
                   ("p = 0 on a log axis", {"s": (np.zeros(1), np.ones(1) * 0.9, np.ones(1) * 0.01, "C1")}), optional=True))
_PHI = np.linspace(-3.0, 3.0, 4)
case("fisherlab.viz.classics.jeffreys_panels",
     lambda: (vcls.jeffreys_panels, {"axes": plt.subplots(1, 2, figsize=(3, 2))[1], "p_samples": np.array([0.1, 0.5, 0.95]),
                                     "p_grid": np.array([0.1, 0.5, 0.9]), "density_p": np.array([1.0, 0.6, 1.0]),
                                     "phi_grid": _PHI, "density_phi": np.full(4, 0.2), "flat_phi": np.full(4, 0.1)}),
     axes=custom(("None", None), ("one Axes", [_axes()]), ("a string", "ax")),
     p_samples=_data("free", extra=(("p = 1", np.array([0.5, 1.0])), ("p = 0", np.array([0.0, 0.5])))),
     p_grid=_data("free"), density_p=_data(extra=(("negative", np.array([1.0, -0.6, 1.0])),)),
     phi_grid=_data("free", extra=(("decreasing", _PHI[::-1]), ("one value", np.zeros(1)))),
     density_phi=_data(), flat_phi=_data())
case("fisherlab.viz.classics.nuisance_ellipses",
     lambda: (vcls.nuisance_ellipses, {"ax": _axes(), "F": _COV, "estimates": _S2, "radius": 2.0}),
     ax=AX_REQUIRED, F=Arg("spd", extra=(("3 x 3", np.eye(3)),)), estimates=_data("last"), radius=pos("scalar", big=False))
_GEO = np.array([[0.0, 1.0], [0.5, 1.3], [1.0, 1.0]])
case("fisherlab.viz.classics.half_plane_geodesics",
     lambda: (vcls.half_plane_geodesics, {"ax": _axes(), "geodesics": [_GEO], "segments": [_GEO[[0, 2]]]}),
     ax=AX_REQUIRED, geodesics=custom(("None", None), ("an empty list", []), ("an array", _GEO), ("a 1-D entry", [_GEO[0]]),
                                      ("a NaN point", [_GEO * np.nan])),
     segments=custom(("None", None), ("two for one geodesic", [_GEO, _GEO]), ("an entry of 3 coordinates", [np.ones((2, 3))])))
_MUG, _SIGG = np.linspace(-1.0, 1.0, 4), np.linspace(0.5, 2.0, 3)
case("fisherlab.viz.classics.half_plane_balls",
     lambda: (vcls.half_plane_balls, {"ax": _axes(), "mu_grid": _MUG, "sigma_grid": _SIGG,
                                      "kl_fields": [(np.add.outer(_SIGG, _MUG ** 2), np.add.outer(_SIGG, np.abs(_MUG)))],
                                      "centres": [(0.0, 1.0)], "level": 1.0, "fr_radius": 1.2}),
     ax=AX_REQUIRED, mu_grid=_data("free"), sigma_grid=_data_pos("free"),
     kl_fields=custom(("None", None), ("an empty list", []), ("an entry of one field", [np.ones((3, 4))]),
                      ("a field of the wrong shape", [(np.ones((4, 3)), np.ones((3, 4)))]),
                      ("a field of strings", [(np.full((3, 4), "a"), np.ones((3, 4)))])),
     centres=custom(("None", None), ("two centres for one field", [(0.0, 1.0), (1.0, 1.0)]), ("sigma <= 0", [(0.0, -1.0)]),
                    ("a NaN centre", [(np.nan, 1.0)])),
     level=pos("scalar", big=False), fr_radius=pos("scalar", big=False))


# ---- public callables with nothing to sweep -------------------------------------------------------------------
_RECORD = "a result record built by the library (frozen dataclass); its fields are outputs, not input"
EXEMPT = {
    "fisherlab.families._base.Family": "abstract base class; every concrete family is swept",
    "fisherlab.rl.policies.Policy": "abstract base class; every concrete policy is swept",
    "fisherlab.estimators.FisherEstimate": _RECORD,
    "fisherlab.estimators.MatrixErrorCurve": _RECORD,
    "fisherlab.divergences.ApproximationError": _RECORD,
    "fisherlab.linalg.CGResult": _RECORD,
    "fisherlab.optim.LineSearchResult": _RECORD,
    "fisherlab.optim.OptimResult": _RECORD,
    "fisherlab.models.ClassificationData": _RECORD + " (make_classification)",
    "fisherlab.rl.algorithms.StepInfo": _RECORD,
    "fisherlab.rl.algorithms.History": "the record of a run (run, run_exact); steps_to and as_arrays are swept",
    "fisherlab.rl.rollouts.Batch": _RECORD + " (collect)",
    "fisherlab.rl.estimators.VectorEstimate": _RECORD + "; z_score is swept",
    "fisherlab._validate.ArgumentTypeError": "the exception type of wrong kinds of argument",
    "fisherlab.viz.offline.Slider": "bad input tested one argument at a time in tests/test_viz_offline.py",
    "fisherlab.viz.offline.Slider.labels": "no argument",
    "fisherlab.viz.offline.slider_explorer": "bad input tested one argument at a time in tests/test_viz_offline.py",
    "fisherlab.rl.convergence.BatchProblem": "abstract base class; every concrete problem is swept",
    "fisherlab.rl.convergence.History": _RECORD + " (run, Runs.history)",
    "fisherlab.rl.convergence.Runs": _RECORD + " (run_batch); gaps, history and take are swept",
    "fisherlab.rl.convergence.SlopeFit": _RECORD + " (slope_interval)",
    "fisherlab.rl.convergence.Task": _RECORD + " (chapter_task); config is swept",
    "fisherlab.rl.exact_pg.ExactRun": _RECORD + " (run_npg, run_softmax_pg, ...)",
    "fisherlab.rl.exact_pg.EntropyNPGBound": _RECORD + " (entropy_npg_bound)",
    "fisherlab.rl.exact_pg.RegretBound": _RECORD + " (npg_regret_bound)",
    "fisherlab.rl.assumptions.GradientDomination": _RECORD + " (gradient_domination)",
}

# ---- the modules being changed in another branch (swept after the merge; none at present) ----------------------
LATER_REASON = "module being changed in another branch; swept after the merge"
LATER_MODULES = ()

#: every public callable of those modules, listed one by one (the completeness test holds this list to the API)
LATER = {name: LATER_REASON for name in (
)}


def _abstract_methods():
    from sweep_api import public_callables

    out = {}
    for name in public_callables():
        for base in ("fisherlab.families._base.Family.", "fisherlab.rl.policies.Policy.",
                     "fisherlab.rl.convergence.BatchProblem."):
            if name.startswith(base):
                out[name] = "a method of an abstract base class; swept through every concrete subclass"
    return out


EXEMPT.update(_abstract_methods())


# ---- rl.mlp, rl.ppo and PPO's fields of rl.algorithms.Config (Chapter 5: a neural policy, PPO) -------
from fisherlab.rl import mlp as _mlp  # noqa: E402
from fisherlab.rl import ppo as _ppo  # noqa: E402


def _mlp_policy():
    return _mlp.MLPSoftmax(2, n_features=2, hidden=3)


def _mlp_cases():
    name = "fisherlab.rl.mlp.MLPSoftmax"
    case(name, lambda: (_mlp.MLPSoftmax, {"n_actions": 2, "n_features": 2, "hidden": 3, "features": None,
                                          "bias": True}),
         n_actions=integer(2), n_features=integer(1, optional=True), hidden=integer(1), features=_FEATURES,
         bias=BOOL)
    make = _mlp_policy
    s_arg = real(extra=(("3 features for 2", np.ones((3, 3))), ("1-D", np.ones(2))))
    a_arg = index(2, extra=(("length 2 for 3 states", np.array([0, 1])),))
    _policy_method_cases(name, make, _STATES_F, s_arg, np.array([1, 0, 1]), a_arg)
    theta = np.linspace(-0.5, 0.5, make().dim)
    case(f"{name}.unpack", lambda: (make().unpack, {"theta": theta}), theta=real("fixed"))
    case(f"{name}.init_theta", lambda: (make().init_theta, {"rng": g(), "out_scale": 0.01}), rng=RNG,
         out_scale=pos("scalar", big=False))


_mlp_cases()

_ADAM = obj("must be a fisherlab.rl.ppo.Adam", wrong=_a_family())
case("fisherlab.rl.ppo.Adam", lambda: (_ppo.Adam, {"dim": 3, "lr": 0.01, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
     dim=integer(1), lr=pos("scalar", big=False), beta1=SCALAR_PROB, beta2=SCALAR_PROB, eps=pos("scalar", big=False))
case("fisherlab.rl.ppo.Adam.step", lambda: (_ppo.Adam(3, lr=0.01).step, {"theta": np.zeros(3), "grad": np.ones(3)}),
     theta=real("fixed"), grad=real("fixed"))
case("fisherlab.rl.ppo.clipped_surrogate",
     lambda: (_ppo.clipped_surrogate, {"ratio": np.array([0.5, 1.0, 1.5]), "advantages": np.array([1.0, -1.0, 0.5]),
                                       "clip_ratio": 0.2}),
     ratio=nonneg("fixed", big=False, extra=(("2-D", np.ones((3, 1))),)), advantages=real("fixed"),
     clip_ratio=SCALAR_PROB)
_PPO_POL = lambda: fl.rl.LinearSoftmax(2, n_features=2, bias=True)  # noqa: E731
_PPO_TH = np.linspace(-0.5, 0.5, 6)
case("fisherlab.rl.ppo.ppo_update",
     lambda: (_ppo.ppo_update, {"policy": _PPO_POL(), "theta": _PPO_TH, "states": _STATES_F,
                                "actions": np.array([1, 0, 1]), "advantages": np.array([1.0, -0.5, 0.2]),
                                "log_probs": _PPO_POL().log_prob(_PPO_TH, _STATES_F, np.array([1, 0, 1])),
                                "optimizer": _ppo.Adam(6, lr=0.01), "clip_ratio": 0.2, "epochs": 2,
                                "n_minibatches": 1, "target_kl": 0.01, "rng": g()}),
     policy=POLICY, theta=real("fixed"), states=real(extra=(("3 features for 2", np.ones((3, 3))),)),
     actions=index(2, extra=(("length 2 for 3 states", np.array([0, 1])),)), advantages=real("fixed"),
     log_probs=real("fixed"), optimizer=_ADAM, clip_ratio=SCALAR_PROB, epochs=integer(1),
     n_minibatches=integer(1, extra=(("4 minibatches of 3 samples", 4),)), target_kl=pos("scalar", optional=True),
     rng=RNG)
EXEMPT["fisherlab.rl.ppo.PPOInfo"] = _RECORD
del CASES["fisherlab.rl.algorithms.Config"]
case("fisherlab.rl.algorithms.Config", lambda: (alg.Config, {"target_kl": 0.01}), **_CONFIG_KINDS, clip_ratio=SCALAR_PROB,
     epochs=integer(1), n_minibatches=integer(1), target_kl=pos("scalar", optional=True, big=False),
     precondition=BOOL)
# ---- large-sample inference and Fisher-Rao geometry (Chapters 1 and 3) -------------------------------------
from fisherlab import asymptotics as _asy  # noqa: E402
from fisherlab import geometry as _geo  # noqa: E402

case("fisherlab.asymptotics.wald_interval",
     lambda: (_asy.wald_interval, {"estimate": np.array([0.3, 0.5]), "standard_error": np.array([0.1, 0.0]),
                                   "level": 0.9}),
     estimate=real(extra=(("shape (3,)", np.zeros(3)),)), standard_error=nonneg(extra=(("shape (3,)", np.ones(3)),)),
     level=prob("scalar"))
case("fisherlab.asymptotics.sandwich_variance",
     lambda: (_asy.sandwich_variance, {"scores": np.array([[1.0, 0.5], [-1.0, 0.2], [0.3, -0.7]]),
                                       "hessians": -np.tile(np.eye(2), (3, 1, 1))}),
     scores=real("fixed", extra=(("1-D", np.ones(3)), ("one observation", np.ones((1, 2))))),
     hessians=real("fixed", extra=(("positive definite", np.tile(np.eye(2), (3, 1, 1))),
                                   ("shape (3, 2)", np.ones((3, 2))))))
case("fisherlab.asymptotics.jeffreys_density",
     lambda: (_asy.jeffreys_density, {"family": fl.Bernoulli(), "theta": np.array([0.2, 0.5])}),
     family=FAMILY, theta=prob())
_NORMAL_EXTRAS = (("sigma <= 0", np.array([0.0, -1.0])), ("shape (3,)", np.ones(3)), ("scalar", 1.0))
case("fisherlab.geometry.normal_fisher_rao_distance",
     lambda: (_geo.normal_fisher_rao_distance, {"theta_a": np.array([0.0, 1.0]), "theta_b": np.array([1.0, 2.0])}),
     theta_a=real("last", extra=_NORMAL_EXTRAS), theta_b=real("last", extra=_NORMAL_EXTRAS))
case("fisherlab.geometry.normal_geodesic",
     lambda: (_geo.normal_geodesic, {"theta_a": np.array([0.0, 1.0]), "theta_b": np.array([1.0, 2.0]),
                                     "n_points": 5}),
     theta_a=real("fixed", extra=_NORMAL_EXTRAS), theta_b=real("fixed", extra=_NORMAL_EXTRAS), n_points=integer(2))
