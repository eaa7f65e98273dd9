"""Phone numbers: parsing, validity and E.164 through libphonenumber, and region inference."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

import phonenumbers

from .._core import UsageError
from .._model import Snapshot
from .common import CACHE_SIZE, E164, takes_text
from .text import normalize_text


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


def region_for(*snapshots: Snapshot) -> str | None:
    """The region to read national phone numbers in: given on a snapshot, else inferred
    from the internationally written numbers of all the snapshots together."""
    for snap in snapshots:
        if snap.default_region:
            return snap.default_region
    return infer_region(tel for snap in snapshots for c in snap for tel in c.phones)
