"""The strategy registry: lookup by name or id, and filters on the classifier.

>>> from powerbalance.strategies import registry
>>> "status-quo" in registry.names()
True
>>> [s.name for s in registry.filter(initiates_war=True)]
['hegemon-seeker', 'jackal']
>>> registry.id_of("balker"), registry.id_of("jackal")
(0, 10)

Ids are stable: each strategy declares its own ``uid`` (the first ten are the
positions the strategies had in the sorted list before ids were declared, so
states and tables stored then keep their meaning), and a new strategy takes
the next free number. Tables store strategies by name.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from powerbalance.errors import InputError
from powerbalance.strategies.base import Strategy

_REGISTRY: dict[str, type[Strategy]] = {}
_BY_ID: dict[int, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator: add a strategy to the registry under ``cls.name``."""
    for key in ("concept", "stochastic", "reads"):
        if key not in cls.classifier:
            raise TypeError(f"strategy {cls.name!r}: classifier lacks {key!r}")
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"strategy {cls.name!r} registered twice")
    uid = getattr(cls, "uid", None)
    if not isinstance(uid, int) or uid < 0:
        raise TypeError(f"strategy {cls.name!r}: declare a stable non-negative int uid")
    if uid in _BY_ID and _BY_ID[uid] is not cls:
        raise ValueError(f"strategy {cls.name!r}: uid {uid} already taken by "
                         f"{_BY_ID[uid].name!r}")
    _REGISTRY[cls.name] = cls
    _BY_ID[uid] = cls
    return cls


def names() -> list[str]:
    """Registered names, sorted (for listings; ids are :func:`id_of`)."""
    return sorted(_REGISTRY)


def names_by_id() -> list[str]:
    """Names indexed by id (``names_by_id()[id_of(x)] == x``); a gap in the ids would read
    ``""``. Use it as the categories of a table column of strategy ids."""
    size = max(_BY_ID, default=-1) + 1
    return [(_BY_ID[k].name if k in _BY_ID else "") for k in range(size)]


def id_count() -> int:
    """One more than the largest id (the length of :func:`names_by_id`)."""
    return max(_BY_ID, default=-1) + 1


def get(name: str, source: str = "strategy") -> type[Strategy]:
    """The strategy class of ``name``; an :class:`InputError` lists the choices."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InputError(f"unknown strategy {name!r}", source=source, field="strategy",
                         allowed=", ".join(names())) from None


def id_of(name: str, source: str = "strategy") -> int:
    """Stable numeric id of a strategy (its class's ``uid``)."""
    return int(get(name, source).uid)


def by_id(idx: int) -> type[Strategy]:
    """Strategy class of a numeric id."""
    return _BY_ID[int(idx)]


@cache
def instance(idx: int) -> Strategy:
    """The (shared) strategy object of a numeric id: the engine's
    :data:`~powerbalance.model.policy.Policy`, passed in with a scenario's setting.

    >>> instance(id_of("jackal")).name
    'jackal'
    """
    return by_id(idx)()


def filter(**criteria: Any) -> list[type[Strategy]]:
    """Strategies whose classifier matches every criterion.

    A criterion on a set-valued entry (``reads``) matches when the value is in
    the set.
    """
    out = []
    for name in names():
        cls = _REGISTRY[name]
        ok = True
        for key, want in criteria.items():
            have = cls.classifier.get(key)
            if isinstance(have, set | frozenset | tuple | list):
                ok &= want in have
            else:
                ok &= have == want
        if ok:
            out.append(cls)
    return out
