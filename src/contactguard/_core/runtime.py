"""Process-level helpers shared by stages: the garbage collector paused for bulk work, and
one computation split over forked processes where that pays."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final, NoReturn, TypeVar

from .errors import UsageError

__all__ = ["MIN_CHUNK", "fork_workers", "gc_paused", "in_chunks"]

T = TypeVar("T")


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects.

    Reading a 100,000-card file allocates millions of tuples and frozen dataclasses that
    form no reference cycles; the collector's generation scans over them cost as much as
    the parsing itself (measured: load 4.6 s with, 2.2 s without).  Reference counting
    still frees everything; the collector is restored, never left off.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


#: Fewest items a forked child is given: below that, forking the process (its page
#: tables, then copy-on-write faults as both sides touch shared objects) costs more than
#: the half of the work it takes over.
MIN_CHUNK: Final = 10_000


def fork_workers(n: int, workers: int | None = None, *, min_chunk: int | None = None) -> int:
    """How many processes :func:`in_chunks` would use for ``n`` items (1: this one alone).

    ``workers=None`` means as many as pay: one per usable core (``os.sched_getaffinity``,
    so ``taskset`` and CPU sets are respected), at most one per ``min_chunk`` items
    (default :data:`MIN_CHUNK`).  More
    than one only where forking is safe: on Linux, in a main process (not a
    ``multiprocessing`` worker, whose siblings already use the cores) with no other thread
    running (a forked child holds only the forking thread, and a lock another thread held
    would stay locked in it forever).  ``workers=1`` forces one process.
    """
    if workers is not None and workers < 1:
        raise UsageError(f"workers must be at least 1, not {workers}")
    if workers == 1 or not sys.platform.startswith("linux") or not hasattr(os, "fork"):
        return 1
    if multiprocessing.parent_process() is not None or threading.active_count() > 1:
        return 1
    cores = len(os.sched_getaffinity(0))
    wanted = cores if workers is None else min(workers, cores)
    return max(1, min(wanted, n // (MIN_CHUNK if min_chunk is None else max(1, min_chunk))))


def in_chunks(fn: Callable[[int, int], T], n: int, *, workers: int | None = None,
              min_chunk: int | None = None) -> list[T]:
    """``fn(lo, hi)`` over consecutive chunks of ``range(n)``, results in chunk order.

    The first chunk runs here; each later one in a forked child process (see
    :func:`fork_workers` for when), which inherits everything already loaded, tables and
    caches included, so nothing is shipped to it.  Only its result comes back, pickled
    through a pipe: ``fn`` must return something small and picklable, and must not rely on
    side effects (a child's caches and changes are lost with it).  A child that fails or
    dies is not an error: its chunk is computed here instead, so the result is always that
    of one process.  Children are killed and reaped if this process is interrupted.
    """
    k = fork_workers(n, workers, min_chunk=min_chunk)
    if k <= 1:
        return [fn(0, n)]
    bounds = [n * j // k for j in range(k + 1)]
    children: list[tuple[int, int]] = []  # (pid, read end of its pipe), chunks 1..k-1
    try:
        for j in range(1, k):
            read_end, write_end = os.pipe()
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child (coverage does not see it)
                _child(fn, bounds[j], bounds[j + 1], read_end, write_end)
            os.close(write_end)
            children.append((pid, read_end))
        results = [fn(bounds[0], bounds[1])]
        while children:
            pid, read_end = children[0]
            with os.fdopen(read_end, "rb") as pipe:
                data = pipe.read()
            _, status = os.waitpid(pid, 0)
            children.pop(0)
            j = len(results)
            try:
                if status != 0:
                    raise ValueError("child failed")
                results.append(pickle.loads(data))  # noqa: S301 - our own child's bytes
            except Exception:  # noqa: BLE001 - any failure of the child: do its part here
                results.append(fn(bounds[j], bounds[j + 1]))
        return results
    finally:
        for pid, read_end in children:
            with contextlib.suppress(OSError):
                os.close(read_end)
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.waitpid(pid, 0)


def _child(fn: Callable[[int, int], object], lo: int, hi: int, read_end: int,
           write_end: int) -> NoReturn:  # pragma: no cover - runs in the forked child
    """Compute one chunk, write it pickled to the pipe and leave at once: no atexit
    handlers, no flushing of buffers inherited from the parent."""
    code = 1
    try:
        os.close(read_end)
        data = pickle.dumps(fn(lo, hi), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    finally:
        os._exit(code)
