"""``cow:YEAR`` sea distances, global reach of major powers and growth from the data."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.model.economy import economy
from powerbalance.scenarios import load
from powerbalance.scenarios.cow_scenario import (
    GROWTH_TREND_CLIP,
    LAND_STEP_KM,
    great_circle_km,
)

COW = Path(__file__).resolve().parents[1] / "analysis" / "fixtures" / "cow"
DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
CAPITALS = ("ccode,statenme,capital,stdate,enddate,lat,lng\n"
            "2,United States of America,Washington D.C.,1816-01-01,2024-12-31,38.9,-77.0\n"
            "200,United Kingdom,London,1816-01-01,2024-12-31,51.5,{uk_lng}\n"
            "365,Russia,St. Petersburg,1816-01-01,1917-12-31,59.9,30.3\n")
NMC_HEADER = "stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(COW, data)
    (data / "capitals.csv").write_text(CAPITALS.format(uk_lng=-0.1))
    return data


def _sea_cost_of_usa_ukg(folder: Path, spec: str = "") -> float:
    scen = load(f"cow:1816,data={folder}{spec}")
    params = scen.make_params()
    return float(scen.setting(params).distance[0, 1])


def test_great_circle_distance_grows_along_a_meridian() -> None:
    north = np.column_stack([np.zeros(7), np.linspace(0.0, 90.0, 7)])
    km = great_circle_km(np.zeros((7, 2)), north)
    assert np.all(np.diff(km) > 0)
    assert abs(km[-1] - math.pi / 2 * 6371.0088) < 1e-6  # a quarter of a great circle


def test_sea_link_costs_sea_cost_plus_the_capitals_distance(folder: Path) -> None:
    # USA-UKG is a COW sea link (conttype 4): its cost is sea_cost + distance in land steps
    km = float(great_circle_km(np.array([-77.0, 38.9]), np.array([-0.1, 51.5])))
    sea_cost = load(f"cow:1816,data={folder}").make_params().sea_cost
    assert _sea_cost_of_usa_ukg(folder) == pytest.approx(sea_cost + km / LAND_STEP_KM)
    assert _sea_cost_of_usa_ukg(folder, ",sea=uniform") == pytest.approx(1.0 + sea_cost)


@pytest.mark.parametrize("spec", ["", ",reach=majors"])
def test_sea_cost_is_monotone_in_distance(folder: Path, spec: str) -> None:
    costs = []
    for uk_lng in (-40.0, -0.1, 30.0, 60.0):  # London moved east: farther from Washington
        (folder / "capitals.csv").write_text(CAPITALS.format(uk_lng=uk_lng))
        costs.append(_sea_cost_of_usa_ukg(folder, spec))
    assert np.all(np.diff(costs) > 0)


def test_majors_reach_beyond_contiguity_only_with_the_option(folder: Path) -> None:
    # 1816: UKG and RUS are majors; RUS has no link with the USA in the contiguity data
    plain = load(f"cow:1816,data={folder}")
    reach = load(f"cow:1816,data={folder},reach=majors")
    assert sorted(map(tuple, plain.province_map.sea.tolist())) == [(0, 1)]
    assert sorted(map(tuple, reach.province_map.sea.tolist())) == [(0, 1), (0, 2)]
    for scen, linked in ((plain, False), (reach, True)):
        params = scen.make_params()
        state = scen.initial_state(params, scen.setting(params), seed=0, worlds=[0])
        assert bool(state.adjacent[0, 2, 0]) is linked and bool(state.adjacent[0, 0, 2]) is linked
    # the new link is costed by its real distance (Washington-St. Petersburg)
    km = float(great_circle_km(np.array([-77.0, 38.9]), np.array([30.3, 59.9])))
    params = reach.make_params()
    assert reach.setting(params).distance[0, 2] == pytest.approx(
        min(params.sea_cost + km / LAND_STEP_KM,
            reach.setting(params).distance[0, 1] + reach.setting(params).distance[1, 2]))


def test_reach_majors_needs_capitals(folder: Path) -> None:
    (folder / "capitals.csv").unlink()
    with pytest.raises(InputError, match="reach.*capitals"):
        load(f"cow:1816,data={folder},reach=majors")


@pytest.mark.parametrize(("option", "allowed"), [("sea", "distance, uniform"),
                                                 ("reach", "contiguity, majors"),
                                                 ("growth", "spread, data")])
def test_bad_option_values_name_the_option_and_allowed_values(folder: Path, option: str,
                                                               allowed: str) -> None:
    with pytest.raises(InputError, match=rf"{option}.*{allowed}"):
        load(f"cow:1816,data={folder},{option}=sometimes")


def _trend_folder(folder: Path, usa_rate: float) -> Path:
    """NMC 1816-1825: the USA's economic components grow at ``usa_rate`` (log) and Russia's
    shrink so that each component's total stays 400: the USA's share grows exactly at
    ``usa_rate``; the UK's share is constant."""
    for old in folder.glob("nmc-*.csv"):
        old.unlink()
    lines = [NMC_HEADER]
    for t, year in enumerate(range(1816, 1826)):
        usa = 100.0 * math.exp(usa_rate * t)
        rus = 300.0 - usa
        for abb, cc, econ in (("USA", 2, usa), ("UKG", 200, 100.0), ("RUS", 365, rus)):
            lines.append(f"{abb},{cc},{year},10,10,{econ},{econ},{econ},{econ},-9,2021")
    (folder / "nmc-v6-trend.csv").write_text("\n".join(lines) + "\n")
    return folder


def test_growth_data_reproduces_the_trend_of_the_fixture(folder: Path) -> None:
    _trend_folder(folder, 0.02)
    scen = load(f"cow:1825,data={folder},growth=data")
    trend = [a.growth_trend for a in scen.actors]
    assert trend[0] == pytest.approx(0.02, abs=1e-9)
    assert trend[1] == pytest.approx(0.0, abs=1e-9)
    t = np.arange(10.0)
    rus = np.polyfit(t, np.log(300.0 - 100.0 * np.exp(0.02 * t)), 1)[0]
    assert trend[2] == pytest.approx(rus, abs=1e-9)
    assert all(a.growth_trend is None for a in load(f"cow:1825,data={folder}").actors)


def test_growth_trend_is_clipped(folder: Path) -> None:
    _trend_folder(folder, 0.1)
    scen = load(f"cow:1825,data={folder},growth=data")
    assert scen.actors[0].growth_trend == GROWTH_TREND_CLIP[1]


def test_too_few_years_keep_the_draw(folder: Path) -> None:
    # the fixture NMC holds 1816-1817 only: no state has five years of trend
    scen = load(f"cow:1817,data={folder},growth=data")
    assert all(a.growth_trend is None for a in scen.actors)


def test_the_engine_grows_each_state_at_its_trend(folder: Path) -> None:
    _trend_folder(folder, 0.02)
    scen = load(f"cow:1825,data={folder},growth=data")
    # growth_persistence 1 holds each state's deviation (here its trend) for ever; below 1
    # the engine lets it fade (an AR(1), tested in tests/model).
    params = scen.make_params({"growth_rate": 0.01, "growth_noise": 0.0, "guns_butter": 0.0,
                               "growth_persistence": 1.0})
    setting = scen.setting(params)
    state = scen.initial_state(params, setting, seed=3, worlds=[0, 1])
    expected = 0.01 + np.array([a.growth_trend for a in scen.actors])
    np.testing.assert_allclose(state.growth, np.broadcast_to(expected, (2, 3)))
    grown = economy(state, setting, params)
    np.testing.assert_allclose(grown.productivity / state.productivity,
                               np.broadcast_to(1.0 + expected, (2, 3)))
    # without the option, the engine draws the rates at its first step, as before
    plain = load(f"cow:1825,data={folder}")
    assert np.isnan(plain.initial_state(params, plain.setting(params), 3, [0]).growth).all()


@pytest.mark.realdata
@pytest.mark.skipif(not (DATA / "NMC-60-abridged.csv").is_file(),
                    reason="licensed COW data not found in ../shared/data beside the checkout "
                           "(it is never committed)")
def test_real_1914_reach_and_growth() -> None:
    plain = load(f"cow:1914,data={DATA}")
    scen = load(f"cow:1914,data={DATA},reach=majors,growth=data")
    majors = [k for k, a in enumerate(scen.actors) if a.major]
    assert len(majors) >= 6
    assert len(scen.province_map.sea) > len(plain.province_map.sea)
    params = scen.make_params()
    state = scen.initial_state(params, scen.setting(params), seed=0, worlds=[0])
    for m in majors:  # a major borders every other state (land or sea)
        assert state.adjacent[0, m].sum() == len(scen.actors) - 1
    trends = [a.growth_trend for a in scen.actors if a.growth_trend is not None]
    assert len(trends) > len(scen.actors) // 2
    assert all(GROWTH_TREND_CLIP[0] <= t <= GROWTH_TREND_CLIP[1] for t in trends)


def test_run_folder_links_record_the_distance_costs(folder: Path) -> None:
    from powerbalance.experiments.tables import geography_tables

    scen = load(f"cow:1816,data={folder},reach=majors")
    params = scen.make_params()
    _, links = geography_tables(scen, params)
    sea = links[links["kind"] == "sea"]
    dist = scen.setting(params).distance
    assert len(sea) == 2
    for a, b, cost in zip(sea["a"], sea["b"], sea["cost"], strict=True):
        assert cost >= dist[a, b] - 1e-9 and cost > 1.0 + params.sea_cost
