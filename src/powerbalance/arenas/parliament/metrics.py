"""Measures of a parliament run: voting power of the parties and dominant-party spells.

Voting power is the parties' normalised Banzhaf (1965) and Shapley-Shubik (1954) index in
the weighted majority game ``[floor(seats / 2) + 1; seats of each party]``, computed
exactly by :mod:`powerbalance.analysis.voting` (all the worlds of a run at once by
:func:`~powerbalance.analysis.voting.batch_power`, the same floats as :func:`power`). A
dominant-party spell is a run of years in which one party holds the premiership without a
break (Pempel 1990, *Uncommon Democracies*: dominance "for a substantial period"); it
counts once it reaches ``dominant_years``.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from powerbalance.analysis.voting import WeightedGame, banzhaf, batch_power, shapley_shubik


@lru_cache(maxsize=65_536)
def power(seats: tuple[int, ...]) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """(Banzhaf, Shapley-Shubik) of each party under simple majority of ``seats``.

    >>> bz, ss = power((50, 30, 20))
    >>> [round(x, 3) for x in bz], [round(x, 3) for x in ss]
    ([0.6, 0.2, 0.2], [0.667, 0.167, 0.167])
    """
    game = WeightedGame(sum(seats) // 2 + 1, list(seats))
    return (tuple(float(x) for x in banzhaf(game)),
            tuple(float(x) for x in shapley_shubik(game)))


def add_power(actors: pd.DataFrame, years: list[int] | None = None) -> pd.DataFrame:
    """``actors`` with ``banzhaf`` and ``shapley_shubik`` columns at ``years`` (default: the
    last recorded year; NaN elsewhere). Exact, every world at once (a few microseconds a
    world for eight parties)."""
    if years is None:
        years = [int(actors["year"].max())]
    out = actors.copy()
    out["banzhaf"] = np.nan
    out["shapley_shubik"] = np.nan
    rows = out.index[out["year"].isin(years)]
    sub = out.loc[rows].sort_values(["world", "year", "actor"])
    n = int(out["actor"].max()) + 1
    seats = sub["seats"].to_numpy(dtype=np.int64).reshape(-1, n)
    bz, ss = batch_power(seats.sum(axis=1) // 2 + 1, seats)
    out.loc[sub.index, "banzhaf"] = bz.reshape(-1)
    out.loc[sub.index, "shapley_shubik"] = ss.reshape(-1)
    return out


def dominant_spells(system: pd.DataFrame, threshold: int) -> pd.DataFrame:
    """Per world: the number of premiership spells of at least ``threshold`` years, the
    longest spell and the share of years under dominant-party rule."""
    s = system.sort_values(["world", "year"])
    tenure = s["pm_tenure"].to_numpy()
    world = s["world"].to_numpy()
    nxt_tenure = np.append(tenure[1:], 0)
    nxt_world = np.append(world[1:], -1)
    ends = (nxt_world != world) | (nxt_tenure <= tenure)  # the spell's last recorded year
    ended = pd.DataFrame({"world": world[ends], "length": tenure[ends]})
    g = ended.groupby("world")["length"]
    out = pd.DataFrame({"spells": g.apply(lambda x: int((x >= threshold).sum())),
                        "longest": g.max()})
    out["dominant_share"] = s.groupby("world")["dominant"].mean()
    return out.reset_index()
