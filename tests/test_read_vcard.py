"""The vCard reader: 2.1/3.0/4.0 as phones write them, file charsets, fault isolation,
line numbers, strictness, and the golden corpus in ``tests/data/read``.

Inputs are written as one string per line (``_vcf(...)``) so that the line number of
each is its 1-based position in the argument list.
"""

from __future__ import annotations

import base64
import json
import quopri
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import contactguard
import strategies
from contactguard import Contact, ParseError, Property, Severity, Snapshot, loads

DATA = Path(__file__).parent / "data" / "read"

PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108020000009077"
                    "53de0000000c4944415408d763f8ffff3f0005fe02fea7d6a5c80000000049454e44ae426082")
PNG_B64 = base64.b64encode(PNG).decode("ascii")


def _vcf(*lines: str, end: str = "\r\n") -> str:
    return end.join(lines) + end


def _qp(raw: bytes) -> str:
    return quopri.encodestring(raw, quotetabs=True).decode("ascii").replace("=\n", "=\r\n")


def _found(snap: Snapshot) -> list[tuple[str, int | None, int | None]]:
    """(kind, line, contact) of every finding, in order."""
    return [(f.kind, f.line, f.contact) for f in snap.findings]


def _one(snap: Snapshot) -> Contact:
    assert len(snap) == 1
    return snap[0]


# ------------------------------------------------------------------------------------
# Android vCard 2.1
# ------------------------------------------------------------------------------------


def test_android_qp_utf8_with_soft_line_breaks_and_bare_params() -> None:
    text = _vcf(
        "BEGIN:VCARD",                                                           # 1
        "VERSION:2.1",                                                           # 2
        "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E6=AC=A7=E9=98=B3;=E5=BF=",  # 3
        "=97=E5=BC=BA;;;",                                                       # 4
        "FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=E6=AC=A7=E9=98=B3=E5=BF=97=",
        "=E5=BC=BA",                                                             # 6
        "NOTE;ENCODING=QUOTED-PRINTABLE:line one=0D=0Aline two, =",              # 7
        "and three; end",                                                        # 8
        "TEL;CELL;VOICE:138 0013 8000",                                          # 9
        "TEL;HOME:010-1234-5678",                                                # 10
        "END:VCARD",                                                             # 11
    )
    snap = loads(text)
    card = _one(snap)
    assert snap.findings == ()
    assert card.version == "2.1"
    assert card.line == 1
    assert card.properties == (
        Property("N", "欧阳;志强;;;"),
        Property("FN", "欧阳志强"),
        Property("NOTE", "line one\\nline two\\, and three\\; end"),
        Property("TEL", "138 0013 8000", (("TYPE", "CELL,VOICE"),)),
        Property("TEL", "010-1234-5678", (("TYPE", "HOME"),)),
    )
    assert card.property_lines == (3, 5, 7, 9, 10)
    assert card.name == contactguard.StructuredName("欧阳", "志强")
    assert card.first("NOTE") is not None
    assert card.first("NOTE").text == "line one\nline two, and three; end"  # type: ignore[union-attr]


@pytest.mark.parametrize(("charset", "codec", "name"), [
    ("GBK", "gbk", "张伟"),
    ("GB2312", "gb2312", "李娜"),
    ("GB18030", "gb18030", "王秀英"),
    ("Big5", "big5", "陳大文"),
    ("BIG5", "big5", "張偉"),
    ("SHIFT_JIS", "shift_jis", "山田太郎"),
])
def test_android_qp_legacy_charsets(charset: str, codec: str, name: str) -> None:
    text = _vcf("BEGIN:VCARD", "VERSION:2.1",
                f"FN;CHARSET={charset};ENCODING=QUOTED-PRINTABLE:{_qp(name.encode(codec))}",
                "END:VCARD")
    snap = loads(text)
    assert _one(snap).properties == (Property("FN", name),)
    assert snap.findings == ()


def test_8bit_gbk_value_in_utf8_file() -> None:
    data = (b"BEGIN:VCARD\r\nVERSION:2.1\r\n"                    # 1, 2
            b"N;CHARSET=GBK:" + "张;伟".encode("gbk") + b";;;\r\n"  # 3
            b"FN;CHARSET=GBK:" + "张伟".encode("gbk") + b"\r\n"    # 4
            b"NOTE:\xe4\xbd\xa0\xe5\xa5\xbd\r\n"                     # 5: plain UTF-8
            b"END:VCARD\r\n")
    snap = loads(data)
    card = _one(snap)
    assert card.properties == (Property("N", "张;伟;;;"), Property("FN", "张伟"),
                               Property("NOTE", "你好"))
    assert snap.findings == ()
    assert snap.source.files[0].decoding is not None
    assert snap.source.files[0].decoding.encoding == "utf-8"


def test_wrong_charset_label_is_charset_mismatch() -> None:
    text = _vcf("BEGIN:VCARD", "VERSION:2.1",
                f"FN;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:{_qp('张伟'.encode())}",   # 3
                f"NOTE;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:{_qp('Müller'.encode())}",
                f"ORG;CHARSET=BIG5;ENCODING=QUOTED-PRINTABLE:{_qp('示例公司'.encode())}",
                "END:VCARD")
    snap = loads(text)
    assert _one(snap).properties == (Property("FN", "张伟"), Property("NOTE", "Müller"),
                                     Property("ORG", "示例公司"))
    assert _found(snap) == [("charset-mismatch", 3, 0), ("charset-mismatch", 4, 0),
                            ("charset-mismatch", 5, 0)]
    assert {f.severity for f in snap.findings} == {Severity.WARNING}
    assert [f.property for f in snap.findings] == ["FN", "NOTE", "ORG"]


def test_right_latin1_label_is_not_a_mismatch() -> None:
    text = _vcf("BEGIN:VCARD", "VERSION:2.1",
                f"FN;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:{_qp('Müller'.encode('latin-1'))}",
                "END:VCARD")
    snap = loads(text)
    assert _one(snap).properties == (Property("FN", "Müller"),)
    assert snap.findings == ()


def test_unknown_charset() -> None:
    text = _vcf("BEGIN:VCARD", "VERSION:2.1",
                "FN;CHARSET=X-KLINGON;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0=E4=BC=9F", "END:VCARD")
    snap = loads(text)
    assert _one(snap).properties == (Property("FN", "张伟"),)
    assert _found(snap) == [("unknown-charset", 3, 0)]
    assert snap.findings[0].severity is Severity.WARNING
    assert "X-KLINGON" in snap.findings[0].message


def test_undecodable_bytes_in_labelled_value() -> None:
    text = _vcf("BEGIN:VCARD", "VERSION:2.1",
                "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:A=FFB", "END:VCARD")
    snap = loads(text)
    assert _one(snap).properties == (Property("FN", "A\ufffdB"),)
    assert _found(snap) == [("undecodable-bytes", 3, 0)]


def test_vcard21_escaping_is_canonicalised() -> None:
    text = _vcf("BEGIN:VCARD", "VERSION:2.1", "N:Doe;John;;;", "NOTE:a, b\\; c\\d",
                "ORG:A\\;B;Dept", "CATEGORIES:x,y", "TEL:+1,2", "END:VCARD")
    card = _one(loads(text))
    assert card.properties == (
        Property("N", "Doe;John;;;"),
        Property("NOTE", "a\\, b\\; c\\\\d"),
        Property("ORG", "A\\;B;Dept"),
        Property("CATEGORIES", "x,y"),
        Property("TEL", "+1,2"),
    )


def test_vcard21_base64_photo_runs_until_blank_line() -> None:
    body = PNG_B64
    text = _vcf("BEGIN:VCARD", "VERSION:2.1", "FN:Pic",
                "PHOTO;ENCODING=BASE64;PNG:" + body[:30],   # 4
                "  " + body[30:60], body[60:], "",           # 5, 6, 7
                "TEL:1", "END:VCARD")                         # 8, 9
    snap = loads(text)
    card = _one(snap)
    assert card.properties == (Property("FN", "Pic"),
                               Property("PHOTO", body, (("ENCODING", "B"), ("TYPE", "PNG"))),
                               Property("TEL", "1"))
    assert card.property_lines == (3, 4, 8)
    assert snap.findings == ()


# ------------------------------------------------------------------------------------
# Apple vCard 3.0 and vCard 4.0
# ------------------------------------------------------------------------------------


def test_apple_groups_labels_and_repeated_type_params() -> None:
    text = _vcf(
        "BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
        "N:Lovelace;Ada;;;", "FN:Ada Lovelace",
        "EMAIL;type=INTERNET;type=HOME;type=pref:ada@example.com",   # 6
        "item1.TEL;type=CELL;type=VOICE;type=pref:+44 20 7946 0000",  # 7
        "item1.X-ABLabel:_$!<Mobile>!$_",                             # 8
        "item2.URL;type=pref:https://example.org",                   # 9
        "item2.X-ABLabel:_$!<HomePage>!$_",
        "END:VCARD",
    )
    card = _one(loads(text))
    assert card.properties[3:] == (
        Property("EMAIL", "ada@example.com", (("TYPE", "INTERNET,HOME,pref"),)),
        Property("TEL", "+44 20 7946 0000", (("TYPE", "CELL,VOICE,pref"),), "item1"),
        Property("X-ABLABEL", "_$!<Mobile>!$_", (), "item1"),
        Property("URL", "https://example.org", (("TYPE", "pref"),), "item2"),
        Property("X-ABLABEL", "_$!<HomePage>!$_", (), "item2"),
    )
    assert card.get_all("x-ablabel")[0].group == "item1"
    assert card.properties[4].types == frozenset({"CELL", "VOICE", "PREF"})


def test_mixed_params_are_merged_and_sorted() -> None:
    text = _vcf("BEGIN:VCARD", "VERSION:3.0",
                'TEL;X-LABEL="a;b:c";type=WORK;TYPE=fax;VALUE=text:1', "END:VCARD")
    assert _one(loads(text)).properties == (
        Property("TEL", "1", (("TYPE", "WORK,fax"), ("VALUE", "text"), ("X-LABEL", "a;b:c"))),)


def test_folded_lines_space_and_tab() -> None:
    text = _vcf("BEGIN:VCARD", "VERSION:3.0",
                "NOTE:This is a lo", " ng note fol", "\tded twice",   # 3, 4, 5
                "FN:A", "END:VCARD")                                  # 6, 7
    card = _one(loads(text))
    assert card.properties == (Property("NOTE", "This is a long note folded twice"),
                               Property("FN", "A"))
    assert card.property_lines == (3, 6)


@pytest.mark.parametrize("folded", [False, True])
def test_base64_photo_encoding_b(folded: bool) -> None:
    head = "PHOTO;ENCODING=b;TYPE=PNG:"
    lines = ([head + PNG_B64] if not folded else
             [head + PNG_B64[:40], *(" " + PNG_B64[i:i + 60] for i in range(40, len(PNG_B64), 60))])
    snap = loads(_vcf("BEGIN:VCARD", "VERSION:3.0", "FN:P", *lines, "END:VCARD"))
    assert _one(snap).properties == (
        Property("FN", "P"), Property("PHOTO", PNG_B64, (("ENCODING", "B"), ("TYPE", "PNG"))))
    assert snap.findings == ()
    assert snap[0].properties[1].is_binary


def test_vcard4_data_uri_photo_is_canonicalised() -> None:
    v4 = loads(_vcf("BEGIN:VCARD", "VERSION:4.0", "FN:P",
                    f"PHOTO:data:image/png;base64,{PNG_B64}", "END:VCARD"))
    v3 = loads(_vcf("BEGIN:VCARD", "VERSION:3.0", "FN:P",
                    f"PHOTO;ENCODING=b;TYPE=PNG:{PNG_B64}", "END:VCARD"))
    assert _one(v4).properties[1] == Property("PHOTO", PNG_B64,
                                              (("ENCODING", "B"), ("TYPE", "PNG")))
    assert v4[0] == v3[0]
    assert v4.findings == ()


def test_vcard4_photo_uri_is_kept_as_written() -> None:
    card = _one(loads(_vcf("BEGIN:VCARD", "VERSION:4.0",
                           "PHOTO;MEDIATYPE=image/jpeg:https://example.com/a.jpg", "END:VCARD")))
    assert card.properties == (Property("PHOTO", "https://example.com/a.jpg",
                                        (("MEDIATYPE", "image/jpeg"),)),)
    assert not card.properties[0].is_binary


# ------------------------------------------------------------------------------------
# Files: charsets, BOMs, line ends
# ------------------------------------------------------------------------------------

CJK_CARD = _vcf("BEGIN:VCARD", "VERSION:3.0", "N:张;伟;;;", "FN:张伟",
                "NOTE:Müller café 😀", "END:VCARD")
CJK_PROPS = (Property("N", "张;伟;;;"), Property("FN", "张伟"),
             Property("NOTE", "Müller café 😀"))


@pytest.mark.parametrize(("codec", "encoding", "method", "bom"), [
    ("utf-8", "utf-8", "utf-8", False),
    ("utf-8-sig", "utf-8", "bom", True),
    ("utf-16", "utf-16-le", "bom", True),            # CPython writes a little-endian BOM
    ("utf-16-le", "utf-16-le", "utf-16-sniffed", False),
    ("utf-16-be", "utf-16-be", "utf-16-sniffed", False),
])
def test_unicode_files(codec: str, encoding: str, method: str, bom: bool) -> None:
    snap = loads(CJK_CARD.encode(codec))
    assert _one(snap).properties == CJK_PROPS
    assert snap.findings == ()
    assert snap.source.files[0].decoding == contactguard.Decoding(encoding, method, bom=bom)


def test_utf16_be_with_bom() -> None:
    snap = loads(b"\xfe\xff" + CJK_CARD.encode("utf-16-be"))
    assert _one(snap).properties == CJK_PROPS
    assert snap.source.files[0].decoding == contactguard.Decoding("utf-16-be", "bom", bom=True)


GB_BOOK = _vcf(
    "BEGIN:VCARD", "VERSION:3.0", "N:张;伟;;;", "FN:张伟", "ORG:北京示例科技有限公司",
    "NOTE:周末联系，电话不通时发短信", "END:VCARD",
    "BEGIN:VCARD", "VERSION:3.0", "N:王;秀英;;;", "FN:王秀英", "ADR:;;朝阳区建国路;北京;;;中国",
    "END:VCARD")
BIG5_BOOK = _vcf(
    "BEGIN:VCARD", "VERSION:3.0", "N:陳;大文;;;", "FN:陳大文", "ORG:香港示例有限公司",
    "NOTE:週末聯絡，電話不通時請發短訊", "END:VCARD",
    "BEGIN:VCARD", "VERSION:3.0", "N:張;美玲;;;", "FN:張美玲", "ADR:;;中環皇后大道;香港;;;",
    "END:VCARD")


@pytest.mark.parametrize(("book", "codec"), [(GB_BOOK, "gb18030"), (BIG5_BOOK, "big5")])
def test_legacy_cjk_files_are_detected(book: str, codec: str) -> None:
    snap = loads(book.encode(codec))
    assert list(snap) == list(loads(book))
    assert [c.formatted_name for c in snap] == [c.formatted_name for c in loads(book)]
    assert _found(snap) == [("charset-guessed", None, None)]
    assert snap.findings[0].severity is Severity.INFO
    decoding = snap.source.files[0].decoding
    assert decoding is not None
    assert decoding.encoding == codec
    assert decoding.method == "detected"


def test_latin1_file() -> None:
    book = _vcf("BEGIN:VCARD", "VERSION:3.0", "N:Müller;José;;;", "FN:José Müller",
                "NOTE:Straße in Köln\\, größer als Ångström", "END:VCARD")
    snap = loads(book.encode("latin-1"))
    assert _one(snap).properties == (Property("N", "Müller;José;;;"),
                                     Property("FN", "José Müller"),
                                     Property("NOTE", "Straße in Köln\\, größer als Ångström"))
    assert [f.kind for f in snap.findings] == ["charset-guessed"]


def test_explicit_encoding_wins() -> None:
    snap = loads(GB_BOOK.encode("gb18030"), encoding="gb18030")
    assert list(snap) == list(loads(GB_BOOK))
    assert snap.findings == ()


@pytest.mark.parametrize("end", ["\n", "\r", "\r\n"])
def test_line_ends_give_identical_contacts(end: str) -> None:
    lines = ["BEGIN:VCARD", "VERSION:2.1", "N;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=E5=BC=",
             "=A0;=E4=BC=9F;;;", "NOTE:fol", " ded", "TEL;CELL:1", "END:VCARD",
             "BEGIN:VCARD", "VERSION:3.0", "FN:Second", "END:VCARD"]
    snap = loads(_vcf(*lines, end=end).encode())
    assert [c.properties for c in snap] == [
        (Property("N", "张;伟;;;"), Property("NOTE", "folded"),
         Property("TEL", "1", (("TYPE", "CELL"),))),
        (Property("FN", "Second"),)]
    assert [c.line for c in snap] == [1, 9]
    assert snap.findings == ()


def test_lowercase_begin_end_and_missing_version() -> None:
    snap = loads(_vcf("begin:vcard", "fn:Lower", "tel;type=cell:1", "end:vcard",
                      "Begin:VCard", "Version:3.0", "Fn:Mixed", "End:VCard"))
    assert [c.properties for c in snap] == [
        (Property("FN", "Lower"), Property("TEL", "1", (("TYPE", "cell"),))),
        (Property("FN", "Mixed"),)]
    assert [c.version for c in snap] == [None, "3.0"]
    assert _found(snap) == [("missing-version", 1, 0)]
    assert snap.findings[0].severity is Severity.INFO


def test_unknown_version() -> None:
    snap = loads(_vcf("BEGIN:VCARD", "VERSION:5.0", "FN:Future", "END:VCARD"))
    assert _one(snap).properties == (Property("FN", "Future"),)
    assert _found(snap) == [("unknown-version", 2, 0)]


def test_junk_between_cards_one_finding_per_run() -> None:
    snap = loads(_vcf(
        "Exported by SomeApp",                          # 1  run 1 (2 lines)
        "------",                                       # 2
        "BEGIN:VCARD", "VERSION:3.0", "FN:A", "END:VCARD",  # 3-6
        "garbage one",                                  # 7  run 2 (3 lines)
        "garbage: two",                                 # 8
        "",                                             # 9  blank lines are not junk
        "garbage three",                                # 10
        "BEGIN:VCARD", "VERSION:3.0", "FN:B", "END:VCARD",  # 11-14
        "trailer",                                      # 15 run 3 (1 line)
    ))
    assert [c.formatted_name for c in snap] == ["A", "B"]
    assert [c.line for c in snap] == [3, 11]
    assert _found(snap) == [("outside-card", 1, None), ("outside-card", 7, None),
                            ("outside-card", 15, None)]
    assert [f.message for f in snap.findings] == [
        "2 lines outside any card ignored", "3 lines outside any card ignored",
        "line outside any card ignored"]


def test_end_without_begin() -> None:
    snap = loads(_vcf("BEGIN:VCARD", "VERSION:3.0", "FN:A", "END:VCARD",
                      "END:VCARD",                                      # 5
                      "BEGIN:VCARD", "VERSION:3.0", "FN:B", "END:VCARD"))
    assert [c.formatted_name for c in snap] == ["A", "B"]
    assert _found(snap) == [("unexpected-end", 5, None)]
    assert snap.findings[0].severity is Severity.WARNING


# ------------------------------------------------------------------------------------
# Fault isolation
# ------------------------------------------------------------------------------------


def test_unparsable_lines_cost_only_themselves() -> None:
    snap = loads(_vcf(
        "BEGIN:VCARD", "VERSION:3.0", "FN:First", "END:VCARD",      # 1-4
        "BEGIN:VCARD", "VERSION:3.0", "FN:Broken",                  # 5-7
        "this line has no colon",                                   # 8
        "b@d name:value",                                           # 9
        "TEL:+1 650 253 0000",                                      # 10
        "END:VCARD",                                                # 11
        "BEGIN:VCARD", "VERSION:3.0", "FN:Third", "END:VCARD",      # 12-15
    ))
    assert [c.properties for c in snap] == [
        (Property("FN", "First"),),
        (Property("FN", "Broken"), Property("TEL", "+1 650 253 0000")),
        (Property("FN", "Third"),)]
    assert [c.line for c in snap] == [1, 5, 12]
    assert snap[1].property_lines == (7, 10)
    assert _found(snap) == [("unparsable-line", 8, 1), ("unparsable-line", 9, 1)]
    assert all(f.severity is Severity.ERROR for f in snap.findings)


def test_truncated_last_card_is_kept() -> None:
    snap = loads("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n"
                 "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cut\r\nTEL:+86 138 00")
    assert [c.properties for c in snap] == [
        (Property("FN", "A"),), (Property("FN", "Cut"), Property("TEL", "+86 138 00"))]
    assert [c.complete for c in snap] == [True, False]
    assert _found(snap) == [("truncated-card", 5, 1)]


def test_begin_inside_card_keeps_both() -> None:
    snap = loads(_vcf("BEGIN:VCARD", "VERSION:3.0", "FN:No end", "TEL:1",   # 1-4
                      "BEGIN:VCARD", "VERSION:3.0", "FN:Next", "END:VCARD"))  # 5-8
    assert [c.properties for c in snap] == [
        (Property("FN", "No end"), Property("TEL", "1")), (Property("FN", "Next"),)]
    assert [(c.line, c.complete) for c in snap] == [(1, False), (5, True)]
    assert _found(snap) == [("truncated-card", 1, 0)]


def test_bad_quoted_printable() -> None:
    snap = loads(_vcf("BEGIN:VCARD", "VERSION:2.1",
                      "FN;ENCODING=QUOTED-PRINTABLE:Ab=ZZcd=41", "TEL:1", "END:VCARD"))
    assert _one(snap).properties == (Property("FN", "Ab=ZZcdA"), Property("TEL", "1"))
    assert _found(snap) == [("bad-quoted-printable", 3, 0)]
    assert snap.findings[0].column == 32  # (the '=' itself, not the value's start)


def test_bad_base64() -> None:
    snap = loads(_vcf("BEGIN:VCARD", "VERSION:3.0", "FN:A",
                      "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AA*!", "TEL:1", "END:VCARD",
                      "BEGIN:VCARD", "VERSION:3.0", "PHOTO;ENCODING=b:AAAAA", "END:VCARD"))
    assert [c.properties for c in snap] == [
        (Property("FN", "A"), Property("PHOTO", "/9j/4AA*!", (("ENCODING", "B"), ("TYPE", "JPEG"))),
         Property("TEL", "1")),
        (Property("PHOTO", "AAAAA", (("ENCODING", "B"),)),)]
    assert _found(snap) == [("bad-base64", 4, 0), ("bad-base64", 9, 1)]


def test_nul_bytes_have_line_and_column() -> None:
    snap = loads(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\x00da\r\nEND:VCARD\r\n"
                 b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:B\r\nNOTE:x\x00\x00y\r\nEND:VCARD\r\n")
    assert [c.properties for c in snap] == [(Property("FN", "Ada"),),
                                            (Property("FN", "B"), Property("NOTE", "xy"))]
    assert [(f.kind, f.line, f.column, f.contact) for f in snap.findings] == [
        ("nul-byte", 3, 5, 0), ("nul-byte", 8, 7, 1)]
    assert snap.findings[1].message == "2 NUL byte(s) removed from the line"


def test_agent_nested_card_is_kept_as_value() -> None:
    snap = loads(_vcf(
        "BEGIN:VCARD", "VERSION:2.1", "N:Boss;Big", "AGENT:",      # 1-4
        "BEGIN:VCARD", "VERSION:2.1", "N:Secretary;Sue",           # 5-7
        "TEL;WORK:+1 650 253 0001", "END:VCARD",                   # 8-9
        "TEL;WORK:+1 650 253 0000", "END:VCARD",                   # 10-11
        "BEGIN:VCARD", "VERSION:2.1", "N:Next;Ned", "END:VCARD",   # 12-15
    ))
    assert [c.properties for c in snap] == [
        (Property("N", "Boss;Big"),
         Property("AGENT", "BEGIN:VCARD\\nVERSION:2.1\\nN:Secretary\\;Sue\\n"
                           "TEL\\;WORK:+1 650 253 0001\\nEND:VCARD"),
         Property("TEL", "+1 650 253 0000", (("TYPE", "WORK"),))),
        (Property("N", "Next;Ned"),)]
    assert [(c.line, c.complete) for c in snap] == [(1, True), (12, True)]
    assert _found(snap) == [("nested-card", 5, 0)]
    assert snap.findings[0].severity is Severity.INFO


def test_every_neighbour_survives_a_damaged_book() -> None:
    good = [_vcf("BEGIN:VCARD", "VERSION:3.0", f"FN:Good {i}", f"TEL:+1 650 253 00{i:02d}",
                 "END:VCARD") for i in range(4)]
    damaged = [
        _vcf("BEGIN:VCARD", "VERSION:3.0", "FN:Bad 0", "no colon", "END:VCARD"),
        _vcf("BEGIN:VCARD", "VERSION:2.1", "FN;ENCODING=QUOTED-PRINTABLE:=Z", "END:VCARD"),
        _vcf("BEGIN:VCARD", "VERSION:3.0", "FN:Bad 2", "PHOTO;ENCODING=b:!!", "END:VCARD"),
    ]
    text = good[0] + damaged[0] + good[1] + damaged[1] + good[2] + damaged[2] + good[3]
    snap = loads(text)
    assert len(snap) == 7
    for i, c in zip((0, 2, 4, 6), good, strict=True):
        assert snap[i] == _one(loads(c))
    assert [(f.kind, f.contact) for f in snap.findings] == [
        ("unparsable-line", 1), ("bad-quoted-printable", 3), ("bad-base64", 5)]


def test_line_numbers_count_folds_qp_and_blank_lines() -> None:
    snap = loads(_vcf(
        "",                                                   # 1
        "BEGIN:VCARD", "VERSION:2.1",                         # 2-3
        "NOTE;ENCODING=QUOTED-PRINTABLE:a=", "b=", "c",       # 4-6
        "FN:x", " y", "",                                     # 7-9
        "TEL:1", "END:VCARD",                                 # 10-11
        "", "",                                               # 12-13
        "BEGIN:VCARD", "VERSION:3.0", "FN:z", "bad", "END:VCARD"))  # 14-18
    assert [c.line for c in snap] == [2, 14]
    assert snap[0].property_lines == (4, 7, 10)
    assert snap[0].line_of(2) == 10
    assert snap[1].property_lines == (16,)
    assert _found(snap) == [("unparsable-line", 17, 1)]


# ------------------------------------------------------------------------------------
# strict=True
# ------------------------------------------------------------------------------------

GBK_QP = _qp("张伟".encode())
STRICT_CASES = {
    "unparsable-line": (_vcf("BEGIN:VCARD", "VERSION:3.0", "FN:A", "garbage", "END:VCARD"),
                        4, 1),
    "truncated-card": (_vcf("BEGIN:VCARD", "VERSION:3.0", "FN:A"), 1, 1),
    "truncated-card-begin": (_vcf("BEGIN:VCARD", "VERSION:3.0", "FN:A", "BEGIN:VCARD",
                                  "VERSION:3.0", "END:VCARD"), 1, 1),
    "unexpected-end": (_vcf("BEGIN:VCARD", "VERSION:3.0", "END:VCARD", "END:VCARD"), 4, 1),
    "outside-card": (_vcf("junk", "BEGIN:VCARD", "VERSION:3.0", "END:VCARD"), 1, 1),
    "unknown-version": (_vcf("BEGIN:VCARD", "VERSION:7", "END:VCARD"), 2, 9),
    "bad-quoted-printable": (_vcf("BEGIN:VCARD", "VERSION:2.1",
                                  "FN;ENCODING=QUOTED-PRINTABLE:=ZZ", "END:VCARD"), 3, 30),
    "bad-base64": (_vcf("BEGIN:VCARD", "VERSION:3.0", "PHOTO;ENCODING=b:*", "END:VCARD"),
                   3, 18),
    "charset-mismatch": (_vcf("BEGIN:VCARD", "VERSION:2.1",
                              f"FN;CHARSET=GBK;ENCODING=QUOTED-PRINTABLE:{GBK_QP}",
                              "END:VCARD"), 3, 42),
    "unknown-charset": (_vcf("BEGIN:VCARD", "VERSION:2.1",
                             "FN;CHARSET=NOPE;ENCODING=QUOTED-PRINTABLE:=41", "END:VCARD"), 3, 43),
    "nul-byte": (_vcf("BEGIN:VCARD", "VERSION:3.0", "FN:A\x00", "END:VCARD"), 3, 5),
    "undecodable-bytes": (_vcf("BEGIN:VCARD", "VERSION:2.1",
                               "FN;ENCODING=QUOTED-PRINTABLE:=FF", "END:VCARD"), 3, 30),
}


@pytest.mark.parametrize("case", sorted(STRICT_CASES))
def test_strict_raises_parse_error_with_position(case: str) -> None:
    text, line, column = STRICT_CASES[case]
    kind = case.removesuffix("-begin")
    assert kind in [f.kind for f in loads(text, source="book.vcf").findings]
    with pytest.raises(ParseError) as info:
        loads(text, strict=True, source="book.vcf")
    err = info.value
    assert isinstance(err, ValueError)
    assert isinstance(err, contactguard.ContactGuardError)
    assert (err.kind, err.source, err.line, err.column) == (kind, "book.vcf", line, column)
    assert str(err).endswith(f"(in book.vcf, at line {line}, column {column})")


def test_strict_ignores_info_findings() -> None:
    text = _vcf("begin:vcard", "fn:no version", "AGENT:", "BEGIN:VCARD", "FN:x", "END:VCARD",
                "end:vcard")
    snap = loads(text, strict=True)
    assert [f.kind for f in snap.findings] == ["nested-card", "missing-version"]
    assert loads(GB_BOOK.encode("gb18030"), strict=True).findings[0].kind == "charset-guessed"


# ------------------------------------------------------------------------------------
# Never raises
# ------------------------------------------------------------------------------------


def _check_snapshot(snap: Snapshot) -> None:
    assert isinstance(snap, Snapshot)
    for f in snap.findings:
        assert f.kind in contactguard.KINDS
        assert f.contact is None or 0 <= f.contact < len(snap)
    for c in snap:
        assert c.line is None or c.line >= 1
        assert len(c.property_lines) == len(c.properties)


def _check_strict(data: str | bytes) -> None:
    """``strict=True`` either gives a snapshot without warnings or raises ParseError."""
    error: ParseError | None = None
    try:
        snap = loads(data, strict=True)
    except ParseError as err:
        error = err
    else:
        _check_snapshot(snap)
        assert all(f.severity is Severity.INFO for f in snap.findings)
    assert error is None or error.kind in contactguard.KINDS


@given(data=st.one_of(st.binary(max_size=400), strategies.vcard_soup()))
@settings(max_examples=200, deadline=None)
def test_loads_any_bytes_never_raises(data: bytes) -> None:
    _check_snapshot(loads(data))
    _check_strict(data)


@given(text=st.one_of(st.text(max_size=300),
                      strategies.vcard_soup().map(lambda b: b.decode("utf-8", "replace"))))
@settings(max_examples=200, deadline=None)
def test_loads_any_text_never_raises(text: str) -> None:
    _check_snapshot(loads(text))
    _check_strict(text)


# ------------------------------------------------------------------------------------
# Golden corpus: tests/data/read/<name>.<ext> with <name>.json next to it (tomli style)
# ------------------------------------------------------------------------------------

GOLDEN_INPUTS = sorted(p for p in DATA.iterdir() if p.suffix != ".json"
                       and not p.name.startswith("."))


def snapshot_json(snap: Snapshot) -> dict[str, Any]:
    """The expected-output form: properties as [group, name, params, value]."""
    return {
        "contacts": [{"line": c.line, "version": c.version, "complete": c.complete,
                      "properties": [[p.group, p.name, [list(kv) for kv in p.params], p.value]
                                     for p in c.properties]} for c in snap],
        "findings": [{"kind": f.kind, "severity": f.severity.value, "line": f.line,
                      "contact": f.contact} for f in snap.findings],
    }


@pytest.mark.parametrize("path", GOLDEN_INPUTS, ids=[p.name for p in GOLDEN_INPUTS])
def test_golden(path: Path) -> None:
    expected = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    snap = contactguard.load(path)
    assert snapshot_json(snap) == expected


def test_golden_corpus_is_complete() -> None:
    assert len(GOLDEN_INPUTS) >= 10
    for path in GOLDEN_INPUTS:
        assert path.with_suffix(".json").is_file(), path
    for path in DATA.glob("*.json"):
        assert any(p.stem == path.stem for p in GOLDEN_INPUTS), path


if __name__ == "__main__":  # regenerate expected outputs: python tests/test_read_vcard.py
    for path in GOLDEN_INPUTS:
        text = json.dumps(snapshot_json(contactguard.load(path)), ensure_ascii=False, indent=1)
        path.with_suffix(".json").write_text(text + "\n", encoding="utf-8")


def test_formatted_name_built_from_a_cjk_n_puts_the_family_name_first() -> None:
    snap = loads("BEGIN:VCARD\nVERSION:3.0\nN:张;伟;;;\nEND:VCARD\n"
                 "BEGIN:VCARD\nVERSION:3.0\nN:Lovelace;Ada;;Lady;\nEND:VCARD\n")
    assert [c.formatted_name for c in snap] == ["张伟", "Lady Ada Lovelace"]
