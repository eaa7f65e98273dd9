"""Damaged text: mojibake (with certain repairs), U+FFFD, control characters, NUL.

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
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from typing import Final

from .problems import ValueProblem

__all__ = ["check_text"]

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
