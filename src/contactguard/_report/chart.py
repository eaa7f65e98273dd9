"""Small charts for the HTML page, in HTML and CSS alone (no script, no image): people
would rather look than read.

One stacked bar of what became of the reference contacts (intact, changed, missing,
added), summed over the comparisons, and one bar per finding kind, most severe and most
frequent first.  Each chart carries its numbers in text too (a legend and an
``aria-label``), so nothing is said by colour or length alone.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final

from .detail import severity_word, status_word, word
from .i18n import _
from .model import Report

__all__ = ["finding_kinds", "kind_chart", "verdict_chart"]

CHART_CSS: Final = """
.charts{display:flex;flex-wrap:wrap;gap:1rem 2rem;margin:0 0 1.5rem}
.chart{flex:1 1 20rem;min-width:0}.chart h3{font-size:1rem;margin:0 0 .4rem}
.stack{display:flex;height:1.1rem;border-radius:4px;overflow:hidden;background:#eaeef2}
.stack span{display:block;height:100%}.seg-intact{background:#2da44e}
.seg-changed{background:#d4a72c}.seg-missing{background:#cf222e}.seg-added{background:#218bff}
.legend{list-style:none;padding:0;margin:.4rem 0 0;display:flex;flex-wrap:wrap;gap:.2rem 1rem;
font-size:.9rem}.legend i{display:inline-block;width:.7rem;height:.7rem;margin-right:.3rem;
border-radius:2px}
.kinds{display:grid;grid-template-columns:minmax(6rem,max-content) 1fr max-content;
gap:.25rem .6rem;align-items:center;font-size:.9rem}.kinds .k{overflow-wrap:anywhere}
.kinds .b{height:.8rem;border-radius:3px;min-width:2px}
.b-error{background:#cf222e}.b-warning{background:#d4a72c}.b-info{background:#8c959f}
"""
_STATUSES: Final = ("intact", "changed", "missing", "added")
_RANK: Final = {"error": 0, "warning": 1, "info": 2}


def finding_kinds(findings: Sequence[Mapping[str, Any]]) -> list[tuple[str, str, int]]:
    """``(kind, severity, count)`` for each kind, most severe and most frequent first
    (a kind reported at several severities counts under its most severe).

    >>> finding_kinds([{"kind": "a", "severity": "warning"}, {"kind": "b",
    ...                 "severity": "error"}, {"kind": "a", "severity": "warning"}])
    [('b', 'error', 1), ('a', 'warning', 2)]
    """
    counts: Counter[str] = Counter(f["kind"] for f in findings)
    worst: dict[str, str] = {}
    for f in findings:
        if f["kind"] not in worst or _RANK[f["severity"]] < _RANK[worst[f["kind"]]]:
            worst[f["kind"]] = f["severity"]
    return sorted(((k, worst[k], n) for k, n in counts.items()),
                  key=lambda t: (_RANK[t[1]], -t[2], t[0]))


def verdict_chart(doc: Report) -> str:
    """The stacked bar of verdicts, or ``""`` without comparisons."""
    totals: Counter[str] = Counter()
    for c in doc.get("comparisons", []):
        if c["kind"] != "copies":  # a pair of copies counts contacts twice over
            totals.update({s: c["counts"][s] for s in _STATUSES})
    whole = sum(totals.values())
    if not whole:
        return ""
    said = {s: _("{n} {status}").format(n=f"{totals[s]:,}", status=status_word(s))
            for s in _STATUSES}
    label = _(", ").join(said[s] for s in _STATUSES)
    bar = "".join(f'<span class=seg-{s} style="width:{100 * totals[s] / whole:.2f}%"></span>'
                  for s in _STATUSES if totals[s])
    legend = "".join(f"<li><i class=seg-{s}></i>{html.escape(said[s])}</li>" for s in _STATUSES)
    return (f'<div class=chart><h3>{html.escape(word("Contacts"))}</h3><div class=stack role=img '
            f'aria-label="{html.escape(label)}">{bar}</div>'
            f"<ul class=legend>{legend}</ul></div>")


def kind_chart(doc: Report) -> str:
    """One bar per finding kind, or ``""`` without findings."""
    kinds = finding_kinds(doc["findings"])
    if not kinds:
        return ""
    top = max(n for _, _, n in kinds)
    rows = "".join(
        f"<span class=k>{html.escape(k)}</span>"
        f'<span class="b b-{sev}" style="width:{100 * n / top:.2f}%" role=img '
        f'aria-label="{n:,} {html.escape(k)} ({html.escape(severity_word(sev))})"></span>'
        f"<span>{n:,}</span>"
        for k, sev, n in kinds)
    return (f"<div class=chart><h3>{html.escape(word('Kinds of problem'))}</h3>"
            f"<div class=kinds>{rows}</div></div>")
