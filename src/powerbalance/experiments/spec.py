"""Sweep specifications: a TOML file naming a scenario, what to vary and what to keep.

A sweep spec looks like this (every key is validated; a mistake raises an
:class:`~powerbalance.errors.InputError` naming the file, the field and what
is allowed)::

    name = "bop-warring-states"
    scenario = "warring-states"   # built-in name, generator spec or TOML path
    years = 300
    seed = 2026                   # master seed: replicate r is world r of this seed
    replicates = 500              # per design point
    max_runs = 1000000            # refuse larger designs (points x replicates)
    task_size = 500               # replicates per task (default: all of a point, <= 1000)

    [design]
    kind = "lhs"                  # grid | lhs | sobol
    points = 20                   # lhs: number of points; sobol: base sample N
    seed = 1                      # seed of the lhs / sobol sample
    second_order = false          # sobol only

    [parameters]                  # what to vary
    attack_odds = { range = [0.4, 0.8] }            # continuous (grid: add steps = 3)
    victory_function = { values = ["ratio", "erf"] } # a list of levels

    [fixed]                       # overrides held constant at every point
    conquest_rate = 0.4

    [outcomes]
    keep = ["summaries", "lifetimes", "wars"]   # + "system" for per-year tables

:func:`load_spec` reads a file, :func:`parse_spec` a dict. The canonical form
(:meth:`SweepSpec.canonical`) and its hash identify a sweep: a results folder
refuses a different spec.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from powerbalance.errors import InputError, read_toml
from powerbalance.params import Params
from powerbalance.scenarios.loader import MAX_TEXT_LENGTH, check_text

#: Design kinds.
DESIGNS = ("grid", "lhs", "sobol")
#: Outcome datasets a sweep can keep.
OUTCOMES = ("summaries", "lifetimes", "wars", "system")
#: Every dataset a sweep store may hold: the outcomes and ``facts`` (the facts of every
#: world, as ``powerbalance facts RUN_FOLDER`` computes them; what a calibration keeps).
DATASETS = (*OUTCOMES, "facts")
#: Kept unless the spec says otherwise.
DEFAULT_OUTCOMES = ("summaries", "lifetimes", "wars")
#: Default replicates per task when the spec gives no ``task_size``.
DEFAULT_TASK_SIZE = 1000
#: Default cap on points x replicates.
DEFAULT_MAX_RUNS = 1_000_000

_TOP_KEYS = {"name", "description", "scenario", "years", "seed", "replicates", "max_runs",
             "task_size", "design", "parameters", "fixed", "outcomes"}
_DESIGN_KEYS = {"kind", "points", "seed", "second_order"}
_PARAM_KEYS = {"range", "values", "steps"}
_OUTCOME_KEYS = {"keep"}


@dataclass(frozen=True)
class ParamAxis:
    """One varied parameter: a continuous ``range`` (lo, hi) or a list of ``values``."""

    name: str
    lo: float | None = None
    hi: float | None = None
    steps: int | None = None
    values: tuple[Any, ...] | None = None

    @property
    def continuous(self) -> bool:
        """True for a ``range`` axis."""
        return self.values is None

    def from_unit(self, u: float) -> Any:
        """The value at ``u`` in [0, 1] (levels of a ``values`` axis are equal bins).

        >>> ParamAxis("x", lo=1.0, hi=3.0).from_unit(0.5)
        2.0
        >>> ParamAxis("v", values=("a", "b")).from_unit(0.75)
        'b'
        """
        if self.values is not None:
            k = len(self.values)
            return self.values[min(int(u * k), k - 1)]
        assert self.lo is not None and self.hi is not None
        return float(self.lo + u * (self.hi - self.lo))

    def grid(self) -> list[Any]:
        """The levels of this axis in a full grid."""
        if self.values is not None:
            return list(self.values)
        assert self.lo is not None and self.hi is not None and self.steps is not None
        if self.steps == 1:
            return [float(self.lo)]
        step = (self.hi - self.lo) / (self.steps - 1)
        return [float(self.lo + i * step) for i in range(self.steps)]

    def as_dict(self) -> dict[str, Any]:
        """Canonical form."""
        if self.values is not None:
            return {"values": list(self.values)}
        out: dict[str, Any] = {"range": [self.lo, self.hi]}
        if self.steps is not None:
            out["steps"] = self.steps
        return out


@dataclass(frozen=True)
class SweepSpec:
    """A validated sweep specification (see the module docstring for the format)."""

    scenario: str
    years: int
    seed: int
    replicates: int
    design: str
    axes: tuple[ParamAxis, ...]
    points: int | None = None
    design_seed: int = 0
    second_order: bool = False
    fixed: dict[str, Any] = field(default_factory=dict)
    keep: tuple[str, ...] = DEFAULT_OUTCOMES
    task_size: int | None = None
    max_runs: int = DEFAULT_MAX_RUNS
    name: str = "sweep"
    description: str = ""
    source: str = "<spec>"
    scenario_digest: str = ""
    """SHA-256 of a scenario file's content (empty for built-ins and generators)."""

    @property
    def parameter_names(self) -> list[str]:
        """Names of the varied parameters, in spec order."""
        return [a.name for a in self.axes]

    @property
    def replicates_per_task(self) -> int:
        """Replicates simulated by one task (one array program).

        Default: all replicates of a point, at most :data:`DEFAULT_TASK_SIZE`
        (the engine's throughput is flat beyond; smaller tasks bound memory and
        lose less to a kill).
        """
        return min(self.task_size or DEFAULT_TASK_SIZE, self.replicates)

    def canonical(self) -> dict[str, Any]:
        """Everything that determines the results, as plain JSON-able data.

        Execution settings (workers, scheduler) and ``max_runs`` are not part of it.
        """
        return {
            "scenario": self.scenario,
            "scenario_digest": self.scenario_digest,
            "years": self.years,
            "seed": self.seed,
            "replicates": self.replicates,
            "task_size": self.replicates_per_task,
            "design": {"kind": self.design, "points": self.points, "seed": self.design_seed,
                       "second_order": self.second_order},
            "parameters": {a.name: a.as_dict() for a in self.axes},
            "fixed": dict(sorted(self.fixed.items())),
            "keep": sorted(self.keep),
        }

    def spec_hash(self) -> str:
        """SHA-256 of the canonical spec (hex)."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()


#: A sweep's name becomes the folder ``results/NAME``.
_FOLDER_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]{0,99}")
#: Most levels of one parameter (grid steps or listed values), most points of an lhs or
#: sobol design, and the largest ``max_runs`` a spec may allow.
MAX_STEPS = 10**6
MAX_POINTS = 10**7
MAX_RUNS = 10**9


def load_spec(path: str | Path) -> SweepSpec:
    """Read and validate a sweep spec file."""
    path = Path(path)
    data = read_toml(path, field="SPEC", allowed="a sweep spec .toml file")
    return parse_spec(data, source=str(path), base_dir=path.parent)



def _check_value(name: str, value: Any, source: str, fld: str) -> Any:
    """A parameter value validated by :class:`Params` (error names the spec field)."""
    try:
        return getattr(Params().with_overrides({name: value}, source=source), name)
    except InputError as exc:
        raise InputError(exc.message, source=source, field=fld, allowed=exc.allowed) from None


def parse_spec(data: dict[str, Any], source: str = "<spec>",
               base_dir: str | Path | None = None) -> SweepSpec:
    """Validate a spec given as a dict (the parsed TOML).

    >>> s = parse_spec({"scenario": "warring-states", "years": 20, "replicates": 4,
    ...                 "parameters": {"attack_odds": {"values": [0.5, 0.7]}}})
    >>> s.design, s.parameter_names, s.replicates
    ('grid', ['attack_odds'], 4)
    """
    def fail(fld: str, message: str, allowed: str | None = None) -> InputError:
        return InputError(message, source=source, field=fld, allowed=allowed)

    def table(value: Any, fld: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise fail(fld, f"expected a table, got {type(value).__name__}", "a TOML table")
        return value

    def keys(tab: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in tab:
            if key not in allowed:
                fld = f"{where}.{key}" if where else key
                raise fail(fld, "unknown key", ", ".join(sorted(allowed)))

    def integer(tab: dict[str, Any], key: str, fld: str, default: int | None, lo: int,
                hi: int | None = None) -> int | None:
        if key not in tab:
            return default
        value = tab[key]
        allowed = f"an integer >= {lo}" + (f" and <= {hi}" if hi is not None else "")
        if isinstance(value, bool) or not isinstance(value, int):
            raise fail(fld, f"expected an integer, got {value!r}", allowed)
        if value < lo or (hi is not None and value > hi):
            raise fail(fld, f"value {value} out of range", allowed)
        return value

    data = table(data, "")
    keys(data, _TOP_KEYS, "")
    if "scenario" not in data:
        raise fail("scenario", "missing", "a built-in scenario name, generator spec or path")
    scenario = data["scenario"]
    if not isinstance(scenario, str) or not scenario:
        raise fail("scenario", f"expected a string, got {scenario!r}",
                   "a built-in scenario name, generator spec or path")
    if scenario.endswith(".toml") and base_dir is not None and not Path(scenario).is_absolute():
        candidate = Path(base_dir) / scenario
        if candidate.is_file():  # a relative scenario path is relative to the spec file
            scenario = str(candidate.resolve())
    digest = ""
    if Path(scenario).suffix == ".toml" and Path(scenario).is_file():
        digest = hashlib.sha256(Path(scenario).read_bytes()).hexdigest()
    try:
        from powerbalance.scenarios import load as load_scenario

        scen = load_scenario(scenario)
    except InputError as exc:
        raise fail("scenario", exc.message, exc.allowed
                   or "a built-in scenario name, generator spec or path") from None
    name = data.get("name", Path(source).stem if source != "<spec>" else "sweep")
    if not isinstance(name, str):
        raise fail("name", f"expected a string, got {name!r}", "a string")
    if not _FOLDER_NAME.fullmatch(name) or name in (".", ".."):
        # the name becomes the folder results/NAME: no separators, no "..", no hidden folder
        raise fail("name", f"{name!r} is not a plain folder name",
                   "letters, digits, '.', '_' and '-' (not first), at most 100 characters")
    description = data.get("description", "")
    if not isinstance(description, str):
        raise fail("description", f"expected a string, got {description!r}", "a string")
    check_text(description, source=source, field="description", multiline=True,
               limit=MAX_TEXT_LENGTH)
    years = integer(data, "years", "years", scen.years, 1, 100_000)
    seed = integer(data, "seed", "seed", 0, 0, 2**63 - 1)
    replicates = integer(data, "replicates", "replicates", 1, 1, 10**9)
    max_runs = integer(data, "max_runs", "max_runs", DEFAULT_MAX_RUNS, 1, MAX_RUNS)
    task_size = integer(data, "task_size", "task_size", None, 1, 10**9)
    assert seed is not None and replicates is not None and max_runs is not None

    design_tab = table(data.get("design", {}), "design")
    keys(design_tab, _DESIGN_KEYS, "design")
    kind = design_tab.get("kind", "grid")
    if kind not in DESIGNS:
        raise fail("design.kind", f"invalid value {kind!r}", " | ".join(DESIGNS))
    points = integer(design_tab, "points", "design.points", None, 1, MAX_POINTS)
    design_seed = integer(design_tab, "seed", "design.seed", 0, 0, 2**32 - 1)
    second_order = design_tab.get("second_order", False)
    if not isinstance(second_order, bool):
        raise fail("design.second_order", f"expected a boolean, got {second_order!r}",
                   "true | false")
    if kind == "grid" and points is not None:
        raise fail("design.points", "a grid has no 'points' (its size is the product of "
                   "the levels)", "only with kind = lhs | sobol")
    if kind != "grid" and points is None:
        raise fail("design.points", "missing", "an integer >= 1 (lhs: number of points; "
                   "sobol: base sample N, a power of 2)")
    if kind == "sobol" and points is not None and points & (points - 1):
        raise fail("design.points", f"{points} is not a power of 2",
                   "a power of 2 (Sobol sequences balance only at powers of 2)")

    by_name = {f.name: f for f in Params.fields()}
    param_tab = table(data.get("parameters", {}), "parameters")
    axes: list[ParamAxis] = []
    for pname, raw in param_tab.items():
        where = f"parameters.{pname}"
        f = by_name.get(pname)
        if f is None:
            raise fail(where, "unknown parameter", ", ".join(sorted(by_name)))
        if not isinstance(raw, dict):
            # a bare list is shorthand for values
            if isinstance(raw, list):
                raw = {"values": raw}
            else:
                raise fail(where, f"expected a table or a list, got {raw!r}",
                           "{ range = [lo, hi] } or { values = [...] }")
        keys(raw, _PARAM_KEYS, where)
        if ("range" in raw) == ("values" in raw):
            raise fail(where, "give exactly one of 'range' and 'values'",
                       "{ range = [lo, hi] } or { values = [...] }")
        if "values" in raw:
            values = raw["values"]
            if not isinstance(values, list) or not values:
                raise fail(f"{where}.values", "empty list of values", "a non-empty list")
            if len(values) > MAX_STEPS:
                raise fail(f"{where}.values", f"{len(values)} values", f"at most {MAX_STEPS}")
            if "steps" in raw:
                raise fail(f"{where}.steps", "'steps' goes with 'range'", "only with range")
            checked = [_check_value(pname, v, source, f"{where}.values[{k}]")
                       for k, v in enumerate(values)]
            if len(set(map(repr, checked))) != len(checked):
                raise fail(f"{where}.values", "repeated values", "distinct values")
            axes.append(ParamAxis(pname, values=tuple(checked)))
            continue
        rng_ = raw["range"]
        if isinstance(f.default, bool | str):
            raise fail(f"{where}.range", "not a numeric parameter",
                       f"values = [...] with {f.metadata.get('choices') or 'true | false'}")
        if (not isinstance(rng_, list) or len(rng_) != 2
                or not all(isinstance(x, int | float) and not isinstance(x, bool)
                           for x in rng_)):
            raise fail(f"{where}.range", f"expected [lo, hi], got {rng_!r}",
                       "two numbers [lo, hi] with lo < hi")
        lo_v = _check_value(pname, rng_[0], source, f"{where}.range[0]")
        hi_v = _check_value(pname, rng_[1], source, f"{where}.range[1]")
        if not lo_v < hi_v:
            raise fail(f"{where}.range", f"empty range [{rng_[0]}, {rng_[1]}]",
                       "lo < hi")
        steps = integer(raw, "steps", f"{where}.steps", None, 1, MAX_STEPS)
        if kind == "grid" and steps is None:
            raise fail(f"{where}.steps", "missing (a grid needs the number of levels of a "
                       "range)", "an integer >= 1")
        if kind != "grid" and steps is not None:
            raise fail(f"{where}.steps", "'steps' is for grid designs", "only with kind = grid")
        axes.append(ParamAxis(pname, lo=float(lo_v), hi=float(hi_v), steps=steps))
    if kind != "grid" and not axes:
        raise fail("parameters", f"a {kind} design needs at least one parameter to vary",
                   "one or more [parameters] entries")

    fixed_tab = table(data.get("fixed", {}), "fixed")
    fixed_checked = Params().with_overrides(fixed_tab, source=f"{source} [fixed]")
    fixed = {k: getattr(fixed_checked, k) for k in fixed_tab}
    for k in fixed:
        if k in param_tab:
            raise fail(f"fixed.{k}", "both fixed and varied", "a parameter in one table only")

    out_tab = table(data.get("outcomes", {}), "outcomes")
    keys(out_tab, _OUTCOME_KEYS, "outcomes")
    keep_raw = out_tab.get("keep", list(DEFAULT_OUTCOMES))
    if not isinstance(keep_raw, list) or not keep_raw:
        raise fail("outcomes.keep", f"expected a non-empty list, got {keep_raw!r}",
                   ", ".join(DATASETS))
    for k in keep_raw:
        if k not in DATASETS:
            raise fail("outcomes.keep", f"unknown outcome {k!r}", ", ".join(DATASETS))
    if "summaries" not in keep_raw:
        raise fail("outcomes.keep", "'summaries' is required (it marks a finished task)",
                   "a list containing 'summaries'")
    keep = tuple(k for k in DATASETS if k in keep_raw)

    return SweepSpec(
        scenario=scenario, years=years or scen.years, seed=seed, replicates=replicates,
        design=kind, axes=tuple(axes), points=points, design_seed=design_seed or 0,
        second_order=second_order, fixed=fixed, keep=keep, task_size=task_size,
        max_runs=max_runs, name=name, description=description, source=source,
        scenario_digest=digest,
    )
