"""Dates: the many ways exports write a birthday, read into ISO 8601, and what is wrong with one."""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from typing import Final

from .common import CACHE_SIZE, IsoDate, takes_text

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


#: The commonest spelling, ``1980-04-15``: already its ISO form when it is a real date.
_ISO_DAY: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fullmatch


def _read_date(raw: str) -> tuple[IsoDate | None, str | None]:
    if _ISO_DAY(raw) is not None:
        year, month, day = int(raw[:4]), int(raw[5:7]), int(raw[8:])
        if year not in _NO_YEAR and _day_problem(year, month, day) is None:
            return IsoDate(str(raw)), None  # what the forms below make of it, at once
    return _read_any_date(raw)


def _read_any_date(raw: str) -> tuple[IsoDate | None, str | None]:
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


@functools.lru_cache(maxsize=CACHE_SIZE)
def _date(raw: str) -> tuple[IsoDate | None, str | None]:
    return _read_date(raw)


@takes_text
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


@takes_text
def date_problem(raw: str) -> str | None:
    """Why ``raw`` is not a date :func:`normalize_date` can read, or ``None`` when it is.

    >>> date_problem("1980-02-30")
    'February 30 does not exist'
    >>> date_problem("1980-13-01")
    'month 13 does not exist'
    """
    return _date(raw)[1]
