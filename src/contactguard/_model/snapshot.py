"""A snapshot: the contacts read from one backup, their findings, and what was read."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import overload

from .._core import escape_controls
from .._notebook import (
    CONTACT_COLUMNS,
    DataFrame,
    contact_rows,
    current_options,
    data_frame,
    render,
    snapshot_view,
)
from .contact import Contact
from .findings import Finding, Findings

__all__ = ["Decoding", "FileInfo", "Snapshot", "SourceInfo"]


@dataclass(frozen=True, slots=True)
class Decoding:
    """How bytes became text: the codec, whether it was declared/sniffed or guessed."""

    encoding: str
    method: str  # "given" | "bom" | "utf-8" | "utf-16-sniffed" | "detected" | "fallback"
    bom: bool = False
    escaped_bytes: bool = False  # surrogateescape was needed

    def __str__(self) -> str:
        return f"{self.encoding} ({self.method})"


Decoding.__module__ = "contactguard"


@dataclass(frozen=True, slots=True)
class FileInfo:
    """One file that was read: its name, format, how it was decoded, and its card count."""

    name: str
    format: str
    decoding: Decoding | None
    cards: int


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """What a snapshot was read from."""

    name: str
    files: tuple[FileInfo, ...] = ()

    @property
    def format(self) -> str:
        formats = {f.format for f in self.files}
        return formats.pop() if len(formats) == 1 else "mixed" if formats else "empty"


@dataclass(frozen=True, slots=True)
class Snapshot(Sequence[Contact]):
    """An immutable sequence of contacts read from one backup, with its findings.

    ``findings[i].contact`` indexes into the snapshot.  ``default_region`` is the region
    phone numbers without a country code are read in (given, or ``None``).
    """

    contacts: tuple[Contact, ...]
    findings: Findings = field(default_factory=Findings)
    source: SourceInfo = field(default_factory=lambda: SourceInfo("<data>"))
    default_region: str | None = None

    def __post_init__(self) -> None:
        if type(self.findings) is not Findings:  # any sequence of findings is accepted
            object.__setattr__(self, "findings", Findings(self.findings))

    def __len__(self) -> int:
        return len(self.contacts)

    @overload
    def __getitem__(self, index: int) -> Contact: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[Contact, ...]: ...
    def __getitem__(self, index: int | slice) -> Contact | tuple[Contact, ...]:
        return self.contacts[index]

    def __iter__(self) -> Iterator[Contact]:
        return iter(self.contacts)

    def findings_for(self, index: int) -> Findings:
        """The findings that belong to contact ``index``."""
        return self.findings.for_contact(index)

    def with_findings(self, extra: Sequence[Finding]) -> Snapshot:
        """A copy with ``extra`` findings appended (used by the detectors)."""
        return Snapshot(self.contacts, Findings((*self.findings, *extra)), self.source,
                        self.default_region)

    def __repr__(self) -> str:
        return escape_controls(f"<Snapshot {self.source.name!r}: {len(self)} contacts, "
                               f"{len(self.findings)} findings>")

    # -- notebook display and tables (see contactguard._notebook) ------------------------

    def _repr_html_(self) -> str:
        show = current_options().show_personal_data
        return render(*snapshot_view(self, show=show), masked=not show)

    def to_pandas(self, *, show_personal_data: bool = False) -> DataFrame:
        """One row per contact, in order; names, phones and emails masked unless
        ``show_personal_data``.  Needs pandas (``pip install 'contactguard[pandas]'``).

        Columns: ``index``, ``line``, ``source``, ``uid``, ``formatted_name``, ``family``,
        ``given``, ``phones`` and ``emails`` (joined with ``"; "``), ``n_properties``,
        ``n_findings``.  The findings themselves: ``snapshot.findings.to_pandas()``.
        """
        return data_frame(CONTACT_COLUMNS, contact_rows(self.contacts, self.findings,
                                                        show=show_personal_data))



for _cls in (Snapshot, SourceInfo, FileInfo):
    _cls.__module__ = "contactguard"
