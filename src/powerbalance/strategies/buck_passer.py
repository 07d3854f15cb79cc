"""Buck-passing (卸責): let others fight the threat, then strike the weakened."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import row_any
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import balancing_partner, best_attack, threatened
from powerbalance.strategies.registry import register


@register
class BuckPasser(Strategy):
    """Stays out while others fight the threat; enters late against the weakened side.

    Christensen & Snyder (1990, "Chain gangs and passed bucks",
    *International Organization* 44(2)) and Mearsheimer (2001, *The Tragedy of
    Great Power Politics*, ch. 8): a buck-passer lets another state (the
    buck-catcher) bear the cost of checking the threat, hoping to enter late
    and profit from both sides' exhaustion (hedging). The actor accepts
    alliances but sends nothing when an ally is attacked (an abandonment the
    ally remembers). It free-rides on others' protection: when threatened as an
    external balancer would be it offers the same alliance (so that others
    catch the buck), spends the base burden, and attacks only late: when it
    fought no one last year, a neighbour that fought a third party last year
    is a target if its odds against it reach
    ``Params.late_entry_odds``; the best such odds win. Those who bore the
    cost remember the late strike as exploitation
    (:mod:`powerbalance.model.reputation`).
    """

    name = "buck-passer"
    classifier = {
        "concept": "buck-passing (卸責), hedging",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours", "system", "memory"}),
        "initiates_war": True,
        "makes_alliances": True,
    }
    references = ("Christensen & Snyder 1990", "Mearsheimer 2001")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Abandon allies; strike a neighbour weakened by last year's war."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.base_spend)
        attack, offer = actions.attack.copy(), actions.offer.copy()
        bw, i = np.nonzero(threatened(obs, mask))
        if len(bw):
            offer[bw, i] = balancing_partner(obs, bw, i)
        bw, i = np.nonzero(mask)
        if len(bw):
            busy = row_any(state.fought)                     # (B, N): fought anyone last year
            quiet = ~busy[bw, i]
            bw, i = bw[quiet], i[quiet]
            target = best_attack(obs, bw, i, busy[bw], params.late_entry_odds)
            attack[bw, i] = target
        return actions.replace(attack=attack, offer=offer, join=np.zeros_like(actions.join))
