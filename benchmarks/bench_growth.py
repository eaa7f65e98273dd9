"""Growth check: reading time must grow linearly with the input, for every hostile shape.

    python benchmarks/bench_growth.py [--scale 1.0] [--repeat 2] [--max-ratio 12]

Each shape is read at 1x and 10x its base size with ``contactguard.iter_contacts`` over
the bytes (so memory stays bounded for 1.5 million cards); the best of ``--repeat`` runs
is kept.  Every 1x input is over the 4 MiB head that is decoded whole, so both sizes take
the same path (the incremental decoder and the block reader).  A linear reader
costs about 10x the time for 10x the input; the check fails (exit 1) when any shape costs
more than ``--max-ratio`` times.  The shapes are the ones that were quadratic before
issue #13:

- ``soft-breaks``: one quoted-printable NOTE with N soft line breaks;
- ``folds``: one NOTE folded over N continuation lines;
- ``huge-line``: one NOTE of N characters on one line;
- ``huge-card``: one card whose folded PHOTO runs over N lines (past the block size);
- ``tiny-cards``: N cards of three lines each.

``--huge-file`` also writes the issue's 222 MB file (one NOTE folded over 3,000,000
lines, then one more card) to a temporary folder and streams it with ``iter_contacts``:
it must finish, say where it cut the card (``card-cut`` at ``Limits.max_card_chars``) and
read the card after it.

Every run also checks the result (the whole value, one card or N cards), so a reader that
got faster by cutting the input would fail here as well.
"""

from __future__ import annotations

import argparse
import io
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial

import contactguard as cg

Shape = tuple[Callable[[int], bytes], Callable[[cg.ContactStream, int], bool], int]


def _only(stream: cg.ContactStream, prop: str) -> str | None:
    """The value of ``prop`` of the one contact of ``stream`` (None if not exactly one)."""
    contacts = list(stream)
    found = contacts[0].first(prop) if len(contacts) == 1 else None
    damage = [f for f in stream.findings if f.kind in {"unparsable-line", "card-cut"}]
    return found.value if found is not None and not damage else None


def _soft_breaks(n: int) -> bytes:
    body = "=\r\n".join(["abc=3D=C3=A9"] * n)
    return (f"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\nNOTE;ENCODING=QUOTED-PRINTABLE;"
            f"CHARSET=UTF-8:{body}\r\nEND:VCARD\r\n").encode()


def _soft_ok(stream: cg.ContactStream, n: int) -> bool:
    return len(_only(stream, "NOTE") or "") == 5 * n


def _folds(n: int) -> bytes:
    body = "\r\n ".join(["x" * 18] * n)
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nNOTE:{body}\r\nEND:VCARD\r\n".encode()


def _folds_ok(stream: cg.ContactStream, n: int) -> bool:
    return len(_only(stream, "NOTE") or "") == 18 * n


def _huge_line(n: int) -> bytes:
    return f"BEGIN:VCARD\nVERSION:3.0\nFN:A\nNOTE:{'y' * n}\nEND:VCARD\n".encode()


def _huge_line_ok(stream: cg.ContactStream, n: int) -> bool:
    return len(_only(stream, "NOTE") or "") == n


def _huge_card(n: int) -> bytes:
    body = "\n ".join(["QUJD" * 19] * n)
    return (f"BEGIN:VCARD\nVERSION:3.0\nFN:A\nPHOTO;ENCODING=b;TYPE=JPEG:{body}\n"
            "END:VCARD\n").encode()


def _huge_card_ok(stream: cg.ContactStream, n: int) -> bool:
    return len(_only(stream, "PHOTO") or "") == 76 * n


def _tiny_cards(n: int) -> bytes:
    return "".join(f"BEGIN:VCARD\nFN:P{i}\nEND:VCARD\n" for i in range(n)).encode()


def _tiny_ok(stream: cg.ContactStream, n: int) -> bool:
    return sum(1 for _ in stream) == n


SHAPES: dict[str, Shape] = {
    "soft-breaks": (_soft_breaks, _soft_ok, 300_000),
    "folds": (_folds, _folds_ok, 250_000),
    "huge-line": (_huge_line, _huge_line_ok, 5_000_000),
    "huge-card": (_huge_card, _huge_card_ok, 60_000),
    "tiny-cards": (_tiny_cards, _tiny_ok, 150_000),
}


def _check(ok: Callable[[cg.ContactStream, int], bool], n: int,
           stream: cg.ContactStream) -> bool:
    return ok(stream, n)


def _time(data: bytes, check: Callable[[cg.ContactStream], bool], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        good = check(cg.iter_contacts(io.BytesIO(data)))
        best = min(best, time.perf_counter() - start)
        if not good:
            raise AssertionError("the reader lost or cut part of the input")
    return best


def _huge_file() -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/huge.vcf"
        with open(path, "w", encoding="ascii") as out:
            out.write("BEGIN:VCARD\nVERSION:3.0\nFN:Big\nNOTE:")
            chunk = ("\n " + "x" * 72) * 10_000
            for _ in range(300):
                out.write(chunk)
            out.write("\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:After\nEND:VCARD\n")
        start = time.perf_counter()
        stream = cg.iter_contacts(path)
        names = [c.formatted_name for c in stream]
        took = time.perf_counter() - start
    kinds = sorted(f.kind for f in stream.findings)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(f"huge file: 222,000,090 bytes, 3,000,000 folded lines in one card: {took:.1f} s, "
          f"peak RSS {rss} MiB, cards {names}, findings {kinds}")
    return names == ["Big", "After"] and kinds == ["card-cut"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every base size")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size (best kept)")
    parser.add_argument("--max-ratio", type=float, default=12.0,
                        help="fail when 10x the input costs more than this many times")
    parser.add_argument("--shape", choices=sorted(SHAPES), action="append",
                        help="only this shape (repeatable)")
    parser.add_argument("--huge-file", action="store_true",
                        help="also stream the 222 MB one-card file (needs ~1 GB of memory)")
    args = parser.parse_args()
    if args.huge_file and not _huge_file():
        print("FAIL: the huge file was not read to its end, or the cut was not said")
        return 1
    print(f"{'shape':<12} {'1x size':>12} {'1x time':>9} {'10x size':>12} {'10x time':>9}"
          f" {'ratio':>6}")
    failed = []
    for name in args.shape or list(SHAPES):
        make, ok, base = SHAPES[name]
        n = max(int(base * args.scale), 10)
        small, big = make(n), make(10 * n)
        t1 = _time(small, partial(_check, ok, n), args.repeat)
        t10 = _time(big, partial(_check, ok, 10 * n), args.repeat)
        ratio = t10 / max(t1, 1e-9)
        print(f"{name:<12} {len(small):>12,} {t1:>8.3f}s {len(big):>12,} {t10:>8.3f}s"
              f" {ratio:>6.1f}", flush=True)
        if ratio > args.max_ratio:
            failed.append(name)
    if failed:
        print(f"FAIL: {', '.join(failed)} grew faster than {args.max_ratio}x for 10x input")
        return 1
    print(f"OK: every shape within {args.max_ratio}x for 10x the input")
    return 0


if __name__ == "__main__":
    sys.exit(main())
