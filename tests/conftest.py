"""Shared test helpers: small scenarios built from dicts, and the run helper."""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import pytest
from hypothesis import settings

from powerbalance.experiments.runner import Trajectory, simulate
from powerbalance.scenarios import Scenario, parse

# The tests run the NumPy engine, the reference (the specification of the model), wherever
# they name no engine, as the mutation check does (tests/model/mutants.py); the default
# engine of the package is the compiled one (powerbalance.model.engines.DEFAULT_ENGINE),
# bit-identical to it: tests/model/test_compiled*.py compare the two, and
# tests/model/test_default_engine.py checks the default itself. Set POWERBALANCE_ENGINE=compiled
# to run the whole suite on the compiled engine. Set here, at import, so that every
# subprocess a test starts (the CLI, the sweeps' worker processes) inherits it.
os.environ.setdefault("POWERBALANCE_ENGINE", "numpy")

# CI runs the same Hypothesis examples every time (a failure there is reproducible);
# local runs explore new ones.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


def line_scenario(actors: list[dict[str, Any]], provinces: int = 4,
                  params: dict[str, Any] | None = None, sea: list[list[Any]] | None = None,
                  alliances: list[list[Any]] | None = None) -> Scenario:
    """Provinces p0..p{k-1} in a line (land links), actors given as dicts.

    Actor dicts need ``name``, ``provinces`` (ids) and ``capital``; the rest
    defaults as in scenario files.
    """
    data: dict[str, Any] = {
        "name": "test-line",
        "map": {
            "topology": "graph",
            "provinces": [{"id": f"p{i}", "x": float(i), "y": 0.0} for i in range(provinces)],
            "land": [[f"p{i}", f"p{i + 1}"] for i in range(provinces - 1)],
            "sea": sea or [],
        },
        "params": params or {},
        "actors": actors,
    }
    if alliances:
        data["alliances"] = alliances
    return parse(data, "test-line.toml")


def simulate_scenario(scenario: Scenario, years: int, worlds: int = 1, seed: int = 0,
                      overrides: dict[str, Any] | None = None, first_world: int = 0,
                      record: str = "full") -> Trajectory:
    """Run a scenario with the low-level runner."""
    params = scenario.make_params(overrides)
    setting = scenario.setting(params)
    ids = np.arange(first_world, first_world + worlds)
    return simulate(scenario, params, setting, seed, ids, years, record=record)


def event_rows(traj: Trajectory, kind: str) -> np.ndarray:
    """(world position, year, actor, other, value) rows of one event kind."""
    from powerbalance.model.events import EventKind

    code = EventKind[kind.upper()]
    sel = traj.events.kind == code
    return np.column_stack([traj.events.world[sel], traj.event_year[sel],
                            traj.events.actor[sel], traj.events.other[sel],
                            traj.events.value[sel]])


@pytest.fixture(scope="session")
def small_run():
    """A small seeded warring-states run shared by read-only tests."""
    import powerbalance as pb

    return pb.run("warring-states", years=40, worlds=6, seed=11)
