"""A streamed run's batches simulated by worker processes (:func:`powerbalance.run` with
``workers`` > 1 and its tables written to a run folder as it goes).

Batch ``k`` of the run is simulated by worker ``k % workers``, which then builds the batch's
tables a slice of worlds at a time (:func:`~powerbalance.experiments.results.batch_tables`)
and sends each slice's frames to the parent through a queue of a few slices; the parent
takes the slices batch after batch, in world order, and writes them into the run folder
(Parquet encoding and the file writes). So one worker simulates its next batch while the
parent writes the tables of another, and the memory of a run is that of one batch per
worker and a few slices, whatever its size.

Every random stream depends only on the master seed and the global world index, and the
tables of a batch are the tables of its slices one after the other, so the tables are the
same whatever the number of workers; the files are the same bytes as a run in one process
with the same batches (row groups are the slices, cut at the same worlds).

Workers are started with the ``spawn`` method (a context created here; the global start
method is never changed) and run their numerical libraries single-threaded
(threadpoolctl), so that N workers use N cores.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import queue
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

#: Most worker processes a run starts on its own (``workers=None``).
MAX_AUTO_WORKERS = 4
#: Least work (actor-years) of a run that starts worker processes on its own: starting one
#: costs about a second of CPU time (Python, NumPy, pandas and the compiled kernels are
#: loaded afresh), about the simulation of 2-3 million actor-years.
MIN_PARALLEL_WORK = 10_000_000
#: Batches per worker of a run given no batch size: each costs the simulation's fixed cost
#: per year once more (about 0.3 s of CPU time for 300 years), fewer hold more worlds per
#: worker at a time (7 actors x 300 years: 1,736 worlds a batch on 2 workers, about 0.55 GiB
#: of RSS per worker, of which 0.29 GiB is Python, NumPy, pandas and the compiled kernels).
BATCHES_PER_WORKER = 3
#: Slices of tables a worker may send ahead of the parent's writing (its memory beside the
#: batch is these slices).
QUEUE_SLICES = 1
#: Seconds between the parent's checks that a worker it waits for is still alive.
POLL_SECONDS = 0.2


def cpus() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def auto_workers(worlds: int, years: int, actors: int) -> int:
    """Worker processes of a streamed run given none: 1 (the run stays in this process) for
    a run of less than :data:`MIN_PARALLEL_WORK` actor-years or on one CPU, else the CPUs,
    at most :data:`MAX_AUTO_WORKERS` and at most one per world.

    >>> auto_workers(10, 300, 7)
    1
    """
    if worlds * years * actors < MIN_PARALLEL_WORK:
        return 1
    return max(1, min(cpus(), MAX_AUTO_WORKERS, worlds))


def parallel_batch_size(worlds: int, workers: int, step: int, largest: int) -> int:
    """Worlds per batch of a run on ``workers`` workers given no batch size:
    :data:`BATCHES_PER_WORKER` batches per worker (so the parent writes one batch's tables
    while the workers simulate others, and a worker holds a third of its worlds at a time),
    a whole number of slices of ``step`` worlds (so the row groups fall where a run in one
    batch puts them), and at most ``largest`` (what the memory allows each worker, rounded
    down to whole slices when that leaves at least one).

    >>> parallel_batch_size(10_000, 2, 248, 10_000)
    1736
    >>> parallel_batch_size(10_000, 2, 248, 1_000)
    992
    """
    per = -(-worlds // (BATCHES_PER_WORKER * workers))
    per = -(-per // step) * step
    cap = largest // step * step if largest >= step else largest
    return max(1, min(per, cap, worlds))


@dataclass(frozen=True)
class Job:
    """What a worker needs to simulate its batches and build their tables (plain data)."""

    scenario: Any
    params: Any
    engine: str
    seed: int
    years: int
    record: str
    map_worlds: npt.NDArray[np.int64]
    step: int
    """Worlds per slice of tables."""
    batches: tuple[tuple[int, int, int], ...]
    """(batch number, first world, end world) of this worker's batches, in order."""


Message = tuple[str, int, Any]


def work(job: Job, data: Any, progress: Any) -> None:
    """A worker's life: simulate each batch of the job, send its slices' tables, then
    ``("done", k, seconds)``; on an error, ``("error", k, exception)`` and stop."""
    from powerbalance.experiments.executors import _one_thread_per_worker
    from powerbalance.experiments.results import batch_tables
    from powerbalance.experiments.runner import simulate

    _one_thread_per_worker()
    progress.cancel_join_thread()  # progress left unread at the end is not waited for
    k = -1
    try:
        setting = job.scenario.setting(job.params).with_engine(job.engine)
        for k, lo, hi in job.batches:
            def tick(done: int, k: int = k) -> None:
                progress.put((k, done))

            traj = simulate(job.scenario, job.params, setting, job.seed, np.arange(lo, hi),
                            job.years, record=job.record, progress=tick,
                            map_worlds=job.map_worlds)
            for start in range(0, hi - lo, job.step):
                part = traj.worlds_slice(start, start + job.step)
                data.put(("slice", k, list(batch_tables(part, job.scenario, setting,
                                                        job.params, job.years))))
                del part
            data.put(("done", k, traj.seconds))
            del traj  # before the next batch is simulated
    except BaseException as exc:  # noqa: BLE001 - every failure goes to the parent
        data.put(("error", k, _portable(exc)))


def _portable(exc: BaseException) -> BaseException:
    """``exc`` when it survives pickling, else a RuntimeError with its traceback."""
    try:
        pickle.loads(pickle.dumps(exc))
        return exc
    except Exception:  # noqa: BLE001 - any pickling failure
        text = "".join(traceback.format_exception(exc))
        return RuntimeError(f"a worker of the run failed:\n{text}")


class Workers:
    """The worker processes of a run and the slices they send, in order of batch and world.

    ``slices()`` yields the frames of each slice (a list of (table name, frame)); after it,
    ``seconds`` holds the simulation seconds of every batch added up.
    """

    def __init__(self, job: Job, chunks: list[int], batch_size: int, end: int,
                 workers: int, progress: Callable[[int, int], None] | None = None) -> None:
        ctx = multiprocessing.get_context("spawn")
        self.batches = [(k, lo, min(lo + batch_size, end)) for k, lo in enumerate(chunks)]
        self.workers = max(1, min(workers, len(self.batches)))
        self.report = progress
        self.done = [0] * len(self.batches)
        self.total = len(self.batches) * job.years
        self.seconds = 0.0
        self.progress: Any = ctx.Queue()
        self.queues: list[Any] = [ctx.Queue(QUEUE_SLICES) for _ in range(self.workers)]
        self.procs = [
            ctx.Process(target=work, name=f"powerbalance-run-{w}", daemon=True,
                        args=(Job(**{**job.__dict__,
                                     "batches": tuple(self.batches[w::self.workers])}),
                              self.queues[w], self.progress))
            for w in range(self.workers)]
        for proc in self.procs:
            proc.start()

    def slices(self) -> Iterator[list[tuple[str, pd.DataFrame]]]:
        """The tables of every slice of every batch, in world order."""
        for k, _, _ in self.batches:
            w = k % self.workers
            while True:
                kind, batch, payload = self._get(w)
                if kind == "error":
                    raise payload
                assert batch == k, (batch, k)
                if kind == "done":
                    self.seconds += payload
                    break
                yield payload

    def _get(self, w: int) -> Message:
        """The next message of worker ``w`` (reporting progress while waiting)."""
        while True:
            self._drain_progress()
            try:
                message: Message = self.queues[w].get(timeout=POLL_SECONDS)
                return message
            except queue.Empty:
                if not self.procs[w].is_alive():
                    try:  # the last messages of a worker that has just ended
                        message = self.queues[w].get(timeout=POLL_SECONDS)
                        return message
                    except queue.Empty:
                        raise RuntimeError(f"worker {w} of the run ended unexpectedly "
                                           f"(exit code {self.procs[w].exitcode})") from None

    def _drain_progress(self) -> None:
        changed = False
        while True:
            try:
                k, done = self.progress.get_nowait()
            except queue.Empty:
                break
            self.done[k] = done
            changed = True
        if changed and self.report is not None:
            self.report(sum(self.done), self.total)

    def close(self) -> None:
        """Wait for the workers (all their batches taken), else stop them."""
        deadline = time.monotonic() + 10.0
        for proc in self.procs:
            proc.join(timeout=max(0.0, deadline - time.monotonic()))
            if proc.is_alive():
                proc.terminate()
                proc.join()
        for q in (*self.queues, self.progress):
            q.close()
            q.cancel_join_thread()

    def __enter__(self) -> Workers:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:  # a failure here: the workers' batches are not wanted
            for proc in self.procs:
                if proc.is_alive():
                    proc.terminate()
        self.close()
