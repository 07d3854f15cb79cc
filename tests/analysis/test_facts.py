"""The facts on hand-written fixtures: each definition of docs/validation.md, checked by hand.

The data folder ``fixtures/facts`` is small and synthetic (never a copy of the licensed
data): four states 1900-1909, France leaving in 1905; two wars (1901-1902 UKG v FRN with
1,000 + 3,000 battle deaths; 1904 USA and UKG v RUS, 100 + unknown + 500); four MIDs; ATOP
pacts in 1900-1901; UKG and RUS major powers throughout, the USA from 1905.
"""

import json
import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from powerbalance.analysis.facts import (
    compute_facts,
    from_data,
    from_run,
    wars_from_events,
)
from powerbalance.errors import InputError

FIX = Path(__file__).parent / "fixtures" / "facts"


def _facts(inputs, **kw):
    return compute_facts(inputs, **kw).set_index("fact")


@pytest.fixture(scope="module")
def data_facts():
    return _facts(from_data(FIX, start=None, end=None), bootstrap=0)


def test_war_onsets_per_year_over_the_years_the_war_file_covers(data_facts):
    row = data_facts.loc["war onsets per year"]
    assert row["years"] == "1901-1904"  # first and last year in the war file
    assert row["value"] == pytest.approx(2 / 4)
    assert row["n"] == 4
    assert row["lo"] < row["value"] < row["hi"]


def test_war_entries_per_state_year(data_facts):
    # entries: UKG and FRN in 1901, USA, UKG and RUS in 1904; 4 states x 4 years
    assert data_facts.loc["war entries per state-year (state-years with a new war)",
                          "value"] == pytest.approx(5 / 16)


def test_severity_sums_known_participants_and_duration_spans_years(data_facts):
    assert data_facts.loc["war severity: median battle deaths per war",
                          "value"] == pytest.approx((4000 + 600) / 2)
    assert data_facts.loc["war duration (calendar years spanned)",
                          "value"] == pytest.approx((2 + 1) / 2)
    assert data_facts.loc["share of multilateral wars (more than two states)",
                          "value"] == pytest.approx(1 / 2)


def test_mids_per_year_and_fatality_levels(data_facts):
    row = data_facts.loc["MID onsets per year"]
    assert row["years"] == "1900-1905" and row["value"] == pytest.approx(4 / 6)
    # one MID has an unknown fatality level (-9): left out of the shares
    assert data_facts.loc["share of MIDs with fatalities (level >= 1)",
                          "value"] == pytest.approx(2 / 3)
    assert data_facts.loc["share of MIDs with more than 999 deaths (level 6)",
                          "value"] == pytest.approx(1 / 3)


def test_state_deaths_per_state_year(data_facts):
    row = data_facts.loc["state deaths per state-year (exits from the system)"]
    assert row["value"] == pytest.approx(1 / 36) and row["n"] == 36


def test_defensive_alliance_share_counts_defence_pacts_only(data_facts):
    # 1900: UKG-FRN (the USA-RUS non-aggression pact does not count): 2 of 4;
    # 1901: USA-UKG and USA-RUS: 3 of 4
    row = data_facts.loc["share of states in a defensive alliance (mean of yearly shares)"]
    assert row["years"] == "1900-1901" and row["value"] == pytest.approx((0.5 + 0.75) / 2)


def test_great_powers_con_and_polarity(data_facts):
    assert data_facts.loc["number of great powers (COW major powers; mean over years)",
                          "value"] == pytest.approx(2.5)
    # 1900-1904 two equal powers (CON 0); 1905-1909 shares 10:10:1 (CON 3/7)
    assert data_facts.loc["CON of the COW great-power system (mean over years)",
                          "value"] == pytest.approx(3 / 14)
    assert data_facts.loc["share of years bipolar (COW great powers)",
                          "value"] == pytest.approx(1.0)
    assert data_facts.loc["share of years multipolar (COW great powers)",
                          "value"] == pytest.approx(0.0)


def test_strongest_states_are_defined_alike_for_data_and_runs(data_facts):
    # all states' CINC: UKG and RUS 10, FRN 5 (to 1905), the USA 1 from 1905: every one
    # has at least 5% in every year but the USA (1/26 in 1905, 1/21 after)
    label = "states with at least 5% of capability"
    assert data_facts.loc[f"{label} (mean over years)", "value"] == pytest.approx(
        (6 * 3 + 4 * 2) / 10)
    # 1900-1905 shares 2:2:1 (CON 0.2; s2 = 2 s3 exactly: bipolar); 1906-1909 two
    # equal powers (CON 0)
    assert data_facts.loc[f"CON of the {label} (mean over years)",
                          "value"] == pytest.approx(6 * 0.2 / 10)
    assert data_facts.loc[f"share of years bipolar ({label})", "value"] == pytest.approx(1.0)


def test_window_restricts_every_fact():
    f = _facts(from_data(FIX, start=1903, end=1909), bootstrap=0)
    assert f.loc["war onsets per year", "years"] == "1903-1904"
    assert f.loc["war onsets per year", "value"] == pytest.approx(1 / 2)
    assert f.loc["state deaths per state-year (exits from the system)",
                 "n"] == 7 + 7 + 3 + 7
    with pytest.raises(InputError, match="after"):
        from_data(FIX, start=1905, end=1901)


def test_missing_war_file_is_a_clear_error(tmp_path):
    shutil.copy(FIX / "states-fixture.csv", tmp_path / "states.csv")
    with pytest.raises(InputError, match="no wars file found"):
        from_data(tmp_path)


def _heavy_tailed_data(tmp_path, n_wars=60, seed=1):
    """A data folder whose war sizes are drawn from a Pareto tail with exponent 2.5."""
    rng = np.random.default_rng(seed)
    sizes = np.round(1000 * (1 - rng.random(n_wars)) ** (-1 / 1.5))
    rows = [f"{w + 1},2,200,{1900 + w % 10},1,1,1,2,1,0,1,2,{int(s) // 2},{int(s) - int(s) // 2},0"
            for w, s in enumerate(sizes)]
    rows += [f"{w + 1},200,2,{1900 + w % 10},1,1,2,1,0,1,2,1,{int(s) - int(s) // 2},"
             f"{int(s) // 2},0" for w, s in enumerate(sizes)]
    head = (FIX / "war-ddy-fixture.csv").read_text().splitlines()[0]
    (tmp_path / "wars.csv").write_text("\n".join([head, *rows]) + "\n")
    shutil.copy(FIX / "states-fixture.csv", tmp_path / "states.csv")
    return sizes


def test_power_law_tail_and_seeded_bootstrap(tmp_path):
    _heavy_tailed_data(tmp_path, n_wars=200)
    inputs = from_data(tmp_path)
    a = _facts(inputs, seed=3, bootstrap=60)
    b = _facts(inputs, seed=3, bootstrap=60)
    c = _facts(inputs, seed=4, bootstrap=60)
    alpha = a.loc["war severity: power-law exponent alpha"]
    assert 2.0 < alpha["value"] < 3.2  # drawn with exponent 2.5
    assert alpha["lo"] < alpha["value"] < alpha["hi"]
    assert alpha["lo"] == b.loc["war severity: power-law exponent alpha", "lo"]  # same seed
    assert alpha["lo"] != c.loc["war severity: power-law exponent alpha", "lo"]
    assert a.loc["war severity: power-law x_min", "value"] >= 1000


# ------------------------------------------------------------------ run folders


def _run_folder(tmp_path, wars=None):
    """A hand-made run folder: 1 world, 3 actors, years 0-9; actor 2 dies in year 6."""
    folder = tmp_path / "run"
    folder.mkdir()
    (folder / "manifest.json").write_text(json.dumps({"scenario": "hand-made"}))
    rows = []
    for year in range(10):
        for actor, share in ((0, 0.5), (1, 0.4), (2, 0.1)):
            alive = not (actor == 2 and year >= 6)
            rows.append({"world": 0, "year": year, "actor": actor, "region": "r",
                         "alive": alive, "share": share if alive else 0.0})
    pd.DataFrame(rows).to_parquet(folder / "actors.parquet")
    ev = pd.DataFrame({
        "world": [0, 0, 0, 0], "year": [2, 2, 5, 6],
        "kind": ["war_won", "war_joined", "war_lost", "death"],
        "actor": [0, 2, 1, 2], "other": [1, 1, 0, 0], "value": [50.0, 5.0, 20.0, 0.0]})
    ev.to_parquet(folder / "events.parquet")
    pd.DataFrame({"world": [0, 0], "year": [3, 4], "actor": [1, 1], "ally": [2, 2]}).to_parquet(
        folder / "alliances.parquet")
    if wars is not None:
        wars.to_parquet(folder / "wars.parquet")
    return folder


def test_run_folder_without_wars_table_derives_wars_from_events(tmp_path):
    inputs = from_run(_run_folder(tmp_path))
    assert any("derived from events" in n for n in inputs.notes)
    f = _facts(inputs, bootstrap=0)
    assert f.loc["war onsets per year", "value"] == pytest.approx(2 / 10)  # years 0-9
    assert f.loc["share of multilateral wars (more than two states)",
                 "value"] == pytest.approx(1 / 2)
    assert f.loc["war duration (calendar years spanned)", "value"] == pytest.approx(1.0)
    assert f.loc["war severity: median battle deaths per war", "value"] == pytest.approx(35.0)
    # 26 alive actor-years (actor 2 alive in years 0-5); one death
    assert f.loc["state deaths per state-year (exits from the system)",
                 "value"] == pytest.approx(1 / 26)
    # alliance in years 3-4: actors 1 and 2 of 3; no alliance in the run's other 8 years
    assert f.loc["share of states in a defensive alliance (mean of yearly shares)",
                 "value"] == pytest.approx(2 * (2 / 3) / 10)
    # strongest states: >= 5% of capability: three actors to year 5, two after
    assert f.loc["states with at least 5% of capability (mean over years)",
                 "value"] == pytest.approx((6 * 3 + 4 * 2) / 10)
    assert "number of great powers (COW major powers; mean over years)" not in f.index
    assert "MID onsets per year" not in f.index  # a simulation has no disputes


def test_run_folder_with_wars_table(tmp_path):
    wars = pd.DataFrame({
        "world": [0, 0, 0], "war": [0, 1, 2], "start": [1, 4, 4], "end": [3, 4, 7],
        "initiator": [0, 1, 0], "target": [1, 2, 2], "outcome": [1, 2, 1],
        "participants_a": [[0], [1], [0, 1]], "participants_b": [[1], [2], [2]],
        "losses_a": [10.0, 1.0, 30.0], "losses_b": [20.0, 2.0, 40.0],
        "provinces": [1, 0, 2]})
    inputs = from_run(_run_folder(tmp_path, wars))
    assert any("wars.parquet" in n for n in inputs.notes)
    f = _facts(inputs, bootstrap=0)
    assert f.loc["war onsets per year", "value"] == pytest.approx(3 / 10)  # years 0-9
    assert f.loc["war duration (calendar years spanned)",
                 "value"] == pytest.approx((3 + 1 + 4) / 3)
    assert f.loc["war severity: median battle deaths per war", "value"] == pytest.approx(30.0)
    assert f.loc["share of multilateral wars (more than two states)",
                 "value"] == pytest.approx(1 / 3)
    # entries: actors 0, 1 in year 1; 1, 2 in year 4; 0 again in 4 (2 already): state-years
    # with a new war: (1,0), (1,1), (4,1), (4,2), (4,0) of the run's 26 (actor 2 dead
    # from year 6)
    assert f.loc["war entries per state-year (state-years with a new war)",
                 "value"] == pytest.approx(5 / 26)


def test_wars_table_with_counts_instead_of_lists(tmp_path):
    wars = pd.DataFrame({"world": [0], "war": [0], "start": [2], "end": [2],
                         "initiator": [0], "target": [1], "participants_a": [2],
                         "participants_b": [1], "losses_a": [1.0], "losses_b": [1.0]})
    f = _facts(from_run(_run_folder(tmp_path, wars)), bootstrap=0)
    assert f.loc["share of multilateral wars (more than two states)", "value"] == 1.0


def test_wars_from_events_attaches_joiners_to_their_allys_war():
    ev = pd.DataFrame({"world": [0, 0, 1], "year": [1, 1, 1],
                       "kind": ["war_lost", "war_joined", "war_joined"],
                       "actor": [0, 3, 4], "other": [1, 0, 0], "value": [7.0, 1.0, 1.0]})
    wars, entries = wars_from_events(ev)
    assert wars["participants"].tolist() == [3]  # the world-1 joiner has no war to join
    assert sorted(entries["actor"].tolist()) == [0, 1, 3]


def test_real_engine_run_folder(tmp_path):
    from powerbalance.experiments.results import run

    res = run("warring-states", years=30, worlds=2, seed=5, out=tmp_path / "ws")
    n_wars = len(res.table("wars"))  # one row per war, however many campaigns it lasted
    assert n_wars > 0
    inputs = from_run(tmp_path / "ws")
    assert len(inputs.wars) == n_wars
    f = _facts(inputs, bootstrap=0)
    onsets = f.loc["war onsets per year"]
    years = int(res.actors["year"].max()) - int(res.actors["year"].min()) + 1
    assert onsets["value"] == pytest.approx(n_wars / (2 * years))  # the run's every year
    assert onsets["n"] == 2 * years
    # Every member of both sides takes part (allies called in included), as the engine's
    # wars table lists them.
    table = res.table("wars")
    sides = [len(a) + len(b) for a, b in zip(table["initiator_side"], table["target_side"],
                                             strict=True)]
    assert inputs.wars["participants"].tolist() == sides
    assert len(inputs.entries) == sum(len(set(a) | set(b)) for a, b in zip(
        table["initiator_side"], table["target_side"], strict=True))
    assert not math.isnan(f.loc["states with at least 5% of capability (mean over years)",
                                "value"])


def test_not_a_run_folder(tmp_path):
    with pytest.raises(InputError, match="manifest.json"):
        from_run(tmp_path)


def test_a_war_going_on_at_the_end_of_a_run_is_censored_at_the_last_year():
    from powerbalance.analysis.facts import _wars_table

    table = pd.DataFrame({"world": [0, 0], "war": [0, 1], "start": [3, 8],
                          "end": pd.array([5, None], dtype="Int32"),
                          "initiator": [0, 1], "target": [1, 2]})
    wars, _ = _wars_table(table, "wars.parquet", last_year=20)
    assert wars["end"].tolist() == [5, 20]
