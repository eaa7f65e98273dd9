"""Findings: damaged data reported as values, shared by every stage of the pipeline.

A :class:`Finding` says what is wrong (a stable kebab-case ``kind``), how bad it is
(``severity``), and where (``source``, ``line``, and the contact's index in its snapshot).
The table :data:`KINDS` is the single place where each kind's default severity and
one-line description live; detectors look their severity up here.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Final, SupportsIndex, overload

from .._core import escape_controls, mask_message, mask_value
from .._notebook import (
    FINDING_COLUMNS,
    DataFrame,
    current_options,
    data_frame,
    finding_rows,
    findings_view,
    render,
)

__all__ = ["KINDS", "Finding", "Findings", "Severity"]


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
    "malformed-line": (_W, "a line with stray characters, read as what it plainly is"),
    "truncated-card": (_E, "a card has BEGIN but no END (the file was cut off?)"),
    "missing-begin": (_E, "a card's BEGIN:VCARD line is missing or damaged; the card was "
                      "read from its damaged BEGIN or its VERSION line"),
    "copy-incomplete": (_E, "a copy could be read only in part: it was not verified"),
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
    "empty-source": (_W, "a file among others (in a folder or archive) that holds no contacts"),
    "no-contacts": (_E, "a source that holds no contacts at all: nothing was backed up"),
    "not-a-contact-file": (_E, "a file given to read is not vCard or a contacts CSV (JSON, "
                           "HTML, binary, a table with no contact column)"),
    "skipped-file": (_I, "a file in a folder or archive that is not a contact file; not read"),
    "card-cut": (_E, "a card ran past a Limits bound before its END:VCARD and was cut there"),
    "limit-exceeded": (_E, "input larger than a configured limit was skipped"),
    "findings-truncated": (_W, "more findings of one kind than the limit: counted, not kept"),
    "charset-guessed": (_I, "the file's charset was detected, not declared"),
    "charset-uncertain": (_W, "the file's charset was guessed, and another charset reads "
                          "it almost as well: names may be misread"),
    # manifests
    "manifest-unprotected": (_W, "a manifest that anyone holding it can test guesses "
                             "against (schema 1, or written --unkeyed): integrity only"),
    "stale-temporary-file": (_W, "a temporary file that a killed run left beside its "
                             "target: ignored, never read"),
    # values (detection)
    "mojibake": (_E, "text that was decoded with the wrong charset"),
    "replacement-character": (_E, "U+FFFD in a value: characters were lost in an earlier decode"),
    "control-character": (_W, "a control character inside a value"),
    "nul-in-value": (_E, "a NUL character inside a value"),
    "bad-image": (_E, "PHOTO/LOGO data that is truncated or not an image"),
    "invalid-phone": (_W, "a phone number valid in none of the book's plausible regions"),
    "phone-region-unknown": (_I, "a number without country code, and no region to read it in"),
    "invalid-email": (_W, "an email address that is malformed"),
    "invalid-date": (_W, "a date (BDAY, ANNIVERSARY) that is impossible or unreadable"),
    "empty-card": (_W, "a card with nothing that identifies a person"),
    "duplicate-uid": (_E, "two cards in one snapshot share a UID"),
})


@dataclass(frozen=True, slots=True, repr=False)
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

    def _shown(self) -> tuple[str, str | None]:
        if current_options().show_personal_data:
            return self.message, self.suggestion
        return (mask_message(self.kind, self.message),
                None if self.suggestion is None else mask_value(self.suggestion))

    def __str__(self) -> str:
        """The location, severity, kind and message, quoted values masked unless
        ``display_options(show_personal_data=True)`` (the text itself is :attr:`message`)."""
        message, _ = self._shown()
        return escape_controls(f"{self.location}: {self.severity}: {self.kind}: {message}")

    def __repr__(self) -> str:
        message, suggestion = self._shown()
        extra = "".join(f", {n}={v!r}" for n, v in (
            ("line", self.line), ("source", self.source), ("contact", self.contact),
            ("column", self.column), ("property", self.property),
            ("suggestion", suggestion)) if v is not None)
        return escape_controls(f"Finding({self.kind!r}, {self.severity.value!r}, "
                               f"{message!r}{extra})")


class Findings(tuple[Finding, ...]):
    """Findings of a snapshot or a report: a tuple, with counts and a notebook display.

    It is a plain tuple in every other way: it compares equal to a tuple of the same
    findings, and ``snapshot.findings + more`` is a tuple.  Slicing and the filters
    below return :class:`Findings` again.

    >>> fs = Findings([Finding.of("nul-byte", "a NUL byte", line=3),
    ...                Finding.of("missing-version", "no VERSION", line=1),
    ...                Finding.of("nul-byte", "a NUL byte", line=9)])
    >>> fs == tuple(fs), len(fs.errors), fs.summary()
    (True, 2, '3 findings: 2 error, 1 info')
    >>> {kind: len(group) for kind, group in fs.by_kind().items()}
    {'nul-byte': 2, 'missing-version': 1}
    """

    __slots__ = ()

    def __new__(cls, findings: Iterable[Finding] = ()) -> Findings:
        return super().__new__(cls, findings)

    @overload
    def __getitem__(self, index: SupportsIndex) -> Finding: ...
    @overload
    def __getitem__(self, index: slice) -> Findings: ...
    def __getitem__(self, index: SupportsIndex | slice) -> Finding | Findings:
        if isinstance(index, slice):
            return Findings(super().__getitem__(index))
        return super().__getitem__(index)

    @builtins.property
    def errors(self) -> Findings:
        """The error-level findings."""
        return self.of_severity(Severity.ERROR)

    @builtins.property
    def warnings(self) -> Findings:
        """The warning-level findings."""
        return self.of_severity(Severity.WARNING)

    def of_severity(self, severity: Severity | str) -> Findings:
        """The findings of exactly ``severity``."""
        wanted = Severity(severity)
        return Findings(f for f in self if f.severity is wanted)

    def of_kind(self, *kinds: str) -> Findings:
        """The findings of any of ``kinds``."""
        unknown = [k for k in kinds if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown finding kind {unknown[0]!r}")
        return Findings(f for f in self if f.kind in kinds)

    def for_contact(self, index: int) -> Findings:
        """The findings that belong to contact ``index`` of their snapshot."""
        return Findings(f for f in self if f.contact == index)

    def by_kind(self) -> dict[str, Findings]:
        """The findings grouped by kind, the most frequent kind first."""
        groups: dict[str, list[Finding]] = {}
        for f in self:
            groups.setdefault(f.kind, []).append(f)
        ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        return {kind: Findings(group) for kind, group in ordered}

    def by_severity(self) -> dict[Severity, Findings]:
        """The findings grouped by severity, errors first (every severity present)."""
        return {s: self.of_severity(s) for s in sorted(Severity, key=lambda s: -s.rank)}

    def summary(self) -> str:
        """``"3 findings: 2 error, 1 info"`` (``"no findings"`` when empty)."""
        if not self:
            return "no findings"
        parts = [f"{len(group):,} {s}" for s, group in self.by_severity().items() if group]
        return f"{len(self):,} finding{'s' if len(self) != 1 else ''}: " + ", ".join(parts)

    # -- notebook display and tables (see contactguard._notebook) ------------------------

    def _repr_html_(self) -> str:
        show = current_options().show_personal_data
        return render(*findings_view(self, show=show), masked=not show)

    def to_pandas(self, *, show_personal_data: bool = False) -> DataFrame:
        """One row per finding: ``kind``, ``severity``, ``line``, ``column``, ``source``,
        ``contact``, ``property``, ``message``, ``suggestion`` (quoted text masked unless
        ``show_personal_data``).  Needs pandas (``pip install 'contactguard[pandas]'``).
        """
        return data_frame(FINDING_COLUMNS, finding_rows(self, show=show_personal_data))


for _cls in (Finding, Findings, Severity):
    _cls.__module__ = "contactguard"
