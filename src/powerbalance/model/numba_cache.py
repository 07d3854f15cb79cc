"""numba for powerbalance's compiled kernels, with a cache that follows their sources.

numba's on-disk cache (``cache=True``) keys a function's machine code by the path and
modification time of *its own* file only. A kernel that calls a jitted helper of another
module (``compiled_hegemon.decision_kernel`` calls ``compiled_kernels.side_kernel``,
``compiled_war.burial_kernel`` calls ``compiled_kernels.frontier_row``), or that reads a
module-level constant of another module (``detmath``'s coefficients, ``rng.GOLDEN``), keeps
the old helper or constant inlined in its cached code when only the other file changes:
an edited checkout, an editable install or a test's mutated copy of the package would
silently run stale code. numba documents both limits ("Cache invalidation fails to
recognize changes in symbols defined in a different file"; "global variables are treated
as constants": Notes on Caching, Caching limitations,
https://numba.readthedocs.io/en/stable/developer/caching.html).

The fix here is the simplest one numba supports publicly: before numba is first imported
by powerbalance, :func:`configure` sets ``NUMBA_CACHE_DIR`` (numba's own setting,
https://numba.readthedocs.io/en/stable/reference/envvars.html#numba-cache-dir) to a
per-user folder named by a hash of the source bytes of every kernel module
(``model/compiled*.py``, ``strategies/compiled*.py``,
``analysis/compiled*.py``, ``presets/compiled*.py``) and of every powerbalance module
they import from. Any edit to any of those files selects a fresh folder, so nothing
stale can be loaded; unchanged sources select the same folder, so a run after the
first one still loads the machine code instead of compiling it again. An environment
variable (rather than private numba cache-locator classes) is also inherited by worker
processes, which therefore reuse the same folder.

- A ``NUMBA_CACHE_DIR`` set by the user is respected as is (then the stale-helper limit
  is theirs again).
- The folder is ``$XDG_CACHE_HOME/powerbalance/numba/<hash>`` (``~/.cache`` when
  ``XDG_CACHE_HOME`` is unset; ``%LOCALAPPDATA%`` on Windows). Nothing is ever deleted:
  folders of older sources stay until the user removes them (each holds a few MB).
- Where the folder cannot be created, nothing is set and numba keeps its default (the
  ``__pycache__`` next to each file).
- Hashing reads about twenty small files (well under a few milliseconds) and is done
  only when the compiled engine is first used; ``import powerbalance`` and the NumPy
  engine never run it.

Every module that imports numba does it through this one:
``from powerbalance.model.numba_cache import numba``.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from pathlib import Path

#: The package's root folder (``.../powerbalance``).
PACKAGE = Path(__file__).resolve().parents[1]

#: The kernel modules, relative to :data:`PACKAGE` (globs: a new kernel module is
#: included without a change here).
KERNEL_GLOBS = ("model/compiled*.py", "strategies/compiled*.py", "analysis/compiled*.py",
                "presets/compiled*.py", "game/compiled*.py")

_IMPORT = re.compile(r"^[ \t]*from[ \t]+(powerbalance(?:\.\w+)*)[ \t]+import[ \t]+"
                     r"(?:\(([^)]*)\)|([\w \t,]*))", re.MULTILINE)


def _module_file(package: Path, dotted: str) -> Path | None:
    """The source file of the powerbalance module ``dotted`` under ``package``, if any."""
    rel = Path(*dotted.split(".")[1:])
    for candidate in (package / rel.with_suffix(".py") if rel.parts else None,
                      package / rel / "__init__.py"):
        if candidate is not None and candidate.is_file():
            return candidate
    return None


def kernel_sources(package: Path = PACKAGE) -> list[Path]:
    """The kernel modules and the powerbalance modules they import from (one level: the
    names a kernel freezes into its machine code are those it imports), sorted."""
    kernels = {p for pattern in KERNEL_GLOBS for p in package.glob(pattern)}
    files = set(kernels)
    for path in kernels:
        for match in _IMPORT.finditer(path.read_text(encoding="utf-8")):
            dotted, names = match.group(1), match.group(2) or match.group(3) or ""
            found = _module_file(package, dotted)
            if found is not None:
                files.add(found)
            for name in re.findall(r"\w+", names):  # ``from powerbalance import rng``
                sub = _module_file(package, f"{dotted}.{name}")
                if sub is not None:
                    files.add(sub)
    return sorted(files)


def source_hash(package: Path = PACKAGE) -> str:
    """A hash (16 hex digits) of the names and bytes of :func:`kernel_sources`."""
    digest = hashlib.sha256()
    for path in kernel_sources(package):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def user_cache_root() -> Path:
    """The per-user cache folder of powerbalance's numba code (without the hash)."""
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        base = Path(os.environ["LOCALAPPDATA"])
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "powerbalance" / "numba"


def cache_dir(package: Path = PACKAGE) -> Path:
    """The cache folder for the kernels of ``package`` as they are now."""
    return user_cache_root() / source_hash(package)


def configure() -> str | None:
    """Set ``NUMBA_CACHE_DIR`` to :func:`cache_dir` unless the user has set it; the folder
    in use (``None``: numba's default). Called before numba is imported; where numba was
    already imported (by someone else), its configuration is reloaded from the
    environment so the kernels defined afterwards use the folder."""
    if os.environ.get("NUMBA_CACHE_DIR"):
        return os.environ["NUMBA_CACHE_DIR"]
    try:
        folder = cache_dir()
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    os.environ["NUMBA_CACHE_DIR"] = str(folder)
    if "numba" in sys.modules:
        from numba.core import config

        config.reload_config()
    return str(folder)


CACHE_DIR = configure()

import numba  # noqa: E402  (after configure: numba reads NUMBA_CACHE_DIR on import)

__all__ = ["CACHE_DIR", "cache_dir", "configure", "numba", "source_hash"]
