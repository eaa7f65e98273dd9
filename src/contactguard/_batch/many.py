"""Many books at once: :func:`verify_many` over any ``concurrent.futures.Executor``.

Theory of operation.  The caller's process holds the job list and the state file; workers
hold nothing between jobs.  Jobs are sent as paths (a :class:`~.jobs.Job`), at most
``window`` at a time so that a million-job list never becomes a million pending futures,
and come back as :class:`~.run.JobResult`\\ s of a few hundred bytes.  Results are yielded
in the order jobs *finish*; :func:`summarize` then sorts them by name, so the final report
is the same whatever the scheduling.

The executor is pluggable: the default is a process pool over every core (started with
``forkserver`` where the platform has it, with contactguard preloaded); a
``dask.distributed`` ``Client.get_executor()``, Ray's ``ray.util.multiprocessing.Pool``
wrapped as an executor, or a ``ThreadPoolExecutor`` all work, because the jobs are plain
picklable values and :func:`~.run.run_job` is a module-level function.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import Counter, deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import BrokenExecutor, Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from queue import SimpleQueue
from typing import Final

from .._core import UsageError
from .jobs import Job, check_names
from .run import COUNTS, InputDigest, JobResult, digest_inputs, failed, job_key, run_job
from .state import State

__all__ = ["BatchSummary", "default_executor", "summarize", "verify_many"]

#: Jobs in flight per worker: enough to keep every worker busy while results stream back.
_PER_WORKER: Final = 4


def default_executor(workers: int | None = None) -> ProcessPoolExecutor:
    """A process pool of ``workers`` processes (default: every core)."""
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")
    if ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(["contactguard._batch"])  # each worker starts warm
    return ProcessPoolExecutor(max_workers=workers or os.cpu_count() or 1, mp_context=ctx)


def _sentence(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"the worker running it stopped ({type(exc).__name__}{': ' + text if text else ''})"


def verify_many(jobs: Iterable[Job], *, executor: Executor | None = None,
                workers: int | None = None, state: str | os.PathLike[str] | None = None,
                resume: bool = False, window: int | None = None) -> Iterator[JobResult]:
    """Run every job and yield its :class:`~contactguard.JobResult` as it finishes.

    ``executor`` is any :class:`concurrent.futures.Executor`; by default a process pool of
    ``workers`` processes (every core) is started and shut down here.  A caller's executor
    is used as it is and left running.  With ``state`` (a path), each finished job is
    appended to that file; with ``resume=True`` too, jobs already finished there with
    unchanged inputs (same sizes and modification times) are not run again but yielded
    first, marked ``resumed``.  Without ``resume`` the state file starts afresh.

    A job that cannot be read, or whose worker dies, is a ``failed`` result; the batch goes
    on.  Job names must be unique (results and the state file are keyed by them).
    """
    todo = list(jobs)
    for job in todo:
        if not isinstance(job, Job):
            raise UsageError(f"verify_many() takes Jobs, not {type(job).__name__}")
    check_names(todo)
    if resume and state is None:
        raise UsageError("resume=True needs the state file it resumes from (state=PATH)")
    if workers is not None and workers < 1:
        raise UsageError(f"workers must be 1 or more, not {workers}")
    if state is not None and not resume and os.path.exists(state):
        os.remove(state)
    store = State(state) if state is not None else None
    return _run(todo, executor, workers, store, window)


def _run(todo: list[Job], executor: Executor | None, workers: int | None,
         store: State | None, window: int | None) -> Iterator[JobResult]:
    queue: deque[tuple[Job, tuple[InputDigest, ...], str | None]] = deque()
    try:
        for job in todo:
            inputs = digest_inputs(job)
            key = job_key(job, inputs)
            stored = store.done(job.name, key) if store is not None else None
            if store is not None and stored is not None:
                store.record(key, stored)
                yield JobResult(stored.name, stored.kind, stored.status, stored.summary,
                                stored.counts, stored.error, stored.inputs, stored.seconds,
                                resumed=True)
            else:
                queue.append((job, inputs, key))
        if queue:
            yield from _dispatch(queue, executor, workers, store, window)
    finally:
        if store is not None:
            store.close()


def _dispatch(queue: deque[tuple[Job, tuple[InputDigest, ...], str | None]],
              executor: Executor | None, workers: int | None, store: State | None,
              window: int | None) -> Iterator[JobResult]:
    owned = executor is None
    pool: Executor = default_executor(workers) if executor is None else executor
    limit = window or _PER_WORKER * (workers or os.cpu_count() or 1)
    pending: dict[Future[JobResult], tuple[Job, tuple[InputDigest, ...], str | None]] = {}
    # Futures are put here by their done-callbacks, so results leave in the order they
    # finished (``concurrent.futures.wait`` answers with an unordered set).
    finished: SimpleQueue[Future[JobResult]] = SimpleQueue()
    try:
        while queue or pending:
            while queue and len(pending) < limit:
                job, inputs, key = queue.popleft()
                try:
                    future = pool.submit(run_job, job, inputs)
                except BrokenExecutor:
                    if not owned:
                        raise
                    # a worker died and took the pool with it: the jobs that were in
                    # flight have failed (below); the rest go to a fresh pool
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = default_executor(workers)
                    queue.appendleft((job, inputs, key))
                    continue
                pending[future] = (job, inputs, key)
                future.add_done_callback(finished.put)
            future = finished.get()
            job, inputs, key = pending.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a dead worker fails one job
                result = failed(job, _sentence(exc), inputs)
            if store is not None:
                store.record(key, result)
            yield result
    finally:
        for future in pending:
            future.cancel()
        if owned:
            pool.shutdown(wait=True, cancel_futures=True)


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """Every result of a batch, sorted by job name, with the totals a report leads with."""

    results: tuple[JobResult, ...]

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def statuses(self) -> Mapping[str, int]:
        """How many jobs are ``ok``, ``problems`` and ``failed`` (all three keys)."""
        counted = Counter(r.status for r in self.results)
        return {s: counted[s] for s in ("ok", "problems", "failed")}

    @property
    def counts(self) -> Mapping[str, int]:
        """The job counters (missing, changed, …) summed over every book."""
        total: Counter[str] = Counter()
        for r in self.results:
            total.update(r.counts)
        return {c: total[c] for c in COUNTS}

    def summary(self) -> str:
        s = self.statuses
        c = self.counts
        return (f"{len(self.results):,} books: {s['ok']:,} ok, {s['problems']:,} with "
                f"problems, {s['failed']:,} failed; {c['missing']:,} contacts missing, "
                f"{c['changed']:,} changed")


def summarize(results: Iterable[JobResult]) -> BatchSummary:
    """The :class:`BatchSummary` of ``results`` in any order (sorted here by name)."""
    return BatchSummary(tuple(sorted(results, key=lambda r: r.name)))
