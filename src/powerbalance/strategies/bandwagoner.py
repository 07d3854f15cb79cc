"""Bandwagoning (搭車): siding with the threat and sharing its spoils."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import nonzero, row_any, row_max_argmax
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import rows_of
from powerbalance.strategies.registry import register


@register
class Bandwagoner(Strategy):
    """Aligns with the most threatening actor, fights its wars on its side, shares the spoils.

    Walt (1987, *The Origins of Alliances*) defines bandwagoning as alignment
    with the source of danger, the weak state's appeasement of a threat it
    cannot resist; Schweller (1994, "Bandwagoning for profit: bringing the
    revisionist state back in", *International Security* 19(1)) adds that
    bandwagoners join a rising revisionist to share its gains. Each year the
    actor offers an alliance to its patron, the actor it finds most
    threatening before discounting allies (so the patron stays the patron
    once allied), until they are allied, and leaves any other alliance while
    it is not yet with the patron. It stays loyal: a patron it is allied with
    remains its patron while that patron's threat is at least
    1 / ``Params.balance_threshold`` of the top threat's (the balancer's
    hysteresis band), so noise does not make it switch sides every year.
    Allied, it answers the patron's offensive calls with all its forces
    (``Actions.join_offence``: the war phase calls the attacker's allies too)
    and receives a share of the conquests in proportion to the strength it
    contributed (:mod:`powerbalance.model.war`);
    the patron spares it, since no strategy attacks an ally. It starts no war
    of its own and spends the base burden. Others see through it: actors whose
    top threat the patron is remember the alignment as exploitation
    (:mod:`powerbalance.model.reputation`), refuse it as an ally and, if they
    are balancers, punish it.
    """

    name = "bandwagoner"
    uid = 1
    classifier = {
        "concept": "bandwagoning (搭車), free-riding with the threat",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours", "system"}),
        "initiates_war": False,
        "makes_alliances": True,
    }
    references = ("Walt 1987", "Schweller 1994", "Waltz 1979")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Ally with the top threat and fight in its wars."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.base_spend)
        offer, leave = actions.offer.copy(), actions.leave.copy()
        bw, i = nonzero(mask)
        if len(bw):
            # The patron: the most threatening actor before any alliance discount (an ally
            # stays the patron although allies are not threats).
            own_row = bw * state.n_actors + i
            raw = rows_of(obs.perceived, own_row) * rows_of(obs.reach, own_row)
            if params.hostility_weight:
                raw *= 1.0 + params.hostility_weight * rows_of(state.hostility, own_row)
            raw = np.where(state.alive[bw], raw, 0.0)
            raw[np.arange(len(bw)), i] = 0.0
            top, patron = row_max_argmax(raw)
            allied = rows_of(state.alliance, own_row) > 0
            # Loyalty: an ally it already follows stays the patron while its threat is within
            # the balancer's hysteresis band (1 / balance_threshold) of the top.
            kept, current = row_max_argmax(np.where(allied, raw, 0.0))
            stay = (kept > 0) & (kept * params.balance_threshold >= top)
            patron = np.where(stay, current, patron)
            some = top > 0
            bw, i, patron, allied = bw[some], i[some], patron[some], allied[some]
            with_patron = allied[np.arange(len(bw)), patron]
            offer[bw, i] = np.where(with_patron, -1, patron)
            leave[bw, i] = row_any(allied) & ~with_patron
        return actions.replace(offer=offer, leave=leave,
                               join_offence=np.ones_like(actions.join_offence))
