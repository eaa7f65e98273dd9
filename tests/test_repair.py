"""Repair (#15): the shipped restore → ``repair`` → verify of restore plus fix is clean within
the documented strategy, for every target; the repair file is private and atomic; inputs
are never touched; one file's certain repairs are made and the rest listed."""

from __future__ import annotations

import hashlib
import json
import stat
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

import contactguard as cg
from contactguard._cli import main
from contactguard._repair import TARGETS
from contactguard._write import csv_left_out, dumps_21, dumps_csv

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BACKUP = EXAMPLES / "backup-iphone.vcf"
RESTORE = EXAMPLES / "restore-android.vcf"
SUFFIX = {"android": "vcf", "ios": "vcf", "google": "csv", "outlook": "csv", "vcard": "vcf"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("target", sorted(TARGETS))
def test_example_restore_repaired_for_each_target(
        target: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (_digest(BACKUP), _digest(RESTORE))
    fix = tmp_path / f"fix.{SUFFIX[target]}"
    code, out, err = run(capsys, "repair", str(RESTORE), "--against", str(BACKUP),
                         "--for", target, "-o", str(fix))
    assert code == 0, err
    assert out.startswith("2 of 40 contacts did not come back and 4 came back damaged. "
                          f"To fix it, import {fix} — steps below.\n")
    assert stat.S_IMODE(fix.stat().st_mode) == 0o600
    assert (_digest(BACKUP), _digest(RESTORE)) == before  # inputs never modified
    assert "readable only by you" in out and "readable only by you" in err

    backup, restored = cg.load(BACKUP), cg.load(RESTORE)
    plan = cg.repair_plan(backup, restored, target=target)
    assert fix.read_bytes() == plan.dumps().encode("utf-8")
    assert sorted(i.reference for i in plan.items) == [8, 12, 17, 23, 30, 32]
    combined = cg.combine(restored, cg.load(fix))
    again = cg.verify_restore(backup, combined)
    # the documented strategy: the whole backup card is imported, so nothing is missing
    # or changed but what the format cannot carry, and the damaged copies stay (added)
    assert not again.missing
    residual = {ref: set() for ref, _ in plan.residual}
    for ref, prop in plan.residual:
        residual[ref].add(prop)
    assert {v.reference for v in again.changed} == set(residual)
    for v in again.changed:
        assert {c.property for c in v.changes} <= residual[v.reference or 0]
        assert all(c.kind == "lost" for c in v.changes)
    assert len(again.added) == len(plan.duplicates) == 4
    if not residual:
        assert {v.checked for v in again.added} == set(plan.duplicates)
    stays = {v.checked for v in again.added}
    assert all(f.contact in stays for f in again.findings if f.severity is cg.Severity.ERROR)
    if target in {"android", "ios", "vcard"}:
        assert not residual  # a vCard carries everything
    else:
        assert (17, "PHOTO") in plan.residual  # a CSV has no picture column


def test_verify_plus_reads_restore_and_fix_as_one_book(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fix = tmp_path / "fix.vcf"
    assert run(capsys, "repair", str(RESTORE), "--against", str(BACKUP), "--for", "android",
               "-o", str(fix))[0] == 0
    _, out, _ = run(capsys, "verify", str(RESTORE), "--plus", str(fix), "--against",
                       str(BACKUP), "--format", "json")
    doc = json.loads(out)
    counts = doc["comparisons"][0]["counts"]
    assert (counts["missing"], counts["changed"], counts["added"], counts["intact"]) == (
        0, 0, 4, 40)
    assert doc["inputs"][1]["contacts"] == 38 + 6


def test_dry_run_writes_nothing_and_lists_the_cards(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fix = tmp_path / "fix.vcf"
    code, out, _ = run(capsys, "repair", str(RESTORE), "--against", str(BACKUP),
                       "-o", str(fix), "--dry-run", "--format", "json")
    assert code == 0 and not fix.exists()
    doc = json.loads(out)
    assert doc["command"] == "repair"
    assert doc["repair"]["written"] is False and doc["repair"]["mode"] == "0600"
    assert [c["reference"] for c in doc["repair"]["cards"]] == [8, 12, 17, 23, 30, 32]
    assert doc["repair"]["delete_after_import"] == [26, 36, 0, 37]
    assert not list(tmp_path.iterdir())


def test_repair_refuses_to_write_over_an_input_or_to_stdout(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    copy = tmp_path / "restore.vcf"
    copy.write_bytes(RESTORE.read_bytes())
    code, _, err = run(capsys, "repair", str(copy), "--against", str(BACKUP), "-o", str(copy))
    assert code == 2 and "it is an input" in err
    assert copy.read_bytes() == RESTORE.read_bytes()
    code, _, err = run(capsys, "repair", str(copy), "--against", str(BACKUP), "-o", "-")
    assert code == 2 and "personal data" in err
    code, _, err = run(capsys, "repair", str(copy), "--against", str(BACKUP))
    assert code == 2 and "-o/--output" in err


def test_nothing_to_repair_writes_nothing(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    fix = tmp_path / "fix.vcf"
    code, out, _ = run(capsys, "repair", str(BACKUP), "--against", str(BACKUP), "-o", str(fix))
    assert code == 0 and not fix.exists()
    assert out.splitlines()[0] == "All 40 contacts came back complete."
    assert cg.repair_plan(cg.load(BACKUP), cg.load(BACKUP)).empty


def test_plan_is_a_value_with_a_notebook_view() -> None:
    plan = cg.repair_plan(cg.load(BACKUP), cg.load(RESTORE), target="google")
    assert repr(plan) == ("<RepairPlan import 2 missing and 4 damaged contacts "
                          "(google, csv-google)>")
    html = plan._repr_html_()
    assert "Cards to import" in html and "郑欣怡" not in html and "郑**" in html
    assert [i.reason for i in plan.items] == ["missing", "changed", "changed", "missing",
                                              "changed", "changed"]
    with pytest.raises(cg.UsageError, match="no repair target"):
        cg.repair_plan(cg.load(BACKUP), cg.load(RESTORE), target="nokia")


def test_vcard_21_is_quoted_printable_utf8_and_reads_back_equal() -> None:
    backup = cg.load(BACKUP)
    text = dumps_21(backup)
    assert "VERSION:3.0" not in text and text.count("VERSION:2.1") == 40
    assert "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E6=9C=B1=E5=AE=87=E8=BD=A9" in text
    assert all(len(line) <= 76 for line in text.splitlines() if not line.startswith(" "))
    back = cg.loads(text)
    assert not back.findings
    assert [cg.fingerprint(c) for c in back] == [cg.fingerprint(c) for c in backup]
    long_note = "word " * 40
    note = cg.loads("BEGIN:VCARD\nVERSION:3.0\nFN:Zoë\nNOTE:line one\\nline two \n"
                    f"X-LONG:{long_note}\n"
                    "ADR:;;1 Main St\\; Apt 2;Town;;;\nEND:VCARD\n")
    written = dumps_21(note)
    assert all(len(line) <= 76 for line in written.splitlines())
    again = cg.loads(written)[0]
    assert again.get_all("X-LONG")[0].text == long_note
    assert again.get_all("NOTE")[0].text == "line one\nline two "
    assert again.get_all("ADR")[0].components[2] == "1 Main St; Apt 2"


@pytest.mark.parametrize("layout", ["google", "outlook"])
def test_csv_reads_back_with_only_the_pictures_left_out(layout: str) -> None:
    backup = cg.load(BACKUP)
    back = cg.loads(dumps_csv(backup, layout=layout))
    d = cg.diff(backup, back)
    assert not d.missing and not d.added
    assert {c.property for ch in d.changed for c in ch.changes} == {"PHOTO"}
    assert csv_left_out(backup[17], layout=layout) == ("PHOTO",)


def test_single_file_repair_makes_only_certain_repairs(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    damaged = tmp_path / "damaged.vcf"
    damaged.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jos\xc3\x83\xc2\xa9 Garc\xc3\x83\xc2\xada\r\n"
        b"NOTE:a long note that\r\nwas folded without its space\r\n"
        b"TEL:+44 20 7946 0000\r\nEND:VCARD\r\n"
        b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ma\xef\xbf\xbd\r\nEND:VCARD\r\n")
    before = damaged.read_bytes()
    fixed = tmp_path / "fixed.vcf"
    code, out, _ = run(capsys, "repair", str(damaged), "-o", str(fixed))
    assert code == 0 and damaged.read_bytes() == before
    assert stat.S_IMODE(fixed.stat().st_mode) == 0o600
    assert out.splitlines()[0] == (f"2 repairs made in {fixed}. 1 problem cannot be repaired "
                                   "with certainty and is listed below.")
    book = cg.load(fixed)
    assert book[0].formatted_name == "José García"
    assert book[0].get_all("NOTE")[0].text == "a long note thatwas folded without its space"
    assert book[1].formatted_name == "Ma\ufffd"  # the lost bytes are not guessed
    assert [f.kind for f in cg.check(book).findings] == ["replacement-character"]
    result = cg.repair_file(damaged)
    assert [f.kind for f in result.repaired] == ["unparsable-line", "mojibake"]
    assert [f.kind for f in result.remaining] == ["replacement-character"]


def test_single_file_repair_writes_a_mislabelled_charset_as_utf8(tmp_path: Path) -> None:
    src = tmp_path / "labelled.vcf"
    src.write_bytes(b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
                    b"FN;CHARSET=US-ASCII;ENCODING=QUOTED-PRINTABLE:Jos=C3=A9 M=C3=BCller\r\n"
                    b"END:VCARD\r\n")
    result = cg.repair_file(src)
    assert [f.kind for f in result.original.findings] == ["charset-mismatch"]
    assert [f.kind for f in result.repaired] == ["charset-mismatch"]
    assert not result.remaining
    out = tmp_path / "out.vcf"
    result.write(out)
    assert out.read_bytes().decode("utf-8").splitlines() == [
        "BEGIN:VCARD", "VERSION:3.0", "FN:José Müller", "END:VCARD"]
    assert not cg.load(out).findings


def test_verbose_masked_changes_are_readable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify", str(RESTORE), "--against", str(BACKUP), "--verbose")
    assert code == 1
    assert "name changed: 何** → (damaged text)" in out and "\ufffd" not in out
    assert "date lost: [date]" in out and "[10 characters]" not in out


FULL = ("BEGIN:VCARD\nVERSION:3.0\nN:Li;Lei;;Dr.;\nFN:Dr. Lei Li\nORG:Example Ltd;Sales\n"
        "TITLE:Manager\nURL:https://example.com/lei\nNOTE:met at the fair\\, 2023\n"
        "ADR;TYPE=HOME:;;1 Main St;Town;Region;12345;Country\n"
        "ADR;TYPE=WORK:;;2 Work Rd;City;;54321;Land\n"
        "TEL;TYPE=CELL:+44 7700 900001\nTEL;TYPE=HOME:+44 20 7946 0001\n"
        "TEL;TYPE=WORK:+44 20 7946 0002\nTEL;TYPE=FAX:+44 20 7946 0003\n"
        "TEL:+44 20 7946 0004\nEMAIL:a@example.com\nEMAIL:b@example.com\n"
        "BDAY:1980-02-03\nCATEGORIES:Friends\nEND:VCARD\n")


@pytest.mark.parametrize("layout", ["google", "outlook"])
def test_csv_carries_names_companies_addresses_and_numbers(layout: str) -> None:
    book = cg.loads(FULL)
    back = cg.loads(dumps_csv(book, layout=layout))
    assert cg.diff(book, back).ok, [ch.summary for ch in cg.diff(book, back).changed]
    assert csv_left_out(book[0], layout=layout) == ()
    with pytest.raises(cg.UsageError, match="no CSV layout"):
        dumps_csv(book, layout="yahoo")
    with pytest.raises(cg.UsageError, match="takes contacts"):
        dumps_csv("BEGIN:VCARD", layout=layout)


def test_outlook_csv_says_what_does_not_fit() -> None:
    emails = "".join(f"EMAIL:u{i}@example.com\n" for i in range(5))
    card = cg.loads(f"BEGIN:VCARD\nVERSION:3.0\nFN:Ann\n{emails}PHOTO;ENCODING=b;TYPE=JPEG:"
                    "/9j/4AAQ\nEND:VCARD\n")[0]
    assert csv_left_out(card, layout="outlook") == ("EMAIL", "EMAIL", "PHOTO")
    assert csv_left_out(card, layout="google") == ("PHOTO",)


def test_plan_from_a_report_and_its_misuse() -> None:
    backup, restored = cg.load(BACKUP), cg.load(RESTORE)
    report = cg.verify_restore(backup, restored)
    plan = cg.repair_plan(backup, report, target="ios")
    assert plan.report is report and len(plan.items) == 6
    with pytest.raises(cg.UsageError, match="another backup"):
        cg.repair_plan(cg.load(BACKUP), report)
    with pytest.raises(cg.UsageError, match="combine"):
        cg.combine()


def test_single_file_dry_run_and_for_needs_against(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "moji.vcf"
    src.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\n"
                    b"FN:Jos\xc3\x83\xc2\xa9 Garc\xc3\x83\xc2\xada\r\nEND:VCARD\r\n")
    code, out, _ = run(capsys, "repair", str(src), "--dry-run")
    assert code == 0 and out.splitlines()[0] == ("1 repair can be made (nothing was "
                                                 "written: --dry-run).")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moji.vcf"]
    code, _, err = run(capsys, "repair", str(src), "--for", "ios", "-o", str(tmp_path / "x"))
    assert code == 2 and "--for goes with --against" in err


def test_repair_json_follows_the_schema(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    schema = json.loads(resources.files("contactguard").joinpath("report.schema.json")
                        .read_text(encoding="utf-8"))
    damaged = tmp_path / "damaged.vcf"
    damaged.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jos\xc3\x83\xc2\xa9 Garc\xc3\x83"
                        b"\xc2\xada\r\nEND:VCARD\r\n")
    for argv in (("repair", str(RESTORE), "--against", str(BACKUP), "--for", "google",
                  "-o", str(tmp_path / "fix.csv")),
                 ("repair", str(damaged), "-o", str(tmp_path / "fixed.vcf"))):
        code, out, _ = run(capsys, *argv, "--format", "json")
        doc = json.loads(out)
        jsonschema.validate(doc, schema)
        assert code == 0 and doc["repair"]["written"] is True
    assert doc["repair"]["repaired"] == [{"kind": "mojibake", "line": 3, "property": "FN"}]


def test_a_copy_with_details_added_after_the_backup_is_merged_not_deleted(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A restored copy that lost the backup's note but holds a number and a note added
    since: the steps must not say to delete it (that would delete data the backup never
    had), but to merge it; a copy that only lost values is still the one to delete."""
    backup = tmp_path / "backup.vcf"
    backup.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:马;云;;;\r\nFN:马云\r\nTEL:+86 138 0013 8000\r\n"
        "NOTE:old note\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nTEL:+44 20 7946 0000\r\n"
        "EMAIL:ada@example.com\r\nEND:VCARD\r\n", encoding="utf-8")
    restored = tmp_path / "restored.vcf"
    restored.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:马;云;;;\r\nFN:马云\r\nTEL:+86 138 0013 8000\r\n"
        "TEL:+86 571 8888 0000\r\nNOTE:new note after backup\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada\r\nTEL:+44 20 7946 0000\r\nEND:VCARD\r\n",
        encoding="utf-8")
    fix = tmp_path / "fix.vcf"
    code, out, _ = run(capsys, "repair", str(restored), "--against", str(backup),
                       "--for", "android", "-o", str(fix))
    assert code == 0
    assert ("came back damaged: lost the note; also has the note, 1 phone number that the "
            "backup does not") in out
    assert "Do not delete the old copy of the 1 contact marked “also has” above" in out
    assert "Delete the old, damaged copy of each other contact listed as damaged" in out
    plan = cg.repair_plan(cg.load(backup), cg.load(restored), target="android")
    assert plan.duplicates == (0, 1) and plan.to_merge == (0,)
    assert [len(i.newer) for i in plan.items] == [2, 0]
    # the card to import is still the backup's as it was
    assert plan.items[0].contact == cg.load(backup)[0]
    code, out, _ = run(capsys, "repair", str(restored), "--against", str(backup),
                       "--for", "android", "-o", str(fix), "--format", "json")
    doc = json.loads(out)
    assert doc["repair"]["merge_after_import"] == [0]
    assert [c["newer"] for c in doc["repair"]["cards"]] == [2, 0]


def test_the_html_page_of_a_repair_does_not_say_ok_above_lost_contacts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """repair exits 0 once its file is written; its page's banner says the file was
    written (or is needed, with --dry-run), not "OK", while contacts are lost."""
    fix = tmp_path / "fix.vcf"
    pages = {}
    for extra in ((), ("--dry-run",)):
        code, page, _ = run(capsys, "repair", str(RESTORE), "--against", str(BACKUP), "-o",
                            str(fix), "--format", "html", *extra)
        assert code == 0
        pages[extra] = page
    assert "<span class=verdict>REPAIR FILE WRITTEN</span>" in pages[()]
    assert "<span class=verdict>REPAIR NEEDED</span>" in pages[("--dry-run",)]
    assert all('class="banner fail"' in p and ">OK<" not in p for p in pages.values())
