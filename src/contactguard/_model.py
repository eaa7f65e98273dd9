"""The immutable model: :class:`Contact`, :class:`Snapshot`, and ``load``/``loads``.

``loads`` is the pure core (data in memory to a snapshot); ``load`` only resolves a path,
folder, archive or file object into bytes and hands each member to the same code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import BinaryIO, Final, NamedTuple, overload

from ._errors import ParseError, UsageError
from ._findings import Finding, Severity
from ._read import (
    Decoding,
    Limits,
    Member,
    Property,
    RawCard,
    decode_bytes,
    iter_members,
    looks_like_contacts_csv,
    read_csv,
    read_vcards,
)

__all__ = ["Contact", "FileInfo", "Snapshot", "SourceInfo", "StructuredName", "load", "loads"]

FORMATS: Final = frozenset({"vcard", "csv"})


class StructuredName(NamedTuple):
    """The five components of ``N``: family;given;additional;prefixes;suffixes."""

    family: str = ""
    given: str = ""
    additional: str = ""
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class Contact:
    """One contact: every property as read, in order, plus where it came from.

    Equality compares the properties as a multiset (not their order, the vCard version,
    line or source), so the same card read from a 2.1 export and from its 3.0 re-export
    compares equal.  Whether two contacts hold the same *user data* despite formatting
    (phone spelling, label case) is the fingerprint's question, not equality's.
    """

    properties: tuple[Property, ...]
    version: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)
    source: str | None = field(default=None, compare=False)
    property_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    complete: bool = field(default=True, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.properties, tuple):
            object.__setattr__(self, "properties", tuple(self.properties))
        for prop in self.properties:
            if not isinstance(prop, Property):
                raise UsageError(f"Contact properties must be Property, not {prop!r}")

    def _key(self) -> tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...]:
        return tuple(sorted((p.name, p.group or "", p.value, p.params)
                            for p in self.properties))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Contact):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def get_all(self, name: str) -> tuple[Property, ...]:
        """Every property called ``name`` (case-insensitive), in order."""
        name = name.upper()
        return tuple(p for p in self.properties if p.name == name)

    def first(self, name: str) -> Property | None:
        """The first property called ``name``, or ``None``."""
        name = name.upper()
        return next((p for p in self.properties if p.name == name), None)

    def line_of(self, index: int) -> int | None:
        """The source line of ``self.properties[index]`` when known."""
        return self.property_lines[index] if index < len(self.property_lines) else self.line

    @property
    def uid(self) -> str | None:
        prop = self.first("UID")
        return prop.text.strip() or None if prop is not None else None

    @property
    def name(self) -> StructuredName:
        prop = self.first("N")
        if prop is None:
            return StructuredName()
        return StructuredName(*[c.strip() for c in prop.components[:5]])

    @property
    def formatted_name(self) -> str | None:
        """FN, else a name built from N, else ``None``."""
        prop = self.first("FN")
        if prop is not None and prop.text.strip():
            return prop.text.strip()
        n = self.name
        built = " ".join(x for x in (n.prefix, n.given, n.additional, n.family, n.suffix) if x)
        return built or None

    @property
    def phones(self) -> tuple[str, ...]:
        return tuple(p.text.strip() for p in self.properties if p.name == "TEL")

    @property
    def emails(self) -> tuple[str, ...]:
        return tuple(p.text.strip() for p in self.properties if p.name == "EMAIL")

    def __str__(self) -> str:
        where = f" at line {self.line}" if self.line is not None else ""
        return f"<Contact {self.formatted_name or '(no name)'}{where}>"


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
    findings: tuple[Finding, ...] = ()
    source: SourceInfo = field(default_factory=lambda: SourceInfo("<data>"))
    default_region: str | None = None

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

    def findings_for(self, index: int) -> tuple[Finding, ...]:
        """The findings that belong to contact ``index``."""
        return tuple(f for f in self.findings if f.contact == index)

    def with_findings(self, extra: Sequence[Finding]) -> Snapshot:
        """A copy with ``extra`` findings appended (used by the detectors)."""
        return Snapshot(self.contacts, self.findings + tuple(extra), self.source,
                        self.default_region)

    def __repr__(self) -> str:
        return (f"<Snapshot {self.source.name!r}: {len(self)} contacts, "
                f"{len(self.findings)} findings>")


for _cls in (Contact, Snapshot, SourceInfo, FileInfo, StructuredName):
    _cls.__module__ = "contactguard"


_UNFOLD: Final = re.compile(r"(?:\r\n|\r|\n)[ \t]")


def _sniff(text: str, name: str) -> str:
    head = text[:65536]
    if "begin:vcard" in _UNFOLD.sub("", head).lower():  # even a folded BEGIN line
        return "vcard"
    if looks_like_contacts_csv(head) or name.lower().endswith(".csv"):
        return "csv"
    return "vcard"


def _read_member(member: Member, fmt: str | None, encoding: str | None,
                 ) -> tuple[FileInfo, list[RawCard], list[Finding]]:
    text, decoding = decode_bytes(member.data, encoding)
    findings: list[Finding] = []
    if decoding.method in {"detected", "fallback"}:
        findings.append(Finding.of(
            "charset-guessed", f"no charset declared and not UTF-8; read as {decoding.encoding}"
            + (" with undecodable bytes kept aside" if decoding.escaped_bytes else ""),
            source=member.name))
    kind = fmt or _sniff(text, member.name)
    if kind == "csv":
        cards, more = read_csv(text, source=member.name)
    else:
        cards, more = read_vcards(text, source=member.name, decoding=decoding)
    findings.extend(more)
    if not cards:
        findings.append(Finding.of("empty-source", "no contacts found", source=member.name))
    return FileInfo(member.name, kind, decoding, len(cards)), cards, findings


def _build(name: str, members: Sequence[Member], *, fmt: str | None, encoding: str | None,
           default_region: str | None, strict: bool,
           findings: list[Finding]) -> Snapshot:
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}; use one of {sorted(FORMATS)} or None")
    contacts: list[Contact] = []
    files: list[FileInfo] = []
    for member in members:
        info, cards, more = _read_member(member, fmt, encoding)
        offset = len(contacts)
        files.append(info)
        for f in more:
            findings.append(f if f.contact is None or not offset else
                            replace(f, contact=f.contact + offset))
        for card in cards:
            if card.version is None and info.format == "vcard":
                findings.append(Finding.of("missing-version", "card has no VERSION; read as "
                                           "vCard 3.0", line=card.line, source=member.name,
                                           contact=len(contacts)))
            contacts.append(Contact(card.properties, card.version, card.line, member.name,
                                    card.property_lines, card.complete))
    if strict:
        bad = next((f for f in findings if f.severity.rank >= Severity.WARNING.rank), None)
        if bad is not None:
            raise ParseError(bad.message, source=bad.source, line=bad.line,
                             column=bad.column, kind=bad.kind)
    return Snapshot(tuple(contacts), tuple(findings), SourceInfo(name, tuple(files)),
                    default_region.upper() if default_region else None)


def loads(data: str | bytes, *, format: str | None = None,
          encoding: str | None = None, default_region: str | None = None,
          strict: bool = False, limits: Limits | None = None,
          source: str = "<data>") -> Snapshot:
    """Read contacts from ``data`` already in memory.

    ``str`` is read as it is; ``bytes`` are decoded (BOM, UTF-16, UTF-8, else a detected
    legacy charset) unless ``encoding`` is given, and a zip archive is opened.  Damage
    becomes findings; with ``strict=True`` the first warning or error raises
    :class:`ParseError` instead.

    >>> snap = loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:Ada\\nTEL:+44 20 7946 0000\\nEND:VCARD\\n")
    >>> len(snap), snap[0].formatted_name, snap[0].phones
    (1, 'Ada', ('+44 20 7946 0000',))
    """
    findings: list[Finding] = []
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogatepass")
        encoding = encoding or "utf-8"
    elif not isinstance(data, (bytes, bytearray, memoryview)):
        raise UsageError(f"loads() takes str or bytes, not {type(data).__name__}")
    members = [Member(source, bytes(data))]
    if bytes(data[:4]) == b"PK\x03\x04":
        import io  # noqa: PLC0415

        _, members = iter_members(io.BytesIO(bytes(data)), limits or Limits(), findings,
                                  name=source)
    return _build(source, members, fmt=format, encoding=encoding,
                  default_region=default_region, strict=strict, findings=findings)


def load(source: str | os.PathLike[str] | BinaryIO, *, format: str | None = None,
         encoding: str | None = None, default_region: str | None = None,
         strict: bool = False, limits: Limits | None = None) -> Snapshot:
    """Read contacts from a path (file, folder, zip) or a binary file object.

    Raises :class:`SourceError` only when the source itself cannot be read at all.
    """
    findings: list[Finding] = []
    name, members = iter_members(source, limits or Limits(), findings)
    return _build(name, members, fmt=format, encoding=encoding,
                  default_region=default_region, strict=strict, findings=findings)

