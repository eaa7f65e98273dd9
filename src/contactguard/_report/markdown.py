"""The Markdown renderer, for CI job summaries (GitHub's ``$GITHUB_STEP_SUMMARY``,
GitLab and Gitea comments).

Summary first, then a table per comparison and the findings; long lists go inside
``<details>``.  Text from a contact is HTML-escaped and Markdown-escaped, so a name such
as ``*<b>`` shows as it is and cannot add markup or links.
"""

from __future__ import annotations

import html
import re
from typing import Final

from .._core import counted
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
from .notes import is_merged
from .text import verdict

__all__ = ["render_markdown"]

_MD_SPECIAL: Final = re.compile(r"([\\`*_\[\]|~])")
_LIMIT: Final = 500


def md(text: object) -> str:
    """``text`` safe in Markdown table cells and paragraphs."""
    escaped = _MD_SPECIAL.sub(r"\\\1", clean(text).replace("\n", " ").replace("\r", " "))
    return html.escape(escaped, quote=False)  # after: the entities' '#' stay unescaped


def render_markdown(doc: Report) -> str:
    """``doc`` as GitHub-flavoured Markdown."""
    head = verdict(doc)
    icon = "❌" if head == "FAIL" else "✅"
    out = [f"## {icon} contactguard {doc['command']}: {head}", "",
           md(doc["summary"]["text"]), ""]
    gate = doc.get("gate")
    if gate is not None and gate["reasons"]:
        out += [f"**Failed** (`--fail-on {gate['fail_on']}`) because:", ""]
        out += [f"- {md(r)}" for r in gate["reasons"]]
        out.append("")
    if doc["comparisons"]:
        out += ["| Comparison | Reference | Intact | Missing | Changed | Added |",
                "|---|---:|---:|---:|---:|---:|"]
        for c in doc["comparisons"]:
            n = c["counts"]
            out.append(f"| {md(heading(c))} | {n['reference']:,} | {n['intact']:,} | "
                       f"{n['missing']:,} | {n['changed']:,} | {n['added']:,} |")
        out.append("")
    for c in doc["comparisons"]:
        rows = [r for r in c["contacts"] if r["status"] != "intact" or is_merged(r)]
        if not rows:
            continue
        out += [f"<details{' open' if len(rows) <= 20 else ''}><summary>"
                f"{html.escape(clean(heading(c)))}: {counted(len(rows), 'contact')} not intact"
                "</summary>", "",
                "| Status | Contact | Where | What |", "|---|---|---|---|"]
        out += [f"| {r['status']} | {md(contact_text(r))} | {md(where_text(r, c))} | "
                f"{md(row_details(r, c))} |" for r in rows[:_LIMIT]]
        if len(rows) > _LIMIT:
            out.append(f"| … | {len(rows) - _LIMIT:,} more | | |")
        out += ["", "</details>", ""]
    if doc.get("groups"):
        out += ["### Duplicate groups", ""]
        for n, g in enumerate(doc["groups"], 1):
            names = ", ".join(md(member_text(m)) for m in g["members"])
            why = "; ".join(md(r) for r in group_reasons(g))
            out.append(f"{n}. {names}" + (f": {why}" if why else ""))
        out.append("")
    if doc["findings"]:
        out += [f"<details><summary>{len(doc['findings']):,} findings</summary>", ""]
        out += [f"- {md(finding_text(f))}" for f in doc["findings"][:_LIMIT]]
        out += ["", "</details>", ""]
    if doc["personal_data"] == "masked":
        out += ["_Phone numbers, emails and names are masked._", ""]
    return "\n".join(out)
