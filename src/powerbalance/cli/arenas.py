"""``powerbalance run ARENA:options``: run an arena (a market, a parliament) and print its
summary in the arena's words (``run`` dispatches here when its argument names an arena)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from rich.table import Table

from powerbalance.cli.app import check_png, console, err_console, year_progress
from powerbalance.errors import InputError
from powerbalance.outputs import check_outputs, output


def run_arena(spec_text: str, *, years: int | None, worlds: int, seed: int, out: Path | None,
              sets: dict[str, Any], plot: Path | None, batch_size: int | None, record: str,
              params_file: Path | None, force: bool, engine: str | None = None,
              workers: int | None = None) -> None:
    """Check every option, run the arena, print its summary, write the tables and the plot.

    ``engine`` and ``workers`` are the run command's ``--engine`` and ``--workers``: an arena
    other than the interstate model steps its own arrays in this process, so either given
    is a mistake (reported, not ignored: a user who asked for the NumPy reference or for
    four processes must not believe they got them)."""
    from powerbalance.arenas import load
    from powerbalance.arenas.run import RECORD_LEVELS, simulate
    from powerbalance.cli.checks import check_out, check_run_options

    check_run_options(years=years, worlds=worlds, seed=seed, batch_size=batch_size)
    if record not in RECORD_LEVELS:
        raise InputError(f"{record!r}", source="--record", field="record",
                         allowed=", ".join(RECORD_LEVELS))
    for option, value in (("--engine", engine), ("--workers", workers)):
        if value is not None:
            raise InputError(repr(value), source=option, field=option.lstrip("-"),
                             allowed="not given: an arena (other than interstate:NAME) "
                                     "runs its own step in this process")
    if params_file is not None:
        raise InputError("an arena takes no params file", source="--params", field="params",
                         allowed="arena options in the spec or with --set key=value")
    check_out(out)
    check_png(plot)
    if sets:  # --set goes over the spec's options
        name, sep, options = spec_text.partition(":")
        if "(" in name:
            raise InputError("--set with a name(key=value) spec", source="--set",
                             field="set", allowed="the name:key=value form of the spec")
        extra = ",".join(f"{k}={v}" for k, v in sets.items())
        spec_text = f"{name}:{options + ',' if options else ''}{extra}"
    spec = load(spec_text)
    check_outputs([output(out, "arena-run", folder=True),
                   output(plot, "plot", folder=False, option="--plot")], force)
    years = spec.default_years if years is None else years
    started = time.perf_counter()
    with year_progress(f"{spec.arena.name} x {worlds}") as progress:
        result = simulate(spec, worlds=worlds, years=years, seed=seed, batch_size=batch_size,
                          record=record, progress=progress)
    print_arena_summary(result)
    if out is not None:
        result.write(out, force=force)
        console.print(f"run folder: {out}")
    if plot is not None:
        from powerbalance.arenas.plots import arena_figure
        from powerbalance.cli.simulate import save_plot

        save_plot(arena_figure(result), plot, force)
        console.print(f"picture: {plot}")
    err_console.print(f"done in {time.perf_counter() - started:.1f} s", highlight=False)


def print_arena_summary(result: Any) -> None:
    """The summary table of an arena run, in the arena's words."""
    m = result.manifest
    words = result.spec.arena.words
    table = Table(title=f"{result.spec.short_name}: {m['worlds']} worlds of {words.actors}, "
                        f"{m['years']} years, seed {m['seed']}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for label, value in result.summary():
        table.add_row(label, value)
    console.print(table)


def show_arena(folder: Path) -> bool:
    """Print the summary of an arena run folder; False when ``folder`` holds no arena run."""
    from powerbalance.arenas.run import load_arena_run

    result = load_arena_run(folder)
    if result is None:
        return False
    print_arena_summary(result)
    return True
