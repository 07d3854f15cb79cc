"""Alliance-politics metrics of a run: abandonment, entrapment, chain-ganging, late strikes.

Computed from the events table of a run (one row per event; see
:class:`~powerbalance.model.events.EventKind`), per world. Definitions:

- **abandonment** (Snyder 1984, "The security dilemma in alliance politics",
  *World Politics* 36(4)): an ally was attacked and the actor, committed to
  it, sent nothing: the number of ``abandoned`` events.
- **entrapment** (Snyder 1984): being dragged into a conflict over an ally's
  interests. An actor that joins the defence of its ally t against attacker a
  is *entrapped* when t itself had attacked a within the previous ``window``
  years (the ally provoked the war it is now defended in): the number of
  such ``war_joined`` events.
- **chain-ganging** (Christensen & Snyder 1990, "Chain gangs and passed
  bucks", *International Organization* 44(2)): allies chained to one another
  go to war together. The number of wars (world, year, defender) in which
  two or more allies joined the defender.
- **late strikes** (Schweller 1994, "Bandwagoning for profit", on jackals):
  preying on a state another has weakened. The number of ``late_entry``
  events: an actor that fought no one last year attacked an actor that a
  third party (not its ally) had fought last year. (Buck-passing proper,
  staying out of the threat's war, shows as ``abandoned`` events of
  buck-passers and in the reliability figures of ``powerbalance analyze``.)

:func:`alliance_politics` gives one row per world with these four columns
(the column set :data:`COLUMNS`); :func:`alliance_politics_summary` their
totals and means per world, as in the run summary.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

#: The alliance-politics columns of the run summary.
COLUMNS = ("abandonment", "entrapment", "chain_ganging", "late_strikes")


def _kind(events: pd.DataFrame, *labels: str) -> pd.DataFrame:
    kind = events["kind"]
    if isinstance(kind.dtype, pd.CategoricalDtype):  # the categories' text, not every row's
        labels_at = np.isin(kind.cat.categories.astype(str), labels)
        codes = kind.cat.codes.to_numpy()
        return events[labels_at[codes] & (codes >= 0)]
    return events[kind.astype(str).isin(labels)]


def alliance_politics(events: pd.DataFrame, worlds: Iterable[int] | None = None,
                      window: int = 5) -> pd.DataFrame:
    """Per world: counts of abandonment, entrapment, chain-ganging and late strikes.

    ``worlds``: the worlds to report (worlds without events get zeros);
    default, those in ``events``.

    >>> ev = pd.DataFrame({
    ...     "world": [0, 0, 0, 0, 0, 1], "year": [1, 3, 3, 3, 3, 2],
    ...     "kind": ["war_won", "war_lost", "war_joined", "war_joined", "abandoned",
    ...              "late_entry"],
    ...     "actor": [1, 2, 3, 4, 5, 0], "other": [2, 1, 1, 1, 1, 2],
    ...     "value": 0.0})
    >>> alliance_politics(ev).to_dict("records")  # doctest: +NORMALIZE_WHITESPACE
    [{'world': 0, 'abandonment': 1, 'entrapment': 2, 'chain_ganging': 1, 'late_strikes': 0},
     {'world': 1, 'abandonment': 0, 'entrapment': 0, 'chain_ganging': 0, 'late_strikes': 1}]
    """
    world_ids = (sorted(set(events["world"].tolist())) if worlds is None
                 else sorted(set(int(w) for w in worlds)))
    out = pd.DataFrame({"world": world_ids})
    ev = events[["world", "year", "kind", "actor", "other"]]

    def count(frame: pd.DataFrame, name: str) -> None:
        counts = frame.groupby("world").size()
        out[name] = out["world"].map(counts).fillna(0).astype(np.int64)

    count(_kind(ev, "abandoned"), "abandonment")

    joined = _kind(ev, "war_joined")[["world", "year", "actor", "other"]].rename(
        columns={"actor": "helper", "other": "ally"})
    attacks = _kind(ev, "war_won", "war_lost")[["world", "year", "actor", "other"]]
    drawn = joined.merge(attacks.rename(columns={"actor": "attacker", "other": "ally"}),
                         on=["world", "year", "ally"])
    earlier = attacks.rename(columns={"actor": "ally", "other": "attacker",
                                      "year": "provoked"})
    provoked = drawn.merge(earlier, on=["world", "ally", "attacker"])
    provoked = provoked[(provoked["provoked"] < provoked["year"])
                        & (provoked["provoked"] >= provoked["year"] - window)]
    entrapped = provoked.drop_duplicates(["world", "year", "helper", "ally", "attacker"])
    count(entrapped, "entrapment")

    per_war = joined.groupby(["world", "year", "ally"]).size().reset_index(name="allies")
    count(per_war[per_war["allies"] >= 2], "chain_ganging")
    count(_kind(ev, "late_entry"), "late_strikes")
    return out


def alliance_politics_summary(events: pd.DataFrame, worlds: Iterable[int],
                              window: int = 5) -> pd.DataFrame:
    """One row per metric: total over the run, mean per world, share of worlds with any."""
    per_world = alliance_politics(events, worlds, window)
    rows = []
    for name in COLUMNS:
        col = per_world[name]
        rows.append({"metric": name, "total": int(col.sum()),
                     "per_world": float(col.mean()) if len(col) else 0.0,
                     "worlds_with_any": float((col > 0).mean()) if len(col) else 0.0})
    return pd.DataFrame(rows)
