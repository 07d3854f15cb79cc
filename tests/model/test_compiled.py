"""The compiled engine is bit-identical to the NumPy reference.

Every bundled scenario and several strategy mixes and settings (serial activation,
technology growth, sea links, renormalisation) run a few worlds for a few decades with
both engines; every recorded array, every event and campaign row and every field of the
final state must agree bit for bit.
"""

from __future__ import annotations

import dataclasses
import sys

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.experiments.runner import Trajectory, simulate
from powerbalance.model.engines import check_engine
from powerbalance.model.state import WorldState
from powerbalance.scenarios import available, load

pytest.importorskip("numba")

BUNDLED = [name for name, _ in available() if name not in ("random", "cow")]
MIXES = [
    ("random:actors=12,seed=3", {}),
    ("random:actors=30,seed=5,mix=hegemon-seeker:1+balker:1+jackal:1", {}),
    ("random:actors=20,seed=7,mix=penetrator:1+wedger:1+bandwagoner:1", {}),
    ("random:actors=16,seed=9,mix=buck-passer:1+offshore-balancer:1+external-balancer:1",
     {"update_order": "serial"}),
    ("warring-states", {"technology_growth": 0.01}),
    ("warring-states", {"growth_rate": 0.5, "growth_persistence": 0.5}),
    ("random:actors=25,seed=11,mix=status-quo:1+internal-balancer:1",
     {"gradient": "exponential"}),
    ("napoleon-1805", {"law": True}), ("warring-states", {"law": True}),
]


def _run(spec: str, overrides: dict, engine: str, years: int = 40,
         worlds: int = 3) -> Trajectory:
    scenario = load(spec)
    params = scenario.make_params(overrides)
    setting = scenario.setting(params)
    return simulate(scenario, params, setting, 2026, np.arange(worlds), years, engine=engine,
                    map_worlds=[0])


def _lived_in(spec: str, overrides: dict, worlds: int = 3) -> tuple:
    """The params, setting and final state of ``worlds`` worlds (seed 7) after 30 years of
    history: alliances, hostility, trends and wars to observe."""
    scenario = load(spec)
    params = scenario.make_params(overrides)
    setting = scenario.setting(params)
    state = simulate(scenario, params, setting, 7, np.arange(worlds), 30, record="final")
    return params, setting, state.final_state


def _observations(state: WorldState, setting, params) -> tuple:
    """The reference and the compiled Observation of ``state`` (its last shares)."""
    from powerbalance.model.perception import Observation

    return (Observation(state, setting, params, share=state.last_share),
            Observation(state, setting.with_engine("compiled"), params, share=state.last_share))


def _arrays(traj: Trajectory) -> dict[str, np.ndarray]:
    """Every array of a trajectory, the final state's fields and the event columns."""
    out: dict[str, np.ndarray] = {}
    for field in dataclasses.fields(traj):
        value = getattr(traj, field.name)
        if isinstance(value, np.ndarray):
            out[field.name] = value
        elif isinstance(value, WorldState):
            for name, array in value.__dict__.items():
                if isinstance(array, np.ndarray):
                    out[f"final_state.{name}"] = array
        elif dataclasses.is_dataclass(value):
            for sub in dataclasses.fields(value):
                out[f"{field.name}.{sub.name}"] = getattr(value, sub.name)
    return out


def _assert_bit_identical(spec: str, overrides: dict, **kw: int) -> Trajectory:
    ref, got = _run(spec, overrides, "numpy", **kw), _run(spec, overrides, "compiled", **kw)
    a, b = _arrays(ref), _arrays(got)
    assert a.keys() == b.keys()
    assert len(a) > 30
    for name in a:
        x, y = np.ascontiguousarray(a[name]), np.ascontiguousarray(b[name])
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert x.tobytes() == y.tobytes(), f"{spec} {overrides}: {name} differs"
    return ref


@pytest.mark.parametrize("name", BUNDLED)
def test_every_bundled_scenario_is_bit_identical(name):
    _assert_bit_identical(name, {})


@pytest.mark.parametrize(("spec", "overrides"), MIXES)
def test_strategy_mixes_and_settings_are_bit_identical(spec, overrides):
    _assert_bit_identical(spec, overrides)


#: Runs in which every part of the compiled war phase (model/compiled_war.py) is exercised,
#: with the event kinds each must show: wars, conquests, concessions, deaths and wars ended
#: everywhere, allies fighting where alliances hold; mutual nuclear war in the Cold War, a
#: first use on a non-nuclear enemy (the taboo's failure) in the unipolar world; fallen
#: capitals that kill (capital_loss_kills), also under serial activation (several war
#: passes a year).
WARRING = [
    ("cold-war-1950", {}, ("NUCLEAR_WAR", "WAR_JOINED")),
    ("unipolar-2000", {"nuclear_escalation": 0.6, "taboo_restraint": 0.3},
     ("NUCLEAR_WAR", "NUCLEAR_TABOO")),
    ("europe-1939", {"capital_loss_kills": True}, ("WAR_JOINED",)),
    ("random:actors=30,seed=5,mix=hegemon-seeker:1+balker:1+jackal:1",
     {"capital_loss_kills": True, "update_order": "serial"}, ()),
]


@pytest.mark.parametrize(("spec", "overrides", "kinds"), WARRING)
def test_the_war_phase_is_bit_identical_where_wars_conquer_kill_and_go_nuclear(spec, overrides,
                                                                                kinds):
    from powerbalance.model.events import EventKind

    ref = _assert_bit_identical(spec, overrides)
    for kind in ("WAR_BEGUN", "CONQUEST", "CONCESSION", "DEATH", "WAR_ENDED", *kinds):
        assert (ref.events.kind == int(EventKind[kind])).sum() > 0, kind
    assert (ref.final_state.war_loss > 0).any()  # war damage left to regain (the phoenix)


@pytest.mark.parametrize(("spec", "overrides"), [("cold-war-1950", {}), MIXES[1]])
def test_compiled_recovery_is_the_reference_one(spec, overrides):
    """The phoenix factor's compiled pass (war._recover) gives the reference's productivity
    and remaining war losses on a state with wars under way and losses to regain."""
    from powerbalance.model.war import _principals, _recover

    params, setting, state = _lived_in(spec, overrides)
    # A war under way between two actors with losses (its principals regain nothing).
    hurt_b, hurt_i = np.nonzero(state.war_loss > 0)
    war_target = state.war_target.copy()
    war_target[hurt_b[0], hurt_i[0]] = (
        hurt_i[1] if hurt_b[1] == hurt_b[0] else (hurt_i[0] + 1) % state.n_actors)
    state = state.replace(war_target=war_target)
    peace = ~_principals(state.war_target)
    assert (state.war_loss[peace] > 0).any() and (state.war_loss[~peace] > 0).any()
    ref = _recover(state, params, True, "numpy")
    got = _recover(state, params, True, "compiled")
    for x, y in zip(ref, got, strict=True):
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert (ref[1] < state.war_loss).any()  # something was regained


def test_a_run_that_conquers_exercises_the_compiled_borders():
    """The comparison is not vacuous: worlds die and borders move in it."""
    traj = _run(*MIXES[1], "compiled")
    assert (~traj.alive[-1]).sum() > 10
    assert (traj.territory[-1] != traj.territory[0]).any()


def test_unknown_engine_is_a_clear_input_error():
    with pytest.raises(InputError, match="engine"):
        check_engine("fortran")
    assert check_engine("compiled") == "compiled"


def test_compiled_engine_without_numba_is_a_clear_input_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "numba", None)  # import numba now raises ImportError
    with pytest.raises(InputError, match="needs numba"):
        check_engine("compiled")


def test_cli_engine_switch(tmp_path, capsys):
    from powerbalance.cli import main

    assert main(["run", "warring-states", "--years", "3", "--engine", "fortran"]) == 2
    assert "engine" in capsys.readouterr().err
    out = tmp_path / "run"
    assert main(["run", "warring-states", "--years", "3", "--worlds", "2", "--engine",
                 "compiled", "--out", str(out)]) == 0
    assert (out / "actors.parquet").exists()


def test_compiled_engine_is_batch_invariant():
    """World k alone equals world k of a batch (the burial's one-world shortcut included)."""
    scenario = load(MIXES[0][0])
    params = scenario.make_params()
    setting = scenario.setting(params)
    batch = simulate(scenario, params, setting, 2026, np.arange(3), 40, engine="compiled")
    for k in range(3):
        alone = simulate(scenario, params, setting, 2026, [k], 40, engine="compiled")
        for name in ("share", "wealth", "military", "territory", "alive"):
            assert getattr(alone, name)[:, 0].tobytes() == getattr(batch, name)[:, k].tobytes()


OBSERVED = [
    ("warring-states", {}),
    ("vienna-1815", {}),
    ("random:actors=30,seed=5,mix=hegemon-seeker:1+balker:1+jackal:1", {"misperception": 0.0}),
    ("europe-1713", {"trend_horizon": 5.0, "hostility_weight": 0.7}),
    ("two-continents", {"amphibious_overseas": False, "technology_growth": 0.01}),
    # The Mongols' own mobility makes reach_in (power arriving) differ from reach (power sent).
    ("mongol-steppe-1206", {}),
    # Enough actors for the observation kernel's row by row pass (its top threats with it:
    # compiled_kernels.ROW_OBSERVATION) and for the passed threats' rows of many allies.
    ("random:actors=60,seed=3", {}),
]


@pytest.mark.parametrize(("spec", "overrides"), OBSERVED)
def test_compiled_perception_is_bit_identical_on_a_lived_in_state(spec, overrides):
    """The compiled Observation (errors, perceived capabilities, threats) and its side
    estimates (every kind, memo included) equal the reference on a state after 30 years
    of history (alliances, hostility, trends, wars), for random queries with repeats."""
    params, setting, state = _lived_in(spec, overrides)
    ref, got = _observations(state, setting, params)
    if setting.mobility is not None:   # the check must see power sent differ from arriving
        assert (ref.reach_in != ref.reach).any()
    for name in ("noise", "perceived", "threat"):
        x, y = getattr(ref, name), getattr(got, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert x.tobytes() == y.tobytes(), f"{spec}: {name} differs"
    assert ref.allied == got.allied
    draw = np.random.default_rng(0)
    n = state.n_actors
    b, j, e = draw.integers(0, 3, 400), draw.integers(0, n, 400), draw.integers(0, n, 400)
    for offence in (False, True):
        for ongoing in (False, True):
            for _ in range(2):  # the second pass reads the memo
                x = ref._side(b, j, e, offence, ongoing)
                y = got._side(b, j, e, offence, ongoing)
                assert x.dtype == y.dtype and x.tobytes() == y.tobytes(), (offence, ongoing)
    assert (ref.expected_defence(b, j, e) > 0).any()


def test_compiled_any_set_is_the_reference_test():
    """The compiled early-exit test of a large array answers as state.any_set: NaN counts,
    -0.0 does not, wherever the first such element lies (block edges included)."""
    from powerbalance.model import compiled
    from powerbalance.model.state import any_set

    for size in (10, 5000, 100_000):
        for at in {min(x, size - 1) for x in (0, 511, 512, size - 1)}:
            for value in (0.0, -0.0, 1e-30, -2.0, np.nan, np.inf):
                for dtype in (np.float32, np.float64):
                    a = np.zeros(size, dtype=dtype)
                    a[at] = value
                    assert compiled.any_set(a) == any_set(a), (size, at, value, dtype)
                    cube = a[: size - size % 100].reshape(-1, 10, 10)
                    assert compiled.any_set(cube) == any_set(cube)


def test_compiled_uniform_at_draws_the_reference_numbers():
    """The compiled single-uniform draw hashes the same counters as rng.uniform_at (even and
    odd elements, sub-streams, an empty request) and checks the same counter layout."""
    from powerbalance import rng
    from powerbalance.model import compiled

    keys = rng.world_keys(5, range(100))
    draw = np.random.default_rng(0)
    for sub in (0, 3):
        for size in (0, 1, 7, 3000):
            worlds, elements = draw.integers(0, 100, size), draw.integers(0, 1 << 25, size)
            ref = rng.uniform_at(keys[worlds], 123, rng.Stream.CLAIM, elements, sub=sub)
            got = compiled.uniform_at(keys[worlds], 123, rng.Stream.CLAIM, elements, sub=sub)
            assert ref.dtype == got.dtype and ref.tobytes() == got.tobytes()
    with pytest.raises(ValueError, match="counter layout"):
        compiled.uniform_at(keys[:1], 1, rng.Stream.CLAIM, [1 << 25])


@pytest.mark.parametrize(("spec", "overrides"),
                         [OBSERVED[0], OBSERVED[1], OBSERVED[3], OBSERVED[-1]])
def test_compiled_passed_threats_are_the_reference_ones(spec, overrides):
    """The compiled check of which alliances' threats have passed (diplomacy._passed) gives
    the reference's (world, actor, ally) rows, in order, for every live actor asking."""
    from powerbalance.model.diplomacy import _passed
    from powerbalance.model.perception import Observation

    params, setting, state = _lived_in(spec, overrides)
    bw, actor = np.nonzero(state.alive)
    ref = _passed(state, Observation(state, setting, params), params, bw, actor)
    got = _passed(state, Observation(state, setting.with_engine("compiled"), params), params,
                  bw, actor)
    for x, y in zip(ref, got, strict=True):
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert (state.alliance > 0).any()  # alliances to examine (vienna-1815 ends some)


@pytest.mark.parametrize(("spec", "overrides"), [
    OBSERVED[0], OBSERVED[1], ("europe-1713", {"distrust_threshold": 0.05}),
    # Enough actors for allies_of_kernel's fill of the rows with allies only.
    ("random:actors=60,seed=3", {})])
def test_compiled_allies_and_balancing_partners_are_the_reference_ones(spec, overrides):
    """The compiled CSR of live allies (Observation._allies_of) and the compiled balancing
    partner (strategies.common.balancing_partner, distrust included) equal the reference's
    for every live actor of a lived-in state."""
    from powerbalance.strategies.common import balancing_partner, memory_peak

    params, setting, state = _lived_in(spec, overrides)
    if "distrust_threshold" in overrides:   # remembered abandonments, some above it
        draw = np.random.default_rng(1).uniform(0.0, 0.1, state.abandonment.shape)
        state = state.replace(abandonment=draw.astype(state.abandonment.dtype))
    ref, got = _observations(state, setting, params)
    for x, y in zip(ref._allies_of, got._allies_of, strict=True):
        assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert len(ref._allies_of[1]) > 0
    bw, i = np.nonzero(state.alive)
    x, y = balancing_partner(ref, bw, i), balancing_partner(got, bw, i)
    assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert (x >= 0).any()
    if "distrust_threshold" in overrides:   # the distrust filter is exercised
        from powerbalance.model import compiled_war

        assert memory_peak(ref) >= params.distrust_threshold
        assert (compiled_war.balancing_partner(got, bw, i, None) != x).any()


@pytest.mark.parametrize("engine", ["numpy", "compiled"])
def test_a_year_leaves_the_previous_state_untouched_where_some_worlds_change(engine):
    """The burial writes only new arrays and shares only unchanged ones: after a year in
    which some worlds of the batch conquer, lose actors and move capitals and others do
    not, every array of the previous state holds the bits it held before."""
    from powerbalance.model.events import EventKind
    from powerbalance.model.step import step

    scenario = load("warring-states")
    params = scenario.make_params({"capital_loss_kills": True})
    setting = scenario.setting(params).with_engine(engine)
    state = simulate(scenario, params, setting, 3, np.arange(12), 5,
                     record="final").final_state
    kinds = set()
    partial = shared = 0
    for _ in range(12):
        before = {k: np.copy(v) for k, v in state.__dict__.items() if isinstance(v, np.ndarray)}
        new, record = step(state, setting, params)
        for name, array in before.items():
            assert getattr(state, name).tobytes() == array.tobytes(), name
        moved = (new.owner != state.owner).any(axis=1)
        partial += bool(moved.any() and not moved.all())
        shared += bool(moved.any() and new.alive is state.alive)
        kinds |= set(record.events.kind.tolist())
        state = new
    assert partial > 0   # years in which some worlds changed and others did not
    assert shared > 0    # and years of conquests that killed nobody shared the survivors
    assert {int(EventKind.CONQUEST), int(EventKind.DEATH)} <= kinds


@pytest.mark.parametrize("engine", ["numpy", "compiled"])
def test_a_crisis_recorded_copies_the_shared_deterred_targets_first(engine):
    """With no crisis standing, a year shares the previous state's ``deterred_target`` (all
    -1) instead of filling a new one; a year in which an attacker stands down (nuclear
    deterrence holds) copies it first: the previous state keeps every bit."""
    from powerbalance.model.events import EventKind
    from powerbalance.model.step import step

    scenario = load("cold-war-1950")
    params = scenario.make_params()
    setting = scenario.setting(params).with_engine(engine)
    state = simulate(scenario, params, setting, 3, np.arange(12), 1,
                     record="final").final_state
    copied = 0
    for _ in range(6):
        before = {k: np.copy(v) for k, v in state.__dict__.items() if isinstance(v, np.ndarray)}
        none_standing = bool((state.deterred_target < 0).all())
        new, record = step(state, setting, params)
        for name, array in before.items():
            assert getattr(state, name).tobytes() == array.tobytes(), name
        held = (record.events.kind == int(EventKind.DETERRENCE_HELD)).any()
        copied += bool(none_standing and held)
        state = new
    assert copied > 0   # a crisis recorded into a year that began with none standing

    quiet = load("warring-states")   # no nuclear power: no crisis ever stands
    params = quiet.make_params()
    setting = quiet.setting(params).with_engine(engine)
    state = simulate(quiet, params, setting, 3, np.arange(4), 2, record="final").final_state
    new, _ = step(state, setting, params)
    assert new.deterred_target is state.deterred_target


def test_the_burial_is_bit_identical_on_a_batch_of_which_some_worlds_change():
    """Twelve worlds with sea links and fallen capitals that kill: the compiled burial's
    shared and merged arrays (alive, wealth, adjacency, land adjacency, frontier, alliances)
    equal the reference's where only some worlds' borders change in a year."""
    _assert_bit_identical("europe-1939", {"capital_loss_kills": True}, worlds=12, years=30)

def test_a_batch_larger_than_the_hegemon_kernels_chunk_is_bit_identical():
    """The hegemon-seeker's decision kernel takes its rows in chunks
    (compiled_hegemon._CHUNK); a batch of more worlds than a chunk, not a multiple of it,
    runs several chunks and a short last one, and equals the reference bit for bit."""
    from powerbalance.strategies import compiled_hegemon

    worlds = 2 * compiled_hegemon._CHUNK + 37
    _assert_bit_identical("warring-states", {}, worlds=worlds, years=12)


#: Lived-in states for the strategies' compiled kernels (strategies/compiled.py), with the
#: hegemon-seeker's rules switched: its "odds" rule, the exit from every alliance at once,
#: a permanent loss (no phoenix factor), no damage weight, turned seekers that wedge.
SEEKERS = [
    ("warring-states", {}),
    ("warring-states", {"seeker_rule": "odds", "seeker_exit": "all"}),
    ("random:actors=12,seed=4,mix=hegemon-seeker:3+wedger:1+external-balancer:1",
     {"seeker_wedges": True, "seeker_spares_until": 0.1, "phoenix_rate": 0.0}),
    ("random:actors=20,seed=7,mix=hegemon-seeker:1+wedger:1+bandwagoner:1",
     {"seeker_damage_weight": 0.0, "phoenix_rate": 1.0}),
]


@pytest.mark.parametrize(("spec", "overrides"), SEEKERS)
def test_compiled_seeker_targets_and_wedges_are_the_reference_ones(spec, overrides):
    """The hegemon-seeker's compiled targets (candidates, expected net gain, first maximum,
    attack rule) and the compiled wedge target (strategies.common.wedge_target) equal the
    reference's for every live actor of a lived-in state, turned or not."""
    from powerbalance.strategies.common import wedge_target
    from powerbalance.strategies.hegemon_seeker import compiled_targets, reference_targets

    params, setting, state = _lived_in(spec, overrides, worlds=4)
    ref, got = _observations(state, setting, params)
    bw, i = np.nonzero(state.alive)
    for turned in (ref.share[bw, i] >= params.seeker_spares_until,
                   np.arange(len(bw)) % 2 == 0):
        gw, gi, gj = reference_targets(ref, bw, i, turned)
        target = compiled_targets(got, bw, i, turned)
        expected = np.full(len(bw), -1)
        expected[np.flatnonzero(np.isin(bw * state.n_actors + i,
                                        gw * state.n_actors + gi))] = gj
        assert target.dtype == np.int64 and target.tolist() == expected.tolist()
        assert (target >= 0).any() and (target < 0).any()
    x, y = wedge_target(ref, bw, i), wedge_target(got, bw, i)
    assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    # Without alliances every coalition is still forming: its members are free to be paid.
    loose = state.replace(alliance=np.zeros_like(state.alliance))
    ref, got = _observations(loose, setting, params)
    x, y = wedge_target(ref, bw, i), wedge_target(got, bw, i)
    assert x.dtype == y.dtype and x.tobytes() == y.tobytes()
    assert (x >= 0).any() and (x < 0).any()


#: The hegemon-seeker's whole decision (strategies/compiled_hegemon.py) on lived-in states:
#: the rules switched as in SEEKERS, a victory function the one kernel does not cover (the
#: several-kernel path), and sea links with a concert's deterrent (amphibious factors and the
#: executor's help in the side estimates).
DECISIONS = [*SEEKERS,
             ("warring-states", {"victory_function": "logistic"}),
             ("random:actors=12,seed=4,mix=hegemon-seeker:3+wedger:1+external-balancer:1",
              {"seeker_spares_until": 0.1, "seeker_exit": "all", "seeker_rule": "odds"}),
             ("europe-1713", {"law": True, "concert_armed": True, "concert_deterrence": True})]


def test_compiled_seeker_decisions_are_the_reference_ones():
    """Every live actor deciding as a hegemon-seeker: the compiled decision (one kernel for
    the stakes, the preventive motive and the wedge, or the several kernels of
    compiled_targets) gives the reference's actions bit for bit, on lived-in states and on
    the same states with the seekers in decline and their neighbours rising (the preventive
    motive); every branch occurs: attacks for the stakes and preventive ones, an ally left
    (seeker_exit "gradual"), a member paid, and idle rows."""
    from powerbalance.model.actions import Actions
    from powerbalance.model.perception import Observation
    from powerbalance.strategies.hegemon_seeker import (
        HegemonSeeker,
        reference_strikes,
        reference_targets,
    )

    seen = {"stakes": 0, "preventive": 0, "left": 0, "paid": 0, "idle": 0}
    for spec, overrides in DECISIONS:
        scenario = load(spec)
        params = scenario.make_params(overrides)
        setting = scenario.setting(params)
        lived = simulate(scenario, params, setting, 7, np.arange(4), 30,
                         record="final").final_state
        mask = lived.alive
        # Every third actor in decline, the others rising, or flat (momentum 0) for one in
        # three of them.
        decline = np.array([-0.01, 0.01, 0.0])[np.arange(lived.n_actors) % 3]
        declining = lived.replace(momentum=np.broadcast_to(
            decline, lived.momentum.shape).copy())
        # Where no stake pays (nothing to conquer) only the preventive motive strikes: at
        # its default ratio, and against any rising neighbour (ratio 0) at lower odds.
        prevent = params.with_overrides({"conquest_rate": 0.0, "preventive_ratio": 0.0,
                                         "attack_odds": 0.3})
        for state, rules in ((lived, params), (declining, params),
                             (declining, params.with_overrides({"conquest_rate": 0.0})),
                             (declining, prevent)):
            ref = Observation(state, setting, rules, share=state.last_share)
            got = Observation(state, setting.with_engine("compiled"), rules,
                              share=state.last_share)
            x, y = HegemonSeeker().decide(ref, mask), HegemonSeeker().decide(got, mask)
            for name in (f.name for f in dataclasses.fields(Actions)):
                a, b = np.asarray(getattr(x, name)), np.asarray(getattr(y, name))
                assert a.dtype == b.dtype and a.shape == b.shape, name
                assert a.tobytes() == b.tobytes(), f"{spec} {overrides}: {name} differs"
            bw, i = np.nonzero(mask)
            turned = ref.share[bw, i] >= rules.seeker_spares_until
            strike, _ = reference_strikes(ref, bw, i, turned)
            gw, _, _ = reference_targets(ref, bw, i, turned)
            seen["stakes"] += len(gw)
            seen["preventive"] += int((strike >= 0).sum()) - len(gw)
            seen["idle"] += int((strike < 0).sum())
            seen["left"] += int((x.leave_ally >= 0).sum())
            seen["paid"] += int((x.pay >= 0).sum())
    assert all(seen.values()), seen


@pytest.mark.parametrize(("spec", "overrides"), OBSERVED)
def test_compiled_observation_arrays_are_the_reference_ones(spec, overrides):
    """The Observation's per-year arrays built by model/compiled_perception.py (the top
    threats, the allies' interest, the amphibious factors) equal the reference's on a
    lived-in state."""
    params, setting, state = _lived_in(spec, overrides)
    ref, got = _observations(state, setting, params)
    for x, y in zip((*ref._top, ref._willing_against), (*got._top, got._willing_against),
                    strict=True):
        assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
    assert (ref.top_threat >= 0).any()
    # The compiled engine keeps no factors where every one is 1 (it multiplies nothing).
    x, y = ref._amphibious, got._amphibious
    if y is None:
        assert x is None or (x == 1).all()
    else:
        assert x.dtype == y.dtype and x.shape == y.shape and x.tobytes() == y.tobytes()
    if spec == "two-continents":  # power crosses the sea between its continents
        assert y is not None and (y < 1).any()
