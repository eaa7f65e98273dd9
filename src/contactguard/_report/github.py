"""GitHub Actions workflow commands: one annotation per problem, shown on the run page
and, for files in the repository, on the line of the file.

``::error file=backup.vcf,line=12,title=contactguard mojibake::FN: …`` for findings
(error, warning, notice by severity), one for each contact a comparison lost or changed,
and a last line with the summary.  Values are escaped as the runner expects
(``%``, CR and LF in messages; also ``:`` and ``,`` in properties).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from .describe import clean, contact_text, finding_text, heading, row_details
from .gate import severity_fails, status_fails
from .model import Report
from .text import verdict

__all__ = ["render_github"]

_LEVEL: Final = {"error": "error", "warning": "warning", "info": "notice"}
_DEFAULT_GATE: Final[Mapping[str, Any]] = {"fail_on": "error", "thresholds": {},
                                          "max_age": None, "stale": None}


def _data(text: str) -> str:
    return clean(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _command(level: str, message: str, **props: object) -> str:
    given = ",".join(f"{k}={_prop(str(v))}" for k, v in props.items() if v is not None)
    return f"::{level}{' ' + given if given else ''}::{_data(message)}"


def render_github(doc: Report) -> str:
    """``doc`` as workflow commands, one per line.

    >>> doc = {"command": "check", "summary": {"text": "1 file, 1 contact, no findings",
    ...        "ok": True}, "findings": [], "comparisons": [], "gate": None}
    >>> print(render_github(doc), end="")
    ::notice title=contactguard check::OK: 1 file, 1 contact, no findings
    """
    gate = doc.get("gate") or _DEFAULT_GATE
    lines = []
    for f in doc["findings"]:
        level = _LEVEL[f["severity"]]
        if level != "notice" and not severity_fails(gate, f["severity"]):
            level = "warning" if level == "error" else "notice"
        lines.append(_command(level, finding_text(f), file=f.get("source"),
                              line=f.get("line"), col=f.get("column"),
                              title=f"contactguard {f['kind']}"))
    for comp in doc["comparisons"]:
        for row in comp["contacts"]:
            status = row["status"]
            if status == "intact":
                continue
            fails = status_fails(gate, comp["kind"], status, comp["counts"][status])
            where = row.get("reference") or row.get("checked") or {}
            lines.append(_command(
                "error" if fails else "warning",
                f"{status} {contact_text(row)}: {row_details(row, comp)}",
                file=where.get("source"), line=where.get("line"),
                title=f"contactguard {status} ({heading(comp)})"))
    head = verdict(doc)
    summary = f"{head}: {doc['summary']['text']}"
    reasons = (doc.get("gate") or {}).get("reasons") or []
    if reasons:
        summary += "\nFailed because:\n" + "\n".join(f"- {r}" for r in reasons)
    lines.append(_command("error" if head == "FAIL" else "notice", summary,
                          title=f"contactguard {doc['command']}"))
    return "\n".join(lines) + "\n"
