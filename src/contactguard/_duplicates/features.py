"""What duplicate detection compares: names, phones, e-mails, birthday, addresses."""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Final, NamedTuple

from .._identity import Fingerprint, fingerprint_of_fields
from .._normalize import name_keys, normalize_name, normalize_text, romanize

# (without its public argument check: canonical values are text)
_normalize_text: Final = getattr(normalize_text, "__wrapped__", normalize_text)
_JOINERS: Final = str.maketrans("", "", "'-\u2010\u2011 ")


def _loose(text: str) -> str:
    """Romanized, accents off, spaces and joiners removed: "Xiao-Ming" = "xiaoming"."""
    text = romanize(text) if text else ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text.translate(_JOINERS)


@functools.lru_cache(maxsize=1 << 15)  # asked of the same name parts pair after pair
def _is_han(text: str) -> bool:
    return bool(text) and all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
                              or ch >= "\U00020000" for ch in text)


def _split_formatted(formatted: str) -> tuple[str, str]:
    """(family, given), normalized, of a formatted name on a card without N.

    "Family, Given" is read as written; a Han name as one family character and the rest;
    other names as given names followed by the family name.
    """
    if "," in formatted:
        family, _, given = formatted.partition(",")
        return normalize_name(family), normalize_name(given)
    name = normalize_name(formatted)
    if not name:
        return "", ""
    if _is_han(name):
        return (name[:1], name[1:]) if len(name) > 1 else ("", name)
    tokens = name.split()
    if len(tokens) == 1:
        return "", tokens[0]
    return tokens[-1], " ".join(tokens[:-1])


@dataclass(frozen=True, slots=True)
class _Address:
    number: str
    street: str
    extended: str
    locality: str
    region: str
    postcode: str


def _address(value: str) -> _Address:
    comps: list[str] = [normalize_text(c) for c in value.split("\x1f")]
    comps += [""] * (7 - len(comps))
    street = comps[2]
    number, _, rest = street.partition(" ")
    if not number.isdigit():
        number, rest = "", street
    return _Address(number, rest, comps[1], comps[3], comps[4], comps[5].replace(" ", ""))


class _Person(NamedTuple):
    """What duplicate finding needs of one unit, derived from canonical fields only (a
    named tuple: a book makes one per unit, and a tuple is the quickest to build)."""

    fingerprint: Fingerprint
    phones: frozenset[str]
    emails: frozenset[str]
    family: str
    given: str
    family_loose: str
    given_loose: str
    keys: frozenset[str]
    bday: str
    addresses: tuple[_Address, ...]
    org: str
    ordered: bool = True

    @property
    def has_name(self) -> bool:
        return bool(self.family or self.given)


#: A label people append to a name to tell two cards of one person apart: "张伟 (公司)",
#: "冯伟 工作", "Jane Doe - work".  Not part of the name when comparing people.
_NAME_LABEL: Final = re.compile(
    r"\s*[-–—(（\[【]?\s*(?:工作|公司|单位|單位|办公室|辦公室|手机|手機|住宅|家里|家裡|家|宅|"
    r"work|office|mobile|cell|home|company|business)\s*[)）\]】]?\s*$", re.IGNORECASE)


def strip_label(name: str) -> str:
    """``name`` without a trailing label such as "(公司)" or "work".

    >>> strip_label("张伟 (公司)"), strip_label("冯伟 工作"), strip_label("Jane Doe - Work")
    ('张伟', '冯伟', 'Jane Doe')
    >>> strip_label("公司")
    '公司'
    """
    stripped = _NAME_LABEL.sub("", name)
    return stripped if stripped.strip() else name


@functools.lru_cache(maxsize=1 << 15)
def _name_parts(n_value: str, fn_value: str
                ) -> tuple[str, str, str, str, frozenset[str], bool]:
    """(family, given, family_loose, given_loose, name keys, ordered) of a card's N and FN.

    Cached: books repeat names, and each part goes through several normalizers.
    """
    family = given = ""
    if n_value:
        parts = [*n_value.split("\x1f"), "", ""]
        family = normalize_name(strip_label(parts[0]))
        given = normalize_name(strip_label(parts[1]))
    formatted = strip_label(fn_value)
    ordered = bool(family or given)
    if not ordered:
        family, given = _split_formatted(formatted)
    keys = frozenset(k for k in name_keys(family=family, given=given, formatted=formatted)
                     if not k.startswith("i:"))
    return family, given, _loose(family), _loose(given), keys, ordered


def _person(fields: tuple[tuple[str, str], ...], *,
            extra_phones: frozenset[str] = frozenset(),
            fingerprint: Fingerprint | None = None) -> _Person:
    """The features of one unit (``fingerprint``: that of ``fields``, when known)."""
    phones: list[str] = []
    emails: list[str] = []
    addresses: list[str] = []
    first: dict[str, str] = {}  # the first N, FN, BDAY, ORG
    for prop, value in fields:
        if prop == "TEL":
            phones.append(value)
        elif prop == "EMAIL":
            emails.append(value)
        elif prop == "ADR":
            addresses.append(value)
        elif prop not in first:
            first[prop] = value
    family, given, family_loose, given_loose, keys, ordered = _name_parts(
        first.get("N", ""), first.get("FN", ""))
    org = first.get("ORG", "")
    if extra_phones:
        phones.extend(extra_phones)
    return _Person(
        fingerprint or fingerprint_of_fields(fields),
        frozenset(phones),
        frozenset(emails),
        family,
        given,
        family_loose,
        given_loose,
        keys,
        first.get("BDAY", ""),
        tuple(_address(v) for v in addresses[:3]) if addresses else (),
        _normalize_text(org) if org else "",
        ordered,
    )
