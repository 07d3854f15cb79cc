"""The concert as joint management and treaty keeping by restraint (powerbalance.model.law):
consultation, policing, intervention and the pacta sunt servanda restraint, each rule and
its wiring into a year's decisions."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import numpy as np
import pytest

from powerbalance.model import law
from powerbalance.model.events import EventKind, Events
from powerbalance.model.state import WorldState
from powerbalance.params import Params
from powerbalance.scenarios import load
from powerbalance.strategies.base import Actions
from tests.model.test_law import _attacking, four, world

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
    state, p = world()
    state = concert(state, outlaw=(False, False, False, True))
    out = law.intervene(state, Actions.passive(1, 4, 0.03), p)
    assert out.attack[0].tolist() == [-1, -1, 3, -1]
    # a member already at another war keeps its own target
    busy = _attacking(state, 2, 1)
    assert law.intervene(state, busy, p).attack[0].tolist() == [-1, -1, 1, -1]
    # a member outlaw is no target (only non-members are outlaws), nor is anyone without one
    assert law.intervene(concert(state, outlaw=(False,) * 4),
                         Actions.passive(1, 4, 0.03), p).attack[0].tolist() == [-1] * 4


def test_intervene_the_mandate_goes_to_one_executor_the_strongest_bordering_member():
    # B is the outlaw; members A and C both border it; C is the stronger
    state, p = world(shares=(0.3, 0.2, 0.35, 0.15))
    state = concert(state, members=(True, False, True, True),
                    outlaw=(False, True, False, False))
    idle = Actions.passive(1, 4, 0.03)
    assert law.intervene(state, idle, p).attack[0].tolist() == [-1, -1, 1, -1]
    # A the stronger: A alone
    strong_a = state.replace(last_share=np.array([[0.35, 0.2, 0.3, 0.15]]))
    assert law.intervene(strong_a, idle, p).attack[0].tolist() == [1, -1, -1, -1]
    # the executor busy elsewhere: the next strongest free member takes the mandate
    busy = _attacking(state, 2, 3)
    assert law.intervene(state, busy, p).attack[0].tolist() == [1, -1, 3, -1]
    # without the mandate every bordering member attacks, each its own war
    _, each = world(concert_mandate=False)
    assert law.intervene(state, idle, each).attack[0].tolist() == [1, -1, 1, -1]


def test_intervene_only_when_the_executor_can_contend_with_the_outlaw_and_its_allies():
    # B (0.3) is stronger than either bordering member (0.25, 0.28): no intervention,
    # though the members together could contend
    state, p = world(shares=(0.25, 0.3, 0.28, 0.17))
    state = concert(state, members=(True, False, True, True),
                    outlaw=(False, True, False, False))
    idle = Actions.passive(1, 4, 0.03)
    assert law.intervene(state, idle, p).attack[0].tolist() == [-1] * 4
    # B weaker than C, but allied to D (a non-member): C must contend with both
    weak, _ = world(shares=(0.25, 0.2, 0.35, 0.2), allied=[(1, 3)])
    weak = concert(weak, members=(True, False, True, False),
                   outlaw=(False, True, False, False))
    assert law.intervene(weak, idle, p).attack[0].tolist() == [-1] * 4
    # a member's alliance with the outlaw is no shield for it: C contends with B alone
    shield, _ = world(shares=(0.25, 0.2, 0.35, 0.2), allied=[(1, 3)])
    shield = concert(shield, members=(True, False, True, True),
                     outlaw=(False, True, False, False))
    assert law.intervene(shield, idle, p).attack[0].tolist() == [-1, -1, 1, -1]
    # contend_ratio 2: C (0.35) cannot contend with B (0.2) on those terms
    _, strict = world(contend_ratio=2.0)
    assert law.intervene(shield, idle, strict).attack[0].tolist() == [-1] * 4


def test_intervene_an_executor_takes_one_mandate_the_strongest_outlaw():
    # B borders the outlaws A and C; C is the stronger and is bordered by D too (weaker)
    state, p = world(shares=(0.1, 0.4, 0.2, 0.3))
    state = concert(state, members=(False, True, False, True),
                    outlaw=(True, False, True, False))
    out = law.intervene(state, Actions.passive(1, 4, 0.03), p)
    assert out.attack[0].tolist() == [-1, 2, -1, -1]


def test_troppau_interveners_are_the_three_eastern_courts():
    scen = load("vienna-1815-concert")
    p = dataclasses.replace(scen.make_params(), concert_interveners="troppau")
    state = scen.initial_state(p, scen.setting(p), 0, [0])
    names = [a.name for a in scen.actors]
    assert sorted(names[k] for k in np.flatnonzero(state.interveners[0])) == [
        "Austria", "Prussia", "Russia"]
    assert state.concert[0, names.index("Britain")]  # still a member: it consults, polices
    q = scen.make_params()
    assert scen.initial_state(q, scen.setting(q), 0, [0]).interveners is None
    # Britain, the only member bordering the outlaw, does not take up arms
    world_state, r = world(concert_interveners="troppau")
    world_state = concert(world_state, outlaw=(False, False, False, True)).replace(
        interveners=np.array([[True, True, False, False]]))
    assert law.intervene(world_state, Actions.passive(1, 4, 0.03),
                         r).attack[0].tolist() == [-1] * 4


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

@pytest.mark.parametrize("switch", ["", "concert_consult", "concert_armed",
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
    assert (out.attack[0, 2] == 3) == (switch != "concert_armed")
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
                 "concert_intervention", "concert_armed", "concert_mandate", "concert_restore",
                 "concert_interveners", "law_treaty_restraint"):
        field = next(f for f in Params.fields() if f.name == name)
        assert any(ch.isdigit() for ch in field.metadata["source"]), name



# --- (d) the settlement: mandates, seizures and restoration ---------------------------------

def _settle_world(**params: object) -> tuple[WorldState, Params, object]:
    """A, B and C the concert, D the outlaw; D (p6, p7) has taken C's p5 this year."""
    state, p = world(compliance=(1.0, 1.0, 1.0, 0.0), **params)
    state = concert(state, outlaw=(False, False, False, True))
    s4 = four(**params)
    setting = s4.setting(s4.make_params())
    held = state.owner.copy()
    owner = state.owner.copy()
    owner[0, 5] = 3
    return state.replace(held=held, owner=owner), p, setting


def test_settle_records_the_outlaws_seizure_and_restores_it_after_a_won_intervention():
    state, p, setting = _settle_world()
    grab = Events.make(EventKind.DEMAND, [0], [3], [2], 0.5)
    after = law.settle(state, grab, p, setting)
    assert after.seized[0].tolist() == [-1, -1, -1, -1, -1, 2, -1, -1]
    assert after.owner[0, 5] == 3                       # nothing won yet: it stands
    # next year C executes the mandate: its war on D begins, C takes p7, and wins
    year = after.replace(held=after.owner.copy(), war_target=np.array([[-1, -1, 3, -1]]))
    owner = year.owner.copy()
    owner[0, 7] = 2
    year = year.replace(owner=owner)
    war = Events.concat([Events.make(EventKind.DEMAND, [0], [2], [3], 0.5),
                         Events.make(EventKind.WAR_BEGUN, [0], [2], [3]),
                         Events.make(EventKind.WAR_WON, [0], [2], [3], 1.0)])
    done = law.settle(year, war, p, setting)
    # p5 back to C, p7 back to D: the members annex nothing
    assert done.owner[0].tolist() == [0, 0, 1, 1, 2, 2, 3, 3]
    assert (done.seized == -1).all()
    assert done.adjacent[0, 2, 3] and not done.adjacent[0, 1, 3]
    # the mandate lasts while the war does (war_target), then ends
    assert done.mandate[0].tolist() == [-1, -1, 3, -1]
    ended = law.settle(done.replace(war_target=np.full((1, 4), -1)), Events.concat([]), p,
                       setting)
    assert (ended.mandate == -1).all()


def test_settle_restores_nothing_after_a_lost_intervention_or_with_restoration_off():
    state, p, setting = _settle_world()
    after = law.settle(state, Events.make(EventKind.DEMAND, [0], [3], [2], 0.5), p, setting)
    year = after.replace(held=after.owner.copy(), war_target=np.array([[-1, -1, 3, -1]]))
    lost = Events.concat([Events.make(EventKind.WAR_BEGUN, [0], [2], [3]),
                          Events.make(EventKind.WAR_LOST, [0], [2], [3], 1.0)])
    assert law.settle(year, lost, p, setting).owner[0, 5] == 3
    # a war won by a member without a mandate (not begun on an outlaw) restores nothing
    plain = year.replace(outlaw=np.zeros((1, 4), dtype=bool))
    won = Events.concat([Events.make(EventKind.WAR_BEGUN, [0], [2], [3]),
                         Events.make(EventKind.WAR_WON, [0], [2], [3], 1.0)])
    assert law.settle(plain, won, p, setting).owner[0, 5] == 3
    # the outlaw's concession of the mandated demand settles like a won war
    yielded = Events.make(EventKind.CONCESSION, [0], [3], [2], 1.0)
    assert law.settle(year, yielded, p, setting).owner[0, 5] == 2
    # restoration off: no seizure is recorded, a won war restores nothing
    off_state, off, off_setting = _settle_world(concert_restore=False)
    off_after = law.settle(off_state, Events.make(EventKind.DEMAND, [0], [3], [2], 0.5), off,
                           off_setting)
    assert off_after.seized is None
    # a dead victim gets nothing back
    dead = year.replace(alive=np.array([[True, True, False, True]]))
    assert law.settle(dead, won, p, setting).owner[0, 5] == 3


def test_settle_a_members_own_conquest_without_mandate_is_no_seizure():
    state, p, setting = _settle_world()
    owner = state.owner.copy()
    owner[0, 5], owner[0, 6] = 2, 2           # C's own p5 back; C takes D's p6, no mandate
    state = state.replace(owner=owner, held=np.array([[0, 0, 1, 1, 2, 3, 3, 3]]))
    after = law.settle(state, Events.make(EventKind.DEMAND, [0], [2], [3], 0.5), p, setting)
    assert (after.seized == -1).all()


# --- mutants the review found surviving ---------------------------------------------------

def test_enforce_only_a_members_force_against_an_outlaw_is_enforcement():
    # A and B the concert; C (a non-member) attacks the outlaw D: still aggression
    state, p = world(compliance=(1.0, 1.0, 1.0, 0.0))
    state = concert(state, members=(True, True, False, False),
                    outlaw=(False, False, False, True))
    ev = Events.make(EventKind.DEMAND, [0], [2], [3], 0.5)
    _, out = law.enforce(state, ev, p)
    got = Events.concat(out)
    assert got.actor[got.kind == int(EventKind.AGGRESSION)].tolist() == [2]


def test_enforce_a_members_broken_treaty_with_an_outlaw_is_still_judged():
    state, p = world(compliance=(1.0, 1.0, 1.0, 0.0))
    state = concert(state, outlaw=(False, False, False, True))
    ev = Events.make(EventKind.ABANDONED, [0], [0], [3], 0.0)
    _, out = law.enforce(state, ev, p)
    got = Events.concat(out)
    assert got.actor[got.kind == int(EventKind.TREATY_BROKEN)].tolist() == [0]


def test_without_policing_a_members_aggression_is_not_sanctioned_jointly():
    # B and C allied to A and unbound: without policing, A's alliance shields it
    state, p = world(compliance=(0.0, 0.0, 0.0, 0.0), allied=ALL, concert_policing=False)
    state = concert(state)
    members, _ = law.coalition(state, np.array([0]), np.array([0]), np.array([0.8]), p,
                               np.array([law.TERRITORY]))
    assert not members[0].any()


def test_a_new_sanction_restarts_the_count_for_violator_and_sanctioners():
    state, p = world(compliance=(1.0, 1.0, 1.0, 0.0), norms=(0.8, 0.8))
    state = state.replace(sanction_left=np.array([[2, 2, 2, 2]]),
                          sanction_loss=np.array([[0.01, 0.01, 0.01, 0.05]]))
    ev = Events.make(EventKind.DEMAND, [0], [3], [2], 0.5)
    new, out = law.enforce(state, ev, p)
    got = Events.concat(out)
    sanctioners = got.actor[got.kind == int(EventKind.SANCTION)]
    assert len(sanctioners)
    # lift() counted every sanction down to 1 first; the new one sets the violator's and
    # its sanctioners' back to sanction_years, the others run on
    years = int(round(p.sanction_years))
    hit = [3, *sanctioners.tolist()]
    assert (new.sanction_left[0, hit] == years).all()
    rest = [k for k in range(4) if k not in hit]
    assert (new.sanction_left[0, rest] == 1).all()


def test_enforce_runs_the_settlement_given_the_map_and_prepare_records_the_owners():
    state, p, setting = _settle_world()
    grab = Events.make(EventKind.DEMAND, [0], [3], [2], 0.5)
    new, _ = law.enforce(state, grab, p, setting)
    assert new.seized[0, 5] == 2
    prepared, _ = law.prepare(concert(world()[0]), p, None)
    assert np.array_equal(prepared.held, prepared.owner)
    _, off = world(concert_armed=False)
    assert law.prepare(concert(world()[0]), off, None)[0].held is None


def test_the_engines_year_runs_the_concerts_settlement():
    from powerbalance.model.step import step

    scen = four()
    p = scen.make_params()
    setting = scen.setting(p)
    state = concert(scen.initial_state(p, setting, 0, [0]))
    after, _ = step(state, setting, p)
    # the year's owners were recorded and the settlement ran on them (seizures, mandates)
    assert after.seized is not None and after.mandate is not None
    off = dataclasses.replace(p, concert_armed=False)
    assert step(state, setting, off)[0].seized is None


# --- consultation issues the mandate ---------------------------------------------------

def test_consultation_issues_the_mandate_and_a_vetoed_member_is_sent_against_no_one():
    # the line A-B-C-D, D the outlaw: only C borders it
    state, p = world(law_restraint=False)
    state = concert(state, outlaw=(False, False, False, True))
    idle = Actions.passive(1, 4, 0.03)
    nobody = threats(-1, -1, -1, -1)
    # an idle C gets the mandate from the consultation
    assert law.consult(state, idle, nobody, p, mandate=True).attack[0].tolist() == [-1, -1, 3, -1]
    # C's own attack on B, which nobody assents to, is vetoed, and C is not sent instead
    vetoed = law.consult(state, _attacking(state, 2, 1), nobody, p, mandate=True)
    assert vetoed.attack[0].tolist() == [-1] * 4
    # without the mandate the consultation only vetoes
    assert law.consult(state, idle, nobody, p).attack[0].tolist() == [-1] * 4
    # the year's decisions: the vetoed C is not sent either
    _, override = law.prepare(state, p, None)
    obs = SimpleNamespace(state=state, top_threat=nobody)
    out = override(obs, _attacking(state, 2, 1))  # type: ignore[arg-type,misc]
    assert out.attack[0].tolist() == [-1] * 4
    # without consultation the mandate is the rule's: C, free after no veto, is sent
    _, alone = world(concert_consult=False, law_restraint=False)
    _, rule = law.prepare(state, alone, None)
    assert rule(obs, idle).attack[0].tolist() == [-1, -1, 3, -1]  # type: ignore[misc]


def _expansionist_member(**params: object):
    """The line A-B-C-D: A, B and C a concert allied in pairs (compliance 1), C a
    hegemon-seeker bordering the non-member D (Russia and the Ottomans in miniature)."""
    from tests.conftest import line_scenario

    strategies = ("status-quo", "status-quo", "hegemon-seeker", "status-quo")
    actors = [{"name": name, "provinces": [f"p{2 * k}", f"p{2 * k + 1}"],
               "capital": f"p{2 * k}", "strategy": strategies[k],
               **({"concert": True, "compliance": 1.0} if k < 3 else {})}
              for k, name in enumerate("ABCD")]
    return line_scenario(actors, provinces=8, params={"law": True, **params},
                         alliances=[["A", "B", 0.5], ["A", "C", 0.5], ["B", "C", 0.5]])


def test_an_expansionist_member_is_held_by_consultation_and_else_policed():
    from tests.conftest import event_rows, simulate_scenario

    def run(**overrides: object) -> tuple[np.ndarray, np.ndarray]:
        traj = simulate_scenario(_expansionist_member(), 30, worlds=20, overrides=overrides)
        demands, sanctions = event_rows(traj, "demand"), event_rows(traj, "sanction")
        by_c = demands[demands[:, 2] == 2]
        on_c = sanctions[(sanctions[:, 3] == 2) & (sanctions[:, 2] < 2)]  # A or B on C
        return by_c, on_c

    held, held_sanctions = run()
    free, policed = run(concert_consult=False)
    unpoliced = run(concert_consult=False, concert_policing=False)[1]
    # without consultation C attacks the others, its partners A and B among them; with it
    # the others never assent to a war on a member (none sees its partner as its top
    # threat), so C makes far fewer demands, all on the non-member D
    assert len(free) >= 40 and (free[:, 3] < 2).any()
    assert len(held) <= len(free) / 2
    assert (held[:, 3] == 3).all()
    # policing: C's aggression is sanctioned by its allies A and B, their alliance no
    # shield; without policing the alliance shields it
    assert len(policed) >= len(free) / 2
    assert len(unpoliced) == 0
    # an assented war on D is still aggression unless D is an outlaw: policed too
    assert len(held_sanctions) > 0


# --- deterrence: the concert's response expected in advance ---------------------------

def test_restraint_a_non_member_counts_the_expected_intervention_cost():
    from powerbalance.model.perception import reliability
    from powerbalance.model.victory import victory_probability

    # A, B and C the concert; D, bound (compliance 1), weighs an attack on C. D borders
    # only C, the executor the mandate would send: only C's force is expected
    state, p = world(shares=(0.15, 0.15, 0.45, 0.25), norms=(0.9, 0.9))
    state = concert(state).replace(frontier=np.ones((1, 4, 4), dtype=np.float32))
    sanction = 0.2 * 0.9 * 0.75                     # joint sanctions: 0.75 against 0.25
    force = 0.45 * reliability(state, p)[0, 2]      # the executor C: commitment 1 x reliability
    odds = float(victory_probability(np.array(force), np.array(0.25), p))
    joint = float(victory_probability(np.array(0.75 * reliability(state, p)[0, 0]),
                                      np.array(0.25), p))
    assert odds < joint
    base = float(state.base[0, 3])
    gain = 0.19                                     # above 0.2 x 0.9: no sanction alone stops it
    assert sanction < gain and sanction + odds * gain > gain
    _, q = world(norms=(0.9, 0.9), conquest_rate=gain * base)
    attack = _attacking(state, 3, 2)
    one, d = np.array([0]), np.array([3])
    cost = law.expected_intervention(state, one, d, np.array([gain]), q)
    assert cost[0] == pytest.approx(odds * gain)
    assert law.restrain(state, attack, q).attack[0, 3] == -1
    # without deterrence the sanction alone does not outweigh the gain: it attacks
    _, blind = world(norms=(0.9, 0.9), conquest_rate=gain * base, concert_deterrence=False)
    assert law.restrain(state, attack, blind).attack[0, 3] == 2
    assert law.expected_intervention(state, one, d, np.array([gain]), blind) is None
    # a member expects no intervention against itself (policing is sanctions)
    assert law.expected_intervention(state, one, np.array([0]), np.array([gain]), q)[0] == 0.0
    # a non-member the interveners together cannot contend with expects none either
    strong = state.replace(last_share=np.array([[0.1, 0.1, 0.1, 0.7]]))
    assert law.expected_intervention(strong, one, d, np.array([gain]), q)[0] == 0.0


def test_deterrence_counts_no_threat_the_mandate_would_not_carry_out():
    """Only the executor the mandate would send deters (Slantchev 2005: a self-enforcing
    expectation): where the members together could contend with D but the one that
    borders it could not alone, nothing is expected; likewise where that one is dead or
    no intervener (Troppau), and D's allies raise what it takes and lower the odds."""
    from powerbalance.model.mandate import expected_executor

    one, d, gain = np.array([0]), np.array([3]), np.array([0.19])
    state, p = world(shares=(0.15, 0.15, 0.45, 0.25), norms=(0.9, 0.9))
    state = concert(state).replace(frontier=np.ones((1, 4, 4), dtype=np.float32))
    cost = law.expected_intervention(state, one, d, gain, p)[0]
    assert cost > 0 and expected_executor(state, p)[0].tolist() == [-1, -1, -1, 2]
    # together 0.8 against 0.2, but C alone 0.1: no executor, no threat
    weak = state.replace(last_share=np.array([[0.35, 0.35, 0.1, 0.2]]))
    assert law.expected_intervention(weak, one, d, gain, p)[0] == 0.0
    assert expected_executor(weak, p)[0, 3] == -1
    # the executor dead: none sent, none expected
    dead = state.replace(alive=np.array([[True, True, False, True]]))
    assert law.expected_intervention(dead, one, d, gain, p)[0] == 0.0
    # the Troppau signatories A and B: C, a member but no intervener, is not sent
    troppau = state.replace(interveners=np.array([[True, True, False, False]]))
    assert law.expected_intervention(troppau, one, d, gain, p)[0] == 0.0
    assert expected_executor(troppau, p)[0, 3] == -1
    # D allied with A, a member that is no intervener (B and C are): A's share joins D's
    # side, so the odds and the cost fall, though C (0.45 >= 0.4) still contends
    two = state.replace(interveners=np.array([[False, True, True, False]]))
    allied = two.replace(alliance=np.array(two.alliance))
    allied.alliance[0, 0, 3] = allied.alliance[0, 3, 0] = 1.0
    alone = law.expected_intervention(two, one, d, gain, p)[0]
    with_ally = law.expected_intervention(allied, one, d, gain, p)[0]
    assert 0.0 < with_ally < alone
    assert expected_executor(allied, p)[0, 3] == 2


def _observed(deterrence: bool = True, allied=(), **params: object):
    from powerbalance.model.perception import Observation

    scen = four(**{"concert_deterrence": deterrence, **params})
    p = scen.make_params()
    setting = scen.setting(p)
    state = concert(scen.initial_state(p, setting, 0, [0]))
    alliance = np.zeros((1, 4, 4), dtype=np.float32)
    for i, j in allied:
        alliance[0, i, j] = alliance[0, j, i] = 1.0
    state = state.replace(alliance=alliance)
    return Observation(state, setting, p)


def test_deterrence_the_interveners_count_in_the_defence_against_a_non_member():
    one = np.array([0])
    blind, seen = _observed(False), _observed(True)
    # B's defence against D (outside the concert): the expected intervention of C, the
    # executor the mandate would send against D (the one intervener bordering it), alone
    own = blind.expected_defence(one, np.array([1]), np.array([3]))[0]
    help_ = (float(seen.ally_forces[0, 2]) * float(seen.reach[0, 2, 1])
             * float(seen._willing_against[0, 2, 3]))
    assert help_ > 0
    assert seen.expected_defence(one, np.array([1]), np.array([3]))[0] == pytest.approx(
        own + help_)
    # C's own defence against D: C is the executor, its forces already its own
    assert seen.expected_defence(one, np.array([2]), np.array([3]))[0] == pytest.approx(
        blind.expected_defence(one, np.array([2]), np.array([3]))[0])
    # D's own defence against a member gets nothing from the concert (it answers
    # non-members), nor does anyone's attack
    for obs in (seen, blind):
        assert obs.expected_defence(one, np.array([3]), np.array([0]))[0] == pytest.approx(
            blind.expected_defence(one, np.array([3]), np.array([0]))[0])
    assert seen.expected_offence(one, np.array([1]), np.array([3]))[0] == pytest.approx(
        blind.expected_offence(one, np.array([1]), np.array([3]))[0])
    # B's defence against the member A: no intervention expected
    assert seen.expected_defence(one, np.array([1]), np.array([0]))[0] == pytest.approx(
        blind.expected_defence(one, np.array([1]), np.array([0]))[0])
    # without law or without armed intervention there is nothing to expect
    for off in ({"law": False}, {"concert_armed": False}):
        other = _observed(True, **off)
        assert other.expected_defence(one, np.array([1]), np.array([3]))[0] == \
            pytest.approx(own)


def test_deterrence_in_a_war_under_way_counts_the_executors_forces_for_that_war():
    from powerbalance.model.perception import Observation

    one, b_, d = np.array([0]), np.array([1]), np.array([3])

    def busy(deterrence: bool) -> Observation:
        obs = _observed(deterrence)
        war_target = np.array(obs.state.war_target)
        war_target[0, 2] = 0                        # the executor C wages a war on A
        return Observation(obs.state.replace(war_target=war_target), obs.setting, obs.params)

    seen, blind = busy(True), busy(False)
    assert seen.forces_ongoing[0, 2] > seen.forces[0, 2]   # a new war would split it more
    for ongoing, forces in ((False, seen.ally_forces), (True, seen._ally_forces_ongoing)):
        help_ = (float(forces[0, 2]) * float(seen.reach[0, 2, 1])
                 * float(seen._willing_against[0, 2, 3]))
        assert seen.expected_defence(one, b_, d, ongoing)[0] == pytest.approx(
            blind.expected_defence(one, b_, d, ongoing)[0] + help_, rel=1e-12)


def test_deterrence_an_allied_intervener_counts_once_at_the_concerts_commitment():
    one = np.array([0])
    seen = _observed(True)
    allied = _observed(True, allied=[(1, 2)])
    # C allied to B (commitment 1): counted once, as the concert's, not twice
    assert allied.expected_defence(one, np.array([1]), np.array([3]))[0] == pytest.approx(
        seen.expected_defence(one, np.array([1]), np.array([3]))[0])
    # and the alliance itself is valued as before where the concert does not protect
    blind_allied = _observed(False, allied=[(1, 2)])
    assert allied.expected_defence(one, np.array([1]), np.array([0]))[0] == pytest.approx(
        blind_allied.expected_defence(one, np.array([1]), np.array([0]))[0])
    assert blind_allied.expected_defence(one, np.array([1]), np.array([3]))[0] > \
        _observed(False).expected_defence(one, np.array([1]), np.array([3]))[0]


def test_concert_deterrence_is_documented_with_its_sources():
    field = next(f for f in Params.fields() if f.name == "concert_deterrence")
    assert "Slantchev 2005" in field.metadata["source"]
    assert "Jervis 1985" in field.metadata["source"]
