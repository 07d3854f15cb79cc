"""Mechanisms of the constitution arena: each rule, switched or mutated, changes what a test sees.

States are built by hand (branches of known competences, support and dispositions) and
resolved once; stochastic rules are checked over seeded ensembles with binomial bounds. No
test pins the verdict of the constitution claim.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from powerbalance.arenas import load
from powerbalance.arenas.constitution import rules
from powerbalance.arenas.plots import arena_figure
from powerbalance.arenas.run import simulate
from powerbalance.errors import InputError
from powerbalance.model import law
from powerbalance.rng import world_keys

QUIET = "drift_sd=0,support_sd=0,inequality=0"


def params(extra: str = "", base: str = "constitution:chambers=1,court=on"
           ):  # type: ignore[no-untyped-def]
    return load(f"{base},{QUIET}" + (f",{extra}" if extra else "")).params


def state(p, competence: list[float], support: list[float] | None = None,  # type: ignore
          worlds: int = 1, norm: float = 0.5, disposition: float = 0.0
          ) -> rules.ConstitutionState:
    s = rules.init(p, world_keys(0, np.arange(worlds)))
    n = len(competence)
    sup = np.full(n, 0.5) if support is None else np.asarray(support, dtype=float)
    return dataclasses.replace(
        s, competence=np.tile(np.asarray(competence, dtype=float), (worlds, 1)),
        support=np.tile(sup, (worlds, 1)), norm=np.full((worlds, 1), norm),
        disposition=np.full((worlds, n), disposition))


def grab(p, s, g: int = 0, kind: int = rules.EMERGENCY):  # type: ignore[no-untyped-def]
    b = s.competence.shape[0]
    return rules.resolve(s.competence, s.support, s, p, np.full(b, g),
                         np.full(b, kind))


def test_branches_are_laid_out_by_the_options() -> None:
    p = load("constitution:chambers=2,court=on,federal_units=2").params
    assert p.kinds == (rules.EXECUTIVE, rules.CHAMBER, rules.CHAMBER, rules.COURT,
                       rules.FEDERAL, rules.FEDERAL)
    assert p.names[0] == "executive" and p.names[3] == "court" and p.court == 3
    roman = load("constitution:preset=mixed").params
    assert roman.names == ("consuls", "assemblies", "senate") and roman.court == -1
    assert load("constitution:chambers=1,court=off").params.n == 2


def test_balancers_check_bandwagoners_side_and_the_null_stands_aside() -> None:
    p = params("strategy=external-balancer+bandwagoner+status-quo")
    s = state(p, [1.0, 1.0, 1.0])
    checkers, wagon = rules.sides(s, p, np.array([1]), np.array([rules.EMERGENCY]))
    assert checkers[0].tolist() == [True, False, False]  # the executive checks chamber 1
    assert wagon[0].tolist() == [False, False, False]  # a branch does not side with itself
    checkers, wagon = rules.sides(s, p, np.array([0]), np.array([rules.EMERGENCY]))
    assert checkers[0].tolist() == [False, False, False]
    assert wagon[0].tolist() == [False, True, False]
    none = rules.sides(s, p, np.array([0]), np.array([rules.NO_GRAB]))
    assert not none[0].any() and not none[1].any()


def test_a_grab_is_blocked_when_the_checkers_outweigh_the_grabbers_side() -> None:
    p = params()
    # shares 0.4 / 0.3 / 0.3 at equal support: checkers 0.6 >= 0.4, blocked
    out = grab(p, state(p, [4.0, 3.0, 3.0]))
    assert out.blocked[0] and not out.impeached[0]
    # support counts: the checkers' weight 0.6 x 0.2 is below the grabber's 0.4 x 0.9
    out = grab(p, state(p, [4.0, 3.0, 3.0], support=[0.9, 0.2, 0.2]))
    assert not out.blocked[0]
    # the check ratio: checkers must weigh 2 x the grabber's side
    assert not grab(params("check_ratio=2"), state(p, [4.0, 3.0, 3.0])).blocked[0]
    # a grabber above half the competences cannot be checked at equal support
    assert not grab(p, state(p, [6.0, 2.0, 2.0])).blocked[0]


def test_a_checked_grabber_pays_the_checkers_by_weight() -> None:
    p = params("check_penalty=0.1,impeach_ratio=100")
    s = state(p, [4.0, 4.0, 2.0])
    out = grab(p, s)
    assert out.blocked[0] and not out.impeached[0]
    assert out.competence[0].tolist() == pytest.approx([3.6, 4.0 + 0.4 * 2 / 3,
                                                        2.0 + 0.4 / 3])
    assert out.competence.sum() == pytest.approx(s.competence.sum())


def test_impeachment_needs_a_chamber_the_executive_and_the_ratio() -> None:
    p = params("check_penalty=0.1,impeach_penalty=0.5,impeach_ratio=2")
    out = grab(p, state(p, [2.0, 4.0, 4.0]))  # 0.8 of checkers vs 0.2: ratio 4
    assert out.impeached[0] and out.competence[0, 0] == pytest.approx(1.0)
    assert not grab(params("impeach_ratio=5"), state(p, [2.0, 4.0, 4.0])).impeached[0]
    # a chamber's grab checked by the executive and the court is no impeachment
    assert not grab(p, state(p, [4.0, 2.0, 4.0]), g=1).impeached[0]
    # nor is the court's, checked by both chambers: only the executive is impeached
    two = params("check_penalty=0.1,impeach_penalty=0.5,impeach_ratio=2",
                 base="constitution:chambers=2,court=on")
    out = grab(two, state(two, [1.0, 4.0, 4.0, 1.0]), g=3)
    assert out.blocked[0] and not out.impeached[0]
    # without a checking chamber (it bandwagons) there is no impeachment either
    q = params("check_penalty=0.1,impeach_ratio=1.01,strategy=external-balancer+"
               "bandwagoner+external-balancer")
    out = grab(q, state(q, [1.0, 1.0, 8.0]))
    assert out.blocked[0] and not out.impeached[0]


def test_emergency_rule_takes_the_stake_of_every_other_branch() -> None:
    p = params("grab_stake=0.25,strategy=status-quo")
    s = state(p, [4.0, 2.0, 2.0])
    out = grab(p, s)
    assert not out.blocked[0]
    assert out.competence[0].tolist() == pytest.approx([5.0, 1.5, 1.5])
    assert out.packed[0] == 0


def test_court_packing_takes_the_courts_competences_and_aligns_it() -> None:
    p = params("grab_stake=0.25,pack_years=3,strategy=status-quo")
    out = grab(p, state(p, [4.0, 2.0, 2.0]), kind=rules.PACKING)
    assert out.competence[0].tolist() == pytest.approx([4.5, 2.0, 1.5])
    assert out.packed[0] == 3 and out.packer[0] == 0
    # the packed court sides with its packer and is absorbed: no veto player, no check
    bal = params("grab_stake=0.25,pack_years=3")
    packed = dataclasses.replace(out, competence=np.array([[4.0, 3.0, 3.0]]))
    checkers, wagon = rules.sides(packed, bal, np.array([0]), np.array([rules.EMERGENCY]))
    assert checkers[0].tolist() == [False, True, False] and wagon[0, 2]
    assert rules.aligned(packed, bal, np.array([1]))[0].tolist() == [False, False, False]
    # the packing lapses after pack_years
    s = packed
    for _year in range(3):
        s = grab(bal, s, kind=rules.NO_GRAB)
    assert s.packed[0] == 0 and s.packer[0] == -1


def test_the_rule_of_law_erodes_with_unpunished_grabs_as_the_law_layer() -> None:
    p = params("norm_growth=0.05,norm_erosion=0.2,strategy=status-quo")
    s = state(p, [4.0, 3.0, 3.0], worlds=3, norm=0.5)
    kinds = np.array([rules.EMERGENCY, rules.NO_GRAB, rules.EMERGENCY])
    out = rules.resolve(s.competence, s.support, s, p, np.zeros(3, dtype=np.int64), kinds)
    assert out.norm[:, 0].tolist() == pytest.approx([0.4, 0.525, 0.4])
    bal = params("norm_growth=0.05,norm_erosion=0.2")
    checked = rules.resolve(s.competence, s.support, s, bal, np.zeros(3, dtype=np.int64),
                            kinds)
    assert checked.blocked.tolist() == [True, False, True]
    assert checked.norm[:, 0].tolist() == pytest.approx([0.525] * 3)
    expected = law.update_norms(s.norm, np.array([0, 2]), np.zeros(2, dtype=np.int64),
                                np.array([False, False]), p.law)
    assert np.allclose(out.norm, expected)


def test_only_an_unbound_strongest_branch_attempts_at_the_grab_rate() -> None:
    worlds = 20_000
    p = params("grab_rate=0.3,pack_rate=0.25")
    keys = world_keys(5, np.arange(worlds))
    s = state(p, [1.0, 3.0, 1.0], worlds=worlds, norm=0.5)
    s = dataclasses.replace(s, disposition=np.tile([0.9, 0.2, 0.9], (worlds, 1)))
    share = s.competence / s.competence.sum(axis=1, keepdims=True)
    g, kind = rules.attempts(share, s, p, keys, 0)
    assert (g == 1).all()
    rate = (kind != rules.NO_GRAB).mean()
    assert abs(rate - 0.3) < 4 * np.sqrt(0.3 * 0.7 / worlds)
    packing = (kind == rules.PACKING).sum() / (kind != rules.NO_GRAB).sum()
    assert abs(packing - 0.25) < 4 * np.sqrt(0.25 * 0.75 / ((kind != 0).sum()))
    # a bound strongest branch (disposition >= 1 - norm) never grabs
    bound = dataclasses.replace(s, disposition=np.full((worlds, 3), 0.5))
    assert (rules.attempts(share, bound, p, keys, 0)[1] == rules.NO_GRAB).all()
    # a court that grabs cannot pack itself; an already packed court is not packed again
    court_first = rules.attempts(np.tile([0.2, 0.2, 0.6], (worlds, 1)), dataclasses.replace(
        s, disposition=np.tile([0.9, 0.9, 0.2], (worlds, 1))), p, keys, 0)
    assert (court_first[0] == 2).all() and not (court_first[1] == rules.PACKING).any()
    packed = dataclasses.replace(s, packed=np.full(worlds, 2))
    assert not (rules.attempts(share, packed, p, keys, 0)[1] == rules.PACKING).any()


def test_drift_is_mean_one_and_support_reverts_to_a_half() -> None:
    worlds = 20_000
    p = load("constitution:chambers=1,court=off,drift_sd=0.2,support_sd=0,"
             "support_persistence=0.5").params
    s = dataclasses.replace(rules.init(p, world_keys(0, np.arange(worlds))),
                            competence=np.ones((worlds, 2)),
                            support=np.tile([0.9, 0.1], (worlds, 1)))
    competence, support = rules.drift(s, p, world_keys(0, np.arange(worlds)), 0)
    assert abs(competence.mean() - 1.0) < 4 * 0.2 / np.sqrt(2 * worlds)
    assert np.log(competence).std() == pytest.approx(0.2, rel=0.05)
    assert np.allclose(support, [[0.7, 0.3]])


def test_veto_players_are_the_institutional_ones_above_the_threshold() -> None:
    """Tsebelis: the executive and the chambers with at least ``veto_share``; the court is
    not counted, and no branch is absorbed for its strategy (the arena has no parties)."""
    p = params("veto_share=0.2,strategy=external-balancer+bandwagoner+external-balancer")
    s = state(p, [5.0, 3.0, 2.0])
    share = s.competence / s.competence.sum()
    assert rules.veto_players(share, s, p).tolist() == [2]  # executive and chamber
    small = state(p, [5.0, 1.0, 4.0])
    assert rules.veto_players(small.competence / 10.0, small, p).tolist() == [1]
    all_bal = params("veto_share=0.2")
    assert rules.veto_players(share, s, all_bal).tolist() == [2]
    two = params("veto_share=0.2", base="constitution:chambers=2,court=on")
    s2 = state(two, [3.0, 2.5, 2.5, 2.0])
    assert rules.veto_players(s2.competence / 10.0, s2, two).tolist() == [3]  # US: three


def test_executive_constraint_runs_from_unlimited_to_parity() -> None:
    p = params()
    even = state(p, [1.0, 1.0, 1.0], norm=1.0)
    share = even.competence / 3.0
    assert rules.executive_constraint(share, even, p).tolist() == pytest.approx([7.0])
    assert rules.executive_constraint(share, dataclasses.replace(even, norm=np.array([[0.5]])),
                                      p).tolist() == pytest.approx([4.0])
    strong = state(p, [6.0, 1.0, 1.0], norm=1.0)
    assert rules.executive_constraint(strong.competence / 8.0, strong, p).tolist() == \
        pytest.approx([1.0 + 6.0 * 2 / 6])
    # the strategies do not enter by definition: bandwagoners still count as constraints
    wagon = params("strategy=external-balancer+bandwagoner+bandwagoner")
    assert rules.executive_constraint(share, even, wagon).tolist() == pytest.approx([7.0])
    # a court the executive has packed is no constraint (an institutional fact)
    packed = dataclasses.replace(strong, packed=np.array([5]), packer=np.array([0]))
    assert rules.executive_constraint(strong.competence / 8.0, packed, p).tolist() == \
        pytest.approx([1.0 + 6.0 * 1 / 6])


def test_a_run_reads_in_constitution_words_and_is_deterministic() -> None:
    spec = "constitution:preset=federal"
    whole = simulate(spec, worlds=13, years=15, seed=4)
    batched = simulate(spec, worlds=13, years=15, seed=4, batch_size=4)
    tail = simulate(spec, worlds=5, years=15, seed=4, first_world=8)
    pd.testing.assert_frame_equal(whole.system, batched.system)
    pd.testing.assert_frame_equal(whole.actors, batched.actors)
    part = whole.system[whole.system["world"] >= 8].reset_index(drop=True)
    pd.testing.assert_frame_equal(part, tail.system)
    assert not whole.system["largest_share"].equals(
        simulate(spec, worlds=13, years=15, seed=5).system["largest_share"])
    assert np.allclose(whole.actors.groupby(["world", "year"])["share"].sum(), 1.0)
    text = " ".join(f"{k} {v}" for k, v in whole.summary())
    for word in ("branch", "competence", "power grab", "rule of law", "veto players",
                 "impeachment", "court packing", "emergency rule"):
        assert word in text, word
    fig = arena_figure(whole)
    labels = " ".join([fig.get_suptitle()] + [a.get_title() + a.get_ylabel()
                                              for a in fig.axes])
    for word in ("branch", "competence", "power grab"):
        assert word in labels, word


@pytest.mark.parametrize("spec,field,allowed", [
    ("constitution:chambers=3", "chambers", "int from 1 to 2"),
    ("constitution:federal_units=5", "federal_units", "int from 0 to 4"),
    ("constitution:court=maybe", "court", "on, off"),
    ("constitution:labels=greek", "labels", "modern, roman"),
    ("constitution:grab_rate=1.5", "grab_rate", "float from 0.0 to 1.0"),
    ("constitution:strategy=buck-passer", "strategy", "external-balancer, bandwagoner"),
    ("constitution:chambers=1,court=off,strategy=status-quo+status-quo+status-quo",
     "strategy", "at most 2"),
    ("constitution:preset=monarchy", "preset", "presidential"),
])
def test_bad_specs_are_one_line_naming_the_field(spec: str, field: str, allowed: str) -> None:
    with pytest.raises(InputError) as err:
        load(spec)
    text = str(err.value)
    assert "\n" not in text and f"{field}:" in text and allowed in text


def test_the_founding_state_follows_the_weights_the_norm_and_the_dispositions() -> None:
    worlds = 20_000
    p = load("constitution:chambers=2,court=on,inequality=0,support_sd=0,norm_start=0.3,"
             "executive_weight=2,chamber_weight=0.5,court_weight=0.25,compliance_mean=0.6,"
             "compliance_spread=0.2").params
    s = rules.init(p, world_keys(1, np.arange(worlds)))
    assert np.allclose(s.competence, [[2.0, 0.5, 0.5, 0.25]])
    assert np.allclose(s.support, 0.5) and np.allclose(s.norm, 0.3)
    d = s.disposition
    assert d.min() >= 0.4 and d.max() <= 0.8
    assert abs(d.mean() - 0.6) < 4 * 0.4 / np.sqrt(12 * d.size)
    assert not s.blocked.any() and (s.grabber == -1).all() and (s.packed == 0).all()


@pytest.mark.parametrize("ratio", [1.0, 1.5, 3.0])
def test_the_share_threshold_is_check_ratio_over_one_plus_it(ratio: float) -> None:
    """With every other branch checking and equal support, a grab is blocked exactly when
    the grabber's share is at most ``1 / (1 + check_ratio)`` (the assumption the
    claim's 'share of power' rests on, docs/arenas.md)."""
    p = params(f"check_ratio={ratio}")
    limit = 1 / (1 + ratio)
    for x, blocked in ((limit - 0.01, True), (limit + 0.01, False)):
        rest = (1 - x) / 2
        s = state(p, [x, rest, rest])
        out = rules.resolve(s.competence, s.support, s, p, np.zeros(1, dtype=np.int64),
                            np.full(1, rules.EMERGENCY))
        assert bool(out.blocked[0]) is blocked, (ratio, x)
