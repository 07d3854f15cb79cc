"""A streamed run on worker processes (``run(workers=N)``, ``powerbalance run --workers``)
writes the same files, byte for byte, as the same run in one process, whatever the number
of workers; a failure in a worker or in the parent leaves no run folder and no process."""

from __future__ import annotations

import multiprocessing

import numpy as np
import pandas as pd
import pytest

import powerbalance.experiments.results as results
from powerbalance.experiments.parallel import Job, Workers, auto_workers, parallel_batch_size
from powerbalance.experiments.results import TABLES, load_run, run, run_plan, summary_rows
from powerbalance.experiments.summary import final_polarity, unification
from powerbalance.scenarios import load

RUN = {"years": 40, "worlds": 37, "seed": 3}


@pytest.fixture
def small_row_groups(monkeypatch):
    """Slices of a few worlds (the parent cuts them: workers take its slice size)."""
    monkeypatch.setattr(results, "ROW_GROUP_ROWS", 1000)


@pytest.mark.parametrize("record,law", [("full", True), ("final", False)])
def test_workers_write_the_bytes_of_a_run_in_one_process(tmp_path, small_row_groups,
                                                          record, law):
    kw = {**RUN, "record": record, "overrides": {"law": law}, "keep_tables": False,
          "batch_size": 12}
    here = run("warring-states", out=tmp_path / "here", workers=1, **kw)
    two = run("warring-states", out=tmp_path / "two", workers=2, **kw)
    three = run("warring-states", out=tmp_path / "three", workers=3, **kw)
    for name in TABLES:
        data = (tmp_path / "here" / f"{name}.parquet").read_bytes()
        assert (tmp_path / "two" / f"{name}.parquet").read_bytes() == data, name
        assert (tmp_path / "three" / f"{name}.parquet").read_bytes() == data, name
    for key in ("worlds", "years", "record", "params", "seed"):
        assert two.manifest[key] == here.manifest[key] == three.manifest[key]
    # simulate_seconds adds up the batches of every worker: the manifest says over how many
    assert [r.manifest["timings"]["simulate_processes"] for r in (here, two, three)] == [1, 2, 3]
    # the summary rows kept while writing give the summary of the whole table
    whole = load_run(tmp_path / "two").system
    names = two.manifest["scenario"]["actors"]
    for result in (here, two, three):
        pd.testing.assert_frame_equal(unification(result.summary_system(), names),
                                      unification(whole, names))
        pd.testing.assert_frame_equal(final_polarity(result.summary_system()),
                                      final_polarity(whole))
    assert not multiprocessing.active_children()


def test_summary_rows_keep_first_unification_and_last_year():
    system = pd.DataFrame({"world": [0, 0, 0, 0, 1, 1, 2, 2],
                           "year": [0, 1, 2, 3, 0, 3, 0, 3],
                           "live_actors": [3, 1, 1, 1, 2, 1, 2, 2],
                           "leader": [0, 1, 1, 1, 0, 0, 0, 1]})
    rows = summary_rows(system, 3)
    assert list(zip(rows["world"], rows["year"], strict=True)) == [(0, 1), (0, 3), (1, 3),
                                                                   (2, 3)]
    pd.testing.assert_frame_equal(unification(rows, ["A", "B"]),
                                  unification(system, ["A", "B"]))


def test_a_worker_failure_reaches_the_parent(tmp_path):
    scen = load("warring-states")
    job = Job(scenario=scen, params=scen.make_params(), engine="no-such-engine", seed=0,
              years=3, record="full", map_worlds=np.arange(1), step=2, batches=())
    with pytest.raises(Exception, match="no-such-engine"), \
            Workers(job, [0, 2], 2, 4, 2) as pool:
        list(pool.slices())
    assert not multiprocessing.active_children()


def test_parent_failure_leaves_no_folder_and_no_worker(tmp_path, monkeypatch):
    calls = []

    def failing(self, name, frame):
        calls.append(name)
        if len(calls) > 3:
            raise RuntimeError("disk full")

    monkeypatch.setattr(results.TableWriters, "write", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        run("warring-states", out=tmp_path / "run", keep_tables=False, workers=2,
            batch_size=10, **RUN)
    assert not (tmp_path / "run").exists()
    assert not list(tmp_path.iterdir())  # no staging folder left either
    assert not multiprocessing.active_children()


def test_plan_of_workers_and_batches():
    scen = load("warring-states")
    # small runs, runs kept in memory and runs of one batch stay in this process
    assert auto_workers(37, 40, 7) == 1
    assert run_plan(scen, worlds=10_000, years=300, streamed=False, workers=2)[1] == 1
    assert run_plan(scen, worlds=10, years=300, streamed=True, batch_size=10,
                    workers=2) == (10, 1)
    size, workers = run_plan(scen, worlds=10_000, years=300, streamed=True, workers=2)
    assert workers == 2 and size % results.slice_step(301, 7, results.table_threads()) == 0
    assert parallel_batch_size(5, 4, 248, 10_000) == 5  # never more than the worlds
    with pytest.raises(Exception, match="workers"):
        run("warring-states", workers=0, **RUN)
