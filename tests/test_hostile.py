"""Hostile, huge and broken input: findings, bounded memory, inputs untouched.

The corpus is made by the tests themselves (nothing hostile is committed): a zip bomb, a
100 MB single line, AGENT cards nested 10,000 deep, 1,000,000 empty cards, invalid UTF-8
in every line, and markup in every field.
"""

from __future__ import annotations

import builtins
import io
import os
import subprocess
import sys
import textwrap
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import pytest

import contactguard as cg

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Lovelace\r\nTEL:+44 20 7946 0000\r\nEND:VCARD\r\n"


def _kinds(snap: cg.Snapshot) -> set[str]:
    return {f.kind for f in snap.findings}


def test_zip_bomb_is_a_finding_and_the_other_entries_are_read(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.vcf", CARD)
        with zf.open("huge.vcf", "w") as fh:  # 64 MiB of one byte: ratio about 1000:1
            block = b"A" * (1 << 20)
            for _ in range(64):
                fh.write(block)
        zf.writestr("z.vcf", CARD.replace("Ada Lovelace", "Grace Hopper"))
    assert bomb.stat().st_size < 1 << 20
    tracemalloc.start()
    snap = cg.load(bomb)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [c.formatted_name for c in snap] == ["Ada Lovelace", "Grace Hopper"]
    (bomb_finding,) = [f for f in snap.findings if f.kind == "limit-exceeded"]
    assert bomb_finding.source == f"{bomb}!huge.vcf"
    assert "ratio" in bomb_finding.message
    assert peak < 16 << 20


def test_zip_path_traversal_names_are_only_labels(tmp_path: Path) -> None:
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zf:
        zf.writestr("../../outside.vcf", CARD)
        zf.writestr("/etc/passwd.vcf", CARD)
    before = set(tmp_path.parent.iterdir())
    snap = cg.load(evil)
    assert len(snap) == 2  # read in memory, labelled by the entry name, never extracted
    assert set(tmp_path.parent.iterdir()) == before
    assert not (tmp_path.parent / "outside.vcf").exists()


def _write_huge_line(path: Path, megabytes: int) -> None:
    with path.open("wb") as fh:
        fh.write(CARD.encode())
        fh.write(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nNOTE:")
        block = b"x" * (1 << 20)
        for _ in range(megabytes):
            fh.write(block)
        fh.write(b"\r\nTEL:+44 20 7946 0001\r\nEND:VCARD\r\n")
        fh.write(CARD.replace("Ada Lovelace", "After").encode())


def test_100_mb_single_line_is_skipped_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "huge-line.vcf"
    _write_huge_line(path, 100)
    tracemalloc.start()
    snap = cg.load(path, limits=cg.Limits(max_line_chars=1 << 20))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [c.formatted_name for c in snap] == ["Ada Lovelace", "Big", "After"]
    big = snap[1]
    assert big.phones == ("+44 20 7946 0001",)
    assert big.first("NOTE") is None  # the over-long line was dropped, the card kept
    (limit,) = [f for f in snap.findings if f.kind == "limit-exceeded"]
    assert limit.line == 9
    assert big.line_of(1) == 10  # line numbers after the skipped line stay right
    assert peak < 24 << 20, peak


def test_default_limits_skip_a_100_mb_line(tmp_path: Path) -> None:
    path = tmp_path / "huge-line.vcf"
    _write_huge_line(path, 100)
    snap = cg.load(path)
    assert "limit-exceeded" in _kinds(snap)
    assert [c.formatted_name for c in snap] == ["Ada Lovelace", "Big", "After"]


def test_deeply_nested_agent_cards(tmp_path: Path) -> None:
    depth = 10_000
    nested = "AGENT:\r\n" + "BEGIN:VCARD\r\nAGENT:\r\n" * depth + "END:VCARD\r\n" * depth
    text = ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Outer\r\n" + nested + "TEL:+44 20 7946 0002\r\n"
            "END:VCARD\r\n" + CARD)
    snap = cg.loads(text)
    assert [c.formatted_name for c in snap] == ["Outer", "Ada Lovelace"]
    assert snap[0].phones == ("+44 20 7946 0002",)
    assert snap[0].first("AGENT") is None
    assert "limit-exceeded" in _kinds(snap)
    shallow = cg.loads("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Outer\r\nAGENT:\r\n" + CARD
                       + "END:VCARD\r\n")
    agent = shallow[0].first("AGENT")
    assert agent is not None and "Ada Lovelace" in agent.text


def test_a_million_empty_cards_in_bounded_memory(tmp_path: Path) -> None:
    """Run in a child process so its peak RSS is its own."""
    path = tmp_path / "empty.vcf"
    with path.open("wb") as fh:
        block = b"BEGIN:VCARD\r\nEND:VCARD\r\n" * 10_000
        for _ in range(100):
            fh.write(block)
    code = textwrap.dedent(f"""
        import resource, contactguard as cg
        snap = cg.load({str(path)!r})
        found = cg.detect(snap)
        kinds = sorted({{f.kind for f in snap.findings + found}})
        print(len(snap), len(snap.findings) + len(found), ",".join(kinds),
              resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=600).stdout.split()
    count, n_findings, kinds, rss_mib = int(out[0]), int(out[1]), out[2], int(out[3])
    assert count == 1_000_000
    # a million cards that hold nothing back up nothing: the book is said to hold no
    # contacts (one finding), besides the per-card ones
    assert kinds == "empty-card,findings-truncated,missing-version,no-contacts"
    assert n_findings == 2 * 10_000 + 2 + 1  # capped per kind, two truncation notes
    assert rss_mib < 600, rss_mib


def test_invalid_utf8_everywhere() -> None:
    lines = CARD.encode().split(b"\r\n")
    noisy = b"\r\n".join(line + b"\xff\xfe\xc3" if b"VCARD" not in line and line else line
                         for line in lines) * 50
    snap = cg.loads(noisy)
    assert len(snap) == 50
    assert _kinds(snap) & {"undecodable-bytes", "charset-guessed", "unparsable-line"}
    for contact in snap:
        for prop in contact.properties:
            assert "\udcff" not in prop.value  # no smuggled surrogates reach the model


def test_markup_in_every_field_is_escaped_everywhere(tmp_path: Path) -> None:
    evil = "<script>alert(1)</script>"
    text = (f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{evil}\r\nN:{evil};{evil};;;\r\n"
            f"ORG:{evil}\r\nNOTE:{evil}\r\nEMAIL:{evil}@example.com\r\nTEL:{evil}\r\n"
            f"X-CUSTOM:{evil}\r\nEND:VCARD\r\n")
    path = tmp_path / "evil.vcf"
    path.write_text(text)
    snap = cg.load(path)
    html_out = tmp_path / "report.html"
    from contactguard._cli import main

    empty = tmp_path / "empty.vcf"
    empty.write_text("")
    main(["diff", str(path), str(empty), "--format", "html", "--output", str(html_out),
          "--show-personal-data", "--quiet"])
    report = html_out.read_text()
    assert "&lt;script&gt;" in report  # the name is shown, escaped
    for page in (report, snap._repr_html_(), snap[0]._repr_html_()):
        assert "<script" not in page.lower()


def _record_opens(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    seen: list[tuple[str, str]] = []
    real_open = builtins.open
    real_io_open = io.open

    def spy(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        seen.append((os.fspath(file) if isinstance(file, (str, os.PathLike)) else "", mode))
        return real_open(file, mode, *args, **kwargs)

    def spy_io(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        seen.append((os.fspath(file) if isinstance(file, (str, os.PathLike)) else "", mode))
        return real_io_open(file, mode, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", spy)
    monkeypatch.setattr(io, "open", spy_io)
    return seen


def test_inputs_are_never_opened_for_writing(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    src = tmp_path / "backup.vcf"
    src.write_text(CARD * 3)
    folder = tmp_path / "folder"
    folder.mkdir()
    (folder / "one.vcf").write_text(CARD)
    zpath = tmp_path / "b.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        zf.writestr("c.vcf", CARD)
    inputs = [src, folder / "one.vcf", zpath]
    before = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in inputs}
    seen = _record_opens(monkeypatch)
    snap = cg.load(src)
    cg.load(folder)
    cg.load(zpath)
    cg.Manifest.build(snap).save(tmp_path / "m.json")
    cg.dump(snap, tmp_path / "out.vcf")
    cg.verify_restore(snap, cg.load(src))
    monkeypatch.undo()
    for path, mode in seen:
        if path in {str(p) for p in inputs}:
            assert set(mode) <= {"r", "b", "t"}, (path, mode)
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in inputs} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "b.zip", "backup.vcf", "folder", "m.json", "out.vcf"]  # no temp files left


@pytest.mark.parametrize("payload", [b"", b"\x00" * 1000, b"PK\x03\x04" + b"\xff" * 100,
                                     b"\xff\xfe" + b"\x00\xd8" * 50, b"BEGIN:VCARD\r\n" * 5000,
                                     b"\r" * 100_000, b"=" * 10_000, b"BEGIN:VCARD\n" + b" " *
                                     100_000])
def test_degenerate_inputs_are_data_not_crashes(payload: bytes) -> None:
    snap = cg.loads(payload)
    assert isinstance(snap, cg.Snapshot)
    cg.detect(snap)
