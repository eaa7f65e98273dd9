"""Diff speed: two 100,000-contact snapshots, regenerated UIDs, reformatted phones.

    python benchmarks/bench_diff.py [--cards 100000] [--repeat 3]

Builds an iOS-style 3.0 backup and an Android-style 2.1 re-export of it (UIDs regenerated,
phones reformatted, cards shuffled, 0.5% deleted, 0.5% with one digit changed), times
loading both and diffing them in the same run, ``--repeat`` times, and prints each run's
ratio diff/load and their median (target of issue #18: ≤ 1.5).  Also reports the peak RSS
of the process.
"""

from __future__ import annotations

import argparse
import gc
import random
import resource
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import books
import contactguard


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = args.cards
    rnd = random.Random(42)
    people = books.make_people(n, seed=42)
    after = list(people)
    rnd.shuffle(after)
    deleted = n // 200
    del after[:deleted]
    for i in range(n // 200):
        after[i] = books.change_one_digit(after[i], rnd)
    old = books.ios_backup(people).encode()
    new = books.android_export(after, uids=True).encode()
    print(f"before: {n:,} iOS 3.0 cards ({len(old) / 1e6:.1f} MB); after: {len(after):,} "
          f"Android 2.1 cards ({len(new) / 1e6:.1f} MB)")

    ratios: list[float] = []
    for run in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        a = contactguard.loads(old)
        b = contactguard.loads(new)
        t_load = time.perf_counter() - t0
        t0 = time.perf_counter()
        d = contactguard.diff(a, b)
        t_diff = time.perf_counter() - t0
        ratios.append(t_diff / t_load)
        print(f"run {run + 1}: load both {t_load:6.2f} s, diff {t_diff:6.2f} s "
              f"({t_diff / t_load:.2f}x the load time)")
        assert len(d.missing) == deleted, len(d.missing)
        assert len(d.changed) == n // 200, len(d.changed)
        summary = d.summary()
        del a, b, d
    print(f"median      {statistics.median(ratios):.2f}x the load time "
          f"({', '.join(f'{r:.2f}' for r in ratios)}); target <= 1.5x")
    print(f"result      {summary}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS    {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
