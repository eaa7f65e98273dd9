"""Issue #13: an empty or foreign input never passes, and contact CSVs are recognised by
their columns (every vendor and language the tables know), read with RFC 4180 quoting."""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import pytest

import contactguard as cg
from contactguard import Property, Severity, UsageError, load, loads
from contactguard._cli import main


def _kinds(snap: cg.Snapshot) -> list[tuple[str, Severity]]:
    return [(f.kind, f.severity) for f in snap.findings]


# -- nothing to restore is an error ------------------------------------------------------

@pytest.mark.parametrize(("data", "what"), [
    (b'{"contacts": [{"name": "Ada"}]}', "JSON"),
    (b"[1, 2, 3]", "JSON"),
    (b"<!DOCTYPE html><html><body>Sign in</body></html>", "an HTML page"),
    (b"<?xml version='1.0'?><contacts/>", "an XML document"),
    (b"%PDF-1.7\n", "a PDF document"),
    (bytes(range(256)) * 4, "binary data"),
    (b"# contactguard\n\nA README, picked by mistake.\n", "text with no BEGIN:VCARD"),
    (b"a,b,c\n1,2,3\n", "a CSV table with no known contact column (header: a, b, c)"),
    (b"id,name,value\n1,x,2\n", "no known contact column (header: id, name, value)"),
    (b"BEGIN:VCALENDAR\nVERSION:2.0\nEND:VCALENDAR\n", "an iCalendar file"),
])
def test_foreign_content_is_an_error_saying_what_it_is(data: bytes, what: str) -> None:
    snap = loads(data, source="x")
    assert len(snap) == 0
    assert _kinds(snap) == [("not-a-contact-file", Severity.ERROR),
                            ("no-contacts", Severity.ERROR)]
    assert what in snap.findings[0].message
    assert snap.source.files == ()


def test_dev_null_empty_folder_and_readme_fail_the_cli(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]
                                                        ) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# notes\n", encoding="utf-8")
    empty = tmp_path / "empty"
    empty.mkdir()
    table = tmp_path / "t.csv"
    table.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    for path in ("/dev/null", str(empty), str(readme), str(table)):
        assert main(["check", path]) == 1, path
        assert "is not a backup: it holds no contacts" in capsys.readouterr().out
        assert main(["check", path, "--verbose"]) == 1, path
        out = capsys.readouterr().out
        assert "no-contacts" in out and "FAIL" in out
    assert main(["diff", "/dev/null", "/dev/null"]) == 1
    good = tmp_path / "one.vcf"
    good.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n", encoding="utf-8")
    capsys.readouterr()
    assert main(["verify", str(readme), "--against", str(good)]) == 1
    assert "holds no contacts, so nothing could be checked" in capsys.readouterr().out
    assert main(["verify", str(readme), "--against", str(good), "--verbose"]) == 1
    assert "not-a-contact-file" in capsys.readouterr().out
    assert main(["check", str(good), "-q"]) == 0  # and a real backup still passes


def test_zip_of_only_zips_has_no_contacts() -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as zf:
        zf.writestr("a.vcf", "BEGIN:VCARD\nFN:A\nEND:VCARD\n")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as zf:
        zf.writestr("inner.zip", inner.getvalue())
    snap = loads(outer.getvalue())
    assert len(snap) == 0
    assert _kinds(snap) == [("skipped-file", Severity.INFO), ("no-contacts", Severity.ERROR)]
    assert "inner.zip" in snap.findings[0].message


def test_empty_member_among_others_is_a_warning_only(tmp_path: Path) -> None:
    (tmp_path / "a.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:A\nEND:VCARD\n",
                                    encoding="utf-8")
    (tmp_path / "b.vcf").write_bytes(b"")
    snap = load(tmp_path)
    assert len(snap) == 1
    assert [(f.kind, f.severity, Path(f.source or "").name) for f in snap.findings] == [
        ("empty-source", Severity.WARNING, "b.vcf")]


# -- folders: hidden files, non-contact files --------------------------------------------

def _tree(root: Path) -> None:
    (root / ".git").mkdir(parents=True)
    (root / ".venv" / "lib").mkdir(parents=True)
    (root / "docs").mkdir()
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:{}\nEND:VCARD\n"
    (root / "real.vcf").write_text(card.format("Real"), encoding="utf-8")
    (root / ".hidden.vcf").write_text(card.format("Hidden"), encoding="utf-8")
    (root / ".git" / "x.vcf").write_text(card.format("Git"), encoding="utf-8")
    (root / ".venv" / "lib" / "data.csv").write_text("First Name,Phone\nNp,1\n",
                                                     encoding="utf-8")
    (root / "docs" / "table.csv").write_text("x,y\n1,2\n", encoding="utf-8")
    (root / "notes.txt").write_text("hello", encoding="utf-8")


def test_folder_skips_hidden_and_says_what_it_skipped(tmp_path: Path) -> None:
    _tree(tmp_path)
    snap = load(tmp_path)
    assert [c.formatted_name for c in snap] == ["Real"]
    assert [f.format for f in snap.source.files] == ["vcard"]
    by = {(f.kind, f.severity): f.message for f in snap.findings}
    assert set(by) == {("skipped-file", Severity.INFO)}
    skipped = [f for f in snap.findings if f.kind == "skipped-file"]
    assert len(skipped) == 3  # table.csv (content), hidden ones, non-contact names
    text = " ".join(f.message for f in skipped)
    assert ".git" in text and ".venv" in text and ".hidden.vcf" in text
    assert "notes.txt" in text and "no known contact column" in text


def test_include_hidden_reads_them(tmp_path: Path) -> None:
    _tree(tmp_path)
    snap = load(tmp_path, include_hidden=True)
    assert sorted(str(c.formatted_name) for c in snap) == ["Git", "Hidden", "Np", "Real"]
    assert main(["check", str(tmp_path), "--include-hidden", "-q"]) == 0


def test_zip_skips_hidden_entries_unless_asked() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.vcf", "BEGIN:VCARD\nFN:A\nEND:VCARD\n")
        zf.writestr(".trash/b.vcf", "BEGIN:VCARD\nFN:B\nEND:VCARD\n")
    assert [c.formatted_name for c in loads(buf.getvalue())] == ["A"]
    assert sorted(str(c.formatted_name) for c in loads(buf.getvalue(),
                                                      include_hidden=True)) == [
        "A", "B"]


def test_cli_counts_folder_members_as_files(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    for name in "abc":
        (tmp_path / f"{name}.vcf").write_text(f"BEGIN:VCARD\nVERSION:3.0\nFN:{name}\n"
                                             "END:VCARD\n", encoding="utf-8")
    assert main(["check", str(tmp_path), "--verbose"]) == 0
    assert "3 files, 3 contacts" in capsys.readouterr().out


# -- CSV: recognised by columns, in every export -----------------------------------------

_HEADERS = {
    "google-new": ("First Name,Middle Name,Last Name,E-mail 1 - Label,E-mail 1 - Value,"
                   "Phone 1 - Label,Phone 1 - Value", "Ada,,Lovelace,* Home,ada@example.com,"
                   "Mobile,+44 20 7946 0000"),
    "google-old": ("Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,"
                   "Phone 1 - Type,Phone 1 - Value", "Ada Lovelace,Ada,Lovelace,* Home,"
                   "ada@example.com,Mobile,+44 20 7946 0000"),
    "outlook-en": ("First Name,Middle Name,Last Name,E-mail Address,Mobile Phone,"
                   "Business Phone,Birthday", "Ada,,Lovelace,ada@example.com,"
                   "+44 20 7946 0000,,0/0/00"),
    "outlook-de": ("Vorname,Weitere Vornamen,Nachname,E-Mail-Adresse,Mobiltelefon,"
                   "Geburtstag", "Ada,,Lovelace,ada@example.com,+44 20 7946 0000,0.0.00"),
    "outlook-fr": ("Prénom,Deuxième prénom,Nom,Adresse de messagerie,Tél. mobile",
                   "Ada,,Lovelace,ada@example.com,+44 20 7946 0000"),
    "outlook-zh": ("名,中间名,姓,电子邮件地址,移动电话", "Ada,,Lovelace,ada@example.com,"
                   "+44 20 7946 0000"),
    "thunderbird": ("First Name,Last Name,Display Name,Nickname,Primary Email,"
                    "Secondary Email,Screen Name,Work Phone,Home Phone,Fax Number,"
                    "Pager Number,Mobile Number", "Ada,Lovelace,Ada Lovelace,,"
                    "ada@example.com,,,,,,,+44 20 7946 0000"),
    "yahoo": ("First,Middle,Last,Nickname,Email,Mobile", "Ada,,Lovelace,,ada@example.com,"
              "+44 20 7946 0000"),
    "linkedin": ("First Name,Last Name,URL,Email Address,Company,Position,Connected On",
                 "Ada,Lovelace,https://www.linkedin.com/in/ada,ada@example.com,Engines,"
                 "Analyst,01 Jan 2020"),
    "apple": ("First name,Last name,Email (home),Phone (mobile)", "Ada,Lovelace,"
              "ada@example.com,+44 20 7946 0000"),
}


@pytest.mark.parametrize("vendor", sorted(_HEADERS))
def test_every_known_export_is_read_as_contacts(vendor: str) -> None:
    header, row = _HEADERS[vendor]
    snap = loads(f"{header}\r\n{row}\r\n", source=f"{vendor}.csv")
    assert snap.source.format == "csv"
    assert len(snap) == 1
    (c,) = snap
    assert c.formatted_name == "Ada Lovelace"
    assert [e.value for e in c.properties if e.name == "EMAIL"] == ["ada@example.com"]
    if vendor != "linkedin":
        assert c.phones == ("+44 20 7946 0000",)
    assert not snap.findings  # in particular no invalid-date for 0/0/00


@pytest.mark.parametrize(("header", "defaults"), [
    ("Priority,Sensitivity,Private", "Normal,Normal,False"),
    ("Priorität,Vertraulichkeit,Privat", "Normal,Normal,Aus"),
    ("Priorité,Critère de diffusion,Privé", "Normale,Normal,Faux"),
])
def test_outlook_default_flags_do_not_change_the_fingerprint(header: str, defaults: str
                                                              ) -> None:
    csv_text = (f"First Name,Last Name,Mobile Phone,{header}\n"
                f"Ada,Lovelace,+44 20 7946 0000,{defaults}\n")
    vcard = ("BEGIN:VCARD\nVERSION:3.0\nN:Lovelace;Ada;;;\nFN:Ada Lovelace\n"
             "TEL;TYPE=CELL:+44 20 7946 0000\nEND:VCARD\n")
    (a,), (b,) = loads(csv_text), loads(vcard)
    assert [p.name for p in a.properties] == ["FN", "N", "TEL"]
    assert cg.fingerprint(a) == cg.fingerprint(b)
    flag = header.partition(",")[0]
    high = loads(f"First Name,{flag}\nAda,High\n")[0]
    assert high.first("X-CSV-FIELD") == Property("X-CSV-FIELD", "High", (("X-COLUMN", flag),))


def test_outlook_placeholders_are_empty_not_invalid() -> None:
    snap = loads("First Name,Last Name,Birthday,Anniversary,Gender\n"
                 "Ada,Lovelace,0/0/00,0/0/00,Unspecified\n")
    assert [p.name for p in snap[0].properties] == ["FN", "N"]
    assert not cg.detect(snap)


def test_rfc4180_escapes_whatever_the_sniffer_would_think() -> None:
    snap = loads('Name,Notes\n"a ""q"",b",x\n')
    assert snap[0].first("FN") == Property("FN", 'a "q"\\,b')
    assert snap[0].first("NOTE") == Property("NOTE", "x")
    outlook = ('First Name,Last Name,Notes,Mobile Phone,E-mail Address\r\n'
               'Ada,Lovelace,"said ""hi"", left",+44 20 7946 0000,ada@example.com\r\n')
    c = loads(outlook)[0]
    assert c.phones == ("+44 20 7946 0000",)
    assert c.first("EMAIL") == Property("EMAIL", "ada@example.com")
    assert c.first("NOTE") == Property("NOTE", 'said "hi"\\, left')


def test_semicolon_and_tab_delimiters() -> None:
    for d in ";\t":
        snap = loads(f"First Name{d}Last Name{d}Mobile Phone\nAda{d}L{d}+44 20 7946 0000\n")
        assert snap[0].phones == ("+44 20 7946 0000",)


def test_explicit_column_map() -> None:
    text = "Wer,Handy,Familie,Sonst\nAda,+44 20 7946 0000,Lovelace,x\n"
    assert len(loads(text)) == 0
    snap = loads(text, format="csv", columns={"Wer": "N.given", "handy": "TEL;TYPE=CELL",
                                             "Familie": "N.family"})
    (c,) = snap
    assert c.formatted_name == "Ada Lovelace"
    assert c.first("TEL") == Property("TEL", "+44 20 7946 0000", (("TYPE", "CELL"),))
    assert c.first("X-CSV-FIELD") == Property("X-CSV-FIELD", "x", (("X-COLUMN", "Sonst"),))
    assert not snap.findings


@pytest.mark.parametrize("columns", [{"Name": "not a property"}, {"Name": "N"},
                                     {"Name": "FN.given"}, {"Name": 3}])
def test_bad_column_map_is_a_usage_error(columns: dict[str, object]) -> None:
    with pytest.raises(UsageError):
        loads("Name\nAda\n", format="csv", columns=columns)  # type: ignore[arg-type]


def test_column_map_needs_format_csv() -> None:
    with pytest.raises(UsageError, match="format='csv'"):
        loads("Name\nAda\n", columns={"Name": "FN"})


@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC])
def test_csv_writer_styles_read_back(quoting: int) -> None:
    rows = [["Ada, the first", 'say "hi"', "line\nbreak"], ["B;c", "", "\\x"]]
    buf = io.StringIO()
    w = csv.writer(buf, quoting=quoting)
    w.writerow(["Name", "Notes", "Custom"])
    w.writerows(rows)
    snap = loads(buf.getvalue())
    got = [[c.first("FN").text, c.first("NOTE").text if c.first("NOTE") else "",  # type: ignore[union-attr]
            c.first("X-CSV-FIELD").text] for c in snap]  # type: ignore[union-attr]
    assert got == rows
