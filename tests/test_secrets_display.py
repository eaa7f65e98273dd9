"""Issue 14: every value type shows masked ``str()``/``repr()``; text outputs escape bidi
and other format controls; masking leaves UIDs and punctuation alone."""

from __future__ import annotations

import random
import sys
import unicodedata
from dataclasses import replace

import pytest

import books
import contactguard as cg
from contactguard._core import escape_controls, mask_label, mask_message
from contactguard._report import render
from contactguard._report.model import diff_report


def _secrets(people: list[books.Person]) -> set[str]:
    """Every personal value of ``people``, and the parts of them a leak would show."""
    out: set[str] = set()
    for p in people:
        out |= {p.formatted, p.family + p.given, *p.emails, *(e.split("@")[0] for e in p.emails)}
        if len(p.given) >= 2:
            out.add(p.given)
        for tel in p.phones:
            digits = "".join(ch for ch in tel if ch.isdigit())
            out |= {tel, digits, digits[-8:]}
    return {v for v in out if len(v) >= 4}


def _objects(people: list[books.Person]) -> list[object]:
    """One of each value type, built from ``people``."""
    backup = cg.loads(books.ios_backup(people))
    rnd = random.Random(3)
    changed = [books.change_one_digit(people[0], rnd), *people[2:]]
    changed[1] = replace(changed[1], emails=("q" + changed[1].emails[0],)) if changed[
        1].emails else changed[1]
    restored = cg.loads(books.android_export(changed))
    d = cg.diff(backup, restored)
    manifest = cg.Manifest.build(backup)
    report = cg.verify(restored, manifest)
    twins = cg.loads(books.ios_backup([people[0], people[0]], uids=False))
    groups = cg.find_duplicates(twins)
    bad = cg.loads("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + people[1].formatted +
                   "\r\nEMAIL:" + people[1].formatted.replace(" ", "") + ".example.com\r\n"
                   "END:VCARD\r\n")
    findings = cg.detect(bad)
    assert findings and d.changed and groups and report.changed
    renamed = cg.loads(books.ios_backup([people[3]], uids=False) + books.ios_backup(
        [replace(people[3], given=people[4].given)], uids=False))
    plans = [cg.plan_merge(g) for g in cg.find_duplicates(renamed)]
    assert plans and plans[0].conflicts
    return [backup, *backup, *(p for c in backup for p in c.properties), d, *d.changed,
            *(ch for c in d.changed for ch in c.changes), *d.matches, report,
            *report.verdicts, *groups, *(pair for g in groups for pair in g.pairs),
            *findings, findings, bad, *plans, *(c for p in plans for c in p.conflicts),
            *(c.name for c in backup)]


def _people() -> list[books.Person]:
    return books.make_people(12, seed=21, cjk_share=0.5)


def test_no_repr_or_str_shows_a_personal_value() -> None:
    people = _people()
    secrets = _secrets(people)
    for obj in _objects(people):
        for text in (repr(obj), str(obj)):
            leaked = [s for s in secrets if s in text]
            assert not leaked, (type(obj).__name__, leaked, text[:300])


def test_display_options_unmask_them() -> None:
    people = _people()
    secrets = _secrets(people)
    with cg.display_options(show_personal_data=True):
        shown = " ".join(repr(o) + str(o) for o in _objects(people))
    assert people[0].formatted in shown
    assert any(s in shown for s in secrets if "@" in s)
    contact = cg.loads(books.ios_backup(people[:1]))[0]
    assert contact.formatted_name == people[0].formatted  # the explicit accessor


BIDI = "\u202eexe.gpj\u202c \u2066x\u2069 \u200b\ufeff"


@pytest.mark.parametrize("fmt", ["text", "markdown", "html"])
def test_bidi_and_format_controls_are_escaped_in_outputs(fmt: str) -> None:
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Evil" + BIDI + "\r\nTEL:+8613800138000\r\n"
            "UID:u1\u202e\r\nEND:VCARD\r\n")
    before = cg.loads(card)
    after = cg.loads(card.replace("+8613800138000", "+8613800138001"))
    doc = diff_report(cg.diff(before, after), show_personal_data=True)
    out = render(doc, fmt)
    for ch in "\u202e\u202c\u2066\u2069\u200b\ufeff":
        assert ch not in out, (fmt, hex(ord(ch)))
    assert "\\u202e" in out


def test_every_control_and_format_character_is_escaped() -> None:
    wanted = {chr(c) for c in range(sys.maxunicode + 1)
              if unicodedata.category(chr(c)) in {"Cc", "Cf", "Cs"}}
    wanted -= set("\t\n\r\u200c\u200d")  # line ends; joiners shape emoji and scripts
    text = "".join(sorted(wanted))
    assert not set(escape_controls(text)) & wanted
    assert escape_controls("👨\u200d👩 a\tb") == "👨\u200d👩 a\tb"


def test_masking_knows_uids_and_punctuation() -> None:
    uuid = "3f2a7c1e-1b2c-4d5e-8f90-446123450000"
    assert mask_label(f"UID {uuid}") == f"UID {uuid}"
    assert mask_label("UID urn:uuid:" + uuid.upper()) == "UID urn:uuid:" + uuid.upper()
    assert mask_label("UID tel-13800138000") == "UID tel-138****8000"
    assert mask_label("UID zhang.wei@example.com") == "UID z***@example.com"
    assert mask_message("unparsable-line", "no ':' in 'Zhang Wei 138'") == (
        "no ':' in [13 characters]")
    contact = cg.loads(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A B\r\nUID:{uuid}\r\n"
                       "END:VCARD\r\n")[0]
    assert f"value='{uuid}'" in repr(contact.properties[1])
