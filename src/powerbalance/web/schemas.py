"""Request bodies of the web lab (pydantic models with limits) and the checks behind them.

Every limit is refused with status 422 before anything is allocated: the
size of a run (worlds, years), the actors of a scenario, and the memory a
run's tables would take (:func:`memory_estimate`). A scenario is named, never
a path: a built-in name, ``random`` with a few numeric options, or
``cow:YEAR``, whose data folder is the server's ``--data`` (the browser never
sends a file path).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from powerbalance.errors import InputError
from powerbalance.params import Params

#: Largest ensemble of one request (the lab's 1,000-world runs fit).
MAX_WORLDS = 2000
#: Longest run, in simulated years.
MAX_YEARS = 1000
#: Most actors in a scenario (COW years have up to about 200 states).
MAX_ACTORS = 250
#: Most provinces of a generated map (its distance matrix grows with the square).
MAX_PROVINCES = 2500
#: Largest estimated size of a run's tables in memory.
MAX_MEMORY_BYTES = 2 << 30
#: Bytes per world x year x actor: the actor table (world, year, actor, three category
#: codes, alive, share, wealth, military, territory: 46 bytes) plus the engine's
#: recorded arrays (share, wealth, military, territory, alive: 33 bytes), rounded up.
BYTES_PER_ACTOR_YEAR = 80
#: Bytes per world x year of the system table (about 15 columns).
BYTES_PER_WORLD_YEAR = 64
#: Bytes per map world x year x province of the province table (world, year, province,
#: owner) and the engine's owner array.
BYTES_PER_PROVINCE_YEAR = 16
#: Worlds whose province owners a run records (the map); others are re-run on demand.
MAP_WORLDS = 8

_NAME = r"[a-z0-9][a-z0-9._-]{0,63}"
_RANDOM_OPTION = re.compile(r"^(actors|provinces|seed)=\d{1,6}$|^inequality=\d{1,2}(\.\d{1,6})?$")
_COW = re.compile(r"^cow:(\d{4})$")

ParamValue = float | bool | Annotated[str, StringConstraints(max_length=32)]
Overrides = Annotated[dict[Annotated[str, StringConstraints(max_length=64)], ParamValue],
                      Field(default_factory=dict, max_length=len(Params.fields()))]
#: A scenario as the browser names it: looked up in the lab's lists, never opened as a path.
ScenarioSpec = Annotated[str, StringConstraints(min_length=1, max_length=96,
                                                pattern=r"^[^/\\\x00-\x1f]+$")]


class LimitError(ValueError):
    """A request beyond the lab's limits (answered with status 422)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


class RunRequest(BaseModel):
    """Simulate ``worlds`` worlds of a scenario (``powerbalance run``)."""

    model_config = ConfigDict(extra="forbid")

    scenario: ScenarioSpec = "warring-states"
    params: Overrides
    worlds: int = Field(1, ge=1, le=MAX_WORLDS)
    years: int | None = Field(None, ge=1, le=MAX_YEARS)
    seed: int = Field(0, ge=0, le=2**63 - 1)


class CompareRequest(BaseModel):
    """Two arms with common random numbers: an experiment of the registry, or two
    parameter settings ``a`` and ``b`` of one scenario compared on ``statistic``."""

    model_config = ConfigDict(extra="forbid")

    experiment: Annotated[str, StringConstraints(pattern=f"^{_NAME}$")] | None = None
    scenario: ScenarioSpec | None = None
    a: Overrides
    b: Overrides
    statistic: Annotated[str, StringConstraints(
        max_length=96, pattern=r"^[a-z_]+(:[^/\\\x00-\x1f]{1,64})?$")] = "unified"
    worlds: int = Field(100, ge=2, le=MAX_WORLDS)
    years: int | None = Field(None, ge=1, le=MAX_YEARS)
    seed: int = Field(0, ge=0, le=2**63 - 1)
    confidence: float = Field(0.95, gt=0.5, lt=1.0)

    @model_validator(mode="after")
    def _one_kind(self) -> CompareRequest:
        if (self.experiment is None) == (self.scenario is None):
            raise ValueError("give either 'experiment' or 'scenario' (with 'a' and 'b')")
        return self

    @property
    def kind(self) -> Literal["experiment", "settings"]:
        """``experiment`` or ``settings`` (two parameter settings)."""
        return "experiment" if self.experiment is not None else "settings"


@lru_cache(maxsize=1)
def builtin_scenarios() -> tuple[tuple[str, str], ...]:
    """(name, one-line description) of the built-in scenarios the lab offers (files and
    generators, not ``cow``); read once per server (the package's files do not change)."""
    from powerbalance.scenarios import available

    return tuple((name, text) for name, text in available() if name != "cow")


def builtin_names() -> list[str]:
    """The built-in scenario names the lab offers."""
    return [name for name, _ in builtin_scenarios()]


def resolve_spec(spec: str, data: str | None) -> str:
    """The string to give :func:`powerbalance.scenarios.load` for a lab scenario spec.

    A :class:`LimitError` for anything but a built-in name, ``random[:options]`` within
    the limits, or ``cow:YEAR`` on a server started with ``--data``.

    >>> resolve_spec("warring-states", None)
    'warring-states'
    >>> resolve_spec("cow:1914", "DATA")
    'cow:1914,data=DATA'
    >>> resolve_spec("../x.toml", None)
    Traceback (most recent call last):
    ...
    powerbalance.web.schemas.LimitError: unknown scenario '../x.toml'
    """
    name, colon, options = spec.partition(":")
    if name == "cow":
        if _COW.match(spec) is None:
            raise LimitError("scenario", f"unknown scenario {spec!r} (cow:YEAR, e.g. cow:1914)")
        if not data:
            raise LimitError("scenario", "cow:YEAR needs the server's --data folder "
                             "(start it with 'powerbalance serve --data DIR')")
        return f"{spec},data={data}"
    if name == "random":
        values = {"actors": 20, "provinces": 4}
        for item in filter(None, options.split(",")):
            if _RANDOM_OPTION.match(item) is None:
                raise LimitError("scenario", f"random option {item!r}: allowed actors=N, "
                                 "provinces=N, inequality=X, seed=N")
            key, _, value = item.partition("=")
            values[key] = int(float(value))
        if values["actors"] > MAX_ACTORS:
            raise LimitError("scenario", f"{values['actors']} actors: at most {MAX_ACTORS}")
        if values["actors"] * values["provinces"] > MAX_PROVINCES:
            raise LimitError("scenario", f"{values['actors'] * values['provinces']} "
                             f"provinces: at most {MAX_PROVINCES}")
        return spec
    if colon or spec not in builtin_names():
        raise LimitError("scenario", f"unknown scenario {spec!r}")
    return spec


def memory_estimate(actors: int, provinces: int, worlds: int, years: int,
                    map_worlds: int = MAP_WORLDS) -> int:
    """Estimated bytes of a run's tables and recorded arrays.

    >>> memory_estimate(7, 40, 1000, 300) // 2**20
    180
    """
    slots = worlds * (years + 1)
    maps = min(worlds, map_worlds) * (years + 1) * provinces
    return (slots * (actors * BYTES_PER_ACTOR_YEAR + BYTES_PER_WORLD_YEAR)
            + maps * BYTES_PER_PROVINCE_YEAR)


def check_size(actors: int, provinces: int, worlds: int, years: int) -> int:
    """The memory estimate of a run, or a :class:`LimitError` beyond the limits."""
    if actors > MAX_ACTORS:
        raise LimitError("scenario", f"{actors} actors: at most {MAX_ACTORS}")
    size = memory_estimate(actors, provinces, worlds, years)
    if size > MAX_MEMORY_BYTES:
        raise LimitError("worlds", f"the run would take about {size / 2**30:.1f} GiB of "
                         f"memory: at most {MAX_MEMORY_BYTES / 2**30:.0f} GiB "
                         "(fewer worlds or years)")
    return size


def check_overrides(make_params: Any, overrides: dict[str, Any], field: str) -> Params:
    """The scenario's parameters with ``overrides``, or a :class:`LimitError` naming the bad
    one (the library's own validation, :meth:`Params.with_overrides`)."""
    try:
        return make_params(overrides, source=field)
    except InputError as exc:
        raise LimitError(field, str(exc)) from None
