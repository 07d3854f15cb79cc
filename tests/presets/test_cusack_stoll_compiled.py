"""The Cusack-Stoll preset's compiled engine gives the NumPy reference's every recorded
array bit for bit (powerbalance.presets.compiled_cusack_stoll; the reference is
cusack_stoll.step), over seeds, batch sizes and parameters that take every branch of the
kernel: the victory function's exact powers and its exp/log path, every reading of the
Versailles rule, deaths by decline without war, more than 128 states (pairwise sums of
NumPy's recursive halves), and the kernel's resumption when its buffer of helpers fills."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from powerbalance.errors import InputError
from powerbalance.presets import compiled_cusack_stoll as kernel
from powerbalance.presets import cusack_stoll as cs
from powerbalance.presets import run as run_preset

FIELDS = [f.name for f in dataclasses.fields(cs.CSRun) if f.name not in ("seconds", "params")]


def assert_same(a: cs.CSRun, b: cs.CSRun) -> None:
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        assert x.tobytes() == y.tobytes(), name


def both(params: cs.CusackStollParams, seed: int, worlds: object, turns: int,
         **kwargs: object) -> tuple[cs.CSRun, cs.CSRun]:
    ref = cs.simulate(params, seed, worlds, turns, engine="numpy", **kwargs)  # type: ignore[arg-type]
    fast = cs.simulate(params, seed, worlds, turns, engine="compiled", **kwargs)  # type: ignore[arg-type]
    return ref, fast


@pytest.mark.parametrize("seed", [0, 1, 7, 2026])
@pytest.mark.parametrize("worlds", [[0], [3], np.arange(6), np.arange(5, 45, 3)])
def test_default_parameters(seed: int, worlds: object) -> None:
    ref, fast = both(cs.CusackStollParams(), seed, worlds, 200)
    assert (ref.target >= 0).any() and len(ref.joined) and (ref.death_turn >= 0).any()
    assert_same(ref, fast)


VARIANTS = {
    "exp-log victory": {"width": 0.3},
    "wide victory": {"width": 2.0},
    "exact cube": {"width": 1 / 3},
    "versailles": {"versailles": True},
    "versailles whole": {"versailles": True, "versailles_transfer": "whole"},
    "versailles loser": {"versailles": True, "versailles_transfer": "loser-probability"},
    "noiseless": {"noise": 0.0},
    "noisy, costly": {"noise": 0.6, "cost": 0.6, "reparations": 0.5},
    "decline": {"growth_location": -0.05, "growth_scale": 0.1, "death_power": 3.0},
    "no growth": {"growth_location": 0.0, "growth_scale": 0.0},
    "small graph": {"states": 7, "degree": 2},
    "tiny graph": {"states": 4, "degree": 3},
    "more than 128 states": {"states": 300, "degree": 6},
    "dense": {"states": 40, "degree": 25, "graph_seed": 3},
}


@pytest.mark.parametrize("name", sorted(VARIANTS))
def test_parameter_variations(name: str) -> None:
    params = dataclasses.replace(cs.CusackStollParams(), **VARIANTS[name])
    for seed, worlds in ((3, np.arange(4)), (11, [2])):
        ref, fast = both(params, seed, worlds, 150)
        assert_same(ref, fast)


def test_progress_chunks_and_record_joined() -> None:
    params = cs.CusackStollParams(states=30, degree=4)
    done: list[int] = []
    ref, fast = both(params, 5, np.arange(3), 2 * cs.PROGRESS_CHUNK + 7)
    _, chunked = both(params, 5, np.arange(3), 2 * cs.PROGRESS_CHUNK + 7,
                      progress=done.append)
    assert_same(ref, chunked)
    assert_same(ref, fast)
    assert done == list(range(1, 2 * cs.PROGRESS_CHUNK + 8)) * 2  # both engines, each turn
    ref, fast = both(params, 5, np.arange(3), 40, record_joined=False)
    assert len(fast.joined) == 0
    assert_same(ref, fast)


def test_a_full_buffer_of_helpers_resumes_where_it_stopped() -> None:
    # many worlds, many helpers: the first buffer (4 rows a world-turn) fills and grows
    params = cs.CusackStollParams(states=60, degree=20, noise=0.6)
    ref, fast = both(params, 1, np.arange(12), 60)
    assert len(ref.joined) > 4 * 12 * 60 + 4 * 60
    assert_same(ref, fast)


def test_pairwise_sum_is_numpys() -> None:
    rng = np.random.default_rng(0)
    frames, left = np.zeros((3, 64), np.int64), np.zeros(64)
    for n in [*range(1, 140), 255, 256, 257, 1000, 5000]:
        x = rng.random((1, n)) * np.exp(rng.normal(0, 5, (1, n))) * (rng.random((1, n)) < 0.5)
        assert x.sum(axis=1)[0] == 0.0 + kernel.pairwise_sum(x[0], 0, n, frames, left), n


def test_engine_is_compiled_by_default_and_checked() -> None:
    params = cs.CusackStollParams(states=20, degree=4)
    assert_same(cs.simulate(params, 2, [0, 1], 30), cs.simulate(params, 2, [0, 1], 30,
                                                                 engine="numpy"))
    with pytest.raises(InputError, match="unknown engine"):
        cs.simulate(params, 2, [0], 5, engine="fortran")
    with pytest.raises(InputError, match="compiled"):
        run_preset("cederman-polarity", worlds=1, length=2, engine="compiled")
    small = {"states": 20, "degree": 4}
    a, _ = run_preset("cusack-stoll", worlds=3, seed=4, length=30, overrides=small,
                      engine="numpy")
    b, _ = run_preset("cusack-stoll", worlds=3, seed=4, length=30, overrides=small,
                      engine="compiled")
    for name in ("actors", "system", "events"):
        assert a.table(name).equals(b.table(name)), name


def test_the_preset_command_runs_the_compiled_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    from powerbalance.cli import main
    from powerbalance.model.engines import ENGINE_VARIABLE

    monkeypatch.delenv(ENGINE_VARIABLE, raising=False)  # the suite runs the reference

    calls: list[int] = []
    compiled = cs._simulate_compiled

    def spy(*args: object) -> cs.CSRun:
        calls.append(1)
        return compiled(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(cs, "_simulate_compiled", spy)
    assert main(["preset", "cusack-stoll", "--worlds", "3", "--turns", "20"]) == 0
    assert calls
    calls.clear()
    assert main(["preset", "cusack-stoll", "--worlds", "3", "--turns", "20",
                 "--engine", "numpy"]) == 0
    assert not calls
    assert main(["preset", "cederman-polarity", "--worlds", "1", "--steps", "2",
                 "--engine", "compiled"]) == 2
