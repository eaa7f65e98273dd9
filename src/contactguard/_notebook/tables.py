"""Results as rows: the tables behind ``to_pandas()`` and the notebook display.

Each result type (snapshot, findings, diff, verification report) becomes one table with
stable column names (documented in ``docs/jupyter.md``; renaming or removing a column is a
breaking change).  The same row builders feed ``to_pandas()`` and ``_repr_html_``, so the
two always agree, and both mask personal data the same way unless the caller asks to see
it (``show_personal_data=True``).

This is a foundation module: it reads results through the small structural protocols
of :mod:`.protocols` instead of importing the pipeline stages, so every stage may import it.
"""

from __future__ import annotations

import importlib
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

from .._core import (
    UsageError,
    mask_email,
    mask_label,
    mask_message,
    mask_name,
    mask_phone,
    mask_property,
    mask_value,
)
from .protocols import ChangeLike, ContactLike, DiffLike, FindingLike, VerdictLike

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
    "count_by",
    "data_frame",
    "diff_rows",
    "finding_rows",
    "finding_summary",
    "project",
    "property_rows",
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
    by_before = {m.before: m for m in (*d.matches, *d.merged)}  # merged: came back intact
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
