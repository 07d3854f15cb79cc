"""Engine rules of issue 11's second field review, each on a small scripted world: the
attacker's allies in the odds as in the campaign, the phoenix factor, the grievance of a
concession, the tighter test of a late strike, and the memo of the expected strengths."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance.model.events import EventKind, Events
from powerbalance.model.perception import Observation
from powerbalance.model.reputation import remember
from powerbalance.model.victory import victory_probability
from powerbalance.model.war import _resistance_odds, war
from powerbalance.strategies.base import Actions
from tests.conftest import line_scenario
from tests.model.test_fidelity import EXACT, FIGHT, start
from tests.strategies.harness import actor, edit

ONE = np.array([0])


def raid(alliances=None, **params):  # type: ignore[no-untyped-def]
    """A (p1) may attack W (p2); L (p0), A's possible ally, lies behind A; K (p3) behind W."""
    scen = line_scenario([actor("L", [0], 5.0, 5.0), actor("A", [1], 5.0, 3.0),
                          actor("W", [2], 3.0, 2.0), actor("K", [3], 1.0, 1.0)],
                         provinces=4, params={**EXACT, **params}, alliances=alliances)
    return start(scen)


# --- the attacker's allies, counted alike in the estimates and in the campaign ----------

def test_the_odds_count_the_attackers_allies_as_the_target_counts_them():
    a, w = np.array([1]), np.array([2])
    odds = {}
    for allied in (False, True):
        state, setting, params = raid(alliances=[["L", "A"]] if allied else None)
        obs = Observation(state, setting, params)
        offence = obs.expected_offence(ONE, a, w)
        want = state.military[0, 1] * float(obs.reach[0, 1, 2])
        if allied:
            want += (float(state.alliance[0, 0, 1]) * obs.ally_forces[0, 0]
                     * float(obs.reach[0, 0, 2]) * obs.interest(ONE, ONE * 0, w)[0])
        assert offence[0] == pytest.approx(want, rel=1e-6)
        odds[allied] = float(obs.win_odds(ONE, a, w)[0])
        assert odds[allied] == pytest.approx(float(victory_probability(
            offence, obs.expected_defence(ONE, w, a), params)[0]))
        # With perfect information the target sees the same odds, from its side.
        resist = _resistance_odds(state, obs, params, ONE, a, w)
        assert resist[0] == pytest.approx(1.0 - odds[allied], rel=1e-12)
    assert odds[True] > odds[False]


def test_the_campaign_counts_the_attackers_ally_at_the_help_it_sends():
    state, setting, params = raid(alliances=[["L", "A"]], **FIGHT)
    obs = Observation(state, setting, params)
    actions = Actions.passive(1, 4, params.base_spend).replace(
        attack=np.array([[-1, 2, -1, -1]]), join_offence=np.ones((1, 4)))
    _, _, _, camp = war(state, actions, obs, setting, params)
    ally = camp.actor == 0
    assert ally.sum() == 1 and camp.side[ally][0] == 0
    want = (float(state.alliance[0, 0, 1]) * float(obs.interest(ONE, ONE * 0, ONE + 2)[0])
            * state.military[0, 0])
    assert camp.committed[ally][0] == pytest.approx(want, rel=1e-6)


# --- the phoenix factor -----------------------------------------------------------------

def duel(**params):  # type: ignore[no-untyped-def]
    """A strong A (p0) and a weak B (p1)."""
    return start(line_scenario([actor("A", [0], 10.0, 10.0), actor("B", [1], 5.0, 3.0)],
                               provinces=2, params={**FIGHT, **params}))


def test_war_damage_is_recorded_and_regained_towards_the_pre_war_path():
    state, setting, params = duel()
    obs = Observation(state, setting, params)
    attack = Actions.passive(1, 2, params.base_spend).replace(attack=np.array([[1, -1]]))
    after, _, _, _ = war(state, attack, obs, setting, params)
    d = params.war_damage
    assert after.war_loss[0] == pytest.approx(np.full(2, -np.log(1.0 - d)))
    assert after.productivity[0] == pytest.approx(state.productivity[0] * (1.0 - d))
    # A year of peace regains phoenix_rate of the loss (in logarithms).
    scarred = state.replace(war_loss=np.array([[np.log(2.0), 0.0]]))
    quiet = Actions.passive(1, 2, params.base_spend)
    peace, _, _, _ = war(scarred, quiet, Observation(scarred, setting, params), setting, params)
    r = params.phoenix_rate
    assert peace.productivity[0] == pytest.approx(state.productivity[0] * [2.0 ** r, 1.0])
    assert peace.war_loss[0] == pytest.approx([(1.0 - r) * np.log(2.0), 0.0])
    # Switched off, the loss is permanent and not recorded.
    state, setting, params = duel(phoenix_rate=0.0)
    after, _, _, _ = war(state, attack, Observation(state, setting, params), setting, params)
    assert (after.war_loss == 0.0).all()
    scarred = state.replace(war_loss=np.array([[np.log(2.0), 0.0]]))
    peace, _, _, _ = war(scarred, quiet, Observation(scarred, setting, params), setting, params)
    assert (peace.productivity == state.productivity).all()


# --- the grievance of a concession ---------------------------------------------------------

def test_a_state_that_conceded_remembers_the_taker():
    def grudge(**params) -> tuple[int, float, float]:  # type: ignore[no-untyped-def]
        state, setting, params_ = duel(concession_odds=0.9, **params)
        obs = Observation(state, setting, params_)
        attack = Actions.passive(1, 2, params_.base_spend).replace(attack=np.array([[1, -1]]))
        after, events, _, _ = war(state, attack, obs, setting, params_)
        conceded = sum(int((e.kind == EventKind.CONCESSION).sum()) for e in events)
        return conceded, float(after.hostility[0, 1, 0]), float(after.hostility[0, 0, 1])

    conceded, held, taker = grudge()
    assert conceded == 1 and held == pytest.approx(1.0) and taker == 0.0
    assert grudge(concession_grievance=2.5)[1] == pytest.approx(2.5)
    assert grudge(concession_grievance=0.0) == (1, 0.0, 0.0)


# --- late strikes --------------------------------------------------------------------------

def test_a_late_strike_on_a_top_threat_that_does_not_threaten_the_striker_is_exploitation():
    # Z fought T last year; A, which fought no one, strikes T, its top threat. Only when T
    # threatens A (at balance_threshold times A's share or more) is it balancing.
    def late_entry(threshold: float) -> int:
        scen = line_scenario([actor("Z", [0], 1.0, 1.0), actor("T", [1], 4.0, 4.0),
                              actor("A", [2], 3.0, 3.0)], provinces=3,
                             params={**EXACT, "reputation_spread": 0.0,
                                     "balance_threshold": threshold})
        state, setting, params = start(scen)
        state = edit(edit(state, "fought", (0, 0, 1), True), "fought", (0, 1, 0), True)
        obs = Observation(state, setting, params)
        won = Events.make(EventKind.WAR_WON, [0], [2], [1], 1.0)
        _, out = remember(state, Actions.passive(1, 3, params.base_spend), obs, [won], params)
        level = float(obs.top_threat_level[0, 2]) / float(obs.share[0, 2])
        assert obs.top_threat[0, 2] == 1 and 0.5 < level < 4.0
        return sum(int((e.kind == EventKind.LATE_ENTRY).sum()) for e in out)

    assert late_entry(0.5) == 0     # T threatens A: balancing
    assert late_entry(4.0) == 1     # T is A's top threat but no danger to it: a raid


# --- the memo of the expected strengths -----------------------------------------------------

def test_the_memo_of_expected_strengths_changes_no_value():
    state, setting, params = raid(alliances=[["L", "A"], ["W", "K"], ["L", "K"]],
                                  misperception=0.2)
    n = 4
    b, j, e = (x.ravel() for x in np.meshgrid([0], np.arange(n), np.arange(n), indexing="ij"))
    keep = j != e
    b, j, e = b[keep], j[keep], e[keep]
    order = np.random.default_rng(0).permutation(len(b))
    cached = Observation(state, setting, params)
    for offence in (False, True):
        for ongoing in (False, True):
            fresh = Observation(state, setting, params)._side_of(b, j, e, offence, ongoing)
            first = cached._side(b[order], j[order], e[order], offence, ongoing)
            again = cached._side(np.repeat(b, 2), np.repeat(j, 2), np.repeat(e, 2), offence,
                                 ongoing)
            assert (first == fresh[order]).all() and (again == np.repeat(fresh, 2)).all()
    assert (cached.win_odds(b, j, e) == Observation(state, setting, params).win_odds(b, j, e)).all()
