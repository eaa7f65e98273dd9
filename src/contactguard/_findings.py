"""Findings: damaged data reported as values, shared by every stage of the pipeline.

A :class:`Finding` says what is wrong (a stable kebab-case ``kind``), how bad it is
(``severity``), and where (``source``, ``line``, and the contact's index in its snapshot).
The table :data:`KINDS` is the single place where each kind's default severity and
one-line description live; detectors look their severity up here.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final

__all__ = ["KINDS", "Finding", "Severity"]


class Severity(StrEnum):
    """How bad a finding is. Ordered: ``ERROR > WARNING > INFO``."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @builtins.property
    def rank(self) -> int:
        return _RANK[self]

    def __str__(self) -> str:
        return self.value


_RANK: Final = {Severity.INFO: 0, Severity.WARNING: 1, Severity.ERROR: 2}

_E, _W, _I = Severity.ERROR, Severity.WARNING, Severity.INFO

#: kind -> (default severity, what it means).  Rules as data: detectors never hard-code
#: a severity, and the documentation table is generated from this mapping.
KINDS: Final = MappingProxyType({
    # structure (reading)
    "unparsable-line": (_E, "a line inside a card is not NAME[;PARAMS]:VALUE"),
    "truncated-card": (_E, "a card has BEGIN but no END (the file was cut off?)"),
    "unexpected-end": (_W, "END:VCARD with no open card"),
    "outside-card": (_W, "content outside any BEGIN:VCARD … END:VCARD"),
    "missing-version": (_I, "a card has no VERSION property"),
    "unknown-version": (_W, "a card declares a VERSION other than 2.1, 3.0 or 4.0"),
    "bad-quoted-printable": (_E, "a quoted-printable value cannot be decoded"),
    "bad-base64": (_E, "a base64 value cannot be decoded"),
    "undecodable-bytes": (_E, "bytes that are not valid in the file's or value's charset"),
    "charset-mismatch": (_W, "a value's CHARSET label is wrong, but its bytes are clear"),
    "unknown-charset": (_W, "a CHARSET parameter names an encoding Python does not know"),
    "nul-byte": (_E, "a NUL byte in the file"),
    "nested-card": (_I, "a BEGIN:VCARD inside a card (vCard 2.1 AGENT) kept as a value"),
    "bad-csv-row": (_E, "a CSV row that does not fit the header"),
    "unreadable-entry": (_E, "a file in a folder or archive that cannot be read"),
    "empty-source": (_W, "a source that holds no contacts at all"),
    "limit-exceeded": (_E, "input larger than a configured limit was skipped"),
    "charset-guessed": (_I, "the file's charset was detected, not declared"),
    # values (detection)
    "mojibake": (_E, "text that was decoded with the wrong charset"),
    "replacement-character": (_E, "U+FFFD in a value: characters were lost in an earlier decode"),
    "control-character": (_W, "a control character inside a value"),
    "nul-in-value": (_E, "a NUL character inside a value"),
    "bad-image": (_E, "PHOTO/LOGO data that is truncated or not an image"),
    "invalid-phone": (_W, "a phone number that cannot be valid for its region"),
    "invalid-email": (_W, "an email address that is malformed"),
    "invalid-date": (_W, "a date (BDAY, ANNIVERSARY) that is impossible or unreadable"),
    "empty-card": (_W, "a card with nothing that identifies a person"),
    "duplicate-uid": (_E, "two cards in one snapshot share a UID"),
})


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in the data.

    ``contact`` is the index of the contact in its snapshot (``snapshot[finding.contact]``),
    or ``None`` for damage that belongs to no kept contact (junk between cards, a card so
    damaged it was dropped).  ``suggestion`` carries a certain repair, e.g. mojibake fixed.
    """

    kind: str
    severity: Severity
    message: str
    line: int | None = None
    source: str | None = None
    contact: int | None = None
    column: int | None = None
    property: str | None = None
    suggestion: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown finding kind {self.kind!r}")
        if not isinstance(self.severity, Severity):
            object.__setattr__(self, "severity", Severity(self.severity))

    @classmethod
    def of(
        cls,
        kind: str,
        message: str,
        *,
        line: int | None = None,
        source: str | None = None,
        contact: int | None = None,
        column: int | None = None,
        property: str | None = None,
        suggestion: str | None = None,
    ) -> Finding:
        """Build a finding with the default severity of ``kind`` from :data:`KINDS`."""
        return cls(kind, KINDS[kind][0], message, line=line, source=source, contact=contact,
                   column=column, property=property, suggestion=suggestion)

    @builtins.property  # the field ``property`` shadows the builtin in this class body
    def location(self) -> str:
        """``"backup.vcf:12"`` style location, as much of it as is known."""
        src = self.source or "<data>"
        return f"{src}:{self.line}" if self.line is not None else src

    def __str__(self) -> str:
        return f"{self.location}: {self.severity}: {self.kind}: {self.message}"


for _cls in (Finding, Severity):
    _cls.__module__ = "contactguard"
