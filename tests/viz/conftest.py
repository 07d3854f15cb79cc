"""Small seeded runs shared by the viz tests (built once per session)."""

from __future__ import annotations

import matplotlib
import pytest

matplotlib.use("Agg")

import powerbalance as pb  # noqa: E402


@pytest.fixture(scope="session")
def small_run() -> pb.RunResult:
    """Warring States, 30 years, 4 worlds; world 0 has a recorded map."""
    return pb.run("warring-states", years=30, worlds=4, seed=1)


@pytest.fixture(scope="session")
def warlike_run() -> pb.RunResult:
    """A run with wars (the Warring States over 80 years), 2 map worlds."""
    return pb.run("warring-states", years=80, worlds=6, seed=3, map_worlds=2)


@pytest.fixture(scope="session")
def run_folder(tmp_path_factory: pytest.TempPathFactory, small_run: pb.RunResult):
    """``small_run`` written to a run folder."""
    folder = tmp_path_factory.mktemp("runs") / "ws"
    small_run.write(folder)
    return folder
