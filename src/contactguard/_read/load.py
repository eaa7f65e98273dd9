"""Loading: ``loads`` is the pure core (data in memory to a snapshot); ``load`` and
``iter_contacts`` only resolve a path, folder, archive or file object into members and hand
each member to the same code."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from typing import Any, BinaryIO, Final

from .._core import ParseError, UsageError, gc_paused
from .._model import Contact, Decoding, FileInfo, Finding, Findings, Severity, Snapshot, SourceInfo
from .csv import ColumnMap, column_map, read_csv
from .decode import decode_bytes
from .formats import classify
from .framing import holds_something
from .secrets import AuthLike, Secret, make_access
from .sources import Limits, Member, iter_members
from .stream import read_head, stream_blocks
from .vcard import CardLimits, RawCard, iter_vcards

__all__ = ["ContactStream", "iter_contacts", "load", "loads", "url_modified"]

FORMATS: Final = frozenset({"vcard", "csv"})



def _kind(sample: str, name: str, fmt: str | None, columns: ColumnMap | None) -> str:
    """``"vcard"``, ``"csv"``, or what the content is instead (see :func:`classify`)."""
    if fmt == "vcard":
        return "vcard"
    if fmt == "csv" and (columns or not sample.strip()):
        return "csv"
    kind = classify(sample, csv_name=name.lower().endswith(".csv"), csv_wanted=fmt == "csv")
    return "csv" if kind == "vcard" and fmt == "csv" else kind


def _charset_finding(decoding: Decoding, name: str, rivals: tuple[str, ...] = ()
                     ) -> Finding | None:
    if decoding.method not in {"detected", "fallback"}:
        return None
    if rivals:  # a short file can read as names in two charsets: say so, loudly
        return Finding.of(
            "charset-uncertain", f"no charset declared and not UTF-8; read as "
            f"{decoding.encoding}, but {' or '.join(rivals)} read it almost as well: check "
            "the names, or give the charset (encoding=, --encoding)", source=name)
    return Finding.of(
        "charset-guessed", f"no charset declared and not UTF-8; read as {decoding.encoding}"
        + (" with undecodable bytes kept aside" if decoding.escaped_bytes else ""),
        source=name)


def _member_cards(member: Member, fmt: str | None, encoding: str | None, limits: Limits,
                  findings: list[Finding], *, columns: ColumnMap | None = None
                  ) -> tuple[str, Decoding, Iterator[RawCard]]:
    """Format, decoding and a lazy stream of raw cards for one member."""
    head, rest, complete = read_head(member)
    decoding, blocks, rivals = stream_blocks(member, encoding=encoding, limits=limits,
                                             findings=findings, head=head, rest=rest,
                                             complete=complete)
    sample = head[:65536].decode(decoding.encoding, errors="replace")
    kind = _kind(sample.lstrip("\ufeff"), member.name, fmt, columns)
    if kind not in FORMATS:
        return kind, decoding, iter(())
    if (f := _charset_finding(decoding, member.name, rivals)) is not None:
        findings.append(f)
    if kind == "csv":
        data = head if complete else b"".join([head, *rest])
        text, _ = decode_bytes(data, encoding)
        cards, more = read_csv(text, source=member.name, columns=columns)
        findings.extend(more)
        return kind, decoding, iter(cards)
    card_limits = CardLimits(limits.max_properties, limits.max_card_chars, limits.max_nesting)
    return kind, decoding, iter_vcards(blocks, source=member.name, findings=findings,
                                       limits=card_limits)


def _none_of(cards: int) -> str:
    if cards == 1:
        return "its one card holds no name, number, e-mail or anything else"
    return f"none of its {cards:,} cards holds a name, number, e-mail or anything else"


class ContactStream(Iterator["Contact"]):
    """Contacts as they are read, in bounded memory (see :func:`iter_contacts`).

    ``findings`` grows as reading goes on; ``source`` is complete once the stream is
    exhausted.  Contact and finding indexes run over the whole stream.
    """

    def __init__(self, name: str, members: Sequence[Member], *, fmt: str | None,
                 encoding: str | None, limits: Limits, findings: list[Finding],
                 columns: Mapping[str, str] | None = None) -> None:
        if fmt is not None and fmt not in FORMATS:
            raise UsageError(f"unknown format {fmt!r}; use one of {sorted(FORMATS)} or None")
        if columns is not None and fmt != "csv":
            raise UsageError("columns= is a CSV column map: give it with format='csv'")
        self._columns = column_map(columns) if columns is not None else None
        self.name = name
        self.findings = findings
        self.files: list[FileInfo] = []
        self.count = 0
        self.held = False  # whether any card holds something (a name, a number…)
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
            kind, decoding, cards = _member_cards(member, fmt, encoding, limits, local,
                                                  columns=self._columns)
            if kind not in FORMATS:
                self._not_contacts(member, kind, direct=len(members) == 1
                                   and member.name == self.name)
                continue
            n = 0
            held = False  # (one card that holds something is enough: asked until then)
            for card in cards:
                if local:
                    self._drain(local, offset)
                if not held and holds_something(card.properties):
                    held = self.held = True
                if card.version is None and kind == "vcard":
                    self._add(Finding.of("missing-version", "card has no VERSION; read as "
                                         "vCard 3.0", line=card.line, source=member.name,
                                         contact=self.count))
                self.count += 1
                n += 1
                yield Contact._trusted(card.properties, card.version, card.line,
                                       member.name, property_lines=card.property_lines,
                                       complete=card.complete)
            self._drain(local, offset)
            if not n and len(members) > 1:
                self._add(Finding.of("empty-source", "no contacts found", source=member.name))
            elif n and not held and len(members) > 1:
                self._add(Finding.of("empty-source", f"no contacts found: {_none_of(n)}",
                                     source=member.name))
            self.files.append(FileInfo(member.name, kind, decoding, n))
        if not self.count:
            read = len(self.files)
            self._add(Finding.of("no-contacts", "no contacts found: nothing in this source "
                                 "would restore a single contact" + (
                                     f" ({read:,} contact files read)" if read > 1 else ""),
                                 source=self.name))
        elif not self.held:  # cards, but empty ones: a backup of nothing all the same
            self._add(Finding.of("no-contacts", f"no contacts found: {_none_of(self.count)};"
                                 " nothing in this source would restore a single contact",
                                 source=self.name))
        for kind_, seen in sorted(self._per_kind.items()):
            if seen > self._cap:
                findings.append(Finding.of(
                    "findings-truncated", f"{seen - self._cap:,} more {kind_!r} findings "
                    f"were counted but not kept (limit {self._cap:,} per kind)",
                    source=self.name))

    def _not_contacts(self, member: Member, what: str, *, direct: bool) -> None:
        if direct:  # the file the caller named is not contacts: the check must fail
            self._add(Finding.of("not-a-contact-file", f"this is {what}, not vCard or a "
                                 "contacts CSV; nothing was read", source=member.name))
        else:  # one stray file in a folder or archive is not damage
            self._add(Finding.of("skipped-file", f"not a contact file ({what}); not read",
                                 source=member.name))

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


def _counted(stream: ContactStream, progress: Callable[[int], None]) -> Iterator[Contact]:
    n = 0
    for n, contact in enumerate(stream, 1):
        if n % 1000 == 0:
            progress(n)
        yield contact
    progress(n)


def _build(stream: ContactStream, *, default_region: str | None, strict: bool,
           progress: Callable[[int], None] | None = None) -> Snapshot:
    with gc_paused():
        contacts = tuple(stream if progress is None else _counted(stream, progress))
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
                  limits: Limits | None = None,
                  columns: Mapping[str, str] | None = None,
                  include_hidden: bool = False,
                  auth: AuthLike = None,
                  storage_options: Mapping[str, Any] | None = None,
                  passphrase: str | bytes | Secret | None = None) -> ContactStream:
    """Stream the contacts of a path (file, folder, zip) or binary file object.

    Memory stays bounded by the largest card and :data:`SAMPLE`-sized blocks, not by the
    file: use it to check files too large to load.  Findings accumulate on the stream.
    ``columns`` (with ``format="csv"``) maps CSV headers to properties, for a table whose
    header no known export uses: ``{"Name": "FN", "Tel": "TEL", "Surname": "N.family"}``.
    Hidden files and folders (``.git``, ``.venv``) are skipped unless ``include_hidden``.

    ``source`` may also be a URL: ``carddav[s]://host/path/`` reads an address book
    (``auth=("user", password)``, or a bearer token string; else ``~/.netrc`` or the
    keyring), and any fsspec URL (``webdav://``, ``sftp://``, ``s3://``) a remote file or
    folder, with ``storage_options`` handed to its backend as pandas does.  ``passphrase``
    opens an encrypted zip, 7z or age archive (an ``AGE-SECRET-KEY-…`` is an identity).
    """
    findings: list[Finding] = []
    lim = limits or Limits()
    access = make_access(auth, storage_options, passphrase)
    name, members = iter_members(source, lim, findings, include_hidden=include_hidden,
                                 access=access)
    return ContactStream(name, members, fmt=format, encoding=encoding, limits=lim,
                         findings=findings, columns=columns)


def loads(data: str | bytes, *, format: str | None = None,
          encoding: str | None = None, default_region: str | None = None,
          strict: bool = False, limits: Limits | None = None,
          source: str = "<data>", columns: Mapping[str, str] | None = None,
          include_hidden: bool = False) -> Snapshot:
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
                                  name=source, include_hidden=include_hidden)
    stream = ContactStream(source, members, fmt=format, encoding=encoding,
                           limits=limits or Limits(), findings=findings, columns=columns)
    return _build(stream, default_region=default_region, strict=strict)


def load(source: str | os.PathLike[str] | BinaryIO, *, format: str | None = None,
         encoding: str | None = None, default_region: str | None = None,
         strict: bool = False, limits: Limits | None = None,
         columns: Mapping[str, str] | None = None, include_hidden: bool = False,
         auth: AuthLike = None, storage_options: Mapping[str, Any] | None = None,
         passphrase: str | bytes | Secret | None = None,
         progress: Callable[[int], None] | None = None) -> Snapshot:
    """Read contacts from a path (file, folder, zip), a URL or a binary file object.

    Raises :class:`SourceError` only when the source itself cannot be read at all.
    ``columns``, ``include_hidden``, ``auth``, ``storage_options`` and ``passphrase`` are
    as for :func:`iter_contacts`.  ``progress(count)`` is called every 1,000 contacts
    read and once at the end (the command line draws its bar with it).
    """
    stream = iter_contacts(source, format=format, encoding=encoding, limits=limits,
                           columns=columns, include_hidden=include_hidden, auth=auth,
                           storage_options=storage_options, passphrase=passphrase)
    return _build(stream, default_region=default_region, strict=strict, progress=progress)



def url_modified(url: str, *, auth: AuthLike = None,
                 storage_options: Mapping[str, Any] | None = None) -> float | None:
    """When the file at ``url`` (or the newest file of a folder there) was last modified,
    as the server says (POSIX seconds); ``None`` when it cannot be told: a CardDAV account
    (a live address book, not a dated copy), or a server that gives no time.  ``auth`` and
    ``storage_options`` are as for :func:`iter_contacts`."""
    from .remote import remote_modified  # noqa: PLC0415 - remote imports fsspec lazily

    return remote_modified(url, make_access(auth, storage_options, None))
