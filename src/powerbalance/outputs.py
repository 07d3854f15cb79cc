"""The one safe-write policy of every command that writes: never lose a user's file.

Rules (docs/outputs.md tells the user the same):

* **A foreign path is never touched.** A target that exists and was not written by
  powerbalance is refused (:class:`~powerbalance.errors.InputError`: one line, exit
  code 2) before anything runs, with or without ``--force``.
* **Our own earlier output is replaced only with ``--force``** and only when it holds
  nothing else. A *folder* output is ours when its ``manifest.json`` carries the marker
  ``"output": {"writer": "powerbalance", "kind": ..., "files": [...]}`` of the same kind
  and every entry in it is one of the listed files (or another output of ours: a
  report written into a run folder, say). A *single file* (a picture, an HTML report, a
  GIF, a CSV) is ours when its hidden sidecar ``.NAME.powerbalance.json`` names the
  SHA-256 of its exact content; a file changed by hand, or without a sidecar, is
  foreign. The sidecar works for every format, and a stale one never makes a user's
  file look ours.
* **Writes are atomic; old or new, never neither.** A folder is written into a hidden
  staging folder beside the target, ``.powerbalance-tmp.<pid>-<hex>.NAME/``, whose
  ``marker.json`` (written first) marks it as ours. The sequence:

  1. create the staging folder and its marker (fsync);
  2. write the new output into ``staging/partial`` and its manifest;
  3. fsync every file and folder of ``partial``;
  4. rename ``partial`` to ``staging/new`` (``new`` exists only when complete);
  5. swap ``staging/new`` and the target in one atomic step where the system allows
     (Linux ``renameat2(RENAME_EXCHANGE)``); elsewhere rename the old target to
     ``staging/old``, then ``staging/new`` to the target; fsync the parent;
  6. remove the staging folder (its marker last).

  A kill at any step leaves the old output in place (steps 1-4), the new one (5-6),
  or, only on systems without an atomic swap and only between its two renames, both on
  disk with the target name free: the next write, or :func:`recover`, renames the
  complete ``new`` into place. A single file is written to ``.powerbalance-tmp.<pid>-<hex>.NAME``
  (fsync), the sidecar first lists the old and the new hash, ``os.replace`` swaps the
  file in, and the sidecar is rewritten with the new hash alone, so the file on disk is
  recognised as ours whatever step a kill interrupts.
* **Interrupted writes are cleaned up** by the next write to the same target (or
  :func:`recover`): temporaries are recognised by their name (and, for folders, their
  marker); those of a process still alive are left alone.
* **Modes follow the umask**: folders are created with mode 0o777 and files with 0o666,
  less the umask (never ``mkdtemp``'s 0o700 or ``mkstemp``'s 0o600).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from powerbalance.errors import InputError

WRITER = "powerbalance"
"""The ``writer`` recorded in every marker."""
MANIFEST = "manifest.json"
"""The file of a folder output that carries its marker."""
TMP_PREFIX = ".powerbalance-tmp."
"""The name prefix of every temporary file or folder (``.powerbalance-tmp.<pid>-<hex>.NAME``)."""
SIDECAR_SUFFIX = ".powerbalance.json"
"""A single file ``NAME`` is recorded in the hidden sidecar ``.NAME.powerbalance.json``."""
STAGING_MARKER = "marker.json"
"""The file that marks a staging folder as ours (written before anything else in it)."""

_TMP_RE = re.compile(r"^\.powerbalance-tmp\.(\d+)-[0-9a-f]{8}\.(.+)$")


def _after_step(step: str) -> None:
    """Called after each step of a write; the tests replace it to kill the writer there."""


# ------------------------------------------------------------------ low-level helpers


def _fsync(path: Path) -> None:
    """fsync a file or a folder (folders: where the platform allows opening them)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _tmp_name(name: str) -> str:
    return f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.{name}"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # a write in progress in this very process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary sibling (mode 0o666 less the
    umask), fsync, ``os.replace``, fsync of the folder. Replaces ``path`` if it exists:
    callers decide first whether that is allowed."""
    path = Path(path)
    tmp = path.with_name(_tmp_name(path.name))
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync(path.parent)
    return path


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def sidecar_path(path: str | Path) -> Path:
    """The hidden sidecar that records a single-file output ``path``."""
    path = Path(path)
    return path.with_name(f".{path.name}{SIDECAR_SUFFIX}")


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _sidecar(path: Path) -> dict[str, Any] | None:
    side = sidecar_path(path)
    if side.is_symlink() or not side.is_file():
        return None
    data = _read_json(side)
    if not isinstance(data, dict) or data.get("writer") != WRITER:
        return None
    return data


def own_file_kind(path: str | Path) -> str | None:
    """The kind of a single-file output of ours at ``path`` (its sidecar names its exact
    content), or None when the file is not ours (or absent)."""
    path = Path(path)
    if path.is_symlink() or not path.is_file():
        return None
    data = _sidecar(path)
    if data is None:
        return None
    try:
        digest = _sha256(path)
    except OSError:
        return None
    return str(data.get("kind")) if digest in data.get("sha256", []) else None


def folder_marker(folder: str | Path) -> dict[str, Any] | None:
    """The ``output`` marker of a folder output of ours (from its manifest), or None."""
    folder = Path(folder)
    if folder.is_symlink() or not folder.is_dir():
        return None
    manifest = folder / MANIFEST
    if manifest.is_symlink() or not manifest.is_file():
        return None
    data = _read_json(manifest)
    marker = data.get("output") if isinstance(data, dict) else None
    if not isinstance(marker, dict) or marker.get("writer") != WRITER:
        return None
    if not isinstance(marker.get("files"), list):
        return None
    return marker


def _listing(folder: Path) -> list[str]:
    """Every entry under ``folder`` as a relative path (folders end in ``/``), sorted."""
    out = []
    for root, dirs, files in os.walk(folder):
        rel = Path(root).relative_to(folder)
        out += [f"{(rel / d).as_posix()}/" for d in dirs]
        out += [(rel / f).as_posix() for f in files]
    return sorted(out)


def foreign_entries(folder: str | Path) -> list[str]:
    """Entries of a folder output that powerbalance did not write (relative paths).

    An entry is ours when the manifest of the nearest marked folder above it lists it,
    when it is a single-file output whose sidecar names its content (or such a
    sidecar), or when it is a temporary of ours. Symbolic links are never ours.
    """
    folder = Path(folder)
    markers: dict[Path, set[str]] = {}

    def listed(path: Path, entry: str) -> bool:
        for anc in [path.parent, *path.parent.parents]:
            if anc not in markers:
                m = folder_marker(anc)
                markers[anc] = set(m["files"]) if m else set()
            rel = path.relative_to(anc).as_posix() + entry
            if rel in markers[anc]:
                return True
            if anc == folder:
                return False
        return False  # pragma: no cover

    foreign = []
    for root, dirs, files in os.walk(folder):
        base = Path(root)
        for d in list(dirs):
            p = base / d
            if p.is_symlink():
                foreign.append(p.relative_to(folder).as_posix())
                dirs.remove(d)
            elif _TMP_RE.match(d):
                dirs.remove(d)  # a temporary of ours
            elif (not listed(p, "/") and folder_marker(p) is None
                  and not any(True for _ in p.iterdir())):
                foreign.append(p.relative_to(folder).as_posix() + "/")  # an empty folder
            # any other folder: its contents are judged one by one
        for f in files:
            p = base / f
            if p.is_symlink():
                foreign.append(p.relative_to(folder).as_posix())
            elif listed(p, "") or _TMP_RE.match(f) or own_file_kind(p) is not None:
                continue
            elif (f.startswith(".") and f.endswith(SIDECAR_SUFFIX)
                  and _sidecar(p.with_name(f[1:-len(SIDECAR_SUFFIX)])) is not None):
                continue  # the sidecar of an output of ours (present or not)
            else:
                foreign.append(p.relative_to(folder).as_posix())
    return sorted(foreign)


def write_manifest(folder: str | Path, manifest: dict[str, Any], kind: str) -> Path:
    """Write ``folder/manifest.json``: ``manifest`` plus the marker listing every entry
    of ``folder`` (the manifest included), atomically."""
    folder = Path(folder)
    files = sorted({*_listing(folder), MANIFEST})
    from powerbalance import __version__

    data = {**manifest, "output": {"writer": WRITER, "kind": kind, "version": __version__,
                                   "files": files}}
    return atomic_write_bytes(folder / MANIFEST,
                              json.dumps(data, indent=2, default=str).encode())


# ------------------------------------------------------------------ checks


@dataclass(frozen=True)
class Output:
    """One path a command will write: a folder output or a single file.

    ``kind`` names what it is (``run``, ``tournament``, ``experiment``, ``figures`` for
    folders; ``plot``, ``report``, ``animation``, ``table``, ``json`` for files) and
    ``option`` the command-line option it came from (for the error line).
    """

    path: Path
    kind: str
    folder: bool
    option: str = "--out"


def output(path: str | Path | None, kind: str, *, folder: bool,
           option: str = "--out") -> Output | None:
    """An :class:`Output` for an optional command-line path (None when not given)."""
    return None if path is None else Output(Path(path), kind, folder, option)


def _refuse(out: Output, message: str, allowed: str) -> InputError:
    return InputError(message, source=str(out.path), field=out.option, allowed=allowed)


def check_name(out: Output) -> None:
    """Refuse a path that names no output of its own: ``''``, ``.``, ``..``, the current
    folder or one of its parents (the root included), or a name kept for temporaries."""
    name = out.path.name
    allowed = "a path ending in a new file or folder name, e.g. results/run1"
    if name in ("", ".", "..") or str(out.path).strip() == "":
        raise _refuse(out, "not a valid output path", allowed)
    try:
        target, here = out.path.resolve(), Path.cwd().resolve()
    except (OSError, RuntimeError) as exc:
        raise _refuse(out, f"cannot be resolved ({exc})", allowed) from None
    if target == here or target in here.parents:
        raise _refuse(out, "names the current folder or a parent of it", allowed)
    if _TMP_RE.match(name) or (name.startswith(".") and name.endswith(SIDECAR_SUFFIX)):
        raise _refuse(out, "a name powerbalance keeps for its temporary files",
                      "another name")


def _check_parent(out: Output) -> None:
    """The folders above the target must be (or be creatable as) writable folders."""
    anc = out.path.parent
    while not os.path.lexists(anc):
        anc = anc.parent
    if not anc.is_dir():
        raise _refuse(out, f"{anc} is not a folder", "a path inside a writable folder")
    if not os.access(anc, os.W_OK | os.X_OK):
        raise _refuse(out, f"folder {anc} is not writable", "a path inside a writable folder")


def check_output(out: Output, force: bool = False) -> None:
    """Refuse (``InputError``) an output that must not be written; clean up interrupted
    writes to it first (see the module docstring). Changes nothing else."""
    check_name(out)
    _check_parent(out)
    recover(out.path)
    _check_existing(out, force)


def _check_existing(out: Output, force: bool) -> None:
    if not os.path.lexists(out.path):
        side = sidecar_path(out.path)
        if not out.folder and os.path.lexists(side) and _sidecar(out.path) is None:
            raise _refuse(out, f"{side.name} exists and was not written by powerbalance",
                          "a new path")
        return
    hint = "--force to replace it, or a new path"
    if out.folder:
        marker = folder_marker(out.path)
        if marker is None:
            raise _refuse(out, "exists and was not written by powerbalance; nothing was "
                          "changed", "a new path (powerbalance never replaces a file it "
                          "did not write)")
        if marker.get("kind") != out.kind:
            raise _refuse(out, f"holds a powerbalance {marker.get('kind')} output, not a "
                          f"{out.kind} one; nothing was changed", "a new path")
        foreign = foreign_entries(out.path)
        if foreign:
            shown = ", ".join(foreign[:3]) + (f" and {len(foreign) - 3} more"
                                              if len(foreign) > 3 else "")
            raise _refuse(out, f"holds files powerbalance did not write ({shown}); nothing "
                          "was changed", "a new path, or move those files out first")
        if not force:
            raise _refuse(out, f"exists (an earlier powerbalance {out.kind} output); "
                          "nothing was changed", hint)
        return
    kind = own_file_kind(out.path)
    if kind is None:
        raise _refuse(out, "exists and was not written by powerbalance (or was changed "
                      "since); nothing was changed", "a new path (powerbalance never "
                      "replaces a file it did not write)")
    if kind != out.kind:
        raise _refuse(out, f"holds a powerbalance {kind} output, not a {out.kind} one",
                      "a new path")
    if not force:
        raise _refuse(out, f"exists (an earlier powerbalance {out.kind} output); nothing "
                      "was changed", hint)


def check_outputs(outputs: Iterable[Output | None], force: bool = False) -> None:
    """Check every output of a command before it runs (see :func:`check_output`); also
    refuse two outputs with the same path."""
    seen: dict[Path, Output] = {}
    for out in outputs:
        if out is None:
            continue
        key = Path(os.path.abspath(out.path))
        if key in seen:
            raise _refuse(out, f"also given to {seen[key].option}", "a different path")
        seen[key] = out
        check_output(out, force)


# ------------------------------------------------------------------ recovery


def recover(path: str | Path) -> None:
    """Finish or undo interrupted writes to ``path`` and remove their temporaries.

    A staging folder whose ``new`` is complete replaces a missing target; otherwise its
    ``old`` is put back. Temporaries of processes still running are left alone.
    """
    path = Path(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        return
    for cand in (path, sidecar_path(path)):
        for entry in sorted(parent.iterdir()):
            m = _TMP_RE.match(entry.name)
            if not m or m.group(2) != cand.name or _pid_alive(int(m.group(1))):
                continue
            if entry.is_symlink():
                continue
            if entry.is_dir():
                marker = _read_json(entry / STAGING_MARKER)
                if not (isinstance(marker, dict) and marker.get("writer") == WRITER
                        and marker.get("target") == cand.name):
                    continue  # not a staging folder of ours: leave it
                if not os.path.lexists(cand):
                    for sub in ("new", "old"):
                        if (entry / sub).is_dir():
                            os.rename(entry / sub, cand)
                            _fsync(parent)
                            break
                _remove_staging(entry)
            elif entry.is_file():
                entry.unlink()


def _remove_staging(staging: Path) -> None:
    for sub in ("partial", "new", "old"):
        if (staging / sub).exists():
            shutil.rmtree(staging / sub)
    for leftover in staging.iterdir():
        if leftover.name != STAGING_MARKER:
            if leftover.is_dir() and not leftover.is_symlink():
                shutil.rmtree(leftover)
            else:
                leftover.unlink()
    (staging / STAGING_MARKER).unlink()  # last: until now the folder is recognisably ours
    staging.rmdir()


# ------------------------------------------------------------------ writers


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``); False
    where the platform or the file system cannot, and nothing was changed."""
    libc = _libc()
    if libc is None:
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(rc == 0)


_LIBC: list[Any] = []


def _libc() -> Any:
    if not _LIBC:
        lib = None
        if os.name == "posix":
            import ctypes

            try:
                lib = ctypes.CDLL(None, use_errno=True)
                lib.renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                          ctypes.c_char_p, ctypes.c_uint]
            except (OSError, AttributeError):  # pragma: no cover - no renameat2 here
                lib = None
        _LIBC.append(lib)
    return _LIBC[0]


def write_folder(path: str | Path, fill: Callable[[Path], None], *, kind: str,
                 manifest: dict[str, Any], force: bool = False,
                 option: str = "--out") -> Path:
    """Write a folder output atomically (the sequence of the module docstring).

    ``fill`` writes the files into an empty folder; then ``manifest`` (plus the marker)
    is written as its ``manifest.json``. An existing target is replaced only when
    :func:`check_output` allows it (``force`` and our own output of this ``kind``).
    """
    path = Path(path)
    out = Output(path, kind, folder=True, option=option)
    check_output(out, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    parent = path.parent
    staging = parent / _tmp_name(path.name)
    staging.mkdir()
    try:
        atomic_write_bytes(staging / STAGING_MARKER, json.dumps(
            {"writer": WRITER, "target": path.name, "pid": os.getpid()}).encode())
        _fsync(parent)
        _after_step("staging-created")
        partial = staging / "partial"
        partial.mkdir()
        fill(partial)
        _after_step("filled")
        write_manifest(partial, manifest, kind)
        _after_step("manifest-written")
        for root, _dirs, files in os.walk(partial, topdown=False):
            for f in files:
                _fsync(Path(root) / f)
            _fsync(Path(root))
        _after_step("synced")
        os.rename(partial, staging / "new")
        _fsync(staging)
        _after_step("staged")
        if os.path.lexists(path):
            _check_existing(out, force)  # again, just before the swap
            if not _exchange(staging / "new", path):  # one atomic swap where possible
                os.rename(path, staging / "old")
                _fsync(parent)
                _after_step("old-moved")
                os.rename(staging / "new", path)
        else:
            os.rename(staging / "new", path)
        _fsync(parent)
        _after_step("swapped")
    except BaseException:
        if os.path.lexists(staging / "old") and not os.path.lexists(path):
            os.rename(staging / "old", path)  # put the old output back
        _remove_staging(staging)
        raise
    _remove_staging(staging)
    _fsync(parent)
    _after_step("cleaned")
    return path


def write_file(path: str | Path, write: Callable[[Path], Any], *, kind: str,
               force: bool = False, option: str = "--out") -> Path:
    """Write a single-file output atomically (the sequence of the module docstring).

    ``write`` writes the file at the temporary path it is given (whose name ends in the
    target's name, so its suffix tells the format).
    """
    path = Path(path)
    out = Output(path, kind, folder=False, option=option)
    check_output(out, force)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(_tmp_name(path.name))
    try:
        write(tmp)
        if not tmp.is_file():
            raise OSError(f"the writer produced no file at {tmp}")
        os.chmod(tmp, 0o666 & ~current_umask())
        _fsync(tmp)
        _after_step("temp-written")
        digest = _sha256(tmp)
        # The sidecar names the old content too until the swap is done: whatever step a
        # kill interrupts, the file on disk is recognisably ours.
        hashes = [_sha256(path)] if own_file_kind(path) == kind else []
        side = {"writer": WRITER, "kind": kind}
        atomic_write_bytes(sidecar_path(path),
                           json.dumps({**side, "sha256": [*hashes, digest]}).encode())
        _after_step("sidecar-both")
        if os.path.lexists(path):
            _check_existing(out, force)  # again, just before the swap
        os.replace(tmp, path)
        _fsync(path.parent)
        _after_step("replaced")
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    atomic_write_bytes(sidecar_path(path), json.dumps({**side, "sha256": [digest]}).encode())
    _after_step("sidecar-final")
    return path


def current_umask() -> int:
    """The process umask (read without changing it where /proc allows)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):  # pragma: no cover - not Linux
        pass
    mask = os.umask(0o022)  # pragma: no cover
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


FOLDER_STEPS = ("staging-created", "filled", "manifest-written", "synced", "staged",
                "old-moved", "swapped", "cleaned")
"""The steps of :func:`write_folder`, in order (``old-moved`` only when replacing an old
output without an atomic swap)."""
FILE_STEPS = ("temp-written", "sidecar-both", "replaced", "sidecar-final")
"""The steps of :func:`write_file`, in order."""
