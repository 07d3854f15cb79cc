"""Events: one row for everything that happens (war, alliance, deterrence, death...)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

import numpy as np
import numpy.typing as npt


class EventKind(IntEnum):
    """Kinds of events; ``actor``/``other``/``value`` meanings are given per kind."""

    WAR_WON = 1
    """actor attacked other and won; value = forces lost by both sides (war size)."""
    WAR_LOST = 2
    """actor attacked other and lost; value = war size."""
    WAR_JOINED = 3
    """actor fought in defence of its ally other; value = forces committed."""
    ABANDONED = 4
    """actor, allied to other, sent nothing when other was attacked."""
    ALLIANCE_FORMED = 5
    """actor and other (actor < other) formed an alliance."""
    ALLIANCE_BROKEN = 6
    """the alliance of actor and other (actor < other) dissolved."""
    DETERRENCE_HELD = 7
    """actor was deterred from attacking other: the expected cost of nuclear retaliation
    exceeded its expected gain (:mod:`.deterrence`; under the veto rule, a secure second
    strike)."""
    DETERRENCE_FAILED = 8
    """actor attacked the nuclear-protected other; value 1 if by accident, 0 by choice (its
    gain outweighed the expected retaliation; under the veto rule, its resolve)."""
    NUCLEAR_WAR = 9
    """actor's side crossed the nuclear threshold against other; value 1 if mutual."""
    CONQUEST = 10
    """actor took provinces from other; value = number of provinces."""
    DEATH = 11
    """actor died; other = the actor that took its capital (-1 if none)."""
    HEGEMONY_REACHED = 12
    """actor's capability share reached the hegemony threshold; value = share."""
    HEGEMONY_LOST = 13
    """actor's share fell below the hegemony threshold; value = share."""
    ALLIANCE_REFUSED = 14
    """actor refused other's alliance offer because it distrusts other (a known defector);
    value = actor's remembered abandonment plus exploitation by other."""
    SIDE_PAYMENT = 15
    """actor paid other to stay out of coalitions this year (a wedge); value = amount."""
    SUBVERTED = 16
    """actor spent on subverting other's cohesion; value = money that reached other."""
    CAPTURED = 17
    """actor's policy was captured by the penetrator other; value = years of the spell."""
    RELEASED = 18
    """actor's policy is its own again after capture by other."""
    SECESSION = 19
    """provinces of other seceded as the new actor (a reserve or dead slot); value =
    provinces that seceded."""
    LATE_ENTRY = 20
    """actor struck late at an enemy that other had fought last year while actor stayed out
    (a jackal's strike); value = the target's actor index."""
    PRESSURED = 21
    """actor pressured other (a coercive wedge) and other, intimidated, stayed out of
    alliance-making this year; value = other's threat from actor over its own capability."""
    DEMAND = 22
    """actor demanded other's frontier provinces (a crisis); value = other's estimated chance
    of resisting successfully."""
    CONCESSION = 23
    """actor conceded a demand of other: a peaceful transfer; value = provinces transferred."""
    WAR_BEGUN = 24
    """actor's war against other began (the demand was resisted); value = 0."""
    WAR_ENDED = 25
    """actor's war against other ended; value = outcome code (1 initiator won, 2 target won,
    3 no winner: mutual nuclear devastation, 4 contact lost or a principal destroyed by a
    third party)."""
    ALLY_CALLED = 26
    """actor was called to fight on the side of its ally other; value = share of its forces
    it sent (0 = abandonment; offensive calls are those where other is the initiator)."""
    POWER_TRANSITION = 27
    """actor overtook other as the actor with the largest capability share; value = share."""
    NUCLEAR_TABOO = 28
    """actor broke the nuclear taboo: first use against the non-nuclear other; value = 0."""
    AGGRESSION = 29
    """actor breached territorial integrity (a demand backed by force) against other;
    value = share of productivity the sanctions took from it (0 unpunished, -1
    unpunishable: stronger than every possible sanctioning coalition). See
    :mod:`powerbalance.model.law`."""
    TREATY_BROKEN = 30
    """actor broke pacta sunt servanda: it sent nothing when its ally other was attacked;
    value as for ``aggression``."""
    SANCTION = 31
    """actor joined the sanctions against the violator other; value = share of its own
    productivity the sanctions cost it (the second-order free-rider problem)."""

    @property
    def label(self) -> str:
        """Lower-case name used in tables, e.g. ``war_won``."""
        return self.name.lower()


@dataclass(frozen=True)
class Events:
    """A batch of events of one year (the year is added by the runner)."""

    world: npt.NDArray[np.int64]
    kind: npt.NDArray[np.int8]
    actor: npt.NDArray[np.int64]
    other: npt.NDArray[np.int64]
    value: npt.NDArray[np.float64]

    @classmethod
    def make(cls, kind: EventKind, world: npt.ArrayLike, actor: npt.ArrayLike,
             other: npt.ArrayLike, value: npt.ArrayLike | float = 0.0) -> Events:
        """Events of one kind; scalars broadcast."""
        w = np.asarray(world, dtype=np.int64).reshape(-1)
        n = len(w)
        return cls(
            world=w, kind=np.full(n, int(kind), dtype=np.int8),
            actor=_column(actor, np.int64, n), other=_column(other, np.int64, n),
            value=_column(value, np.float64, n),
        )

    @classmethod
    def concat(cls, parts: list[Events]) -> Events:
        """All events of ``parts`` in order."""
        parts = [p for p in parts if len(p)]  # (most parts of a small world's year are empty)
        if not parts:
            return cls.make(EventKind.WAR_WON, [], [], [])
        return cls(*(np.concatenate([getattr(p, f) for p in parts])
                     for f in ("world", "kind", "actor", "other", "value")))

    def __len__(self) -> int:
        return len(self.world)


def _column(values: npt.ArrayLike, dtype: type, n: int) -> npt.NDArray[Any]:
    """``values`` as a fresh (n,) array of ``dtype`` (a scalar is repeated n times)."""
    a: npt.NDArray[Any] = np.asarray(values, dtype=dtype)
    if a.ndim == 0:
        return np.full(n, a, dtype=dtype)
    if a.shape == (n,):
        return a.copy() if a is values else a  # never share the caller's array
    return np.broadcast_to(a, (n,)).copy()
