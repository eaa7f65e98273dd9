"""Google Contacts and Outlook CSV exports, and telling CSV from vCard by content."""

from __future__ import annotations

from pathlib import Path

import pytest

from contactguard import Property, Severity, load, loads

GOOGLE_HEADER = (
    "First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,"
    "Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,"
    "Organization Title,Organization Department,Birthday,Notes,Photo,Labels,"
    "E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Phone 2 - Label,Phone 2 - Value,"
    "Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,"
    "Address 1 - PO Box,Address 1 - Region,Address 1 - Postal Code,Address 1 - Country,"
    "Address 1 - Extended Address,Website 1 - Label,Website 1 - Value,"
    "Custom Field 1 - Label,Custom Field 1 - Value")


def _google_row(**cells: str) -> str:
    cols = GOOGLE_HEADER.split(",")
    out = []
    for col in cols:
        value = cells.get(col, "")
        out.append(f'"{value}"' if any(c in value for c in ',"\n') else value)
    return ",".join(out)


def test_google_new_style() -> None:
    text = "\r\n".join([
        GOOGLE_HEADER,                                                           # line 1
        _google_row(**{
            "First Name": "Ada", "Middle Name": "King", "Last Name": "Lovelace",
            "Name Prefix": "Dr.", "Nickname": "Ada", "Organization Name": "Analytical Co",
            "Organization Title": "Engineer", "Organization Department": "R&D",
            "Birthday": "1815-12-10", "Notes": "Poet's daughter, mathematician",
            "Labels": "* myContacts ::: Friends",
            "E-mail 1 - Label": "* Home", "E-mail 1 - Value": "ada@example.com",
            "E-mail 2 - Label": "Work",
            "E-mail 2 - Value": "ada@example.org ::: countess@example.org",
            "Phone 1 - Label": "Mobile", "Phone 1 - Value": "+44 20 7946 0000",
            "Phone 2 - Label": "Work Fax", "Phone 2 - Value": "+44 20 7946 0001",
            "Address 1 - Label": "Home", "Address 1 - Formatted": "12 St James's Sq\nLondon",
            "Address 1 - Street": "12 St James's Sq", "Address 1 - City": "London",
            "Address 1 - Postal Code": "SW1Y 4JH", "Address 1 - Country": "UK",
            "Website 1 - Label": "Blog", "Website 1 - Value": "https://example.org",
            "Custom Field 1 - Label": "Shoe size", "Custom Field 1 - Value": "38",
        }),                                                                      # line 2-3
        _google_row(**{"First Name": "伟", "Last Name": "张",
                       "Phone 1 - Label": "* Mobile", "Phone 1 - Value": "+86 138 0013 8000"}),
        "",
    ])
    snap = loads(text)
    assert snap.findings == ()
    assert [c.line for c in snap] == [2, 4]
    assert snap[0].properties == (
        Property("FN", "Ada King Lovelace"),
        Property("N", "Lovelace;Ada;King;Dr.;"),
        Property("NICKNAME", "Ada"),
        Property("TITLE", "Engineer"),
        Property("BDAY", "1815-12-10"),
        Property("NOTE", "Poet's daughter\\, mathematician"),
        Property("CATEGORIES", "Friends"),  # Google's "* myContacts" system group dropped
        Property("EMAIL", "ada@example.com", (("TYPE", "HOME,PREF"),)),
        Property("EMAIL", "ada@example.org", (("TYPE", "WORK"),)),
        Property("EMAIL", "countess@example.org", (("TYPE", "WORK"),)),
        Property("TEL", "+44 20 7946 0000", (("TYPE", "CELL"),)),
        Property("TEL", "+44 20 7946 0001", (("TYPE", "WORK,FAX"),)),
        Property("ADR", ";;12 St James's Sq;London;;SW1Y 4JH;UK", (("TYPE", "HOME"),)),
        Property("URL", "https://example.org"),
        Property("X-CUSTOM", "38", (("X-LABEL", "Shoe size"),)),
        Property("ORG", "Analytical Co;R&D"),
    )
    assert snap[1].properties == (
        Property("FN", "张伟"), Property("N", "张;伟;;;"),
        Property("TEL", "+86 138 0013 8000", (("TYPE", "CELL,PREF"),)))
    assert snap[1].formatted_name == "张伟"
    assert snap.source.format == "csv"
    assert [c.version for c in snap] == [None, None]


def test_google_old_style() -> None:
    text = ("Name,Given Name,Additional Name,Family Name,Nickname,Birthday,Notes,"
            "Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
            "Address 1 - Type,Address 1 - Formatted,Address 1 - Street,Address 1 - City\n"
            "Wei Zhang,Wei,,Zhang,,,,* My Contacts,* Home,w@example.com,Mobile,+86 138,"
            "Home,somewhere,1 Road,Beijing\n"
            "Only Formatted,,,,,,,,,,,,Work,\"5 Lane, Town\",,\n")
    snap = loads(text)
    assert snap.findings == ()
    assert [c.properties for c in snap] == [
        (Property("N", "Zhang;Wei;;;"), Property("FN", "Wei Zhang"),
         Property("EMAIL", "w@example.com", (("TYPE", "HOME,PREF"),)),
         Property("TEL", "+86 138", (("TYPE", "CELL"),)),
         Property("ADR", ";;1 Road;Beijing;;;", (("TYPE", "HOME"),))),
        (Property("FN", "Only Formatted"),
         Property("LABEL", "5 Lane\\, Town", (("TYPE", "WORK"),))),
    ]
    assert [c.line for c in snap] == [2, 3]


OUTLOOK_HEADER = (
    "First Name,Middle Name,Last Name,Title,Suffix,Company,Department,Job Title,"
    "Business Street,Business City,Business State,Business Postal Code,"
    "Business Country/Region,Home Street,Home Street 2,Home City,Home State,"
    "Home Postal Code,Home Country/Region,Business Fax,Business Phone,Home Phone,"
    "Mobile Phone,Pager,E-mail Address,E-mail Type,E-mail Display Name,E-mail 2 Address,"
    "Birthday,Notes,Web Page,Categories")


def test_outlook_export() -> None:
    row = ("John,Q,Public,Mr.,Jr.,Acme,Sales,Manager,1 Work St,Springfield,IL,62701,"
           "United States,2 Home Ave,Apt 3,Springfield,IL,62702,United States,"
           "+1 217 555 0199,+1 217 555 0100,+1 217 555 0101,+1 217 555 0102,,"
           "john@example.com,SMTP,John Public (john@example.com),jq@example.org,"
           "1/2/1980,\"Met at the fair;\nlikes pie\",http://example.com,Work;VIP")
    snap = loads(OUTLOOK_HEADER + "\r\n" + row + "\r\n")
    assert snap.findings == ()
    assert _one_props(snap) == (
        Property("FN", "John Q Public"),
        Property("N", "Public;John;Q;Mr.;Jr."),
        Property("TITLE", "Manager"),
        Property("TEL", "+1 217 555 0199", (("TYPE", "WORK,FAX"),)),
        Property("TEL", "+1 217 555 0100", (("TYPE", "WORK"),)),
        Property("TEL", "+1 217 555 0101", (("TYPE", "HOME"),)),
        Property("TEL", "+1 217 555 0102", (("TYPE", "CELL"),)),
        Property("EMAIL", "john@example.com"),
        Property("EMAIL", "jq@example.org"),
        Property("BDAY", "1/2/1980"),
        Property("NOTE", "Met at the fair\\;\\nlikes pie"),
        Property("URL", "http://example.com"),
        Property("CATEGORIES", "Work\\;VIP"),
        Property("ORG", "Acme;Sales"),
        Property("ADR", ";;1 Work St;Springfield;IL;62701;United States", (("TYPE", "WORK"),)),
        Property("ADR", ";;2 Home Ave\\nApt 3;Springfield;IL;62702;United States",
                 (("TYPE", "HOME"),)),
    )  # (E-mail Type "SMTP" and E-mail Display Name are Outlook's own: not read)


def _one_props(snap: object) -> tuple[Property, ...]:
    contacts = list(snap)  # type: ignore[call-overload]
    assert len(contacts) == 1
    return contacts[0].properties  # type: ignore[no-any-return]


def test_multiline_cells_row_line_is_where_the_row_starts() -> None:
    text = ("First Name,Last Name,Notes\n"          # 1
            "A,One,\"two\nline note\"\n"            # 2-3
            "B,Two,\"three\r\nline\r\nnote\"\n"      # 4-6
            "\n"                                     # 7: blank row, skipped
            "C,Three,plain\n")                       # 8
    snap = loads(text)
    assert [(c.line, c.formatted_name) for c in snap] == [(2, "A One"), (4, "B Two"),
                                                          (8, "C Three")]
    assert snap[1].first("NOTE") == Property("NOTE", "three\\nline\\nnote")
    assert snap[0].property_lines == (2, 2, 2)


def test_row_with_too_many_fields_keeps_its_data() -> None:
    text = ("First Name,Last Name,Mobile Phone\n"
            "Ada,Lovelace,+44 20 7946 0000\n"
            "Bob,Stray,Comma,+1 650 253 0000\n"          # line 3: one field too many
            "Cy,Short\n")                               # line 4: one too few
    snap = loads(text)
    assert [c.properties for c in snap] == [
        (Property("FN", "Ada Lovelace"), Property("N", "Lovelace;Ada;;;"),
         Property("TEL", "+44 20 7946 0000", (("TYPE", "CELL"),))),
        (Property("FN", "Bob Stray"), Property("N", "Stray;Bob;;;"),
         Property("TEL", "Comma", (("TYPE", "CELL"),)),
         Property("X-CSV-FIELD", "+1 650 253 0000", (("X-COLUMN", "#4"),))),
        (Property("FN", "Cy Short"), Property("N", "Short;Cy;;;")),
    ]
    assert [(f.kind, f.line, f.contact, f.severity) for f in snap.findings] == [
        ("bad-csv-row", 3, 1, Severity.ERROR), ("bad-csv-row", 4, 2, Severity.ERROR)]
    assert "beyond" in snap.findings[0].message
    assert "missing" in snap.findings[1].message


def test_unknown_columns_kept_with_their_name() -> None:
    snap = loads("First Name,Last Name,Favourite Colour,Shoe; Size\nA,B,blue,\"38, EU\"\n")
    assert _one_props(snap)[-2:] == (
        Property("X-CSV-FIELD", "blue", (("X-COLUMN", "Favourite Colour"),)),
        Property("X-CSV-FIELD", "38\\, EU", (("X-COLUMN", "Shoe; Size"),)))


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_delimiters_are_sniffed(delimiter: str) -> None:
    text = delimiter.join(["First Name", "Last Name", "E-mail Address"]) + "\n" + \
        delimiter.join(["Ada", "Lovelace", "ada@example.com"]) + "\n"
    assert _one_props(loads(text)) == (Property("FN", "Ada Lovelace"),
                                       Property("N", "Lovelace;Ada;;;"),
                                       Property("EMAIL", "ada@example.com"))


def test_csv_with_bom_and_cp1252() -> None:
    text = "First Name,Last Name,Notes\r\nJosé,Müller,Straße\r\n"
    for data in (b"\xef\xbb\xbf" + text.encode(), text.encode("cp1252")):
        assert _one_props(loads(data)) == (Property("FN", "José Müller"),
                                           Property("N", "Müller;José;;;"),
                                           Property("NOTE", "Straße"))


def test_header_only_is_no_contacts() -> None:
    # A header and no rows restores nothing: an error, not a warning (issue #13).
    snap = loads("First Name,Last Name,E-mail Address\n", source="x.csv")
    assert len(snap) == 0
    assert [(f.kind, f.severity, f.source) for f in snap.findings] == [
        ("no-contacts", Severity.ERROR, "x.csv")]


def test_csv_named_txt_is_sniffed_as_csv(tmp_path: Path) -> None:
    path = tmp_path / "contacts.txt"
    path.write_text("First Name,Last Name,Mobile Phone\nAda,Lovelace,+44 20 7946 0000\n",
                    encoding="utf-8")
    snap = load(path)
    assert snap.source.format == "csv"
    assert _one_props(snap)[0] == Property("FN", "Ada Lovelace")


def test_vcard_named_csv_is_read_as_vcard(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nEND:VCARD\n", encoding="utf-8")
    snap = load(path)
    assert snap.source.format == "vcard"
    assert _one_props(snap) == (Property("FN", "Ada"),)


def test_format_can_be_forced() -> None:
    text = "Name,Tel\nAda,1\n"   # too few hints to sniff as CSV: not read as contacts
    snap = loads(text)
    assert len(snap) == 0 and snap.source.format == "empty"
    assert [f.kind for f in snap.findings] == ["not-a-contact-file", "no-contacts"]
    assert "no known contact column (header: Name, Tel)" in snap.findings[0].message
    assert _one_props(loads(text, format="csv")) == (Property("FN", "Ada"),
                                                      Property("X-CSV-FIELD", "1",
                                                               (("X-COLUMN", "Tel"),)))


def test_strict_csv_row_raises_with_position() -> None:
    from contactguard import ParseError

    text = "First Name,Last Name\nA,B\n\"multi\nline\",C,extra\n"
    assert [(f.kind, f.line) for f in loads(text).findings] == [("bad-csv-row", 3)]
    with pytest.raises(ParseError) as info:
        loads(text, strict=True, source="g.csv")
    assert isinstance(info.value, ValueError)
    assert (info.value.kind, info.value.line, info.value.column) == ("bad-csv-row", 3, 1)
    assert str(info.value).endswith("(in g.csv, at line 3, column 1)")


def test_two_column_csv_is_sniffed() -> None:
    snap = loads("Name,Phone\nAda,+44 20 7946 0000\n")
    assert snap.source.format == "csv"
    assert _one_props(snap) == (Property("FN", "Ada"), Property("TEL", "+44 20 7946 0000"))


def test_google_primary_mark_applies_to_the_first_of_several_values() -> None:
    text = ("First Name,E-mail 1 - Label,E-mail 1 - Value\n"
            "Ada,* Home,a@example.com ::: b@example.com\n")
    (contact,) = loads(text)
    assert contact.get_all("EMAIL") == (
        Property("EMAIL", "a@example.com", (("TYPE", "HOME,PREF"),)),
        Property("EMAIL", "b@example.com", (("TYPE", "HOME"),)))


def test_placeholders_are_empty_only_in_date_and_gender_columns() -> None:
    """Outlook's 0/0/00 and "Unspecified" mean "no value" in Birthday and Gender; a note or
    a custom column that says "Unspecified" says what the user typed."""
    snap = loads("First Name,Last Name,Birthday,Gender,Notes,Mobile Phone\r\n"
                    "Ada,Lovelace,0/0/00,Unspecified,Unspecified,+44 20 7946 0000\r\n")
    (contact,) = snap
    assert contact.first("BDAY") is None
    note = contact.first("NOTE")
    assert note is not None and note.text == "Unspecified"


def test_an_unclosed_quote_does_not_swallow_the_rows_after_it() -> None:
    """A stray opening quote makes the csv module read every later line into one cell:
    those rows are contacts of their own, read as such, and the row is an error."""
    snap = loads('First Name,Last Name,Mobile Phone\r\nAna,Lopez,+34612345678\r\n'
                 '"Tom,Lee,+16502530000\r\nBo,Chen,+8613800138000\r\n'
                 'Cy,Wu,+85291234567\r\n')
    assert [(c.line, c.formatted_name, c.phones) for c in snap] == [
        (2, "Ana Lopez", ("+34612345678",)), (3, "Tom Lee", ("+16502530000",)),
        (4, "Bo Chen", ("+8613800138000",)), (5, "Cy Wu", ("+85291234567",))]
    (finding,) = snap.findings
    assert (finding.kind, finding.line, finding.severity) == ("bad-csv-row", 3, Severity.ERROR)
    assert "never closed" in finding.message and "2 row(s)" in finding.message
    # a quoted note with line breaks is a cell, not rows
    note = loads('First Name,Last Name,Notes\r\nAna,Lopez,"line one\r\nline two, and more"\r\n'
                 'Bo,Chen,x\r\n')
    assert [c.formatted_name for c in note] == ["Ana Lopez", "Bo Chen"]
    assert note.findings == ()
