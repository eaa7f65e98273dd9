"""Value-level corruption detectors: damaged text and damaged pictures.

Pure functions over ``str`` and ``bytes``; nothing here knows about cards or findings.
Each detector answers with :class:`ValueProblem` values (a stable ``kind``, a message in
plain words and, only where the repair is certain, a ``suggestion``); the caller turns them
into findings with a line and a severity.

Theory of operation (mojibake)
------------------------------
Mojibake is text whose bytes were decoded with the wrong codec.  It is detected by *undoing*
the wrong decoding: re-encode the text with the codec that was wrongly used and decode the
bytes strictly with the codec that should have been used.  Real text almost never survives
that round trip, because the strict decoder rejects nearly every byte sequence it was not
made for (a UTF-8 lead byte must be followed by exactly the right number of continuation
bytes, and so on).  On top of the round trip each rule asks that the repaired text be *more
plausible* than the input, so a coincidence cannot raise an alarm:

* UTF-8 read as Latin-1/Windows-1252 (``JosÃ©``): the repair must be clean text whose
  words each stay in one script.
* UTF-8 read as GBK (``寮犱紵``): additionally the input must look wrong to a Chinese reader:
  a word that mixes Latin letters and ideographs (``Jos茅``), or characters outside the
  3,755 common (GB2312 level-1) hanzi.  Real Chinese names almost only use level-1 hanzi.
* GBK read as Latin-1/Windows-1252 (``ÕÅÎ°``): each run of accented characters must stand
  alone as a word and turn into GB2312 hanzi; the repair is suggested only when all of
  them are level-1 (common) hanzi.

``ftfy`` was evaluated for the Latin-1 family and not used: its repairs can be partial (it
turns the GBK mojibake ``ÕÅÎ°`` into ``ÕÅΰ``), so a strict whole-value round trip had to
be written anyway to keep suggestions certain, and it knows nothing of GBK.

Theory of operation (images)
----------------------------
A picture is checked by walking its container structure (PNG chunks with their CRCs, JPEG
segments up to the scan and then the end-of-image marker, GIF blocks and sub-blocks, the
size fields of WebP/HEIF/BMP/TIFF), which finds truncation and most damage without decoding
pixels.  Bulk data is never walked byte by byte: PNG CRCs use :func:`zlib.crc32` and the
JPEG scan is searched with :meth:`bytes.rfind`.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import unicodedata
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final
from urllib.parse import unquote_to_bytes

__all__ = ["ValueProblem", "check_image", "check_text", "decode_base64", "sniff_image_type"]


@dataclass(frozen=True, slots=True)
class ValueProblem:
    """One thing wrong with one value.

    ``kind`` is one of :data:`PROBLEM_KINDS`; ``message`` says what is wrong in plain words;
    ``suggestion`` is the repaired value, given only when the repair is certain.
    """

    kind: str
    message: str
    suggestion: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in PROBLEM_KINDS:
            raise ValueError(f"unknown value-problem kind {self.kind!r}")


PROBLEM_KINDS: Final = frozenset({
    "mojibake",
    "replacement-character",
    "control-character",
    "nul-in-value",
    "bad-image",
    "bad-base64",
})

# --------------------------------------------------------------------------------------
# text
# --------------------------------------------------------------------------------------

#: Control characters that are ordinary in text values (NOTE, ADR keep line breaks).
_ALLOWED_CONTROLS: Final = frozenset("\t\n\r")

#: Windows-1252 characters in 0x80–0x9F, mapped to the Latin-1 C1 control with the same
#: byte.  Translating with this table and then encoding as Latin-1 gives the bytes behind
#: text that was decoded as either codec (decoders differ on the five bytes 1252 leaves
#: undefined; many keep them as C1 controls, so both spellings are accepted).
_CP1252_TO_C1: Final = {
    ord(bytes([b]).decode("cp1252")): chr(b)
    for b in range(0x80, 0xA0)
    if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}

#: Characters that may appear in a repaired value besides letters, marks, digits, spaces.
_PLAIN_PUNCTUATION: Final = frozenset(
    " -'.,&()/\"’‘“”·・‧–—:;!?@#+_*°№«»¿¡、。，（）"
    "©®™€£¥¢§±×÷½¼¾²³µ•…‰′″"  # signs seen in organisations and notes (Acme™, 5 €)
)

#: Scripts that mix within one word in real writing (Japanese kanji+kana, Korean hanja).
_SCRIPT_FAMILY: Final = {
    "CJK": "HAN",
    "HIRAGANA": "HAN",
    "KATAKANA": "HAN",
    "HANGUL": "HAN",
    "BOPOMOFO": "HAN",
    "IDEOGRAPHIC": "HAN",
}


#: Code-point ranges that contact data practically never uses but that re-decoding random
#: bytes lands in often (IPA, spacing modifiers, Syriac, Thaana, N'Ko, CJK extension A,
#: private use…).  A "repair" into these is a coincidence, not a repair.
_RARE_RANGES: Final = (
    (0x0250, 0x02FF),  # IPA extensions, spacing modifier letters
    (0x03F0, 0x03FF),  # Greek symbols and archaic letters
    (0x0500, 0x052F),  # Cyrillic supplement
    (0x0700, 0x08FF),  # Syriac, Arabic supplement, Thaana, N'Ko, Samaritan, Mandaic…
    (0x3400, 0x4DBF),  # CJK extension A
    (0xA000, 0xA4CF),  # Yi
    (0xE000, 0xF8FF),  # private use
)


def _is_rare(ch: str) -> bool:
    return any(lo <= ord(ch) <= hi for lo, hi in _RARE_RANGES)


#: (codec, first, last): the common ("level 1") ideographs of the three national sets.
_COMMON_HAN_SETS: Final = (
    ("gb2312", b"\xb0\xa1", b"\xd7\xf9"),
    ("big5", b"\xa4\x40", b"\xc6\x7e"),
    ("shift_jis", b"\x88\x9f", b"\x98\x72"),
)


def _is_common_han(ch: str) -> bool:
    """True for an ideograph among the common ones of GB2312, Big5 or JIS X 0208."""
    for codec, first, last in _COMMON_HAN_SETS:
        try:
            encoded = ch.encode(codec)
        except UnicodeEncodeError:
            continue
        if first <= encoded <= last:
            return True
    return False


def _script(ch: str) -> str:
    """The script family of a letter, from its Unicode name (``LATIN``, ``GREEK``, ``HAN``…)."""
    if ch < "\u0250":  # ª and º are named MASCULINE/FEMININE ORDINAL INDICATOR, not LATIN
        return "LATIN"
    first = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    return _SCRIPT_FAMILY.get(first, first)


def _words(text: str) -> list[str]:
    """Maximal runs of letters, combining marks and non-ASCII digits."""
    words: list[str] = []
    current: list[str] = []
    for ch in text:
        if unicodedata.category(ch)[0] in "LM" or (not ch.isascii() and ch.isdigit()):
            current.append(ch)
        elif current:
            words.append("".join(current))
            current = []
    if current:
        words.append("".join(current))
    return words


def _is_clean(text: str) -> bool:
    """True when every character is a letter, mark, digit, space, plain punctuation or emoji,
    and every word keeps to one script family."""
    for ch in text:
        cat = unicodedata.category(ch)
        if _is_rare(ch):
            return False
        if cat[0] in "LMN" or ch in _PLAIN_PUNCTUATION or ch in _ALLOWED_CONTROLS:
            continue
        if cat == "So" and ord(ch) >= 0x2600:  # emoji and pictographs, not ©®°-style signs
            continue
        return False
    words = _words(text)
    if any(unicodedata.category(w[0]).startswith("M") for w in words):
        return False  # a combining mark with no letter to sit on
    return all(len({_script(c) for c in w if not unicodedata.category(c).startswith("M")}) <= 1
               for w in words)


def _mixes_latin_and_han(text: str) -> bool:
    return any({"LATIN", "HAN"} <= {_script(c) for c in w} for w in _words(text))


def _gb2312_level(ch: str) -> int:
    """1 or 2 for GB2312 level-1/level-2 hanzi, 3 for kana, 0 for anything else."""
    try:
        lead = ch.encode("gb2312")[0]
    except UnicodeEncodeError:
        return 0
    if len(ch.encode("gb2312")) != 2:
        return 0
    if 0xB0 <= lead <= 0xD7:
        return 1
    if 0xD8 <= lead <= 0xF7:
        return 2
    if lead in (0xA4, 0xA5):  # hiragana and katakana rows (Japanese names)
        return 3
    return 0


def _latin1_bytes(text: str) -> bytes | None:
    """The bytes that decoded as Latin-1 or Windows-1252 give ``text``, or None."""
    try:
        return text.translate(_CP1252_TO_C1).encode("latin-1")
    except UnicodeEncodeError:
        return None


def _which_single_byte(text: str) -> str:
    if any(0x80 <= ord(c) <= 0x9F for c in text):
        return "Latin-1"
    if any(ord(c) in _CP1252_TO_C1 for c in text):
        return "Windows-1252"
    return "Latin-1 or Windows-1252"


def _utf8_reading(text: str) -> str | None:
    raw = _latin1_bytes(text)
    if raw is None or raw.isascii():
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _utf8_as_latin1(text: str) -> ValueProblem | None:
    """``JosÃ©`` -> José; repeated for text that went through the mistake more than once."""
    # intermediate layers are mojibake themselves; only the deepest repair must be clean
    current, rounds = text, 0
    best, best_rounds = text, 0
    while rounds < 3:
        raw = _latin1_bytes(current)
        if raw is None or raw.isascii():
            break
        try:
            current = raw.decode("utf-8")
        except UnicodeDecodeError:
            break
        rounds += 1
        if _is_clean(current):
            best, best_rounds = current, rounds
    current, rounds = best, best_rounds
    if rounds == 0:
        return None
    times = "" if rounds == 1 else (" twice" if rounds == 2 else f" {rounds} times")
    return ValueProblem(
        "mojibake", f"looks like UTF-8 read as {_which_single_byte(text)}{times}", current
    )


def _utf8_as_gbk(text: str) -> ValueProblem | None:
    """``寮犱紵`` -> 张伟, ``Jos茅`` -> José."""
    try:
        raw = text.encode("gbk")
    except UnicodeEncodeError:
        return None
    if raw.isascii():
        return None
    try:
        repaired = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if repaired == text or not _is_clean(repaired):
        return None
    if not all(_is_common_han(c) for c in repaired if _script(c) == "CJK"):
        return None
    if _mixes_latin_and_han(text):  # Jos茅: a Latin word with an ideograph inside
        return ValueProblem("mojibake", "looks like UTF-8 read as GBK", repaired)
    # Otherwise the input reads as CJK.  It must hold a character that is common in no
    # national set (real names are written with common ones), and the repair must be more
    # than one lone letter (one rare ideograph re-decodes to a random letter by chance).
    rare = any(
        not c.isascii() and not _is_common_han(c) and _gb2312_level(c) != 3 for c in text
    )
    # (an emoji is four UTF-8 bytes, two ideographs: no lone coincidence either)
    if not rare or sum(1 + (ord(c) > 0xFFFF) for c in repaired if not c.isspace()) < 2:
        return None
    return ValueProblem("mojibake", "looks like UTF-8 read as GBK", repaired)


# a run of characters from the upper half of Latin-1 (what GB2312 bytes decode to)
_HIGH_RUN: Final = re.compile(r"[\u00a0-\u00ff]+")


def _gbk_as_latin1(text: str) -> ValueProblem | None:
    """``ÕÅÎ°`` -> 张伟."""
    runs = list(_HIGH_RUN.finditer(text))
    if not runs or _utf8_reading(text) is not None:
        return None  # bytes that are valid UTF-8 are far likelier UTF-8 (Â¢ is ¢, not 垄)
    if any(0x80 <= ord(c) <= 0x9F or ord(c) in _CP1252_TO_C1 for c in text):
        return None  # GB2312 bytes are all >= 0xA1
    pieces: list[str] = []
    levels: set[int] = set()
    end = 0
    for run in runs:
        start, stop = run.span()
        before = text[start - 1] if start else " "
        after = text[stop] if stop < len(text) else " "
        if before.isalnum() or after.isalnum() or len(run.group()) % 2:
            return None  # part of a Latin word, like the ÇÃ in CONCEIÇÃO
        try:
            hanzi = run.group().encode("latin-1").decode("gb2312")
        except UnicodeDecodeError:
            return None
        run_levels = {_gb2312_level(c) for c in hanzi}
        if 0 in run_levels or run_levels == {3}:
            return None  # not CJK, or kana alone (too weak a sign by itself)
        levels |= run_levels
        pieces += [text[end:start], hanzi]
        end = stop
    pieces.append(text[end:])
    repaired = "".join(pieces)
    certain = levels <= {1, 3}
    hanzi_count = len(text) - len(repaired)  # each hanzi replaced two characters
    if all(run.group().isalpha() for run in runs) and (
        not certain or hanzi_count < 2 or re.search("[A-Za-z]", text)
    ):
        # accented letters only (no °±²…¿ symbols) could be Latin words: believe they are
        # Chinese only in a value with no plain Latin letters at all, when they spell two
        # or more common hanzi
        return None
    return ValueProblem(
        "mojibake",
        f"looks like GBK read as {_which_single_byte(text)}",
        repaired if certain else None,
    )


#: Mojibake rules, tried in order; the first that recognises the text wins.
_MOJIBAKE_RULES: Final[tuple[Callable[[str], ValueProblem | None], ...]] = (
    _utf8_as_latin1,
    _utf8_as_gbk,
    _gbk_as_latin1,
)


def _find_mojibake(value: str) -> ValueProblem | None:
    for rule in _MOJIBAKE_RULES:
        found = rule(value)
        if found is not None:
            return found
    return None


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc" and ch not in _ALLOWED_CONTROLS and ch != "\0"


def check_text(value: str) -> list[ValueProblem]:
    """Problems in a text value (a name, note, organisation…), in a fixed order.

    Reports U+FFFD (``replacement-character``: the decoder already lost bytes), lone
    surrogates (same kind: undecodable bytes smuggled through), NUL (``nul-in-value``),
    other C0/C1 controls except TAB, LF and CR (``control-character``, one problem listing
    the code points) and ``mojibake``.  C1 controls that a mojibake repair explains are not
    reported again as control characters.  Never raises.

    >>> check_text("José")
    []
    >>> check_text("JosÃ©")
    [ValueProblem(kind='mojibake', message='looks like UTF-8 read as Latin-1 or Windows-1252', suggestion='José')]
    """  # noqa: E501
    if value.isascii() and value.isprintable():
        return []
    problems: list[ValueProblem] = []
    if "\ufffd" in value:
        count = value.count("\ufffd")
        problems.append(ValueProblem(
            "replacement-character",
            f"contains {count} U+FFFD replacement character{'s' if count > 1 else ''}: "
            "bytes were lost when the text was decoded with the wrong charset",
        ))
    surrogates = [c for c in value if 0xD800 <= ord(c) <= 0xDFFF]
    if surrogates:
        problems.append(ValueProblem(
            "replacement-character",
            "contains undecodable bytes kept as lone surrogates: "
            + ", ".join(f"U+{ord(c):04X}" for c in dict.fromkeys(surrogates)),
        ))
    if "\0" in value:
        problems.append(ValueProblem("nul-in-value", "contains a NUL character (U+0000)"))
    mojibake = None if surrogates else _find_mojibake(value)
    controls = [c for c in dict.fromkeys(value) if _is_control(c)]
    if mojibake is not None and mojibake.suggestion is not None:
        controls = [c for c in controls if c in mojibake.suggestion]
    if controls:
        problems.append(ValueProblem(
            "control-character",
            "contains control characters " + ", ".join(f"U+{ord(c):04X}" for c in controls),
        ))
    if mojibake is not None:
        problems.append(mojibake)
    return problems


# --------------------------------------------------------------------------------------
# images
# --------------------------------------------------------------------------------------

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"

#: HEIF major brands and the media type each stands for.
_HEIF_BRANDS: Final = {
    b"avif": "image/avif",
    b"avis": "image/avif",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"heim": "image/heic",
    b"heis": "image/heic",
    b"hevc": "image/heic-sequence",
    b"hevx": "image/heic-sequence",
    b"mif1": "image/heif",
    b"msf1": "image/heif-sequence",
}

#: Leading bytes -> media type, for the formats whose magic is a plain prefix.
_MAGIC: Final = (
    (_PNG_SIGNATURE, "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"II+\x00", "image/tiff"),
    (b"MM\x00+", "image/tiff"),
    (b"BM", "image/bmp"),
)


def sniff_image_type(data: bytes) -> str | None:
    """The media type the leading bytes announce (``"image/png"``…), or None.

    Looks only at the magic bytes; :func:`check_image` validates the structure.

    >>> sniff_image_type(b"GIF89a...")
    'image/gif'
    """
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand == b"mif1" and b"avif" in data[16:_box_size(data)]:
            return "image/avif"
        return _HEIF_BRANDS.get(brand)
    return None


def _box_size(data: bytes) -> int:
    return min(len(data), struct.unpack_from(">I", data)[0]) if len(data) >= 4 else 0


def _bad(message: str) -> ValueProblem:
    return ValueProblem("bad-image", message)


def _short(data: bytes, fmt: str, what: str) -> ValueProblem:
    return _bad(f"{fmt} data ends after {len(data):,} of its bytes ({what})")


def _check_png(data: bytes) -> ValueProblem | None:
    pos, seen_idat, first = 8, False, True
    while True:
        if pos + 8 > len(data):
            return _short(data, "PNG", "no IEND chunk")
        length, ctype = struct.unpack_from(">I4s", data, pos)
        name = ctype.decode("latin-1")
        if length > 0x7FFFFFFF or not ctype.isalpha():
            return _bad(f"PNG chunk header at byte {pos:,} is damaged "
                        f"({name!r}, length {length:,})")
        end = pos + 12 + length
        if end > len(data):
            return _short(data, "PNG", f"no IEND chunk; cut inside a {name!r} chunk")
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(data[pos + 4:end - 4]) != crc:
            return _bad(f"PNG chunk {name!r} at byte {pos:,} fails its CRC check (data damaged)")
        if first and ctype != b"IHDR":
            return _bad(f"PNG data does not start with an IHDR chunk (found {name!r})")
        if first:
            width, height = struct.unpack_from(">II", data, pos + 8) if length >= 8 else (0, 0)
            if length != 13 or width == 0 or height == 0:
                return _bad("PNG header chunk (IHDR) is malformed")
        first = False
        seen_idat = seen_idat or ctype == b"IDAT"
        if ctype == b"IEND":
            # bytes after IEND are harmless (some tools append metadata); accept them
            return None if seen_idat else _bad("PNG has no image data (no IDAT chunk)")
        pos = end


#: JPEG markers without a length field: TEM, RST0–7 (SOI/EOI are handled apart).
_JPEG_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xD8)})
#: Start-of-frame markers (SOF0–SOF15 except DHT, JPG and DAC).
_JPEG_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _check_jpeg(data: bytes) -> ValueProblem | None:
    pos, seen_sof = 2, False
    while True:
        # markers may be preceded by any number of 0xFF fill bytes
        while pos < len(data) and data[pos] == 0xFF and pos + 1 < len(data) \
                and data[pos + 1] == 0xFF:
            pos += 1
        if pos + 2 > len(data):
            return _short(data, "JPEG", "cut in its headers, before the image data")
        if data[pos] != 0xFF or data[pos + 1] == 0x00:
            return _bad(f"JPEG segment structure is damaged at byte {pos:,} "
                        f"(expected a marker, found {data[pos:pos + 2].hex(' ')})")
        marker = data[pos + 1]
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if marker == 0xD9:
            return _bad("JPEG data ends before any image data (no scan)")
        if marker == 0xD8:
            return _bad(f"JPEG has a second start-of-image marker at byte {pos:,}")
        if pos + 4 > len(data):
            return _short(data, "JPEG", "cut in its headers, before the image data")
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            return _bad(f"JPEG segment at byte {pos:,} has an impossible length {length}")
        end = pos + 2 + length
        if end > len(data):
            return _short(data, "JPEG", "cut in its headers, before the image data")
        seen_sof = seen_sof or marker in _JPEG_SOF
        if marker == 0xDA:
            if not seen_sof:
                return _bad("JPEG has no frame header (SOF) before its image data")
            # entropy-coded data stuffs every 0xFF with 0x00, so FF D9 can only be the
            # end-of-image marker; a truncated file has lost it
            if data.rfind(b"\xff\xd9", end) < 0:
                return _bad("JPEG data has no end-of-image marker (truncated)")
            return None
        pos = end


def _check_gif(data: bytes) -> ValueProblem | None:
    if len(data) < 13:
        return _short(data, "GIF", "cut in its header")
    width, height, packed = struct.unpack_from("<HHB", data, 6)
    if width == 0 or height == 0:
        return _bad("GIF logical screen has zero width or height")
    pos = 13 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
    images = 0
    size = len(data)
    while True:
        if pos >= size:
            return _short(data, "GIF", "no trailer")
        block = data[pos]
        if block == 0x3B:
            return None if images else _bad("GIF has no image in it")
        if block == 0x2C:
            if pos + 10 > size:
                return _short(data, "GIF", "no trailer; cut in an image descriptor")
            flags = data[pos + 9]
            pos += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
            if pos >= size:
                return _short(data, "GIF", "no trailer; cut before the image data")
            if not 1 <= data[pos] <= 12:
                return _bad(f"GIF image data at byte {pos:,} has an invalid LZW code size")
            pos += 1
            images += 1
        elif block == 0x21:
            pos += 2
        else:
            return _bad(f"GIF block structure is damaged at byte {pos:,} "
                        f"(unexpected byte 0x{block:02X})")
        # data sub-blocks: a length byte, that many bytes, until a zero length
        while True:
            if pos >= size:
                return _short(data, "GIF", "no trailer; cut inside a data block")
            length = data[pos]
            pos += 1 + length
            if length == 0:
                break


def _check_webp(data: bytes) -> ValueProblem | None:
    if len(data) < 20:
        return _short(data, "WebP", "cut in its header")
    (riff_size,) = struct.unpack_from("<I", data, 4)
    if riff_size + 8 > len(data):
        return _bad(f"WebP data ends after {len(data):,} of its {riff_size + 8:,} bytes "
                    "(truncated)")
    if data[12:16] not in (b"VP8 ", b"VP8L", b"VP8X"):
        return _bad(f"WebP has an unknown first chunk {data[12:16]!r}")
    return None


def _check_heif(data: bytes) -> ValueProblem | None:
    pos, boxes = 0, set()
    while pos < len(data):
        if pos + 8 > len(data):
            return _short(data, "HEIF", "cut in a box header")
        size, kind = struct.unpack_from(">I4s", data, pos)
        if size == 1:
            if pos + 16 > len(data):
                return _short(data, "HEIF", "cut in a box header")
            (size,) = struct.unpack_from(">Q", data, pos + 8)
        elif size == 0:
            size = len(data) - pos
        if size < 8:
            return _bad(f"HEIF box at byte {pos:,} has an impossible size {size}")
        if pos + size > len(data):
            return _short(data, "HEIF", f"cut inside its {kind.decode('latin-1')!r} box")
        boxes.add(kind)
        pos += size
    # every real HEIC/AVIF keeps its pixels in an 'mdat' box; its absence means a cut
    missing = [repr(box.decode()) for box in (b"meta", b"mdat") if box not in boxes]
    return _bad(f"HEIF data has no {' or '.join(missing)} box") if missing else None


def _check_bmp(data: bytes) -> ValueProblem | None:
    if len(data) < 26:
        return _short(data, "BMP", "cut in its header")
    size, offset, header = struct.unpack_from("<I4xII", data, 2)
    if header not in (12, 16, 40, 52, 56, 64, 108, 124):
        return _bad(f"BMP has an unknown header size {header}")
    if size > len(data):
        return _bad(f"BMP data ends after {len(data):,} of its {size:,} bytes (truncated)")
    if not 14 + header <= offset <= len(data):
        return _bad(f"BMP pixel data offset {offset:,} is outside the file")
    return None


def _check_tiff(data: bytes) -> ValueProblem | None:
    order = "<" if data[:2] == b"II" else ">"
    if data[2:4] in (b"+\x00", b"\x00+"):  # BigTIFF: 8-byte offsets, 20-byte entries
        if len(data) < 16:
            return _short(data, "TIFF", "cut in its header")
        (ifd,) = struct.unpack_from(order + "Q", data, 8)
        count_size, entry_size = 8, 20
    else:
        if len(data) < 8:
            return _short(data, "TIFF", "cut in its header")
        (ifd,) = struct.unpack_from(order + "I", data, 4)
        count_size, entry_size = 2, 12
    if ifd < 8 or ifd + count_size > len(data):
        return _bad(f"TIFF directory offset {ifd:,} is outside the {len(data):,} bytes of data")
    (count,) = struct.unpack_from(order + ("Q" if count_size == 8 else "H"), data, ifd)
    if count == 0 or ifd + count_size + count * entry_size > len(data):
        return _short(data, "TIFF", "cut inside its first directory")
    return None


#: Media type -> structural check.  Rules as data: a new format is one entry here.
_CHECKERS: Final[dict[str, Callable[[bytes], ValueProblem | None]]] = {
    "image/png": _check_png,
    "image/jpeg": _check_jpeg,
    "image/gif": _check_gif,
    "image/webp": _check_webp,
    "image/avif": _check_heif,
    "image/heic": _check_heif,
    "image/heic-sequence": _check_heif,
    "image/heif": _check_heif,
    "image/heif-sequence": _check_heif,
    "image/bmp": _check_bmp,
    "image/tiff": _check_tiff,
}


def check_image(data: bytes) -> ValueProblem | None:
    """Validate the structure of a PHOTO/LOGO picture; None when it looks whole.

    PNG is walked chunk by chunk (lengths, CRC32, IHDR first, IDAT present, IEND; bytes after
    IEND are accepted), JPEG segment by segment up to the scan and then must have its
    end-of-image marker, GIF block by block down to the trailer.  WebP, HEIF/HEIC/AVIF, BMP
    and TIFF are recognised and their size fields checked.  Anything else is "not an image".
    Linear in the size of the data with no per-byte Python loop over pixel data (GIF
    sub-blocks are walked, 255 bytes a step).  Never raises.

    >>> check_image(b"<html><body>Not found</body></html>")
    ValueProblem(kind='bad-image', message="not an image: the data starts with b'<html><body>Not '", suggestion=None)
    """  # noqa: E501
    if not data:
        return _bad("image data is empty")
    media_type = sniff_image_type(data)
    if media_type is None:
        return _bad(f"not an image: the data starts with {bytes(data[:16])!r}")
    return _CHECKERS[media_type](data)


# --------------------------------------------------------------------------------------
# base64
# --------------------------------------------------------------------------------------

#: The first character that is neither base64 (standard or URL-safe "-_") nor whitespace.
_OUTSIDE_ALPHABET: Final = re.compile(r"[^A-Za-z0-9+/\-_]")
#: URL-safe spellings of "+" and "/", accepted because they are unambiguous.
_URLSAFE: Final = str.maketrans("-_", "+/")
_WHITESPACE: Final = re.compile(r"\s+")


def _bad_base64(message: str) -> tuple[None, ValueProblem]:
    return None, ValueProblem("bad-base64", message)


def decode_base64(text: str) -> tuple[bytes | None, ValueProblem | None]:
    """Decode a vCard base64 value (or a ``data:`` URI) leniently but honestly.

    Whitespace and line breaks anywhere are ignored, missing ``=`` padding is accepted
    silently (common in the wild), and so is the URL-safe alphabet.  A character outside
    the alphabet, padding in the middle, or a length no base64 text can have gives
    ``(None, problem)``.  A ``data:`` URI gives its payload (base64 or percent-encoded).

    >>> decode_base64("aGVs\\r\\n bG8")
    (b'hello', None)
    >>> decode_base64("data:image/png;base64,aGk=")
    (b'hi', None)
    """
    stripped = text.strip()
    if stripped[:5].lower() == "data:":
        header, comma, payload = stripped.partition(",")
        if not comma:
            return _bad_base64("data URI has no ',' before its data")
        if not header.lower().endswith(";base64"):
            return unquote_to_bytes(payload), None
        stripped = payload
    compact = _WHITESPACE.sub("", stripped)
    body = compact.rstrip("=")
    padding = len(compact) - len(body)
    outside = _OUTSIDE_ALPHABET.search(body)
    if outside is not None:
        index, ch = outside.start(), outside.group()
        if ch == "=":
            return _bad_base64(f"'=' padding inside the data, at character {index + 1:,}")
        return _bad_base64(f"character {ch!r} at position {index + 1:,} (ignoring "
                           "whitespace) is outside the base64 alphabet")
    if len(body) % 4 == 1:
        return _bad_base64(f"{len(body):,} base64 characters cannot be whole bytes "
                           "(one character too many or too few: truncated?)")
    if padding > 2 or (padding and (len(body) + padding) % 4):
        return _bad_base64(f"wrong '=' padding at the end ({padding} '=' after "
                           f"{len(body):,} characters)")
    body = body.translate(_URLSAFE) + "=" * (-len(body) % 4)
    try:
        return base64.b64decode(body, validate=True), None
    except binascii.Error as error:  # pragma: no cover - the checks above rule this out
        return _bad_base64(f"not valid base64 ({error})")
