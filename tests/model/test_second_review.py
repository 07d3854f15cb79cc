"""Engine rules of issue 11's second field review, each on a small scripted world: the
attacker's allies in the odds as in the campaign, the phoenix factor, the grievance of a
concession, the tighter test of a late strike, and the memo of the expected strengths."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance.model.events import EventKind, Events
from powerbalance.model.perception import Observation
from powerbalance.model.reputation import remember
from powerbalance.model.victory import victory_probability, war_damage_share
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
    # L's pact obliges it to join A's attacks with ``pledge`` of its forces (its declared
    # join_offence; 0 for a defensive pact, which adds nothing to the attack).
    a, w = np.array([1]), np.array([2])
    odds = {}
    for allied, pledge in ((False, 1.0), (True, 0.0), (True, 0.5), (True, 1.0)):
        state, setting, params = raid(alliances=[["L", "A"]] if allied else None)
        state = edit(state, "join_offence", (0, 0), pledge)
        obs = Observation(state, setting, params)
        offence = obs.expected_offence(ONE, a, w)
        want = state.military[0, 1] * float(obs.reach[0, 1, 2])
        if allied:
            want += (pledge * float(state.alliance[0, 0, 1]) * obs.ally_forces[0, 0]
                     * float(obs.reach[0, 0, 2]) * obs.interest(ONE, ONE * 0, w)[0])
        assert offence[0] == pytest.approx(want, rel=1e-6)
        odds[allied, pledge] = float(obs.win_odds(ONE, a, w)[0])
        assert odds[allied, pledge] == pytest.approx(float(victory_probability(
            offence, obs.expected_defence(ONE, w, a), params)[0]))
        # With perfect information the target sees the same odds, from its side.
        resist = _resistance_odds(state, obs, params, ONE, a, w)
        assert resist[0] == pytest.approx(1.0 - odds[allied, pledge], rel=1e-12)
    assert odds[True, 1.0] > odds[True, 0.5] > odds[True, 0.0]
    assert odds[True, 0.0] == pytest.approx(odds[False, 1.0], rel=1e-12)


def test_a_step_records_each_actors_offensive_obligation():
    from powerbalance.model.step import step

    state, setting, params = raid(alliances=[["L", "A"]])
    assert (state.join_offence == 0.0).all()      # the pacts in force at the start: defensive

    def pledge(obs, actions):  # type: ignore[no-untyped-def]
        return actions.replace(join_offence=np.array([[0.7, 0.0, 1.0, 0.0]]))

    after, _ = step(state, setting, params, pledge)
    assert after.join_offence[0] == pytest.approx([0.7, 0.0, 1.0, 0.0])
    # Others read the declared obligation the next year: L now adds 0.7 of its help.
    obs = Observation(after, setting, params)
    assert obs.expected_offence(ONE, np.array([1]), np.array([2]))[0] > (
        obs.forces[0, 1] * float(obs.reach[0, 1, 2]))


# --- the phoenix factor -----------------------------------------------------------------

def duel(**params):  # type: ignore[no-untyped-def]
    """A strong A (p0) and a weak B (p1)."""
    return start(line_scenario([actor("A", [0], 10.0, 10.0), actor("B", [1], 5.0, 3.0)],
                               provinces=2, params={**FIGHT, **params}))


def test_war_damage_grows_with_the_force_the_enemy_brings():
    # The strong A (p0) attacks the weak B (p1): each principal loses 2 x war_damage x the
    # enemy side's share of the strength (war_damage in an even war), so A loses little.
    state, setting, params = duel()
    obs = Observation(state, setting, params)
    attack = Actions.passive(1, 2, params.base_spend).replace(attack=np.array([[1, -1]]))
    after, _, _, camp = war(state, attack, obs, setting, params)
    enemy_share = camp.lost / camp.committed / params.destructiveness   # A's row, then B's
    assert camp.actor.tolist() == [0, 1] and enemy_share[0] < 0.5 < enemy_share[1]
    hurt = 2.0 * params.war_damage * enemy_share
    assert after.productivity[0] == pytest.approx(state.productivity[0] * (1.0 - hurt))
    assert after.war_loss[0] == pytest.approx(-np.log(1.0 - hurt))
    # An even war costs war_damage; the share lost never exceeds 1.
    assert war_damage_share(0.05, np.array([0.5]))[0] == pytest.approx(0.05)
    assert war_damage_share(0.8, np.array([0.9]))[0] == 1.0
    assert war_damage_share(0.05, np.array([0.0]))[0] == 0.0


def test_war_damage_is_recorded_and_regained_in_peace_years_only():
    state, setting, params = duel()
    # A year of peace regains phoenix_rate of the loss (in logarithms).
    scarred = state.replace(war_loss=np.array([[np.log(2.0), 0.0]]))
    quiet = Actions.passive(1, 2, params.base_spend)
    peace, _, _, _ = war(scarred, quiet, Observation(scarred, setting, params), setting, params)
    r = params.phoenix_rate
    assert peace.productivity[0] == pytest.approx(state.productivity[0] * [2.0 ** r, 1.0])
    assert peace.war_loss[0] == pytest.approx([(1.0 - r) * np.log(2.0), 0.0])
    # A later activation of a serial year (decay off) regains nothing more.
    again, _, _, _ = war(scarred, quiet, Observation(scarred, setting, params), setting, params,
                         decay=False)
    assert (again.productivity == scarred.productivity).all()
    assert (again.war_loss == scarred.war_loss).all()
    # While its war goes on it regains nothing, as initiator or as target: the phoenix
    # factor works after the war (Organski & Kugler 1980): the loss only grows by this
    # year's campaign.
    for side in (0, 1):
        warring = scarred.replace(war_loss=np.array([[np.log(2.0), np.log(2.0)]]))
        warring = edit(warring, "war_target", (0, side), 1 - side)
        busy, _, _, camp = war(warring, quiet, Observation(warring, setting, params), setting,
                               params)
        assert len(camp.actor) == 2
        hurt = 2.0 * params.war_damage * camp.lost / camp.committed / params.destructiveness
        grown = np.log(2.0) - np.log(1.0 - hurt)
        assert busy.war_loss[0, camp.actor] == pytest.approx(grown)
    # Switched off, the loss is permanent and not recorded.
    state, setting, params = duel(phoenix_rate=0.0)
    attack = Actions.passive(1, 2, params.base_spend).replace(attack=np.array([[1, -1]]))
    after, _, _, _ = war(state, attack, Observation(state, setting, params), setting, params)
    assert (after.war_loss == 0.0).all() and (after.productivity < state.productivity).all()
    scarred = state.replace(war_loss=np.array([[np.log(2.0), 0.0]]))
    peace, _, _, _ = war(scarred, quiet, Observation(scarred, setting, params), setting, params)
    assert (peace.productivity == state.productivity).all()


def test_a_bystander_at_peace_regains_its_loss_while_others_fight():
    # The phoenix rule is per actor, not per world: A (p0) and B (p1) are at war, C (p2),
    # at peace, regains phoenix_rate of its loss that same year; A and B regain nothing.
    scen = line_scenario([actor("A", [0], 10.0, 10.0), actor("B", [1], 5.0, 3.0),
                          actor("C", [2], 4.0, 3.0)], provinces=3, params=FIGHT)
    state, setting, params = start(scen)
    scarred = state.replace(war_loss=np.full((1, 3), np.log(2.0)))
    scarred = edit(scarred, "war_target", (0, 0), 1)
    quiet = Actions.passive(1, 3, params.base_spend)
    after, _, _, camp = war(scarred, quiet, Observation(scarred, setting, params), setting,
                            params)
    assert sorted(camp.actor.tolist()) == [0, 1]        # C takes no part in the war
    r = params.phoenix_rate
    assert r > 0
    assert after.war_loss[0, 2] == pytest.approx((1.0 - r) * np.log(2.0))
    assert after.productivity[0, 2] == pytest.approx(state.productivity[0, 2] * 2.0 ** r)
    assert (after.war_loss[0, :2] > np.log(2.0)).all()   # the belligerents' loss only grows


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


def test_the_grievance_of_a_concession_grows_with_the_share_of_production_conceded():
    # B (p1, p2, p3) concedes its frontier with A (p1 only): its grievance is
    # concession_grievance x p1's share of the production of B's provinces.
    scen = line_scenario([actor("A", [0], 10.0, 10.0), actor("B", [1, 2, 3], 5.0, 3.0)],
                         provinces=4, params={**FIGHT, "concession_odds": 0.9,
                                              "concession_grievance": 2.0})
    state, setting, params = start(scen)
    obs = Observation(state, setting, params)
    attack = Actions.passive(1, 2, params.base_spend).replace(attack=np.array([[1, -1]]))
    after, events, _, _ = war(state, attack, obs, setting, params)
    assert sum(int((e.kind == EventKind.CONCESSION).sum()) for e in events) == 1
    assert after.owner[0].tolist() == [0, 0, 1, 1]
    value = setting.province_map.value
    share = value[1] / value[1:4].sum()
    assert 0.0 < share < 1.0
    assert float(after.hostility[0, 1, 0]) == pytest.approx(2.0 * share, rel=1e-6)
