"""Plausible regions: which regions a book's national numbers may be in, most likely first.

A book mixes mainland, Hong Kong, Taiwan and overseas numbers, so no one region is assumed
for it: the caller's region, the regions of its internationally written numbers (by
country code, most common first) and the locale's region are tried in that order, per
number, by :func:`~contactguard._normalize.phones.read_phone`.
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from typing import Final

import phonenumbers

from .._model import Snapshot
from .common import CACHE_SIZE
from .phones import (
    _INTERNATIONAL,
    _SUPPORTED_REGIONS,
    EXACT,
    _check_region,
    _normalize_phone,
    regions_of,
)

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


#: Most regions :func:`plausible_regions` lists (the rarest are left out past this).
MAX_REGIONS: Final = 8


_DIAL_PUNCT: Final = str.maketrans("", "", " -.()\u00a0\u2011\u2012\u2013/")


@functools.lru_cache(maxsize=CACHE_SIZE)  # pure, called for every TEL of every card
def region_of_international(text: str) -> str | None:
    """The main region of the country code of an internationally written number (``+CC…``
    or ``00CC…``), without a full parse: ``None`` for a national spelling.

    >>> region_of_international("+852 9759 7703"), region_of_international("0086 138 0013 8000")
    ('HK', 'CN')
    >>> region_of_international("138 0013 8000") is None
    True
    """
    compact = text.strip().translate(_DIAL_PUNCT)
    if compact[:4].lower() == "tel:":
        compact = compact[4:]
    if compact[:1] == "+":
        digits = compact[1:]
    elif compact[:2] == "00" and compact[2:3] not in ("", "0"):
        digits = compact[2:]
    else:
        return None
    for size in (1, 2, 3):
        if not digits[:size].isdigit():
            return None
        regions = phonenumbers.COUNTRY_CODE_TO_REGION_CODE.get(int(digits[:size]))
        if regions:
            return None if regions[0] == "001" else regions[0]
    return None


def _ranked_regions(raws: Iterable[str]) -> list[str]:
    """Regions of internationally written numbers, most common first (see infer_region).

    By country code alone (no parse): a stray invalid number adds its region at the end
    of the list, where it costs nothing but a try."""
    counts: Counter[str] = Counter()
    seen = 0
    for raw in raws:
        code = region_of_international(raw)
        if code is None:
            continue
        counts[code] += 1
        seen += 1
        if seen >= INFER_REGION_SAMPLE * 5:
            break
    return [r for r, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]


def locale_region(environ: dict[str, str] | None = None) -> str | None:
    """The region of the user's locale (``LC_ALL``, ``LC_TELEPHONE``, ``LANG``), if any.

    >>> locale_region({"LANG": "zh_CN.UTF-8"})
    'CN'
    >>> locale_region({"LANG": "C.UTF-8"}) is None
    True
    """
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_TELEPHONE", "LANG"):
        value = env.get(var, "")
        m = re.match(r"^[A-Za-z]{2,3}[_-]([A-Za-z]{2})\b", value)
        if m and m.group(1).upper() in _SUPPORTED_REGIONS:
            return m.group(1).upper()
    return None


def plausible_regions(raws: Iterable[str], *, region: str | None = None,
                      environ: dict[str, str] | None = None) -> str | None:
    """The regions a book's national numbers may be in, most likely first, as a region text.

    The caller's ``region`` comes first, then the regions seen on internationally written
    numbers (most common first), then the locale's region.  ``None`` when there is none.

    >>> plausible_regions(["+852 9759 7703", "+86 138 0013 8000", "+852 6123 4567"],
    ...                   environ={})
    'HK,CN'
    >>> plausible_regions(["5551234"], region="us", environ={"LANG": "zh_TW.UTF-8"})
    'US,TW'
    """
    given = list(regions_of(_check_region(region))[0])
    ranked = [r for r in _ranked_regions(raws) if r not in given]
    regions = [*given, *ranked][:max(MAX_REGIONS, len(given))]
    loc = locale_region(environ)
    if loc and loc not in regions:
        regions.append(loc)
    return ",".join(regions) or None


def region_for(*snapshots: Snapshot, region: str | None = None) -> str | None:
    """The plausible regions to read national phone numbers in, as a region text: the
    caller's ``region`` (else a snapshot's own ``default_region``) first, then those
    inferred from the internationally written numbers of all the snapshots together, then
    the locale's.  A region the caller gives comes first but does not hide the others: a
    Hong Kong number in a book read with ``region="CN"`` is still a valid Hong Kong number.
    An exact region text (``=CN``) is returned as it is."""
    region = _check_region(region)
    if region is not None and region.startswith(EXACT):
        return region
    given = region or next((s.default_region for s in snapshots if s.default_region), None)
    return plausible_regions((tel for snap in snapshots for c in snap for tel in c.phones),
                             region=given)
