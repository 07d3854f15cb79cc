"""The interstate model as an arena: the engine's own state, step and measures.

The arena's state is the engine's :class:`~powerbalance.model.state.WorldState`, its step
:func:`powerbalance.model.step.step` and its measures the interstate run's own columns
(:func:`powerbalance.experiments.tables.system_metrics` on the capability shares the
scenario runner records), so a world of ``interstate:NAME`` is the world of the scenario
``NAME`` number for number: the same keys give the same starting state
(:meth:`~powerbalance.scenarios.model.Scenario.initial_state_of`) and the same years.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from powerbalance.model.derived import territory
from powerbalance.model.economy import capability_share
from powerbalance.model.state import Setting, WorldState
from powerbalance.model.step import step as engine_step
from powerbalance.params import Params
from powerbalance.rng import U64
from powerbalance.scenarios.model import Scenario


@dataclass(frozen=True)
class InterstateParams:
    """A scenario with its parameters and its static setting (built once per spec)."""

    scenario: Scenario
    params: Params
    setting: Setting

    @property
    def years(self) -> int:
        """The scenario's own number of years (the arena's default run length)."""
        return self.scenario.years


def make(spec_text: str, source: str) -> InterstateParams:
    """The scenario ``spec_text`` (a built-in name, a generator spec or a TOML file) at its
    own parameters; a bad scenario is the scenario loader's one-line error."""
    from powerbalance.scenarios import load

    scenario = load(spec_text)
    params = scenario.make_params()
    return InterstateParams(scenario=scenario, params=params, setting=scenario.setting(params))


def init(p: InterstateParams, keys: U64) -> WorldState:
    """The scenario's starting state of the worlds of ``keys``."""
    return p.scenario.initial_state_of(p.params, p.setting, keys)


def step(state: WorldState, p: InterstateParams, keys: U64, year: int) -> WorldState:
    """One year of the engine (the state carries its own keys and year)."""
    return engine_step(state, p.setting, p.params)[0]


def measure(state: WorldState, p: InterstateParams
            ) -> tuple[dict[str, npt.NDArray[Any]], dict[str, npt.NDArray[Any]]]:
    """The interstate run's system metrics and per-state columns, as the scenario runner
    records them (capability shares, wealth and military in single precision)."""
    from powerbalance.experiments.tables import system_metrics

    params = p.params
    share = capability_share(state.wealth, state.military, state.alive, params).astype(
        np.float32)
    system = system_metrics(share, state.alive, params.hegemony_share, p.setting.region,
                            params.regional_hegemony_share)
    actors: dict[str, npt.NDArray[Any]] = {
        "share": share,
        "alive": state.alive.copy(),
        "wealth": state.wealth.astype(np.float32),
        "military": state.military.astype(np.float32),
        "territory": territory(state.owner, state.n_actors).astype(np.int16),
    }
    return system, actors
