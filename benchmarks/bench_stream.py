"""Streaming verify: a 1,000,000-card file against its manifest, peak RSS and time.

    python benchmarks/bench_stream.py [--cards 1000000] [--workdir DIR]

Writes an iOS-style backup in chunks (never held whole), builds its manifest with
``write_manifest(iter_contacts(...))``, makes a damaged copy (3 cards deleted, 1 phone
changed), then runs ``verify_file`` in a fresh child process and reports its peak RSS
(target < 300 MB) and time, and the time of a full ``load`` per 100,000 cards for
linearity.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import books
import contactguard
from contactguard import write_manifest


def _write(path: Path, n: int, *, damage: bool) -> None:
    rnd = random.Random(1)
    with path.open("w", encoding="utf-8") as out:
        for start in range(0, n, 50_000):
            people = books.make_people(min(50_000, n - start), seed=start)
            people = [books.Person(start + p.key, p.family, p.given, p.phones, p.emails,
                                   p.org, p.bday, p.note, p.photo, p.cjk) for p in people]
            if damage and start == 0:
                del people[10:13]
                people[20] = books.change_one_digit(people[20], rnd)
            out.write(books.ios_backup(people))


def _child(code: str) -> str:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=True,
                          capture_output=True, text=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", type=int, default=1_000_000)
    ap.add_argument("--workdir", default=None)
    args = ap.parse_args()
    work = Path(args.workdir or tempfile.mkdtemp(prefix="cg-stream-"))
    backup, damaged, manifest = work / "backup.vcf", work / "damaged.vcf", work / "m.json"
    t0 = time.perf_counter()
    _write(backup, args.cards, damage=False)
    _write(damaged, args.cards, damage=True)
    print(f"files: {backup.stat().st_size / 1e6:,.0f} MB each, written in "
          f"{time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    count = write_manifest(contactguard.iter_contacts(backup), manifest, region="CN")
    print(f"manifest of {count:,} contacts: {manifest.stat().st_size / 1e6:,.0f} MB in "
          f"{time.perf_counter() - t0:.0f} s")
    out = _child(f"""
        import resource, time
        from contactguard import verify_file
        seen = []
        t0 = time.perf_counter()
        rep = verify_file({str(damaged)!r}, {str(manifest)!r},
                          progress=lambda done, total: seen.append(done))
        took = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{{rep.summary()}}|{{took:.0f}}|{{rss:.0f}}|{{len(seen)}}")
    """)
    summary, took, rss, ticks = out.split("|")
    print(f"verify_file: {took} s, peak RSS {rss} MiB, {ticks} progress reports")
    print(f"  {summary}")
    out = _child(f"""
        import resource, time, contactguard as cg
        t0 = time.perf_counter(); snap = cg.load({str(backup)!r}); took = time.perf_counter() - t0
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{{len(snap)}}|{{took:.1f}}|{{rss:.0f}}")
    """)
    n, took, rss = out.split("|")
    print(f"load (whole snapshot): {int(n):,} cards in {took} s "
          f"({float(took) / int(n) * 1e5:.2f} s per 100,000), peak RSS {rss} MiB")


if __name__ == "__main__":
    main()
