"""Machinery of the law experiments (claims 11 and 12) and the law's run metrics; no verdict
is pinned."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from powerbalance.experiments.claims import (
    Comparison,
    Experiment,
    _judge,
    _settlement_kept,
    _settlement_years,
    all_arms,
    get,
    law_punished_share,
    law_unpunishable,
    law_unpunished,
    law_violations,
    robust_parameters,
    start_share,
)
from powerbalance.experiments.results import run
from powerbalance.experiments.summary import law_summary
from powerbalance.params import Params
from powerbalance.scenarios import load


@pytest.fixture(scope="module")
def lawful():  # type: ignore[no-untyped-def]
    return run("napoleon-1805", years=40, worlds=6, seed=2, overrides={"law": True},
               record="system")


def test_norm_strength_is_in_the_system_table_only_with_law_on(lawful) -> None:  # type: ignore[no-untyped-def]
    assert {"norm_territory", "norm_treaty"} <= set(lawful.system.columns)
    norms = lawful.system[["norm_territory", "norm_treaty"]].to_numpy()
    assert ((norms >= 0) & (norms <= 1)).all()
    assert (lawful.system[lawful.system["year"] == 0]["norm_territory"] == 0.5).all()
    off = run("napoleon-1805", years=5, worlds=2, seed=2, record="system")
    assert not any(c.startswith("norm_") for c in off.system.columns)
    with pytest.raises(ValueError, match="law off"):
        law_summary(off.system, off.events)


def test_law_summary_counts_the_runs_violations_and_punishments(lawful) -> None:  # type: ignore[no-untyped-def]
    summary = law_summary(lawful.system, lawful.events)
    ev = lawful.events
    judged = ev[ev["kind"].astype(str).isin(["aggression", "treaty_broken"])]
    assert summary["violations"].sum() == len(judged)
    # every demand and abandonment is judged once
    assert len(judged) == ev["kind"].astype(str).isin(["demand", "abandoned"]).sum()
    for row in summary.itertuples():
        mine = judged[judged["world"] == row.world]
        assert row.violations_per_decade == pytest.approx(10 * len(mine) / 40)
        if len(mine):
            assert row.punished_share == pytest.approx(float((mine["value"] > 0).mean()))
        assert 0 <= row.law_lifetime <= 40
        if not row.law_died:
            assert row.law_lifetime == 40
    per_decade = law_violations(lawful, lawful.scenario)
    assert per_decade.tolist() == pytest.approx(summary["violations_per_decade"].tolist())
    unpunished = law_unpunished(lawful, lawful.scenario)
    assert (unpunished <= per_decade + 1e-12).all()
    assert (law_unpunishable(lawful, lawful.scenario) <= unpunished + 1e-12).all()


def test_the_dose_moves_the_largest_share_and_the_null_has_no_law() -> None:
    exp = get("law-needs-balance")
    doses = [a for a in exp.arms if a.label.startswith("france-")]
    shares = []
    for arm in (doses[0], doses[-1]):
        r = run(arm.build(), years=1, worlds=2, seed=0, overrides=arm.overrides,
                record="system")
        shares.append(start_share(r, arm.build())[0])
    assert shares[0] < 0.25 < 0.6 < shares[1]
    for dose in (doses[0], doses[-1]):
        null = exp.arm(dose.label.replace("france-", "no-law-"))
        assert not null.overrides.get("law", False) and dose.overrides["law"] is True
        assert null.changes == dose.changes
    assert set(all_arms(exp)) == {a.label for a in exp.arms}   # no strategy null: law is it


def test_law_parameters_are_varied_only_where_an_arm_turns_law_on() -> None:
    law_params = {"sanction_penalty", "norm_erosion", "contend_ratio"}
    assert law_params <= set(robust_parameters(get("law-needs-balance")))
    assert not law_params & set(robust_parameters(get("waltz-balance")))
    # the concert turns law on in its scenario; norm_start is set there (calibrated)
    concert = set(robust_parameters(get("concert-of-europe")))
    assert "sanction_penalty" in concert and "norm_start" not in concert


def test_the_concert_variant_differs_from_pure_balancing_only_by_the_concert() -> None:
    balance, concert = load("vienna-1815-balance"), load("vienna-1815-concert")
    # both arms under the law, with the same norms at the start
    assert balance.params["law"] is True and concert.params["law"] is True
    named = {"law_free_riding", "concert_consult"}  # the second at its default, named
    assert {k: v for k, v in concert.params.items() if k not in named} == balance.params
    assert concert.params["law_free_riding"] is False
    assert concert.params["concert_consult"] is Params().concert_consult
    assert balance.params.get("law_free_riding", True) is True
    allies = {"Britain", "Austria", "Prussia", "Russia"}
    for a, b in zip(balance.actors, concert.actors, strict=True):
        if a.name in allies:
            assert a.compliance is None and b.compliance == 1.0   # the concert
            assert not a.concert and b.concert
            a = dataclasses.replace(a, compliance=None)
            b = dataclasses.replace(b, compliance=None, concert=False)
        assert a == b
    assert balance.alliances == concert.alliances
    # dispositions outside the concert are drawn the same way in both arms
    from powerbalance.model.law import initialise
    states = []
    for scen in (balance, concert):
        p = scen.make_params()
        states.append(initialise(scen.initial_state(p, scen.setting(p), 0, np.arange(5)), p))
    outside = [k for k, a in enumerate(balance.actors) if a.name not in allies]
    assert (states[0].compliance[:, outside] == states[1].compliance[:, outside]).all()
    assert (states[0].norms == states[1].norms).all()


def test_the_concerts_comparison_and_null_arms_differ_from_it_only_by_its_rules() -> None:
    exp = get("concert-of-europe")
    concert, c1, off = (exp.arm(k).build() for k in ("concert", "balance-c1", "concert-off"))
    pc = concert.make_params()
    p1 = c1.make_params(exp.arm("balance-c1").overrides)
    rules = {"concert_consult", "concert_policing", "concert_intervention", "concert_armed"}
    same = [f.name for f in Params.fields() if f.name not in rules]
    assert all(getattr(pc, k) == getattr(p1, k) for k in same)
    po = off.make_params()
    assert not any(getattr(po, k) for k in rules) and all(getattr(pc, k) for k in rules)
    for a, b in zip(concert.actors, c1.actors, strict=True):
        assert a == dataclasses.replace(b, concert=a.concert)
    assert [a.concert for a in off.actors] == [a.concert for a in concert.actors]
    # the five-power pair: France a member with its compliance drawn, the same France
    c5, b5 = exp.arm("concert5").build(), exp.arm("balance5").build()
    france5, franceb = (next(a for a in s.actors if a.name == "France") for s in (c5, b5))
    assert france5.concert and france5.compliance is None and franceb.compliance is None


def test_settlement_kept_is_one_without_transfers_and_falls_with_them() -> None:
    scen = load("vienna-1815-balance")
    r = run(scen, years=30, worlds=6, seed=1, record="system")
    kept = _settlement_kept(r, scen)
    moved = r.events[r.events["kind"].astype(str).isin(["conquest", "concession"])]
    for w, value in zip(sorted(r.system["world"].unique()), kept, strict=True):
        assert (value < 1.0) == (w in set(moved["world"]))
    assert ((kept >= 0) & (kept <= 1)).all()
    quiet = run("vienna-1815", years=10, worlds=2, seed=1, record="system")  # all status quo
    assert not quiet.events["kind"].astype(str).isin(["conquest", "concession"]).any()
    assert np.all(_settlement_kept(quiet, load("vienna-1815")) == 1.0)


def test_settlement_years_is_the_first_year_a_tenth_of_the_map_changed_hands() -> None:
    scen = load("vienna-1815-balance")
    r = run(scen, years=40, worlds=6, seed=1, record="system")
    years = _settlement_years(r, scen)
    act = r.actors
    start = act[act["year"] == 0].set_index(["world", "actor"])["territory"]
    for w, got in zip(sorted(r.system["world"].unique()), years, strict=True):
        for y in range(int(act["year"].max()) + 1):
            now = act[(act["world"] == w) & (act["year"] == y)].set_index(["world", "actor"])
            kept = np.minimum(now["territory"], start.loc[now.index]).sum() / scen.province_map.n
            if kept < 0.9:
                assert got == y
                break
        else:
            assert got == act["year"].max() + 1   # censored: never broken
    assert ((years >= 0) & (years <= act["year"].max() + 1)).all()


def test_the_system_table_counts_each_years_violations_and_sanctions(lawful) -> None:  # type: ignore[no-untyped-def]
    ev = lawful.events
    kinds = ev["kind"].astype(str)
    sys = lawful.system.set_index(["world", "year"])
    for column, names in (("violations", ["aggression", "treaty_broken"]),
                          ("sanctions", ["sanction"])):
        counted = ev[kinds.isin(names)].groupby(["world", "year"]).size()
        got = sys[column]
        assert got.sum() == counted.sum() and got.sum() > 0, column
        assert (got.reindex(counted.index) == counted).all(), column
    off = run("napoleon-1805", years=5, worlds=2, seed=2, record="system")
    assert "violations" not in off.system and "sanctions" not in off.system


def test_the_punished_share_leaves_out_worlds_without_violations(lawful) -> None:  # type: ignore[no-untyped-def]
    share = law_punished_share(lawful, lawful.scenario)
    summary = law_summary(lawful.system, lawful.events)
    assert np.array_equal(np.isnan(share), summary["violations"].to_numpy() == 0)
    assert np.allclose(share, summary["punished_share"], equal_nan=True)


def test_an_interaction_is_judged_on_the_difference_of_paired_differences() -> None:
    comp = Comparison("x", low="b1", low_base="a1", high="b0", high_base="a0")
    exp = Experiment(name="t", claim=0, title="t", claim_text="t", arms=(), statistics={},
                     comparisons=(comp, Comparison("share", low="a1", high="a0")))
    rng = np.random.default_rng(0)
    a0, a1 = rng.normal(size=50), rng.normal(size=50)
    values = {("a0", "x"): a0, ("b0", "x"): a0 + 2.0, ("a1", "x"): a1, ("b1", "x"): a1 + 0.5,
              ("a0", "share"): np.array([0.5, np.nan, 0.75]),
              ("a1", "share"): np.array([0.25, 0.0, np.nan])}
    comps, _, holds = _judge(exp, values, 0.95)
    assert comps["difference"].iloc[0] == pytest.approx(1.5)
    assert comps["ci_low"].iloc[0] == pytest.approx(1.5)    # no spread in the differences
    assert comps["high"].iloc[0] == "b0 - a0" and comps["low"].iloc[0] == "b1 - a1"
    # worlds where a share is undefined are left out of the pairs: only world 0 remains
    assert comps["difference"].iloc[1] == pytest.approx(0.25)
    assert holds
    values[("b0", "x")] = a0 + 0.5
    assert not _judge(exp, values, 0.95)[2]


def test_claim_11_reads_its_null_arms_at_both_ends_of_the_dose() -> None:
    exp = get("law-needs-balance")
    used = {a for c in exp.comparisons for a in c.arms()}
    assert {"france-10", "france-70", "no-law-10", "no-law-70"} <= used
    assert "norm_low" in exp.statistics
    assert "norm_low" not in {c.statistic for c in exp.comparisons}
