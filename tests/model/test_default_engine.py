"""The default engine (powerbalance.model.engines.DEFAULT_ENGINE) is the compiled one, in the
library and on the command line; ``POWERBALANCE_ENGINE`` and ``--engine`` choose the NumPy
reference; a bad value is a one-line error (exit 2); the two give the same bits.

The rest of the suite runs the NumPy engine wherever a test names none (tests/conftest.py
sets ``POWERBALANCE_ENGINE=numpy``), so each test here first removes or sets the variable.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

import powerbalance as pb
from powerbalance.cli import main
from powerbalance.errors import InputError
from powerbalance.experiments import results
from powerbalance.model.engines import DEFAULT_ENGINE, ENGINE_VARIABLE, default_engine
from powerbalance.scenarios import load

pytest.importorskip("numba")


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The engine of every batch :func:`powerbalance.run` simulates, in order."""
    seen: list[str] = []
    simulate = results.simulate

    def spy(scenario: Any, params: Any, setting: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(setting.engine)
        return simulate(scenario, params, setting, *args, **kwargs)

    monkeypatch.setattr(results, "simulate", spy)
    return seen


def test_the_default_engine_is_the_compiled_one(monkeypatch: pytest.MonkeyPatch,
                                                engines: list[str]) -> None:
    monkeypatch.delenv(ENGINE_VARIABLE, raising=False)
    assert DEFAULT_ENGINE == "compiled" and ENGINE_VARIABLE == "POWERBALANCE_ENGINE"
    assert default_engine() == "compiled"
    scen = load("warring-states")
    assert scen.setting(scen.make_params()).engine == "compiled"  # Setting.engine
    pb.run("warring-states", years=2, worlds=1, seed=0)
    assert main(["run", "warring-states", "--years", "2", "--worlds", "1"]) == 0
    assert engines == ["compiled", "compiled"]


def test_an_empty_variable_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENGINE_VARIABLE, "")
    assert default_engine() == "compiled"


def test_the_variable_and_the_option_choose_the_reference(monkeypatch: pytest.MonkeyPatch,
                                                          engines: list[str]) -> None:
    monkeypatch.setenv(ENGINE_VARIABLE, "numpy")
    assert default_engine() == "numpy"
    scen = load("warring-states")
    assert scen.setting(scen.make_params()).engine == "numpy"
    pb.run("warring-states", years=2, worlds=1, seed=0)
    assert main(["run", "warring-states", "--years", "2", "--worlds", "1"]) == 0
    # an explicit engine goes over the variable, either way
    pb.run("warring-states", years=2, worlds=1, seed=0, engine="compiled")
    monkeypatch.setenv(ENGINE_VARIABLE, "compiled")
    pb.run("warring-states", years=2, worlds=1, seed=0, engine="numpy")
    assert main(["run", "warring-states", "--years", "2", "--worlds", "1",
                 "--engine", "numpy"]) == 0
    assert engines == ["numpy", "numpy", "compiled", "numpy", "numpy"]


def test_a_bad_variable_is_an_input_error_and_exit_2(monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Any) -> None:
    monkeypatch.setenv(ENGINE_VARIABLE, "fortran")
    with pytest.raises(InputError, match="POWERBALANCE_ENGINE.*'fortran'.*numpy or compiled"):
        default_engine()
    with pytest.raises(InputError, match="POWERBALANCE_ENGINE"):
        pb.run("warring-states", years=2, worlds=1, seed=0)
    scen = load("warring-states")
    with pytest.raises(InputError, match="POWERBALANCE_ENGINE"):
        scen.setting(scen.make_params())
    # an explicit engine does not read the variable
    pb.run("warring-states", years=2, worlds=1, seed=0, engine="numpy")
    assert scen.setting(scen.make_params(), "numpy").engine == "numpy"
    # the command line refuses it before any command starts, --engine or not
    out = tmp_path / "never"
    for args in (["run", "warring-states", "--years", "2", "--out", str(out)],
                 ["run", "warring-states", "--years", "2", "--engine", "numpy",
                  "--out", str(out)],
                 ["scenarios"]):
        assert main(args) == 2
        err = capsys.readouterr().err.strip()
        assert err.splitlines() == [err] and "Traceback" not in err
        assert "environment variable POWERBALANCE_ENGINE" in err and "'fortran'" in err
        assert "numpy or compiled" in err
    assert not out.exists()


def test_a_bad_option_is_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "warring-states", "--years", "2", "--engine", "fortran"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.splitlines() == [err] and "--engine" in err and "numpy or compiled" in err


def test_the_default_gives_the_bits_of_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENGINE_VARIABLE, raising=False)
    fast = pb.run("warring-states", years=60, worlds=4, seed=7)  # 11 wars, 18 conquests
    ref = pb.run("warring-states", years=60, worlds=4, seed=7, engine="numpy")
    assert len(ref.wars) > 0
    for name in ("system", "actors", "events", "wars", "alliances", "provinces"):
        a, b = getattr(fast, name), getattr(ref, name)
        assert list(a.columns) == list(b.columns) and len(a) == len(b), name
        for col in a.columns:
            x, y = a[col].to_numpy(), b[col].to_numpy()
            if x.dtype.kind in "fiub":
                assert np.asarray(x).tobytes() == np.asarray(y).tobytes(), (name, col)
            else:
                assert list(x) == list(y), (name, col)
