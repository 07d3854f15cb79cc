"""Engine mechanics of penetration, side payments and reputation, one phase at a time."""

from __future__ import annotations

import numpy as np

from powerbalance.model.events import EventKind, Events
from powerbalance.model.perception import Observation
from powerbalance.model.reputation import remember, screen_offers
from powerbalance.model.subversion import side_payments, subversion
from powerbalance.strategies.base import Actions
from tests.conftest import line_scenario
from tests.strategies.harness import EXACT, actor, edit


def world(actors, provinces=3, **params):
    scen = line_scenario(actors, provinces=provinces, params={**EXACT, **params})
    p = scen.make_params()
    setting = scen.setting(p)
    return scen.initial_state(p, setting, 0, [0]), setting, p


def test_cohesion_recovers_and_counter_subversion_costs_military():
    state, setting, p = world([actor("A", [0]), actor("B", [1]), actor("C", [2])])
    state = edit(state, "cohesion", (0, 1), 0.5)
    obs = Observation(state, setting, p)
    actions = Actions.passive(1, 3, p.base_spend)
    after, events = subversion(state, actions, obs, setting, p)
    assert after.cohesion[0, 1] == 0.5 + p.cohesion_recovery * 0.5 and not len(events)
    actions = actions.replace(counter_spend=np.array([[0.0, 0.1, 0.0]]))
    after, _ = subversion(state, actions, obs, setting, p)
    assert after.military[0, 1] < state.military[0, 1]
    assert after.military[0, 0] == state.military[0, 0]


def test_subversion_lowers_cohesion_and_captures_below_the_threshold():
    state, setting, p = world([actor("P", [0], 50.0), actor("T", [1], 5.0), actor("C", [2])])
    state = edit(state, "cohesion", (0, 1), p.capture_threshold + 0.01)
    state = edit(state, "military", (0, 0), 100.0)
    obs = Observation(state, setting, p)
    actions = Actions.passive(1, 3, p.base_spend).replace(
        subvert=np.array([[1, -1, -1]]), subvert_spend=np.array([[0.2, 0.0, 0.0]]))
    after, events = subversion(state, actions, obs, setting, p)
    kinds = {EventKind(k) for k in Events.concat(events).kind}
    assert after.cohesion[0, 1] < p.capture_threshold
    assert {EventKind.SUBVERTED, EventKind.CAPTURED} <= kinds
    assert after.captor[0, 1] == 0 and after.capture_left[0, 1] == int(p.capture_spell)
    assert after.military[0, 0] < 100.0


def test_fragmentation_uses_a_dead_slot():
    state, setting, p = world([actor("P", [0], 50.0), actor("T", [1, 2, 3], 5.0),
                               actor("Gone", [4])], provinces=5)
    # Kill "Gone": its province goes to T, its slot is free.
    owner = state.owner.copy()
    owner[0, 4] = 1
    state = state.replace(owner=owner, alive=np.array([[True, True, False]]),
                          capital=np.array([[0, 1, -1]]))
    state = edit(state, "cohesion", (0, 1), p.fragment_threshold + 0.01)
    state = edit(state, "military", (0, 0), 100.0)
    obs = Observation(state, setting, p)
    actions = Actions.passive(1, 3, p.base_spend).replace(
        subvert=np.array([[1, -1, -1]]), subvert_spend=np.array([[0.2, 0.0, 0.0]]))
    after, events = subversion(state, actions, obs, setting, p)
    ev = Events.concat(events)
    sec = ev.kind == EventKind.SECESSION
    assert sec.sum() == 1 and ev.actor[sec][0] == 2 and ev.other[sec][0] == 1
    assert after.alive[0, 2] and after.captor[0, 2] == 0
    assert set(np.flatnonzero(after.owner[0] == 2)) and after.owner[0, 1] == 1  # capital kept
    assert (after.owner[0] >= 0).all()


def test_side_payment_transfers_and_keeps_the_payee_out_of_alliances():
    state, setting, p = world([actor("W", [0], 20.0, 5.0), actor("B", [1], 2.0, 1.0),
                               actor("C", [2], 2.0, 1.0)])
    actions = Actions.passive(1, 3, p.base_spend).replace(
        pay=np.array([[1, -1, -1]]), pay_spend=np.array([[0.05, 0.0, 0.0]]),
        offer=np.array([[-1, 2, 1]]))
    after, acted, events = side_payments(state, actions, p)
    assert np.isclose(after.military[0, 0], 5.0 - 1.0) and np.isclose(after.military[0, 1], 2.0)
    assert acted.offer[0, 1] == -1 and not acted.accept[0, 1]
    assert Events.concat(events).kind.tolist() == [int(EventKind.SIDE_PAYMENT)]


def test_distrusted_offers_are_refused_and_alliances_with_defectors_break():
    state, setting, p = world([actor("A", [0]), actor("B", [1]), actor("C", [2])])
    state = edit(state, "abandonment", (0, 1, 0), 2.0)      # B distrusts A
    actions = Actions.passive(1, 3, p.base_spend).replace(offer=np.array([[1, -1, -1]]))
    screened, events = screen_offers(state, actions, p)
    assert screened.offer[0, 0] == -1
    ev = Events.concat(events)
    assert ev.kind.tolist() == [int(EventKind.ALLIANCE_REFUSED)] and ev.actor[0] == 1
    # C is allied to A; A abandons C: the alliance breaks, and everyone remembers.
    state = edit(state, "alliance", (0, 0, 2), 1.0)
    state = edit(state, "alliance", (0, 2, 0), 1.0)
    obs = Observation(state, setting, p)
    abandoned = Events.make(EventKind.ABANDONED, [0], [0], [2])
    after, out = remember(state, Actions.passive(1, 3, p.base_spend), obs, [abandoned], p)
    assert after.abandonment[0, 2, 0] == 1.0                # the victim
    assert after.abandonment[0, 1, 0] > 2.0 * (1 - p.memory_decay)  # a witness adds its share
    assert after.alliance[0, 0, 2] == 0 and after.alliance[0, 2, 0] == 0
    assert int(EventKind.ALLIANCE_BROKEN) in Events.concat(out).kind.tolist()


def test_a_captured_actor_leaves_other_alliances_and_sides_with_its_captor():
    from powerbalance.model.subversion import follow_captors

    state, setting, p = world([actor("P", [0]), actor("T", [1]), actor("C", [2])])
    for a, b in ((0, 1), (1, 0), (1, 2), (2, 1)):
        state = edit(state, "alliance", (0, a, b), 1.0)
    state = edit(state, "captor", (0, 1), 0)
    actions = Actions.passive(1, 3, p.base_spend).replace(attack=np.array([[1, -1, -1]]))
    followed = follow_captors(state, actions)
    assert followed.leave[0, 1] and followed.offer[0, 1] == 0 and followed.accept[0, 1]
    assert followed.attack[0, 1] == -1  # never its own captor's target when that is itself
