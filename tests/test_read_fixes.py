"""Reading bugs fixed together: damaged or lost BEGIN lines, UTF-8 cut at the end or mixed
with one legacy card, short legacy CJK files, quoted-printable soft breaks before a
property, books of only empty cards, and finding columns."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import opencc
import pytest

import contactguard as cg
from contactguard import Severity
from contactguard._cli import main
from contactguard._model import VOLATILE_PREFIXES as _VOLATILE_PREFIXES
from contactguard._model import VOLATILE_PROPERTIES
from contactguard._read import charsets, framing

ANN = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nTEL:+16502530000\r\nEND:VCARD\r\n"
BOB = b"VERSION:3.0\r\nFN:Bob Lee\r\nTEL:+12127365000\r\nEND:VCARD\r\n"


def _found(snap: cg.Snapshot) -> list[tuple[str, int | None, int | None]]:
    return [(f.kind, f.line, f.contact) for f in snap.findings]


def _names(snap: cg.Snapshot) -> list[str | None]:
    return [c.formatted_name for c in snap]


def _indexes_are_valid(snap: cg.Snapshot) -> None:
    assert all(f.contact is None or 0 <= f.contact < len(snap) for f in snap.findings)


# ------------------------------------------------------------------------------------
# 1. A card whose BEGIN:VCARD is damaged or missing is kept, and the check fails
# ------------------------------------------------------------------------------------

BROKEN_BEGINS = {
    "damaged": (ANN + b"BEGIN:VCARC\r\n" + BOB, 6, "'BEGIN:VCARC'"),
    "missing": (ANN + BOB, 6, "no BEGIN:VCARD line"),
    "zeroed": (ANN + b"\x00" * 11 + b"\r\n" + BOB, 7, "no BEGIN:VCARD line"),
    "cut": (b"GIN:VCARD\r\n" + BOB, 1, "'GIN:VCARD'"),
    "file-starts-at-version": (BOB, 1, "no BEGIN:VCARD line"),
    "no-colon": (ANN + b"BEGIN VCARD\r\n" + BOB, 6, "'BEGIN VCARD'"),
    "property-after-damaged-begin": (
        ANN + b"BEGIN:VCARC\r\nFN:Bob Lee\r\nTEL:+12127365000\r\nEND:VCARD\r\n", 6,
        "'BEGIN:VCARC'"),
    "properties-then-end": (ANN + b"FN:Bob Lee\r\nTEL:+12127365000\r\nEND:VCARD\r\n", 6,
                            "no BEGIN:VCARD line"),
}


@pytest.mark.parametrize("case", sorted(BROKEN_BEGINS))
def test_a_card_with_a_damaged_or_lost_begin_is_kept_with_an_error(case: str) -> None:
    data, line, said = BROKEN_BEGINS[case]
    snap = cg.loads(data)
    assert _names(snap)[-1] == "Bob Lee"
    assert snap[-1].phones == ("+12127365000",)
    assert snap[-1].line == line
    begin = [f for f in snap.findings if f.kind == "missing-begin"]
    assert [(f.line, f.column, f.contact, f.severity) for f in begin] == [
        (line, 1, len(snap) - 1, Severity.ERROR)]
    assert said in begin[0].message
    assert not [f for f in snap.findings if f.kind in {"outside-card", "unexpected-end"}]
    _indexes_are_valid(snap)


def test_the_check_fails_and_keeps_bob(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "book.vcf"
    path.write_bytes(ANN + b"BEGIN:VCARC\r\n" + BOB)
    assert main(["check", str(path), "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert '"missing-begin"' in out and '"contacts": 2' in out


PREAMBLES = {
    "text": (b"Exported contacts\r\n-----\r\n" + ANN, [("outside-card", 1, None)]),
    "prodid": (b"PRODID:-//Example//EN\r\n" + ANN, [("outside-card", 1, None)]),
    "version-line": (b"PRODID:-//Example//EN\r\nVERSION:3.0\r\n" + ANN,
                     [("outside-card", 1, None)]),
    "text-and-version": (b"Exported contacts\r\n\r\nVERSION:3.0\r\n" + ANN,
                         [("outside-card", 1, None)]),
    "icalendar-after": (ANN + b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"
                        b"DTSTART:20240101\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                        [("outside-card", 6, None)]),
    "stray-end": (ANN + b"END:VCARD\r\n" + ANN, [("unexpected-end", 6, None)]),
    "damaged-begin-at-the-end": (ANN + b"BEGIN:VCAR", [("outside-card", 6, None)]),
    "damaged-begin-and-end-only": (ANN + b"BEGIN:VCARC\r\nEND:VCARD\r\n",
                                   [("outside-card", 6, None)]),
}


@pytest.mark.parametrize("case", sorted(PREAMBLES))
def test_a_preamble_or_foreign_block_is_no_contact(case: str) -> None:
    data, expected = PREAMBLES[case]
    snap = cg.loads(data)
    assert set(_names(snap)) == {"Ann Lee"}
    assert _found(snap) == expected
    assert all(f.severity is Severity.WARNING for f in snap.findings)


def test_a_damaged_end_before_a_begin_is_still_a_truncated_card() -> None:
    snap = cg.loads(ANN.replace(b"END:VCARD", b"END:VCARC") + b"BEGIN:VCARD\r\n" + BOB)
    assert _names(snap) == ["Ann Lee", "Bob Lee"]
    assert _found(snap) == [("truncated-card", 1, 0)]
    assert [p.name for p in snap[0].properties] == ["FN", "TEL"]  # not the damaged END


def test_damaged_end_and_begin_split_at_the_next_version() -> None:
    snap = cg.loads(ANN.replace(b"END:VCARD", b"END:VCARC") + b"BEGIN:VCARC\r\n" + BOB)
    assert _names(snap) == ["Ann Lee", "Bob Lee"]
    assert _found(snap) == [("truncated-card", 1, 0), ("missing-begin", 6, 1)]
    assert [p.name for p in snap[0].properties] == ["FN", "TEL"]


def test_concatenated_files_with_their_own_bom_read_clean() -> None:
    snap = cg.loads(ANN + b"\xef\xbb\xbfBEGIN:VCARD\r\n" + BOB)
    assert _names(snap) == ["Ann Lee", "Bob Lee"]
    assert snap.findings == ()


# ------------------------------------------------------------------------------------
# 2-3. UTF-8 cut at its end, or holding one card in another charset, stays UTF-8
# ------------------------------------------------------------------------------------

def test_utf8_cut_inside_its_last_character_stays_utf8() -> None:
    data = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jürgen Müller\r\nTEL:+4930901820\r\nEND:VCARD"
            "\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zoë").encode()[:-1]
    snap = cg.loads(data)
    decoding = snap.source.files[0].decoding
    assert decoding is not None and decoding.encoding == "utf-8"
    assert _names(snap) == ["Jürgen Müller", "Zo\ufffd"]
    assert [(f.kind, f.line, f.column) for f in snap.findings] == [
        ("undecodable-bytes", 8, 6), ("truncated-card", 6, 1)]


def test_one_cp1252_card_in_a_utf8_book_is_read_at_its_own_line() -> None:
    data = (ANN + b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ren\xe9 Lef\xe8vre\r\nTEL:+33612345678\r\n"
            b"END:VCARD\r\n" + ANN + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:José Núñez\r\n"
            "END:VCARD\r\n".encode())
    snap = cg.loads(data)
    assert _names(snap) == ["Ann Lee", "René Lefèvre", "Ann Lee", "José Núñez"]
    assert [(f.kind, f.line, f.contact) for f in snap.findings] == [
        ("undecodable-bytes", 8, 1)]
    assert "read as cp1252" in snap.findings[0].message
    assert snap.findings[0].severity is Severity.ERROR


def test_a_damaged_utf8_value_is_replaced_not_guessed() -> None:
    data = (ANN + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:José Núñez\r\nNOTE:Jos".encode()
            + b"\xc3\xa9\xff\r\nEND:VCARD\r\n")
    snap = cg.loads(data)
    note = snap[1].first("NOTE")
    assert note is not None and note.value == "José\ufffd"
    assert [(f.kind, f.line) for f in snap.findings] == [("undecodable-bytes", 9)]


# ------------------------------------------------------------------------------------
# 4. Short legacy files without CHARSET: the plausible reading
# ------------------------------------------------------------------------------------

SHORT = {
    "big5": ("FN:陳大文", "big5"),
    "gbk": ("FN:王小明", "gbk"),
    "gbk-n": ("N:李;娜", "gbk"),
    "shift_jis": ("FN:山田太郎", "shift_jis"),
    "euc_kr": ("FN:김민준", "euc_kr"),
    "cp1252": ("FN:Jürgen Müller", "cp1252"),
}


@pytest.mark.parametrize("case", sorted(SHORT))
def test_short_legacy_files_read_right(case: str) -> None:
    line, codec = SHORT[case]
    text = f"BEGIN:VCARD\r\nVERSION:2.1\r\n{line}\r\nTEL;CELL:+886912345678\r\nEND:VCARD\r\n"
    snap = cg.loads(text.encode(codec))
    prop = snap[0].properties[0]
    assert f"{prop.name}:{prop.value}" == line
    assert [(f.kind, f.severity) for f in snap.findings] == [
        ("charset-guessed", Severity.INFO)]


@pytest.mark.parametrize("name", ["郑伟", "强萍", "牛雪梅"])
def test_a_short_gbk_file_that_is_valid_utf8_by_chance_is_read_as_gbk(name: str) -> None:
    data = f"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:{name}\r\nEND:VCARD\r\n".encode("gbk")
    data.decode("utf-8")  # ('֣ΰ', 'ǿƼ', 'ţѩ÷')
    snap = cg.loads(data)
    assert snap[0].formatted_name == name
    assert [f.kind for f in snap.findings] == ["charset-guessed"]


@pytest.mark.parametrize("name", ["Марʼяна Демʼяненко", "Səlim Hacıbəyli", "Ἀλέξανδρος",
                                  "Иван Петров", "Доника Васовa", "יהודית", "Zoë Ø",
                                  "Łódź à Noël", "2×3 ¥"])
def test_utf8_text_in_any_script_stays_utf8(name: str) -> None:
    snap = cg.loads(f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEND:VCARD\r\n".encode())
    assert snap[0].formatted_name == name
    assert snap.findings == ()


def test_an_uncertain_guess_is_a_warning_that_names_the_candidates() -> None:
    snap = cg.loads("BEGIN:VCARD\r\nVERSION:2.1\r\nN:박;영자\r\nEND:VCARD\r\n".encode("euc_kr"))
    assert [(f.kind, f.severity) for f in snap.findings] == [
        ("charset-uncertain", Severity.WARNING)]
    assert "euc_kr" in snap.findings[0].message
    with pytest.raises(cg.ParseError):
        cg.loads("BEGIN:VCARD\r\nN:박;영자\r\nEND:VCARD\r\n".encode("euc_kr"), strict=True)


SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡"
GIVEN = ["伟", "芳", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟",
         "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "志强", "晓东", "海燕",
         "文", "华", "红梅", "俊杰", "子涵", "欣怡", "浩然", "雨桐", "嘉怡", "宇轩"]


def _names_for_test() -> list[str]:
    return [s + g for k, s in enumerate(SURNAMES) for g in GIVEN[k % 5 :: 5][:4]]


@pytest.mark.parametrize("codec", ["gbk", "big5"])
def test_generated_chinese_names_are_never_misread_silently(codec: str) -> None:
    """Simplified names in GBK; the same through OpenCC s2t in Big5 (Hong Kong, Taiwan)."""
    s2t = opencc.OpenCC("s2t")
    right = tried = 0
    for simplified in _names_for_test():
        name = simplified if codec == "gbk" else s2t.convert(simplified)
        try:
            data = (f"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:{name}\r\nTEL;CELL:+886912345678\r\n"
                    "END:VCARD\r\n").encode(codec)
        except UnicodeEncodeError:
            continue
        tried += 1
        snap = cg.loads(data)
        read = snap[0].formatted_name
        kinds = [f.kind for f in snap.findings]
        assert read == name or kinds == ["charset-uncertain"], (name, read, kinds)
        right += read == name and kinds == ["charset-guessed"]
    assert tried > 100 and right >= 0.95 * tried


def test_the_traditional_half_of_the_han_table_is_opencc_s2t_of_the_simplified() -> None:
    s2t = opencc.OpenCC("s2t")
    for ch in charsets.COMMON_HAN:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            continue
        assert set(s2t.convert(ch)) <= charsets.COMMON_HAN, ch


# ------------------------------------------------------------------------------------
# 5. A quoted-printable soft break before a property line ends the value
# ------------------------------------------------------------------------------------

def test_a_soft_break_before_a_property_does_not_swallow_it() -> None:
    snap = cg.loads(b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
                    b"=E5=BC=A0;=E4=B8=89;;;=\r\nTEL;CELL:+8613800138000\r\nEND:VCARD\r\n")
    assert snap[0].first("N") is not None
    assert snap[0].properties[0].value == "张;三;;;"
    assert snap[0].phones == ("+8613800138000",)
    assert [(f.kind, f.line, f.column, f.property) for f in snap.findings] == [
        ("bad-quoted-printable", 3, 65, "N")]


def test_android_soft_breaks_still_join() -> None:
    snap = cg.loads(b"BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
                    b"=E5=BC=A0;=\r\n=E4=B8=89;;;\r\nTEL;CELL:+8613800138000\r\nEND:VCARD\r\n")
    assert snap[0].properties[0].value == "张;三;;;"
    assert snap[0].phones == ("+8613800138000",)
    assert snap.findings == ()


# ------------------------------------------------------------------------------------
# 6. A backup of only empty cards backed up nothing
# ------------------------------------------------------------------------------------

@pytest.mark.parametrize("data", [
    b"BEGIN:VCARD\r\nEND:VCARD\r\n",
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:1\r\nREV:2024\r\nN:;;;;\r\nEND:VCARD\r\n" * 3,
])
def test_only_empty_cards_is_no_contacts(data: bytes) -> None:
    snap = cg.loads(data)
    bad = [f for f in snap.findings if f.kind == "no-contacts"]
    assert [(f.severity, f.contact) for f in bad] == [(Severity.ERROR, None)]
    assert "card" in bad[0].message


def test_some_empty_cards_among_real_ones_are_only_warnings() -> None:
    snap = cg.loads(b"BEGIN:VCARD\r\nEND:VCARD\r\n" + ANN)
    assert "no-contacts" not in [f.kind for f in snap.findings]
    assert [f.kind for f in cg.check(snap).findings] == ["missing-version", "empty-card"]


def test_a_card_of_notes_is_not_empty() -> None:
    snap = cg.loads(b"BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE:text\r\nEND:VCARD\r\n")
    assert snap.findings == ()


def test_a_member_of_only_empty_cards_is_an_empty_source() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.vcf", ANN)
        zf.writestr("b.vcf", b"BEGIN:VCARD\r\nEND:VCARD\r\n")
    snap = cg.loads(buf.getvalue())
    assert [(f.kind, (f.source or "").rpartition("!")[2]) for f in snap.findings
            if f.kind in {"empty-source", "no-contacts"}] == [("empty-source", "b.vcf")]


def test_what_is_not_data_is_the_fingerprints_volatile_set() -> None:
    assert framing.NOT_DATA == VOLATILE_PROPERTIES
    assert framing.NOT_DATA_PREFIXES == _VOLATILE_PREFIXES


# ------------------------------------------------------------------------------------
# 7. Columns and words
# ------------------------------------------------------------------------------------

def test_bad_quoted_printable_points_at_the_bad_equals_sign() -> None:
    snap = cg.loads(b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN:A\r\n"
                    b"NOTE;ENCODING=QUOTED-PRINTABLE:hello=ZZworld\r\nEND:VCARD\r\n")
    assert [(f.kind, f.line, f.column) for f in snap.findings] == [
        ("bad-quoted-printable", 4, 37)]


def test_an_icalendar_file_is_said_once() -> None:
    snap = cg.loads(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    assert snap.findings[0].message == ("this is an iCalendar file, not vCard or a contacts "
                                        "CSV; nothing was read")


@pytest.mark.parametrize("codec", ["cp1251", "koi8_r"])
@pytest.mark.parametrize("name", ["Иван Петров", "Мария Смирнова", "Алексей Кузнецов"])
def test_a_short_russian_legacy_file_reads_in_its_cyrillic_charset(codec: str,
                                                                   name: str) -> None:
    """An old Russian phone's export, no CHARSET: Windows-1251 or KOI8-R, not Chinese."""
    data = ("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:" + name
            + "\r\nTEL:+7 495 123 45 67\r\nEND:VCARD\r\n").encode(codec)
    snap = cg.loads(data)
    assert snap[0].formatted_name == name
    assert {f.kind for f in snap.findings} <= {"charset-guessed", "charset-uncertain"}


@pytest.mark.parametrize(("text", "names", "kinds"), [
    # a card that repeats its VERSION line is one card
    ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\nVERSION:3.0\r\n"
     "TEL:+14155550101\r\nEMAIL:ann@example.com\r\nEND:VCARD\r\n", ["Ann Lee"], []),
    # a preamble with a VERSION and a TITLE line before the first card is no contact
    ("Exported by Foo\r\nVERSION:3.0\r\nTITLE:Contacts export\r\n\r\nBEGIN:VCARD\r\n"
     "VERSION:3.0\r\nFN:Ann\r\nTEL:+14155550101\r\nEND:VCARD\r\n", ["Ann"], ["outside-card"]),
    # nor is a trailer of text, a NOTE and an END after the last card
    ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nTEL:+14155550101\r\nEND:VCARD\r\n--\r\n"
     "Sent from my phone\r\nNOTE:foo\r\nEND:VCARD\r\n", ["Ann"], ["outside-card"]),
    # a card whose BEGIN and END were both lost, with a name and a number, is still one
    ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann\r\nEND:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\n"
     "TEL:+12127365000\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy\r\nEND:VCARD\r\n",
     ["Ann", "Bob", "Cy"], ["truncated-card", "missing-begin"]),
])
def test_text_outside_cards_becomes_a_contact_only_on_strong_evidence(
        text: str, names: list[str], kinds: list[str]) -> None:
    snap = cg.loads(text)
    assert [c.formatted_name for c in snap] == names
    assert [f.kind for f in snap.findings] == kinds
