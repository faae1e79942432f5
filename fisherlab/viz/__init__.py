"""Figures, animations and widgets of the course (matplotlib and ipywidgets).

Math modules never import this package. Importing it applies the course style.
"""

from . import animation, style
from . import divergences, matrices
from . import scores
from . import optim
from . import convergence
from . import course
from . import rl
from . import offline
from . import classics
from .animation import animate, to_html
from .style import ESTIMATE, INFORMATIVE, NEUTRAL, PALETTE, TRUTH, UNINFORMATIVE, use_style

use_style()

__all__ = ["animation", "style", "animate", "to_html", "use_style",
           "INFORMATIVE", "UNINFORMATIVE", "TRUTH", "ESTIMATE", "NEUTRAL", "PALETTE"]
