"""numba's cache folder follows the kernels' sources (powerbalance.model.numba_cache): an
edit of a helper kernel in another module gives a fresh folder, so a caller's cached code
never keeps the old helper; unchanged sources keep the same folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from powerbalance.model import numba_cache

PACKAGE = numba_cache.PACKAGE


def copy_package(into: Path) -> Path:
    """A copy of the package (without ``__pycache__``) under ``into``; its root."""
    shutil.copytree(PACKAGE, into / "powerbalance", ignore=shutil.ignore_patterns("__pycache__"))
    return into / "powerbalance"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_hash_is_stable_and_follows_every_kernel_module(tmp_path: Path) -> None:
    pkg = copy_package(tmp_path)
    base = numba_cache.source_hash(pkg)
    assert base == numba_cache.source_hash(PACKAGE)  # same sources, another path
    assert base == numba_cache.source_hash(pkg)
    sources = {p.relative_to(pkg).as_posix() for p in numba_cache.kernel_sources(pkg)}
    assert {"model/compiled_kernels.py", "model/compiled_war.py", "model/fastops.py",
            "model/events.py", "detmath.py", "rng.py", "strategies/compiled_hegemon.py",
            "strategies/hegemon_seeker.py", "analysis/compiled_voting.py",
            "presets/compiled_cusack_stoll.py"} <= sources
    # a module without kernels, not imported by one, leaves the folder as it is
    (pkg / "cli" / "app.py").write_text("# edited\n", encoding="utf-8")
    assert numba_cache.source_hash(pkg) == base
    # a helper kernel called from other modules (side_kernel, exp1, frontier_row)
    edit(pkg / "model" / "compiled_kernels.py", "def exp1(", "def exp1(  ")
    edited = numba_cache.source_hash(pkg)
    assert edited != base
    # a constant a kernel freezes (detmath's coefficients)
    (pkg / "detmath.py").write_text((pkg / "detmath.py").read_text() + "\n", encoding="utf-8")
    assert numba_cache.source_hash(pkg) not in (base, edited)


def test_cache_dir_is_per_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if sys.platform != "win32":
        assert numba_cache.cache_dir() == (tmp_path / "powerbalance" / "numba"
                                           / numba_cache.source_hash())


def _env(cache_home: Path, pythonpath: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_CACHE_DIR"}
    env.update(XDG_CACHE_HOME=str(cache_home), LOCALAPPDATA=str(cache_home),
               PYTHONPATH=str(pythonpath), PYTHONDONTWRITEBYTECODE="1")
    return env


PROBE = """
import numba, sys
from powerbalance.model import numba_cache
from powerbalance.strategies.compiled import _probe
print(_probe(0.0), numba_cache.CACHE_DIR, numba.config.CACHE_DIR,
      sum(_probe.stats.cache_hits.values()))
"""


def run_probe(env: dict[str, str]) -> list[str]:
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                         text=True, check=True, cwd=env["PYTHONPATH"])
    return out.stdout.split()


def test_an_edited_helper_is_compiled_afresh_in_its_callers(tmp_path: Path) -> None:
    """A kernel of strategies/compiled.py calling compiled_kernels.exp1 sees an edit of
    exp1 (numba's own cache, keyed by the caller's file, would load the old code)."""
    pkg = copy_package(tmp_path / "src")
    with (pkg / "strategies" / "compiled.py").open("a", encoding="utf-8") as f:
        f.write("\n\n@jit\ndef _probe(x: float) -> float:\n    return exp1(x)\n")
    env = _env(tmp_path / "cache", tmp_path / "src")
    value, chosen, numba_dir, hits = run_probe(env)
    assert float(value) == 1.0 and chosen == numba_dir and hits == "0"
    assert Path(chosen).parent == tmp_path / "cache" / "powerbalance" / "numba"
    # unchanged sources: the same folder, and the machine code is loaded from it
    value, again, _, hits = run_probe(env)
    assert float(value) == 1.0 and again == chosen and hits == "1"
    edit(pkg / "model" / "compiled_kernels.py", "    if x != x:\n        return x\n",
         "    if x == x:\n        return 2.0\n")
    value, fresh, _, _ = run_probe(env)
    assert float(value) == 2.0 and fresh != chosen
    # a folder set by the user is respected
    mine = tmp_path / "mine"
    value, chosen, numba_dir, _ = run_probe({**env, "NUMBA_CACHE_DIR": str(mine)})
    assert float(value) == 2.0 and chosen == numba_dir == str(mine)
