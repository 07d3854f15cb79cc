"""The secondary statistic of claim 2: the capability share of an actor plus the
bandwagoners allied with it at the end (the bloc that shares its spoils, Schweller 1994),
checked against the run's own tables on a small world."""

from __future__ import annotations

import dataclasses

import pytest

from powerbalance.experiments.claims import EXPERIMENTS, bloc_share_of, hegemony_by
from powerbalance.experiments.results import run
from tests.conftest import line_scenario
from tests.strategies.harness import actor

EXACT = {"misperception": 0.0, "growth_noise": 0.0, "growth_spread": 0.0}


def test_the_bloc_share_is_the_leader_plus_the_bandwagoners_allied_with_it():
    # Q leads; B bandwagons with Q (allied from the start); Y, a status-quo power, is allied
    # with Q too but is no bandwagoner; X bandwagons but is not allied with Q.
    scen = line_scenario([actor("Q", [0], 10.0, 10.0),
                          actor("B", [1], 1.0, 1.0, strategy="bandwagoner"),
                          actor("Y", [2], 3.0, 3.0), actor("P", [3], 8.0, 8.0),
                          actor("X", [4], 1.0, 1.0, strategy="bandwagoner")], provinces=5,
                         params={**EXACT, "concession_odds": 0.0},
                         alliances=[["Q", "B"], ["Q", "Y"]])
    result = run(scen, years=2, worlds=3, seed=0, record="full")
    # The statistic reads only the tables: keep X out of Q's alliances in them, so that a
    # bandwagoner not allied with Q is present whatever the dynamics did.
    pairs = result.alliances
    pairs = pairs[~(((pairs["actor"] == 0) & (pairs["ally"] == 4))
                    | ((pairs["actor"] == 4) & (pairs["ally"] == 0)))].reset_index(drop=True)
    result = dataclasses.replace(result, alliances=pairs)
    acts = result.actors
    last = acts["year"].max()
    got = bloc_share_of("Q")(result, scen)
    for w in range(3):
        now = acts[(acts["world"] == w) & (acts["year"] == last) & acts["alive"]]
        with_q = {int(r.ally) if r.actor == 0 else int(r.actor)
                  for r in pairs[(pairs["world"] == w) & (pairs["year"] == last)
                                 & ((pairs["actor"] == 0) | (pairs["ally"] == 0))].itertuples()}
        members = [0] + [int(r.actor) for r in now.itertuples()
                         if r.strategy == "bandwagoner" and int(r.actor) in with_q]
        assert got[w] == pytest.approx(now[now["actor"].isin(members)]["share"].sum())
        # The case the statistic must tell apart: a bandwagoner not allied with Q (X), and
        # an ally of Q that is no bandwagoner (Y).
        strategy = dict(zip(now["actor"], now["strategy"], strict=True))
        assert strategy.get(4) == "bandwagoner" and 4 not in with_q
        assert 2 in with_q and strategy[2] != "bandwagoner"
    assert (got > 0).all()


def test_claim_2_reports_the_bloc_share_but_judges_qin_alone():
    exp = EXPERIMENTS["warring-states"]
    assert "qin_bloc_share" in exp.statistics and exp.alliances
    assert "secondary, not judged" in exp.statistics["qin_bloc_share"][0]
    judged = {c.statistic for c in exp.comparisons} | {c.statistic for c in exp.checks}
    assert judged == {"qin_hegemony", "qin_unifies"}
    assert callable(hegemony_by("Qin"))
