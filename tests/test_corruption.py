"""Tests for the value-level corruption detectors (`contactguard._corruption`)."""

from __future__ import annotations

import base64
import io
import itertools
import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contactguard._detect import decode_base64
from contactguard._detect.images import check_image, sniff_image_type
from contactguard._detect.problems import ValueProblem
from contactguard._detect.text import check_text

# ------------------------------------------------------------------------------------
# a corpus of real-looking names: (given names, family names, "family first?") per culture
# ------------------------------------------------------------------------------------

CULTURES: dict[str, tuple[list[str], list[str], bool]] = {
    "spanish": (["José", "María", "Iñaki", "Sofía", "Ramón"],
                ["García", "Muñoz", "Peña", "Ibáñez"], False),
    "portuguese": (["João", "Conceição", "Inês"], ["Gonçalves", "Simões", "Assunção"], False),
    "french": (["François", "Zoë", "Hélène", "Anaïs", "Jérôme"],
               ["Lefèvre", "Bélanger", "Côté", "Désirée"], False),
    "german": (["Jürgen", "Jörg", "Käthe", "Bärbel"],
               ["Müller", "Weiß", "Schröder", "Größer", "MÜLLER", "Straßburger"], False),
    "nordic": (["Åsa", "Søren", "Bjørn", "Þórunn", "Ørjan"],
               ["Ångström", "Sørensen", "Ø", "Kjærgaard", "Guðmundsdóttir"], False),
    "central": (["Łukasz", "Dvořák", "Zoltán", "Ştefan", "Đorđe"],
                ["Wałęsa", "Nováková", "Szőke", "Brâncuşi", "Čapek"], False),
    "turkish": (["Şükrü", "Gülşen", "İbrahim"], ["Çelik", "Öztürk", "Yılmaz"], False),
    "vietnamese": (["Nguyễn", "Trần", "Phạm"], ["Thị Hương", "Văn Đức", "Ngọc Ánh"], True),
    "greek": (["Σοφία", "Γιώργος", "Ελένη", "Νίκος"], ["Παπαδοπούλου", "Οικονόμου", "Καρρά"],
              False),
    "russian": (["Дмитрий", "Анна", "Сергей", "Ёлка"], ["Иванов", "Смирнова", "Кузнецов"], False),
    "ukrainian": (["Олександр", "Їжак", "Марія"], ["Шевченко", "Ґудзь"], False),
    "arabic": (["محمد", "فاطمة", "علي"], ["الحسن", "عبدالله"], False),
    "hebrew": (["דוד", "שרה", "יוסף"], ["כהן", "לוי"], False),
    "hindi": (["राहुल", "प्रिया"], ["शर्मा", "वर्मा"], False),
    "thai": (["สมชาย", "สมหญิง"], ["ใจดี", "ศรีสุข"], False),
    "japanese": (["太郎", "花子", "さくら", "ハルカ", "健一"],
                 ["山田", "佐藤", "渡辺", "髙橋", "斉藤"], True),
    "korean": (["민준", "서연", "지훈"], ["김", "이", "박", "최"], True),
    "simplified": (["伟", "芳", "秀英", "建国", "丽娟", "志强", "敏"],
                   ["张", "王", "李", "刘", "陈", "杨", "黄", "欧阳"], True),
    "traditional": (["偉", "大文", "美玲", "志明", "淑芬"], ["張", "陳", "黃", "林", "鄭"], True),
    "english": (["John", "Mary", "Zoë", "Renée"], ["Smith", "O'Brien", "Brontë"], False),
}

EXTRA_NAMES = [
    "José", "Zoë", "Ångström", "Müller", "François", "MÜLLER", "Ø", "ß", "張偉", "陳大文", "张伟",
    "CONCEIÇÃO", "SÃO PAULO", "Nº 5", "Café “Zoë”", "😀", "Bob 😀🎉", "李 小龍", "Ó Briain",
    "d’Artagnan", "Ñoño", "ÀÉÎÕÜ", "Þór", "Straße 5 · 2. OG", "佐藤 健 (さとう けん)",
    "Zürich & Genève", "株式会社 山田", "ООО «Ромашка»", "José\tMaría", "Line one\nLine two",
]


def _names() -> list[str]:
    names: list[str] = []
    for given_names, family_names, family_first in CULTURES.values():
        for first, family in itertools.product(given_names, family_names):
            joiner = "" if family_first and _is_cjk(first) else " "
            names.append(family + joiner + first if family_first else first + " " + family)
    return list(dict.fromkeys(names + EXTRA_NAMES))


def _is_cjk(text: str) -> bool:
    return all(ord(c) >= 0x3040 for c in text)


NAMES = _names()
NON_ASCII_NAMES = [n for n in NAMES if not n.isascii()]


def _mojibake_variants(name: str) -> list[tuple[str, str]]:
    """(how, text) for each wrong decoding of the name's bytes that changes the text."""
    variants = []
    raw = name.encode("utf-8")
    for codec in ("latin-1", "cp1252", "gbk"):
        variants.append((f"utf-8 as {codec}", raw.decode(codec, errors="replace")))
    if all(_is_cjk(c) or c == " " for c in name):
        try:
            gbk = name.encode("gbk")
        except UnicodeEncodeError:
            pass
        else:
            for codec in ("latin-1", "cp1252", "utf-8"):
                variants.append((f"gbk as {codec}", gbk.decode(codec, errors="replace")))
    return [(how, text) for how, text in variants if text != name]


def test_corpus_is_large_and_varied() -> None:
    assert len(NAMES) >= 200
    assert len(NON_ASCII_NAMES) >= 200


def test_no_false_alarms_on_real_names() -> None:
    alarms = {name: check_text(name) for name in NAMES}
    assert {name: found for name, found in alarms.items() if found} == {}


def test_mojibake_is_detected_and_never_wrongly_repaired() -> None:
    total = detected = 0
    wrong: list[tuple[str, str, str | None]] = []
    for name in NON_ASCII_NAMES:
        for _how, text in _mojibake_variants(name):
            total += 1
            found = check_text(text)
            detected += bool(found)
            wrong += [(name, text, p.suggestion) for p in found
                      if p.suggestion is not None and p.suggestion != name]
    assert wrong == []
    assert total > 500
    assert detected / total >= 0.95


# ------------------------------------------------------------------------------------
# check_text: exact findings
# ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message", "suggestion"),
    [
        ("JosÃ©", "looks like UTF-8 read as Latin-1 or Windows-1252", "José"),
        ("å¼ ä¼Ÿ".replace(" ", "\xa0"), "looks like UTF-8 read as Windows-1252", "张伟"),
        ("å¼\xa0ä¼\x9f", "looks like UTF-8 read as Latin-1", "张伟"),
        ("JosÃƒÂ©", "looks like UTF-8 read as Windows-1252 twice", "José"),
        ("寮犱紵", "looks like UTF-8 read as GBK", "张伟"),
        ("Jos茅", "looks like UTF-8 read as GBK", "José"),
        ("ÕÅÎ°", "looks like GBK read as Latin-1 or Windows-1252", "张伟"),
        ("ÕÅ Î°", "looks like GBK read as Latin-1 or Windows-1252", "张 伟"),
    ],
)
def test_mojibake_examples(text: str, message: str, suggestion: str) -> None:
    assert check_text(text) == [ValueProblem("mojibake", message, suggestion)]


def test_accented_latin_words_are_not_taken_for_gbk() -> None:
    # GB2312 bytes of 在响 read as Latin-1 give ÔÚÏì; next to plain Latin letters such
    # an all-letter run is believed to be a Latin word
    assert check_text("ÔÚÏì Smith") == []
    assert check_text("ÔÚÏì") == [
        ValueProblem("mojibake", "looks like GBK read as Latin-1 or Windows-1252", "在响")
    ]


def test_gbk_mojibake_of_a_rare_character_has_no_suggestion() -> None:
    rare = "张璐"  # 璐 is a GB2312 level-2 character
    assert check_text(rare.encode("gbk").decode("latin-1")) == [
        ValueProblem("mojibake", "looks like GBK read as Latin-1 or Windows-1252", None)
    ]


def test_replacement_character() -> None:
    text = "张伟".encode("gbk").decode("utf-8", errors="replace")
    assert check_text(text) == [
        ValueProblem(
            "replacement-character",
            f"contains {text.count(chr(0xFFFD))} U+FFFD replacement characters: bytes were "
            "lost when the text was decoded with the wrong charset",
        )
    ]


def test_controls_and_nul() -> None:
    assert check_text("a\x00b\x07c\x1bd\x07\x85") == [
        ValueProblem("nul-in-value", "contains a NUL character (U+0000)"),
        ValueProblem("control-character", "contains control characters U+0007, U+001B, U+0085"),
    ]
    assert check_text("tab\tand\r\nnewline") == []


def test_lone_surrogates() -> None:
    text = b"caf\xe9".decode("utf-8", errors="surrogateescape")
    assert check_text(text) == [
        ValueProblem("replacement-character",
                     "contains undecodable bytes kept as lone surrogates: U+DCE9")
    ]


def test_unknown_kind_is_rejected() -> None:
    with pytest.raises(ValueError, match="unknown value-problem kind"):
        ValueProblem("typo", "x")


@given(st.text())
def test_check_text_never_raises(text: str) -> None:
    problems = check_text(text)
    assert all(isinstance(p, ValueProblem) for p in problems)


@given(st.text(alphabet=st.characters(codec="utf-8"), min_size=1))
def test_suggestions_are_the_original_for_latin1_mojibake(text: str) -> None:
    mojibake = text.encode("utf-8").decode("latin-1")
    for problem in check_text(mojibake):
        if problem.kind == "mojibake" and problem.suggestion is not None:
            # the repair may go further than one round only if the original was mojibake too
            assert problem.suggestion == text or check_text(text) != []


# ------------------------------------------------------------------------------------
# images built by hand
# ------------------------------------------------------------------------------------


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def make_png(width: int = 4, height: int = 3) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + bytes(range(3 * width)) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(rows))
            + _chunk(b"IEND", b""))


def make_gif() -> bytes:
    header = b"GIF89a" + struct.pack("<HHBBB", 2, 2, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    gce = b"\x21\xf9\x04\x00\x00\x00\x00\x00"
    image = b"\x2c" + struct.pack("<HHHHB", 0, 0, 2, 2, 0)
    lzw = b"\x02\x02\x44\x01\x00"  # minimum code size 2, one 2-byte sub-block, terminator
    comment = b"\x21\xfe\x05hello\x00"
    return header + gce + comment + image + lzw + b"\x3b"


def make_jpeg() -> bytes:
    image = pytest.importorskip("PIL.Image")
    out = io.BytesIO()
    picture = image.new("RGB", (48, 32))
    picture.putdata([((x * 37) % 256, (y * 91) % 256, (x * y) % 256)
                     for y in range(32) for x in range(48)])
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


def make_webp() -> bytes:
    payload = b"VP8L" + struct.pack("<I", 6) + b"\x2f\x00\x00\x00\x00\x00"
    return b"RIFF" + struct.pack("<I", 4 + len(payload)) + b"WEBP" + payload


def make_bmp() -> bytes:
    pixels = b"\x00\x00\xff\x00"  # one red pixel, row padded to 4 bytes
    dib = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return b"BM" + struct.pack("<IHHI", 14 + 40 + len(pixels), 0, 0, 54) + dib + pixels


def make_heic() -> bytes:
    ftyp = struct.pack(">I", 24) + b"ftypheic" + b"\x00\x00\x00\x00" + b"mif1heic"
    meta = struct.pack(">I", 12) + b"meta" + b"\x00\x00\x00\x00"
    return ftyp + meta + struct.pack(">I", 10) + b"mdat" + b"xy"


def make_tiff() -> bytes:
    entry = struct.pack("<HHII", 256, 4, 1, 1)
    return b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 1) + entry + b"\x00" * 4


VALID = {
    "image/png": make_png,
    "image/gif": make_gif,
    "image/jpeg": make_jpeg,
    "image/webp": make_webp,
    "image/bmp": make_bmp,
    "image/heic": make_heic,
    "image/tiff": make_tiff,
}
#: formats whose checks see truncation at every offset
DEEP = ["image/png", "image/gif", "image/jpeg", "image/webp", "image/bmp", "image/heic"]


@pytest.mark.parametrize("media_type", sorted(VALID))
def test_valid_images_pass(media_type: str) -> None:
    data = VALID[media_type]()
    assert sniff_image_type(data) == media_type
    assert check_image(data) is None


@pytest.mark.parametrize("media_type", DEEP)
def test_truncation_at_every_offset_is_detected(media_type: str) -> None:
    data = VALID[media_type]()
    missed = [cut for cut in range(1, len(data)) if check_image(data[:cut]) is None]
    assert missed == []


@pytest.mark.parametrize(
    ("media_type", "cut_from_end", "message"),
    [
        ("image/png", 1, "PNG data ends after {n:,} of its bytes (no IEND chunk; "
                         "cut inside a 'IEND' chunk)"),
        ("image/png", 12, "PNG data ends after {n:,} of its bytes (no IEND chunk)"),
        ("image/jpeg", 1, "JPEG data has no end-of-image marker (truncated)"),
        ("image/jpeg", 100, "JPEG data has no end-of-image marker (truncated)"),
        ("image/gif", 1, "GIF data ends after {n:,} of its bytes (no trailer)"),
        ("image/gif", 3, "GIF data ends after {n:,} of its bytes (no trailer; cut inside a "
                         "data block)"),
    ],
)
def test_truncation_messages(media_type: str, cut_from_end: int, message: str) -> None:
    data = VALID[media_type]()[:-cut_from_end]
    assert check_image(data) == ValueProblem("bad-image", message.format(n=len(data)))


def test_png_flipped_idat_byte_fails_crc() -> None:
    data = bytearray(make_png())
    idat = data.index(b"IDAT")
    data[idat + 6] ^= 0x01
    assert check_image(bytes(data)) == ValueProblem(
        "bad-image", f"PNG chunk 'IDAT' at byte {idat - 4} fails its CRC check (data damaged)"
    )


def test_png_trailing_bytes_are_accepted() -> None:
    assert check_image(make_png() + b"\x00" * 10) is None


def test_png_structure_rules() -> None:
    sig = b"\x89PNG\r\n\x1a\n"
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    assert check_image(sig + _chunk(b"tEXt", b"a\x00b") + ihdr) == ValueProblem(
        "bad-image", "PNG data does not start with an IHDR chunk (found 'tEXt')")
    assert check_image(sig + ihdr + _chunk(b"IEND", b"")) == ValueProblem(
        "bad-image", "PNG has no image data (no IDAT chunk)")


def test_jpeg_without_scan_and_garbage_marker() -> None:
    assert check_image(b"\xff\xd8\xff\xd9") == ValueProblem(
        "bad-image", "JPEG data ends before any image data (no scan)")
    assert check_image(b"\xff\xd8\xff\xe0\x00\x04ab\x12\x34") == ValueProblem(
        "bad-image",
        "JPEG segment structure is damaged at byte 8 (expected a marker, found 12 34)")


def test_gif_with_bad_block() -> None:
    data = make_gif().replace(b"\x21\xfe", b"\x99\xfe")
    assert check_image(data) == ValueProblem(
        "bad-image", "GIF block structure is damaged at byte 27 (unexpected byte 0x99)")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "image data is empty"),
        (b"<html><body>404</body></html>", "not an image: the data starts with "
                                           "b'<html><body>404<'"),
        (b"\x00\x01", "not an image: the data starts with b'\\x00\\x01'"),
    ],
)
def test_not_images(data: bytes, message: str) -> None:
    assert check_image(data) == ValueProblem("bad-image", message)


def test_random_bytes_are_not_images() -> None:
    rng = __import__("random").Random(1234)
    results = [check_image(rng.randbytes(200)) for _ in range(200)]
    assert all(r is not None and r.kind == "bad-image" for r in results)


def test_size_field_formats_report_truncation() -> None:
    webp = make_webp()[:-2]
    assert check_image(webp) == ValueProblem(
        "bad-image", f"WebP data ends after {len(webp)} of its {len(webp) + 2} bytes (truncated)")
    bmp = make_bmp()[:-1]
    assert check_image(bmp) == ValueProblem(
        "bad-image", f"BMP data ends after {len(bmp)} of its {len(bmp) + 1} bytes (truncated)")


@pytest.mark.parametrize(
    ("data", "media_type"),
    [
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff\xe0", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"RIFF\x00\x00\x00\x00WEBP", "image/webp"),
        (b"\x00\x00\x00\x18ftypavif", "image/avif"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1avif", "image/avif"),
        (b"\x00\x00\x00\x18ftypmif1\x00\x00\x00\x00mif1heic", "image/heif"),
        (b"MM\x00*", "image/tiff"),
        (b"BM", "image/bmp"),
        (b"%PDF-1.4", None),
        (b"", None),
    ],
)
def test_sniff(data: bytes, media_type: str | None) -> None:
    assert sniff_image_type(data) == media_type


@given(st.binary(max_size=300))
def test_check_image_never_raises(data: bytes) -> None:
    result = check_image(data)
    assert result is None or result.kind == "bad-image"


@given(st.sampled_from(DEEP), st.data())
@settings(max_examples=200)
def test_any_truncation_is_detected(media_type: str, data: st.DataObject) -> None:
    image = VALID[media_type]()
    cut = data.draw(st.integers(0, len(image) - 1))
    assert check_image(image[:cut]) is not None


@given(st.sampled_from(["image/png", "image/gif", "image/jpeg"]), st.binary(min_size=4,
                                                                            max_size=4))
def test_any_magic_prefix_with_garbage_never_raises(media_type: str, tail: bytes) -> None:
    image = VALID[media_type]()
    result = check_image(image[:12] + tail + image[12:20])
    assert result is None or result.kind == "bad-image"


# ------------------------------------------------------------------------------------
# base64
# ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("aGVsbG8=", b"hello"),
        ("aGVs\r\n bG8", b"hello"),  # folded and unpadded
        ("  aGVsbG8gd29y\n\tbGQ=  ", b"hello world"),
        ("-_-_", base64.b64decode("+/+/")),
        ("data:image/png;base64,aGk=", b"hi"),
        ("DATA:image/jpeg;BASE64,aGk", b"hi"),
        ("data:text/plain,a%20b", b"a b"),
        ("", b""),
    ],
)
def test_decode_base64_accepts(text: str, expected: bytes) -> None:
    assert decode_base64(text) == (expected, None)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("aGV%sbG8=", "character '%' at position 4 (ignoring whitespace) is outside the "
                      "base64 alphabet"),
        ("aGV sb\nG8*", "character '*' at position 8 (ignoring whitespace) is outside the "
                        "base64 alphabet"),
        ("aGk=aGk=", "'=' padding inside the data, at character 4"),
        ("aGVsb", "5 base64 characters cannot be whole bytes (one character too many or too "
                  "few: truncated?)"),
        ("aGk===", "wrong '=' padding at the end (3 '=' after 3 characters)"),
        ("aG=", "wrong '=' padding at the end (1 '=' after 2 characters)"),
        ("data:image/png;base64", "data URI has no ',' before its data"),
    ],
)
def test_decode_base64_rejects(text: str, message: str) -> None:
    assert decode_base64(text) == (None, ValueProblem("bad-base64", message))


@given(st.binary(max_size=200))
def test_base64_round_trip(data: bytes) -> None:
    encoded = base64.b64encode(data).decode()
    folded = "\r\n ".join(encoded[i:i + 75] for i in range(0, len(encoded), 75))
    assert decode_base64(folded) == (data, None)
    assert decode_base64(encoded.rstrip("=")) == (data, None)


@given(st.text(max_size=50))
def test_decode_base64_never_raises(text: str) -> None:
    data, problem = decode_base64(text)
    assert (data is None) != (problem is None)


def test_large_image_base64_round_trip() -> None:
    png = make_png(64, 64)
    data, problem = decode_base64(base64.encodebytes(png).decode())
    assert problem is None
    assert data is not None
    assert check_image(data) is None


def test_not_an_image_shows_at_most_16_bytes_safely() -> None:
    data = b"\x00it's\r\n\x1b[31m" + b"x" * 100
    assert check_image(data) == ValueProblem(
        "bad-image", "not an image: the data starts with " + repr(data[:16])
    )
    assert repr(data[:16]) == 'b"\\x00it\'s\\r\\n\\x1b[31mxxxx"'
