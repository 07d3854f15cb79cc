"""The game runs on either engine with the same results; the compiled one by default (the
package's default engine) where numba is installed."""

from __future__ import annotations

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.game import BatchedEnv, parallel_env
from powerbalance.game.core import World
from powerbalance.model.engines import default_engine


def test_default_engine_is_the_compiled_one(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("numba")
    monkeypatch.delenv("POWERBALANCE_ENGINE", raising=False)  # the tests' numpy (conftest)
    assert default_engine() == "compiled"
    assert World("warring-states").setting.engine == "compiled"
    assert World("warring-states", engine="numpy").setting.engine == "numpy"


def test_unknown_engine_is_an_input_error() -> None:
    with pytest.raises(InputError, match="engine"):
        World("warring-states", engine="fortran")


def test_parallel_env_bit_identical_across_engines() -> None:
    pytest.importorskip("numba")
    runs = {}
    for engine in ("numpy", "compiled"):
        env = parallel_env("warring-states", seed=3, players=["Qin"], max_years=40,
                           engine=engine)
        obs, _ = env.reset()
        space = env.action_space("Qin")
        space.seed(0)
        trace = [obs["Qin"].copy()]
        while env.agents:
            obs, reward, *_ = env.step({"Qin": space.sample()})
            trace += [obs["Qin"].copy(), np.float64(reward["Qin"])] if obs else []
        runs[engine] = trace
    assert len(runs["numpy"]) == len(runs["compiled"]) > 20
    for a, b in zip(runs["numpy"], runs["compiled"], strict=True):
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()


def test_batched_env_bit_identical_across_engines() -> None:
    pytest.importorskip("numba")
    out = {}
    for engine in ("numpy", "compiled"):
        env = BatchedEnv("warring-states", seed=2, players=["Qin"], worlds=6, engine=engine)
        first = env.reset()
        moves = np.random.default_rng(1).integers(0, env.nvec, size=(12, 6, 1, env.n_levers))
        steps = [env.step(m)[:2] for m in moves]
        out[engine] = [first] + [x for pair in steps for x in pair]
    for a, b in zip(out["numpy"], out["compiled"], strict=True):
        assert np.asarray(a).tobytes() == np.asarray(b).tobytes()


def test_without_numba_the_game_and_the_lab_use_numpy(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    from powerbalance.web.app import create_app

    monkeypatch.delenv("POWERBALANCE_ENGINE", raising=False)  # the tests' numpy (conftest)
    monkeypatch.setitem(sys.modules, "numba", None)  # an import of numba now fails
    assert default_engine() == "numpy"
    env = parallel_env("warring-states", seed=0, players=["Qin"], max_years=3)
    env.reset()
    env.step({"Qin": env.action_space("Qin").sample()})
    assert env.world.setting.engine == "numpy"
    assert create_app().state.lab.engine == "numpy"
