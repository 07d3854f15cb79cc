"""The state of a batch of worlds, and the static setting it lives in.

State is immutable: :func:`powerbalance.model.step.step` returns a new
:class:`WorldState`. Every array has a leading batch axis of B worlds; actor
arrays are (B, N), pairwise arrays (B, N, N) with ``[b, i, j]`` meaning "i's
relation to j", province arrays (B, P).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance.model.geography import ProvinceMap
from powerbalance.params import Params

F64 = npt.NDArray[np.float64]
F32 = npt.NDArray[np.float32]
#: dtype of the pairwise (B, N, N) arrays: single precision halves their memory traffic,
#: and their values (commitments, grudges, gradients, noisy estimates) need no more.
PAIR = np.float32
I64 = npt.NDArray[np.int64]
BoolA = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class WorldState:
    """Dynamic state of B worlds with N actors and P provinces."""

    year: int
    keys: npt.NDArray[np.uint64]
    """(B,) random keys of the worlds (see :mod:`powerbalance.rng`)."""
    alive: BoolA
    productivity: F64
    """(B, N) output per unit of extracted territorial base."""
    wealth: F64
    """(B, N) economic base (output per year)."""
    military: F64
    """(B, N) military stock."""
    spend: F64
    """(B, N) share of wealth spent on the military last year (guns versus butter)."""
    nuclear: npt.NDArray[np.int8]
    """(B, N) 0 none, 1 arsenal, 2 secure second strike."""
    resolve: F64
    """(B, N) in [0, 1]; 1 accepts its own destruction and cannot be deterred."""
    cohesion: F64
    """(B, N) domestic unity in [0, 1]."""
    strategy: npt.NDArray[np.int16]
    """(B, N) registry id of each actor's strategy."""
    capital: I64
    """(B, N) capital province (-1 once dead)."""
    owner: I64
    """(B, P) owning actor of each province (-1 unowned)."""
    hostility: F32
    """(B, N, N) i's remembered grievance against j (decays)."""
    alliance: F32
    """(B, N, N) i's commitment to j in [0, 1]."""
    adjacent: BoolA
    """(B, N, N) live i and j share a border (derived from ``owner``; kept up to date by
    the war phase, which recomputes it only for worlds whose borders changed)."""
    capital_distance: F64
    """(B, N, N) distance between capitals (derived from ``capital``, cached likewise)."""
    reach: F32
    """(B, N, N) share of i's military power that reaches j's capital (cached likewise)."""
    base: F64
    """(B, N) production each actor extracts from its provinces (cached likewise)."""
    abandonment: F32
    """(B, N, N) float32: i's memory of j abandoning allies (weight 1 when i was the one abandoned,
    ``Params.reputation_spread`` when i only saw it; balking counts ``balk_weight``; decays
    by ``Params.memory_decay``). See :mod:`powerbalance.model.reputation`."""
    exploitation: F32
    """(B, N, N) float32: i's memory of j exploiting it: striking late at an enemy i had fought
    (buck-passing) or aligning with i's top threat (bandwagoning); decays likewise."""
    fought: BoolA
    """(B, N, N) i fought j (as attacker, target or joining ally) last year."""
    captor: I64
    """(B, N) the penetrator that captured the actor's policy (-1 if none);
    see :mod:`powerbalance.model.subversion`."""
    capture_left: I64
    """(B, N) years the capture still lasts."""
    # Fields below default to their start values (filled in by ``__post_init__``), so a
    # state can be built without them.
    aim: npt.NDArray[np.int16] = None  # type: ignore[assignment]
    """(B, N, N) the threat each alliance i-j was formed against (-1: not recorded, e.g. an
    alliance in force at the start); see :mod:`powerbalance.model.diplomacy`."""
    calls: F64 = None  # type: ignore[assignment]
    """(B, N) decaying count of the times the actor was called to an ally's defence."""
    honoured: F64 = None  # type: ignore[assignment]
    """(B, N) decaying sum of the shares of its forces it sent when called (its record:
    reliability is honoured / calls, Leeds 2003)."""
    last_share: F64 = None  # type: ignore[assignment]
    """(B, N) capability share of the previous year (0 before the first)."""
    momentum: F64 = None  # type: ignore[assignment]
    """(B, N) smoothed yearly relative growth of the capability share (the trend of threat)."""
    war_target: I64 = None  # type: ignore[assignment]
    """(B, N) the target of the war the actor is waging (-1 none): wars last until one side
    concedes or collapses (:mod:`powerbalance.model.war`)."""
    war_start: I64 = None  # type: ignore[assignment]
    """(B, N) year the actor's current war began (-1 none)."""
    last_target: I64 = None  # type: ignore[assignment]
    """(B, N) the actor it fought as initiator in last year's campaign (-1 none), ongoing or
    ended: the victims a jackal preys on."""
    leader: I64 = None  # type: ignore[assignment]
    """(B,) the actor with the largest capability share last year (-1 before the first)."""
    growth: F64 = None  # type: ignore[assignment]
    """(B, N) each actor's own mean growth rate (``Params.growth_spread`` around
    ``Params.growth_rate``, drawn at the first step; NaN until then)."""
    frontier: F32 | None = None
    """(B, N, N) production of j's provinces bordering i's (the stake of a war), kept like
    ``adjacent``; None until the first step computes it."""
    land_adjacent: BoolA | None = None
    """(B, N, N) i and j share a *land* border; None on maps without sea links (then it
    equals ``adjacent``). Kept like ``adjacent``; the amphibious penalty reads it."""

    def __post_init__(self) -> None:
        b, n = self.alive.shape
        starts: dict[str, Any] = {
            "aim": lambda: np.full((b, n, n), -1, dtype=np.int16),
            "calls": lambda: np.zeros((b, n)), "honoured": lambda: np.zeros((b, n)),
            "last_share": lambda: np.zeros((b, n)), "momentum": lambda: np.zeros((b, n)),
            "war_target": lambda: np.full((b, n), -1, dtype=np.int64),
            "war_start": lambda: np.full((b, n), -1, dtype=np.int64),
            "last_target": lambda: np.full((b, n), -1, dtype=np.int64),
            "leader": lambda: np.full(b, -1, dtype=np.int64),
            "growth": lambda: np.full((b, n), np.nan),
        }
        for name, make in starts.items():
            if getattr(self, name) is None:
                object.__setattr__(self, name, make())

    @property
    def batch(self) -> int:
        """Number of worlds B."""
        return int(self.alive.shape[0])

    @property
    def n_actors(self) -> int:
        """Number of actor slots N."""
        return int(self.alive.shape[1])

    def replace(self, **changes: Any) -> WorldState:
        """A copy with some fields replaced (the state is immutable)."""
        return replace(self, **changes)

    def select(self, worlds: npt.ArrayLike) -> WorldState:
        """The sub-batch of the given world positions."""
        idx = np.asarray(worlds)
        fields = {k: (v[idx] if isinstance(v, np.ndarray) else v) for k, v in self.__dict__.items()}
        return WorldState(**fields)


@dataclass(frozen=True)
class Setting:
    """What does not change during a run: the map, distances, actor names and regions."""

    province_map: ProvinceMap
    distance: F64
    """(P, P) shortest-path distances (land steps, sea crossings cost extra)."""
    link_src: I64
    link_dst: I64
    names: tuple[str, ...]
    region: I64
    """(N,) region index of each actor."""
    region_names: tuple[str, ...]
    value_rank: I64
    """(P,) rank of each province by production (higher is better), for new capitals."""
    in_ptr: I64
    """(P+1,) CSR pointers: the links ending at province q are
    ``in_links[in_ptr[q]:in_ptr[q+1]]``."""
    in_links: I64
    """Link ids (positions in ``link_src``/``link_dst``) grouped by their end province."""
    link_land: BoolA | None = None
    """Which links are land links; None when the map has no sea links."""

    @classmethod
    def build(cls, province_map: ProvinceMap, names: tuple[str, ...], regions: list[str],
              params: Params) -> Setting:
        """Precompute distances and link arrays for ``params``."""
        region_names = tuple(dict.fromkeys(regions))
        src, dst = province_map.directed_links()
        order = np.lexsort((-np.arange(province_map.n), province_map.value))
        rank = np.empty(province_map.n, dtype=np.int64)
        rank[order] = np.arange(province_map.n)
        in_links = np.argsort(dst, kind="stable")
        in_ptr = np.searchsorted(dst[in_links], np.arange(province_map.n + 1))
        link_land = None
        if province_map.topology != "none" and len(province_map.sea):
            n_links = len(province_map.land) + len(province_map.sea)
            link_land = (np.arange(len(src)) % n_links) < len(province_map.land)
        return cls(
            province_map=province_map,
            distance=province_map.distances(params.sea_cost),
            link_src=src, link_dst=dst, names=names,
            region=np.array([region_names.index(r) for r in regions], dtype=np.int64),
            region_names=region_names, value_rank=rank, in_ptr=in_ptr, in_links=in_links,
            link_land=link_land,
        )

    @property
    def n_provinces(self) -> int:
        """Number of provinces P."""
        return self.province_map.n
