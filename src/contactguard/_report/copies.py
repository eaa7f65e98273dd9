"""Copies against each other, once each difference: with a reference (a backup or a
manifest), a difference between two copies that a copy's own check already reports is
not listed again.

Three copies verified against one backup, one of them missing a contact, used to list
that contact three times: missing against the backup, and "only in" each of the two
pairs it belongs to.  A pair's row is left out when the reference comparisons explain
it: a contact only in the first copy that the second copy's check reports missing (or
the other way round), a contact that differs between the copies where either copy's
check reports it changed.  What remains is what only the copies show (two copies that
each added a different contact, say), each contact once: a contact only one copy holds
is listed in the first pair that shows it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["explained_elsewhere"]


def _by_checked(comparison: Mapping[str, Any]) -> dict[int, tuple[str, int | None]]:
    out: dict[int, tuple[str, int | None]] = {}
    for row in comparison["contacts"]:
        if row["checked"] is not None:
            ref = row["reference"]["index"] if row["reference"] is not None else None
            out[row["checked"]["index"]] = (row["status"], ref)
    return out


def _missing(comparison: Mapping[str, Any]) -> set[int]:
    return {r["reference"]["index"] for r in comparison["contacts"]
            if r["status"] == "missing" and r["reference"] is not None}


def explained_elsewhere(checks: Sequence[Mapping[str, Any]], first: int, second: int,
                        rows: Sequence[Mapping[str, Any]],
                        listed: set[tuple[int, int]]) -> list[bool]:
    """For each row of the copies comparison ``first``/``second`` (indexes into
    ``checks``, the reference comparisons), whether a reference comparison already
    reports it, or an earlier pair already listed the contact as only in one copy
    (``listed`` holds ``(copy, index)`` and is updated)."""
    a, b = _by_checked(checks[first]), _by_checked(checks[second])
    missing_a, missing_b = _missing(checks[first]), _missing(checks[second])
    out = []
    for row in rows:
        status = row["status"]
        if status == "missing" and row["reference"] is not None:  # only in the first copy
            index = row["reference"]["index"]
            ref = a.get(index, ("", None))[1]
            out.append((ref is not None and ref in missing_b) or (first, index) in listed)
            listed.add((first, index))
        elif status == "added" and row["checked"] is not None:  # only in the second copy
            index = row["checked"]["index"]
            ref = b.get(index, ("", None))[1]
            out.append((ref is not None and ref in missing_a) or (second, index) in listed)
            listed.add((second, index))
        elif status == "changed" and row["reference"] is not None and row["checked"]:
            out.append(a.get(row["reference"]["index"], ("", None))[0] == "changed"
                       or b.get(row["checked"]["index"], ("", None))[0] == "changed")
        else:
            out.append(False)
    return out
