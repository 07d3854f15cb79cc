"""The arena claims (13, 14 and 15) as experiments: machinery only, no verdict is pinned."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from powerbalance.cli import main
from powerbalance.experiments.claims import (
    ARENA_STATISTICS,
    Arm,
    Experiment,
    get,
    register_arena,
    run_experiment,
)


@pytest.mark.parametrize("name", ["market-balance", "parliament-balance",
                                  "constitution-balance"])
def test_arena_claims_run_and_judge_by_their_own_rows(name: str) -> None:
    exp = get(name)
    r = run_experiment(name, worlds=8, years=10, seed=2, confidence=0.9)
    assert len(r.per_world) == 8
    assert {a.label for a in exp.arms} <= set(r.arms["arm"])
    for c in r.comparisons.itertuples():
        high = r.per_world[f"{c.high}:{c.statistic}"].to_numpy()
        low = r.per_world[f"{c.low}:{c.statistic}"].to_numpy()
        assert c.difference == pytest.approx(float((high - low).mean()))
        assert c.holds == (c.ci_low > 0)
    parts = [bool(h) for h in r.comparisons["holds"]] + [bool(h) for h in r.checks["holds"]]
    assert r.holds == all(parts)
    assert set(r.null_effects["arm"]) == {a.label for a in exp.arms} - {"null"}
    for e in r.null_effects.itertuples():
        d = r.per_world[f"{e.arm}:{e.statistic}"] - r.per_world[f"null:{e.statistic}"]
        assert e.difference == pytest.approx(float(d.mean()))
    assert "Robustness (reported, not judged)" in r.notes
    assert set(ARENA_STATISTICS[name]) == set(exp.statistics)


def test_statistics_read_the_arena_tables() -> None:
    r = run_experiment("market-balance", worlds=4, years=6, seed=1)
    run = r.runs["null"]
    final = run.final().sort_values("world")
    assert r.per_world["null:largest_end"].tolist() == final["largest_share"].tolist()
    years = run.system[run.system["year"] > 0].groupby("world")["monopoly"].mean()
    assert r.per_world["null:dominated_years"].tolist() == years.tolist()


def test_an_arena_experiment_needs_a_null_arm() -> None:
    exp = Experiment(name="x", claim=0, title="t", claim_text="t",
                     arms=(Arm("a", "market"),), statistics={}, comparisons=())
    with pytest.raises(ValueError, match="null"):
        register_arena(exp, {})


def test_experiment_command_runs_an_arena_claim(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "exp"
    rc = main(["experiment", "parliament-balance", "--worlds", "4", "--years", "8",
               "--option", "parties=4", "--out", str(out), "--plot", str(tmp_path / "p.png")])
    assert rc == 0
    text = capsys.readouterr().out
    assert "Claim 14" in text and "verdict: the claim" in text
    assert (out / "balancing" / "system.parquet").is_file()
    assert json.loads((out / "experiment.json").read_text())["claim"] == 14
    assert (tmp_path / "p.png").stat().st_size > 1000
    assert main(["experiment", "market-balance", "--worlds", "3", "--option", "firms=1"]) == 2
    assert "firms" in capsys.readouterr().err


def test_variant_statistics_are_reported_for_both_arms_of_each_variant() -> None:
    """The market claim reports takeovers and blocks for each guideline edition."""
    exp = get("market-balance")
    first = exp.comparisons[0]
    r = run_experiment("market-balance", worlds=4, years=12, seed=3)
    for side in (first.low, first.high):
        for stat in ("takeovers", "blocked"):
            col = f"{side} [guidelines 1992]:{stat}"
            assert col in r.per_world
            assert ((r.per_world[col] >= 0) & (r.per_world[col] <= 1)).all()
    assert f"{first.low} [guidelines 2010]:blocked" in r.per_world


def test_market_bandwagoning_is_judged_under_one_antitrust_setting() -> None:
    """Each comparison of claim 13 that involves bandwagoners pairs them with status-quo
    rivals under the same antitrust option (bandwagoning isolated)."""
    from powerbalance.arenas import load

    exp = get("market-balance")
    for c in exp.comparisons:
        low, high = (load(exp.arm(x).scenario).params for x in (c.low, c.high))
        if 1 in high.strategies or 1 in low.strategies:  # BANDWAGONER
            assert low.antitrust == high.antitrust, c
    assert any(ch.statistic == "dominated_end" for ch in exp.checks)


def test_an_arena_claim_ablates_its_arena_mechanisms() -> None:
    """--ablate reruns the first comparison with each arena mechanism off; a switch that
    changes nothing (cabinet collapse off at 10 years with fall_rate already off) leaves the
    difference where it was, and the baseline is the claim's own first comparison."""
    from powerbalance.errors import InputError
    from powerbalance.experiments.claims import ARENA_MECHANISMS

    r = run_experiment("parliament-balance", worlds=6, years=12, seed=2, ablation=True,
                       options="fall_rate=0")
    ab = r.ablation
    assert ab is not None
    assert list(ab.table["mechanism"]) == [m[0] for m in ARENA_MECHANISMS["parliament"]]
    first = r.comparisons.iloc[0]
    assert ab.baseline["difference"] == pytest.approx(first.difference)
    row = ab.table.set_index("mechanism").loc["cabinet collapse"]
    assert row["move"] == pytest.approx(0.0) and not row["significant"]
    with pytest.raises(InputError, match="arena claim"):
        run_experiment("market-balance", worlds=4, robustness=2)
