"""Text: scripts (which characters are CJK) and the general text normalization."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Final

from .._core import UsageError
from .common import CACHE_SIZE, NormalizedText, fixpoint, takes_text

#: Code point ranges of Han ideographs (unified, extensions A-I, compatibility) and of the
#: ideographic marks that occur inside Chinese and Japanese names (々 〆 〇).
_HAN_RANGES: Final = (
    (0x3005, 0x3007),
    (0x3021, 0x3029),
    (0x3038, 0x303B),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2EE5F),
    (0x2F800, 0x2FA1F),
    (0x30000, 0x323AF),
)
#: The other CJK scripts, which like Han are written without spaces between syllables:
#: radicals, kana (without the ・ middle dot, which is punctuation), bopomofo, hangul.
_OTHER_CJK_RANGES: Final = (
    (0x1100, 0x11FF),
    (0x2E80, 0x2FDF),
    (0x3041, 0x30FA),
    (0x30FC, 0x30FF),
    (0x3105, 0x318F),
    (0x31A0, 0x31BF),
    (0x31F0, 0x31FF),
    (0xA960, 0xA97F),
    (0xAC00, 0xD7AF),
    (0xD7B0, 0xD7FF),
    (0x1B000, 0x1B16F),
)


def _char_class(ranges: Iterable[tuple[int, int]]) -> str:
    return "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in ranges)


_HAN_CLASS: Final = _char_class(_HAN_RANGES)
_CJK_CLASS: Final = _HAN_CLASS + _char_class(_OTHER_CJK_RANGES)
_CJK_CHAR: Final = re.compile(f"[{_CJK_CLASS}]")
_HAN_CHAR: Final = re.compile(f"[{_HAN_CLASS}]")
_HAN_RUN: Final = re.compile(f"[{_HAN_CLASS}]+")
#: A single space between two CJK characters: CJK names are written without spaces.
_CJK_GAP: Final = re.compile(f"(?<=[{_CJK_CLASS}]) (?=[{_CJK_CLASS}])")


@takes_text
def is_cjk(ch: str) -> bool:
    """Whether the single character ``ch`` is a Chinese, Japanese or Korean letter.

    Han ideographs, kana, bopomofo and hangul count; CJK punctuation does not.

    >>> is_cjk("張"), is_cjk("か"), is_cjk("한"), is_cjk("・"), is_cjk("Z")
    (True, True, True, False, False)
    """
    if len(ch) != 1:
        raise UsageError(f"is_cjk() takes one character, got {len(ch)}: {ch!r}")
    return _CJK_CHAR.match(ch) is not None


#: C0/C1 control characters become spaces (a stray NUL or escape is a separator, not content);
#: invisible formatting characters that only ever appear by accident are removed.  ZWJ and ZWNJ
#: are kept: they are spelling in several scripts and in emoji.
_TEXT_TABLE: Final = {
    **dict.fromkeys([*range(0x20), 0x7F, *range(0x80, 0xA0)], " "),
    **dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff"), None),
}


def _text_once(s: str) -> str:
    if s.isascii():
        return " ".join(s.translate(_TEXT_TABLE).lower().split())
    s = unicodedata.normalize("NFKC", s).casefold()
    return " ".join(s.translate(_TEXT_TABLE).split())


@takes_text
@functools.lru_cache(maxsize=CACHE_SIZE)
def normalize_text(raw: str) -> NormalizedText:
    """Fold text for comparison: Unicode NFKC, case folded, whitespace collapsed and stripped.

    Used for organizations, titles, addresses and (lightly) notes.  Control characters count
    as whitespace; zero-width spaces, soft hyphens and byte-order marks are removed.

    >>> normalize_text("  ＡＣＭＥ\\u3000Straße\\n Ltd ")
    'acme strasse ltd'
    """
    if raw.isascii():  # one pass is already a fixed point for ASCII
        return NormalizedText(_text_once(raw))
    return NormalizedText(fixpoint(_text_once, raw))
