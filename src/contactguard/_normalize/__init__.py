"""Stage 4, normalization: turn the strings a contact holds into forms that compare equal
when they mean the same thing.

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

from .common import E164, IsoDate, NameKey, NormalizedEmail, NormalizedText
from .dates import date_problem, normalize_date
from .emails import email_problem, normalize_email
from .names import is_diminutive, name_keys, normalize_name, romanize, surname_spellings
from .phones import (
    EXACT,
    PhoneNumber,
    check_region,
    normalize_phone,
    read_phone,
    read_phone_in,
    regions_of,
    valid_national,
)
from .regions import (
    infer_region,
    locale_region,
    plausible_regions,
    region_for,
    region_of_international,
)
from .text import is_cjk, normalize_text

__all__ = [
    "E164",
    "EXACT",
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
    "is_diminutive",
    "locale_region",
    "name_keys",
    "normalize_date",
    "normalize_email",
    "normalize_name",
    "normalize_phone",
    "normalize_text",
    "plausible_regions",
    "read_phone",
    "read_phone_in",
    "region_for",
    "region_of_international",
    "regions_of",
    "romanize",
    "surname_spellings",
    "valid_national",
]
