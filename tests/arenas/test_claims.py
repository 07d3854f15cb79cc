"""The arena claims (13, 14 and 15) as experiments: machinery only, no verdict is pinned."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pytest

from powerbalance.cli import main
from powerbalance.experiments.claims import (
    ARENA_STATISTICS,
    Arm,
    Check,
    Comparison,
    Experiment,
    _arena_runner,
    arena_final,
    arena_robust_options,
    get,
    register_arena,
    robustness_band,
    run_experiment,
)
from powerbalance.experiments.plausible import ARENA_PLAUSIBLE
from powerbalance.experiments.stats import proportion_ci


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
    with pytest.raises(InputError, match="robustness"):
        run_experiment("market-balance", worlds=4, robustness=-1)


# ---------------------------------------------------------------------------
# Robustness bands of arena claims: synthetic claims, known by construction
# ---------------------------------------------------------------------------

def _growth_sd_over(threshold: float):  # type: ignore[no-untyped-def]
    """growth_sd - threshold for an arm with 3 firm slots, else 0: read from the options
    the run itself was built with, in every world."""
    def stat(result):  # type: ignore[no-untyped-def]
        opts = result.spec.options
        value = opts["growth_sd"] - threshold if opts["firms"] == 3 else 0.0
        return np.full(result.system["world"].nunique(), value)
    return stat


def _synthetic_arena(monkeypatch: pytest.MonkeyPatch, statistic, *,  # type: ignore[no-untyped-def]
                     high: str, low: str, checks: tuple[Check, ...] = (),
                     extra_arms: tuple[Arm, ...] = ()) -> Experiment:
    """A synthetic arena claim (not registered): high > low on ``s``."""
    exp = Experiment(name="synthetic-arena", claim=0, title="t", claim_text="t",
                     arms=(Arm("high", high), Arm("null", low), *extra_arms),
                     statistics={"s": ("synthetic", None)},
                     comparisons=(Comparison("s", low="null", high="high"),), checks=checks,
                     worlds=3, years=3, runner=_arena_runner, null=False)
    monkeypatch.setitem(ARENA_STATISTICS, exp.name, {"s": statistic})
    return exp


def test_an_arena_band_counts_the_sets_where_a_claim_built_to_depend_on_one_option_holds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """s = growth_sd - 0.2 on the 3-firm arm: the claim holds exactly where growth_sd > 0.2,
    half of its plausible range [0.1, 0.3]; a Latin hypercube of 10 sets puts one in each
    tenth, so exactly 5 of 10 hold. The 'fixed' arm sets growth_sd itself: its own value
    wins over every set (its check would fail in most sets otherwise)."""
    fixed = Arm("fixed", "market:firms=3,growth_sd=0.25")
    exp = _synthetic_arena(monkeypatch, _growth_sd_over(0.2), high="market:firms=3",
                           low="market:firms=2", extra_arms=(fixed,),
                           checks=(Check("s", "fixed", ">=", 0.04),
                                   Check("s", "fixed", "<=", 0.06)))
    rb = robustness_band(exp, 10, worlds=2, years=1, seed=5)
    assert rb.n == 10 and rb.holds == 5
    assert (rb.points["holds"] == (rb.points["growth_sd"] > 0.2)).all()
    assert rb.points["difference"].to_numpy() == pytest.approx(
        rb.points["growth_sd"].to_numpy() - 0.2)
    _, lo, hi = proportion_ci(5, 10, 0.95)
    assert (rb.ci_low, rb.ci_high) == (lo, hi)
    assert "holds in 5 of 10" in rb.band()
    assert rb.most_sensitive(1) == ["growth_sd"]
    assert rb.sensitivity.iloc[0]["rho"] == pytest.approx(1.0)
    assert "market options" in rb.source
    ranges = ARENA_PLAUSIBLE["market"]
    for name in ranges:  # every varied option stays inside its plausible range
        assert rb.points[name].between(ranges[name].lo, ranges[name].hi).all()
    # --option holds an option at the user's value (every arm's, as --option does): not
    # varied, and without the fixed arm's checks every set holds
    held = robustness_band(dataclasses.replace(exp, checks=()), 4, worlds=2, years=1, seed=5,
                           options="growth_sd=0.3")
    assert "growth_sd" not in held.points and held.holds == 4


def test_an_arena_claim_built_to_hold_holds_in_every_set_and_one_built_to_fail_in_none(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two firm slots against sixteen: the HHI at the end is far higher with two whatever
    the other options; reversed, the claim fails in every set. The options reach the
    arena's dynamics: on the same worlds, each set gives another difference."""
    hhi = arena_final("hhi")
    up = _synthetic_arena(monkeypatch, hhi, high="market:firms=2", low="market:firms=16")
    rb = robustness_band(up, 4, worlds=3, years=3, seed=1)
    assert rb.holds == 4 and "holds in 4 of 4" in rb.band()
    assert rb.points["difference"].nunique() == 4  # a set changes the result
    down = _synthetic_arena(monkeypatch, hhi, high="market:firms=16", low="market:firms=2")
    assert robustness_band(down, 4, worlds=3, years=3, seed=1).holds == 0


def test_an_arena_band_is_determined_by_its_seed(monkeypatch: pytest.MonkeyPatch) -> None:
    exp = _synthetic_arena(monkeypatch, arena_final("largest_share"), high="market:firms=3",
                           low="market:firms=8")
    a = robustness_band(exp, 3, worlds=3, years=4, seed=7)
    b = robustness_band(exp, 3, worlds=3, years=4, seed=7)
    c = robustness_band(exp, 3, worlds=3, years=4, seed=8)
    assert a.points.equals(b.points) and a.band() == b.band()
    assert not a.points["growth_sd"].equals(c.points["growth_sd"])


def test_arena_plausible_ranges_lie_inside_each_option_and_contain_its_default() -> None:
    from powerbalance.arenas import get as get_arena

    for arena_name, ranges in ARENA_PLAUSIBLE.items():
        options = get_arena(arena_name).options
        for name, r in ranges.items():
            opt = options[name]
            assert r.name == name and r.lo < r.hi and r.reason, (arena_name, name)
            assert opt.lo is not None and opt.hi is not None and not opt.choices
            assert opt.lo <= r.lo and r.hi <= opt.hi, (arena_name, name)
            assert not isinstance(opt.default, str)
            assert r.lo <= opt.default <= r.hi, (arena_name, name)
            if isinstance(opt.default, int):
                assert float(r.lo).is_integer() and float(r.hi).is_integer()
    for name in ("market-balance", "parliament-balance", "constitution-balance"):
        exp = get(name)
        varied = {r.name for r in arena_robust_options(exp)}
        assert varied  # every arena claim has something to vary
        from powerbalance.arenas import set_options
        every_arm = set.intersection(*(set_options(a.scenario) for a in exp.arms))
        assert varied.isdisjoint(every_arm)


def test_an_arena_band_runs_from_the_command_line_and_refuses_a_posterior(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from powerbalance.errors import InputError
    from powerbalance.experiments import plausible

    rc = main(["experiment", "parliament-balance", "--worlds", "3", "--years", "6",
               "--robustness", "3", "--probe-worlds", "2"])
    assert rc == 0
    text = capsys.readouterr().out
    assert "robustness: the claim holds in" in text and "of 3" in text
    assert "parliament options" in text
    exp = get("parliament-balance")

    def sampler(n: int, seed: int) -> list[dict[str, float]]:
        return [{"attack_odds": 0.6}] * n

    for arm in exp.arms:  # one calibration for every arm, as --posterior registers it
        monkeypatch.setitem(plausible.POSTERIORS, arm.scenario, sampler)
    with pytest.raises(InputError, match="arena claim"):
        robustness_band(exp, 2, worlds=2, years=2)
