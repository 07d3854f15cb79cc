"""Balking (虛應故事): going through the motions of alliance."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import row_any
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.registry import register


@register
class Balker(Strategy):
    """Joins when pressed but contributes only a minimal share when called.

    Schweller (1998, *Deadly Imbalances*; 2006, *Unanswered Threats*) lists
    balking among the ways states underbalance: they do not refuse the
    alliance outright but shirk its burdens, the "chain-ganging" ally's
    opposite (Christensen & Snyder 1990, "Chain gangs and passed bucks",
    *International Organization* 44(2)). The actor makes no offers and joins
    only when pressed: it accepts an offer only from a proposer at least
    ``Params.balk_pressure`` times as strong as itself, or from anyone in a
    year after it fought (pressed by a demand or an attack); when an ally is
    attacked it sends only ``Params.balk_share`` of its forces. Allies remember a token share (below
    a quarter of its forces) as half an abandonment
    (:mod:`powerbalance.model.reputation`). It spends the base burden and
    never initiates war.
    """

    name = "balker"
    uid = 0
    classifier = {
        "concept": "balking (虛應故事), minimal compliance",
        "stochastic": False,
        "reads": frozenset({"own"}),
        "initiates_war": False,
        "makes_alliances": False,
    }
    references = ("Schweller 2006", "Christensen & Snyder 1990")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Accept alliances when pressed, send a token share when called."""
        params = obs.params
        actions = Actions.defensive(obs, params.base_spend)
        pressed = row_any(obs.state.fought)
        ratio = np.where(pressed, 0.0, params.balk_pressure)
        return actions.replace(join=np.full_like(actions.join, params.balk_share),
                               accept_ratio=ratio)
