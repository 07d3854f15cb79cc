"""The engine of a run: its name checked, and the default (the compiled one).

``Setting.engine`` is ``"compiled"`` (numba kernels, :mod:`powerbalance.model.compiled`,
bit-identical to the reference) or ``"numpy"`` (the reference: the NumPy code is the
specification of the model). A run that names no engine uses :func:`default_engine`:
``$POWERBALANCE_ENGINE`` where it is set, else :data:`DEFAULT_ENGINE`. This module imports
neither numba nor NumPy (the command line checks the variable before every command, and
``powerbalance --help`` stays light); :mod:`powerbalance.model.compiled` re-exports its
names.
"""

from __future__ import annotations

import os

from powerbalance.errors import InputError

#: The engines a run may use (``Setting.engine``; ``--engine`` in the CLI).
ENGINES = ("numpy", "compiled")

#: The engine of a run that names none (``powerbalance run``, :func:`powerbalance.run`,
#: ``Setting.engine``, the experiments, sweeps and calibration, the game and the web lab):
#: the compiled one, the faster with the same results (benchmarks/bench_engine.py,
#: bench_game.py). ``numpy`` stays the reference (the specification of the model).
DEFAULT_ENGINE = "compiled"

#: The environment variable that replaces :data:`DEFAULT_ENGINE` (``numpy`` or
#: ``compiled``; unset or empty: the default). The test suite sets it to ``numpy``
#: (tests/conftest.py), so the tests and the mutation check run the reference.
ENGINE_VARIABLE = "POWERBALANCE_ENGINE"
_VARIABLE_SOURCE = f"environment variable {ENGINE_VARIABLE}"

def check_engine(engine: str, source: str = "run", field: str | None = "engine") -> str:
    """``engine`` when it is known and usable, else an :class:`InputError` (exit 2): an
    unknown name, or ``compiled`` without numba installed."""
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}", source=source, field=field,
                         allowed=" or ".join(ENGINES))
    if engine == "compiled":
        try:
            # numba_cache first: it sets numba's cache folder before numba is imported
            from powerbalance.model import numba_cache  # noqa: F401, I001  (before numba)
            import numba  # noqa: F401
        except ImportError:
            raise InputError("the compiled engine needs numba, which is not installed",
                             source=source, field=field,
                             allowed="numpy, or install numba (pip install numba)") from None
    return engine

def engine_variable() -> str | None:
    """The engine ``$POWERBALANCE_ENGINE`` names (None where it is unset or empty), or an
    :class:`InputError` (exit 2) for an unknown name; numba is not imported. The command
    line checks it before any command runs."""
    chosen = os.environ.get(ENGINE_VARIABLE, "").strip()
    if not chosen:
        return None
    if chosen not in ENGINES:
        raise InputError(f"unknown engine {chosen!r}", source=_VARIABLE_SOURCE,
                         allowed=" or ".join(ENGINES) + f"; unset means {DEFAULT_ENGINE}")
    return chosen

def default_engine() -> str:
    """The engine of a run that names none: ``$POWERBALANCE_ENGINE`` where it is set (checked:
    an :class:`InputError`, exit 2, for an unknown name or for ``compiled`` without numba),
    else :data:`DEFAULT_ENGINE` (compiled) where numba loads, else ``numpy`` (the results are
    the same; numba is a dependency, so only a broken install of it falls back). numba is
    imported to be sure it loads. The variable is read at each call (a setting built after
    it changes sees the change; tests/model/test_default_engine.py)."""
    chosen = engine_variable()
    if chosen is not None:
        return check_engine(chosen, source=_VARIABLE_SOURCE, field=None)
    try:
        from powerbalance.model import numba_cache  # noqa: F401, I001  (before numba)
        import numba  # noqa: F401
    except ImportError:
        return "numpy"
    return DEFAULT_ENGINE
