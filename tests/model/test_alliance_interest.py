"""Engine rules of issue 11's field review, each on a small scripted world: an ally's
commitment varies with its own interest in the war, its expected help with its observable
conduct (at war elsewhere, committed to the enemy too, across the sea); a concession hands
over the whole demand; an actor already at war makes no new demand."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from powerbalance.model.derived import adjacency
from powerbalance.model.events import EventKind
from powerbalance.model.perception import Observation
from powerbalance.model.war import war
from powerbalance.strategies.base import Actions
from tests.conftest import event_rows, line_scenario, simulate_scenario
from tests.model.test_fidelity import EXACT, FIGHT, sea_map, start
from tests.strategies.harness import actor, edit

ONE = np.array([0])


def defence(state, setting, params, j: int = 1, e: int = 0) -> float:  # type: ignore[no-untyped-def]
    """j's expected defence against e."""
    obs = Observation(state, setting, params)
    return float(obs.expected_defence(ONE, np.array([j]), np.array([e]))[0])


def guarded(**params):  # type: ignore[no-untyped-def]
    """A (p0) faces the weak W (p1), allied with K (p2); Z (p3) lies beyond K."""
    return line_scenario([actor("A", [0], 5.0, 5.0), actor("W", [1], 1.0, 1.0),
                          actor("K", [2], 5.0, 4.0), actor("Z", [3], 2.0, 2.0)],
                         provinces=4, params={**EXACT, **params}, alliances=[["W", "K"]])


# --- commitment varies with interest ---------------------------------------------------

def test_an_allys_expected_help_grows_with_its_own_stake_in_the_war():
    state, setting, params = start(guarded())
    obs = Observation(state, setting, params)
    threat, share = float(obs.threat[0, 2, 0]), float(obs.share[0, 2])
    w = params.interest_weight
    want = (1 - w) + w * threat / (threat + share)
    assert float(obs.interest(ONE, np.array([2]), ONE)[0]) == pytest.approx(want, rel=1e-6)
    help_ = (want * obs.ally_forces[0, 2] * float(obs.reach[0, 2, 1])
             * float(state.alliance[0, 2, 1]))
    plain = defence(state, setting, params)
    assert plain == pytest.approx(state.military[0, 1] + help_, rel=1e-6)
    # A remembered aggression of A against K raises K's stake, hence its help to W.
    hostile = defence(edit(state, "hostility", (0, 2, 0), 4.0), setting, params)
    full = defence(state, setting, dataclasses.replace(params, interest_weight=0.0))
    assert plain < hostile < full
    assert full - state.military[0, 1] == pytest.approx(help_ / want, rel=1e-6)


def test_an_ally_brings_to_a_campaign_its_commitment_times_its_interest():
    def committed(weight: float) -> tuple[float, float]:
        state, setting, params = start(guarded(interest_weight=weight, **FIGHT))
        obs = Observation(state, setting, params)
        actions = Actions.passive(1, 4, params.base_spend).replace(
            attack=np.array([[1, -1, -1, -1]]))
        _, _, _, camp = war(state, actions, obs, setting, params)
        k = camp.actor == 2
        assert k.sum() == 1
        return float(camp.committed[k][0]), float(obs.interest(ONE, np.array([2]), ONE)[0])

    full, one = committed(0.0)
    half, interest = committed(0.5)
    assert one == 1.0 and interest < 1.0
    assert half == pytest.approx(full * interest, rel=1e-9)


# --- reliability from observable conduct --------------------------------------------------

def test_an_ally_at_war_elsewhere_is_expected_to_bring_a_share_of_its_forces():
    state, setting, params = start(guarded())
    own = state.military[0, 1]
    plain = defence(state, setting, params) - own
    busy = edit(state, "war_target", (0, 2), 3)       # K wages a war on Z
    assert defence(busy, setting, params) - own == pytest.approx(plain / 2, rel=1e-6)
    defending = edit(state, "war_target", (0, 3), 2)  # Z wages a war on K
    assert defence(defending, setting, params) - own == pytest.approx(plain / 2, rel=1e-6)


def test_campaigns_and_estimates_split_forces_by_one_rule():
    # K wages a war on Z and its ally W fought Z in it last year; A now attacks W. W and K
    # each fight two wars: the estimate halves their forces as the campaign does.
    state, setting, params = start(guarded(**FIGHT))
    state = edit(edit(state, "war_target", (0, 2), 3), "fought", (0, 1, 3), True)
    obs = Observation(state, setting, params)
    assert obs.wars_under_way[0].tolist() == [0.0, 1.0, 1.0, 1.0]
    assert Observation(edit(state, "fought", (0, 1, 3), False), setting,
                       params).wars_under_way[0].tolist() == [0.0, 0.0, 1.0, 1.0]
    actions = Actions.passive(1, 4, params.base_spend).replace(
        attack=np.array([[1, -1, -1, -1]]), join=np.ones((1, 4)),
        join_offence=np.ones((1, 4)))
    state = state.replace(join_offence=np.ones((1, 4)))   # the obligation in force
    obs = Observation(state, setting, params)
    _, _, _, camp = war(state, actions, obs, setting, params)
    w = (camp.actor == 1) & (camp.side == 1) & (camp.initiator == 0)
    assert camp.committed[w] == pytest.approx([obs.forces[0, 1]])
    assert obs.forces[0, 1] == pytest.approx(state.military[0, 1] / 2)
    assert ((camp.actor == 1).sum(), (camp.actor == 2).sum()) == (2, 2)


def test_an_ally_committed_to_the_enemy_too_is_not_counted():
    state, setting, params = start(guarded())
    both = edit(edit(state, "alliance", (0, 2, 0), 1.0), "alliance", (0, 0, 2), 1.0)
    assert defence(state, setting, params) > state.military[0, 1]
    assert defence(both, setting, params) == pytest.approx(state.military[0, 1])
    # Against another enemy (Z), the same ally still counts.
    assert defence(both, setting, params, e=3) > state.military[0, 1]


def _sea_help(state, setting, params, attack: bool) -> float:  # type: ignore[no-untyped-def]
    """What an ally adds to A's (p0) attack on W (p1), or to W's defence against A."""
    obs = Observation(state, setting, params)
    if attack:
        alone = obs.forces[0, 0] * float(obs.reach[0, 0, 1])   # A borders W by land
        return float(obs.expected_offence(ONE, ONE, ONE + 1)[0]) - alone
    return defence(state, setting, params) - state.military[0, 1]


def test_a_sea_borne_ally_pays_the_amphibious_penalty_when_it_assaults_not_when_it_defends():
    # W (p1) borders A (p0) by land and K (p2) only across the sea. K allied to A (its
    # pact obliging it to join attacks) crosses the sea to assault W and pays the penalty;
    # K allied to W lands on a friendly coast and pays none (Mearsheimer 2001, ch. 4).
    def help_(penalty: float, attack: bool) -> float:
        scen = sea_map([actor("A", [0], 5.0, 5.0), actor("W", [1], 1.0, 1.0),
                        actor("K", [2], 5.0, 4.0)], land=[(0, 1)], sea=[(1, 2)], provinces=3,
                       sea_cost=0.0, amphibious_penalty=penalty)
        state, setting, params = start(scen)
        state = state.replace(land_adjacent=adjacency(state.owner, 3, setting, land_only=True))
        friend = 0 if attack else 1
        state = edit(edit(state, "alliance", (0, 2, friend), 1.0), "alliance", (0, friend, 2),
                     1.0)
        state = edit(state, "join_offence", (0, 2), 1.0)
        assert state.adjacent[0, 2, 1] and not state.land_adjacent[0, 2, 1]
        return _sea_help(state, setting, params, attack)

    assert help_(0.0, True) > 0
    assert help_(0.5, True) == pytest.approx(0.5 * help_(0.0, True), rel=1e-6)
    assert help_(0.0, False) > 0
    assert help_(0.5, False) == pytest.approx(help_(0.0, False), rel=1e-9)


# --- concessions and the demander at war ---------------------------------------------------

def test_a_concession_hands_over_every_demanded_province():
    # B borders A at p2 (land) and p3 (sea): its demanded frontier is two provinces.
    scen = line_scenario([actor("A", [0, 1], 10.0, 10.0, strategy="hegemon-seeker"),
                          actor("B", [2, 3, 4], 2.0, 1.0)], provinces=5,
                         params={**EXACT, "seeker_wedges": False, "concession_odds": 0.5},
                         sea=[["p0", "p3"]])
    traj = simulate_scenario(scen, years=1, worlds=20)
    demands = event_rows(traj, "demand")
    assert len(demands) == 20 and (demands[:, 4] < 0.5).all()
    conceded = event_rows(traj, "concession")
    assert len(conceded) == 20 and (conceded[:, 4] == 2).all()
    assert (traj.territory[1, :, 0] == 4).all() and (traj.territory[1, :, 1] == 1).all()
    assert not (traj.events.kind == EventKind.CONQUEST).any()


def test_an_actor_defending_in_a_war_makes_no_new_demand():
    # Y (p0) wages a war on X (p1); X wants to attack Z (p2).
    scen = line_scenario([actor("Y", [0], 5.0, 5.0), actor("X", [1], 5.0, 5.0),
                          actor("Z", [2], 1.0, 0.5)], provinces=3, params=FIGHT)
    state, setting, params = start(scen)
    obs = Observation(state, setting, params)
    actions = Actions.passive(1, 3, params.base_spend).replace(
        attack=np.array([[-1, 2, -1]]))

    def demanders(s):  # type: ignore[no-untyped-def]
        _, events, _, _ = war(s, actions, obs, setting, params)
        return [int(a) for e in events if len(e) for k, a in zip(e.kind, e.actor, strict=True)
                if k == EventKind.DEMAND]

    assert demanders(state) == [1]
    assert demanders(edit(state, "war_target", (0, 0), 1)) == []


def test_an_ally_that_must_cross_the_sea_to_assault_pays_the_penalty_even_with_no_border():
    def help_(penalty: float, ally: int, overseas: bool = True, attack: bool = True) -> float:
        # W (p1) borders A (p0) by land and K (p2) only across the sea. F (p3) borders K by
        # land, not W: it must cross the sea to reach W. G (p4) borders A by land, not W: it
        # reaches W by land (distance discounts it, water does not).
        scen = sea_map([actor("A", [0], 5.0, 5.0), actor("W", [1], 1.0, 1.0),
                        actor("K", [2], 5.0, 4.0), actor("F", [3], 5.0, 4.0),
                        actor("G", [4], 5.0, 4.0)],
                       land=[(0, 1), (2, 3), (0, 4)], sea=[(1, 2)], provinces=5, sea_cost=0.0,
                       amphibious_penalty=penalty, amphibious_overseas=overseas)
        state, setting, params = start(scen)
        state = state.replace(land_adjacent=adjacency(state.owner, 5, setting, land_only=True))
        friend = 0 if attack else 1
        state = edit(edit(state, "alliance", (0, ally, friend), 1.0), "alliance",
                     (0, friend, ally), 1.0)
        state = edit(state, "join_offence", (0, ally), 1.0)
        assert not state.adjacent[0, ally, 1]
        return _sea_help(state, setting, params, attack)

    dry = help_(0.0, 3)
    assert dry > 0 and help_(0.5, 3) == pytest.approx(0.5 * dry, rel=1e-6)
    assert help_(0.5, 3, overseas=False) == pytest.approx(dry, rel=1e-9)
    assert help_(0.0, 4) > 0 and help_(0.5, 4) == pytest.approx(help_(0.0, 4), rel=1e-9)
    # Overseas F defending W lands on a friendly coast: no penalty.
    assert help_(0.0, 3, attack=False) > 0
    assert help_(0.5, 3, attack=False) == pytest.approx(help_(0.0, 3, attack=False), rel=1e-9)
