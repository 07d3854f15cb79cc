"""Sweeps: identical results on every executor, resumable after SIGKILL, CRN, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import powerbalance as pb
from powerbalance.cli import main
from powerbalance.errors import InputError
from powerbalance.experiments.design import build_design, make_tasks
from powerbalance.experiments.executors import DaskExecutor
from powerbalance.experiments.outcomes import SUMMARY_COLUMNS
from powerbalance.experiments.spec import load_spec, parse_spec
from powerbalance.experiments.store import SweepStore
from powerbalance.experiments.sweep import plan_sweep, run_sweep, sweep_report

from .conftest import DASK_TIMEOUT, TINY, assert_same, datasets, write_spec


@pytest.mark.timeout(DASK_TIMEOUT)
def test_executors_give_identical_parquet(tiny_spec: Path, tmp_path: Path) -> None:
    a, b, c = tmp_path / "inproc", tmp_path / "procs", tmp_path / "dask"
    rep = run_sweep(tiny_spec, a)
    assert (rep.tasks_run, rep.runs_run) == (4, 8)
    run_sweep(tiny_spec, b, workers=2, backend="processes")
    with DaskExecutor(workers=2, processes=False) as ex:
        run_sweep(tiny_spec, c, executor=ex)
    assert_same(a, b)
    assert_same(a, c)
    # an existing cluster, reached by its scheduler address
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False,
                      dashboard_address=None) as cluster:
        d = tmp_path / "scheduler"
        rep = run_sweep(tiny_spec, d, scheduler=cluster.scheduler_address, connect_timeout=5)
        assert rep.executor == "dask (2 workers)"
    assert_same(a, d)
    data = datasets(a)
    assert set(data) == {"summaries", "lifetimes", "wars", "system"}
    assert len(data["summaries"]) == 8
    assert not data["summaries"].duplicated(["point", "replicate"]).any()


@pytest.mark.timeout(DASK_TIMEOUT)
def test_cli_workers_uses_a_dask_local_cluster(tiny_spec: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    ref, out = tmp_path / "ref", tmp_path / "cluster"
    run_sweep(tiny_spec, ref)
    assert main(["sweep", str(tiny_spec), "--out", str(out), "--workers", "1", "-q"]) == 0
    assert "on dask (1 worker)" in " ".join(capsys.readouterr().out.split())
    assert_same(ref, out)


def test_resume_skips_finished_tasks_and_catalog(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "s"
    run_sweep(tiny_spec, out)
    again = run_sweep(tiny_spec, out)
    assert (again.tasks_run, again.tasks_skipped) == (0, 4)
    store = SweepStore(out)
    runs = store.query("SELECT * FROM runs ORDER BY point, replicate")
    assert len(runs) == 8 and set(SUMMARY_COLUMNS) <= set(runs.columns)
    assert runs["attack_odds"].tolist() == [0.5] * 4 + [0.7] * 4
    assert runs["seed"].eq(11).all() and runs["world"].tolist() == [0, 1, 2, 3] * 2
    n = store.query("SELECT count(*) AS n FROM system")["n"].item()
    assert n == 8 * 21


def test_orphan_files_of_unfinished_task_stay_out(tiny_spec: Path, tmp_path: Path) -> None:
    """A kill after some files of a task but before its summaries: not in the catalog,
    rewritten identically on resume, no duplicates."""
    ref, out = tmp_path / "ref", tmp_path / "s"
    run_sweep(tiny_spec, ref)
    run_sweep(tiny_spec, out)
    store = SweepStore(out)
    key = "p00001-r000002"
    (store.task_file("summaries", key)).unlink()
    (store.dataset_dir("wars") / f".powerbalance-tmp.999999999-abcdef01.{key}.parquet"
     ).write_bytes(b"garbage")
    assert store.query("SELECT count(*) AS n FROM runs")["n"].item() == 6
    assert store.query("SELECT count(DISTINCT replicate || '-' || point) AS n "
                       "FROM lifetimes")["n"].item() == 6
    rep = run_sweep(tiny_spec, out)
    assert rep.tasks_run == 1
    assert not list(store.dataset_dir("wars").glob(".powerbalance-tmp.*"))
    assert_same(ref, out)


def test_sigkill_then_resume_equals_uninterrupted(tmp_path: Path) -> None:
    spec_data = dict(TINY, years=60, replicates=12, task_size=1,
                     parameters={"attack_odds": {"values": [0.5, 0.6, 0.7]}})
    spec = write_spec(tmp_path / "k.toml", spec_data)
    out, ref = tmp_path / "killed", tmp_path / "ref"
    code = ("import sys; from powerbalance.cli import main; "
            f"sys.exit(main(['sweep', {str(spec)!r}, '--out', {str(out)!r}, '-q']))")
    env = dict(os.environ, PYTHONHASHSEED="0")
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            d = out / "summaries"
            if d.is_dir() and len(list(d.glob("p*.parquet"))) >= 3:
                break
            time.sleep(0.01)
        killed = proc.poll() is None
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    n_done = len(SweepStore(out).done_keys())
    print(f"killed={killed} after {n_done} of 36 tasks")
    assert n_done >= 3
    if killed:
        assert n_done < 36, "the sweep finished before it could be killed"
    # querying a killed sweep works and sees only finished tasks
    assert SweepStore(out).query("SELECT count(*) AS n FROM runs")["n"].item() == n_done
    rep = run_sweep(spec, out)
    assert rep.tasks_skipped == n_done and rep.tasks_run == 36 - n_done
    run_sweep(spec, ref)
    assert_same(ref, out)
    runs = SweepStore(out).query("SELECT point, replicate FROM runs")
    assert len(runs) == 36 and not runs.duplicated().any()


def test_common_random_numbers_for_ignored_parameter(tmp_path: Path) -> None:
    """Warring-states has no nuclear actor, so deterrence never applies: resolve_threshold
    and nuclear_devastation are ignored and replicate r is identical at every point."""
    assert all(a.nuclear == 0 for a in pb.load_scenario("warring-states").actors)
    spec = parse_spec(dict(TINY, years=30, parameters={
        "resolve_threshold": {"values": [0.1, 0.95]},
        "nuclear_devastation": {"values": [0.2, 0.9]}}))
    run_sweep(spec, tmp_path / "crn")
    data = datasets(tmp_path / "crn")
    s = data["summaries"]
    assert s["point"].nunique() == 4
    cols = [c for c in s.columns if c != "point"]
    base = s[s.point == 0][cols].reset_index(drop=True)
    assert base["wars"].sum() > 0
    for p in (1, 2, 3):
        pd.testing.assert_frame_equal(s[s.point == p][cols].reset_index(drop=True), base)
    # ... and replicate r is global world r of the master seed, as in powerbalance.run
    r = pb.run("warring-states", years=30, worlds=1, first_world=3, seed=11, record="system")
    final = r.final().iloc[0]
    row = base[base.replicate == 3].iloc[0]
    assert row["final_live_actors"] == final["live_actors"]
    assert row["largest_share_end"] == final["largest_share"]
    assert row["wars"] == r.system["active_wars"].sum()


def test_summaries_agree_with_run_tables(tmp_path: Path) -> None:
    spec = parse_spec(dict(TINY, years=120, replicates=6, task_size=6,
                           parameters={}, fixed={"hegemony_share": 0.22}))
    run_sweep(spec, tmp_path / "s")
    s = datasets(tmp_path / "s")["summaries"].set_index("replicate")
    r = pb.run("warring-states", years=120, worlds=6, seed=11, record="system",
               overrides={"hegemony_share": 0.22})
    sysd, ev = r.system, r.events
    for w in range(6):
        g = sysd[sysd.world == w].sort_values("year")
        row = s.loc[w]
        assert bool(row["hegemon_ever"]) == bool(g["hegemon"].any())
        assert bool(row["hegemon_end"]) == bool(g["hegemon"].iloc[-1])
        if g["hegemon"].any():
            assert row["first_hegemony_year"] == g.loc[g["hegemon"], "year"].iloc[0]
        else:
            assert pd.isna(row["first_hegemony_year"])
        assert row["hhi_end"] == pytest.approx(g["hhi"].iloc[-1])
        assert row["con_end"] == pytest.approx(g["con"].iloc[-1])
        mine = ev[ev.world == w]
        wars = mine[mine.kind.isin(["war_won", "war_lost"])]
        assert row["wars"] == len(wars)
        assert row["war_size_total"] == pytest.approx(wars["value"].sum())
        assert row["deaths"] == (mine.kind == "death").sum()
    assert s["hegemon_ever"].any()


def test_sobol_sweep_report(tmp_path: Path) -> None:
    spec = parse_spec(dict(TINY, years=10, replicates=3, task_size=3,
                           design={"kind": "sobol", "points": 2},
                           parameters={"attack_odds": {"range": [0.4, 0.8]},
                                       "bid_spend": {"range": [0.04, 0.16]}}))
    run_sweep(spec, tmp_path / "s")
    rep = sweep_report(tmp_path / "s", sobol_outcome="wars")
    sob = rep["sobol"]
    assert isinstance(sob, pd.DataFrame)
    assert sob["parameter"].tolist() == ["attack_odds", "bid_spend"]
    assert np.isfinite(sob[["S1", "ST"]].to_numpy()).all()


def test_changed_scenario_file_refused(tmp_path: Path) -> None:
    scen = tmp_path / "ws.toml"
    scen.write_text(pb.scenarios.builtin_path("warring-states").read_text())
    spec = write_spec(tmp_path / "s.toml", dict(TINY, scenario="ws.toml", years=5))
    run_sweep(spec, tmp_path / "out")
    scen.write_text(scen.read_text().replace("years = 300", "years = 301"))
    with pytest.raises(InputError, match="scenario_digest"):
        run_sweep(spec, tmp_path / "out")


@pytest.mark.parametrize("change, field", [
    ({"parameters": {"no_such_param": {"values": [1]}}}, "parameters.no_such_param"),
    ({"parameters": {"attack_odds": {"range": [0.5, 0.5], "steps": 2}}},
     "parameters.attack_odds.range"),
    ({"parameters": {"attack_odds": {"values": []}}}, "parameters.attack_odds.values"),
    ({"parameters": {"attack_odds": {"range": [0.4, 2.0], "steps": 2}}},
     "parameters.attack_odds.range[1]"),
    ({"design": {"kind": "latin"}}, "design.kind"),
    ({"replicates": 0}, "replicates"),
    ({"outcomes": {"keep": ["everything"]}}, "outcomes.keep"),
    ({"scenario": "atlantis"}, "scenario"),
    ({"replicates": 1000, "max_runs": 100}, "max_runs"),
])
def test_bad_spec_clear_error_nothing_written(tmp_path: Path, change: dict[str, object],
                                              field: str) -> None:
    spec = write_spec(tmp_path / "bad.toml", {**TINY, **change})
    out = tmp_path / "out"
    with pytest.raises(InputError) as err:
        run_sweep(spec, out)
    assert err.value.field == field
    assert str(spec) in str(err.value) or err.value.source
    assert err.value.allowed
    assert not out.exists()
    rc = main(["sweep", str(spec), "--out", str(out), "-q"])
    assert rc == 2 and not out.exists()


def test_max_runs_option_and_dry_run_write_nothing(tiny_spec: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["sweep", str(tiny_spec), "--out", str(out), "--max-runs", "7", "-q"]) == 2
    assert "more than the maximum of 7" in capsys.readouterr().err
    assert main(["sweep", str(tiny_spec), "--out", str(out), "--dry-run"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "2 points x 4 replicates = 8 runs" in text and "4 tasks" in text
    assert not out.exists()


def test_unreachable_scheduler_clear_error(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    t0 = time.monotonic()
    with pytest.raises(InputError, match="cannot reach the Dask scheduler") as err:
        run_sweep(tiny_spec, out, scheduler="tcp://127.0.0.1:9", connect_timeout=1)
    assert err.value.source == "--scheduler"
    assert time.monotonic() - t0 < 20
    assert not out.exists()
    assert main(["sweep", str(tiny_spec), "--out", str(out), "--scheduler", "nowhere",
                 "-q"]) == 2
    assert not out.exists()


def test_changed_spec_refused(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "s"
    run_sweep(tiny_spec, out)
    other = write_spec(tmp_path / "other.toml", dict(TINY, seed=12))
    with pytest.raises(InputError, match="different sweep.*seed"):
        run_sweep(other, out)
    assert len(SweepStore(out).done_keys()) == 4
    # execution settings and max_runs are not part of the spec: same sweep
    assert parse_spec(dict(TINY, max_runs=99)).spec_hash() == load_spec(tiny_spec).spec_hash()


def test_designs() -> None:
    grid = parse_spec(dict(TINY, parameters={
        "attack_odds": {"range": [0.4, 0.8], "steps": 3},
        "victory_function": {"values": ["ratio", "erf"]}}))
    d = build_design(grid)
    assert len(d) == 6 and sorted(set(d.attack_odds)) == pytest.approx([0.4, 0.6, 0.8])
    assert len(make_tasks(grid, len(d))) == 12
    lhs = parse_spec(dict(TINY, design={"kind": "lhs", "points": 10, "seed": 3},
                          parameters={"attack_odds": {"range": [0.4, 0.8]},
                                      "gradient": {"values": ["logistic", "exponential"]}}))
    d = build_design(lhs)
    assert len(d) == 10 and d.attack_odds.between(0.4, 0.8).all()
    # one point in each of the 10 strata
    assert sorted(np.floor((d.attack_odds - 0.4) / 0.04).astype(int)) == list(range(10))
    assert build_design(lhs).equals(d)  # seeded
    sob = parse_spec(dict(TINY, design={"kind": "sobol", "points": 8},
                          parameters={"attack_odds": {"range": [0.4, 0.8]},
                                      "bid_spend": {"range": [0.04, 0.16]}}))
    assert len(build_design(sob)) == 8 * (2 + 2)
    with pytest.raises(InputError, match="power of 2"):
        parse_spec(dict(TINY, design={"kind": "sobol", "points": 6}))


def test_cli_sweep_query_report(tiny_spec: Path, tmp_path: Path,
                                capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "s"
    assert main(["sweep", str(tiny_spec), "--out", str(out), "-q"]) == 0
    assert "4 tasks run" in " ".join(capsys.readouterr().out.split())
    assert main(["query", str(out), "SELECT point, count(*) AS n FROM runs GROUP BY point "
                 "ORDER BY point", "--format", "csv"]) == 0
    assert capsys.readouterr().out.split() == ["point,n", "0,4", "1,4"]
    assert main(["query", str(out), "SELECT nope FROM runs"]) == 2
    assert "query failed" in capsys.readouterr().err
    png, js = tmp_path / "km.png", tmp_path / "rep.json"
    assert main(["sweep-report", str(out), "--group", "strategy", "--plot", str(png),
                 "--json", str(js)]) == 0
    text = capsys.readouterr().out
    assert "outcomes per design point" in text and "Kaplan-Meier" in text
    assert png.stat().st_size > 1000
    assert len(json.loads(js.read_text())["outcomes"]) == 2
    rep = sweep_report(out, outcomes=["wars"])
    assert {"outcomes", "survival"} <= set(rep)
    assert main(["query", str(tmp_path), "SELECT 1"]) == 2  # not a sweep folder


def test_plan_reports_done(tiny_spec: Path, tmp_path: Path) -> None:
    out = tmp_path / "s"
    run_sweep(tiny_spec, out)
    plan = plan_sweep(tiny_spec, out)
    assert len(plan.done) == 4 and plan.pending == []
