"""Analysis commands: ``analyze``, ``power-index``, ``parties``, ``history`` and ``facts``.

Each prints a table (rich), CSV or JSON on standard output (``--format``).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from powerbalance.cli.app import ForceOption, app, console
from powerbalance.errors import InputError

if TYPE_CHECKING:  # pandas and numpy load inside the commands: `--help` stays fast
    import pandas as pd

FORMATS = ("table", "csv", "json")
_ARGS = {"ignore_unknown_options": True}  # so that "-5" reaches our own checks

FormatOpt = Annotated[str, typer.Option("--format", "-f", help="table, csv or json")]


def _check_format(fmt: str) -> str:
    f = fmt.strip().lower()
    if f not in FORMATS:
        raise InputError(f"unknown format {fmt!r}", source="--format", field="format",
                         allowed=", ".join(FORMATS))
    return f


#: Longest number accepted on the command line (a longer one is surely a mistake, and a
#: decimal exponent such as 1e999999999 would take Fraction minutes to expand).
_MAX_NUMBER_TEXT = 100


def _number(text: str, field: str) -> Fraction:
    """An exact number from ``7``, ``2.5``, ``1/3`` or ``1e6``: finite, within the float
    range, at most 100 characters."""
    allowed = "finite numbers such as 7, 2.5, 1e6 or 1/3 (magnitude below 1e308)"
    raw = text.strip()
    if len(raw) > _MAX_NUMBER_TEXT:
        raise InputError(f"{len(raw)} characters", source="argument", field=field,
                         allowed=allowed)
    num, _, den = raw.partition("/")
    try:
        if not all(math.isfinite(float(part)) for part in ([num, den] if den else [num])):
            raise ValueError(raw)
        value = Fraction(raw)
    except (ValueError, ZeroDivisionError, OverflowError):
        raise InputError(f"not a number: {text!r}", source="argument", field=field,
                         allowed=allowed) from None
    return value


def _names(text: str | None) -> list[str] | None:
    """Comma-separated player names: printable, each at most 200 characters."""
    from powerbalance.scenarios.loader import check_text

    if not text:
        return None
    names = [x.strip() for x in text.split(",")]
    for k, name in enumerate(names):
        check_text(name, source="--names", field=f"names[{k}]")
    return names


def _jsonable(v: Any) -> Any:
    import numpy as np

    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    if isinstance(v, Fraction):
        return str(v)
    return v


def _fmt_cell(v: Any, digits: int = 4) -> str:
    import numpy as np

    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float):
        if math.isnan(v):
            return "-"
        if math.isinf(v):
            return "inf"
        return f"{v:.{digits}f}"
    return str(v)


def _emit(df: pd.DataFrame, fmt: str, *, title: str | None = None,
          extra: dict[str, Any] | None = None, notes: list[str] | None = None) -> None:
    """Print a frame as a rich table, CSV or JSON (``extra`` goes into the JSON)."""
    import pandas as pd

    if fmt == "csv":
        console.print(df.to_csv(index=False), end="", markup=False, highlight=False,
                      soft_wrap=True)
        return
    if fmt == "json":
        records = [{k: _jsonable(v) for k, v in r.items()} for r in df.to_dict("records")]
        payload: dict[str, Any] = {"rows": records}
        if extra:
            payload.update({k: _jsonable(v) if not isinstance(v, list | dict) else v
                            for k, v in extra.items()})
        console.print(json.dumps(payload, indent=2, default=_jsonable), markup=False,
                      highlight=False, soft_wrap=True)
        return
    table = Table(title=title, show_lines=False)
    for c in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[c])
        table.add_column(str(c), justify="right" if numeric else "left")
    for row in df.itertuples(index=False):
        table.add_row(*[_fmt_cell(v) for v in row])
    # wide tables are not cropped when the output is a file or a pipe
    old = console.width
    if not console.is_terminal:
        console.width = max(old, 160)
    try:
        console.print(table)
    finally:
        console.width = old
    for line in notes or []:
        console.print(line, markup=False, highlight=False, soft_wrap=True)


# --------------------------------------------------------------------------- power-index


@app.command("power-index", context_settings=_ARGS)
def power_index(
    weights: Annotated[list[str] | None, typer.Argument(help="weights W1 W2 ...")] = None,
    quota: Annotated[str | None, typer.Option("--quota", "-q", help="votes needed to win")]
    = None,
    names: Annotated[str | None, typer.Option(help="comma-separated player names")] = None,
    index: Annotated[str, typer.Option(help="indices: ss,bz,pb,dp,pgi")] = "ss,bz,pb",
    also: Annotated[list[str] | None, typer.Option(
        "--and", help="another game the coalition must also win, as QUOTA:W1,W2,... "
                      "(e.g. vetoes: 5:1,1,1,1,1,0,0,...); repeatable")] = None,
    samples: Annotated[int, typer.Option(help="Monte Carlo samples (0: exact)")] = 0,
    seed: Annotated[int, typer.Option(help="seed of the Monte Carlo estimates")] = 0,
    fmt: FormatOpt = "table",
) -> None:
    """Voting power in a weighted game [QUOTA; W1, W2, ...]: who holds the balance."""
    import pandas as pd

    from powerbalance.analysis.voting import (
        INDEX_NAMES,
        MAX_SAMPLES,
        CompositeGame,
        WeightedGame,
        dummy_players,
        monte_carlo_banzhaf,
        monte_carlo_shapley_shubik,
        power_indices,
        veto_players,
    )
    from powerbalance.cli.checks import MAX_SEED, check_int

    fmt = _check_format(fmt)
    check_int(seed, "--seed", 0, MAX_SEED)
    check_int(samples, "--samples", 0, MAX_SAMPLES)
    if not weights:
        raise InputError("no weights", source="argument", field="weights",
                         allowed="one or more non-negative numbers")
    if quota is None:
        raise InputError("no quota", source="--quota", field="quota",
                         allowed="a number between 0 and the total weight")
    ws = [_number(w, f"weights[{i}]") for i, w in enumerate(weights)]
    q = _number(quota, "quota")
    name_list = _names(names)
    base = WeightedGame(q, ws, names=name_list, source="argument")
    game: WeightedGame | CompositeGame = base
    if also:
        parts = [base]
        for k, spec in enumerate(also):
            head, sep, tail = spec.partition(":")
            if not sep:
                raise InputError(f"not QUOTA:W1,W2,...: {spec!r}", source="--and",
                                 field=f"and[{k}]", allowed="e.g. 5:1,1,1,1,1,0,0")
            wk = [_number(x, f"and[{k}].weights") for x in tail.split(",") if x.strip()]
            if len(wk) != len(ws):
                raise InputError(f"{len(wk)} weights for {len(ws)} players", source="--and",
                                 field=f"and[{k}]", allowed="one weight per player")
            parts.append(WeightedGame(_number(head, f"and[{k}].quota"), wk,
                                      names=name_list, source="--and"))
        game = CompositeGame(parts, names=name_list)
    which = [x.strip().lower() for x in index.split(",") if x.strip()]
    for x in which:
        if x not in INDEX_NAMES:
            raise InputError(f"unknown index {x!r}", source="--index", field="index",
                             allowed=", ".join(INDEX_NAMES))
    df = pd.DataFrame({"player": game.player_names(), "weight": [str(w) for w in ws]})
    extra: dict[str, Any] = {"quota": str(q), "total": str(sum(ws)), "and": also or []}
    if samples > 0:
        for key in which:
            if key not in ("ss", "pb"):
                raise InputError(f"no Monte Carlo estimate for {key!r}", source="--index",
                                 field="index", allowed="ss, pb with --samples")
            est = (monte_carlo_shapley_shubik if key == "ss" else monte_carlo_banzhaf)(
                game, samples, seed=seed)
            df[key] = est.value
            df[f"{key}_low"] = est.low
            df[f"{key}_high"] = est.high
        extra["samples"] = samples
        extra["seed"] = seed
    else:
        res = power_indices(game, which)
        for key, vals in res.items():
            df[key] = [float(v) for v in vals]
            df[f"{key}_exact"] = [str(v) for v in vals]
    try:  # dummies need exact swing counts; a game too large for them says so
        dummies: list[str] | None = [game.player_names()[i] for i in dummy_players(game)]
    except InputError:
        dummies = None
    vetoes = [game.player_names()[i] for i in veto_players(game)]
    extra["dummies"] = dummies
    extra["vetoes"] = vetoes
    dummy_text = "not counted (too large to count exactly)" if dummies is None else (
        ", ".join(dummies) or "none")
    notes = [f"quota {q} of total {sum(ws)}; "
             + "; ".join(f"{k} = {INDEX_NAMES[k]}" for k in which),
             f"dummies: {dummy_text}; vetoes: {', '.join(vetoes) or 'none'}"]
    title = f"Voting power [{q}; {', '.join(str(w) for w in ws)}]"
    if also:
        title += "".join(f" and [{spec}]" for spec in also)
    _emit(df, fmt, title=title,
          extra=extra, notes=notes)


# --------------------------------------------------------------------------- parties


@app.command("parties", context_settings=_ARGS)
def parties(
    seats: Annotated[list[str] | None, typer.Argument(help="seats (or votes) per party")]
    = None,
    names: Annotated[str | None, typer.Option(help="comma-separated party names")] = None,
    quota: Annotated[str | None, typer.Option(help="seats needed (default: majority)")] = None,
    edition: Annotated[int, typer.Option(help="merger guidelines edition: 1992, 2010, 2023")]
    = 2023,
    fmt: FormatOpt = "table",
) -> None:
    """Effective number of parties, concentration and who holds the balance of power."""
    import pandas as pd

    from powerbalance.analysis.nor import nor_analysis
    from powerbalance.analysis.parties import GUIDELINES, effective_number_of_parties, market_hhi
    from powerbalance.analysis.voting import WeightedGame, banzhaf, shapley_shubik

    fmt = _check_format(fmt)
    if not seats:
        raise InputError("no seats", source="argument", field="seats",
                         allowed="one or more non-negative numbers")
    vals = [_number(s, f"seats[{i}]") for i, s in enumerate(seats)]
    for i, v in enumerate(vals):
        if v < 0:
            raise InputError(f"negative seat count {seats[i]}", source="argument",
                             field=f"seats[{i}]", allowed=">= 0")
    if edition not in GUIDELINES:
        raise InputError(f"unknown edition {edition}", source="--edition", field="edition",
                         allowed=", ".join(str(e) for e in GUIDELINES))
    total = sum(vals)
    if total <= 0:
        raise InputError("all seat counts are zero", source="argument", field="seats",
                         allowed="at least one positive count")
    floats = [float(v) for v in vals]
    enp = float(effective_number_of_parties(floats))
    h = float(market_hhi(floats))
    q = _number(quota, "quota") if quota is not None else Fraction(math.floor(total / 2) + 1)
    name_list = _names(names)
    game = WeightedGame(q, vals, names=name_list, source="argument")
    nor = nor_analysis(vals)
    df = pd.DataFrame({
        "party": game.player_names(),
        "seats": [str(v) for v in vals],
        "share": [float(v / total) for v in vals],
        "ss": [float(x) for x in shapley_shubik(game)],
        "bz": [float(x) for x in banzhaf(game)],
        "essential": ["yes" if i in nor.essential else "no" for i in range(game.n)],
    })
    level = GUIDELINES[edition].level(h)
    pname = game.player_names()
    extra = {"effective_number_of_parties": enp, "hhi": h, "quota": str(q),
             "concentration": level, "edition": edition,
             "predominant": pname[nor.predominant] if nor.predominant is not None else None,
             "balancers": [pname[i] for i in nor.balancers]}
    notes = [f"effective number of parties (Laakso-Taagepera): {enp:.3f}",
             f"HHI: {h:.0f} ({level} under the {edition} US merger guidelines)",
             f"quota {q} of {total}; predominant (NOR): "
             f"{extra['predominant'] or 'none'}; balancers: "
             f"{', '.join(extra['balancers']) or 'none'}"]  # type: ignore[arg-type]
    _emit(df, fmt, title="Party system", extra=extra, notes=notes)


# --------------------------------------------------------------------------- history


@app.command("history")
def history(
    data: Annotated[str | None, typer.Option("--data", help="folder of COW/ATOP CSV files "
                                                          "(default: $POWERBALANCE_DATA)")]
    = None,
    start: Annotated[int | None, typer.Option("--from", help="first year")] = None,
    end: Annotated[int | None, typer.Option("--to", help="last year")] = None,
    region: Annotated[str | None, typer.Option(help="a COW region (americas, europe, africa, "
                                                    "middle-east, asia) or a list of states, "
                                                    "e.g. CHN,JPN,ROK")] = None,
    dyad: Annotated[str | None, typer.Option(help="the capability ratio of a pair, e.g. "
                                                  "CHN,TAW")] = None,
    polarity_index: Annotated[str, typer.Option(help="capability index of the polarity: "
                                                     "military-economic, cinc, milex")]
    = "military-economic",
    polarity_persistence: Annotated[int, typer.Option(help="years a new polarity label must "
                                                           "hold")] = 3,
    run_folder: Annotated[Path | None, typer.Option("--run", help="a simulation run folder "
                                                                  "instead of real data "
                                                                  "(with --region)")] = None,
    majors_only: Annotated[bool, typer.Option("--majors-only",
                                              help="only the major powers of each year")]
    = False,
    plot: Annotated[Path | None, typer.Option(help="write a concentration plot (PNG)")] = None,
    nmc_version: Annotated[int | None, typer.Option(help="NMC version to use (5, 6, 7)")]
    = None,
    persistence: Annotated[int, typer.Option(help="years a new leader must stay ahead "
                                                  "to count as a transition")] = 1,
    fmt: FormatOpt = "table",
    force: ForceOption = False,
) -> None:
    """Yearly polarity and concentration of the real system (COW NMC, ATOP)."""
    from powerbalance.outputs import check_output, output

    plot_out = output(plot, "plot", folder=False, option="--plot")
    if plot_out is not None:
        check_output(plot_out, force)
    from powerbalance.analysis.cow import (
        attach_abbreviations,
        cinc_difference,
        data_dir,
        detect_files,
        load_atop_dyads,
        load_majors,
        load_nmc,
        load_states,
    )
    from powerbalance.analysis.history import (
        empirical_balancing,
        historical_transitions,
        yearly_measures,
    )

    if run_folder is not None:  # a simulated region: the polarity column, rule and persistence
        _run_regions(run_folder, region, polarity_persistence, _check_format(fmt))
        return
    fmt = _check_format(fmt)
    if persistence < 1 or persistence > 1000:
        raise InputError(f"persistence {persistence}", source="--persistence",
                         field="persistence", allowed="1 to 1000")
    if start is not None and end is not None and start > end:
        raise InputError(f"--from {start} is after --to {end}", source="--from",
                         field="from", allowed="a first year not after the last")
    folder = data_dir(data)
    files = detect_files(folder, nmc_version=nmc_version)
    nmc = load_nmc(files.require("nmc", folder))
    states = load_states(files.states) if files.states is not None else None
    if states is not None and (nmc["stateabb"] == "").any():
        nmc = attach_abbreviations(nmc, states)
    if region is not None or dyad is not None:
        _history_part(nmc, states, files, region, dyad, polarity_index, polarity_persistence,
                      start, end, plot, fmt, force)
        return
    majors = load_majors(files.majors) if files.majors else None
    if majors_only and majors is None:
        files.require("majors", folder)
    table = yearly_measures(nmc, majors=majors, majors_only=majors_only, start=start, end=end)
    if files.atop is not None:
        bal = empirical_balancing(nmc, load_atop_dyads(files.atop), majors=majors,
                                  majors_only=majors_only, start=start, end=end)
        table = table.merge(bal[["year", "with_leader", "against_leader"]], on="year",
                            how="left")
    if majors is not None and not majors_only:
        mp = yearly_measures(nmc, majors=majors, majors_only=True, start=start, end=end)
        mp = mp[["year", "con", "polarity"]].rename(columns={"con": "mp_con",
                                                             "polarity": "mp_polarity"})
        table = table.merge(mp, on="year", how="left")
    trans = historical_transitions(nmc, majors=majors, majors_only=majors is not None,
                                   start=start, end=end, persistence=persistence)
    diff = cinc_difference(nmc)
    max_diff = float(diff["difference"].abs().max())
    # the polarity column: the great-power system's (docs/validation.md); the CINC-only
    # rule of the scope stays as cinc_polarity
    if majors is not None:
        from powerbalance.analysis.history import polarity_history

        gp = polarity_history(nmc, majors, index=polarity_index,
                              persistence=polarity_persistence, start=start, end=end)
        table = table.rename(columns={"polarity": "cinc_polarity"}).merge(
            gp[["year", "polarity", "first", "second", "gp_con"]].rename(
                columns={"first": "pole1", "second": "pole2"}), on="year", how="left")
        table["polarity"] = table["polarity"].fillna("-")
    show = table.drop(columns=["leader", "entropy", "gini", "cederman"])
    show = show.rename(columns={"leader_abb": "leader", "effective_number": "n_eff",
                                "leader_share": "share", "with_leader": "allied",
                                "against_leader": "against"})
    short = {"unipolar with great powers": "uni+great", "multipolar": "multi"}
    for col in ("polarity", "mp_polarity", "cinc_polarity"):
        if col in show.columns:
            show[col] = show[col].map(lambda p: short.get(p, p))
    if (show["leader"] == "").all():
        show["leader"] = table["leader"]
    tr_text = ", ".join(f"{r['year']} {r['challenger_abb'] or r['challenger']} overtakes "
                        f"{r['dominant_abb'] or r['dominant']}"
                        for r in trans.to_dict("records")) or "none"
    scope = "major powers" if majors_only else "all states"
    notes = [f"NMC file: {Path(files.nmc or '').name}; {scope}; shares = recomputed CINC "
             "renormalised per year; allied/against = capability in ATOP defence pacts "
             "with / without the leader; mp_* = major-power subsystem",
             f"polarity: great-power system, {polarity_index} index, persistence "
             f"{polarity_persistence} (docs/validation.md); cinc_polarity: CINC shares of "
             f"{scope}" if majors is not None else "polarity: CINC shares (no majors file)",
             f"CINC recomputed vs published: max |difference| {max_diff:.2e} "
             f"over {len(diff)} rows",
             f"power transitions among major powers: {tr_text}"]
    extra = {"transitions": [{k: _jsonable(v) for k, v in r.items()}
                             for r in trans.to_dict("records")],
             "cinc_max_abs_difference": max_diff, "nmc_file": Path(files.nmc or "").name}
    if plot is not None:
        from powerbalance.outputs import write_file

        write_file(plot, lambda tmp: _plot_history(table, nmc, majors, start, end,
                                                   majors_only, trans, tmp),
                   kind="plot", force=force, option="--plot")
        notes.append(f"plot written to {plot}")
    _emit(show if fmt == "table" else table, fmt,
          title=f"Balance of power {int(table['year'].min())}-{int(table['year'].max())}",
          extra=extra, notes=notes)


def _history_part(nmc: pd.DataFrame, states: pd.DataFrame | None, files: Any,
                  region: str | None, dyad: str | None, index: str, persistence: int,
                  start: int | None, end: int | None, plot: Path | None, fmt: str,
                  force: bool = False) -> None:
    """``history --region`` (a regional system) or ``--dyad`` (a pair's capability ratio)."""
    from powerbalance.analysis.cow import load_maoz_powers
    from powerbalance.analysis.history import (
        dyad_history,
        polarity_spells,
        regional_history,
        state_codes,
    )
    from powerbalance.cli.simulate import save_plot

    if region is not None and dyad is not None:
        raise InputError("both --region and --dyad", source="--dyad", field="dyad",
                         allowed="one of them")
    codes = state_codes(states if states is not None else nmc)
    names = {c: a for a, c in codes.items()}
    if dyad is not None:
        (a, b), table = dyad_history(nmc, dyad, abbrev=codes, start=start, end=end)
        na, nb = names.get(a, str(a)), names.get(b, str(b))
        if plot is not None:
            from powerbalance.viz.history import dyad_plot

            save_plot(dyad_plot(table, na, nb), plot, force)
        last = table.iloc[-1]
        notes = [f"ratio = recomputed CINC of {na} / {nb}; milex_ratio = military "
                 f"expenditure {na} / {nb}; {int(last['year'])}: {last['ratio']:.2f}"]
        _emit(table, fmt, title=f"Capability ratio {na} / {nb}",
              extra={"a": a, "b": b}, notes=notes)
        return
    assert region is not None
    powers = load_maoz_powers(files.powers) if files.powers is not None else None
    label, table = regional_history(nmc, region, powers=powers, abbrev=codes, index=index,
                                    persistence=persistence, start=start, end=end)
    spells = "; ".join(f"{x}-{y} {lab}" for x, y, lab in polarity_spells(table))
    notes = [f"region: {label}; shares: {index} index over the region's states; "
             f"persistence {persistence}",
             "regional_powers / global_powers: Maoz (2010)" if powers is not None else
             "no Maoz powers file: regional powers not marked",
             f"polarity: {spells}"]
    if plot is not None:
        from powerbalance.viz.history import history_plot

        save_plot(history_plot(table, title=f"Region: {label}"), plot, force)
    _emit(table, fmt, title=f"Regional balance: {label}", extra={"region": label},
          notes=notes)


def _run_regions(run: Path, region: str | None, persistence: int, fmt: str) -> None:
    """``history --run RUN [--region NAME]``: a simulated region's balance, per year over
    worlds (median CON and leader's share, share of worlds in each polarity class)."""
    import pandas as pd

    from powerbalance.analysis.distribution import POLARITY_NAMES
    from powerbalance.analysis.history import run_regional_history
    from powerbalance.analysis.runs import load_run_table

    actors = load_run_table(run, "actors", ("world", "year", "actor", "alive", "share"))
    assert actors is not None
    per = run_regional_history(actors, region, persistence=persistence)
    grouped = per.groupby("year")
    table = pd.DataFrame({"worlds": grouped.size(), "con": grouped["con"].median(),
                          "leader_share": grouped["leader_share"].median()})
    for name in POLARITY_NAMES:
        table[name] = grouped["polarity"].apply(lambda p, n=name: float((p == n).mean()))
    table = table.reset_index()
    scope = f"region {region!r}" if region else "all actors"
    _emit(table, fmt, title=f"Balance in {run.name}: {scope}",
          notes=[f"{scope}; per year: median over worlds of CON and the leader's share, and "
                 f"the share of worlds in each polarity class (great-power rule, persistence "
                 f"{persistence})"])


def _plot_history(table: pd.DataFrame, nmc: pd.DataFrame, majors: pd.DataFrame | None,
                  start: int | None, end: int | None, majors_only: bool,
                  trans: pd.DataFrame, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from powerbalance.analysis.history import yearly_measures

    fig, ax = plt.subplots(figsize=(10, 4.5))
    label = "major powers" if majors_only else "all states"
    ax.plot(table["year"], table["con"], label=f"CON ({label})", color="tab:blue")
    ax.plot(table["year"], table["leader_share"], label=f"leader share ({label})",
            color="tab:orange", alpha=0.8)
    if majors is not None and not majors_only:
        mt = yearly_measures(nmc, majors=majors, majors_only=True, start=start, end=end)
        ax.plot(mt["year"], mt["con"], label="CON (major powers)", color="tab:green")
    for r in trans.to_dict("records"):
        ax.axvline(float(r["year"]), color="grey", linestyle=":", linewidth=1)
        ax.text(float(r["year"]), 0.98, f" {r['challenger_abb'] or r['challenger']}",
                rotation=90,
                va="top", fontsize=7, transform=ax.get_xaxis_transform())
    ax.set_xlabel("year")
    ax.set_ylabel("concentration / share")
    ax.set_ylim(0, 1)
    ax.set_title("Concentration of capabilities (COW NMC, recomputed CINC)")
    ax.legend(loc="upper right", fontsize=8)
    fig.tight_layout()
    try:
        fig.savefig(path, dpi=120)
    except OSError as exc:
        raise InputError(f"cannot write plot: {exc.strerror}", source="--plot",
                         field="plot", allowed="a writable .png path") from exc
    finally:
        plt.close(fig)


# --------------------------------------------------------------------------- facts


@app.command("facts")
def facts_command(
    run: Annotated[Path | None, typer.Argument(help="a simulation run folder (omit with "
                                                    "--data)")] = None,
    data: Annotated[str | None, typer.Option("--data", help="folder of COW/GML/ATOP CSV "
                                                          "files (default: "
                                                          "$POWERBALANCE_DATA)")] = None,
    start: Annotated[int | None, typer.Option("--from", help="first year")] = None,
    end: Annotated[int | None, typer.Option("--to", help="last year")] = None,
    seed: Annotated[int, typer.Option(help="master seed of the bootstrap")] = 0,
    bootstrap: Annotated[int, typer.Option(help="bootstrap resamples of the power-law "
                                                "tail (0: none)")] = 300,
    fmt: FormatOpt = "table",
) -> None:
    """Stylised facts of war and the state system, from real data or a run folder.

    With both RUN_FOLDER and --data: each fact of the data (years --from/--to) against
    the run's worlds (median, 90% band, the observed value's percentile).
    Definitions: docs/validation.md, "Facts: definitions".
    """
    from powerbalance.analysis.facts import compute_facts, from_data, from_run

    fmt = _check_format(fmt)
    if seed < 0:
        raise InputError(f"{seed}", source="--seed", field="seed", allowed=">= 0")
    if bootstrap > 100_000:
        raise InputError(f"{bootstrap}", source="--bootstrap", field="bootstrap",
                         allowed="0 to 100000")
    if run is not None and data is not None:
        _compare_facts(run, data, start, end, fmt)
        return
    inputs = (from_run(run, start=start, end=end) if run is not None
              else from_data(data, start=start, end=end))
    table = compute_facts(inputs, seed=seed, bootstrap=bootstrap)
    notes = [*inputs.notes, "definitions: docs/validation.md, 'Facts: definitions'; "
             "intervals 95%; t intervals over years treat years as independent"]
    if inputs.polarity is not None and inputs.worlds == 1:
        from powerbalance.analysis.history import polarity_spells

        spells = polarity_spells(inputs.polarity)
        notes.append("polarity (great powers): " + "; ".join(
            f"{a}-{b} {lab}" for a, b, lab in spells))
    _emit(table, fmt, title=f"Facts ({inputs.source}, {inputs.first_year}-{inputs.last_year})",
          extra={"source": inputs.source, "notes": notes, "seed": seed}, notes=notes)


def _compare_facts(run: Path, data: str, start: int | None, end: int | None,
                   fmt: str) -> None:
    """``facts RUN --data DIR``: the data's facts against the run's distribution of them."""
    from powerbalance.analysis.facts import (
        compare_facts,
        compute_facts,
        facts_by_world,
        from_data,
        from_run,
    )

    model = from_run(run)
    observed = from_data(data, start=start, end=end)
    table = compare_facts(compute_facts(observed, bootstrap=0), facts_by_world(model))
    notes = [*observed.notes, *model.notes,
             f"observed: {observed.first_year}-{observed.last_year}; model: its years "
             f"{model.first_year}-{model.last_year} (a model year is a calendar year); "
             "model_lo/hi: the central 90% of worlds; percentile: share of worlds below "
             "the observed value (ties half)"]
    _emit(table, fmt, title=f"Facts: data against {run.name}", notes=notes,
          extra={"notes": notes})


# --------------------------------------------------------------------------- analyze


@app.command("analyze")
def analyze(
    run: Annotated[Path, typer.Argument(help="run folder (manifest.json, *.parquet)")],
    hegemony: Annotated[float, typer.Option(help="share that makes a hegemon")] = 0.5,
    per_year: Annotated[Path | None, typer.Option(help="also write per world-year "
                                                       "measures to this CSV")] = None,
    fmt: FormatOpt = "table",
    force: ForceOption = False,
) -> None:
    """Recompute and aggregate the measures of a simulation run folder."""
    from powerbalance.analysis.runs import analyze_run
    from powerbalance.outputs import check_output, output, write_file

    per_year_out = output(per_year, "table", folder=False, option="--per-year")
    if per_year_out is not None:
        check_output(per_year_out, force)
    fmt = _check_format(fmt)
    if not 0.0 < hegemony < 1.0:
        raise InputError(f"hegemony threshold {hegemony}", source="--hegemony",
                         field="hegemony", allowed="between 0 and 1")
    res = analyze_run(run, hegemony=hegemony)
    if per_year is not None:
        write_file(per_year, lambda tmp: res.per_year.to_csv(tmp, index=False), kind="table",
                   force=force, option="--per-year")
    summary = res.summary.copy()
    summary["value"] = [_fmt_cell(v) if fmt == "table" else v for v in summary["value"]]
    extra = {"transitions": [{k: _jsonable(v) for k, v in r.items()}
                             for r in res.transitions.to_dict("records")]}
    notes = [f"{len(res.transitions)} power transitions; "
             f"{len(res.regional)} regional-hegemon world-years"]
    _emit(summary, fmt, title=f"Run {run}", extra=extra, notes=notes)
