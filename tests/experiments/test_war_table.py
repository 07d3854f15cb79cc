"""The NumPy wars table is the pandas groupby/merge reference's table, bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerbalance.experiments import tables
from powerbalance.experiments.runner import simulate
from powerbalance.scenarios import load
from tests.experiments.war_table_reference import reference_war_table


def _same(got: pd.DataFrame, want: pd.DataFrame) -> None:
    assert list(got.columns) == list(want.columns)
    assert list(got.dtypes) == list(want.dtypes)
    assert type(got.index) is type(want.index) and got.index.equals(want.index)
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    for col in ("initiator_losses", "target_losses"):  # the same bits, not just close
        assert np.array_equal(got[col].to_numpy().view(np.int64),
                              want[col].to_numpy().view(np.int64))
    for col in ("initiator_side", "target_side"):
        assert all(type(x) is int for v in got[col] for x in v)


@pytest.mark.parametrize("record", ["full", "system", "final"])
@pytest.mark.parametrize(("scenario", "worlds", "years", "seed"),
                         [("warring-states", 1, 300, 1), ("warring-states", 1, 300, 2),
                          ("warring-states", 40, 120, 3)])
def test_war_table_matches_reference(scenario, worlds, years, seed, record):
    scen = load(scenario)
    params = scen.make_params(None)
    setting = scen.setting(params)
    traj = simulate(scen, params, setting, seed, np.arange(5, 5 + worlds), years, record=record)
    want = reference_war_table(traj)
    assert len(want) > 0
    _same(tables.war_table(traj), want)


def test_compensated_sums_match_pandas_groupby_sum():
    rng = np.random.default_rng(0)
    group = rng.integers(0, 50, 5000)
    values = rng.standard_normal(5000) * 10.0 ** rng.integers(-8, 8, 5000)
    values[::97] = np.nan
    want = pd.Series(values).groupby(group).sum().reindex(range(60), fill_value=0.0)
    got = tables._compensated_sums(group, values, 60)
    assert np.array_equal(got.view(np.int64), want.to_numpy().view(np.int64))


def test_war_table_without_campaigns_is_the_empty_table():
    scen = load("warring-states")
    params = scen.make_params(None)
    traj = simulate(scen, params, scen.setting(params), 1, np.arange(1), 0)
    _same(tables.war_table(traj), reference_war_table(traj))
