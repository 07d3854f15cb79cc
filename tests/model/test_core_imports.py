"""The engine core (src/powerbalance/model) imports no plug-in and nothing built on it.

Strategies, arenas, experiments, plots, the web server, the game and the command line sit
above the core; the strategies reach the engine as the setting's policy
(:data:`powerbalance.model.policy.Policy`), not by an import.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import powerbalance.model

#: Packages the core must not import (at any depth: module level, inside functions, or
#: under ``TYPE_CHECKING``).
FORBIDDEN = ("strategies", "arenas", "experiments", "viz", "web", "game", "cli")
CORE = Path(powerbalance.model.__file__).parent


def forbidden_imports(source: str) -> list[str]:
    """The forbidden ``powerbalance.*`` modules that ``source`` imports."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module == "powerbalance":  # from powerbalance import strategies
                modules += [f"powerbalance.{alias.name}" for alias in node.names]
        else:
            continue
        found += [m for m in modules
                  if any(m == f"powerbalance.{p}" or m.startswith(f"powerbalance.{p}.")
                         for p in FORBIDDEN)]
    return found


def test_the_check_sees_every_form_of_import() -> None:
    source = ("import powerbalance.strategies.registry\n"
              "from powerbalance import arenas, rng\n"
              "def f():\n    from powerbalance.experiments.runner import simulate\n"
              "from powerbalance.model.state import Setting\n"
              "import powerbalance.cli as c\n")
    assert sorted(forbidden_imports(source)) == [
        "powerbalance.arenas", "powerbalance.cli", "powerbalance.experiments.runner",
        "powerbalance.strategies.registry"]
    assert forbidden_imports("from powerbalance.strategy_math import x\n") == []


def test_no_core_module_imports_a_plug_in_or_a_layer_above() -> None:
    files = sorted(CORE.glob("*.py"))
    assert len(files) > 10 and CORE / "step.py" in files
    bad = {f.name: found for f in files
           if (found := forbidden_imports(f.read_text(encoding="utf-8")))}
    assert bad == {}


def test_running_the_engine_loads_no_strategy_module() -> None:
    code = ("import sys, powerbalance.model.step, powerbalance.model.policy, "
            "powerbalance.model.compiled\n"
            "print(sorted(m for m in sys.modules if m.startswith(('powerbalance.strategies', "
            "'powerbalance.arenas', 'powerbalance.scenarios'))))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
