"""Diffing two snapshots: what was lost, changed and added, contact by contact.

``diff`` profiles both sides (one shared phone region, so ``138 0013 8000`` in one file and
``+86 138-0013-8000`` in the other are the same number), matches them with
:func:`contactguard.match`, and compares each matched pair field by field on canonical
values.  Differences of formatting only (phone spelling, vCard version, encoding, labels,
volatile fields) do not count as changes; pairs that differ only so are listed in
``format_only``.
"""

from __future__ import annotations

import os
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

from .._core import expect, gc_paused
from .._identity import (
    MIN_EVIDENCE,
    Match,
    Side,
    match,
)
from .._model import Contact, Snapshot
from .._normalize import (
    region_for,
)
from .._notebook import (
    DIFF_COLUMNS,
    DataFrame,
    current_options,
    data_frame,
    diff_rows,
    diff_view,
    render,
)
from .._read import load
from .fields import FieldChange, field_changes
from .formatonly import format_only_changes, phone_readings
from .merges import drop_merged_values, find_merges

__all__ = ["ContactChange", "Diff", "FieldChange", "SnapshotLike", "as_snapshot", "diff",
           "field_changes", "format_only_changes",
           "phone_readings"]

@dataclass(frozen=True, slots=True)
class ContactChange:
    """A matched pair of contacts whose user data differs, with the differences."""

    before: Contact
    after: Contact
    match: Match
    changes: tuple[FieldChange, ...]

    @property
    def lost(self) -> tuple[FieldChange, ...]:
        return tuple(c for c in self.changes if c.kind == "lost")

    @property
    def summary(self) -> str:
        """``"1 phone changed, 1 photo lost"``."""
        counts = Counter((c.field, c.kind) for c in self.changes)
        return ", ".join(f"{n} {field} {kind}" for (field, kind), n in sorted(counts.items()))


@dataclass(frozen=True, slots=True)
class Diff:
    """The difference between two snapshots (``before`` → ``after``)."""

    before: Snapshot
    after: Snapshot
    matches: tuple[Match, ...]
    missing: tuple[Contact, ...]
    added: tuple[Contact, ...]
    changed: tuple[ContactChange, ...]
    unchanged: int
    region: str | None = None
    #: Contacts of ``before`` that came back merged into a card of ``after`` paired with
    #: another (stage ``"merged"``, see :func:`~contactguard._compare.merges.find_merges`):
    #: counted in ``unchanged``, never ``missing``.
    merged: tuple[Match, ...] = ()
    #: Contacts of ``missing`` whose every detail is on a card paired with another (stage
    #: ``"repeats"``): a duplicate the restore kept once, or a deletion.  Still missing.
    repeats: tuple[Match, ...] = ()

    @property
    def format_only(self) -> tuple[tuple[Contact, Contact], ...]:
        """Unchanged pairs whose cards are nevertheless spelled differently (phone format,
        vCard version, labels, volatile fields): information, not a change.  Computed on
        access, since comparing every raw card costs as much as the rest of the diff."""
        changed = {(ch.match.before, ch.match.after) for ch in self.changed}
        out = []
        for m in self.matches:
            if (m.before, m.after) in changed:
                continue
            a, b = self.before[m.before], self.after[m.after]
            if a != b:
                out.append((a, b))
        return tuple(out)

    @property
    def ok(self) -> bool:
        """True when nothing was lost or changed (added contacts are not a loss)."""
        return not self.missing and not self.changed

    @property
    def empty(self) -> bool:
        """True when the snapshots hold the same user data."""
        return not self.missing and not self.changed and not self.added

    def lost_fields(self) -> Counter[str]:
        """How many values of each field were lost or changed in matched contacts."""
        out: Counter[str] = Counter()
        for change in self.changed:
            for c in change.changes:
                if c.kind in {"lost", "changed"}:
                    out[f"{c.field} {c.kind}"] += 1
        return out

    def summary(self) -> str:
        parts = [f"{len(self.missing)} missing", f"{len(self.changed)} changed",
                 f"{len(self.added)} added", f"{self.unchanged} unchanged"]
        if self.merged:
            parts[-1] += f" ({len(self.merged)} merged into another's card)"
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"<Diff {self.summary()}>"

    # -- notebook display and tables (see contactguard._notebook) ------------------------

    def _repr_html_(self) -> str:
        show = current_options().show_personal_data
        return render(*diff_view(self, show=show), masked=not show)

    def to_pandas(self, *, show_personal_data: bool = False) -> DataFrame:
        """One row per contact of ``before`` in order, then one per added contact; names
        masked unless ``show_personal_data``.  Needs pandas
        (``pip install 'contactguard[pandas]'``).

        Columns: ``status`` (``intact``, ``changed``, ``missing``, ``added``),
        ``before_index``, ``after_index``, ``name``, ``stage`` and ``confidence`` (of the
        match), ``changes`` (``"1 phone changed, 1 photo lost"``).
        """
        return data_frame(DIFF_COLUMNS, diff_rows(self, show=show_personal_data))


for _cls in (ContactChange, Diff):
    _cls.__module__ = "contactguard"


#: What the comparing functions take: a Snapshot, or a path that :func:`load` reads.
SnapshotLike: TypeAlias = Snapshot | str | os.PathLike[str]


def as_snapshot(value: SnapshotLike, what: str) -> Snapshot:
    """``value`` itself when it is a Snapshot, else the Snapshot :func:`load` reads from
    the path (a ``TypeError``-compatible UsageError for anything else)."""
    if isinstance(value, (str, os.PathLike)):
        return load(value)
    expect(value, Snapshot, what)
    return value


def diff(before: SnapshotLike, after: SnapshotLike, *, region: str | None = None,
         min_evidence: float = MIN_EVIDENCE, max_block: int = 64,
         progress: Callable[[int, int], None] | None = None) -> Diff:
    """Compare two snapshots contact by contact.

    ``region`` reads national phone numbers on both sides (default: a snapshot's own, else
    inferred from the numbers of both).  ``progress(done, total)`` is called every 1,000 contacts
    put in canonical form (both sides count).  ``min_evidence`` and ``max_block`` tune the fuzzy
    matcher (see :func:`contactguard.match`).

    >>> from contactguard import loads
    >>> old = loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:Ada\\nTEL:+44 20 7946 0000\\nEND:VCARD\\n"
    ...             "BEGIN:VCARD\\nVERSION:3.0\\nFN:Bob\\nTEL:+44 20 7946 0001\\nEND:VCARD\\n")
    >>> new = loads("BEGIN:VCARD\\nVERSION:2.1\\nFN:Ada\\nTEL:+44 20 7946 0009\\nEND:VCARD\\n")
    >>> d = diff(old, new)
    >>> [c.formatted_name for c in d.missing], [ch.summary for ch in d.changed]
    (['Bob'], ['1 phone changed'])
    """
    before = as_snapshot(before, "diff()'s before")
    after = as_snapshot(after, "diff()'s after")
    region = region_for(before, after, region=region)
    with gc_paused():
        total = len(before) + len(after)
        sb = Side(before, region, None if progress is None else lambda i: progress(i, total))
        sa = Side(after, region, None if progress is None
                  else lambda i: progress(len(before) + i, total))
        matches = match(sb, sa, min_evidence=min_evidence, max_block=max_block)
        merged, repeats = find_merges(sb, sa, matches, region)
    matched_after = {m.after for m in matches}
    brought: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for m in merged:
        brought[m.after].extend(sb.fields[m.before])
    changed: list[ContactChange] = []
    unchanged = 0
    for m in matches:
        if sb.fingerprints[m.before] == sa.fingerprints[m.after]:
            unchanged += 1
            continue
        changes = format_only_changes(
            field_changes(sb.fields[m.before], sa.fields[m.after]),
            before[m.before], after[m.after], region)
        if m.after in brought:
            changes = drop_merged_values(changes, brought[m.after])
        if changes:
            changed.append(ContactChange(before[m.before], after[m.after], m, changes))
        else:
            unchanged += 1
    matched_before = {m.before for m in (*matches, *merged)}
    return Diff(
        before=before,
        after=after,
        matches=matches,
        missing=tuple(c for i, c in enumerate(before) if i not in matched_before),
        added=tuple(c for j, c in enumerate(after) if j not in matched_after),
        changed=tuple(changed),
        unchanged=unchanged + len(merged),
        region=region,
        merged=merged,
        repeats=repeats,
    )
