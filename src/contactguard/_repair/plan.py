"""The repair plan: what to import into a restored address book so it holds the backup again.

:func:`repair_plan` verifies the restore (:func:`~contactguard.verify_restore`) and, for
every backup contact that did not come back or came back with values lost or damaged,
takes the backup's card.  Contacts that came back with values *added* only need nothing.
The plan is a value: inspect it, show it in Jupyter, write it (:meth:`RepairPlan.write`,
atomically and readable by its owner only, since it is personal data).  Inputs are never
modified.  Per-target formats and why the whole card is written: see ``targets.py``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from .._compare import FieldChange, RestoreReport, verify_restore
from .._core import UsageError, atomic_write, escape_controls, expect, mask_label, mask_name
from .._model import Contact, Snapshot
from .._notebook import DataFrame, current_options, data_frame, render
from .._write import csv_left_out, dumps, dumps_21, dumps_csv
from .targets import TARGETS, Target

__all__ = ["PLAN_COLUMNS", "RepairItem", "RepairPlan", "repair_plan"]

#: Mode of a written repair file: it holds names, numbers and addresses.
FILE_MODE: Final = 0o600
#: Columns of :meth:`RepairPlan.to_pandas` and of the notebook table.
PLAN_COLUMNS: Final = ("reason", "reference", "checked", "label", "name", "lost", "left_out")


@dataclass(frozen=True, slots=True, repr=False)
class RepairItem:
    """One card of a repair file.

    ``reason`` is ``missing`` (not restored) or ``changed`` (restored with values lost or
    damaged); ``reference`` indexes the backup, ``checked`` the restored copy that stays
    beside the imported card (``None`` for a missing contact); ``changes`` are the
    verdict's lost and changed values; ``left_out`` the properties the target format has
    no place for (a CSV holds no ``PHOTO``).  ``newer``: the values only the restored
    copy holds (a number or a note added after the backup); the card is the backup's as
    it was, so that copy is to be merged with it, not deleted.  (A value that differs,
    ``changed``, is most often the restore's damage: it is listed, not kept.)
    """

    reason: str
    reference: int
    checked: int | None
    label: str
    contact: Contact
    changes: tuple[FieldChange, ...] = ()
    left_out: tuple[str, ...] = ()
    newer: tuple[FieldChange, ...] = ()

    def __repr__(self) -> str:
        label = self.label if current_options().show_personal_data else mask_label(self.label)
        return escape_controls(f"RepairItem({self.reason!r}, reference={self.reference!r}, "
                               f"checked={self.checked!r}, label={label!r}, "
                               f"left_out={self.left_out!r})")


class _Rows:
    heading = "Cards to import"
    columns = PLAN_COLUMNS
    noun = "cards"

    def __init__(self, plan: RepairPlan, show: bool) -> None:
        self.rows = plan_rows(plan, show=show)
        self.total = len(plan.items)


@dataclass(frozen=True, slots=True)
class RepairPlan:
    """What to import into a restored book (``report.diff.after``) to make it whole."""

    report: RestoreReport
    target: Target
    items: tuple[RepairItem, ...]

    @property
    def contacts(self) -> tuple[Contact, ...]:
        """The cards the repair file holds, in backup order."""
        return tuple(item.contact for item in self.items)

    @property
    def missing(self) -> tuple[RepairItem, ...]:
        return tuple(i for i in self.items if i.reason == "missing")

    @property
    def changed(self) -> tuple[RepairItem, ...]:
        return tuple(i for i in self.items if i.reason == "changed")

    @property
    def empty(self) -> bool:
        """True when the restore lost nothing: there is nothing to import."""
        return not self.items

    @property
    def duplicates(self) -> tuple[int, ...]:
        """Restored contacts that stay beside their imported whole card: delete (or merge)
        them after the import.  ``verify`` of restore plus fix shows them as added."""
        return tuple(i.checked for i in self.items if i.checked is not None)

    @property
    def to_merge(self) -> tuple[int, ...]:
        """Of :attr:`duplicates`, those holding values the backup does not (see
        :attr:`RepairItem.newer`): merge them with their imported card, do not delete
        them, or those values are gone."""
        return tuple(i.checked for i in self.items if i.checked is not None and i.newer)

    @property
    def residual(self) -> tuple[tuple[int, str], ...]:
        """``(backup index, property)`` of values the target format cannot carry: after
        the import these are still lost and must be added by hand."""
        return tuple((i.reference, p) for i in self.items for p in i.left_out)

    def dumps(self) -> str:
        """The repair file's text in the target's format."""
        fmt = self.target.format
        if fmt == "vcard-2.1":
            return dumps_21(self.contacts)
        if fmt.startswith("csv-"):
            return dumps_csv(self.contacts, layout=fmt.removeprefix("csv-"))
        return dumps(self.contacts, version=fmt.removeprefix("vcard-"))

    def write(self, path: str | os.PathLike[str]) -> None:
        """Write :meth:`dumps` to ``path`` atomically, readable by its owner only (0600)."""
        atomic_write(path, self.dumps(), mode=FILE_MODE)

    def summary(self) -> str:
        """``"import 2 missing and 4 damaged contacts (android, vcard-2.1)"``."""
        if self.empty:
            return "nothing to repair"
        return (f"import {len(self.missing):,} missing and {len(self.changed):,} damaged "
                f"contacts ({self.target.name}, {self.target.format})")

    def __repr__(self) -> str:
        return f"<RepairPlan {self.summary()}>"

    def _repr_html_(self) -> str:
        show = current_options().show_personal_data
        summary: list[tuple[str, str | int]] = [
            ("target", self.target.name), ("format", self.target.format),
            ("missing", len(self.missing)), ("damaged", len(self.changed)),
            ("copies to delete after import", len(self.duplicates))]
        return render("RepairPlan", summary, [_Rows(self, show)], masked=not show)

    def to_pandas(self, *, show_personal_data: bool = False) -> DataFrame:
        """One row per card (columns :data:`PLAN_COLUMNS`); needs pandas."""
        return data_frame(PLAN_COLUMNS, plan_rows(self, show=show_personal_data))


for _cls in (RepairItem, RepairPlan):
    _cls.__module__ = "contactguard"


def plan_rows(plan: RepairPlan, *, show: bool) -> Iterator[tuple[str | int | None, ...]]:
    """Rows of :data:`PLAN_COLUMNS`, names masked unless ``show``."""
    for item in plan.items:
        name = item.contact.formatted_name
        if name and not show:
            name = mask_name(name)
        lost = ", ".join(sorted({str(c) for c in item.changes})) or "whole contact"
        label = item.label if show else mask_label(item.label)
        yield (item.reason, item.reference, item.checked, label, name, lost,
               ", ".join(item.left_out))


def _left_out(contact: Contact, target: Target) -> tuple[str, ...]:
    if not target.format.startswith("csv-"):
        return ()
    return tuple(dict.fromkeys(csv_left_out(contact, layout=target.format.removeprefix("csv-"))))


def repair_plan(backup: Snapshot, restored: Snapshot | RestoreReport, *,
                target: str = "vcard", region: str | None = None) -> RepairPlan:
    """What to import into ``restored`` so it holds every contact and value of ``backup``.

    ``restored`` may be the snapshot or its :class:`~contactguard.RestoreReport` (verified
    already).  ``target`` is ``android``, ``ios``, ``google``, ``outlook`` or ``vcard``
    (plain 3.0); it picks the file format (see ``contactguard._repair.targets``).

    >>> from contactguard import loads
    >>> old = loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:Ada\\nTEL:+44 20 7946 0000\\nEND:VCARD\\n"
    ...             "BEGIN:VCARD\\nVERSION:3.0\\nFN:Bob\\nTEL:+44 20 7946 0001\\nEND:VCARD\\n")
    >>> new = loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:Ada\\nTEL:+44 20 7946 0000\\nEND:VCARD\\n")
    >>> plan = repair_plan(old, new)
    >>> plan, [c.formatted_name for c in plan.contacts]
    (<RepairPlan import 1 missing and 0 damaged contacts (vcard, vcard-3.0)>, ['Bob'])
    """
    expect(backup, Snapshot, "repair_plan()'s backup")
    if target not in TARGETS:
        raise UsageError(f"no repair target {target!r}; use one of {', '.join(TARGETS)}")
    if isinstance(restored, RestoreReport):
        report = restored
        if report.diff.before is not backup:
            raise UsageError("repair_plan(): the report was verified against another backup")
    else:
        expect(restored, Snapshot, "repair_plan()'s restored")
        report = verify_restore(backup, restored, region=region)
    chosen = TARGETS[target]
    items: list[RepairItem] = []
    for v in report.verdicts:
        if v.reference is None or v.status not in {"missing", "changed"}:
            continue
        lost = tuple(c for c in v.changes if c.kind in {"lost", "changed"})
        if v.status == "changed" and not lost:
            continue  # values were only added: nothing to give back
        card = backup[v.reference]
        newer = tuple(c for c in v.changes if c.kind == "added")
        items.append(RepairItem(v.status, v.reference, v.checked, v.label, card, lost,
                                _left_out(card, chosen), newer))
    return RepairPlan(report, chosen, tuple(items))

