"""Issue #13: reading is linear for every input shape and never cuts a card silently.

Wall time is measured in benchmarks/bench_growth.py; these bounded versions assert on
sizes (every character of the value arrives) and on operation counts (each line is
searched for END:VCARD at most once however long a block grows)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import contactguard as cg
from contactguard import Limits
from contactguard._read import stream as stream_mod


def _note(snap: cg.Snapshot) -> str:
    prop = snap[0].first("NOTE")
    assert prop is not None
    return prop.value


def test_many_soft_breaks_keep_the_whole_value() -> None:
    n = 20_000
    body = "=\r\n".join(["ab=3D=C3=A9"] * n)
    snap = cg.loads(f"BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE;CHARSET="
                    f"UTF-8:{body}\r\nEND:VCARD\r\n")
    assert _note(snap) == "ab=é" * n
    assert not snap.findings


def test_soft_break_before_end_keeps_its_equals_sign() -> None:
    snap = cg.loads("BEGIN:VCARD\nVERSION:2.1\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\nb=\n"
                    "END:VCARD\n")
    assert _note(snap) == "ab"
    assert [f.kind for f in snap.findings] == ["bad-quoted-printable"]


def test_many_folds_keep_the_whole_value() -> None:
    n = 50_000
    body = "\r\n ".join(f"{i:08d}" for i in range(n))
    snap = cg.loads(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nNOTE:{body}\r\nEND:VCARD\r\n")
    assert _note(snap) == "".join(f"{i:08d}" for i in range(n))
    assert not snap.findings


def test_one_huge_line() -> None:
    snap = cg.loads(f"BEGIN:VCARD\nVERSION:3.0\nFN:A\nNOTE:{'y' * 3_000_000}\nEND:VCARD\n")
    assert len(_note(snap)) == 3_000_000


def _pieces(text: str, size: int) -> Iterator[str]:
    for start in range(0, len(text), size):
        yield text[start : start + size]


def test_a_card_longer_than_a_block_is_never_split(monkeypatch: pytest.MonkeyPatch) -> None:
    # The old reader cut a block after 4 x BLOCK_LINES lines even inside a card.
    monkeypatch.setattr(stream_mod, "BLOCK_LINES", 50)
    cards = ["BEGIN:VCARD\nVERSION:3.0\nFN:Small\nEND:VCARD\n",
             "BEGIN:VCARD\nVERSION:3.0\nFN:Big\nNOTE:" + "\n ".join(
                 f"{i:06d}" for i in range(1_000)) + "\nEND:VCARD\n",
             "BEGIN:VCARD\nVERSION:3.0\nFN:After\nEND:VCARD\n"]
    text = "".join(cards * 3)
    scanned = 0
    real = stream_mod._last_end

    def counting(pending: list[str], start: int) -> int:
        nonlocal scanned
        found = real(pending, start)
        scanned += len(pending) - max(found - 1, start)
        return found

    monkeypatch.setattr(stream_mod, "_last_end", counting)
    findings: list[cg.Finding] = []
    blocks = list(stream_mod._blocks(_pieces(text, 97), 1 << 20, "x", findings))
    lines = text.count("\n")  # the text ends with a line end: no empty last line
    assert not findings
    assert sum(len(b.lines) for b in blocks) == lines
    assert all(b.lines[-1] == "END:VCARD" for b in blocks[:-1])  # cut only after an END
    assert len(blocks) > 3  # it did cut, between cards
    assert scanned <= lines  # each line searched for END:VCARD at most once: linear
    snap = cg.loads(text)
    assert [c.formatted_name for c in snap] == ["Small", "Big", "After"] * 3
    big = snap[1].first("NOTE")
    assert big is not None and len(big.value) == 6_000 and not snap.findings


def test_huge_card_through_the_streaming_reader(tmp_path: pytest.TempPathFactory) -> None:
    # > 4 MiB, so it is decoded incrementally and cut into blocks; 450,000 lines in one card
    path = tmp_path / "big.vcf"  # type: ignore[operator]
    n = 450_000
    with path.open("w", encoding="utf-8") as out:
        out.write("BEGIN:VCARD\nVERSION:3.0\nFN:Big\nNOTE:")
        out.write("\n ".join(["abcdefghijklmno"] * n))
        out.write("\nEND:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Next\nEND:VCARD\n")
    stream = cg.iter_contacts(path)
    contacts = list(stream)
    assert [c.formatted_name for c in contacts] == ["Big", "Next"]
    note = contacts[0].first("NOTE")
    assert note is not None and len(note.value) == 15 * n
    assert stream.findings == []


def test_reaching_the_card_bound_is_a_finding_that_says_what_was_cut() -> None:
    text = "BEGIN:VCARD\nVERSION:3.0\nFN:A\n" + "".join(f"NOTE:{i:020d}\n"
                                                       for i in range(200))
    snap = cg.loads(text, limits=Limits(max_card_chars=1_000))
    cut = snap.findings.of_kind("card-cut")
    assert len(cut) == 1
    assert "no END:VCARD" in cut[0].message and "Limits.max_card_chars (1,000)" in cut[0].message
    assert cut[0].line == 203
    assert cut[0].severity is cg.Severity.ERROR


def test_a_value_cut_at_the_bound_skips_its_folds_and_reads_on(tmp_path: Path) -> None:
    # > 4 MiB so it streams in pieces: one folded NOTE over the bound, then the next card
    path = tmp_path / "cut.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Big\nNOTE:" + "\n ".join(
        ["0123456789abcdef"] * 300_000) + "\nTEL:+44 20 7946 0000\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Next\nEND:VCARD\n", encoding="utf-8")
    stream = cg.iter_contacts(path, limits=Limits(max_card_chars=1_000_000))
    contacts = list(stream)
    assert [c.formatted_name for c in contacts] == ["Big", "Next"]
    # the tokenizer skips the rest of a card over the bound (limit-exceeded); the block
    # reader's cut is said once, and its folded tail is not a spurious unparsable line
    assert sorted(f.kind for f in stream.findings) == ["card-cut", "limit-exceeded"]


def test_many_tiny_cards() -> None:
    n = 30_000
    snap = cg.loads("".join(f"BEGIN:VCARD\nVERSION:3.0\nFN:P{i}\nEND:VCARD\n"
                            for i in range(n)))
    assert len(snap) == n and snap[-1].formatted_name == f"P{n - 1}"
