"""Repairing one file with no backup at hand: only the repairs that are certain.

Three kinds of damage have one right answer and are repaired:

* **broken line folding**: a line inside a card with no ``:`` that follows a property line
  is the rest of that value whose folding space was stripped (the reader skips it as
  ``unparsable-line``); it is joined back.  A quoted-printable soft break (a line ending in
  ``=``) is the reader's business and never touched;
* **mislabelled charsets** (``charset-mismatch``: the label is wrong but the bytes are
  clear): the reader decoded them right, and the file is written back as UTF-8;
* **mojibake with a certain decoding** (UTF-8 read as Latin-1 and the like): the
  detector's ``suggestion`` replaces the value, component by component.

Everything else (U+FFFD, where the bytes are gone; invalid numbers; cut-off cards) is
listed, not guessed at.  The result is written as vCard 3.0 UTF-8; the input is never
modified.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from .._core import UsageError, atomic_write
from .._detect import check_text, detect
from .._model import (
    BINARY_PROPERTIES,
    STRUCTURED_PROPERTIES,
    Contact,
    Finding,
    Findings,
    Property,
    Snapshot,
    escape_component,
)
from .._read import loads
from .._write import dumps
from .plan import FILE_MODE

__all__ = ["FileRepair", "repair_file", "repair_text"]

#: Reading findings that writing the file back out repairs by itself.
_FIXED_BY_WRITING: Final = frozenset({"charset-mismatch"})
_NO_COLON: Final = "line has no ':'"


@dataclass(frozen=True, slots=True)
class FileRepair:
    """The repaired snapshot, what was repaired (``repaired``: one finding per repair, of
    the original file) and what was not (``remaining``: findings of the repaired file)."""

    original: Snapshot
    snapshot: Snapshot
    repaired: tuple[Finding, ...]
    remaining: Findings

    def dumps(self) -> str:
        return dumps(self.snapshot, version="3.0")

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write the repaired file atomically, readable by its owner only (0600)."""
        atomic_write(path, self.dumps(), mode=FILE_MODE)

    def summary(self) -> str:
        return (f"{len(self.repaired):,} repairs made, {len(self.remaining):,} findings "
                "left that no repair is certain for")

    def __repr__(self) -> str:
        return f"<FileRepair {self.summary()}>"


FileRepair.__module__ = "contactguard"


def _unfold(data: bytes, findings: Findings) -> tuple[bytes, list[Finding]]:
    """Join each skipped no-colon line to the line before it (see the module docstring)."""
    lines = data.split(b"\n")
    targets = {f.line: f for f in findings if f.kind == "unparsable-line"
               and f.message.startswith(_NO_COLON) and f.line is not None and f.line > 1}
    joined: list[Finding] = []
    out: list[bytes] = []
    for number, line in enumerate(lines, 1):
        prev = out[-1].rstrip(b"\r") if out else b""
        if number in targets and out and not prev.endswith(b"=") and b":" in prev:
            out[-1] = prev + line.rstrip(b"\r") + (b"\r" if out[-1].endswith(b"\r") else b"")
            joined.append(targets[number])
            continue
        out.append(line)
    return b"\n".join(out), joined


def _demojibake(text: str) -> str | None:
    return next((p.suggestion for p in check_text(text)
                 if p.kind == "mojibake" and p.suggestion is not None), None)


def _fix_property(prop: Property) -> Property | None:
    if prop.name in BINARY_PROPERTIES:
        return None
    if prop.name in STRUCTURED_PROPERTIES:
        parts = list(prop.components)
        fixed = [_demojibake(p) for p in parts]
        if not any(fixed):
            return None
        value = ";".join(escape_component(f or p) for f, p in zip(fixed, parts, strict=True))
    else:
        text = _demojibake(prop.text)
        if text is None:
            return None
        value = escape_component(text, commas=prop.name not in {"CATEGORIES", "NICKNAME"})
    return prop._replace(value=value)


def _fix_contact(index: int, contact: Contact, found: Findings) -> tuple[Contact, list[Finding]]:
    props = list(contact.properties)
    done: list[Finding] = []
    changed = False
    for pos, prop in enumerate(props):
        fixed = _fix_property(prop)
        if fixed is not None:
            props[pos], changed = fixed, True
            done.extend(f for f in found.for_contact(index)
                        if f.kind == "mojibake" and f.property == prop.name
                        and f not in done)
    if not changed:
        return contact, []
    return Contact(tuple(props), contact.version, contact.line, contact.source,
                   contact.property_lines, contact.complete), done


def repair_text(data: str | bytes, *, source: str = "<data>", region: str | None = None
                ) -> FileRepair:
    """The certain repairs of one vCard file's content (see the module docstring)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if not isinstance(raw, bytes):
        raise UsageError(f"repair_text() takes str or bytes, not {type(data).__name__}")
    first = loads(raw, source=source, default_region=region)
    original = first.with_findings(detect(first, region=region))
    unfolded, joined = _unfold(raw, original.findings)
    read = loads(unfolded, source=source, default_region=region) if joined else first
    values = Findings(detect(read, region=region))
    contacts: list[Contact] = []
    fixed: list[Finding] = []
    for i, contact in enumerate(read):
        new, done = _fix_contact(i, contact, values)
        contacts.append(new)
        fixed.extend(done)
    by_writing = [f for f in read.findings if f.kind in _FIXED_BY_WRITING]
    repaired = Snapshot(tuple(contacts), Findings(), read.source, read.default_region)
    left = [f for f in read.findings if f.kind not in _FIXED_BY_WRITING]
    remaining = Findings((*left, *detect(repaired, region=region)))
    return FileRepair(original, repaired, (*joined, *by_writing, *fixed), remaining)


def repair_file(path: str | os.PathLike[str], *, region: str | None = None) -> FileRepair:
    """:func:`repair_text` of the file at ``path`` (read only; write the result with
    :meth:`FileRepair.write`)."""
    return repair_text(Path(path).read_bytes(), source=os.fspath(path), region=region)
