"""Commands of the strategy library: ``strategies`` (list, with filters) and ``tournament``."""

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
from powerbalance.outputs import check_outputs, output

_READS = ("own", "neighbours", "system", "memory")


def parse_where(items: list[str] | None) -> dict[str, Any]:
    """``key=value`` classifier filters (``true``/``false`` become booleans)."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, eq, value = item.partition("=")
        if not eq or not key.strip():
            raise InputError(f"malformed {item!r}", source="--where", field=item,
                             allowed="key=value, e.g. --where makes_alliances=true")
        text = value.strip()
        out[key.strip()] = {"true": True, "false": False}.get(text.lower(), text)
    return out


@app.command("strategies")
def strategies_command(
    stochastic: Annotated[bool | None, typer.Option(
        "--stochastic/--deterministic", help="Only stochastic (or deterministic) ones.")] = None,
    reads: Annotated[str | None, typer.Option(
        help="Only those that read this: own, neighbours, system, memory.")] = None,
    initiates_war: Annotated[bool | None, typer.Option(
        "--initiates-war/--never-initiates", help="Only those that do (or never) start wars.")
    ] = None,
    makes_alliances: Annotated[bool | None, typer.Option(
        "--makes-alliances/--no-alliances", help="Only those that seek (or never seek) "
        "alliances.")] = None,
    concept: Annotated[str | None, typer.Option(
        help="Only those whose seed concept contains this text.")] = None,
    where: Annotated[list[str] | None, typer.Option(
        help="Any classifier entry key=value (repeatable).")] = None,
    details: Annotated[bool, typer.Option(
        help="Also show the defining behaviour and the references.")] = False,
) -> None:
    """List the registered strategies with their classifier, filtered."""
    from powerbalance.strategies import registry

    criteria = parse_where(where)
    for key, value in (("stochastic", stochastic), ("initiates_war", initiates_war),
                       ("makes_alliances", makes_alliances)):
        if value is not None:
            criteria[key] = value
    if reads is not None:
        if reads not in _READS:
            raise InputError(f"unknown value {reads!r}", source="--reads", field="reads",
                             allowed=", ".join(_READS))
        criteria["reads"] = reads
    known = {k for cls in registry.filter() for k in cls.classifier}
    for key in criteria:
        if key not in known:
            raise InputError("unknown classifier entry", source="--where", field=key,
                             allowed=", ".join(sorted(known)))
    found = registry.filter(**criteria)
    if concept:
        found = [c for c in found if concept.lower() in str(c.classifier["concept"]).lower()]
    table = Table(title=f"strategies ({len(found)} of {len(registry.names())})")
    table.add_column("name", no_wrap=True)
    for col in ("concept", "stochastic", "reads", "initiates war", "alliances"):
        table.add_column(col, overflow="fold")
    if details:
        table.add_column("behaviour", overflow="fold")
        table.add_column("references", overflow="fold")
    for cls in found:
        c = cls.classifier
        cells = [cls.name, str(c["concept"]), "yes" if c["stochastic"] else "no",
                 ", ".join(r for r in _READS if r in c["reads"]),
                 "yes" if c.get("initiates_war") else "no",
                 "yes" if c.get("makes_alliances") else "no"]
        if details:
            cells += [cls.summary(), "; ".join(cls.references)]
        table.add_row(*cells)
    console.print(table)


def _fmt(mean: float, lo: float, hi: float, digits: int = 3) -> str:
    from powerbalance.experiments.stats import interval_decimals

    digits = interval_decimals(lo, hi, digits)  # a tiny interval keeps a visible width
    return f"{mean:.{digits}f} ± {(hi - lo) / 2:.{digits}f}"


def print_tournament(result: Any) -> None:
    """Print the per-strategy table (and the evolution's last shares) of a tournament."""
    m = result.manifest
    table = Table(title=f"tournament on {m['scenario']['name']}: {m['worlds']} matched "
                        f"worlds x {len(m['profiles'])} profiles, {m['years']} years, "
                        f"seed {m['seed']}")
    table.add_column("strategy", no_wrap=True)
    for col in ("entries", "survival", "final share", "wars", "war cost"):
        table.add_column(col, justify="right")
    for row in result.table.sort_values("final_share", ascending=False).itertuples():
        table.add_row(row.strategy, str(row.entries),
                      _fmt(row.survival, row.survival_lo, row.survival_hi),
                      _fmt(row.final_share, row.final_share_lo, row.final_share_hi),
                      _fmt(row.wars, row.wars_lo, row.wars_hi, 2),
                      _fmt(row.war_cost, row.war_cost_lo, row.war_cost_hi, 2))
    console.print(table)
    console.print("mean ± half-width of the 95% confidence interval (worlds as units); war "
                  "cost = military lost in wars", highlight=False)
    if len(result.evolution):
        evo = result.evolution
        first, last = evo["generation"].min(), evo["generation"].max()
        t = Table(title=f"{m['dynamics']} dynamics: shares over {last} generations")
        t.add_column("strategy")
        t.add_column(f"generation {first}", justify="right")
        t.add_column(f"generation {last}", justify="right")
        start = evo[evo["generation"] == first].set_index("strategy")["share"]
        end = evo[evo["generation"] == last].set_index("strategy")["share"]
        for name in end.sort_values(ascending=False).index:
            t.add_row(str(name), f"{start[name]:.3f}", f"{end[name]:.3f}")
        console.print(t)


@app.command("tournament")
def tournament_command(
    scenario: Annotated[str, typer.Argument(help="Built-in name, generator spec or TOML file.")],
    strategies: Annotated[str, typer.Option(
        help="Comma-separated strategy names (see 'powerbalance strategies').")],
    worlds: Annotated[int, typer.Option(help="Matched worlds (every profile faces each).")] = 100,
    seed: Annotated[int, typer.Option(help="Master seed of every random stream.")] = 0,
    years: Annotated[int | None, typer.Option(help="Years (default: the scenario's).")] = None,
    out: Annotated[Path | None, typer.Option(help="Write the Parquet tables here.")] = None,
    evolve: Annotated[int, typer.Option(help="Generations of evolutionary dynamics "
                                             "(0 = none).")] = 0,
    dynamics: Annotated[str, typer.Option(help="replicator | moran.")] = "replicator",
    population: Annotated[int, typer.Option(help="Population size of the Moran "
                                                 "process.")] = 100,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Parameter override "
                                                   "key=value (repeatable).")] = None,
    batch_size: Annotated[int, typer.Option(help="Worlds (x profiles) per array "
                                                 "program.")] = 5000,
    plot: Annotated[Path | None, typer.Option(help="Write a PNG of the outcomes by "
                                                   "strategy.")] = None,
    force: ForceOption = False,
) -> None:
    """Pit strategies against each other over matched worlds; print and save the table."""
    from powerbalance.cli.checks import (
        MAX_GENERATIONS,
        MAX_POPULATION,
        check_int,
        check_out,
        check_run_options,
    )
    from powerbalance.cli.simulate import parse_sets
    from powerbalance.experiments.tournament import tournament
    from powerbalance.scenarios import load

    check_run_options(years=years, worlds=worlds, seed=seed, batch_size=batch_size)
    check_int(evolve, "--evolve", 0, MAX_GENERATIONS)
    check_int(population, "--population", 1, MAX_POPULATION)
    check_out(out)
    names = [s.strip() for s in strategies.split(",") if s.strip()]
    overrides = parse_sets(set_)
    scen = load(scenario)
    scen.make_params(overrides)
    check_png(plot)
    check_outputs([output(out, "tournament", folder=True),
                   output(plot, "plot", folder=False, option="--plot")], force)
    started = time.perf_counter()
    with year_progress(f"tournament {scen.name}") as progress:
        result = tournament(scen, names, worlds=worlds, seed=seed, years=years,
                            overrides=overrides, evolve=evolve, dynamics=dynamics,
                            population=population, batch_size=batch_size, progress=progress)
    print_tournament(result)
    if out is not None:
        result.write(out, force=force)
        console.print(f"tables: {out}")
    if plot is not None:
        from powerbalance.cli.simulate import save_plot
        from powerbalance.viz import tournament_plot

        save_plot(tournament_plot(result.long(), title=f"Tournament on {scen.name}"), plot,
                  force)
        console.print(f"picture: {plot}")
    err_console.print(f"done in {time.perf_counter() - started:.1f} s", highlight=False)
