"""Report documents of ``contactguard repair``: the restore as ``verify`` reports it, plus
a ``repair`` section naming the file written and what it holds (see report.schema.json)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._core import counted
from .._model import Snapshot
from .._repair import FILE_MODE, FileRepair, RepairPlan
from .model import Report, check_report, verify_report

__all__ = ["file_repair_report", "repair_report"]


def _mode() -> str:
    return f"{FILE_MODE:04o}"


def repair_report(plan: RepairPlan, *, output: str | None, written: bool,
                  reference: str | None = None, paths: Sequence[str] | None = None,
                  show_personal_data: bool = False, created: str | None = None) -> Report:
    """The report of ``repair RESTORED --against BACKUP``: the verification of the
    restore, and the cards of ``plan`` written to ``output`` (``written`` False for a dry
    run)."""
    doc = verify_report([plan.report], reference=reference, paths=paths,
                        show_personal_data=show_personal_data, created=created)
    doc["command"] = "repair"
    section: dict[str, Any] = {
        "kind": "restore", "output": output, "written": written, "mode": _mode(),
        "format": plan.target.format, "target": plan.target.name,
        "strategy": plan.target.strategy,
        "cards": [{"reason": i.reason, "reference": i.reference, "checked": i.checked,
                   "left_out": list(i.left_out), "newer": len(i.newer)}
                  for i in plan.items],
        "delete_after_import": list(plan.duplicates),
        "merge_after_import": list(plan.to_merge),
        "left_out": [{"reference": r, "property": p} for r, p in plan.residual],
    }
    doc["repair"] = section
    doc["summary"]["text"] += (f"; {counted(len(plan.items), 'card')} "
                               f"{'written to ' + output if written and output else 'to write'}"
                               f" ({plan.target.format})")
    return doc


def file_repair_report(repair: FileRepair, *, output: str | None, written: bool,
                       path: str | None = None, show_personal_data: bool = False,
                       created: str | None = None) -> Report:
    """The report of ``repair FILE -o OUT``: the repairs made, and the findings left."""
    left = Snapshot(repair.snapshot.contacts, repair.remaining, repair.snapshot.source)
    doc = check_report([left], paths=[path] if path else None,
                       show_personal_data=show_personal_data, created=created)
    doc["command"] = "repair"
    doc["repair"] = {
        "kind": "file", "output": output, "written": written, "mode": _mode(),
        "format": "vcard-3.0", "repairs": len(repair.repaired),
        "repaired": [{"kind": f.kind, "line": f.line, "property": f.property}
                     for f in repair.repaired],
    }
    doc["summary"]["text"] = (f"{counted(len(repair.repaired), 'repair')} "
                              f"{'written to ' + output if written and output else 'to make'}; "
                              + doc["summary"]["text"])
    return doc
