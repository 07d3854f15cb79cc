"""Commands that run and inspect simulations: ``run``, ``scenarios``, ``show``, ``params``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from powerbalance.cli.app import (
    ForceOption,
    app,
    check_png,
    console,
    err_console,
    year_progress,
)
from powerbalance.errors import InputError
from powerbalance.outputs import check_outputs, output, write_file


def parse_sets(items: list[str] | None) -> dict[str, Any]:
    """``key=value`` pairs of ``--set`` (values stay strings; Params validates them)."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise InputError(f"malformed {item!r}", source="--set", field=item,
                             allowed="key=value, e.g. --set sea_cost=2")
        out[key.strip()] = value.strip()
    return out


def save_plot(fig: Any, path: Path, force: bool, option: str = "--plot") -> Path:
    """Save a figure as a single-file output (see :mod:`powerbalance.outputs`)."""
    from powerbalance.viz import save_figure

    return write_file(path, lambda tmp: save_figure(fig, tmp), kind="plot", force=force,
                      option=option)


def _percent(x: float) -> str:
    return f"{100 * x:.1f}%"


def print_run_summary(result: Any) -> None:
    """Print the unification and polarity tables of a run."""
    from powerbalance.experiments.stats import format_interval
    from powerbalance.experiments.summary import final_polarity, unification

    names = result.manifest["scenario"]["actors"]
    worlds = result.manifest["worlds"]
    system = result.summary_system()  # every world, fewer rows than the system table
    table = Table(title=f"{result.manifest['scenario']['name']}: {worlds} worlds, "
                        f"{result.manifest['years']} years, seed {result.manifest['seed']}")
    table.add_column("unified by")
    table.add_column("worlds", justify="right")
    table.add_column("share (95% CI)", justify="right")
    table.add_column("median year", justify="right")
    for row in unification(system, names).itertuples():
        year = "-" if row.worlds == 0 else f"{row.median_year:.0f}"
        table.add_row(row.actor, str(row.worlds),
                      format_interval(row.share, row.ci_low, row.ci_high, percent=True),
                      year)
    console.print(table)
    pol = Table(title="polarity at the end")
    pol.add_column("class")
    pol.add_column("worlds", justify="right")
    pol.add_column("share", justify="right")
    for row in final_polarity(system).itertuples():
        pol.add_row(row.polarity, str(row.worlds), _percent(row.share))
    console.print(pol)
    print_alliance_politics(result, system)


def print_alliance_politics(result: Any, system: Any = None) -> None:
    """Print the alliance-politics metrics of a run (see docs/strategies.md); ``system``:
    rows of its system table with every world (default: the table)."""
    import numpy as np

    from powerbalance.experiments.alliance_politics import alliance_politics_summary

    worlds = np.unique((result.system if system is None else system)["world"]).tolist()
    table = Table(title="alliance politics")
    for col in ("metric", "total", "per world", "worlds with any"):
        table.add_column(col, justify="left" if col == "metric" else "right")
    for row in alliance_politics_summary(result.events, worlds).itertuples():
        table.add_row(row.metric.replace("_", "-"), str(row.total), f"{row.per_world:.2f}",
                      _percent(row.worlds_with_any))
    console.print(table)


@app.command("run")
def run_command(
    scenario: Annotated[str, typer.Argument(help="Built-in name, generator spec "
                                                 "(random:actors=30) or TOML file.")],
    years: Annotated[int | None, typer.Option(help="Years to simulate (default: "
                                                   "the scenario's).")] = None,
    worlds: Annotated[int, typer.Option(help="Number of worlds (ensemble size).")] = 1,
    seed: Annotated[int, typer.Option(help="Master seed of every random stream.")] = 0,
    out: Annotated[Path | None, typer.Option(help="Write the run folder here (a new path; "
                                                  "--force replaces an earlier run "
                                                  "folder).")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Parameter override "
                                                   "key=value (repeatable).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write a PNG: shares over time and the "
                                                   "final map of world 0.")] = None,
    batch_size: Annotated[int | None, typer.Option(help="Worlds per array program (default: "
                                                        "the largest that fits in memory; "
                                                        "results do not depend on it).")] = None,
    record: Annotated[str, typer.Option(help="What the tables keep: full (every year), "
                                             "system (every year, no alliance table) or "
                                             "final (the start and the last year).")] = "full",
    params: Annotated[Path | None, typer.Option("--params", help="A params file ([params] "
                                                "table, e.g. the calibrated-params.toml of "
                                                "'powerbalance calibrate'); --set goes over "
                                                "it.")] = None,
    engine: Annotated[str | None, typer.Option(
        help="compiled (numba kernels, bit-identical results; the default, or "
             "$POWERBALANCE_ENGINE where it is set) or numpy (the reference: the "
             "specification of the model).", show_default=False)] = None,
    workers: Annotated[int | None, typer.Option(help="With --out: processes that simulate "
                                                     "the batches while this one writes "
                                                     "the tables (default: the CPUs, up "
                                                     "to 4, for a run of 10 million "
                                                     "actor-years or more; results do not "
                                                     "depend on it).")] = None,
    force: ForceOption = False,
) -> None:
    """Simulate a scenario and print who unified the system, when, and the polarity (or run an
    arena, market:firms=10 or parliament:rule=fptp, and print its summary in its words)."""
    from powerbalance.arenas import is_arena, scenario_of

    scenario = scenario_of(scenario) or scenario  # interstate:NAME is the scenario NAME
    if is_arena(scenario):
        from powerbalance.cli.arenas import run_arena

        run_arena(scenario, years=years, worlds=worlds, seed=seed, out=out,
                  sets=parse_sets(set_), plot=plot, batch_size=batch_size, record=record,
                  params_file=params, force=force, engine=engine, workers=workers)
        return
    from powerbalance.cli.checks import MAX_WORKERS, check_int, check_out, check_run_options
    from powerbalance.experiments.results import run, run_plan
    from powerbalance.experiments.runner import RECORD_LEVELS
    from powerbalance.scenarios import load
    from powerbalance.scenarios.model import check_run_memory

    check_run_options(years=years, worlds=worlds, seed=seed, batch_size=batch_size)
    check_int(workers, "--workers", 1, MAX_WORKERS)
    if record not in RECORD_LEVELS:
        raise InputError(f"{record!r}", source="--record", field="record",
                         allowed=", ".join(RECORD_LEVELS))
    from powerbalance.model.engines import check_engine, default_engine

    engine = default_engine() if engine is None else check_engine(engine, source="--engine")
    check_out(out)
    check_png(plot)
    overrides = parse_sets(set_)
    if params is not None:
        from powerbalance.params import load_params_file

        overrides = {**load_params_file(params), **overrides}
    scen = load(scenario)
    scen.make_params(overrides)  # validate before anything runs or is written
    check_outputs([output(out, "run", folder=True),
                   output(plot, "plot", folder=False, option="--plot")], force)
    streamed = out is not None  # the tables go to the run folder as the worlds are simulated
    batch_size, workers = run_plan(scen, worlds=worlds, years=years or scen.years,
                                   record=record, streamed=streamed, batch_size=batch_size,
                                   workers=workers)
    check_run_memory(scen, worlds=worlds, years=years or scen.years,
                     batch_size=min(worlds, batch_size * workers), record=record,
                     streamed=streamed)
    started = time.perf_counter()
    batches = -(-worlds // max(batch_size, 1))  # the run simulates its years once per batch
    total = batches * (scen.years if years is None else years)
    with year_progress(f"{scen.name} x {worlds}", total) as progress:
        result = run(scen, years=years, worlds=worlds, seed=seed, overrides=overrides,
                     out=out, batch_size=batch_size, record=record, progress=progress,
                     force=force, engine=engine, keep_tables=not streamed,
                     workers=workers)
    print_run_summary(result)
    if plot is not None:
        from powerbalance.viz import overview_figure

        save_plot(overview_figure(result, world=0), plot, force)
        console.print(f"picture: {plot}")
    if out is not None:
        console.print(f"run folder: {out}")
    err_console.print(f"done in {time.perf_counter() - started:.1f} s", highlight=False)


@app.command("scenarios")
def scenarios_command() -> None:
    """List the built-in scenarios and generators."""
    from powerbalance.scenarios import available

    table = Table(title="scenarios")
    table.add_column("name")
    table.add_column("description")
    for name, description in available():
        table.add_row(name, description)
    from powerbalance.arenas import available as arenas

    for name, description in arenas():  # arenas run with the same command
        table.add_row(name, description)
    console.print(table)


@app.command("show")
def show_command(
    run_folder: Annotated[Path, typer.Argument(metavar="RUN", help="A run folder.")],
) -> None:
    """Summarise a run folder written by ``powerbalance run --out``."""
    from powerbalance.cli.arenas import show_arena
    from powerbalance.experiments.results import load_run

    if show_arena(run_folder):  # an arena's run folder
        return

    result = load_run(run_folder)
    m = result.manifest
    info = Table(title=f"run {run_folder}", show_header=False)
    for key in ("version", "seed", "worlds", "years", "created"):
        info.add_row(key, str(m.get(key)))
    info.add_row("scenario", f"{m['scenario']['name']} ({m['scenario']['origin']})")
    if m.get("overrides"):
        info.add_row("overrides", ", ".join(f"{k}={v}" for k, v in m["overrides"].items()))
    processes = m["timings"].get("simulate_processes", 1)
    info.add_row("simulate seconds", f"{m['timings']['simulate_seconds']:.2f}" + (
        f" (summed over {processes} worker processes)" if processes > 1 else ""))
    console.print(info)
    print_run_summary(result)
    kinds = result.events["kind"].astype(str).value_counts()
    ev = Table(title="events")
    ev.add_column("kind")
    ev.add_column("count", justify="right")
    for kind, count in kinds.items():
        if count:
            ev.add_row(str(kind), str(count))
    console.print(ev)


@app.command("params")
def params_command() -> None:
    """List the model parameters with defaults, allowed values and sources."""
    from powerbalance.params import Params

    table = Table(title="parameters")
    for col in ("name", "default", "allowed", "meaning", "source"):
        table.add_column(col, overflow="fold")
    for row in Params.describe():
        table.add_row(row["name"], str(row["default"]), row["allowed"], row["doc"],
                      row["source"])
    console.print(table)
