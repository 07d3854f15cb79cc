"""Buck-passing (卸責): let a buck-catcher face the threat; balance late against it."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import nonzero, row_any
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import (
    balancing_partner,
    best_attack,
    buck_catcher,
    internal_spend,
    threatened,
)
from powerbalance.strategies.registry import register


@register
class BuckPasser(Strategy):
    """Passes the buck to another state threatened by the same threat; balances it late.

    Mearsheimer (2001, *The Tragedy of Great Power Politics*, ch. 5 and 8) and
    Christensen & Snyder (1990, "Chain gangs and passed bucks",
    *International Organization* 44(2)): a threatened great power prefers to
    let another state, the *buck-catcher*, bear the cost of checking the
    threat. It stays out of the threat's wars, builds up its own strength in
    case the catcher fails (internal balancing), and balances against the
    threat itself only late, when no catcher is left or the threat nears
    hegemony. It never raids the threat's other victims (that is the
    ``jackal``).

    Each year the actor finds its top threat T. When T threatens it by at
    least ``Params.balance_threshold`` times its own capability:

    - while a catcher exists (another live actor, neither it nor T, whose top
      threat is also T) and T's perceived capability share is below
      ``Params.buck_alarm`` x ``Params.hegemony_share``, it passes the buck:
      no alliance offer against T, nothing sent when called to fight T
      (``Actions.shirk``), and spending as an internal balancer;
    - otherwise it balances late: it offers an alliance against T as the
      external balancer does, fights T with all its forces when called, keeps
      arming, and attacks T itself when T fought someone last year (T is
      committed elsewhere) and its odds reach ``Params.late_entry_odds``.

    When not threatened it behaves as a status-quo power that defends its allies.
    """

    name = "buck-passer"
    uid = 2
    classifier = {
        "concept": "buck-passing (卸責), hedging",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours", "system"}),
        "initiates_war": True,
        "makes_alliances": True,
    }
    references = ("Christensen & Snyder 1990", "Mearsheimer 2001")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Pass the buck while a catcher holds; balance late against the threat."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.base_spend)
        attack, offer = actions.attack.copy(), actions.offer.copy()
        shirk, spend = actions.shirk.copy(), actions.spend.copy()
        bw, i = nonzero(threatened(obs, mask))
        if len(bw):
            threat = obs.top_threat[bw, i]
            spend[bw, i] = internal_spend(obs, bw, i) + (spend[bw, i] - params.base_spend)
            catcher = buck_catcher(obs, bw, i, threat)
            near_hegemony = (obs.perceived[bw, i, threat]
                             >= params.buck_alarm * params.hegemony_share)
            late = (catcher < 0) | near_hegemony
            pw, pi = bw[~late], i[~late]
            shirk[pw, pi] = threat[~late]
            lw, li, lt = bw[late], i[late], threat[late]
            if len(lw):
                offer[lw, li] = balancing_partner(obs, lw, li)
                busy = row_any(state.fought)[lw, lt]
                target = np.zeros((len(lw), state.n_actors), dtype=bool)
                target[np.arange(len(lw)), lt] = busy
                attack[lw, li] = best_attack(obs, lw, li, target, params.late_entry_odds)
        return actions.replace(attack=attack, offer=offer, shirk=shirk, spend=spend)
