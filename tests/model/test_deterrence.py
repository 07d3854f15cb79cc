"""Nuclear deterrence as a decision: credibility, the umbrella, and cost against gain.

Each rule of :mod:`powerbalance.model.deterrence` is checked on the exact figures it
should give on a small line map, and in the engine on seeded runs (the mutants of
``tests/model/mutants.py`` must fail here).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np
import pytest

from powerbalance.model.derived import frontier_value
from powerbalance.model.deterrence import (
    attack_gain,
    deterrence,
    exchange_probability,
    retaliation_cost,
    retaliation_probability,
    war_campaigns,
)
from powerbalance.model.perception import Observation
from powerbalance.model.victory import expected_war_years
from powerbalance.params import Params
from tests.conftest import event_rows, line_scenario, simulate_scenario

#: Combat tests keep targets from conceding (concessions have their own tests).
NO_NOISE = {"misperception": 0.0, "growth_noise": 0.0, "concession_odds": 0.0}
PAIR = (np.array([0]), np.array([0]), np.array([1]))   # world 0: A (0) attacks B (1)


def _actors(attacker: dict[str, Any] | None = None, target: dict[str, Any] | None = None,
            patron: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    """A (p0-p1), B (p2-p3) and, with ``patron``, C (p4-p5) beyond B."""
    a = {"name": "A", "provinces": ["p0", "p1"], "capital": "p0", "wealth": 10.0,
         "military": 10.0, "strategy": "hegemon-seeker"}
    b = {"name": "B", "provinces": ["p2", "p3"], "capital": "p3", "wealth": 2.0,
         "military": 1.0}
    a.update(attacker or {})
    b.update(target or {})
    out = [a, b]
    if patron is not None:
        out.append({"name": "C", "provinces": ["p4", "p5"], "capital": "p5", "wealth": 5.0,
                    "military": 5.0, **patron})
    return out


def _state(actors: list[dict[str, Any]], alliances: list[list[Any]] | None = None,
           **params: Any) -> tuple[Any, Any, Params]:
    scen = line_scenario(actors, provinces=2 * len(actors), params={**NO_NOISE, **params},
                         alliances=alliances)
    p = scen.make_params()
    setting = scen.setting(p)
    return scen.initial_state(p, setting, 0, [0]), setting, p


# --- credibility ------------------------------------------------------------------------

CREDIBILITY = {"nuclear_escalation": 0.8, "taboo_restraint": 0.5}


def _obs(state: Any, setting: Any, params: Params) -> Observation:
    return Observation(state, setting, params)


@pytest.mark.parametrize(("attacker", "target", "expected"), [
    (2, 2, 0.8),                # a secure second strike against a nuclear attacker
    (2, 1, 0.8),                # a vulnerable arsenal escalates as the war model makes it
    (0, 2, 0.8 * 0.5),          # against a non-nuclear attacker the taboo restrains
    (2, 0, 0.0),                # no weapons, no threat
])
def test_credibility_is_the_war_models_escalation_with_the_taboo(attacker, target, expected):
    state, setting, params = _state(_actors({"nuclear": attacker}, {"nuclear": target}),
                                    **CREDIBILITY)
    p = retaliation_probability(_obs(state, setting, params), *PAIR)
    assert p[0] == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize(("attacker", "target", "expected"), [
    (0.5, 0.5, 0.6),                      # equal resolve: the war model's rate
    (1.0, 0.5, 0.6 * 2 * 0.5 / 1.5),      # a resolute challenger expects the defender to yield
    (0.2, 0.8, 0.6 * 2 * 0.8 / 1.0),      # a resolute defender is likelier to carry it out
    (0.1, 0.9, 1.0),                      # ... clipped to a probability
    (0.0, 0.0, 0.6),                      # no resolve on either side: the war model's rate
])
def test_resolve_enters_once_under_either_rule(attacker, target, expected):
    # Powell 1990: resolve is each side's own valuation. The default counts it once, in
    # the attacker's cost ((1 - r_a) of its destruction), the defenders escalating at the
    # war model's rate whatever the resolves; the 'balance' rule counts it once, in the
    # defenders' escalation (2 r_d / (r_d + r_a), clipped), with no discount of the cost.
    state, setting, params = _state(_actors({"nuclear": 2, "resolve": attacker},
                                            {"nuclear": 2, "resolve": target}),
                                    nuclear_escalation=0.6)
    assert params.resolve_rule == "own-valuation"
    p = retaliation_probability(_obs(state, setting, params), *PAIR)
    assert p[0] == pytest.approx(0.6, abs=1e-12)
    destroyed = params.nuclear_devastation * (state.military[0, 0]
                                              + params.stake_horizon * state.wealth[0, 0])
    one = np.array([1.0])
    cost = retaliation_cost(state, *PAIR[:2], one, params)[0]
    assert cost == pytest.approx(destroyed * (1.0 - attacker), rel=1e-12)
    balance = dataclasses.replace(params, resolve_rule="balance")
    p = retaliation_probability(_obs(state, setting, balance), *PAIR)
    assert p[0] == pytest.approx(expected, abs=1e-12)
    assert retaliation_cost(state, *PAIR[:2], one, balance)[0] == pytest.approx(destroyed,
                                                                                rel=1e-12)


# --- the umbrella -----------------------------------------------------------------------

def _umbrella(commitment: float, calls: float = 0.0, honoured: float = 0.0,
              **extra: Any) -> tuple[float, Observation]:
    state, setting, params = _state(_actors(patron={"nuclear": 2}),
                                    alliances=[["B", "C", commitment]],
                                    nuclear_escalation=0.6, taboo_restraint=0.0, **extra)
    state = state.replace(calls=np.array([[0.0, 0.0, calls]]),
                          honoured=np.array([[0.0, 0.0, honoured]]))
    obs = _obs(state, setting, params)
    return float(retaliation_probability(obs, *PAIR)[0]), obs


def _interest(obs: Observation) -> float:
    return float(obs.interest(np.array([0]), np.array([2]), np.array([0]))[0])


def test_umbrella_is_the_patrons_expected_help():
    kept, obs_kept = _umbrella(0.8, calls=10.0, honoured=10.0)
    hollow, obs_hollow = _umbrella(0.8, calls=10.0, honoured=0.0)
    rel_kept, rel_hollow = obs_kept.reliability[0, 2], obs_hollow.reliability[0, 2]
    assert rel_kept > 0.9 > 0.3 > rel_hollow
    interest = _interest(obs_kept)
    assert 0.0 < interest < 1.0     # C is far from A: it has less than all at stake
    assert kept == pytest.approx(0.6 * 0.8 * interest * rel_kept, abs=1e-6)
    assert hollow == pytest.approx(0.6 * 0.8 * interest * rel_hollow, abs=1e-6)
    weaker, obs = _umbrella(0.6, calls=10.0, honoured=10.0)
    assert weaker == pytest.approx(0.6 * 0.6 * _interest(obs) * obs.reliability[0, 2],
                                   abs=1e-6)
    # With no interest term the help is commitment x reliability.
    flat, obs = _umbrella(0.8, interest_weight=0.0)
    assert flat == pytest.approx(0.6 * 0.8 * obs.reliability[0, 2], abs=1e-6)


def test_every_ally_the_campaigns_call_counts_unless_committed_to_the_attacker_too():
    weak, _ = _umbrella(0.4)
    assert weak > 0.0                                  # the war calls a weak ally too
    old, _ = _umbrella(0.4, deterrence_credibility="committed")
    assert old == 0.0                                  # below extended_commitment 0.5
    assert _umbrella(0.4, deterrence_credibility="committed",
                     extended_commitment=0.3)[0] > 0.0
    state, setting, params = _state(_actors(patron={"nuclear": 2}),
                                    alliances=[["B", "C"], ["A", "C", 0.3]], taboo_restraint=0.0)
    assert retaliation_probability(_obs(state, setting, params), *PAIR)[0] == 0.0  # C stays out


def test_the_strongest_nuclear_member_escalates_as_in_the_war_model():
    # One draw per side: B (the principal, first among equal arsenals) escalates for the
    # side; the patron adds nothing when B is as strong (not 1 - 0.5 x 0.5).
    state, setting, params = _state(_actors(target={"nuclear": 2}, patron={"nuclear": 2}),
                                    alliances=[["B", "C"]], nuclear_escalation=0.5,
                                    taboo_restraint=0.0, reliability_prior=1.0)
    assert retaliation_probability(_obs(state, setting, params), *PAIR)[0] == pytest.approx(0.5)
    # A vulnerable B behind a secure patron: the patron (higher level) decides when it is in
    # the war, B otherwise; with resolves differing under the balance rule, their chances
    # differ.
    state, setting, params = _state(
        _actors(target={"nuclear": 1, "resolve": 0.5}, patron={"nuclear": 2, "resolve": 1.0}),
        alliances=[["B", "C", 0.6]], nuclear_escalation=0.5, taboo_restraint=0.0,
        reliability_prior=1.0, interest_weight=0.0, resolve_rule="balance")
    q = float(state.alliance[0, 2, 1])
    patron, own = min(1.0, 0.5 * 2 * 1.0 / 1.5), 0.5
    expected = q * patron + (1 - q) * own
    assert retaliation_probability(_obs(state, setting, params), *PAIR)[0] == pytest.approx(
        expected, abs=1e-9)


# --- over the war -----------------------------------------------------------------------

def test_the_campaigns_are_the_expected_war_at_the_attackers_odds():
    state, setting, params = _state(_actors({"nuclear": 2}, {"nuclear": 2}))
    obs = _obs(state, setting, params)
    won, lost = war_campaigns(obs, *PAIR)
    odds = obs.win_odds(*PAIR)
    years = expected_war_years(odds, params)
    assert won[0] == pytest.approx(float(years[0] * odds[0]))
    assert lost[0] == pytest.approx(float(years[0] * (1 - odds[0])))
    assert 0.0 < odds[0] < 1.0 and years[0] > 1.0
    once = war_campaigns(_obs(state, setting,
                              dataclasses.replace(params, retaliation_campaigns=False)), *PAIR)
    assert (once[0][0], once[1][0]) == (1.0, 0.0)


def test_an_exchange_risks_every_lost_campaign_on_both_sides():
    state, setting, params = _state(_actors({"nuclear": 2}, {"nuclear": 2}),
                                    nuclear_escalation=0.4)
    obs = _obs(state, setting, params)
    c, won, lost = np.array([0.3]), np.array([2.0]), np.array([1.5])
    hit = exchange_probability(obs, *PAIR, c, won, lost)[0]
    assert hit == pytest.approx(1 - 0.7 ** 2 * (1 - 0.4) ** 1.5, rel=1e-12)
    # A non-nuclear attacker is struck only by the defenders' escalation.
    unarmed = state.replace(nuclear=np.array([[0, 2]], dtype=np.int8))
    hit = exchange_probability(_obs(unarmed, setting, params), *PAIR, c, won, lost)[0]
    assert hit == pytest.approx(1 - 0.7 ** 2, rel=1e-12)
    # A nuclear attacker's own escalation against a side without nuclear arms strikes only
    # the enemy (the taboo's one-sided use): no exchange hits the attacker.
    alone = state.replace(nuclear=np.array([[2, 0]], dtype=np.int8))
    hit = exchange_probability(_obs(alone, setting, params), *PAIR, c, won, lost)[0]
    assert hit == pytest.approx(1 - 0.7 ** 2, rel=1e-12)


# --- cost against gain ------------------------------------------------------------------

def test_cost_is_the_devastation_risked_and_gain_the_stake():
    state, setting, params = _state(_actors({"nuclear": 2, "resolve": 0.2},
                                            {"nuclear": 2}),
                                    nuclear_devastation=0.7, stake_horizon=5.0,
                                    retaliation_weight=1.5, conquest_rate=0.4)
    b, a, t = PAIR
    cost = retaliation_cost(state, b, a, np.array([0.5]), params)[0]
    expected = 1.5 * 0.5 * 0.7 * (state.military[0, 0] + 5.0 * state.wealth[0, 0]) * 0.8
    assert cost == pytest.approx(expected, rel=1e-12)
    # B's frontier with A is p2 (production 1); a nuclear attacker struck back (p = 0.3)
    # wins nothing: the mutual exchange ends the war.
    stake = 0.4 * 1.0 * state.productivity[0, 0] * 5.0
    gain = attack_gain(state, setting, b, a, t, np.array([0.3]), params)[0]
    assert gain == pytest.approx(stake * 0.7, rel=1e-6)
    # The stake of every campaign it expects to win.
    gain = attack_gain(state, setting, b, a, t, np.array([0.3]), params, np.array([1.5]))[0]
    assert gain == pytest.approx(stake * 0.7 * 1.5, rel=1e-6)
    # A non-nuclear attacker keeps the stake (the taboo's strike decides nothing).
    state = state.replace(nuclear=np.array([[0, 2]], dtype=np.int8))
    gain = attack_gain(state, setting, b, a, t, np.array([0.3]), params)[0]
    assert gain == pytest.approx(stake, rel=1e-6)


def _decide(**params: Any) -> tuple[bool, bool]:
    state, setting, p = _state(_actors({"nuclear": 2}, {"nuclear": 2}),
                               deterrence_accident=0.0, **params)
    deterred, failed, _ = deterrence(state, *PAIR, p, setting)
    return bool(deterred[0]), bool(failed[0])


def test_an_attack_goes_ahead_only_when_the_gain_covers_the_expected_cost():
    assert _decide() == (True, False)              # own destruction outweighs a province
    assert _decide(retaliation_weight=0.0) == (False, True)   # the ablation: no cost
    # A tiny risk of retaliation is worth the stake.
    assert _decide(nuclear_escalation=0.001) == (False, True)


def test_resolve_discounts_the_attackers_own_destruction():
    state, setting, params = _state(_actors({"nuclear": 2, "resolve": 1.0}, {"nuclear": 2}),
                                    deterrence_accident=0.0)
    deterred, failed, accident = deterrence(state, *PAIR, params, setting)
    assert not deterred[0] and failed[0] and not accident[0]


def test_an_attack_with_nothing_to_gain_is_not_chosen_even_at_no_cost():
    # Resolve 1 prices the attacker's own destruction at 0, and certain retaliation (p = 1)
    # ends the war with no winner, so the attack gains nothing either: 0 against 0.
    state, setting, params = _state(_actors({"nuclear": 2, "resolve": 1.0}, {"nuclear": 2}),
                                    deterrence_accident=0.0, nuclear_escalation=1.0)
    p = retaliation_probability(_obs(state, setting, params), *PAIR)
    assert p[0] == 1.0
    assert retaliation_cost(state, *PAIR[:2], p, params)[0] == 0.0
    assert attack_gain(state, setting, *PAIR, p, params)[0] == 0.0
    deterred, failed, accident = deterrence(state, *PAIR, params, setting)
    assert deterred[0] and not failed[0] and not accident[0]


def _world_of_stakes(stakes: np.ndarray, resolve: float) -> tuple[Any, Any, Params]:
    """One world per stake: A (nuclear, of the given resolve) eyes B (nuclear) behind a
    frontier worth ``stake`` times the production of B's frontier province."""
    actors = _actors({"nuclear": 2, "resolve": resolve}, {"nuclear": 2})
    scen = line_scenario(actors, provinces=4, params={**NO_NOISE, "deterrence_accident": 0.0})
    p = scen.make_params()
    setting = scen.setting(p)
    state = scen.initial_state(p, setting, 0, list(range(len(stakes))))
    frontier = frontier_value(state.owner, state.n_actors, setting).copy()
    frontier[:, 0, 1] *= stakes.astype(frontier.dtype)
    return state.replace(frontier=frontier), setting, p


def test_deterrence_falls_with_the_attackers_resolve():
    # The dose-response: over stakes from a sliver to a hundred times the frontier, the
    # share of attacks deterred falls as the attacker's resolve rises (its own destruction
    # weighs less: Powell's cutoff h < G / (G + (1 - r) D)); resolve 1 is undeterred.
    # The null: with retaliation costing nothing, no resolve is deterred.
    stakes = np.geomspace(0.01, 100.0, 60)
    worlds = np.arange(len(stakes))
    a, t = np.zeros_like(worlds), np.ones_like(worlds)
    rates, null = [], []
    for resolve in (0.5, 0.8, 0.9, 0.95, 1.0):
        state, setting, params = _world_of_stakes(stakes, resolve)
        deterred, _, _ = deterrence(state, worlds, a, t, params, setting)
        rates.append(float(deterred.mean()))
        free = dataclasses.replace(params, retaliation_weight=0.0)
        null.append(float(deterrence(state, worlds, a, t, free, setting)[0].mean()))
    assert all(x >= y for x, y in zip(rates, rates[1:], strict=False)), rates
    assert rates[0] > rates[1] > rates[3] > rates[4] == 0.0, rates
    assert null == [0.0] * 5


def test_the_veto_rule_is_kept_for_comparison():
    # A non-nuclear attacker: the taboo makes retaliation unlikely, so the decision rule
    # lets it attack; the old veto deterred it.
    assert _decide_nonnuclear("decision") == (False, True)
    assert _decide_nonnuclear("veto") == (True, False)


def _decide_nonnuclear(rule: str) -> tuple[bool, bool]:
    state, setting, p = _state(_actors(target={"nuclear": 2}), deterrence_accident=0.0,
                               deterrence_rule=rule)
    deterred, failed, _ = deterrence(state, *PAIR, p, setting)
    return bool(deterred[0]), bool(failed[0])


# --- in the engine ----------------------------------------------------------------------

def _duel(**params: Any):
    return line_scenario(_actors({"nuclear": 2}, {"nuclear": 2}), provinces=4,
                         params={**NO_NOISE, "deterrence_accident": 0.0, **params})


def test_in_the_engine_deterrence_holds_and_the_ablation_removes_it():
    traj = simulate_scenario(_duel(), years=10, worlds=8)
    assert len(event_rows(traj, "deterrence_held")) > 0
    assert len(event_rows(traj, "war_won")) + len(event_rows(traj, "war_lost")) == 0
    from powerbalance.experiments.mechanisms import MECHANISMS

    traj = simulate_scenario(_duel(**MECHANISMS["deterrence"].overrides), years=10, worlds=8)
    assert len(event_rows(traj, "deterrence_held")) == 0
    assert len(event_rows(traj, "deterrence_failed")) > 0
    assert len(event_rows(traj, "war_won")) + len(event_rows(traj, "war_lost")) > 0


@pytest.mark.parametrize("rule", ["decision", "veto"])
def test_accidents_break_deterrence_at_their_rate(rule):
    scen = _duel(deterrence_accident=0.2, nuclear_escalation=0.9, deterrence_rule=rule)
    traj = simulate_scenario(scen, years=1, worlds=2000)
    held = len(event_rows(traj, "deterrence_held"))
    failed = event_rows(traj, "deterrence_failed")
    rate = len(failed) / (held + len(failed))
    # Binomial(2000, 0.2): sd 0.009; 5 sd bounds.
    assert abs(rate - 0.2) < 0.045
    assert np.all(failed[:, 4] == 1.0)


def test_a_non_nuclear_unprotected_neighbour_is_attacked_instead():
    actors = [
        {"name": "N", "provinces": ["p0"], "capital": "p0", "wealth": 5.0, "military": 2.0,
         "nuclear": 2},
        {"name": "A", "provinces": ["p1", "p2"], "capital": "p1", "wealth": 10.0,
         "military": 10.0, "strategy": "hegemon-seeker", "nuclear": 2},
        {"name": "D", "provinces": ["p3"], "capital": "p3", "wealth": 1.0, "military": 0.5},
    ]
    scen = line_scenario(actors, provinces=4, params={**NO_NOISE, "deterrence_accident": 0.0})
    traj = simulate_scenario(scen, years=3, worlds=4)
    wars = np.vstack([event_rows(traj, "war_won"), event_rows(traj, "war_lost")])
    assert len(wars) > 0
    assert set(wars[:, 3].astype(int)) == {2}


# --- crisis memory ----------------------------------------------------------------------

def _standoff(worlds: int, standing: int, **params: Any) -> tuple[Any, Any, Params]:
    """``worlds`` worlds of the duel, A's crisis with ``standing`` (-1: none) on record."""
    scen = _duel(**{"deterrence_accident": 0.2, "nuclear_escalation": 0.9, **params})
    p = scen.make_params()
    setting = scen.setting(p)
    state = scen.initial_state(p, setting, 0, list(range(worlds)))
    record = np.full((worlds, state.n_actors), -1, dtype=np.int64)
    record[:, 0] = standing
    return state.replace(deterred_target=record), setting, p


@pytest.mark.parametrize("rule", ["decision", "veto"])
def test_a_standing_crisis_draws_its_accident_once(rule):
    # Schelling 1966: the risk of losing control is run when the crisis is entered. A new
    # crisis (no record, or a record against another target) fails at the accident rate;
    # one standing against the same target draws no new accident, unless memory is off.
    worlds = np.arange(2000)
    a, t = np.zeros_like(worlds), np.ones_like(worlds)

    def failure_rate(standing: int, **params: Any) -> float:
        state, setting, p = _standoff(len(worlds), standing, deterrence_rule=rule, **params)
        deterred, failed, accident = deterrence(state, worlds, a, t, p, setting)
        assert np.all(deterred | failed) and np.all(failed == accident)
        return float(failed.mean())

    # Binomial(2000, 0.2): sd 0.009; 5 sd bounds.
    assert abs(failure_rate(-1) - 0.2) < 0.045
    assert abs(failure_rate(0) - 0.2) < 0.045          # a record against another target
    assert failure_rate(1) == 0.0
    assert abs(failure_rate(1, deterrence_crisis_memory=False) - 0.2) < 0.045


def test_in_the_engine_a_standoff_risks_one_accident_not_one_a_year():
    # A deterred A demands B year after year: with memory the first year's draw is the
    # only one (about 0.2 of the worlds see an accident), without it every year draws
    # again (1 - 0.8 ** 6 = 0.74 if A demands every year).
    def accident_share(memory: bool) -> float:
        scen = _duel(deterrence_accident=0.2, nuclear_escalation=0.9,
                     deterrence_crisis_memory=memory)
        failed = event_rows(simulate_scenario(scen, years=6, worlds=400), "deterrence_failed")
        return len(np.unique(failed[failed[:, 4] == 1.0, 0])) / 400

    with_memory, without = accident_share(True), accident_share(False)
    # Binomial(400, 0.2): sd 0.02; 5 sd bounds.
    assert abs(with_memory - 0.2) < 0.1, with_memory
    assert without > 0.5, without


def test_the_war_phase_keeps_a_crisis_only_while_the_attacker_stands_down():
    from powerbalance.model.war import war
    from powerbalance.strategies.base import Actions

    state, setting, params = _standoff(1, 1, deterrence_accident=0.0)
    obs = Observation(state, setting, params)
    passive = Actions.passive(1, 2, params.base_spend)
    demand = passive.replace(attack=np.array([[1, -1]]))
    # Still demanding B and deterred: the crisis stands; a new one is put on record.
    assert war(state, demand, obs, setting, params)[0].deterred_target[0].tolist() == [1, -1]
    fresh = state.replace(deterred_target=np.full((1, 2), -1, dtype=np.int64))
    assert war(fresh, demand, Observation(fresh, setting, params), setting,
               params)[0].deterred_target[0].tolist() == [1, -1]
    # No demand this year: the crisis is over.
    assert war(state, passive, obs, setting, params)[0].deterred_target[0].tolist() == [-1, -1]
    # Serial activation: an actor that does not move this turn keeps its crisis.
    idle = np.array([[False, True]])
    assert war(state, passive, obs, setting, params, active=idle)[0].deterred_target[
        0].tolist() == [1, -1]
    assert war(state, passive, obs, setting, params, active=~idle)[0].deterred_target[
        0].tolist() == [-1, -1]


def test_a_crisis_ends_with_a_target_that_dies_the_year_the_attacker_stands_down():
    # A (p0) demands B (p1, a secure second strike) and stands down; the same year B loses
    # its only province to C (p2-p3), at war with it already. The crisis ends with B: A's
    # record is -1, so a slot revived later (secession) starts afresh.
    from powerbalance.model.events import EventKind
    from powerbalance.model.war import war
    from powerbalance.strategies.base import Actions

    actors = [
        {"name": "A", "provinces": ["p0"], "capital": "p0", "wealth": 5.0, "military": 5.0},
        {"name": "B", "provinces": ["p1"], "capital": "p1", "wealth": 1.0, "military": 0.01,
         "nuclear": 2},
        {"name": "C", "provinces": ["p2", "p3"], "capital": "p3", "wealth": 50.0,
         "military": 100.0},
    ]
    scen = line_scenario(actors, provinces=4, params={
        **NO_NOISE, "deterrence_rule": "veto", "deterrence_accident": 0.0,
        "nuclear_escalation": 0.0, "conquest_rate": 1.0})
    params = scen.make_params()
    setting = scen.setting(params)
    worlds = 16
    state = scen.initial_state(params, setting, 0, list(range(worlds)))
    at_war = np.full((worlds, 3), -1, dtype=np.int64)
    at_war[:, 2] = 1
    start = np.where(at_war >= 0, state.year - 1, -1)
    state = state.replace(war_target=at_war, war_start=start)
    demand = Actions.passive(worlds, 3, params.base_spend)
    demand = demand.replace(attack=np.tile(np.array([1, -1, 1]), (worlds, 1)))
    after, events = war(state, demand, Observation(state, setting, params), setting, params)[:2]
    kinds = {int(k) for ev in events for k in np.unique(ev.kind)}
    assert int(EventKind.DETERRENCE_HELD) in kinds
    dead = ~after.alive[:, 1]
    assert dead.any(), "C should take B's only province in some world"
    assert np.all(after.deterred_target[dead, 0] == -1)
    assert np.all(after.deterred_target[~dead, 0] == 1)


def test_a_nuclear_ally_that_will_not_fight_protects_nobody():
    # C is nuclear and allied with B, but below extended_commitment under the committed
    # rule: its expected help is 0, so nobody can strike A (h = 0). B is then no target
    # with a nuclear defender: A's attack logs neither deterrence_held nor _failed.
    actors = _actors(target={"provinces": ["p2", "p3"]}, patron={"nuclear": 2})
    state, setting, p = _state(actors, alliances=[["B", "C", 0.2]],
                               deterrence_credibility="committed", deterrence_accident=0.0)
    deterred, failed, accident = deterrence(state, *PAIR, p, setting)
    assert not deterred.any() and not failed.any() and not accident.any()
    scen = line_scenario(actors, provinces=6, alliances=[["B", "C", 0.2]], params={
        **NO_NOISE, "deterrence_credibility": "committed", "deterrence_accident": 0.0})
    traj = simulate_scenario(scen, years=5, worlds=4)

    def on_b(kind: str) -> int:
        rows = event_rows(traj, kind)
        return int((rows[:, 3] == 1).sum())

    # (Once B is taken, A's demands on the nuclear C itself are deterrence decisions.)
    assert on_b("war_won") + on_b("war_lost") > 0
    assert on_b("deterrence_held") == 0
    assert on_b("deterrence_failed") == 0
