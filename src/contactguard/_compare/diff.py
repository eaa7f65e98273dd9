"""Diffing two snapshots: what was lost, changed and added, contact by contact.

``diff`` profiles both sides (one shared phone region, so ``138 0013 8000`` in one file and
``+86 138-0013-8000`` in the other are the same number), matches them with
:func:`contactguard.match`, and compares each matched pair field by field on canonical
values.  Differences of formatting only (phone spelling, vCard version, encoding, labels,
volatile fields) do not count as changes; pairs that differ only so are listed in
``format_only``.
"""

from __future__ import annotations

import builtins
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from .._core import escape_controls, expect, gc_paused, mask_property
from .._identity import FIELD_GROUPS, MIN_EVIDENCE, Match, Side, match
from .._model import Contact, Snapshot
from .._normalize import check_region, region_for
from .._notebook import (
    DIFF_COLUMNS,
    DataFrame,
    current_options,
    data_frame,
    diff_rows,
    diff_view,
    render,
)

__all__ = ["ContactChange", "Diff", "FieldChange", "diff", "field_changes"]

#: How similar two values of one property must be for a pair of (removed, added) values to
#: count as one *changed* value rather than one lost and one added (0–100, rapidfuzz ratio).
CHANGE_SIMILARITY: Final = 60.0


@dataclass(frozen=True, slots=True, repr=False)
class FieldChange:
    """One value that was ``lost``, ``added`` or ``changed`` between two matched contacts.

    ``before``/``after`` are canonical values (E.164 numbers, normalized emails, photo
    digests), not personal data masked: reports mask them.
    """

    kind: str
    property: str
    before: str | None = None
    after: str | None = None

    @builtins.property  # the field ``property`` shadows the builtin in this class body
    def field(self) -> str:
        """The kind of data: ``phone``, ``email``, ``photo``, ``name``, … (``other``)."""
        return FIELD_GROUPS.get(self.property, "other")

    def __str__(self) -> str:
        return f"{self.field} {self.kind}"

    def __repr__(self) -> str:
        """Values masked unless ``display_options(show_personal_data=True)``; the values
        themselves are :attr:`before` and :attr:`after`."""
        show = current_options().show_personal_data

        def shown(value: str | None) -> str | None:
            return value if value is None or show else mask_property(self.property, value)

        return escape_controls(f"FieldChange(kind={self.kind!r}, property={self.property!r}, "
                               f"before={shown(self.before)!r}, after={shown(self.after)!r})")


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


for _cls in (FieldChange, ContactChange, Diff):
    _cls.__module__ = "contactguard"


def _is_change(prop: str, old: str, new: str) -> bool:
    if prop == "TEL":
        a, b = old.lstrip("+"), new.lstrip("+")
        return Levenshtein.distance(a, b, score_cutoff=2) <= 2
    if prop in {"PHOTO", "LOGO", "N", "FN", "BDAY", "ANNIVERSARY"}:
        return True  # one value per contact: a different one replaced it
    return ratio(old, new) >= CHANGE_SIMILARITY


def field_changes(a: Iterable[tuple[str, str]], b: Iterable[tuple[str, str]]
                  ) -> tuple[FieldChange, ...]:
    """Field-level differences between two :func:`canonical_fields` results."""
    before: dict[str, set[str]] = defaultdict(set)
    after: dict[str, set[str]] = defaultdict(set)
    for prop, value in a:
        before[prop].add(value)
    for prop, value in b:
        after[prop].add(value)
    out: list[FieldChange] = []
    for prop in sorted(before.keys() | after.keys()):
        removed = sorted(before[prop] - after[prop])
        added = sorted(after[prop] - before[prop])
        for old in list(removed):
            partner = next((new for new in added if _is_change(prop, old, new)), None)
            if partner is not None:
                out.append(FieldChange("changed", prop, old, partner))
                removed.remove(old)
                added.remove(partner)
        out.extend(FieldChange("lost", prop, old, None) for old in removed)
        out.extend(FieldChange("added", prop, None, new) for new in added)
    return tuple(out)


def diff(before: Snapshot, after: Snapshot, *, region: str | None = None,
         min_evidence: float = MIN_EVIDENCE, max_block: int = 64) -> Diff:
    """Compare two snapshots contact by contact.

    ``region`` reads national phone numbers on both sides (default: a snapshot's own, else
    inferred from the numbers of both).  ``min_evidence`` and ``max_block`` tune the fuzzy
    matcher (see :func:`contactguard.match`).

    >>> from contactguard import loads
    >>> old = loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:Ada\\nTEL:+44 20 7946 0000\\nEND:VCARD\\n"
    ...             "BEGIN:VCARD\\nVERSION:3.0\\nFN:Bob\\nTEL:+44 20 7946 0001\\nEND:VCARD\\n")
    >>> new = loads("BEGIN:VCARD\\nVERSION:2.1\\nFN:Ada\\nTEL:+44 20 7946 0009\\nEND:VCARD\\n")
    >>> d = diff(old, new)
    >>> [c.formatted_name for c in d.missing], [ch.summary for ch in d.changed]
    (['Bob'], ['1 phone changed'])
    """
    expect(before, Snapshot, "diff()'s before")
    expect(after, Snapshot, "diff()'s after")
    region = check_region(region) if region is not None else region_for(before, after)
    with gc_paused():
        sb, sa = Side(before, region), Side(after, region)
        matches = match(sb, sa, min_evidence=min_evidence, max_block=max_block)
    matched_after = {m.after for m in matches}
    changed: list[ContactChange] = []
    unchanged = 0
    for m in matches:
        if sb.fingerprints[m.before] == sa.fingerprints[m.after]:
            unchanged += 1
            continue
        changes = field_changes(sb.fields[m.before], sa.fields[m.after])
        if changes:
            changed.append(ContactChange(before[m.before], after[m.after], m, changes))
        else:
            unchanged += 1
    matched_before = {m.before for m in matches}
    return Diff(
        before=before,
        after=after,
        matches=matches,
        missing=tuple(c for i, c in enumerate(before) if i not in matched_before),
        added=tuple(c for j, c in enumerate(after) if j not in matched_after),
        changed=tuple(changed),
        unchanged=unchanged,
        region=region,
    )
