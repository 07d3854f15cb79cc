"""The claims of docs/theory-checked.md as experiments: the machinery that runs and judges them.

No test pins a shipped claim's verdict (a claim that stops holding is a finding, reported
by ``powerbalance experiment``, not a test failure): the tests check that every experiment
runs, measures each arm per world, compares arms by paired differences with their bounds,
and that the verdict follows from those rows alone (checked on statistics whose values are
known by construction).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.experiments.claims import (
    EXPERIMENTS,
    Arm,
    Check,
    Comparison,
    Experiment,
    get,
    listing,
    run_experiment,
    unified,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "analysis" / "fixtures" / "cow"
DATA = ROOT / ".." / "shared" / "data"


def comparison(result, statistic: str):  # type: ignore[no-untyped-def]
    rows = result.comparisons[result.comparisons["statistic"] == statistic]
    assert len(rows) == 1
    return rows.iloc[0]


def arm_mean(result, arm: str, statistic: str) -> float:  # type: ignore[no-untyped-def]
    a = result.arms
    return float(a[(a["arm"] == arm) & (a["statistic"] == statistic)]["mean"].iloc[0])


def test_registry_covers_the_eight_claims() -> None:
    claims = sorted(e.claim for e in EXPERIMENTS.values())
    assert claims == list(range(1, 9))
    for row in listing():
        assert row["claim_text"] and row["title"] and row["arms"]
    with pytest.raises(InputError, match="unknown experiment"):
        get("nope")


MODEL_EXPERIMENTS = sorted(name for name, e in EXPERIMENTS.items() if e.runner is None)


@pytest.mark.parametrize("name", MODEL_EXPERIMENTS)
def test_every_shipped_experiment_runs_and_judges_by_its_own_rows(name: str) -> None:
    """Machinery only (no claim's verdict is pinned): every arm and statistic is measured per
    world, each comparison is the paired difference of the arms' per-world values with its
    bound, and the verdict is exactly 'every required comparison and check holds'."""
    exp = get(name)
    r = run_experiment(name, worlds=12, years=25, seed=3, confidence=0.9)
    assert set(r.arms["arm"]) == {a.label for a in exp.arms}
    assert set(r.arms["statistic"]) == set(exp.statistics)
    assert len(r.per_world) == 12
    for c in r.comparisons.itertuples():
        high = r.per_world[f"{c.high}:{c.statistic}"].to_numpy()
        low = r.per_world[f"{c.low}:{c.statistic}"].to_numpy()
        assert c.difference == pytest.approx(float((high - low).mean()))
        assert c.ci_low <= c.difference <= c.ci_high
        assert c.holds == (c.ci_low > 0)
    required = [bool(h) for h, q in zip(r.comparisons.get("holds", []),
                                        r.comparisons.get("required", []), strict=True) if q]
    required += [bool(h) for h, q in zip(r.checks.get("holds", []),
                                         r.checks.get("required", []), strict=True) if q]
    assert r.holds == all(required)
    assert r.verdict() == ("holds" if r.holds else "does not hold")


def _by_parameter(name: str):  # type: ignore[no-untyped-def]
    """A statistic that reads a parameter of the arm's run (known by construction)."""
    def stat(result, scen):  # type: ignore[no-untyped-def]
        return np.full(result.system["world"].nunique(), float(result.manifest["params"][name]))
    return stat


def test_the_verdict_follows_the_paired_comparison() -> None:
    low = Arm("low", "two-continents", overrides={"sea_cost": 1.0})
    high = dataclasses.replace(low, label="high", overrides={"sea_cost": 3.0})
    stats = {"sea": ("the sea cost of the arm", _by_parameter("sea_cost"))}
    up = Experiment(name="up", claim=0, title="t", claim_text="t", arms=(low, high),
                    statistics=stats, comparisons=(Comparison("sea", low="low", high="high"),),
                    worlds=5)
    down = dataclasses.replace(up, comparisons=(Comparison("sea", low="high", high="low"),))
    r_up, r_down = run_experiment(up, years=2), run_experiment(down, years=2)
    assert r_up.holds and comparison(r_up, "sea")["difference"] == 2.0
    assert not r_down.holds and comparison(r_down, "sea")["difference"] == -2.0
    checked = dataclasses.replace(up, checks=(Check("sea", "high", "<=", 2.0),))
    assert not run_experiment(checked, years=2).holds
    optional = dataclasses.replace(up, checks=(Check("sea", "high", "<=", 2.0,
                                                     required=False),))
    assert run_experiment(optional, years=2).holds


def test_polarity_from_fixture_data() -> None:
    r = run_experiment("polarity-from-data", worlds=4, years=10, seed=0,
                       options=f"1816,data={FIXTURES}")
    assert r.holds
    assert set(r.checks["holds"]) == {True}


@pytest.mark.realdata
@pytest.mark.skipif(not (DATA / "NMC-60-abridged.csv").is_file(),
                    reason="licensed COW data not found in ../shared/data beside the checkout "
                           "(it is never committed)")
def test_polarity_from_real_data_1914() -> None:
    r = run_experiment("polarity-from-data", worlds=4, years=10, seed=0,
                       options=f"1914,data={DATA}")
    assert r.holds
    assert "multipolar" in r.notes


def test_common_random_numbers_identical_arms_differ_by_nothing() -> None:
    arm = Arm("a", "two-continents")
    exp = Experiment(name="crn", claim=0, title="t", claim_text="t",
                     arms=(arm, dataclasses.replace(arm, label="b")),
                     statistics={"unified": ("", unified)}, comparisons=(), worlds=20)
    r = run_experiment(exp, years=60, seed=9)
    np.testing.assert_array_equal(r.per_world["a:unified"], r.per_world["b:unified"])
    again = run_experiment(exp, years=60, seed=9)
    assert r.arms.equals(again.arms)


def test_writes_tables_like_any_run(tmp_path: Path) -> None:
    r = run_experiment("stopping-power-of-water", worlds=6, years=30, seed=1,
                       out=tmp_path / "exp")
    for arm in ("ocean", "no-ocean"):
        assert (tmp_path / "exp" / arm / "manifest.json").is_file()
    assert (tmp_path / "exp" / "experiment.json").is_file()
    assert (tmp_path / "exp" / "per_world.parquet").is_file()
    assert r.worlds == 6


def test_bad_arguments_are_input_errors() -> None:
    with pytest.raises(InputError, match="worlds"):
        run_experiment("security-dilemma", worlds=1)
    with pytest.raises(InputError, match="confidence"):
        run_experiment("security-dilemma", worlds=4, confidence=1.5)
    bad = Experiment(name="bad", claim=0, title="t", claim_text="t",
                     arms=(Arm("a", "security-dilemma", strategies={"Rome": "status-quo"}),),
                     statistics={}, comparisons=())
    with pytest.raises(InputError, match="Rome"):
        run_experiment(bad, worlds=4)
