"""Scenario files: the built-ins load, generators work, and every bad input is named."""

import copy

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.scenarios import available, load, parse

GOOD = {
    "name": "t",
    "map": {"topology": "graph",
            "provinces": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
            "land": [["a", "b"], ["b", "c", 3.0]]},
    "actors": [
        {"name": "X", "provinces": ["a"], "capital": "a", "wealth": 2.0},
        {"name": "Y", "provinces": ["b", "c"], "capital": "b", "strategy": "hegemon-seeker"},
    ],
}


def mutate(path, value):
    data = copy.deepcopy(GOOD)
    target = data
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return data


def test_good_scenario_parses():
    s = parse(GOOD, "good.toml")
    assert s.names == ("X", "Y")
    assert s.actors[1].provinces == (1, 2)
    assert s.province_map.land_cost.tolist() == [1.0, 3.0]
    assert s.province_names == ()  # no province is named
    named = mutate(("map", "provinces", 1, "name"), "Bei 北")
    assert parse(named, "good.toml").province_names == ("a", "Bei 北", "c")


@pytest.mark.parametrize("path,value,field,allowed", [
    (("actors", 0, "strategy"), "kamikaze", "actors[0].strategy", "status-quo"),
    (("actors", 1, "provinces"), ["a", "c"], "actors[1].provinces", "owned at most once"),
    (("actors", 0, "wealth"), -1.0, "actors[0].wealth", "from 0 to 1e+15"),
    (("actors", 0, "colour"), "red", "actors[0].colour", "capital"),
    (("actors", 0, "wealth"), "rich", "actors[0].wealth", "a number"),
    (("actors", 0, "resolve"), 1.5, "actors[0].resolve", "from 0 to 1"),
    (("actors", 0, "nuclear"), 3, "actors[0].nuclear", "from 0 to 2"),
    (("actors", 0, "capital"), "c", "actors[0].capital", "one of the actor's provinces"),
    (("map", "land"), [["a", "zz"]], "map.land[0]", "known province"),
    (("map", "topology"), "torus", "map.topology", "hex"),
    (("params",), {"sea_cost": -2}, "sea_cost", "0 to"),
    (("params",), {"warp_speed": 9}, "warp_speed", "sea_cost"),
    (("years",), 0, "years", "from 1"),
    (("bogus",), 1, "bogus", "actors"),
    (("map", "provinces", 1, "name"), 7, "map.provinces[1].name", "a string"),
])
def test_bad_input_names_file_field_and_allowed_values(path, value, field, allowed):
    with pytest.raises(InputError) as exc:
        parse(mutate(path, value), "bad.toml")
    err = exc.value
    assert "bad.toml" in str(err)
    assert err.field == field
    assert allowed in (err.allowed or "")
    assert "\n" not in str(err)


def test_missing_actors_and_duplicates():
    with pytest.raises(InputError, match="actors"):
        parse(mutate(("actors",), []), "x.toml")
    dup = mutate(("actors", 1, "name"), "X")
    with pytest.raises(InputError, match="duplicate actor"):
        parse(dup, "x.toml")


def test_initial_alliances_are_validated_and_applied():
    data = copy.deepcopy(GOOD)
    data["alliances"] = [["X", "Y", 0.7]]
    s = parse(data, "a.toml")
    params = s.make_params()
    state = s.initial_state(params, s.setting(params), 0, [0])
    assert state.alliance[0, 0, 1] == state.alliance[0, 1, 0] == 0.7
    data["alliances"] = [["X", "Q"]]
    with pytest.raises(InputError, match="unknown actor"):
        parse(data, "a.toml")


def test_actors_without_provinces_get_the_nearest():
    data = copy.deepcopy(GOOD)
    data["map"]["topology"] = "square"
    data["map"].update({"rows": 1, "cols": 6})
    del data["map"]["provinces"], data["map"]["land"]
    data["actors"] = [{"name": "L", "capital": "s0_0"}, {"name": "R", "capital": "s0_5"}]
    s = parse(data, "grid.toml")
    assert s.actors[0].provinces == (0, 1, 2)
    assert s.actors[1].provinces == (3, 4, 5)


def test_builtins_and_generator():
    names = [n for n, _ in available()]
    assert {"warring-states", "random"} <= set(names)
    ws = load("warring-states")
    assert ws.province_map.n >= 30
    qin = ws.actors[ws.names.index("Qin")]
    qi = ws.actors[ws.names.index("Qi")]
    pm = ws.province_map
    hangu = [c for (a, b), c in zip(pm.land.tolist(), pm.land_cost, strict=True)
             if {pm.names[a], pm.names[b]} == {"yueyang", "shan"}]
    assert hangu and hangu[0] > 1  # the Hangu pass is costly
    qi_provinces = {pm.names[p] for p in qi.provinces}
    assert any(pm.names[a] in qi_provinces or pm.names[b] in qi_provinces
               for a, b in pm.sea.tolist())  # Qi is on the sea
    assert qin.strategy == "hegemon-seeker"
    r1, r2 = load("random:actors=12,seed=4"), load("random:actors=12,seed=4")
    assert r1.names == r2.names and len(r1.actors) == 12
    assert [a.wealth for a in r1.actors] == [a.wealth for a in r2.actors]
    unequal = load("random:actors=12,seed=4,inequality=1.5")
    equal = load("random:actors=12,seed=4,inequality=0")
    per_province = lambda s: np.array([a.wealth / len(a.provinces) for a in s.actors])  # noqa
    assert per_province(unequal).std() > per_province(equal).std() == 0


@pytest.mark.parametrize("spec,field", [
    ("random:actors=1", "actors"), ("random:speed=3", "speed"),
    ("random:mix=nobody:1", "strategy"), ("atlantis", "name"),
])
def test_bad_scenario_specs(spec, field):
    with pytest.raises(InputError) as exc:
        load(spec)
    assert exc.value.field == field
