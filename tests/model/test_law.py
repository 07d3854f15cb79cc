"""The law of nations (powerbalance.model.law): each rule, and the layer in the engine."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance.model import law
from powerbalance.model.events import EventKind, Events
from powerbalance.model.state import PAIR, WorldState
from powerbalance.model.step import step
from powerbalance.params import Params
from powerbalance.strategies.base import Actions
from tests.conftest import line_scenario, simulate_scenario

NAMES = ("A", "B", "C", "D")


def four(strategies: tuple[str, ...] = ("status-quo",) * 4, **params: object):
    """Four actors of two provinces each on a line A-B-C-D (A borders B only)."""
    actors = [{"name": name, "provinces": [f"p{2 * k}", f"p{2 * k + 1}"],
               "capital": f"p{2 * k}", "strategy": strategies[k]}
              for k, name in enumerate(NAMES)]
    return line_scenario(actors, provinces=8, params={"law": True, **params})


def world(shares=(0.25, 0.25, 0.25, 0.25), compliance=(1.0, 1.0, 1.0, 1.0),
          norms=(0.5, 0.5), allied=(), **params: object) -> tuple[WorldState, Params]:
    """One world of :func:`four` with the given capability shares, dispositions, norm
    strengths and alliances (pairs of actor indices)."""
    scen = four(**params)
    p = scen.make_params()
    state = scen.initial_state(p, scen.setting(p), 0, [0])
    alliance = np.zeros((1, 4, 4), dtype=PAIR)
    for i, j in allied:
        alliance[0, i, j] = alliance[0, j, i] = 1.0
    state = state.replace(last_share=np.array([shares], dtype=float),
                          compliance=np.array([compliance], dtype=float),
                          norms=np.array([norms], dtype=float), alliance=alliance)
    return state, p


def test_compliant_a_stronger_norm_binds_less_committed_actors():
    c = np.array([0.3, 0.5, 0.8])
    assert law.compliant(c, np.full(3, 0.5)).tolist() == [False, True, True]
    assert law.compliant(c, np.full(3, 0.8)).tolist() == [True, True, True]
    assert law.compliant(c, np.full(3, 0.1)).tolist() == [False, False, False]


def test_penalty_grows_with_norm_strength_and_the_coalitions_power():
    p = Params(sanction_penalty=0.2)
    one = np.ones(1)
    assert law.penalty(0.5 * one, one, one, p)[0] == pytest.approx(0.2 * 0.5 * 0.5)
    assert law.penalty(one, one, one, p)[0] == pytest.approx(2 * 0.05)
    assert law.penalty(0.5 * one, 3 * one, one, p)[0] == pytest.approx(0.2 * 0.5 * 0.75)
    assert law.penalty(0.5 * one, 0 * one, one, p)[0] == 0.0


def test_penalty_never_cuts_all_productivity_so_a_sanction_can_be_lifted():
    """A whole loss (penalty 1 against a violator of no capability) could never be undone:
    productivity times exp(-inf) is 0 and lifting it gives 0 * inf = nan."""
    p = Params(sanction_penalty=1.0)
    one = np.ones(1)
    cut = law.penalty(one, one, 0 * one, p)[0]
    assert cut == law.MAX_CUT < 1.0
    assert np.isfinite(np.log1p(-cut))
    assert law.penalty(0.5 * one, one, one, p)[0] == pytest.approx(0.25)  # below the cap


def test_coalition_the_compliant_non_allies_that_can_contend():
    state, p = world(shares=(0.4, 0.3, 0.2, 0.1), compliance=(0.0, 1.0, 1.0, 0.2),
                     law_free_riding=False)
    b, v, s = np.array([0]), np.array([0]), np.array([0.5])
    members, unpunishable = law.coalition(state, b, v, s, p)
    # D is not bound at strength 0.5 (0.2 < 0.5); B and C hold 0.5 >= A's 0.4.
    assert members[0].tolist() == [False, True, True, False]
    assert not unpunishable[0]
    # An ally of the violator never sanctions it.
    state2, _ = world(shares=(0.4, 0.3, 0.2, 0.1), compliance=(0.0, 1.0, 1.0, 0.2),
                      allied=[(0, 2)], law_free_riding=False)
    members, _ = law.coalition(state2, b, v, s, p)
    # B alone (0.3) cannot contend with A (0.4): nobody sanctions.
    assert not members[0].any()


def test_coalition_a_violator_stronger_than_every_coalition_is_unpunishable():
    state, p = world(shares=(0.6, 0.2, 0.1, 0.1))
    members, unpunishable = law.coalition(state, np.array([0]), np.array([0]),
                                          np.array([1.0]), p)
    assert unpunishable[0] and not members[0].any()
    state, p = world(shares=(0.45, 0.2, 0.2, 0.15))
    members, unpunishable = law.coalition(state, np.array([0]), np.array([0]),
                                          np.array([1.0]), p)
    assert not unpunishable[0] and members[0].sum() >= 2


def test_coalition_free_riders_leave_the_smallest_coalition_that_can_contend():
    shares = (0.2, 0.3, 0.3, 0.2)
    compliance = (0.0, 0.9, 0.8, 0.7)
    state, p = world(shares=shares, compliance=compliance)
    members, _ = law.coalition(state, np.array([0]), np.array([0]), np.array([0.5]), p)
    assert members[0].tolist() == [False, True, False, False]  # B alone contends with A
    state, p = world(shares=shares, compliance=compliance, law_free_riding=False)
    members, _ = law.coalition(state, np.array([0]), np.array([0]), np.array([0.5]), p)
    assert members[0].tolist() == [False, True, True, True]


def test_violations_are_demands_and_abandonments():
    ev = Events.concat([
        Events.make(EventKind.DEMAND, [0, 1], [2, 0], [1, 3], 0.4),
        Events.make(EventKind.WAR_BEGUN, [0], [2], [1]),
        Events.make(EventKind.ABANDONED, [1], [3], [1]),
        Events.make(EventKind.ALLY_CALLED, [1], [2], [1], 0.0),
    ])
    b, v, t, norm = law.violations(ev)
    rows = sorted(zip(b.tolist(), v.tolist(), t.tolist(), norm.tolist(), strict=True))
    assert rows == [(0, 2, 1, law.TERRITORY), (1, 0, 3, law.TERRITORY), (1, 3, 1, law.TREATY)]


def test_norms_grow_with_compliance_and_punishment_and_erode_with_impunity():
    p = Params(norm_growth=0.1, norm_erosion=0.2)
    s = np.full((1, 2), 0.5)
    none = np.zeros(0, dtype=np.int64)
    quiet = law.update_norms(s, none, none, np.zeros(0, bool), p)
    assert quiet[0].tolist() == pytest.approx([0.55, 0.55])
    b, k = np.array([0]), np.array([law.TERRITORY])
    punished = law.update_norms(s, b, k, np.array([True]), p)
    assert punished[0].tolist() == pytest.approx([0.55, 0.55])
    unpunished = law.update_norms(s, b, k, np.array([False]), p)
    assert unpunished[0].tolist() == pytest.approx([0.5 * 0.8, 0.55])
    half = law.update_norms(s, np.array([0, 0]), np.array([0, 0]), np.array([True, False]), p)
    assert half[0, 0] == pytest.approx((0.5 + 0.1 * 0.5 * 0.5) * 0.8)


def _attacking(state: WorldState, attacker: int, target: int) -> Actions:
    actions = Actions.passive(1, 4, 0.03)
    attack = np.full((1, 4), -1, dtype=np.int64)
    attack[0, attacker] = target
    return actions.replace(attack=attack)


def test_restraint_a_bound_actor_forgoes_an_attack_whose_sanction_exceeds_its_gain():
    # A's gain is conquest_rate x B's frontier over A's base; a sanction of up to 0.2 x
    # strength beats it when conquest_rate is small.
    state, p = world(compliance=(1.0, 1.0, 1.0, 1.0), norms=(0.9, 0.9), conquest_rate=0.01)
    state = state.replace(frontier=np.ones((1, 4, 4), dtype=np.float32))
    out = law.restrain(state, _attacking(state, 0, 1), p)
    assert out.attack[0, 0] == -1
    # Not bound (disposition 0): it attacks.
    free = state.replace(compliance=np.array([[0.0, 1.0, 1.0, 1.0]]))
    assert law.restrain(free, _attacking(free, 0, 1), p).attack[0, 0] == 1
    # A large gain: it attacks.
    _, greedy = world(conquest_rate=1.0)
    rich = state.replace(frontier=np.full((1, 4, 4), 100.0, dtype=np.float32))
    assert law.restrain(rich, _attacking(rich, 0, 1), greedy).attack[0, 0] == 1
    # Without sanctions nothing is expected: it attacks.
    _, lawless = world(conquest_rate=0.01, law_sanctions=False)
    assert law.restrain(state, _attacking(state, 0, 1), lawless).attack[0, 0] == 1


def test_enforce_costs_the_violator_and_the_sanctioners_and_records_events():
    state, p = world(shares=(0.25, 0.25, 0.25, 0.25), compliance=(0.0, 1.0, 1.0, 1.0),
                     norms=(1.0, 1.0), law_free_riding=False, sanction_penalty=0.2,
                     sanction_cost=0.5, sanction_hostility=1.0)
    ev = Events.make(EventKind.DEMAND, [0], [0], [1], 0.5)
    new, out = law.enforce(state, ev, p)
    got = Events.concat(out)
    aggression = got.kind == int(EventKind.AGGRESSION)
    expected = 0.2 * 1.0 * 0.75 / 1.0     # coalition 0.75 of 0.75 + 0.25
    assert got.value[aggression].tolist() == pytest.approx([expected])
    assert got.other[aggression].tolist() == [1]
    assert new.productivity[0, 0] == pytest.approx(state.productivity[0, 0] * (1 - expected))
    for k in (1, 2, 3):
        assert new.productivity[0, k] == pytest.approx(
            state.productivity[0, k] * (1 - 0.5 * expected))
        assert new.hostility[0, k, 0] == pytest.approx(state.hostility[0, k, 0] + 1.0)
    sanction = got.kind == int(EventKind.SANCTION)
    assert sorted(got.actor[sanction].tolist()) == [1, 2, 3]
    assert (got.other[sanction] == 0).all()
    assert new.norms[0, law.TERRITORY] > state.norms[0, law.TERRITORY] - 1e-12
    # Unpunishable: value -1, nothing paid, the norm erodes.
    strong, p2 = world(shares=(0.7, 0.1, 0.1, 0.1), compliance=(0.0, 1.0, 1.0, 1.0),
                       norms=(0.5, 0.5))
    new, out = law.enforce(strong, ev, p2)
    got = Events.concat(out)
    assert got.value[got.kind == int(EventKind.AGGRESSION)].tolist() == [law.UNPUNISHABLE]
    assert (new.productivity == strong.productivity).all()
    assert new.norms[0, law.TERRITORY] < 0.5


def test_dispositions_come_from_their_own_stream_and_scenario_values_are_kept():
    scen = four()
    p = scen.make_params()
    state = scen.initial_state(p, scen.setting(p), 0, np.arange(200))
    drawn = law.initialise(state, p).compliance
    assert drawn.shape == (200, 4) and 0.4 < drawn.mean() < 0.6
    assert drawn.min() >= 0.0 and drawn.max() <= 1.0
    fixed = state.replace(compliance=np.where(np.arange(4) == 0, 0.9, np.nan)[None]
                          .repeat(200, axis=0))
    kept = law.initialise(fixed, p).compliance
    assert (kept[:, 0] == 0.9).all() and (kept[:, 1:] == drawn[:, 1:]).all()


def test_step_restrains_and_judges_when_law_is_on():
    # A hegemon-seeker A against a weak B, everyone bound and a strong norm: the
    # restraint removes A's demands that a tiny gain would not justify.
    scen = four(("hegemon-seeker", "status-quo", "status-quo", "status-quo"))
    over = {"conquest_rate": 0.01, "norm_start": 1.0, "compliance_mean": 1.0,
            "compliance_spread": 0.0}
    restrained = simulate_scenario(scen, years=30, worlds=20, seed=3, overrides=over)
    free = simulate_scenario(scen, years=30, worlds=20, seed=3,
                             overrides={**over, "law_restraint": False})
    demands = [int((t.events.kind == int(EventKind.DEMAND)).sum()) for t in (restrained, free)]
    assert demands[0] < demands[1]
    aggression = int((free.events.kind == int(EventKind.AGGRESSION)).sum())
    assert aggression == demands[1]   # every demand is judged
    assert free.norms is not None and free.norms.shape == (31, 20, 2)


def test_law_off_is_the_null_and_law_on_is_batch_invariant():
    scen = four(("hegemon-seeker", "external-balancer", "jackal", "status-quo"))
    off = simulate_scenario(scen, years=40, worlds=4, seed=5, overrides={"law": False})
    assert not np.isin(off.events.kind, [int(k) for k in law.VIOLATION_KINDS]).any()
    assert off.norms is None
    on = simulate_scenario(scen, years=40, worlds=4, seed=5)
    alone = simulate_scenario(scen, years=40, worlds=1, seed=5, first_world=2)
    assert (on.share[:, 2] == alone.share[:, 0]).all()
    assert (on.norms[:, 2] == alone.norms[:, 0]).all()


def test_step_never_mutates_its_input_with_law_on():
    scen = four(("hegemon-seeker", "external-balancer", "jackal", "status-quo"))
    p = scen.make_params()
    setting = scen.setting(p)
    state = scen.initial_state(p, setting, 1, np.arange(3))
    for _ in range(5):
        before = {k: np.copy(v) for k, v in state.__dict__.items() if isinstance(v, np.ndarray)}
        state2, _ = step(state, setting, p)
        for k, v in before.items():
            assert np.array_equal(getattr(state, k), v, equal_nan=True), k
        state = state2


# --- the field review: ratio, the violator's allies, free-riders, lifting, enforceability ---

def test_coalition_must_contend_at_contend_ratio_with_the_violator_and_its_allies():
    b, v, s = np.array([0]), np.array([0]), np.array([1.0])
    shares = (0.3, 0.3, 0.2, 0.2)
    state, p = world(shares=shares, law_free_riding=False)
    members, unpunishable = law.coalition(state, b, v, s, p)
    assert not unpunishable[0] and members[0].tolist() == [False, True, True, True]
    # 0.7 against 2.5 x 0.3: nobody can contend on those terms
    state, p = world(shares=shares, law_free_riding=False, contend_ratio=2.5)
    members, unpunishable = law.coalition(state, b, v, s, p)
    assert unpunishable[0] and not members[0].any()
    # A (0.35) with its ally B (0.2) against C and D (0.45): unpunishable, though the
    # others outweigh A alone and A's ally is no sanctioner
    state, p = world(shares=(0.35, 0.2, 0.25, 0.2), allied=[(0, 1)])
    members, unpunishable = law.coalition(state, b, v, s, p)
    assert unpunishable[0] and not members[0].any()


def test_enforce_only_the_smallest_coalition_pays_and_resents_and_its_might_is_the_penalty():
    state, p = world(shares=(0.2, 0.3, 0.3, 0.2), compliance=(0.0, 0.9, 0.8, 0.7),
                     norms=(0.5, 0.5), sanction_penalty=0.2, sanction_cost=0.5,
                     sanction_hostility=1.0)
    ev = Events.make(EventKind.DEMAND, [0], [0], [1], 0.5)
    new, out = law.enforce(state, ev, p)
    got = Events.concat(out)
    expected = 0.2 * 0.5 * 0.3 / (0.3 + 0.2)     # B alone: 0.3 against A's 0.2
    assert got.value[got.kind == int(EventKind.AGGRESSION)].tolist() == pytest.approx([expected])
    assert got.actor[got.kind == int(EventKind.SANCTION)].tolist() == [1]
    assert new.productivity[0, 1] == pytest.approx(state.productivity[0, 1] * (1 - 0.5 * expected))
    for free_rider in (2, 3):
        assert new.productivity[0, free_rider] == state.productivity[0, free_rider]
        assert new.hostility[0, free_rider, 0] == state.hostility[0, free_rider, 0]
    # the grievance is sanction_hostility times the norm's strength (0.5)
    assert new.hostility[0, 1, 0] == pytest.approx(state.hostility[0, 1, 0] + 0.5)


def test_a_sanction_is_lifted_after_sanction_years():
    state, p = world(compliance=(0.0, 1.0, 1.0, 1.0), norms=(1.0, 1.0),
                     law_free_riding=False, sanction_years=2.0)
    before = state.productivity.copy()
    state, _ = law.enforce(state, Events.make(EventKind.DEMAND, [0], [0], [1], 0.5), p)
    assert (state.productivity < before).all()
    quiet = Events.concat([])
    state, _ = law.enforce(state, quiet, p)   # the second year under sanctions
    assert (state.productivity < before).all()
    state, _ = law.enforce(state, quiet, p)   # lifted
    assert state.productivity == pytest.approx(before, rel=1e-12)
    assert not state.sanction_left.any() and not state.sanction_loss.any()


def test_norms_erode_once_per_unpunished_violation_and_grow_only_as_far_as_enforceable():
    p = Params(norm_growth=0.1, norm_erosion=0.2)
    s = np.full((1, 2), 0.5)
    b, k = np.array([0, 0]), np.array([law.TERRITORY, law.TERRITORY])
    twice = law.update_norms(s, b, k, np.array([False, False]), p)
    assert twice[0, law.TERRITORY] == pytest.approx(0.5 * 0.8 * 0.8)
    none = np.zeros(0, dtype=np.int64)
    half = law.update_norms(s, none, none, np.zeros(0, bool), p, np.array([[0.5, 0.0]]))
    assert half[0].tolist() == pytest.approx([0.5 + 0.1 * 0.5 * 0.5, 0.5])


def test_enforceable_share_of_bound_actors_that_could_be_punished():
    # bound: A and B (C and D have disposition 0 at strength 0.5); B alone (0.3) cannot
    # punish A (0.4), A can punish B: half of the compliance is enforceable
    state, p = world(shares=(0.4, 0.3, 0.2, 0.1), compliance=(1.0, 1.0, 0.0, 0.0))
    assert law.enforceable(state, p)[0].tolist() == pytest.approx([0.5, 0.5])
    state, p = world(shares=(0.4, 0.3, 0.2, 0.1), compliance=(1.0, 1.0, 1.0, 0.0))
    assert law.enforceable(state, p)[0].tolist() == pytest.approx([1.0, 1.0])
    # a hegemon no coalition can punish: nothing is enforceable, though all are bound
    state, p = world(shares=(0.6, 0.2, 0.1, 0.1))
    assert law.enforceable(state, p)[0].tolist() == [0.0, 0.0]


def test_quiet_years_reaffirm_the_law_under_a_balance_but_not_under_a_hegemon():
    quiet = Events.concat([])
    balanced, p = world(shares=(0.25, 0.25, 0.25, 0.25), norm_growth=0.1)
    assert (law.enforce(balanced, quiet, p)[0].norms > 0.5).all()
    hegemony, p = world(shares=(0.6, 0.2, 0.1, 0.1), norm_growth=0.1)
    assert (law.enforce(hegemony, quiet, p)[0].norms == 0.5).all()


def test_restraint_forgoes_exactly_when_the_expected_sanction_exceeds_the_gain():
    state, p = world(norms=(0.9, 0.9))
    state = state.replace(frontier=np.ones((1, 4, 4), dtype=np.float32))
    # smallest coalition B (0.25) against A (0.25): 0.2 x 0.9 x 0.5
    expected = 0.2 * 0.9 * 0.5
    base = float(state.base[0, 0])
    for ratio, forgone in ((0.5, True), (2.0, False)):
        _, q = world(norms=(0.9, 0.9), conquest_rate=ratio * expected * base)
        out = law.restrain(state, _attacking(state, 0, 1), q)
        assert (out.attack[0, 0] == -1) == forgone, ratio


@pytest.mark.parametrize("n", [1, 3, 7, 8, 13, 15, 16, 31])
def test_allies_totals_add_in_increasing_actor_index_by_the_loop_and_the_product(
        n, monkeypatch):
    """Each actor's allies' total is the sum of its allies' rows in increasing index, from
    0.0 (an asymmetric commitment counts both ways, an actor is no ally of itself), whether
    the loop over actors or the matrix product computes it: the same numbers bit for bit."""
    rng = np.random.default_rng(n)
    batch = 50
    x = rng.random((3, n, 50)) ** 3 * (rng.random((3, n, 50)) < 0.8)
    alliance = np.where(rng.random((batch, n, n)) < 0.4, rng.random((batch, n, n)),
                        0.0).astype(PAIR)
    expected = np.zeros_like(x)
    for b in range(batch):
        for j in range(n):
            for i in range(n):
                if i != j and (alliance[b, i, j] > 0 or alliance[b, j, i] > 0):
                    expected[:, j, b] += x[:, i, b]
    for loop_max in (0, 100):  # the product, then the loop
        monkeypatch.setattr(law, "ALLIES_LOOP_MAX", loop_max)
        got = law.allies_totals(x, alliance)
        assert got.shape == x.shape and got.tobytes() == np.ascontiguousarray(expected).tobytes()
    assert expected.any() == (n > 1)  # one actor has no ally
