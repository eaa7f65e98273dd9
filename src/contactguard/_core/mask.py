"""Masking personal data for output meant for logs (shared by every stage that prints).

Reports, reprs and CLI output mask phone numbers, emails and names unless the caller asks
for them (``show_personal_data=True`` / ``--show-personal-data``).  Masks keep enough to
recognise a value you already know (``138****8000``) and not enough to learn one.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Final

__all__ = [
    "BINARY_PROPERTIES",
    "PLAIN_PROPERTIES",
    "PROPERTY_MASKS",
    "QUOTING_KINDS",
    "mask_email",
    "mask_label",
    "mask_message",
    "mask_name",
    "mask_phone",
    "mask_property",
    "mask_value",
]


def mask_phone(raw: str) -> str:
    """Keep the first three and last four digits of long numbers.

    >>> mask_phone("+86 138-0013-8000")
    '+86138****8000'
    >>> mask_phone("138 0013 8000")
    '138****8000'
    >>> mask_phone("12345")
    '***45'
    """
    plus = "+" if raw.strip().startswith("+") else ""
    digits = "".join(ch for ch in raw if ch.isdigit())
    if plus and len(digits) > 11:  # keep the country code visible too
        cc_len = len(digits) - 11 if len(digits) - 11 <= 3 else 2
        head, rest = digits[:cc_len], digits[cc_len:]
        return f"+{head}{rest[:3]}{'*' * max(len(rest) - 7, 1)}{rest[-4:]}"
    if len(digits) >= 9:
        return f"{plus}{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
    return f"{plus}{'*' * max(len(digits) - 2, 1)}{digits[-2:]}"


def mask_email(raw: str) -> str:
    """First character of the local part, then ``***``; the domain is kept.

    >>> mask_email("zhang.wei@example.com")
    'z***@example.com'
    """
    local, at, domain = raw.strip().rpartition("@")
    if not at:
        return mask_value(raw)
    return f"{local[:1]}***@{domain}"


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in {"W", "F"}


def mask_name(raw: str) -> str:
    """Initials for alphabetic names, the first character for CJK names.

    >>> mask_name("Zhang Wei")
    'Z. W.'
    >>> mask_name("张伟")
    '张*'
    """
    text = " ".join(raw.split())
    if not text:
        return ""
    if all(_is_wide(ch) for ch in text.replace(" ", "")):
        compact = text.replace(" ", "")
        return compact[0] + "*" * (len(compact) - 1)
    return " ".join(f"{tok[0]}." for tok in text.split())


def mask_value(raw: str) -> str:
    """Any other value: its length only.

    >>> mask_value("secret note")
    '[11 characters]'
    """
    return f"[{len(raw)} characters]"


# -- masking by what a value is ----------------------------------------------------------
# The rules below decide *which* mask a value gets; every display that shows contact data
# (the notebook display, ``to_pandas()``) applies them the same way.

_N_SEP: Final = "\x1f"  # component separator of canonical structured values


def _mask_structured_name(value: str) -> str:
    return mask_name(" ".join(part for part in value.replace(";", _N_SEP).split(_N_SEP)
                              if part.strip()))


#: How each property's value is masked; anything not listed is masked by its length.
PROPERTY_MASKS: Final[Mapping[str, Callable[[str], str]]] = MappingProxyType({
    "TEL": mask_phone,
    "EMAIL": mask_email,
    "FN": mask_name,
    "N": _mask_structured_name,
    "NICKNAME": mask_name,
    "X-PHONETIC-FIRST-NAME": mask_name,
    "X-PHONETIC-LAST-NAME": mask_name,
})
#: Properties whose values are binary data (or a digest of it), not personal text.
BINARY_PROPERTIES: Final = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
#: Properties that hold no personal data and are shown as they are.
PLAIN_PROPERTIES: Final = frozenset({"VERSION", "PRODID", "REV", "KIND", "CLASS", "X-ABLABEL"})
#: Finding kinds whose message quotes text from the file; the quoted parts are masked.
QUOTING_KINDS: Final = frozenset({
    "unparsable-line", "charset-mismatch", "invalid-date", "invalid-email", "duplicate-uid",
    "bad-csv-row",
})
_QUOTED: Final = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"")
_DIGIT_RUN: Final = re.compile(r"(?<![A-Za-z0-9])\+?\d{9,}(?![A-Za-z0-9])")  # a phone number
#: A UUID (RFC 9562 form, with or without ``urn:uuid:``): random hex, whatever its digits.
_UUID: Final = re.compile(r"(?i)(?:urn:uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-"
                          r"[0-9a-f]{4}-[0-9a-f]{12}")
_EMAILISH: Final = re.compile(r"[^\s@<>]+@[^\s@<>]+")


def mask_property(name: str, value: str) -> str:
    """Mask ``value`` as the property ``name`` calls for.

    >>> mask_property("TEL", "+86 138 0013 8000"), mask_property("NOTE", "call after 6")
    ('+86138****8000', '[12 characters]')
    >>> mask_property("PHOTO", "sha256:0123456789abcdef0123")
    'sha256:0123456789ab'
    """
    name = name.upper()
    if name in BINARY_PROPERTIES:  # a digest names the picture; raw data is long
        return value[:19] if value.startswith("sha256:") else mask_value(value)
    if name in PLAIN_PROPERTIES:
        return value
    if name == "UID":  # an identifier, not personal data, unless it embeds an email/number
        return mask_label(value)
    return PROPERTY_MASKS.get(name, mask_value)(value)


def mask_label(label: str) -> str:
    """Mask what could be personal inside a label or UID: emails, and runs of 9 or more
    digits that stand alone (``tel-13800138000``); digits inside a UUID or a hex token are
    an identifier, not a phone number.

    >>> mask_label("UID 8613800138000"), mask_label("ios-00000042")
    ('UID 861******8000', 'ios-00000042')
    >>> mask_label("UID 3f2a7c1e-1b2c-4d5e-8f90-446123450000")
    'UID 3f2a7c1e-1b2c-4d5e-8f90-446123450000'
    """
    label = _EMAILISH.sub(lambda m: mask_email(m.group()), label)
    kept = [(m.start(), m.end()) for m in _UUID.finditer(label)]

    def phone(m: re.Match[str]) -> str:
        if any(a <= m.start() and m.end() <= b for a, b in kept):
            return m.group()
        return mask_phone(m.group())

    return _DIGIT_RUN.sub(phone, label)


def mask_message(kind: str, message: str) -> str:
    """Mask the text a finding's message quotes from the file (kinds in
    :data:`QUOTING_KINDS`); other messages quote nothing personal.

    Quoted punctuation alone (``':'``, ``'@'``) is syntax, not data, and is kept.

    >>> mask_message("invalid-email", "EMAIL: no '@' in 'zhang.wei.example.com'")
    "EMAIL: no '@' in [21 characters]"
    """
    if kind not in QUOTING_KINDS:
        return message

    def quoted(m: re.Match[str]) -> str:
        inner = m.group()[1:-1]
        return m.group() if not any(ch.isalnum() for ch in inner) else mask_value(inner)

    return _QUOTED.sub(quoted, message)
