"""Commands that meet history: ``calibrate`` (fit free parameters) and ``validate``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from powerbalance.cli.app import app, console, err_console
from powerbalance.cli.sweep import _frame_table
from powerbalance.errors import InputError

WorkersOption = Annotated[int | None, typer.Option(
    "--workers", "-w", help="Run on N local workers (see --backend).")]
SchedulerOption = Annotated[str | None, typer.Option(
    "--scheduler", help="Run on an existing Dask cluster, tcp://HOST:PORT.")]
BackendOption = Annotated[str, typer.Option(
    "--backend", help="With --workers: 'processes' (concurrent.futures, spawn) or 'dask' "
    "(LocalCluster).")]


def _check_executor(workers: int | None, backend: str) -> None:
    from powerbalance.cli.checks import MAX_WORKERS, check_int

    if backend not in ("dask", "processes"):
        raise InputError(f"invalid value {backend!r}", source="--backend", field="backend",
                         allowed="dask | processes")
    check_int(workers, "--workers", 1, MAX_WORKERS)


def _progress(quiet: bool) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(),
                    TextColumn("{task.completed:.0f}/{task.total:.0f} worlds"),
                    TimeElapsedColumn(), TimeRemainingColumn(), console=err_console,
                    disable=quiet)


@app.command("calibrate")
def calibrate_command(
    spec: Annotated[Path, typer.Argument(help="Calibration spec (TOML): scenario, training "
                                              "window, facts, [method], [priors].")],
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Calibration folder (default: results/calibration-NAME); a "
        "re-run resumes it.")] = None,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    backend: BackendOption = "processes",
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    points: Annotated[int | None, typer.Option(
        "--points", help="Replace the spec's method.points (the first design's size).")] = None,
    replicates: Annotated[int | None, typer.Option(
        "--replicates", help="Replace the spec's method.replicates.")] = None,
    accept: Annotated[float | None, typer.Option(
        "--accept", help="Replace the spec's method.accept (share of the first design "
        "accepted; also the SMC population's size).")] = None,
    generations: Annotated[int | None, typer.Option(
        "--generations", help="ABC-SMC generations after the rejection step (sets kind "
        "abc-smc; 0: rejection only).")] = None,
    proposals: Annotated[int | None, typer.Option(
        "--proposals", help="Replace the spec's method.proposals (per SMC generation).")
        ] = None,
) -> None:
    """Fit the spec's priors to the facts of its training window (ABC rejection, then
    ABC-SMC generations when asked for)."""
    from powerbalance.cli.checks import check_out
    from powerbalance.experiments.calibration import calibrate, check_folder, load_calibration_spec

    _check_executor(workers, backend)
    check_out(out)
    method: dict[str, Any] = {k: v for k, v in (("points", points), ("replicates", replicates),
                                                ("accept", accept), ("proposals", proposals))
                              if v is not None}
    if generations is not None:
        method["generations"] = generations
        method["kind"] = "abc-smc" if generations else "abc-rejection"
    parsed = load_calibration_spec(spec, method)
    folder = out if out is not None else Path("results") / f"calibration-{parsed.name}"
    check_folder(folder)
    progress = _progress(quiet)
    state: dict[str, Any] = {}

    def tick(tasks_done: int, tasks_total: int, runs_done: int, runs_total: int) -> None:
        if "task" not in state or (tasks_done == 0 and state.get("done")):
            # a new sweep: the first design, then each SMC generation
            state["step"] = state.get("step", -1) + 1
            label = parsed.name if not state["step"] else f"generation {state['step']}"
            state["task"] = progress.add_task(label, total=runs_total)
        state["done"] = tasks_done == tasks_total
        progress.update(state["task"], completed=runs_done)

    with progress:
        result = calibrate(parsed, folder, workers=workers, scheduler=scheduler,
                           backend=backend, progress=tick)
    lo, hi = parsed.window
    shown = result.fit[["fact", "fitted", "observed", "model_median", "model_lo",
                        "model_hi", "percentile"]]
    console.print(_frame_table(shown, title=f"fit: {lo}-{hi}, data vs the posterior "
                               "predictive (90% band)"))
    if parsed.generations:
        console.print(_frame_table(result.generations, title="ABC-SMC populations"))
    console.print(_frame_table(result.posterior.head(10), title="posterior (best 10)"))
    console.print(", ".join(f"{k} = {v:.4g}" if isinstance(v, float) else f"{k} = {v}"
                            for k, v in result.calibrated.items()), highlight=False)
    console.print(f"calibration folder: {folder} (calibrated-params.toml for run/validate "
                  "--params)", highlight=False)
    err_console.print(f"{result.runs} histories simulated in {result.seconds:.1f} s "
                      f"({result.histories_per_second:.2f} histories/s)", highlight=False)


@app.command("validate")
def validate_command(
    params: Annotated[Path | None, typer.Option(
        "--params", help="A calibration folder or params file (default: this version's "
        "parameters).")] = None,
    data: Annotated[Path | None, typer.Option(
        "--data", help="Folder of the downloaded COW files (default: "
        "$POWERBALANCE_DATA).")] = None,
    window: Annotated[list[str] | None, typer.Option(
        "--window", help="START:YEARS, e.g. 1919:20 (repeatable; default 1919:20 and "
        "1950:39).")] = None,
    worlds: Annotated[int, typer.Option(help="Worlds per window and scenario.")] = 50,
    seed: Annotated[int, typer.Option(help="Master seed.")] = 0,
    history: Annotated[bool, typer.Option(
        "--history/--no-history", help="Also the historical scenarios.")] = True,
    workers: WorkersOption = None,
    scheduler: SchedulerOption = None,
    backend: BackendOption = "processes",
) -> None:
    """The calibrated model on windows and episodes it was not fitted to."""
    from powerbalance.analysis.cow import data_dir
    from powerbalance.cli.checks import check_run_options
    from powerbalance.experiments.validation import (
        DEFAULT_WINDOWS,
        calibrated_params,
        history_checks,
        validate_windows,
    )

    _check_executor(workers, backend)
    check_run_options(worlds=worlds, seed=seed, min_worlds=2)
    windows = DEFAULT_WINDOWS if not window else tuple(_window(w) for w in window)
    overrides, info = calibrated_params(params)
    folder = data_dir(data)
    table = validate_windows(overrides, folder, windows=windows,
                             scenario=info.get("scenario"), worlds=worlds, seed=seed,
                             workers=workers, scheduler=scheduler, backend=backend)
    console.print(_frame_table(table, title="out of sample: observed vs model (90% band)"))
    if history:
        checks = history_checks(overrides, worlds=worlds, seed=seed)
        console.print(_frame_table(checks.drop(columns=["statistic"]),
                                   title="history's percentile in the model"))


def _window(text: str) -> tuple[int, int]:
    """``START:YEARS`` of ``--window``."""
    start, sep, years = text.partition(":")
    try:
        a, b = int(start), int(years)
    except ValueError:
        a = b = 0
        sep = ""
    if not sep or not 1816 <= a <= 2016 or not 1 <= b <= 200:
        raise InputError(f"{text!r}", source="--window", field="window",
                         allowed="START:YEARS, START 1816-2016 (a cow year), YEARS 1-200")
    return a, b
