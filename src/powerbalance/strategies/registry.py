"""The strategy registry: lookup by name or id, and filters on the classifier.

>>> from powerbalance.strategies import registry
>>> "status-quo" in registry.names()
True
>>> [s.name for s in registry.filter(initiates_war=True)]
['bandwagoner', 'buck-passer', 'hegemon-seeker']
"""

from __future__ import annotations

from typing import Any

from powerbalance.errors import InputError
from powerbalance.strategies.base import Strategy

_REGISTRY: dict[str, type[Strategy]] = {}


def register(cls: type[Strategy]) -> type[Strategy]:
    """Class decorator: add a strategy to the registry under ``cls.name``."""
    for key in ("concept", "stochastic", "reads"):
        if key not in cls.classifier:
            raise TypeError(f"strategy {cls.name!r}: classifier lacks {key!r}")
    if cls.name in _REGISTRY and _REGISTRY[cls.name] is not cls:
        raise ValueError(f"strategy {cls.name!r} registered twice")
    _REGISTRY[cls.name] = cls
    return cls


def names() -> list[str]:
    """Registered names, sorted; a name's position is its id."""
    return sorted(_REGISTRY)


def get(name: str, source: str = "strategy") -> type[Strategy]:
    """The strategy class of ``name``; an :class:`InputError` lists the choices."""
    try:
        return _REGISTRY[name]
    except KeyError:
        raise InputError(f"unknown strategy {name!r}", source=source, field="strategy",
                         allowed=", ".join(names())) from None


def id_of(name: str, source: str = "strategy") -> int:
    """Numeric id of a strategy (its index in :func:`names`)."""
    get(name, source)
    return names().index(name)


def by_id(idx: int) -> type[Strategy]:
    """Strategy class of a numeric id."""
    return _REGISTRY[names()[idx]]


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
