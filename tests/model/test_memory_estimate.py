"""The memory estimate made before a run allocates anything: it bounds the measured peak
(numpy allocations traced by tracemalloc) without being wildly pessimistic, and a run
that would not fit is refused up front with one line naming the estimate and the limit."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.experiments.results import run
from powerbalance.experiments.runner import simulate
from powerbalance.model.state import (
    MEMORY_FRACTION,
    available_memory,
    batch_bytes,
    check_memory,
    memory_budget,
    run_bytes,
)
from powerbalance.scenarios import load
from powerbalance.scenarios.model import check_run_memory


def _peak(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("spec,worlds,years", [
    ("random:actors=40,provinces=2", 60, 4),   # pairwise arrays dominate
    ("random:actors=4,provinces=60", 200, 4),  # province arrays dominate
])
def test_batch_estimate_bounds_the_measured_peak(spec, worlds, years):
    scen = load(spec)
    params = scen.make_params()
    setting = scen.setting(params)
    peak = _peak(lambda: simulate(scen, params, setting, 1, np.arange(worlds), years))
    estimate = batch_bytes(worlds, len(scen.actors), scen.province_map.n, years + 1)
    assert peak <= estimate <= 4 * peak


def test_run_estimate_bounds_the_measured_peak_of_the_tables():
    scen = load("warring-states")
    peak = _peak(lambda: run(scen, worlds=300, years=60, batch_size=100, seed=1))
    estimate = run_bytes(300, 60, len(scen.actors), scen.province_map.n, batch_size=100)
    assert peak <= estimate <= 4 * peak


def test_streamed_run_estimate_bounds_the_measured_peak(tmp_path, monkeypatch):
    """A run writing its tables as it goes (``keep_tables=False``) holds one slice of them:
    its estimate, with slices made small here, is below the in-memory one and still bounds
    the peak (numpy and pandas allocations; Arrow's own buffers are not traced)."""
    import powerbalance.experiments.results as results
    import powerbalance.model.state as state

    monkeypatch.setattr(state, "STREAMED_TABLE_ROWS", 20_000)
    monkeypatch.setattr(results, "ROW_GROUP_ROWS", 20_000)
    scen = load("warring-states")
    peak = _peak(lambda: run(scen, worlds=300, years=60, batch_size=100, seed=1,
                             out=tmp_path / "run", keep_tables=False))
    estimate = run_bytes(300, 60, len(scen.actors), scen.province_map.n, batch_size=100,
                         streamed=True)
    kept = run_bytes(300, 60, len(scen.actors), scen.province_map.n, batch_size=100)
    assert peak <= estimate <= 4 * peak
    assert estimate < kept


def test_budget_is_the_documented_fraction_of_available_memory():
    assert 0 < memory_budget() <= MEMORY_FRACTION * available_memory() * 1.01


def test_ten_million_worlds_are_refused_before_anything_is_allocated():
    scen = load("warring-states")

    def attempt() -> None:
        with pytest.raises(InputError) as info:
            run(scen, worlds=10**7, years=300, seed=0)
        msg = str(info.value)
        assert "needs about" in msg and "memory" in msg and "allowed: at most" in msg

    peak = _peak(attempt)
    assert peak < 50 * 2**20  # refused up front, not after growing for minutes


def test_a_huge_random_map_is_refused_by_the_generator():
    with pytest.raises(InputError) as info:
        load("random:actors=4000,provinces=100")
    assert info.value.field == "provinces" and "TiB" in info.value.message


def test_refusal_with_an_explicit_budget():
    scen = load("warring-states")
    check_run_memory(scen, worlds=10, years=10, batch_size=10, budget=2**30)
    with pytest.raises(InputError, match="10 worlds x 10 years of 7 actors"):
        check_run_memory(scen, worlds=10, years=10, batch_size=10, budget=2**10)
    with pytest.raises(InputError, match="1.0 KiB"):
        check_memory(2**20, "x", source="s", field="f", budget=2**10)
