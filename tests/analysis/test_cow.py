"""Loaders on small hand-written fixtures in each real format, and bad files."""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerbalance.analysis.cow import (
    NMC_COMPONENTS,
    cinc_difference,
    data_dir,
    detect_files,
    load_atop_dyads,
    load_contiguity,
    load_majors,
    load_nmc,
    load_states,
    load_system,
    major_power_years,
    majors_in_year,
    recompute_cinc,
)
from powerbalance.analysis.history import (
    empirical_balancing,
    historical_transitions,
    yearly_measures,
)
from powerbalance.errors import InputError

FIX = Path(__file__).parent / "fixtures" / "cow"
NMC_FILES = ["nmc-v5-fixture.csv", "nmc-v6-fixture.csv", "nmc-v7-fixture.csv"]

# CINC of the fixture, computed by hand (component shares over non-missing values):
# 1816: USA (.25+.125+0+.2+.25+.25)/6, UKG (.75+.375+.5+.6+.25+.75)/6,
#       RUS (.5+.5+.2+.5)/4 (milex and upop missing)
HAND_1816 = {2: 1.075 / 6, 200: 3.225 / 6, 365: 1.7 / 4}


@pytest.mark.parametrize("name", NMC_FILES)
def test_nmc_layouts_load_to_the_same_frame(name):
    df = load_nmc(FIX / name)
    assert list(df.columns) == ["stateabb", "ccode", "year", *NMC_COMPONENTS, "cinc"]
    assert len(df) == 6
    rus = df[(df.ccode == 365) & (df.year == 1816)].iloc[0]
    assert np.isnan(rus.milex) and np.isnan(rus.upop)  # -9 or empty -> missing
    assert rus.milper == 20.0
    assert df["ccode"].dtype == np.int64 and df["year"].dtype == np.int64
    ref = load_nmc(FIX / NMC_FILES[0])
    pd.testing.assert_frame_equal(df[list(NMC_COMPONENTS)], ref[list(NMC_COMPONENTS)])


def test_recomputed_cinc_matches_hand_values_and_published_column():
    df = load_nmc(FIX / "nmc-v6-fixture.csv")
    got = recompute_cinc(df)
    for cc, val in HAND_1816.items():
        row = (df.ccode == cc) & (df.year == 1816)
        assert got[row].iloc[0] == pytest.approx(val, abs=1e-12)
    diff = cinc_difference(df)
    assert diff["difference"].abs().max() < 1e-8
    # yearly sums are not 1 because of the missing-component rule
    assert got[df.year == 1816].sum() == pytest.approx(sum(HAND_1816.values()))
    assert got[df.year == 1816].sum() > 1.1


def test_other_loaders():
    st = load_states(FIX / "states-fixture.csv")
    assert st["ccode"].tolist() == [2, 200, 365]
    mj = load_majors(FIX / "majors-fixture.csv")
    assert majors_in_year(mj, 1816) == [200, 365]
    assert majors_in_year(mj, 1900) == [2, 200, 365]
    assert majors_in_year(mj, 1920) == [2, 200]
    years = major_power_years(mj)
    assert len(years[years.ccode == 365]) == (1917 - 1816 + 1) + (2016 - 1922 + 1)
    sy = load_system(FIX / "system-fixture.csv")
    assert len(sy) == 6
    ct = load_contiguity(FIX / "contiguity-fixture.csv")
    assert ct["begin_year"].tolist() == [1816, 1816]
    assert ct["conttype"].tolist() == [4, 2]
    at = load_atop_dyads(FIX / "atop-ddy-fixture.csv")
    assert at["atop_defense"].tolist() == [1, 0]
    assert at["atop_nonagg"].tolist() == [0, 1]


def test_detection_by_columns_and_names(tmp_path):
    files = detect_files(FIX)
    assert files.nmc is not None and files.nmc.name == "nmc-v7-fixture.csv"
    assert files.states.name == "states-fixture.csv"
    assert files.majors.name == "majors-fixture.csv"
    assert files.system.name == "system-fixture.csv"
    assert files.contdir.name == "contiguity-fixture.csv"
    assert files.atop.name == "atop-ddy-fixture.csv"
    assert detect_files(FIX, nmc_version=6).nmc.name == "nmc-v6-fixture.csv"
    assert detect_files(FIX, nmc_version=5).nmc.name == "nmc-v5-fixture.csv"
    # names that say nothing: recognised by their columns
    for src, dst in [("nmc-v5-fixture.csv", "capabilities.csv"),
                     ("majors-fixture.csv", "mp.csv"), ("states-fixture.csv", "members.csv"),
                     ("atop-ddy-fixture.csv", "alliances.csv")]:
        shutil.copy(FIX / src, tmp_path / dst)
    f2 = detect_files(tmp_path)
    assert (f2.nmc.name, f2.majors.name, f2.states.name, f2.atop.name) == (
        "capabilities.csv", "mp.csv", "members.csv", "alliances.csv")
    assert f2.system is None
    with pytest.raises(InputError, match="no system file"):
        f2.require("system", tmp_path)


def test_data_dir_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("POWERBALANCE_DATA", str(tmp_path))
    assert data_dir() == tmp_path
    monkeypatch.delenv("POWERBALANCE_DATA")
    with pytest.raises(InputError, match="POWERBALANCE_DATA"):
        data_dir()
    with pytest.raises(InputError, match="not a folder"):
        data_dir(tmp_path / "nope")


def _write(path, text):
    path.write_text(text)
    return path


def test_missing_column_names_file_and_field(tmp_path):
    p = _write(tmp_path / "NMC_bad.csv",
               "ccode,year,milex,milper,irst,pec,tpop\n2,1816,1,1,1,1,1\n")
    with pytest.raises(InputError) as err:
        load_nmc(p)
    msg = str(err.value)
    assert "NMC_bad.csv" in msg and "upop" in msg and "missing column" in msg
    assert err.value.field == "upop"


def test_non_numeric_value_names_file_field_and_line(tmp_path):
    p = _write(tmp_path / "NMC_bad.csv",
               "ccode,year,milex,milper,irst,pec,tpop,upop\n2,1816,1,1,1,1,1,1\n"
               "2,1817,1,lots,1,1,1,1\n")
    with pytest.raises(InputError) as err:
        load_nmc(p)
    assert err.value.field == "milper"
    assert "'lots'" in str(err.value) and "line 3" in str(err.value)
    assert "NMC_bad.csv" in str(err.value)


def test_bad_integer_and_flag_values(tmp_path):
    p = _write(tmp_path / "majors.csv", "ccode,styear,endyear\n2,18x6,2016\n")
    with pytest.raises(InputError, match="styear"):
        load_majors(p)
    p = _write(tmp_path / "atop_ddy.csv", "ccode1,ccode2,year,atop_defense\n2,20,1900,2\n")
    with pytest.raises(InputError) as err:
        load_atop_dyads(p)
    assert err.value.field == "atop_defense" and err.value.allowed == "0 or 1"
    p = _write(tmp_path / "NMC_neg.csv",
               "ccode,year,milex,milper,irst,pec,tpop,upop\n2,1816,-5,1,1,1,1,1\n")
    with pytest.raises(InputError, match="negative"):
        load_nmc(p)


def test_yearly_measures_on_fixture():
    nmc = load_nmc(FIX / "nmc-v6-fixture.csv")
    y = yearly_measures(nmc).set_index("year")
    total = sum(HAND_1816.values())
    assert y.loc[1816, "leader"] == 200
    assert y.loc[1816, "leader_share"] == pytest.approx(HAND_1816[200] / total)
    s = np.array(list(HAND_1816.values())) / total
    assert y.loc[1816, "hhi"] == pytest.approx(np.sum(s**2))
    mj = load_majors(FIX / "majors-fixture.csv")
    ym = yearly_measures(nmc, majors=mj, majors_only=True).set_index("year")
    assert ym.loc[1816, "states"] == 2  # the USA is not yet a major power
    assert ym.loc[1816, "leader_share"] == pytest.approx(
        HAND_1816[200] / (HAND_1816[200] + HAND_1816[365]))


def test_transitions_and_balancing_on_fixture():
    nmc = load_nmc(FIX / "nmc-v6-fixture.csv")
    tr = historical_transitions(nmc, majors_only=False)
    # 1817: RUS (0.3389) overtakes UKG (0.3306)
    assert tr[["year", "dominant", "challenger"]].values.tolist() == [[1817, 200, 365]]
    at = load_atop_dyads(FIX / "atop-ddy-fixture.csv")
    b = empirical_balancing(nmc, at).set_index("year")
    total = sum(HAND_1816.values())
    # 1816: UKG leads; USA and RUS are allied (defence) without it
    assert b.loc[1816, "with_leader"] == 0.0
    assert b.loc[1816, "against_leader"] == pytest.approx((HAND_1816[2] + HAND_1816[365]) / total)
    # 1817: only a non-aggression pact, which is not a defence alliance
    assert b.loc[1817, "against_leader"] == 0.0
    assert b.loc[1817, "unaligned"] > 0.6


@pytest.mark.parametrize("text, line", [
    ("ccode1,ccode2,year,atop_defense\n2,20,1942,1\n2,20,1943\n", 3),  # a short row
    ("ccode1,ccode2,year,atop_defense\r\n2,20,1942,1\r\n\r\n2,20\r\n", 4),  # CRLF
    ('ccode1,ccode2,year,atop_defense\n2,20,1942,"1"\n2,20,1943\n', 3),  # csv path
])
def test_rows_with_the_wrong_number_of_fields_are_named_by_line(tmp_path, text, line):
    from powerbalance.analysis.cow import load_atop_dyads

    f = tmp_path / "atop_ddy.csv"
    f.write_bytes(text.encode())
    with pytest.raises(InputError, match=rf"fields where the header has 4 \(line {line}\)"):
        load_atop_dyads(f)


def test_blank_lines_and_crlf_pass_the_row_check(tmp_path):
    from powerbalance.analysis.cow import load_atop_dyads

    f = tmp_path / "atop_ddy.csv"
    f.write_bytes(b"ccode1,ccode2,year,atop_defense\r\n2,20,1942,1\r\n\r\n2,20,1943,0\r\n")
    assert load_atop_dyads(f)["atop_defense"].tolist() == [1, 0]
