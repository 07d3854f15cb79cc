"""powerbalance: a laboratory for the balance of power.

Simulate an anarchic system of states, measure polarity and concentration in
simulated and real data, and run experiments at scale.

>>> import powerbalance as pb
>>> result = pb.run("warring-states", years=10, worlds=4, seed=7)
>>> list(result.system.columns[:4])
['world', 'year', 'live_actors', 'largest_share']

The names below load their modules on first use (PEP 562 module ``__getattr__``),
so that ``import powerbalance`` and ``powerbalance --help`` do not pay for pandas,
scipy or pyarrow.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    __version__: str
    from powerbalance.errors import InputError
    from powerbalance.experiments.results import RunResult, load_run, run
    from powerbalance.experiments.tournament import TournamentResult, tournament
    from powerbalance.params import Params
    from powerbalance.scenarios import Scenario
    from powerbalance.scenarios import load as load_scenario

#: Public name -> (module, attribute in that module).
_LAZY: dict[str, tuple[str, str]] = {
    "InputError": ("powerbalance.errors", "InputError"),
    "Params": ("powerbalance.params", "Params"),
    "RunResult": ("powerbalance.experiments.results", "RunResult"),
    "Scenario": ("powerbalance.scenarios", "Scenario"),
    "TournamentResult": ("powerbalance.experiments.tournament", "TournamentResult"),
    "load_run": ("powerbalance.experiments.results", "load_run"),
    "load_scenario": ("powerbalance.scenarios", "load"),
    "run": ("powerbalance.experiments.results", "run"),
    "tournament": ("powerbalance.experiments.tournament", "tournament"),
}

__all__ = ["InputError", "Params", "RunResult", "Scenario", "TournamentResult", "__version__",
           "load_run", "load_scenario", "run", "tournament"]


def _installed_version() -> str:
    """The version of the installed distribution (pyproject.toml is the one place it is set)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("powerbalance")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0+unknown"


def __getattr__(name: str) -> Any:
    """Load a public name's module on first access and cache the name here."""
    if name == "__version__":
        globals()[name] = _installed_version()
        return globals()[name]
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'powerbalance' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """Module attributes, the lazy ones included (for tab completion)."""
    return sorted(set(globals()) | set(_LAZY) | {"__version__"})
