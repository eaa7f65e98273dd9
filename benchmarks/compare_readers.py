"""Differential check of the reader: this tree against an older one, on damaged input.

    git worktree add /tmp/old <commit> --detach
    python benchmarks/compare_readers.py --old /tmp/old/src [--seconds 150] [--seed 1]

Imports the older tree's package beside this one (copied under another name, so both load
in one process), then feeds both ``loads`` the same inputs: the real-world corpus
(tests/realworld), generated restores and books, each with random damage (line breaks,
folds, soft breaks, separators, NULs, invalid UTF-8, framing lines, encodings inserted;
runs deleted; bytes changed).  Every contact (version, line, completeness, properties and
their lines) and every finding (kind, message, line, column, contact, property) must be the
same.  Mismatching inputs are written to ``--out`` for a test.  Use it after a change to
the tokenizer that should change nothing but speed.
"""

from __future__ import annotations

import argparse
import importlib
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import books
import contactguard
import restores

ROOT = Path(__file__).resolve().parents[1]

_INSERTS = [b"\r\n", b"\n ", b"=\r\n", b";", b":", b"=", b"\\", b",", b"\x00", b"\xff",
            b"\xe5\x88", b"BEGIN:VCARD\n", b"END:VCARD\n", b"ENCODING=QUOTED-PRINTABLE",
            b"CHARSET=GBK", b"VERSION:2.1\n", b'"', b"\t", b"AGENT:\n", b"PHOTO;ENCODING=b:",
            b"\n\n"]


def _seeds() -> list[bytes]:
    out = [p.read_bytes() for p in sorted((ROOT / "tests" / "realworld").rglob("*"))
           if p.is_file() and p.stat().st_size < 200_000]
    for fmt in restores.FORMATS:
        case = restores.make_case(30, seed=3, restore_format=fmt)
        out += [case.backup_text.encode(), case.restore_text.encode()]
    people = books.make_people(30, seed=5)
    return [*out, books.ios_backup(people).encode(), books.android_export(people).encode()]


def _damaged(data: bytes, rnd: random.Random) -> bytes:
    buf = bytearray(data)
    for _ in range(rnd.randrange(1, 12)):
        op, pos = rnd.randrange(3), rnd.randrange(len(buf) + 1)
        if op == 0:
            buf[pos:pos] = rnd.choice(_INSERTS)
        elif op == 1:
            del buf[pos:pos + rnd.randrange(1, 20)]
        else:
            buf[pos:pos + 1] = bytes([rnd.randrange(256)])
    return bytes(buf)


def _key(module: Any, data: bytes) -> Any:
    try:
        snap = module.loads(data)
    except Exception as exc:  # noqa: BLE001 - a crash is a result to compare too
        return ("raised", type(exc).__name__)
    return ([(c.version, c.line, c.complete, c.properties, c.property_lines, c.source)
             for c in snap],
            [(f.kind, f.message, f.line, f.column, f.contact, f.property, f.source)
             for f in snap.findings])


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--old", type=Path, required=True, help="the older tree's src/ folder")
    ap.add_argument("--seconds", type=float, default=150)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", type=Path, default=Path("reader-mismatches"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(args.old / "contactguard", Path(tmp) / "contactguard_old")
        sys.path.insert(0, tmp)
        old = importlib.import_module("contactguard_old")
        seeds, rnd = _seeds(), random.Random(args.seed)
        deadline = time.monotonic() + args.seconds
        n = bad = 0
        while time.monotonic() < deadline:
            data = _damaged(rnd.choice(seeds), rnd)
            n += 1
            if _key(contactguard, data) != _key(old, data):
                bad += 1
                args.out.mkdir(exist_ok=True)
                (args.out / f"mismatch-{bad}.vcf").write_bytes(data)
    print(f"{n:,} damaged inputs, {bad:,} with other contacts or findings than the old reader"
          + (f" (written to {args.out}/)" if bad else ""))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
