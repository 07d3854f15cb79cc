"""Scenario objects: a map, actors and parameter overrides, validated.

A :class:`Scenario` turns into the static :class:`~powerbalance.model.state.Setting`
and the initial :class:`~powerbalance.model.state.WorldState` of any batch of
worlds. Every world of a run starts from the same scenario; only the random
keys differ.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance import rng
from powerbalance.model.derived import derive, territorial_base
from powerbalance.model.economy import own_growth, renormalise
from powerbalance.model.geography import ProvinceMap
from powerbalance.model.law import TROPPAU
from powerbalance.model.state import (
    PAIR,
    Setting,
    WorldState,
    batch_bytes,
    check_memory,
    run_bytes,
    setting_bytes,
)
from powerbalance.params import Params
from powerbalance.strategies import registry


@dataclass(frozen=True)
class ActorSpec:
    """One actor of a scenario (provinces and capital are province indices)."""

    name: str
    provinces: tuple[int, ...]
    capital: int
    wealth: float | None = None
    """Economic base at the start; ``None`` = the extracted production of its provinces."""
    military: float | None = None
    """Military stock at the start; ``None`` = the steady state of the base burden."""
    nuclear: int = 0
    resolve: float = 0.5
    cohesion: float = 1.0
    strategy: str = "status-quo"
    """The strategy name (for a mixed profile, its most probable strategy)."""
    region: str = "world"
    major: bool = False
    profile: tuple[tuple[str, float], ...] = ()
    """A mixed profile ((name, probability), ...): the strategy is drawn per world at
    initialisation from a counter-based stream (empty = the pure ``strategy``)."""
    reserve: bool = False
    """A reserve slot: starts dead, without provinces, and may be filled by seceding
    provinces (see :mod:`powerbalance.model.subversion`)."""
    growth_trend: float | None = None
    """The actor's own mean growth rate relative to ``Params.growth_rate`` (the state's
    ``growth``: rate = ``growth_rate + growth_trend``), e.g. taken from data; ``None`` =
    drawn with ``Params.growth_spread`` as for every other actor."""
    mobility: float = 1.0
    """Multiplier of the distance over which the actor's military power is projected (its
    loss-of-strength gradient, Boulding 1962, is flattened: distance counts ``1 /
    mobility``); 1 = the engine's ``reach_midpoint`` (see :attr:`Setting.mobility`)."""
    mobilisation: float = 1.0
    """The military a unit of the actor's base spending (up to ``Params.base_spend``; a
    strategy's extra effort above it converts at 1) buys, relative to a sedentary state's (a
    steppe people whose every adult man is a mounted archer: May 2007; Khazanov 1984); 1 =
    the engine's conversion. Raised to ``Params.mobilisation_scale`` (see
    :attr:`Setting.mobilisation` and :func:`powerbalance.model.economy.economy`)."""
    compliance: float | None = None
    """The actor's disposition to comply with the law of nations in [0, 1] (the state's
    ``compliance``, read when ``Params.law`` is on); ``None`` = drawn from the ``LAW``
    stream (:mod:`powerbalance.model.law`)."""
    concert: bool = False
    """A member of the great powers' concert (the state's ``concert``, read when
    ``Params.law`` is on): joint management of the settlement (:mod:`powerbalance.model.law`)."""


@dataclass(frozen=True)
class Scenario:
    """A validated scenario."""

    name: str
    description: str
    province_map: ProvinceMap
    actors: tuple[ActorSpec, ...]
    params: dict[str, Any] = field(default_factory=dict)
    alliances: tuple[tuple[int, int, float], ...] = ()
    """Alliances in force at the start: (actor, actor, commitment)."""
    offence: tuple[tuple[int, int, float], ...] = ()
    """Offensive obligations of alliances in force at the start: (actor, actor, share each
    owes when the other attacks; ``WorldState.pact_offence``). A pact not listed is
    defensive (ATOP's OFFENSE = 0)."""
    years: int = 300
    sources: tuple[str, ...] = ()
    stylisation: str = ""
    origin: str = "<built-in>"
    province_names: tuple[str, ...] = ()
    """Display names of the provinces by index (a graph map's ``name``, else its id); empty
    when the scenario names none. For drawing only: the engine knows provinces by index."""

    @property
    def names(self) -> tuple[str, ...]:
        """Actor names in order."""
        return tuple(a.name for a in self.actors)

    def make_params(self, overrides: dict[str, Any] | None = None,
                    source: str = "--set") -> Params:
        """Defaults, then the scenario's ``[params]``, then ``overrides``."""
        params = Params().with_overrides(self.params, source=f"{self.origin} [params]")
        return params.with_overrides(overrides or {}, source=source)

    def setting(self, params: Params, engine: str | None = None) -> Setting:
        """The static setting (distances depend on ``params.sea_cost``) run by ``engine``
        (None: the default engine, see :func:`powerbalance.model.engines.default_engine`)."""
        check_memory(setting_bytes(self.province_map.n),
                     f"the distances of {self.province_map.n} provinces", source=self.origin,
                     field="map", hint="a smaller map")
        return Setting.build(self.province_map, self.names, [a.region for a in self.actors],
                             params, policy=registry.instance,
                             mobility=([a.mobility for a in self.actors]
                                       if params.actor_mobility else None),
                             mobilisation=[a.mobilisation ** params.mobilisation_scale
                                           for a in self.actors], engine=engine)

    def draw_strategies(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int16]:
        """(B, N) registry ids of each actor's strategy in the worlds of ``keys``.

        Pure strategies are the same in every world; mixed profiles are drawn
        per world and actor from the counter-based ``PROFILE`` stream, so world
        k of a batch draws what it draws alone.
        """
        n = len(self.actors)
        ids = np.array([registry.id_of(a.strategy, self.origin) for a in self.actors],
                       dtype=np.int16)
        out = np.broadcast_to(ids, (len(keys), n)).copy()
        mixed = [k for k, a in enumerate(self.actors) if a.profile]
        if mixed:
            u = rng.uniform(keys, 0, rng.Stream.PROFILE, (n,))
            for k in mixed:
                names = [name for name, _ in self.actors[k].profile]
                cum = np.cumsum([p for _, p in self.actors[k].profile])
                pick = np.minimum(np.searchsorted(cum, u[:, k] * cum[-1], side="right"),
                                  len(names) - 1)
                choice = np.array([registry.id_of(name) for name in names], dtype=np.int16)
                out[:, k] = choice[pick]
        return out

    def initial_state(self, params: Params, setting: Setting, seed: int,
                      worlds: npt.ArrayLike) -> WorldState:
        """Initial state of the given global world indices under ``seed``."""
        worlds = np.asarray(worlds, dtype=np.int64).reshape(-1)
        return self.initial_state_of(params, setting, rng.world_keys(seed, worlds))

    def initial_state_of(self, params: Params, setting: Setting,
                         keys: npt.NDArray[np.uint64]) -> WorldState:
        """Initial state of the worlds of ``keys`` (:func:`powerbalance.rng.world_keys`)."""
        b, n, p = len(keys), len(self.actors), self.province_map.n
        check_memory(batch_bytes(b, n, p), f"a batch of {b} worlds of {n} actors",
                     source=self.origin, field="worlds", hint="fewer worlds at once")
        owner = np.full(p, -1, dtype=np.int64)
        for i, actor in enumerate(self.actors):
            owner[list(actor.provinces)] = i
        capital = np.array([a.capital for a in self.actors], dtype=np.int64)
        base, _ = territorial_base(owner[None], capital[None], n, setting, params, 0)
        base = base[0]
        wealth = np.array([a.wealth if a.wealth is not None else base[i]
                           for i, a in enumerate(self.actors)], dtype=float)
        productivity = np.divide(wealth, base, out=np.ones(n), where=base > 0)
        steady = params.base_spend / max(params.military_depreciation, 1e-9)
        # Each actor's steady state under its own conversion (x 1.0 is exact).
        conversion = np.ones(n) if setting.mobilisation is None else setting.mobilisation
        military = np.array([a.military if a.military is not None
                             else steady * conversion[i] * wealth[i]
                             for i, a in enumerate(self.actors)], dtype=float)
        living = np.array([not a.reserve for a in self.actors])
        # Large start stocks (wealth up to 1e15; with military_depreciation = 0 the steady
        # military is base_spend / 1e-9 times wealth) start renormalised like grown ones.
        productivity, wealth, military, scale = renormalise(
            productivity[None], wealth[None], military[None], np.zeros(1, dtype=np.int64))
        productivity, wealth, military = productivity[0], wealth[0], military[0]
        strategy = self.draw_strategies(keys)

        cached = derive(owner[None], capital[None], living[None], setting, params, 0)

        alliance = np.zeros((n, n), dtype=PAIR)
        for i, j, commitment in self.alliances:
            alliance[i, j] = alliance[j, i] = commitment

        def tile(x: np.ndarray) -> np.ndarray:
            return np.broadcast_to(x, (b, *x.shape)).copy()

        state = WorldState(
            year=0,
            keys=keys,
            alive=tile(living),
            productivity=tile(productivity),
            wealth=tile(wealth),
            military=tile(military),
            spend=np.full((b, n), params.base_spend),
            nuclear=tile(np.array([a.nuclear for a in self.actors], dtype=np.int8)),
            resolve=tile(np.array([a.resolve for a in self.actors], dtype=float)),
            cohesion=tile(np.array([a.cohesion for a in self.actors], dtype=float)),
            strategy=strategy,
            capital=tile(capital),
            owner=tile(owner),
            hostility=np.zeros((b, n, n), dtype=PAIR),
            alliance=tile(alliance),
            adjacent=tile(cached.adjacent[0]),
            capital_distance=tile(cached.capital_distance[0]),
            reach=tile(cached.reach[0]),
            base=tile(cached.base[0]),
            abandonment=np.zeros((b, n, n), dtype=np.float32),
            exploitation=np.zeros((b, n, n), dtype=np.float32),
            fought=np.zeros((b, n, n), dtype=bool),
            captor=np.full((b, n), -1, dtype=np.int64),
            capture_left=np.zeros((b, n), dtype=np.int64),
            scale=np.repeat(scale, b),
        )
        trend = np.array([np.nan if a.growth_trend is None else a.growth_trend
                          for a in self.actors], dtype=float)
        if not np.isnan(trend).all():
            # Actors with a given trend get it; the others keep the draw the engine makes
            # at its first step (the same TRAIT stream), so they are as without trends.
            given = np.broadcast_to(params.growth_rate + trend, (b, n))
            state = state.replace(growth=np.where(np.isnan(given), own_growth(state, params),
                                                  given))
        fixed = np.array([np.nan if a.compliance is None else a.compliance
                          for a in self.actors], dtype=float)
        if not np.isnan(fixed).all():  # the others are drawn at the first step
            state = state.replace(compliance=np.broadcast_to(fixed, (b, n)).copy())
        if self.offence:  # the treaties' offensive obligations (ATOP OFFENSE)
            pact = np.zeros((n, n), dtype=np.float32)
            for i, j, share in self.offence:
                pact[i, j] = pact[j, i] = share
            state = state.replace(pact_offence=tile(pact))
        members = np.array([a.concert for a in self.actors], dtype=bool)
        if members.any():
            state = state.replace(concert=np.broadcast_to(members, (b, n)).copy())
            if params.concert_interveners == "troppau":  # Britain abstains (law.TROPPAU)
                signed = members & np.array([a.name in TROPPAU for a in self.actors])
                state = state.replace(interveners=np.broadcast_to(signed, (b, n)).copy())
        return state


def check_run_memory(scenario: Scenario, *, worlds: int, years: int, batch_size: int,
                     record: str = "full", map_worlds: int = 1, streamed: bool = False,
                     budget: int | None = None) -> None:
    """Refuse, before anything is allocated, a run whose tables, batch or map would not fit
    in memory (see :func:`powerbalance.model.state.run_bytes`): one line with the estimate
    and the limit.

    >>> from powerbalance.scenarios import load
    >>> check_run_memory(load("warring-states"), worlds=10**7, years=300, batch_size=1000)
    Traceback (most recent call last):
    ...
    powerbalance.errors.InputError: run: worlds: 10000000 worlds x 300 years of 7 actors \
needs about ... of memory (allowed: at most ...)
    """
    n, p = len(scenario.actors), scenario.province_map.n
    needed = run_bytes(worlds, years, n, p, batch_size=batch_size, record=record,
                       map_worlds=map_worlds, streamed=streamed)
    check_memory(needed, f"{worlds} worlds x {years} years of {n} actors", source="run",
                 field="worlds", hint="fewer worlds or years (each run keeps a row per world, "
                 "year and actor in memory), or a sweep", budget=budget)
