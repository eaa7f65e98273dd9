"""Phone numbers: parsing, validity and E.164 through libphonenumber, and region inference."""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Final

import phonenumbers
from phonenumbers import shortnumberinfo

from .._core import UsageError, escape_controls, mask_phone
from .._notebook import current_options
from .common import CACHE_SIZE, E164, takes_text
from .text import normalize_text


@dataclass(frozen=True, slots=True)
class PhoneNumber:
    """A phone number as parsed: the raw text plus what it normalizes to.

    ``e164`` is ``None`` when the text could not be read as a number at all (then
    ``reason`` says why) and for a valid short number, which has no E.164 form.  A number
    that parses but cannot be valid keeps its ``e164`` and has ``valid=False`` and a
    ``reason`` such as ``"too short for CN"``.  ``region`` is the
    region code of the number (``"001"`` for non-geographic numbers such as +800).

    A number written without a country code is read in one of the plausible regions:
    ``read_in`` is the region used and ``region_source`` why it was that one:
    ``"explicit"`` (the first region given, and valid there), ``"inferred"`` (a later
    plausible region, the first in which the number is valid) or ``"assumed"`` (valid in
    none; read in the first).  Both are ``None`` for a number written internationally.
    ``short`` is true for a valid short or service number (10086, 95588, 999).
    """

    raw: str
    e164: E164 | None
    extension: str | None
    region: str | None
    valid: bool
    possible: bool
    reason: str | None
    # How the number was read, not what it is: two readings of one number compare equal.
    read_in: str | None = field(default=None, compare=False)
    region_source: str | None = field(default=None, compare=False)
    short: bool = field(default=False, compare=False)

    def __repr__(self) -> str:
        """Masked unless ``display_options(show_personal_data=True)``: a number is personal
        data (the attributes hold it in full)."""
        show = current_options().show_personal_data
        raw, e164 = (self.raw, self.e164) if show else (
            mask_phone(self.raw), mask_phone(self.e164) if self.e164 else None)
        return escape_controls(
            f"PhoneNumber(raw={raw!r}, e164={e164!r}, extension={self.extension!r}, "
            f"region={self.region!r}, valid={self.valid!r}, possible={self.possible!r}, "
            f"reason={self.reason!r}, read_in={self.read_in!r}, "
            f"region_source={self.region_source!r}, short={self.short!r})")

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


def _check_one(region: str, whole: str) -> str:
    code = region.strip().upper()
    if code not in _SUPPORTED_REGIONS:
        raise UsageError(f"unknown region code {whole!r}: expected an ISO 3166 code such as 'CN'"
                         " (or several in order of preference: 'CN,HK,TW')")
    return code


@functools.lru_cache(maxsize=1024)
def _check_region_text(region: str) -> str:
    exact = region.startswith(EXACT)
    codes = [_check_one(r, region) for r in region.removeprefix(EXACT).split(",")
             if r.strip() or not exact]
    return (EXACT if exact else "") + ",".join(dict.fromkeys(codes))


def _check_region(region: str | None) -> str | None:
    if region is None:
        return None
    if not isinstance(region, str):
        raise UsageError(f"region must be a region code such as 'CN', not {region!r}")
    return _check_region_text(region)


def check_region(region: str | None) -> str | None:
    """``region`` upper-cased, after checking it is a region code phonenumbers knows.

    Several regions may be given in order of preference, separated by commas: a number
    written without a country code is read in the first of them in which it is valid.

    >>> check_region("cn")
    'CN'
    >>> check_region("hk, cn")
    'HK,CN'
    """
    return _check_region(region)


#: Prefix of a region text that asks for the rules of contactguard 0.1 (``cg-canon-1``):
#: one region for every number, no per-card choice.  Used to verify old manifests.
EXACT: Final = "="


@functools.lru_cache(maxsize=1024)  # a handful of region texts, asked per phone number
def regions_of(region: str | None) -> tuple[tuple[str, ...], bool]:
    """The plausible regions of a (checked) region text, and whether per-card hints apply.

    >>> regions_of("HK,CN")
    (('HK', 'CN'), True)
    >>> regions_of("=CN")
    (('CN',), False)
    """
    if not region:
        return (), True
    exact = region.startswith(EXACT)
    return tuple(r for r in region.removeprefix(EXACT).split(",") if r), not exact


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


@functools.lru_cache(maxsize=CACHE_SIZE)
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


@takes_text
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
    return read_phone(raw, _check_region(region))


def read_phone_in(raw: str, region: str | None) -> PhoneNumber:
    """``raw`` read in exactly one (checked) region, as contactguard 0.1 read every number:
    no other region is tried and short numbers are not recognised as such."""
    return _normalize_phone(raw, region)


def _short(phone: PhoneNumber, raw: str, region: str) -> PhoneNumber | None:
    """``phone`` as a valid short or service number of ``region``, or ``None``."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", raw) if ch.isdigit())
    if not 2 <= len(digits) <= 8 or "+" in raw:
        return None
    try:
        num = _parse(digits, region)
    except phonenumbers.NumberParseException:
        return None
    if not shortnumberinfo.is_valid_short_number_for_region(num, region):
        return None
    # A short number has no E.164 form (+8610086 is no number): its key is its digits.
    return PhoneNumber(phone.raw, None, phone.extension, region, valid=True,
                       possible=True, reason=None, short=True)


@functools.lru_cache(maxsize=CACHE_SIZE)
def read_phone(raw: str, region: str | None) -> PhoneNumber:
    """:func:`normalize_phone` for a checked region text (see :func:`regions_of`): a number
    written without a country code is read in the first plausible region in which it is a
    valid number (else a valid short number), else in the first region (``"assumed"``).

    >>> p = read_phone("0935 384 953", "CN,TW")
    >>> p.e164, p.read_in, p.valid
    ('+886935384953', 'TW', True)
    >>> read_phone("10086", "CN").short
    True
    """
    regions, _ = regions_of(region)
    if not regions:
        return _normalize_phone(raw, None)
    first = _normalize_phone(raw, regions[0])
    if first.valid and _INTERNATIONAL.match(unicodedata.normalize("NFKC", raw).strip()):
        return first  # written with its country code: no region was needed
    for code in regions:
        phone = first if code == regions[0] else _normalize_phone(raw, code)
        if phone.valid:
            how = "explicit" if code == regions[0] else "inferred"
            return dataclasses.replace(phone, read_in=code, region_source=how)
    for code in regions:
        short = _short(first, raw, code)
        if short is not None:
            how = "explicit" if code == regions[0] else "inferred"
            return dataclasses.replace(short, read_in=code, region_source=how)
    if len(regions) > 1 and first.e164 is not None and _looks_short(raw):
        # A short number that is none of the regions' service numbers (a digit changed in
        # 911) is not a national number of the first region: its key is its digits.
        return dataclasses.replace(first, e164=None, read_in=regions[0],
                                   region_source="assumed")
    return dataclasses.replace(first, read_in=regions[0], region_source="assumed")


def _looks_short(raw: str) -> bool:
    text = unicodedata.normalize("NFKC", raw)
    digits = sum(ch.isdigit() for ch in text)
    return "+" not in text and 2 <= digits <= 6


#: An internationally written number: + or 00 first, after any "tel:", brackets or spaces.
_INTERNATIONAL: Final = re.compile(r"^(?:tel:)?[\s(]*(?:\+|00[1-9])", re.IGNORECASE)


_NUMBER_TYPES: Final = ("fixed_line", "mobile", "toll_free", "premium_rate", "shared_cost",
                        "personal_number", "voip", "pager", "uan", "voicemail")


def _type_patterns(region: str) -> dict[int, str]:
    """For each length, a pattern of the region's national numbers of that length that
    have a type (fixed line, mobile, toll free, …): what ``is_valid_number`` accepts."""
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if meta is None:
        return {}
    general = meta.general_desc
    by_length: dict[int, list[str]] = {}
    for kind in _NUMBER_TYPES:
        desc = getattr(meta, kind)
        if desc is not None and desc.national_number_pattern:
            lengths = desc.possible_length or (general.possible_length if general else ())
            for n in lengths or ():
                by_length.setdefault(n, []).append(f"(?:{desc.national_number_pattern})")
    # is_valid_number asks the general pattern first: a number it rejects has no type
    everything = general.national_number_pattern if general is not None else None
    head = f"(?=(?:{everything})\\Z)" if everything else ""
    return {n: f"{head}(?:{'|'.join(parts)})" for n, parts in by_length.items()}


@functools.lru_cache(maxsize=256)  # (215 country codes)
def _valid_by_length(cc: int) -> dict[int, re.Pattern[str]]:
    """For each length, one compiled pattern matching exactly the national numbers of that
    length that some region of country code ``cc`` calls valid (NANPA has 25 regions): a
    number is judged by one regular-expression match."""
    found: dict[int, list[str]] = {}
    for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(cc, ()):
        for n, pattern in _type_patterns(code).items():
            found.setdefault(n, []).append(f"(?:{pattern})")
    return {n: re.compile("|".join(parts)) for n, parts in found.items()}


_COUNTRY_CODES: dict[str, int] = {}


def valid_national(region: str, national: str) -> bool:
    """Whether ``national`` (a national significant number) is a valid number of any region
    sharing ``region``'s country code, as :func:`phonenumbers.is_valid_number` judges it,
    by the metadata's number-type patterns directly (no parse): one match of about a
    microsecond, too quick to be worth a cache.

    >>> valid_national("CN", "13800138000"), valid_national("CN", "1380013800")
    (True, False)
    """
    cc = _COUNTRY_CODES.get(region)
    if cc is None:
        cc = phonenumbers.country_code_for_region(region)
        if cc:  # only real regions are kept: a caller's unknown text is not
            _COUNTRY_CODES[region] = cc
    pattern = _valid_by_length(cc).get(len(national))
    return pattern is not None and pattern.fullmatch(national) is not None
