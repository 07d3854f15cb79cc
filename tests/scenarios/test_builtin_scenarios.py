"""Every built-in scenario loads, runs, and shows its documented stylised facts at year 0."""

from __future__ import annotations

import numpy as np
import pytest

import powerbalance as pb
from powerbalance.errors import InputError
from powerbalance.params import Params
from powerbalance.scenarios import available, builtin_path, load
from powerbalance.strategies import registry

BUILTIN = [name for name, _ in available() if builtin_path(name).is_file()]
HISTORICAL = ["warring-states", "warring-states-vertical-alliance",
              "warring-states-horizontal-alliance", "europe-1713", "napoleon-1805",
              "vienna-1815", "europe-1939", "cold-war-1950", "unipolar-2000", "two-continents",
              "security-dilemma"]


def test_every_historical_scenario_is_built_in() -> None:
    assert set(HISTORICAL) <= set(BUILTIN)


@pytest.mark.parametrize("name", BUILTIN)
def test_loads_documents_itself_and_runs_50_years(name: str) -> None:
    scen = load(name)
    assert scen.name == name
    assert scen.description.strip() and scen.stylisation.strip()
    assert len(scen.sources) >= 1
    scen.make_params()  # the [params] validate
    regions = {a.region for a in scen.actors}
    if len(regions) > 1:
        assert all(a.region != "world" for a in scen.actors)
    r = pb.run(scen, years=50, worlds=3, seed=11, record="system")
    assert int(r.system["year"].max()) == 50
    assert r.system["world"].nunique() == 3
    assert np.isfinite(r.actors["share"]).all()


def _year0(name: str) -> tuple[pb.RunResult, object]:
    r = pb.run(name, years=1, worlds=1, seed=0)
    return r, r.system[r.system["year"] == 0].iloc[0]


def test_cold_war_superpowers_have_secure_second_strikes_and_bipolarity() -> None:
    scen = load("cold-war-1950")
    by = {a.name: a for a in scen.actors}
    threshold = scen.make_params().resolve_threshold
    for sp in ("USA", "USSR"):
        assert by[sp].nuclear == 2
        assert by[sp].resolve < threshold  # deterrable
    # The UK (1952) and France (1960) hold arsenals without a secure second strike.
    assert by["UK"].nuclear == by["France"].nuclear == 1
    others = [a for a in scen.actors if a.name not in ("USA", "USSR", "UK", "France")]
    assert all(a.nuclear == 0 for a in others)
    names = scen.names
    blocs = {(names[i], names[j]) for i, j, _ in scen.alliances}
    assert ("USA", "UK") in blocs and ("USSR", "Poland") in blocs
    assert any(a.strategy == "status-quo" and not any(a.name in p for p in blocs)
               for a in scen.actors)  # non-aligned states
    _, first = _year0("cold-war-1950")
    assert str(first["polarity"]) == "bipolar"


def test_two_continents_no_land_path_joins_them() -> None:
    scen = load("two-continents")
    pm = scen.province_map
    land_only = pm.distances(sea_cost=1e12)
    west = [k for k, n in enumerate(pm.names) if n.startswith("w")]
    east = [k for k, n in enumerate(pm.names) if n.startswith("e")]
    assert len(west) == len(east) == 20
    assert (land_only[np.ix_(west, east)] > 1e11).all()
    assert np.isfinite(pm.distances(Params().sea_cost)[np.ix_(west, east)]).all()
    assert {a.region for a in scen.actors} == {"west", "east"}
    assert sum(a.strategy == "hegemon-seeker" for a in scen.actors) == 2


def test_europe_1713_britain_is_insular_between_bourbons() -> None:
    scen = load("europe-1713")
    pm = scen.province_map
    by = {a.name: a for a in scen.actors}
    isles = set(by["Britain"].provinces)
    for a, b in pm.land.tolist():  # no land link between the British Isles and the continent
        assert (a in isles) == (b in isles)
    assert by["Britain"].region == "isles"
    assert by["France"].strategy == "hegemon-seeker"
    assert by["France"].region == by["Spain"].region == "europe"
    _, first = _year0("europe-1713")
    assert int(first["leader"]) == scen.names.index("France")


def test_warring_states_variants_differ_only_in_the_six() -> None:
    v, h = load("warring-states-vertical-alliance"), load("warring-states-horizontal-alliance")
    base = load("warring-states")
    assert v.province_map.names == h.province_map.names == base.province_map.names
    assert v.params == h.params
    assert v.actors[0].strategy == h.actors[0].strategy == "hegemon-seeker"
    assert all(a.strategy == "external-balancer" for a in v.actors[1:])
    assert len(v.alliances) == 15 and not h.alliances
    assert [a.wealth for a in v.actors] == [a.wealth for a in base.actors]


def test_napoleon_france_is_the_superpower_of_1805() -> None:
    scen = load("napoleon-1805")
    _, first = _year0("napoleon-1805")
    assert int(first["leader"]) == scen.names.index("France")
    assert str(first["polarity"]) == "unipolar with great powers"
    names = scen.names
    coalition = {(names[i], names[j]) for i, j, _ in scen.alliances}
    assert ("Britain", "Austria") in coalition and ("Austria", "Russia") in coalition


def test_vienna_concert_keeps_the_peace() -> None:
    scen = load("vienna-1815")
    assert all(not registry.get(a.strategy).classifier.get("initiates_war", False)
               for a in scen.actors)
    r = pb.run(scen, years=50, worlds=3, seed=1, record="system")
    assert int(r.system["active_wars"].sum()) == 0
    assert int(r.system["live_actors"].min()) == len(scen.actors)


def test_europe_1939_germany_bids_against_the_guarantee() -> None:
    scen = load("europe-1939")
    by = {a.name: a for a in scen.actors}
    assert by["Germany"].strategy == "hegemon-seeker"
    assert by["Germany"].military == max(a.military or 0 for a in scen.actors)
    names = scen.names
    pacts = {(names[i], names[j]) for i, j, _ in scen.alliances}
    assert {("Britain", "France"), ("Britain", "Poland"), ("France", "Poland")} <= pacts
    assert all(a.nuclear == 0 for a in scen.actors)


def test_unipolar_2000_one_superpower_several_great_powers() -> None:
    _, first = _year0("unipolar-2000")
    assert str(first["polarity"]) == "unipolar with great powers"
    assert first["leader_name"] == "USA"


def test_security_dilemma_two_equal_neighbours() -> None:
    scen = load("security-dilemma")
    assert len(scen.actors) == 2
    a, b = scen.actors
    assert len(a.provinces) == len(b.provinces)
    _, first = _year0("security-dilemma")
    assert abs(float(first["largest_share"]) - 0.5) < 1e-9


def test_variant_errors_name_the_field(tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "v.toml"
    bad.write_text('extends = "warring-states"\nname = "x"\n[strategies]\nRome = "status-quo"\n')
    with pytest.raises(InputError, match="strategies.Rome"):
        pb.load_scenario(str(bad))
    bad.write_text('extends = "nowhere"\nname = "x"\n')
    with pytest.raises(InputError, match="extends"):
        pb.load_scenario(str(bad))
    ok = tmp_path / "ok.toml"
    ok.write_text('extends = "security-dilemma"\nname = "sd2"\n[[changes]]\nname = "Athens"\n'
                  'resolve = 1.0\n[params]\nsea_cost = 2.0\n')
    scen = pb.load_scenario(str(ok))
    assert scen.actors[0].resolve == 1.0 and scen.params["sea_cost"] == 2.0
