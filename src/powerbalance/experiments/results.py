"""Run a scenario and keep its results: tables, manifest, and a run folder on disk.

A run folder holds ``actors.parquet``, ``system.parquet``, ``events.parquet``,
``alliances.parquet``, ``wars.parquet`` (one row per war: see
:func:`powerbalance.experiments.tables.war_table`), ``provinces.parquet``
(province owners per year of the map worlds), ``map.parquet`` and
``links.parquet`` (the static map), and
``manifest.json`` (scenario, parameters, seed, package version, timings).
It is written by :func:`powerbalance.outputs.write_folder`: into a staging
folder beside the target, then swapped into place, so a failed or interrupted
run leaves the old folder or the new one, never neither and never half of one;
an existing folder is replaced only with ``force`` when it is one of ours.
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from powerbalance.errors import InputError
from powerbalance.experiments import tables
from powerbalance.experiments.runner import RECORD_LEVELS, Trajectory, simulate
from powerbalance.model.engines import check_engine, default_engine
from powerbalance.model.state import STREAMED_TABLE_ROWS, Setting, auto_batch_size
from powerbalance.outputs import Output, check_output, write_folder
from powerbalance.params import Params
from powerbalance.scenarios import Scenario, load
from powerbalance.scenarios.model import Scenario as _Scenario
from powerbalance.scenarios.model import check_run_memory

TABLES = ("actors", "system", "events", "alliances", "provinces", "map", "links", "wars")


@dataclass
class RunResult:
    """The tables of a run and its manifest."""

    actors: pd.DataFrame
    system: pd.DataFrame
    events: pd.DataFrame
    alliances: pd.DataFrame
    provinces: pd.DataFrame
    map: pd.DataFrame
    links: pd.DataFrame
    manifest: dict[str, Any]
    scenario: Scenario | None = field(default=None, repr=False)
    wars: pd.DataFrame = field(default_factory=tables.empty_war_table)

    def table(self, name: str) -> pd.DataFrame:
        """A table by name (one of :data:`TABLES`)."""
        return getattr(self, name)

    def _repr_html_(self) -> str:
        """Jupyter display: a summary and the overview figure (see :mod:`powerbalance.viz`)."""
        from powerbalance.viz.notebook import run_html

        return run_html(self)

    def summary_system(self) -> pd.DataFrame:
        """The rows of the system table a run summary needs (see :func:`summary_rows`):
        here, the whole table."""
        return self.system

    def final(self) -> pd.DataFrame:
        """The system table at the last recorded year of each world."""
        last = self.system["year"].max()
        return self.system[self.system["year"] == last].reset_index(drop=True)

    def write(self, folder: str | Path, force: bool = False) -> Path:
        """Write the run folder atomically; return its path.

        An existing ``folder`` is replaced only with ``force`` and only when it is an
        earlier run folder of ours (see :mod:`powerbalance.outputs`); anything else is
        refused with an :class:`InputError` and left untouched.
        """
        return write_folder(folder, self.write_into, kind="run", manifest=self.manifest,
                            force=force)

    def write_into(self, folder: Path) -> None:
        """Write the tables into the empty folder ``folder`` (the manifest is written by
        :func:`powerbalance.outputs.write_folder`, after them, with the write time)."""
        t0 = time.perf_counter()
        for name in TABLES:
            write_parquet(self.table(name), folder / f"{name}.parquet")
        self.manifest.setdefault("timings", {})["write_seconds"] = time.perf_counter() - t0


#: Rows per Parquet row group written at a time by :func:`write_parquet` (pyarrow's own
#: default row-group size), which bounds the Arrow copy of a table to one group.
ROW_GROUP_ROWS = STREAMED_TABLE_ROWS


def write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` (without its index) to the Parquet file ``path`` one row group at a
    time: the whole table is never converted to Arrow at once, so writing a run of
    millions of rows needs memory for one group beside the table, not a second copy.

    The schema is that of the whole frame (so a group whose text column holds only nulls
    keeps the column's type); dictionary encoding as :func:`dictionary_columns`.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    with pq.ParquetWriter(path, schema, use_dictionary=dictionary_columns(frame)) as writer:
        for lo in range(0, max(len(frame), 1), ROW_GROUP_ROWS):
            part = frame.iloc[lo:lo + ROW_GROUP_ROWS]
            writer.write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))


def dictionary_columns(frame: pd.DataFrame) -> list[str]:
    """The columns worth Parquet's dictionary encoding: categories and strings.

    Numbers (shares, wealth, years) are written plain: trying a dictionary on every
    column (pyarrow's default) made writing the actors table 2-3x slower, for a larger file.

    >>> dictionary_columns(pd.DataFrame({"a": [1.0], "b": pd.Categorical(["x"]), "c": ["y"]}))
    ['b', 'c']
    """
    return [str(col) for col, dtype in frame.dtypes.items()
            if isinstance(dtype, pd.CategoricalDtype)
            or (pd.api.types.is_object_dtype(dtype)
                and pd.api.types.infer_dtype(frame[col]) == "string")]


def load_run(folder: str | Path) -> RunResult:
    """Read a run folder written by :meth:`RunResult.write`."""
    folder = Path(folder)
    manifest_path = folder / "manifest.json"
    if not manifest_path.is_file():
        raise InputError("not a run folder (no manifest.json)", source=str(folder),
                         field="RUN", allowed="a folder written by 'powerbalance run --out'")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"manifest.json cannot be read ({_first_line(exc)})",
                         source=str(folder), field="RUN",
                         allowed="a complete run folder") from None
    if not (isinstance(manifest, dict) and isinstance(manifest.get("scenario"), dict)):
        raise InputError("manifest.json is not a run manifest", source=str(folder),
                         field="RUN", allowed="a folder written by 'powerbalance run --out'")
    frames = {}
    for name in TABLES:
        path = folder / f"{name}.parquet"
        if name == "wars" and not path.is_file():  # folders written before the wars table
            continue
        if not path.is_file():
            raise InputError(f"missing {name}.parquet", source=str(folder), field="RUN",
                             allowed="a complete run folder")
        frames[name] = read_parquet(path, field="RUN")
    return RunResult(manifest=manifest, **frames)


def _first_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def read_parquet(path: str | Path, field: str = "FILE") -> pd.DataFrame:
    """Read a Parquet file; a corrupt or unreadable one is an :class:`InputError`."""
    import pyarrow as pa

    try:
        return pd.read_parquet(path)
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise InputError(f"not a readable Parquet file ({_first_line(exc)})",
                         source=str(path), field=field,
                         allowed="a Parquet file written by powerbalance") from None


def run(
    scenario: str | Scenario = "warring-states",
    *,
    years: int | None = None,
    worlds: int = 1,
    seed: int = 0,
    overrides: dict[str, Any] | None = None,
    out: str | Path | None = None,
    batch_size: int | None = None,
    first_world: int = 0,
    record: str = "full",
    map_worlds: int = 1,
    progress: Callable[[int, int], None] | None = None,
    force: bool = False,
    engine: str | None = None,
    keep_tables: bool = True,
    workers: int | None = 1,
) -> RunResult:
    """Simulate ``worlds`` worlds of a scenario and return (and optionally write) the tables.

    Parameters
    ----------
    scenario: a built-in name, a generator spec (``random:actors=30``), a TOML
        path, or a :class:`~powerbalance.scenarios.Scenario`.
    years: years to simulate (default: the scenario's).
    worlds: number of worlds; world indices run from ``first_world``.
    seed: the master seed; every random stream derives from it.
    overrides: parameter values replacing the defaults and the scenario's.
    out: write the run folder there (see :meth:`RunResult.write`).
    force: replace an earlier run folder of ours at ``out``.
    batch_size: worlds per array program (results do not depend on it); None: the
        largest that fits in memory (:func:`~powerbalance.model.state.auto_batch_size`).
    record: ``full`` (every year), ``system`` (every year, no alliance table), ``final``
        (the start and the last year only).
    map_worlds: record province owners for this many worlds (from ``first_world``).
    progress: called with (years done, total years) of the whole run.
    engine: ``compiled`` (numba kernels; bit-identical results, see
        :mod:`powerbalance.model.compiled`) or ``numpy`` (the reference, the specification
        of the model); None: the default, compiled, or ``$POWERBALANCE_ENGINE`` where it is
        set (:func:`~powerbalance.model.engines.default_engine`).
    keep_tables: False (with ``out``): write the tables into the run folder while the
        worlds are simulated, a slice of worlds at a time, instead of keeping them in
        memory; the memory of a run is then one batch and one slice of its tables, and the
        result (a :class:`StoredRunResult`) reads a table from the folder when it is used.
        The tables are the same either way.
    workers: processes that simulate the batches of a run written as it goes
        (``keep_tables=False``; see :mod:`powerbalance.experiments.parallel`) while this
        process writes the tables; 1 (the default): here; None:
        :func:`~powerbalance.experiments.parallel.auto_workers` (the CPUs, up to 4, for a
        run of at least 10 million actor-years; else 1), as ``powerbalance run`` does. The
        tables do not depend on it. A run kept in memory runs here. Workers are started
        with ``spawn``, which imports the script's main module again: a script that runs
        with workers keeps its work under ``if __name__ == "__main__":``.

    Examples
    --------
    >>> from powerbalance import run
    >>> r = run("warring-states", years=5, worlds=2, seed=1)
    >>> sorted(r.system.columns)[:3]
    ['active_wars', 'con', 'effective_number']
    >>> int(r.system["world"].nunique()), int(r.system["year"].max())
    (2, 5)
    """
    if out is not None:  # refuse a bad --out before anything runs
        check_output(Output(Path(out), "run", folder=True), force)
    scen = scenario if isinstance(scenario, _Scenario) else load(scenario)
    years = scen.years if years is None else years
    if not isinstance(years, int) or years < 1:
        raise InputError(f"{years!r}", source="run", field="years", allowed="an integer >= 1")
    if not isinstance(worlds, int) or worlds < 1:
        raise InputError(f"{worlds!r}", source="run", field="worlds", allowed="an integer >= 1")
    if not isinstance(seed, int) or seed < 0:
        raise InputError(f"{seed!r}", source="run", field="seed", allowed="an integer >= 0")
    if record not in RECORD_LEVELS:
        raise InputError(f"{record!r}", source="run", field="record",
                         allowed=", ".join(RECORD_LEVELS))
    engine = default_engine() if engine is None else check_engine(engine)
    streamed = out is not None and not keep_tables
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise InputError(f"{workers!r}", source="run", field="workers",
                         allowed="an integer >= 1")
    batch_size, workers = run_plan(scen, worlds=worlds, years=years, record=record,
                                   map_worlds=map_worlds, streamed=streamed,
                                   batch_size=batch_size, workers=workers)
    if batch_size < 1:
        raise InputError(f"{batch_size}", source="run", field="batch_size", allowed=">= 1")
    params = scen.make_params(overrides)
    check_run_memory(scen, worlds=worlds, years=years,
                     batch_size=min(worlds, batch_size * workers), record=record,
                     map_worlds=map_worlds, streamed=streamed)
    setting = scen.setting(params, engine)
    started = time.time()
    map_ids = np.arange(first_world, first_world + min(map_worlds, worlds))
    chunks = list(range(first_world, first_world + worlds, batch_size))

    def batches() -> Iterator[tuple[Trajectory, float]]:
        """The trajectory of each batch in turn and the seconds it took to simulate."""
        for k, lo in enumerate(chunks):
            ids = np.arange(lo, min(lo + batch_size, first_world + worlds))

            def tick(done: int, k: int = k) -> None:
                if progress is not None:
                    progress(k * years + done, len(chunks) * years)

            traj = simulate(scen, params, setting, seed, ids, years, record=record,
                            progress=tick, map_worlds=map_ids)
            yield traj, traj.seconds
            del traj  # before the next batch is simulated, not after

    def manifest(sim_seconds: float) -> dict[str, Any]:
        return _manifest(scen, params, overrides or {}, seed, worlds, first_world, years,
                         record, started, sim_seconds)

    if streamed:
        assert out is not None
        if workers > 1 and len(chunks) > 1:
            from powerbalance.experiments.parallel import Job, Workers

            slots = years + 1 if record != "final" else 2
            job = Job(scenario=scen, params=params, engine=engine, seed=seed, years=years,
                      record=record, map_worlds=map_ids,
                      step=slice_step(slots, len(scen.actors), table_threads()),
                      batches=())
            pool = Workers(job, chunks, batch_size, first_world + worlds, workers,
                           progress)
            with pool:
                return _run_streamed(Path(out), pool.slices(), lambda: pool.seconds,
                                     manifest, scen, params, years, force, local=False,
                                     simulators=pool.workers)
        timing = {"simulate": 0.0}
        return _run_streamed(Path(out), _batch_slices(batches(), scen, setting, params,
                                                      years, timing),
                             lambda: timing["simulate"], manifest, scen, params, years,
                             force)
    frames: dict[str, list[pd.DataFrame]] = {name: [] for name in BATCH_TABLES}
    sim_seconds = 0.0
    for traj, seconds in batches():
        sim_seconds += seconds
        for name, frame in batch_tables(traj, scen, setting, params, years):
            frames[name].append(frame)
        del traj  # the next batch's arrays replace this one's, not join them
    static_provinces, links = tables.geography_tables(scen, params)
    result = RunResult(
        **{name: _joined(parts) for name, parts in frames.items()},
        map=static_provinces, links=links, manifest=manifest(sim_seconds), scenario=scen,
    )
    if out is not None:
        result.write(out, force=force)
    return result


#: The tables built from each batch's trajectory (the others describe the static map).
BATCH_TABLES = ("actors", "system", "events", "alliances", "provinces", "wars")


def batch_tables(traj: Trajectory, scen: Scenario, setting: Setting, params: Params,
                 years: int) -> Iterator[tuple[str, pd.DataFrame]]:
    """The tables of :data:`BATCH_TABLES` of one batch, by name, one after the other."""
    yield "actors", tables.actor_table(traj, scen, years)
    yield "system", tables.system_table(traj, scen, setting, params, years)
    yield "events", tables.event_table(traj, scen, params)
    yield "alliances", tables.alliance_table(traj)
    yield "provinces", tables.province_table(traj, years)
    yield "wars", tables.war_table(traj)


def table_threads() -> int:
    """Threads that build the tables of a streamed run's slices side by side (NumPy, pandas
    and Arrow release the GIL for most of that work): up to 4, no more than the CPUs."""
    return max(1, min(4, os.cpu_count() or 1))


def slice_worlds(traj: Trajectory, threads: int = 1) -> int:
    """Worlds per slice of a batch whose tables are built and written at once: about
    :data:`ROW_GROUP_ROWS` rows of the actor table (the largest) shared by the ``threads``
    slices being built at a time, so a streamed run holds about one row group of each table,
    not the tables of a batch."""
    slots, _, actors = traj.share.shape
    return slice_step(slots, actors, threads)


def slice_step(slots: int, actors: int, threads: int = 1) -> int:
    """:func:`slice_worlds` of a trajectory of ``slots`` recorded years of ``actors`` actors.

    >>> slice_step(301, 7, 2)
    248
    """
    return max(1, ROW_GROUP_ROWS // threads // max(1, slots * actors))


def _sliced_tables(traj: Trajectory, scen: Scenario, setting: Setting, params: Params,
                   years: int) -> Iterator[list[tuple[str, pd.DataFrame]]]:
    """The tables of each slice of a batch, slice after slice in world order, built by
    :func:`table_threads` threads, at most that many slices ahead of the caller."""
    from collections import deque
    from concurrent.futures import Future, ThreadPoolExecutor

    threads = table_threads()
    step = slice_worlds(traj, threads)

    def build(lo: int) -> list[tuple[str, pd.DataFrame]]:
        return list(batch_tables(traj.worlds_slice(lo, lo + step), scen, setting, params,
                                 years))

    with ThreadPoolExecutor(threads, thread_name_prefix="powerbalance-tables") as pool:
        pending: deque[Future[list[tuple[str, pd.DataFrame]]]] = deque()
        for lo in range(0, len(traj.worlds), step):
            if len(pending) >= threads:
                yield pending.popleft().result()
            pending.append(pool.submit(build, lo))
        while pending:
            yield pending.popleft().result()


def _batch_slices(batches: Iterator[tuple[Trajectory, float]], scen: Scenario,
                  setting: Setting, params: Params, years: int,
                  timing: dict[str, float]) -> Iterator[list[tuple[str, pd.DataFrame]]]:
    """The tables of every slice of every batch, simulated here batch after batch (the
    simulation seconds added up in ``timing["simulate"]``)."""
    for traj, seconds in batches:
        timing["simulate"] += seconds
        yield from _sliced_tables(traj, scen, setting, params, years)
        del traj  # before the next batch is simulated


def summary_rows(system: pd.DataFrame, last_year: int) -> pd.DataFrame:
    """The rows of (a slice of whole worlds of) a system table that the run summary reads
    (:func:`~powerbalance.experiments.summary.unification` and
    :func:`~powerbalance.experiments.summary.final_polarity`): each world's first row with
    one actor alive and its row of the last recorded year, in table order; these give the
    summary of the whole table.

    >>> sys = pd.DataFrame({"world": [0, 0, 0, 1, 1, 1], "year": [0, 1, 2, 0, 1, 2],
    ...                     "live_actors": [2, 1, 1, 2, 2, 2]})
    >>> summary_rows(sys, 2)["year"].tolist()
    [1, 2, 2]
    """
    one = (system["live_actors"] == 1).to_numpy()
    world = system["world"].to_numpy()
    first_one = one.copy()
    at = np.flatnonzero(one)
    if len(at):  # only the first of each world's run of rows with one actor alive
        first_one[at[1:][world[at[1:]] == world[at[:-1]]]] = False
    keep = first_one | (system["year"] == last_year).to_numpy()
    return system[keep]


def _run_streamed(out: Path, slices: Iterator[list[tuple[str, pd.DataFrame]]],
                  sim_seconds: Callable[[], float],
                  manifest: Callable[[float], dict[str, Any]], scen: Scenario,
                  params: Params, years: int, force: bool,
                  local: bool = True, simulators: int = 1) -> StoredRunResult:
    """Write the tables of each slice of worlds, as ``slices`` yields them (simulating the
    batches here or taking them from worker processes), into the run folder's staging copy
    (:func:`~powerbalance.outputs.write_folder`: the folder appears complete at the end or
    not at all); return the run read from the folder. ``write_seconds`` of the manifest's
    timings: the seconds this process spent building and writing tables (``local``: the
    batches simulated here), or writing the tables the workers built. ``simulate_seconds``
    adds up every batch's simulation seconds, over the ``simulators`` worker processes
    that ran at the same time (so it can exceed ``total_seconds``); ``simulate_processes``
    records how many there were."""
    record: dict[str, Any] = {}
    summary: list[pd.DataFrame] = []

    def fill(folder: Path) -> None:
        t0 = time.perf_counter()
        writing = 0.0
        with TableWriters(folder) as writers:
            for slice_tables in slices:
                t1 = time.perf_counter()
                for name, frame in slice_tables:
                    writers.write(name, frame)
                    if name == "system":
                        summary.append(summary_rows(frame, years))
                writing += time.perf_counter() - t1
            static_provinces, links = tables.geography_tables(scen, params)
            writers.write("map", static_provinces)
            writers.write("links", links)
        simulated = sim_seconds()
        record.update(manifest(simulated))
        total = time.perf_counter() - t0
        record["timings"]["write_seconds"] = (max(0.0, total - simulated) if local
                                              else writing)
        record["timings"]["total_seconds"] = total
        record["timings"]["simulate_processes"] = simulators

    write_folder(out, fill, kind="run", manifest=record, force=force)
    result = StoredRunResult(out, record, scen)
    if summary:
        result.summary = pd.concat(summary, ignore_index=True)
    return result


class TableWriters:
    """The Parquet files of a run folder's tables, written a slice (one or more row groups)
    at a time as :func:`write_parquet` writes a whole table: the schema of the first slice
    with rows (every slice has the same columns and types; the categories of a column do
    not change from one slice to the next), dictionary encoding as
    :func:`dictionary_columns`. A table with no rows at all is written as its empty frame."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._writers: dict[str, Any] = {}
        self._empty: dict[str, pd.DataFrame] = {}

    def write(self, name: str, frame: pd.DataFrame) -> None:
        """Append the rows of ``frame`` to table ``name``."""
        import pyarrow as pa
        import pyarrow.parquet as pq

        if not len(frame):
            self._empty.setdefault(name, frame)
            return
        writer = self._writers.get(name)
        if writer is None:
            schema = pa.Schema.from_pandas(frame, preserve_index=False)
            writer = pq.ParquetWriter(self.folder / f"{name}.parquet", schema,
                                      use_dictionary=dictionary_columns(frame))
            self._writers[name] = writer
        for lo in range(0, len(frame), ROW_GROUP_ROWS):
            part = frame.iloc[lo:lo + ROW_GROUP_ROWS]
            writer.write_table(pa.Table.from_pandas(part, schema=writer.schema,
                                                    preserve_index=False))

    def __enter__(self) -> TableWriters:
        return self

    def __exit__(self, *exc: object) -> None:
        for writer in self._writers.values():
            writer.close()
        if exc[0] is None:
            for name, frame in self._empty.items():
                if name not in self._writers:
                    write_parquet(frame, self.folder / f"{name}.parquet")


class _StoredTable:
    """A table of a :class:`StoredRunResult`: read from its run folder on first access."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, obj: Any, objtype: type | None = None) -> Any:
        if obj is None:
            return self
        cache = obj.__dict__.setdefault("_tables", {})
        if self.name not in cache:
            cache[self.name] = read_parquet(obj.folder / f"{self.name}.parquet", field="RUN")
        return cache[self.name]

    def __set__(self, obj: Any, value: pd.DataFrame) -> None:
        obj.__dict__.setdefault("_tables", {})[self.name] = value


class StoredRunResult(RunResult):
    """A run written to its folder as it ran (:func:`run` with ``keep_tables=False``): each
    table is read from the folder when first used, so a run of millions of rows costs
    memory only for the tables a caller looks at."""

    actors = _StoredTable()  # type: ignore[assignment]
    system = _StoredTable()  # type: ignore[assignment]
    events = _StoredTable()  # type: ignore[assignment]
    alliances = _StoredTable()  # type: ignore[assignment]
    provinces = _StoredTable()  # type: ignore[assignment]
    map = _StoredTable()  # type: ignore[assignment]
    links = _StoredTable()  # type: ignore[assignment]
    wars = _StoredTable()  # type: ignore[assignment]

    def __init__(self, folder: Path, manifest: dict[str, Any],
                 scenario: Scenario | None = None) -> None:
        self.folder = Path(folder)
        self.manifest = manifest
        self.scenario = scenario
        self.summary: pd.DataFrame | None = None
        """The system table's :func:`summary_rows`, kept as the run wrote them (None: read
        the table)."""

    def summary_system(self) -> pd.DataFrame:
        """The rows of the system table a run summary needs: those kept as the run wrote
        the table, else the whole table read from the folder."""
        return self.system if self.summary is None else self.summary

    def __repr__(self) -> str:
        return f"StoredRunResult({str(self.folder)!r})"


def _joined(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """The tables of the batches one after the other (a single batch's table as it is:
    concatenating would copy it, doubling the peak memory of a one-batch run)."""
    only = parts[0] if len(parts) == 1 else None
    if (only is not None and isinstance(only.index, pd.RangeIndex) and only.index.start == 0
            and only.index.step == 1):
        return only
    return pd.concat(parts, ignore_index=True)


def run_plan(scenario: Scenario, *, worlds: int, years: int, record: str = "full",
             map_worlds: int = 1, streamed: bool = False, batch_size: int | None = None,
             workers: int | None = None) -> tuple[int, int]:
    """The batch size and the worker processes of a run (as :func:`run` takes them).

    A run kept in memory, or of one batch, runs in this process (1 worker). Given no batch
    size, a run in this process takes :func:`batch_size_for`; a run on workers
    :func:`~powerbalance.experiments.parallel.parallel_batch_size`, with each worker's batch
    within an equal part of the memory budget.
    """
    from powerbalance.experiments.parallel import auto_workers, parallel_batch_size
    from powerbalance.model.state import memory_budget

    n = len(scenario.actors)
    if not streamed:
        workers = 1
    elif workers is None:
        workers = auto_workers(worlds, years, n)
    if batch_size is None:
        if workers > 1:
            largest = auto_batch_size(worlds, years, n, scenario.province_map.n,
                                      record=record, map_worlds=map_worlds, streamed=True,
                                      budget=memory_budget() // (workers + 1))
            slots = years + 1 if record != "final" else 2
            batch_size = parallel_batch_size(worlds, workers,
                                             slice_step(slots, n, table_threads()), largest)
        else:
            batch_size = batch_size_for(scenario, worlds=worlds, years=years, record=record,
                                        map_worlds=map_worlds, streamed=streamed)
    if -(-worlds // max(batch_size, 1)) < 2:
        workers = 1
    return batch_size, workers


def batch_size_for(scenario: Scenario, *, worlds: int, years: int, record: str = "full",
                   map_worlds: int = 1, streamed: bool = False) -> int:
    """The batch size :func:`run` takes when none is given (the largest that fits in memory,
    see :func:`~powerbalance.model.state.auto_batch_size`; ``streamed``: a run that writes
    its tables as it goes, ``keep_tables=False``)."""
    return auto_batch_size(worlds, years, len(scenario.actors), scenario.province_map.n,
                           record=record, map_worlds=map_worlds, streamed=streamed)


def _manifest(scen: Scenario, params: Params, overrides: dict[str, Any], seed: int,
              worlds: int, first_world: int, years: int, record: str, started: float,
              sim_seconds: float) -> dict[str, Any]:
    from powerbalance import __version__

    return {
        "scenario": {"name": scen.name, "origin": scen.origin, "description": scen.description,
                     "sources": list(scen.sources), "actors": list(scen.names)},
        "params": asdict(params),
        "overrides": overrides,
        "seed": seed,
        "worlds": worlds,
        "first_world": first_world,
        "years": years,
        "record": record,
        "version": __version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(started)),
        "timings": {"simulate_seconds": sim_seconds,
                    "total_seconds": time.time() - started},
    }
