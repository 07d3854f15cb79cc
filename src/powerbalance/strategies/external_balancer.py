"""External balancing (外部制衡): alliances against the most threatening actor."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import nonzero, row_any
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import balancing_partner, best_attack, rows_of, threatened
from powerbalance.strategies.registry import register

_NONE = np.zeros(0, dtype=np.int64)


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
    (:mod:`powerbalance.model.reputation`). Threat includes the rival's trend
    (its growth projected ``Params.trend_horizon`` years ahead, see
    :mod:`powerbalance.model.perception`), so a strong actor still balances a
    weaker but rising rival. Every alliance records the threat it was formed
    against, and the actor leaves only the alliances whose threat has passed,
    i.e. threatens neither member by ``Params.balance_exit`` times that
    member's capability (:mod:`powerbalance.model.diplomacy`): a great power
    keeps protecting weaker partners from a rival it does not fear for
    itself ("no permanent friends", but no desertion while the threat lasts).
    It defends allies with all its forces. A
    balancing coalition punishes defectors: the actor attacks a neighbour whose
    exploitation (bandwagoning with the threat, striking late) it remembers at
    least ``Params.punish_threshold`` when its odds reach ``Params.attack_odds``
    (Schweller 1994, "Bandwagoning for profit", on the costs of bandwagoning).
    """

    name = "external-balancer"
    uid = 3
    classifier = {
        "concept": "external balancing (外部制衡)",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours", "system", "memory"}),
        "initiates_war": False,
        "makes_alliances": True,
    }
    references = ("Waltz 1979", "Walt 1987", "Schweller 1994")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Offer an alliance against the top threat while threatened; leave passed alliances."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.base_spend)
        attack = actions.attack
        if obs.setting.engine == "compiled":   # the same offers, in one compiled pass
            from powerbalance.strategies import compiled

            offer = compiled.external_offers(obs, mask)
        else:
            offer = actions.offer.copy()
            bw, i = nonzero(threatened(obs, mask))
            if len(bw):
                offer[bw, i] = balancing_partner(obs, bw, i)
        bw, i = nonzero(mask) if obs.exploitation_peak >= params.punish_threshold else (
            _NONE, _NONE)   # (nobody remembers enough exploitation to punish it)
        if len(bw):
            culprits = rows_of(state.exploitation, bw * state.n_actors + i) >= (
                params.punish_threshold)
            rows = np.flatnonzero(row_any(culprits))
            if len(rows):
                target = best_attack(obs, bw[rows], i[rows], culprits[rows], params.attack_odds)
                attack = attack.copy()
                attack[bw[rows], i[rows]] = target
        return actions.replace(offer=offer, attack=attack,
                               leave_passed=np.ones_like(actions.leave_passed))
