"""Views: the title, summary and tables of one result, for the notebook display."""


from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from .._core import mask_name
from .protocols import (
    ContactLike,
    DiffLike,
    FindingLike,
    GroupLike,
    ManifestReportLike,
    RestoreReportLike,
    SnapshotLike,
    SourceLike,
    VerdictLike,
)
from .tables import (
    _JOIN,
    CONTACT_COLUMNS,
    DIFF_COLUMNS,
    FINDING_COLUMNS,
    PROPERTY_COLUMNS,
    STATUS_ORDER,
    VERDICT_COLUMNS,
    Table,
    contact_rows,
    count_by,
    counts_text,
    diff_rows,
    finding_rows,
    finding_summary,
    project,
    property_rows,
    verdict_rows,
)

__all__ = [
    "PAIR_COLUMNS",
    "contact_view",
    "diff_view",
    "findings_view",
    "group_view",
    "manifest_report_view",
    "restore_report_view",
    "snapshot_view",
]

#: A view: a title, summary pairs, the tables (see :func:`contactguard._html.render`).
View = tuple[str, list[tuple[str, Any]], list[Table]]


_CONTACTS_SHOWN: Final = ("index", "line", "formatted_name", "phones", "emails",
                          "n_properties", "n_findings")
_FINDINGS_SHOWN: Final = ("severity", "kind", "source", "line", "contact", "property",
                          "message")


def _findings_table(findings: Sequence[FindingLike], show: bool,
                    heading: str = "Findings") -> Table:
    return project(Table(heading, FINDING_COLUMNS, finding_rows(findings, show=show),
                         len(findings), "findings"), _FINDINGS_SHOWN)


def _source_text(source: SourceLike, contacts: int) -> str:
    files = f", {len(source.files):,} files" if len(source.files) > 1 else ""
    return f"{source.name} ({source.format}{files}, {contacts:,} contacts)"


def snapshot_view(s: SnapshotLike, *, show: bool) -> View:
    """A snapshot: where it was read from, counts, then its contacts and findings."""
    contacts = Table("Contacts", CONTACT_COLUMNS,
                     contact_rows(s.contacts, s.findings, show=show), len(s.contacts),
                     "contacts")
    summary: list[tuple[str, Any]] = [("source", s.source.name),
                                      ("format", s.source.format),
                                      ("contacts", len(s.contacts))]
    if len(s.source.files) > 1:
        summary.append(("files", len(s.source.files)))
    summary += finding_summary(s.findings)
    return ("contactguard.Snapshot", summary,
            [project(contacts, _CONTACTS_SHOWN), _findings_table(s.findings, show)])


def findings_view(findings: Sequence[FindingLike], *, show: bool) -> View:
    """A list of findings: counts by severity and kind, then the findings."""
    return ("contactguard.Findings", finding_summary(findings),
            [_findings_table(findings, show)])


def contact_view(c: ContactLike, *, show: bool, version: str | None = None) -> View:
    """One contact: where it was read, then its properties."""
    name = c.formatted_name
    shown = name if show or not name else mask_name(name)
    summary: list[tuple[str, Any]] = [("name", shown or "(no name)"), ("source", c.source),
                                      ("line", c.line), ("vCard version", version),
                                      ("properties", len(c.properties))]
    table = Table("Properties", PROPERTY_COLUMNS, property_rows(c, show=show),
                  len(c.properties), "properties")
    return "contactguard.Contact", [kv for kv in summary if kv[1] is not None], [table]


def diff_view(d: DiffLike, *, show: bool) -> View:
    """A diff: counts and the fields lost, then the missing, changed and added contacts."""
    missing, added = len(d.before.contacts) - len(d.matches), len(d.after.contacts) - len(
        d.matches)
    lost = dict(sorted(d.lost_fields().items(), key=lambda kv: (-kv[1], kv[0])))
    summary: list[tuple[str, Any]] = [
        ("status", "ok" if d.ok else "problems"),
        ("before", _source_text(d.before.source, len(d.before.contacts))),
        ("after", _source_text(d.after.source, len(d.after.contacts))),
        ("missing", missing), ("changed", len(d.changed)), ("added", added),
        ("unchanged", f"{d.unchanged:,} ({len(d.format_only):,} differ in format only)"),
        ("fields lost or changed", counts_text(lost)),
        ("phone region", d.region or "none"),
    ]

    def part(heading: str, status: str, count: int, picked: Sequence[str]) -> Table:
        rows = diff_rows(d, show=show, statuses=frozenset({status}))
        return project(Table(heading, DIFF_COLUMNS, rows, count, "contacts"), picked)

    return ("contactguard.Diff", summary, [
        part("Missing", "missing", missing, ("before_index", "name")),
        part("Changed", "changed", len(d.changed),
             ("before_index", "after_index", "name", "stage", "confidence", "changes")),
        part("Added", "added", added, ("after_index", "name")),
    ])


def _problem_verdicts(verdicts: Sequence[VerdictLike]) -> tuple[list[VerdictLike], int]:
    # Only the not-intact verdicts, missing first; sorting a filtered list is cheap even
    # for 100,000 verdicts (the intact majority is skipped).
    order = {s: i for i, s in enumerate(STATUS_ORDER)}
    problems = sorted((v for v in verdicts if v.status != "intact"),
                      key=lambda v: order.get(v.status, len(order)))
    return problems, len(problems)


def _verdict_summary(verdicts: Sequence[VerdictLike], ok: bool, text: str
                     ) -> list[tuple[str, Any]]:
    counts = count_by((v.status for v in verdicts), STATUS_ORDER)
    return [("status", "ok" if ok else "problems"), ("summary", text),
            *((status, n) for status, n in counts.items())]


def restore_report_view(r: RestoreReportLike, *, show: bool) -> View:
    """A restore report: the verdict, counts, then contacts not intact and findings."""
    before, after = r.diff.before, r.diff.after
    summary = _verdict_summary(r.verdicts, r.ok, r.summary())
    summary[2:2] = [("backup", _source_text(before.source, len(before.contacts))),
                    ("restored", _source_text(after.source, len(after.contacts)))]
    summary += finding_summary(r.findings)
    problems, n = _problem_verdicts(r.verdicts)
    rows = verdict_rows(problems, reference=before.contacts, checked=after.contacts,
                        show=show)
    return ("contactguard.RestoreReport", summary, [
        Table("Contacts not intact", VERDICT_COLUMNS, rows, n, "contacts"),
        _findings_table(r.findings, show, "Findings in the restored file")])


def manifest_report_view(r: ManifestReportLike, *, show: bool) -> View:
    """A manifest verification: the verdict, counts, then the contacts not intact."""
    m = r.manifest
    summary = _verdict_summary(r.verdicts, r.ok, r.summary())
    summary[2:2] = [
        ("manifest", f"{m.source_name or '(unnamed)'}: {len(m):,} contacts, "
                     f"{m.algorithm}, created {m.created or 'unknown'}"),
        ("checked", _source_text(r.snapshot.source, len(r.snapshot.contacts)))]
    problems, n = _problem_verdicts(r.verdicts)
    rows = verdict_rows(problems, reference=None, checked=r.snapshot.contacts, show=show)
    return ("contactguard.ManifestReport", summary,
            [Table("Contacts not intact", VERDICT_COLUMNS, rows, n, "contacts")])


#: ``DuplicateGroup`` pairs: why two of its contacts look like one person.
PAIR_COLUMNS: Final = ("i", "j", "confidence", "agreed", "disagreed")


def group_view(g: GroupLike, *, show: bool, title: str = "contactguard.DuplicateGroup"
               ) -> View:
    """A duplicate group: its confidence, its contacts, and the evidence per pair."""
    contacts = Table("Contacts", CONTACT_COLUMNS,
                     contact_rows(g.contacts, (), show=show, indexes=g.indexes),
                     len(g.contacts), "contacts")
    pairs = Table("Evidence", PAIR_COLUMNS,
                  ((p.i, p.j, p.confidence, _JOIN.join(p.agreed), _JOIN.join(p.disagreed))
                   for p in g.pairs), len(g.pairs), "pairs")
    summary: list[tuple[str, Any]] = [("contacts", len(g.contacts)),
                                      ("confidence", g.confidence)]
    return title, summary, [project(contacts, _CONTACTS_SHOWN[:-1]), pairs]
