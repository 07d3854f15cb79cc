"""The status-quo power (defensive realist)."""

from __future__ import annotations

import numpy as np

from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, Strategy
from powerbalance.strategies.registry import register


@register
class StatusQuo(Strategy):
    """Defends itself and its allies, never initiates a war.

    The defensive realist of Waltz (1979, *Theory of International Politics*)
    and Glaser (1994/95, "Realists as optimists", *International Security*
    19(3)): security is scarce but aggression is self-defeating, so the actor
    keeps a peacetime defence burden (``Params.base_spend``), accepts
    defensive alliances, and fights only when attacked or when an ally is.
    Like every strategy it spends ``Params.counter_spend`` on
    counter-subversion when its cohesion falls below ``Params.counter_trigger``.
    """

    name = "status-quo"
    uid = 8
    classifier = {
        "concept": "defensive realism (status quo)",
        "stochastic": False,
        "reads": frozenset({"own"}),
        "initiates_war": False,
        "makes_alliances": False,
    }
    references = ("Waltz 1979", "Glaser 1994")

    def decide(self, obs: Observation, mask: np.ndarray) -> Actions:
        """Spend the base burden, defend allies, start nothing."""
        return Actions.defensive(obs, obs.params.base_spend)
