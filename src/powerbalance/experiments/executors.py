"""Executors: where the tasks of a sweep run. All give bit-identical results.

A task (:class:`~powerbalance.experiments.design.Task`) simulates a block of
replicates of one design point as one array program (the engine's batch
axis) and returns its outcome tables already encoded as Parquet bytes, so
the encoding runs in parallel on the workers and the driver only writes
files. Because every random number depends only on the master seed and the
global world index, the results do not depend on the executor, the number of
workers or the machine.

* :class:`InProcessExecutor`: the default; tasks run one after another here.
* :class:`ProcessExecutor`: local processes (a ``spawn`` context created
  locally; the global start method is never changed).
* :class:`DaskExecutor`: a Dask distributed cluster, either an existing one
  (``scheduler="tcp://HOST:PORT"``, e.g. started by dask-jobqueue on SLURM or
  PBS) or a :class:`distributed.LocalCluster` of ``workers`` processes, secured
  with TLS and throw-away certificates (``Security.temporary()``), listening on
  127.0.0.1 only, its dashboard off unless asked for (``dashboard=True``).

Worker processes run their numerical libraries single-threaded (Dask's nanny
sets ``OMP_NUM_THREADS=1`` and friends; local processes use threadpoolctl),
so that N workers use N cores instead of fighting over them.
"""

from __future__ import annotations

import io
import multiprocessing
import time
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from powerbalance.errors import InputError

#: Where the dashboard of a LocalCluster listens when asked for (``sweep --dashboard``).
DASHBOARD_ADDRESS = "127.0.0.1:8787"

#: Dask config key of the malloc setting a LocalCluster's workers are spared (see docs).
NANNY_MALLOC_KEY = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"

#: Seconds to wait for a Dask scheduler before giving up.
DEFAULT_CONNECT_TIMEOUT = 10.0

#: Seconds a LocalCluster's workers may take to register with its scheduler.
WORKER_START_TIMEOUT = 120.0


@dataclass(frozen=True)
class TaskPayload:
    """Everything a worker needs to run one task (plain, picklable data)."""

    key: str
    point: int
    first: int
    count: int
    scenario: str
    years: int
    seed: int
    overrides: dict[str, Any]
    keep: tuple[str, ...]


@dataclass
class TaskResult:
    """The Parquet-encoded outcome tables of one task and its timings (seconds)."""

    key: str
    point: int
    runs: int
    blobs: dict[str, bytes]
    timings: dict[str, float] = field(default_factory=dict)


_SCENARIOS: dict[str, Any] = {}


def _scenario(spec: str) -> Any:
    """Load a scenario once per process."""
    if spec not in _SCENARIOS:
        from powerbalance.scenarios import load

        _SCENARIOS[spec] = load(spec)
    return _SCENARIOS[spec]


def encode(frame: pd.DataFrame) -> bytes:
    """A table as Parquet bytes (zstd, no pandas index)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def run_task(payload: TaskPayload) -> TaskResult:
    """Simulate one task and return its encoded outcome tables (runs on a worker)."""
    from powerbalance.experiments import outcomes
    from powerbalance.experiments.runner import simulate

    t0 = time.perf_counter()
    scen = _scenario(payload.scenario)
    params = scen.make_params(payload.overrides, source="sweep")
    setting = scen.setting(params)
    worlds = np.arange(payload.first, payload.first + payload.count, dtype=np.int64)
    t1 = time.perf_counter()
    # the facts need the alliance pairs, which only a full record keeps
    record = "full" if "facts" in payload.keep else "system"
    traj = simulate(scen, params, setting, payload.seed, worlds, payload.years, record=record)
    t2 = time.perf_counter()
    frames: dict[str, pd.DataFrame] = {}
    if "lifetimes" in payload.keep:
        frames["lifetimes"] = outcomes.lifetimes(traj, scen, payload.point)
    if "wars" in payload.keep:
        frames["wars"] = outcomes.wars(traj, payload.point)
    if "system" in payload.keep:
        frames["system"] = outcomes.system(traj, scen, setting, params, payload.point)
    if "facts" in payload.keep:
        from powerbalance.experiments.calibration import world_facts

        frames["facts"] = world_facts(traj, scen, params, payload.point)
    frames["summaries"] = outcomes.summaries(traj, setting, params, payload.point, payload.seed)
    t3 = time.perf_counter()
    blobs = {name: encode(frame) for name, frame in frames.items()}
    t4 = time.perf_counter()
    return TaskResult(payload.key, payload.point, payload.count, blobs, {
        "setup": t1 - t0, "simulate": t2 - t1, "tables": t3 - t2, "encode": t4 - t3})


class Executor:
    """Runs task payloads and yields their results as they complete (any order)."""

    name = "executor"
    workers = 1

    def map(self, payloads: Iterable[TaskPayload]) -> Iterator[TaskResult]:
        """Yield the result of every payload."""
        raise NotImplementedError

    def close(self) -> None:
        """Release workers and connections."""

    def describe(self) -> str:
        """One line for the progress display."""
        return f"{self.name} ({self.workers} worker{'s' if self.workers != 1 else ''})"

    def __enter__(self) -> Executor:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class InProcessExecutor(Executor):
    """Run tasks here, one after another (each task is one array program)."""

    name = "in-process"

    def map(self, payloads: Iterable[TaskPayload]) -> Iterator[TaskResult]:
        """Yield the result of every payload, in order."""
        for payload in payloads:
            yield run_task(payload)


_LIMITS: list[Any] = []


def _one_thread_per_worker() -> None:
    """Worker initializer: one BLAS/OpenMP thread, so that N workers use N cores."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl is a dependency
        return
    _LIMITS.append(threadpool_limits(limits=1))


class ProcessExecutor(Executor):
    """Run tasks in ``workers`` local processes (spawn context, created locally)."""

    name = "processes"

    def __init__(self, workers: int) -> None:
        if workers < 1:
            raise InputError(f"{workers}", source="--workers", field="workers",
                             allowed="an integer >= 1")
        self.workers = workers
        self._pool = ProcessPoolExecutor(max_workers=workers,
                                         mp_context=multiprocessing.get_context("spawn"),
                                         initializer=_one_thread_per_worker)

    def map(self, payloads: Iterable[TaskPayload]) -> Iterator[TaskResult]:
        """Yield results as they complete, keeping every worker busy."""
        pending: set[Future[TaskResult]] = set()
        todo = iter(payloads)
        window = 2 * self.workers
        for payload in todo:
            pending.add(self._pool.submit(run_task, payload))
            if len(pending) >= window:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                nxt = next(todo, None)
                if nxt is not None:
                    pending.add(self._pool.submit(run_task, nxt))
                yield fut.result()

    def close(self) -> None:
        """Shut the pool down (cancelling queued tasks)."""
        self._pool.shutdown(wait=True, cancel_futures=True)


class DaskExecutor(Executor):
    """Run tasks on a Dask distributed cluster: an existing one or a LocalCluster."""

    name = "dask"

    def __init__(self, scheduler: str | None = None, workers: int | None = None,
                 connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                 processes: bool = True, dashboard: bool = False) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:  # pragma: no cover - dask is a dependency
            raise InputError("dask.distributed is not installed", source="--scheduler",
                             field="dask", allowed="pip install 'dask[distributed]'") from None
        self._cluster: Any = None
        if scheduler is not None:
            if not scheduler.startswith(("tcp://", "tls://", "inproc://", "ucx://")):
                raise InputError(f"invalid scheduler address {scheduler!r}",
                                 source="--scheduler", field="address",
                                 allowed="tcp://HOST:PORT (or tls://)")
            try:
                self._client = Client(scheduler, timeout=f"{connect_timeout}s")
            except (OSError, TimeoutError) as exc:
                raise InputError(f"cannot reach the Dask scheduler at {scheduler} within "
                                 f"{connect_timeout:g} s ({type(exc).__name__})",
                                 source="--scheduler", field="address",
                                 allowed="the address of a running scheduler, "
                                 "tcp://HOST:PORT") from None
            info = self._client.scheduler_info()
            self.workers = max(1, len(info.get("workers", {})))
        else:
            import dask

            n = workers or 1
            # Dask's nanny sets MALLOC_TRIM_THRESHOLD_ in its workers, which fixes glibc's
            # mmap threshold: every large numpy temporary is then mmap'ed and page-faulted
            # afresh, and the simulation takes twice the CPU time. Unset it for our cluster.
            # Secured: every connection to the scheduler, workers and nannies is TLS with a
            # throw-away certificate of this cluster (Security.temporary), so no other
            # process can submit code to our workers; all listen on 127.0.0.1 only. The
            # HTTP endpoints (dashboard, metrics, proxy) are off unless asked for: the
            # scheduler's server then listens on a random local port with no routes.
            from distributed.security import Security

            config: dict[str, Any] = {NANNY_MALLOC_KEY: None}
            if not dashboard:
                config.update({"distributed.scheduler.http.routes": [],
                               "distributed.worker.http.routes": []})
            network: dict[str, Any] = ({"host": "127.0.0.1", "protocol": "tls://",
                                        "security": Security.temporary()}
                                       if processes else {})  # threads: no network at all
            with dask.config.set(config):
                self._cluster = LocalCluster(
                    n_workers=n, threads_per_worker=1, processes=processes,
                    dashboard_address=DASHBOARD_ADDRESS if dashboard else "127.0.0.1:0",
                    scheduler_kwargs={"dashboard": dashboard}, **network)
            self._client = Client(self._cluster)
            try:
                # every worker registered before the first task is submitted (LocalCluster
                # starts them; this makes the readiness explicit and bounded)
                self._client.wait_for_workers(n, timeout=WORKER_START_TIMEOUT)
            except BaseException:
                self.close()
                raise
            self.workers = n
        self.dashboard_link: str | None = (
            self._client.dashboard_link if dashboard and self._cluster is not None else None)

    def map(self, payloads: Iterable[TaskPayload]) -> Iterator[TaskResult]:
        """Submit every payload and yield results as they complete.

        The futures are watched on this executor's own client's event loop, never on the
        loop of the process's default client (``as_completed`` without ``loop=`` takes
        ``default_client().loop``): any other :class:`distributed.Client` created since,
        even one that failed to connect, becomes the default, and a future watched on a
        loop that is not its client's one is never seen to complete once that loop stops
        (the sweep then waits forever on an idle worker).
        """
        from distributed import as_completed

        token = uuid.uuid4().hex  # unique keys: never a cached result of another sweep
        futures = [self._client.submit(run_task, p, key=f"powerbalance-{p.key}-{token}",
                                       pure=False) for p in payloads]
        for fut in as_completed(futures, loop=self._client.loop):
            result: TaskResult = fut.result()
            fut.release()
            yield result

    def close(self) -> None:
        """Close the client (and the local cluster if we started one)."""
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(workers: int | None = None, scheduler: str | None = None, *,
                  backend: str | None = None,
                  connect_timeout: float = DEFAULT_CONNECT_TIMEOUT,
                  dashboard: bool = False) -> Executor:
    """The executor for the CLI options.

    ``scheduler`` given: Dask on that cluster. ``workers`` given: a Dask
    LocalCluster (``backend="dask"``, the CLI's choice) or local processes
    (``backend="processes"``). Neither: in-process.
    """
    if scheduler is not None and workers is not None:
        raise InputError("give --workers or --scheduler, not both", source="options",
                         field="--workers/--scheduler", allowed="one of them")
    if scheduler is not None:
        return DaskExecutor(scheduler=scheduler, connect_timeout=connect_timeout)
    if workers is None:
        return InProcessExecutor()
    if workers < 1:
        raise InputError(f"{workers}", source="--workers", field="workers",
                         allowed="an integer >= 1")
    kind = backend or "dask"
    if kind == "processes":
        return ProcessExecutor(workers)
    if kind == "dask":
        return DaskExecutor(workers=workers, dashboard=dashboard)
    if kind == "in-process":
        return InProcessExecutor()
    raise InputError(f"unknown backend {kind!r}", source="--backend", field="backend",
                     allowed="dask | processes | in-process")
