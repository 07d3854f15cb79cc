"""The revisionist bid for hegemony (Napoleon, Hitler, Qin)."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import first_max_per_group
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import rows_of, wedge_target
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
    neighbours it is not allied with, provided that chance is at least
    ``Params.attack_odds``: the expected-utility rule of Bueno de Mesquita
    (1981, *The War Trap*) with loss aversion. It defends its allies fully.
    With ``Params.seeker_wedges`` it also wedges the coalition forming against
    it, as the ``wedger`` does: it pays the uncommitted member that would add
    most to the coalition ``Params.wedge_payment`` of its wealth to stay out,
    which works when the payee finds it worth ``Params.wedge_price`` of its
    own wealth (Crawford 2011, "Preventing enemy coalitions", *International
    Security* 35(4); Zhang Yi's 連橫).
    """

    name = "hegemon-seeker"
    classifier = {
        "concept": "revisionist bid for hegemony",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours", "system"}),
        "initiates_war": True,
        "makes_alliances": False,
    }
    references = ("Mearsheimer 2001", "Schweller 1994", "Bueno de Mesquita 1981",
                  "Crawford 2011")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Attack the best-odds neighbour when the odds clear ``attack_odds``; wedge."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.bid_spend)
        attack = actions.attack.copy()
        pay, pay_spend = actions.pay.copy(), actions.pay_spend.copy()
        bw, i = np.nonzero(mask)
        if len(bw):
            # Candidate targets: neighbours it is not allied with (sparse pairs).
            own_row = bw * state.n_actors + i
            rows, j = np.nonzero(rows_of(state.adjacent, own_row)
                                 & (rows_of(state.alliance, own_row) <= 0))
            odds = obs.win_odds(bw[rows], i[rows], j)
            # Best target per actor: highest odds, the lowest index among ties.
            pick, best = first_max_per_group(rows, odds)
            go = best >= params.attack_odds
            attack[bw[rows[pick[go]]], i[rows[pick[go]]]] = j[pick[go]]
            if params.seeker_wedges and params.wedge_payment > 0:
                member = wedge_target(obs, bw, i)
                paying = member >= 0
                pay[bw[paying], i[paying]] = member[paying]
                pay_spend[bw[paying], i[paying]] = params.wedge_payment
        return actions.replace(spend=actions.spend + pay_spend, attack=attack, pay=pay,
                               pay_spend=pay_spend)
