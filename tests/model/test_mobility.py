"""Per-actor mobility: the loss-of-strength gradient of a mobile actor's power is flatter.

``ActorSpec.mobility`` divides the distance the actor's own power must cover
(:func:`powerbalance.model.derived.reach`), so ``reach[b, i, j]`` (i's power arriving at
j) is asymmetric; threat reads the transposed gradient (j's power arriving at i). Money
(subversion) travels by the gradient without mobility (``Observation.money_reach``).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from scipy.stats import spearmanr

from powerbalance.errors import InputError
from powerbalance.model.derived import actor_reach
from powerbalance.model.events import EventKind, Events
from powerbalance.model.geography import gradient
from powerbalance.model.perception import Observation
from powerbalance.model.step import step
from powerbalance.model.subversion import subversion
from powerbalance.scenarios import load
from powerbalance.scenarios.cow_scenario import great_circle_km
from powerbalance.strategies.base import Actions
from powerbalance.strategies.common import wedge_target
from tests.conftest import line_scenario, simulate_scenario

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


# --- dose-response: in a world where distance matters, mobility takes territory ----------

#: The synthetic world of the dose-response test: A (hegemon-seeker, 3 provinces) at one end
#: of a line of 9, B (status quo, 6 provinces) at the other; capitals 8 steps apart with the
#: gradient halved at 3 steps, so A's unaided force arrives at about a tenth.
DOSE_PARAMS = {"reach_midpoint": 3.0, "growth_noise": 0.0}
DOSE_WORLDS, DOSE_YEARS = 48, 30


def _dose_world(mobility: float):
    actors = [
        {"name": "A", "provinces": ["p0", "p1", "p2"], "capital": "p0", "wealth": 10.0,
         "military": 10.0, "strategy": "hegemon-seeker", "mobility": mobility},
        {"name": "B", "provinces": [f"p{k}" for k in range(3, 9)], "capital": "p8",
         "wealth": 6.0, "military": 6.0, "strategy": "status-quo"},
    ]
    return line_scenario(actors, provinces=9, params=DOSE_PARAMS)


def _territory_gained(mobility: float) -> np.ndarray:
    traj = simulate_scenario(_dose_world(mobility), years=DOSE_YEARS, worlds=DOSE_WORLDS,
                             seed=13, record="final")
    owner = traj.final_state.owner
    return (owner == 0).sum(axis=1).astype(float) - 3.0


def test_mobility_dose_response_more_power_arrives_and_more_territory_is_taken():
    doses = (1.0, 2.0, 3.0)
    arriving = []
    for m in doses:
        scen = _dose_world(m)
        p = scen.make_params()
        state = scen.initial_state(p, scen.setting(p), 0, [0])
        arriving.append(float(state.reach[0, 0, 1]))
    assert arriving[0] < 0.2 < arriving[1] < arriving[2]   # the power arriving rises
    gained = [_territory_gained(m) for m in doses]
    means = [g.mean() for g in gained]
    # A monotone trend of territory in the dose over all 3 x 48 seeded worlds (Spearman's
    # rank correlation, one-sided p < 0.001), and the highest dose above the lowest by more
    # than three standard errors of the difference (Welch).
    rho, p_value = spearmanr(np.repeat(doses, DOSE_WORLDS), np.concatenate(gained),
                             alternative="greater")
    assert rho > 0 and p_value < 1e-3, (rho, p_value, means)
    low, high = gained[0], gained[-1]
    se = np.sqrt(low.var(ddof=1) / len(low) + high.var(ddof=1) / len(high))
    assert high.mean() - low.mean() > 3.0 * max(se, 1e-9), means


# --- money does not travel with the army's mobility (review note N2) ---------------------

def test_subversion_money_arrives_by_the_immobile_gradient():
    actors = [{"name": "P", "provinces": ["p0"], "capital": "p0", "wealth": 50.0,
               "military": 100.0, "mobility": 4.0},
              {"name": "T", "provinces": ["p5"], "capital": "p5", "wealth": 5.0,
               "military": 1.0}]
    scen = line_scenario(actors, provinces=6, params={**NO_NOISE, "reach_midpoint": 3.0})
    params = scen.make_params()
    setting = scen.setting(params)
    state = scen.initial_state(params, setting, 0, [0])
    obs = Observation(state, setting, params)
    actions = Actions.passive(1, 2, params.base_spend).replace(
        subvert=np.array([[1, -1]]), subvert_spend=np.array([[0.2, 0.0]]))
    _, events = subversion(state, actions, obs, setting, params)
    ev = Events.concat(events)
    sent = ev.value[ev.kind == EventKind.SUBVERTED]
    still = gradient(np.array([5.0]), params.gradient, params.reach_midpoint,
                     params.gradient_steepness).astype(np.float32)[0]
    assert obs.reach[0, 0, 1] > still * 1.5        # P's army arrives with its mobility ...
    assert obs.money_reach[0, 0, 1] == obs.money_reach[0, 1, 0] == still   # ... money not
    assert sent.tolist() == pytest.approx([10.0 * float(still)])


def test_without_mobility_money_travels_as_armies_do():
    state, setting, params = _start()
    obs = Observation(state, setting, params)
    assert obs.money_reach is obs.reach


def test_the_wedge_pays_the_member_whose_own_power_arrives_most():
    # H (centre) faces would-be coalition members L (left, mobile, far) and R (right, near).
    # L's own power arriving at H (its mobility) beats R's; H's reach to each says the reverse.
    actors = [{"name": "H", "provinces": ["p6"], "capital": "p6", "wealth": 40.0,
               "military": 40.0},
              {"name": "L", "provinces": ["p0"], "capital": "p0", "wealth": 5.0,
               "military": 5.0, "mobility": 6.0},
              {"name": "R", "provinces": ["p9"], "capital": "p9", "wealth": 5.0,
               "military": 5.0}]
    scen = line_scenario(actors, provinces=10, params={**NO_NOISE, "reach_midpoint": 4.0})
    params = scen.make_params()
    setting = scen.setting(params)
    state = scen.initial_state(params, setting, 0, [0])
    obs = Observation(state, setting, params)
    assert list(obs.top_threat[0, 1:]) == [0, 0]
    assert obs.reach_in[0, 0, 1] > obs.reach_in[0, 0, 2]   # L's power arrives more
    assert obs.reach[0, 0, 1] < obs.reach[0, 0, 2]         # H's arrives less at L
    assert wedge_target(obs, np.array([0]), np.array([0])).tolist() == [1]


# --- the scenario: map steps are march distances ------------------------------------------

def test_the_mongol_map_steps_are_great_circle_kilometres_over_seventy():
    scen = load("mongol-steppe-1206")
    pmap = scen.province_map
    km = great_circle_km(pmap.coords[pmap.land[:, 0]], pmap.coords[pmap.land[:, 1]])
    assert np.allclose(pmap.land_cost, np.round(km / 70.0, 1), atol=1e-9)
    params = scen.make_params()
    state = scen.initial_state(params, scen.setting(params), 0, [0])
    names = [a.name for a in scen.actors]
    mongols, jin, khwarazm = (names.index(x) for x in ("Mongols", "Jin", "Khwarazm"))
    assert 1500 < state.capital_distance[0, mongols, jin] * 70 < 1800
    assert 2900 < state.capital_distance[0, mongols, khwarazm] * 70 < 3300
    # Mobility now matters: the Mongols' force arriving at Zhongdu with and without it.
    assert state.reach[0, mongols, jin] > 0.8 > 0.01 > state.reach[0, jin, mongols]
