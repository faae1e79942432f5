"""Parametric families with log-likelihood, score, Hessian, exact Fisher and sampling.

See :class:`fisherlab.families.Family` for the shared interface and shape conventions.
"""

from ._base import Family
from .categorical import Categorical, softmax
from .gaussian import GaussianDiagonal, GaussianFull, GaussianMean
from .scalar import Bernoulli, CauchyLocation, NormalMean, NormalMeanScale, Poisson, StudentTLocation

__all__ = [
    "Family",
    "NormalMean",
    "NormalMeanScale",
    "Bernoulli",
    "Poisson",
    "StudentTLocation",
    "CauchyLocation",
    "GaussianMean",
    "GaussianDiagonal",
    "GaussianFull",
    "Categorical",
    "softmax",
]
