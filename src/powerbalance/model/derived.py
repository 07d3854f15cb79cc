"""Quantities derived from borders and capitals, cached in the state.

Who borders whom, how far capitals lie apart, how much power reaches between
them and how much production each actor extracts change only when provinces
change hands. The war phase recomputes them for those worlds alone (a
year's conquests touch few worlds of a large batch), which keeps the
per-year cost independent of the map size. With ``technology_growth`` set, the
gradients drift every year and are recomputed for all worlds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from powerbalance.model.geography import gradient
from powerbalance.model.state import F64, I64, PAIR, BoolA, Setting
from powerbalance.params import Params

#: Range a technology-shifted midpoint is held in: ``1.1 ** 100_000`` overflows and
#: ``0.9 ** 100_000`` underflows to 0 (a 0/0 at distance 0); beyond these bounds every
#: gradient is already 0 or 1 to double precision.
MIDPOINT_RANGE = (1e-300, 1e300)


def reach_midpoint(midpoint: float, params: Params, year: int) -> float:
    """A gradient midpoint shifted by technology: ``midpoint * (1 + g) ** year``, held
    within :data:`MIDPOINT_RANGE`.

    >>> p = Params().with_overrides({"technology_growth": 0.1})
    >>> reach_midpoint(10.0, p, 100_000) == MIDPOINT_RANGE[1]
    True
    """
    try:
        mid = float(midpoint * (1.0 + params.technology_growth) ** year)
    except OverflowError:
        mid = MIDPOINT_RANGE[1]
    return min(max(mid, MIDPOINT_RANGE[0]), MIDPOINT_RANGE[1])


def actor_distance(capital: I64, setting: Setting) -> F64:
    """(B, N, N) distance between capitals (0 on the diagonal, for the dead too)."""
    p = setting.n_provinces
    cap = np.where(capital >= 0, capital, 0)
    return setting.distance.reshape(-1)[cap[:, :, None] * p + cap[:, None, :]]


@dataclass(frozen=True)
class Borders:
    """Who borders whom, from the province owners (see :func:`borders`)."""

    adjacent: BoolA
    """(B, N, N) i and j share a land or sea border."""
    land_adjacent: BoolA | None
    """(B, N, N) i and j share a land border (when asked for)."""
    frontier: npt.NDArray[np.float32] | None
    """(B, N, N) production of j's provinces that border one of i's (when asked for)."""


def borders(owner: I64, n_actors: int, setting: Setting, land: bool = False,
            frontier: bool = False) -> Borders:
    """Adjacency of the owners of linked provinces, in one pass over the links; with
    ``land`` the land-only adjacency too (maps with sea links), with ``frontier`` the
    value of each neighbour's frontier provinces (what i could take from j in a war: the
    stake), each province counted once."""
    if setting.engine == "compiled":
        return borders_of(owner, np.arange(owner.shape[0]), n_actors, setting, land, frontier)
    b, p = owner.shape
    # The owners of the links' ends in the narrowest integer type (the same comparisons on
    # an eighth of the memory traffic): a conquest redraws most worlds' borders every year
    # on a crowded map.
    narrow = owner.astype(np.min_scalar_type(-max(n_actors, 1)))
    o_src = narrow[:, setting.link_src]
    o_dst = narrow[:, setting.link_dst]
    border = (o_src != o_dst) & (o_src >= 0) & (o_dst >= 0)
    # Flat (world, i, j) cell of every link; links that are no border go to a spare cell.
    size = b * n_actors * n_actors
    pair_cell = np.multiply(o_src, n_actors, dtype=np.int64)
    pair_cell += o_dst
    pair_cell += (np.arange(b, dtype=np.int64) * (n_actors * n_actors))[:, None]

    def flags(mask: BoolA) -> BoolA:
        adj = np.zeros(size + 1, dtype=bool)
        adj[np.where(mask, pair_cell, size)] = True
        return adj[:size].reshape(b, n_actors, n_actors)

    land_adj = None
    if land and setting.link_land is not None:
        land_adj = flags(border & setting.link_land[None, :])
    value = None
    if frontier:
        value = _frontier(owner, o_src, border, n_actors, setting)
    return Borders(flags(border), land_adj, value)


def borders_of(owner: I64, worlds: I64, n_actors: int, setting: Setting, land: bool = False,
               frontier: bool = False) -> Borders:
    """:func:`borders` of the worlds ``owner[worlds]``, by the compiled kernel (bit-identical;
    the compiled engine's path, which reads only the rows it needs)."""
    from powerbalance.model.compiled import kernels

    has_land = land and setting.link_land is not None
    link_land = setting.link_land if setting.link_land is not None else np.zeros(0, bool)
    adj, land_adj, value = kernels()["borders"](
        owner, np.asarray(worlds, dtype=np.int64), n_actors, setting.link_src,
        setting.link_dst, link_land, has_land, setting.in_links,
        np.asarray(setting.province_map.value, dtype=np.float64), frontier)
    return Borders(adj, land_adj if has_land else None, value if frontier else None)


#: Largest in-degree for which :func:`_frontier` compares the links into a province pairwise
#: (denser maps, such as those without geography, flag cells instead).
_PAIRWISE_DEGREE = 16


def _frontier(owner: I64, o_src: I64, border: BoolA, n_actors: int,
              setting: Setting) -> npt.NDArray[np.float32]:
    """(B, N, N) production of j's provinces bordering one of i's, each (world, claimant,
    province) counted once; the sums add provinces in increasing order either way."""
    b, p = owner.shape
    size = b * n_actors * n_actors
    degree = int(np.diff(setting.in_ptr).max(initial=0))
    if degree <= _PAIRWISE_DEGREE:
        # Links grouped by their end province (increasing): a claimant is counted at its
        # first link into the province. Links from one owner into one province are all
        # borders or none, so comparing owners suffices.
        order = setting.in_links
        dst = setting.link_dst[order]
        claimant = o_src[:, order]
        keep = border[:, order]
        for shift in range(1, degree):
            other = dst[shift:] != dst[:-shift]
            keep[:, shift:] &= (claimant[:, shift:] != claimant[:, :-shift]) | other
        flat = np.flatnonzero(keep)
        w, k = np.divmod(flat, len(order))
        q = dst[k]
        pair = w * n_actors
        pair += claimant.reshape(-1)[flat]
        pair *= n_actors
        pair += owner.reshape(-1)[w * p + q]
        return np.bincount(pair, weights=setting.province_map.value[q],
                           minlength=size).astype(PAIR).reshape(b, n_actors, n_actors)
    # Each (world, claimant, province) once: flag the cells, then read them back.
    cell = np.multiply(o_src, p, dtype=np.int64)
    cell += setting.link_dst[None, :]
    cell += (np.arange(b, dtype=np.int64) * (n_actors * p))[:, None]
    seen = np.zeros(b * n_actors * p + 1, dtype=bool)
    seen[np.where(border, cell, b * n_actors * p)] = True
    rest, q = np.divmod(np.flatnonzero(seen[:-1]), p)
    cw, x = np.divmod(rest, n_actors)
    pair = (cw * n_actors + x) * n_actors + owner[cw, q]
    return np.bincount(pair, weights=setting.province_map.value[q],
                       minlength=size).astype(PAIR).reshape(b, n_actors, n_actors)


def adjacency(owner: I64, n_actors: int, setting: Setting, land_only: bool = False) -> BoolA:
    """(B, N, N) whether i and j share a land or sea border (owners of linked provinces);
    with ``land_only``, a land border (maps with sea links only)."""
    if land_only and setting.link_land is not None:
        out = borders(owner, n_actors, setting, land=True).land_adjacent
        assert out is not None
        return out
    return borders(owner, n_actors, setting).adjacent


def frontier_value(owner: I64, n_actors: int, setting: Setting) -> npt.NDArray[np.float32]:
    """(B, N, N) production of j's provinces that border one of i's (see :func:`borders`)."""
    if len(owner) > 1 and (owner == owner[0]).all():
        # A batch at its start (every world on the scenario's map): one world's stakes, each
        # world's the same numbers.
        one = frontier_value(owner[:1], n_actors, setting)
        return np.broadcast_to(one, (len(owner), *one.shape[1:])).copy()
    out = borders(owner, n_actors, setting, frontier=True).frontier
    assert out is not None
    return out


def territory(owner: I64, n_actors: int) -> I64:
    """(B, N) number of provinces each actor owns."""
    b = owner.shape[0]
    bins = np.where(owner >= 0, np.arange(b)[:, None] * n_actors + owner, b * n_actors)
    return np.bincount(bins.ravel(), minlength=b * n_actors + 1)[:-1].reshape(b, n_actors)


def territorial_base(owner: I64, capital: I64, n_actors: int, setting: Setting,
                     params: Params, year: int) -> tuple[F64, I64]:
    """Extracted production and province count of every actor: two (B, N) arrays.

    Each province yields its production times the loss-of-strength gradient
    of its distance from its owner's capital (``extraction_midpoint``).
    """
    mid = reach_midpoint(params.extraction_midpoint, params, year)
    b, p = owner.shape
    table = _extraction_table(setting, params, mid, b)
    if setting.engine == "compiled":
        from powerbalance.model import compiled

        if table is not None:
            return compiled.kernels()["base_from_table"](  # type: ignore[no-any-return]
                np.ascontiguousarray(owner), np.ascontiguousarray(capital), n_actors, table)
        return compiled.territorial_base(owner, capital, n_actors, setting.distance,
                                         setting.province_map.value, params.gradient, mid,
                                         params.gradient_steepness)
    owned = owner >= 0
    safe_owner = np.where(owned, owner, 0)
    cap_of_owner = np.take_along_axis(capital, safe_owner, axis=1)
    cap_of_owner = np.where(cap_of_owner >= 0, cap_of_owner, 0)
    if table is not None:
        extracted = table.reshape(-1)[cap_of_owner * p + np.arange(p)]
    else:
        dist = setting.distance.reshape(-1)[cap_of_owner * p + np.arange(p)]
        extracted = setting.province_map.value * gradient(dist, params.gradient, mid,
                                                          params.gradient_steepness)
    bins = np.where(owned, np.arange(b)[:, None] * n_actors + owner, b * n_actors)
    base = np.bincount(bins.ravel(), weights=extracted.ravel(), minlength=b * n_actors + 1)
    count = np.bincount(bins.ravel(), minlength=b * n_actors + 1)
    return (np.asarray(base[:-1], dtype=np.float64).reshape(b, n_actors),
            np.asarray(count[:-1], dtype=np.int64).reshape(b, n_actors))


#: Largest map whose (P, P) table of extracted production :func:`territorial_base` keeps
#: (8 MiB at 1,024 provinces, a sixth of the distance matrices a setting holds anyway);
#: larger maps evaluate the gradient province by province.
TABLE_PROVINCES = 1024
#: The tables in use, newest last: (distance, value, kind, midpoint, steepness, table).
_TABLES: list[tuple[F64, F64, str, float, float, F64]] = []


def _extraction_table(setting: Setting, params: Params, midpoint: float,
                      batch: int) -> F64 | None:
    """(P, P) production province q yields to an owner whose capital is c, ``value[q] *
    gradient(distance[c, q])``, or None where the table does not pay (a large map, or a
    batch of fewer worlds than provinces whose midpoint drifts with technology).

    The gradient is elementwise, so the table holds the very numbers the province-by-
    province computation gives (the same bits); it depends only on the map and the
    midpoint, so it is built once a run instead of once a year and world.
    """
    p = setting.n_provinces
    if p > TABLE_PROVINCES or (params.technology_growth != 0.0 and batch < p):
        return None
    distance, value = setting.distance, setting.province_map.value
    kind, steep = params.gradient, params.gradient_steepness
    for entry in _TABLES:
        if (entry[0] is distance and entry[1] is value and entry[2] == kind
                and entry[3] == midpoint and entry[4] == steep):
            return entry[5]
    table = np.ascontiguousarray(value * gradient(distance, kind, midpoint, steep),
                                 dtype=np.float64)
    _TABLES.append((distance, value, kind, midpoint, steep, table))
    del _TABLES[:-8]  # a few settings at a time (a drifting midpoint makes one a year)
    return table


def reach(distance: F64, params: Params, year: int, engine: str = "numpy",
          mobility: F64 | None = None) -> npt.NDArray[np.float32]:
    """Share of military power arriving over a distance between capitals (single precision);
    ``engine`` as ``Setting.engine``. ``mobility`` (broadcast against ``distance``) divides
    the distance the projecting actor's power must cover (Boulding 1962: a mobile force's
    strength falls off more slowly); both engines divide in NumPy, so they stay identical."""
    if mobility is not None:
        distance = distance / mobility
    mid = reach_midpoint(params.reach_midpoint, params, year)
    if engine == "compiled":
        from powerbalance.model import compiled

        return compiled.gradient(distance, params.gradient, mid,
                                 params.gradient_steepness).astype(PAIR)
    return gradient(distance, params.gradient, mid, params.gradient_steepness).astype(PAIR)


def actor_reach(distance: F64, params: Params, year: int,
                setting: Setting) -> npt.NDArray[np.float32]:
    """(B, N, N) share of i's military power arriving at j, ``reach[b, i, j]``, from the
    distances between capitals (each actor's own :attr:`Setting.mobility`)."""
    mobility = None if setting.mobility is None else setting.mobility[:, None]
    return reach(distance, params, year, setting.engine, mobility)


def reach_rows(rows: F64, actor: I64, params: Params, year: int,
               setting: Setting) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32]]:
    """For distances ``rows`` (M, N) from each ``actor`` (M,) to every actor: (the share of
    the actor's power arriving at each, the share of each one's power arriving at the
    actor); one array twice when no actor has its own mobility."""
    if setting.mobility is None:
        out = reach(rows, params, year, setting.engine)
        return out, out
    return (reach(rows, params, year, setting.engine, setting.mobility[actor][:, None]),
            reach(rows, params, year, setting.engine, setting.mobility[None, :]))


@dataclass(frozen=True)
class Derived:
    """The cached arrays for a set of worlds."""

    adjacent: BoolA
    capital_distance: F64
    reach: npt.NDArray[np.float32]
    base: F64


def derive(owner: I64, capital: I64, alive: BoolA, setting: Setting, params: Params,
           year: int) -> Derived:
    """Compute the cached arrays from borders and capitals."""
    n = alive.shape[1]
    pair = alive[:, :, None] & alive[:, None, :]
    distance = actor_distance(capital, setting)
    base, _ = territorial_base(owner, capital, n, setting, params, year)
    return Derived(
        adjacent=adjacency(owner, n, setting) & pair,
        capital_distance=distance,
        reach=actor_reach(distance, params, year, setting),
        base=np.where(alive, base, 0.0),
    )
