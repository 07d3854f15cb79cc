"""Tournaments: matched worlds (common random numbers), rotation of seats, evolution."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from powerbalance.errors import InputError
from powerbalance.experiments.tournament import profiles, tournament
from powerbalance.strategies import registry

TRIO = ["status-quo", "hegemon-seeker", "external-balancer"]


def test_every_seat_plays_every_strategy_once_across_profiles():
    prof = profiles(TRIO, 7)
    assert prof.shape == (3, 7)
    for seat in range(7):
        assert sorted(prof[:, seat].tolist()) == sorted(registry.id_of(s) for s in TRIO)


def test_matched_worlds_do_not_depend_on_batching_or_on_how_many_worlds_run():
    a = tournament("warring-states", TRIO, worlds=6, years=25, seed=3, batch_size=4)
    b = tournament("warring-states", TRIO, worlds=6, years=25, seed=3, batch_size=1000)
    pd.testing.assert_frame_equal(a.entries.sort_values(["profile", "world", "actor"])
                                  .reset_index(drop=True),
                                  b.entries.sort_values(["profile", "world", "actor"])
                                  .reset_index(drop=True))
    c = tournament("warring-states", TRIO, worlds=4, years=25, seed=3)
    common = a.entries[a.entries.world < 4].sort_values(["profile", "world", "actor"])
    pd.testing.assert_frame_equal(common.reset_index(drop=True),
                                  c.entries.sort_values(["profile", "world", "actor"])
                                  .reset_index(drop=True))


def test_table_has_every_strategy_with_intervals_and_plots():
    r = tournament("warring-states", TRIO, worlds=20, years=30, seed=1)
    t = r.table.set_index("strategy")
    assert set(t.index) == set(TRIO)
    assert (t["entries"] == 20 * 7).all()  # 7 seats x 3 profiles / 3 strategies
    for metric in ("survival", "final_share", "wars", "war_cost"):
        assert (t[f"{metric}_lo"] <= t[metric] + 1e-12).all()
        assert (t[metric] <= t[f"{metric}_hi"] + 1e-12).all()
    assert (t["wars"]["hegemon-seeker"] > t["wars"]["status-quo"])
    long = r.long()
    assert set(long.columns) == {"strategy", "metric", "mean", "lo", "hi"}
    from powerbalance.viz import tournament_plot

    tournament_plot(long)


@pytest.mark.parametrize("dynamics", ["replicator", "moran"])
def test_evolution_keeps_shares_a_distribution_and_is_seeded(dynamics):
    kw = {"worlds": 10, "years": 20, "seed": 2, "evolve": 3, "dynamics": dynamics,
          "population": 30}
    one = tournament("warring-states", TRIO, **kw)
    two = tournament("warring-states", TRIO, **kw)
    pd.testing.assert_frame_equal(one.evolution, two.evolution)
    sums = one.evolution.groupby("generation")["share"].sum()
    np.testing.assert_allclose(sums, 1.0)
    assert sorted(one.evolution["generation"].unique()) == [0, 1, 2, 3]
    if dynamics == "moran":
        assert np.allclose(one.evolution["share"] * 30, np.round(one.evolution["share"] * 30))


def test_written_tables(tmp_path):
    r = tournament("warring-states", TRIO[:2], worlds=3, years=5)
    out = r.write(tmp_path / "t")
    for name in ("tournament", "entries", "evolution"):
        assert (out / f"{name}.parquet").is_file()
    assert len(pd.read_parquet(out / "tournament.parquet")) == 2


@pytest.mark.parametrize("kwargs,field", [
    ({"strategies": ["kamikaze"]}, "strategy"),
    ({"strategies": []}, "strategies"),
    ({"strategies": ["status-quo", "status-quo"]}, "strategies"),
    ({"strategies": TRIO, "worlds": 0}, "worlds"),
    ({"strategies": TRIO, "dynamics": "chaos", "evolve": 2}, "dynamics"),
])
def test_bad_tournament_input(kwargs, field):
    with pytest.raises(InputError) as exc:
        tournament("warring-states", **{"worlds": 2, "years": 2, **kwargs})
    assert exc.value.field == field


def test_alliance_politics_of_a_run_counts_what_the_events_show():
    import powerbalance as pb
    from powerbalance.experiments.alliance_politics import (
        COLUMNS,
        alliance_politics,
        alliance_politics_summary,
    )

    r = pb.run("random:actors=8,provinces=3,inequality=1.0,seed=1,"
               "mix=hegemon-seeker:3+buck-passer:2+balker:1+jackal:2",
               years=60, worlds=30, seed=3)
    per_world = alliance_politics(r.events, range(30))
    assert list(per_world.columns) == ["world", *COLUMNS] and len(per_world) == 30
    kinds = r.events["kind"].astype(str)
    assert per_world["abandonment"].sum() == (kinds == "abandoned").sum() > 0
    assert per_world["late_strikes"].sum() == (kinds == "late_entry").sum() > 0
    assert per_world["chain_ganging"].sum() <= (kinds == "war_joined").sum()
    assert per_world["entrapment"].sum() <= (kinds == "war_joined").sum()
    summary = alliance_politics_summary(r.events, range(30))
    assert list(summary["metric"]) == list(COLUMNS)
