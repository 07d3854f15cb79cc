"""Bandwagoning (搭車): siding with the threat and sharing its spoils."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import nonzero, row_any, row_max_argmax
from powerbalance.model.perception import Observation
from powerbalance.strategies.base import Actions, BoolA, Strategy
from powerbalance.strategies.common import rows_of, take_rows
from powerbalance.strategies.registry import register


@register
class Bandwagoner(Strategy):
    """Aligns with its top threat, fights its wars on its side, shares the spoils.

    Walt (1987, *The Origins of Alliances*) defines bandwagoning as alignment
    with the source of danger, the weak state's appeasement of a threat it
    cannot resist; Schweller (1994, "Bandwagoning for profit: bringing the
    revisionist state back in", *International Security* 19(1)) adds that
    bandwagoners join a rising revisionist to share its gains. The patron is
    therefore the actor's top threat as it perceives it, by the engine's own
    measure of threat (:mod:`powerbalance.model.perception`: perceived
    capability over the distance, hostility, and the trend that makes a rising
    revisionist threatening before it is strong), taken *before* the alliance
    discount, so that the patron stays the patron once allied.

    Only a threatened actor bandwagons: its top threat must threaten it by at
    least ``Params.balance_exit`` times its own capability (the same test by
    which an alliance's threat has passed); an actor that no one threatens
    (a stronger state) plays the status quo and leaves the alignments whose
    threat has passed (``Actions.leave_passed``), so a client that outgrows
    its patron stops sheltering under it.

    Each year the actor offers an alliance to its patron until they are
    allied (a patron whose own top threat it is refuses it:
    :mod:`powerbalance.model.diplomacy`), and leaves any other alliance while it is not yet with the
    patron. The alignment is stable while the threat persists: the patron it
    follows (an ally whose alliance is recorded as aimed at that ally itself,
    the alignment with the threat; or, for an alliance with no recorded aim
    such as one in force at the start, an ally that is its top threat) remains
    its patron as long as it still threatens it by at least
    ``Params.balance_exit`` times its own capability (the test by which an
    alliance's threat has passed, :mod:`powerbalance.model.diplomacy`),
    whoever else grows; noise and a rival's swings do not make it switch
    sides. An alliance aimed at a third party (a coalition against the
    patron) is no alignment with the patron: it leaves it. While with its
    patron it accepts no other alliance (an alliance with the patron's
    enemies would make it a balancer and call it to both sides). Allied, it
    answers the patron's offensive calls with all its
    forces (``Actions.join_offence``: the war phase calls the attacker's allies
    too) and receives a share of the conquests in proportion to the strength
    it contributed (:mod:`powerbalance.model.war`); the patron spares it while
    it needs allies: no strategy attacks an ally, and a hegemon-seeker patron
    turns on its allies only once it holds ``Params.seeker_spares_until`` of
    the system's capability (Schweller 1994: the revisionist may turn on its
    jackals once it no longer needs them). It starts no war of its own and spends
    the base burden. Others see through it: actors whose top threat the patron
    is remember the alignment as exploitation
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
        """Ally with the top threat, stay with it while it threatens, fight in its wars."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.base_spend)
        offer, leave = actions.offer.copy(), actions.leave.copy()
        accept = actions.accept.copy()
        bw, i = nonzero(mask)
        if len(bw):
            # The patron: the top threat before the alliance discount (an ally stays the
            # patron although allies are not threats); the factors of perception's threat.
            own_row = bw * state.n_actors + i
            raw = rows_of(obs.perceived, own_row) * rows_of(obs.reach_in, own_row)
            if params.hostility_weight:
                raw *= 1.0 + params.hostility_weight * rows_of(state.hostility, own_row)
            if params.trend_horizon > 0:
                raw *= 1.0 + params.trend_horizon * np.maximum(take_rows(state.momentum, bw),
                                                               0.0)
            raw = np.where(state.alive[bw], raw, 0.0)
            raw[np.arange(len(bw)), i] = 0.0
            top, patron = row_max_argmax(raw)
            allied = rows_of(state.alliance, own_row) > 0
            # Stability: the patron it already follows (an alliance aimed at the ally itself,
            # or with no recorded aim while that ally is its top threat) stays the patron while
            # its threat persists (it has not passed: at least balance_exit times its own
            # capability).
            aim = rows_of(state.aim, own_row)
            followed = allied & ((aim == np.arange(state.n_actors)[None, :])
                                 | ((aim < 0) & (raw >= top[:, None])))
            kept, current = row_max_argmax(np.where(followed, raw, 0.0))
            stay = (kept > 0) & (kept >= params.balance_exit * obs.share[bw, i])
            patron = np.where(stay, current, patron)
            # Only a threatened actor bandwagons (Walt 1987: the weak state's appeasement of
            # a threat it cannot resist): its top threat threatens it by at least balance_exit
            # times its own capability. An actor no one threatens so plays the status quo and
            # leaves the alignments whose threat has passed.
            some = (top > 0) & (top >= params.balance_exit * obs.share[bw, i])
            leave_passed = actions.leave_passed.copy()
            leave_passed[bw[~some], i[~some]] = True
            actions = actions.replace(leave_passed=leave_passed)
            bw, i, patron, allied = bw[some], i[some], patron[some], allied[some]
            with_patron = allied[np.arange(len(bw)), patron]
            offer[bw, i] = np.where(with_patron, -1, patron)
            leave[bw, i] = row_any(allied) & ~with_patron
            accept[bw, i] = ~with_patron
        return actions.replace(offer=offer, leave=leave, accept=accept,
                               join_offence=np.ones_like(actions.join_offence))
