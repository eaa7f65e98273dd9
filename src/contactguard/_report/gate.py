"""The pass/fail gate of a CI job: which problems in a report fail it.

A report fails when it holds a problem at or above the fail level (``error``,
``warning``, or ``never``), when a per-kind threshold is exceeded, or when the newest
backup is older than allowed.  The severity of each problem is data (:data:`STATUS_SEVERITY`):
a contact missing or changed is an error, a contact added is a warning, and between two
copies of one backup a contact only one of them holds is an error whichever side has it.
A threshold replaces the severity rule for its kind: with ``max_missing=2`` up to two
missing contacts (in any one comparison) pass.
"""

from __future__ import annotations

import datetime
import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final

from .._core import SourceError, UsageError
from .._model import Severity
from .._read import mask_location
from .model import Report

__all__ = [
    "FAIL_LEVELS",
    "STATUS_SEVERITY",
    "UNDATED",
    "assess",
    "failing",
    "format_duration",
    "newest_mtime",
    "parse_duration",
    "severity_fails",
    "stale_reason",
    "status_fails",
    "unreadable_inputs",
]

#: ``--fail-on`` level -> the lowest severity that fails (``None``: nothing does).
FAIL_LEVELS: Final[Mapping[str, Severity | None]] = {
    "error": Severity.ERROR, "warning": Severity.WARNING, "never": None,
}
#: (comparison kind, contact status) -> severity; ``*`` is any kind.
STATUS_SEVERITY: Final[Mapping[tuple[str, str], Severity]] = {
    ("*", "missing"): Severity.ERROR,
    ("*", "changed"): Severity.ERROR,
    ("*", "added"): Severity.WARNING,
    ("copies", "added"): Severity.ERROR,  # only in the second copy = missing from the first
}
_WORDS: Final = {"missing": "missing", "changed": "changed", "added": "added"}
_UNITS: Final = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION: Final = re.compile(r"\s*(\d+)\s*([smhdw])\s*\Z", re.IGNORECASE)


def parse_duration(text: str) -> datetime.timedelta:
    """``"12h"``, ``"31d"``, ``"6w"`` (also ``s``, ``m``) as a timedelta.

    >>> parse_duration("31d").days
    31
    """
    m = _DURATION.match(text)
    if m is None:
        raise UsageError(f"cannot read the duration {text!r}; write a number and a unit, "
                         "such as 12h, 31d or 6w")
    return datetime.timedelta(seconds=int(m.group(1)) * _UNITS[m.group(2).lower()])


def format_duration(delta: datetime.timedelta) -> str:
    """A rounded, readable length of time: ``"40 days"``, ``"5 hours"``."""
    seconds = int(delta.total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = seconds // size
            return f"{n} {unit}{'' if n == 1 else 's'}"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def newest_mtime(path: str | os.PathLike[str]) -> float:
    """The modification time of ``path``, or of the newest file inside a folder."""
    p = Path(path)
    try:
        if not p.is_dir():
            return p.stat().st_mtime
        times = [Path(d, f).stat().st_mtime for d, _, files in os.walk(p) for f in files]
    except OSError as exc:
        raise SourceError(f"cannot read {p}: {exc.strerror or exc}") from exc
    if not times:
        raise SourceError(f"{p} is an empty folder: it holds no backup")
    return max(times)


#: How :func:`stale_reason` begins when no backup can be dated.
UNDATED: Final = "cannot tell how old "


def stale_reason(paths: Iterable[str | os.PathLike[str]], max_age: datetime.timedelta, *,
                 now: float,
                 modified: Callable[[str | os.PathLike[str]], float | None] = newest_mtime,
                 ) -> str | None:
    """Why the newest of ``paths`` is too old, or ``None`` when it is recent enough.

    ``modified(path)`` is when a path was last modified (:func:`newest_mtime` by default;
    the command line asks the server for a URL), ``None`` when that cannot be told: such
    a path is left out, and when no path's time can be told that is the reason."""
    paths = list(paths)
    times = [t for t in map(modified, paths) if t is not None]
    if not times:
        return (UNDATED + ", ".join(mask_location(str(p)) for p in paths) + " is: none has "
                "a modification time (a CardDAV account is a live address book with no date "
                "of its own; other servers may send none)")
    newest = max(times)
    age = datetime.timedelta(seconds=max(now - newest, 0.0))
    if age <= max_age:
        return None
    return (f"the newest backup is {format_duration(age)} old, older than the allowed "
            f"{format_duration(max_age)}")


def _severity(kind: str, status: str) -> Severity | None:
    return STATUS_SEVERITY.get((kind, status)) or STATUS_SEVERITY.get(("*", status))


def assess(doc: Report, *, fail_on: str = "error", max_missing: int | None = None,
           max_changed: int | None = None, max_added: int | None = None,
           max_age: str | None = None, stale: str | None = None,
           ) -> dict[str, Any]:
    """The gate of ``doc``: ``{"failed": bool, "reasons": [...], ...}``.

    ``max_age`` is the allowed age as given (``"31d"``), recorded for the reports;
    ``stale`` is the reason the backup is too old (see :func:`stale_reason`), if it is.
    """
    if fail_on not in FAIL_LEVELS:
        raise UsageError(f"unknown fail level {fail_on!r}; use error, warning or never")
    limits = {"missing": max_missing, "changed": max_changed, "added": max_added}
    for kind, limit in limits.items():
        if limit is not None and limit < 0:
            raise UsageError(f"--max-{kind} must be 0 or more, not {limit}")
    reasons: list[str] = []
    gate: dict[str, Any] = {"fail_on": fail_on, "thresholds": limits, "max_age": max_age,
                            "stale": stale}
    for c, status, n in failing(doc, gate):
        if c is None:  # findings of a failing severity
            reasons.append(f"{n:,} {status}-level finding{'' if n == 1 else 's'}")
            continue
        where = (f"between {c['reference']} and {c['checked']}" if c["kind"] == "copies"
                 else f"in {c['checked']} (against {c['reference']})")
        limit = limits[status]
        what = (f"{n:,} contact{'' if n == 1 else 's'} "
                + (f"only in {c['reference' if status == 'missing' else 'checked']}"
                   if c["kind"] == "copies" and status != "changed" else _WORDS[status]))
        reasons.append(f"{what} {where}" + (f" (more than --max-{status} {limit})"
                                              if limit is not None else ""))
    if stale is not None:
        gate["stale"] = stale = stale + (f" (--max-age {max_age})" if max_age else "")
        reasons.append(stale)
    gate.update(failed=bool(reasons), reasons=reasons)
    return gate


def failing(doc: Mapping[str, Any], gate: Mapping[str, Any]
            ) -> Iterator[tuple[Mapping[str, Any] | None, str, int]]:
    """What fails ``gate``, in the order the reasons are given: ``(comparison, status,
    count)`` for contacts missing, changed or added, then ``(None, severity, count)`` for
    findings, most severe first."""
    for c in doc.get("comparisons", []):
        for status in ("missing", "changed", "added"):
            n = c["counts"][status]
            if n and status_fails(gate, c["kind"], status, n):
                yield c, status, n
    counts = doc["summary"]["findings"]
    for sev in sorted(Severity, key=lambda s: -s.rank):
        if counts.get(sev.value) and severity_fails(gate, sev.value):
            yield None, sev.value, counts[sev.value]


def status_fails(gate: Mapping[str, Any], kind: str, status: str, count: int) -> bool:
    """Whether ``count`` contacts of ``status`` in one comparison of ``kind`` fail ``gate``."""
    limit = gate["thresholds"].get(status)
    if limit is not None:
        return bool(count > limit)
    level = FAIL_LEVELS[gate["fail_on"]]
    severity = _severity(kind, status)
    return level is not None and severity is not None and severity.rank >= level.rank


def severity_fails(gate: Mapping[str, Any], severity: str) -> bool:
    """Whether a finding of ``severity`` fails ``gate``."""
    level = FAIL_LEVELS[gate["fail_on"]]
    return level is not None and Severity(severity).rank >= level.rank


def unreadable_inputs(doc: Report) -> list[str]:
    """Why each input that could not be read at all could not (a corrupt zip, an archive
    that does not open): it holds no contacts and its own source is unreadable.  The
    command line exits 2 for these (unreadable input), not 1 (a bad backup).
    """
    out = []
    for inp in doc.get("inputs", []):
        if inp["role"] == "manifest" or inp["contacts"]:
            continue
        for f in doc["findings"]:
            if f["kind"] == "unreadable-entry" and f.get("source") == inp["path"]:
                out.append(f"cannot read {inp['path']}: {f['message']}")
                break
    return out
