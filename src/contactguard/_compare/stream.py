"""Verifying a file against a manifest in bounded memory (a million cards in < 250 MiB).

Three passes, none of which holds the contacts:

1. the manifest is read line by line (its signature checked as it streams, when keyed)
   into a :class:`~contactguard._manifest.DigestTable`: the 16-byte whole-contact digests
   in flat buffers, about 22 bytes an entry and no Python object per entry;
2. the file is streamed with :func:`contactguard.iter_contacts`; each contact's digest is
   looked up and ticked off.  Only contacts that match nothing keep their digests (up to
   ``max_detail``);
3. the manifest is read again for the entries nobody ticked off, and those leftovers are
   paired by UID and by leave-one-field-out digests, exactly as :func:`contactguard.verify`
   does.

Intact contacts are counted, not listed: the report holds verdicts only for contacts
that are missing, changed or added.  What grows with the manifest is the table alone;
the rest (the reader's block, the normalizers' bounded caches, at most ``max_detail``
leftovers a side, findings capped per kind) is bounded whatever the file's size.
"""

from __future__ import annotations

import hmac
import json
import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from .._core import ManifestError, ManifestSignatureError, SourceError, UsageError, counted
from .._detect import contact_findings
from .._identity import CANONICAL_VERSION, COMPATIBLE_VERSIONS, canonical_fields
from .._manifest import (
    DIGEST_BYTES,
    ContactDigests,
    DigestTable,
    KeyLike,
    ManifestEntry,
    check_header,
    contact_digests,
    manifest_warnings,
    open_sealer,
    signature_mismatch,
)
from .._model import Finding, Findings, Severity
from .._read import AuthLike, Limits, Secret, iter_contacts
from .diff import FieldChange
from .verify import (
    Verdict,
    _group_changes,
    _VerdictViews,
    contact_label,
    manifest_region,
    pair_leftovers,
)

__all__ = ["StreamReport", "verify_file"]

_CONTACTS_OPEN: Final = '  "contacts": ['


@dataclass(frozen=True, slots=True)
class StreamReport(_VerdictViews):
    """The result of :func:`verify_file`: counts, and verdicts for what is not intact."""

    source: str
    recorded: int
    checked: int
    intact: int
    verdicts: tuple[Verdict, ...]
    findings: Findings
    undetailed: int = 0  # leftovers past max_detail, counted but not paired

    @property
    def ok(self) -> bool:
        return not self.missing and not self.changed and not self.undetailed

    def summary(self) -> str:
        errors = sum(f.severity is Severity.ERROR for f in self.findings)
        head = "OK" if self.ok and not errors else "FAIL"
        lost = Counter(f"{c.field} {c.kind}" for v in self.changed for c in v.changes)
        detail = (" (" + ", ".join(f"{n} {k}" for k, n in sorted(lost.items())) + ")"
                  if lost else "")
        text = (f"{head}: {self.intact:,} of {counted(self.recorded, 'contact')} intact, "
                f"{len(self.missing):,} missing, {len(self.changed):,} changed{detail}, "
                f"{len(self.added):,} added")
        if self.undetailed:
            text += f", {self.undetailed:,} more differences not detailed"
        if self.findings:
            text += (f", {counted(len(self.findings), 'finding')} "
                     f"({counted(errors, 'error')})")
        return text


StreamReport.__module__ = "contactguard"


class _ManifestFile:
    """A manifest file read line by line (the layout :meth:`Manifest.save` writes)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.header = self._read_header()

    def _read_header(self) -> dict[str, Any]:
        lines: list[str] = []
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(_CONTACTS_OPEN):
                    break
                lines.append(line)
                if len(lines) > 100:
                    break
        text = "".join(lines).rstrip().rstrip(",") + "\n}"
        try:
            header = json.loads(text)
        except ValueError as exc:
            raise ManifestError(f"{self.path}: not a manifest written by contactguard "
                                f"(header: {exc})") from None
        if not isinstance(header, dict):
            raise ManifestError(f"{self.path}: not a contactguard manifest")
        check_header(header, str(self.path))
        if header.get("canonical") not in COMPATIBLE_VERSIONS:
            raise ManifestError(f"manifest uses canonical form {header.get('canonical')!r};"
                                f" this version computes {CANONICAL_VERSION!r}")
        return header

    def raw_entries(self) -> Iterator[dict[str, Any]]:
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                if line.startswith(_CONTACTS_OPEN):
                    break
            for line in fh:
                text = line.strip().rstrip(",")
                if text in {"]", "}", ""}:
                    continue
                try:
                    entry = json.loads(text)
                except ValueError as exc:
                    raise ManifestError(f"{self.path}: malformed contact line ({exc})") from None
                if not isinstance(entry, dict):
                    raise ManifestError(f"{self.path}: malformed contact line")
                yield entry


def _entry(raw: dict[str, Any]) -> ManifestEntry:
    return ManifestEntry.from_json(raw)


def _digest_bytes(raw: dict[str, Any]) -> bytes:
    try:
        digest = bytes.fromhex(str(raw["digest"]))
    except (KeyError, ValueError):
        digest = b""
    if len(digest) != DIGEST_BYTES:
        raise ManifestError(f"manifest entry {raw.get('index')!r}: its digest is not "
                            f"{DIGEST_BYTES} bytes of hex")
    return digest


def verify_file(source: str | os.PathLike[str], manifest: str | os.PathLike[str], *,
                key: KeyLike | None = None, limits: Limits | None = None,
                max_detail: int = 100_000, check_values: bool = True,
                progress: Callable[[int, int], None] | None = None,
                auth: AuthLike = None, storage_options: Mapping[str, Any] | None = None,
                passphrase: str | bytes | Secret | None = None) -> StreamReport:
    """Check a backup file against a manifest file without loading either whole.

    ``source`` may be a URL; ``auth``, ``storage_options`` and ``passphrase`` are as for
    :func:`contactguard.iter_contacts` (a remote plain file streams in the same bounded
    memory as a local one).

    ``progress(done, total)`` is called every 10,000 contacts.  Contacts past
    ``max_detail`` unmatched ones on either side are counted (``undetailed``) rather than
    paired, which keeps memory bounded even for a file unrelated to its manifest.  With
    ``check_values`` each contact also gets the value checks of
    :func:`contactguard.detect` as it streams by (all but duplicate UIDs, which need the
    whole file), capped per kind like the reading findings.
    """
    if not isinstance(source, (str, os.PathLike)) or not isinstance(manifest, (str, os.PathLike)):
        raise UsageError("verify_file() takes the paths of a backup and of its manifest")
    mpath = Path(manifest)
    try:
        mfile = _ManifestFile(mpath)
    except OSError as exc:
        raise SourceError(f"cannot read manifest {mpath}: {exc.strerror or exc}") from exc
    header = mfile.header
    sealer, _ = open_sealer(header, key)
    version = str(header.get("canonical"))
    region = manifest_region(version, header.get("region"))
    total = int(header.get("contact_count", 0))

    # pass 1: the digest table, with the signature checked as the entries stream by
    table = DigestTable()

    hashed: list[bool] = []  # whether the UIDs are keyed digests (since 0.2)

    def entries_for_signature() -> Iterator[dict[str, Any]]:
        for raw in mfile.raw_entries():
            table.append(_digest_bytes(raw))
            if not hashed and raw.get("uid_key"):
                hashed.append(True)
            yield raw

    signed = {n: v for n, v in header.items() if n != "signature"}
    if sealer.keyed:
        expected = sealer.sign(signed, entries_for_signature())
        if not hmac.compare_digest(expected, str(header.get("signature", ""))):
            raise ManifestSignatureError(signature_mismatch(header))
    else:
        for _ in entries_for_signature():
            pass
    if len(table) != total:
        raise ManifestError("manifest contact_count does not match its contacts")
    table.freeze()

    # pass 2: stream the backup
    stream = iter_contacts(source, limits=limits, auth=auth,
                           storage_options=storage_options, passphrase=passphrase)
    leftovers: list[tuple[int, int | None, str | None, ContactDigests]] = []
    undetailed = 0
    checked = 0
    value_findings: list[Finding] = []
    per_kind: Counter[str] = Counter()
    cap = (limits or Limits()).max_findings_per_kind
    for index, contact in enumerate(stream):
        checked += 1
        if check_values:
            for f in contact_findings(index, contact, region):
                per_kind[f.kind] += 1
                if per_kind[f.kind] <= cap:
                    value_findings.append(f)
        d = contact_digests(canonical_fields(contact, region=region), sealer, version=version)
        if table.take(bytes.fromhex(d.digest)):
            pass  # intact: counted by the table, nothing kept
        elif len(leftovers) < max_detail:
            leftovers.append((index, contact.line, contact.uid, d))
        else:
            undetailed += 1
        if progress is not None and checked % 10_000 == 0:
            progress(checked, total)
    intact = table.taken_count

    # pass 3: the recorded entries nobody matched
    missing_entries: list[ManifestEntry] = []
    for n, raw in enumerate(mfile.raw_entries()):
        if n >= len(table):
            raise ManifestError(f"{mpath}: the manifest changed while it was being read")
        if not table.taken(n):
            if len(missing_entries) < max_detail:
                missing_entries.append(_entry(raw))
            else:
                undetailed += 1
    verdicts = _pair(missing_entries, leftovers, sealer.uid_digest if hashed else str)
    if progress is not None:
        progress(checked, total)
    value_findings.extend(
        Finding.of("findings-truncated", f"{seen - cap:,} more {kind!r} findings were "
                   f"counted but not kept (limit {cap:,})", source=str(source))
        for kind, seen in sorted(per_kind.items()) if seen > cap)
    value_findings.extend(Finding.of("manifest-unprotected", w, source=str(mpath))
                          for w in manifest_warnings(header))
    return StreamReport(str(source), total, checked, intact, verdicts,
                        Findings([*stream.findings, *value_findings]), undetailed)


def _pair(entries: list[ManifestEntry],
          leftovers: list[tuple[int, int | None, str | None, ContactDigests]],
          uid_key: Callable[[str], str]) -> tuple[Verdict, ...]:
    """Verdicts of the entries nobody matched and the contacts left over; ``uid_key``
    gives what of a contact's UID the manifest recorded (its keyed digest, or itself)."""
    out: dict[int, Verdict] = {}
    used: set[int] = set()
    by_uid = {uid_key(uid): pos for pos, (_, _, uid, _) in enumerate(leftovers) if uid}
    for e_pos, e in enumerate(entries):
        pos = by_uid.get(e.recorded_uid or "")
        if pos is not None and pos not in used:
            used.add(pos)
            index, _, _, d = leftovers[pos]
            changes: tuple[FieldChange, ...] = (FieldChange("changed", "X-OTHER"),)
            for g, pd in e.partial.items():
                if d.partial.get(g) == pd:
                    changes = _group_changes(e, g, d.counts, "changed")
                    break
            out[e_pos] = Verdict("changed", e.index, index, e.label, changes, ("same UID",))
    rest_e = [i for i in range(len(entries)) if i not in out]
    rest_d = [p for p in range(len(leftovers)) if p not in used]
    for e_pos, pos, g, how in pair_leftovers([entries[i] for i in rest_e], rest_e,
                                             [leftovers[p][3] for p in rest_d], rest_d):
        e = entries[e_pos]
        used.add(pos)
        out[e_pos] = Verdict("changed", e.index, leftovers[pos][0], e.label,
                             _group_changes(e, g, leftovers[pos][3].counts, how),
                             (f"same contact apart from its {g}",))
    verdicts = [out.get(i) or Verdict("missing", e.index, None, e.label)
                for i, e in enumerate(entries)]
    for pos, (index, line, uid, _) in enumerate(leftovers):
        if pos not in used:
            verdicts.append(Verdict("added", None, index,
                                    contact_label(index, uid=uid, line=line)))
    return tuple(verdicts)
