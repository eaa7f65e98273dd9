"""A national number's readings: its key in each of a book's plausible regions.

``9225 3326`` is a valid Hong Kong and a valid Singapore mobile, so both keys take part in
matching and blocking (:func:`~.match.phone_alternates`).  Reading every national number
with a full ``phonenumbers`` parse in every region was most of the time of
``find_duplicates`` on a large book; the all-digit spellings are read here by the dialling
plan instead (a trunk ``0``, or NANPA's ``1``) and checked against the region's number
patterns, with the full parse kept for everything else.  Tests check the result against
``read_phone`` in each region, near misses and short numbers included.
"""

from __future__ import annotations

import functools

from .._normalize import read_phone, valid_national
from .phonekeys import _fast_national, _Plan, _plan, compact_of

__all__ = ["national_readings"]


def _fast(compact: str, plan: _Plan) -> str | None:
    """The national significant number of an all-digit spelling read in a region of this
    dialling plan when the plan makes it unambiguous, else ``None`` (take the full parse)."""
    if compact.startswith(plan.intl_prefix or "+"):
        return None
    if plan.trunk_one:
        # ``1`` is both the trunk prefix and the country code: either way libphonenumber
        # reads ``1`` + ten digits starting 2-9 as those ten digits, and ten such digits as
        # they are.  Any other shape (``11…``, twelve digits: it may strip ``1`` twice)
        # takes the full parse.
        if len(compact) == 11 and compact[0] == "1" and compact[1] in "23456789":
            return compact[1:]
        if len(compact) == 10 and compact[0] in "23456789":
            return compact
        return None
    if compact.startswith(plan.country_code):
        return None  # a parse may read those digits as the country code
    if (plan.trunk_zero and 6 <= len(compact) <= 14 and compact[0] != "0"
            and (plan.trunk_pattern is None or plan.trunk_pattern.match(compact) is None)):
        # no trunk prefix, carrier code or country code to strip: the digits are the
        # national number at any length (which lengths are valid is the patterns' say)
        return compact
    return _fast_national(compact, plan)


@functools.lru_cache(maxsize=1 << 16)
def national_readings(raw: str, regions: tuple[str, ...]) -> tuple[str, ...]:
    """``read_phone(raw, code).key`` for each of ``regions`` where it is valid, in order."""
    compact = compact_of(raw)
    digits = compact.isascii() and compact.isdigit()
    out: list[str] = []
    for code in regions:
        plan = _plan(code) if digits else None
        national = _fast(compact, plan) if plan is not None else None
        if national is not None:
            if valid_national(code, national):
                out.append(f"+{plan.country_code}{national}")  # type: ignore[union-attr]
                continue
            if len(compact) > 8:
                continue  # invalid, and longer than any short (service) number can be
        phone = read_phone(raw, code)
        if phone.valid:
            out.append(phone.key)
    return tuple(out)
