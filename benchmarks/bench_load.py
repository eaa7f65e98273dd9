"""Load speed and memory: contactguard.load vs vobject.readComponents on the same file.

    python benchmarks/bench_load.py [--cards 100000] [--vobject-cards N]

Generates an iOS-style vCard 3.0 backup (tests/books.py), then times both readers in the
same run, and reports cards/s and the ratio.  vobject can be given a smaller slice
(--vobject-cards) when time is short; its rate is per card either way.
"""

from __future__ import annotations

import argparse
import gc
import io
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import vobject

import books
import contactguard


def _time(fn, repeat: int = 3) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--vobject-cards", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    people = books.make_people(args.cards, seed=7)
    data = books.ios_backup(people).encode("utf-8")
    print(f"file: {args.cards:,} iOS-style cards, {len(data) / 1e6:.1f} MB")

    t_cg = _time(lambda: contactguard.loads(data), args.repeat)
    snap = contactguard.loads(data)
    assert len(snap) == args.cards, len(snap)
    print(f"contactguard.loads      {t_cg:7.2f} s  {args.cards / t_cg:10,.0f} cards/s")

    vn = args.vobject_cards or args.cards
    vdata = books.ios_backup(people[:vn])

    def run_vobject() -> None:
        n = sum(1 for _ in vobject.readComponents(io.StringIO(vdata)))
        assert n == vn, n

    t_vo = _time(run_vobject, 1)
    print(f"vobject.readComponents  {t_vo:7.2f} s  {vn / t_vo:10,.0f} cards/s"
          + (f"  (on the first {vn:,} cards)" if vn != args.cards else ""))
    print(f"ratio (cards/s)         {(args.cards / t_cg) / (vn / t_vo):7.1f}x faster")

    gc.collect()
    tracemalloc.start()
    snap = contactguard.loads(data)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak traced memory of one load: {peak / 2**20:,.0f} MiB "
          f"(input {len(data) / 2**20:,.0f} MiB)")


if __name__ == "__main__":
    main()
