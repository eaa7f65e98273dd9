"""The HTML renderer: one self-contained page, readable offline and safe to open.

Inline CSS only: no script, no image, font or style sheet from anywhere, and a
Content-Security-Policy that forbids them all.  Every piece of text that comes from a
file (names, labels, paths, finding messages, suggestions) passes through
:func:`html.escape`.  Summary first, then each comparison, then the findings.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from .advice import ADVISED_COMMANDS, advice_html
from .chart import CHART_CSS, finding_kinds, kind_chart, verdict_chart
from .describe import clean
from .detail import (
    contact_cell,
    details_cell,
    english,
    failed_reasons,
    failed_title,
    finding_cell,
    format_word,
    group_reason_cells,
    member_cell,
    role_word,
    severity_word,
    status_word,
    summary_cell,
    title_of,
    verdict_word,
    where_cell,
    word,
)
from .i18n import _, html_language
from .model import Report
from .notes import comparison_note, is_merged
from .text import verdict

__all__ = ["render_html"]

_CSS: Final = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI","Noto Sans","Noto Sans CJK SC",
sans-serif;margin:2rem auto;max-width:72rem;padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.5rem;margin:0 0 .5rem}h2{font-size:1.15rem;margin:2rem 0 .5rem}
.banner{border-radius:8px;padding:1rem 1.25rem;margin-bottom:1.5rem;border:1px solid}
.banner.fail{background:#fff1f0;border-color:#e5534b}.banner.ok{background:#effaf1;
border-color:#3fb950}.verdict{font-weight:700;letter-spacing:.04em}
.banner p{margin:.35rem 0 0}ul.reasons{margin:.5rem 0 0;padding-left:1.25rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{text-align:left;padding:.35rem .6rem;border-bottom:1px solid #d8dee4;
vertical-align:top}th{background:#f6f8fa;font-weight:600}td.n,th.n{text-align:right}
.missing,.error{color:#b42318;font-weight:600}.changed,.warning{color:#9a6700;
font-weight:600}.added,.info{color:#0b5cad}.intact{color:#1a7f37}
.muted{color:#57606a;font-size:.9rem}code{font-size:.9em}
.advice{margin-bottom:1.5rem}.headline{font-size:1.2rem;font-weight:600;margin:.25rem 0 .75rem}
ul.contacts li,ol.steps li{margin:.2rem 0}
td+td,li,p,h2{overflow-wrap:anywhere}td:first-child{white-space:nowrap}
details.kind{margin:.25rem 0}details.kind>summary{cursor:pointer;
padding:.3rem 0;font-weight:600}details.kind table{margin-top:.25rem}
@media (max-width:640px){body{margin:1rem auto;font-size:14px}
table,thead,tbody,tr,th,td{display:block}thead{display:none}
tr{border-bottom:1px solid #d8dee4;padding:.35rem 0}td{border:0;padding:.1rem 0}
td.n{text-align:left}td[data-label]::before{content:attr(data-label) ": ";
color:#57606a}td:first-child{white-space:normal}}
""" + CHART_CSS
_CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; img-src 'none'"


def e(text: object) -> str:
    """``text`` escaped for HTML text and attribute values."""
    return html.escape(clean(text), quote=True)


def _shown_status(row: Mapping[str, Any]) -> str:
    return "merged" if is_merged(row) else str(row["status"])


def _table(head: Iterable[str], rows: Iterable[Iterable[str]], numeric: int = 0) -> str:
    cols = list(head)
    first = len(cols) - numeric
    th = "".join(f'<th{" class=n" if i >= first else ""}>{c}</th>' for i, c in enumerate(cols))
    # each cell names its column, for the phone layout where a row becomes a card
    labels = ["", *(f' data-label="{html.escape(html.unescape(c), quote=True)}"'
                    for c in cols[1:])]
    body = "".join("<tr>" + "".join(f'<td{" class=n" if i >= first else ""}{labels[i]}>{c}</td>'
                                    for i, c in enumerate(r)) + "</tr>\n" for r in rows)
    return f"<table><thead><tr>{th}</tr></thead><tbody>\n{body}</tbody></table>\n"


def _findings_by_kind(findings: Sequence[Mapping[str, Any]]) -> list[str]:
    """One collapsible group per finding kind, errors first, then the most frequent;
    small groups open, large ones closed (1,566 findings stay one screen of headings)."""
    out = []
    for kind, severity, n in finding_kinds(findings):
        rows = [f for f in findings if f["kind"] == kind]
        out.append(f"<details class=kind{' open' if n <= 20 else ''}><summary>"
                   f"<span class={e(severity)}>{e(severity_word(severity))}</span> "
                   f"{e(kind)} ({n:,})</summary>\n")
        out.append(_table([word("Severity"), word("Where"), word("Message")], (
            [f"<span class={e(f['severity'])}>{e(severity_word(f['severity']))}</span>",
             e((f.get("source") or "") + (f":{f['line']}" if f.get("line") is not None
                                          else "")),
             _message(f)]
            for f in rows)))
        out.append("</details>\n")
    return out


def _message(f: Mapping[str, Any]) -> str:
    """A finding's cell; in another language than English its English technical message
    is the tooltip (the JSON holds it too)."""
    text = finding_cell(f)
    if english():  # (the cell is the message itself)
        return e(text)
    return f'<span title="{e(f["message"])}">{e(text)}</span>'


def render_html(doc: Report) -> str:
    """``doc`` as one HTML5 page."""
    head = verdict(doc)
    cls = "fail" if head == "FAIL" else "ok"
    advised = doc["command"] in ADVISED_COMMANDS
    head = verdict_word(head)
    repair = doc.get("repair") or {}
    if repair.get("kind") == "restore" and repair.get("cards"):
        # (repair exits 0 once its file is written; "OK" above lost contacts would mislead)
        head, cls = (_("REPAIR FILE WRITTEN") if repair["written"]
                     else _("REPAIR NEEDED")), "fail"
    title = f"contactguard {doc['command']}: {head}"
    parts = [
        f"<!DOCTYPE html>\n<html lang={html_language()}>\n<head>\n<meta charset=utf-8>\n",
        f'<meta http-equiv="Content-Security-Policy" content="{_CSP}">\n',
        '<meta name=viewport content="width=device-width, initial-scale=1">\n',
        f"<title>{e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n",
        f"<h1>contactguard {e(doc['command'])}</h1>\n",
        advice_html(doc) if advised else "",  # #15: for people
        f'<section class="banner {cls}"><span class=verdict>{e(head)}</span>',
    ]
    if english() or not advised:  # (the opening above says it in the reader's words)
        parts.append(f"<p>{e(summary_cell(doc))}</p>")
    gate = doc.get("gate")
    if gate is not None and gate["reasons"]:
        colon = ":" if english() else "："
        parts.append(f"<p>{e(failed_title(gate))}{colon}</p><ul class=reasons>" + "".join(
                         f"<li>{e(r)}</li>" for r in failed_reasons(doc, gate)) + "</ul>")
    parts.append("</section>\n")
    charts = verdict_chart(doc) + kind_chart(doc)
    if charts:
        parts.append(f"<section class=charts>{charts}</section>\n")
    if doc["comparisons"]:
        parts.append(f"<h2>{e(word('Summary'))}</h2>\n")
        parts.append(_table(
            [e(word(w)) for w in ("Comparison", "Reference", "Intact", "Missing", "Changed",
                                  "Added")],
            ([e(title_of(c)), *(f"{c['counts'][k]:,}" for k in
                               ("reference", "intact", "missing", "changed", "added"))]
             for c in doc["comparisons"]), numeric=5))
    for c in doc["comparisons"]:
        rows = [r for r in c["contacts"] if r["status"] != "intact" or is_merged(r)]
        parts.append(f"<h2>{e(title_of(c))}</h2>\n")
        note = comparison_note(c)  # why a manifest and the backup may disagree (#16)
        if note and english():  # (in other words in the opening)
            parts.append(f"<p class=muted>Note: {e(note)}.</p>\n")
        if not rows:
            parts.append("<p class=intact>" + e(_("All {n} contacts intact.").format(
                n=f"{c['counts']['intact']:,}")) + "</p>\n")
            continue
        parts.append(_table([e(word(w)) for w in ("Status", "Contact", "Where",
                                                  "What happened")],
                            ([f"<span class={r['status']}>{e(status_word(_shown_status(r)))}"
                              "</span>", e(contact_cell(r)), e(where_cell(r, c)),
                              e(details_cell(r, c))]
                             for r in rows)))
    if doc.get("groups"):
        parts.append(f"<h2>{e(word('Duplicate groups'))}</h2>\n")
        parts.append(_table(["#", e(word("Contacts")), e(word("Why"))], (
            [str(n), "<br>".join(e(member_cell(m)) for m in g["members"]),
             "<br>".join(e(r) for r in group_reason_cells(g))]
            for n, g in enumerate(doc["groups"], 1))))
    if doc["findings"]:
        parts.append("<h2>" + e(_("Findings ({n})").format(n=f"{len(doc['findings']):,}"))
                     + "</h2>\n")
        parts.extend(_findings_by_kind(doc["findings"]))
    parts.append(f"<h2>{e(word('Inputs'))}</h2>\n")
    parts.append(_table([e(word(w)) for w in ("Role", "Path", "Format", "Contacts")], (
        [e(role_word(i["role"])), e(i["path"]), e(format_word(i["format"])),
         f"{i['contacts']:,}"]
        for i in doc["inputs"]), numeric=1))
    note = (_("Phone numbers, emails and names are masked.")
            if doc["personal_data"] == "masked" else _("This report shows personal data."))
    parts.append(f"<p class=muted>{e(note)} " + e(_("{generator}, report schema {n}.").format(
        generator=doc["generator"], n=doc["schema_version"])) + "</p>\n</body>\n</html>\n")
    return "".join(parts)
