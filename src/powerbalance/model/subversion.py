"""Penetration (滲透), side payments (wedges) and captured policies.

**Side payments** (before alliances form): an actor that pays
(``Actions.pay``, ``Actions.pay_spend`` of its wealth) transfers that sum from
its military stock to the payee's (a subsidy: Britain's to continental powers,
Qin's gold to the courts of the six), provided the sum is worth at least
``Params.wedge_price`` of the payee's own wealth; a smaller offer is declined
and nothing is paid (wedges work when the reward is large relative to the
target's stakes). The payee stays out of alliance-making this year: its
offers are withdrawn and it accepts none (Crawford 2011, "Preventing enemy
coalitions", *International Security* 35(4)). A ``side_payment`` event
records it. A coercive wedge (``Actions.pressure``) works without money: the
pressured actor stays out likewise when the presser threatens it by at least
``balance_threshold`` times its own capability (a ``pressured`` event).

**Subversion** (after alliances, before war): each penetrator's money
(``Actions.subvert_spend`` of its wealth, taken from its military stock)
reaches its target discounted by the loss-of-strength gradient. The target's
cohesion falls by ``subversion_efficacy * S / (S + counter_efficacy * C +
subversion_resilience * W)``, a contest function of the subversion money S
against the target's counter-subversion money C (``Actions.counter_spend``,
also paid from its military) and its wealth W. Cohesion recovers each year by
``cohesion_recovery`` of the gap to 1.

- Below ``capture_threshold`` the target is **captured** (``captured``
  event) by the actor that subverted it most this year, for
  ``capture_spell`` years: its policy follows its captor
  (:func:`follow_captors`): it offers the captor an alliance, accepts offers,
  leaves its other alliances, attacks the captor's target if it borders it,
  and fights for it. The spell ends (``released``) when it runs out or the
  captor dies.
- Below ``fragment_threshold`` the target **fragments**: its provinces at
  least as far from its capital as the median of its provinces (never the
  capital) secede into a new actor (``secession`` event), captured by the
  penetrator as a client.

Since arrays have a fixed number N of actor slots, a new actor takes a
*dead slot* of its world: an actor killed earlier, or a reserve slot that a
scenario declares with ``reserve = true`` (an actor that starts dead, without
provinces). The lowest-numbered free slot is used and keeps that slot's
strategy and name; at most one secession happens per world and year. When a
world has no free slot the target cannot fragment (it stays captured). This
choice keeps every array shape fixed and lets scenario authors decide how
many rebel states can appear.
"""

from __future__ import annotations

import numpy as np

from powerbalance.model.actions import Actions
from powerbalance.model.derived import adjacency, derive, frontier_value
from powerbalance.model.events import EventKind, Events
from powerbalance.model.fastops import nonzero, row_any
from powerbalance.model.perception import Observation
from powerbalance.model.state import I64, Setting, WorldState, none_chosen
from powerbalance.params import Params

#: No (world, actor) pairs.
_NOBODY = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))


def follow_captors(state: WorldState, actions: Actions) -> Actions:
    """Override the actions of captured actors with their captor's interests."""
    captured = state.alive & (state.captor >= 0)
    if not captured.any():
        return actions
    bw, i = nonzero(captured)
    c = state.captor[bw, i]
    live = state.alive[bw, c]
    bw, i, c = bw[live], i[live], c[live]
    if not len(bw):
        return actions
    offer, accept, leave = actions.offer.copy(), actions.accept.copy(), actions.leave.copy()
    attack, join = actions.attack.copy(), actions.join.copy()
    subvert, pay = actions.subvert.copy(), actions.pay.copy()
    allied = state.alliance[bw, i] > 0
    with_captor = allied[np.arange(len(bw)), c]
    allied[np.arange(len(bw)), c] = False
    others = row_any(allied)
    # Leaving dissolves every alliance, the captor's too: offer it again the same year.
    offer[bw, i] = np.where(with_captor & ~others, -1, c)
    accept[bw, i] = True
    leave[bw, i] = others
    target = actions.attack[bw, c]
    safe = np.maximum(target, 0)
    ok = (target >= 0) & (target != i) & state.adjacent[bw, i, safe]
    attack[bw, i] = np.where(ok, target, -1)
    join[bw, i] = 1.0
    subvert[bw, i] = -1
    pay[bw, i] = -1
    shirk, join_offence = actions.shirk.copy(), actions.join_offence.copy()
    leave_passed, pressure = actions.leave_passed.copy(), actions.pressure.copy()
    accept_ratio = actions.accept_ratio.copy()
    shirk[bw, i] = -1
    join_offence[bw, i] = 1.0    # a client fights its captor's wars
    leave_passed[bw, i] = False
    pressure[bw, i] = -1
    accept_ratio[bw, i] = 0.0
    return actions.replace(offer=offer, accept=accept, leave=leave, attack=attack, join=join,
                           subvert=subvert, pay=pay, shirk=shirk, join_offence=join_offence,
                           leave_passed=leave_passed, pressure=pressure,
                           accept_ratio=accept_ratio)


def side_payments(state: WorldState, actions: Actions,
                  params: Params) -> tuple[WorldState, Actions, list[Events]]:
    """Transfer side payments; payees stay out of alliance-making this year."""
    alive = state.alive
    if none_chosen(actions.pay):  # (most years nobody pays)
        return state, actions, []
    pb, pw = nonzero(alive & (actions.pay >= 0) & (actions.pay_spend > 0))
    if not len(pb):
        return state, actions, []
    j = actions.pay[pb, pw]
    ok = alive[pb, j] & (j != pw)
    pb, pw, j = pb[ok], pw[ok], j[ok]
    if not len(pb):
        return state, actions, []
    n = state.n_actors
    amount = np.minimum(actions.pay_spend[pb, pw] * state.wealth[pb, pw],
                        state.military[pb, pw])
    # The payee takes only an offer worth its while (Params.wedge_price of its wealth).
    taken = (amount > 0) & (amount >= params.wedge_price * state.wealth[pb, j])
    pb, pw, j, amount = pb[taken], pw[taken], j[taken], amount[taken]
    if not len(pb):
        return state, actions, []
    size = state.batch * n
    flow = (np.bincount(pb * n + j, weights=amount, minlength=size)
            - np.bincount(pb * n + pw, weights=amount, minlength=size))
    military = np.maximum(state.military + flow.reshape(state.batch, n), 0.0)
    offer, accept = actions.offer.copy(), actions.accept.copy()
    offer[pb, j] = -1
    accept[pb, j] = False
    ev = Events.make(EventKind.SIDE_PAYMENT, pb, pw, j, amount)
    return (state.replace(military=military), actions.replace(offer=offer, accept=accept),
            [ev])


def pressures(actions: Actions, obs: Observation,
              params: Params) -> tuple[Actions, list[Events]]:
    """Coercive wedges: a pressured actor stays out of alliance-making this year when it is
    intimidated, i.e. its threat from the presser is at least ``balance_threshold`` times its
    own capability (Crawford 2011: wedges by rewards *or* by threats of punishment)."""
    if none_chosen(actions.pressure):
        return actions, []
    pb, pw = nonzero(obs.alive & (actions.pressure >= 0))
    if not len(pb):
        return actions, []
    j = actions.pressure[pb, pw]
    n = obs.state.n_actors
    ratio = (obs.threat.reshape(-1)[(pb * n + j) * n + pw]
             / np.maximum(obs.share[pb, j], 1e-12))
    cowed = obs.alive[pb, j] & (j != pw) & (ratio >= params.balance_threshold)
    pb, pw, j = pb[cowed], pw[cowed], j[cowed]
    if not len(pb):
        return actions, []
    offer, accept = actions.offer.copy(), actions.accept.copy()
    offer[pb, j] = -1
    accept[pb, j] = False
    ev = Events.make(EventKind.PRESSURED, pb, pw, j, ratio[cowed])
    return actions.replace(offer=offer, accept=accept), [ev]


def subversion(state: WorldState, actions: Actions, obs: Observation, setting: Setting,
               params: Params) -> tuple[WorldState, list[Events]]:
    """Cohesion recovery, subversion, counter-subversion, capture, release, secession."""
    alive = state.alive
    n, batch = state.n_actors, state.batch
    events: list[Events] = []
    changes: dict[str, np.ndarray] = {}
    captor, left = state.captor, state.capture_left

    held = captor >= 0
    if held.any():
        left = np.where(held, left - 1, left)
        bw, i = nonzero(held)
        c = captor[bw, i]
        end = (left[bw, i] <= 0) | ~alive[bw, c] | ~alive[bw, i]
        if end.any():
            events.append(Events.make(EventKind.RELEASED, bw[end], i[end], c[end]))
            captor = captor.copy()
            captor[bw[end], i[end]] = -1
            left = left.copy()
            left[bw[end], i[end]] = 0
        changes["captor"], changes["capture_left"] = captor, left

    cohesion = state.cohesion
    if (alive & (cohesion < 1.0)).any():
        cohesion = np.where(alive, cohesion + params.cohesion_recovery * (1.0 - cohesion),
                            cohesion)
        changes["cohesion"] = cohesion

    sb, si = (_NOBODY if none_chosen(actions.subvert) else
              nonzero(alive & (actions.subvert >= 0) & (actions.subvert_spend > 0)))
    counter = alive & (actions.counter_spend > 0)
    if not len(sb) and not counter.any():
        return (state.replace(**changes) if changes else state), events

    military = state.military.copy()
    counter_money = np.where(counter, actions.counter_spend * state.wealth, 0.0)
    counter_money = np.minimum(counter_money, military)
    military -= counter_money
    if len(sb):
        t = actions.subvert[sb, si]
        ok = alive[sb, t] & (t != si)
        sb, si, t = sb[ok], si[ok], t[ok]
    if len(sb):
        money = np.minimum(actions.subvert_spend[sb, si] * state.wealth[sb, si],
                           military[sb, si])
        np.subtract.at(military.reshape(-1), sb * n + si, money)
        reaching = money * obs.money_reach[sb, si, t]  # money travels without the army's mobility
        code = sb * n + t
        pressure = np.bincount(code, weights=reaching, minlength=batch * n).reshape(batch, n)
        denom = (pressure + params.counter_efficacy * counter_money
                 + params.subversion_resilience * state.wealth)
        damage = params.subversion_efficacy * np.divide(
            pressure, denom, out=np.zeros_like(pressure), where=denom > 0)
        cohesion = np.clip(cohesion - damage, 0.0, 1.0)
        events.append(Events.make(EventKind.SUBVERTED, sb, si, t, reaching))
        # The main subverter of each target (most money reaching it).
        order = np.lexsort((reaching, code))
        ordered = code[order]
        last = np.empty(len(ordered), dtype=bool)  # the last entry of each target's run
        np.not_equal(ordered[1:], ordered[:-1], out=last[:-1])
        last[-1] = True
        top_code, top_actor = ordered[last], si[order][last]
        main_flat = np.full(batch * n, -1, dtype=np.int64)
        main_flat[top_code] = top_actor
        main = main_flat.reshape(batch, n)
        captor = changes.get("captor", captor).copy()
        left = changes.get("capture_left", left).copy()
        capture = alive & (main >= 0) & (cohesion < params.capture_threshold) & (captor < 0)
        if capture.any():
            cb, ci = nonzero(capture)
            captor[cb, ci] = main[cb, ci]
            left[cb, ci] = int(params.capture_spell)
            events.append(Events.make(EventKind.CAPTURED, cb, ci, main[cb, ci],
                                      float(int(params.capture_spell))))
        changes.update(captor=captor, capture_left=left, cohesion=cohesion)
        fragment = alive & (main >= 0) & (cohesion < params.fragment_threshold)
        changes["military"] = military
        state = state.replace(**changes)
        if fragment.any():
            state = _secede(state, fragment, main, setting, params, events)
        return state, events
    changes["military"] = military
    return state.replace(**changes), events


def _secede(state: WorldState, fragment: np.ndarray, main: I64, setting: Setting,
            params: Params, events: list[Events]) -> WorldState:
    """Outer provinces of one fragmenting actor per world secede into a free slot."""
    worlds = np.flatnonzero(fragment.any(axis=1))
    t = np.argmax(fragment[worlds], axis=1)
    free = ~state.alive[worlds]
    has_slot = free.any(axis=1)
    worlds, t, slot = worlds[has_slot], t[has_slot], np.argmax(free[has_slot], axis=1)
    if not len(worlds):
        return state
    owner = state.owner[worlds]
    cap = state.capital[worlds, t]
    dist = setting.distance[np.maximum(cap, 0)]
    mine = owner == t[:, None]
    count = mine.sum(axis=1)
    masked = np.where(mine, dist, np.inf)
    srt = np.sort(masked, axis=1)
    med = srt[np.arange(len(worlds)), np.maximum((count - 1) // 2, 0)]
    p = setting.n_provinces
    secede = mine & (dist >= med[:, None]) & (np.arange(p)[None, :] != cap[:, None])
    ok = (count >= 2) & secede.any(axis=1)
    worlds, t, slot, secede, owner, count = (worlds[ok], t[ok], slot[ok], secede[ok],
                                             owner[ok], count[ok])
    if not len(worlds):
        return state
    value = np.where(secede, setting.province_map.value[None, :], -1.0)
    new_cap = np.argmax(value, axis=1)
    frac = secede.sum(axis=1) / count
    pen = main[worlds, t]

    new = {name: getattr(state, name).copy() for name in (
        "alive", "owner", "capital", "productivity", "wealth", "military", "spend", "nuclear",
        "resolve", "cohesion", "alliance", "hostility", "abandonment", "exploitation", "fought",
        "captor", "capture_left")}
    new["owner"][worlds] = np.where(secede, slot[:, None], owner)
    new["alive"][worlds, slot] = True
    new["capital"][worlds, slot] = new_cap
    new["productivity"][worlds, slot] = state.productivity[worlds, t]
    for name in ("wealth", "military"):
        arr = new[name]
        arr[worlds, slot] = arr[worlds, t] * frac
        arr[worlds, t] = arr[worlds, t] * (1.0 - frac)
    new["spend"][worlds, slot] = params.base_spend
    new["nuclear"][worlds, slot] = 0
    new["resolve"][worlds, slot] = state.resolve[worlds, t]
    new["cohesion"][worlds, slot] = 1.0
    new["cohesion"][worlds, t] = params.capture_threshold
    for name in ("alliance", "hostility", "abandonment", "exploitation", "fought"):
        arr = new[name]
        arr[worlds, slot, :] = 0
        arr[worlds, :, slot] = 0
    new["captor"][worlds, slot] = pen
    new["capture_left"][worlds, slot] = int(params.capture_spell)
    events.append(Events.make(EventKind.SECESSION, worlds, slot, t, secede.sum(axis=1)))
    events.append(Events.make(EventKind.CAPTURED, worlds, slot, pen,
                              float(int(params.capture_spell))))
    fresh = derive(new["owner"][worlds], new["capital"][worlds], new["alive"][worlds], setting,
                   params, state.year)
    for name in ("adjacent", "capital_distance", "reach", "base"):
        arr = getattr(state, name).copy()
        arr[worlds] = getattr(fresh, name)
        new[name] = arr
    if state.frontier is not None:
        frontier = state.frontier.copy()
        frontier[worlds] = frontier_value(new["owner"][worlds], state.n_actors, setting)
        new["frontier"] = frontier
    if state.land_adjacent is not None:
        land = state.land_adjacent.copy()
        alive_w = new["alive"][worlds]
        land[worlds] = (adjacency(new["owner"][worlds], state.n_actors, setting, land_only=True)
                        & alive_w[:, :, None] & alive_w[:, None, :])
        new["land_adjacent"] = land
    return state.replace(**new)
