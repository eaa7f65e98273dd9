"""Writer fixes: 2.1 parameters 2.1 cannot carry, folding at 75 octets, CSV cells that a
spreadsheet would compute, and Google's ``" ::: "`` multi-value cells.  Generated data."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import contactguard as cg
from contactguard import Contact, Property
from contactguard._identity.fingerprint import canonical_fields
from contactguard._model import escape_component
from contactguard._write import csv_left_out, dumps, dumps_21, dumps_csv

# -- vCard 2.1: parameter values without quoting ------------------------------------------

LABELLED = ('BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Test Person\r\n'
            'ADR;TYPE=home;LABEL="1 Main St;Apt 2:\\nShenzhen":;;1 Main St;Shenzhen;;;CN\r\n'
            'TEL;X-LBL="a:b;c":+8613800138000\r\nEND:VCARD\r\n')


def _heads(text: str) -> list[str]:
    return [line.split(":", 1)[0] for line in text.split("\r\n") if line and line[0] != " "]


def test_21_leaves_out_a_label_parameter_and_the_address_reads_back_unchanged() -> None:
    book = cg.loads(LABELLED)
    written = dumps_21(book)
    assert "ADR;HOME:;;1 Main St;Shenzhen;;;CN" in written.split("\r\n")
    assert "TEL:+8613800138000" in written.split("\r\n")
    assert "LABEL" not in written and '"' not in written and "X-LBL" not in written
    back = cg.loads(written)
    assert not back.findings
    assert back[0].get_all("ADR")[0].components == book[0].get_all("ADR")[0].components
    assert canonical_fields(back[0]) == canonical_fields(book[0])
    assert cg.fingerprint(back[0]) == cg.fingerprint(book[0])


@pytest.mark.parametrize("value", ["a;b", "a:b", "a,b", 'a"b', "a\nb", "a\rb", "住宅", "é",
                                   "a^nb", "a\\b", "a\tb"])
def test_21_leaves_out_every_parameter_value_it_cannot_write(value: str) -> None:
    card = Contact((Property("FN", "Test"), Property(
        "ADR", ";;2 High St;Town;;;", (("TYPE", "WORK"), ("X-NOTE", value), ("X-OK", "plain")))))
    written = dumps_21([card])
    assert "ADR;WORK;X-OK=plain:;;2 High St;Town;;;" in written.split("\r\n")
    back = cg.loads(written)[0]
    assert back.get_all("ADR")[0].params == (("TYPE", "WORK"), ("X-OK", "plain"))
    assert canonical_fields(back) == canonical_fields(card)


def test_21_leaves_out_type_values_it_cannot_write_bare() -> None:
    card = Contact((Property("FN", "Test"), Property(
        "TEL", "+44 20 7946 0000", (("TYPE", "CELL,a=b,家,x;y,VOICE"),))))
    written = dumps_21([card])
    assert _heads(written)[3] == "TEL;CELL;VOICE"
    assert cg.loads(written)[0].get_all("TEL")[0].types == {"CELL", "VOICE"}


# -- vCard 3.0/4.0: fold at 75 octets -----------------------------------------------------


def _split_escapes(text: str) -> int:
    """How many folds of ``text`` fall between a backslash and the character it escapes."""
    count = 0
    for logical in text.replace("\r\n ", "\x00").split("\r\n"):
        escaping = False
        for ch in logical:
            if ch == "\x00":
                count += escaping
                continue
            escaping = ch == "\\" and not escaping
    return count


def _octets(text: str) -> list[int]:
    raw = text.encode("utf-8")
    assert raw.endswith(b"\r\n")
    lines = raw[:-2].split(b"\r\n")
    for line in lines:
        line.decode("utf-8")  # no line ends inside a UTF-8 sequence
    return [len(line) for line in lines]


MIXED = [
    "王" * 30,
    "中" * 62,
    "Ada 洛夫莱斯 👩‍💻 " * 9,
    "🎉" * 40,
    "a" * 73 + "中文" + "b" * 80,
    escape_component("line one\nline two, three; four\\five " * 6),
    "\\n" * 80,
    "\\\\" * 50 + "\\,",
    "x" * 74 + "\\n" + "y" * 74 + "\\,",
]


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_every_line_is_at_most_75_octets_and_reads_back(version: str) -> None:
    card = Contact((
        *(Property("NOTE", v) for v in MIXED),
        Property("FN", "王" * 30),
        Property("TEL", "+86 138 0013 8000", (("TYPE", "CELL"), ("X-LABEL", "私人号码" * 9)),
                 "item1"),
        Property("PHOTO", "iVBORw0KGgo" * 40, (("ENCODING", "B"), ("TYPE", "PNG")))))
    text = dumps([card], version=version)
    assert max(_octets(text)) <= 75
    assert _split_escapes(text) == 0
    back = cg.loads(text)
    assert not back.findings
    assert list(back) == [card]


def test_thirty_cjk_characters_fold_as_the_rfc_says() -> None:
    text = dumps([Contact((Property("FN", "王" * 30),))])
    assert text.split("\r\n")[2:4] == ["FN:" + "王" * 24, " " + "王" * 6]


def test_a_fold_does_not_follow_an_equals_sign_in_a_quoted_printable_looking_head() -> None:
    # contactguard's reader (like others) takes a line ending in '=' under a head that says
    # QUOTED-PRINTABLE for a soft line break, and would lose the continuation.
    for pad in range(40, 50):  # the first fold falls among the "=x=y"
        card = Contact((Property("FN", "Test"), Property(
            "NOTE", "n" * pad + "=x=y" * 10, (("X-WAS", "QUOTED-PRINTABLE"),))))
        text = dumps([card])
        assert max(_octets(text)) <= 75
        assert not any(line.endswith("=") for line in text.split("\r\n"))
        assert list(cg.loads(text)) == [card]


# half the characters take 2 to 4 octets, so short lines can pass 75 octets
_ALPHABET = st.one_of(st.sampled_from("ab Z09,;:\\\n\t=\""),
                      st.sampled_from("中文字é€😀👩‍💻\u0301"))


@pytest.mark.parametrize("version", ["3.0", "4.0"])
@given(values=st.lists(st.text(_ALPHABET, min_size=10, max_size=120), min_size=1, max_size=4))
@settings(max_examples=150, deadline=None)
def test_generated_mixed_values_fold_and_read_back(values: list[str], version: str) -> None:
    values = [v for v in values if v.strip() and v == v.strip()]
    card = Contact((Property("FN", "Test"),
                    *(Property("NOTE", escape_component(v)) for v in values)))
    text = dumps([card], version=version)
    assert max(_octets(text)) <= 75
    assert _split_escapes(text) == 0
    assert list(cg.loads(text)) == [card]


# -- CSV: no cell is a formula ------------------------------------------------------------


def _cells(text: str) -> dict[str, str]:
    header, row = list(csv.reader(io.StringIO(text, newline="")))
    return dict(zip(header, row, strict=True))


FORMULAS = ["=SUM(1+1)", "=cmd|' /C calc'!A0", "@SUM(A1)", "+A1*2", "-2+cmd|' /C x'!A0",
            "-x", "+", "\tx=1", "\n=1"]


@pytest.mark.parametrize("layout", ["google", "outlook"])
@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_a_spreadsheet_would_compute_get_a_quote(layout: str, formula: str) -> None:
    card = Contact((Property("FN", escape_component(formula)),
                    Property("NOTE", escape_component(formula)),
                    Property("TITLE", escape_component(formula)),
                    Property("TEL", "+86 138 0013 8000")))
    cells = _cells(dumps_csv([card], layout=layout))
    name, note = ("Name", "Notes") if layout == "google" else ("Display Name", "Notes")
    title = "Organization 1 - Title" if layout == "google" else "Job Title"
    assert cells[name] == cells[note] == cells[title] == "'" + formula
    assert "+86 138 0013 8000" in cells.values()


@pytest.mark.parametrize("layout", ["google", "outlook"])
@pytest.mark.parametrize("number", ["+86 138 0013 8000", "+1 (555) 010-0199 ext. 12",
                                    "+44 20 7946 0000 x12", "-0800.123/456", "+49 30 1234 EXT 5"])
def test_csv_keeps_phone_numbers_as_they_are(layout: str, number: str) -> None:
    card = Contact((Property("FN", "Test Person"), Property("TEL", number, (("TYPE", "CELL"),)),
                    Property("NOTE", escape_component(number))))
    written = dumps_csv([card], layout=layout)
    cells = _cells(written)
    assert cells["Notes"] == number and number in cells.values()
    back = cg.loads(written)[0]
    assert [p.value for p in back.get_all("TEL")] == [number]


def test_a_cell_starting_with_a_carriage_return_gets_a_quote() -> None:
    card = Contact((Property("FN", "Test Person"), Property("TITLE", "\r=1+1")))
    assert _cells(dumps_csv([card], layout="outlook"))["Job Title"] == "'\r=1+1"


def _categories(contact: Contact) -> list[str]:
    return [c.text for c in contact.get_all("CATEGORIES")]


def test_a_neutralized_cell_reads_back_without_its_quote() -> None:
    card = Contact((Property("FN", "Test Person"), Property("NOTE", "=1+1")))
    back = cg.loads(dumps_csv([card]))[0]
    assert back.get_all("NOTE")[0].text == "=1+1"  # (our reader takes our guard off)


def test_csv_plain_cells_are_unchanged() -> None:
    card = Contact((Property("FN", "Test Person"), Property("NOTE", "a - b = c, @d")))
    assert _cells(dumps_csv([card]))["Notes"] == "a - b = c, @d"


# -- Google CSV: several values in one cell -----------------------------------------------


def test_google_group_membership_separates_groups_as_google_does() -> None:
    card = Contact((Property("FN", "Test Person"), Property("CATEGORIES", "friends,work"),
                    Property("CATEGORIES", "family,work"), Property("CATEGORIES", "a\\,b")))
    written = dumps_csv([card])
    assert _cells(written)["Group Membership"] == "friends ::: work ::: family ::: a,b"
    assert csv_left_out(card) == ()
    back = cg.loads(written)[0]
    assert _categories(back) == ["friends", "work", "family", "a,b"]
    assert canonical_fields(back) == canonical_fields(card)
    assert cg.fingerprint(back) == cg.fingerprint(card)


def test_google_export_groups_survive_a_write_and_read() -> None:
    export = ("Name,Group Membership,Phone 1 - Type,Phone 1 - Value\r\n"
              "Test Person,* myContacts ::: Friends ::: 同事,Work Fax,+44 20 7946 0000\r\n")
    book = cg.loads(export)
    assert _categories(book[0]) == ["Friends", "同事"]
    written = dumps_csv(book)
    assert _cells(written)["Group Membership"] == "Friends ::: 同事"
    assert list(cg.loads(written)) == list(book)


@pytest.mark.parametrize(("types", "label"), [("WORK,FAX", "Work Fax"), ("FAX,HOME", "Home Fax"),
                                              ("CELL,PREF", "Mobile"), ("HOME,WORK", "Home Work"),
                                              ("", "")])
def test_google_type_cells_hold_one_label(types: str, label: str) -> None:
    params = (("TYPE", types),) if types else ()
    card = Contact((Property("FN", "Test Person"), Property("TEL", "+44 20 7946 0001", params)))
    written = dumps_csv([card])
    assert _cells(written)["Phone 1 - Type"] == label
    want = {t for t in types.split(",") if t and t != "PREF"}
    assert cg.loads(written)[0].get_all("TEL")[0].types == want


@pytest.mark.parametrize("layout", ["google", "outlook"])
def test_a_guarded_cell_reads_back_as_its_value(layout: str) -> None:
    """The ' a formula-like cell is written with is ours, not the user's: our reader
    takes it off, so verify --plus of a repair CSV sees the value itself."""
    card = Contact((Property("FN", "Ada"), Property("TEL", "+44 20 7946 0000"),
                    Property("NOTE", "=SUM(1+1)"), Property("ORG", "@home")))
    text = dumps_csv([card], layout=layout)
    assert "'=SUM(1+1)" in text
    back = cg.loads(text)
    assert [p.value for p in back[0].get_all("NOTE")] == ["=SUM(1+1)"]
    assert back[0].get_all("ORG")[0].value.startswith("@home")
