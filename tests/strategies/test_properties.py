"""Every registered strategy runs on every map topology and batch size, deterministically."""

from __future__ import annotations

import numpy as np
import pytest

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
