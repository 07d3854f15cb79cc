"""What every arena is: its words, its options, its rules as a pure vectorised step.

An :class:`Arena` names what the engine's things mean in its setting (:class:`Words`:
the actor is a firm or a party, the resource revenue or votes, the contest a price
war or a campaign), declares its options (:class:`Option`: default, range or
choices, meaning and source), its presets (named option sets) and three pure
functions over a batch of worlds:

- ``init(params, keys) -> state``: the starting state of each world;
- ``step(state, params, keys, year) -> state``: one year, a new immutable state;
- ``measure(state, params) -> dict``: per-world metrics of the system (one array per
  column, shape ``(B,)``) and per-actor columns (shape ``(B, N)``).

Every random number comes from :mod:`powerbalance.rng` keyed by the world's global
index (``keys``), the year and a named stream, so world *k* is bit-identical whatever
the batch it runs in.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance.errors import InputError
from powerbalance.rng import U64

F64 = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Words:
    """What the engine's things are called in an arena (outputs and docs use these words)."""

    actor: str
    actors: str
    resource: str
    map_unit: str
    contest: str
    alliance: str
    dominance: str
    extra: Mapping[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, str]:
        """Every word by the engine's name for the thing."""
        return {"actor": self.actor, "actors": self.actors, "resource": self.resource,
                "map_unit": self.map_unit, "contest": self.contest, "alliance": self.alliance,
                "dominance": self.dominance, **self.extra}


@dataclass(frozen=True)
class Option:
    """One option of an arena spec: a number in ``lo..hi`` or one of ``choices``."""

    default: int | float | str
    doc: str
    lo: float | None = None
    hi: float | None = None
    choices: tuple[str, ...] = ()
    source: str = ""

    def allowed(self) -> str:
        """The allowed values in words."""
        if self.choices:
            return ", ".join(self.choices)
        kind = type(self.default)
        return f"{kind.__name__} from {kind(self.lo or 0)} to {kind(self.hi or 0)}"


@dataclass(frozen=True)
class Arena:
    """An arena: words, options, presets and its pure rules (see the module docstring)."""

    name: str
    title: str
    words: Words
    options: Mapping[str, Option]
    presets: Mapping[str, Mapping[str, int | float | str]]
    init: Callable[[Any, U64], Any]
    step: Callable[[Any, Any, U64, int], Any]
    measure: Callable[[Any, Any], tuple[dict[str, F64], dict[str, npt.NDArray[Any]]]]
    make_params: Callable[[dict[str, Any]], Any]
    actor_names: Callable[[Any], list[str]]
    years: int
    sources: tuple[str, ...] = ()
    summary: Callable[..., list[tuple[str, str]]] | None = None
    """Lines of the printed summary of a run: (label, value) in arena words."""
    finalize: Callable[..., Any] | None = None
    """``(system, actors, params) -> actors``: columns measured on the whole run's tables
    (the parliament's voting power at the recorded years), or None."""
    scenario_option: str | None = None
    """The option that names an engine scenario, for an arena that is the interstate model
    itself: its spec's text after the name is that option's value as it is (a scenario spec
    has its own colons and commas), and the command line runs the scenario by the interstate
    model's own runner (:func:`powerbalance.arenas.scenario_of`). None for the others."""

    def defaults(self) -> dict[str, Any]:
        """Every option at its default."""
        return {k: o.default for k, o in self.options.items()}


def check_choice(value: str, allowed: tuple[str, ...], source: str, field: str) -> str:
    """``value`` when it is one of ``allowed``, else an :class:`InputError` listing them."""
    if value not in allowed:
        raise InputError(f"{value!r}", source=source, field=field, allowed=", ".join(allowed))
    return value


def strategy_list(text: str, n: int, allowed: tuple[str, ...], source: str,
                  field: str = "strategy") -> tuple[str, ...]:
    """Strategies of ``n`` actors from ``name`` (all alike) or ``name+name+...`` (one each,
    the last repeated); every name must be a registered strategy this arena plays."""
    from powerbalance.strategies import registry

    parts = [p.strip() for p in text.split("+")]
    if len(parts) > n:
        raise InputError(f"{len(parts)} strategies for {n} actors", source=source, field=field,
                         allowed=f"at most {n} names joined by +")
    for p in parts:
        registry.get(p, source)  # an unknown name gets the registry's own error
        check_choice(p, allowed, source, field)
    return tuple(parts + [parts[-1]] * (n - len(parts)))


def shares_of(size: F64) -> F64:
    """Each actor's share of the total along the last axis (0 where the total is 0)."""
    total = size.sum(axis=-1, keepdims=True)
    return np.divide(size, total, out=np.zeros_like(size), where=total > 0)
