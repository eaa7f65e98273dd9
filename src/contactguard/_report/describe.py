"""Phrases shared by the human-readable renderers (text, Markdown, HTML, JUnit).

Everything here turns parts of a report document into short English; nothing decides
anything.  :func:`clean` makes text from a contact safe to print: control characters
(which could drive a terminal or break XML) and Unicode format characters (bidi
overrides and isolates, which reorder what is shown) appear as ``\\xNN``/``\\uNNNN``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from .._core import escape_controls
from .notes import is_merged, repeats_another

__all__ = [
    "clean",
    "contact_text",
    "finding_text",
    "group_reasons",
    "heading",
    "member_text",
    "readable",
    "row_details",
    "title",
    "where_text",
]

_STATUS_TITLE: Final = {"restore": "against"}


def clean(text: object) -> str:
    r"""``text`` as a string with control and format characters escaped.

    >>> clean("a\x1bb"), clean("\u202egpj.exe")
    ('a\\x1bb', '\\u202egpj.exe')
    """
    return escape_controls(text)


def title(doc: Mapping[str, Any]) -> str:
    """``"contactguard verify"``."""
    return f"contactguard {doc['command']}"


def heading(comparison: Mapping[str, Any]) -> str:
    """``"restore.vcf against backup.vcf"``, ``"a.vcf and b.vcf"`` for two copies."""
    kind = comparison["kind"]
    if kind == "manifest":
        return f"{comparison['checked']} against manifest {comparison['reference']}"
    if kind == "diff":
        return f"{comparison['reference']} → {comparison['checked']}"
    if kind == "copies":
        return f"{comparison['reference']} and {comparison['checked']}"
    return f"{comparison['checked']} {_STATUS_TITLE[kind]} {comparison['reference']}"


def contact_text(row: Mapping[str, Any]) -> str:
    """``"王* (UID ios-00000005)"``, or the label alone when the name is unknown."""
    label = clean(row["label"])
    return f"{clean(row['name'])} ({label})" if row.get("name") else label


def where_text(row: Mapping[str, Any], comparison: Mapping[str, Any]) -> str:
    """Where the contact is: ``"backup.vcf line 65"`` (reference side first)."""
    for side in ("reference", "checked"):
        w = row.get(side)
        if w and w.get("line") is not None:
            src = clean(w.get("source") or comparison[side])
            return src if f"line {w['line']}" in row["label"] else f"{src} line {w['line']}"
    return ""


def _value(v: Any) -> str:
    return clean(v) if v is not None else ""


#: What a masked ``[10 characters]`` stands for, by property: a person recognises "[date]".
_MASKED_AS: Final = {"BDAY": "[date]", "ANNIVERSARY": "[date]", "NOTE": "[note]",
                     "ADR": "[address]", "ORG": "[company]", "TITLE": "[job title]",
                     "URL": "[website]", "NICKNAME": "[nickname]", "IMPP": "[chat address]"}
_LENGTH_MASK: Final = re.compile(r"\[\d[\d,]* characters?\]")


def readable(prop: str, value: Any) -> str:
    """A value as a change shows it: damaged text (U+FFFD) as ``(damaged text)``, a length
    mask as what the value is.

    >>> readable("FN", "\ufffd."), readable("BDAY", "[10 characters]"), readable("TEL", "+86")
    ('(damaged text)', '[date]', '+86')
    """
    text = _value(value)
    if "\ufffd" in text:
        return "(damaged text)"
    if _LENGTH_MASK.fullmatch(text):
        return _MASKED_AS.get(prop, text)
    return text


def row_details(row: Mapping[str, Any], comparison: Mapping[str, Any]) -> str:
    """What happened to a contact, in one line."""
    status = row["status"]
    if status == "missing":
        return (f"only in {comparison['reference']}" if comparison["kind"] == "copies"
                else f"not in {comparison['checked']}" + (
                    "; every detail of it is on another contact's card (a duplicate kept "
                    "once?)" if repeats_another(row) else ""))
    if status == "added":
        return (f"only in {comparison['checked']}" if comparison["kind"] == "copies"
                else f"not in {comparison['reference']}")
    if is_merged(row):
        w = row.get("checked") or {}
        card = clean(w.get("source") or comparison["checked"])
        if w.get("line") is not None:
            card += f" line {w['line']}"
        return f"came back merged into one card with another contact ({card}), every value kept"
    parts = []
    for c in row["changes"]:
        before, after = readable(c["property"], c["before"]), readable(c["property"], c["after"])
        text = f"{c['field']} {c['kind']}"
        if c["kind"] == "changed" and (before or after):
            text += f": {before} → {after}"
        elif before or after:
            text += f": {before or after}"
        parts.append(text)
    return "; ".join(parts)


def finding_text(f: Mapping[str, Any]) -> str:
    """``"restore.vcf:312: error: bad-quoted-printable: N: …"`` (and the suggestion)."""
    where = clean(f.get("source") or "<data>")
    if f.get("line") is not None:
        where += f":{f['line']}"
    text = f"{where}: {f['severity']}: {f['kind']}: {clean(f['message'])}"
    if f.get("suggestion"):
        text += f" (suggested repair: {clean(f['suggestion'])})"
    return text


def member_text(member: Mapping[str, Any]) -> str:
    """A duplicate group member: ``"张* (contact #4, line 23)"``, with its line if the
    label lacks it."""
    text = contact_text(member)
    line = member.get("line")
    return text if line is None or f"line {line}" in member["label"] else f"{text} line {line}"


def group_reasons(group: Mapping[str, Any]) -> list[str]:
    """Why a group's contacts look like one person, pair by pair (kinds of evidence only).

    Contacts are numbered as in the file: ``#1 and #4: same phone number``.
    """
    out = []
    for p in group["pairs"]:
        text = f"#{p['first'] + 1} and #{p['second'] + 1}: " + (", ".join(p["agreed"]) or
                                                               "identical user data")
        if p["disagreed"]:
            text += "; but " + ", ".join(p["disagreed"])
        out.append(clean(text))
    return out
