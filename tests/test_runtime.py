"""One computation over forked processes (``in_chunks``): the result of one process, always.

The children are real forked processes.  A test that needs a second one is skipped where
forking is not done (not Linux, or one usable core) and checks that a second process
really did the work.  These tests run first in a session (the ``alone`` mark, see
conftest.py) and fail if a thread is running: in_chunks does not fork beside one.
"""

from __future__ import annotations

import itertools
import os
import random
import signal
import sys
import threading
from pathlib import Path

import pytest

import books
import contactguard
import restores
from contactguard import UsageError
from contactguard._core import fork_workers, in_chunks, runtime
from contactguard._duplicates import Decisions, find_duplicates
from contactguard._identity import fingerprint
from contactguard._normalize import region_for

FORKS = sys.platform.startswith("linux") and runtime.usable_cores() >= 2
needs_fork = pytest.mark.skipif(not FORKS, reason="forks only on Linux with 2 usable cores")


def _pids(lo: int, hi: int) -> tuple[int, int, int]:
    return lo, hi, os.getpid()


def _squares(lo: int, hi: int) -> list[int]:
    return [i * i for i in range(lo, hi)]


@pytest.fixture
def alone() -> None:
    """These tests run first in a session (the ``alone`` mark): no thread may be running."""
    others = [t.name for t in threading.enumerate() if t is not threading.current_thread()]
    assert runtime._python_threads() == 1, f"another thread is running: {others}"


pytestmark = pytest.mark.alone


@needs_fork
@pytest.mark.usefixtures("alone")
def test_later_chunks_run_in_a_child_and_come_back_in_order() -> None:
    assert fork_workers(100, 2, min_chunk=10) == 2
    (lo0, hi0, pid0), (lo1, hi1, pid1) = in_chunks(_pids, 100, workers=2, min_chunk=10)
    # this process's own chunk is the larger (a child also pickles its result)
    assert (lo0, hi0, lo1, hi1) == (0, 56, 56, 100)
    assert pid0 == os.getpid() != pid1
    parts = in_chunks(_squares, 1001, workers=2, min_chunk=10)
    assert [x for part in parts for x in part] == [i * i for i in range(1001)]
    # out of memory, the kernel kills a child (its chunk is redone), not this process
    mine, child = in_chunks(_oom_score, 20, workers=2, min_chunk=10)
    assert child == "1000" and mine != child


def test_chunk_bounds_cover_every_item_once_the_first_chunk_largest() -> None:
    for n in (2, 3, 7, 100, 1001, 100_000):
        for k in (2, 3, 4):
            bounds = runtime._bounds(n, k)
            assert bounds[0] == 0 and bounds[-1] == n and len(bounds) == k + 1
            sizes = [hi - lo for lo, hi in itertools.pairwise(bounds)]
            assert all(size >= 0 for size in sizes)
            assert sizes[0] >= max(sizes[1:]) and max(sizes[1:]) - min(sizes[1:]) <= 1
    assert runtime._bounds(100_000, 2) == [0, 55_556, 100_000]


def _oom_score(lo: int, hi: int) -> str:
    return Path("/proc/self/oom_score_adj").read_text().strip()


@needs_fork
@pytest.mark.usefixtures("alone")
def test_a_failing_or_dying_child_is_redone_here() -> None:
    parent = os.getpid()

    def raises(lo: int, hi: int) -> tuple[int, int]:
        if os.getpid() != parent:
            raise RuntimeError("boom")
        return lo, os.getpid()

    def dies(lo: int, hi: int) -> tuple[int, int]:
        if os.getpid() != parent:
            os._exit(3)
        return lo, os.getpid()

    def unpicklable(lo: int, hi: int) -> object:
        return (lambda: lo) if os.getpid() != parent else (lo, os.getpid())

    for fn in (raises, dies):
        assert in_chunks(fn, 40, workers=2, min_chunk=10) == [(0, parent), (22, parent)]
    assert in_chunks(unpicklable, 40, workers=2, min_chunk=10) == [(0, parent), (22, parent)]
    assert not _children_left()


def _children_left() -> bool:
    """Whether this process has a child, running or not yet reaped."""
    tasks = Path(f"/proc/{os.getpid()}/task")
    return any((task / "children").read_text().split() for task in tasks.iterdir())


@needs_fork
@pytest.mark.usefixtures("alone")
def test_an_interrupted_parent_leaves_no_child_behind() -> None:
    parent = os.getpid()

    def slow_child(lo: int, hi: int) -> int:
        if os.getpid() != parent:
            threading.Event().wait(30)  # killed long before
            return lo
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        in_chunks(slow_child, 40, workers=2, min_chunk=10)
    assert not _children_left()


@needs_fork
@pytest.mark.usefixtures("alone")
def test_a_hung_child_is_killed_and_redone(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    monkeypatch.setattr(runtime, "PATIENCE", (0.0, 0.5))

    def hangs(lo: int, hi: int) -> tuple[int, int]:
        if os.getpid() != parent:
            threading.Event().wait(60)  # as on a lock no thread will release
        return lo, os.getpid()

    redone = runtime.stats["redone"]
    assert in_chunks(hangs, 40, workers=2, min_chunk=10) == [(0, parent), (22, parent)]
    assert runtime.stats["redone"] == redone + 1
    assert not _children_left()


@needs_fork
@pytest.mark.usefixtures("alone")
def test_no_fork_no_pipe_is_one_process(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    fds = len(os.listdir("/proc/self/fd"))
    for name in ("fork", "pipe"):
        with monkeypatch.context() as m:
            m.setattr(os, name, refuse)
            assert in_chunks(_pids, 60, workers=2, min_chunk=10) == [
                (0, 33, os.getpid()), (33, 60, os.getpid())]
    assert len(os.listdir("/proc/self/fd")) == fds


@needs_fork
@pytest.mark.usefixtures("alone")
def test_a_child_runs_none_of_the_hosts_signal_handlers(tmp_path: Path) -> None:
    ran = tmp_path / "handler-ran"
    parent = os.getpid()

    def handler(signum: int, frame: object) -> None:
        ran.write_text(str(os.getpid()))

    def terminated(lo: int, hi: int) -> tuple[int, int]:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGTERM)  # as systemd stopping the whole group
            threading.Event().wait(5)
        return lo, os.getpid()

    old = signal.signal(signal.SIGTERM, handler)
    try:
        assert in_chunks(terminated, 40, workers=2, min_chunk=10) == [(0, parent), (22, parent)]
    finally:
        signal.signal(signal.SIGTERM, old)
    assert not ran.exists()


@needs_fork
@pytest.mark.usefixtures("alone")
def test_children_do_not_fork_again_and_sigchld_ignored_means_one_process() -> None:
    def nested(lo: int, hi: int) -> int:
        return fork_workers(10**6, min_chunk=1)

    assert in_chunks(nested, 40, workers=2, min_chunk=10)[1] == 1
    old = signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children could not be waited for
    try:
        assert fork_workers(10**6, 2, min_chunk=10) == 1
        assert in_chunks(_pids, 40, workers=2, min_chunk=10) == [(0, 40, os.getpid())]
    finally:
        signal.signal(signal.SIGCHLD, old)


def test_when_not_to_fork(monkeypatch: pytest.MonkeyPatch) -> None:
    assert fork_workers(10**6, 1) == 1
    with monkeypatch.context() as m:
        m.setenv("CONTACTGUARD_WORKERS", "1")  # as a pre-fork server's workers should
        assert fork_workers(10**6) == 1
        assert fork_workers(10**6, 2, min_chunk=10) == min(2, runtime.usable_cores())
    assert fork_workers(19_999, None) == 1  # one chunk of 10,000 at least per process
    assert fork_workers(50, None, min_chunk=10) <= max(1, len(os.sched_getaffinity(0)))
    with pytest.raises(UsageError):
        fork_workers(100, 0)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert fork_workers(10**6, 2, min_chunk=10) == 1  # a lock it holds would stay held
        parts = in_chunks(_pids, 100, workers=2, min_chunk=10)
        assert parts == [(0, 100, os.getpid())]
    finally:
        stop.set()
        other.join()


def _signature(groups: list[contactguard.DuplicateGroup]) -> list[object]:
    return [(g.indexes, g.confidence,
             [(p.i, p.j, p.score, p.confidence, p.agreed, p.disagreed) for p in g.pairs])
            for g in groups]


@needs_fork
@pytest.mark.usefixtures("alone")
def test_find_duplicates_is_the_same_on_two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    rnd = random.Random(4)
    people = books.make_people(1500, seed=21)
    # copies of a person on both sides of the split, and identical cards far apart
    again = [rnd.choice(people) for _ in range(300)]
    text = books.android_export(people + again, seed=5)
    snap = contactguard.loads(text, default_region="CN")
    calls: list[tuple[int, int]] = []
    serial = find_duplicates(snap, workers=1, progress=lambda d, t: calls.append((d, t)))
    assert len(serial) > 100
    monkeypatch.setattr(runtime, "MIN_CHUNK", 200)  # fork for this small book
    assert fork_workers(len(snap)) >= 2
    seen: list[tuple[int, int]] = []
    forked, redone = runtime.stats["forked"], runtime.stats["redone"]
    assert _signature(find_duplicates(snap, progress=lambda d, t: seen.append((d, t)))) \
        == _signature(serial)
    assert runtime.stats["forked"] > forked and runtime.stats["redone"] == redone
    assert seen and all(0 <= d <= t for d, t in seen) and seen[0] == (0, len(snap))
    # decisions keyed by fingerprint reach units profiled in a child as well
    region = region_for(snap, region=None)
    first, last = serial[0].contacts[0], serial[-1].contacts[-1]
    decided = Decisions(
        distinct=[[fingerprint(c, region=region) for c in serial[-1].contacts[:2]]],
        same=[(fingerprint(first, region=region), fingerprint(last, region=region))])
    parallel = find_duplicates(snap, decisions=decided)
    assert _signature(parallel) == _signature(find_duplicates(snap, decisions=decided,
                                                              workers=1))
    assert _signature(parallel) != _signature(serial)


@needs_fork
@pytest.mark.usefixtures("alone")
def test_diff_is_the_same_on_two_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    case = restores.make_case(1200, seed=3)
    backup = contactguard.loads(case.backup_text)
    restored = contactguard.loads(case.restore_text)
    done: list[tuple[int, int]] = []
    serial = contactguard.diff(backup, restored, progress=lambda d, t: done.append((d, t)))
    assert serial.missing and serial.changed
    monkeypatch.setattr(runtime, "MIN_CHUNK", 200)
    assert fork_workers(len(backup)) >= 2
    seen: list[tuple[int, int]] = []
    before = runtime.stats["forked"]
    forked = contactguard.diff(backup, restored, progress=lambda d, t: seen.append((d, t)))
    assert runtime.stats["forked"] == before + 2  # each side's second half from a child
    assert (forked.matches, forked.missing, forked.added, forked.changed, forked.unchanged) \
        == (serial.matches, serial.missing, serial.added, serial.changed, serial.unchanged)
    total = len(backup) + len(restored)
    assert done[0] == seen[0] == (0, total)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen) and all(d <= total for d, _ in seen)
