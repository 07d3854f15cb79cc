"""A bounded worker pool for the web lab's runs, with a queue, cancellation and a cache.

Runs are long (seconds to minutes) and the browser must not wait on a request
for them: a request *submits* a job and gets its id at once; the job runs on
one of a fixed number of worker threads (the engine spends its time in NumPy,
which releases the interpreter lock); progress is read from the job while it
runs (the lab streams it as server-sent events). The queue is bounded: when
``max_pending`` jobs are queued or running, a new one is refused
(:class:`PoolBusy`) instead of piling up memory.

A job is cancelled by a flag that its progress callback checks every simulated
year: the engine stops at the next year and nothing is kept.

Finished results are cached by their key (scenario, parameters, seed and the
run's size), least recently used first out, within a count and an estimated
memory budget, so that asking again for the same run (or reloading the page)
costs nothing.
"""

from __future__ import annotations

import itertools
import threading
import time
import traceback
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from powerbalance.errors import InputError

#: Job states; the last three are final.
QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"
FINAL = (DONE, FAILED, CANCELLED)

#: The work of a job: called with a ``progress(done, total)`` hook, returns the result.
Work = Callable[[Callable[[int, int], None]], Any]


class PoolBusy(RuntimeError):
    """The queue is full: too many jobs are queued or running."""


class JobCancelled(Exception):
    """Raised inside a job's progress hook once the job has been cancelled."""


@dataclass
class Job:
    """One submitted piece of work and what is known about it."""

    id: str
    kind: str
    key: Hashable
    info: dict[str, Any]
    """What the job is (its request, the equivalent CLI command): shown to the user."""
    size: int = 0
    """Estimated bytes of the result (for the cache budget)."""
    status: str = QUEUED
    done: int = 0
    total: int = 0
    error: str | None = None
    cached: bool = False
    result: Any = None
    created: float = field(default_factory=time.time)
    finished: float | None = None
    cancel_flag: threading.Event = field(default_factory=threading.Event, repr=False)
    future: Future[Any] | None = field(default=None, repr=False)

    def snapshot(self) -> dict[str, Any]:
        """The job's state as plain data (for the API and the progress stream)."""
        return {"id": self.id, "kind": self.kind, "status": self.status, "done": self.done,
                "total": self.total, "error": self.error, "cached": self.cached,
                "seconds": (self.finished or time.time()) - self.created}


class ResultCache:
    """Least-recently-used results by key, within ``max_items`` and ``max_bytes``."""

    def __init__(self, max_items: int, max_bytes: int) -> None:
        self.max_items, self.max_bytes = max_items, max_bytes
        self._items: OrderedDict[Hashable, tuple[Any, int]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0

    def get(self, key: Hashable) -> Any | None:
        """The cached result of ``key`` (``None`` if absent); counts a hit."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return self._items[key][0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep ``value``; evict the least recently used beyond the budgets."""
        if size > self.max_bytes:
            return
        with self._lock:
            self._items[key] = (value, size)
            self._items.move_to_end(key)
            while len(self._items) > self.max_items or sum(
                    s for _, s in self._items.values()) > self.max_bytes:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)


class JobPool:
    """Bounded worker threads running :class:`Job` s, with a result cache."""

    def __init__(self, workers: int = 2, max_pending: int = 16, keep_jobs: int = 200,
                 cache_items: int = 16, cache_bytes: int = 4 << 30) -> None:
        self.max_pending = max_pending
        self.keep_jobs = keep_jobs
        self.cache = ResultCache(cache_items, cache_bytes)
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="lab-run")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()
        self._ids = itertools.count(1)

    def submit(self, kind: str, key: Hashable, work: Work, info: dict[str, Any],
               size: int = 0) -> Job:
        """A job for ``work``: done at once on a cache hit, the running one for the same
        key if there is one, else a new queued job (:class:`PoolBusy` when full)."""
        with self._lock:
            job_id = f"{kind[0]}{next(self._ids)}"
            hit = self.cache.get((kind, key))
            if hit is not None:
                job = Job(job_id, kind, key, info, size=size, status=DONE, cached=True,
                          result=hit, finished=time.time())
                self._remember(job)
                return job
            for other in self._jobs.values():
                if other.kind == kind and other.key == key and other.status not in FINAL:
                    return other
            pending = sum(j.status not in FINAL for j in self._jobs.values())
            if pending >= self.max_pending:
                raise PoolBusy(f"{pending} jobs queued or running (at most {self.max_pending})")
            job = Job(job_id, kind, key, info, size=size)
            self._remember(job)
            job.future = self._executor.submit(self._run, job, work)
            return job

    def get(self, job_id: str) -> Job | None:
        """The job called ``job_id`` (``None`` if unknown or forgotten)."""
        return self._jobs.get(job_id)

    def cancel(self, job_id: str) -> Job | None:
        """Cancel a queued or running job (a finished one is left as it is)."""
        job = self._jobs.get(job_id)
        if job is None or job.status in FINAL:
            return job
        job.cancel_flag.set()
        if job.future is not None and job.future.cancel():  # still queued: never starts
            self._finish(job, CANCELLED)
        return job

    def pending(self) -> int:
        """Jobs queued or running."""
        return sum(j.status not in FINAL for j in list(self._jobs.values()))

    def shutdown(self) -> None:
        """Cancel everything and stop the workers."""
        for job in list(self._jobs.values()):
            self.cancel(job.id)
        self._executor.shutdown(wait=False, cancel_futures=True)

    # -- inside the worker ---------------------------------------------------------
    def _run(self, job: Job, work: Work) -> None:
        if job.cancel_flag.is_set():
            self._finish(job, CANCELLED)
            return
        job.status = RUNNING

        def progress(done: int, total: int) -> None:
            if job.cancel_flag.is_set():
                raise JobCancelled
            job.done, job.total = done, total

        try:
            result = work(progress)
        except JobCancelled:
            self._finish(job, CANCELLED)
            return
        except InputError as exc:
            job.error = str(exc)
            self._finish(job, FAILED)
            return
        except Exception as exc:  # a bug: keep the server up, show the message, log it
            traceback.print_exc()
            job.error = f"{type(exc).__name__}: {exc}"
            self._finish(job, FAILED)
            return
        if job.cancel_flag.is_set():
            self._finish(job, CANCELLED)
            return
        job.result = result
        self.cache.put((job.kind, job.key), result, job.size)
        job.done = job.total = max(job.total, 1)
        self._finish(job, DONE)

    def _finish(self, job: Job, status: str) -> None:
        job.status = status
        job.finished = time.time()

    def _remember(self, job: Job) -> None:
        self._jobs[job.id] = job
        while len(self._jobs) > self.keep_jobs:
            oldest = next(iter(self._jobs.values()))
            if oldest.status not in FINAL:
                break
            self._jobs.popitem(last=False)
