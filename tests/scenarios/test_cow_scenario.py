"""``cow:YEAR`` scenarios from COW files: hand-written fixtures, and the real data when present."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import powerbalance as pb
from powerbalance.analysis.cow import detect_files, load_nmc, recompute_cinc
from powerbalance.analysis.history import yearly_measures
from powerbalance.errors import InputError
from powerbalance.scenarios import load
from powerbalance.scenarios.cow_scenario import observed_measures

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "analysis" / "fixtures" / "cow"
DATA = ROOT / ".." / "shared" / "data"


def test_fixture_year_actors_components_majors_and_map() -> None:
    scen = load(f"cow:1816,data={FIXTURES}")
    assert scen.names == ("USA", "UKG", "RUS")
    assert [a.major for a in scen.actors] == [False, True, True]  # USA major only from 1898
    assert [a.region for a in scen.actors] == ["americas", "europe", "europe"]
    pm = scen.province_map
    # UKG-RUS conttype 2 (water <= 12 miles): a land link of cost 2; USA-UKG type 4: sea
    assert pm.land.tolist() == [[1, 2]] and pm.land_cost.tolist() == [2.0]
    assert pm.sea.tolist() == [[0, 1]]
    assert [a.strategy for a in scen.actors] == ["status-quo", "external-balancer",
                                                 "external-balancer"]


def test_fixture_shares_equal_recomputed_cinc() -> None:
    scen = load(f"cow:1816,data={FIXTURES}")
    nmc = load_nmc(FIXTURES / "nmc-v6-fixture.csv")
    rows = nmc[nmc["year"] == 1816].sort_values("ccode")
    cinc = recompute_cinc(rows).to_numpy()
    r = pb.run(scen, years=2, worlds=2, seed=0)
    y0 = r.actors[(r.actors["year"] == 0) & (r.actors["world"] == 0)].sort_values("actor")
    np.testing.assert_allclose(y0["share"].to_numpy(), cinc / cinc.sum(), atol=1e-6)
    assert observed_measures(scen)["states"] == 3


def test_data_folder_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POWERBALANCE_DATA", str(FIXTURES))
    assert len(load("cow:1817").actors) >= 1


def test_bad_specs_are_input_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("POWERBALANCE_DATA", raising=False)
    with pytest.raises(InputError, match="no data folder"):
        load("cow:1914")
    with pytest.raises(InputError, match="a year is needed"):
        load(f"cow:data={FIXTURES}")
    with pytest.raises(InputError, match="1816 to 1817"):
        load(f"cow:1914,data={FIXTURES}")
    with pytest.raises(InputError, match="bad option"):
        load(f"cow:1816,colour=red,data={FIXTURES}")
    with pytest.raises(InputError, match="strategy"):
        load(f"cow:1816,majors=nobody,data={FIXTURES}")


@pytest.mark.realdata
@pytest.mark.skipif(not (DATA / "NMC-60-abridged.csv").is_file(),
                    reason="licensed COW data not found in ../shared/data beside the checkout "
                           "(it is never committed)")
@pytest.mark.parametrize("year", [1914, 1950, 2000])
def test_real_data_year_reproduces_polarity_and_concentration(year: int) -> None:
    scen = load(f"cow:{year},data={DATA}")
    nmc_file = detect_files(DATA).nmc  # the file the scenario reads (the newest NMC)
    assert nmc_file is not None
    measures = yearly_measures(load_nmc(nmc_file), start=year, end=year)
    row = measures.iloc[0]
    assert len(scen.actors) == int(row["states"])
    obs = observed_measures(scen)
    assert obs["polarity"] == row["polarity"]
    assert abs(obs["con"] - float(row["con"])) < 1e-6
    r = pb.run(scen, years=5, worlds=2, seed=0, record="system")
    first = r.system[r.system["year"] == 0].iloc[0]
    assert str(first["polarity"]) == row["polarity"]
    assert abs(float(first["con"]) - float(row["con"])) < 1e-5
    assert sum(a.major for a in scen.actors) >= 4
    assert len(scen.province_map.land) > 0
