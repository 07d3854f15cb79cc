"""The state of a batch of worlds, and the static setting it lives in.

State is immutable: :func:`powerbalance.model.step.step` returns a new
:class:`WorldState`. Every array has a leading batch axis of B worlds; actor
arrays are (B, N), pairwise arrays (B, N, N) with ``[b, i, j]`` meaning "i's
relation to j", province arrays (B, P).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from powerbalance.errors import InputError
from powerbalance.model.engines import check_engine, default_engine
from powerbalance.model.geography import ProvinceMap
from powerbalance.params import Params

if TYPE_CHECKING:
    from powerbalance.model.policy import Policy

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
    scale: I64
    """(B,) log2 of the unit in which ``productivity``, ``wealth`` and ``military`` of each
    world are held: the true value is ``stored * 2**scale`` (0 until a world grows past
    :data:`powerbalance.model.economy.RESCALE_ABOVE`; see
    :func:`powerbalance.model.economy.renormalise`)."""
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
    deterred_target: I64 = None  # type: ignore[assignment]
    """(B, N) the target the actor stood down against last time it moved, deterred by
    nuclear retaliation (-1 none): a standing crisis, which draws its accident once
    (``Params.deterrence_crisis_memory``, :mod:`powerbalance.model.deterrence`)."""
    leader: I64 = None  # type: ignore[assignment]
    """(B,) the actor with the largest capability share last year (-1 before the first)."""
    growth: F64 = None  # type: ignore[assignment]
    """(B, N) each actor's own mean growth rate (``Params.growth_spread`` around
    ``Params.growth_rate``, drawn at the first step, NaN until then, and moved each year
    by ``Params.growth_persistence``)."""
    join_offence: F64 = None  # type: ignore[assignment]
    """(B, N) the share of its forces each actor declared it sends when an ally attacks
    (last year's ``Actions.join_offence``): the offensive obligation in force this year,
    which others read when they value its help to an attack and which the year's campaigns
    honour (a declaration takes effect the next year, as a treaty does once signed:
    :mod:`powerbalance.model.step`). 0 at the start."""
    pact_offence: F32 = None  # type: ignore[assignment]
    """(B, N, N) the offensive obligation a pact in force carries by treaty: the share of
    its forces i owes when its ally j attacks, whatever i declares (the larger of the two
    counts). Set from a scenario's alliance entries (``offence``; ATOP's OFFENSE variable,
    Leeds et al. 2002), 0 for a pact without one and for a pact formed in play (its
    obligation is the members' declared ``join_offence``); cleared when the pact ends."""
    war_loss: F64 = None  # type: ignore[assignment]
    """(B, N) the logarithm (>= 0) of the factor by which war damage has left the actor's
    productivity below the path it would have followed without it; the phoenix factor
    shrinks it each year (``Params.phoenix_rate``, :mod:`powerbalance.model.war`). 0 at the
    start."""
    frontier: F32 | None = None
    """(B, N, N) production of j's provinces bordering i's (the stake of a war), kept like
    ``adjacent``; None until the first step computes it."""
    land_adjacent: BoolA | None = None
    """(B, N, N) i and j share a *land* border; None on maps without sea links (then it
    equals ``adjacent``). Kept like ``adjacent``; the amphibious penalty reads it."""
    norms: F64 | None = None
    """(B, 2) strength in [0, 1] of each norm of the law of nations (0 territorial
    integrity, 1 pacta sunt servanda); None while ``Params.law`` is off or before the first
    step (:mod:`powerbalance.model.law`)."""
    compliance: F64 | None = None
    """(B, N) each actor's disposition to comply with the law in [0, 1] (NaN: drawn at the
    first step from the ``LAW`` stream); None when no scenario fixes one and law is off."""
    sanction_loss: F64 | None = None
    """(B, N) the logarithm (>= 0) of the factor by which the sanctions in force (imposed or
    borne as a sanctioner) hold the actor's productivity down; lifted when they expire
    (``Params.sanction_years``, :mod:`powerbalance.model.law`). None while law is off."""
    sanction_left: I64 | None = None
    """(B, N) years until the actor's sanctions in force are lifted (0: none in force)."""
    concert: BoolA | None = None
    """(B, N) the members of the great powers' concert (joint management of the
    settlement, :mod:`powerbalance.model.law`); None when the scenario names none."""
    outlaw: BoolA | None = None
    """(B, N) the non-members whose breach of the settlement the concert answers by
    intervention next year (:func:`powerbalance.model.law.intervene`); None until one."""
    interveners: BoolA | None = None
    """(B, N) the concert members that take up arms for it (``Params.concert_interveners``:
    every member, or the Troppau signatories); None: every member."""
    mandate: I64 | None = None
    """(B, N) the outlaw each member is executing the concert's mandate against (-1 none;
    :func:`powerbalance.model.law.intervene`); None until one."""
    held: I64 | None = None
    """(B, P) each province's owner at the start of the year (read by the concert's
    restoration, :func:`powerbalance.model.law.settle`); None without armed intervention."""
    seized: I64 | None = None
    """(B, P) the owner a province was taken from by force by an outlaw of the concert or by
    a member executing its mandate (-1: none; :func:`powerbalance.model.law.settle`)."""

    def __post_init__(self) -> None:
        b, n = self.alive.shape
        starts: dict[str, Any] = {
            "aim": lambda: np.full((b, n, n), -1, dtype=np.int16),
            "calls": lambda: np.zeros((b, n)), "honoured": lambda: np.zeros((b, n)),
            "last_share": lambda: np.zeros((b, n)), "momentum": lambda: np.zeros((b, n)),
            "war_target": lambda: np.full((b, n), -1, dtype=np.int64),
            "war_start": lambda: np.full((b, n), -1, dtype=np.int64),
            "last_target": lambda: np.full((b, n), -1, dtype=np.int64),
            "deterred_target": lambda: np.full((b, n), -1, dtype=np.int64),
            "leader": lambda: np.full(b, -1, dtype=np.int64),
            "growth": lambda: np.full((b, n), np.nan),
            "war_loss": lambda: np.zeros((b, n)), "join_offence": lambda: np.zeros((b, n)),
            "pact_offence": lambda: np.zeros((b, n, n), dtype=np.float32),
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
        """A copy with some fields replaced (the state is immutable).

        Equivalent to :func:`dataclasses.replace` (unknown names are a ``TypeError``;
        a start field passed as None gets its start value) but a plain dictionary copy:
        a year replaces the state some dozen times, and ``dataclasses.replace`` (which
        re-runs ``__init__`` over every field) cost a tenth of a small world's year.
        """
        if not _STATE_FIELDS.issuperset(changes):
            return replace(self, **changes)  # raises dataclasses' own TypeError
        out = object.__new__(WorldState)
        object.__setattr__(out, "__dict__", {**self.__dict__, **changes})
        for value in changes.values():
            if value is None:
                out.__post_init__()
                break
        return out

    def select(self, worlds: npt.ArrayLike) -> WorldState:
        """The sub-batch of the given world positions."""
        idx = np.asarray(worlds)
        fields = {k: (v[idx] if isinstance(v, np.ndarray) else v) for k, v in self.__dict__.items()}
        return WorldState(**fields)


#: Arrays of at most this many elements are tested by :func:`any_set` with ``ndarray.any``.
SMALL_ANY = 4096


def any_set(a: npt.NDArray[np.floating]) -> bool:
    """:func:`powerbalance.model.fastops.any_nonzero` (NaN counts as non-zero, -0.0 does not),
    by ``ndarray.any`` on a small array (one call instead of two reductions: a small
    world's pairwise memories and grudges are tested every year).

    >>> any_set(np.zeros(3)), any_set(np.array([0.0, np.nan])), any_set(np.array([-0.0]))
    (False, True, False)
    """
    if a.size <= SMALL_ANY:
        return bool(a.any())
    from powerbalance.model.fastops import any_nonzero

    # A large array is tested a block at a time, the first block first, so a set array
    # (a 1,000-actor world's alliances, memories and grudges: a set entry in most rows)
    # stops at its first block instead of two passes over the whole (B, N, N) array; an
    # unset one costs the same two passes, block by block. Whether any element is set is
    # whether any block has one, so the answer is the same.
    flat = a.reshape(-1)
    for start in range(0, flat.size, ANY_BLOCK):
        if any_nonzero(flat[start:start + ANY_BLOCK]):
            return True
    return False


#: Elements per block of :func:`any_set` on a large array (256 KiB of float32).
ANY_BLOCK = 1 << 16


def none_chosen(choice: I64) -> bool:
    """Whether an (B, N) array of chosen actors (-1: none) names nobody: a phase with no
    choice made skips its masks (one reduction instead of several array passes).

    >>> none_chosen(np.array([[-1, -1]])), none_chosen(np.array([[-1, 0]]))
    (True, False)
    """
    return bool(np.maximum.reduce(choice, axis=None, initial=-1) < 0)


#: Names of the fields of :class:`WorldState` (for :meth:`WorldState.replace`).
_STATE_FIELDS = frozenset(f.name for f in fields(WorldState))


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
    mobility: F64 | None = None
    """(N,) each actor's mobility: the distance its military power is projected over counts
    ``1 / mobility`` in the loss-of-strength gradient (``WorldState.reach`` is then
    asymmetric: ``reach[b, i, j]`` is the share of i's power arriving at j). None when every
    actor has mobility 1 (the gradient is symmetric)."""
    mobilisation: F64 | None = None
    """(N,) each actor's mobilisation: the military a unit of its base spending (up to
    ``Params.base_spend``; effort above it converts at 1) buys, relative to the engine's 1 (a
    steppe people under arms: see :func:`powerbalance.model.economy.mobilised`). None when
    every actor has mobilisation 1."""
    engine: str = field(default_factory=default_engine)
    """The engine that runs the phases: ``"compiled"`` (numba kernels, bit-identical; the
    default, or ``$POWERBALANCE_ENGINE``: :func:`powerbalance.model.engines.default_engine`)
    or ``"numpy"`` (the reference, the specification of the model; see
    :mod:`powerbalance.model.compiled`). Results do not depend on it, only speed does."""
    policy: Policy | None = None
    """The strategies the actors' ids stand for (:data:`powerbalance.model.policy.Policy`),
    passed in from above: the core imports no strategy (a scenario's setting carries the
    strategy registry's)."""

    @classmethod
    def build(cls, province_map: ProvinceMap, names: tuple[str, ...], regions: list[str],
              params: Params, policy: Policy | None = None,
              mobility: list[float] | None = None,
              mobilisation: list[float] | None = None,
              engine: str | None = None) -> Setting:
        """Precompute distances and link arrays for ``params``; ``policy`` decides for the
        actors (:func:`powerbalance.model.policy.decide`); ``mobility`` and ``mobilisation``
        per actor, default 1; ``engine`` (checked) runs the phases, None: the default
        engine (``$POWERBALANCE_ENGINE`` is then read)."""
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
            link_land=link_land, policy=policy,
            mobility=(np.asarray(mobility, dtype=np.float64)
                      if mobility is not None and any(m != 1.0 for m in mobility) else None),
            mobilisation=(np.asarray(mobilisation, dtype=np.float64) if mobilisation is not None
                          and any(m != 1.0 for m in mobilisation) else None),
            engine=default_engine() if engine is None else check_engine(engine),
        )

    def with_engine(self, engine: str) -> Setting:
        """This setting run by ``engine`` (checked: an :class:`InputError` for an unknown
        engine, or ``compiled`` without numba)."""
        if engine == self.engine:
            return self
        return replace(self, engine=check_engine(engine))

    @property
    def n_provinces(self) -> int:
        """Number of provinces P."""
        return self.province_map.n


# --------------------------------------------------------------------------- memory estimate
# Bytes per unit of the arrays a run holds, measured with tracemalloc (peak of a step and
# of the table building, see tests/model/test_memory_estimate.py) and rounded up: a (B, N, N)
# pair costs about 90 bytes at the peak of a year (the state's eight pairwise arrays, the
# next state's, and the temporaries of perception and war), a province about 70 bytes
# since the borders work on narrow integers and the production comes from a per-map table
# (260 before; the frontier stakes of crises and campaigns work province by province), a recorded
# actor-year 15 bytes in the trajectory and about 150 in the tidy tables (actor, system and
# event rows with pandas' copies).
PAIR_BYTES = 160
ACTOR_BYTES = 256
PROVINCE_BYTES = 160
RECORD_BYTES = 16
TABLE_ROW_BYTES = 200
#: The share of the available memory (``psutil.virtual_memory().available``) a run may plan
#: to use; the rest is left to the operating system, other programs and the estimate's error.
MEMORY_FRACTION = 0.5


def available_memory() -> int:
    """Bytes of memory available to a new allocation (psutil; ``os.sysconf`` as fallback)."""
    try:
        import psutil

        return int(psutil.virtual_memory().available)
    except (ImportError, OSError):  # pragma: no cover - psutil ships with dask.distributed
        return int(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))


def memory_budget() -> int:
    """Bytes a run may plan to allocate: :data:`MEMORY_FRACTION` of the available memory."""
    return int(MEMORY_FRACTION * available_memory())


def format_bytes(n: float) -> str:
    """``1536`` -> ``'1.5 KiB'``.

    >>> format_bytes(3 * 2**40), format_bytes(12)
    ('3.0 TiB', '12 B')
    """
    for unit, size in (("PiB", 2**50), ("TiB", 2**40), ("GiB", 2**30), ("MiB", 2**20),
                       ("KiB", 2**10)):
        if n >= size:
            return f"{n / size:.1f} {unit}"
    return f"{int(n)} B"


def setting_bytes(provinces: int) -> int:
    """Memory of the static setting: the (P, P) float64 distance matrix, twice (the
    shortest-path result and the scenario's own use of it)."""
    return 2 * 8 * provinces * provinces


def batch_bytes(batch: int, actors: int, provinces: int, slots: int = 1,
                map_worlds: int = 0) -> int:
    """Peak memory of simulating ``batch`` worlds at once, with ``slots`` recorded years
    (the trajectory) and the province owners of ``map_worlds`` worlds."""
    per_world = PAIR_BYTES * actors * actors + ACTOR_BYTES * actors + PROVINCE_BYTES * provinces
    recorded = RECORD_BYTES * slots * batch * actors + 2 * slots * map_worlds * provinces
    return batch * per_world + recorded


#: Rows of the actor table a streamed run builds and writes at a time (one Parquet row group,
#: pyarrow's default size; see :func:`powerbalance.experiments.results.run`).
STREAMED_TABLE_ROWS = 1 << 20


def run_bytes(worlds: int, years: int, actors: int, provinces: int, *, batch_size: int,
              record: str = "full", map_worlds: int = 1, streamed: bool = False) -> int:
    """Peak memory of a whole run: the setting, one batch, and the tables of every world
    (``streamed``: of one slice of :data:`STREAMED_TABLE_ROWS` actor rows, the run writing
    its tables as it goes)."""
    slots = years + 1 if record != "final" else 2
    batch = min(batch_size, worlds)
    rows = slots * worlds * actors
    if streamed:
        rows = min(rows, max(STREAMED_TABLE_ROWS, slots * actors))
    tables = TABLE_ROW_BYTES * rows
    return (setting_bytes(provinces) + batch_bytes(batch, actors, provinces, slots,
                                                   min(map_worlds, worlds)) + tables)


#: The largest batch :func:`auto_batch_size` picks: one batch of 10,000 worlds of 7 actors
#: simulated twice as fast as ten of 1,000 (issue 18's measurement); larger ones were not
#: measured, and a bigger batch only delays the first table.
MAX_AUTO_BATCH = 10_000


def auto_batch_size(worlds: int, years: int, actors: int, provinces: int, *,
                    record: str = "full", map_worlds: int = 1, streamed: bool = False,
                    budget: int | None = None) -> int:
    """The batch size a run takes when none is given: the largest (at most ``worlds`` and
    :data:`MAX_AUTO_BATCH`) whose whole run fits in the memory budget by
    :func:`run_bytes` (1 when none does: the memory check then refuses the run).

    Results do not depend on the batch size, so the choice changes only speed and memory.

    >>> auto_batch_size(10_000, 300, 7, 40, budget=2**34)
    10000
    >>> auto_batch_size(1000, 100, 100, 400, budget=2**31)
    67
    """
    limit = memory_budget() if budget is None else budget
    lo, hi = 1, max(1, min(worlds, MAX_AUTO_BATCH))
    while lo < hi:  # run_bytes grows with the batch: bisect for the largest that fits
        mid = (lo + hi + 1) // 2
        if run_bytes(worlds, years, actors, provinces, batch_size=mid, record=record,
                     map_worlds=map_worlds, streamed=streamed) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return lo


def check_memory(needed: int, what: str, *, source: str, field: str, hint: str = "",
                 budget: int | None = None) -> None:
    """Refuse (:class:`InputError`) what would need more than the memory budget.

    >>> check_memory(2**50, "a run", source="run", field="worlds", budget=2**30)
    Traceback (most recent call last):
    ...
    powerbalance.errors.InputError: run: worlds: a run needs about 1.0 PiB of memory \
(allowed: at most 1.0 GiB, 50% of the memory available now)
    """
    limit = memory_budget() if budget is None else budget
    if needed > limit:
        allowed = (f"at most {format_bytes(limit)}, {MEMORY_FRACTION:.0%} of the memory "
                   "available now"
                   + (f"; {hint}" if hint else ""))
        raise InputError(f"{what} needs about {format_bytes(needed)} of memory",
                         source=source, field=field, allowed=allowed)
