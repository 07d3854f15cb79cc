"""The strategy registry and the behaviour of the engine's first three strategies."""

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.strategies import registry
from tests.conftest import event_rows, line_scenario, simulate_scenario


def test_registry_lists_classifies_and_filters():
    names = registry.names()
    assert {"status-quo", "external-balancer", "hegemon-seeker"} <= set(names)
    for name in names:
        cls = registry.get(name)
        assert cls.name == name
        assert {"concept", "stochastic", "reads"} <= set(cls.classifier)
        assert cls.__doc__ and cls.references
        assert registry.by_id(registry.id_of(name)) is cls
    initiators = {c.name for c in registry.filter(initiates_war=True)}
    assert "hegemon-seeker" in initiators and "status-quo" not in initiators
    assert all("own" in c.classifier["reads"] for c in registry.filter(reads="own"))
    with pytest.raises(InputError) as exc:
        registry.get("appeaser")
    assert "status-quo" in exc.value.allowed


def test_status_quo_never_initiates():
    actors = [{"name": n, "provinces": [f"p{i}"], "capital": f"p{i}",
               "military": 10.0 if i == 0 else 0.1} for i, n in enumerate("ABC")]
    traj = simulate_scenario(line_scenario(actors, provinces=3), years=30, worlds=4)
    assert len(event_rows(traj, "war_won")) + len(event_rows(traj, "war_lost")) == 0


def test_external_balancers_ally_against_a_threat_and_leave_when_it_passes():
    actors = [
        {"name": "Big", "provinces": ["p0", "p1"], "capital": "p0", "wealth": 20.0,
         "military": 20.0},
        {"name": "B1", "provinces": ["p2"], "capital": "p2", "wealth": 2.0, "military": 1.0,
         "strategy": "external-balancer"},
        {"name": "B2", "provinces": ["p3"], "capital": "p3", "wealth": 2.0, "military": 1.0,
         "strategy": "external-balancer"},
    ]
    scen = line_scenario(actors, provinces=4, params={"misperception": 0.0,
                                                      "growth_noise": 0.0})
    traj = simulate_scenario(scen, years=3, worlds=2)
    formed = event_rows(traj, "alliance_formed")
    assert {(int(a), int(b)) for a, b in formed[:, 2:4]} == {(1, 2)}  # against Big, not with it
    # Once the threat is gone (Big reduced to nothing), they part.
    params = scen.make_params()
    setting = scen.setting(params)
    from powerbalance.model.step import step

    state = scen.initial_state(params, setting, 0, [0])
    state, _ = step(state, setting, params)
    assert state.alliance[0, 1, 2] > 0
    weak = state.replace(military=state.military * np.array([0.0, 1, 1]),
                         productivity=state.productivity * np.array([0.01, 1, 1]),
                         wealth=state.wealth * np.array([0.01, 1, 1]))
    weak, rec = step(weak, setting, params)
    assert weak.alliance[0, 1, 2] == 0
    from powerbalance.model.events import EventKind

    assert (rec.events.kind == EventKind.ALLIANCE_BROKEN).any()
