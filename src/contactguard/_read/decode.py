"""Bytes to text: BOMs, UTF-16 without BOM, UTF-8, and detected legacy charsets.

Decoding never fails.  The decision is returned as a :class:`Decoding` so a snapshot can
say how its file was read.  When a file is mostly UTF-8 but holds raw bytes of another
charset inside values (old Android exports with ``CHARSET=GBK`` and 8-bit values), the
file is decoded as UTF-8 with ``surrogateescape`` so the value decoder can recover the
original bytes and decode them with the value's own CHARSET.  The same holds when a file
holds valid multi-byte UTF-8 but some lines in another charset (one card pasted in from an
old export), or is cut in the middle of its last character: the UTF-8 lines stay UTF-8 and
each bad value is reported at its own line.  Only a file with no sign of UTF-8 is read
whole in a guessed legacy charset (:mod:`~contactguard._read.charsets`).
"""

from __future__ import annotations

import codecs
import functools
import re
from typing import Final

from .._core import UsageError
from .._model import Decoding
from .charsets import guess_charset, guess_value, utf8_by_chance

__all__ = ["Decoding", "decode_bytes", "decode_file", "decode_value_bytes",
           "has_escaped_bytes", "replace_escaped"]

_BOMS: Final = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

_ESCAPED: Final = re.compile("[\udc80-\udcff]")


def has_escaped_bytes(text: str) -> bool:
    """True when ``text`` holds lone surrogates from ``surrogateescape`` decoding."""
    return _ESCAPED.search(text) is not None


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def replace_escaped(text: str) -> str:
    """Lone surrogates (undecodable bytes kept aside) replaced by U+FFFD.

    Nothing the reader hands on may hold a lone surrogate: it cannot be encoded, written
    or hashed as UTF-8.
    """
    return _SURROGATE.sub("\ufffd", text)


def _sniff_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM: ASCII-heavy text has NULs on every other byte."""
    sample = data[:4096]
    if len(sample) < 8:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode_bytes(data: bytes, encoding: str | None = None) -> tuple[str, Decoding]:
    """Decode a whole file.  Never raises for bad bytes.

    Raises :class:`~contactguard.UsageError` for an ``encoding`` that is not a known text
    encoding.

    Undecodable bytes are kept as lone surrogates (``surrogateescape``) so callers can
    report them with their line and recover them for a per-value CHARSET.
    """
    text, decoding, _ = decode_file(data, encoding)
    return text, decoding


def decode_file(data: bytes, encoding: str | None = None
                ) -> tuple[str, Decoding, tuple[str, ...]]:
    """:func:`decode_bytes`, and the charsets that would have read a guessed legacy file
    about as plausibly as the one chosen (empty when the guess is clear or not a guess)."""
    if encoding is not None:
        try:
            name = codecs.lookup(encoding).name
            text = _decode_lenient(data, name)
        except LookupError:
            raise UsageError(f"unknown text encoding {encoding!r}") from None
        if text[:1] == "\ufeff":
            text = text[1:]
        return text, Decoding(name, "given", escaped_bytes=has_escaped_bytes(text)), ()
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = _decode_lenient(data[len(bom) :], name)
            return text, Decoding(name, "bom", bom=True,
                                  escaped_bytes=has_escaped_bytes(text)), ()
    utf16 = _sniff_utf16(data)
    if utf16 is not None:
        text = _decode_lenient(data, utf16)
        return text, Decoding(utf16, "utf-16-sniffed",
                              escaped_bytes=has_escaped_bytes(text)), ()
    chance = False
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        chance = utf8_by_chance(data, text)  # (a large file is not asked)
        if not chance:
            return text, Decoding("utf-8", "utf-8"), ()
    if not chance and (_bad_bytes_only_in_charset_lines(data) or _is_damaged_utf8(data)):
        text = data.decode("utf-8", errors="surrogateescape")
        return text, Decoding("utf-8", "utf-8", escaped_bytes=True), ()
    guess = guess_charset(data)
    for name in guess.ranked if guess.plausible else ():  # (else: damage, not a charset)
        try:
            text = data.decode(name)
        except UnicodeDecodeError:  # (a large file: the sample decoded, the whole not)
            continue
        return text, Decoding(codecs.lookup(name).name, "detected"), tuple(
            codecs.lookup(r).name for r in guess.rivals)
    text = data.decode("utf-8", errors="surrogateescape")
    return text, Decoding("utf-8", "fallback", escaped_bytes=True), ()


def _decode_lenient(data: bytes, name: str) -> str:
    """Decode keeping bad bytes as lone surrogates where the codec allows it.

    ``surrogateescape`` cannot stand for bytes below 0x80, which is what a UTF-16/32 file
    cut mid-character or holding a lone surrogate has; such files get U+FFFD instead
    (the ``replacement-character`` detector reports them).
    """
    try:
        return data.decode(name, errors="surrogateescape")
    except UnicodeDecodeError:
        return data.decode(name, errors="replace")


#: A damaged UTF-8 file may hold this many bad lines per line of good multi-byte UTF-8
#: before it is read as a legacy file instead.  A legacy file's line is valid, plausible
#: UTF-8 by chance about once in a thousand (see :func:`_plausible_utf8`).
_BAD_PER_GOOD: Final = 20


def _is_damaged_utf8(data: bytes) -> bool:
    """UTF-8 with some bad lines, not a legacy file: lines of valid multi-byte UTF-8 that
    reads like text, and no more than :data:`_BAD_PER_GOOD` bad lines for each; or bytes
    that are UTF-8 up to a last character cut short at the very end."""
    good = bad = 0
    lines = data.splitlines()
    for raw in lines:
        if raw.isascii():
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            if raw is lines[-1] and exc.reason == "unexpected end of data" and (
                    exc.end == len(raw) and not data.endswith((b"\n", b"\r"))):
                continue  # the file was cut inside its last character
            bad += 1
            continue
        _, colon, value = text.partition(":")
        value = value if colon else text  # (a folded or soft-broken line: all of it)
        good += not value.isascii() and _plausible_utf8(value.encode()) is not None
    return good * _BAD_PER_GOOD >= bad if good else not bad


def _bad_bytes_only_in_charset_lines(data: bytes) -> bool:
    """Every line that is not valid UTF-8 declares a CHARSET (so values decode themselves)."""
    found_bad = False
    for raw in data.splitlines():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            head = raw.split(b":", 1)[0].upper()
            if b"CHARSET=" not in head:
                return False
            found_bad = True
    return found_bad


@functools.lru_cache(maxsize=64)
def _codec_name(charset: str) -> str | None:
    """The codec a CHARSET label names (GB2312 and GBK read as their superset GB18030),
    or ``None`` for an unknown label.  Cached: a file repeats one label on every value."""
    try:
        name = codecs.lookup(charset.strip().strip('"')).name
    except LookupError:
        return None
    return "gb18030" if name in {"gb2312", "gbk"} else name


def decode_value_bytes(raw: bytes, charset: str | None) -> tuple[str, str | None, str | None]:
    """Decode one value's bytes with its CHARSET (default UTF-8).

    Returns ``(text, kind, message)``; ``kind`` is ``None`` when the bytes decoded as
    declared, else a finding kind (``unknown-charset``, ``charset-mismatch``,
    ``undecodable-bytes``) with plain words in ``message``.  Lost bytes become U+FFFD.
    """
    name = "utf-8"
    kind: str | None = None
    message: str | None = None
    if charset:
        known = _codec_name(charset)
        if known is None:
            kind, message = "unknown-charset", f"unknown charset {charset!r}; read as UTF-8"
        else:
            name = known
    try:
        text = raw.decode(name)
    except UnicodeDecodeError as exc:
        if name != "utf-8":
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:
                pass
            else:
                return text, "charset-mismatch", (
                    f"value labelled CHARSET={charset} is not valid {name} but is valid UTF-8;"
                    " read as UTF-8")
        legacy = guess_value(raw) if not charset and not _damaged_utf8_value(raw, exc) else None
        if legacy is not None:  # a card pasted in from an old export, in its own charset
            return raw.decode(legacy), "undecodable-bytes", (
                f"bytes not valid UTF-8 at byte {exc.start} of the value, and no CHARSET; "
                f"read as {legacy} (a guess: check the text)")
        text = raw.decode(name, errors="replace")
        return text, "undecodable-bytes", (
            f"bytes not valid {name} at byte {exc.start} of the value; replaced with U+FFFD")
    if name != "utf-8" and kind is None and not raw.isascii():
        # UTF-8 bytes are often valid in the labelled legacy charset too (as mojibake such
        # as '寮犱紵' for '张伟'), so a clean decode does not prove the label right.
        utf8 = _plausible_utf8(raw)
        if utf8 is not None:
            return utf8, "charset-mismatch", (
                f"value labelled CHARSET={charset} is UTF-8 text (read as {name} it would be"
                f" {text[:20]!r}); read as UTF-8")
    return text, kind, message


def _damaged_utf8_value(raw: bytes, exc: UnicodeDecodeError) -> bool:
    """UTF-8 with bytes lost, not another charset: cut inside its last character, or most
    of its non-ASCII bytes are valid UTF-8 ('José' with one stray byte).  Its bad bytes
    are replaced, not guessed."""
    if exc.reason == "unexpected end of data" and exc.end == len(raw):
        return True
    valid = sum(len(ch.encode()) for ch in raw.decode("utf-8", errors="replace")
                if ch > "\x7f" and ch != "\ufffd")
    return valid * 2 > sum(b > 0x7F for b in raw)


#: Characters that UTF-8 text in a contact plausibly holds beyond ASCII: CJK, kana, hangul,
#: full-width forms, general punctuation and astral characters (emoji).  Legacy bytes that
#: happen to be valid UTF-8 decode mostly to U+0080-U+07FF (Greek, Hebrew, Arabic…)
#: instead; for two GBK characters a false "UTF-8" verdict is about 1 in 1000.
_WIDE_UTF8: Final = re.compile(
    "[\u2000-\u206f\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af"
    "\uf900-\ufaff\uff00-\uffef\U00010000-\U0010ffff]")


def _plausible_utf8(raw: bytes) -> str | None:
    """``raw`` decoded as UTF-8 when it is valid UTF-8 that reads like real text, else None.

    Accented Latin letters (U+00C0-U+024F) count only next to ASCII letters ('Müller').
    """
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    latin = any(c.isascii() and c.isalpha() for c in text)
    for ch in text:
        if ch.isascii() or _WIDE_UTF8.match(ch) or (latin and "\u00c0" <= ch <= "\u024f"):
            continue
        return None
    return text
