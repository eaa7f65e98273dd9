"""What a member's content is: vCard, a contacts CSV, or something else said by name.

Reading a file that is not a contact format at all (a backup app that wrote JSON, a
0-byte upload, ``README.md`` picked by mistake) must never pass as "0 contacts".
:func:`classify` looks at the decoded head of the content and answers ``"vcard"``,
``"csv"`` or a short description of what the content looks like instead ("JSON",
"an HTML page", "binary data", "a CSV table with no known contact column (header: a, b,
c)").  The rules are data: signatures in :data:`_SIGNATURES`, vCard evidence in
:data:`_VCARD_HINT`, contact columns in :mod:`~contactguard._read.columns`.
"""

from __future__ import annotations

import re
from typing import Final

from .columns import header_cells, known_columns

__all__ = ["classify"]

_UNFOLD: Final = re.compile(r"(?:\r\n|\r|\n)[ \t]")
#: A line that only a vCard has: a framing line or a core property with its ':'.
_VCARD_HINT: Final = re.compile(
    r"^[ \t]*(?:[A-Za-z0-9-]+\.)?(?:BEGIN|END|VERSION|FN|N|TEL|EMAIL|ADR|ORG|UID)[;:]",
    re.IGNORECASE | re.MULTILINE)
#: Stripped-text prefix -> what the content is.  Checked in order, case-insensitively.
_SIGNATURES: Final = (
    ("<!doctype html", "an HTML page"), ("<html", "an HTML page"),
    ("<?xml", "an XML document"), ("%pdf-", "a PDF document"),
    ("{", "JSON"), ("[", "JSON"), ("begin:vcalendar", "an iCalendar file"),
    ("\x1f\x8b", "gzip-compressed data"), ("\x89png", "a PNG image"),
    ("sqlite format 3", "an SQLite database"),
)
_CONTROL: Final = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\udc80-\udcff]")


def classify(sample: str, *, csv_name: bool = False, csv_wanted: bool = False) -> str:
    """``"vcard"``, ``"csv"``, or what ``sample`` (a decoded head) looks like instead.

    Empty or blank content is ``"vcard"`` (it holds no contacts, which is its own
    finding).  ``csv_name``: the file is named ``*.csv``; ``csv_wanted``: the caller asked
    for CSV, so any delimited table is read as CSV once it has a known contact column.

    >>> classify("BEGIN:VCARD\\nEND:VCARD"), classify('{"a": 1}'), classify("a,b,c\\n1,2,3")
    ('vcard', 'JSON', 'a CSV table with no known contact column (header: a, b, c)')
    """
    text = sample.lstrip("\ufeff")
    stripped = text.lstrip()
    if not stripped:
        return "vcard"
    if "begin:vcard" in _UNFOLD.sub("", text[:65536]).lower():  # even a folded BEGIN line
        return "vcard"
    lowered = stripped[:32].lower()
    for prefix, what in _SIGNATURES:
        if lowered.startswith(prefix):
            return what
    header = header_cells(stripped)
    tabular = len(header) > 1 or csv_name or csv_wanted
    if tabular and known_columns(header, lenient=csv_wanted):
        return "csv"  # a contacts header: damaged rows below it are findings, not "binary"
    probe = text[:8192]
    if len(_CONTROL.findall(probe)) > max(len(probe) // 20, 2):
        return "binary data"
    if len(header) > 1 and _VCARD_HINT.search(text[:65536]) is None:
        shown = ", ".join(h[:30] for h in header[:8]) + (", …" if len(header) > 8 else "")
        return f"a CSV table with no known contact column (header: {shown})"
    if _VCARD_HINT.search(text[:65536]) is not None:
        return "vcard"  # damaged vCard (no BEGIN line): read it, its damage is findings
    return "text with no BEGIN:VCARD and no contacts CSV header"
