"""Results as rows: the tables behind ``to_pandas()`` and the notebook display.

Each result type (snapshot, findings, diff, verification report) becomes one table with
stable column names (documented in ``docs/jupyter.md``; renaming or removing a column is a
breaking change).  The same row builders feed ``to_pandas()`` and ``_repr_html_``, so the
two always agree, and both mask personal data the same way unless the caller asks to see
it (``show_personal_data=True``).

This is a foundation module: it reads results through the small structural protocols
below instead of importing the pipeline stages, so every stage may import it.
"""

from __future__ import annotations

import importlib
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Protocol, TypeAlias

from ._errors import UsageError
from ._mask import (
    mask_email,
    mask_label,
    mask_message,
    mask_name,
    mask_phone,
    mask_property,
    mask_value,
)

__all__ = [
    "CONTACT_COLUMNS",
    "DIFF_COLUMNS",
    "FINDING_COLUMNS",
    "PROPERTY_COLUMNS",
    "SEVERITY_ORDER",
    "STATUS_ORDER",
    "VERDICT_COLUMNS",
    "DataFrame",
    "Table",
    "contact_rows",
    "contact_view",
    "count_by",
    "data_frame",
    "diff_rows",
    "diff_view",
    "finding_rows",
    "finding_summary",
    "findings_view",
    "group_view",
    "manifest_report_view",
    "project",
    "property_rows",
    "restore_report_view",
    "snapshot_view",
    "verdict_rows",
]

Row = tuple[Any, ...]
#: What ``to_pandas()`` returns: a ``pandas.DataFrame`` (pandas is optional and ships no
#: type information, so the checker sees ``Any``).
DataFrame: TypeAlias = Any

#: ``Snapshot.to_pandas()``: one row per contact.
CONTACT_COLUMNS: Final = ("index", "line", "source", "uid", "formatted_name", "family",
                          "given", "phones", "emails", "n_properties", "n_findings")
#: ``Findings.to_pandas()``: one row per finding.
FINDING_COLUMNS: Final = ("kind", "severity", "line", "column", "source", "contact",
                          "property", "message", "suggestion")
#: ``Diff.to_pandas()``: one row per contact of ``before``, then one per added contact.
DIFF_COLUMNS: Final = ("status", "before_index", "after_index", "name", "stage",
                       "confidence", "changes")
#: ``RestoreReport.to_pandas()`` / ``ManifestReport.to_pandas()``: one row per verdict.
VERDICT_COLUMNS: Final = ("status", "reference", "checked", "label", "name", "changes",
                          "reasons")
#: ``Contact.to_pandas()``: one row per property.
PROPERTY_COLUMNS: Final = ("position", "line", "group", "name", "params", "value")

#: Columns of numbers and their pandas dtype (the others hold text: ``object``).
_DTYPES: Final = {
    **dict.fromkeys(("index", "line", "column", "contact", "n_properties", "n_findings",
                     "before_index", "after_index", "reference", "checked", "position", "i",
                     "j"), "Int64"),
    "confidence": "Float64",
}

SEVERITY_ORDER: Final = ("error", "warning", "info")
STATUS_ORDER: Final = ("missing", "changed", "added", "intact")
_JOIN: Final = "; "


# -- what the row builders read (structural: satisfied by the pipeline's classes) ---------

class NameLike(Protocol):
    @property
    def family(self) -> str: ...
    @property
    def given(self) -> str: ...


class PropertyLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def params(self) -> tuple[tuple[str, str], ...]: ...
    @property
    def group(self) -> str | None: ...


class ContactLike(Protocol):
    @property
    def properties(self) -> Sequence[PropertyLike]: ...
    @property
    def line(self) -> int | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def uid(self) -> str | None: ...
    @property
    def formatted_name(self) -> str | None: ...
    @property
    def name(self) -> NameLike: ...
    @property
    def phones(self) -> tuple[str, ...]: ...
    @property
    def emails(self) -> tuple[str, ...]: ...

    def line_of(self, index: int) -> int | None: ...


class FindingLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def line(self) -> int | None: ...
    @property
    def column(self) -> int | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def contact(self) -> int | None: ...
    @property
    def suggestion(self) -> str | None: ...
    @property  # last: once defined, ``property`` names this member in the class body
    def property(self) -> str | None: ...


class ChangeLike(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def field(self) -> str: ...


class MatchLike(Protocol):
    @property
    def before(self) -> int: ...
    @property
    def after(self) -> int: ...
    @property
    def confidence(self) -> float: ...
    @property
    def stage(self) -> str: ...


class ContactChangeLike(Protocol):
    @property
    def match(self) -> MatchLike: ...
    @property
    def changes(self) -> Sequence[ChangeLike]: ...


class SourceLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def format(self) -> str: ...
    @property
    def files(self) -> Sequence[Any]: ...


class SnapshotLike(Protocol):
    @property
    def contacts(self) -> Sequence[ContactLike]: ...
    @property
    def findings(self) -> Sequence[FindingLike]: ...
    @property
    def source(self) -> SourceLike: ...


class DiffLike(Protocol):
    @property
    def before(self) -> SnapshotLike: ...
    @property
    def after(self) -> SnapshotLike: ...
    @property
    def matches(self) -> Sequence[MatchLike]: ...
    @property
    def changed(self) -> Sequence[ContactChangeLike]: ...
    @property
    def unchanged(self) -> int: ...
    @property
    def format_only(self) -> Sequence[Any]: ...
    @property
    def region(self) -> str | None: ...
    @property
    def ok(self) -> bool: ...

    def lost_fields(self) -> Mapping[str, int]: ...


class VerdictLike(Protocol):
    @property
    def status(self) -> str: ...
    @property
    def reference(self) -> int | None: ...
    @property
    def checked(self) -> int | None: ...
    @property
    def label(self) -> str: ...
    @property
    def changes(self) -> Sequence[ChangeLike]: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...


# -- tables --------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class Table:
    """A heading, column names, rows (an iterator is fine: drawn once) and their count."""

    heading: str
    columns: tuple[str, ...]
    rows: Iterable[Row]
    total: int
    noun: str = "rows"


def _select(columns: Sequence[str], picked: Sequence[str], rows: Iterable[Row]
            ) -> Iterator[Row]:
    at = [columns.index(c) for c in picked]
    return (tuple(row[i] for i in at) for row in rows)


def project(table: Table, picked: Sequence[str], *, heading: str | None = None) -> Table:
    """``table`` with only the ``picked`` columns (lazily)."""
    return Table(heading or table.heading, tuple(picked),
                 _select(table.columns, picked, table.rows), table.total, table.noun)


def data_frame(columns: Sequence[str], rows: Iterable[Row]) -> DataFrame:
    """A :class:`pandas.DataFrame` of ``rows``; pandas is imported only now.

    Raises :class:`~contactguard.UsageError` with install advice when pandas is missing.
    Integer columns always use pandas' nullable ``Int64`` (a finding without a line has
    ``<NA>`` there, and the column stays integer), so a column's dtype does not depend on
    the data.
    """
    try:
        pd = importlib.import_module("pandas")
    except ImportError:
        raise UsageError("to_pandas() needs pandas: pip install 'contactguard[pandas]'"
                         ) from None
    records = list(rows)
    data: dict[str, Any] = {}
    for i, name in enumerate(columns):
        values = [r[i] for r in records]
        data[name] = pd.Series(values, dtype=_DTYPES.get(name, object))
    return pd.DataFrame(data, columns=list(columns))


# -- masking -----------------------------------------------------------------------------

def _masker(show: bool) -> tuple[Callable[[str], str], Callable[[str], str],
                                 Callable[[str], str], Callable[[str], str]]:
    if show:
        def same(x: str) -> str:
            return x
        return same, same, same, same
    return mask_name, mask_phone, mask_email, mask_label


def _opt(fn: Callable[[str], str], value: str | None) -> str | None:
    return fn(value) if value else value


# -- rows ------------------------------------------------------------------------------------

def contact_rows(contacts: Iterable[ContactLike], findings: Iterable[FindingLike], *,
                 show: bool, indexes: Iterable[int] | None = None) -> Iterator[Row]:
    """One :data:`CONTACT_COLUMNS` row per contact (lazy: pay for the rows you draw).

    ``indexes`` are the contacts' positions in their snapshot (default 0, 1, 2, …), which
    is what ``n_findings`` counts ``findings`` by.
    """
    name, phone, email, label = _masker(show)
    per_contact = Counter(f.contact for f in findings if f.contact is not None)
    numbers = indexes if indexes is not None else itertools.count()
    for index, c in zip(numbers, contacts, strict=False):
        n = c.name
        yield (index, c.line, c.source, _opt(label, c.uid), _opt(name, c.formatted_name),
               _opt(name, n.family), _opt(name, n.given),
               _JOIN.join(phone(p) for p in c.phones), _JOIN.join(email(e) for e in c.emails),
               len(c.properties), per_contact[index])


def property_rows(contact: ContactLike, *, show: bool) -> Iterator[Row]:
    """One :data:`PROPERTY_COLUMNS` row per property of ``contact``."""
    for i, p in enumerate(contact.properties):
        params = ",".join(f"{k}={v}" for k, v in p.params)
        yield (i, contact.line_of(i), p.group, p.name, params,
               p.value if show else mask_property(p.name, p.value))


def finding_rows(findings: Iterable[FindingLike], *, show: bool) -> Iterator[Row]:
    """One :data:`FINDING_COLUMNS` row per finding."""
    for f in findings:
        message = f.message if show else mask_message(f.kind, f.message)
        suggestion = f.suggestion if show or f.suggestion is None else mask_value(f.suggestion)
        yield (f.kind, str(f.severity), f.line, f.column, f.source, f.contact, f.property,
               message, suggestion)


def changes_text(changes: Sequence[ChangeLike]) -> str:
    """``"1 phone changed, 1 photo lost"`` (empty when nothing changed)."""
    counts = Counter((c.field, c.kind) for c in changes)
    return ", ".join(f"{n} {field} {kind}" for (field, kind), n in sorted(counts.items()))


def diff_rows(d: DiffLike, *, show: bool, statuses: frozenset[str] | None = None
              ) -> Iterator[Row]:
    """One :data:`DIFF_COLUMNS` row per ``before`` contact in order, then the added ones;
    only rows whose status is in ``statuses`` when it is given."""
    name = _masker(show)[0]
    by_before = {m.before: m for m in d.matches}
    changed = {ch.match.before: ch for ch in d.changed}
    for i, contact in enumerate(d.before.contacts):
        m = by_before.get(i)
        status = "missing" if m is None else "changed" if i in changed else "intact"
        if statuses is not None and status not in statuses:
            continue
        who = _opt(name, contact.formatted_name)
        if m is None:
            yield ("missing", i, None, who, None, None, "")
        else:
            ch = changed.get(i)
            yield (status, i, m.after, who, m.stage, m.confidence,
                   changes_text(ch.changes) if ch is not None else "")
    if statuses is None or "added" in statuses:
        matched = {m.after for m in d.matches}
        for j, contact in enumerate(d.after.contacts):
            if j not in matched:
                yield ("added", None, j, _opt(name, contact.formatted_name), None, None, "")


def verdict_rows(verdicts: Iterable[VerdictLike], *, reference: Sequence[ContactLike] | None,
                 checked: Sequence[ContactLike], show: bool) -> Iterator[Row]:
    """One :data:`VERDICT_COLUMNS` row per verdict; the name comes from the reference
    contact when there is one (a backup), else from the checked one."""
    name = _masker(show)[0]
    for v in verdicts:
        who: ContactLike | None = None
        if reference is not None and v.reference is not None:
            who = reference[v.reference]
        elif v.checked is not None:
            who = checked[v.checked]
        yield (v.status, v.reference, v.checked, v.label if show else mask_label(v.label),
               _opt(name, who.formatted_name) if who is not None else None,
               changes_text(v.changes), _JOIN.join(v.reasons))


# -- summaries ---------------------------------------------------------------------------

def count_by(items: Iterable[str], order: Sequence[str] = ()) -> dict[str, int]:
    """Counts of ``items``: the names in ``order`` first (even when 0), then the rest by
    count, largest first."""
    counts = Counter(items)
    out = {k: counts.pop(k, 0) for k in order}
    out.update(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    return out


def counts_text(counts: dict[str, int], *, skip_zero: bool = True) -> str:
    """``"2 error, 1 warning"`` from a :func:`count_by` result ("none" when empty)."""
    text = ", ".join(f"{n:,} {k}" for k, n in counts.items() if n or not skip_zero)
    return text or "none"


def finding_summary(findings: Sequence[FindingLike]) -> list[tuple[str, str | int]]:
    """Summary lines for a set of findings: total, by severity, by kind."""
    if not findings:
        return [("findings", 0)]
    by_severity = count_by((str(f.severity) for f in findings), SEVERITY_ORDER)
    by_kind = count_by(f.kind for f in findings)
    return [("findings", f"{len(findings):,} ({counts_text(by_severity)})"),
            ("by kind", counts_text(by_kind))]


# -- views: title, summary and tables of one result, for the notebook display ------------

#: A view: a title, summary pairs, the tables (see :func:`contactguard._html.render`).
View = tuple[str, list[tuple[str, Any]], list[Table]]


class RestoreReportLike(Protocol):
    @property
    def diff(self) -> DiffLike: ...
    @property
    def findings(self) -> Sequence[FindingLike]: ...
    @property
    def verdicts(self) -> Sequence[VerdictLike]: ...
    @property
    def ok(self) -> bool: ...

    def summary(self) -> str: ...


class ManifestLike(Protocol):
    @property
    def algorithm(self) -> str: ...
    @property
    def created(self) -> str: ...
    @property
    def source_name(self) -> str | None: ...

    def __len__(self) -> int: ...


class ManifestReportLike(Protocol):
    @property
    def manifest(self) -> ManifestLike: ...
    @property
    def snapshot(self) -> SnapshotLike: ...
    @property
    def verdicts(self) -> Sequence[VerdictLike]: ...
    @property
    def ok(self) -> bool: ...

    def summary(self) -> str: ...


class PairLike(Protocol):
    @property
    def i(self) -> int: ...
    @property
    def j(self) -> int: ...
    @property
    def confidence(self) -> float: ...
    @property
    def agreed(self) -> tuple[str, ...]: ...
    @property
    def disagreed(self) -> tuple[str, ...]: ...


class GroupLike(Protocol):
    @property
    def indexes(self) -> tuple[int, ...]: ...
    @property
    def contacts(self) -> Sequence[ContactLike]: ...
    @property
    def confidence(self) -> float: ...
    @property
    def pairs(self) -> Sequence[PairLike]: ...


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
