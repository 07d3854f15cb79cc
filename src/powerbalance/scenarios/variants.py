"""Scenario variants: a TOML file that ``extends`` another and changes a few things.

A variant names its base (a built-in scenario or a path relative to the
variant's folder) and lists only what differs::

    extends = "warring-states"
    name = "warring-states-vertical-alliance"
    description = "..."

    [strategies]            # actor name -> strategy (a one-word change per actor)
    Chu = "external-balancer"

    [params]                # merged over the base's [params]
    conquest_rate = 0.8

    [[changes]]             # any other actor field, by actor name
    name = "Qin"
    resolve = 1.0

Top-level keys given in the variant (``name``, ``description``, ``years``,
``sources``, ``stylisation``, ``alliances``, ``map``, ``actors``) replace the
base's; ``sources`` given as ``extra_sources`` are appended to the base's.
The result is validated like any scenario file.
"""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path
from typing import Any

from powerbalance.errors import InputError

VARIANT_KEYS = ("extends", "strategies", "changes", "extra_sources")


def resolve(data: dict[str, Any], path: Path, depth: int = 0) -> dict[str, Any]:
    """The full scenario dict of ``data`` (unchanged when it extends nothing).

    >>> resolve({"name": "x"}, Path("x.toml"))
    {'name': 'x'}
    """
    if "extends" not in data:
        return data
    source = str(path)
    if depth > 8:
        raise InputError("variants nested too deep", source=source, field="extends",
                         allowed="at most 8 levels")
    base_name = data["extends"]
    if not isinstance(base_name, str):
        raise InputError("expected a scenario name", source=source, field="extends",
                         allowed="a built-in scenario name or a .toml path")
    base_path = _base_path(base_name, path)
    try:
        base = tomllib.loads(base_path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read base scenario {base_name!r}: {exc}", source=source,
                         field="extends", allowed="a readable scenario") from None
    out = copy.deepcopy(resolve(base, base_path, depth + 1))
    for key, value in data.items():
        if key in VARIANT_KEYS:
            continue
        if key == "params":
            if not isinstance(value, dict):
                raise InputError("expected a table", source=source, field="params",
                                 allowed="a [params] table")
            out["params"] = {**out.get("params", {}), **value}
        else:
            out[key] = copy.deepcopy(value)
    if "extra_sources" in data:
        extra = data["extra_sources"]
        if not isinstance(extra, list):
            raise InputError("expected a list of strings", source=source,
                             field="extra_sources", allowed="a list of strings")
        out["sources"] = [*out.get("sources", []), *extra]
    actors = out.get("actors", [])
    by_name = {a.get("name"): a for a in actors if isinstance(a, dict)}
    strategies = data.get("strategies", {})
    if not isinstance(strategies, dict):
        raise InputError("expected a table", source=source, field="strategies",
                         allowed="[strategies] actor = \"strategy\"")
    for actor, strategy in strategies.items():
        if actor not in by_name:
            raise InputError(f"unknown actor {actor!r}", source=source,
                             field=f"strategies.{actor}", allowed=", ".join(map(str, by_name)))
        by_name[actor]["strategy"] = strategy
    changes = data.get("changes", [])
    if not isinstance(changes, list):
        raise InputError("expected [[changes]] tables", source=source, field="changes",
                         allowed="[[changes]] with name = actor")
    for k, change in enumerate(changes):
        if not isinstance(change, dict) or change.get("name") not in by_name:
            raise InputError("unknown or missing actor name", source=source,
                             field=f"changes[{k}].name", allowed=", ".join(map(str, by_name)))
        by_name[change["name"]].update({k2: v for k2, v in change.items() if k2 != "name"})
    return out


def _base_path(name: str, path: Path) -> Path:
    from powerbalance.scenarios import builtin_path

    if name.endswith(".toml"):
        candidate = path.parent / name
        if candidate.is_file():
            return candidate
    builtin = builtin_path(name)
    if builtin.is_file():
        return builtin
    raise InputError(f"unknown base scenario {name!r}", source=str(path), field="extends",
                     allowed="a built-in scenario name or a .toml path beside the file")
