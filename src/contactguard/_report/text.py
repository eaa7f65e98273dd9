"""The terminal renderer: one summary line first, then what is wrong, then why it failed.

Intact contacts are counted, not listed.  Colour is the caller's choice (the CLI turns it
on only for a terminal, and never when ``NO_COLOR`` is set).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .advice import ADVISED_COMMANDS, advice_lines
from .describe import (
    clean,
    contact_text,
    finding_text,
    group_reasons,
    heading,
    member_text,
    row_details,
    where_text,
)
from .model import Report
from .notes import comparison_note, is_merged

__all__ = ["failed_heading", "render_text", "verdict"]

_COLOURS: Final = {"FAIL": "31;1", "OK": "32;1", "missing": "31", "changed": "33",
                   "added": "36", "error": "31", "warning": "33", "info": "2", "dim": "2"}
_LIMIT: Final = 200  # contacts listed per comparison; the JSON report has all of them


def verdict(doc: Mapping[str, Any]) -> str:
    """``"FAIL"`` when the gate failed (or, without a gate, when the summary is not ok)."""
    gate = doc.get("gate")
    failed = gate["failed"] if gate is not None else not doc["summary"]["ok"]
    return "FAIL" if failed else "OK"


def failed_heading(gate: Mapping[str, Any]) -> str:
    """``"Failed (--fail-on error) because"`` when the fail level decided, else ``"Failed
    because"`` (a --max-age or --max-* limit names itself in its reason)."""
    by_level = any(r != gate.get("stale") and "(more than --max-" not in r
                   for r in gate["reasons"])
    return f"Failed (--fail-on {gate['fail_on']}) because" if by_level else "Failed because"


def render_text(doc: Report, *, color: bool = False, quiet: bool = False,
                verbose: bool = False) -> str:
    """The report for a terminal or a log; ``quiet`` gives the summary line alone.

    ``check``, ``verify`` and ``repair`` reports are written for the person who holds the
    phone (see :mod:`.advice`, translated); ``verbose`` gives the technical report instead
    (finding kinds, lines, masked values), in English as the JSON is.
    """
    def paint(key: str, text: str) -> str:
        return f"\x1b[{_COLOURS[key]}m{text}\x1b[0m" if color else text

    if doc["command"] in ADVISED_COMMANDS and not verbose and not quiet:
        return "\n".join(clean(line) if line else line for line in advice_lines(doc)) + "\n"
    head = verdict(doc)
    lines = [f"{paint(head, head)}: contactguard {doc['command']}: "
             f"{clean(doc['summary']['text'])}"]
    gate = doc.get("gate")
    if quiet:  # the reason a job failed is never hidden, also with -q
        if gate is not None and gate["reasons"]:
            lines.extend(f"  - {clean(r)}" for r in gate["reasons"])
        return "\n".join(lines) + "\n"
    for inp in doc["inputs"]:
        if inp["role"] != "manifest" and inp["contacts"] == 0:
            lines.append(f"  note: {clean(inp['path'])} holds no contacts")
    for comp in doc["comparisons"]:
        lines += ["", f"{clean(heading(comp))}: {comp['counts']['intact']:,} intact"
                  if comp["ok"] and not comp["counts"]["added"] else clean(heading(comp))]
        note = comparison_note(comp)  # why a manifest and the backup may disagree (#16)
        if note:
            lines.append(f"  note: {note}")
        shown = [r for r in comp["contacts"] if r["status"] != "intact" or is_merged(r)]
        for row in shown[:_LIMIT]:
            where = where_text(row, comp)
            status = "merged" if is_merged(row) else row["status"]
            lines.append(f"  {paint(row['status'], status.ljust(8))}"
                         f"{contact_text(row)}" + (f", {where}" if where else "")
                         + f": {row_details(row, comp)}")
        if len(shown) > _LIMIT:
            lines.append(f"  … and {len(shown) - _LIMIT:,} more (see --format json)")
    if doc.get("groups"):
        lines += ["", "Duplicate groups"]
        for n, group in enumerate(doc["groups"], 1):
            names = ", ".join(member_text(m) for m in group["members"])
            lines.append(f"  {n}. {names} (confidence {group['confidence']:.0%})")
            lines.extend(f"     - {r}" for r in group_reasons(group))
    if doc["findings"]:
        lines += ["", f"Findings ({len(doc['findings']):,})"]
        for f in doc["findings"][:_LIMIT]:
            lines.append("  " + paint(f["severity"], finding_text(f)))
        if len(doc["findings"]) > _LIMIT:
            lines.append(f"  … and {len(doc['findings']) - _LIMIT:,} more (see --format json)")
    if gate is not None and gate["reasons"]:
        lines += ["", f"{failed_heading(gate)}:"]
        lines.extend(f"  - {clean(r)}" for r in gate["reasons"])
    if doc["personal_data"] == "masked" and (doc["comparisons"] or doc.get("groups")):
        lines += ["", paint("dim", "Phone numbers, emails and names are masked; "
                                   "--show-personal-data shows them.")]
    return "\n".join(lines) + "\n"
