"""Load speed and memory: contactguard.loads against vobject, on an iPhone and an Android file.

    python benchmarks/bench_load.py [--cards 100000] [--vobject-cards N] [--repeat 3]

Generates two backups of the same people (tests/books.py, seeded): an iPhone-style vCard
3.0 file (``item1.`` groups, folded PHOTO lines) and an Android-style vCard 2.1 export
(quoted-printable UTF-8 names, notes and companies).  In one run, alternating the readers
so that a noisy machine slows both alike, it times:

- ``contactguard.loads`` of each whole file (bytes in, a Snapshot out);
- on the iPhone file, ``vobject.readComponents`` over the text;
- on the Android file, ``vobject.readOne`` on each card in turn, because
  ``readComponents`` gives up on the first card its quoted-printable decoding trips over
  (cards it cannot read are counted and reported; they still cost their time).

It prints the medians of ``--repeat`` runs, the ratio of cards per second (the targets of
issue #18: at least 15x on the iPhone file and 12x on the Android file) and the peak
traced memory of one load.  vobject can be given a slice of the people
(``--vobject-cards``) when time is short: its rate is per card either way.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import vobject

import books
import contactguard

TARGETS = {"iphone-3.0": 15.0, "android-2.1": 12.0}


def _once(fn: Callable[[], object]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - t0
    del result
    return elapsed


def _vobject_components(text: str, expect: int) -> Callable[[], int]:
    def run() -> int:
        n = sum(1 for _ in vobject.readComponents(io.StringIO(text)))
        assert n == expect, n
        return n
    return run


def _vobject_per_card(text: str) -> tuple[Callable[[], int], list[int]]:
    cards = ["BEGIN:VCARD" + part for part in text.split("BEGIN:VCARD")[1:]]
    failed = [0]

    def run() -> int:
        bad = 0
        for card in cards:
            try:
                vobject.readOne(card)
            except Exception:  # noqa: BLE001 - a card vobject cannot read is its result
                bad += 1
        failed[0] = bad
        return len(cards) - bad
    return run, failed


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=100_000)
    ap.add_argument("--vobject-cards", type=int, default=None)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    people = books.make_people(args.cards, seed=7)
    vn = args.vobject_cards or args.cards
    files = {
        "iphone-3.0": (books.ios_backup(people).encode("utf-8"), books.ios_backup(people[:vn])),
        "android-2.1": (books.android_export(people).encode("utf-8"),
                        books.android_export(people[:vn])),
    }
    print(f"contactguard {contactguard.__version__}, vobject {vobject.VERSION}; "
          f"{args.cards:,} cards for contactguard, {vn:,} for vobject; "
          f"medians of {args.repeat}\n")
    print(f"{'file':12} {'MB':>6} {'contactguard':>13} {'cards/s':>9} {'vobject':>9} "
          f"{'cards/s':>7} {'ratio':>7} {'target':>6}  runs (contactguard / vobject)")
    for name, (data, vtext) in files.items():
        if name == "iphone-3.0":
            vrun, failed = _vobject_components(vtext, vn), [0]
        else:
            vrun, failed = _vobject_per_card(vtext)
        snap = contactguard.loads(data)  # warm: imports, caches
        assert len(snap) == args.cards, len(snap)
        del snap
        t_cg: list[float] = []
        t_vo: list[float] = []
        for _ in range(args.repeat):
            t_cg.append(_once(lambda d=data: contactguard.loads(d)))  # type: ignore[misc]
            t_vo.append(_once(vrun))
        cg, vo = statistics.median(t_cg), statistics.median(t_vo)
        ratio = (args.cards / cg) / (vn / vo)
        print(f"{name:12} {len(data) / 1e6:6.1f} {cg:12.2f}s {args.cards / cg:9,.0f} "
              f"{vo:8.2f}s {vn / vo:7,.0f} {ratio:6.1f}x {TARGETS[name]:5.0f}x  "
              f"{' '.join(f'{t:.2f}' for t in t_cg)} / {' '.join(f'{t:.2f}' for t in t_vo)}"
              + (f"  (vobject could not read {failed[0]:,} cards)" if failed[0] else ""))

    for name, (data, _) in files.items():
        gc.collect()
        tracemalloc.start()
        snap = contactguard.loads(data)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        del snap
        print(f"peak traced memory of one load of {name}: {peak / 2**20:,.0f} MiB "
              f"(input {len(data) / 2**20:,.0f} MiB)")


if __name__ == "__main__":
    main()
