"""The Cederman emergent-polarity preset."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.presets import cederman as ced

SMALL = {"rows": 6, "cols": 6, "steps": 300}


def test_runs_and_reports_a_distribution_of_polarity_classes() -> None:
    result, summ = ced.run(worlds=6, seed=1, overrides=SMALL, every=50)
    dist = summ["polarity"]
    assert set(dist) == {"unipolar", "bipolar", "multipolar", "fragmented"}
    assert abs(sum(dist.values()) - 1.0) < 1e-12
    terr = result.actors[result.actors["year"] == 0].groupby("world")["territory"].sum()
    assert (terr == 36).all()
    last = result.actors[result.actors["year"] == 300].groupby("world")["territory"].sum()
    assert (last == 36).all()  # provinces are conserved
    assert len(result.provinces) and result.manifest["preset"] == "cederman-polarity"


def test_world_k_of_a_batch_equals_world_k_alone() -> None:
    params = ced.CedermanParams(**SMALL)
    batch = ced.simulate(params, seed=4, worlds=np.arange(5), every=30)
    alone = ced.simulate(params, seed=4, worlds=[3], every=30)
    np.testing.assert_array_equal(batch.territory[:, 3], alone.territory[:, 0])


def test_status_quo_world_stays_fragmented() -> None:
    _, summ = ced.run(worlds=3, seed=0, overrides={**SMALL, "predators": 0.0})
    assert summ["polarity"]["fragmented"] == 1.0
    assert summ["survivors"] == 36


def test_defence_dominance_keeps_more_states_alive() -> None:
    offence = ced.simulate(ced.CedermanParams(**SMALL, superiority=2.0), 7, np.arange(30))
    defence = ced.simulate(ced.CedermanParams(**SMALL, superiority=3.0), 7, np.arange(30))
    n_off = (offence.territory[-1] > 0).sum(axis=1)
    n_def = (defence.territory[-1] > 0).sum(axis=1)
    d = n_def - n_off
    # paired (common random numbers): the mean difference is several standard errors above 0
    assert d.mean() > 4 * d.std(ddof=1) / np.sqrt(len(d))


def test_bad_parameters_are_input_errors() -> None:
    with pytest.raises(InputError, match="predators"):
        ced.CedermanParams().with_overrides({"predators": "2"})


def test_results_do_not_depend_on_batch_size() -> None:
    whole, _ = ced.run(worlds=5, seed=3, overrides=SMALL, every=100)
    chunked, _ = ced.run(worlds=5, seed=3, overrides=SMALL, every=100, batch_size=2)
    for name in ("actors", "system", "events"):
        assert whole.table(name).equals(chunked.table(name)), name


def test_a_grid_too_large_for_memory_is_refused_before_allocating(monkeypatch) -> None:
    from powerbalance.model import state

    monkeypatch.setattr(state, "available_memory", lambda: 2 * 2**30)
    with pytest.raises(InputError, match="rows x cols.*per world"):
        ced.run(worlds=1, steps=1, overrides={"rows": 200, "cols": 200})


def test_the_batch_shrinks_to_fit_memory_and_results_stay_the_same(monkeypatch) -> None:
    from powerbalance.model import state

    whole, _ = ced.run(worlds=4, seed=3, overrides=SMALL, every=100)
    one_world = ced._PAIR_BYTES * 36 ** 2  # a budget of one 6 x 6 world at a time
    monkeypatch.setattr(state, "memory_budget", lambda: one_world)
    assert ced._batch_that_fits(ced.CedermanParams().with_overrides(SMALL), 200) == 1
    small, _ = ced.run(worlds=4, seed=3, overrides=SMALL, every=100)
    for name in ("actors", "system", "events"):
        assert whole.table(name).equals(small.table(name)), name
