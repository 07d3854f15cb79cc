"""``cow:YEAR`` as a real-world starting point: capitals, ATOP alliances, nuclear status."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.scenarios import load
from powerbalance.scenarios.cow_scenario import NUCLEAR_TESTS, region_of

COW = Path(__file__).resolve().parents[1] / "analysis" / "fixtures" / "cow"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(COW, data)
    (data / "capitals.csv").write_text(
        "ccode,statenme,capital,stdate,enddate,lat,lng\n"
        "2,United States of America,Washington D.C.,1816-01-01,2024-12-31,38.9,-77.0\n"
        "365,Russia,St. Petersburg,1816-01-01,1917-12-31,59.9,30.3\n"
        "365,Russia,Moscow,1918-01-01,2024-12-31,55.8,37.6\n")
    return data


def test_capitals_place_the_states(folder: Path) -> None:
    scen = load(f"cow:1816,data={folder}")
    coords = scen.province_map.coords
    assert coords[0].tolist() == [-77.0, 38.9]
    assert coords[2].tolist() == [30.3, 59.9]  # the capital of that year
    assert coords[1].tolist() == list(region_of(200)[1:])  # no capital listed: region centre


def test_atop_defence_pacts_of_the_year_are_the_initial_alliances(folder: Path) -> None:
    # fixture: USA-RUS defence pact in 1816; USA-UKG only a non-aggression pact in 1817
    assert load(f"cow:1816,data={folder}").alliances == ((0, 2, 1.0),)
    assert load(f"cow:1817,data={folder}").alliances == ()
    assert load(f"cow:1816,data={folder},alliances=none").alliances == ()


def test_nuclear_status_from_the_first_test(folder: Path) -> None:
    lines = ["stateabb,ccode,year,milex,milper,irst,pec,tpop,upop,cinc,version"]
    lines += [f"{a},{c},{y},10,10,10,10,10,10,-9,2021" for y in (1949, 1952)
              for a, c in (("USA", 2), ("UKG", 200), ("RUS", 365))]
    for old in folder.glob("nmc-*.csv"):
        old.unlink()
    (folder / "nmc-v6-late.csv").write_text("\n".join(lines) + "\n")
    y49 = load(f"cow:1949,data={folder}")
    y52 = load(f"cow:1952,data={folder}")
    assert [a.nuclear for a in y49.actors] == [2, 0, 2]  # the USSR tested in 1949, the UK 1952
    assert [a.nuclear for a in y52.actors] == [2, 2, 2]
    assert [a.nuclear for a in load(f"cow:1952,data={folder},nuclear=none").actors] == [0] * 3
    assert NUCLEAR_TESTS[2] == 1945 and NUCLEAR_TESTS[710] == 1964


def test_bad_option_values(folder: Path) -> None:
    with pytest.raises(InputError, match="alliances"):
        load(f"cow:1816,data={folder},alliances=some")
    with pytest.raises(InputError, match="nuclear"):
        load(f"cow:1816,data={folder},nuclear=yes")


def test_runs_from_the_real_start(folder: Path) -> None:
    import powerbalance as pb

    r = pb.run(load(f"cow:1816,data={folder}"), years=3, worlds=2, seed=1)
    first = r.alliances[r.alliances["year"] == r.alliances["year"].min()]
    assert len(first) and np.isin(first["actor"], [0]).all()
