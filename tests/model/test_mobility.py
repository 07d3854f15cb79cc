"""Per-actor mobility: the loss-of-strength gradient of a mobile actor's power is flatter.

``ActorSpec.mobility`` divides the distance the actor's own power must cover
(:func:`powerbalance.model.derived.reach`), so ``reach[b, i, j]`` (i's power arriving at
j) is asymmetric; threat reads the transposed gradient (j's power arriving at i).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.model.derived import actor_reach
from powerbalance.model.geography import gradient
from powerbalance.model.perception import Observation
from powerbalance.model.step import step
from powerbalance.scenarios import load
from tests.conftest import line_scenario

NO_NOISE = {"misperception": 0.0, "growth_noise": 0.0}


def _actors(mobility: float = 1.0, **extra: Any) -> list[dict[str, Any]]:
    return [
        {"name": "A", "provinces": ["p0", "p1", "p2"], "capital": "p0", "wealth": 10.0,
         "military": 10.0, "strategy": "hegemon-seeker", "mobility": mobility, **extra},
        {"name": "B", "provinces": ["p3", "p4", "p5"], "capital": "p5", "wealth": 5.0,
         "military": 3.0},
    ]


def _start(mobility: float = 1.0, **params: Any):
    scen = line_scenario(_actors(mobility), provinces=6, params={**NO_NOISE, **params})
    p = scen.make_params()
    setting = scen.setting(p)
    return scen.initial_state(p, setting, 0, [0, 1]), setting, p


def test_mobility_flattens_the_movers_own_gradient_only():
    state, setting, params = _start(mobility=2.5)
    d = state.capital_distance[0, 0, 1]
    assert d == 5.0
    mid, steep = params.reach_midpoint, params.gradient_steepness
    own = gradient(np.array([d / 2.5]), params.gradient, mid, steep).astype(np.float32)[0]
    other = gradient(np.array([d]), params.gradient, mid, steep).astype(np.float32)[0]
    assert state.reach[0, 0, 1] == own          # A's power arriving at B
    assert state.reach[0, 1, 0] == other        # B's power arriving at A
    assert own > other
    plain, _, _ = _start()
    assert plain.reach[0, 0, 1] == plain.reach[0, 1, 0] == other
    assert setting.mobility is not None and plain is not None


def test_threat_is_the_observed_actors_power_arriving():
    state, setting, params = _start(mobility=2.5)
    obs = Observation(state, setting, params)
    # B's threat from A counts A's (mobile) power arriving at B, and the reverse.
    assert obs.threat[0, 1, 0] == pytest.approx(obs.perceived[0, 1, 0] * state.reach[0, 0, 1])
    assert obs.threat[0, 0, 1] == pytest.approx(obs.perceived[0, 0, 1] * state.reach[0, 1, 0])
    assert obs.reach_in[0, 1, 0] == state.reach[0, 0, 1]


def test_a_mobile_attacker_projects_more_strength():
    state, setting, params = _start(mobility=2.5)
    plain, psetting, pparams = _start()
    b, a, t = np.array([0]), np.array([0]), np.array([1])
    mobile = Observation(state, setting, params).expected_offence(b, a, t)
    fixed = Observation(plain, psetting, pparams).expected_offence(b, a, t)
    assert mobile[0] > fixed[0] * 1.05


def test_the_cached_gradient_stays_right_as_capitals_fall():
    scen = line_scenario(_actors(3.0, capital="p2"), provinces=6,
                         params={**NO_NOISE, "conquest_rate": 1.0, "concession_odds": 0.0})
    params = scen.make_params()
    setting = scen.setting(params)
    state = scen.initial_state(params, setting, 0, np.arange(6))
    moved = False
    for _ in range(25):
        before = state.capital.copy()
        state, _ = step(state, setting, params)
        moved |= bool((state.capital != before).any())
        fresh = actor_reach(state.capital_distance, params, state.year, setting)
        alive = state.alive[:, :, None] & state.alive[:, None, :]
        assert np.array_equal(np.where(alive, state.reach, 0), np.where(alive, fresh, 0))
    assert moved


def test_the_mongols_are_mobile_and_the_sedentary_states_are_not():
    scen = load("mongol-steppe-1206")
    mobility = {a.name: a.mobility for a in scen.actors}
    assert mobility["Mongols"] > 1.0
    assert all(v == 1.0 for k, v in mobility.items() if k != "Mongols")


@pytest.mark.parametrize("value", [0.0, 0.05, 11.0, "fast", True])
def test_a_bad_mobility_names_the_file_field_and_range(value):
    with pytest.raises(InputError) as err:
        line_scenario(_actors(value), provinces=6)
    text = str(err.value)
    assert "test-line.toml" in text and "actors[0].mobility" in text
    assert "0.1 to 10" in text
