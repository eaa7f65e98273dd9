"""Verification: a snapshot against its manifest, and a restore against its backup.

Both answer, for every contact of the reference (the manifest, or the backup), one
:class:`Verdict`: ``intact``, ``changed`` (restored with losses or edits, and which
fields), or ``missing``; contacts only in the checked snapshot are ``added``.

Manifest verification pairs contacts by UID, then by whole-contact digest, then by the
leave-one-field-out digests the manifest keeps: a restored contact whose digest *without
its phones* equals a recorded contact's digest without its phones is that contact with
its phones changed; a restored contact whose whole digest equals a recorded
leave-out-photo digest is that contact with its photo lost.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .._core import ManifestError, escape_controls, expect, mask_label, plural
from .._detect import detect, new_findings
from .._identity import (
    CANONICAL_VERSION,
    COMPATIBLE_VERSIONS,
    SHORTER,
    canonical_fields,
    written_shorter,
)
from .._manifest import ContactDigests, KeyLike, Manifest, ManifestEntry, contact_digests
from .._model import Finding, Findings, Severity, Snapshot
from .._normalize import EXACT
from .._notebook import (
    VERDICT_COLUMNS,
    DataFrame,
    current_options,
    data_frame,
    manifest_report_view,
    render,
    restore_report_view,
    verdict_rows,
)
from .diff import Diff, FieldChange, SnapshotLike, as_snapshot, diff

__all__ = ["ManifestReport", "RestoreReport", "Verdict", "contact_label", "pair_leftovers",
           "verify", "verify_restore"]

#: One representative property per field group, for changes known only by group.
_GROUP_PROPERTY: Final = {"name": "FN", "phone": "TEL", "email": "EMAIL", "photo": "PHOTO",
                          "address": "ADR", "date": "BDAY", "organization": "ORG",
                          "note": "NOTE", "url": "URL", "im": "IMPP", "category": "CATEGORIES",
                          "related": "RELATED", "other": "X-OTHER"}


@dataclass(frozen=True, slots=True, repr=False)
class Verdict:
    """What became of one contact.

    ``status`` is ``intact``, ``changed``, ``missing`` or ``added``; ``reference`` indexes
    the backup or manifest, ``checked`` the snapshot that was checked; ``label`` names the
    contact without personal data (UID, else position and line).
    """

    status: str
    reference: int | None
    checked: int | None
    label: str
    changes: tuple[FieldChange, ...] = ()
    reasons: tuple[str, ...] = ()

    def __repr__(self) -> str:
        label = self.label if current_options().show_personal_data else mask_label(self.label)
        return escape_controls(f"Verdict({self.status!r}, reference={self.reference!r}, "
                               f"checked={self.checked!r}, label={label!r}, "
                               f"changes={self.changes!r}, reasons={self.reasons!r})")

    @property
    def detail(self) -> str:
        """``"1 phone changed, 1 photo lost"`` (empty when nothing changed)."""
        counts = Counter((c.field, c.kind) for c in self.changes)
        return ", ".join(f"{n} {field} {kind}" for (field, kind), n in sorted(counts.items()))


def _summary(verdicts: Sequence[Verdict], problems: Sequence[Finding] = ()) -> str:
    counts = Counter(v.status for v in verdicts)
    reference = counts["intact"] + counts["changed"] + counts["missing"]
    lost: Counter[str] = Counter()
    for v in verdicts:
        if v.status == "changed":
            for c in v.changes:
                lost[f"{c.field} {c.kind}"] += 1
    ok = not counts["missing"] and not counts["changed"] and not any(
        f.severity is Severity.ERROR for f in problems)
    head = "OK" if ok else "FAIL"
    parts = [f"{counts['intact']:,} of {reference:,} {plural(reference, 'contact')} intact",
             f"{counts['missing']:,} missing", f"{counts['changed']:,} changed"]
    if lost:
        parts[-1] += " (" + ", ".join(f"{n} {k}" for k, n in sorted(lost.items())) + ")"
    parts.append(f"{counts['added']:,} added")
    if problems:
        errors = sum(f.severity is Severity.ERROR for f in problems)
        parts.append(f"{len(problems):,} {plural(len(problems), 'finding')} "
                     f"({errors:,} {plural(errors, 'error')})")
    return f"{head}: " + ", ".join(parts)


class _VerdictViews:
    """``missing``/``changed``/``added`` views over a report's ``verdicts``."""

    __slots__ = ()
    verdicts: tuple[Verdict, ...]

    @property
    def missing(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.status == "missing")

    @property
    def changed(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.status == "changed")

    @property
    def added(self) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.status == "added")


@dataclass(frozen=True, slots=True)
class ManifestReport(_VerdictViews):
    """The result of :func:`verify`: a snapshot checked against a manifest."""

    manifest: Manifest
    snapshot: Snapshot
    verdicts: tuple[Verdict, ...]

    @property
    def unchanged(self) -> int:
        return sum(v.status == "intact" for v in self.verdicts)

    @property
    def ok(self) -> bool:
        """True when every recorded contact is there with unchanged data (contacts added
        since are not a loss; see :attr:`identical`)."""
        return not any(v.status in {"missing", "changed"} for v in self.verdicts)

    @property
    def identical(self) -> bool:
        """True when the snapshot holds exactly the recorded contacts, nothing more."""
        return all(v.status == "intact" for v in self.verdicts)

    def summary(self) -> str:
        return _summary(self.verdicts)

    def __repr__(self) -> str:
        return f"<ManifestReport {self.summary()}>"

    # -- notebook display and tables (see contactguard._notebook) ------------------------

    def _repr_html_(self) -> str:
        show = current_options().show_personal_data
        return render(*manifest_report_view(self, show=show), masked=not show)

    def to_pandas(self, *, show_personal_data: bool = False) -> DataFrame:
        """One row per verdict (see :func:`_verdict_frame` for the columns)."""
        return _verdict_frame(self.verdicts, None, self.snapshot, show_personal_data)


@dataclass(frozen=True, slots=True)
class RestoreReport(_VerdictViews):
    """The result of :func:`verify_restore`: a restore checked against its backup."""

    diff: Diff
    findings: Findings
    verdicts: tuple[Verdict, ...]

    @property
    def ok(self) -> bool:
        """No backup contact missing or changed, and no error-level finding in the
        restored file (reading or values)."""
        return self.diff.ok and not any(f.severity is Severity.ERROR for f in self.findings)

    def summary(self) -> str:
        return _summary(self.verdicts, self.findings)

    def __repr__(self) -> str:
        return f"<RestoreReport {self.summary()}>"

    # -- notebook display and tables (see contactguard._notebook) ------------------------

    def _repr_html_(self) -> str:
        show = current_options().show_personal_data
        return render(*restore_report_view(self, show=show), masked=not show)

    def to_pandas(self, *, show_personal_data: bool = False) -> DataFrame:
        """One row per verdict (see :func:`_verdict_frame` for the columns); the findings
        of the restored file: ``report.findings.to_pandas()``."""
        return _verdict_frame(self.verdicts, self.diff.before, self.diff.after,
                              show_personal_data)


for _cls in (Verdict, ManifestReport, RestoreReport):
    _cls.__module__ = "contactguard"


def _verdict_frame(verdicts: Sequence[Verdict], reference: Snapshot | None,
                   checked: Snapshot, show: bool) -> DataFrame:
    """Verdicts as a ``pandas.DataFrame``, names masked unless ``show``.

    Columns: ``status`` (``intact``, ``changed``, ``missing``, ``added``), ``reference``
    and ``checked`` (the contact's index in the backup or manifest, and in the checked
    snapshot), ``label`` (UID, else position and line), ``name``, ``changes``
    (``"1 phone changed"``), ``reasons`` (why the pair was matched, ``"; "``-joined).
    Needs pandas (``pip install 'contactguard[pandas]'``).
    """
    rows = verdict_rows(verdicts, reference=reference.contacts if reference else None,
                        checked=checked.contacts, show=show)
    return data_frame(VERDICT_COLUMNS, rows)


def contact_label(index: int, *, uid: str | None, line: int | None) -> str:
    """How reports name a contact without personal data: by an opaque-looking UID, else
    by position and line (``"contact #12, line 140"``)."""
    if uid and "@" not in uid and len(uid) <= 64:
        return f"UID {uid}"
    where = f", line {line}" if line is not None else ""
    return f"contact #{index + 1}{where}"


def _label(snapshot: Snapshot, index: int) -> str:
    contact = snapshot[index]
    return contact_label(index, uid=contact.uid, line=contact.line)


def verify_restore(backup: SnapshotLike, restored: SnapshotLike, *,
                   region: str | None = None) -> RestoreReport:
    """Check that every contact of ``backup`` came back in ``restored``, with every value.

    A diff (see :func:`contactguard.diff`) plus the reading and value findings of the
    restored side.  Either side may be a Snapshot or a path (read with
    :func:`contactguard.load`); a restored side already checked with
    :func:`contactguard.check` keeps its findings once, never twice.
    """
    backup = as_snapshot(backup, "verify_restore()'s backup")
    restored = as_snapshot(restored, "verify_restore()'s restored")
    d = diff(backup, restored, region=region)
    findings = Findings((*restored.findings,
                         *new_findings(restored.findings, detect(restored, region=d.region))))
    damaged = _damaged_names(findings)
    by_before = {m.before: m for m in d.matches}
    merged = {m.before: m for m in d.merged}
    repeats = {m.before: m.reasons for m in d.repeats}
    changed = {id(ch.before): ch for ch in d.changed}
    verdicts: list[Verdict] = []
    for i, contact in enumerate(backup):
        m = by_before.get(i)
        if m is None:
            into = merged.get(i)
            verdicts.append(Verdict("missing", i, None, _label(backup, i), (),
                                    repeats.get(i, ())) if into is None
                            else Verdict("intact", i, into.after, _label(backup, i), (),
                                         into.reasons))
            continue
        ch = changed.get(id(contact))
        if ch is None:
            verdicts.append(Verdict("intact", i, m.after, _label(backup, i), (), m.reasons))
        else:
            reasons = m.reasons
            if m.after in damaged and any(c.property in {"FN", "N"} for c in ch.changes):
                reasons = (*reasons, damaged[m.after])
            if SHORTER not in reasons and any(
                    c.property == "TEL" and c.kind == "changed" and c.before and c.after
                    and written_shorter((c.before,), (c.after,)) for c in ch.changes):
                reasons = (*reasons, SHORTER)
            verdicts.append(Verdict("changed", i, m.after, _label(backup, i), ch.changes,
                                    reasons))
    matched_after = {m.after for m in d.matches}
    verdicts.extend(Verdict("added", None, j, _label(restored, j))
                    for j in range(len(restored)) if j not in matched_after)
    return RestoreReport(d, findings, tuple(verdicts))


def manifest_region(canonical: str, region: str | None) -> str | None:
    """The region text to recompute a manifest's digests in: its own for the current form;
    for a ``cg-canon-1`` manifest (contactguard 0.1), that one region applied exactly as
    0.1 did, to every number of every card."""
    if canonical == CANONICAL_VERSION:
        return region
    return EXACT + (region or "")


#: Finding kinds that mean a name came back damaged rather than edited.
_NAME_DAMAGE_KINDS: Final = frozenset({"mojibake", "replacement-character",
                                       "control-character", "nul-in-value"})


def _damaged_names(findings: Findings) -> dict[int, str]:
    """Restored contact index -> "name damaged (…)" for contacts whose name has damage."""
    out: dict[int, str] = {}
    for f in findings:
        if f.contact is None or f.property not in {"FN", "N"} or f.kind not in _NAME_DAMAGE_KINDS:
            continue
        hint = "; a certain repair is in the findings" if f.suggestion else ""
        out.setdefault(f.contact, f"name damaged ({f.kind}{hint})")
    return out


def _group_changes(entry: ManifestEntry, group: str, now: dict[str, int], how: str
                   ) -> tuple[FieldChange, ...]:
    prop = _GROUP_PROPERTY.get(group, "X-OTHER")
    if not entry.counts:  # schema 2 keeps no counts: what the digests show, no more
        kind = how if how in {"lost", "added"} else "changed"
        n = max(now.get(group, 0), 1) if how == "added" else 1
        return tuple(FieldChange(kind, prop) for _ in range(n))
    before, after = entry.counts.get(group, 0), now.get(group, 0)
    if how == "lost" or after == 0:
        return tuple(FieldChange("lost", prop) for _ in range(max(before, 1)))
    if how == "added" or before == 0:
        return tuple(FieldChange("added", prop) for _ in range(max(after, 1)))
    out = [FieldChange("changed", prop)]
    out += [FieldChange("lost", prop)] * max(0, before - after)
    out += [FieldChange("added", prop)] * max(0, after - before)
    return tuple(out)


def verify(snapshot: SnapshotLike, manifest: Manifest | str | os.PathLike[str], *,
           key: KeyLike | None = None) -> ManifestReport:
    """Check ``snapshot`` against ``manifest``: which recorded contacts are missing, which
    changed (and which kind of field), which are new.  A keyed manifest needs its key:
    ``key`` (as for :meth:`Manifest.build`), else the one the manifest was built or loaded
    with, else the key stored under its key id (see :func:`contactguard.key_dir`).

    ``snapshot`` may be a path, and ``manifest`` the path of a manifest file: it is then
    loaded (and its signature checked) with ``key``, so the key is given once.
    """
    snapshot = as_snapshot(snapshot, "verify()'s snapshot")
    if isinstance(manifest, (str, os.PathLike)):
        manifest = Manifest.load(manifest, key=key)
    expect(manifest, Manifest, "verify()'s manifest")
    if manifest.canonical not in COMPATIBLE_VERSIONS:
        raise ManifestError(f"manifest uses canonical form {manifest.canonical!r}; this "
                            f"version of contactguard computes {CANONICAL_VERSION!r}")
    sealer = manifest.sealer(key)
    region = manifest_region(manifest.canonical, manifest.region)
    fields = [canonical_fields(c, region=region) for c in snapshot]
    digests = [contact_digests(f, sealer, version=manifest.canonical) for f in fields]
    verdicts: dict[int, Verdict] = {}
    taken: set[int] = set()
    entries = manifest.entries

    by_uid: dict[str, list[int]] = defaultdict(list)
    hashed = any(e.uid_key for e in entries)  # (UIDs as keyed digests since 0.2)
    for j, c in enumerate(snapshot):
        if c.uid:
            by_uid[sealer.uid_digest(c.uid) if hashed else c.uid].append(j)
    recorded = Counter(e.recorded_uid for e in entries if e.recorded_uid)
    # only UIDs unique on both sides identify a contact (see contactguard.match)
    by_uid = {u: js for u, js in by_uid.items() if len(js) == 1 and recorded[u] == 1}
    by_digest: dict[str, list[int]] = defaultdict(list)
    for j, d in enumerate(digests):
        by_digest[d.digest].append(j)

    def pair(i: int, j: int, changes: tuple[FieldChange, ...], reason: str) -> None:
        status = "changed" if changes else "intact"
        verdicts[i] = Verdict(status, i, j, entries[i].label, changes, (reason,))
        taken.add(j)

    for i, e in enumerate(entries):  # 1. UID, when the manifest recorded one
        for j in by_uid.get(e.recorded_uid or "", ()):
            if j not in taken:
                same = digests[j].digest == e.digest
                changes = () if same else _changes_by_partials(e, digests[j])
                pair(i, j, changes, "same UID")
                break
    for i, e in enumerate(entries):  # 2. identical digest
        if i in verdicts:
            continue
        for j in by_digest.get(e.digest, ()):
            if j not in taken:
                pair(i, j, (), "identical user data")
                break
    # 3. leave-one-field-out: (group, digest-without-group) on both sides
    left_e = [i for i in range(len(entries)) if i not in verdicts]
    left_d = [j for j in range(len(digests)) if j not in taken]
    for i, j, g, how in pair_leftovers([entries[i] for i in left_e], left_e,
                                       [digests[j] for j in left_d], left_d):
        pair(i, j, _group_changes(entries[i], g, digests[j].counts, how),
             f"same contact apart from its {g}")
    out = [verdicts.get(i) or Verdict("missing", i, None, e.label)
           for i, e in enumerate(entries)]
    out.extend(Verdict("added", None, j, _label(snapshot, j))
               for j in range(len(snapshot)) if j not in taken)
    return ManifestReport(manifest, snapshot, tuple(out))


def pair_leftovers(entries: Sequence[ManifestEntry], entry_ids: Sequence[int],
                   digests: Sequence[ContactDigests], digest_ids: Sequence[int]
                   ) -> list[tuple[int, int, str, str]]:
    """Pair recorded and current contacts that differ in one field group.

    Returns ``(entry id, digest id, group, how)`` with ``how`` one of ``changed`` (equal
    without the group on both sides), ``lost`` (the current contact equals the recorded
    one without the group) or ``added`` (the reverse).  Each side is used once; all
    lookups go through indexes, so the cost is linear in the leftovers.
    """
    index: dict[tuple[str, str], list[int]] = defaultdict(list)
    for pos, d in enumerate(digests):
        index["*", d.digest].append(pos)
        for g, pd in d.partial.items():
            index[g, pd].append(pos)
            index["+", pd].append(pos)  # for "added": current minus g = recorded whole
    used: set[int] = set()
    out: list[tuple[int, int, str, str]] = []
    for e_pos, e in enumerate(entries):
        found: tuple[int, str, str] | None = None
        for g, pd in sorted(e.partial.items()):
            for how, key in (("changed", (g, pd)), ("lost", ("*", pd))):
                hit = next((p for p in index.get(key, ()) if p not in used), None)
                if hit is not None:
                    found = (hit, g, how)
                    break
            if found:
                break
        if found is None:
            hit = next((p for p in index.get(("+", e.digest), ()) if p not in used), None)
            if hit is not None:
                g = next(g for g, pd in digests[hit].partial.items() if pd == e.digest)
                found = (hit, g, "added")
        if found is not None:
            pos, g, how = found
            used.add(pos)
            out.append((entry_ids[e_pos], digest_ids[pos], g, how))
    return out


def _changes_by_partials(e: ManifestEntry, d: ContactDigests) -> tuple[FieldChange, ...]:
    """What changed in a contact paired by UID, as far as the digests can tell."""
    for g, pd in e.partial.items():
        if d.partial.get(g) == pd:
            return _group_changes(e, g, d.counts, "changed")
        if d.digest == pd:
            return _group_changes(e, g, d.counts, "lost")
    if not e.counts:  # schema 2: no counts to compare
        return (FieldChange("changed", "X-OTHER"),)
    groups = set(e.counts) | set(d.counts)
    return tuple(FieldChange("changed", _GROUP_PROPERTY.get(g, "X-OTHER"))
                 for g in sorted(groups) if e.counts.get(g) != d.counts.get(g)) or (
        FieldChange("changed", "X-OTHER"),)
