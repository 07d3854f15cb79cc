"""Stylised facts of war and the state system, from real data or from a simulation.

Both sources are first turned into one :class:`FactInputs` record (state-years,
exits from the system, wars and their participants, disputes, alliance
membership, great powers, capability shares); :func:`compute_facts` then
computes every fact from that record by the same code, so a simulated history
and the real one are compared like with like. A model year is a calendar year.

- :func:`from_data` reads a folder of downloaded files (COW Inter-State War v4
  dyad-years, GML MIDs 2.2.1, COW states, majors and NMC, ATOP dyad-years; see
  :mod:`powerbalance.analysis.cow`).
- :func:`from_run` reads a simulation run folder: ``wars.parquet`` when the
  engine wrote one, else wars derived from ``events.parquet`` (one war per
  ``war_won``/``war_lost`` event, lasting its year; ``war_joined`` events add
  participants).

Every fact's definition is in ``docs/validation.md`` ("Facts: definitions").
Intervals come from :mod:`powerbalance.experiments.stats` (Student t for
means, Wilson for proportions) and, for the power-law tail, from a
nonparametric bootstrap that re-chooses x_min in every resample (Clauset,
Shalizi & Newman 2009, section 3.4), seeded from the master seed.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from powerbalance.errors import InputError
from powerbalance.experiments import stats

__all__ = [
    "FACT_COLUMNS",
    "FactInputs",
    "compare_facts",
    "compute_facts",
    "facts_by_world",
    "facts",
    "from_data",
    "from_run",
    "wars_from_events",
]

#: Columns of the facts table.
FACT_COLUMNS = ("fact", "value", "lo", "hi", "n", "years", "interval")

#: Number of bootstrap resamples of the power-law tail fit.
DEFAULT_BOOTSTRAP = 300

#: Share of the system's capability that makes a state one of the strongest, for the facts
#: computed alike on data and simulations (Mansfield 1993's 5% of major-power
#: capabilities, applied to all states).
STRONG_SHARE = 0.05

#: Streams of the facts' resampling, disjoint from the model's (see powerbalance.rng).
_BOOTSTRAP_STREAM = 0xFAC7


@dataclass(frozen=True)
class FactInputs:
    """Everything the facts are computed from; one record for data and for simulations.

    Tables (``world`` is 0 for the real world):

    - ``state_years``: world, year, actor -- members of the system in that year;
    - ``exits``: world, year, actor -- the actor left the system in that year;
    - ``wars``: world, war, start, end, participants, deaths (battle deaths or
      battle losses, NaN where unknown);
    - ``entries``: world, war, actor, year -- an actor's first year in a war;
    - ``mids``: world, year, fatality (0-6, NaN unknown) or ``None``;
    - ``defence``: world, year, actor -- members with a defensive ally, or ``None``;
    - ``great_powers``: world, year, actor -- COW major powers (real data only), or ``None``;
    - ``polarity``: world, year, polarity, con -- of the COW great-power system on the
      military-economic index (real data only), or ``None``;
    - ``capability``: world, year, actor, share -- each member's share of the system's
      capability (recomputed CINC for the data, the model's capability for a run), from
      which the like-with-like facts of the strongest states are computed.
    """

    source: str
    first_year: int
    last_year: int
    state_years: pd.DataFrame
    exits: pd.DataFrame
    wars: pd.DataFrame
    entries: pd.DataFrame
    mids: pd.DataFrame | None = None
    defence: pd.DataFrame | None = None
    great_powers: pd.DataFrame | None = None
    polarity: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)
    coverage: dict[str, tuple[int, int]] = field(default_factory=dict)
    """First and last year each source covers (``wars``, ``mids``, ``defence``); a
    source without an entry covers the years of its rows."""
    capability: pd.DataFrame | None = None

    @property
    def worlds(self) -> int:
        """Number of worlds (1 for the real data)."""
        return int(self.state_years["world"].nunique()) if len(self.state_years) else 0


# ------------------------------------------------------------------ real data


def _window(lo: int, hi: int, start: int | None, end: int | None) -> tuple[int, int]:
    a = lo if start is None else max(lo, start)
    b = hi if end is None else min(hi, end)
    return a, b


def from_data(folder: str | Path | None, *, start: int | None = None,
              end: int | None = None) -> FactInputs:
    """The inputs of the facts from a folder of downloaded COW, GML and ATOP files.

    Requires the states file (system membership) and the war file; the MID,
    majors, NMC and ATOP files are used when present.
    """
    from powerbalance.analysis import cow

    if start is not None and end is not None and start > end:
        raise InputError(f"--from {start} is after --to {end}", source="--from",
                         field="years", allowed="from <= to")
    root = cow.data_dir(folder)
    files = cow.detect_files(root)
    states = cow.load_states(files.require("states", root))
    war_rows = cow.load_wars(files.require("wars", root))
    lo_sys, hi_sys = int(states["styear"].min()), int(states["endyear"].max())
    first, last = _window(lo_sys, hi_sys, start, end)
    if first > last:
        raise InputError(f"no years of the state system in {start}-{end}", source="--from/--to",
                         field="years", allowed=f"{lo_sys}-{hi_sys}")
    spells = states[["ccode", "styear", "endyear"]].to_numpy(dtype=np.int64)
    lengths = spells[:, 2] - spells[:, 1] + 1
    cc = np.repeat(spells[:, 0], lengths)
    yy = np.repeat(spells[:, 1], lengths) + (np.arange(lengths.sum())
                                             - np.repeat(np.cumsum(lengths) - lengths, lengths))
    sy = pd.DataFrame({"world": 0, "year": yy, "actor": cc}).drop_duplicates()
    # a spell that ends before the data's last year is an exit from the system
    ended = states[states["endyear"] < hi_sys]
    exits = pd.DataFrame({"world": 0, "year": ended["endyear"].to_numpy(dtype=np.int64),
                          "actor": ended["ccode"].to_numpy(dtype=np.int64)})
    wars, entries = _cow_wars(war_rows)
    notes = [f"states: {Path(files.states or '').name}; wars: {Path(files.wars or '').name}"]
    mids = None
    if files.mids is not None:
        m = cow.load_mids(files.mids)
        mids = pd.DataFrame({"world": 0, "year": m["styear"].to_numpy(dtype=np.int64),
                             "fatality": m["fatality"].to_numpy(dtype=np.float64)})
        notes.append(f"MIDs: {Path(files.mids).name}")
    defence = None
    if files.atop is not None:
        at = cow.load_atop_dyads(files.atop)
        at = at[at["atop_defense"] == 1]
        members = pd.concat([at[["year", "ccode1"]].rename(columns={"ccode1": "actor"}),
                             at[["year", "ccode2"]].rename(columns={"ccode2": "actor"})])
        defence = members.drop_duplicates().assign(world=0)[["world", "year", "actor"]]
        notes.append(f"alliances: {Path(files.atop).name} (atop_defense)")
    great, polar, capability = None, None, None
    if files.nmc is not None:
        nmc_all = cow.load_nmc(files.nmc)
        cinc = cow.recompute_cinc(nmc_all).to_numpy(dtype=np.float64)
        capability = pd.DataFrame({"world": 0, "year": nmc_all["year"].to_numpy(np.int64),
                                   "actor": nmc_all["ccode"].to_numpy(np.int64),
                                   "share": np.nan_to_num(cinc)})
        capability["share"] /= capability.groupby("year")["share"].transform("sum")
    if files.majors is not None:
        majors = cow.load_majors(files.majors)
        mp = cow.major_power_years(majors)
        great = mp.rename(columns={"ccode": "actor"}).assign(world=0)[["world", "year",
                                                                        "actor"]]
        if files.nmc is not None:
            from powerbalance.analysis.history import polarity_history

            ph = polarity_history(nmc_all, majors)
            polar = pd.DataFrame({"world": 0, "year": ph["year"], "polarity": ph["polarity"],
                                  "con": ph["gp_con"]})
            notes.append(f"capabilities: {Path(files.nmc).name} (great-power polarity, "
                         "military-economic index)")
    coverage = {"wars": (int(war_rows["year"].min()), int(war_rows["year"].max()))}
    if mids is not None:
        coverage["mids"] = (int(mids["year"].min()), int(mids["year"].max()))
    if files.atop is not None and defence is not None:
        coverage["defence"] = (int(at["year"].min()), int(at["year"].max()))
    return FactInputs("data", first, last, sy, exits, wars, entries, mids, defence, great,
                      polar, notes, coverage, capability)


def _cow_wars(rows: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wars and entries from COW war dyad-years: one participant per (warnum, ccode1)."""
    part = rows.groupby(["warnum", "ccode1"], sort=True).agg(
        year=("year", "min"), last=("year", "max"), side=("sidea1", "first"),
        deaths=("batdeath1", "first")).reset_index()
    grouped = part.groupby("warnum", sort=True)
    wars = pd.DataFrame({
        "world": 0,
        "war": grouped.size().index.to_numpy(dtype=np.int64),
        "start": grouped["year"].min().to_numpy(dtype=np.int64),
        "end": grouped["last"].max().to_numpy(dtype=np.int64),
        "participants": grouped.size().to_numpy(dtype=np.int64),
        # the sum over the participants whose deaths are known (NaN if none is)
        "deaths": grouped["deaths"].sum(min_count=1).to_numpy(dtype=np.float64),
    })
    entries = pd.DataFrame({"world": 0, "war": part["warnum"].to_numpy(dtype=np.int64),
                            "actor": part["ccode1"].to_numpy(dtype=np.int64),
                            "year": part["year"].to_numpy(dtype=np.int64)})
    return wars, entries


# ------------------------------------------------------------------ simulations


def _run_table(folder: Path, name: str, required: tuple[str, ...]) -> pd.DataFrame | None:
    from powerbalance.analysis.runs import load_run_table

    return load_run_table(folder, name, required, optional=True)


def wars_from_events(events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wars and entries from a run's events table (for engines that write no wars table).

    Each ``war_won``/``war_lost`` event is one war of its year between the
    attacker (``actor``) and the attacked (``other``); its size (``value``,
    forces lost by both sides) is its severity. A ``war_joined`` event of the
    same world and year adds its actor to the war in which its ally
    (``other``) fought (the first such war).

    >>> ev = pd.DataFrame({"world": [0, 0, 0], "year": [5, 5, 7],
    ...                    "kind": ["war_won", "war_joined", "war_lost"],
    ...                    "actor": [1, 3, 2], "other": [2, 2, 1], "value": [9.0, 1.0, 4.0]})
    >>> w, e = wars_from_events(ev)
    >>> w["participants"].tolist(), w["deaths"].tolist(), w["start"].tolist()
    ([3, 2], [9.0, 4.0], [5, 7])
    """
    kind = events["kind"].astype(str)
    fights = events[kind.isin(["war_won", "war_lost"])].reset_index(drop=True)
    wars = pd.DataFrame({
        "world": fights["world"].to_numpy(dtype=np.int64),
        "war": np.arange(len(fights), dtype=np.int64),
        "start": fights["year"].to_numpy(dtype=np.int64),
        "end": fights["year"].to_numpy(dtype=np.int64),
        "participants": np.full(len(fights), 2, dtype=np.int64),
        "deaths": fights["value"].to_numpy(dtype=np.float64),
    })
    entries = [pd.DataFrame({"world": wars["world"], "war": wars["war"],
                             "actor": fights[c].to_numpy(dtype=np.int64),
                             "year": wars["start"]}) for c in ("actor", "other")]
    joined = events[kind == "war_joined"]
    if len(joined):
        sides = pd.concat(entries, ignore_index=True)
        first = sides.drop_duplicates(["world", "year", "actor"])
        hit = joined.merge(first, left_on=["world", "year", "other"],
                           right_on=["world", "year", "actor"], suffixes=("", "_ally"))
        hit = hit.drop_duplicates(["world", "war", "actor"])
        add = hit.groupby("war").size()
        wars.loc[add.index, "participants"] += add.to_numpy()
        entries.append(pd.DataFrame({"world": hit["world"].to_numpy(dtype=np.int64),
                                     "war": hit["war"].to_numpy(dtype=np.int64),
                                     "actor": hit["actor"].to_numpy(dtype=np.int64),
                                     "year": hit["year"].to_numpy(dtype=np.int64)}))
    ent = pd.concat(entries, ignore_index=True).drop_duplicates(["world", "war", "actor"])
    return wars, ent.reset_index(drop=True)


def _side_members(value: Any) -> list[int] | None:
    """The actors of a side cell: a list/array of actor indices, else ``None`` (a count)."""
    if isinstance(value, list | tuple | np.ndarray):
        return [int(v) for v in value]
    return None


def _wars_table(table: pd.DataFrame, source: str, last_year: int | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Wars and entries from an engine's ``wars`` table.

    A war still going on when the run ends has no ``end``: it is censored at
    ``last_year`` (its duration is then a lower bound), or at its start when no last year
    is given.

    Schema: world, war, start, end (years), initiator, target (actor indices),
    outcome, the participants of each side (columns whose names contain
    ``participants``, or the engine's ``initiator_side`` and ``target_side``: a
    list of actor indices or a count) and the battle losses
    of each side (columns whose names contain ``loss``; their sum is the
    severity).
    """
    for c in ("world", "war", "start", "end"):
        if c not in table.columns:
            raise InputError(f"missing column {c!r}", source=source, field=c,
                             allowed="world, war, start, end, initiator, target, ...")
    # The engine's table names each side's members ``initiator_side`` and ``target_side``.
    part_cols = [c for c in table.columns
                 if "participants" in c or c in ("initiator_side", "target_side")]
    loss_cols = [c for c in table.columns if "loss" in c]
    n = len(table)
    wars = pd.DataFrame({
        "world": table["world"].to_numpy(dtype=np.int64),
        "war": np.arange(n, dtype=np.int64),
        "start": table["start"].to_numpy(dtype=np.int64),
        "end": _censored_end(table, last_year),
    })
    members: list[list[int]] = [[] for _ in range(n)]
    counts = np.zeros(n, dtype=np.int64)
    for c in part_cols:
        for i, v in enumerate(table[c].tolist()):
            side = _side_members(v)
            if side is None:
                counts[i] += int(v)
            else:
                members[i].extend(side)
                counts[i] += len(side)
    for i, (a, b) in enumerate(zip(table.get("initiator", pd.Series([-1] * n)).tolist(),
                                   table.get("target", pd.Series([-1] * n)).tolist(),
                                   strict=True)):
        for x in (a, b):
            if int(x) >= 0 and int(x) not in members[i]:
                members[i].append(int(x))
    wars["participants"] = np.where(counts > 0, counts,
                                    [max(2, len(m)) for m in members]).astype(np.int64)
    if loss_cols:
        wars["deaths"] = table[loss_cols].to_numpy(dtype=np.float64).sum(axis=1)
    else:
        wars["deaths"] = np.nan
    rows = [(w, k, a, s) for k, (w, s, ms) in enumerate(zip(
        wars["world"], wars["start"], members, strict=True)) for a in ms]
    entries = pd.DataFrame(rows, columns=["world", "war", "actor", "year"], dtype=np.int64)
    return wars, entries.drop_duplicates(["world", "war", "actor"]).reset_index(drop=True)


def _censored_end(table: pd.DataFrame, last_year: int | None) -> npt.NDArray[np.int64]:
    """The ``end`` column with ongoing wars (missing end) censored at ``last_year``."""
    end = pd.to_numeric(table["end"], errors="coerce").to_numpy(dtype=np.float64,
                                                                na_value=np.nan)
    start = table["start"].to_numpy(dtype=np.float64)
    fill = start if last_year is None else np.maximum(start, float(last_year))
    return np.where(np.isnan(end), fill, end).astype(np.int64)


def from_run(folder: str | Path, *, start: int | None = None,
             end: int | None = None) -> FactInputs:
    """The inputs of the facts from a simulation run folder (a model year is a year).

    State-years are the alive rows of ``actors.parquet``; exits are ``death``
    events; wars come from ``wars.parquet`` (see :func:`_wars_table`), or, if the
    run has none, from ``events.parquet`` by :func:`wars_from_events`;
    alliances (``alliances.parquet``) count as defensive; the capability
    shares are the ``share`` column of the alive actors.
    """
    root = Path(folder)
    if not (root / "manifest.json").is_file():
        raise InputError("not a run folder (no manifest.json)", source=str(root), field="RUN",
                         allowed="a folder written by 'powerbalance run --out'")
    actors = _run_table(root, "actors", ("world", "year", "actor", "alive", "share"))
    if actors is None:
        raise InputError("missing table", source=str(root / "actors.parquet"), field="actors",
                         allowed="a run folder written by 'powerbalance run'")
    alive = actors[actors["alive"].astype(bool)]
    lo, hi = int(actors["year"].min()), int(actors["year"].max())
    first, last = _window(lo, hi, start, end)
    if first > last:
        raise InputError(f"no model years in {start}-{end}", source="--from/--to",
                         field="years", allowed=f"{lo}-{hi}")
    sy = alive[["world", "year", "actor"]].astype(np.int64).reset_index(drop=True)
    notes: list[str] = []
    events = _run_table(root, "events", ("world", "year", "kind", "actor", "other", "value"))
    table = _run_table(root, "wars", ("world", "war", "start", "end"))
    if table is not None:
        wars, entries = _wars_table(table, str(root / "wars.parquet"), last_year=hi)
        notes.append("wars: wars.parquet (severity = battle losses of both sides; a war "
                     "going on at the end is censored at the last year)")
    elif events is not None:
        wars, entries = wars_from_events(events)
        notes.append("wars: derived from events.parquet (this run has no wars table): one "
                     "war per war_won/war_lost event, lasting its year; severity = forces "
                     "lost by both sides")
    else:
        raise InputError("no wars.parquet and no events.parquet", source=str(root),
                         field="wars", allowed="a run folder written by 'powerbalance run'")
    if events is not None:
        dead = events[events["kind"].astype(str) == "death"]
        exits = pd.DataFrame({"world": dead["world"].to_numpy(dtype=np.int64),
                              "year": dead["year"].to_numpy(dtype=np.int64),
                              "actor": dead["actor"].to_numpy(dtype=np.int64)})
    else:
        exits = pd.DataFrame({"world": [], "year": [], "actor": []}, dtype=np.int64)
    al = _run_table(root, "alliances", ("world", "year", "actor", "ally"))
    defence = None
    if al is not None:
        defence = pd.concat([al[["world", "year", "actor"]],
                             al[["world", "year", "ally"]].rename(columns={"ally": "actor"})])
        defence = defence.drop_duplicates().astype(np.int64).reset_index(drop=True)
    capability = alive[["world", "year", "actor", "share"]].copy()
    capability["share"] = capability["share"].astype(np.float64)
    notes.append(f"run: {root.name}; {sy['world'].nunique()} worlds")
    # every source of a run covers all its years
    coverage = {"wars": (lo, hi), "defence": (lo, hi)}
    return FactInputs("simulation", first, last, sy, exits, wars, entries, None, defence,
                      None, None, notes, coverage, capability)


# ------------------------------------------------------------------ the facts


def _in(df: pd.DataFrame, column: str, first: int, last: int) -> pd.DataFrame:
    return df[(df[column] >= first) & (df[column] <= last)]


def _row(fact: str, est: tuple[float, float, float], n: int, years: str,
         interval: str) -> dict[str, Any]:
    return {"fact": fact, "value": est[0], "lo": est[1], "hi": est[2], "n": int(n),
            "years": years, "interval": interval}


def _yearly_counts(df: pd.DataFrame, column: str, first: int, last: int,
                   worlds: list[int]) -> npt.NDArray[np.float64]:
    """Counts per world-year (zeros included) of the rows of ``df`` by ``column``."""
    grid = pd.MultiIndex.from_product([worlds, range(first, last + 1)], names=["world", "y"])
    sel = _in(df, column, first, last)
    counts = sel.groupby(["world", column]).size()
    counts.index = counts.index.set_names(["world", "y"])
    return counts.reindex(grid, fill_value=0).to_numpy(dtype=np.float64)


def _bootstrap_tail(sizes: npt.NDArray[np.float64], seed: int, resamples: int
                    ) -> tuple[tuple[float, float], tuple[float, float]]:
    """95% percentile intervals of (alpha, log10 x_min) over ``resamples`` nonparametric
    bootstrap samples, x_min re-chosen in each (Clauset, Shalizi & Newman 2009, section
    3.4; Efron & Tibshirani 1993, ch. 13): (lows, highs). The resample indices are drawn in
    one call from the facts' stream of the master seed."""
    rng = np.random.default_rng([seed, _BOOTSTRAP_STREAM])
    draws = np.sort(sizes[rng.integers(0, len(sizes), size=(resamples, len(sizes)))], axis=1)
    found = np.full((resamples, 2), math.nan)
    for r, sample in enumerate(draws):
        if sample[0] != sample[-1] and len(np.unique(sample)) > 2:
            f = stats.xmin_search(sample)
            found[r] = f["alpha"], math.log10(f["xmin"])
    lo, hi = np.nanquantile(found, [0.025, 0.975], axis=0)
    return (float(lo[0]), float(lo[1])), (float(hi[0]), float(hi[1]))


def _severity_rows(deaths: npt.NDArray[np.float64], years: str, seed: int,
                   bootstrap: int) -> list[dict[str, Any]]:
    sizes = deaths[np.isfinite(deaths) & (deaths > 0)]
    rows = [_row("war severity: median battle deaths per war",
                 (float(np.median(sizes)) if len(sizes) else math.nan, math.nan, math.nan),
                 len(sizes), years, "none")]
    if len(sizes) < 10:
        return rows
    found = stats.xmin_search(sizes)
    fit = stats.fit_war_sizes(sizes, xmin=found["xmin"])
    lo_a = hi_a = lo_x = hi_x = math.nan
    if bootstrap > 0:
        (lo_a, lo_x), (hi_a, hi_x) = _bootstrap_tail(sizes, seed, bootstrap)
    boot = f"bootstrap {bootstrap} (percentile)" if bootstrap > 0 else "none"
    rows += [
        _row("war severity: power-law exponent alpha", (fit["alpha"], lo_a, hi_a),
             int(fit["n_tail"]), years, boot),
        _row("war severity: power-law x_min", (fit["xmin"], 10 ** lo_x if bootstrap else lo_x,
                                               10 ** hi_x if bootstrap else hi_x),
             int(fit["n_tail"]), years, boot),
        _row("war severity: share of wars in the power-law tail",
             stats.proportion_ci(int(fit["n_tail"]), len(sizes)), len(sizes), years, "Wilson"),
        _row("war severity: log-likelihood ratio R, power law vs log-normal",
             (fit["R"], math.nan, math.nan), len(sizes), years, f"p = {fit['p']:.3f}"),
    ]
    return rows


def compute_facts(inputs: FactInputs, *, seed: int = 0,
                  bootstrap: int = DEFAULT_BOOTSTRAP) -> pd.DataFrame:
    """The facts table (:data:`FACT_COLUMNS`) of ``inputs``, pooled over worlds.

    Each fact is computed over the years that its source covers within the
    window of ``inputs`` (column ``years``). Intervals are 95%.
    """
    if bootstrap < 0:
        raise InputError(f"bootstrap {bootstrap}", source="--bootstrap", field="bootstrap",
                         allowed=">= 0")
    first, last = inputs.first_year, inputs.last_year
    worlds = sorted(int(w) for w in inputs.state_years["world"].unique())
    rows: list[dict[str, Any]] = []
    sy = _in(inputs.state_years, "year", first, last)
    def covered(name: str, table: pd.DataFrame | None, lo_col: str,
                hi_col: str) -> tuple[int, int]:
        # the window, bounded by the years the source covers
        if name in inputs.coverage:
            return _window(*inputs.coverage[name], first, last)
        if table is not None and len(table):
            return _window(int(table[lo_col].min()), int(table[hi_col].max()), first, last)
        return first, last

    wlo, whi = covered("wars", inputs.wars, "start", "end")
    wspan = f"{wlo}-{whi}"
    wars = _in(inputs.wars, "start", wlo, whi)
    rows.append(_row("war onsets per year", stats.mean_ci(_yearly_counts(
        inputs.wars, "start", wlo, whi, worlds)), len(worlds) * (whi - wlo + 1), wspan,
        "t over world-years"))
    sy_w = _in(sy, "year", wlo, whi)
    entries = _in(inputs.entries, "year", wlo, whi)
    entry_keys = entries[["world", "year", "actor"]].drop_duplicates()
    k = len(entry_keys.merge(sy_w[["world", "year", "actor"]], on=["world", "year", "actor"]))
    rows.append(_row("war entries per state-year (state-years with a new war)",
                     stats.proportion_ci(k, len(sy_w)), len(sy_w), wspan, "Wilson"))
    rows += _severity_rows(wars["deaths"].to_numpy(dtype=np.float64), wspan, seed, bootstrap)
    duration = (wars["end"] - wars["start"] + 1).to_numpy(dtype=np.float64)
    rows.append(_row("war duration (calendar years spanned)", stats.mean_ci(duration),
                     len(duration), wspan, "t"))
    multi = int((wars["participants"] > 2).sum())
    rows.append(_row("share of multilateral wars (more than two states)",
                     stats.proportion_ci(multi, len(wars)), len(wars), wspan, "Wilson"))
    if inputs.mids is not None and len(inputs.mids):
        mlo, mhi = covered("mids", inputs.mids, "year", "year")
        mspan = f"{mlo}-{mhi}"
        mids = _in(inputs.mids, "year", mlo, mhi)
        rows.append(_row("MID onsets per year", stats.mean_ci(_yearly_counts(
            inputs.mids, "year", mlo, mhi, worlds)), len(worlds) * (mhi - mlo + 1), mspan,
            "t over world-years"))
        known = mids["fatality"].dropna()
        rows.append(_row("share of MIDs with fatalities (level >= 1)",
                         stats.proportion_ci(int((known >= 1).sum()), len(known)), len(known),
                         mspan, "Wilson"))
        rows.append(_row("share of MIDs with more than 999 deaths (level 6)",
                         stats.proportion_ci(int((known >= 6).sum()), len(known)), len(known),
                         mspan, "Wilson"))
    span = f"{first}-{last}"
    ex = _in(inputs.exits, "year", first, last)
    # an exit in the last year of the data cannot be seen (the spell is cut there)
    rows.append(_row("state deaths per state-year (exits from the system)",
                     stats.proportion_ci(len(ex), len(sy)), len(sy), span, "Wilson"))
    if inputs.defence is not None and len(inputs.defence):
        alo, ahi = covered("defence", inputs.defence, "year", "year")
        sy_a = _in(sy, "year", alo, ahi)
        flagged = sy_a.merge(inputs.defence.drop_duplicates(), on=["world", "year", "actor"],
                             how="left", indicator=True)
        flagged["allied"] = flagged["_merge"] == "both"
        yearly = flagged.groupby(["world", "year"])["allied"].mean().to_numpy(dtype=np.float64)
        rows.append(_row("share of states in a defensive alliance (mean of yearly shares)",
                         stats.mean_ci(yearly), len(yearly), f"{alo}-{ahi}",
                         "t over world-years"))
    if inputs.great_powers is not None and len(inputs.great_powers):
        gp = _in(inputs.great_powers, "year", first, last)
        counts = gp.groupby(["world", "year"]).size().to_numpy(dtype=np.float64)
        rows.append(_row("number of great powers (COW major powers; mean over years)",
                         stats.mean_ci(counts), len(counts), span, "t over world-years"))
    if inputs.polarity is not None and len(inputs.polarity):
        pol = _in(inputs.polarity, "year", first, last)
        pspan = f"{int(pol['year'].min())}-{int(pol['year'].max())}" if len(pol) else span
        rows.append(_row("CON of the COW great-power system (mean over years)",
                         stats.mean_ci(pol["con"].to_numpy(dtype=np.float64)), len(pol), pspan,
                         "t over world-years"))
        from powerbalance.analysis.distribution import POLARITY_NAMES

        for name in POLARITY_NAMES:
            k = int((pol["polarity"] == name).sum())
            rows.append(_row(f"share of years {name} (COW great powers)",
                             stats.proportion_ci(k, len(pol)), len(pol), pspan, "Wilson"))
    if inputs.capability is not None and len(inputs.capability):
        rows += _strong_state_rows(inputs.capability, first, last)
    return pd.DataFrame(rows, columns=list(FACT_COLUMNS))


def _strong_state_rows(capability: pd.DataFrame, first: int, last: int
                       ) -> list[dict[str, Any]]:
    """The facts of the states with at least :data:`STRONG_SHARE` of capability, per
    world-year: how many, their CON, and their polarity (the great-power rule with
    persistence, per world, over all years, then cut to ``first``-``last``) -- the same
    definition for data and simulations."""
    from powerbalance.analysis.distribution import POLARITY_NAMES, concentration
    from powerbalance.analysis.history import great_power_polarity, persistent_labels

    strong = capability[capability["share"] >= STRONG_SHARE]
    if strong.empty:
        return []
    wide = strong.pivot_table(index=["world", "year"], columns="actor", values="share",
                              fill_value=0.0)
    shares = wide.to_numpy(dtype=np.float64)
    keys = wide.index.to_frame(index=False)
    worlds = keys["world"].to_numpy()
    codes = great_power_polarity(shares)
    smooth = np.empty(len(codes), dtype=np.int64)
    for w in np.unique(worlds):
        idx = np.flatnonzero(worlds == w)
        smooth[idx] = persistent_labels(codes[idx])
    years = keys["year"].to_numpy()
    keep = (years >= first) & (years <= last)
    if not keep.any():
        return []
    shares, smooth, years = shares[keep], smooth[keep], years[keep]
    span = f"{int(years.min())}-{int(years.max())}"
    n = len(shares)
    label = f"states with at least {STRONG_SHARE:.0%} of capability"
    rows = [_row(f"{label} (mean over years)",
                 stats.mean_ci(np.count_nonzero(shares > 0, axis=1).astype(np.float64)), n,
                 span, "t over world-years"),
            _row(f"CON of the {label} (mean over years)",
                 stats.mean_ci(concentration(shares)), n, span, "t over world-years")]
    for code, name in enumerate(POLARITY_NAMES):
        rows.append(_row(f"share of years {name} ({label})",
                         stats.proportion_ci(int((smooth == code).sum()), n), n, span,
                         "Wilson"))
    return rows


def _world(inputs: FactInputs, world: int) -> FactInputs:
    """The inputs of one world."""
    def one(df: pd.DataFrame | None) -> pd.DataFrame | None:
        return None if df is None else df[df["world"] == world]

    return FactInputs(inputs.source, inputs.first_year, inputs.last_year,
                      inputs.state_years[inputs.state_years["world"] == world],
                      inputs.exits[inputs.exits["world"] == world],
                      inputs.wars[inputs.wars["world"] == world],
                      inputs.entries[inputs.entries["world"] == world],
                      one(inputs.mids), one(inputs.defence), one(inputs.great_powers),
                      one(inputs.polarity), inputs.notes, inputs.coverage,
                      one(inputs.capability))


def facts_by_world(inputs: FactInputs) -> pd.DataFrame:
    """The facts of every world separately (no bootstrap): ``world, fact, value``.

    >>> fi = FactInputs("simulation", 0, 1,
    ...     pd.DataFrame({"world": [0, 0, 1, 1], "year": [0, 1, 0, 1], "actor": 0}),
    ...     pd.DataFrame({"world": [], "year": [], "actor": []}),
    ...     pd.DataFrame({"world": [1], "war": [0], "start": [0], "end": [0],
    ...                   "participants": [2], "deaths": [5.0]}),
    ...     pd.DataFrame({"world": [1], "war": [0], "actor": [0], "year": [0]}),
    ...     coverage={"wars": (0, 1)})
    >>> t = facts_by_world(fi)
    >>> t[t["fact"] == "war onsets per year"]["value"].tolist()
    [0.0, 0.5]
    """
    worlds = sorted(int(w) for w in inputs.state_years["world"].unique())
    parts = []
    for w in worlds:
        table = compute_facts(_world(inputs, w), bootstrap=0)
        parts.append(table[["fact", "value"]].assign(world=w))
    return pd.concat(parts, ignore_index=True)[["world", "fact", "value"]]


def compare_facts(observed: pd.DataFrame, per_world: pd.DataFrame,
                  band: float = 0.90) -> pd.DataFrame:
    """Observed facts against a model's distribution of per-world facts.

    Columns: ``fact, observed, model_median, model_lo, model_hi`` (the central
    ``band`` of the worlds), ``percentile`` (the share of worlds whose value is
    below the observed one, ties counted half) and ``worlds`` (worlds with a value).
    Facts missing on either side are left out.

    >>> obs = pd.DataFrame({"fact": ["x"], "value": [2.0]})
    >>> pw = pd.DataFrame({"world": [0, 1, 2, 3], "fact": "x", "value": [1.0, 2.0, 3.0, 4.0]})
    >>> compare_facts(obs, pw)[["model_median", "percentile", "worlds"]].values.tolist()
    [[2.5, 0.375, 4.0]]
    """
    rows = []
    for fact, value in zip(observed["fact"], observed["value"], strict=True):
        vals = per_world.loc[per_world["fact"] == fact, "value"].to_numpy(dtype=np.float64)
        vals = vals[np.isfinite(vals)]
        if not len(vals) or not np.isfinite(value):
            continue
        lo, med, hi = np.quantile(vals, [(1 - band) / 2, 0.5, (1 + band) / 2])
        pct = (np.sum(vals < value) + 0.5 * np.sum(vals == value)) / len(vals)
        rows.append({"fact": fact, "observed": float(value), "model_median": float(med),
                     "model_lo": float(lo), "model_hi": float(hi), "percentile": float(pct),
                     "worlds": len(vals)})
    return pd.DataFrame(rows, columns=["fact", "observed", "model_median", "model_lo",
                                       "model_hi", "percentile", "worlds"])


def facts(source: str | Path, *, data: bool = False, start: int | None = None,
          end: int | None = None, seed: int = 0,
          bootstrap: int = DEFAULT_BOOTSTRAP) -> tuple[pd.DataFrame, FactInputs]:
    """The facts of a data folder (``data=True``) or of a run folder, and their inputs.

    >>> facts("no-such-run")
    Traceback (most recent call last):
    ...
    powerbalance.errors.InputError: no-such-run: RUN: not a run folder (no manifest.json) \
(allowed: a folder written by 'powerbalance run --out')
    """
    inputs = from_data(source, start=start, end=end) if data else from_run(source, start=start,
                                                                            end=end)
    return compute_facts(inputs, seed=seed, bootstrap=bootstrap), inputs


def facts_json(table: pd.DataFrame, inputs: FactInputs) -> str:
    """The facts table and its notes as JSON (NaN as null)."""
    records = [{k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                for k, v in r.items()} for r in table.to_dict("records")]
    return json.dumps({"source": inputs.source, "years": [inputs.first_year, inputs.last_year],
                       "facts": records, "notes": inputs.notes}, indent=2, default=str)
