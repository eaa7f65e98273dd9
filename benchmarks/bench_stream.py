"""Streaming verify: files of 100,000 and 1,000,000 cards against their manifests.

    python benchmarks/bench_stream.py [--cards 100000,1000000] [--runs 3,1]
                                      [--workdir DIR] [--keep] [--no-cli] [--load]

For each size: writes an iOS-style backup in chunks (never held whole), builds its
manifest the default way (``write_manifest(iter_contacts(...))``: a generated key, kept in
``DIR/keys``, and the region inferred from the cards), makes a damaged copy (3 cards
deleted, 1 phone changed), then runs ``verify_file`` with its defaults in a fresh child
process per run and reports the child's peak RSS (``VmHWM``: see ``_PEAK``) and time,
and does the same for the command line (``contactguard verify --stream --manifest M COPY``, run
in-process in its own child).  Every run must find exactly the damage: 3 missing, 1
changed (1 phone), nothing added.  The table gives medians over ``--runs`` runs (one
count per size; the last repeats) and the ratio of the largest size's peak RSS to the
smallest's (target: at most 1.2, and at most 250 MiB at 1,000,000 cards).

Children import contactguard from the same place as this process (``PYTHONPATH`` is
passed on and checked), so a run from a ``git worktree`` measures that snapshot.
``--keep`` keeps the generated files and reuses them when the size matches; ``--load``
adds a full ``load`` of the backup, for comparison (about 2 GiB at 1,000,000 cards).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
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

#: What the damaged copy lost: cards 11-13 deleted, card 21's phone changed.
EXPECTED = {"missing": 3, "changed": 1, "added": 0, "detail": "1 phone changed"}


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


def _child(code: str) -> dict[str, object]:
    """Run ``code`` in a fresh interpreter with this one's import path; its last stdout
    line is JSON, which must say it imported the contactguard this process did."""
    env = dict(os.environ)
    src = str(Path(contactguard.__file__).resolve().parents[1])
    env["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [env.get("PYTHONPATH")])])
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], check=False,
                          capture_output=True, text=True, env=env)
    if not done.stdout.strip():
        raise SystemExit(f"child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    out: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    if out["module"] != contactguard.__file__:
        raise SystemExit(f"child imported {out['module']}, not {contactguard.__file__}")
    return out


#: The child's own peak RSS.  Not ``ru_maxrss``: on Linux, exec() carries the parent's
#: high-water mark over into the child's (``sig->maxrss``), so a child started by a parent
#: that has just written a 1,000,000-card backup and its manifest reports the parent's
#: peak (several hundred MiB) whatever the child used.  ``VmHWM`` belongs to the new
#: address space only.  Both are printed.
_PEAK = """
    def peak_mib():
        try:
            with open("/proc/self/status", encoding="ascii") as fh:
                for line in fh:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1]) / 1024
        except OSError:
            pass
        return maxrss_mib()

    def maxrss_mib():
        import resource
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def _api_run(damaged: Path, manifest: Path) -> dict[str, object]:
    return _child(_PEAK + f"""
    import json, time, contactguard
    from contactguard import verify_file
    seen = []
    t0 = time.perf_counter()
    rep = verify_file({str(damaged)!r}, {str(manifest)!r},
                      progress=lambda done, total: seen.append(done))
    took = time.perf_counter() - t0
    print(json.dumps({{"module": contactguard.__file__, "time": took, "rss": peak_mib(),
                      "maxrss": maxrss_mib(), "missing": len(rep.missing),
                      "changed": len(rep.changed),
                      "added": len(rep.added), "intact": rep.intact,
                      "detail": "; ".join(v.detail for v in rep.changed),
                      "ticks": len(seen), "summary": rep.summary()}}))
    """)


def _cli_run(damaged: Path, manifest: Path, report: Path) -> dict[str, object]:
    return _child(_PEAK + f"""
    import json, time, contactguard
    from contactguard._cli import main
    t0 = time.perf_counter()
    code = main(["verify", "--stream", "--manifest", {str(manifest)!r}, {str(damaged)!r},
                 "--format", "json", "-o", {str(report)!r}, "--quiet"])
    took = time.perf_counter() - t0
    print(json.dumps({{"module": contactguard.__file__, "time": took, "rss": peak_mib(),
                      "maxrss": maxrss_mib(), "exit": code}}))
    """)


def _cli_counts(report: Path) -> dict[str, object]:
    """missing/changed/added and the changed fields, from the JSON report."""
    doc = json.loads(report.read_text(encoding="utf-8"))
    (comparison,) = doc["comparisons"]
    counts = comparison["counts"]
    fields = ", ".join(f"{n} {what}" for what, n in sorted(comparison["changed_fields"].items()))
    return {"missing": counts["missing"], "changed": counts["changed"],
            "added": counts["added"], "detail": fields, "intact": counts["intact"]}


def _check(what: str, got: dict[str, object]) -> None:
    wrong = {k: got.get(k) for k, v in EXPECTED.items() if got.get(k) != v}
    if wrong:
        raise SystemExit(f"{what} did not find exactly the damage {EXPECTED}: {wrong}")


def _prepare(work: Path, n: int, *, keep: bool) -> tuple[Path, Path, Path]:
    folder = work / f"{n}"
    folder.mkdir(parents=True, exist_ok=True)
    backup, damaged, manifest = folder / "backup.vcf", folder / "damaged.vcf", folder / "m.json"
    stamp = folder / "stamp"
    if keep and stamp.exists() and stamp.read_text() == f"{n}\n":
        print(f"{n:,} cards: reusing {folder}")
        return backup, damaged, manifest
    stamp.unlink(missing_ok=True)
    t0 = time.perf_counter()
    _write(backup, n, damage=False)
    _write(damaged, n, damage=True)
    print(f"{n:,} cards: files of {backup.stat().st_size / 1e6:,.0f} MB each, written in "
          f"{time.perf_counter() - t0:.0f} s")
    t0 = time.perf_counter()
    count = write_manifest(contactguard.iter_contacts(backup), manifest)
    with manifest.open(encoding="utf-8") as fh:
        head = json.loads(fh.read(4000).split('  "contacts"')[0].rstrip().rstrip(",") + "}")
    print(f"  manifest (defaults: generated key, region inferred) of {count:,} contacts: "
          f"{manifest.stat().st_size / 1e6:,.0f} MB in {time.perf_counter() - t0:.0f} s; "
          f"schema {head['schema_version']}, {head['algorithm']}, region {head['region']}")
    stamp.write_text(f"{n}\n")
    return backup, damaged, manifest


def _median(runs: list[dict[str, object]], key: str) -> float:
    return statistics.median(float(str(r[key])) for r in runs)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cards", default="100000,1000000",
                    help="sizes, comma-separated (default 100000,1000000)")
    ap.add_argument("--runs", default="3,1",
                    help="runs per size, comma-separated; the last repeats (default 3,1)")
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--keep", action="store_true",
                    help="keep the generated files, and reuse them when present")
    ap.add_argument("--no-cli", action="store_true", help="skip the command-line runs")
    ap.add_argument("--load", action="store_true",
                    help="also time a full load of each backup (for comparison)")
    args = ap.parse_args()
    sizes = [int(x) for x in args.cards.split(",")]
    counts = [int(x) for x in args.runs.split(",")]
    runs = [counts[min(i, len(counts) - 1)] for i in range(len(sizes))]
    work = Path(args.workdir or tempfile.mkdtemp(prefix="cg-stream-"))
    os.environ["CONTACTGUARD_KEY_DIR"] = str(work / "keys")  # generated keys stay here
    print(f"contactguard {contactguard.__version__} from {contactguard.__file__}")
    rows: list[tuple[str, int, int, float, float, list[float]]] = []
    for n, k in zip(sizes, runs, strict=True):
        backup, damaged, manifest = _prepare(work, n, keep=args.keep)
        api: list[dict[str, object]] = []
        cli: list[dict[str, object]] = []
        for r in range(k):
            out = _api_run(damaged, manifest)
            _check(f"verify_file of {n:,} cards", out)
            api.append(out)
            print(f"  verify_file run {r + 1}: {float(str(out['time'])):.1f} s, peak RSS "
                  f"{float(str(out['rss'])):.0f} MiB (VmHWM; ru_maxrss "
                  f"{float(str(out['maxrss'])):.0f}), {out['ticks']} progress reports; "
                  f"{out['summary']}")
            if args.no_cli:
                continue
            report = damaged.with_suffix(".report.json")
            out = _cli_run(damaged, manifest, report)
            counted = _cli_counts(report)
            _check(f"contactguard verify --stream of {n:,} cards", counted)
            report.unlink()
            cli.append(out)
            print(f"  CLI verify --stream run {r + 1}: {float(str(out['time'])):.1f} s, "
                  f"peak RSS {float(str(out['rss'])):.0f} MiB (VmHWM; ru_maxrss "
                  f"{float(str(out['maxrss'])):.0f}), exit {out['exit']}")
        rows.append(("verify_file", n, k, _median(api, "rss"), _median(api, "time"),
                     [float(str(o["rss"])) for o in api]))
        if cli:
            rows.append(("CLI verify --stream", n, k, _median(cli, "rss"),
                         _median(cli, "time"), [float(str(o["rss"])) for o in cli]))
        if args.load:
            out = _child(_PEAK + f"""
                import json, time, contactguard as cg
                t0 = time.perf_counter(); snap = cg.load({str(backup)!r})
                print(json.dumps({{"module": cg.__file__, "time": time.perf_counter() - t0,
                                  "rss": peak_mib(), "n": len(snap)}}))
            """)
            print(f"  load (whole snapshot): {out['n']:,} cards in "
                  f"{float(str(out['time'])):.1f} s, peak RSS {float(str(out['rss'])):.0f} MiB")
        if not args.keep:
            for p in (backup, damaged, manifest, backup.with_name("stamp")):
                p.unlink(missing_ok=True)
    print("\n| path | cards | runs | peak RSS (median) | time (median) | peak RSS of each run |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for what, n, k, rss, took, each in rows:
        print(f"| {what} | {n:,} | {k} | {rss:.0f} MiB | {took:.0f} s | "
              f"{', '.join(f'{x:.0f}' for x in each)} |")
    for what in dict.fromkeys(r[0] for r in rows):
        mine = [r for r in rows if r[0] == what]
        if len(mine) > 1:
            small, large = min(mine, key=lambda r: r[1]), max(mine, key=lambda r: r[1])
            ratio = large[3] / small[3]
            print(f"{what}: peak RSS {large[1]:,} / {small[1]:,} cards = {ratio:.2f} "
                  f"(target <= 1.20: {'met' if ratio <= 1.2 else 'NOT met'}); "
                  f"{large[3]:.0f} MiB at {large[1]:,} (target <= 250 MiB at 1,000,000: "
                  f"{'met' if large[1] != 1_000_000 or large[3] <= 250 else 'NOT met'})")


if __name__ == "__main__":
    main()
