"""The results store of a sweep: a folder of Parquet datasets plus a DuckDB catalog.

Layout of a sweep folder::

    sweep.json            canonical spec, its hash, name, version
    points.parquet        the design points (point + one column per parameter)
    summaries/p00003-r000000.parquet   one file per finished task, per dataset
    lifetimes/...  wars/...  system/...
    catalog.duckdb        tables sweep, points, tasks, runs; views over the Parquet

The Parquet files are the source of truth. Every file is written to a
temporary name in the same folder and renamed into place (``os.replace``),
and a task's ``summaries`` file is written last: a task is finished exactly
when its summaries file exists. A sweep killed at any moment therefore loses
at most its tasks in flight; files left by an unfinished task are rewritten
(with identical content) when the sweep resumes and never enter the catalog,
whose views list the files of finished tasks only. The catalog is rebuilt
from the files (into a temporary file, then renamed) at the end of a run.
Queries never open it: :meth:`SweepStore.query` builds views over the files
of finished tasks in a locked-down, in-memory DuckDB (read-only SQL, no other
file, no extension), so no query can change the store.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from powerbalance.errors import InputError
from powerbalance.experiments.spec import DATASETS, SweepSpec
from powerbalance.outputs import TMP_PREFIX, atomic_write_bytes, current_umask, recover

MARKER = "summaries"
"""The dataset whose file marks a task as finished (written last)."""


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (:func:`powerbalance.outputs.atomic_write_bytes`)."""
    atomic_write_bytes(path, data)


def _read_only_settings(con: duckdb.DuckDBPyConnection, files: list[str]) -> None:
    """Lock a connection down: only ``files`` can be read, nothing written or loaded."""
    listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    con.execute(f"SET allowed_paths = [{listing}]")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


_READ_ONLY_STATEMENTS = (duckdb.StatementType.SELECT, duckdb.StatementType.EXPLAIN)


class SweepStore:
    """A sweep folder (see the module docstring)."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    # --- paths ----------------------------------------------------------------
    @property
    def meta_path(self) -> Path:
        """``sweep.json``."""
        return self.folder / "sweep.json"

    @property
    def points_path(self) -> Path:
        """``points.parquet``."""
        return self.folder / "points.parquet"

    @property
    def catalog_path(self) -> Path:
        """``catalog.duckdb``."""
        return self.folder / "catalog.duckdb"

    def dataset_dir(self, name: str) -> Path:
        """The folder of one dataset."""
        return self.folder / name

    def task_file(self, name: str, key: str) -> Path:
        """The file of one task in one dataset."""
        return self.dataset_dir(name) / f"{key}.parquet"

    # --- metadata ---------------------------------------------------------------
    def exists(self) -> bool:
        """Whether the folder holds a sweep."""
        return self.meta_path.is_file()

    def meta(self) -> dict[str, Any]:
        """The contents of ``sweep.json``."""
        if not self.exists():
            raise InputError("not a sweep folder (no sweep.json)", source=str(self.folder),
                             field="SWEEP", allowed="a folder written by 'powerbalance sweep'")
        try:
            data = json.loads(self.meta_path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise InputError(f"sweep.json cannot be read ({type(exc).__name__})",
                             source=str(self.folder), field="sweep.json",
                             allowed="a folder written by 'powerbalance sweep'") from None
        if not (isinstance(data, dict) and isinstance(data.get("spec"), dict)
                and "spec_hash" in data):
            raise InputError("sweep.json is not a sweep manifest", source=str(self.folder),
                             field="sweep.json",
                             allowed="a folder written by 'powerbalance sweep'")
        return data

    def check_compatible(self, spec: SweepSpec, design: pd.DataFrame) -> None:
        """Refuse a folder that holds a different sweep (nothing is written)."""
        if self.folder.exists() and not self.folder.is_dir():
            raise InputError("exists and is not a folder", source=str(self.folder),
                             field="--out", allowed="a new or a sweep folder")
        if not self.exists():
            if self.folder.is_dir() and any(p for p in self.folder.iterdir()
                                            if not p.name.startswith(".")):
                raise InputError("folder exists, is not empty and holds no sweep",
                                 source=str(self.folder), field="--out",
                                 allowed="a new folder, an empty one, or this sweep's folder")
            return
        meta = self.meta()
        from powerbalance import __version__

        if meta.get("version") != __version__:
            raise InputError(f"written by powerbalance {meta.get('version')}, this is "
                             f"{__version__}; results of different versions are never mixed",
                             source=str(self.folder), field="--out",
                             allowed=f"a sweep folder of version {__version__}, or a new --out")
        if meta.get("spec_hash") != spec.spec_hash():
            old = meta.get("spec", {})
            new = spec.canonical()
            diff = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
            raise InputError(
                f"holds a different sweep (spec hash {str(meta.get('spec_hash'))[:12]} != "
                f"{spec.spec_hash()[:12]}; differs in: {', '.join(diff) or 'details'}); "
                "results of different specs are never mixed",
                source=str(self.folder), field="--out",
                allowed="the same spec, or a new --out folder")
        if self.points_path.is_file():
            from powerbalance.experiments.results import read_parquet

            stored = read_parquet(self.points_path, field="points.parquet")
            if not stored.equals(design.reset_index(drop=True)):
                raise InputError("the design computed now differs from the stored one "
                                 "(another SALib/SciPy version?)", source=str(self.folder),
                                 field="points.parquet", allowed="the same software versions")

    def initialise(self, spec: SweepSpec, design: pd.DataFrame) -> None:
        """Create the folder, ``sweep.json`` and ``points.parquet`` (idempotent)."""
        from powerbalance import __version__

        self.folder.mkdir(parents=True, exist_ok=True)
        self.clean_temporaries()
        if not self.exists():  # first, so that a kill never leaves a folder without it
            meta = {"name": spec.name, "description": spec.description,
                    "spec_hash": spec.spec_hash(), "spec": spec.canonical(),
                    "source": spec.source, "version": __version__,
                    "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
            atomic_write(self.meta_path, json.dumps(meta, indent=2).encode())
        for name in spec.keep:
            self.dataset_dir(name).mkdir(exist_ok=True)
        if not self.points_path.is_file():
            from powerbalance.experiments.executors import encode

            atomic_write(self.points_path, encode(design))

    def clean_temporaries(self) -> None:
        """Remove temporary files left by a killed run (ours only: recognised by name,
        see :func:`powerbalance.outputs.recover`)."""
        for sub in [self.folder, *(self.dataset_dir(n) for n in DATASETS)]:
            if sub.is_dir():
                targets = {p.name.split(".", 3)[-1] for p in sub.glob(f"{TMP_PREFIX}*")}
                for name in targets:
                    recover(sub / name)

    # --- tasks ----------------------------------------------------------------
    def done_keys(self) -> set[str]:
        """Keys of the finished tasks (those with a summaries file)."""
        d = self.dataset_dir(MARKER)
        if not d.is_dir():
            return set()
        return {p.stem for p in d.glob("p*.parquet")}

    def write_task(self, key: str, blobs: dict[str, bytes]) -> float:
        """Write the encoded tables of a task, summaries last; return the seconds taken."""
        t0 = time.perf_counter()
        for name, data in blobs.items():
            if name != MARKER:
                atomic_write(self.task_file(name, key), data)
        atomic_write(self.task_file(MARKER, key), blobs[MARKER])
        return time.perf_counter() - t0

    # --- catalog ----------------------------------------------------------------
    def files(self, name: str, keys: set[str] | None = None) -> list[str]:
        """Absolute paths of a dataset's files of finished tasks, sorted."""
        keys = self.done_keys() if keys is None else keys
        d = self.dataset_dir(name)
        return sorted(str(p.resolve()) for p in d.glob("p*.parquet") if p.stem in keys) \
            if d.is_dir() else []

    def _fingerprint(self, keys: set[str]) -> str:
        import hashlib

        h = hashlib.sha256(str(self.folder.resolve()).encode())
        for k in sorted(keys):
            h.update(k.encode())
        return h.hexdigest()

    def catalog_fresh(self) -> bool:
        """Whether the catalog lists exactly the finished tasks of this folder."""
        if not self.catalog_path.is_file():
            return False
        try:
            con = duckdb.connect(str(self.catalog_path), read_only=True)
            try:
                row = con.execute("SELECT value FROM sweep WHERE key = 'fingerprint'").fetchone()
            finally:
                con.close()
        except duckdb.Error:
            return False
        return row is not None and row[0] == self._fingerprint(self.done_keys())

    def refresh_catalog(self) -> Path:
        """Rebuild ``catalog.duckdb`` from the Parquet files (atomically)."""
        meta = self.meta()
        keys = self.done_keys()
        import secrets

        # duckdb creates the file itself; the name is one recover() knows as ours
        tmp = self.folder / f"{TMP_PREFIX}{os.getpid()}-{secrets.token_hex(4)}.catalog.duckdb"
        tmp_name = str(tmp)
        try:
            con = duckdb.connect(tmp_name)
            try:
                self._build(con, meta, keys)
            finally:
                con.close()
            os.chmod(tmp, 0o666 & ~current_umask())
            os.replace(tmp, self.catalog_path)
        except duckdb.Error as exc:
            for p in (tmp, Path(tmp_name + ".wal")):
                if p.exists():
                    p.unlink()
            raise self._corrupt(exc) from None
        except BaseException:
            for p in (tmp, Path(tmp_name + ".wal")):
                if p.exists():
                    p.unlink()
            raise
        return self.catalog_path

    def _corrupt(self, exc: BaseException) -> InputError:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        return InputError(f"a file of the store cannot be read ({first})",
                          source=str(self.folder), field="SWEEP",
                          allowed="a sweep folder written by 'powerbalance sweep'")

    def _build(self, con: duckdb.DuckDBPyConnection, meta: dict[str, Any],
               keys: set[str], materialise: bool = True) -> None:
        """Create the tables and views of the catalog in ``con``; with ``materialise``
        false, ``points`` and ``runs`` are views too (nothing copied)."""
        table = "TABLE" if materialise else "VIEW"
        spec = meta["spec"]
        rows = [("name", meta.get("name", "")), ("spec_hash", meta["spec_hash"]),
                ("spec", json.dumps(spec, sort_keys=True)), ("scenario", spec["scenario"]),
                ("years", str(spec["years"])), ("seed", str(spec["seed"])),
                ("replicates", str(spec["replicates"])), ("version", meta.get("version", "")),
                ("folder", str(self.folder.resolve())),
                ("fingerprint", self._fingerprint(keys))]
        con.execute("CREATE TABLE sweep (key VARCHAR, value VARCHAR)")
        con.executemany("INSERT INTO sweep VALUES (?, ?)", rows)
        points_file = str(self.points_path.resolve()).replace("'", "''")
        con.execute(f"CREATE {table} points AS SELECT * FROM read_parquet('{points_file}')")
        task_rows = sorted((k, int(k[1:6]), int(k[8:])) for k in keys)
        con.execute("CREATE TABLE tasks (task VARCHAR, point INTEGER, first_replicate BIGINT)")
        if task_rows:
            con.executemany("INSERT INTO tasks VALUES (?, ?, ?)", task_rows)
        param_cols = [c for c in con.execute("SELECT * FROM points LIMIT 0").df().columns
                      if c != "point"]
        for name in DATASETS:
            files = self.files(name, keys)
            if not files:
                continue
            listing = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
            con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listing}])")
        if self.files(MARKER, keys):
            cols = ", ".join(f'p."{c}"' for c in param_cols)
            sel = f"s.*{', ' + cols if cols else ''}"
            con.execute(f"CREATE {table} runs AS SELECT {sel} FROM summaries s "
                        "JOIN points p USING (point) ORDER BY s.point, s.replicate")
        else:
            con.execute(f"CREATE {table} runs AS SELECT * FROM points WHERE FALSE")

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A read-only DuckDB connection over the store, for untrusted SQL.

        An in-memory database holds views over the Parquet files of finished tasks (no
        copy; ``catalog.duckdb`` is not opened, so no query can change it). Then only
        those files may be read (``allowed_paths``), external access, extension
        autoloading and autoinstalling are off, and the configuration is locked: SQL
        can neither read other files nor write any file nor load code.
        """
        meta = self.meta()
        keys = self.done_keys()
        con = duckdb.connect(":memory:", config={"autoinstall_known_extensions": False,
                                                 "autoload_known_extensions": False})
        try:
            self._build(con, meta, keys, materialise=False)
            files = [str(self.points_path.resolve()),
                     *(f for name in DATASETS for f in self.files(name, keys))]
            _read_only_settings(con, files)
        except duckdb.Error as exc:
            con.close()
            raise self._corrupt(exc) from None
        except BaseException:
            con.close()
            raise
        return con

    def query(self, sql: str) -> pd.DataFrame:
        """Run one or more read-only statements (``SELECT``, ``EXPLAIN``) over the store
        (tables/views: sweep, points, tasks, runs, summaries, lifetimes, wars, system);
        return the result of the last. Anything else is refused (see :meth:`connect`)."""
        allowed = "read-only DuckDB SQL (SELECT) over sweep, points, tasks, runs, summaries, " \
                  "lifetimes, wars, system"
        try:
            statements = duckdb.extract_statements(sql)
        except duckdb.Error as exc:
            raise InputError(f"query failed: {exc}".splitlines()[0], source=str(self.folder),
                             field="SQL", allowed=allowed) from None
        if not statements:
            raise InputError("empty query", source=str(self.folder), field="SQL",
                             allowed=allowed)
        for st in statements:
            if st.type not in _READ_ONLY_STATEMENTS:
                raise InputError(f"{st.type.name} statements are refused: queries are "
                                 "read-only", source=str(self.folder), field="SQL",
                                 allowed=allowed)
        con = self.connect()
        try:
            result = None
            for st in statements:
                result = con.execute(st)
            assert result is not None
            return result.df()
        except duckdb.Error as exc:
            raise InputError(f"query failed: {exc}".splitlines()[0], source=str(self.folder),
                             field="SQL", allowed=allowed) from None
        finally:
            con.close()

    def table(self, name: str) -> pd.DataFrame:
        """A whole dataset (or catalog table) as a DataFrame, sorted by point and replicate."""
        if name in DATASETS:
            files = self.files(name)
            if not files:
                return pd.DataFrame()
            from powerbalance.experiments.results import read_parquet

            return pd.concat([read_parquet(f, field=name) for f in files], ignore_index=True)
        return self.query(f"SELECT * FROM {name}")
