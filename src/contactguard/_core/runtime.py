"""Process-level helpers shared by stages: the garbage collector paused for bulk work, and
one computation split over forked processes where that pays."""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import pickle
import select
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final, NoReturn, TypeVar

from .errors import UsageError

__all__ = ["MIN_CHUNK", "PATIENCE", "fork_workers", "gc_paused", "in_chunks",
           "mark_fork_safe", "stats", "usable_cores"]

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

#: How much larger this process's own chunk is than a child's: a child also pickles its
#: result, and copies on write the pages of shared objects it touches, and this process
#: unpickles it after its own chunk.  Measured on duplicate finding at 100,000 cards, two
#: processes: with equal halves this process waited 0.3-0.6 s for its child beyond the
#: unpickling; at 1.25, about none.
FIRST_SHARE: Final = 1.25

#: How long the parent waits for a child beyond its own chunk's time (× that time + s):
#: a child that hangs (a lock some untracked thread held at the fork) is killed and its
#: chunk done here.
PATIENCE: Final = (3.0, 30.0)

#: What :func:`in_chunks` did in this process: chunks computed by children, and chunks
#: of failed or abandoned children redone here (read by tests and benchmarks).
stats: dict[str, int] = {"forked": 0, "redone": 0}

_in_child = False  # set in a child: it never forks again (no nested fan-out)
_FAILED: Final = object()


def usable_cores() -> int:
    """Cores this process may run on: its CPU affinity (``taskset``, CPU sets), capped by
    its cgroup's CPU quota, v2 (``cpu.max``) or v1 (``cpu.cfs_quota_us``): a container
    limited to 1.5 CPUs counts 1."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    quota = _cgroup_quota()
    return min(cores, max(1, int(quota))) if quota is not None else cores


def _cgroup_quota() -> float | None:
    """CPUs this process's cgroup may use (``None``: no quota, or none found)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        path = path.lstrip("/")
        try:
            if controllers == "":  # v2: one unified hierarchy
                for place in (Path("/sys/fs/cgroup") / path, Path("/sys/fs/cgroup")):
                    if (place / "cpu.max").exists():
                        quota, period = (place / "cpu.max").read_text().split()[:2]
                        return None if quota == "max" else int(quota) / int(period)
            elif "cpu" in controllers.split(","):
                for place in (Path("/sys/fs/cgroup/cpu") / path, Path("/sys/fs/cgroup/cpu")):
                    if (place / "cpu.cfs_quota_us").exists():
                        quota_us = int((place / "cpu.cfs_quota_us").read_text())
                        period_us = int((place / "cpu.cfs_period_us").read_text())
                        return None if quota_us <= 0 else quota_us / period_us
        except (OSError, ValueError):
            return None
    return None


#: Threads that hold no lock a forked child's code could need, registered by their owner
#: (the CLI's progress ticker, which refreshes only between forks): they do not stop
#: :func:`in_chunks` from forking.
_FORK_SAFE: set[int] = set()


def mark_fork_safe(thread: threading.Thread) -> None:
    """Let :func:`in_chunks` fork while ``thread`` (started) runs: its owner promises that
    it holds no lock a child could need at a fork (``os.register_at_fork`` helps)."""
    if thread.ident is not None:
        _FORK_SAFE.add(thread.ident)


def _python_threads() -> int:
    """Threads running Python code in this process, those started with ``_thread`` too
    (``threading.active_count`` misses them), less those marked fork-safe.  Native threads
    of C libraries (a BLAS or DuckDB pool) are not counted: they hold no lock a child's
    Python code would take, and glibc's own locks are reset at fork."""
    frames = getattr(sys, "_current_frames", None)
    idents = set(frames()) if frames is not None else {threading.get_ident()}
    idents.update(t.ident for t in threading.enumerate() if t.ident is not None)
    _FORK_SAFE.intersection_update(idents)  # (forget threads that are gone)
    return len(idents - _FORK_SAFE)


def fork_workers(n: int, workers: int | None = None, *, min_chunk: int | None = None) -> int:
    """How many processes :func:`in_chunks` would use for ``n`` items (1: this one alone).

    ``workers=None`` means as many as pay: one per usable core (:func:`usable_cores`), at
    most one per ``min_chunk`` items (default :data:`MIN_CHUNK`).  More than one only
    where forking is safe: on Linux, in a main process (not a ``multiprocessing`` worker
    or a child of :func:`in_chunks`, whose siblings already use the cores), with SIGCHLD
    not ignored (children could not be waited for) and no other thread running (a forked
    child holds only the forking thread, and a lock another thread held would stay locked
    in it forever).  ``workers=1`` forces one process; so does the environment variable
    ``CONTACTGUARD_WORKERS=1`` when ``workers`` is not given (a pre-fork server's workers,
    gunicorn's or Celery's, should set it: they are not ``multiprocessing`` processes).
    """
    if workers is not None and workers < 1:
        raise UsageError(f"workers must be at least 1, not {workers}")
    if workers is None and (env := os.environ.get("CONTACTGUARD_WORKERS", "").strip()):
        workers = max(1, int(env)) if env.isdigit() else 1  # (a pre-fork server says 1)
    chunk = MIN_CHUNK if min_chunk is None else max(1, min_chunk)
    if workers == 1 or n < 2 * chunk or _in_child or not sys.platform.startswith("linux"):
        return 1  # (a small book, the commonest case, asks nothing of /proc)
    if (multiprocessing.parent_process() is not None
            or signal.getsignal(signal.SIGCHLD) == signal.SIG_IGN
            or _python_threads() > 1):
        return 1
    cores = usable_cores()
    wanted = cores if workers is None else min(workers, cores)
    return max(1, min(wanted, n // chunk))


def in_chunks(fn: Callable[[int, int], T], n: int, *, workers: int | None = None,
              min_chunk: int | None = None) -> list[T]:
    """``fn(lo, hi)`` over consecutive chunks of ``range(n)``, results in chunk order.

    The first chunk runs here; each later one in a forked child process (see
    :func:`fork_workers` for when), which inherits everything already loaded, tables and
    caches included, so nothing is shipped to it.  Only its result comes back, pickled
    through a pipe: ``fn`` must return something small and picklable, and must not rely on
    side effects (a child's caches and changes are lost with it).  Nothing a child does
    is an error here: a chunk whose child could not be forked, failed, died, or took far
    longer than this process's own chunk (:data:`PATIENCE`) is computed here instead, so
    the result is always that of one process.  Children are killed and reaped on every
    way out, an interrupt included.
    """
    k = fork_workers(n, workers, min_chunk=min_chunk)
    if k <= 1:
        return [fn(0, n)]
    bounds = _bounds(n, k)
    children: dict[int, tuple[int, int]] = {}  # chunk → (pid, read end of its pipe)
    try:
        for j in range(1, k):
            if not _fork(fn, bounds[j], bounds[j + 1], children, j):
                break  # (no more processes or pipes to be had: the rest is done here)
        started = time.monotonic()
        results = [fn(bounds[0], bounds[1])]
        factor, extra = PATIENCE
        deadline = time.monotonic() + factor * (time.monotonic() - started) + extra
        for j in range(1, k):
            got: object = _FAILED
            if j in children:
                pid, read_end = children.pop(j)  # _collect reaps it and closes the pipe
                got = _collect(pid, read_end, deadline)
                stats["forked" if got is not _FAILED else "redone"] += 1
            results.append(fn(bounds[j], bounds[j + 1]) if got is _FAILED
                           else got)  # type: ignore[arg-type]
        return results
    finally:
        for pid, read_end in children.values():
            _abandon(pid, read_end)


def _bounds(n: int, k: int) -> list[int]:
    """Chunk bounds: the first chunk (this process's) :data:`FIRST_SHARE` times a child's."""
    first = round(n * FIRST_SHARE / (FIRST_SHARE + k - 1))
    return [0, *(first + (n - first) * j // (k - 1) for j in range(k))]


def _fork(fn: Callable[[int, int], object], lo: int, hi: int,
          children: dict[int, tuple[int, int]], j: int) -> bool:
    """Fork a child for chunk ``j`` and record it in ``children`` (False: could not).

    Signals are blocked across the fork, so that neither side can be interrupted between
    the fork and the child's guarded code, or before the parent has recorded the child."""
    try:
        read_end, write_end = os.pipe()
    except OSError:
        return False
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, signal.valid_signals())
    try:
        try:
            with warnings.catch_warnings():
                # (3.12+ warns of any native thread: a BLAS or DuckDB pool holds no lock
                # the child's Python code takes; Python threads were ruled out above)
                warnings.simplefilter("ignore", DeprecationWarning)
                pid = os.fork()
        except OSError:
            os.close(read_end)
            os.close(write_end)
            return False
        if pid == 0:  # pragma: no cover - the child (coverage does not see it)
            _child(fn, (lo, hi), read_end, write_end, mask)
        os.close(write_end)
        children[j] = (pid, read_end)
        return True
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)


def _child(fn: Callable[[int, int], object], chunk: tuple[int, int], read_end: int,
           write_end: int, mask: set[int | signal.Signals]) -> NoReturn:  # pragma: no cover
    """Compute one chunk, write it pickled to the pipe and leave at once: the parent's
    signal handlers reset (a host's SIGTERM clean-up must not run here too), first in
    line for the OOM killer, no atexit handlers, no flushing of buffers inherited from the
    parent."""
    code = 1
    try:
        global _in_child  # noqa: PLW0603 - this process is a child from now on
        _in_child = True
        for sig in signal.valid_signals():
            with contextlib.suppress(OSError, ValueError, RuntimeError):
                if callable(signal.getsignal(sig)):
                    signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        with contextlib.suppress(OSError):  # out of memory, the kernel kills a child first:
            Path("/proc/self/oom_score_adj").write_text("1000")  # its chunk is redone
        os.close(read_end)
        data = pickle.dumps(fn(*chunk), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        code = 0
    except BaseException:  # noqa: BLE001, S110 - the exit code says it
        pass
    finally:
        os._exit(code)


def _collect(pid: int, read_end: int, deadline: float) -> object:
    """A child's unpickled result, or ``_FAILED``; the child is reaped (killed first if
    it is not done) and ``read_end`` closed on every way out.  Past ``deadline`` what the
    child has already written is still read: only a child that is not done is given up."""
    reaped = False
    try:
        parts: list[bytes] = []
        poller = select.poll()
        poller.register(read_end, select.POLLIN)
        while True:
            left = deadline - time.monotonic()
            if poller.poll(max(0.0, min(left, 1.0)) * 1000):
                part = os.read(read_end, 1 << 20)
                if not part:
                    break
                parts.append(part)
            elif left <= 0:
                return _FAILED  # hung: killed below
        try:
            _, status = os.waitpid(pid, 0)
        except ChildProcessError:
            reaped = True  # not ours to wait for: never signal that pid
            raise
        reaped = True
        if status != 0:
            return _FAILED
        return pickle.loads(b"".join(parts))  # noqa: S301 - our own child's bytes
    except Exception:  # noqa: BLE001 - any failure of the child: its chunk is redone
        return _FAILED
    finally:
        with contextlib.suppress(OSError):
            os.close(read_end)
        if not reaped:
            _kill(pid)


def _abandon(pid: int, read_end: int) -> None:
    with contextlib.suppress(OSError):
        os.close(read_end)
    _kill(pid)


def _kill(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.waitpid(pid, 0)
