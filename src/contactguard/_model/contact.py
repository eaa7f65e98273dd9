"""The immutable model: :class:`Contact`, :class:`Snapshot`, and ``load``/``loads``.

``loads`` is the pure core (data in memory to a snapshot); ``load`` only resolves a path,
folder, archive or file object into bytes and hands each member to the same code.
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import BinaryIO, Final, NamedTuple, overload

from ._errors import ParseError, UsageError
from ._findings import Finding, Findings, Severity
from ._html import current_options, render
from ._read import (
    CardLimits,
    Decoding,
    Limits,
    Member,
    Property,
    RawCard,
    decode_bytes,
    iter_members,
    iter_vcards,
    looks_like_contacts_csv,
    read_csv,
    read_head,
    stream_blocks,
)
from ._runtime import gc_paused
from ._tabular import (
    CONTACT_COLUMNS,
    DataFrame,
    contact_rows,
    contact_view,
    data_frame,
    snapshot_view,
)

__all__ = ["Contact", "ContactStream", "FileInfo", "Snapshot", "SourceInfo", "StructuredName",
           "iter_contacts", "load", "loads"]

FORMATS: Final = frozenset({"vcard", "csv"})


class StructuredName(NamedTuple):
    """The five components of ``N``: family;given;additional;prefixes;suffixes."""

    family: str = ""
    given: str = ""
    additional: str = ""
    prefix: str = ""
    suffix: str = ""


def _is_wide_name(text: str) -> bool:
    """True for a name written wholly in wide (CJK) characters."""
    text = text.replace(" ", "")
    return bool(text) and all(unicodedata.east_asian_width(ch) in {"W", "F"} for ch in text)


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
        if _is_wide_name(n.family + n.given + n.additional):
            # Chinese, Japanese and Korean names: family name first, no spaces (张伟)
            return "".join((n.family, n.given, n.additional)) or None
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

    # -- notebook display (see contactguard._html) ---------------------------------------

    def _repr_html_(self) -> str:
        show = current_options().show_personal_data
        return render(*contact_view(self, show=show, version=self.version), masked=not show)


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
        return (f"<Snapshot {self.source.name!r}: {len(self)} contacts, "
                f"{len(self.findings)} findings>")

    # -- notebook display and tables (see contactguard._html, contactguard._tabular) ------

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


def _charset_finding(decoding: Decoding, name: str) -> Finding | None:
    if decoding.method not in {"detected", "fallback"}:
        return None
    return Finding.of(
        "charset-guessed", f"no charset declared and not UTF-8; read as {decoding.encoding}"
        + (" with undecodable bytes kept aside" if decoding.escaped_bytes else ""),
        source=name)


def _member_cards(member: Member, fmt: str | None, encoding: str | None, limits: Limits,
                  findings: list[Finding]) -> tuple[str, Decoding, Iterator[RawCard]]:
    """Format, decoding and a lazy stream of raw cards for one member."""
    head, rest, complete = read_head(member)
    decoding, blocks = stream_blocks(member, encoding=encoding, limits=limits,
                                     findings=findings, head=head, rest=rest,
                                     complete=complete)
    sample = head[:65536].decode(decoding.encoding, errors="replace")
    kind = fmt or _sniff(sample.lstrip("\ufeff"), member.name)
    if (f := _charset_finding(decoding, member.name)) is not None:
        findings.append(f)
    if kind == "csv":
        data = head if complete else b"".join([head, *rest])
        text, _ = decode_bytes(data, encoding)
        cards, more = read_csv(text, source=member.name)
        findings.extend(more)
        return kind, decoding, iter(cards)
    card_limits = CardLimits(limits.max_properties, limits.max_card_chars, limits.max_nesting)
    return kind, decoding, iter_vcards(blocks, source=member.name, findings=findings,
                                       limits=card_limits)


class ContactStream(Iterator["Contact"]):
    """Contacts as they are read, in bounded memory (see :func:`iter_contacts`).

    ``findings`` grows as reading goes on; ``source`` is complete once the stream is
    exhausted.  Contact and finding indexes run over the whole stream.
    """

    def __init__(self, name: str, members: Sequence[Member], *, fmt: str | None,
                 encoding: str | None, limits: Limits, findings: list[Finding]) -> None:
        if fmt is not None and fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; use one of {sorted(FORMATS)} or None")
        self.name = name
        self.findings = findings
        self.files: list[FileInfo] = []
        self.count = 0
        self._cap = limits.max_findings_per_kind
        self._per_kind: Counter[str] = Counter(f.kind for f in findings)
        self._it = self._generate(members, fmt, encoding, limits)

    @property
    def source(self) -> SourceInfo:
        return SourceInfo(self.name, tuple(self.files))

    def __iter__(self) -> ContactStream:
        return self

    def __next__(self) -> Contact:
        return next(self._it)

    def _generate(self, members: Sequence[Member], fmt: str | None, encoding: str | None,
                  limits: Limits) -> Iterator[Contact]:
        findings = self.findings
        for member in members:
            offset = self.count
            local: list[Finding] = []
            kind, decoding, cards = _member_cards(member, fmt, encoding, limits, local)
            n = 0
            for card in cards:
                self._drain(local, offset)
                if card.version is None and kind == "vcard":
                    self._add(Finding.of("missing-version", "card has no VERSION; read as "
                                         "vCard 3.0", line=card.line, source=member.name,
                                         contact=self.count))
                self.count += 1
                n += 1
                yield Contact(card.properties, card.version, card.line, member.name,
                              card.property_lines, card.complete)
            self._drain(local, offset)
            if not n:
                self._add(Finding.of("empty-source", "no contacts found", source=member.name))
            self.files.append(FileInfo(member.name, kind, decoding, n))
        for kind_, seen in sorted(self._per_kind.items()):
            if seen > self._cap:
                findings.append(Finding.of(
                    "findings-truncated", f"{seen - self._cap:,} more {kind_!r} findings "
                    f"were counted but not kept (limit {self._cap:,} per kind)",
                    source=self.name))

    def _add(self, finding: Finding) -> None:
        self._per_kind[finding.kind] += 1
        if self._per_kind[finding.kind] <= self._cap:
            self.findings.append(finding)

    def _drain(self, local: list[Finding], offset: int) -> None:
        for f in local:
            self._add(f if f.contact is None or not offset else
                      replace(f, contact=f.contact + offset))
        local.clear()


ContactStream.__module__ = "contactguard"


def _build(stream: ContactStream, *, default_region: str | None, strict: bool) -> Snapshot:
    with gc_paused():
        contacts = tuple(stream)
    findings = stream.findings
    if strict:
        bad = next((f for f in findings if f.severity.rank >= Severity.WARNING.rank), None)
        if bad is not None:
            raise ParseError(bad.message, source=bad.source, line=bad.line,
                             column=bad.column, kind=bad.kind)
    return Snapshot(contacts, Findings(findings), stream.source,
                    default_region.upper() if default_region else None)


def iter_contacts(source: str | os.PathLike[str] | BinaryIO, *,
                  format: str | None = None,
                  encoding: str | None = None,
                  limits: Limits | None = None) -> ContactStream:
    """Stream the contacts of a path (file, folder, zip) or binary file object.

    Memory stays bounded by the largest card and :data:`SAMPLE`-sized blocks, not by the
    file: use it to check files too large to load.  Findings accumulate on the stream.
    """
    findings: list[Finding] = []
    lim = limits or Limits()
    name, members = iter_members(source, lim, findings)
    return ContactStream(name, members, fmt=format, encoding=encoding, limits=lim,
                         findings=findings)


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
    stream = ContactStream(source, members, fmt=format, encoding=encoding,
                           limits=limits or Limits(), findings=findings)
    return _build(stream, default_region=default_region, strict=strict)


def load(source: str | os.PathLike[str] | BinaryIO, *, format: str | None = None,
         encoding: str | None = None, default_region: str | None = None,
         strict: bool = False, limits: Limits | None = None) -> Snapshot:
    """Read contacts from a path (file, folder, zip) or a binary file object.

    Raises :class:`SourceError` only when the source itself cannot be read at all.
    """
    stream = iter_contacts(source, format=format, encoding=encoding, limits=limits)
    return _build(stream, default_region=default_region, strict=strict)

