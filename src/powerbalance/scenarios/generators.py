"""Scenario generators: scenarios made by code from a few options.

``random``: N actors on a hexagonal map. Capitals are spread by farthest-point
sampling, provinces go to the nearest capital, and each actor's productivity
is multiplied by a mean-one log-normal factor whose spread is ``inequality``
(0 = equal actors). Strategies are drawn from ``mix``. Everything is a pure
function of the options (``seed`` is the scenario's own seed, distinct from
the run's master seed).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from powerbalance.errors import InputError
from powerbalance.model import geography
from powerbalance.model.state import check_memory, setting_bytes
from powerbalance.params import Params
from powerbalance.scenarios.loader import MAX_ACTORS
from powerbalance.scenarios.model import ActorSpec, Scenario
from powerbalance.strategies import registry

_RANDOM_DEFAULTS: dict[str, Any] = {
    "actors": 20,
    "provinces": 4,
    "inequality": 0.5,
    "seed": 0,
    "mix": "hegemon-seeker:0.3+external-balancer:0.4+status-quo:0.3",
}


#: Allowed range of each numeric option of ``random`` (inclusive).
_RANDOM_RANGES: dict[str, tuple[float, float]] = {
    "actors": (2, MAX_ACTORS),
    "provinces": (1, 100),
    "inequality": (0, 5),
    "seed": (0, 2**63 - 1),
}
#: Largest weight of one strategy in a ``mix`` (weights are normalised; this only keeps
#: them finite and their sum exact enough).
MAX_MIX_WEIGHT = 1e9
#: Longest generator option string accepted.
MAX_OPTIONS_LENGTH = 10_000


def _parse_options(options: str, defaults: dict[str, Any], source: str,
                   ranges: dict[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    """``key=value,key=value`` into typed values, each checked against ``ranges``."""
    out = dict(defaults)
    if not options:
        return out
    if len(options) > MAX_OPTIONS_LENGTH:
        raise InputError(f"{len(options)} characters of options", source=source[:80],
                         field="options", allowed=f"at most {MAX_OPTIONS_LENGTH} characters")
    for item in options.split(","):
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or key not in defaults:
            raise InputError(f"bad option {item!r}", source=source, field=key or item,
                             allowed=", ".join(f"{k}=..." for k in defaults))
        default = defaults[key]
        lo, hi = (ranges or {}).get(key, (None, None))
        allowed = (f"{type(default).__name__} from {lo} to {hi}" if lo is not None
                   and hi is not None else type(default).__name__)
        try:
            out[key] = type(default)(value) if not isinstance(default, str) else value
        except ValueError:
            raise InputError(f"expected {type(default).__name__}, got {value!r}",
                             source=source, field=key, allowed=allowed) from None
        if lo is not None and hi is not None and not lo <= out[key] <= hi:  # NaN fails too
            raise InputError(f"{key} = {value.strip()} out of range", source=source, field=key,
                             allowed=allowed)
    return out


def _parse_mix(mix: str, source: str) -> tuple[list[str], np.ndarray]:
    names, weights = [], []
    allowed = f"name:weight+name:weight with weights from 0 to {MAX_MIX_WEIGHT:g}"
    for part in mix.split("+"):
        name, _, w = part.partition(":")
        registry.get(name.strip(), source)
        try:
            weight = float(w or 1.0)
        except ValueError:
            raise InputError(f"bad weight {w!r}", source=source, field="mix",
                             allowed=allowed) from None
        if not 0 <= weight <= MAX_MIX_WEIGHT:  # NaN and inf fail too
            raise InputError(f"weight {w.strip()} of {name.strip()!r}", source=source,
                             field="mix", allowed=allowed)
        names.append(name.strip())
        weights.append(weight)
    total = sum(weights)
    if total <= 0:
        raise InputError("weights sum to zero", source=source, field="mix", allowed="> 0")
    return names, np.array(weights) / total


def random_scenario(options: str = "", source: str = "random") -> Scenario:
    """N actors on a hex map with unequal wealth.

    Options: actors (2 to 4000), provinces per actor (1 to 100), inequality (0 to 5),
    seed (0 to 2**63 - 1), mix. A map too large for the memory (its distance matrix
    has (actors x provinces)**2 entries) is refused before it is built.
    """
    opt = _parse_options(options, _RANDOM_DEFAULTS, source, _RANDOM_RANGES)
    n = opt["actors"]
    per = opt["provinces"]
    names, weights = _parse_mix(opt["mix"], source)
    cells = n * per
    check_memory(setting_bytes(cells), f"a map of {n} x {per} = {cells} provinces",
                 source=source, field="provinces", hint="fewer actors or provinces")
    rng = np.random.default_rng(np.random.SeedSequence(opt["seed"]))
    cols = int(np.ceil(np.sqrt(cells)))
    rows = int(np.ceil(cells / cols))
    pmap = geography.hex_grid(rows, cols)
    # Rows of the distance matrix as they are needed (the same numbers as the whole
    # matrix's: ProvinceMap.distance_rows), not the (P, P) matrix.
    sea_cost = Params().sea_cost
    capitals = [int(rng.integers(pmap.n))]
    nearest = pmap.distance_rows([capitals[0]], sea_cost)[0]
    for _ in range(n - 1):
        nxt = int(np.argmax(nearest))
        capitals.append(nxt)
        nearest = np.minimum(nearest, pmap.distance_rows([nxt], sea_cost)[0])
    owner = np.argmin(pmap.distance_rows(capitals, sea_cost), axis=0)
    sigma = opt["inequality"]
    factor = rng.lognormal(-sigma**2 / 2, sigma, n) if sigma > 0 else np.ones(n)
    strategies = rng.choice(len(names), size=n, p=weights)
    actors = []
    for i in range(n):
        provinces = tuple(np.flatnonzero(owner == i).tolist())
        wealth = float(len(provinces) * factor[i])
        actors.append(ActorSpec(name=f"A{i:0{len(str(n - 1))}d}", provinces=provinces,
                                capital=capitals[i], wealth=wealth,
                                strategy=names[strategies[i]]))
    return Scenario(
        name="random", description=random_scenario.__doc__ or "", province_map=pmap,
        actors=tuple(actors), origin=source,
        stylisation=f"options: {', '.join(f'{k}={v}' for k, v in opt.items())}",
    )


def _cow(options: str = "", source: str = "cow") -> Scenario:
    """The state system of a year from the user's Correlates of War data (cow:1914,data=DIR)."""
    from powerbalance.scenarios.cow_scenario import cow_scenario

    return cow_scenario(options, source=source)


GENERATORS: dict[str, Callable[..., Scenario]] = {"random": random_scenario, "cow": _cow}


def generate(name: str, options: str, source: str) -> Scenario:
    """Run generator ``name`` with its option string."""
    return GENERATORS[name](options, source=source)
