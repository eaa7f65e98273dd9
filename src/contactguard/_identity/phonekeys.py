"""Phone keys for the canonical form: a written number's E.164 key in a region text, with
fast paths for the common spellings (checked against libphonenumber's full parse by the
tests) and the dialling-plan facts they rest on."""

from __future__ import annotations

import functools
import re
from typing import Final, NamedTuple

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE, PhoneMetadata

from .._normalize import read_phone, read_phone_in, regions_of, valid_national

__all__ = ["phone_key"]


_PHONE_PUNCT: Final = str.maketrans("", "", " -.()\u00a0\u2011\u2012\u2013/")


def compact_of(raw: str) -> str:
    """``raw`` without the punctuation people put between digits (:data:`_PHONE_PUNCT`);
    an ASCII text by ``str.replace``, three times quicker than a translation table."""
    if raw.isascii():
        return (raw.replace(" ", "").replace("-", "").replace(".", "").replace("(", "")
                .replace(")", "").replace("/", ""))
    return raw.translate(_PHONE_PUNCT)


class _Plan(NamedTuple):
    """What the fast paths of :func:`phone_key` may assume of a region's dialling plan."""

    country_code: str
    intl_prefix: str | None  # a plain international prefix ("00", "011"), if it has one
    trunk_zero: bool  # national prefix "0", stripped as such and nothing else
    trunk_pattern: re.Pattern[str] | None
    lengths: frozenset[int]  # possible lengths of a national significant number
    # NANPA: country code 1, national prefix ``1`` parsed as itself, no transform rule
    trunk_one: bool = False


@functools.lru_cache(maxsize=512)
def _plan(region: str | None) -> _Plan | None:
    meta = PhoneMetadata.metadata_for_region(region or "") if region else None
    if meta is None or meta.country_code is None:
        return None
    intl = next((p for p in (meta.international_prefix, meta.preferred_international_prefix)
                 if p and p.isdigit()), None)
    trunk = meta.national_prefix == "0" and meta.national_prefix_transform_rule is None
    pattern = re.compile(meta.national_prefix_for_parsing) if (
        trunk and meta.national_prefix_for_parsing) else None
    # Lengths a mobile or fixed-line number can have: a national spelling of any other
    # length takes the full parse (phonenumbers then judges what the digits are).
    lengths = frozenset(n for desc in (meta.fixed_line, meta.mobile) if desc is not None
                        for n in (desc.possible_length or ()) if n > 0)
    trunk_one = (meta.country_code == 1 and meta.national_prefix == "1"
                 and meta.national_prefix_for_parsing in (None, "1")
                 and meta.national_prefix_transform_rule is None)
    return _Plan(str(meta.country_code), intl, trunk, pattern, lengths, trunk_one)


def _main_plan(cc: int) -> _Plan | None:
    regions = COUNTRY_CODE_TO_REGION_CODE.get(cc)
    return _plan(regions[0]) if regions else None


#: Country-code digits (as written) → the main region's plan, or ``False`` for no code.
_CC_PLANS: dict[str, _Plan | bool | None] = {}


def _cc_plan(prefix: str) -> _Plan | bool | None:
    found = _CC_PLANS.get(prefix)
    if found is None and prefix not in _CC_PLANS:
        cc = int(prefix or 0)
        found = _CC_PLANS[prefix] = (_main_plan(cc) if cc in COUNTRY_CODE_TO_REGION_CODE
                                     else False)
    return found


#: The first three digits of an international number → where its country code ends and
#: the main region's plan (``None``: no country code starts those digits).
_HEADS: dict[str, tuple[int, _Plan | None] | None] = {}


def _head(digits: str) -> tuple[int, _Plan | None] | None:
    head = digits[:3]
    if head in _HEADS:
        return _HEADS[head]
    found: tuple[int, _Plan | None] | None = None
    for size in (1, 2, 3):
        plan = _cc_plan(digits[:size])
        if plan is not False:
            found = (size, plan)  # type: ignore[assignment]
            break
    _HEADS[head] = found  # (at most 1,110 heads of ASCII digits)
    return found


def _international(digits: str) -> str | None:
    """``+digits`` when the digits start with a country code and no trunk 0 follows."""
    found = _head(digits)
    if found is None:
        return None
    size, plan = found
    national = digits[size:]
    if (national[:1] != "0" and len(digits) <= 15 and plan is not None
            and len(national) in plan.lengths):
        return "+" + digits
    return None


@functools.lru_cache(maxsize=1 << 16)
def _phone_key_in(raw: str, region: str | None, own_code: bool = True) -> str:
    """:attr:`PhoneNumber.key` of ``raw`` read in one region, with fast paths for the
    common spellings.

    Numbers written with only spaces, dashes, dots and slashes between digits are turned
    into E.164 without a full ``phonenumbers`` parse (about 40 µs with validation) when the
    dialling plan makes that unambiguous: ``+CC…`` whose national part has no trunk ``0``;
    the region's plain international prefix (``00``, ``011``) in place of ``+``; and
    national numbers in regions whose trunk prefix is a plain ``0`` that the region's
    parsing rule would strip and nothing else.  Everything else takes the full parse; a
    test checks that both give the same key for every region's example numbers.
    """
    compact = compact_of(raw)
    if not compact.isascii():
        return read_phone_in(raw, region).key
    if compact[:1] == "+" and compact[1:].isdigit():
        key = _international(compact[1:])
        if key is not None:
            return key
    elif compact.isdigit() and (plan := _plan(region)) is not None:
        if plan.intl_prefix and compact.startswith(plan.intl_prefix):
            key = _international(compact[len(plan.intl_prefix):])
            if key is not None:
                return key
        elif (national := _fast_national(compact, plan, own_code=own_code)) is not None:
            return f"+{plan.country_code}{national}"
    return read_phone_in(raw, region).key


def _fast_national(compact: str, plan: _Plan, *, own_code: bool = True) -> str | None:
    """The national significant number of an all-digit national spelling, where the
    region's plain trunk ``0`` makes it unambiguous (else ``None``: take the full parse).

    Digits that start with the region's own country code take the full parse:
    libphonenumber reads ``31612345678`` in the Netherlands as ``+31 6 12345678`` (the
    ``+`` left out), not as a national number ``31612345678``.  ``own_code=False`` is
    0.1's rule, kept for exact region texts (``=NL``), with which ``cg-canon-1``
    manifests are verified: it read such digits as a national number."""
    if not (plan.trunk_zero and 6 <= len(compact) <= 14) or (
            own_code and compact.startswith(plan.country_code)):
        return None
    m = plan.trunk_pattern.match(compact) if plan.trunk_pattern else None
    national = compact[1:] if compact[0] == "0" else compact
    plain = (m is None and compact[0] != "0") or (
        m is not None and m.group(0) == "0" and not any(m.groups()))
    if plain and national[:1] != "0" and len(national) in plan.lengths:
        return national
    return None


def _valid_international(e164: str) -> bool | None:
    """Whether an E.164 text from :func:`_international` is a valid number, judged by the
    number patterns of its country code's regions; ``None`` for a non-geographic code
    (``+800``, ``+882``…): those take the full parse."""
    digits = e164[1:]
    for size in (1, 2, 3):
        regions = COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:size] or 0))
        if regions:
            if regions[0] == "001":
                return None
            return valid_national(regions[0], digits[size:])
    return None


def _first_valid_key(raw: str, regions: tuple[str, ...], *, own_code: bool = True,
                     compact: str | None = None) -> str | None:
    """The key of ``raw`` in the first of ``regions`` where it is valid, by the fast path
    (all-digit national spellings in trunk-0 regions, checked against the region's own
    number patterns) or else the full parse; ``None`` when it is valid in none.
    ``compact``: :func:`compact_of` ``raw``, when the caller has it already."""
    if compact is None:
        compact = compact_of(raw)
    digits = compact.isascii() and compact.isdigit()
    for code in regions:
        plan = _plan(code) if digits else None
        if plan is not None and plan.intl_prefix and compact.startswith(plan.intl_prefix):
            # ``0086 138…`` read where 00 dials out: the region only strips the prefix,
            # and the number is valid or not as its own country judges it
            e164 = _international(compact[len(plan.intl_prefix):])
            valid = _valid_international(e164) if e164 is not None else None
            if valid is not None:
                if valid:
                    return e164
                continue
        national = _fast_national(compact, plan, own_code=own_code) if plan else None
        if national is not None:
            if valid_national(code, national):
                return f"+{plan.country_code}{national}"  # type: ignore[union-attr]
            continue
        phone = read_phone_in(raw, code)
        if phone.valid:
            return phone.key
    return None


@functools.lru_cache(maxsize=1 << 16)
def phone_key(raw: str, region: str | None) -> str:
    """:attr:`PhoneNumber.key` of ``raw`` in a region text (one region or several, see
    :func:`~contactguard._normalize.regions_of`).

    With one region this is the 0.1 rule, fast paths included.  With several, a number
    written internationally needs no region, and a national one is read in the first
    plausible region where it is valid (:func:`~contactguard._normalize.read_phone`), so
    ``0935 384 953`` in a book of Taiwanese and mainland numbers is ``+886935384953``.
    """
    regions, hints = regions_of(region)  # (no hints: an exact text, 0.1's rule)
    if len(regions) <= 1:
        return _phone_key_in(raw, regions[0] if regions else None, hints)
    compact = compact_of(raw)
    if compact[:1] == "+" and compact[1:].isdigit() and compact.isascii():
        return _phone_key_in(raw, regions[0], hints)
    key = _first_valid_key(raw, regions, own_code=hints)
    return key if key is not None else read_phone(raw, region).key
