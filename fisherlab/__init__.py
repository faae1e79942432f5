"""fisherlab: the companion library of the Fisher information course.

Every chapter of the course imports it as ``import fisherlab as fl``. Layers (each imports only
the ones above it; plotting lives apart in :mod:`fisherlab.viz`, which no math module imports):

``_validate`` → ``families`` → ``estimators`` → ``divergences`` → ``linalg`` → ``optim`` → ``rl``

beside them ``asymptotics`` (large-sample inference: Wald intervals, the sandwich, Jeffreys' prior)
and ``geometry`` (the Fisher–Rao metric of the normal family), both over ``families``.

Randomness enters only through explicit ``numpy.random.Generator`` arguments.
"""

import sys
from importlib import import_module

from . import estimators, families
from ._validate import ArgumentTypeError  # the TypeError of a wrong kind of argument (also a ValueError)
from .estimators import *  # noqa: F401,F403
from .families import *  # noqa: F401,F403

__version__ = "0.1.0"

# Heavier or optional sub-packages load on first use: `fl.viz` needs matplotlib, `fl.rl`
# needs gymnasium for its CartPole adapter.
_LAZY = ("viz", "rl", "divergences", "linalg", "optim", "models", "asymptotics", "geometry")


def __getattr__(name):
    if name in _LAZY:
        return import_module(f".{name}", __name__)
    raise AttributeError(f"module 'fisherlab' has no attribute {name!r}")


if "matplotlib.pyplot" in sys.modules:
    # A plotting session (every chapter imports pyplot before fisherlab): the course's figure
    # style and its sharp figures apply from the first figure on, not from the first use of
    # `fl.viz` (Chapter 2's first figure used to come out in matplotlib's default style).
    import_module(".viz", __name__)
