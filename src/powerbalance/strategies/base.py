"""What a strategy is: a vectorised decision function with a classifier.

A strategy reads an :class:`~powerbalance.model.perception.Observation` of the
whole batch and a mask of the actors that follow it, and returns
:class:`Actions` whose values matter where the mask is true (the engine keeps
those). ``Actions`` is the engine core's type (:mod:`powerbalance.model.actions`),
re-exported here. Strategies never loop over actors; they may compute only on the rows
of their own actors (gathered with ``np.nonzero(mask)``) to stay cheap when
few actors follow them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from powerbalance.model.actions import Actions
from powerbalance.model.perception import Observation

__all__ = ["F64", "I64", "Actions", "BoolA", "Strategy"]

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
BoolA = npt.NDArray[np.bool_]


class Strategy(ABC):
    """Base class of all strategies.

    Subclasses set :attr:`name`, :attr:`uid` (a stable id), :attr:`classifier` (a dict with at least
    ``concept``, ``stochastic`` and ``reads``), :attr:`references`, and
    implement :meth:`decide`.
    """

    name: ClassVar[str]
    uid: ClassVar[int]
    """Stable id stored in states (never reused, never renumbered)."""
    classifier: ClassVar[dict[str, Any]]
    references: ClassVar[tuple[str, ...]] = ()

    @abstractmethod
    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Actions of the actors where ``mask`` (B, N) is true (other rows are ignored)."""

    @classmethod
    def summary(cls) -> str:
        """First line of the docstring."""
        return (cls.__doc__ or "").strip().splitlines()[0]
