"""Batch throughput: many small books, serial against a process pool against Dask.

    python benchmarks/bench_batch.py [--books 1000] [--contacts 500] [--workers 2]
                                     [--repeat 3] [--no-dask] [--ray]

Writes ``--books`` book folders of ``--contacts`` contacts each (an iOS-style backup and
an Android-style restore with regenerated UIDs and one contact in fifty missing), then
times :func:`contactguard.verify_many` over them: in-process and serial (one job after
another, no pool), on a process pool of ``--workers`` processes (the default executor),
and on a ``dask.distributed.LocalCluster`` of ``--workers`` single-threaded worker
processes (``Client.get_executor()``); with ``--ray``, also on a local Ray cluster of
``--workers`` CPUs through the ``RayExecutor`` recipe of docs/scaling.md (``pip install
ray``).  Each figure is the median of ``--repeat`` runs;
pool start-up is inside the timing, as a user pays it.  Targets: the pool ≥ 1.8x serial
throughput with 2 workers; Dask within 1.3x of the pool.  On a shared machine the figures
are noisy: run it on an idle one for numbers to quote.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import books
import contactguard as cg
from contactguard._batch import run_job


def write_books(root: Path, n_books: int, n_contacts: int) -> list[cg.Job]:
    rnd = random.Random(18)
    for b in range(n_books):
        people = books.make_people(n_contacts, seed=1000 + b)
        restored = [p for i, p in enumerate(people) if i % 50 != 7]
        rnd.shuffle(restored)
        folder = root / f"book{b:05d}"
        folder.mkdir()
        (folder / "backup.vcf").write_text(books.ios_backup(people), encoding="utf-8")
        (folder / "restored.vcf").write_text(books.android_export(restored, uids=True),
                                             encoding="utf-8")
    return list(cg.find_jobs(root))


def _spin(n: int) -> int:
    total = 0
    for i in range(n):
        total += i
    return total


def parallelism(workers: int) -> float:
    """How many cores this machine gives us now: a pure-Python loop run ``workers`` times
    serially and on ``workers`` processes (1.0 on a machine busy with other work)."""
    n = 5_000_000
    t0 = time.perf_counter()
    for _ in range(workers):
        _spin(n)
    serial = time.perf_counter() - t0
    with ProcessPoolExecutor(workers) as pool:
        list(pool.map(_spin, [1] * workers))
        t0 = time.perf_counter()
        list(pool.map(_spin, [n] * workers))
        parallel = time.perf_counter() - t0
    return serial / parallel


#: Each book's (status, summary, counts) from the first (serial) run: every other way of
#: running the batch must give the same results, whatever order they come back in.
_EXPECTED: dict[str, tuple[str, str, dict[str, int]]] = {}


def timed(run: Callable[[], Sequence[cg.JobResult]], repeat: int, expect: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        results = run()
        times.append(time.perf_counter() - t0)
        assert len(results) == expect, len(results)
        assert all(r.status == "problems" for r in results), {r.status for r in results}
        got = {r.name: (r.status, r.summary, dict(r.counts)) for r in results}
        if not _EXPECTED:
            _EXPECTED.update(got)
        assert got == _EXPECTED, "a run gave other results than the serial one"
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--books", type=int, default=1000)
    ap.add_argument("--contacts", type=int, default=500)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-dask", action="store_true")
    ap.add_argument("--ray", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        jobs = write_books(Path(tmp), args.books, args.contacts)
        print(f"{len(jobs):,} books x {args.contacts:,} contacts written in "
              f"{time.perf_counter() - t0:.1f} s")
        n = len(jobs)
        print(f"calibration: {parallelism(args.workers):.2f}x from {args.workers} processes "
              f"on a CPU-bound loop (the most any pool can give here, now)")
        serial = timed(lambda: [run_job(j) for j in jobs], args.repeat, n)
        print(f"serial      {serial:7.2f} s  {n / serial:7.1f} books/s  "
              f"({serial / n * 1000:.1f} ms a book)")
        pool = timed(lambda: list(cg.verify_many(jobs, workers=args.workers)), args.repeat, n)
        print(f"pool x{args.workers}     {pool:7.2f} s  {n / pool:7.1f} books/s  "
              f"({serial / pool:.2f}x serial throughput)")
        if not args.no_dask:
            from distributed import Client, LocalCluster  # noqa: PLC0415 - optional extra

            with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                              dashboard_address=None) as cluster, Client(cluster) as client:
                executor = client.get_executor()
                dask = timed(lambda: list(cg.verify_many(jobs, executor=executor,
                                                         window=4 * args.workers)),
                             args.repeat, n)
            print(f"dask x{args.workers}     {dask:7.2f} s  {n / dask:7.1f} books/s  "
                  f"({dask / pool:.2f}x the pool's time)")
        if args.ray:
            ray_time = run_ray(jobs, args.workers, args.repeat)
            print(f"ray x{args.workers}      {ray_time:7.2f} s  {n / ray_time:7.1f} books/s  "
                  f"({ray_time / pool:.2f}x the pool's time)")


def run_ray(jobs: Sequence[cg.Job], workers: int, repeat: int) -> float:
    """The docs/scaling.md recipe, verbatim but for a local cluster of ``workers`` CPUs."""
    from concurrent.futures import ThreadPoolExecutor  # noqa: PLC0415
    from typing import Any  # noqa: PLC0415

    import ray  # noqa: PLC0415 - optional, by hand

    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False)

    class RayExecutor(ThreadPoolExecutor):
        """Each job is a Ray task on any node; a local thread waits for its small result."""

        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            task = ray.remote(fn)
            return super().submit(lambda: ray.get(task.remote(*args, **kwargs)))

    try:
        with RayExecutor(64) as executor:
            return timed(lambda: list(cg.verify_many(jobs, executor=executor, window=512)),
                         repeat, len(jobs))
    finally:
        ray.shutdown()


if __name__ == "__main__":
    main()
