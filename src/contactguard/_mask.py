"""Masking personal data for output meant for logs (shared by every stage that prints).

Reports, reprs and CLI output mask phone numbers, emails and names unless the caller asks
for them (``show_personal_data=True`` / ``--show-personal-data``).  Masks keep enough to
recognise a value you already know (``138****8000``) and not enough to learn one.
"""

from __future__ import annotations

import unicodedata

__all__ = ["mask_email", "mask_name", "mask_phone", "mask_value"]


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
