"""Mixed strategy profiles and reserve slots in scenario files."""

from __future__ import annotations

import copy
import textwrap

import numpy as np
import pytest

from powerbalance import rng
from powerbalance.errors import InputError
from powerbalance.scenarios import load_file, parse
from powerbalance.strategies import registry
from tests.conftest import simulate_scenario

GOOD = {
    "name": "mixed",
    "map": {"topology": "graph", "provinces": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
            "land": [["a", "b"], ["b", "c"]]},
    "actors": [
        {"name": "X", "provinces": ["a"], "capital": "a",
         "strategy": {"bandwagoner": 0.6, "buck-passer": 0.4}},
        {"name": "Y", "provinces": ["b", "c"], "capital": "b", "strategy": "hegemon-seeker"},
        {"name": "Z", "reserve": True, "strategy": "status-quo"},
    ],
}


def test_profile_is_parsed_and_drawn_per_world_batch_invariantly():
    scen = parse(GOOD, "m.toml")
    x = scen.actors[0]
    assert x.strategy == "bandwagoner" and dict(x.profile) == {"bandwagoner": 0.6,
                                                              "buck-passer": 0.4}
    keys = rng.world_keys(3, np.arange(4000))
    drawn = scen.draw_strategies(keys)
    share = (drawn[:, 0] == registry.id_of("bandwagoner")).mean()
    assert abs(share - 0.6) < 0.04 and set(np.unique(drawn[:, 0])) == {
        registry.id_of("bandwagoner"), registry.id_of("buck-passer")}
    assert (drawn[:, 1] == registry.id_of("hegemon-seeker")).all()
    alone = scen.draw_strategies(rng.world_keys(3, [17]))
    assert alone[0, 0] == drawn[17, 0]


def test_reserve_slot_starts_dead_and_the_actor_table_records_drawn_strategies():
    import powerbalance as pb

    scen = parse(GOOD, "m.toml")
    traj = simulate_scenario(scen, years=3, worlds=6)
    assert not traj.alive[0, :, 2].any() and traj.territory[0, :, 2].sum() == 0
    result = pb.run(scen, years=2, worlds=30, seed=1)
    first = result.actors[(result.actors.actor == 0) & (result.actors.year == 0)]
    assert set(first.strategy.astype(str)) == {"bandwagoner", "buck-passer"}


def test_profile_in_a_toml_file(tmp_path):
    path = tmp_path / "m.toml"
    path.write_text(textwrap.dedent("""
        name = "m"
        [map]
        provinces = [{id = "a"}, {id = "b"}]
        land = [["a", "b"]]
        [[actors]]
        name = "X"
        capital = "a"
        strategy = {bandwagoner = 0.6, buck-passer = 0.4}
        [[actors]]
        name = "Y"
        capital = "b"
    """))
    assert dict(load_file(path).actors[0].profile)["buck-passer"] == 0.4


@pytest.mark.parametrize("strategy,field,allowed", [
    ({"bandwagoner": 0.6, "kamikaze": 0.4}, "actors[0].strategy.kamikaze", "status-quo"),
    ({"bandwagoner": 0.6, "buck-passer": 0.6}, "actors[0].strategy", "summing to 1"),
    ({"bandwagoner": -0.5, "buck-passer": 1.5}, "actors[0].strategy.bandwagoner", "from 0 to 1"),
    ({}, "actors[0].strategy", "status-quo"),
    (3, "actors[0].strategy", "status-quo"),
])
def test_bad_profiles_are_named(strategy, field, allowed):
    data = copy.deepcopy(GOOD)
    data["actors"][0]["strategy"] = strategy
    with pytest.raises(InputError) as exc:
        parse(data, "bad.toml")
    assert exc.value.field == field and allowed in (exc.value.allowed or "")


def test_reserve_slots_cannot_hold_land():
    data = copy.deepcopy(GOOD)
    data["actors"][2]["capital"] = "c"
    with pytest.raises(InputError) as exc:
        parse(data, "bad.toml")
    assert exc.value.field == "actors[2].capital"
