"""What every actor does in a year: the engine's :class:`Actions` (the policy phase's output).

The core's own data type: strategies (:mod:`powerbalance.strategies`), a player or a
learning agent return it and every phase of :func:`powerbalance.model.step.step` reads it,
so it lives in the engine core, which imports no strategy.
``powerbalance.strategies.base.Actions`` is the same class (re-exported).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance.model.perception import Observation
from powerbalance.model.state import F64, I64, BoolA

__all__ = ["Actions"]

#: Fields whose passive default is the same for every actor (``spend`` is not: it is the
#: caller's base burden).
_DEFAULT_FIELDS = frozenset({"attack", "offer", "accept", "leave", "join", "subvert",
                             "subvert_spend", "counter_spend", "pay", "pay_spend", "shirk",
                             "join_offence", "accept_ratio", "leave_passed", "pressure",
                             "leave_ally"})
#: No field known to hold the passive defaults (an :class:`Actions` built by ``__init__``).
_NOT_FRESH: frozenset[str] = frozenset()


@lru_cache(maxsize=64)
def _constant(value: float | bool, dtype: type, batch: int, n: int) -> npt.NDArray[Any]:
    """A read-only (batch, n) array holding ``value`` everywhere (a broadcast view,
    shared by all callers: it cannot be written)."""
    return np.broadcast_to(np.asarray(value, dtype=dtype), (batch, n))


@dataclass(frozen=True)
class Actions:
    """What every actor does this year; all arrays are (B, N).

    Attributes
    ----------
    spend: share of wealth spent on the military.
    attack: the actor attacked this year, or -1.
    offer: the actor offered an alliance, or -1.
    accept: whether offers are accepted this year (never from one's top threat).
    leave: whether the actor leaves all its alliances.
    join: share of its forces an actor sends when an ally is attacked
        (1 = full help, a balker's token share, 0 = abandonment).
    subvert: the actor whose cohesion it subverts this year, or -1 (penetration).
    subvert_spend: share of wealth spent on subversion.
    counter_spend: share of wealth spent on counter-subversion (defending cohesion).
    pay: the actor paid to stay out of coalitions this year (a wedge), or -1.
    pay_spend: share of wealth paid.
    shirk: the actor against which it sends nothing when called (a buck-passer stays out of
        its threat's wars), or -1.
    join_offence: share of its forces an actor sends when an ally *attacks* (an offensive
        call; 0 = the alliance is defensive for it: Leeds 2003).
    accept_ratio: offers are accepted only from proposers whose capability share is at least
        this multiple of its own (0 = from anyone; a balker joins only when pressed).
    leave_passed: leave the alliances whose recorded threat has passed (see
        :mod:`powerbalance.model.diplomacy`).
    pressure: the actor it pressures (a coercive wedge) to stay out of coalitions, or -1.
    leave_ally: the one ally whose alliance it leaves this year (its other alliances stand),
        or -1 (the hegemon-seeker's gradual exit, Params.seeker_exit).
    """

    spend: F64
    attack: I64
    offer: I64
    accept: BoolA
    leave: BoolA
    join: F64
    subvert: I64
    subvert_spend: F64
    counter_spend: F64
    pay: I64
    pay_spend: F64
    shirk: I64
    join_offence: F64
    accept_ratio: F64
    leave_passed: BoolA
    pressure: I64
    leave_ally: I64

    @classmethod
    def passive(cls, batch: int, n: int, spend: float) -> Actions:
        """Defend allies, spend ``spend``, start nothing.

        Every array is a read-only broadcast of one value (nothing is written per
        actor): whoever changes a field copies it first, as all callers do. The actions
        are immutable, so one object per (batch, n, spend) serves every call.
        """
        return _passive(batch, n, spend)

    @classmethod
    def _make_passive(cls, batch: int, n: int, spend: float) -> Actions:
        """:meth:`passive`, built (see :func:`_passive`)."""
        none = _constant(-1, np.int64, batch, n)
        zero = _constant(0.0, np.float64, batch, n)
        out = cls(
            spend=_constant(spend, np.float64, batch, n), attack=none, offer=none,
            accept=_constant(True, np.bool_, batch, n), leave=_constant(False, np.bool_, batch, n),
            join=_constant(1.0, np.float64, batch, n), subvert=none, subvert_spend=zero,
            counter_spend=zero, pay=none, pay_spend=zero, shirk=none, join_offence=zero,
            accept_ratio=zero, leave_passed=_constant(False, np.bool_, batch, n), pressure=none,
            leave_ally=none,
        )
        object.__setattr__(out, "_fresh", _DEFAULT_FIELDS)
        return out

    @classmethod
    def defensive(cls, obs: Observation, spend: float | F64) -> Actions:
        """Passive actions with ``spend``, plus counter-subversion below ``counter_trigger``.

        The common starting point of every strategy: defend allies, start
        nothing, and spend ``Params.counter_spend`` of wealth defending
        cohesion when it has fallen below ``Params.counter_trigger`` (raising
        the budget by as much: covert money is paid out of the military stock,
        see :mod:`powerbalance.model.subversion`). Strategies that pay side
        payments or subvert raise ``spend`` by those shares likewise.
        """
        if isinstance(spend, np.ndarray) and spend.ndim:
            return cls._defensive(obs, spend)
        # One value for all: the same actions for every strategy asking this year with this
        # spend, built once per observation (their arrays are read-only, as passive's).
        cache = obs.__dict__.setdefault("_defensive_actions", {})
        key = float(spend)
        hit = cache.get(key)
        if hit is None:
            hit = cache[key] = cls._defensive(obs, key)
        return hit  # type: ignore[no-any-return]

    @classmethod
    def _defensive(cls, obs: Observation, spend: float | F64) -> Actions:
        """:meth:`defensive`, built (the rule)."""
        state, params = obs.state, obs.params
        actions = cls.passive(state.batch, state.n_actors, params.base_spend)
        if isinstance(spend, np.ndarray) and spend.ndim:
            spend_arr = np.broadcast_to(spend.astype(np.float64),  # a copy, not the caller's
                                        (state.batch, state.n_actors)).copy()
        else:  # one value for all: the shared read-only constant (as passive's fields)
            spend_arr = _constant(float(spend), np.float64, state.batch, state.n_actors)
        low = state.cohesion < params.counter_trigger
        if not (params.counter_spend > 0 and low.any()):
            return actions.replace(spend=spend_arr)
        counter = np.where(low, params.counter_spend, 0.0)
        spend_arr = spend_arr + counter
        if not isinstance(spend, np.ndarray):   # shared by the callers: see defensive
            spend_arr.flags.writeable = counter.flags.writeable = False
        return actions.replace(spend=spend_arr, counter_spend=counter)

    def replace(self, **changes: Any) -> Actions:
        """A copy with some arrays replaced."""
        if not _ACTION_FIELDS.issuperset(changes):
            replace(self, **changes)  # raises dataclasses' own TypeError for unknown names
        out = object.__new__(Actions)  # a dictionary copy: dataclasses.replace re-runs __init__
        d = out.__dict__
        d.update(self.__dict__)
        d.update(changes)
        d["_fresh"] = d.get("_fresh", _NOT_FRESH).difference(changes)
        return out

    @property
    def fresh(self) -> frozenset[str]:
        """Fields that still hold the passive defaults everywhere (merging them is a no-op)."""
        return self.__dict__.get("_fresh", _NOT_FRESH)  # type: ignore[no-any-return]

    def where(self, mask: BoolA, other: Actions) -> Actions:
        """Take ``other``'s actions where ``mask`` is true, keep these elsewhere.

        Fields that hold the passive defaults in both are not merged (they
        would not change).
        """
        # (The same array on both sides, a shared constant say, needs no merge either.)
        # Each merged field is np.where(mask, other's, ours), computed as in where_all.
        return self.where_all(((np.asarray(mask), other),))

    def where_all(self, choices: Sequence[tuple[BoolA, Actions]]) -> Actions:
        """``self.where(m1, a1).where(m2, a2)...`` for ``choices = [(m1, a1), (m2, a2), ...]``,
        bit for bit, in one pass.

        Each merged field is built once (``np.where`` of the first choice that changes it)
        and the later choices write their masked entries into it (``np.copyto``), instead of
        one ``np.where`` (a new array) per choice and field: the policy phase merges every
        strategy's actions so. A field is merged
        exactly when the chain would merge it (:meth:`where`'s rules: not a passive default
        on both sides, not the same array), in the chain's dtype.
        """
        mine_fresh = self.fresh
        fresh = mine_fresh
        for _, other in choices:
            fresh = fresh & other.fresh
        merged = dict(self.__dict__)   # the fields passive in all keep our (shared) arrays
        for name in _ACTION_NAMES:
            if name in fresh:
                continue
            current = merged[name]
            written = False   # current is a new array that the choices write into
            untouched = name in mine_fresh   # current holds the passive defaults
            for mask, other in choices:
                theirs = other.__dict__[name]
                if (untouched and name in other.fresh) or current is theirs:
                    continue   # the chain's where would skip it (the values would not change)
                untouched = False
                if not written or theirs.dtype is not current.dtype or (
                        mask.shape != current.shape or theirs.shape != current.shape):
                    if (written and mask.shape == theirs.shape == current.shape
                            and np.result_type(theirs, current) == current.dtype):
                        np.copyto(current, theirs, where=mask)   # (only the dtype object differs)
                        continue
                    # The first write (or a new dtype, a broadcast): the chain's own op, a
                    # new array of np.where's dtype and shape, which later choices write into.
                    current = np.where(mask, theirs, current)
                    written = True
                    continue
                np.copyto(current, theirs, where=mask)
            merged[name] = current
        out = object.__new__(Actions)
        out.__dict__.update(merged)
        object.__setattr__(out, "_fresh", fresh)
        return out


@lru_cache(maxsize=64)
def _passive(batch: int, n: int, spend: float) -> Actions:
    """The passive actions of :meth:`Actions.passive`, built once per (batch, n, spend): a
    small world's year asks for them once per strategy, and building them cost more than
    most of its phases."""
    return Actions._make_passive(batch, n, spend)


#: The fields of :class:`Actions`, in order.
_ACTION_NAMES = tuple(f.name for f in fields(Actions))
_ACTION_FIELDS = frozenset(_ACTION_NAMES)
