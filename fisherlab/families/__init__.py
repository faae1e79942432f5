"""Parametric families with log-likelihood, score, Hessian, exact Fisher and sampling.

See :class:`fisherlab.families.Family` for the shared interface and shape conventions.
"""

from ._base import Family
from .scalar import Bernoulli, CauchyLocation, NormalMean, NormalMeanScale, Poisson, StudentTLocation

__all__ = [
    "Family",
    "NormalMean",
    "NormalMeanScale",
    "Bernoulli",
    "Poisson",
    "StudentTLocation",
    "CauchyLocation",
]
