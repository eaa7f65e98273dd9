"""Report documents and their renderers: schema, determinism, JUnit counts, HTML safety,
masking.  Inputs are generated books (tests/books.py) and small literal vCards."""

from __future__ import annotations

import datetime
import json
import random
import re
import xml.etree.ElementTree as ET
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from books import android_export, change_one_digit, ios_backup, make_people
from contactguard import check, diff, loads
from contactguard._cli import main
from contactguard._report import (
    FORMATS,
    assess,
    check_report,
    diff_report,
    parse_duration,
    render,
    render_text,
)
from contactguard._report.markdown import md

SCHEMA = json.loads(resources.files("contactguard").joinpath("report.schema.json")
                    .read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)

EVIL = "<script>alert(1)</script>"
# Every field a contact can bring into a report carries markup: names, UID (label), org,
# note, email, address, and a second card for duplicates.
EVIL_CARD = f"""\
BEGIN:VCARD
VERSION:3.0
UID:{EVIL}
FN:{EVIL}
N:{EVIL};{EVIL};;;
ORG:{EVIL}
NOTE:{EVIL}
EMAIL:x{EVIL}@example.com
ADR:;;{EVIL};;;;
TEL:+44 20 7946 0123
BDAY:{EVIL}
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:{EVIL}
N:{EVIL};{EVIL};;;
TEL:+44 20 7946 0123
END:VCARD
"""
EVIL_CHANGED = EVIL_CARD.replace("NOTE:<script>", "NOTE:<script>x").replace(
    "0123\nEND:VCARD\nBEGIN", "0124\nEND:VCARD\nBEGIN", 1).replace(
    "FN:<script>alert(1)</script>\nN:", "FN:<script>alert(2)</script>\nN:", 1)


@pytest.fixture(scope="module")
def books(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """backup.vcf (iOS 3.0, 60 people), restore.vcf (Android 2.1: 2 lost, 1 digit changed),
    evil.vcf/evil2.vcf (markup everywhere), a keyed manifest and its key."""
    root = tmp_path_factory.mktemp("books")
    people = make_people(60, seed=11, photo_share=0.1)
    rnd = random.Random(5)
    restored = [p for p in people if p.key not in {3, 40}]
    restored[10] = change_one_digit(restored[10], rnd)
    (root / "backup.vcf").write_text(ios_backup(people), encoding="utf-8", newline="")
    (root / "restore.vcf").write_text(android_export(restored) + "BEGIN:VCARD\r\nVERSION:2.1\r\n"
                                      "FN:Cut Off\r\n", encoding="utf-8", newline="")
    (root / "evil.vcf").write_text(EVIL_CARD, encoding="utf-8")
    (root / "evil2.vcf").write_text(EVIL_CHANGED, encoding="utf-8")
    # no key file yet: ``manifest --key-file`` makes one (32 random bytes, mode 0600)
    assert main(["manifest", str(root / "backup.vcf"), "-o", str(root / "m.json"),
                 "--key-file", str(root / "key"), "-q"]) == 0
    return root


def commands(root: Path) -> dict[str, list[str]]:
    r = str(root)
    return {
        "check": ["check", f"{r}/backup.vcf", f"{r}/restore.vcf"],
        "diff": ["diff", f"{r}/backup.vcf", f"{r}/restore.vcf"],
        "verify-against": ["verify", f"{r}/restore.vcf", "--against", f"{r}/backup.vcf"],
        "verify-copies": ["verify", f"{r}/restore.vcf", f"{r}/backup.vcf", "--against",
                          f"{r}/backup.vcf"],
        "verify-manifest": ["verify", f"{r}/restore.vcf", "--manifest", f"{r}/m.json",
                            "--key-file", f"{r}/key"],
        "manifest": ["manifest", f"{r}/backup.vcf", "-o", f"{r}/m2.json"],
        "dupes": ["dupes", f"{r}/evil.vcf"],
        "evil-diff": ["diff", f"{r}/evil.vcf", f"{r}/evil2.vcf"],
        "evil-verify": ["verify", f"{r}/evil2.vcf", f"{r}/evil.vcf", "--against",
                        f"{r}/evil.vcf"],
        "evil-check": ["check", f"{r}/evil.vcf"],
    }


COMMANDS = list(commands(Path("x")))


def output(capsys: pytest.CaptureFixture[str], argv: list[str], *extra: str) -> tuple[int, str]:
    if argv[0] == "dupes":
        pytest.importorskip("contactguard._duplicates")
    code = main([*argv, *extra])
    out, err = capsys.readouterr()
    assert code in {0, 1}, err
    return code, out


@pytest.mark.parametrize("name", COMMANDS)
def test_json_validates_against_the_schema(books: Path, capsys: pytest.CaptureFixture[str],
                                           name: str) -> None:
    argv = commands(books)[name]
    # each command takes only its own options: thresholds where contacts are compared,
    # --max-age where a backup's age means something (#16)
    extra = (["--max-added", "3"] if argv[0] in {"diff", "verify"} else []) + (
        ["--max-age", "1d"] if argv[0] in {"check", "diff", "verify"} else [])
    code, out = output(capsys, argv, "--format", "json", "--timestamp", *extra)
    doc = json.loads(out)
    VALIDATOR.validate(doc)
    assert doc["schema_version"] == 1
    assert doc["gate"]["failed"] is (code == 1)
    datetime.datetime.fromisoformat(doc["created"])


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", ["verify-copies", "check", "dupes"])
def test_two_runs_give_the_same_bytes(books: Path, capsys: pytest.CaptureFixture[str],
                                      fmt: str, name: str) -> None:
    first = output(capsys, commands(books)[name], "--format", fmt)
    second = output(capsys, commands(books)[name], "--format", fmt)
    assert first == second
    assert "created" not in first[1]


def test_json_keys_sorted_and_paths_as_given(books: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    _, out = output(capsys, commands(books)["diff"], "--format", "json")
    assert out == json.dumps(json.loads(out), indent=2, sort_keys=True,
                             ensure_ascii=False) + "\n"
    doc = json.loads(out)
    assert [i["path"] for i in doc["inputs"]] == [f"{books}/backup.vcf",
                                                   f"{books}/restore.vcf"]


# -- JUnit -----------------------------------------------------------------------------------

def _junit(out: str) -> ET.Element:
    root = ET.fromstring(out.encode("utf-8"))  # noqa: S314 - our own output, under test
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    cases = suite.findall("testcase")
    failures = [c for c in cases if c.find("failure") is not None]
    for el in (root, suite):
        assert el.get("tests") == str(len(cases))
        assert el.get("failures") == str(len(failures))
        assert el.get("errors") == "0"
    for case in cases:
        assert case.get("name") and case.get("classname")
        for failure in case.findall("failure"):
            assert failure.get("message")
    return suite


def test_junit_verify_counts(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = output(capsys, commands(books)["verify-against"], "--format", "junit")
    assert code == 1
    suite = _junit(out)
    doc = json.loads(output(capsys, commands(books)["verify-against"], "--format", "json")[1])
    counts = doc["comparisons"][0]["counts"]
    # one case per input read, one per reference contact, one per added contact
    assert int(suite.get("tests", "")) == 1 + counts["reference"] + counts["added"]
    # the restore is cut off (error finding), and missing + changed contacts fail
    assert int(suite.get("failures", "")) == 1 + counts["missing"] + counts["changed"]
    kinds = sorted(f.get("type", "") for f in suite.iter("failure"))
    assert kinds.count("missing") == counts["missing"] == 2
    assert kinds.count("changed") == counts["changed"]
    assert kinds.count("finding") == 1


def test_junit_follows_the_gate(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = output(capsys, commands(books)["verify-against"], "--format", "junit",
                       "--fail-on", "never", "--max-missing", "5", "--max-changed", "5")
    assert code == 0
    assert _junit(out).get("failures") == "0"


def test_junit_clean_check_and_age_case(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = output(capsys, ["check", f"{books}/backup.vcf"], "--format", "junit",
                       "--max-age", "1d")
    assert code == 0
    suite = _junit(out)
    assert [c.get("name") for c in suite.findall("testcase")] == [
        f"{books}/backup.vcf reads cleanly", "newest backup is at most 1d old"]


def test_junit_survives_control_characters(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Bad\x01\x1bName\n"
                                    "TEL:+44 20 7946 0999\nEND:VCARD\n", encoding="utf-8")
    (tmp_path / "b.vcf").write_text("", encoding="utf-8")
    _, out = output(capsys, ["diff", f"{tmp_path}/a.vcf", f"{tmp_path}/b.vcf"],
                    "--format", "junit", "--show-personal-data")
    assert "Bad\\x01\\x1bName" in out
    _junit(out)


# -- HTML ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["evil-diff", "evil-verify", "evil-check", "dupes"])
@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_markup_from_contacts_is_escaped(books: Path, capsys: pytest.CaptureFixture[str],
                                         name: str, fmt: str) -> None:
    _, out = output(capsys, commands(books)[name], "--format", fmt, "--show-personal-data")
    assert "<script" not in out.lower()
    assert "&lt;script&gt;" in out
    if fmt == "html":
        assert not re.search(r"https?:|ftp:|//[a-z0-9]", out, re.IGNORECASE)
        assert not re.search(r"\b(src|href|action)\s*=", out, re.IGNORECASE)
        assert "<link" not in out and "@import" not in out and "url(" not in out


def test_html_is_one_page_summary_first(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out = output(capsys, commands(books)["verify-copies"], "--format", "html")
    assert out.startswith("<!DOCTYPE html>")
    assert out.count("<html") == 1 and out.rstrip().endswith("</html>")
    assert "<style>" in out and "<script" not in out
    assert "Content-Security-Policy" in out
    assert out.index("class=verdict") < out.index("<h2>Summary</h2>") < out.index("Findings")


# -- masking -----------------------------------------------------------------------------------

def _personal(root: Path) -> tuple[list[str], list[str]]:
    snap = loads((root / "backup.vcf").read_text(encoding="utf-8"))
    phones = [re.sub(r"\D", "", p) for c in snap for p in c.phones]
    emails = [e for c in snap for e in c.emails]
    return phones, emails


@pytest.mark.parametrize("fmt", list(FORMATS))
@pytest.mark.parametrize("name", ["diff", "verify-against", "verify-copies", "verify-manifest"])
def test_masked_by_default(books: Path, capsys: pytest.CaptureFixture[str], fmt: str,
                           name: str) -> None:
    phones, emails = _personal(books)
    _, out = output(capsys, commands(books)[name], "--format", fmt)
    digits = re.sub(r"\D", "", out)
    text = out
    assert not [p for p in phones if p in digits and len(p) >= 9 and p in
                re.sub(r"[^\d\n]", "", text).replace("\n", " ").split()]
    assert not [e for e in emails if e in out]
    assert not [p for p in phones if p in re.sub(r"[ \-()]", "", out)]


def test_personal_data_shown_when_asked(books: Path, capsys: pytest.CaptureFixture[str]) -> None:
    d = diff(loads((books / "backup.vcf").read_text(encoding="utf-8")),
             loads((books / "restore.vcf").read_text(encoding="utf-8")))
    changed = next(c for c in d.changed if any(f.field == "phone" for f in c.changes))
    before = next(f.before for f in changed.changes if f.field == "phone")
    assert before is not None
    for fmt in FORMATS:
        _, out = output(capsys, commands(books)["diff"], "--format", fmt,
                        "--show-personal-data")
        assert before in out, fmt
        _, out = output(capsys, commands(books)["diff"], "--format", fmt)
        assert before not in out, fmt


def test_suggestions_and_quoted_text_masked() -> None:
    snap = check(loads("BEGIN:VCARD\nVERSION:3.0\nFN:JosÃ© Smith\nBDAY:31/31/1980\n"
                       "EMAIL:bob..x@example.com\nEND:VCARD\n"))
    doc = check_report([snap])
    text = json.dumps(doc, ensure_ascii=False)
    assert "José" not in text and "31/31/1980" not in text and "bob..x" not in text
    assert any(f["suggestion"] and f["suggestion"].startswith("[") for f in doc["findings"])
    shown = json.dumps(check_report([snap], show_personal_data=True), ensure_ascii=False)
    assert "José" in shown


# -- gate, durations, text ---------------------------------------------------------------------

def _doc() -> dict[str, Any]:
    old = loads("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nTEL:+44 20 7946 0001\nEND:VCARD\n"
                "BEGIN:VCARD\nVERSION:3.0\nFN:Bob\nTEL:+44 20 7946 0002\nEND:VCARD\n")
    new = loads("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nTEL:+44 20 7946 0001\nEND:VCARD\n"
                "BEGIN:VCARD\nVERSION:3.0\nFN:Cy\nTEL:+1 650 253 0042\nEND:VCARD\n")
    return diff_report(diff(old, new))


@pytest.mark.parametrize(("kwargs", "reasons"), [
    ({}, ["1 contact missing in <data> (against <data>)"]),
    ({"fail_on": "warning"}, ["1 contact missing in <data> (against <data>)",
                              "1 contact added in <data> (against <data>)"]),
    ({"fail_on": "never"}, []),
    ({"max_missing": 1}, []),
    ({"max_missing": 0, "fail_on": "never"},
     ["1 contact missing in <data> (against <data>) (more than --max-missing 0)"]),
    ({"max_added": 0}, ["1 contact missing in <data> (against <data>)",
                        "1 contact added in <data> (against <data>) (more than --max-added 0)"]),
    ({"stale": "too old", "fail_on": "never"}, ["too old"]),
])
def test_assess(kwargs: dict[str, Any], reasons: list[str]) -> None:
    gate = assess(_doc(), **kwargs)
    assert gate["reasons"] == reasons
    assert gate["failed"] is bool(reasons)


@pytest.mark.parametrize(("text", "seconds"), [
    ("12h", 43200), ("31d", 31 * 86400), ("6w", 42 * 86400), (" 90 m ", 5400), ("5s", 5)])
def test_parse_duration(text: str, seconds: int) -> None:
    assert parse_duration(text).total_seconds() == seconds


@pytest.mark.parametrize("text", ["", "31", "d", "1y", "-3d", "1.5h"])
def test_parse_duration_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="duration"):
        parse_duration(text)


def test_text_colour_only_when_asked() -> None:
    doc = _doc()
    doc["gate"] = assess(doc)
    plain, coloured = render_text(doc), render_text(doc, color=True)
    assert "\x1b[" not in plain
    assert coloured.startswith("\x1b[31;1mFAIL\x1b[0m: contactguard diff: ")
    assert re.sub(r"\x1b\[[\d;]*m", "", coloured) == plain


def test_text_escapes_terminal_control_sequences() -> None:
    snap = loads("BEGIN:VCARD\nVERSION:3.0\nFN:Eve\x1b[2J\nTEL:+44 20 7946 0003\nEND:VCARD\n")
    out = render_text(diff_report(diff(snap, loads("")), show_personal_data=True))
    assert "\x1b" not in out
    assert "Eve\\x1b[2J" in out


def test_markdown_escaping() -> None:
    assert md("a|b*c_[d](e) <b>&") == "a\\|b\\*c\\_\\[d\\](e) &lt;b&gt;&amp;"


def test_render_rejects_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown report format 'pdf'"):
        render(_doc(), "pdf")
