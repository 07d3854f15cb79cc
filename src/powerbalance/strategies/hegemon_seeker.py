"""The revisionist bid for hegemony (Napoleon, Hitler, Qin)."""

from __future__ import annotations

import numpy as np

from powerbalance import detmath
from powerbalance.model.derived import frontier_value
from powerbalance.model.fastops import first_max_per_group, nonzero
from powerbalance.model.perception import Observation
from powerbalance.model.victory import (
    expected_war_years,
    victory_probability,
    war_damage_share,
)
from powerbalance.params import Params
from powerbalance.strategies.base import F64, I64, Actions, BoolA, Strategy
from powerbalance.strategies.common import preventive_target, rows_of, wedge_target
from powerbalance.strategies.registry import register


@register
class HegemonSeeker(Strategy):
    """Arms heavily and attacks the neighbour where the expected gain most exceeds the cost.

    The offensive realist's revisionist (Mearsheimer 2001, *The Tragedy of
    Great Power Politics*; Schweller 1994, "Bandwagoning for profit",
    *International Security* 19(1)): it spends ``Params.bid_spend`` of its
    wealth on the military. Its attack rule is the expected-utility rule of
    Bueno de Mesquita (1981, *The War Trap*): for each neighbour j it is not
    allied with, with p its estimated chance of victory against j and the
    coalition it *expects* to defend j (each ally counted at commitment x
    reliability, :mod:`powerbalance.model.perception`),

    - expected gain = p x ``conquest_rate`` x production of j's provinces on
      its frontier x its own productivity x ``Params.stake_horizon`` years
      (the value of the provinces at stake times the chance of winning them);
    - expected cost = what the war model inflicts on it
      (:mod:`powerbalance.model.war`) over the expected number T of
      campaign-years of the war (:func:`expected_war_years`: the engine's
      war-ending rule at the estimated odds), each campaign-year costing the
      attrition ``destructiveness`` x the enemy side's share of the total
      strength x the forces it commits (its military shared among its wars),
      both sides counted with their allies at their expected help, so a
      hollow ally adds little cost; plus ``Params.seeker_damage_weight`` x the
      share of its productivity the war model takes from a principal in each
      campaign-year against the sides it expects
      (:func:`powerbalance.model.victory.war_damage_share`: ``2 x
      war_damage`` x the expected enemy side's share of the total strength,
      so a war on a small state costs little, one on a strong coalition much)
      x its wealth x the years the T campaign-years' losses of productivity
      last within ``stake_horizon``: in full until the war ends, then less
      what the phoenix factor, ``phoenix_rate``, regains in each year of
      peace (the engine regains nothing while a war is under way:
      :func:`damage_years`). The expected cost is thus the engine's own
      attrition, damage, war-ending and recovery rules applied to the
      expected coalition (Bueno de Mesquita 1981: the expected cost of the
      war the model will fight), and ``seeker_damage_weight = 1`` is the
      consistent weight.

    Both terms are in the same unit, wealth-years: the gain is a flow of
    production over ``stake_horizon`` years; military is bought one for one
    out of wealth (:mod:`powerbalance.model.economy`), so a unit of forces
    lost costs one unit of a year's wealth.

    It attacks the neighbour with the largest expected net gain when that is
    positive and p is at least ``Params.attack_odds`` (loss aversion: a bid
    is not staked on worse odds). ``Params.seeker_rule = "odds"`` restores the
    rule used before (the neighbour of the best odds, when they reach
    ``attack_odds``), for ablations. It spares its allies (its bandwagoners
    among them) while its capability share is below
    ``Params.seeker_spares_until`` (default: the hegemony share); once it holds
    that much it no longer needs them (Schweller 1994: the revisionist may turn
    on its jackals): it accepts no new alliance and an ally is a target like any
    neighbour. Schweller says the lion *may* turn on the jackals, not that it
    breaks with all of them at once, so the exit is selective (``Params.seeker_exit
    = "gradual"``, a stated choice): it leaves only the alliance whose partner it
    attacks this year (its best target by the rule above, ``Actions.leave_ally``),
    one a year, and keeps the jackals it has nothing to gain from attacking, as
    Napoleon turned on Spain in 1808 while keeping his German allies. ``seeker_exit
    = "all"`` restores the rule before issue 11's fourth review: it leaves every
    alliance the year it turns. It has the *preventive* trait (classifier
    ``preventive``; Copeland 2000, *The Origins of Major War*): when no stake
    pays but its own share is in decline and a neighbouring challenger's is
    rising and has reached ``Params.preventive_ratio`` of its own, it strikes
    the challenger when its odds reach ``Params.attack_odds``. It defends its
    allies fully and joins their offensive wars. With ``Params.seeker_wedges`` it also wedges the
    coalition forming against it, as the ``wedger`` does (Crawford 2011,
    "Preventing enemy coalitions", *International Security* 35(4); Zhang Yi's
    連橫).
    """

    name = "hegemon-seeker"
    uid = 4
    classifier = {
        "concept": "revisionist bid for hegemony",
        "stochastic": False,
        "reads": frozenset({"own", "neighbours", "system"}),
        "initiates_war": True,
        "makes_alliances": False,
        "preventive": True,
    }
    references = ("Mearsheimer 2001", "Schweller 1994", "Bueno de Mesquita 1981",
                  "Crawford 2011", "Copeland 2000")

    def decide(self, obs: Observation, mask: BoolA) -> Actions:
        """Attack the neighbour of the largest positive expected net gain; wedge."""
        params = obs.params
        actions = Actions.defensive(obs, params.bid_spend)
        # Only the fields it changes are replaced: the others keep the passive defaults,
        # which the policy's merge then skips (Actions.fresh).
        changes: dict[str, np.ndarray] = {"join_offence": np.ones_like(actions.join_offence)}
        bw, i = nonzero(mask)
        if len(bw):
            # Once it no longer needs allies (seeker_spares_until) any neighbour is a
            # candidate target: it then accepts no alliance and leaves (before the war
            # phase) the one alliance whose partner it attacks this year, or, under
            # seeker_exit = "all", every alliance at once.
            turned = obs.share[bw, i] >= params.seeker_spares_until
            if turned.any():
                leave, accept = actions.leave.copy(), actions.accept.copy()
                if params.seeker_exit == "all":
                    leave[bw[turned], i[turned]] = True
                    changes["leave"] = leave
                accept[bw[turned], i[turned]] = False
                changes["accept"] = accept
            wedges = params.seeker_wedges and params.wedge_payment > 0
            if obs.setting.engine == "compiled":  # the same rules, compiled
                changes.update(compiled_changes(obs, actions, bw, i, turned, wedges))
            else:
                strike, turn_on = reference_strikes(obs, bw, i, turned)
                member = wedge_target(obs, bw, i) if wedges else None
                changes.update(changed_fields(actions, bw, i, strike, turn_on, member, params))
        return actions.replace(**changes)


def changed_fields(actions: Actions, bw: I64, i: I64, strike: I64, turn_on: I64,
                   member: I64 | None, params: Params) -> dict[str, np.ndarray]:
    """The fields of ``actions`` that the rows ``(bw, i)`` change: ``attack`` where some
    row strikes (``strike``), ``leave_ally`` where some row leaves an ally (``turn_on``),
    and ``pay``, ``pay_spend`` (``Params.wedge_payment``) and ``spend`` where some row pays
    a member (``member``; None: it does not wedge); -1 where a row does none."""
    changes: dict[str, np.ndarray] = {}
    if (strike >= 0).any():
        attack = actions.attack.copy()
        attack[bw, i] = strike
        changes["attack"] = attack
    if (turn_on >= 0).any():
        leave_ally = actions.leave_ally.copy()
        leave_ally[bw, i] = turn_on
        changes["leave_ally"] = leave_ally
    if member is not None and (member >= 0).any():
        paying = member >= 0
        pay, pay_spend = actions.pay.copy(), actions.pay_spend.copy()
        pay[bw[paying], i[paying]] = member[paying]
        pay_spend[bw[paying], i[paying]] = params.wedge_payment
        changes.update(spend=actions.spend + pay_spend, pay=pay, pay_spend=pay_spend)
    return changes


def reference_strikes(obs: Observation, bw: I64, i: I64, turned: BoolA) -> tuple[I64, I64]:
    """Per row of ``(bw, i)`` (``turned``: the rows that no longer spare their allies): (the
    target it attacks, for the stakes or preventively; the ally it leaves, the one it
    attacks under ``seeker_exit = "gradual"``), -1 where none (see :class:`HegemonSeeker`).
    The NumPy reference of :func:`compiled_changes`."""
    state, params = obs.state, obs.params
    n = state.n_actors
    attack = np.full(len(bw), -1, dtype=np.int64)
    leave_ally = np.full(len(bw), -1, dtype=np.int64)
    gw, gi, gj = reference_targets(obs, bw, i, turned)
    if len(gw):
        at = np.searchsorted(bw * n + i, gw * n + gi)   # (bw, i) in C order: sorted
        attack[at] = gj
        if params.seeker_exit == "gradual":  # it turns on the one ally it attacks
            allied = state.alliance[gw, gi, gj] > 0
            leave_ally[at[allied]] = gj[allied]
    # The preventive trait: a declining seeker strikes a rising challenger even
    # where the stakes alone would not pay.
    idle = attack < 0
    if idle.any():
        attack[idle] = preventive_target(obs, bw[idle], i[idle])
    return attack, leave_ally


def compiled_changes(obs: Observation, actions: Actions, bw: I64, i: I64, turned: BoolA,
                     wedges: bool) -> dict[str, np.ndarray]:
    """:func:`reference_strikes` and, with ``wedges``, :func:`wedge_target`, as the fields
    they change (:func:`changed_fields`), on the compiled engine: one kernel
    (:func:`powerbalance.strategies.compiled_hegemon.decision`) where the victory function
    allows, else the several kernels of :func:`compiled_targets`."""
    from powerbalance.strategies import compiled_hegemon

    state, params = obs.state, obs.params
    if compiled_hegemon.fused(params):
        return compiled_hegemon.decision(obs, actions, bw, i, turned, wedges)
    strike = compiled_targets(obs, bw, i, turned)
    turn_on = np.full(len(bw), -1, dtype=np.int64)
    if params.seeker_exit == "gradual":
        hit = np.flatnonzero(strike >= 0)
        allied = state.alliance[bw[hit], i[hit], strike[hit]] > 0
        turn_on[hit[allied]] = strike[hit[allied]]
    idle = strike < 0
    if idle.any():
        strike[idle] = preventive_target(obs, bw[idle], i[idle])
    member = wedge_target(obs, bw, i) if wedges else None
    return changed_fields(actions, bw, i, strike, turn_on, member, params)


def reference_targets(obs: Observation, bw: I64, i: I64, turned: BoolA
                      ) -> tuple[I64, I64, I64]:
    """The seekers' attacks of the year: ``(world, actor, target)`` of each row of ``(bw, i)``
    that attacks (see :class:`HegemonSeeker`; ``turned``: the rows that no longer spare their
    allies). The NumPy reference of :func:`compiled_targets`."""
    state, params = obs.state, obs.params
    own_row = bw * state.n_actors + i
    # Candidate targets: neighbours it is not allied with (sparse pairs), or any neighbour
    # once it no longer needs allies.
    rows, j = nonzero(rows_of(state.adjacent, own_row)
                      & ((rows_of(state.alliance, own_row) <= 0) | turned[:, None]))
    if params.seeker_rule == "odds":
        odds = obs.win_odds(bw[rows], i[rows], j)
        net = odds
    else:
        net, odds = expected_net_gain(obs, bw[rows], i[rows], j)
    # Best target per actor: highest net gain, the lowest index among ties.
    pick, best = first_max_per_group(rows, net)
    go = (best > 0) & (odds[pick] >= params.attack_odds)
    return bw[rows[pick[go]]], i[rows[pick[go]]], j[pick[go]]


def compiled_targets(obs: Observation, bw: I64, i: I64, turned: BoolA) -> I64:
    """Per row of ``(bw, i)``, the target it attacks this year, or -1: :func:`reference_targets`
    on the compiled engine (the same candidates, estimates, net gains and first maxima, in
    two kernels of :mod:`powerbalance.strategies.compiled` around the shared estimates of the
    sides, :meth:`Observation.war_sides`)."""
    from powerbalance.strategies import compiled

    state, params = obs.state, obs.params
    n = state.n_actors
    kernels = compiled.kernels()
    rows, j = kernels["seeker_pairs"](bw, i, n, state.adjacent.reshape(-1),
                                      state.alliance.reshape(-1), turned)
    b, me = bw[rows], i[rows]
    own, enemy = obs.war_sides(b, me, j)
    odds = victory_probability(own, enemy, params)
    frontier = state.frontier
    if frontier is None:   # a state that has not been stepped yet
        frontier = frontier_value(state.owner, n, obs.setting)
    r = params.phoenix_rate
    return kernels["seeker_choice"](  # type: ignore[no-any-return]
        rows, len(bw), b, me, j, n, own, enemy, odds, params.seeker_rule == "odds",
        np.ascontiguousarray(frontier).reshape(-1), state.productivity.reshape(-1),
        obs.forces.reshape(-1), state.wealth.reshape(-1), float(params.conquest_rate),
        float(params.stake_horizon), float(params.destructiveness), float(params.peace_odds),
        float(params.seeker_damage_weight), float(params.war_damage), float(r), log_keep(r),
        float(params.attack_odds))


def expected_net_gain(obs: Observation, b: I64, i: I64, j: I64) -> tuple[F64, F64]:
    """Per pair (b, i -> j): (expected gain - expected cost, estimated odds) of i attacking j
    (see :class:`HegemonSeeker`)."""
    state, params = obs.state, obs.params
    own, enemy = obs.war_sides(b, i, j)
    odds = victory_probability(own, enemy, params)
    if not len(b):
        return odds, odds
    n = state.n_actors
    frontier = state.frontier
    if frontier is None:   # a state that has not been stepped yet
        frontier = frontier_value(state.owner, n, obs.setting)
    value = frontier.reshape(-1)[(b * n + i) * n + j].astype(np.float64)
    gain = odds * params.conquest_rate * value * state.productivity[b, i] * params.stake_horizon
    # The campaign's attrition of the forces it commits: destructiveness x the enemy side's
    # share of the total strength, both sides with their allies at their expected help.
    # Each campaign-year of the T the war is expected to last costs this attrition.
    enemy_share = enemy / np.maximum(own + enemy, 1e-300)
    years = expected_war_years(odds, params)
    cost = years * params.destructiveness * enemy_share * obs.forces[b, i]
    if params.seeker_damage_weight:
        # The war model's own damage rule on the sides it expects: the loss grows with the
        # force the expected coalition brings (war_damage_share).
        cost = cost + (params.seeker_damage_weight
                       * war_damage_share(params.war_damage, enemy_share) * state.wealth[b, i]
                       * damage_years(params, years))
    return gain - cost, odds


def damage_years(params: Params, years: F64 | float = 1.0) -> F64:
    """Years' worth of production the losses of a war of ``years`` (T) campaign-years cost
    within ``stake_horizon`` (H), per campaign-year's share of productivity lost: each loss
    lasts in full until the war ends (the engine regains nothing while a war is under way),
    ``T (T + 1) / 2`` years for the T campaigns together, then all T shrink by the phoenix
    factor, ``phoenix_rate`` (r) of what is left in each year of peace, over the ``H - T``
    years left: ``T x (1 - r) x (1 - (1 - r) ** (H - T)) / r`` (``T x (H - T)`` at r = 0,
    the loss permanent). At T = 1 (and H >= 1) this is ``(1 - (1 - r) ** H) / r``. T is the expected
    length (:func:`expected_war_years`), the formula evaluated at the mean of the war's
    length; the war's own years count in full even where they exceed a shorter H."""
    r, horizon = params.phoenix_rate, params.stake_horizon
    t = np.asarray(years, dtype=np.float64)
    after = np.maximum(horizon, t) - t
    if r <= 0:
        peace = after
    elif r >= 1:
        peace = np.zeros_like(t)
    else:   # (1 - r) ** after, bit-reproducible (detmath)
        peace = (1.0 - r) * (1.0 - detmath.exp(after * log_keep(r))) / r
    return np.asarray(t * (t + 1.0) / 2.0 + t * peace, dtype=np.float64)


def log_keep(r: float) -> float:
    """``detmath.log(1 - r)`` for a phoenix rate ``r`` strictly between 0 and 1 (the log of
    the share of its losses an actor still bears after a year of peace), else 0.0; computed
    once per rate (a Python float multiplies an array as the 0-d array did, bit for bit)."""
    if not 0 < r < 1:
        return 0.0
    out = _LOG_KEEP.get(r)
    if out is None:
        out = _LOG_KEEP[r] = float(detmath.log(1.0 - r))
    return out


_LOG_KEEP: dict[float, float] = {}
