"""Tidy tables from recorded trajectories: actor x year, system x year, events, alliances.

One row per world x year x actor, per world x year, per event and per allied
pair and year, readable directly by pandas, polars and DuckDB. System metrics
are computed by :mod:`powerbalance.analysis` (one implementation for
simulated and real data).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from powerbalance.analysis import POLARITY_NAMES, PolarityRules
from powerbalance.analysis.distribution import power_measures
from powerbalance.experiments.runner import Trajectory
from powerbalance.model.events import EventKind, Events
from powerbalance.model.law import NORMS, VIOLATION_KINDS
from powerbalance.model.state import Setting
from powerbalance.params import Params
from powerbalance.scenarios.cow_scenario import SeaDistanceMap
from powerbalance.scenarios.model import Scenario
from powerbalance.strategies import registry

_LABELS = [k.label for k in EventKind]


def record_years(traj: Trajectory, years: int) -> np.ndarray:
    """The calendar (model) years of the recorded slots."""
    return np.arange(years + 1) if traj.record != "final" else np.array([0, years])


def actor_table(traj: Trajectory, scenario: Scenario, years: int) -> pd.DataFrame:
    """One row per world x year x actor, ordered by world, year and actor."""
    t, b, n = traj.share.shape
    yr = record_years(traj, years)
    regions = [a.region for a in scenario.actors]
    region_cats = list(dict.fromkeys(regions))
    region_codes = np.array([region_cats.index(r) for r in regions])
    # Each world's own strategies (mixed profiles are drawn per world; they do not change).
    strat_cats = registry.names_by_id()
    # Codes in the small integer types pandas keeps them in (no conversion copy).
    code = np.int8 if max(len(strat_cats), len(region_cats), n) < 128 else np.int32
    strat_codes = np.repeat(traj.final_state.strategy.astype(code), t, axis=0).reshape(-1)
    actor = np.tile(np.arange(n, dtype=np.int16), t * b)

    def flat(arr: np.ndarray) -> np.ndarray:  # (T, B, N) -> world-major rows
        return np.ascontiguousarray(np.swapaxes(arr, 0, 1)).reshape(-1)

    return pd.DataFrame({
        "world": np.repeat(traj.worlds.astype(np.int32), t * n),
        "year": np.tile(np.repeat(yr.astype(np.int32), n), b),
        "actor": actor,
        "name": pd.Categorical.from_codes(actor.astype(code), categories=scenario.names),
        "region": pd.Categorical.from_codes(region_codes.astype(code)[actor],
                                            categories=region_cats),
        "strategy": pd.Categorical.from_codes(strat_codes, categories=strat_cats),
        "alive": flat(traj.alive),
        "share": flat(traj.share),
        "wealth": flat(traj.wealth),
        "military": flat(traj.military),
        "territory": flat(traj.territory),
    })


def system_metrics(share: np.ndarray, alive: np.ndarray, hegemony_share: float,
                   region: np.ndarray | None = None, regional_hegemony_share: float = 0.5,
                   rules: PolarityRules | None = None) -> dict[str, np.ndarray]:
    """System metrics of share arrays (..., N): the columns of the system table.

    ``region`` gives each actor's region index (regional hegemons are counted
    per region with at least two actors); ``None`` means one region.
    """
    s = np.where(alive, share.astype(np.float64), 0.0)
    live = alive.sum(axis=-1)
    top = s.max(axis=-1)
    hegemon = (top >= hegemony_share) | (live == 1)
    regional = np.zeros(live.shape, dtype=np.int16)
    for r in np.unique(region) if region is not None else ():
        members = region == r
        if members.sum() < 2:
            continue
        rs = s[..., members]
        total = rs.sum(axis=-1)
        frac = np.divide(rs.max(axis=-1), total, out=np.zeros_like(total), where=total > 0)
        regional += (frac >= regional_hegemony_share) & ((alive[..., members]).sum(-1) >= 1)
    measures = power_measures(s, rules)
    return {
        "live_actors": live.astype(np.int16),
        "largest_share": top,
        "leader": s.argmax(axis=-1).astype(np.int16),
        "hhi": measures["hhi"],
        "effective_number": measures["effective_number"],
        "con": measures["con"],
        "polarity_code": measures["polarity_code"],
        "hegemon": hegemon,
        "regional_hegemons": regional,
    }


def system_frame(worlds: np.ndarray, years: np.ndarray, share: np.ndarray, alive: np.ndarray,
                 wars: np.ndarray, names: list[str] | tuple[str, ...], hegemony_share: float,
                 region: np.ndarray | None = None,
                 regional_hegemony_share: float = 0.5) -> pd.DataFrame:
    """One row per world x year from (T, B, N) shares and alive flags and (T, B) wars."""
    t, b, _ = share.shape
    m = system_metrics(np.swapaxes(share, 0, 1), np.swapaxes(alive, 0, 1), hegemony_share,
                       region, regional_hegemony_share)  # world-major
    code = m.pop("polarity_code").reshape(-1)
    # All columns first, then one frame without copying them (inserting columns one by
    # one costs a one-world run more than computing them).
    columns: dict[str, Any] = {
        "world": np.repeat(worlds, t).astype(np.int32),
        "year": np.tile(years, b).astype(np.int32),
    }
    for key, value in m.items():
        columns[key] = value.reshape(-1)
    columns["leader_name"] = pd.Categorical.from_codes(columns["leader"],
                                                       categories=list(names))
    columns["polarity"] = pd.Categorical.from_codes(code, categories=list(POLARITY_NAMES))
    columns["active_wars"] = np.swapaxes(wars, 0, 1).reshape(-1).astype(np.int32)
    return pd.DataFrame(columns, copy=False)


def system_table(traj: Trajectory, scenario: Scenario, setting: Setting, params: Params,
                 years: int) -> pd.DataFrame:
    """One row per world x year with the system metrics of docs/model.md (Outputs); with
    ``Params.law`` on, also each norm's strength (``norm_territory``, ``norm_treaty``) and
    the year's ``violations`` (aggressions and broken treaties) and ``sanctions`` (one per
    sanctioner and violation) in each world."""
    recorded = record_years(traj, years)
    frame = system_frame(traj.worlds, recorded, traj.share, traj.alive,
                         traj.wars, scenario.names, params.hegemony_share, setting.region,
                         params.regional_hegemony_share)
    if traj.norms is not None:
        for k, norm in enumerate(NORMS):
            frame[f"norm_{norm}"] = np.swapaxes(traj.norms[:, :, k], 0, 1).reshape(-1)
        kinds = {"violations": [int(k) for k in VIOLATION_KINDS],
                 "sanctions": [int(EventKind.SANCTION)]}
        for column, codes in kinds.items():
            frame[column] = _yearly_count(traj, recorded, np.isin(traj.events.kind, codes))
    return frame


def _yearly_count(traj: Trajectory, recorded: np.ndarray, selected: np.ndarray) -> np.ndarray:
    """(B x T,) the selected events per world and recorded year, world-major like the system
    frame (events of unrecorded years are left out)."""
    t, b = len(recorded), len(traj.worlds)
    year = traj.event_year[selected]
    slot = np.searchsorted(recorded, year)
    ok = (slot < t) & (recorded[np.minimum(slot, t - 1)] == year)
    cell = traj.events.world[selected][ok].astype(np.int64) * t + slot[ok]
    return np.bincount(cell, minlength=b * t).astype(np.int32)


def hegemony_events(traj: Trajectory, params: Params) -> tuple[Events, np.ndarray]:
    """Events for each crossing of the hegemony threshold (reached and lost)."""
    if traj.record == "final":
        return Events.concat([]), np.zeros(0, np.int32)
    over = (traj.share >= params.hegemony_share) & traj.alive
    parts, years = [], []
    for kind, mask in ((EventKind.HEGEMONY_REACHED, over[1:] & ~over[:-1]),
                       (EventKind.HEGEMONY_LOST, ~over[1:] & over[:-1])):
        yr, wb, i = np.nonzero(mask)
        parts.append(Events.make(kind, wb, i, -1, traj.share[yr + 1, wb, i]))
        years.append(yr + 1)
    return Events.concat(parts), np.concatenate(years).astype(np.int32)


def events_frame(world: npt.ArrayLike, year: npt.ArrayLike, kind: npt.ArrayLike,
                 actor: npt.ArrayLike, other: npt.ArrayLike, value: npt.ArrayLike,
                 names: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Events in table layout (``kind`` as :class:`EventKind` codes), sorted by world,
    year, kind, actor and other."""
    kinds = np.asarray(kind, dtype=np.int64)
    a = np.asarray(actor, dtype=np.int64)
    o = np.asarray(other, dtype=np.int64)
    w = np.asarray(world, dtype=np.int32)
    y = np.asarray(year, dtype=np.int32)
    # One stable lexicographic sort of the columns (the last key is the primary one), then
    # the frame is built in that order: pandas' multi-column sort_values costs several
    # times more for the same permutation.
    order = np.lexsort((o, a, kinds, y, w))
    kinds, a, o = kinds[order], a[order], o[order]
    cats = ["-", *names]
    return pd.DataFrame({
        "world": w[order],
        "year": y[order],
        "kind": pd.Categorical.from_codes(kinds - 1, categories=_LABELS),
        "actor": a.astype(np.int16),
        "other": o.astype(np.int16),
        "actor_name": pd.Categorical.from_codes(a + 1, categories=cats),
        "other_name": pd.Categorical.from_codes(o + 1, categories=cats),
        "value": np.asarray(value, dtype=np.float64)[order],
    })


def event_table(traj: Trajectory, scenario: Scenario, params: Params) -> pd.DataFrame:
    """One row per event of a run (including hegemony crossings)."""
    heg, heg_years = hegemony_events(traj, params)
    ev = Events.concat([traj.events, heg])
    year = np.concatenate([traj.event_year, heg_years])
    return events_frame(traj.worlds[ev.world], year, ev.kind, ev.actor, ev.other, ev.value,
                        scenario.names)


def alliance_table(traj: Trajectory) -> pd.DataFrame:
    """One row per allied pair (actor < ally) per world and year, ordered by world and year."""
    n = traj.share.shape[2]
    cells = n * n
    pos = (np.concatenate([p for _, p in traj.alliances])
           if traj.alliances else np.zeros(0, np.int64))
    if pos.dtype != np.int32 and len(traj.worlds) * cells < 2**31:
        pos = pos.astype(np.int32)  # the same values; 32-bit division is the faster
    year = np.repeat(np.array([y for y, _ in traj.alliances], dtype=np.int32),
                     [len(p) for _, p in traj.alliances])
    batch = pos // cells
    # Each year's positions are ascending, so in (world, actor, ally) order: a stable sort on
    # the world alone orders them by world, year, actor and ally (a radix sort when the
    # batch has fewer than 32,768 worlds).
    small = np.int16 if len(traj.worlds) < 2**15 else np.int64
    order = np.argsort(batch.astype(small), kind="stable")
    batch = batch[order]
    pair = pos[order] - batch * cells
    actor = pair // n
    return pd.DataFrame({
        "world": traj.worlds[batch].astype(np.int32),
        "year": year[order],
        "actor": actor.astype(np.int16),
        "ally": (pair - actor * n).astype(np.int16),
    })


#: Columns of the wars table, in order.
WAR_COLUMNS = ("world", "war", "start", "end", "initiator", "target", "outcome", "campaigns",
               "initiator_side", "target_side", "initiator_losses", "target_losses",
               "provinces_to_initiator_side", "provinces_to_target_side")


def empty_war_table() -> pd.DataFrame:
    """A wars table without rows (the columns and dtypes of :func:`war_table`)."""
    return pd.DataFrame({col: pd.Series(dtype=dt) for col, dt in (
        ("world", "int32"), ("war", "int32"), ("start", "int32"), ("end", "Int32"),
        ("initiator", "int16"), ("target", "int16"), ("outcome", "object"),
        ("campaigns", "int32"), ("initiator_side", "object"), ("target_side", "object"),
        ("initiator_losses", "float64"), ("target_losses", "float64"),
        ("provinces_to_initiator_side", "int64"), ("provinces_to_target_side", "int64"))})


def _runs(*cols: np.ndarray) -> np.ndarray:
    """True where a row of lexicographically sorted columns starts a new run of equal rows."""
    new = np.ones(len(cols[0]), dtype=bool)
    if len(new) > 1:
        new[1:] = False
        for col in cols:
            new[1:] |= col[1:] != col[:-1]
    return new


def _codes(*cols: np.ndarray) -> np.ndarray:
    """Dense ids (0, 1, ...) of equal rows of the columns, in lexicographic order."""
    order = np.lexsort(cols[::-1])
    ids = np.empty(len(order), dtype=np.int64)
    ids[order] = np.cumsum(_runs(*(c[order] for c in cols))) - 1
    return ids


def _pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index pairs (i, j) with ``left[i] == right[j]`` (an inner many-to-many join), ordered by
    i, then j."""
    order = np.argsort(right, kind="stable")
    keys = right[order]
    lo = np.searchsorted(keys, left, "left")
    count = np.searchsorted(keys, left, "right") - lo
    i = np.repeat(np.arange(len(left)), count)
    offset = np.arange(len(i)) - np.repeat(np.cumsum(count) - count, count)
    return i, order[np.repeat(lo, count) + offset]


def _compensated_sums(group: np.ndarray, values: np.ndarray, groups: int) -> np.ndarray:
    """Sum of the values of each group in row order with Kahan compensation, NaN skipped:
    bit for bit pandas' ``groupby(...).sum()`` (its ``group_sum``), vectorised over the
    groups one rank (the k-th row of every group) at a time."""
    keep = values == values
    group, values = group[keep], values[keep]
    sumx = np.zeros(groups)
    comp = np.zeros(groups)
    if not len(group):
        return sumx
    order = np.argsort(group, kind="stable")
    g, v = group[order], values[order]
    starts = np.flatnonzero(_runs(g))
    rank = np.arange(len(g)) - np.repeat(starts, np.diff(np.r_[starts, len(g)]))
    by_rank = np.argsort(rank, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(rank))]
    for a, b in zip(bounds[:-1], bounds[1:], strict=True):
        rows = by_rank[a:b]
        gg, y = g[rows], v[rows] - comp[g[rows]]
        t = sumx[gg] + y
        c = t - sumx[gg] - y
        c[c != c] = 0.0  # as pandas: an infinite sum leaves no compensation
        comp[gg], sumx[gg] = c, t
    return sumx


def war_table(traj: Trajectory) -> pd.DataFrame:
    """One row per war (a resisted demand), ordered by world and start.

    ``war`` numbers the wars of a world from 0 in order of start (then initiator);
    ``end`` is the year the war ended (null while it went on at the end of the run);
    ``outcome`` is ``initiator won``, ``target won``, ``no winner`` (mutual nuclear
    devastation), ``broken off`` (the principals lost contact) or ``ongoing``;
    ``initiator_side``/``target_side`` list the actors that fought on each side in some
    campaign (principals first); ``*_losses`` are the forces each side lost in battle
    (severity); ``provinces_to_*`` the provinces each side took from the other side's
    members during the war (concessions outside wars are ``concession`` events).

    Built with NumPy sorts and joins and one DataFrame at the end (a one-world run of the
    lab builds it once; pandas' groupby and merges cost it several times more); the same
    table as the pandas groupby/merge version kept in the tests, bit for bit.
    """
    from powerbalance.model.war import OUTCOMES

    c = traj.campaigns
    if not len(c.world):
        return empty_war_table()
    world = traj.worlds[c.world].astype(np.int64)
    year = np.asarray(traj.campaign_year, dtype=np.int64)
    ini = np.asarray(c.initiator, dtype=np.int64)
    tgt = np.asarray(c.target, dtype=np.int64)
    start = np.asarray(c.start, dtype=np.int64)
    actor = np.asarray(c.actor, dtype=np.int64)
    side = np.asarray(c.side, dtype=np.int64)
    # One war per (world, initiator, start), numbered in that order.
    order = np.lexsort((start, ini, world))
    new = _runs(world[order], ini[order], start[order])
    war = np.empty(len(order), dtype=np.int64)
    war[order] = np.cumsum(new) - 1
    first = order[new]  # each war's first campaign row (the sort is stable)
    wars = len(first)
    w_world, w_ini, w_start, w_target = world[first], ini[first], start[first], tgt[first]
    by_year = np.lexsort((year, war))
    distinct = _runs(war[by_year], year[by_year])
    campaigns = np.bincount(war[by_year][distinct], minlength=wars)
    lost = np.asarray(c.lost, dtype=np.float64)
    losses = [_compensated_sums(war[side == s], lost[side == s], wars) for s in (0, 1)]
    # Sides: each actor once (its first row), principals first, then allies by index.
    principal = actor == np.where(side == 0, ini, tgt)
    dedup = np.lexsort((actor, side, war))
    dedup = dedup[_runs(war[dedup], side[dedup], actor[dedup])]
    dedup = dedup[np.lexsort((actor[dedup], ~principal[dedup], side[dedup], war[dedup]))]
    side_lists = []
    for s in (0, 1):
        rows = dedup[side[dedup] == s]
        lists: list[list[int]] = [[] for _ in range(wars)]
        if len(rows):
            bounds = np.flatnonzero(_runs(war[rows]))
            values = actor[rows].tolist()
            for w, a, b in zip(war[rows[bounds]].tolist(), bounds.tolist(),
                               np.r_[bounds[1:], len(rows)].tolist(), strict=True):
                lists[w] = values[a:b]
        side_lists.append(lists)
    # Provinces taken in the war's campaigns from a member of the other side: each
    # (campaign row, conquest by its actor that year, campaign row of the loser in the same
    # war that year on the other side).
    ev = traj.events
    sel = ev.kind == EventKind.CONQUEST
    e_world = traj.worlds[ev.world[sel]].astype(np.int64)
    e_year = np.asarray(traj.event_year[sel], dtype=np.int64)
    e_actor = np.asarray(ev.actor[sel], dtype=np.int64)
    e_loser = np.asarray(ev.other[sel], dtype=np.int64)
    e_prov = ev.value[sel].astype(np.int64)
    n = len(world)
    code = _codes(np.r_[world, e_world], np.r_[year, e_year], np.r_[actor, e_actor])
    row, conq = _pairs(code[:n], code[n:])
    code = _codes(*(np.r_[a, b] for a, b in ((world[row], world), (year[row], year),
                                              (ini[row], ini), (start[row], start),
                                              (e_loser[conq], actor))))
    pair, enemy = _pairs(code[:len(row)], code[len(row):])
    row, conq = row[pair], conq[pair]
    other = side[row] != side[enemy]
    gained = []
    for s in (0, 1):
        take = other & (side[row] == s)
        total = np.zeros(wars, dtype=np.int64)
        np.add.at(total, war[row[take]], e_prov[conq[take]])
        gained.append(total)
    # End and outcome from war_ended events: the first end (then the first event) of that
    # initiator at or after the war's start; a war ends once, so an end at or after the
    # initiator's next war's start belongs to that later war.
    sel = ev.kind == EventKind.WAR_ENDED
    d_world = traj.worlds[ev.world[sel]].astype(np.int64)
    d_end = np.asarray(traj.event_year[sel], dtype=np.int64)
    d_ini = np.asarray(ev.actor[sel], dtype=np.int64)
    d_code = ev.value[sel].astype(np.int64)
    pair_code = _codes(np.r_[w_world, d_world], np.r_[w_ini, d_ini])
    w_pair, d_pair = pair_code[:wars], pair_code[wars:]
    base = min(int(w_start.min()), int(d_end.min()) if len(d_end) else 0)
    span = max(int(w_start.max()), int(d_end.max()) if len(d_end) else 0) - base + 1
    d_key = d_pair * span + (d_end - base)
    d_order = np.argsort(d_key, kind="stable")
    at = np.searchsorted(d_key[d_order], w_pair * span + (w_start - base), "left")
    hit = d_order[np.minimum(at, max(len(d_order) - 1, 0))] if len(d_order) else at
    matched = (at < len(d_order)) & (d_pair[hit] == w_pair if len(d_order) else False)
    end = np.where(matched, d_end[hit] if len(d_order) else 0, 0)
    nxt_same = np.r_[w_pair[1:] == w_pair[:-1], False]
    nxt = np.r_[w_start[1:], 0]
    matched &= ~(nxt_same & (end >= nxt))
    codes = np.where(matched, d_code[hit] if len(d_order) else 0, 0).tolist()
    outcome = [OUTCOMES.get(x, "ongoing") if ok else "ongoing"
               for x, ok in zip(codes, matched.tolist(), strict=True)]
    # Rows by world, start and initiator; wars numbered within each world.
    final = np.lexsort((w_ini, w_start, w_world))
    fw = w_world[final]
    run_start = np.flatnonzero(_runs(fw))
    number = np.arange(wars) - np.repeat(run_start, np.diff(np.r_[run_start, wars]))
    end_values = end[final].astype(np.int32)
    columns = {
        "world": fw.astype(np.int32), "war": number.astype(np.int32),
        "start": w_start[final].astype(np.int32),
        "end": pd.arrays.IntegerArray(np.where(matched[final], end_values, 0).astype(np.int32),
                                      ~matched[final]),
        "initiator": w_ini[final].astype(np.int16),
        "target": w_target[final].astype(np.int16),
        "outcome": [outcome[k] for k in final.tolist()],
        "campaigns": campaigns[final].astype(np.int32),
        "initiator_side": [side_lists[0][k] for k in final.tolist()],
        "target_side": [side_lists[1][k] for k in final.tolist()],
        "initiator_losses": losses[0][final], "target_losses": losses[1][final],
        "provinces_to_initiator_side": gained[0][final],
        "provinces_to_target_side": gained[1][final],
    }
    return pd.DataFrame(columns)[list(WAR_COLUMNS)]


def province_table(traj: Trajectory, years: int) -> pd.DataFrame:
    """Owner of every province per recorded year, for the map worlds only."""
    t, m, p = traj.owners.shape
    return pd.DataFrame({
        "world": np.repeat(traj.map_worlds, t * p).astype(np.int32),
        "year": np.tile(np.repeat(record_years(traj, years), p), m).astype(np.int32),
        "province": np.tile(np.arange(p), t * m).astype(np.int32),
        "owner": np.swapaxes(traj.owners, 0, 1).reshape(-1).astype(np.int16),
    })


def geography_tables(scenario: Scenario, params: Params) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Static map tables: provinces (id, x, y, value, lon, lat) and links (a, b, kind, cost)."""
    pm = scenario.province_map
    provinces = pd.DataFrame({
        "province": np.arange(pm.n, dtype=np.int32),
        "id": list(pm.names),
        "x": pm.coords[:, 0],
        "y": pm.coords[:, 1],
        "value": pm.value,
    })
    lonlat = pm.lonlat if pm.lonlat is not None else np.full((pm.n, 2), np.nan)
    provinces["lon"], provinces["lat"] = lonlat[:, 0], lonlat[:, 1]  # NaN: no real geography
    if pm.topology == "none":
        a, b = np.triu_indices(pm.n, 1)
        links = pd.DataFrame({"a": a, "b": b, "kind": "none", "cost": 0.0})
    else:
        links = pd.concat([
            pd.DataFrame({"a": pm.land[:, 0], "b": pm.land[:, 1], "kind": "land",
                          "cost": pm.land_cost}),
            pd.DataFrame({"a": pm.sea[:, 0], "b": pm.sea[:, 1], "kind": "sea",
                          "cost": pm.sea_link_costs(params.sea_cost)
                          if isinstance(pm, SeaDistanceMap) else 1.0 + params.sea_cost}),
        ], ignore_index=True)
    capitals = {a.capital: a.name for a in scenario.actors}
    provinces["initial_capital_of"] = [capitals.get(q, "") for q in range(pm.n)]
    return provinces, links
