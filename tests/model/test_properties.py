"""Property tests: finite non-negative stocks, shares, conservation, determinism."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import powerbalance as pb
from powerbalance.scenarios import load
from tests.conftest import line_scenario, simulate_scenario

extreme_params = st.fixed_dictionaries({
    "destructiveness": st.floats(0, 1),
    "growth_rate": st.floats(-0.5, 0.5),
    "growth_noise": st.floats(0, 1),
    "misperception": st.floats(0, 1),
    "conquest_rate": st.floats(0, 1),
    "war_damage": st.floats(0, 1),
    "guns_butter": st.floats(0, 5),
    "military_depreciation": st.floats(0, 1),
    "sea_cost": st.floats(0, 100),
    "decisiveness": st.floats(0.01, 100),
    "victory_function": st.sampled_from(["ratio", "logistic", "erf", "deterministic"]),
    "update_order": st.sampled_from(["synchronous", "serial"]),
    "gradient": st.sampled_from(["logistic", "exponential"]),
    "technology_growth": st.floats(-0.1, 0.1),
    "capital_loss_kills": st.booleans(),
    "bid_spend": st.floats(0, 1),
    "attack_odds": st.floats(0, 1),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(params=extreme_params, seed=st.integers(0, 2**32))
def test_no_nan_inf_or_negative_stocks_and_shares_sum_to_one(params, seed):
    scen = load("random:actors=6,provinces=3,seed=2,"
                "mix=hegemon-seeker:0.5+external-balancer:0.3+status-quo:0.2")
    traj = simulate_scenario(scen, years=12, worlds=3, seed=seed, overrides=params)
    for arr in (traj.wealth, traj.military, traj.share):
        assert np.all(np.isfinite(arr))
        assert np.all(arr >= 0)
    state = traj.final_state
    for arr in (state.productivity, state.hostility, state.alliance):
        assert np.all(np.isfinite(arr)) and np.all(arr >= 0)
    totals = traj.share.sum(axis=-1, dtype=np.float64)
    has_live = traj.alive.any(axis=-1)
    np.testing.assert_allclose(totals[has_live], 1.0, atol=1e-5)
    # Provinces are only ever re-owned, never lost.
    assert np.all(traj.territory.sum(axis=-1) == scen.province_map.n)
    # The dead hold nothing.
    assert not traj.territory[~traj.alive].any()


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**40), years=st.integers(1, 25))
def test_without_wars_territory_is_unchanged(seed, years):
    scen = load("random:actors=5,provinces=3,seed=1,mix=status-quo:1+external-balancer:1")
    traj = simulate_scenario(scen, years=years, worlds=2, seed=seed)
    np.testing.assert_array_equal(traj.territory, np.broadcast_to(traj.territory[0],
                                                                  traj.territory.shape))
    assert traj.alive.all()


@settings(max_examples=5, deadline=None)
@given(k=st.integers(0, 63), seed=st.integers(0, 2**63 - 1))
def test_world_k_of_a_batch_of_64_equals_world_k_alone(k, seed):
    scen = load("warring-states")
    batch = simulate_scenario(scen, years=40, worlds=64, seed=seed)
    alone = simulate_scenario(scen, years=40, worlds=1, seed=seed, first_world=k)
    for name in ("share", "wealth", "military", "territory", "alive", "wars"):
        np.testing.assert_array_equal(getattr(batch, name)[:, k], getattr(alone, name)[:, 0])
    sel = batch.events.world == k
    np.testing.assert_array_equal(batch.events.kind[sel], alone.events.kind)
    np.testing.assert_array_equal(batch.events.actor[sel], alone.events.actor)
    np.testing.assert_array_equal(batch.events.value[sel], alone.events.value)
    np.testing.assert_array_equal(batch.final_state.owner[k], alone.final_state.owner[0])


def test_two_runs_with_one_seed_are_identical_and_batching_does_not_matter():
    a = pb.run("warring-states", years=30, worlds=10, seed=5, batch_size=10)
    b = pb.run("warring-states", years=30, worlds=10, seed=5, batch_size=3)
    c = pb.run("warring-states", years=30, worlds=10, seed=6, batch_size=10)
    for name in ("actors", "system", "events", "alliances", "provinces"):
        assert a.table(name).equals(b.table(name)), name
    assert not a.actors.equals(c.actors)


def test_serial_mode_is_deterministic_too():
    scen = line_scenario([
        {"name": "A", "provinces": ["p0"], "capital": "p0", "strategy": "hegemon-seeker",
         "military": 5.0},
        {"name": "B", "provinces": ["p1"], "capital": "p1"},
        {"name": "C", "provinces": ["p2"], "capital": "p2", "strategy": "hegemon-seeker",
         "military": 5.0},
    ], provinces=3, params={"update_order": "serial"})
    one = simulate_scenario(scen, years=20, worlds=8, seed=3)
    two = simulate_scenario(scen, years=20, worlds=8, seed=3)
    np.testing.assert_array_equal(one.share, two.share)
    np.testing.assert_array_equal(one.events.kind, two.events.kind)
