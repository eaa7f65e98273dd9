"""Normalization: turn the strings a contact holds into forms that compare equal when they mean
the same thing.

Every function here is pure, works on one string (or a few) and is idempotent:
``f(f(x)) == f(x)`` wherever ``f`` returns a string.  Results are :class:`~typing.NewType`\\ s
(:data:`E164`, :data:`NormalizedEmail`, :data:`NormalizedText`, :data:`NameKey`, :data:`IsoDate`)
so the type checker notices a raw string where a normalized one belongs.

Damaged values are never dropped or raised: a phone number that cannot be valid comes back with
``valid=False`` and a ``reason`` in plain words, an e-mail address or date that is malformed
normalizes to ``None`` and its ``*_problem`` function says why.  The only exception raised is
:class:`~contactguard.UsageError`, for a ``region`` argument that is not a region code.

Per-string work is cached with :func:`functools.lru_cache` because a 100,000-contact book repeats
many values and every stage after this one asks for the same normalizations again.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, NewType, ParamSpec, TypeVar

import phonenumbers

from contactguard._errors import UsageError

__all__ = [
    "E164",
    "IsoDate",
    "NameKey",
    "NormalizedEmail",
    "NormalizedText",
    "PhoneNumber",
    "check_region",
    "date_problem",
    "email_problem",
    "infer_region",
    "is_cjk",
    "name_keys",
    "normalize_date",
    "normalize_email",
    "normalize_name",
    "normalize_phone",
    "normalize_text",
    "romanize",
]

_P = ParamSpec("_P")
_R = TypeVar("_R")


def _takes_text(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Public normalizers take text: anything else is a :class:`UsageError`, not a crash."""

    @functools.wraps(fn)
    def checked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        values = [*args, *(v for k, v in kwargs.items() if k != "region" or v is not None)]
        for value in values:
            if not isinstance(value, str):
                name = getattr(fn, "__name__", "normalizer")
                raise UsageError(f"{name}() takes text, not {type(value).__name__}")
        return fn(*args, **kwargs)

    return checked



E164 = NewType("E164", str)
"""A phone number in E.164 form: ``+``, country code, national number: ``+8613800138000``."""
NormalizedEmail = NewType("NormalizedEmail", str)
"""An e-mail address with a case-folded local part and an ASCII (IDNA) lower-case domain."""
NormalizedText = NewType("NormalizedText", str)
"""Text after NFKC, case folding and whitespace collapsing (see :func:`normalize_text`)."""
NameKey = NewType("NameKey", str)
"""A blocking key for a person's name, prefixed by its kind: ``t:``, ``p:`` or ``i:``."""
IsoDate = NewType("IsoDate", str)
"""A date in ISO 8601 form: ``YYYY-MM-DD``, ``--MM-DD`` (no year), ``YYYY-MM`` or ``YYYY``."""

_CACHE_SIZE: Final = 1 << 15


def _fixpoint(step: Callable[[str], str], s: str) -> str:
    """Apply ``step`` until the string stops changing, so the normalizer is idempotent.

    Unicode normalization, case folding and script conversion do not commute in every corner
    (NFKC can produce characters whose case fold is not NFKC, and the other way round); one pass
    is almost always enough, and a handful of passes settles the rest.
    """
    for _ in range(8):
        t = step(s)
        if t == s:
            return t
        s = t
    return s


# --------------------------------------------------------------------------------------------
# Scripts
# --------------------------------------------------------------------------------------------

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


@_takes_text
def is_cjk(ch: str) -> bool:
    """Whether the single character ``ch`` is a Chinese, Japanese or Korean letter.

    Han ideographs, kana, bopomofo and hangul count; CJK punctuation does not.

    >>> is_cjk("張"), is_cjk("か"), is_cjk("한"), is_cjk("・"), is_cjk("Z")
    (True, True, True, False, False)
    """
    if len(ch) != 1:
        raise UsageError(f"is_cjk() takes one character, got {len(ch)}: {ch!r}")
    return _CJK_CHAR.match(ch) is not None


# --------------------------------------------------------------------------------------------
# Text
# --------------------------------------------------------------------------------------------

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


@_takes_text
@functools.lru_cache(maxsize=_CACHE_SIZE)
def normalize_text(raw: str) -> NormalizedText:
    """Fold text for comparison: Unicode NFKC, case folded, whitespace collapsed and stripped.

    Used for organizations, titles, addresses and (lightly) notes.  Control characters count
    as whitespace; zero-width spaces, soft hyphens and byte-order marks are removed.

    >>> normalize_text("  ＡＣＭＥ\\u3000Straße\\n Ltd ")
    'acme strasse ltd'
    """
    if raw.isascii():  # one pass is already a fixed point for ASCII
        return NormalizedText(_text_once(raw))
    return NormalizedText(_fixpoint(_text_once, raw))


# --------------------------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------------------------

# OpenCC's converter loads its dictionaries once; building it per call would dominate.
# Both it and pypinyin (whose phrase tables take ~55 MB) are imported on first use, so
# reading and verifying, which never romanize, do not pay for them.  (Importing them emits
# no warnings as of OpenCC 1.4.2 / pypinyin 0.55.)
@functools.cache
def _t2s() -> Any:
    import opencc  # noqa: PLC0415 - heavy, and only names need it

    return opencc.OpenCC("t2s")

#: Punctuation inside names: separators become spaces (so "Zhang,Wei" has two tokens and
#: "爱新觉罗·溥仪" becomes one CJK run), typographic apostrophes become ASCII ones.
_NAME_TABLE: Final = {
    **dict.fromkeys(map(ord, ",.;:/\\()[]{}<>\"!?|·•‧・･∙⋅、，。"), " "),
    **dict.fromkeys(map(ord, "\u2018\u2019\u02bc\u02bb`´"), "'"),
}


def _t2s_run(match: re.Match[str]) -> str:
    return str(_t2s().convert(match.group()))


def _name_once(s: str) -> str:
    s = _text_once(s)
    if _HAN_CHAR.search(s):
        # Only Han runs go through OpenCC: the converter works on UTF-8 C strings and would
        # reject lone surrogates elsewhere in the value, and Latin text has nothing to convert.
        s = _HAN_RUN.sub(_t2s_run, s)
    s = " ".join(s.translate(_NAME_TABLE).split())
    return _CJK_GAP.sub("", s)


@_takes_text
@functools.lru_cache(maxsize=_CACHE_SIZE)
def normalize_name(raw: str) -> NormalizedText:
    """Fold a person's name: :func:`normalize_text`, Traditional → Simplified Chinese, CJK runs
    joined without spaces, and name punctuation (``,`` ``.`` ``·`` ``・`` …) turned into spaces.

    Apostrophes and hyphens are kept (``O'Brien``, ``Jean-Pierre``); typographic apostrophes
    become ``'``.

    >>> normalize_name("張 偉"), normalize_name("ZHANG, Wei"), normalize_name("爱新觉罗·溥仪")
    ('张伟', 'zhang wei', '爱新觉罗溥仪')
    >>> normalize_name("J.R.R. Tolkien")
    'j r r tolkien'
    """
    if raw.isascii():  # no folding or script conversion can reopen an ASCII result
        return NormalizedText(_name_once(raw))
    return NormalizedText(_fixpoint(_name_once, raw))


#: Surnames whose everyday reading differs from the reading pypinyin picks for the character
#: alone (曾 is "ceng" in 曾经 but the surname is "Zeng").  Applied only in the family-name slot.
_SURNAME_PINYIN: Final = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou",
    "乐": "yue", "缪": "miao", "盖": "ge", "覃": "qin", "翟": "zhai", "召": "shao", "种": "chong",
    "繁": "po", "员": "yun", "句": "gou", "纪": "ji", "华": "hua", "任": "ren", "沈": "shen",
    "秘": "bi", "葛": "ge", "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun",
}  # fmt: skip
#: Two-character surnames, so that a formatted 欧阳修 splits into 欧阳 + 修, not 欧 + 阳修.
_COMPOUND_SURNAMES: Final = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "令狐", "端木", "澹台", "万俟", "轩辕", "独孤", "南宫", "西门", "呼延",
    "闻人", "百里", "东郭", "申屠", "太史", "钟离", "公羊", "赫连", "第五",
})  # fmt: skip


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _pinyin(han: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of ``han`` (with ü), one per Han character.

    Cached: pypinyin costs ~15 µs a call, and given names and surnames repeat across a book.
    """
    import pypinyin  # noqa: PLC0415 - ~55 MB of tables, loaded on first romanization

    return tuple(str(p) for p in pypinyin.lazy_pinyin(han, v_to_u=True))


@functools.lru_cache(maxsize=4096)
def _surname_pinyin(family: str) -> str:
    return _SURNAME_PINYIN.get(family) or "".join(_pinyin(family))


def _split_han_name(name: str) -> tuple[str, str] | None:
    """Family and given name of a Chinese name written as 2-4 Han characters, else ``None``."""
    if not 2 <= len(name) <= 4 or not _HAN_RUN.fullmatch(name):
        return None
    cut = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:cut], name[cut:]


def _romanize_once(s: str) -> str:
    s = normalize_name(s)
    if not _HAN_CHAR.search(s):
        return s
    split = _split_han_name(s)
    if split is not None:
        family, given = split
        parts = [_surname_pinyin(family), *_pinyin(given)]
    else:
        parts = list(_pinyin(s))
    return normalize_name(" ".join(parts))


@_takes_text
@functools.lru_cache(maxsize=_CACHE_SIZE)
def romanize(name: str) -> str:
    """The name with Han characters spelled in toneless pinyin, one syllable per character.

    Other text is kept as :func:`normalize_name` leaves it.  A name of two to four Han
    characters is read as Chinese family + given name, so surname readings apply (曾 → zeng).
    Japanese kanji are read as Chinese too: the result is a matching aid, not a transliteration.

    >>> romanize("張偉"), romanize("吕布"), romanize("曾小明"), romanize("Zhang Wei")
    ('zhang wei', 'lü bu', 'zeng xiao ming', 'zhang wei')
    """
    if name.isascii():
        return normalize_name(name)
    return _fixpoint(_romanize_once, name)


#: Latin letters that do not decompose under NFKD but have an obvious ASCII spelling.
_LATIN_FOLD: Final = str.maketrans({
    "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
})  # fmt: skip
#: Joiners inside a token that pinyin spellings use inconsistently (Xiao-Ming, Xi'an).
_JOINERS: Final = str.maketrans("", "", "'-\u2010\u2011")


def _loose(token: str) -> str:
    """ASCII-fold a romanized token: accents off Latin letters, joiners removed."""
    token = token.translate(_LATIN_FOLD).translate(_JOINERS)
    if token.isascii():
        return token
    out: list[str] = []
    prev_ascii = False
    for ch in unicodedata.normalize("NFKD", token):
        if prev_ascii and unicodedata.combining(ch):
            continue  # only marks on Latin letters: Indic vowel signs are spelling
        out.append(ch)
        prev_ascii = ch.isascii()
    return unicodedata.normalize("NFC", "".join(out))


def _keys_from_tokens(variants: Iterable[list[str]]) -> set[NameKey]:
    keys: set[NameKey] = set()
    for tokens in variants:
        loose = [t for t in map(_loose, tokens) if t]
        if loose:
            keys.add(NameKey("p:" + " ".join(sorted(loose))))
            keys.add(NameKey("i:" + "".join(sorted(t[0] for t in loose))))
    return keys


def _keys_for(name: str, han_split: tuple[str, str] | None) -> set[NameKey]:
    """Keys of one normalized name; ``han_split`` is its (family, given) when Chinese."""
    # A stray hyphen or apostrophe between words is no part of the name.
    tokens = [t for t in name.split() if t.translate(_JOINERS)]
    if not tokens:
        return set()
    name = " ".join(tokens)
    keys = {NameKey("t:" + " ".join(sorted(tokens)))}
    # One syllable per token: matches "Xiao Ming Wang" and the Latin-only names.
    variants = [romanize(name).split()]
    if han_split is not None and all(han_split):
        # Pinyin orthography: family and given name each one word ("Wang Xiaoming").
        family, given = han_split
        variants.append([_surname_pinyin(family), "".join(_pinyin(given))])
        variants.append([_surname_pinyin(family), *_pinyin(given)])
    keys |= _keys_from_tokens(variants)
    return keys


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _name_keys(family: str, given: str, formatted: str) -> frozenset[NameKey]:
    keys: set[NameKey] = set()
    fam, giv = normalize_name(family), normalize_name(given)
    if fam or giv:
        # Family first: order does not matter to the sorted keys, and CJK names are written so.
        structured = normalize_name(f"{fam} {giv}")
        split = (fam, giv) if _HAN_RUN.fullmatch(fam + giv) else None
        keys |= _keys_for(structured, split)
    whole = normalize_name(formatted)
    if whole:
        keys |= _keys_for(whole, _split_han_name(whole))
    return frozenset(keys)


@_takes_text
def name_keys(*, family: str = "", given: str = "", formatted: str = "") -> frozenset[NameKey]:
    """Blocking keys for a person's name: two names that share a key may be the same person.

    Keys from the structured name (``family``/``given``) and from the ``formatted`` name are
    pooled.  Three kinds, prefixed so they never collide:

    ``t:``  the tokens of :func:`normalize_name`, sorted ("Wei Zhang" = "Zhang, Wei");
    ``p:``  the romanized tokens (:func:`romanize`), accents and hyphens off, sorted, so 張偉,
            张伟 and "Wei Zhang" meet; a Chinese name also gets the "family givenname" spelling
            (王小明 = "Wang Xiaoming");
    ``i:``  the sorted initials of each ``p:`` key ("i:wz" for Zhang Wei).

    >>> sorted(name_keys(formatted="張偉"))
    ['i:wz', 'p:wei zhang', 't:张伟']
    >>> sorted(name_keys(family="Zhang", given="Wei"))
    ['i:wz', 'p:wei zhang', 't:wei zhang']
    >>> name_keys(formatted="  ")
    frozenset()
    """
    return _name_keys(family, given, formatted)


# --------------------------------------------------------------------------------------------
# Phone numbers
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A phone number as parsed: the raw text plus what it normalizes to.

    ``e164`` is ``None`` only when the text could not be read as a number at all (then
    ``reason`` says why).  A number that parses but cannot be valid keeps its ``e164`` and
    has ``valid=False`` and a ``reason`` such as ``"too short for CN"``.  ``region`` is the
    region code of the number (``"001"`` for non-geographic numbers such as +800).
    """

    raw: str
    e164: E164 | None
    extension: str | None
    region: str | None
    valid: bool
    possible: bool
    reason: str | None

    @property
    def key(self) -> str:
        """What to compare numbers by: E.164 plus ``;ext=…``, or the bare digits of an
        unreadable value (so the same garbage still equals itself).

        >>> normalize_phone("+1 650 253 0000 x123").key
        '+16502530000;ext=123'
        >>> normalize_phone("call me", region="CN").key
        'call me'
        """
        if self.e164 is None:
            digits = "".join(ch for ch in unicodedata.normalize("NFKC", self.raw) if ch.isdigit())
            # Not a digit in sight: fall back to the text, so "n/a" and "?" stay distinct.
            return digits or normalize_text(self.raw)
        if self.extension:
            return f"{self.e164};ext={self.extension}"
        return self.e164


_SUPPORTED_REGIONS: Final = frozenset(phonenumbers.SUPPORTED_REGIONS)
#: Words for "extension" that phonenumbers does not know: Chinese 转/轉/分机/分機.
_CJK_EXTENSION: Final = re.compile(r"\s*(?:转|轉|分机|分機)\s*")
#: A leading 00 (after any "tel:", brackets or spaces) is the international prefix when no
#: region says otherwise; it is the prefix of most of the world.
_LEADING_00: Final = re.compile(r"^([^0-9+]*)00(?=\d)")
_E164_MAX_LEN: Final = 16  # "+" and at most 15 digits

_PARSE_REASON: Final = {
    phonenumbers.NumberParseException.INVALID_COUNTRY_CODE: "unknown country code",
    phonenumbers.NumberParseException.NOT_A_NUMBER: "not a phone number",
    phonenumbers.NumberParseException.TOO_SHORT_AFTER_IDD: (
        "too short after the international prefix"
    ),
    phonenumbers.NumberParseException.TOO_SHORT_NSN: "too short",
    phonenumbers.NumberParseException.TOO_LONG: "too long",
}
_POSSIBLE_REASON: Final = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "unknown country code {cc}",
    phonenumbers.ValidationResult.TOO_SHORT: "too short for {where}",
    phonenumbers.ValidationResult.TOO_LONG: "too long for {where}",
    phonenumbers.ValidationResult.INVALID_LENGTH: "wrong length for {where}",
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY: (
        "local number without area code for {where}"
    ),
}  # fmt: skip
_POSSIBLE: Final = frozenset({
    phonenumbers.ValidationResult.IS_POSSIBLE,
    phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
})  # fmt: skip


def _check_region(region: str | None) -> str | None:
    if region is None:
        return None
    if not isinstance(region, str):
        raise UsageError(f"region must be a region code such as 'CN', not {region!r}")
    code = region.strip().upper()
    if code not in _SUPPORTED_REGIONS:
        raise UsageError(f"unknown region code {region!r}: expected an ISO 3166 code such as 'CN'")
    return code


def check_region(region: str | None) -> str | None:
    """``region`` upper-cased, after checking it is a region code phonenumbers knows.

    >>> check_region("cn")
    'CN'
    """
    return _check_region(region)


def _parse(text: str, region: str | None) -> phonenumbers.PhoneNumber:
    return phonenumbers.parse(text, region, keep_raw_input=False)


def _region_of(num: phonenumbers.PhoneNumber, valid: bool) -> str | None:
    code = phonenumbers.region_code_for_number(num) if valid else None
    if code is None:
        code = phonenumbers.region_code_for_country_code(num.country_code or 0)
    return None if code in (None, "ZZ") else code


def _reads_back(e164: E164) -> bool:
    """Whether the E.164 text of an invalid number parses back to itself.

    Not guaranteed for invalid numbers (phonenumbers may strip a national prefix from the
    digits after the country code), and a key that changes when read again is no key.
    """
    try:
        again = _parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return _e164(again) == e164


def _e164(num: phonenumbers.PhoneNumber) -> E164:
    return E164(phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164))


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _normalize_phone(raw: str, region: str | None) -> PhoneNumber:
    text = unicodedata.normalize("NFKC", raw).strip() if not raw.isascii() else raw.strip()
    if not text:
        return PhoneNumber(raw, None, None, None, valid=False, possible=False, reason="empty")
    text = _CJK_EXTENSION.sub(" ext. ", text)
    intl = _LEADING_00.sub(r"\g<1>+", text)
    candidates = [text] if region is not None else []
    if intl != text:
        # With a region, 00 means what the region says (in the US it is not the international
        # prefix): try that first and fall back to "00 = +" only if it yields no valid number.
        candidates.append(intl)
    first, *others = candidates or [text]
    result = _read(raw, first, region)
    for candidate in others:
        if result.valid:
            break
        retry = _read(raw, candidate, region)
        if retry.valid:
            return retry
    return result


def _read(raw: str, text: str, region: str | None) -> PhoneNumber:
    try:
        num = _parse(text, region)
    except phonenumbers.NumberParseException as exc:
        why = _PARSE_REASON.get(exc.error_type, "not a phone number")
        if (
            exc.error_type == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE
            and region is None
            and "+" not in text
        ):
            why = "no country code and no default region"
        return PhoneNumber(raw, None, None, None, valid=False, possible=False, reason=why)
    valid = phonenumbers.is_valid_number(num)
    how = phonenumbers.is_possible_number_with_reason(num)
    number_region = _region_of(num, valid)
    e164: E164 | None = _e164(num)
    reason: str | None = None
    if not valid:
        where = number_region if number_region not in (None, "001") else f"+{num.country_code}"
        template = _POSSIBLE_REASON.get(how, "not a valid number for {where}")
        reason = template.format(where=where, cc=f"+{num.country_code}")
        if e164 is not None and (len(e164) > _E164_MAX_LEN or not _reads_back(e164)):
            # Too many digits for E.164, or a text that would read back as another number:
            # no key at all.  (Valid numbers are trusted as phonenumbers formats them: its
            # metadata knows a few national plans, e.g. German, that run past 15 digits.)
            e164 = None
        if e164 is None:
            reason += "; cannot be written in E.164"
    return PhoneNumber(
        raw,
        e164,
        num.extension or None,
        number_region,
        valid=valid,
        possible=how in _POSSIBLE,
        reason=reason,
    )


@_takes_text
def normalize_phone(raw: str, *, region: str | None = None) -> PhoneNumber:
    """Read a phone number as written in a contact.

    ``region`` (ISO 3166 code, any case) says how to read numbers written without a country
    code and which international prefix applies (00 in CN, 011 in the US); without it only
    internationally written numbers (``+86 …``, ``0086 …``) can be read.  ``tel:`` URIs,
    full-width digits and extensions (``ext. 123``, ``x123``, ``;ext=123``, ``转123``) are
    understood.  Raises :class:`~contactguard.UsageError` for an unknown region code.

    >>> normalize_phone("tel:+86-138-0013-8000").e164
    '+8613800138000'
    >>> normalize_phone("１３８００１３８０００", region="cn").e164
    '+8613800138000'
    >>> p = normalize_phone("+86 123")
    >>> p.e164, p.valid, p.reason
    ('+86123', False, 'too short for CN')
    """
    return _normalize_phone(raw, _check_region(region))


#: An internationally written number: + or 00 first, after any "tel:", brackets or spaces.
_INTERNATIONAL: Final = re.compile(r"^(?:tel:)?[\s(]*(?:\+|00[1-9])", re.IGNORECASE)


INFER_REGION_SAMPLE: Final = 2000


def infer_region(raws: Iterable[str]) -> str | None:
    """The region most internationally written numbers (``+CC …`` or ``00CC …``) belong to.

    Meant as the default region of a snapshot whose caller gave none.  Numbers are counted
    by country code first, since regions sharing one (GB with GG/JE/IM, US with CA and the
    Caribbean) share a dialling plan; within the winning code the most common region wins,
    and on a tie there the code's main region (GB, US).  ``None`` when there are no such
    numbers or when two country codes tie for the most.  Only the first
    :data:`INFER_REGION_SAMPLE` international numbers are parsed: a majority is clear long
    before, and a 100,000-contact book would otherwise pay a full parse per number.

    >>> infer_region(["+86 138 0013 8000", "008613900139000", "+1 650 253 0000", "5551234"])
    'CN'
    >>> infer_region(["+86 138 0013 8000", "+1 650 253 0000"]) is None
    True
    """
    by_code: Counter[int] = Counter()
    by_region: Counter[tuple[int, str]] = Counter()
    for raw in raws:
        text = unicodedata.normalize("NFKC", raw).strip()
        if not _INTERNATIONAL.match(text):
            continue
        phone = _normalize_phone(raw, None)
        if phone.e164 is None or phone.region in (None, "001"):
            continue
        code = phonenumbers.country_code_for_region(phone.region)
        by_code[code] += 1
        by_region[code, phone.region] += 1
        if by_code.total() >= INFER_REGION_SAMPLE:
            break
    ranked = by_code.most_common(2)
    if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
        return None
    code = ranked[0][0]
    regions = sorted(
        ((n, r) for (c, r), n in by_region.items() if c == code), reverse=True
    )
    if len(regions) > 1 and regions[0][0] == regions[1][0]:
        return str(phonenumbers.region_code_for_country_code(code))
    return regions[0][1]


# --------------------------------------------------------------------------------------------
# E-mail addresses
# --------------------------------------------------------------------------------------------

_MAILTO: Final = re.compile(r"^mailto:", re.IGNORECASE)
_SPACE: Final = re.compile(r"\s")
#: Characters that RFC 5322 allows in a local part only inside quotes.
_LOCAL_SPECIALS: Final = frozenset('()<>[]:;,\\"')
_LABEL_OK: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


def _strip_email(raw: str) -> str:
    s = raw.strip()
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).strip()
    s = _MAILTO.sub("", s).strip()
    if raw.lstrip()[:7].lower() == "mailto:":
        s = s.split("?", 1)[0]  # mailto: URIs may carry ?subject=… headers
    if len(s) > 1 and s[0] == "<" and s[-1] == ">":
        s = s[1:-1].strip()
    return s


def _split_email(s: str) -> tuple[str, str] | None:
    """(local, domain) of an address with exactly one @ outside a quoted local part."""
    local, at, domain = s.rpartition("@")
    if not at or ("@" in local and not (local.startswith('"') and local.endswith('"'))):
        return None
    return local, domain


def _ascii_domain(domain: str) -> str | None:
    """The domain lower-cased and IDNA-encoded (IDNA 2003, Python's codec), or ``None``."""
    domain = domain.lower()
    if domain.endswith(".") and len(domain) > 1:
        domain = domain[:-1]  # "example.com." is the same domain written fully qualified
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _fold(s: str) -> str:
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", s).casefold())


@_takes_text
@functools.lru_cache(maxsize=_CACHE_SIZE)
def normalize_email(raw: str) -> NormalizedEmail | None:
    """An e-mail address in comparable form, or ``None`` when ``raw`` is not an address.

    ``mailto:``, surrounding ``<…>`` and whitespace are stripped.  The domain is lower-cased
    and IDNA-encoded to ASCII (a non-ASCII domain that cannot be encoded is kept folded).  The
    local part is **case folded** too: RFC 5321 lets a server treat it case-sensitively, but
    address books, mail providers and people do not, and a backup that changed ``John@`` to
    ``john@`` has not lost a contact.  A value is "not an address" when it lacks exactly one
    ``@`` with text on both sides, or contains whitespace; other defects (no dot in the domain,
    bad labels) still normalize and are reported by :func:`email_problem`.

    >>> normalize_email(" mailto:John.Doe@Bücher.EXAMPLE ")
    'john.doe@xn--bcher-kva.example'
    >>> normalize_email("not an address") is None
    True
    """
    s = _strip_email(raw)
    parts = _split_email(s)
    if parts is None or _SPACE.search(s):
        return None
    local, domain = parts
    if not local or not domain:
        return None
    ascii_domain = _ascii_domain(domain)
    folded_domain = ascii_domain if ascii_domain is not None else _fold(domain)
    return NormalizedEmail(f"{_fold(local)}@{folded_domain}")


@_takes_text
def email_problem(raw: str) -> str | None:
    """What is wrong with an e-mail address, in plain words, or ``None`` when nothing is.

    >>> email_problem("john.doe@example.com") is None
    True
    >>> email_problem("john.doe.example.com")
    'missing @'
    >>> email_problem("john@example")
    'domain "example" has no dot'
    """
    s = _strip_email(raw)
    if not s:
        return "empty"
    if "@" not in s:
        return "missing @"
    if _split_email(s) is None:
        return "more than one @"
    if _SPACE.search(s):
        return "contains spaces"
    local, _, domain = s.rpartition("@")
    if not local:
        return "nothing before @"
    if not domain:
        return "nothing after @"
    problem = _local_problem(local) or _domain_problem(domain)
    if problem is None and len(s) > 254:
        problem = "longer than 254 characters"
    return problem


def _local_problem(local: str) -> str | None:
    if len(local) > 64:
        return "part before @ longer than 64 characters"
    if local.startswith('"') and local.endswith('"') and len(local) > 1:
        return None  # a quoted local part may contain anything printable
    if local.startswith(".") or local.endswith("."):
        return "part before @ starts or ends with a dot"
    if ".." in local:
        return "two dots in a row before @"
    bad = sorted({ch for ch in local if ch in _LOCAL_SPECIALS or not ch.isprintable()})
    if bad:
        return f"character {bad[0]!r} not allowed before @"
    return None


def _domain_problem(domain: str) -> str | None:
    if domain.startswith("[") and domain.endswith("]"):
        return None  # an address literal such as [192.0.2.1]
    if domain.endswith(".") and len(domain) > 1:
        domain = domain[:-1]
    ascii_domain = _ascii_domain(domain)
    if ascii_domain is None:
        return f"domain {domain!r} cannot be encoded (IDNA)"
    labels = ascii_domain.split(".")
    for label in labels:
        if not label:
            return f'empty label in domain "{domain}"'
        if len(label) > 63:
            return f'domain label "{label[:20]}…" longer than 63 characters'
        if not _LABEL_OK.fullmatch(label):
            if label.startswith("-") or label.endswith("-"):
                return f'domain label "{label}" starts or ends with a hyphen'
            return f'domain label "{label}" has characters other than letters, digits, hyphen'
    if len(labels) < 2:
        return f'domain "{domain}" has no dot'
    if labels[-1].isdigit():
        return f'top-level domain "{labels[-1]}" is numeric'
    return None


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------

#: Years that exporters write to mean "no year": iOS uses 1604 (a leap year, so Feb 29 fits);
#: 0000 is not a year in the Gregorian calendar and appears in some Android exports.
_NO_YEAR: Final = frozenset({1604, 0})
_LEAP: Final = 2000  # a leap year to validate month-day pairs that have no year
_MONTHS: Final = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip

_TIME: Final = (
    r"(?:[T ](?P<hh>\d\d)(?::?(?P<mi>\d\d)(?::?(?P<ss>\d\d)(?:[.,]\d+)?)?)?"
    r"(?:Z|[+-]\d\d(?::?\d\d)?)?)?"
)
#: Rules as data: each accepted form, tried in order.  Named groups y, m, d (d optional).
_DATE_FORMS: Final = (
    # 1980-04-15, 1980/4/15, 1980.04.15, with an optional time (Google: T00:00:00.000Z)
    re.compile(rf"(?P<y>\d{{4}})(?P<sep>[-/.])(?P<m>\d{{1,2}})(?P=sep)(?P<d>\d{{1,2}}){_TIME}"),
    # 19800415, 19800415T000000
    re.compile(rf"(?P<y>\d{{4}})(?P<m>\d\d)(?P<d>\d\d){_TIME}"),
    # --0415, --04-15 (vCard 4.0, iOS): no year
    re.compile(r"--(?P<m>\d\d)-?(?P<d>\d\d)"),
    # 1980-04 (vCard 4.0 reduced precision)
    re.compile(r"(?P<y>\d{4})[-/.](?P<m>\d{1,2})"),
    # 1980 (vCard 4.0 reduced precision)
    re.compile(r"(?P<y>\d{4})"),
)
#: Year last: 15.04.1980, 04/15/1980.  Day and month order is read only when unambiguous.
_YEAR_LAST: Final = re.compile(
    rf"(?P<a>\d{{1,2}})(?P<sep>[-/.])(?P<b>\d{{1,2}})(?P=sep)(?P<y>\d{{4}}){_TIME}"
)


def _day_problem(year: int | None, month: int, day: int) -> str | None:
    if not 1 <= month <= 12:
        return f"month {month} does not exist"
    if day < 1:
        return f"day {day} of {_MONTHS[month - 1]} does not exist"
    check_year = _LEAP if year is None else year
    try:
        datetime.date(max(check_year, 1), month, day)
    except ValueError:
        if month == 2 and day == 29:
            return f"February 29 does not exist in {year} (not a leap year)"
        return f"{_MONTHS[month - 1]} {day} does not exist"
    return None


def _time_problem(match: re.Match[str]) -> str | None:
    hh, mi, ss = (match.group(g) for g in ("hh", "mi", "ss"))
    if hh is not None and (int(hh) > 24 or int(mi or 0) > 59 or int(ss or 0) > 60):
        return f"time {hh}:{mi or '00'} is not a time of day"
    return None


def _read_date(raw: str) -> tuple[IsoDate | None, str | None]:
    s = raw.strip()
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).strip()
    if not s:
        return None, "empty"
    year: int | None
    day: int | None
    for form in _DATE_FORMS:
        match = form.fullmatch(s)
        if match is not None:
            groups = match.groupdict()
            year = int(groups["y"]) if groups.get("y") else None
            month = int(groups["m"]) if groups.get("m") else None
            day = int(groups["d"]) if groups.get("d") else None
            break
    else:
        match = _YEAR_LAST.fullmatch(s)
        if match is None:
            return None, f"not a date: {raw.strip()!r}"
        a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
        if a != b and a <= 12 and b <= 12:
            return None, (
                f"ambiguous date {raw.strip()!r}: {a} {_MONTHS[b - 1]} "
                f"or {_MONTHS[a - 1]} {b}?"
            )
        month, day = (a, b) if b > 12 else (b, a)
    if "hh" in match.groupdict():
        problem = _time_problem(match)
        if problem:
            return None, problem
    if year in _NO_YEAR:
        year = None
    if month is None:  # year only
        if year is None:
            return None, "a no-year placeholder without month or day"
        return IsoDate(f"{year:04d}"), None
    if day is None:  # year and month
        if not 1 <= month <= 12:
            return None, f"month {month} does not exist"
        if year is None:
            return None, "a no-year placeholder with a month but no day"
        return IsoDate(f"{year:04d}-{month:02d}"), None
    problem = _day_problem(year, month, day)
    if problem:
        return None, problem
    if year is None:
        return IsoDate(f"--{month:02d}-{day:02d}"), None
    return IsoDate(f"{year:04d}-{month:02d}-{day:02d}"), None


@functools.lru_cache(maxsize=_CACHE_SIZE)
def _date(raw: str) -> tuple[IsoDate | None, str | None]:
    return _read_date(raw)


@_takes_text
def normalize_date(raw: str) -> IsoDate | None:
    """A BDAY/ANNIVERSARY value in canonical ISO form, or ``None`` when it is not a date.

    Output is ``YYYY-MM-DD``, ``--MM-DD`` (no year), ``YYYY-MM`` or ``YYYY``.  Accepted:
    ``1980-04-15``, ``19800415``, ``1980/4/15``, with or without a time
    (``1980-04-15T00:00:00.000Z``, ``19800415T000000``; the time is ignored), ``--0415`` and
    ``--04-15``, ``1980-04``, ``1980``.  Year 1604 (iOS) and 0000 mean "no year".  Dates
    with the year last (``15.04.1980``, ``04/15/1980``) are read only when the day-month order
    is unambiguous: one of the first two numbers is above 12, or both are equal.

    >>> normalize_date("1980-04-15T00:00:00.000Z"), normalize_date("1604-04-15")
    ('1980-04-15', '--04-15')
    >>> normalize_date("15.04.1980"), normalize_date("04.05.1980")
    ('1980-04-15', None)
    """
    return _date(raw)[0]


@_takes_text
def date_problem(raw: str) -> str | None:
    """Why ``raw`` is not a date :func:`normalize_date` can read, or ``None`` when it is.

    >>> date_problem("1980-02-30")
    'February 30 does not exist'
    >>> date_problem("1980-13-01")
    'month 13 does not exist'
    """
    return _date(raw)[1]
