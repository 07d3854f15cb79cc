"""The facts and the great-power polarity on the real files in ../shared/data (skipped when
absent; the licensed data is never committed)."""

from pathlib import Path

import pytest

from powerbalance.analysis.cow import detect_files, load_majors, load_nmc
from powerbalance.analysis.facts import compute_facts, from_data
from powerbalance.analysis.history import polarity_history, yearly_measures

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"

pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not (DATA / "cow_war_inter_v4_ddy_peacesciencer.csv").is_file(),
                       reason="licensed COW data not found in ../shared/data beside the "
                              "checkout (it is never committed)"),
]


@pytest.fixture(scope="module")
def real():
    inputs = from_data(DATA)
    return inputs, compute_facts(inputs, seed=2026, bootstrap=50).set_index("fact")


def test_war_counts_and_tail_as_the_data_readme_states(real):
    inputs, f = real
    assert len(inputs.wars) == 95
    # onsets average about 0.52 a year over 1823-2003
    onsets = f.loc["war onsets per year"]
    assert onsets["years"] == "1823-2003"
    assert onsets["value"] == pytest.approx(95 / 181)
    # the 51 wars with at least 7,061 battle deaths have a power-law tail
    xmin = f.loc["war severity: power-law x_min"]
    assert xmin["value"] == 7061 and xmin["n"] == 51
    alpha = f.loc["war severity: power-law exponent alpha"]
    assert alpha["lo"] < alpha["value"] < alpha["hi"]


def test_every_fact_has_a_value_and_known_sources(real):
    inputs, f = real
    assert f["value"].notna().all()
    assert inputs.mids is not None and inputs.defence is not None
    assert f.loc["number of great powers (COW major powers; mean over years)",
                 "value"] == pytest.approx(5.95, abs=0.05)


@pytest.fixture(scope="module")
def polarity():
    files = detect_files(DATA)
    nmc, majors = load_nmc(files.nmc), load_majors(files.majors)
    return nmc, majors, polarity_history(nmc, majors).set_index("year")


@pytest.mark.parametrize(("year", "label"), [
    (1816, "multipolar"), (1870, "multipolar"), (1914, "multipolar"), (1938, "multipolar"),
    (1950, "bipolar"), (1970, "bipolar"), (1989, "bipolar"),
    (1995, "unipolar with great powers"), (2005, "unipolar with great powers"),
])
def test_default_polarity_of_real_years(polarity, year, label):
    """A validation of the documented rule (docs/validation.md) against the scholars'
    periods: multipolar 1816-1945, bipolar 1950-1989, one superpower after 1991."""
    assert polarity[2].loc[year, "polarity"] == label


def test_polarity_poles_are_the_expected_powers(polarity):
    table = polarity[2]
    assert {table.loc[1970, "first"], table.loc[1970, "second"]} == {"2", "365"} or \
        {table.loc[1970, "first"], table.loc[1970, "second"]} == {"USA", "RUS"}
    assert table.loc[2005, "first"] in ("2", "USA")


def test_cinc_only_polarity_stays_available(polarity):
    nmc, majors, _ = polarity
    cinc = yearly_measures(nmc, majors=majors, majors_only=True).set_index("year")
    # the CINC classification by name: China's CINC passes the USA's in the 1990s
    assert cinc.loc[1995, "polarity"] != "unipolar with great powers"
    cinc_gp = polarity_history(nmc, majors, index="cinc").set_index("year")
    assert cinc_gp.loc[1995, "polarity"] != polarity[2].loc[1995, "polarity"]


def test_regions_and_dyads_on_real_data():
    from powerbalance.analysis.cow import attach_abbreviations, load_maoz_powers, load_states
    from powerbalance.analysis.history import dyad_history, regional_history, state_codes

    files = detect_files(DATA)
    states = load_states(files.states)
    nmc = attach_abbreviations(load_nmc(files.nmc), states)
    codes = state_codes(states)
    _, asia = regional_history(nmc, "asia", powers=load_maoz_powers(files.powers),
                               abbrev=codes)
    asia = asia.set_index("year")
    assert "CHN" in asia.loc[1990, "regional_powers"]  # Maoz: China regional power 1970-
    assert asia.loc[1990, "powers"] > 20
    _, strait = dyad_history(nmc, "CHN,TAW", abbrev=codes)
    assert strait["year"].min() == 1949 and (strait["ratio"] > 1).all()
