"""Numerical safety for every allowed setting: no overflow, shares always sum to 1.

The audit of issue 10 found that ``growth_rate = 0.5`` over 250+ years and the
default parameters over 6,000 years overflowed the float32 pairwise arrays and
ended in an IndexError, and that with no military anywhere the capability
shares summed to 0.5. See :func:`powerbalance.model.economy.renormalise` and
:func:`powerbalance.model.economy.capability_share`.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from powerbalance.model.economy import RESCALE_ABOVE, capability_share, renormalise
from powerbalance.model.step import step
from powerbalance.params import Params
from powerbalance.scenarios import load
from tests.conftest import simulate_scenario


def _check_shares(state, params) -> None:
    share = capability_share(state.wealth, state.military, state.alive, params)
    assert np.all(np.isfinite(share))
    assert np.all(share >= 0)
    live = state.alive.any(axis=-1)
    np.testing.assert_allclose(share.sum(axis=-1)[live], 1.0, rtol=0, atol=1e-9)
    for arr in (state.productivity, state.wealth, state.military):
        assert np.all(np.isfinite(arr))
        assert np.all(arr <= RESCALE_ABOVE * 16)


def _param_strategy() -> st.SearchStrategy[dict]:
    """Any value of every numeric or choice parameter within its allowed range."""
    parts = {}
    for f in Params.fields():
        meta = f.metadata
        if isinstance(f.default, bool):
            parts[f.name] = st.booleans()
        elif isinstance(f.default, str):
            parts[f.name] = st.sampled_from(meta["choices"])
        else:
            lo, hi = meta["lo"], meta["hi"]
            parts[f.name] = st.one_of(st.just(lo), st.just(hi), st.floats(lo, hi))
    return st.fixed_dictionaries({}, optional=parts)


def _run_checked(scen, overrides, years, worlds, seed):
    params = scen.make_params(overrides)
    setting = scen.setting(params)
    state = scen.initial_state(params, setting, seed, np.arange(worlds))
    _check_shares(state, params)
    for _ in range(years):
        state, _rec = step(state, setting, params)
        _check_shares(state, params)
    return state


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(overrides=_param_strategy(), seed=st.integers(0, 2**32),
       start=st.sampled_from([1.0, 1e6, 1e15]), years=st.integers(1, 30))
def test_any_allowed_setting_keeps_shares_finite_and_summing_to_one(overrides, seed, start,
                                                                    years):
    base = load("random:actors=5,provinces=2,seed=4,"
                "mix=hegemon-seeker:0.4+external-balancer:0.3+internal-balancer:0.3")
    # Start stocks up to the largest a scenario file may give (1e15), so that fast growth
    # crosses the renormalisation threshold within the few years simulated here.
    actors = tuple(dataclasses.replace(a, wealth=start * (a.wealth or 1.0)) for a in base.actors)
    scen = dataclasses.replace(base, actors=actors)
    _run_checked(scen, overrides, years, worlds=2, seed=seed)


def test_half_growth_over_300_years_renormalises_instead_of_overflowing():
    scen = load("warring-states")
    state = _run_checked(scen, {"growth_rate": 0.5}, years=300, worlds=2, seed=3)
    assert (state.scale > 0).all()  # 1.5**300 ~ 1e52: renormalised at least once


def test_default_parameters_over_6000_years():
    scen = load("random:actors=3,provinces=2,seed=1,mix=status-quo:1")
    traj = simulate_scenario(scen, years=6000, worlds=1, seed=5, record="final")
    assert traj.final_state.scale[0] > 0  # 1.02**6000 ~ 1e51
    for arr in (traj.wealth, traj.military, traj.share):
        assert np.all(np.isfinite(arr))
    np.testing.assert_allclose(traj.share[-1].sum(axis=-1, dtype=np.float64), 1.0, atol=1e-6)


def test_no_military_anywhere_gives_wealth_shares_summing_to_one():
    # Start military is the steady state of base_spend (0); nobody arms.
    scen = load("random:actors=6,provinces=3,seed=2,mix=status-quo:1+buck-passer:1")
    overrides = {"base_spend": 0, "bid_spend": 0, "max_spend": 0, "internal_gain": 0}
    state = _run_checked(scen, overrides, years=5, worlds=2, seed=1)
    params = scen.make_params(overrides)
    assert not state.military.any()
    share = capability_share(state.wealth, state.military, state.alive, params)
    w = np.where(state.alive, state.wealth, 0.0)
    np.testing.assert_allclose(share, w / w.sum(axis=-1, keepdims=True), rtol=1e-12)


def test_nothing_anywhere_gives_equal_shares_among_the_living():
    alive = np.array([[True, False, True, True], [False, False, False, False]])
    zeros = np.zeros((2, 4))
    share = capability_share(zeros, zeros, alive, Params())
    np.testing.assert_array_equal(share, [[1 / 3, 0, 1 / 3, 1 / 3], [0, 0, 0, 0]])


@given(st.floats(0, 1))
def test_only_military_counts_when_wealth_is_zero(weight):
    params = Params().with_overrides({"wealth_weight": weight})
    alive = np.ones((1, 3), dtype=bool)
    military = np.array([[1.0, 1.0, 2.0]])
    share = capability_share(np.zeros((1, 3)), military, alive, params)
    want = [0.25, 0.25, 0.5] if weight < 1 else [1 / 3, 1 / 3, 1 / 3]
    np.testing.assert_allclose(share, [want], rtol=1e-12)


@given(st.lists(st.floats(0, 2.0**1000), min_size=1, max_size=6), st.integers(0, 3000))
def test_renormalise_is_an_exact_power_of_two(values, scale0):
    v = np.array([values])
    scale = np.array([scale0], dtype=np.int64)
    p, w, m, s = renormalise(v, v * 2, v / 4, scale)
    if v.max() * 2 <= RESCALE_ABOVE:
        assert s[0] == scale0 and p is v
        return
    shift = int(s[0] - scale0)
    assert shift > 0 and w.max() <= 2.0**33
    normal = v >= np.ldexp(2.0**-1022, shift)  # no underflow: the scaling is exact
    np.testing.assert_array_equal(np.ldexp(p, shift)[normal], v[normal])


@given(st.floats(-0.1, 0.1), st.integers(0, 100_000), st.sampled_from(["logistic",
                                                                        "exponential"]))
def test_technology_shifted_gradients_stay_finite_at_any_year(growth, year, kind):
    from powerbalance.model.derived import reach

    params = Params().with_overrides({"technology_growth": growth, "gradient": kind})
    r = reach(np.array([[[0.0, 1.0, 1e6]]]), params, year)
    assert np.all(np.isfinite(r)) and np.all((r >= 0) & (r <= 1))
    assert r[0, 0, 0] == 1.0
