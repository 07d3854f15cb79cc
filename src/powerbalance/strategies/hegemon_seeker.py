"""The revisionist bid for hegemony (Napoleon, Hitler, Qin)."""

from __future__ import annotations

import numpy as np

from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.registry import register


@register
class HegemonSeeker(Strategy):
    """Arms heavily and attacks the weakest neighbour whenever the expected gain exceeds the cost.

    The offensive realist's revisionist (Mearsheimer 2001, *The Tragedy of
    Great Power Politics*; Schweller 1994, "Bandwagoning for profit",
    *International Security* 19(1)): it spends ``Params.bid_spend`` of its
    wealth on the military and each year attacks the neighbour against which
    its estimated chance of victory (own projected forces against the target's
    forces plus its committed allies', as it perceives them) is highest, among
    neighbours it is not allied with,
    provided that chance is at least ``Params.attack_odds``: the expected-
    utility rule of Bueno de Mesquita (1981, *The War Trap*) with loss
    aversion. It defends its allies fully.
    """

    name = "hegemon-seeker"
    classifier = {
        "concept": "revisionist bid for hegemony",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours"}),
        "initiates_war": True,
        "makes_alliances": False,
    }
    references = ("Mearsheimer 2001", "Schweller 1994", "Bueno de Mesquita 1981")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Attack the best-odds neighbour when the odds clear ``attack_odds``."""
        state, params = obs.state, obs.params
        actions = Actions.passive(state.batch, state.n_actors, params.bid_spend)
        attack = actions.attack.copy()
        bw, i = np.nonzero(mask)
        if len(bw):
            targets = state.adjacent[bw, i] & (state.alliance[bw, i] <= 0)
            odds = np.where(targets, obs.win_odds_of(bw, i), -1.0)
            target = np.argmax(odds, axis=1)
            go = odds.max(axis=1) >= params.attack_odds
            attack[bw[go], i[go]] = target[go]
        return actions.replace(attack=attack)



