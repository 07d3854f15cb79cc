"""Run a sweep: spec -> design -> tasks -> executor -> results store.

>>> from powerbalance.experiments.spec import parse_spec
>>> spec = parse_spec({"scenario": "warring-states", "years": 5, "replicates": 2,
...                    "parameters": {"attack_odds": [0.5, 0.7]}})
>>> plan = plan_sweep(spec)
>>> plan.runs, len(plan.tasks)
(4, 2)

:func:`run_sweep` is resumable: rerun with the same spec and folder and it
skips the finished tasks. Results are bit-identical whatever the executor.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from powerbalance.experiments.design import (
    Task,
    build_design,
    check_size,
    make_tasks,
    point_overrides,
)
from powerbalance.experiments.executors import (
    DEFAULT_CONNECT_TIMEOUT,
    Executor,
    TaskPayload,
    make_executor,
)
from powerbalance.experiments.spec import SweepSpec, load_spec
from powerbalance.experiments.store import SweepStore

#: Progress callback: (tasks done, tasks total, runs done, runs total).
Progress = Callable[[int, int, int, int], None]


@dataclass
class SweepPlan:
    """The design and tasks of a spec, and what a folder already holds."""

    spec: SweepSpec
    design: pd.DataFrame
    tasks: list[Task]
    runs: int
    done: set[str] = field(default_factory=set)

    @property
    def pending(self) -> list[Task]:
        """Tasks not yet finished."""
        return [t for t in self.tasks if t.key not in self.done]

    def payload(self, task: Task) -> TaskPayload:
        """What a worker needs to run ``task``."""
        s = self.spec
        return TaskPayload(key=task.key, point=task.point, first=task.first, count=task.count,
                           scenario=s.scenario, years=s.years, seed=s.seed,
                           overrides=point_overrides(s, self.design, task.point), keep=s.keep)


@dataclass
class SweepReport:
    """What a run of :func:`run_sweep` did, with timings (seconds)."""

    folder: Path
    executor: str
    tasks_total: int
    tasks_run: int
    tasks_skipped: int
    runs_total: int
    runs_run: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def runs_per_second(self) -> float:
        """Runs simulated per second of wall time in this call."""
        return self.runs_run / self.seconds if self.seconds > 0 else 0.0


def plan_sweep(spec: SweepSpec | str | Path, out: str | Path | None = None,
               max_runs: int | None = None, design: pd.DataFrame | None = None) -> SweepPlan:
    """Validate a spec, build its design and tasks; check ``out`` if given (writes nothing).

    ``design`` (columns ``point`` and the spec's parameters) replaces the spec's own design:
    the explicit points of an ABC-SMC generation.
    """
    if not isinstance(spec, SweepSpec):
        spec = load_spec(spec)
    runs = check_size(spec, max_runs)
    design = build_design(spec) if design is None else design
    # validate every point's parameters against the scenario (clear error, nothing written)
    from powerbalance.scenarios import load

    scen = load(spec.scenario)
    for p in range(len(design)):
        scen.make_params(point_overrides(spec, design, p), source=f"{spec.source} [point {p}]")
    plan = SweepPlan(spec, design, make_tasks(spec, len(design)), runs)
    if out is not None:
        store = SweepStore(out)
        store.check_compatible(spec, design)
        plan.done = store.done_keys() & {t.key for t in plan.tasks}
    return plan


def run_sweep(spec: SweepSpec | str | Path, out: str | Path, *, workers: int | None = None,
              scheduler: str | None = None, backend: str | None = None,
              executor: Executor | None = None, max_runs: int | None = None,
              connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
              progress: Progress | None = None,
              on_start: Callable[[SweepPlan, Executor], None] | None = None,
              dashboard: bool = False, design: pd.DataFrame | None = None) -> SweepReport:
    """Run (or resume) a sweep into the folder ``out``; return what was done.

    ``workers``/``scheduler``/``backend``/``dashboard`` choose the executor as in
    :func:`~powerbalance.experiments.executors.make_executor` (default:
    in-process); or pass an ``executor``. Everything is validated (spec,
    design size, folder, scheduler) before anything is written. ``design``: explicit
    points, as in :func:`plan_sweep`.
    """
    started = time.perf_counter()
    plan = plan_sweep(spec, out, max_runs=max_runs, design=design)
    store = SweepStore(out)
    own = executor is None
    if executor is None:
        executor = make_executor(workers, scheduler, backend=backend,
                                 connect_timeout=connect_timeout, dashboard=dashboard)
    timings = {"setup": 0.0, "simulate": 0.0, "tables": 0.0, "encode": 0.0, "write": 0.0,
               "catalog": 0.0}
    pending = plan.pending
    runs_done = sum(t.count for t in plan.tasks if t.key in plan.done)
    tasks_done = len(plan.tasks) - len(pending)
    try:
        store.initialise(plan.spec, plan.design)
        if on_start is not None:
            on_start(plan, executor)
        if progress is not None:
            progress(tasks_done, len(plan.tasks), runs_done, plan.runs)
        for result in executor.map(plan.payload(t) for t in pending):
            timings["write"] += store.write_task(result.key, result.blobs)
            for k, v in result.timings.items():
                timings[k] = timings.get(k, 0.0) + v
            tasks_done += 1
            runs_done += result.runs
            if progress is not None:
                progress(tasks_done, len(plan.tasks), runs_done, plan.runs)
    finally:
        if own:
            executor.close()
    t0 = time.perf_counter()
    store.refresh_catalog()
    timings["catalog"] = time.perf_counter() - t0
    return SweepReport(
        folder=Path(out), executor=executor.describe(), tasks_total=len(plan.tasks),
        tasks_run=len(pending), tasks_skipped=len(plan.tasks) - len(pending),
        runs_total=plan.runs, runs_run=sum(t.count for t in pending),
        seconds=time.perf_counter() - started, timings=timings)


#: Outcomes shown by :func:`sweep_report` unless others are asked for.
REPORT_OUTCOMES = ("hegemon_ever", "unified", "final_live_actors", "wars")


def sweep_report(folder: str | Path, outcomes: list[str] | None = None,
                 group: str = "point", level: float = 0.95,
                 sobol_outcome: str = "hegemon_ever",
                 progress: Callable[[int, int], None] | None = None) -> dict[str, object]:
    """The statistics of a finished (or partial) sweep, as tables.

    Keys: ``outcomes`` (per design point: means/proportions with CIs),
    ``sobol`` (Sobol indices of ``sobol_outcome``'s per-point mean; Sobol
    designs only, once every point is complete; their bootstrap intervals are
    seeded from the sweep's master seed), ``survival`` (Kaplan-Meier
    curves of state death by ``group``: ``point``, ``name``, ``strategy`` or
    ``region``), ``wars`` (power-law fit of war sizes). ``progress`` is
    called with (steps done, steps in all), the total from the start.
    """
    from powerbalance.errors import InputError
    from powerbalance.experiments import stats

    store = SweepStore(folder)
    meta = store.meta()
    canon = meta["spec"]
    out: dict[str, object] = {"name": meta.get("name", ""), "spec": canon}
    steps = 1 + sum([canon["design"]["kind"] == "sobol", "lifetimes" in canon["keep"],
                     "wars" in canon["keep"]])
    done = 0

    def step() -> None:
        nonlocal done
        if progress is not None:
            progress(done, steps)
        done += 1

    step()
    runs = store.table("summaries")
    if runs.empty:
        raise InputError("no finished tasks yet", source=str(folder), field="SWEEP",
                         allowed="a sweep with results (run 'powerbalance sweep' first)")
    points = pd.read_parquet(store.points_path)
    runs = runs.merge(points, on="point", how="left")
    chosen = list(outcomes or REPORT_OUTCOMES)
    table = stats.outcome_table(runs, chosen, by="point", level=level)
    out["outcomes"] = points.merge(table, on="point", how="right")
    out["runs"] = len(runs)
    step()
    if canon["design"]["kind"] == "sobol":
        per_point = runs.groupby("point")[sobol_outcome].mean()
        complete = runs.groupby("point").size()
        if len(per_point) == len(points) and (complete == canon["replicates"]).all():
            out["sobol"] = stats.sobol_indices(_salib_problem(canon),
                                               per_point.sort_index().to_numpy(dtype=float),
                                               second_order=canon["design"]["second_order"],
                                               seed=int(canon["seed"]), level=level)
            out["sobol_outcome"] = sobol_outcome
        step()
    if "lifetimes" in canon["keep"]:
        life = store.table("lifetimes")
        if group not in life.columns:
            raise InputError(f"unknown group {group!r}", source="sweep-report", field="--group",
                             allowed="point, name, strategy, region")
        out["survival"] = stats.kaplan_meier(life, group=group, level=level)
        step()
    if "wars" in canon["keep"]:
        wars = store.table("wars")
        if len(wars) >= 10:
            out["war_sizes"] = stats.fit_war_sizes(wars["size"].to_numpy())
        step()
    return out


def _salib_problem(canon: dict[str, Any]) -> dict[str, Any]:
    """The SALib problem of a stored canonical spec (as :func:`design.salib_problem`)."""
    params: dict[str, dict[str, Any]] = canon["parameters"]
    return {"num_vars": len(params), "names": list(params),
            "bounds": [list(v["range"]) if "range" in v else [0.0, 1.0]
                       for v in params.values()]}
