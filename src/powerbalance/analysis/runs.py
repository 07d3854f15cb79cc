"""Measures of a simulation run folder (what ``powerbalance analyze RUN`` prints).

A run folder holds ``manifest.json`` and Parquet tables written by the engine;
this module only reads ``actors.parquet`` (required) and ``alliances.parquet``
(optional) and recomputes, for every world and year, entropy, Gini, the ratio
of the first to the second power, Cederman's class, regional hegemons, power
transitions and balancing against the leader, then aggregates them. With
``wars.parquet`` and ``events.parquet`` it adds the wars (count, duration,
outcome, severity, provinces transferred, concessions) and the reliability of
allies by strategy: calls made, calls honoured (some help sent) and the mean
share of forces sent, for defensive and offensive calls (Leeds, Long &
Mitchell 2000 measure the first two on real alliances).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from powerbalance.analysis.distribution import (
    CEDERMAN_NAMES,
    POLARITY_NAMES,
    PolarityRules,
    cederman_class,
    concentration,
    effective_number,
    entropy,
    first_second_ratio,
    gini,
    hegemon,
    hhi,
    polarity,
)
from powerbalance.analysis.transitions import balancing_frame, power_transitions
from powerbalance.errors import InputError

__all__ = ["RunAnalysis", "alliance_reliability", "analyze_run", "load_run_table",
           "measure_actors", "war_summary"]

ACTOR_COLUMNS = ("world", "year", "actor", "region", "alive", "share")


def load_run_table(folder: str | Path, name: str, required: tuple[str, ...],
                   optional: bool = False) -> pd.DataFrame | None:
    """Read ``folder/name.parquet`` and check its columns.

    >>> load_run_table(".", "no-such-table", ("world",), optional=True) is None
    True
    """
    p = Path(folder) / f"{name}.parquet"
    if not p.is_file():
        if optional:
            return None
        raise InputError("missing table", source=str(p), field=name,
                         allowed="a run folder written by 'powerbalance run'")
    try:
        df = pd.read_parquet(p)
    except Exception as exc:  # pyarrow raises several types for a broken file
        raise InputError(f"unreadable Parquet ({type(exc).__name__})", source=str(p)) from exc
    for c in required:
        if c not in df.columns:
            raise InputError(f"missing column {c!r}", source=str(p), field=c,
                             allowed="columns " + ", ".join(required))
    return df


@dataclass(frozen=True)
class RunAnalysis:
    """Everything :func:`analyze_run` computes.

    ``per_year``: one row per world and year; ``regional``: regional hegemons;
    ``transitions``: power transitions per world; ``balancing``: balancing per
    world and year (``None`` without alliances); ``summary``: metric/value rows.
    """

    per_year: pd.DataFrame
    regional: pd.DataFrame
    transitions: pd.DataFrame
    balancing: pd.DataFrame | None
    summary: pd.DataFrame
    manifest: dict[str, object]
    reliability: pd.DataFrame | None = None
    """Calls to allies by strategy and kind (see :func:`alliance_reliability`)."""


def alliance_reliability(events: pd.DataFrame, actors: pd.DataFrame) -> pd.DataFrame:
    """Calls made to allies, calls honoured and the mean share of forces sent, by the called
    ally's strategy and the kind of call (``defensive``: the principal was attacked that year;
    ``offensive``: it was the initiator), from ``ally_called`` events. The strategy is the
    called ally's own (a captured actor's calls count under its own strategy). A principal
    that is attacked and attacks in the same year has all its calls of that year counted as
    defensive (the events do not tell the two apart; none in 4,838 calls of a 300-world
    warring-states-horizontal-alliance run).

    >>> ev = pd.DataFrame({"world": [0, 0, 0], "year": [1, 1, 1],
    ...                    "kind": ["ally_called", "ally_called", "war_won"],
    ...                    "actor": [2, 3, 0], "other": [1, 1, 1], "value": [1.0, 0.0, 5.0]})
    >>> act = pd.DataFrame({"world": [0] * 4, "year": [1] * 4, "actor": [0, 1, 2, 3],
    ...                     "strategy": ["a", "b", "c", "d"]})
    >>> alliance_reliability(ev, act)[["strategy", "kind", "calls", "honoured"]].values.tolist()
    [['c', 'defensive', 1, 1], ['d', 'defensive', 1, 0]]
    """
    kind = events["kind"].astype(str)
    called = events[kind == "ally_called"][["world", "year", "actor", "other", "value"]]
    cols = ["strategy", "kind", "calls", "honoured", "share_honoured", "mean_share_sent"]
    if called.empty:
        return pd.DataFrame(columns=cols)
    wars = events[kind.isin(["war_won", "war_lost"])][["world", "year", "other"]]
    targets = wars.drop_duplicates().assign(defensive=True)
    called = called.merge(targets, on=["world", "year", "other"], how="left")
    called["kind"] = np.where(called["defensive"].eq(True), "defensive", "offensive")
    if "strategy" in actors.columns:
        strat = actors[["world", "actor", "strategy"]].drop_duplicates(["world", "actor"])
        called = called.merge(strat, on=["world", "actor"], how="left")
        called["strategy"] = called["strategy"].astype(str)
    else:
        called["strategy"] = "?"
    called["honoured"] = called["value"] > 0
    out = called.groupby(["strategy", "kind"], sort=True).agg(
        calls=("value", "size"), honoured=("honoured", "sum"),
        mean_share_sent=("value", "mean")).reset_index()
    out["share_honoured"] = out["honoured"] / out["calls"]
    out["calls"] = out["calls"].astype(int)
    out["honoured"] = out["honoured"].astype(int)
    return out[cols]


def war_summary(wars: pd.DataFrame, events: pd.DataFrame | None,
                n_worlds: int) -> list[tuple[str, object]]:
    """Metric rows for the wars table (and the concession events)."""
    rows: list[tuple[str, object]] = [("wars (total)", len(wars)),
                                      ("wars per world (mean)", len(wars) / max(n_worlds, 1))]
    if len(wars):
        ended = wars[wars["end"].notna()]
        duration = (ended["end"].astype(float) - ended["start"].astype(float) + 1.0)
        rows += [
            ("war duration in years (mean of ended wars)", float(duration.mean())
             if len(ended) else float("nan")),
            ("wars lasting more than one year (share)", float((duration > 1).mean())
             if len(ended) else float("nan")),
            ("wars won by the initiator (share of ended wars)",
             float((ended["outcome"] == "initiator won").mean()) if len(ended) else float("nan")),
            ("battle losses per war (mean, both sides)",
             float((wars["initiator_losses"] + wars["target_losses"]).mean())),
            ("provinces transferred per war (mean)",
             float((wars["provinces_to_initiator_side"]
                    + wars["provinces_to_target_side"]).mean())),
            ("wars with allies on the initiator's side (share)",
             float((wars["initiator_side"].map(len) > 1).mean())),
        ]
    if events is not None:
        kind = events["kind"].astype(str)
        conceded = kind == "concession"
        rows.append(("demands conceded without war (total)", int(conceded.sum())))
        # A concession event's value is the number of provinces handed over.
        rows.append(("provinces transferred by concession (total)",
                     int(events.loc[conceded, "value"].sum())))
    return rows


def measure_actors(actors: pd.DataFrame, *, rules: PolarityRules | None = None,
                   hegemony: float = 0.5) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Per world-year measures, regional hegemons and transitions of an actors table.

    >>> a = pd.DataFrame({"world": [0] * 4, "year": [1, 1, 2, 2], "actor": [0, 1, 0, 1],
    ...                   "region": ["n"] * 4, "alive": [True] * 4,
    ...                   "share": [0.7, 0.3, 0.4, 0.6]})
    >>> per, reg, tr = measure_actors(a)
    >>> per["hegemon"].tolist(), tr["challenger"].tolist()
    ([0, 1], [1])
    """
    df = actors
    share = df["share"].to_numpy(dtype=np.float64)
    share = np.where(df["alive"].to_numpy(dtype=bool) & np.isfinite(share), share, 0.0)
    worlds, wi = np.unique(df["world"].to_numpy(), return_inverse=True)
    years, yi = np.unique(df["year"].to_numpy(), return_inverse=True)
    ids, ai = np.unique(df["actor"].to_numpy(), return_inverse=True)
    cube = np.zeros((len(worlds), len(years), len(ids)))
    cube[wi, yi, ai] = share
    present = np.zeros((len(worlds), len(years)), dtype=bool)
    present[wi, yi] = True
    s = cube
    lead = np.argmax(s, axis=-1)
    heg = hegemon(s, threshold=hegemony)
    per = pd.DataFrame({
        "world": np.repeat(worlds, len(years)),
        "year": np.tile(years, len(worlds)),
        "live_actors": np.count_nonzero(s > 0, axis=-1).ravel(),
        "leader": ids[lead].ravel(),
        "largest_share": np.max(s, axis=-1).ravel(),
        "hhi": hhi(s).ravel(),
        "effective_number": effective_number(s).ravel(),
        "con": concentration(s).ravel(),
        "entropy": entropy(s).ravel(),
        "gini": gini(s).ravel(),
        "ratio": first_second_ratio(s).ravel(),
        "polarity": np.array(POLARITY_NAMES, dtype=object)[polarity(s, rules)].ravel(),
        "cederman": np.array(CEDERMAN_NAMES + ("none",), dtype=object)[
            cederman_class(s)].ravel(),
        "hegemon": np.where(heg >= 0, ids[np.maximum(heg, 0)], -1).ravel(),
    })
    per = per[present.ravel()].reset_index(drop=True)
    # regional hegemons: an actor with more than `hegemony` of its region's capability
    reg_rows = []
    regions = df["region"].astype(str).to_numpy()
    for r in sorted(set(regions.tolist())):
        sel = regions == r
        rc = np.zeros_like(cube)
        rc[wi[sel], yi[sel], ai[sel]] = share[sel]
        h = hegemon(rc, threshold=hegemony)
        tot = rc.sum(axis=-1)
        ww, yy = np.nonzero(h >= 0)
        hv = h[ww, yy]
        reg_rows.append(pd.DataFrame({
            "world": worlds[ww], "year": years[yy], "region": r, "actor": ids[hv],
            "regional_share": rc[ww, yy, hv] / tot[ww, yy]}))
    regional = (pd.concat(reg_rows, ignore_index=True) if reg_rows else
                pd.DataFrame(columns=["world", "year", "region", "actor", "regional_share"]))
    tr_rows = []
    for k, w in enumerate(worlds):
        for t in power_transitions(cube[k], list(years), list(ids)):
            tr_rows.append({"world": w, "year": t.year, "dominant": t.dominant,
                            "challenger": t.challenger, "dominant_share": t.dominant_value,
                            "challenger_share": t.challenger_value})
    transitions = pd.DataFrame(tr_rows, columns=["world", "year", "dominant", "challenger",
                                                 "dominant_share", "challenger_share"])
    return per, regional, transitions


def _summary(per: pd.DataFrame, regional: pd.DataFrame, transitions: pd.DataFrame,
             bal: pd.DataFrame | None) -> pd.DataFrame:
    last_year = per.groupby("world")["year"].transform("max")
    final = per[per["year"] == last_year]
    n_worlds = per["world"].nunique()
    rows: list[tuple[str, object]] = [
        ("worlds", n_worlds),
        ("years", int(per["year"].nunique())),
    ]
    for col in ("live_actors", "largest_share", "hhi", "effective_number", "con", "entropy",
                "gini", "ratio"):
        vals = final[col].replace([np.inf, -np.inf], np.nan)
        rows.append((f"final {col} (mean over worlds)", float(vals.mean())))
    rows.append(("final: share of worlds with a hegemon", float((final["hegemon"] >= 0).mean())))
    rows.append(("share of world-years with a hegemon", float((per["hegemon"] >= 0).mean())))
    for name in POLARITY_NAMES:
        rows.append((f"final: share {name}", float((final["polarity"] == name).mean())))
    for name in CEDERMAN_NAMES:
        rows.append((f"final: share Cederman {name}", float((final["cederman"] == name).mean())))
    rows.append(("power transitions (total)", len(transitions)))
    rows.append(("power transitions per world (mean)", len(transitions) / max(n_worlds, 1)))
    fin_reg = regional.merge(final[["world", "year"]], on=["world", "year"])
    rows.append(("final: regional hegemons per world (mean)", len(fin_reg) / max(n_worlds, 1)))
    if bal is not None and not bal.empty:
        for col in ("with_leader", "against_leader", "unaligned"):
            rows.append((f"capability {col.replace('_', ' ')} (mean over world-years)",
                         float(bal[col].mean())))
    return pd.DataFrame(rows, columns=["metric", "value"], dtype=object)


def analyze_run(folder: str | Path, *, rules: PolarityRules | None = None,
                hegemony: float = 0.5) -> RunAnalysis:
    """Recompute the measures of a run folder and aggregate them over worlds.

    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"world": [0, 0], "year": [1, 1], "actor": [0, 1], "region": ["a", "a"],
    ...               "alive": [True, True], "share": [0.8, 0.2]}).to_parquet(
    ...     d / "actors.parquet")
    >>> r = analyze_run(d)
    >>> float(r.summary.set_index("metric").loc["final: share of worlds with a hegemon",
    ...                                          "value"])
    1.0
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError("not a folder", source=str(folder), field="RUN",
                         allowed="a run folder written by 'powerbalance run'")
    manifest: dict[str, object] = {}
    mpath = folder / "manifest.json"
    if mpath.is_file():
        try:
            manifest = json.loads(mpath.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise InputError(f"unreadable JSON ({exc})", source=str(mpath)) from exc
    actors = load_run_table(folder, "actors", ACTOR_COLUMNS)
    assert actors is not None
    if actors.empty:
        raise InputError("no rows", source=str(folder / "actors.parquet"),
                         allowed="at least one actor-year")
    per, regional, transitions = measure_actors(actors, rules=rules, hegemony=hegemony)
    alliances = load_run_table(folder, "alliances", ("world", "year", "actor", "ally"),
                               optional=True)
    bal = None
    if alliances is not None:
        live = actors[actors["alive"].astype(bool)]
        bal = balancing_frame(live, alliances, by=["world", "year"])
    summary = _summary(per, regional, transitions, bal)
    events = load_run_table(folder, "events", ("world", "year", "kind", "actor", "other",
                                               "value"), optional=True)
    wars = load_run_table(folder, "wars", ("world", "start", "end", "outcome"), optional=True)
    extra: list[tuple[str, object]] = []
    if wars is not None:
        extra += war_summary(wars, events, int(per["world"].nunique()))
    reliability = None
    if events is not None:
        reliability = alliance_reliability(events, actors)
        for row in reliability.itertuples():
            # "Honoured" is said of defensive calls only: an offensive call refused by a
            # defensive pact breaks no promise (Leeds 2003), so it is "answered" or not.
            label = f"{row.kind} calls to {row.strategy} allies"
            answered = "honoured" if row.kind == "defensive" else "answered with forces"
            extra += [(f"{label}: made", int(row.calls)),
                      (f"{label}: share of calls {answered}", float(row.share_honoured)),
                      (f"{label}: mean share of its forces an ally sent",
                       float(row.mean_share_sent))]
    if extra:
        summary = pd.concat([summary, pd.DataFrame(extra, columns=["metric", "value"],
                                                   dtype=object)], ignore_index=True)
    return RunAnalysis(per, regional, transitions, bal, summary, manifest, reliability)
