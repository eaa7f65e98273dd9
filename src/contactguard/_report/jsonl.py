"""JSON lines for streaming consumers: one self-contained JSON object per line.

``{"type": "finding", …}`` for each finding, ``{"type": "contact", "comparison": N, …}``
for each contact that is not intact, ``{"type": "comparison", …}`` for each comparison
(its counts, without the contact list), and a last ``{"type": "summary", …}`` line with
the summary and the gate.  Fields are those of the JSON report (``report.schema.json``);
a consumer can act on each line as it arrives (``jq -c 'select(.type=="finding")'``).
"""

from __future__ import annotations

import json
from typing import Any

from .model import Report

__all__ = ["render_jsonl"]


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def render_jsonl(doc: Report) -> str:
    """``doc`` as JSON lines (UTF-8, one object a line, the summary last).

    >>> doc = {"command": "check", "schema_version": 1, "summary": {"ok": True},
    ...        "findings": [], "comparisons": []}
    >>> print(render_jsonl(doc), end="")
    {"command":"check","gate":null,"schema_version":1,"summary":{"ok":true},"type":"summary"}
    """
    lines = [_line({"type": "finding", **f}) for f in doc["findings"]]
    for n, comp in enumerate(doc["comparisons"]):
        lines.extend(_line({"type": "contact", "comparison": n, **row})
                     for row in comp["contacts"] if row["status"] != "intact")
        lines.append(_line({"type": "comparison", "comparison": n,
                            **{k: v for k, v in comp.items() if k != "contacts"}}))
    lines.append(_line({"type": "summary", "command": doc["command"],
                        "schema_version": doc["schema_version"],
                        "summary": doc["summary"], "gate": doc.get("gate")}))
    return "\n".join(lines) + "\n"
