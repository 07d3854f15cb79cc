"""Pacts and their obligations (issue 11, fourth review): the offensive obligation in force
is the one declared the year before, in the estimates and in the campaigns alike; a
scenario's alliance entry may carry a treaty's offensive obligation (``offence``, ATOP's
OFFENSE); leaving one named ally (``Actions.leave_ally``) ends that alliance only."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.model.diplomacy import diplomacy
from powerbalance.model.perception import Observation
from powerbalance.model.policy import decide
from powerbalance.model.step import step
from powerbalance.strategies.base import Actions
from tests.conftest import event_rows, line_scenario, simulate_scenario
from tests.strategies.harness import actor

FIGHT = {"misperception": 0.0, "growth_noise": 0.0, "growth_spread": 0.0,
         "concession_odds": 0.0, "seeker_wedges": False, "seeker_spares_until": 1.0}


def _world(ally: str, alliance):  # type: ignore[no-untyped-def]
    """Ally (p0) allied with the seeker H (p1), which attacks V (p2, p3)."""
    return line_scenario([actor("Ally", [0], 5.0, 5.0, strategy=ally),
                          actor("H", [1], 10.0, 10.0, strategy="hegemon-seeker"),
                          actor("V", [2, 3], 3.0, 1.0)], params=FIGHT, alliances=[alliance])


def _start(scen, worlds: int = 1):  # type: ignore[no-untyped-def]
    params = scen.make_params()
    setting = scen.setting(params)
    return scen.initial_state(params, setting, 0, np.arange(worlds)), setting, params


def test_the_campaign_honours_the_obligation_the_estimate_reads():
    """The ally's declaration of this year does not count in this year's campaign: only
    the one in force (WorldState.join_offence), which the attacker's estimate reads."""
    state, setting, params = _start(_world("status-quo", ["Ally", "H"]))
    from powerbalance.model.war import war

    obs = Observation(state, setting, params)
    actions = decide(obs)
    assert actions.attack[0, 1] == 2
    for declared, in_force, sent in ((1.0, 0.0, 0.0), (0.0, 1.0, 1.0), (0.0, 0.5, 0.5)):
        act = actions.replace(join_offence=np.array([[declared, 1.0, 0.0]]))
        now = state.replace(join_offence=np.array([[in_force, 1.0, 0.0]]))
        _, events, _, _ = war(now, act, Observation(now, setting, params), setting, params)
        rows = _calls_of(events)
        assert rows == [(0, pytest.approx(sent))]
    # and the year's declaration is in force at the end of the year
    after, _ = step(state.replace(join_offence=np.zeros((1, 3))), setting, params)
    assert after.join_offence[0, 0] == 0.0 and after.join_offence[0, 1] == 1.0


def _calls_of(events):  # type: ignore[no-untyped-def]
    from powerbalance.model.events import EventKind

    out = []
    for e in events:
        if len(e) and e.kind[0] == EventKind.ALLY_CALLED:
            out += [(int(a), float(v)) for a, v in zip(e.actor, e.value, strict=True)]
    return out


def test_a_treatys_offensive_obligation_binds_whatever_the_ally_declares():
    """offence = 1 on the alliance entry: the status-quo ally (which declares 0) joins the
    seeker's attack in the first campaign; without it, it sends nothing."""
    treaty = simulate_scenario(_world("status-quo", {"allies": ["Ally", "H"], "offence": 1.0}),
                               years=1, worlds=3)
    plain = simulate_scenario(_world("status-quo", ["Ally", "H"]), years=1, worlds=3)
    assert len(event_rows(treaty, "war_joined")) == 3
    assert not len(event_rows(plain, "war_joined"))
    # the estimate reads it too: the attacker's side is larger with the treaty
    sides = []
    for alliance in ({"allies": ["Ally", "H"], "offence": 1.0}, ["Ally", "H"]):
        state, setting, params = _start(_world("status-quo", alliance))
        obs = Observation(state, setting, params)
        own, _ = obs.war_sides(np.array([0]), np.array([1]), np.array([2]))
        sides.append(float(own[0]))
    assert sides[0] > sides[1]


def test_the_alliance_entry_carries_its_offence_into_the_state_and_checks_it():
    scen = _world("status-quo", {"allies": ["Ally", "H"], "commitment": 0.5, "offence": 0.25})
    assert scen.alliances == ((0, 1, 0.5),) and scen.offence == ((0, 1, 0.25),)
    state, _, _ = _start(scen, worlds=2)
    assert state.pact_offence[:, 0, 1].tolist() == [0.25, 0.25]
    assert state.pact_offence[:, 1, 0].tolist() == [0.25, 0.25]
    assert state.pact_offence.sum() == pytest.approx(1.0)
    assert not _start(_world("status-quo", ["Ally", "H"]))[0].pact_offence.any()
    for bad, needle in (({"allies": ["Ally", "H"], "offence": 2.0}, "offence"),
                        ({"allies": ["Ally", "H"], "offense": 1.0}, "offense"),
                        ({"allies": ["Ally"], "offence": 1.0}, "allies")):
        with pytest.raises(InputError, match=needle):
            _world("status-quo", bad)


def test_the_shipped_franco_spanish_pact_is_offensive():
    from powerbalance.scenarios import load

    scen = load("napoleon-1805")
    names = scen.names
    pact = {(names[i], names[j]): v for i, j, v in scen.offence}
    assert pact == {("France", "Spain"): 1.0}


def test_leaving_one_named_ally_ends_that_alliance_only():
    """Actions.leave_ally: H leaves W, its pact with F stands, and the treaty's offensive
    obligation of the pact that ended is cleared with it."""
    scen = line_scenario([actor("H", [0], 10.0, 10.0), actor("W", [1], 2.0, 1.0),
                          actor("F", [2], 1.0, 1.0)], provinces=3, params=FIGHT,
                         alliances=[{"allies": ["H", "W"], "offence": 1.0}, ["H", "F"]])
    state, setting, params = _start(scen)
    obs = Observation(state, setting, params)
    passive = Actions.passive(1, 3, params.base_spend)
    after, events = diplomacy(state, passive.replace(leave_ally=np.array([[1, -1, -1]])),
                              obs, params)
    assert after.alliance[0, 0, 1] == 0 and after.alliance[0, 1, 0] == 0
    assert after.alliance[0, 0, 2] > 0
    assert not after.pact_offence.any()
    assert sum(len(e) for e in events) == 1
    # naming a partner it is not allied with ends nothing
    same, none = diplomacy(after, passive.replace(leave_ally=np.array([[1, -1, -1]])),
                           obs, params)
    assert (same.alliance == after.alliance).all() and not sum(len(e) for e in none)
