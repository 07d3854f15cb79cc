"""Power transitions and balancing against the leading actor.

*Power transition* (Organski 1958; Organski & Kugler 1980): the moment a
challenger's capability overtakes that of the dominant power. Here the dominant
power is the actor with the largest capability; a transition is recorded in the
first year a different, living actor leads (optionally only when it keeps the
lead for ``persistence`` consecutive years). When the dominant power simply
disappears (capability 0 or missing) the lead passes without a transition.

*Balancing*: for each year, the share of capability allied with the leading
actor versus the share of capability of actors allied among themselves but
not with the leader (the balancing coalition), and the unaligned rest.

References
----------
- Organski, A. F. K. (1958). *World Politics*. New York: Knopf.
- Organski, A. F. K. & Kugler, J. (1980). *The War Ledger*. University of
  Chicago Press.
- Waltz, K. N. (1979). *Theory of International Politics* (balancing).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = [
    "Balance",
    "Transition",
    "balancing",
    "balancing_frame",
    "power_transitions",
    "transitions_frame",
]


@dataclass(frozen=True)
class Transition:
    """One power transition: in ``year`` the ``challenger`` overtook the ``dominant``."""

    year: Hashable
    dominant: Hashable
    challenger: Hashable
    dominant_value: float
    challenger_value: float


def power_transitions(
    capabilities: npt.ArrayLike,
    years: Sequence[Hashable] | None = None,
    actors: Sequence[Hashable] | None = None,
    *,
    persistence: int = 1,
) -> list[Transition]:
    """Transitions in a ``years x actors`` capability matrix (Organski 1958).

    ``persistence`` years of continued lead are required before a change of
    leader counts (1: the first year the challenger is ahead). NaN counts as 0.

    >>> cap = [[5, 3, 1], [5, 4, 1], [4, 6, 1], [3, 7, 1]]
    >>> t = power_transitions(cap, years=[1900, 1901, 1902, 1903], actors=["A", "B", "C"])
    >>> [(x.year, x.dominant, x.challenger) for x in t]
    [(1902, 'A', 'B')]
    """
    cap = np.nan_to_num(np.asarray(capabilities, dtype=np.float64), nan=0.0)
    if cap.ndim != 2:
        raise ValueError("capabilities must be a years x actors matrix")
    t_count, n = cap.shape
    yrs = list(years) if years is not None else list(range(t_count))
    names = list(actors) if actors is not None else list(range(n))
    if persistence < 1:
        raise ValueError("persistence must be >= 1")
    leader = np.argmax(cap, axis=1)
    alive_any = cap.max(axis=1) > 0
    out: list[Transition] = []
    dominant = -1
    for t in np.flatnonzero(alive_any):
        cand = int(leader[t])
        if dominant < 0:
            dominant = cand
            continue
        if cand == dominant:
            continue
        if cap[t, dominant] <= 0:  # the old leader died: succession, not transition
            dominant = cand
            continue
        stop = min(t_count, t + persistence)
        if stop - t < persistence or not np.all(leader[t:stop] == cand):
            continue
        out.append(Transition(yrs[t], names[dominant], names[cand],
                              float(cap[t, dominant]), float(cap[t, cand])))
        dominant = cand
    return out


def transitions_frame(
    data: pd.DataFrame,
    *,
    time: str = "year",
    actor: str = "actor",
    value: str = "share",
    by: Sequence[str] = (),
    persistence: int = 1,
) -> pd.DataFrame:
    """Power transitions of a long table (one row per actor and year), per group.

    Returns columns ``*by, year, dominant, challenger, dominant_value,
    challenger_value``.

    >>> df = pd.DataFrame({"year": [1, 1, 2, 2], "actor": [7, 8, 7, 8],
    ...                    "share": [0.6, 0.4, 0.3, 0.7]})
    >>> transitions_frame(df).to_dict("records")[0]["challenger"]
    8
    """
    cols = [*by, time, "dominant", "challenger", "dominant_value", "challenger_value"]
    rows: list[dict[str, object]] = []
    groups: Iterable[tuple[object, pd.DataFrame]]
    groups = data.groupby(list(by), sort=True) if by else [((), data)]
    for key, grp in groups:
        wide = grp.pivot_table(index=time, columns=actor, values=value, aggfunc="sum")
        wide = wide.sort_index()
        key_t = key if isinstance(key, tuple) else (key,)
        for tr in power_transitions(wide.to_numpy(), list(wide.index), list(wide.columns),
                                    persistence=persistence):
            rows.append({**dict(zip(by, key_t, strict=True)), time: tr.year,
                         "dominant": tr.dominant, "challenger": tr.challenger,
                         "dominant_value": tr.dominant_value,
                         "challenger_value": tr.challenger_value})
    return pd.DataFrame(rows, columns=cols)


@dataclass(frozen=True)
class Balance:
    """Shares of capability around the leading actor in one year.

    ``leader_share`` + ``with_leader`` + ``against_leader`` + ``unaligned`` = 1.
    """

    leader: int
    leader_share: float
    with_leader: float
    against_leader: float
    unaligned: float


def balancing(shares: npt.ArrayLike, pairs: Iterable[tuple[int, int]]) -> Balance:
    """Capability allied with versus against the leading actor.

    ``pairs`` are alliances between actor indices. *With* the leader: its
    allies. *Against*: actors allied with someone but not with the leader.

    >>> b = balancing([0.4, 0.2, 0.25, 0.15], [(0, 1), (2, 3)])
    >>> b.leader, round(b.with_leader, 2), round(b.against_leader, 2), b.unaligned
    (0, 0.2, 0.4, 0.0)
    """
    s = np.nan_to_num(np.asarray(shares, dtype=np.float64))
    total = s.sum()
    s = s / total if total > 0 else s
    leader = int(np.argmax(s))
    n = len(s)
    allied = np.zeros(n, dtype=bool)
    with_l = np.zeros(n, dtype=bool)
    for a, b in pairs:
        if a == b:
            continue
        if leader in (a, b):
            with_l[b if a == leader else a] = True
        else:
            allied[a] = allied[b] = True
    with_l[leader] = False
    against = allied & ~with_l
    against[leader] = False
    rest = ~with_l & ~against
    rest[leader] = False
    return Balance(leader, float(s[leader]), float(s[with_l].sum()), float(s[against].sum()),
                   float(s[rest].sum()))


def balancing_frame(
    actors: pd.DataFrame,
    alliances: pd.DataFrame,
    *,
    by: Sequence[str] = ("year",),
    actor: str = "actor",
    share: str = "share",
    ally_cols: tuple[str, str] = ("actor", "ally"),
) -> pd.DataFrame:
    """Vectorised :func:`balancing` for every group (e.g. world and year).

    ``actors`` has one row per actor and group with its ``share``;
    ``alliances`` one row per allied pair and group. Shares are renormalised
    within each group. Returns ``*by, leader, leader_share, with_leader,
    against_leader, unaligned``.

    >>> a = pd.DataFrame({"year": [1] * 4, "actor": [0, 1, 2, 3],
    ...                   "share": [0.4, 0.2, 0.25, 0.15]})
    >>> al = pd.DataFrame({"year": [1, 1], "actor": [0, 2], "ally": [1, 3]})
    >>> r = balancing_frame(a, al).iloc[0]
    >>> int(r.leader), round(float(r.with_leader), 2), round(float(r.against_leader), 2)
    (0, 0.2, 0.4)
    """
    keys = list(by)
    df = actors[[*keys, actor, share]].copy()
    df[share] = df[share].astype(np.float64).fillna(0.0)
    tot = df.groupby(keys, sort=False)[share].transform("sum")
    df["_s"] = np.where(tot > 0, df[share] / tot.where(tot > 0, 1.0), 0.0)
    idx = df.groupby(keys, sort=True)["_s"].idxmax()
    lead = df.loc[idx, [*keys, actor, "_s"]].rename(columns={actor: "leader",
                                                             "_s": "leader_share"})
    a_col, b_col = ally_cols
    al = alliances[[*keys, a_col, b_col]]
    both = pd.concat([
        al.rename(columns={a_col: "_x", b_col: "_y"}),
        al.rename(columns={b_col: "_x", a_col: "_y"}),
    ], ignore_index=True)
    both = both[both["_x"] != both["_y"]].merge(lead[[*keys, "leader"]], on=keys, how="inner")
    with_l = both.loc[both["_y"] == both["leader"], [*keys, "_x"]].drop_duplicates()
    with_l["_with"] = True
    other = both.loc[(both["_y"] != both["leader"]) & (both["_x"] != both["leader"]),
                     [*keys, "_x"]].drop_duplicates()
    other["_allied"] = True
    m = df.merge(lead[[*keys, "leader"]], on=keys, how="left")
    m = m.merge(with_l.rename(columns={"_x": actor}), on=[*keys, actor], how="left")
    m = m.merge(other.rename(columns={"_x": actor}), on=[*keys, actor], how="left")
    is_leader = m[actor] == m["leader"]
    w = m["_with"].astype("boolean").fillna(False).to_numpy(dtype=bool) & ~is_leader.to_numpy()
    ag = m["_allied"].astype("boolean").fillna(False).to_numpy(dtype=bool) & ~w
    ag &= ~is_leader.to_numpy()
    rest = ~w & ~ag & ~is_leader.to_numpy()
    m["with_leader"] = np.where(w, m["_s"], 0.0)
    m["against_leader"] = np.where(ag, m["_s"], 0.0)
    m["unaligned"] = np.where(rest, m["_s"], 0.0)
    agg = m.groupby(keys, sort=True)[["with_leader", "against_leader", "unaligned"]].sum()
    out = lead.merge(agg.reset_index(), on=keys, how="left")
    return out[[*keys, "leader", "leader_share", "with_leader", "against_leader",
                "unaligned"]].reset_index(drop=True)
