"""The report document: one neutral, JSON-able ``dict`` per command result.

Every renderer (JSON, JUnit, HTML, Markdown, text) draws from this document and from
nothing else, so all formats say the same thing.  Personal data is masked *here*, once,
unless the caller asks for it (``show_personal_data=True``): phone numbers, emails and
names with :mod:`contactguard._mask`, any other value (addresses, notes, dates, repair
suggestions) by its length only.  The document's shape is described by
``report.schema.json`` (:data:`SCHEMA_VERSION`) and ``docs/report-schema.md``.

Nothing here reads a clock: a document holds a ``created`` time only when one is passed,
so two runs on the same input give the same document.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from .._compare import (
    CopyComparison,
    Diff,
    FieldChange,
    ManifestReport,
    RestoreReport,
    StreamReport,
    Verdict,
    contact_label,
)
from .._core import BINARY_PROPERTIES as MASK_BINARY_PROPERTIES
from .._core import PROPERTY_MASKS, counted, mask_label, mask_message, mask_name, mask_value
from .._manifest import Manifest
from .._model import Contact, Finding, Severity, Snapshot
from .._version import __version__
from .copies import explained_elsewhere
from .notes import is_merged

if TYPE_CHECKING:  # the dupes stage is optional at run time (see the CLI)
    from .._duplicates import DuplicateGroup

__all__ = [
    "SCHEMA_VERSION",
    "STATUSES",
    "Report",
    "check_report",
    "diff_report",
    "dupes_report",
    "finding_counts",
    "findings_text",
    "manifest_report",
    "stream_verify_report",
    "streamed_manifest_report",
    "verify_report",
]

#: Version of the report document; see docs/report-schema.md for the compatibility policy.
SCHEMA_VERSION: Final = 1

#: A report document (see ``report.schema.json``).
Report = dict[str, Any]

#: What became of a reference contact, in the order reports list them.
STATUSES: Final = ("missing", "changed", "added", "intact")

_N_SEP: Final = "\x1f"  # component separator of canonical structured values
# The masking rules are shared with the notebook display (contactguard._mask).
MASKERS: Final = PROPERTY_MASKS
DIGEST_PROPERTIES: Final = MASK_BINARY_PROPERTIES
_SEVERITIES: Final = tuple(s.value for s in sorted(Severity, key=lambda s: -s.rank))


@dataclass(frozen=True, slots=True)
class _Masker:
    show: bool

    def value(self, prop: str, value: str | None) -> str | None:
        if value is None:
            return None
        if prop in DIGEST_PROPERTIES:  # a digest names the picture; damaged data is long
            return value[:19] if value.startswith("sha256:") else mask_value(value)
        shown = value.replace(_N_SEP, ";")
        if self.show:
            return shown
        return MASKERS.get(prop, mask_value)(value if prop in MASKERS else shown)

    def name(self, contact: Contact | None) -> str | None:
        if contact is None:
            return None
        name = contact.formatted_name
        if name is None:
            return None
        return name if self.show else mask_name(name)

    def label(self, label: str) -> str:
        # Labels carry a UID when it looks opaque; a UID holding a phone number does not.
        return label if self.show else mask_label(label)

    def message(self, finding: Finding) -> str:
        return finding.message if self.show else mask_message(finding.kind, finding.message)

    def suggestion(self, text: str | None) -> str | None:
        if text is None or self.show:
            return text
        return mask_value(text)


def _head(command: str, masker: _Masker, created: str | None) -> Report:

    doc: Report = {
        "schema_version": SCHEMA_VERSION,
        "generator": f"contactguard {__version__}",
        "command": command,
        "personal_data": "shown" if masker.show else "masked",
    }
    if created is not None:
        doc["created"] = created
    return doc


def _input(role: str, snapshot: Snapshot, path: str | None = None) -> dict[str, Any]:
    return {
        "role": role,
        "path": path if path is not None else snapshot.source.name,
        "format": snapshot.source.format,
        "contacts": len(snapshot),
        "files": [{"name": f.name, "format": f.format,
                   "encoding": f.decoding.encoding if f.decoding is not None else None,
                   "cards": f.cards} for f in snapshot.source.files],
    }


def _finding(f: Finding, masker: _Masker) -> dict[str, Any]:
    return {"kind": f.kind, "severity": f.severity.value, "message": masker.message(f),
            "source": f.source, "line": f.line, "column": f.column, "contact": f.contact,
            "property": f.property, "suggestion": masker.suggestion(f.suggestion)}


def _by_line(findings: Iterable[Finding]) -> list[Finding]:
    """One snapshot's findings in file order (reading and value findings interleaved)."""
    return sorted(findings, key=lambda f: f.line if f.line is not None else 0)


def finding_counts(findings: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    """Findings per severity, every severity present (most severe first)."""
    counts = Counter(f["severity"] for f in findings)
    return {s: counts[s] for s in _SEVERITIES}


_finding_counts = finding_counts


def _change(c: FieldChange, masker: _Masker) -> dict[str, Any]:
    return {"kind": c.kind, "field": c.field, "property": c.property,
            "before": masker.value(c.property, c.before),
            "after": masker.value(c.property, c.after)}


def _where(index: int | None, snapshot: Snapshot | None) -> dict[str, Any] | None:
    if index is None:
        return None
    contact = snapshot[index] if snapshot is not None else None
    return {"index": index, "line": contact.line if contact is not None else None,
            "source": contact.source if contact is not None else None}


def _contact_label(snapshot: Snapshot, index: int) -> str:
    contact = snapshot[index]
    return contact_label(index, uid=contact.uid, line=contact.line)


def _row(masker: _Masker, status: str, label: str, name: str | None, *,
         reference: dict[str, Any] | None, checked: dict[str, Any] | None,
         changes: Sequence[FieldChange] = (), reasons: Sequence[str] = ()) -> dict[str, Any]:
    return {"status": status, "label": masker.label(label), "name": name,
            "reference": reference, "checked": checked,
            "changes": [_change(c, masker) for c in changes], "reasons": list(reasons)}


def _comparison(kind: str, reference: str, checked: str, rows: list[dict[str, Any]],
                *, intact: int | None = None) -> dict[str, Any]:
    counts = Counter(r["status"] for r in rows)
    if intact is not None:  # a streamed check counts intact contacts without listing them
        counts["intact"] = intact
    fields: Counter[str] = Counter()
    for r in rows:
        if r["status"] == "changed":
            fields.update(f"{c['field']} {c['kind']}" for c in r["changes"])
    order = {s: i for i, s in enumerate(STATUSES)}
    rows = sorted(rows, key=lambda r: order[r["status"]])  # stable: keeps file order within
    return {
        "kind": kind, "reference": reference, "checked": checked,
        "ok": not counts["missing"] and not counts["changed"]
        and not (kind == "copies" and counts["added"]),
        "counts": {"reference": counts["intact"] + counts["changed"] + counts["missing"],
                   **{s: counts[s] for s in STATUSES}},
        "changed_fields": dict(sorted(fields.items())),
        "contacts": rows,
    }


def _diff_rows(d: Diff, masker: _Masker) -> list[dict[str, Any]]:
    by_before = {m.before: m for m in (*d.matches, *d.merged)}
    repeats = {m.before: m.reasons for m in d.repeats}
    changed = {id(ch.before): ch for ch in d.changed}
    rows = []
    for i, contact in enumerate(d.before):
        m = by_before.get(i)
        ref = _where(i, d.before)
        label = _contact_label(d.before, i)
        if m is None:
            rows.append(_row(masker, "missing", label, masker.name(contact), reference=ref,
                             checked=None, reasons=repeats.get(i, ())))
            continue
        ch = changed.get(id(contact))
        rows.append(_row(masker, "changed" if ch else "intact", label, masker.name(contact),
                         reference=ref, checked=_where(m.after, d.after),
                         changes=ch.changes if ch else (), reasons=m.reasons))
    matched = {m.after for m in d.matches}
    rows.extend(_row(masker, "added", _contact_label(d.after, j), masker.name(d.after[j]),
                     reference=None, checked=_where(j, d.after))
                for j in range(len(d.after)) if j not in matched)
    return rows


def _verdict_rows(verdicts: Sequence[Verdict], reference: Snapshot | None,
                  checked: Snapshot, manifest: Manifest | None, masker: _Masker
                  ) -> list[dict[str, Any]]:
    rows = []
    for v in verdicts:
        if reference is not None:
            ref = _where(v.reference, reference)
            who = reference[v.reference] if v.reference is not None else None
        else:
            ref = None
            if v.reference is not None and manifest is not None:
                e = manifest.entries[v.reference]
                ref = {"index": v.reference, "line": e.line, "source": e.source}
            who = None
        if who is None and v.checked is not None:
            who = checked[v.checked]
        rows.append(_row(masker, v.status, v.label, masker.name(who), reference=ref,
                         checked=_where(v.checked, checked), changes=v.changes,
                         reasons=v.reasons))
    return rows


def _summary(doc: Report, text: str) -> None:
    comparisons = doc.get("comparisons", [])
    totals = Counter[str]()
    for c in comparisons:
        totals.update({s: c["counts"][s] for s in STATUSES})
    doc["summary"] = {
        "text": text,
        "ok": all(c["ok"] for c in comparisons)
        and not any(f["severity"] == "error" for f in doc["findings"]),
        "findings": _finding_counts(doc["findings"]),
        **{s: totals[s] for s in STATUSES},
    }


def findings_text(counts: Mapping[str, int]) -> str:
    """``"no findings"``, ``"3 findings (1 error, 2 warnings)"``."""
    total = sum(counts.values())
    if not total:
        return "no findings"
    parts = [f"{counts[s]:,} {s}{'' if counts[s] == 1 else 's'}"
             for s in _SEVERITIES if counts[s]]
    return f"{total:,} finding{'' if total == 1 else 's'} ({', '.join(parts)})"


_findings_text = findings_text


def comparison_text(c: Mapping[str, Any]) -> str:
    """``"37 of 40 contacts intact, 2 missing, 1 changed (1 phone changed), 0 added"``."""
    n = c["counts"]
    changed = f"{n['changed']:,} changed"
    if c["changed_fields"]:
        changed += " (" + ", ".join(f"{v:,} {k}" for k, v in c["changed_fields"].items()) + ")"
    if c["kind"] == "copies":
        return (f"{n['intact']:,} contacts in both, {n['missing']:,} only in "
                f"{c['reference']}, {n['added']:,} only in {c['checked']}, {changed}")
    merged = sum(map(is_merged, c["contacts"]))
    intact = f" ({merged:,} merged into another's card)" if merged else ""
    return (f"{n['intact']:,} of {counted(n['reference'], 'contact')} intact{intact}, "
            f"{n['missing']:,} missing, {changed}, {n['added']:,} added")


def check_report(snapshots: Sequence[Snapshot], *, paths: Sequence[str] | None = None,
                 show_personal_data: bool = False, created: str | None = None) -> Report:
    """The report of ``contactguard check``: every finding of every snapshot (already
    checked with :func:`contactguard.check`)."""
    masker = _Masker(show_personal_data)
    doc = _head("check", masker, created)
    doc["inputs"] = [_input("checked", s, paths[i] if paths else None)
                     for i, s in enumerate(snapshots)]
    doc["findings"] = [_finding(f, masker) for s in snapshots for f in _by_line(s.findings)]
    doc["comparisons"] = []
    contacts = sum(len(s) for s in snapshots)
    # the contact files read, folder and zip members each (not the paths given)
    files = sum(len(s.source.files) for s in snapshots)
    counts = _finding_counts(doc["findings"])
    _summary(doc, f"{files:,} file{'' if files == 1 else 's'}, {counted(contacts, 'contact')}, "
             f"{_findings_text(counts)}")
    return doc


def diff_report(d: Diff, *, paths: Sequence[str] | None = None,
                show_personal_data: bool = False, created: str | None = None) -> Report:
    """The report of ``contactguard diff``: what was lost, changed and added."""
    masker = _Masker(show_personal_data)
    doc = _head("diff", masker, created)
    old, new = (paths or (d.before.source.name, d.after.source.name))[:2]
    doc["inputs"] = [_input("reference", d.before, old), _input("checked", d.after, new)]
    doc["findings"] = [_finding(f, masker) for f in _by_line(d.after.findings)]
    comp = _comparison("diff", old, new, _diff_rows(d, masker))
    doc["comparisons"] = [comp]
    # the findings of NEW fail a diff too: the summary says so ("27 of 27 intact" alone
    # under FAIL reads as a contradiction)
    _summary(doc, f"{comparison_text(comp)}; {_findings_text(_finding_counts(doc['findings']))}")
    return doc


def verify_report(results: Sequence[ManifestReport | RestoreReport], *,
                  reference: str | None = None, paths: Sequence[str] | None = None,
                  copies: Sequence[CopyComparison] = (),
                  show_personal_data: bool = False, created: str | None = None,
                  unread: Sequence[tuple[str, str]] = ()) -> Report:
    """The report of ``contactguard verify``: each checked snapshot against its reference
    (a backup, or a manifest called ``reference``), then the copies against each other
    (``copies[k].first``/``.second`` index ``results``).  ``unread`` are the copies that
    could be read only in part, as (path, reason): each is an input with a
    ``copy-incomplete`` error and no comparison, so none of its contacts is called missing."""
    masker = _Masker(show_personal_data)
    doc = _head("verify", masker, created)
    inputs: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    comparisons: list[dict[str, Any]] = []
    names: list[str] = []
    for i, rep in enumerate(results):
        if isinstance(rep, RestoreReport):
            checked, ref_snap = rep.diff.after, rep.diff.before
            ref_name = reference or ref_snap.source.name
            if i == 0:
                inputs.append(_input("reference", ref_snap, ref_name))
            kind, manifest, own = "restore", None, rep.findings
            rows = _verdict_rows(rep.verdicts, ref_snap, checked, None, masker)
        else:
            checked, ref_snap, manifest = rep.snapshot, None, rep.manifest
            ref_name = reference or manifest.source_name or "manifest"
            if i == 0:
                inputs.append({"role": "manifest", "path": ref_name, "format": "manifest",
                               "contacts": len(manifest), "files": []})
            kind, own = "manifest", checked.findings
            rows = _verdict_rows(rep.verdicts, None, checked, manifest, masker)
        name = paths[i] if paths else checked.source.name
        names.append(name)
        inputs.append(_input("checked", checked, name))
        findings.extend(_finding(f, masker) for f in _by_line(own))
        comparisons.append(_comparison(kind, ref_name, name, rows))
    checks_by_input, listed = list(comparisons), set[tuple[int, int]]()
    for cc in copies:  # each difference once: what a copy's own check says is not repeated
        rows = _diff_rows(cc.diff, masker)
        seen = explained_elsewhere(checks_by_input, cc.first, cc.second, rows, listed)
        comparisons.append(_comparison("copies", names[cc.first], names[cc.second],
                                       [r for r, s in zip(rows, seen, strict=True) if not s]))
    for path, reason in unread:
        inputs.append({"role": "checked", "path": path, "format": "vcard", "contacts": 0,
                       "files": []})
        findings.append(_finding(Finding.of(
            "copy-incomplete", f"{reason}; this copy was not verified and no contact in it "
            "is called missing", source=path), masker))
    doc["inputs"], doc["findings"], doc["comparisons"] = inputs, findings, comparisons
    checks = [c for c in comparisons if c["kind"] != "copies"]
    if not checks:
        text = "no copy could be verified"
    elif len(checks) == 1 and not unread:
        text = comparison_text(checks[0])
    else:
        bad = sum(not c["ok"] for c in checks)
        text = f"{len(checks):,} copies verified, {bad:,} with problems"
        if unread:
            text += f", {len(unread):,} read only in part"
        if copies:
            differ = sum(not cc.ok for cc in copies)  # listed or not (see copies.py)
            text += f"; {differ:,} of {len(copies):,} pairs of copies differ"
    text += "; " + _findings_text(_finding_counts(findings))
    _summary(doc, text)
    return doc


def stream_verify_report(results: Sequence[StreamReport], *, reference: str,
                         paths: Sequence[str], show_personal_data: bool = False,
                         created: str | None = None) -> Report:
    """The report of ``contactguard verify --manifest M --stream``: like
    :func:`verify_report`, but intact contacts are counted, not listed (a streamed check
    keeps no snapshot), and contacts are named by label only."""
    masker = _Masker(show_personal_data)
    doc = _head("verify", masker, created)
    inputs: list[dict[str, Any]] = [{"role": "manifest", "path": reference,
                                     "format": "manifest",
                                     "contacts": results[0].recorded if results else 0,
                                     "files": []}]
    findings: list[dict[str, Any]] = []
    comparisons: list[dict[str, Any]] = []
    for name, rep in zip(paths, results, strict=True):
        inputs.append({"role": "checked", "path": name, "format": "vcard",
                       "contacts": rep.checked, "files": []})
        findings.extend(_finding(f, masker) for f in _by_line(rep.findings))
        rows = [_row(masker, v.status, v.label, None,
                     reference=None if v.reference is None else
                     {"index": v.reference, "line": None, "source": None},
                     checked=None if v.checked is None else
                     {"index": v.checked, "line": None, "source": name},
                     changes=v.changes, reasons=v.reasons) for v in rep.verdicts]
        comparison = _comparison("manifest", reference, name, rows, intact=rep.intact)
        if rep.undetailed:
            comparison["ok"] = False
        comparisons.append(comparison)
    doc["inputs"], doc["findings"], doc["comparisons"] = inputs, findings, comparisons
    if len(comparisons) == 1:
        text = comparison_text(comparisons[0])
    else:
        bad = sum(not c["ok"] for c in comparisons)
        text = f"{len(comparisons):,} copies verified, {bad:,} with problems"
    undetailed = sum(r.undetailed for r in results)
    if undetailed:
        text += f", {undetailed:,} more differences not detailed"
    text += "; " + _findings_text(_finding_counts(findings))
    _summary(doc, text)
    return doc


def streamed_manifest_report(count: int, *, path: str, output: str, algorithm: str,
                             region: str | None, findings: Sequence[Finding],
                             show_personal_data: bool = False,
                             created: str | None = None) -> Report:
    """The report of ``contactguard manifest --stream``: what was recorded."""
    masker = _Masker(show_personal_data)
    doc = _head("manifest", masker, created)
    doc["inputs"] = [{"role": "checked", "path": path, "format": "vcard", "contacts": count,
                      "files": []}]
    doc["findings"] = [_finding(f, masker) for f in _by_line(findings)]
    doc["comparisons"] = []
    doc["manifest"] = {"path": output, "contacts": count, "algorithm": algorithm,
                       "keyed": algorithm == "hmac-sha256", "region": region}
    _summary(doc, f"manifest of {counted(count, 'contact')} written to {output} ({algorithm}); "
             f"{_findings_text(_finding_counts(doc['findings']))}")
    return doc


def manifest_report(manifest: Manifest, snapshot: Snapshot, *, output: str,
                    path: str | None = None, show_personal_data: bool = False,
                    created: str | None = None) -> Report:
    """The report of ``contactguard manifest``: what was recorded, and the input's
    findings.  The salt and digests are left out: they differ on every run."""
    masker = _Masker(show_personal_data)
    doc = _head("manifest", masker, created)
    doc["inputs"] = [_input("checked", snapshot, path)]
    doc["findings"] = [_finding(f, masker) for f in _by_line(snapshot.findings)]
    doc["comparisons"] = []
    doc["manifest"] = {"path": output, "contacts": len(manifest),
                       "algorithm": manifest.algorithm, "keyed": manifest.keyed,
                       "region": manifest.region}
    _summary(doc, f"manifest of {counted(len(manifest), 'contact')} written to {output} "
             f"({manifest.algorithm}); {_findings_text(_finding_counts(doc['findings']))}")
    return doc


def dupes_report(snapshot: Snapshot, groups: Sequence[DuplicateGroup], *,
                 path: str | None = None, merged: str | None = None,
                 show_personal_data: bool = False, created: str | None = None) -> Report:
    """The report of ``contactguard dupes``: each group of contacts that look like one
    person (from :func:`contactguard.find_duplicates`), with the evidence pair by pair."""
    masker = _Masker(show_personal_data)
    doc = _head("dupes", masker, created)
    doc["inputs"] = [_input("checked", snapshot, path)]
    doc["findings"] = [_finding(f, masker) for f in _by_line(snapshot.findings)]
    doc["comparisons"] = []
    out: list[dict[str, Any]] = []
    for g in groups:
        out.append({
            "members": [{"index": i, "line": snapshot[i].line, "source": snapshot[i].source,
                         "label": masker.label(_contact_label(snapshot, i)),
                         "name": masker.name(snapshot[i])} for i in g.indexes],
            "confidence": round(float(g.confidence), 4),
            "pairs": [{"first": p.i, "second": p.j, "confidence": round(float(p.confidence), 4),
                       "agreed": list(p.agreed), "disagreed": list(p.disagreed)}
                      for p in g.pairs],
        })
    doc["groups"] = out
    if merged is not None:
        doc["merged"] = merged
    people = sum(len(g["members"]) for g in out)
    _summary(doc, f"{len(out):,} duplicate group{'' if len(out) == 1 else 's'} "
             f"({counted(people, 'contact')}) among {counted(len(snapshot), 'contact')}; "
             f"{_findings_text(_finding_counts(doc['findings']))}")
    return doc
