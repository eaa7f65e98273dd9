"""The command line fits the tools people use (#16): per-command options, one meaning
for -o/--output, exit codes (restic's, with 3 for keys), the reason also with -q,
--select/--ignore/--severity and a config file, '-' for stdin and stdout, colour,
progress, completion, and the github and jsonl formats.  Exact output throughout."""

from __future__ import annotations

import importlib
import io
import json
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from contactguard._cli import main
from contactguard._cli.main import build_parser
from contactguard._cli.output import use_colour
from contactguard._cli.progress import Progress
from contactguard._core import fork_workers, runtime
from contactguard._duplicates import clustering

CARD = "BEGIN:VCARD\nVERSION:3.0\nUID:u-{n}\nFN:Person {n}\nTEL:+44 20 7946 000{n}\nEND:VCARD\n"
MOJIBAKE = "BEGIN:VCARD\nVERSION:3.0\nUID:m-1\nFN:CafÃ©\nEND:VCARD\n"


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for n in range(1, 4):
        (tmp_path / f"{n}.vcf").write_text(CARD.format(n=n), encoding="utf-8")
    (tmp_path / "moji.vcf").write_text(MOJIBAKE, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for var in ("NO_COLOR", "FORCE_COLOR"):
        monkeypatch.delenv(var, raising=False)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["--isolated", *argv])
    out, err = capsys.readouterr()
    return code, out, err


# -- exit codes and reasons --------------------------------------------------------------------

def test_a_corrupt_zip_is_unreadable_input_exit_2(folder: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    code, out, err = run(capsys, "check", "bad.zip", "-q")
    assert code == 2
    assert out == ("FAIL: contactguard check: 0 files, 0 contacts, 2 findings (2 errors)\n"
                   "  - 2 error-level findings\n")
    assert err == ("contactguard: error: cannot read bad.zip: archive cannot be opened: "
                   "File is not a zip file\n")


def test_a_zip_counts_its_members_as_files(folder: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    with zipfile.ZipFile(folder / "all.zip", "w") as z:
        for n in range(1, 4):
            z.write(folder / f"{n}.vcf", f"{n}.vcf")
    assert run(capsys, "check", "all.zip", "-q") == (
        0, "OK: contactguard check: 3 files, 3 contacts, no findings\n", "")


def test_quiet_still_says_why(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "moji.vcf", "-q")
    assert (code, out) == (1, "FAIL: contactguard check: 1 file, 1 contact, 1 finding "
                              "(1 error)\n  - 1 error-level finding\n")


def test_max_age_names_itself_not_the_fail_level(folder: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "1.vcf", "--max-age", "0s", "--verbose")
    assert code == 1
    assert "\nFailed because:\n  - the newest backup is " in out
    assert out.endswith("older than the allowed 0 seconds (--max-age 0s)\n")
    assert "--fail-on" not in out


def test_manifest_written_exits_0_with_findings(folder: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "manifest", ".", "-o", "../m.json", "--unkeyed")
    assert code == 0
    assert out.startswith("OK: contactguard manifest: manifest of 4 contacts written to "
                          "../m.json (salted-sha256); 1 finding (1 error)\n")
    assert err.endswith("contactguard: wrote the manifest of 4 contacts to ../m.json\n")
    assert run(capsys, "manifest", ".", "-o", "../m.json", "--unkeyed", "--fail-on",
               "error", "-q")[0] == 1


def test_a_missing_key_file_exits_3(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "manifest", "1.vcf", "-o", "../m.json", "--unkeyed", "-q")[0] == 0
    code, out, err = run(capsys, "verify", "1.vcf", "--manifest", "../m.json",
                         "--key-file", "nowhere.key")
    assert (code, out, err) == (3, "", "contactguard: error: cannot read the key file "
                                       "nowhere.key: no such file\n")


# -- options per command, -o/--output ----------------------------------------------------------

@pytest.mark.parametrize(("command", "absent", "present"), [
    ("check", ["--max-missing", "--max-changed", "--max-added", "--stream", "--key-file"],
     ["--max-age", "--select", "--output"]),
    ("manifest", ["--max-missing", "--max-age", "--against"], ["--report", "--unkeyed"]),
    ("dupes", ["--max-missing", "--max-age", "--key-file"], ["--write-merged", "--ignore"]),
    ("diff", ["--stream", "--key-file"], ["--max-missing", "--max-age"]),
    ("verify", ["--write-merged", "--unkeyed"], ["--max-missing", "--key-env", "--stream"]),
])
def test_each_command_lists_only_its_options(command: str, absent: list[str],
                                             present: list[str]) -> None:
    sub = next(a for a in build_parser()._actions if a.dest == "command")
    parser = sub.choices[command]  # type: ignore[index]
    text = parser.format_help()
    options = {o for a in parser._actions for o in a.option_strings}
    assert not set(absent) & options
    assert set(present) <= options
    assert "examples:\n  contactguard " + command in text
    assert "  3  a missing or wrong key" in text


def test_an_option_of_another_command_is_bad_usage(folder: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "1.vcf", "--max-missing", "1") == (
        2, "", "contactguard: error: unrecognized arguments: --max-missing 1 "
               "(see 'contactguard --help')\n")


def test_manifest_output_is_the_manifest_and_report_the_report(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "manifest", "1.vcf", "--output", "../m.json", "--unkeyed",
                         "--report", "../r.json", "--format", "json")
    assert code == 0
    assert json.loads((folder.parent / "m.json").read_text())["format"] == "contactguard-manifest"
    assert json.loads((folder.parent / "r.json").read_text())["command"] == "manifest"
    assert out == ("OK: contactguard manifest: manifest of 1 contact written to ../m.json "
                   "(salted-sha256); no findings\n")
    assert err.splitlines()[1:] == ["contactguard: wrote the manifest of 1 contact to ../m.json",
                                    "contactguard: wrote the json report to ../r.json"]


def test_unwritable_output_is_one_plain_sentence(folder: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "1.vcf", "-o", "/nonexistent/dir/x.txt") == (
        2, "", "contactguard: error: cannot write the report to /nonexistent/dir/x.txt: "
               "the folder /nonexistent/dir does not exist\n")
    assert run(capsys, "manifest", "1.vcf", "-o", "nowhere/m.json", "--unkeyed")[::2] == (
        2, "contactguard: error: cannot write the manifest to nowhere/m.json: the folder "
           "nowhere does not exist\n")


def test_dupes_confirms_the_merged_book(folder: Path, capsys: pytest.CaptureFixture[str]
                                        ) -> None:
    (folder / "twice.vcf").write_text(CARD.format(n=1) + CARD.format(n=1).replace("u-1", "u-9")
                                      + CARD.format(n=2), encoding="utf-8")
    code, out, err = run(capsys, "dupes", "twice.vcf", "--write-merged", "../merged.vcf", "-q")
    assert code == 0 and out.startswith("OK: contactguard dupes: 1 duplicate group")
    assert err == ""  # -q: no confirmations
    code, _, err = run(capsys, "dupes", "twice.vcf", "--write-merged", "../merged.vcf")
    assert err == ("contactguard: wrote the merged book to ../merged.vcf (1 group of "
                   "2 contacts merged, 2 contacts in all)\n")
    assert (folder.parent / "merged.vcf").read_text().count("BEGIN:VCARD") == 2


# -- finding kinds: --select, --ignore, --severity, and the config file -------------------------

def test_ignore_select_and_severity(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "moji.vcf", "--ignore", "mojibake", "-q") == (
        0, "OK: contactguard check: 1 file, 1 contact, no findings\n", "")
    assert run(capsys, "check", "moji.vcf", "--select", "bad-image", "-q")[0] == 0
    assert run(capsys, "check", "moji.vcf", "--select", "mojibake", "-q")[0] == 1
    assert run(capsys, "check", "moji.vcf", "--severity", "mojibake=warning", "-q") == (
        0, "OK: contactguard check: 1 file, 1 contact, 1 finding (1 warning)\n", "")
    out = run(capsys, "check", "moji.vcf", "--severity", "mojibake=warning",
              "--format", "json")[1]
    assert [f["severity"] for f in json.loads(out)["findings"]] == ["warning"]
    assert run(capsys, "check", "moji.vcf", "--ignore", "mojibak") == (
        2, "", "contactguard: error: --ignore: unknown finding kind 'mojibak'; did you mean "
               "'mojibake'? ('contactguard config --kinds' lists them)\n")
    assert run(capsys, "check", "moji.vcf", "--severity", "mojibake")[2] == (
        "contactguard: error: --severity: expected KIND=error|warning|info, not 'mojibake'\n")


def test_pyproject_config_is_the_default_and_the_command_line_wins(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.contactguard]\nfail-on = "never"\n'
        'severity = {mojibake = "info"}\nformat = "jsonl"\n', encoding="utf-8")
    sub = folder / "sub"
    sub.mkdir()
    monkeypatch.chdir(sub)  # found in a folder above, as ruff finds [tool.ruff]
    code = main(["check", "../moji.vcf"])
    out, _ = capsys.readouterr()
    assert code == 0
    assert json.loads(out.splitlines()[0])["severity"] == "info"
    assert main(["check", "../moji.vcf", "--format", "text", "-q", "--fail-on", "warning",
                 "--severity", "mojibake=error"]) == 1
    capsys.readouterr()
    assert main(["config"]) == 0
    assert capsys.readouterr().out == (f"configuration file: {folder / 'pyproject.toml'}\n"
                                       "fail-on = 'never'\nformat = 'jsonl'\n"
                                       "severity = {'mojibake': 'info'}\n")
    assert main(["--isolated", "check", "../moji.vcf", "-q"]) == 1
    capsys.readouterr()


def test_contactguard_toml_wins_and_bad_settings_are_bad_usage(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "pyproject.toml").write_text('[tool.contactguard]\nfail-on = "error"\n')
    (folder / "contactguard.toml").write_text('ignore = ["mojibake"]\n')
    assert main(["check", "moji.vcf", "-q"]) == 0
    capsys.readouterr()
    (folder / "contactguard.toml").write_text('fail-on = "sometimes"\n')
    assert main(["check", "moji.vcf"]) == 2
    assert capsys.readouterr().err == (f"contactguard: error: {folder / 'contactguard.toml'}: "
                                       "fail-on must be one of error, warning, never, not "
                                       "'sometimes'\n")
    (folder / "contactguard.toml").write_text('colour = "always"\n')
    assert main(["check", "moji.vcf"]) == 2
    assert "unknown setting 'colour'" in capsys.readouterr().err


def test_config_kinds_lists_every_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--kinds"]) == 0
    out = capsys.readouterr().out
    assert any(line.startswith("mojibake ") and " error " in line for line in out.splitlines())


# -- stdin and stdout, colour, progress, completion ---------------------------------------------

def test_dash_reads_stdin_and_writes_stdout(folder: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    class Stdin(io.StringIO):
        buffer = io.BytesIO(CARD.format(n=1).encode())

    monkeypatch.setattr(sys, "stdin", Stdin())
    code, out, err = run(capsys, "diff", "1.vcf", "-", "--format", "json", "-o", "-")
    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert [i["path"] for i in doc["inputs"]] == ["1.vcf", "<stdin>"]
    assert doc["summary"]["text"] == ("1 of 1 contact intact, 0 missing, 0 changed, 0 added; "
                                      "no findings")
    assert run(capsys, "diff", "-", "-")[::2] == (
        2, "contactguard: error: '-' (stdin) can be read only once in a run\n")


def test_colour_follows_the_flag_then_no_color_then_force_color() -> None:
    tty = io.StringIO()
    tty.isatty = lambda: True  # type: ignore[method-assign]
    pipe = io.StringIO()
    assert use_colour("auto", tty, {}) and not use_colour("auto", pipe, {})
    assert not use_colour("auto", tty, {"NO_COLOR": "1"})
    assert use_colour("auto", pipe, {"FORCE_COLOR": "1"})
    assert not use_colour("auto", tty, {"NO_COLOR": "1", "FORCE_COLOR": "1"})
    assert use_colour("always", pipe, {"NO_COLOR": "1"}) and not use_colour("never", tty, {})


def test_color_always_paints_and_never_does_not(folder: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check", "1.vcf", "-q", "--color", "always")[1] == (
        "\x1b[32;1mOK\x1b[0m: contactguard check: 1 file, 1 contact, no findings\n")
    assert "\x1b[" not in run(capsys, "check", "1.vcf", "-q", "--color", "never")[1]


def test_progress_shows_counts_and_rate_when_forced(
        folder: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (folder / "big.vcf").write_text("".join(CARD.format(n=n % 10).replace(f"u-{n % 10}",
                                                                          f"u-{n}")
                                            for n in range(2500)), encoding="utf-8")
    monkeypatch.setattr(Progress, "min_interval", 0.0)  # draw every update, however fast
    code, _, err = run(capsys, "check", "big.vcf", "--progress", "-q")
    assert code == 0
    assert "reading big.vcf: 2000 contacts [" in err and "contacts/s]" in err
    assert run(capsys, "check", "big.vcf", "-q")[2] == ""  # not a terminal: no bar


def test_completion_scripts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["completion", "bash"]) == 0
    script = capsys.readouterr().out
    assert "_shtab_contactguard" in script and "--max-missing" in script
    assert main(["completion", "zsh"]) == 0
    assert "#compdef contactguard" in capsys.readouterr().out


# -- github annotations and JSON lines ---------------------------------------------------------

def test_github_annotations(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "moji.vcf", "--format", "github")
    assert code == 1
    assert out.splitlines() == [
        "::error file=moji.vcf,line=4,title=contactguard mojibake::moji.vcf:4: error: "
        "mojibake: FN: looks like UTF-8 read as Latin-1 or Windows-1252 (suggested repair: "
        "[4 characters])",
        "::error title=contactguard check::FAIL: 1 file, 1 contact, 1 finding (1 error)%0A"
        "Failed because:%0A- 1 error-level finding",
    ]


def test_jsonl_one_object_a_line(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "both.vcf").write_text(CARD.format(n=1) + CARD.format(n=2), encoding="utf-8")
    code, out, _ = run(capsys, "verify", "1.vcf", "--against", "both.vcf", "--format", "jsonl")
    assert code == 1
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["type"] for line in lines] == ["contact", "comparison", "summary"]
    assert (lines[0]["status"], lines[0]["label"], lines[0]["comparison"]) == (
        "missing", "UID u-2", 0)
    assert "contacts" not in lines[1] and lines[1]["counts"]["missing"] == 1
    assert lines[-1]["gate"]["reasons"] == ["1 contact missing in 1.vcf (against both.vcf)"]


def test_junit_has_a_case_per_file_of_a_folder(folder: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    import xml.etree.ElementTree as ET

    code, out, _ = run(capsys, "check", ".", "--format", "junit")
    assert code == 1
    root = ET.fromstring(out)  # noqa: S314 - our own output, under test
    cases = {c.get("name"): c.find("failure") is not None for c in root.iter("testcase")}
    assert cases == {"1.vcf reads cleanly": False, "2.vcf reads cleanly": False,
                     "3.vcf reads cleanly": False, "moji.vcf reads cleanly": True}
    assert (root.get("tests"), root.get("failures")) == ("4", "1")


def test_three_copies_list_each_difference_once(folder: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    both = CARD.format(n=1) + CARD.format(n=2)
    (folder / "a.vcf").write_text(both, encoding="utf-8")
    (folder / "b.vcf").write_text(CARD.format(n=1), encoding="utf-8")  # lost u-2
    (folder / "c.vcf").write_text(both + CARD.format(n=3), encoding="utf-8")  # gained u-3
    code, out, _ = run(capsys, "verify", "a.vcf", "b.vcf", "c.vcf", "--against", "a.vcf", "-q")
    assert (code, out) == (1, "FAIL: contactguard verify: 3 copies verified, 1 with problems; "
                              "3 of 3 pairs of copies differ; no findings\n"
                              "  - 1 contact missing in b.vcf (against a.vcf)\n"
                              "  - 1 contact only in c.vcf between a.vcf and c.vcf\n")


def test_a_manifest_comparison_says_why_it_can_differ_from_the_backup(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    examples = Path(__file__).resolve().parent.parent / "examples"
    manifest = tmp_path / "m.json"
    assert run(capsys, "manifest", str(examples / "backup-iphone.vcf"), "-o", str(manifest),
               "--key-file", str(tmp_path / "key"), "-q")[0] == 0
    code, out, _ = run(capsys, "verify", str(examples / "restore-android.vcf"), "--manifest",
                       str(manifest), "--key-file", str(tmp_path / "key"), "--verbose")
    assert code == 1
    assert ("  note: up to 1 of the 3 contacts missing may be there, changed in several "
            "fields at once: a manifest pairs contacts by UID and by digests with one field "
            "group left out, so it cannot pair them; verify --against the backup can\n") in out
    code, out, _ = run(capsys, "verify", str(examples / "restore-android.vcf"), "--against",
                       str(examples / "backup-iphone.vcf"), "--format", "html")
    assert "Note: up to" not in out  # the backup itself pairs them: no note


def test_dupes_progress_counts_with_a_total(folder: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "big.vcf").write_text("".join(
        f"BEGIN:VCARD\nVERSION:3.0\nUID:u-{n}\nFN:Person {n}\nTEL:+44 20 7946 {n:04d}\n"
        "END:VCARD\n" for n in range(2100)), encoding="utf-8")
    monkeypatch.setattr(Progress, "min_interval", 0.0)
    code, _, err = run(capsys, "dupes", "big.vcf", "--progress", "-q")
    assert code == 0
    assert "looking for duplicates:  48%" in err and "| 1000/2100 [" in err


@pytest.mark.alone  # (run first: no thread left by other tests)
def test_dupes_with_a_progress_bar_still_forks(folder: Path,
                                              capsys: pytest.CaptureFixture[str],
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A bar on stderr leaves no thread running (no tqdm monitor, the ticker joined), so
    the duplicates stage may still use the other cores."""
    if not sys.platform.startswith("linux"):
        pytest.skip("forks on Linux only")
    assert threading.active_count() == 1, "another thread is running in this test process"
    (folder / "big.vcf").write_text("".join(
        f"BEGIN:VCARD\nVERSION:3.0\nUID:u-{n}\nFN:Person {n}\nTEL:+44 20 7946 {n:04d}\n"
        "END:VCARD\n" for n in range(400)), encoding="utf-8")
    monkeypatch.setattr(runtime, "MIN_CHUNK", 100)
    asked: list[int] = []
    real = clustering.in_chunks

    def watched(fn, n, **kw):  # type: ignore[no-untyped-def]
        asked.append(fork_workers(n, kw.get("workers")))
        return real(fn, n, **kw)

    monkeypatch.setattr(clustering, "in_chunks", watched)
    code, _, err = run(capsys, "dupes", "big.vcf", "--progress", "-q")
    assert code == 0 and "looking for duplicates" in err
    assert asked == [min(4, runtime.usable_cores())]
    # verify shows a stage bar with a ticker thread, which may fork beside it
    identity = importlib.import_module("contactguard._identity.fingerprint")
    monkeypatch.setattr(identity, "in_chunks", watched)
    asked.clear()
    code, _, err = run(capsys, "verify", "big.vcf", "--against", "big.vcf", "--progress")
    assert code == 0 and "verifying" in err
    assert asked == [min(4, runtime.usable_cores())] * 2  # the backup's pass, the copy's


def test_diff_progress_counts_both_sides(folder: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (folder / "big.vcf").write_text("".join(
        f"BEGIN:VCARD\nVERSION:3.0\nUID:u-{n}\nFN:Person {n}\nTEL:+44 20 7946 {n:04d}\n"
        "END:VCARD\n" for n in range(1500)), encoding="utf-8")
    monkeypatch.setattr(Progress, "min_interval", 0.0)
    code, _, err = run(capsys, "diff", "big.vcf", "big.vcf", "--progress", "-q")
    assert code == 0
    assert "| 1000/3000 [" in err and "| 2500/3000 [" in err and "contacts/s]" in err


def test_config_path_is_read_instead_of_the_nearest(
        folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (folder / "contactguard.toml").write_text('ignore = ["mojibake"]\n')
    other = folder.parent / "strict.toml"
    other.write_text('fail-on = "warning"\nseverity = { mojibake = "warning" }\n')
    assert main(["check", "moji.vcf", "-q"]) == 0  # the nearest file ignores mojibake
    assert main(["--config", str(other), "check", "moji.vcf", "-q"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == "  - 1 warning-level finding"
    assert main(["--config", str(other), "config"]) == 0
    assert capsys.readouterr().out == (f"configuration file: {other}\nfail-on = 'warning'\n"
                                       "severity = {'mojibake': 'warning'}\n")
