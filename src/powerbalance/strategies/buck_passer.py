"""Buck-passing (卸責): let a buck-catcher face the threat; balance late against it."""

from __future__ import annotations

import numpy as np

from powerbalance.model.fastops import nonzero, row_max_argmax
from powerbalance.model.perception import Observation
from powerbalance.model.victory import victory_probability
from powerbalance.strategies.base import F64, I64, Actions, BoolA, Strategy
from powerbalance.strategies.common import (
    balancing_partner,
    buck_catcher,
    internal_spend,
    rows_of,
    take_rows,
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
    threat itself only late: when the catcher is failing, when no catcher is
    left or when the threat nears hegemony, it joins the war against the
    threat on the side of those fighting it (Britain and France in 1939, the
    Soviet Union's entry against Japan in 1945). It never raids the threat's
    other victims (that is the ``jackal``) and starts no war of its own.

    Each year the actor finds its top threat T. When T threatens it by at
    least ``Params.balance_threshold`` times its own capability:

    - the catcher C is the strongest other live actor, neither it nor T,
      whose top threat is also T (:func:`~powerbalance.strategies.common.buck_catcher`);
      C is *failing* (:func:`catcher_failing`) when it is at war with T and
      its chance of winning, as the actor estimates it (C's expected defence
      strength, allies counted at commitment x reliability, against T's
      forces projected over the distance), is below ``Params.buck_failing_odds``;
    - while C exists and is not failing and T's perceived capability share is
      below ``Params.buck_alarm`` x ``Params.hegemony_share``, it passes the
      buck: no alliance offer against T, nothing sent when called to fight T
      (``Actions.shirk``), and spending as an internal balancer;
    - otherwise it balances late: when someone is at war with T (the catcher
      first, else the strongest such belligerent, :func:`war_to_join`), it
      offers that belligerent an alliance and fights T with all its forces
      on its side: diplomacy comes before war within a year, so the new ally
      is called into the ongoing war that same year on the defensive call;
      when the belligerent is the war's initiator it declares the offensive
      obligation (``Actions.join_offence``), in force from the next year's
      campaign (:mod:`powerbalance.model.step`). When nobody is fighting T it offers an
      alliance against T as the external balancer does. It keeps arming.

    When not threatened it behaves as a status-quo power that defends its allies.
    """

    name = "buck-passer"
    uid = 2
    classifier = {
        "concept": "buck-passing (卸責), hedging",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours", "system"}),
        "initiates_war": False,
        "makes_alliances": True,
    }
    references = ("Christensen & Snyder 1990", "Mearsheimer 2001")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Pass the buck while a catcher holds; join the war against the threat late."""
        state, params = obs.state, obs.params
        actions = Actions.defensive(obs, params.base_spend)
        offer, join_offence = actions.offer.copy(), actions.join_offence.copy()
        shirk, spend = actions.shirk.copy(), actions.spend.copy()
        bw, i = nonzero(threatened(obs, mask))
        if len(bw):
            threat = obs.top_threat[bw, i]
            spend[bw, i] = internal_spend(obs, bw, i) + (spend[bw, i] - params.base_spend)
            catcher = buck_catcher(obs, bw, i, threat)
            near_hegemony = (obs.perceived[bw, i, threat]
                             >= params.buck_alarm * params.hegemony_share)
            failing = catcher_failing(obs, bw, i, threat, catcher)
            late = (catcher < 0) | near_hegemony | failing
            pw, pi = bw[~late], i[~late]
            shirk[pw, pi] = threat[~late]
            lw, li, lt, lc = bw[late], i[late], threat[late], catcher[late]
            if len(lw):
                ally = war_to_join(obs, lw, li, lt, lc)
                joining = ally >= 0
                n = state.n_actors
                allied = state.alliance.reshape(-1)[(lw * n + li) * n + np.maximum(ally, 0)] > 0
                partner = balancing_partner(obs, lw, li)
                offer[lw, li] = np.where(joining, np.where(allied, -1, ally), partner)
                # The belligerent's own offensive war against T calls it as an attacker's ally.
                initiator = joining & (state.war_target[lw, np.maximum(ally, 0)] == lt)
                join_offence[lw[initiator], li[initiator]] = 1.0
        return actions.replace(offer=offer, shirk=shirk, spend=spend, join_offence=join_offence)


def at_war_with(obs: Observation, bw: I64, threat: I64) -> BoolA:
    """(R, N) actors at war with the threat T of each row: T's target, or those whose
    own war is against T."""
    state = obs.state
    war_target = take_rows(state.war_target, bw)
    out = war_target == threat[:, None]
    their = state.war_target[bw, threat]
    hit = their >= 0
    out[np.flatnonzero(hit), their[hit]] = True
    out &= take_rows(state.alive, bw)
    out[np.arange(len(bw)), threat] = False
    return out


def catcher_failing(obs: Observation, bw: I64, i: I64, threat: I64, catcher: I64) -> BoolA:
    """Per row, the buck-catcher is failing: it is at war with the threat T and its chance
    of winning, as actor i estimates it, is below ``Params.buck_failing_odds``.

    The estimate sets the two sides of the war under way as the campaigns count them
    (:meth:`~powerbalance.model.perception.Observation.expected_offence` for the side
    that attacked, :meth:`~powerbalance.model.perception.Observation.expected_defence`
    for the other, each principal's allies at their expected help, the threat's included),
    each with i's estimation error about its principal (Mearsheimer 2001, ch. 8: the
    buck-passer enters once the catcher cannot contain the threat alone).
    """
    state, params = obs.state, obs.params
    n = state.n_actors
    c = np.maximum(catcher, 0)
    rows = np.arange(len(bw))
    fighting = (catcher >= 0) & at_war_with(obs, bw, threat)[rows, c]
    if not fighting.any():
        return fighting
    b, me, t, c = bw[fighting], i[fighting], threat[fighting], c[fighting]
    noise = obs.noise.reshape(-1)
    seen_t, seen_c = noise[(b * n + me) * n + t], noise[(b * n + me) * n + c]
    t_attacks = state.war_target[b, t] == c
    # The threat's side attacks the catcher, or defends against the catcher's war on it.
    threat_side = np.where(t_attacks, obs.expected_offence(b, t, c, ongoing=True),
                           obs.expected_defence(b, t, c, ongoing=True)) * seen_t
    catcher_side = np.where(t_attacks, obs.expected_defence(b, c, t, ongoing=True),
                            obs.expected_offence(b, c, t, ongoing=True)) * seen_c
    odds: F64 = np.where(t_attacks, 1.0 - victory_probability(threat_side, catcher_side, params),
                         victory_probability(catcher_side, threat_side, params))
    out = fighting.copy()
    out[fighting] = odds < params.buck_failing_odds
    return out


def war_to_join(obs: Observation, bw: I64, i: I64, threat: I64, catcher: I64) -> I64:
    """Per row, the belligerent on whose side actor i joins the war against T (-1 if nobody
    is at war with T): the catcher when it is fighting T, else the strongest (as i
    perceives it) of those at war with T."""
    state = obs.state
    n = state.n_actors
    fighting = at_war_with(obs, bw, threat)
    rows = np.arange(len(bw))
    fighting[rows, i] = False
    score = rows_of(obs.perceived, bw * n + i)
    score *= fighting
    score -= ~fighting
    best, strongest = row_max_argmax(score)
    c = np.maximum(catcher, 0)
    catcher_fights = (catcher >= 0) & fighting[rows, c]
    return np.where(catcher_fights, catcher, np.where(best >= 0, strongest, -1))
