"""The concert as joint management and treaty keeping by restraint (powerbalance.model.law):
consultation, policing, intervention and the pacta sunt servanda restraint, each rule and
its wiring into a year's decisions."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from powerbalance.model import law
from powerbalance.model.events import EventKind, Events
from powerbalance.model.state import WorldState
from powerbalance.params import Params
from powerbalance.scenarios import load
from powerbalance.strategies.base import Actions
from tests.model.test_law import _attacking, world

ALL = [(0, 1), (0, 2), (1, 2)]  # A, B and C allied in pairs (the Quadruple Alliance)


def concert(state: WorldState, members=(True, True, True, False),
            outlaw: tuple[bool, ...] | None = None) -> WorldState:
    """The state with A, B and C (by default) as the concert, and the given outlaws."""
    changes: dict[str, object] = {"concert": np.array([members])}
    if outlaw is not None:
        changes["outlaw"] = np.array([outlaw])
    return state.replace(**changes)


def threats(*top: int) -> np.ndarray:
    return np.array([top], dtype=np.int64)


def test_scenario_concert_members_reach_the_state():
    scen = load("vienna-1815-concert")
    p = scen.make_params()
    state = scen.initial_state(p, scen.setting(p), 0, [0, 1])
    names = [a.name for a in scen.actors]
    members = sorted(names[k] for k in np.flatnonzero(state.concert[0]))
    assert members == ["Austria", "Britain", "Prussia", "Russia"]
    base = load("vienna-1815-balance")
    q = base.make_params()
    assert base.initial_state(q, base.setting(q), 0, [0]).concert is None


# --- (a) consultation --------------------------------------------------------------------

def test_consult_a_member_attacks_only_with_a_majority_of_the_others():
    state, p = world()
    state = concert(state)
    attack = _attacking(state, 0, 3)
    # B and C both see D as their top threat: 2 of 2 assent, the attack stands
    assert law.consult(state, attack, threats(3, 3, 3, -1), p).attack[0, 0] == 3
    # only B does: 1 of 2 is no majority, vetoed; the attacker's own view does not count
    assert law.consult(state, attack, threats(3, 3, 0, -1), p).attack[0, 0] == -1
    # at concert_assent 0.4 one of two suffices
    _, lax = world(concert_assent=0.4)
    assert law.consult(state, attack, threats(3, 3, 0, -1), lax).attack[0, 0] == 3
    # nobody assents: vetoed
    assert law.consult(state, attack, threats(-1, -1, -1, -1), p).attack[0, 0] == -1


def test_consult_leaves_non_members_alone_and_assents_to_force_against_an_outlaw():
    state, p = world()
    free = concert(state)
    assert law.consult(free, _attacking(free, 3, 2), threats(-1, -1, -1, -1),
                       p).attack[0, 3] == 2
    outlawed = concert(state, outlaw=(False, False, False, True))
    assert law.consult(outlawed, _attacking(outlawed, 0, 3), threats(-1, -1, -1, -1),
                       p).attack[0, 0] == 3
    # a member whose partners are all dead has no one to consult
    alone = concert(state, members=(True, False, False, False))
    assert law.consult(alone, _attacking(alone, 0, 3), threats(-1, -1, -1, -1),
                       p).attack[0, 0] == 3


# --- (b) policing --------------------------------------------------------------------------

def test_policing_a_member_is_sanctioned_by_the_others_their_alliance_no_shield():
    b, v, s = np.array([0]), np.array([0]), np.array([0.8])
    # B and C allied to A and not bound (disposition 0); D not bound either
    state, p = world(compliance=(0.0, 0.0, 0.0, 0.0), allied=ALL)
    members, unpunishable = law.coalition(state, b, v, s, p, np.array([law.TERRITORY]))
    assert unpunishable[0] and not members[0].any()     # no concert: allies shield A
    policed = concert(state)
    members, unpunishable = law.coalition(policed, b, v, s, p, np.array([law.TREATY]))
    assert not unpunishable[0]
    assert members[0].tolist() == [False, True, True, False]
    _, off = world(concert_policing=False)
    members, _ = law.coalition(policed, b, v, s, off, np.array([law.TREATY]))
    assert not members[0].any()


def test_policing_members_never_free_ride():
    # B (0.25) alone could contend with A (0.25); C still sanctions with it
    state, p = world(compliance=(0.0, 1.0, 0.9, 0.0))
    state = concert(state)
    b, v, s = np.array([0]), np.array([0]), np.array([0.5])
    members, _ = law.coalition(state, b, v, s, p, np.array([law.TERRITORY]))
    assert members[0].tolist() == [False, True, True, False]
    # the same world without the concert: C free-rides
    plain = state.replace(concert=None)
    members, _ = law.coalition(plain, b, v, s, p, np.array([law.TERRITORY]))
    assert members[0].tolist() == [False, True, False, False]


# --- (c) intervention ----------------------------------------------------------------------

def test_intervention_the_members_jointly_sanction_a_non_members_aggression_only():
    state, p = world(compliance=(0.0, 0.0, 0.0, 0.0), allied=[(0, 3)])
    state = concert(state)
    b, v, s = np.array([0, 0]), np.array([3, 3]), np.array([0.8, 0.8])
    members, _ = law.coalition(state, b, v, s, p, np.array([law.TERRITORY, law.TREATY]))
    # aggression: A, B and C sanction D, A's alliance with D no shield
    assert members[0].tolist() == [True, True, True, False]
    # a broken treaty is no breach of the settlement: nobody bound, nobody sanctions
    assert not members[1].any()
    _, off = world(concert_intervention=False)
    members, _ = law.coalition(state, b, v, s, off, np.array([law.TERRITORY, law.TREATY]))
    assert not members.any()


def test_outlaws_are_the_non_members_that_took_by_force():
    state, _ = world()
    state = concert(state)
    b = np.array([0, 0, 0])
    out = law.outlaws(state, b, np.array([3, 0, 2]),
                      np.array([law.TERRITORY, law.TERRITORY, law.TREATY]))
    assert out[0].tolist() == [False, False, False, True]


def test_intervene_members_bordering_an_outlaw_attack_it():
    # the line A-B-C-D: only C borders D
    state, _ = world()
    state = concert(state, outlaw=(False, False, False, True))
    out = law.intervene(state, Actions.passive(1, 4, 0.03))
    assert out.attack[0].tolist() == [-1, -1, 3, -1]
    # a member already at another war keeps its own target
    busy = _attacking(state, 2, 1)
    assert law.intervene(state, busy).attack[0].tolist() == [-1, -1, 1, -1]
    # a member outlaw is no target (only non-members are outlaws), nor is anyone without one
    assert law.intervene(concert(state, outlaw=(False,) * 4),
                         Actions.passive(1, 4, 0.03)).attack[0].tolist() == [-1] * 4


def test_enforce_force_against_an_outlaw_is_no_violation_and_outlaws_are_recorded():
    state, p = world(compliance=(1.0, 1.0, 1.0, 0.0))
    state = concert(state, outlaw=(False, False, False, True))
    # C's intervention against D, and D's new demand on B
    ev = Events.make(EventKind.DEMAND, [0, 0], [2, 3], [3, 1], 0.5)
    new, out = law.enforce(state, ev, p)
    got = Events.concat(out)
    judged = got.kind == int(EventKind.AGGRESSION)
    assert got.actor[judged].tolist() == [3]
    assert new.outlaw[0].tolist() == [False, False, False, True]
    quiet, _ = law.enforce(new, Events.concat([]), p)
    assert not quiet.outlaw.any()           # an outlaw for the year after its breach only


# --- treaty keeping: the pacta sunt servanda restraint -------------------------------------

def _shirking(state: WorldState, who: int, against: int) -> Actions:
    b, n = state.alive.shape
    shirk = np.full((b, n), -1, dtype=np.int64)
    shirk[:, who] = against
    return Actions.passive(b, n, 0.03).replace(shirk=shirk)


def test_honour_a_bound_actor_keeps_a_treaty_with_probability_the_norms_strength():
    worlds = 4000
    state, _ = world(norms=(0.6, 0.6))
    many = state.select(np.zeros(worlds, dtype=np.int64))
    many = many.replace(keys=np.arange(worlds, dtype=np.uint64) * np.uint64(7919) + np.uint64(1))
    out = law.honour(many, _shirking(many, 1, 0))
    kept = out.shirk[:, 1] < 0
    # binomial(4000, 0.6): sd 0.0077, bounds at about 5 sd
    assert 0.56 < kept.mean() < 0.64
    assert (out.shirk[~kept, 1] == 0).all()
    # an actor not bound (disposition 0 < 1 - 0.6) never does
    free = many.replace(compliance=np.zeros_like(many.compliance))
    assert (law.honour(free, _shirking(free, 1, 0)).shirk[:, 1] == 0).all()


def test_honour_an_actor_that_would_send_nothing_sends_the_full_call():
    state, _ = world(norms=(1.0, 1.0))
    actions = Actions.passive(1, 4, 0.03)
    actions = actions.replace(join=np.array([[0.0, 0.3, 1.0, 0.0]]))
    out = law.honour(state, actions)
    assert out.join[0].tolist() == [1.0, 0.3, 1.0, 1.0]


# --- the wiring: prepare chains the rules, each behind its switch ---------------------------

@pytest.mark.parametrize("switch", ["", "concert_consult", "concert_intervention",
                                    "law_treaty_restraint"])
def test_prepare_applies_each_rule_unless_its_switch_is_off(switch: str):
    state, p = world(norms=(1.0, 1.0), law_restraint=False,
                     **({switch: False} if switch else {}))
    state = concert(state, outlaw=(False, False, False, True))
    state = state.replace(norms=np.array([[1.0, 1.0]]))
    _, override = law.prepare(state, p, None)
    assert override is not None
    attack = np.array([[1, -1, -1, -1]])   # A on B, which nobody assents to
    shirk = np.array([[-1, 0, -1, -1]])    # B shirks A's call
    actions = Actions.passive(1, 4, 0.03).replace(attack=attack, shirk=shirk)
    obs = SimpleNamespace(state=state, top_threat=threats(-1, -1, -1, -1))
    out = override(obs, actions)  # type: ignore[arg-type]
    assert (out.attack[0, 0] == -1) == (switch != "concert_consult")
    assert (out.attack[0, 2] == 3) == (switch != "concert_intervention")
    assert (out.shirk[0, 1] == -1) == (switch != "law_treaty_restraint")


def test_prepare_without_a_concert_or_any_restraint_keeps_the_override():
    state, p = world(law_restraint=False, law_treaty_restraint=False)
    assert law.prepare(state, p, None)[1] is None
    _, q = world(law_restraint=False, law_treaty_restraint=False)
    assert law.prepare(concert(state), q, None)[1] is not None


def test_concert_and_treaty_rules_are_off_with_law_and_each_cites_a_source():
    p = Params()
    assert not p.law   # the whole layer, concert included, is off by default
    for name in ("concert_consult", "concert_assent", "concert_policing",
                 "concert_intervention", "law_treaty_restraint"):
        field = next(f for f in Params.fields() if f.name == name)
        assert any(ch.isdigit() for ch in field.metadata["source"]), name

