"""The ``contactguard`` command line: exit codes, exact output, and that inputs are never
touched.  Most tests call ``main()`` in-process; a few run ``python -m contactguard``."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from contactguard._cli import main

OLD = """\
BEGIN:VCARD
VERSION:3.0
UID:a-1
FN:Ada Lovelace
N:Lovelace;Ada;;;
TEL;TYPE=CELL:+44 20 7946 0001
EMAIL:ada@example.com
END:VCARD
BEGIN:VCARD
VERSION:3.0
UID:b-2
FN:Zhang Wei
N:Zhang;Wei;;;
TEL;TYPE=CELL:+86 138 0013 8000
END:VCARD
BEGIN:VCARD
VERSION:3.0
UID:c-3
FN:Grace Hopper
N:Hopper;Grace;;;
TEL:+1 650 253 0042
END:VCARD
"""
# The same book re-exported as 2.1: Grace lost, one digit of Zhang Wei's number changed.
NEW = """\
BEGIN:VCARD
VERSION:2.1
FN:Ada Lovelace
N:Lovelace;Ada;;;
TEL;CELL:+442079460001
EMAIL:ada@example.com
END:VCARD
BEGIN:VCARD
VERSION:2.1
FN:Zhang Wei
N:Zhang;Wei;;;
TEL;CELL:+86 138 0013 8009
END:VCARD
"""
DAMAGED = ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN;ENCODING=QUOTED-PRINTABLE:Ada=ZZ\r\n"
           "TEL:+44 20 7946 0001\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:2.1\r\nFN:Bob\r\n")

MASK_NOTE = "Phone numbers, emails and names are masked; --show-personal-data shows them.\n"


@pytest.fixture
def book(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding old.vcf, new.vcf and damaged.vcf (the cwd of the test)."""
    (tmp_path / "old.vcf").write_text(OLD, encoding="utf-8")
    (tmp_path / "new.vcf").write_text(NEW, encoding="utf-8")
    (tmp_path / "damaged.vcf").write_bytes(DAMAGED.encode("ascii"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NO_COLOR", raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


# -- exact output and exit codes -------------------------------------------------------------

def test_check_clean_file(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "old.vcf", "--verbose") == (
        0, "OK: contactguard check: 1 file, 3 contacts, no findings\n", "")


def test_check_damaged_file(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "check", "damaged.vcf", "--verbose")
    assert (code, err) == (1, "")
    assert out == (
        "FAIL: contactguard check: 1 file, 2 contacts, 2 findings (2 errors)\n"
        "\n"
        "Findings (2)\n"
        "  damaged.vcf:3: error: bad-quoted-printable: FN: '=' not followed by two hex "
        "digits at byte 3 of the value; kept as written\n"
        "  damaged.vcf:6: error: truncated-card: card has no END (the file ends inside it);"
        " kept what was read\n"
        "\n"
        "Failed (--fail-on error) because:\n"
        "  - 2 error-level findings\n")


def test_check_fail_on_never_passes_damage(book: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "damaged.vcf", "--fail-on", "never", "--quiet")
    assert (code, out) == (0, "OK: contactguard check: 1 file, 2 contacts, 2 findings "
                              "(2 errors)\n")


def test_verify_against_backup(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "verify", "new.vcf", "--against", "old.vcf", "--verbose")
    assert (code, err) == (1, "")
    assert out == (
        "FAIL: contactguard verify: 1 of 3 contacts intact, 1 missing, 1 changed "
        "(1 phone changed), 0 added; no findings\n"
        "\n"
        "new.vcf against old.vcf\n"
        "  missing G. H. (UID c-3), old.vcf line 16: not in new.vcf\n"
        "  changed Z. W. (UID b-2), old.vcf line 9: phone changed: +86138****8000 → "
        "+86138****8009\n"
        "\n"
        "Failed (--fail-on error) because:\n"
        "  - 1 contact missing in new.vcf (against old.vcf)\n"
        "  - 1 contact changed in new.vcf (against old.vcf)\n"
        "\n" + MASK_NOTE)


def test_verify_shows_personal_data_when_asked(book: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "verify", "new.vcf", "--against", "old.vcf",
                    "--show-personal-data", "--verbose")
    assert ("  changed Zhang Wei (UID b-2), old.vcf line 9: phone changed: +8613800138000 → "
            "+8613800138009\n") in out
    assert "masked" not in out


def test_diff(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "old.vcf", "new.vcf")
    assert code == 1
    assert out.splitlines()[:5] == [
        "FAIL: contactguard diff: 1 of 3 contacts intact, 1 missing, 1 changed "
        "(1 phone changed), 0 added; no findings",
        "",
        "old.vcf → new.vcf",
        "  missing G. H. (UID c-3), old.vcf line 16: not in new.vcf",
        "  changed Z. W. (UID b-2), old.vcf line 9: phone changed: +86138****8000 → "
        "+86138****8009",
    ]


def test_diff_identical_is_clean(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "diff", "old.vcf", "old.vcf")
    assert code == 0
    assert out == ("OK: contactguard diff: 3 of 3 contacts intact, 0 missing, 0 changed, "
                   "0 added; no findings\n\nold.vcf → old.vcf: 3 intact\n\n" + MASK_NOTE)


def test_added_contacts_are_a_warning(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "diff", "new.vcf", "old.vcf", "--max-changed", "1")[0] == 0
    code, out, _ = run(capsys, "diff", "new.vcf", "old.vcf", "--max-changed", "1",
                       "--fail-on", "warning")
    assert code == 1
    assert "  - 1 contact added in old.vcf (against new.vcf)\n" in out


@pytest.mark.parametrize(("options", "code"), [
    ((), 1),
    (("--max-missing", "1", "--max-changed", "1"), 0),
    (("--max-missing", "0", "--max-changed", "1"), 1),
    (("--max-missing", "1", "--max-changed", "0"), 1),
    (("--fail-on", "never"), 0),
    (("--fail-on", "never", "--max-missing", "0"), 1),  # a threshold applies at any level
])
def test_thresholds(book: Path, capsys: pytest.CaptureFixture[str], options: tuple[str, ...],
                    code: int) -> None:
    assert run(capsys, "verify", "new.vcf", "--against", "old.vcf", *options)[0] == code


def test_threshold_reason_names_the_option(book: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "verify", "new.vcf", "--against", "old.vcf", "--max-missing", "0",
                    "--max-changed", "5", "--verbose")
    assert "  - 1 contact missing in new.vcf (against old.vcf) (more than --max-missing 0)\n" \
        in out


def test_verify_several_copies_checks_them_against_each_other(
        book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify", "new.vcf", "old.vcf", "--against", "old.vcf",
                       "--verbose")
    assert code == 1
    assert out.startswith("FAIL: contactguard verify: 2 copies verified, 1 with problems; "
                          "1 of 1 pairs of copies differ; no findings\n")
    assert "old.vcf against old.vcf: 3 intact\n" in out
    # each difference once (#16): new.vcf's own check already lists G. H. missing and
    # Z. W. changed, so the pair of copies does not list them again
    assert "\nnew.vcf and old.vcf: 1 intact\n" in out
    assert out.count("G. H. (UID c-3)") == 1 and out.count("Z. W. (UID b-2)") == 1
    assert "between new.vcf and old.vcf" not in out


def test_identical_copies_pass(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (book / "copy.vcf").write_text(OLD, encoding="utf-8")
    code, out, _ = run(capsys, "verify", "old.vcf", "copy.vcf", "--against", "old.vcf", "-q")
    assert (code, out) == (0, "OK: contactguard verify: 2 copies verified, 0 with problems; "
                              "0 of 1 pairs of copies differ; no findings\n")


# -- manifests ---------------------------------------------------------------------------------

def test_manifest_then_verify_with_key_file(book: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "manifest", "old.vcf", "-o", "old.manifest.json",
                         "--key-file", "key")
    assert (code, out) == (0, "OK: contactguard manifest: manifest of 3 contacts written to "
                              "old.manifest.json (hmac-sha256); no findings\n")
    key_text = (book / "key").read_text(encoding="ascii")
    assert re.fullmatch(r"[0-9a-f]{64}\n", key_text)  # made: 32 random bytes, hex
    assert (book / "key").stat().st_mode & 0o777 == 0o600
    key_id = json.loads((book / "old.manifest.json").read_text())["key_id"]
    assert err == (f"contactguard: warning: the manifest's key {key_id} is stored in key: the "
                   "manifest cannot be verified without it, so keep a copy apart from the "
                   "backup\n"
                   "contactguard: wrote the manifest of 3 contacts to old.manifest.json\n")
    assert key_text.strip() not in (book / "old.manifest.json").read_text() + out + err
    (book / "weak").write_bytes(b"s3cret\n")
    code, _, err = run(capsys, "manifest", "old.vcf", "-o", "m2.json", "--key-file", "weak")
    assert code == 2 and "does not hold a key" in err and "s3cret" not in err
    assert run(capsys, "verify", "old.vcf", "--manifest", "old.manifest.json",
               "--key-file", "key", "-q")[0] == 0
    code, out, _ = run(capsys, "verify", "new.vcf", "--manifest", "old.manifest.json",
                       "--key-file", "key", "--verbose")
    assert code == 1
    assert out.startswith("FAIL: contactguard verify: 1 of 3 contacts intact, 1 missing, "
                          "1 changed (1 phone changed), 0 added; no findings\n")
    assert "new.vcf against manifest old.manifest.json\n" in out


def test_manifest_with_key_env(book: Path, capsys: pytest.CaptureFixture[str],
                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CG_KEY", "k")
    code, _, err = run(capsys, "manifest", "old.vcf", "-o", "m.json", "--key-env", "CG_KEY")
    assert (code, err) == (2, "contactguard: error: the passphrase is too short: it has 1 "
                              "characters, and a manifest passphrase needs at least 12 (or let "
                              "contactguard generate a key)\n")
    assert not (book / "m.json").exists()
    monkeypatch.setenv("CG_KEY", "tundra kettle oboe meridian")
    assert run(capsys, "manifest", "old.vcf", "-o", "m.json", "--key-env", "CG_KEY")[0] == 0
    assert run(capsys, "verify", "old.vcf", "--manifest", "m.json", "--key-env", "CG_KEY")[0] == 0
    monkeypatch.setenv("CG_KEY", "tundra kettle oboe meridians")
    code, out, err = run(capsys, "verify", "old.vcf", "--manifest", "m.json",
                         "--key-env", "CG_KEY")
    assert (code, out) == (3, "")  # a wrong key: exit 3, not 2 (#16)
    assert err.startswith("contactguard: error: this is not the manifest's key: the manifest "
                          "was built with key ")
    assert "tundra" not in err
    code, _, err = run(capsys, "verify", "old.vcf", "--manifest", "m.json")
    assert code == 3  # a missing key: exit 3
    assert err == ("contactguard: error: the manifest m.json is keyed: give its key with "
                   "--key-file or --key-env (it was built with a passphrase: give it with "
                   "--key-env)\n")
    monkeypatch.delenv("CG_KEY")
    code, _, err = run(capsys, "verify", "old.vcf", "--manifest", "m.json",
                       "--key-env", "CG_KEY")
    assert code == 3
    assert "CG_KEY" in err


def test_manifest_without_key_generates_and_keeps_one(
        book: Path, capsys: pytest.CaptureFixture[str], key_folder: Path) -> None:
    code, _, err = run(capsys, "manifest", "old.vcf", "-o", "m.json", "-q")
    assert code == 0
    doc = json.loads((book / "m.json").read_text(encoding="utf-8"))
    assert doc["algorithm"] == "hmac-sha256" and doc["schema_version"] == 2
    stored = key_folder / f"{doc['key_id']}.key"
    assert stored.stat().st_mode & 0o777 == 0o600 and key_folder.stat().st_mode & 0o777 == 0o700
    assert f"is stored in {stored}: the manifest cannot be verified without it" in err
    assert run(capsys, "verify", "old.vcf", "--manifest", "m.json", "-q")[0] == 0
    stored.rename(key_folder / "elsewhere.key")
    code, _, err = run(capsys, "verify", "old.vcf", "--manifest", "m.json")
    assert code == 3 and f"none is stored under its key id {doc['key_id']}" in err
    assert run(capsys, "verify", "old.vcf", "--manifest", "m.json", "--key-file",
               str(key_folder / "elsewhere.key"), "-q")[0] == 0


def test_manifest_unkeyed_only_on_request(book: Path, capsys: pytest.CaptureFixture[str]
                                          ) -> None:
    code, _, err = run(capsys, "manifest", "old.vcf", "-o", "m.json", "--unkeyed", "-q")
    assert code == 0 and "unkeyed (integrity only)" in err
    doc = json.loads((book / "m.json").read_text(encoding="utf-8"))
    assert doc["algorithm"] == "salted-sha256" and "key_id" not in doc
    assert doc["source"] is None and all(c["partial"] == {} for c in doc["contacts"])
    code, _, err = run(capsys, "verify", "old.vcf", "--manifest", "m.json", "-q")
    assert code == 0 and "m.json: this manifest is unkeyed (integrity only)" in err
    assert run(capsys, "manifest", "old.vcf", "-o", "n.json", "--unkeyed", "--keep-names",
               "-q")[0] == 0
    assert json.loads((book / "n.json").read_text())["source"] == "old.vcf"
    code, _, err = run(capsys, "manifest", "old.vcf", "-o", "n.json", "--unkeyed",
                       "--key-env", "X")
    assert code == 2 and "not allowed with" in err


@pytest.mark.parametrize("stream", [[], ["--stream"]])
def test_manifest_report_never_over_the_manifest(book: Path, stream: list[str],
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "manifest", "old.vcf", "-o", "M.json", "--report", "M.json",
                       *stream)
    assert code == 2 and "--report and -o/--output name the same file" in err
    assert not (book / "M.json").exists()


def test_stream_manifest_ignores_and_reports_a_stale_temporary_file(
        book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = book / ".M.json.k1ll3d.entries"
    stale.write_text('{"index": 0}\n', encoding="utf-8")
    code, out, _ = run(capsys, "manifest", "old.vcf", "-o", "M.json", "--stream",
                       "--format", "json")
    assert code == 0
    (finding,) = json.loads(out)["findings"]
    assert finding["kind"] == "stale-temporary-file"
    assert json.loads((book / "M.json").read_text())["contact_count"] == 3
    assert stale.exists()  # ignored, not read and not removed behind the user's back
    assert sorted(p.name for p in book.glob(".M.json.*")) == [stale.name]


def test_manifest_never_over_an_input(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (book / "old.vcf").read_bytes()
    code, out, err = run(capsys, "manifest", "old.vcf", "-o", "old.vcf")
    assert (code, out) == (2, "")
    assert err == ("contactguard: error: refusing to write the manifest to old.vcf: it is an "
                   "input (old.vcf); choose another path\n")
    assert (book / "old.vcf").read_bytes() == before


# -- bad usage and unreadable input: exit 2, one sentence, no traceback -------------------------

@pytest.mark.parametrize(("argv", "message"), [
    ([], "the following arguments are required: COMMAND"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["check"], "the following arguments are required: FILE"),
    (["check", "old.vcf", "--format", "pdf"], "invalid choice: 'pdf'"),
    (["verify", "new.vcf"], "one of the arguments --manifest --against is required"),
    (["verify", "new.vcf", "--against", "old.vcf", "--manifest", "m"], "not allowed with"),
    (["verify", "new.vcf", "--against", "old.vcf", "--max-missing", "-1"],
     "expected 0 or more"),
    (["check", "old.vcf", "--max-age", "soon"], "cannot read the duration 'soon'"),
    (["check", "old.vcf", "--region", "XX"], "unknown region code 'XX'"),
    (["check", "old.vcf", "--encoding", "klingon"], "unknown text encoding 'klingon'"),
    (["check", "missing.vcf"], "cannot read missing.vcf: No such file or directory"),
    (["verify", "new.vcf", "--manifest", "missing.json"], "cannot read manifest missing.json"),
    (["verify", "new.vcf", "--manifest", "old.vcf"], "not a manifest"),
    (["verify", "new.vcf", "--against", "old.vcf", "--key-env", "X"], "go with --manifest"),
])
def test_usage_errors(book: Path, capsys: pytest.CaptureFixture[str], argv: list[str],
                      message: str) -> None:
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err.startswith("contactguard: error: ")
    assert message in err
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_help_documents_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["verify", "--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    for text in ("exit status:", "0  clean", "1  problems", "2  bad usage or unreadable input",
                 "--max-age AGE", "--show-personal-data", "--key-env VAR"):
        assert text in out


# -- --output ----------------------------------------------------------------------------------

def test_output_writes_the_report_and_prints_the_summary(
        book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "verify", "new.vcf", "--against", "old.vcf", "--format", "json",
                       "--output", "report.json")
    assert code == 1
    assert out == ("FAIL: contactguard verify: 1 of 3 contacts intact, 1 missing, 1 changed "
                   "(1 phone changed), 0 added; no findings\n"
                   "  - 1 contact missing in new.vcf (against old.vcf)\n"
                   "  - 1 contact changed in new.vcf (against old.vcf)\n")
    assert (book / "report.json").read_text(encoding="utf-8").startswith("{\n")
    assert not [p.name for p in book.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("target", ["old.vcf", "./new.vcf", "folder/a.vcf"])
def test_output_refuses_an_input(book: Path, capsys: pytest.CaptureFixture[str],
                                 target: str) -> None:
    (book / "folder").mkdir()
    (book / "folder" / "a.vcf").write_text(OLD, encoding="utf-8")
    before = {p: p.read_bytes() for p in book.rglob("*.vcf")}
    code, out, err = run(capsys, "verify", "new.vcf", "folder", "--against", "old.vcf",
                         "--output", target)
    assert (code, out) == (2, "")
    assert err.startswith(f"contactguard: error: refusing to write the report to {target}: "
                          "it is an input")
    assert {p: p.read_bytes() for p in book.rglob("*.vcf")} == before


# -- inputs are never touched ------------------------------------------------------------------

@pytest.mark.parametrize("argv", [
    ["check", "old.vcf", "new.vcf", "damaged.vcf"],
    ["diff", "old.vcf", "new.vcf", "--format", "html", "--output", "r.html"],
    ["verify", "new.vcf", "damaged.vcf", "--against", "old.vcf", "--format", "junit"],
    ["manifest", "old.vcf", "-o", "m.json", "--format", "markdown"],
    ["dupes", "old.vcf", "--format", "json"],
    ["check", "missing.vcf", "old.vcf"],
])
def test_inputs_unchanged(book: Path, capsys: pytest.CaptureFixture[str],
                          argv: list[str]) -> None:
    if argv[0] == "dupes":
        pytest.importorskip("contactguard._duplicates")
    old_time = time.time() - 86400
    for p in book.glob("*.vcf"):
        os.utime(p, (old_time, old_time))
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in book.glob("*.vcf")}
    run(capsys, *argv)
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in book.glob("*.vcf")}
    assert after == before


# -- --max-age ---------------------------------------------------------------------------------

def _age(path: Path, days: float) -> None:
    t = time.time() - days * 86400
    os.utime(path, (t, t))


def test_max_age(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _age(book / "old.vcf", 40)
    code, out, _ = run(capsys, "check", "old.vcf", "--max-age", "31d", "--verbose")
    assert code == 1
    assert out.splitlines()[0] == "FAIL: contactguard check: 1 file, 3 contacts, no findings"
    assert ("  - the newest backup is 40 days old, older than the allowed 31 days "
            "(--max-age 31d)\n") in out
    assert run(capsys, "check", "old.vcf", "--max-age", "6w")[0] == 0
    assert run(capsys, "check", "old.vcf", "--max-age", "12h")[0] == 1
    # The newest input counts: a fresh copy next to the stale one passes.
    assert run(capsys, "verify", "old.vcf", "new.vcf", "--against", "old.vcf",
               "--max-age", "31d", "--max-changed", "9", "--max-missing", "9")[0] == 0


def test_max_age_uses_the_newest_file_in_a_folder(book: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    folder = book / "nightly"
    folder.mkdir()
    for n, days in enumerate((90, 60, 3)):
        (folder / f"{n}.vcf").write_text(OLD, encoding="utf-8")
        _age(folder / f"{n}.vcf", days)
    assert run(capsys, "check", "nightly", "--max-age", "7d", "--fail-on", "never")[0] == 0
    _age(folder / "2.vcf", 30)
    assert run(capsys, "check", "nightly", "--max-age", "7d", "--fail-on", "never")[0] == 1


# -- dupes -------------------------------------------------------------------------------------

def test_dupes(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("contactguard._duplicates")
    (book / "dupes.vcf").write_text(
        OLD + "BEGIN:VCARD\nVERSION:3.0\nN:张;伟;;;\nTEL:+86 138-0013-8000\nEND:VCARD\n",
        encoding="utf-8")
    code, out, _ = run(capsys, "dupes", "dupes.vcf", "--write-merged", "merged.vcf")
    assert code == 0
    assert out.splitlines()[0] == ("OK: contactguard dupes: 1 duplicate group (2 contacts) "
                                   "among 4 contacts; no findings")
    assert "  1. Z. W. (UID b-2) line 9, 张* (contact #4, line 23) (confidence 100%)\n" in out
    assert "     - #2 and #4: names agree when romanized (pinyin), same phone number\n" in out
    assert (book / "merged.vcf").read_text(encoding="utf-8").count("BEGIN:VCARD") == 3
    code, _, err = run(capsys, "dupes", "dupes.vcf", "--write-merged", "dupes.vcf")
    assert code == 2
    assert "refusing to write the merged book to dupes.vcf" in err


# -- colour ------------------------------------------------------------------------------------

def test_no_colour_when_not_a_terminal(book: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, err = run(capsys, "verify", "new.vcf", "--against", "old.vcf")
    assert "\x1b[" not in out + err


# -- as a program ------------------------------------------------------------------------------

def _program(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "contactguard", *argv],
                          cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=60,
                          check=False)


def test_python_m_clean_and_damaged(book: Path) -> None:
    done = _program(book, "check", "old.vcf", "--verbose")
    assert (done.returncode, done.stdout, done.stderr) == (
        0, "OK: contactguard check: 1 file, 3 contacts, no findings\n", "")
    done = _program(book, "verify", "new.vcf", "--against", "old.vcf", "--quiet")
    assert (done.returncode, done.stderr) == (1, "")
    # -q keeps the summary line and, since the job failed, why (#16)
    assert done.stdout == ("FAIL: contactguard verify: 1 of 3 contacts intact, 1 missing, "
                           "1 changed (1 phone changed), 0 added; no findings\n"
                           "  - 1 contact missing in new.vcf (against old.vcf)\n"
                           "  - 1 contact changed in new.vcf (against old.vcf)\n")


def test_python_m_unreadable(book: Path) -> None:
    (book / "folder.vcf").mkdir()
    done = _program(book, "diff", "old.vcf", "nowhere.vcf")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == ("contactguard: error: cannot read nowhere.vcf: No such file or "
                           "directory\n")


EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.skipif(not (EXAMPLES / "backup-iphone.vcf").exists(), reason="no examples")
def test_quick_start_main_job(capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    code, out, err = run(capsys, "verify", "restore-android.vcf", "--against",
                         "backup-iphone.vcf")
    assert (code, err) == (1, "")
    # the person's report (#15): one sentence, the contacts in words, the next step last
    lines = out.splitlines()
    assert lines[0] == ("2 of 40 contacts did not come back and 4 came back damaged. To fix "
                        "it, make a repair file and import it — steps below.")
    assert out.count("did not come back") == 3 and out.count("came back damaged") == 5
    assert lines[-1].startswith("Next step: make the repair file for your phone: "
                                "contactguard repair restore-android.vcf --against "
                                "backup-iphone.vcf --for android -o fix.vcf")
    assert "U+FFFD" not in out and "bad-quoted-printable" not in out
    code, out, err = run(capsys, "verify", "restore-android.vcf", "--against",
                         "backup-iphone.vcf", "--verbose")
    assert (code, err) == (1, "")
    assert out.splitlines()[0] == (
        "FAIL: contactguard verify: 34 of 40 contacts intact, 2 missing, 4 changed "
        "(1 date lost, 1 email lost, 1 name changed, 1 phone changed, 3 phone lost, "
        "1 photo lost), 0 added; 4 findings (4 errors)")
    assert out.count("\n  missing ") == 2
    assert "photo lost" in out
    assert "truncated-card" in out
    assert "bad-quoted-printable" in out


def test_stream_manifest_and_verify_match_the_loaded_ones(tmp_path: Path) -> None:
    """--stream: same manifest bytes apart from salt/time, same verdicts, counts intact."""
    import json as _json

    backup, restore = tmp_path / "b.vcf", tmp_path / "r.vcf"
    shutil.copy(EXAMPLES / "backup-iphone.vcf", backup)
    shutil.copy(EXAMPLES / "restore-android.vcf", restore)
    streamed, loaded = tmp_path / "s.json", tmp_path / "l.json"
    assert main(["manifest", str(backup), "-o", str(streamed), "--stream", "-q"]) == 0
    assert main(["manifest", str(backup), "-o", str(loaded), "-q"]) == 0
    a, b = _json.loads(streamed.read_text()), _json.loads(loaded.read_text())
    assert [sorted(c["partial"]) for c in a["contacts"]] == [
        sorted(c["partial"]) for c in b["contacts"]]
    out_s, out_l = tmp_path / "vs.json", tmp_path / "vl.json"
    assert main(["verify", str(restore), "--manifest", str(streamed), "--stream",
                 "--format", "json", "--output", str(out_s), "-q"]) == 1
    assert main(["verify", str(restore), "--manifest", str(streamed),
                 "--format", "json", "--output", str(out_l), "-q"]) == 1
    rs, rl = (_json.loads(p.read_text())["comparisons"][0] for p in (out_s, out_l))
    assert rs["counts"] == rl["counts"]
    assert sorted(r["label"] for r in rs["contacts"]) == sorted(
        r["label"] for r in rl["contacts"] if r["status"] != "intact")
    assert main(["verify", str(restore), "--against", str(backup), "--stream", "-q"]) == 2
