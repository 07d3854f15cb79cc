"""The claims of docs/theory-checked.md as experiments: the machinery that runs and judges them.

No test pins a shipped claim's verdict (a claim that stops holding is a finding, reported
by ``powerbalance experiment``, not a test failure): the tests check that every experiment
runs, measures each arm and its null arm per world, compares arms by paired differences with
their bounds, and that the verdict follows from those rows alone; the verdict, the null
arms, the ablation's carrier and the robustness band are checked on synthetic claims built
to hold, to fail, to be carried by one mechanism or to depend on one parameter (statistics
whose values are known by construction).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.experiments.claims import (
    EXPERIMENTS,
    NULL_KEEPS,
    Arm,
    Check,
    Comparison,
    Experiment,
    ablate,
    all_arms,
    applicable_mechanisms,
    get,
    listing,
    null_arms,
    robust_parameters,
    robustness_band,
    run_experiment,
    side_switches,
    unified,
)
from powerbalance.experiments.mechanisms import MECHANISMS
from powerbalance.experiments.plausible import PLAUSIBLE
from powerbalance.experiments.stats import proportion_ci
from powerbalance.params import Params
from powerbalance.scenarios import load

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


def test_registry_covers_the_claims() -> None:
    claims = sorted({e.claim for e in EXPERIMENTS.values()})  # a claim may have several
    assert claims == list(range(1, 16))  # 11-12: law (issue 14); 13-15: arenas (issue 15)
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
    assert set(r.arms["arm"]) == set(all_arms(exp))
    assert set(r.arms["statistic"]) == set(exp.statistics)
    assert len(r.per_world) == 12
    for comp, c in zip(exp.comparisons, r.comparisons.itertuples(), strict=True):
        # an interaction subtracts its base arms; worlds where a share is undefined drop out
        high, low = comp.sides({(a, comp.statistic): r.per_world[f"{a}:{comp.statistic}"]
                                .to_numpy(dtype=float) for a in comp.arms()})
        both = np.isfinite(high) & np.isfinite(low)
        assert c.difference == pytest.approx(float((high - low)[both].mean()))
        assert c.ci_low <= c.difference <= c.ci_high
        assert c.holds == (c.ci_low > 0)
    parts = [bool(h) for h in r.comparisons.get("holds", [])]
    parts += [bool(h) for h in r.checks.get("holds", [])]
    assert r.holds == all(parts)
    for e in r.null_effects.itertuples():
        d = r.per_world[f"{e.arm}:{e.statistic}"] - r.per_world[f"{e.null}:{e.statistic}"]
        assert e.difference == pytest.approx(float(d.mean()))
    assert r.verdict() == ("holds" if r.holds else "does not hold")


def _by_parameter(name: str):  # type: ignore[no-untyped-def]
    """A statistic that reads a parameter of the arm's run (known by construction)."""
    def stat(result, scen):  # type: ignore[no-untyped-def]
        return np.full(result.system["world"].nunique(), float(result.manifest["params"][name]))
    return stat


def _product(marker: str, name: str, offset: float = 0.0, sign: float = 1.0):  # type: ignore[no-untyped-def]
    """marker x sign x (name - offset): the arm sets ``marker``, a mechanism or a
    robustness set moves ``name``; known by construction in every world."""
    def stat(result, scen):  # type: ignore[no-untyped-def]
        p = result.manifest["params"]
        value = float(p[marker]) * sign * (float(p[name]) - offset)
        return np.full(result.system["world"].nunique(), value)
    return stat


def _synthetic(stat, *, comparisons=None, checks=(), scenario="security-dilemma",  # type: ignore[no-untyped-def]
               mechanisms=()) -> Experiment:
    low = Arm("low", scenario, overrides={"hostility_decay": 0.1})
    high = dataclasses.replace(low, label="high", overrides={"hostility_decay": 0.5})
    return Experiment(name="synthetic", claim=0, title="t", claim_text="t", arms=(low, high),
                      statistics={"s": ("synthetic", stat)},
                      comparisons=comparisons or (Comparison("s", low="low", high="high"),),
                      checks=checks, worlds=3, mechanisms=mechanisms)


def test_a_claim_built_to_hold_holds_and_one_built_to_fail_fails() -> None:
    up = _synthetic(_by_parameter("hostility_decay"))
    down = dataclasses.replace(up, comparisons=(Comparison("s", low="high", high="low"),))
    r_up, r_down = run_experiment(up, years=2), run_experiment(down, years=2)
    assert r_up.holds and comparison(r_up, "s")["difference"] == pytest.approx(0.4)
    assert not r_down.holds and comparison(r_down, "s")["difference"] == pytest.approx(-0.4)
    assert not run_experiment(dataclasses.replace(up, checks=(Check("s", "high", "<=", 0.2),)),
                              years=2).holds
    assert run_experiment(dataclasses.replace(up, checks=(Check("s", "high", ">=", 0.2),)),
                          years=2).holds


def test_every_stated_part_is_required() -> None:
    """No optional parts: one failing comparison or check among passing ones defeats the
    claim (the dataclasses have no 'required' switch to turn a part off)."""
    assert "required" not in {f.name for f in dataclasses.fields(Check)}
    assert "required" not in {f.name for f in dataclasses.fields(Comparison)}
    mixed = _synthetic(_by_parameter("hostility_decay"),
                       comparisons=(Comparison("s", low="low", high="high"),
                                    Comparison("s", low="high", high="low")))
    r = run_experiment(mixed, years=2)
    assert list(r.comparisons["holds"]) == [True, False] and not r.holds
    checked = _synthetic(_by_parameter("hostility_decay"),
                         checks=(Check("s", "low", "<=", 0.2), Check("s", "high", "<=", 0.2)))
    r = run_experiment(checked, years=2)
    assert list(r.checks["holds"]) == [True, False] and not r.holds


def test_no_shipped_experiment_has_an_optional_part() -> None:
    for exp in EXPERIMENTS.values():
        for part in (*exp.comparisons, *exp.checks):
            assert not hasattr(part, "required")


def test_the_null_arm_switches_off_every_alignment_strategy() -> None:
    exp = get("waltz-balance")
    extra, of = null_arms(exp)
    assert [a.label for a in extra] == ["null"] and set(of.values()) == {"null"}
    null = extra[0].build()
    base = load("napoleon-1805")
    for spec, orig in zip(null.actors, base.actors, strict=True):
        expected = orig.strategy if orig.strategy in NULL_KEEPS else "status-quo"
        assert spec.strategy == expected
    assert {a.strategy for a in null.actors} == {"hegemon-seeker", "status-quo"}
    # an arm with nothing to switch off is its own null; separate worlds get separate nulls
    extra, of = null_arms(get("security-dilemma"))
    assert extra == () and of == {"restraint": "restraint", "arming": "restraint"}
    extra, of = null_arms(get("exceptions"))
    assert of == {"balanced": "null:balanced", "exception": "null:exception"}
    assert extra[1].overrides == get("exceptions").arm("exception").overrides


def test_null_effects_are_the_paired_differences_against_the_null() -> None:
    strat = Arm("jackals", "napoleon-1805", strategies={"Britain": "jackal"})
    exp = Experiment(name="n", claim=0, title="t", claim_text="t", arms=(strat,),
                     statistics={"alive": ("Britain alive", _alive("Britain"))},
                     comparisons=(), worlds=6)
    r = run_experiment(exp, years=15, seed=4)
    assert r.nulls == {"jackals": "null"}
    row = r.null_effects.iloc[0]
    d = r.per_world["jackals:alive"].to_numpy() - r.per_world["null:alive"].to_numpy()
    assert row["difference"] == pytest.approx(float(d.mean()))
    assert row["ci_low"] <= row["difference"] <= row["ci_high"]


def test_side_switches_count_partners_allied_then_fought_or_fought_then_allied() -> None:
    """Tables built by hand: world 0 allies with 1 then fights it (a switch), only allies
    with 2 and only fights 3; world 1 fights 1 as an ally of 2's target, then allies with
    it (a switch); world 2 does neither."""
    from types import SimpleNamespace

    import pandas as pd

    alliances = pd.DataFrame({"world": [0, 0, 1], "year": [2, 2, 3], "actor": [0, 0, 0],
                              "ally": [1, 2, 1]})
    events = pd.DataFrame({
        "world": [0, 0, 1, 1], "year": [5, 6, 1, 1],
        "kind": ["war_won", "war_lost", "war_won", "war_joined"],
        "actor": [1, 0, 1, 0], "other": [0, 3, 2, 2]})
    system = pd.DataFrame({"world": [0, 1, 2], "year": [0, 0, 0]})
    result = SimpleNamespace(alliances=alliances, events=events, system=system)
    scen = SimpleNamespace(names=("Britain", "A", "B", "C"))
    counts = side_switches("Britain")(result, scen)  # type: ignore[arg-type]
    assert counts.tolist() == [1.0, 1.0, 0.0]


def _alive(actor: str):  # type: ignore[no-untyped-def]
    from powerbalance.experiments.claims import survives
    return survives(actor)


def test_ablation_names_the_mechanism_built_to_carry_the_result() -> None:
    """s = hostility_decay x (1 - late_entry_odds): the arms differ by hostility_decay, and
    only switching late entry off (late_entry_odds = 1) takes the difference to zero."""
    exp = _synthetic(_product("hostility_decay", "late_entry_odds", offset=1.0, sign=-1.0),
                     mechanisms=("guns-vs-butter", "late-entry", "misperception"))
    ab = ablate(exp, worlds=3, years=2)
    rows = ab.table.set_index("mechanism")
    assert ab.baseline["difference"] == pytest.approx(0.4 * 0.45)
    assert rows.loc["late-entry", "difference"] == pytest.approx(0.0)
    assert rows.loc["late-entry", "move"] == pytest.approx(-0.18)
    assert rows.loc["guns-vs-butter", "move"] == pytest.approx(0.0)
    assert not rows.loc["misperception", "towards_null"]
    assert ab.carrier == "late-entry" and "late-entry" in ab.summary()
    # with no mechanism that matters among those ablated, none is named
    none = ablate(dataclasses.replace(exp, mechanisms=("guns-vs-butter", "misperception")),
                  worlds=3, years=2)
    assert none.carrier is None and "no single mechanism" in none.summary()


def test_ablation_reuses_the_first_worlds_of_a_baseline_run() -> None:
    exp = _synthetic(_product("hostility_decay", "late_entry_odds", offset=1.0, sign=-1.0),
                     mechanisms=("late-entry",))
    r = run_experiment(exp, worlds=4, years=2, ablation=True, probe_worlds=3)
    assert r.ablation is not None and r.ablation.worlds == 3
    assert r.ablation.carrier == "late-entry"


def test_a_mechanism_that_is_the_treatment_is_not_ablated() -> None:
    names = {m.name for m in applicable_mechanisms(get("stopping-power-of-water"))}
    assert "water" not in names and "amphibious-penalty" in names
    names = {m.name for m in applicable_mechanisms(get("exceptions"))}
    assert "extraction-decay" not in names


def test_every_mechanism_and_plausible_range_is_a_valid_parameter_setting() -> None:
    by_name = {f.name: f for f in Params.fields()}
    for m in MECHANISMS.values():
        Params().with_overrides(m.overrides, source=m.name)  # raises on a bad switch
        assert m.doc
    for exp in EXPERIMENTS.values():
        for name in exp.mechanisms:
            assert name in MECHANISMS
    for r in PLAUSIBLE.values():
        f = by_name[r.name]
        assert r.lo < r.hi and r.reason
        assert f.metadata["lo"] <= r.lo and r.hi <= f.metadata["hi"]
        assert r.lo <= f.default <= r.hi, r.name


def test_robustness_counts_the_sets_where_a_claim_built_to_depend_on_one_parameter_holds(
        ) -> None:
    """s = hostility_decay x (attack_odds - 0.6): the claim holds exactly where attack_odds
    > 0.6, 60% of its plausible range [0.5, 0.75]; a Latin hypercube of 10 sets puts one
    set in each tenth of the range, so exactly 6 of 10 hold."""
    exp = _synthetic(_product("hostility_decay", "attack_odds", offset=0.6))
    rb = robustness_band(exp, 10, worlds=2, years=1, seed=5)
    assert rb.n == 10 and rb.holds == 6
    assert (rb.points["holds"] == (rb.points["attack_odds"] > 0.6)).all()
    _, lo, hi = proportion_ci(6, 10, 0.95)
    assert (rb.ci_low, rb.ci_high) == (lo, hi)
    assert rb.most_sensitive(1) == ["attack_odds"]
    assert rb.sensitivity.iloc[0]["rho"] == pytest.approx(1.0)
    assert "holds in 6 of 10" in rb.band()
    again = robustness_band(exp, 10, worlds=2, years=1, seed=5)
    assert again.points.equals(rb.points)
    assert set(robust_parameters(get("warring-states"))).isdisjoint(
        load("warring-states-vertical-alliance").params)


def test_robustness_draws_from_a_registered_posterior(monkeypatch: pytest.MonkeyPatch
                                                      ) -> None:
    from powerbalance.experiments import plausible

    def sampler(n: int, seed: int) -> list[dict[str, float]]:
        return [{"attack_odds": 0.7}] * (n - 1) + [{"attack_odds": 0.55}]

    monkeypatch.setitem(plausible.POSTERIORS, "security-dilemma", sampler)
    rb = robustness_band(_synthetic(_product("hostility_decay", "attack_odds", offset=0.6)),
                         4, worlds=2, years=1)
    assert rb.source == "calibrated posterior" and rb.holds == 3


def test_the_expedients_tournament_judges_by_its_own_rows() -> None:
    """Machinery of claim 10's runner: the advantage is the balancers' mean final share minus
    the expedients' in each world, compared across the arms by paired difference."""
    r = run_experiment("expedients-seen-through", worlds=4, years=8, seed=1)
    pw = r.per_world
    for arm in ("reputation", "no-reputation"):
        expected = pw[f"{arm}:external-balancer"] - (pw[f"{arm}:bandwagoner"]
                                                     + pw[f"{arm}:buck-passer"]) / 2
        np.testing.assert_allclose(pw[f"{arm}:advantage"], expected)
    c = comparison(r, "advantage")
    d = pw["reputation:advantage"] - pw["no-reputation:advantage"]
    assert c["difference"] == pytest.approx(float(d.mean()))
    assert r.holds == (bool(c["holds"]) and bool(r.checks["holds"].all()))
    assert set(r.null_effects["null"]) == {"status-quo"}


def test_polarity_from_fixture_data() -> None:
    """The scenario builder reproduces the fixture's measures at year 0 (data machinery)."""
    r = run_experiment("polarity-from-data", worlds=4, years=10, seed=0,
                       options=f"1816,data={FIXTURES}")
    con = r.checks.iloc[1]
    assert con["value"] == pytest.approx(con["bound"], abs=1e-6)
    assert r.checks.iloc[0]["value"] == r.checks.iloc[0]["bound"]


@pytest.mark.realdata
@pytest.mark.skipif(not (DATA / "NMC-60-abridged.csv").is_file(),
                    reason="licensed COW data not found in ../shared/data beside the checkout "
                           "(it is never committed)")
def test_polarity_from_real_data_1914() -> None:
    r = run_experiment("polarity-from-data", worlds=4, years=10, seed=0,
                       options=f"1914,data={DATA}")
    con = r.checks.iloc[1]
    assert con["value"] == pytest.approx(con["bound"], abs=1e-6)
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
    with pytest.raises(InputError, match="robustness"):
        run_experiment("security-dilemma", worlds=4, robustness=-1)
    with pytest.raises(InputError, match="compares no arms"):
        run_experiment("polarity-from-data", worlds=4, ablation=True)


def _level_stat(marker: str, name: str, level: str):  # type: ignore[no-untyped-def]
    """In a world where someone balances: marker x (1 - ``name``) + ``level``; in the null
    (nobody but the seeker acts): ``level`` / 2. Known by construction in every world."""
    def stat(result, scen):  # type: ignore[no-untyped-def]
        p = result.manifest["params"]
        active = any(a.strategy not in NULL_KEEPS for a in scen.actors)
        value = (float(p[marker]) * (1.0 - float(p[name])) + float(p[level]) if active
                 else float(p[level]) / 2)
        return np.full(result.system["world"].nunique(), value)
    return stat


def test_ablation_sees_a_level_shift_that_leaves_the_difference_where_it_was() -> None:
    """guns_butter raises both arms' levels alike (and the null's by half): switching it off
    leaves the difference high - low where it was, yet moves every level and each arm's
    effect against its null; late entry moves the difference (and the levels)."""
    exp = _synthetic(_level_stat("hostility_decay", "late_entry_odds", "guns_butter"),
                     scenario="napoleon-1805",
                     mechanisms=("guns-vs-butter", "late-entry", "misperception"))
    p = Params()
    late, gb = 1.0 - p.late_entry_odds, p.guns_butter
    assert late > 0 and gb > 0
    ab = ablate(exp, worlds=3, years=2)
    lv = ab.levels.set_index(["mechanism", "arm"])
    assert set(ab.levels["arm"]) == {"low", "high", "null:low", "null:high"}
    assert lv.loc[("none", "high"), "level"] == pytest.approx(0.5 * late + gb)
    assert lv.loc[("none", "null:high"), "level"] == pytest.approx(gb / 2)
    assert lv.loc[("none", "low"), "null"] == "null:low"
    # switching guns-vs-butter off: the difference stays, every level moves
    rows = ab.table.set_index("mechanism")
    assert rows.loc["guns-vs-butter", "move"] == pytest.approx(0.0)
    assert lv.loc[("guns-vs-butter", "low"), "level_move"] == pytest.approx(-gb)
    assert lv.loc[("guns-vs-butter", "null:low"), "level_move"] == pytest.approx(-gb / 2)
    assert lv.loc[("guns-vs-butter", "low"), "effect"] == pytest.approx(0.1 * late)
    assert lv.loc[("guns-vs-butter", "low"), "effect_move"] == pytest.approx(-gb / 2)
    assert lv.loc[("late-entry", "high"), "level_move"] == pytest.approx(-0.5 * late)
    assert lv.loc[("misperception", "high"), "level_move"] == pytest.approx(0.0)
    assert np.isnan(lv.loc[("guns-vs-butter", "null:low"), "effect"])
    # the reviewer's case: no mechanism among these carries the difference, one the levels
    shift = ablate(dataclasses.replace(exp, mechanisms=("guns-vs-butter", "misperception")),
                   worlds=3, years=2)
    assert shift.carrier is None and shift.level_carrier == "guns-vs-butter"
    assert shift.null_carrier == "guns-vs-butter"
    text = shift.summary()
    assert "no single mechanism" in text and "moved most by guns-vs-butter" in text
    assert "against the null, carried by guns-vs-butter" in text
    # a mechanism that moves nothing is never named
    none = ablate(dataclasses.replace(exp, mechanisms=("misperception",)), worlds=3, years=2)
    assert none.level_carrier is None and none.null_carrier is None
    assert "no ablation moves any arm's level" in none.summary()


def test_the_ablated_levels_reuse_the_baseline_run_and_match_a_fresh_ablation() -> None:
    exp = _synthetic(_level_stat("hostility_decay", "late_entry_odds", "guns_butter"),
                     scenario="napoleon-1805", mechanisms=("guns-vs-butter",))
    r = run_experiment(exp, worlds=4, years=2, ablation=True, probe_worlds=3)
    fresh = ablate(exp, worlds=3, years=2)
    assert r.ablation is not None
    cols = ["mechanism", "arm", "null", "level", "level_move", "effect", "effect_move"]
    assert r.ablation.levels[cols].equals(fresh.levels[cols])
