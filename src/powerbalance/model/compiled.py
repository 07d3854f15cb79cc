"""The compiled engine: numba kernels for the hottest array work of the phases.

``Setting.engine`` chooses the engine of a run: ``"compiled"`` (the default,
:data:`~powerbalance.model.engines.DEFAULT_ENGINE`), which replaces some whole-array NumPy
programs by loops compiled with numba (``nopython``, ``cache=True``: the machine code is
kept in a per-user folder named by a hash of the kernels' sources, see
:mod:`powerbalance.model.numba_cache`, so only the first run of given sources pays the
compilation, and an edit of any kernel module, helpers included, compiles afresh), or
``"numpy"``: the reference, and the specification of the model (the tests and the mutation
check run it; the kernels mirror it). The environment variable ``POWERBALANCE_ENGINE``
replaces the default (:func:`~powerbalance.model.engines.default_engine`; the choice of
the engine is in :mod:`powerbalance.model.engines`, which imports neither numba nor NumPy).
Results are **bit-identical** between the engines (tests/model/test_compiled.py compares
every recorded array of every bundled scenario):

- random numbers are still drawn by :mod:`powerbalance.rng` in NumPy and passed in;
- every floating-point expression keeps the reference's operations and their order
  (no ``fastmath``, so no reassociation and no fused multiply-add); sums add their terms
  in the order ``np.bincount`` does (increasing element index, from 0.0);
- the exponential is :func:`powerbalance.detmath.exp`'s own polynomial, term by term.

Kernels here: the economy of a year (:func:`economy_kernel`), the borders, land borders
and frontier stakes of a set of worlds (:func:`borders_kernel`), the provinces and
extracted production of each actor (:func:`territorial_base_kernel`) and the
loss-of-strength gradient (:func:`gradient`), the perception of a year (the estimation
errors, perceived capabilities and threats: :func:`observe`), the side estimates with their
memo (:func:`side`), the passed threats of alliances (:func:`passed`) and the single
uniforms of the conquest (:func:`uniform_at`, the same counter hash as
:func:`powerbalance.rng.uniform_at`). Each kernel's comment names the NumPy function it
mirrors; a change of a rule there is made in the kernel too (test_compiled.py fails
otherwise). numba is imported on the first use of the compiled engine only, so the NumPy
engine and ``import powerbalance`` never pay for it. The war phase's kernels, and those of
a few strategy helpers (the balancing partner, the allies' lists), are in
:mod:`powerbalance.model.compiled_war`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance import detmath, rng
from powerbalance.model.state import SMALL_ANY
from powerbalance.model.state import any_set as any_set_small


def kernels() -> dict[str, Any]:
    """The compiled kernels by name (numba imported, and the kernels compiled or loaded from
    numba's cache, on first use; the table is built once a process)."""
    if not _KERNELS:
        from powerbalance.model import compiled_kernels as k
        from powerbalance.model import compiled_war

        _KERNELS.update({
            "exp1": k.exp1,
            "gradient_flat": k.gradient_flat, "economy": k.economy_kernel,
            "borders": k.borders_kernel, "territorial_base": k.territorial_base_kernel,
            "side": k.side_kernel, "observation": k.observation_kernel,
            "uniform_at": k.uniform_at_kernel, "passed": k.passed_kernel,
            "offers": k.offers_kernel})
        from powerbalance.model.compiled_arena import KERNELS as arena_kernels
        _KERNELS.update(arena_kernels)
        from powerbalance.model import compiled_law
        _KERNELS.update(compiled_law.KERNELS)
        from powerbalance.model import compiled_perception
        _KERNELS.update(compiled_perception.KERNELS)
        _KERNELS.update(compiled_war.WAR_KERNELS)
    return _KERNELS


_KERNELS: dict[str, Any] = {}


def _norm(kind: str, midpoint: float, steepness: float) -> float:
    """The logistic gradient's normaliser ``1 + exp(-steepness * midpoint)``, computed as
    :func:`powerbalance.model.geography.gradient` does."""
    if kind == "exponential":
        return 1.0
    return float(1.0 + detmath.exp(np.asarray(-steepness * midpoint)))

def gradient(distance: npt.NDArray[np.float64], kind: str, midpoint: float,
             steepness: float = 1.0) -> npt.NDArray[np.float64]:
    """:func:`powerbalance.model.geography.gradient`, compiled (bit-identical)."""
    d = np.ascontiguousarray(distance, dtype=np.float64)
    out = np.empty(d.shape)
    kernels()["gradient_flat"](d.reshape(-1), kind == "exponential", float(midpoint),
                               float(steepness), _norm(kind, midpoint, steepness),
                               out.reshape(-1))
    return out

def territorial_base(owner: npt.NDArray[np.int64], capital: npt.NDArray[np.int64],
                     n_actors: int, distance: npt.NDArray[np.float64],
                     value: npt.NDArray[np.float64], kind: str, midpoint: float,
                     steepness: float) -> tuple[npt.NDArray[np.float64],
                                                npt.NDArray[np.int64]]:
    """:func:`powerbalance.model.derived.territorial_base`, compiled (bit-identical)."""
    return kernels()["territorial_base"](
        np.ascontiguousarray(owner), np.ascontiguousarray(capital), n_actors,
        np.ascontiguousarray(distance), np.ascontiguousarray(value, dtype=np.float64),
        kind == "exponential", float(midpoint), float(steepness),
        _norm(kind, midpoint, steepness))

def scalar_exp(x: float) -> float:
    """One value of :func:`powerbalance.detmath.exp`, compiled (for the tests)."""
    return float(kernels()["exp1"](float(x)))



def side(obs: Any, b: npt.NDArray[np.int64], j: npt.NDArray[np.int64],
         e: npt.NDArray[np.int64], offence: bool, ongoing: bool) -> npt.NDArray[np.float64]:
    """:meth:`powerbalance.model.perception.Observation._side` (memo included), compiled
    (bit-identical): the per-year arrays it reads are the Observation's own (gathered once
    per Observation and kind of estimate, :func:`_side_arrays`)."""
    arrays = obs.__dict__.setdefault("_side_arrays", {})
    kind = (offence, ongoing)
    fixed = arrays.get(kind)
    if fixed is None:
        fixed = arrays[kind] = _side_arrays(obs, offence, ongoing)
    return kernels()["side"](  # type: ignore[no-any-return]
        np.ascontiguousarray(b, dtype=np.int64), np.ascontiguousarray(j, dtype=np.int64),
        np.ascontiguousarray(e, dtype=np.int64), obs.state.n_actors, offence, *fixed)


def _side_arrays(obs: Any, offence: bool, ongoing: bool) -> tuple[Any, ...]:
    """The arguments of the side kernel after ``offence`` for one Observation and kind of
    estimate: the memo (filled in place) and the year's arrays, none of which changes
    within the Observation's year (its cached properties and its state's fields)."""
    state = obs.state
    allied = bool(obs.allied)
    amphibious = obs._amphibious
    forces = obs.forces_ongoing if ongoing else obs.forces
    ally_forces = obs._ally_forces_ongoing if ongoing else obs.ally_forces
    guard = None if offence else obs._concert_guard
    willing = obs._willing_against if allied or guard is not None else _EMPTY_F32
    ptr, cells, bond = obs._allies_of if allied else (_EMPTY_I64, _EMPTY_I64, _EMPTY_F64)
    return (obs._memo(offence, ongoing), forces.reshape(-1), ally_forces.reshape(-1),
            obs.reach.reshape(-1), _EMPTY_F32 if amphibious is None else amphibious.reshape(-1),
            amphibious is not None, allied, state.alliance.reshape(-1), ptr, cells, bond,
            willing.reshape(-1),
            np.ascontiguousarray(state.join_offence, dtype=np.float64).reshape(-1),
            np.ascontiguousarray(state.pact_offence).reshape(-1), guard is not None,
            _EMPTY_I64 if guard is None else guard)


def any_set(a: npt.NDArray[np.floating]) -> bool:
    """:func:`powerbalance.model.state.any_set`, compiled on a large array: the scan stops at
    the first non-zero element (the same answer)."""
    if a.size <= SMALL_ANY:
        return any_set_small(a)
    return bool(kernels()["any_set"](np.ravel(a)))


def observe(state: Any, params: Any, share: npt.NDArray[np.float64],
            reach: npt.NDArray[np.float32], allied: bool,
            table: npt.NDArray[np.float32] | None
            ) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32],
                       npt.NDArray[np.float32], npt.NDArray[np.float32],
                       npt.NDArray[np.int64]]:
    """The estimation errors, perceived capabilities and threats of
    :class:`powerbalance.model.perception.Observation` (its ``__init__``), compiled
    (bit-identical; the errors hashed from the same counters as :func:`rng.from_table`),
    and, with many actors, every actor's top threat (``Observation._top``: its level and
    index; empty arrays with few actors, see ``compiled_kernels.ROW_OBSERVATION``)."""
    hostile = bool(params.hostility_weight) and any_set(state.hostility)
    trending = params.trend_horizon > 0 and bool((state.momentum > 0).any())
    rising = (1.0 + params.trend_horizon * np.maximum(state.momentum, 0.0)).astype(
        np.float32) if trending else _EMPTY_F32_2D
    if (state.n_actors ** 2 + 3) // 4 >= 1 << 24:  # as rng.from_table's counter layout
        raise ValueError("random draw too large for the counter layout")
    base = np.uint64(((int(state.year) & 0xFFFFF) << 44)
                     | ((int(rng.Stream.PERCEPTION) & 0xFF) << 36))
    return kernels()["observation"](  # type: ignore[no-any-return]
        state.keys, base, _EMPTY_F32 if table is None else table, table is not None,
        np.ascontiguousarray(share, dtype=np.float64), np.ascontiguousarray(reach),
        np.ascontiguousarray(state.alliance), bool(allied),
        np.ascontiguousarray(state.hostility), hostile,
        np.float32(params.hostility_weight), rising, trending)


def uniform_at(keys: npt.NDArray[np.uint64], year: int, stream: int,
               elements: npt.ArrayLike, sub: int = 0) -> npt.NDArray[np.float64]:
    """:func:`powerbalance.rng.uniform_at`, compiled (the same hash of the same counters,
    so the same numbers; the same checks of the counter layout)."""
    e = np.ascontiguousarray(elements, dtype=np.int64)
    if len(e) and (e.max() >= 1 << 25 or e.min() < 0):
        raise ValueError("element index outside the counter layout")
    base = np.uint64(((int(year) & 0xFFFFF) << 44) | ((int(stream) & 0xFF) << 36)
                     | (int(sub) << 24))
    return kernels()["uniform_at"](  # type: ignore[no-any-return]
        np.ascontiguousarray(keys, dtype=np.uint64), base, e)


def passed(obs: Any, params: Any, bw: npt.NDArray[np.int64], actor: npt.NDArray[np.int64]
           ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """:func:`powerbalance.model.diplomacy._passed`, compiled (the same comparisons in the
    same order, so the same alliances)."""
    state = obs.state
    return kernels()["passed"](  # type: ignore[no-any-return]
        np.ascontiguousarray(bw, dtype=np.int64), np.ascontiguousarray(actor, dtype=np.int64),
        state.n_actors, np.ascontiguousarray(state.alliance).reshape(-1),
        np.ascontiguousarray(state.aim).reshape(-1), obs.top_threat.reshape(-1),
        np.ascontiguousarray(obs.threat).reshape(-1),
        np.ascontiguousarray(obs.share).reshape(-1), float(params.balance_exit))


def accepted_offers(obs: Any, actions: Any, leave: npt.NDArray[np.bool_],
                    alliance: npt.NDArray[np.float32]
                    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64],
                               npt.NDArray[np.int64]]:
    """The accepted offers of :func:`powerbalance.model.diplomacy.diplomacy`, compiled: (world,
    proposer, accepter) in the proposers' C order, by the same tests (``leave``: who leaves
    all its alliances this year; ``alliance``: the commitments after the year's exits)."""
    state = obs.state
    return kernels()["offers"](  # type: ignore[no-any-return]
        state.alive, actions.offer, actions.accept, leave, obs.top_threat, alliance,
        obs.share, actions.accept_ratio)


_EMPTY_F32 = np.zeros(0, dtype=np.float32)
_EMPTY_F64 = np.zeros(0, dtype=np.float64)
_EMPTY_I64 = np.zeros(0, dtype=np.int64)
_EMPTY_F32_2D = np.zeros((0, 0), dtype=np.float32)
