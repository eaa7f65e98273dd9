"""Which findings a report keeps, and at which severity: ``--select``, ``--ignore`` and
``--severity KIND=LEVEL``, as ruff selects and ignores its rules.

The rules act on the report document, after it is built and before the CI gate reads
it, so every format (and the exit code) sees the same findings.  A kind is a finding
kind of :data:`contactguard.KINDS` (``mojibake``, ``bad-image``…); an unknown kind is a
usage error with the nearest known one, so a typo never silently selects nothing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from .._core import UsageError
from .._model import KINDS, Severity
from .model import Report, finding_counts, findings_text

__all__ = ["apply_rules", "check_kinds", "parse_severity"]


def check_kinds(kinds: Iterable[str], option: str) -> list[str]:
    """``kinds`` as a list, each a known finding kind (else a UsageError naming ``option``)."""
    out = []
    for kind in kinds:
        if kind not in KINDS:
            near = difflib.get_close_matches(kind, list(KINDS), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise UsageError(f"{option}: unknown finding kind {kind!r}{hint} "
                             "('contactguard config --kinds' lists them)")
        out.append(kind)
    return out


def parse_severity(text: str) -> tuple[str, str]:
    """``"mojibake=warning"`` as ``("mojibake", "warning")``, checked."""
    kind, eq, level = text.partition("=")
    kind, level = kind.strip(), level.strip().lower()
    if not eq or level not in {s.value for s in Severity}:
        raise UsageError(f"--severity: expected KIND=error|warning|info, not {text!r}")
    check_kinds([kind], "--severity")
    return kind, level


def apply_rules(doc: Report, *, select: Iterable[str] = (), ignore: Iterable[str] = (),
                severity: Mapping[str, str] | None = None) -> Report:
    """``doc`` with only the selected findings (all when ``select`` is empty), without the
    ignored ones, each at its overridden severity; the summary is recounted.

    >>> doc = {"findings": [{"kind": "mojibake", "severity": "error"}], "comparisons": [],
    ...        "summary": {"text": "1 file; 1 finding (1 error)", "ok": False,
    ...                    "findings": {"error": 1, "warning": 0, "info": 0}}}
    >>> apply_rules(doc, severity={"mojibake": "info"})["summary"]["text"]
    '1 file; 1 finding (1 info)'
    """
    selected = set(check_kinds(select, "--select"))
    ignored = set(check_kinds(ignore, "--ignore"))
    levels = dict(severity or {})
    check_kinds(levels, "--severity")
    if not selected and not ignored and not levels:
        return doc
    before = findings_text(doc["summary"]["findings"])
    kept: list[dict[str, Any]] = []
    for f in doc["findings"]:
        if (selected and f["kind"] not in selected) or f["kind"] in ignored:
            continue
        kept.append({**f, "severity": levels.get(f["kind"], f["severity"])})
    counts = finding_counts(kept)
    summary = dict(doc["summary"])
    text = summary["text"]
    if text.endswith(before):
        text = text[: len(text) - len(before)] + findings_text(counts)
    summary.update(text=text, findings=counts,
                   ok=all(c["ok"] for c in doc["comparisons"]) and not counts["error"])
    return {**doc, "findings": kept, "summary": summary}
