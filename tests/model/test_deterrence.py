"""Nuclear deterrence as a decision: credibility, the umbrella, and cost against gain.

Each rule of :mod:`powerbalance.model.deterrence` is checked on the exact figures it
should give on a small line map, and in the engine on seeded runs (the mutants of
``tests/model/mutants.py`` must fail here).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from powerbalance.model.deterrence import (
    attack_gain,
    deterrence,
    retaliation_cost,
    retaliation_probability,
)
from powerbalance.model.perception import reliability
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

CREDIBILITY = {"nuclear_escalation": 0.8, "vulnerable_survival": 0.25, "taboo_restraint": 0.5}


@pytest.mark.parametrize(("attacker", "target", "expected"), [
    (2, 2, 0.8),                # a secure second strike against a nuclear attacker
    (2, 1, 0.8 * 0.25),         # a vulnerable arsenal may not survive the first strike
    (0, 2, 0.8 * 0.5),          # against a non-nuclear attacker the taboo restrains
    (0, 1, 0.8 * 0.5),          # ... and no first strike threatens the arsenal
    (2, 0, 0.0),                # no weapons, no threat
])
def test_credibility_follows_arsenal_survivability_and_the_taboo(attacker, target, expected):
    state, _, params = _state(_actors({"nuclear": attacker}, {"nuclear": target}),
                              **CREDIBILITY)
    p = retaliation_probability(state, *PAIR, params)
    assert p[0] == pytest.approx(expected, abs=1e-12)


# --- the umbrella -----------------------------------------------------------------------

def _umbrella(commitment: float, calls: float = 0.0, honoured: float = 0.0,
              **extra: Any) -> tuple[float, np.ndarray]:
    state, _, params = _state(_actors(patron={"nuclear": 2}),
                              alliances=[["B", "C", commitment]],
                              nuclear_escalation=0.6, taboo_restraint=0.0, **extra)
    state = state.replace(calls=np.array([[0.0, 0.0, calls]]),
                          honoured=np.array([[0.0, 0.0, honoured]]))
    return float(retaliation_probability(state, *PAIR, params)[0]), reliability(state, params)


def test_umbrella_counts_the_patrons_commitment_and_reliability():
    kept, rel_kept = _umbrella(0.8, calls=10.0, honoured=10.0)
    hollow, rel_hollow = _umbrella(0.8, calls=10.0, honoured=0.0)
    assert rel_kept[0, 2] > 0.9 > 0.3 > rel_hollow[0, 2]
    assert kept == pytest.approx(0.6 * 0.8 * rel_kept[0, 2], abs=1e-6)
    assert hollow == pytest.approx(0.6 * 0.8 * rel_hollow[0, 2], abs=1e-6)
    weaker, rel = _umbrella(0.6, calls=10.0, honoured=10.0)
    assert weaker == pytest.approx(0.6 * 0.6 * rel[0, 2], abs=1e-6)


def test_umbrella_needs_extended_commitment_and_a_patron_not_allied_to_the_attacker():
    assert _umbrella(0.4)[0] == 0.0                     # below extended_commitment 0.5
    assert _umbrella(0.4, extended_commitment=0.3)[0] > 0.0
    state, _, params = _state(_actors(patron={"nuclear": 2}),
                              alliances=[["B", "C"], ["A", "C", 0.3]], taboo_restraint=0.0)
    assert retaliation_probability(state, *PAIR, params)[0] == 0.0   # C stays out


def test_patrons_and_the_target_decide_independently():
    state, _, params = _state(_actors(target={"nuclear": 2}, patron={"nuclear": 2}),
                              alliances=[["B", "C"]], nuclear_escalation=0.5,
                              taboo_restraint=0.0, reliability_prior=1.0)
    p = retaliation_probability(state, *PAIR, params)[0]
    assert p == pytest.approx(1.0 - 0.5 * 0.5, abs=1e-6)


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
    p = retaliation_probability(state, *PAIR, params)
    assert p[0] == 1.0
    assert retaliation_cost(state, *PAIR[:2], p, params)[0] == 0.0
    assert attack_gain(state, setting, *PAIR, p, params)[0] == 0.0
    deterred, failed, accident = deterrence(state, *PAIR, params, setting)
    assert deterred[0] and not failed[0] and not accident[0]


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
