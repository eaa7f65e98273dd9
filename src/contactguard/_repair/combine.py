"""Several snapshots read as one address book: a restore and the fix imported into it."""

from __future__ import annotations

import dataclasses

from .._core import UsageError, expect
from .._model import Contact, FileInfo, Finding, Findings, Snapshot, SourceInfo

__all__ = ["combine"]


def combine(*snapshots: Snapshot) -> Snapshot:
    """One snapshot holding the contacts of ``snapshots`` in order, as a phone holds a
    restore after a repair file was imported into it.  Findings keep pointing at their
    contact; the source names every file.

    >>> from contactguard import loads
    >>> a = loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:Ada\\nEND:VCARD\\n")
    >>> b = loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:Bob\\nEND:VCARD\\n")
    >>> [c.formatted_name for c in combine(a, b)]
    ['Ada', 'Bob']
    """
    if not snapshots:
        raise UsageError("combine() needs at least one snapshot")
    contacts: list[Contact] = []
    findings: list[Finding] = []
    files: list[FileInfo] = []
    for snap in snapshots:
        expect(snap, Snapshot, "combine()'s snapshots")
        offset = len(contacts)
        contacts.extend(snap.contacts)
        findings.extend(f if f.contact is None
                        else dataclasses.replace(f, contact=f.contact + offset)
                        for f in snap.findings)
        files.extend(snap.source.files)
    name = " + ".join(s.source.name for s in snapshots)
    region = next((s.default_region for s in snapshots if s.default_region), None)
    return Snapshot(tuple(contacts), Findings(findings), SourceInfo(name, tuple(files)), region)
