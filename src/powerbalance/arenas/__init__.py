"""Arenas: the balance of power among states, firms, parties and branches, one registry.

One arena per subpackage (its rules, presets, metrics and words), behind one
:func:`load` in the style of OpenSpiel's ``load_game``: a spec is the arena's name
with options, written like the scenario generators' specs (``market:firms=10``) or
OpenSpiel's (``market(firms=10)``); ``preset=NAME`` starts from a named set of options.

>>> spec = load("market(firms=6,guidelines=2010)")
>>> spec.arena.name, spec.options["firms"], spec.arena.words.actor
('market', 6, 'firm')
>>> load("parliament:parties=5").arena.words.contest
'election campaign'
>>> is_arena("market:firms=3"), is_arena("warring-states")
(True, False)
>>> scenario_of("interstate:random:actors=5,seed=2"), scenario_of("market:firms=3")
('random:actors=5,seed=2', None)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from powerbalance.arenas.base import Arena, Option, Words
from powerbalance.errors import InputError

__all__ = ["ARENA_NAMES", "Arena", "ArenaSpec", "Option", "Words", "available", "get",
           "is_arena", "load", "scenario_of", "set_options"]

#: The built-in arenas (the interstate model last: the engine's own setting).
ARENA_NAMES = ("market", "parliament", "constitution", "interstate")


def get(name: str) -> Arena:
    """The arena called ``name`` (an :class:`InputError` lists the arenas)."""
    if name == "market":
        from powerbalance.arenas.market import ARENA as market

        return market
    if name == "parliament":
        from powerbalance.arenas.parliament import ARENA as parliament

        return parliament
    if name == "constitution":
        from powerbalance.arenas.constitution import ARENA as constitution

        return constitution
    if name == "interstate":
        from powerbalance.arenas.interstate import ARENA as interstate

        return interstate
    raise InputError(f"unknown arena {name!r}", source="arena", field="name",
                     allowed=", ".join(ARENA_NAMES))


@dataclass(frozen=True)
class ArenaSpec:
    """An arena with its options checked and its parameters built."""

    arena: Arena
    options: dict[str, Any]
    params: Any
    source: str

    @property
    def name(self) -> str:
        """The arena's name with its options, as the spec would be written."""
        return f"{self.arena.name}:" + ",".join(f"{k}={v}" for k, v in self.options.items())

    @property
    def default_years(self) -> int:
        """Years a run takes when none are given: the scenario's for the interstate arena,
        else the arena's."""
        return int(getattr(self.params, "years", self.arena.years))

    @property
    def short_name(self) -> str:
        """The arena's name with only the options that differ from the defaults."""
        changed = [f"{k}={v}" for k, v in self.options.items()
                   if v != self.arena.options[k].default]
        return self.arena.name + (":" + ",".join(changed) if changed else "")


def _split(spec: str) -> tuple[str, str]:
    text = spec.strip()
    if "(" in text:
        name, _, rest = text.partition("(")
        if not rest.endswith(")"):
            raise InputError(f"unbalanced parentheses in {spec!r}", source="arena",
                             field="spec", allowed="name(key=value,...)")
        return name.strip(), rest[:-1]
    name, _, options = text.partition(":")
    return name.strip(), options


def is_arena(spec: str) -> bool:
    """Whether ``spec`` names an arena (and not a scenario)."""
    return _split(spec)[0] in ARENA_NAMES if spec else False


def load(spec: str) -> ArenaSpec:
    """The arena of ``spec`` with its options parsed and range-checked.

    Options are ``key=value`` separated by commas; ``preset=NAME`` applies a preset first
    (the other options go over it). A bad key, type or value is an :class:`InputError`
    naming the option and its allowed range.
    """
    from powerbalance.scenarios.generators import _parse_options

    name, options = _split(spec)
    arena = get(name)
    if arena.scenario_option is not None:
        opts = {arena.scenario_option: _scenario_text(arena, options)}
        return ArenaSpec(arena=arena, options=opts,
                         params=arena.make_params({**opts, "_source": spec}), source=spec)
    items = [s for s in options.split(",") if s.strip()] if options.strip() else []
    preset = [s for s in items if s.partition("=")[0].strip() == "preset"]
    rest = [s for s in items if s.partition("=")[0].strip() != "preset"]
    defaults = arena.defaults()
    if preset:
        chosen = preset[-1].partition("=")[2].strip()
        if chosen not in arena.presets:
            raise InputError(f"unknown preset {chosen!r}", source=spec, field="preset",
                             allowed=", ".join(arena.presets))
        defaults.update(arena.presets[chosen])
    numeric: dict[str, tuple[float, float]] = {
        k: (int(o.lo), int(o.hi)) if isinstance(o.default, int) else (float(o.lo), float(o.hi))
        for k, o in arena.options.items() if o.lo is not None and o.hi is not None}
    opts = _parse_options(",".join(rest), defaults, spec, numeric)
    for key, opt in arena.options.items():
        if opt.choices and str(opts[key]) not in opt.choices:
            raise InputError(f"{key} = {opts[key]}", source=spec, field=key,
                             allowed=opt.allowed())
    params = arena.make_params({**opts, "_source": spec})
    return ArenaSpec(arena=arena, options=opts, params=params, source=spec)


def set_options(spec: str) -> set[str]:
    """The options ``spec`` sets itself: those it names and those its preset sets (nothing
    is checked or loaded; a robustness band leaves these at the spec's values).

    >>> sorted(set_options("market:preset=balancing,firms=3"))
    ['antitrust', 'firms', 'strategy']
    """
    name, options = _split(spec)
    arena = get(name)
    if arena.scenario_option is not None:
        return {arena.scenario_option}
    keys: set[str] = set()
    for item in options.split(","):
        key, _, value = item.partition("=")
        if key.strip() == "preset":
            keys |= set(arena.presets.get(value.strip(), {}))
        elif key.strip():
            keys.add(key.strip())
    return keys


def _scenario_text(arena: Arena, options: str) -> str:
    """The scenario spec of an interstate arena spec's text (``NAME``, ``scenario=NAME``)."""
    assert arena.scenario_option is not None
    text = options.strip()
    key, eq, value = text.partition("=")
    if eq and key.strip() == arena.scenario_option:
        text = value.strip()
    return text or str(arena.options[arena.scenario_option].default)


def scenario_of(spec: str) -> str | None:
    """The engine scenario that ``spec`` runs when it is the interstate arena's
    (``interstate:warring-states`` -> ``warring-states``), else None; nothing is loaded."""
    if not is_arena(spec):
        return None
    name, options = _split(spec)
    arena = get(name)
    return None if arena.scenario_option is None else _scenario_text(arena, options)


def available() -> list[tuple[str, str]]:
    """(name, one-line description) of every arena and its presets."""
    rows = []
    for name in ARENA_NAMES:
        arena = get(name)
        rows.append((name, arena.title))
        if arena.scenario_option is not None:  # any scenario of the list, under its words
            rows.append((f"{name}:SCENARIO", f"any scenario above as the {name} arena "
                         f"({name}:warring-states runs warring-states)"))
        rows += [(f"{name}:preset={p}", f"preset of {name}") for p in arena.presets]
    return rows
