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
from powerbalance.params import Params
from powerbalance.scenarios.model import ActorSpec, Scenario
from powerbalance.strategies import registry

_RANDOM_DEFAULTS: dict[str, Any] = {
    "actors": 20,
    "provinces": 4,
    "inequality": 0.5,
    "seed": 0,
    "mix": "hegemon-seeker:0.3+external-balancer:0.4+status-quo:0.3",
}


def _parse_options(options: str, defaults: dict[str, Any], source: str) -> dict[str, Any]:
    out = dict(defaults)
    if not options:
        return out
    for item in options.split(","):
        key, eq, value = item.partition("=")
        key = key.strip()
        if not eq or key not in defaults:
            raise InputError(f"bad option {item!r}", source=source, field=key or item,
                             allowed=", ".join(f"{k}=..." for k in defaults))
        default = defaults[key]
        try:
            out[key] = type(default)(value) if not isinstance(default, str) else value
        except ValueError:
            raise InputError(f"expected {type(default).__name__}, got {value!r}",
                             source=source, field=key, allowed=type(default).__name__) from None
    return out


def _parse_mix(mix: str, source: str) -> tuple[list[str], np.ndarray]:
    names, weights = [], []
    for part in mix.split("+"):
        name, _, w = part.partition(":")
        registry.get(name, source)
        try:
            weight = float(w or 1.0)
        except ValueError:
            raise InputError(f"bad weight {w!r}", source=source, field="mix",
                             allowed="name:weight+name:weight") from None
        if weight < 0:
            raise InputError("negative weight", source=source, field="mix", allowed=">= 0")
        names.append(name)
        weights.append(weight)
    total = sum(weights)
    if total <= 0:
        raise InputError("weights sum to zero", source=source, field="mix", allowed="> 0")
    return names, np.array(weights) / total


def random_scenario(options: str = "", source: str = "random") -> Scenario:
    """N actors on a hex map with unequal wealth.

    Options: actors, provinces (per actor), inequality, seed, mix.
    """
    opt = _parse_options(options, _RANDOM_DEFAULTS, source)
    n = opt["actors"]
    if not 2 <= n <= 5000:
        raise InputError(f"{n} actors", source=source, field="actors", allowed="2 to 5000")
    per = opt["provinces"]
    if not 1 <= per <= 100:
        raise InputError(f"{per} provinces per actor", source=source, field="provinces",
                         allowed="1 to 100")
    if not 0 <= opt["inequality"] <= 5:
        raise InputError(f"inequality {opt['inequality']}", source=source, field="inequality",
                         allowed="0 to 5")
    names, weights = _parse_mix(opt["mix"], source)
    rng = np.random.default_rng(np.random.SeedSequence(opt["seed"]))
    cells = n * per
    cols = int(np.ceil(np.sqrt(cells)))
    rows = int(np.ceil(cells / cols))
    pmap = geography.hex_grid(rows, cols)
    dist = pmap.distances(Params().sea_cost)
    capitals = [int(rng.integers(pmap.n))]
    nearest = dist[capitals[0]].copy()
    for _ in range(n - 1):
        nxt = int(np.argmax(nearest))
        capitals.append(nxt)
        nearest = np.minimum(nearest, dist[nxt])
    owner = np.argmin(dist[capitals], axis=0)
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
