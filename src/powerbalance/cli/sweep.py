"""Commands for experiments at scale: ``sweep``, ``query``, ``sweep-report``."""

from __future__ import annotations

import json
import math
import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

from powerbalance.cli.app import ForceOption, app, console, err_console
from powerbalance.errors import InputError
from powerbalance.outputs import check_outputs, output, write_file

if TYPE_CHECKING:  # pandas loads inside the commands: `--help` stays fast
    import pandas as pd


class _RunsPerSecond(ProgressColumn):
    """Runs simulated per second since the start of this call."""

    def render(self, task: Task) -> Text:
        """The rate as text."""
        runs = task.fields.get("runs", 0)
        started = task.fields.get("started", time.perf_counter())
        elapsed = max(time.perf_counter() - started, 1e-9)
        return Text(f"{runs / elapsed:,.0f} runs/s" if runs else "- runs/s", style="cyan")


def _frame_table(df: pd.DataFrame, title: str | None = None, digits: int = 4) -> Table:
    import pandas as pd

    table = Table(title=title, show_lines=False, header_style="bold")
    for c in df.columns:
        table.add_column(str(c), justify="right" if df[c].dtype.kind in "iufb" else "left")
    for row in df.itertuples(index=False):
        cells = []
        for v in row:
            if isinstance(v, float):
                cells.append("" if math.isnan(v) else f"{v:.{digits}g}")
            else:
                cells.append("" if v is None or v is pd.NA else str(v))
        table.add_row(*cells)
    return table


def _compact(table: pd.DataFrame) -> pd.DataFrame:
    """Outcome columns as 'estimate [lo, hi]' strings (parameters and n kept)."""
    from powerbalance.experiments.stats import format_interval

    names = [c[:-3] for c in table.columns if c.endswith("_lo") and f"{c[:-3]}_hi" in table]
    out = table[[c for c in table.columns
                 if c not in names and not c.endswith(("_lo", "_hi"))]].copy()
    for c in out.columns:
        if out[c].dtype.kind == "f":
            out[c] = out[c].map(lambda v: f"{v:.4g}")
    for name in names:
        out[name] = [format_interval(e, lo, hi) for e, lo, hi in
                     zip(table[name], table[f"{name}_lo"], table[f"{name}_hi"], strict=True)]
    return out


@app.command("sweep")
def sweep_command(
    spec: Annotated[Path, typer.Argument(help="Sweep spec (TOML).")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Results folder (default: results/SPEC-NAME).")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-w", help="Run on a Dask LocalCluster of N workers.")] = None,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Run on an existing Dask cluster, tcp://HOST:PORT.")] = None,
    backend: Annotated[str, typer.Option(
        "--backend", help="With --workers: 'dask' (LocalCluster) or 'processes' "
        "(concurrent.futures, spawn).")] = "dask",
    max_runs: Annotated[int | None, typer.Option(
        "--max-runs", help="Refuse designs with more runs (default: the spec's max_runs)."
    )] = None,
    connect_timeout: Annotated[float, typer.Option(
        "--connect-timeout", help="Seconds to wait for --scheduler.")] = 10.0,
    dry_run: Annotated[bool, typer.Option(
        "--dry-run", help="List the design; run nothing.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    dashboard: Annotated[bool, typer.Option(
        "--dashboard", help="With --workers: serve the Dask dashboard on 127.0.0.1:8787 "
        "(off by default).")] = False,
) -> None:
    """Run (or resume) a parameter sweep into a folder of Parquet datasets."""
    from powerbalance.cli.checks import MAX_WORKERS, check_float, check_int, check_out
    from powerbalance.experiments.spec import MAX_RUNS, load_spec
    from powerbalance.experiments.sweep import plan_sweep, run_sweep

    if backend not in ("dask", "processes"):
        raise InputError(f"invalid value {backend!r}", source="--backend", field="backend",
                         allowed="dask | processes")
    check_int(workers, "--workers", 1, MAX_WORKERS)
    check_int(max_runs, "--max-runs", 1, MAX_RUNS)
    check_float(connect_timeout, "--connect-timeout", 0, 3600, open_low=True)
    check_out(out)
    parsed = load_spec(spec)
    folder = out if out is not None else Path("results") / parsed.name
    if dry_run:
        plan = plan_sweep(parsed, folder, max_runs=max_runs)
        design = plan.design.copy()
        design["replicates"] = parsed.replicates
        console.print(_frame_table(design, title=f"{parsed.name}: {parsed.design} design"))
        console.print(
            f"{len(plan.design)} points x {parsed.replicates} replicates = {plan.runs} runs of "
            f"{parsed.scenario!r} for {parsed.years} years (seed {parsed.seed}); "
            f"{len(plan.tasks)} tasks of up to {parsed.replicates_per_task} replicates; "
            f"{len(plan.done)} already finished in {folder}; keeps {', '.join(parsed.keep)}.",
            highlight=False)
        return

    progress = Progress(
        TextColumn("[bold]{task.description}"), BarColumn(),
        TextColumn("{task.completed:.0f}/{task.total:.0f} tasks"), _RunsPerSecond(),
        TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
        console=err_console, disable=quiet, transient=False,
    )
    state: dict[str, Any] = {}

    def on_start(plan: Any, executor: Any) -> None:
        if getattr(executor, "dashboard_link", None):
            err_console.print(f"Dask dashboard: {executor.dashboard_link}", highlight=False,
                              markup=False)
        state["first_runs"] = None
        state["task"] = progress.add_task(escape(f"{parsed.name} [{executor.describe()}]"),
                                          total=len(plan.tasks),
                                          completed=len(plan.tasks) - len(plan.pending),
                                          runs=0, started=time.perf_counter())

    def tick(tasks_done: int, tasks_total: int, runs_done: int, runs_total: int) -> None:
        if "task" not in state:
            return
        if state["first_runs"] is None:
            state["first_runs"] = runs_done
        progress.update(state["task"], completed=tasks_done,
                        runs=runs_done - state["first_runs"])

    with progress:
        report = run_sweep(parsed, folder, workers=workers, scheduler=scheduler,
                           backend=backend, max_runs=max_runs,
                           connect_timeout=connect_timeout, progress=tick, on_start=on_start,
                           dashboard=dashboard)
    t = report.timings
    storage = t.get("tables", 0) + t.get("encode", 0) + t.get("write", 0) + t.get("catalog", 0)
    console.print(
        f"[bold]{escape(parsed.name)}[/]: {report.tasks_run} tasks run, "
        f"{report.tasks_skipped} already done; {report.runs_run} runs in {report.seconds:.1f} s "
        f"({report.runs_per_second:,.0f} runs/s) on {escape(str(report.executor))}.",
        markup=True, highlight=False)
    console.print(
        f"simulation {t.get('simulate', 0):.1f} s (worker time), storage "
        f"{storage:.2f} s (tables {t.get('tables', 0):.2f}, encode {t.get('encode', 0):.2f}, "
        f"write {t.get('write', 0):.2f}, catalog {t.get('catalog', 0):.2f}).", highlight=False)
    console.print(f"results: {folder}  (powerbalance query {folder} \"SELECT * FROM runs\"; "
                  f"powerbalance sweep-report {folder})", highlight=False, soft_wrap=True)


@app.command("query")
def query_command(
    sweep: Annotated[Path, typer.Argument(help="Sweep results folder.")],
    sql: Annotated[str, typer.Argument(
        help="DuckDB SQL over sweep, points, tasks, runs, summaries, lifetimes, wars, "
        "system.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table | csv | json")] = "table",
    limit: Annotated[int, typer.Option(
        "--limit", help="Rows shown in table format (0 = all).")] = 50,
) -> None:
    """Run DuckDB SQL over a sweep's results."""
    from powerbalance.experiments.store import SweepStore

    if fmt not in ("table", "csv", "json"):
        raise InputError(f"invalid value {fmt!r}", source="--format", field="format",
                         allowed="table | csv | json")
    df = SweepStore(sweep).query(sql)
    if fmt == "csv":
        console.print(df.to_csv(index=False), end="", highlight=False, soft_wrap=True)
    elif fmt == "json":
        console.print(df.to_json(orient="records"), highlight=False, soft_wrap=True)
    else:
        shown = df if limit == 0 else df.head(limit)
        console.print(_frame_table(shown))
        if len(shown) < len(df):
            console.print(f"({len(df) - len(shown)} more rows; --limit 0 shows all)")


@app.command("sweep-report")
def report_command(
    sweep: Annotated[Path, typer.Argument(help="Sweep results folder.")],
    outcome: Annotated[list[str] | None, typer.Option(
        "--outcome", help="Outcome to tabulate (repeatable).")] = None,
    group: Annotated[str, typer.Option(
        "--group", help="Survival groups: point | name | strategy | region.")] = "point",
    sobol_outcome: Annotated[str, typer.Option(
        "--sobol-outcome", help="Outcome whose per-point mean the Sobol indices decompose."
    )] = "hegemon_ever",
    level: Annotated[float, typer.Option("--level", help="Confidence level.")] = 0.95,
    plot: Annotated[Path | None, typer.Option(
        "--plot", help="Save the survival curves (PNG).")] = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="Also write the report as JSON.")] = None,
    force: ForceOption = False,
) -> None:
    """Outcome CIs per design point, Sobol indices, survival and war-size fits."""
    import pandas as pd

    from powerbalance.cli.app import progress_bar
    from powerbalance.experiments import stats
    from powerbalance.experiments.sweep import sweep_report

    if not 0 < level < 1:
        raise InputError(f"{level}", source="--level", field="level", allowed="0 < level < 1")
    check_outputs([output(plot, "plot", folder=False, option="--plot"),
                   output(json_out, "json", folder=False, option="--json")], force)
    with progress_bar("sweep-report", unit="steps") as progress:
        rep = sweep_report(sweep, outcomes=outcome or None, group=group, level=level,
                           sobol_outcome=sobol_outcome, progress=progress)
    table = rep["outcomes"]
    assert isinstance(table, pd.DataFrame)
    console.print(_frame_table(_compact(table), title=f"{rep['name']}: outcomes per design point "
                               f"({level:.0%} CI; {rep['runs']} runs)", digits=3))
    if "sobol" in rep:
        sob = rep["sobol"]
        assert isinstance(sob, pd.DataFrame)
        console.print(_frame_table(sob, title=f"Sobol indices of {rep['sobol_outcome']}",
                                   digits=3))
    survival = rep.get("survival")
    if isinstance(survival, pd.DataFrame):
        summary = (survival.groupby("group", sort=True)
                   .agg(end_survival=("survival", "last"), lo=("lo", "last"), hi=("hi", "last"),
                        start_at_risk=("at_risk", "first")).reset_index())
        console.print(_frame_table(summary, title=f"Kaplan-Meier survival at the last year "
                                   f"by {group}", digits=3))
        if plot is not None:
            write_file(plot, lambda tmp: stats.plot_survival(
                survival, tmp, title=f"{rep['name']}: survival by {group}"),
                kind="plot", force=force, option="--plot")
            console.print(f"survival plot: {plot}")
    fit = rep.get("war_sizes")
    if isinstance(fit, dict):
        console.print(
            f"war sizes: power law alpha = {fit['alpha']:.3f} +/- {fit['sigma']:.3f}, "
            f"x_min = {fit['xmin']:.4g} ({fit['n_tail']:.0f} of {fit['n']:.0f} wars in the "
            f"tail); power law vs log-normal R = {fit['R']:.3f} (p = {fit['p']:.3g}; "
            f"R > 0 favours the power law)", highlight=False)
    if json_out is not None:
        def conv(v: object) -> object:
            return v.to_dict(orient="records") if isinstance(v, pd.DataFrame) else v
        text = json.dumps({k: conv(v) for k, v in rep.items()}, default=str, indent=2)
        write_file(json_out, lambda tmp: tmp.write_text(text, encoding="utf-8"), kind="json",
                   force=force, option="--json")
