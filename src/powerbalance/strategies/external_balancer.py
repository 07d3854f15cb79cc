"""External balancing (外部制衡): alliances against the most threatening actor."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import row_any
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import balancing_partner, best_attack, rows_of, threatened
from powerbalance.strategies.registry import register


@register
class ExternalBalancer(Strategy):
    """Joins or builds the coalition against the most threatening actor; leaves when it passes.

    Balance of power through alliances (Waltz 1979, *Theory of International
    Politics*, ch. 6) against the greatest *threat* rather than the greatest
    power (Walt 1987, *The Origins of Alliances*): threat combines capability,
    proximity and aggressive conduct. Each year the actor finds its top threat
    T; if T's perceived, distance-discounted capability exceeds
    ``Params.balance_threshold`` times its own, it offers an alliance to the
    strongest actor not yet allied with it or with T, weighting candidates by
    how close they stand to T (those T threatens most are natural partners),
    and never to an actor it distrusts as a known defector
    (:mod:`powerbalance.model.reputation`). When the top threat falls below
    ``Params.balance_exit`` times its own capability it leaves its alliances
    ("no permanent friends"). It defends allies with all its forces. A
    balancing coalition punishes defectors: the actor attacks a neighbour whose
    exploitation (bandwagoning with the threat, striking late) it remembers at
    least ``Params.punish_threshold`` when its odds reach ``Params.attack_odds``
    (Schweller 1994, "Bandwagoning for profit", on the costs of bandwagoning).
    """

    name = "external-balancer"
    classifier = {
        "concept": "external balancing (外部制衡)",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours", "system", "memory"}),
        "initiates_war": False,
        "makes_alliances": True,
    }
    references = ("Waltz 1979", "Walt 1987", "Schweller 1994")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Offer an alliance against the top threat while threatened; leave once relieved."""
        state, params = obs.state, obs.params
        top, level = obs.top_threat, obs.top_threat_level
        relieved = mask & ((top < 0) | (level < params.balance_exit * obs.share))
        actions = Actions.defensive(obs, params.base_spend)
        offer = actions.offer.copy()
        attack = actions.attack.copy()
        bw, i = np.nonzero(threatened(obs, mask))
        if len(bw):
            offer[bw, i] = balancing_partner(obs, bw, i)
        bw, i = np.nonzero(mask)
        if len(bw) and obs.exploitation_peak >= params.punish_threshold:
            culprits = rows_of(state.exploitation, bw * state.n_actors + i) >= (
                params.punish_threshold)
            rows = np.flatnonzero(row_any(culprits))
            if len(rows):
                target = best_attack(obs, bw[rows], i[rows], culprits[rows], params.attack_odds)
                attack[bw[rows], i[rows]] = target
        leave = actions.leave.copy()
        rw, ri = np.nonzero(relieved)
        leave[rw, ri] = row_any(state.alliance[rw, ri] > 0)
        return actions.replace(offer=offer, attack=attack, leave=leave)
