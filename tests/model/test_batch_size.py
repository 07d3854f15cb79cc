"""The batch size a run takes when none is given: the largest that fits the memory budget,
and the results do not depend on it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerbalance.experiments.results import batch_size_for, run
from powerbalance.model.state import MAX_AUTO_BATCH, auto_batch_size, run_bytes
from powerbalance.scenarios import load


@pytest.mark.parametrize("worlds,years,actors,provinces,budget", [
    (1000, 100, 100, 400, 2**31), (50_000, 300, 7, 40, 2**33), (3, 10, 7, 40, 2**33),
    (10, 10, 2000, 10, 2**30),
])
def test_auto_batch_is_the_largest_that_fits(worlds, years, actors, provinces, budget):
    b = auto_batch_size(worlds, years, actors, provinces, budget=budget)
    assert 1 <= b <= min(worlds, MAX_AUTO_BATCH)
    fits = run_bytes(worlds, years, actors, provinces, batch_size=b) <= budget
    bigger = run_bytes(worlds, years, actors, provinces, batch_size=b + 1) <= budget
    assert fits or b == 1  # nothing fits: 1, and the memory check refuses the run
    assert not bigger or b == min(worlds, MAX_AUTO_BATCH)


def test_final_record_allows_bigger_batches_than_full():
    full = auto_batch_size(5000, 300, 7, 40, budget=2**28)
    final = auto_batch_size(5000, 300, 7, 40, record="final", budget=2**28)
    assert final > full


def test_automatic_batch_gives_the_same_tables_as_batches_of_one():
    scen = load("warring-states")
    assert batch_size_for(scen, worlds=3, years=8) == 3  # the whole run fits at once
    auto = run(scen, years=8, worlds=3, seed=5)
    ones = run(scen, years=8, worlds=3, seed=5, batch_size=1)
    for name in ("actors", "system", "events", "alliances", "wars"):
        pd.testing.assert_frame_equal(auto.table(name), ones.table(name), check_exact=True)
    assert np.array_equal(auto.provinces["owner"], ones.provinces["owner"])
