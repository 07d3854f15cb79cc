"""Scenarios: data files describing a map, actors and parameters, plus generators.

>>> from powerbalance.scenarios import load
>>> s = load("warring-states")
>>> len(s.actors), s.province_map.n >= 30
(7, True)
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from powerbalance.errors import InputError
from powerbalance.scenarios.generators import GENERATORS, generate
from powerbalance.scenarios.loader import load_file, parse
from powerbalance.scenarios.model import ActorSpec, Scenario

__all__ = ["ActorSpec", "Scenario", "available", "builtin_path", "load", "load_file", "parse"]


def _data_dir() -> Path:
    return Path(str(resources.files("powerbalance.scenarios") / "data"))


def builtin_path(name: str) -> Path:
    """Path of a built-in scenario file."""
    return _data_dir() / f"{name}.toml"


def available() -> list[tuple[str, str]]:
    """(name, one-line description) of every built-in scenario and generator."""
    rows = []
    for path in sorted(_data_dir().glob("*.toml")):
        scenario = load_file(path)
        rows.append((scenario.name, scenario.description.strip().splitlines()[0]))
    for name, gen in GENERATORS.items():
        rows.append((name, (gen.__doc__ or "").strip().splitlines()[0]))
    return sorted(rows)


def load(spec: str) -> Scenario:
    """A scenario from a built-in name, a generator spec or a TOML path.

    Generator specs look like ``random`` or ``random:actors=50,inequality=0.8,seed=3``.
    """
    name, _, options = spec.partition(":")
    if name in GENERATORS:
        return generate(name, options, source=spec)
    path = builtin_path(spec)
    if "/" not in spec and not spec.endswith(".toml") and path.is_file():
        return load_file(path)
    if Path(spec).suffix == ".toml" or Path(spec).exists():
        return load_file(spec)
    if spec in ("cusack-stoll", "cederman-polarity"):
        raise InputError(f"{spec!r} is a preset (a classic model with its own rules)",
                         source="scenario", field="name",
                         allowed=f"powerbalance preset {spec} (or powerbalance.presets.run)")
    names = [n for n, _ in available()]
    raise InputError(f"unknown scenario {spec!r}", source="scenario", field="name",
                     allowed=", ".join(names) + ", or a path to a .toml file")
