"""Maps, distances and the loss-of-strength gradient.

A :class:`ProvinceMap` is a graph of provinces with land links (each with a
cost in land steps, so a mountain pass can cost more than one step) and sea
links between coastal provinces (each costs one step plus ``sea_cost``).
Distances are shortest paths over both (Dijkstra, via SciPy; on a square or hexagonal
grid of unit links, the same numbers in closed form, see :meth:`ProvinceMap.distance_rows`).

Topologies: an explicit graph (scenarios), a hexagonal grid, a square grid, a
random regular graph, and *none* (no geography: every province borders every
other at distance 0).

The loss-of-strength gradient (Boulding 1962, *Conflict and Defense*) turns a
distance into the share of power that arrives: logistic by default
(``1 / (1 + exp(k (d - d50)))``, rescaled so that it is 1 at d = 0) or
exponential (``exp(-d / d50)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components, shortest_path

from powerbalance import detmath

TOPOLOGIES = ("graph", "hex", "square", "random-regular", "none")


@dataclass(frozen=True)
class ProvinceMap:
    """A province graph.

    Attributes
    ----------
    names: province identifiers.
    value: production of each province (wealth units per year).
    land: int array (E, 2) of undirected land links.
    land_cost: cost in land steps of each land link (1 for an ordinary border).
    sea: int array (S, 2) of undirected sea links between coastal provinces.
    coords: (P, 2) positions for drawing.
    topology: one of :data:`TOPOLOGIES`.
    lonlat: (P, 2) longitude and latitude in degrees for drawing on real geography
        (NaN where unknown), or None for an abstract map.
    """

    names: tuple[str, ...]
    value: npt.NDArray[np.float64]
    land: npt.NDArray[np.int64]
    land_cost: npt.NDArray[np.float64]
    sea: npt.NDArray[np.int64]
    coords: npt.NDArray[np.float64]
    topology: str = "graph"
    regions: tuple[str, ...] = field(default=())
    lonlat: npt.NDArray[np.float64] | None = None

    @property
    def n(self) -> int:
        """Number of provinces."""
        return len(self.names)

    @cached_property
    def land_masses(self) -> npt.NDArray[np.int64]:
        """(P,) the land mass of every province: its connected component of the land links
        (sea links do not join land masses). Computed once per map (the map never changes
        during a run; read-only)."""
        graph = coo_matrix((np.ones(len(self.land)), (self.land[:, 0], self.land[:, 1])),
                           shape=(self.n, self.n))
        mass = np.asarray(connected_components(graph, directed=False)[1], dtype=np.int64)
        mass.setflags(write=False)
        return mass

    def distances(self, sea_cost: float) -> npt.NDArray[np.float64]:
        """All-pairs shortest-path distances (land steps; a sea link costs 1 + sea_cost).

        >>> m = square_grid(1, 3)
        >>> m.distances(5.0)[0].tolist()
        [0.0, 1.0, 2.0]
        """
        p = self.n
        if self.topology == "none":
            return np.zeros((p, p))
        if self.grid_shape is not None:
            return self.distance_rows(np.arange(p), sea_cost)
        rows = np.concatenate([self.land[:, 0], self.sea[:, 0]])
        cols = np.concatenate([self.land[:, 1], self.sea[:, 1]])
        w = np.concatenate([self.land_cost, np.full(len(self.sea), 1.0 + sea_cost)])
        # A zero weight would be read as "no edge" by csgraph: keep costs positive.
        w = np.maximum(w, 1e-9)
        graph = coo_matrix((w, (rows, cols)), shape=(p, p)).tocsr()
        d = shortest_path(graph, method="D", directed=False)
        return np.asarray(d)

    def distance_rows(self, sources: npt.ArrayLike, sea_cost: float) -> npt.NDArray[np.float64]:
        """(len(sources), P) rows of :meth:`distances` for the provinces ``sources``, the
        same numbers (bits) as those rows of the whole matrix.

        A square or hexagonal grid as :func:`square_grid` and :func:`hex_grid` build it
        (every link of cost 1, no sea: :attr:`grid_shape`) has its shortest paths in closed
        form (:func:`_grid_distance`), which costs P per row instead of a Dijkstra search;
        other maps run the search from ``sources`` only.

        >>> m = hex_grid(3, 4)
        >>> bool((m.distance_rows([5, 0], 5.0) == m.distances(5.0)[[5, 0]]).all())
        True
        """
        src = np.asarray(sources, dtype=np.int64).reshape(-1)
        p = self.n
        if self.topology == "none":
            return np.zeros((len(src), p))
        if self.grid_shape is not None:
            return _grid_distance(src, *self.grid_shape, self.topology == "hex")
        rows = np.concatenate([self.land[:, 0], self.sea[:, 0]])
        cols = np.concatenate([self.land[:, 1], self.sea[:, 1]])
        w = np.concatenate([self.land_cost, np.full(len(self.sea), 1.0 + sea_cost)])
        w = np.maximum(w, 1e-9)
        graph = coo_matrix((w, (rows, cols)), shape=(p, p)).tocsr()
        d = shortest_path(graph, method="D", directed=False, indices=src)
        return np.asarray(d).reshape(len(src), p)

    @cached_property
    def grid_shape(self) -> tuple[int, int] | None:
        """(rows, cols) of a map whose graph is exactly that of ``square_grid(rows, cols)``
        or ``hex_grid(rows, cols)`` (the same provinces and links, every link of cost 1, no
        sea link), else None. The shape is read from the last province's name and the
        links are compared with the builder's, so an edited map falls back to the search."""
        if self.topology not in ("hex", "square") or len(self.sea) or not self.n:
            return None
        match = re.fullmatch(r"[hs](\d+)_(\d+)", self.names[-1])
        if match is None:
            return None
        rows, cols = int(match.group(1)) + 1, int(match.group(2)) + 1
        if rows * cols != self.n or not np.all(self.land_cost == 1.0):
            return None
        ref = (hex_grid if self.topology == "hex" else square_grid)(rows, cols)
        if self.land.shape != ref.land.shape or not np.array_equal(self.land, ref.land):
            return None
        return rows, cols

    def directed_links(self) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Both directions of every land and sea link, as (src, dst) arrays."""
        if self.topology == "none":
            src, dst = np.nonzero(~np.eye(self.n, dtype=bool))
            return src.astype(np.int64), dst.astype(np.int64)
        links = np.concatenate([self.land, self.sea]) if len(self.sea) else self.land
        src = np.concatenate([links[:, 0], links[:, 1]])
        dst = np.concatenate([links[:, 1], links[:, 0]])
        return src.astype(np.int64), dst.astype(np.int64)


#: Rows of :func:`_grid_distance` computed at a time (bounds its temporaries).
_GRID_BLOCK = 256


def _grid_distance(sources: npt.NDArray[np.int64], rows: int, cols: int,
                   hexagonal: bool) -> npt.NDArray[np.float64]:
    """(S, rows * cols) shortest-path distances from ``sources`` on a full grid of unit
    links: on a square grid the Manhattan distance; on :func:`hex_grid`'s (odd rows shifted
    right by half a cell) ``k + max(0, (a - k) / 2)`` for k rows and a half-cells apart.

    These are the lattice distances, and the rectangle holds a shortest lattice path
    between any two of its cells: with ``x`` a cell's horizontal position in half-cells
    (``2 c + r % 2``), the cells are the lattice points of rows 0..rows-1 with
    0 <= x <= 2 cols - 1; walk first along the start row (if a > k) and then diagonally
    towards the end, or diagonally to the end's x and then zigzag there (if a <= k): x and
    the row stay between the ends' (or one half-cell beside them, still inside). A path of
    unit links sums to an integer, exactly, so these are the numbers (bits) a Dijkstra
    search gives on the same graph.

    >>> m = hex_grid(5, 6)
    >>> bool((_grid_distance(np.arange(30), 5, 6, True) == m.distances(5.0)).all())
    True
    """
    p = rows * cols
    r = np.arange(p, dtype=np.int32) // cols
    c = np.arange(p, dtype=np.int32) % cols
    x = 2 * c + (r % 2) if hexagonal else c
    out = np.empty((len(sources), p))
    for start in range(0, len(sources), _GRID_BLOCK):
        s = sources[start:start + _GRID_BLOCK]
        k = np.subtract(r[None, :], r[s][:, None])
        np.abs(k, out=k)
        a = np.subtract(x[None, :], x[s][:, None])
        np.abs(a, out=a)
        if hexagonal:
            a -= k
            np.maximum(a, 0, out=a)
            a >>= 1
        k += a
        out[start:start + len(s)] = k
    return out


def gradient(distance: npt.NDArray[np.float64], kind: str, midpoint: float,
             steepness: float = 1.0) -> npt.NDArray[np.float64]:
    """Loss-of-strength gradient: the share of power arriving over ``distance``.

    Equals 1 at distance 0 and falls towards 0; ``midpoint`` is where the
    logistic form is (about) halved, or the e-folding length of the exponential.

    >>> g = gradient(np.array([0.0, 6.0, 60.0]), "logistic", 6.0)
    >>> round(float(g[0]), 6), round(float(g[1]), 3), float(g[2]) < 1e-6
    (1.0, 0.501, True)
    >>> round(float(gradient(np.array([6.0]), "exponential", 6.0)[0]), 4)
    0.3679
    """
    if kind == "exponential":
        return detmath.exp(-distance / midpoint)
    norm = 1.0 + detmath.exp(np.asarray(-steepness * midpoint))
    return norm / (1.0 + detmath.exp(steepness * (distance - midpoint)))


def _grid_map(coords: npt.NDArray[np.float64], links: list[tuple[int, int]], names: list[str],
              topology: str) -> ProvinceMap:
    land = np.array(sorted(set(links)), dtype=np.int64).reshape(-1, 2)
    return ProvinceMap(
        names=tuple(names), value=np.ones(len(names)), land=land,
        land_cost=np.ones(len(land)), sea=np.zeros((0, 2), dtype=np.int64),
        coords=coords, topology=topology,
    )


def square_grid(rows: int, cols: int) -> ProvinceMap:
    """A rows x cols grid; each province borders its four orthogonal neighbours.

    >>> square_grid(2, 2).land.tolist()
    [[0, 1], [0, 2], [1, 3], [2, 3]]
    """
    links, names, coords = [], [], []
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            names.append(f"s{r}_{c}")
            coords.append((c, -r))
            if c + 1 < cols:
                links.append((i, i + 1))
            if r + 1 < rows:
                links.append((i, i + cols))
    return _grid_map(np.array(coords, dtype=float), links, names, "square")


def hex_grid(rows: int, cols: int) -> ProvinceMap:
    """A hexagonal grid (odd rows shifted right); interior provinces have six neighbours.

    >>> m = hex_grid(3, 3)
    >>> int(np.bincount(m.land.ravel(), minlength=m.n)[4])
    6
    """
    links, names, coords = [], [], []
    for r in range(rows):
        for c in range(cols):
            i = r * cols + c
            names.append(f"h{r}_{c}")
            coords.append((c + 0.5 * (r % 2), -r * np.sqrt(3) / 2))
            if c + 1 < cols:
                links.append((i, i + 1))
            if r + 1 < rows:
                below = [c, c + 1] if r % 2 else [c - 1, c]
                for cc in below:
                    if 0 <= cc < cols:
                        links.append((i, (r + 1) * cols + cc))
    return _grid_map(np.array(coords, dtype=float), links, names, "hex")


def random_regular(n: int, degree: int, seed: int) -> ProvinceMap:
    """A random ``degree``-regular graph on ``n`` provinces (pairing model with restarts).

    The graph is a pure function of ``seed`` (via ``numpy.random.SeedSequence``).

    >>> m = random_regular(10, 3, seed=1)
    >>> sorted(set(np.bincount(m.land.ravel(), minlength=10).tolist()))
    [3]
    """
    if n * degree % 2 or degree >= n:
        raise ValueError(f"no {degree}-regular graph on {n} nodes")
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    for _ in range(1000):
        edges = _try_pairing(n, degree, rng)
        if edges is not None:
            angle = 2 * np.pi * np.arange(n) / n
            coords = np.column_stack([np.cos(angle), np.sin(angle)])
            names = [f"r{i}" for i in range(n)]
            return _grid_map(coords, edges, names, "random-regular")
    raise RuntimeError("could not draw a random regular graph")  # pragma: no cover


def _try_pairing(n: int, degree: int, rng: np.random.Generator) -> list[tuple[int, int]] | None:
    stubs = np.repeat(np.arange(n), degree)
    edges: set[tuple[int, int]] = set()
    remaining = list(rng.permutation(stubs))
    while remaining:
        progress = False
        for _attempt in range(50):
            a, b = rng.choice(len(remaining), 2, replace=False)
            u, v = remaining[a], remaining[b]
            e = (min(u, v), max(u, v))
            if u != v and e not in edges:
                edges.add(e)
                for k in sorted((a, b), reverse=True):
                    remaining.pop(k)
                progress = True
                break
        if not progress:
            return None
    return sorted((int(a), int(b)) for a, b in edges)


def no_geography(n: int) -> ProvinceMap:
    """No geography: ``n`` provinces, all mutually adjacent at distance 0."""
    angle = 2 * np.pi * np.arange(n) / max(n, 1)
    return ProvinceMap(
        names=tuple(f"p{i}" for i in range(n)), value=np.ones(n),
        land=np.zeros((0, 2), dtype=np.int64), land_cost=np.zeros(0),
        sea=np.zeros((0, 2), dtype=np.int64),
        coords=np.column_stack([np.cos(angle), np.sin(angle)]), topology="none",
    )
