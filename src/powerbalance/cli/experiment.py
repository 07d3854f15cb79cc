"""Commands that check the theory: ``experiment`` (the claims of docs/theory-checked.md) and
``preset`` (classic models of the literature)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from powerbalance.cli.app import ForceOption, app, check_png, console, err_console
from powerbalance.cli.checks import (
    MAX_TURNS,
    check_float,
    check_int,
    check_out,
    check_run_options,
)
from powerbalance.outputs import check_outputs, output


def _fmt(x: float) -> str:
    if x != x:
        return "-"
    return f"{x:.3f}" if abs(x) < 1000 else f"{x:.0f}"


def print_experiment(result: object) -> None:
    """Print an experiment's per-arm statistics, comparisons, checks and verdict."""
    from powerbalance.experiments.claims import ExperimentResult, get
    from powerbalance.experiments.stats import format_interval

    assert isinstance(result, ExperimentResult)
    exp = get(result.experiment)
    console.print(f"[bold]Claim {exp.claim}: {escape(exp.title)}[/]", markup=True)
    console.print(exp.claim_text, highlight=False, markup=False)
    pct = int(round(100 * result.confidence))
    arms = Table(title=f"{result.worlds} worlds per arm, seed {result.seed} "
                       f"(common random numbers)")
    for col in ("arm", "statistic", "mean", f"{pct}% CI"):
        arms.add_column(col, justify="right" if col != "arm" else "left")
    for row in result.arms.itertuples():
        arms.add_row(str(row.arm), str(row.statistic), _fmt(row.mean),
                     format_interval(row.mean, row.ci_low, row.ci_high, minimum=3,
                                     bounds_only=True))
    console.print(arms)
    if len(result.comparisons):
        comp = Table(title=f"differences (paired by world; one-sided {pct}% bound)")
        for col in ("statistic", "predicted", "difference", "bound", "holds"):
            comp.add_column(col)
        for row in result.comparisons.itertuples():
            comp.add_row(str(row.statistic), f"{row.high} > {row.low}", _fmt(row.difference),
                         f"> {_fmt(row.ci_low)}", "yes" if row.holds else "NO")
        console.print(comp)
    if len(result.checks):
        chk = Table(title="checks")
        for col in ("check", "value", "holds"):
            chk.add_column(col)
        for row in result.checks.itertuples():
            chk.add_row(str(row.check), _fmt(row.value) if isinstance(row.value, float)
                        else str(row.value), "yes" if row.holds else "NO")
        console.print(chk)
    if len(result.null_effects):
        eff = Table(title=f"effect of each arm against its null (nobody balances, bandwagons "
                          f"or passes the buck; paired by world, two-sided {pct}% CI)")
        for col in ("arm", "null", "statistic", "arm - null", f"{pct}% CI"):
            eff.add_column(col)
        for row in result.null_effects.itertuples():
            eff.add_row(str(row.arm), str(row.null), str(row.statistic), _fmt(row.difference),
                        format_interval(row.difference, row.ci_low, row.ci_high, minimum=3,
                                        bounds_only=True))
        console.print(eff)
    elif result.nulls:
        console.print("null arms: every arm is its own null (nobody to switch off)",
                      highlight=False, markup=False)
    if result.notes:
        console.print(result.notes, highlight=False, markup=False)
    colour = "green" if result.holds else "red"
    console.print(f"[bold {colour}]verdict: the claim {result.verdict()} at {pct}% "
                  f"confidence[/] ({result.seconds:.1f} s)", markup=True)
    if result.ablation is not None:
        print_ablation(result.ablation)
    if result.robustness is not None:
        print_robustness(result.robustness)


def print_ablation(ab: object) -> None:
    """Print how the claim's statistic and each arm's level against its null move with each
    mechanism off, and the carriers."""
    from powerbalance.experiments.claims import Ablation
    from powerbalance.experiments.stats import format_interval

    assert isinstance(ab, Ablation)
    pct = int(round(100 * ab.confidence))
    table = Table(title=f"ablation: {ab.statistic} ({ab.high} - {ab.low}) with each mechanism "
                        f"off ({ab.worlds} worlds per arm, paired by world, {pct}% CI); "
                        f"baseline {_fmt(ab.baseline['difference'])}")
    for col in ("mechanism off", "difference", f"{pct}% CI", "move", f"move {pct}% CI",
                "towards no effect"):
        table.add_column(col)
    for row in ab.table.itertuples():
        table.add_row(str(row.mechanism), _fmt(row.difference),
                      format_interval(row.difference, row.ci_low, row.ci_high, minimum=3,
                                      bounds_only=True),
                      f"{row.move:+.3f}",
                      format_interval(row.move, row.move_low, row.move_high, minimum=3,
                                      bounds_only=True),
                      ("yes" if row.significant else "within noise") if row.towards_null
                      else "no")
    console.print(table)
    if len(ab.levels):
        levels = Table(title=f"levels: {ab.statistic} of each arm and its effect against its "
                             f"null arm (arm - null) with each mechanism off (paired by "
                             f"world, {pct}% CI)")
        for col in ("mechanism off", "arm", "level", "move", "arm - null", "move"):
            levels.add_column(col)
        for row in ab.levels.itertuples():
            own = row.arm == row.null
            levels.add_row(str(row.mechanism), str(row.arm),
                           format_interval(row.level, row.level_low, row.level_high,
                                           minimum=3),
                           "" if row.mechanism == "none" else
                           format_interval(row.level_move, row.level_move_low,
                                           row.level_move_high, minimum=3),
                           "(null)" if own else
                           format_interval(row.effect, row.effect_low, row.effect_high,
                                           minimum=3),
                           "" if own or row.mechanism == "none" else
                           format_interval(row.effect_move, row.effect_move_low,
                                           row.effect_move_high, minimum=3))
        console.print(levels)
    console.print(ab.summary(), highlight=False, markup=False)


def print_robustness(rb: object) -> None:
    """Print the robustness band and the parameters the verdict is most sensitive to."""
    from powerbalance.experiments.claims import Robustness

    assert isinstance(rb, Robustness)
    console.print(f"robustness: the claim {rb.band()}; {rb.source}, {rb.worlds} worlds per "
                  "arm at each set", highlight=False, markup=False)
    table = Table(title="sensitivity (Spearman rank correlation over the parameter sets)")
    for col in ("parameter", "rho with the difference", "p", "rho with the verdict"):
        table.add_column(col)
    for row in rb.sensitivity.head(5).itertuples():
        table.add_row(str(row.parameter), _fmt(row.rho), _fmt(row.p), _fmt(row.rho_verdict))
    console.print(table)


@app.command("experiment")
def experiment_command(
    name: Annotated[str | None, typer.Argument(help="Experiment name (see --list).")] = None,
    list_: Annotated[bool, typer.Option("--list", help="Describe every experiment.")] = False,
    worlds: Annotated[int | None, typer.Option(help="Worlds per arm (default: the "
                                                    "experiment's).")] = None,
    seed: Annotated[int, typer.Option(help="Master seed (the same for every arm).")] = 0,
    years: Annotated[int | None, typer.Option(help="Years per world (default: the "
                                                   "scenarios').")] = None,
    confidence: Annotated[float, typer.Option(help="Confidence of the verdict.")] = 0.95,
    out: Annotated[Path | None, typer.Option(help="Write each arm's run folder and the "
                                                  "summary tables here.")] = None,
    option: Annotated[str, typer.Option(help="Experiment option (polarity-from-data: "
                                             "'YEAR[,data=DIR]'; polarity-forward: "
                                             "'[data=DIR,][starts=1816 1870,]"
                                             "[horizons=25 50]').")] = "",
    plot: Annotated[Path | None, typer.Option(help="Write a PNG: the largest share over "
                                                   "time in each arm (median and bands).")] = None,
    ablate: Annotated[bool, typer.Option("--ablate", help="Switch off each mechanism that "
                                         "could produce the result and print how the claim's "
                                         "statistic moves; names the carrier.")] = False,
    robustness: Annotated[int, typer.Option(help="Rerun the verdict at N parameter sets "
                                                 "(Latin hypercube over plausible ranges) and "
                                                 "print in how many it holds.")] = 0,
    probe_worlds: Annotated[int | None, typer.Option(help="Worlds per arm of each ablation "
                                                          "and robustness run (default: "
                                                          "--worlds).")] = None,
    posterior: Annotated[Path | None, typer.Option(
        help="With --robustness: draw the parameter sets from the accepted particles of "
             "this calibration folder (powerbalance calibrate --out) instead of the Latin "
             "hypercube.")] = None,
    force: ForceOption = False,
) -> None:
    """Check a claim of balance-of-power theory: run its arms and null arms, print the verdict
    (and with --ablate / --robustness N, the carrying mechanism and the robustness band)."""
    from powerbalance.cli.app import year_progress
    from powerbalance.experiments.claims import listing, run_experiment

    if list_ or name is None:
        console.print("[bold]experiments: the claims of docs/theory-checked.md[/]", markup=True)
        for row in listing():
            console.print(f"\n[bold]{row['claim']}. {escape(row['name'])}[/]: "
                          f"{escape(row['title'])}", markup=True, highlight=False,
                          soft_wrap=True)
            console.print(f"   {row['claim_text']}", highlight=False, markup=False)
            console.print(f"   arms: {row['arms']}; default {row['worlds']} worlds per arm",
                          highlight=False, markup=False)
        if name is None and not list_:
            console.print("\nrun one with: powerbalance experiment NAME")
        return
    check_run_options(years=years, worlds=worlds, seed=seed, min_worlds=2)
    check_float(confidence, "--confidence", 0, 1, open_low=True, open_high=True)
    check_int(robustness, "--robustness", 0, 10_000)
    check_int(probe_worlds, "--probe-worlds", 2, 10**7)
    if posterior is not None:
        from powerbalance.errors import InputError
        from powerbalance.experiments.claims import get
        from powerbalance.experiments.plausible import use_calibration

        if not robustness:
            raise InputError("--posterior without --robustness", source="--posterior",
                             field="posterior", allowed="--robustness N with N >= 1")
        drawn = use_calibration(posterior, {a.scenario for a in get(name).arms})
        console.print(f"robustness draws from {drawn['particles']} particles of {posterior} "
                      f"({', '.join(drawn['fitted'])}; calibrated on {drawn['scenario']})",
                      highlight=False, markup=False)
    check_out(out)
    check_png(plot)
    check_outputs([output(out, "experiment", folder=True),
                   output(plot, "plot", folder=False, option="--plot")], force)
    started = time.perf_counter()
    with year_progress(f"experiment {name}") as progress:
        result = run_experiment(name, worlds=worlds, seed=seed, years=years,
                                confidence=confidence, out=out, options=option,
                                keep_runs=out is not None or plot is not None, force=force,
                                progress=progress, ablation=ablate, robustness=robustness,
                                probe_worlds=probe_worlds)
    print_experiment(result)
    if plot is not None:
        from powerbalance.cli.simulate import save_plot
        from powerbalance.viz import fan_chart

        fig = fan_chart({label: r.system for label, r in result.runs.items()},
                        title=f"{result.experiment}: largest share by arm")
        save_plot(fig, plot, force)
        console.print(f"picture: {plot}")
    if out is not None:
        console.print(f"tables: {out}")
    err_console.print(f"done in {time.perf_counter() - started:.1f} s", highlight=False)


@app.command("preset")
def preset_command(
    name: Annotated[str | None, typer.Argument(help="cusack-stoll or cederman-polarity.")] = None,
    worlds: Annotated[int, typer.Option(help="Number of worlds.")] = 100,
    seed: Annotated[int, typer.Option(help="Master seed.")] = 0,
    length: Annotated[int | None, typer.Option("--turns", "--steps",
                                               help="Turns (cusack-stoll) or steps "
                                                    "(cederman-polarity).")] = None,
    every: Annotated[int, typer.Option(help="Record the tables every this many turns.")] = 10,
    out: Annotated[Path | None, typer.Option(help="Write the run folder here.")] = None,
    set_: Annotated[list[str] | None, typer.Option("--set", help="Preset parameter "
                                                   "key=value (repeatable).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write a PNG: state survival "
                                                   "(cusack-stoll) or surviving states over "
                                                   "time (cederman-polarity).")] = None,
    engine: Annotated[str | None, typer.Option(help="numpy (the reference) or compiled "
                                                    "(numba; bit-identical results; the "
                                                    "default for cusack-stoll where numba "
                                                    "loads). cederman-polarity: numpy "
                                                    "only.")] = None,
    force: ForceOption = False,
) -> None:
    """Run a classic model of the literature (a preset) and print its published measures."""
    from powerbalance.cli.app import progress_bar
    from powerbalance.cli.simulate import parse_sets
    from powerbalance.presets import PRESETS, run

    check_run_options(worlds=worlds, seed=seed)
    check_int(length, "--turns", 1, MAX_TURNS)
    check_int(every, "--every", 1, MAX_TURNS)
    check_out(out)
    if name is None:
        table = Table(title="presets")
        for col in ("name", "description", "compare with"):
            table.add_column(col, overflow="fold")
        for p in PRESETS.values():
            table.add_row(p.name, p.description, p.compare_with)
        console.print(table)
        return
    check_png(plot)
    check_outputs([output(out, "run", folder=True),
                   output(plot, "plot", folder=False, option="--plot")], force)
    started = time.perf_counter()
    with progress_bar(f"preset {name}", unit="turns" if name == "cusack-stoll" else "steps"
                      ) as progress:
        result, summ = run(name, worlds=worlds, seed=seed, length=length,
                           overrides=parse_sets(set_), every=every,
                           out=str(out) if out is not None else None, force=force,
                           progress=progress, engine=engine)
    console.print(f"[bold]{escape(name)}[/]: {summ['worlds']} worlds, seed {seed}",
                  markup=True)
    if "km" in summ:
        km = summ["km"]
        table = Table(title="state survival (Kaplan-Meier)")
        table.add_column("turn", justify="right")
        table.add_column("states surviving", justify="right")
        last = int(summ["turns"])
        for turn in sorted({0, *range(50, last + 1, 50), last}):
            s = km.loc[km["time"] <= turn, "survival"]
            table.add_row(str(turn), f"{100 * float(s.iloc[-1] if len(s) else 1.0):.1f}%")
        console.print(table)
        console.print(f"median turn of state death: {summ['median_death_turn']:.0f}; "
                      f"states alive at the end: {summ['survivors']:.1f}; worlds ending in "
                      f"one universal empire: {100 * summ['empire_share']:.1f}%")
    if "polarity" in summ:
        table = Table(title=f"polarity after {summ['steps']} steps (surviving states)")
        table.add_column("class")
        table.add_column("share of worlds", justify="right")
        labels = {"unipolar": "1", "bipolar": "2", "multipolar": "3-10", "fragmented": ">10"}
        for cls, share in summ["polarity"].items():
            table.add_row(f"{cls} ({labels.get(cls, '')})", f"{100 * share:.1f}%")
        console.print(table)
        console.print(f"mean surviving states: {summ['survivors']:.1f}")
    if plot is not None:
        from powerbalance.cli.simulate import save_plot
        from powerbalance.viz import fan_chart, survival_plot

        if "km" in summ:
            fig = survival_plot(result.actors, by=None, title=f"{name}: state survival")
        else:
            fig = fan_chart(result.system, column="live_actors",
                            title=f"{name}: surviving states across worlds")
        save_plot(fig, plot, force)
        console.print(f"picture: {plot}")
    if out is not None:
        console.print(f"run folder: {out}")
    err_console.print(f"done in {time.perf_counter() - started:.1f} s", highlight=False)
