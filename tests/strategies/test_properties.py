"""Every registered strategy runs on every map topology and batch size, deterministically."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerbalance.model import geography
from powerbalance.scenarios import parse
from powerbalance.strategies import registry
from tests.conftest import simulate_scenario

MAPS = {
    "graph": {"topology": "graph", "provinces": [{"id": f"p{k}"} for k in range(14)],
              "land": [[f"p{k}", f"p{k + 1}"] for k in range(13)], "sea": [["p0", "p13"]]},
    "hex": {"topology": "hex", "rows": 3, "cols": 5},
    "square": {"topology": "square", "rows": 3, "cols": 5},
    "random-regular": {"topology": "random-regular", "size": 14, "degree": 3, "seed": 2},
    "none": {"topology": "none", "size": 12},
}


def scenario(topology: str):
    """One actor per strategy (two regions) and a reserve slot, on a map of ``topology``."""
    data = {"name": f"all-{topology}", "map": MAPS[topology]}
    from powerbalance.scenarios.loader import _Checker, _parse_map

    names = _parse_map(_Checker("t"), MAPS[topology]).names
    actors = []
    for k, name in enumerate(registry.names()):
        actors.append({"name": name, "capital": names[k], "strategy": name,
                       "region": "east" if k % 2 else "west",
                       "military": 1.0 + 2.0 * (name == "hegemon-seeker")})
    actors.append({"name": "rebels", "reserve": True})
    data["actors"] = actors
    return parse(data, f"{topology}.toml")


@pytest.mark.parametrize("topology", geography.TOPOLOGIES)
def test_every_strategy_on_every_topology_and_batch_size(topology):
    scen = scenario(topology)
    over = {"fragment_threshold": 0.3}
    batch = simulate_scenario(scen, years=25, worlds=5, seed=7, overrides=over)
    again = simulate_scenario(scen, years=25, worlds=5, seed=7, overrides=over)
    alone = simulate_scenario(scen, years=25, worlds=1, seed=7, first_world=3, overrides=over)
    for name in ("share", "military", "territory", "alive"):
        arr = getattr(batch, name)
        assert np.all(np.isfinite(arr))
        np.testing.assert_array_equal(arr, getattr(again, name))
        np.testing.assert_array_equal(arr[:, 3], getattr(alone, name)[:, 0])
    assert np.all(batch.territory.sum(axis=-1) == scen.province_map.n)
    np.testing.assert_array_equal(batch.events.kind, again.events.kind)
    state = batch.final_state
    assert np.all((state.cohesion >= 0) & (state.cohesion <= 1))
    assert np.all(state.abandonment >= 0) and np.all(state.exploitation >= 0)


def test_every_strategy_under_serial_update_order():
    scen = scenario("hex")
    over = {"update_order": "serial", "fragment_threshold": 0.3}
    one = simulate_scenario(scen, years=25, worlds=4, seed=11, overrides=over)
    two = simulate_scenario(scen, years=25, worlds=1, seed=11, first_world=2, overrides=over)
    for name in ("share", "territory", "alive"):
        np.testing.assert_array_equal(getattr(one, name)[:, 2], getattr(two, name)[:, 0])
    assert np.all(one.territory.sum(axis=-1) == scen.province_map.n)


extreme = st.fixed_dictionaries({
    "subversion_spend": st.floats(0, 1),
    "subversion_efficacy": st.floats(0, 1),
    "subversion_resilience": st.floats(0, 100),
    "counter_efficacy": st.floats(0, 1000),
    "counter_spend": st.floats(0, 1),
    "cohesion_recovery": st.floats(0, 1),
    "capture_threshold": st.floats(0, 1),
    "fragment_threshold": st.floats(0, 1),
    "memory_decay": st.floats(0, 1),
    "reputation_spread": st.floats(0, 1),
    "distrust_threshold": st.floats(0, 5),
    "wedge_payment": st.floats(0, 1),
    "internal_gain": st.floats(0, 10),
    "max_spend": st.floats(0, 1),
    "balk_share": st.floats(0, 1),
    "update_order": st.sampled_from(["synchronous", "serial"]),
})


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=extreme, seed=st.integers(0, 2**32))
def test_all_strategies_under_extreme_parameters_keep_the_state_sane(params, seed):
    scen = scenario("square")
    traj = simulate_scenario(scen, years=12, worlds=3, seed=seed, overrides=params)
    for arr in (traj.wealth, traj.military, traj.share):
        assert np.all(np.isfinite(arr)) and np.all(arr >= 0)
    state = traj.final_state
    assert np.all((state.cohesion >= 0) & (state.cohesion <= 1))
    for arr in (state.abandonment, state.exploitation, state.alliance):
        assert np.all(np.isfinite(arr)) and np.all(arr >= 0)
    assert np.all(traj.territory.sum(axis=-1) == scen.province_map.n)
    assert not traj.territory[~traj.alive].any()
    assert np.all(state.captor[~state.alive] >= -1)
