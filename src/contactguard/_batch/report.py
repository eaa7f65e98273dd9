"""The batch report: one entry per book, rendered as text, JSON, JUnit, HTML or Markdown.

:func:`batch_report` turns a :class:`~contactguard.BatchSummary` into a JSON-able document
(``command: "batch"``, its own :data:`BATCH_SCHEMA_VERSION`, the head every report has); its
``books`` are in name order, so the same books give the same bytes however the jobs were
scheduled.  Results carry counts and sentences only, no contact values, so nothing here
needs masking.  :func:`render_batch` writes the document in one of :data:`BATCH_FORMATS`.
"""

from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET
from collections.abc import Callable, Mapping
from typing import Any, Final

from .._core import UsageError, escape_controls
from .._version import __version__
from .many import BatchSummary
from .run import COUNTS, JobResult

__all__ = ["BATCH_FORMATS", "BATCH_SCHEMA_VERSION", "batch_report", "render_batch"]

#: Version of the batch document (``books`` and ``summary``); semver as the report's.
BATCH_SCHEMA_VERSION: Final = 1
#: A batch report document.
Report = dict[str, Any]
clean = escape_controls  # control and format characters escaped, as in every report

#: Job status -> the mark the text report shows.
_MARKS: Final = {"ok": "OK  ", "problems": "FAIL", "failed": "ERR "}


def _book(r: JobResult) -> dict[str, Any]:
    return {"name": r.name, "kind": r.kind, "status": r.status, "summary": r.summary,
            "counts": {c: r.counts.get(c, 0) for c in COUNTS}, "error": r.error,
            "inputs": [d.path for d in r.inputs], "resumed": r.resumed}


def batch_report(summary: BatchSummary, *, created: str | None = None) -> Report:
    """The report document of a batch (see the module docstring)."""
    doc: Report = {"schema_version": BATCH_SCHEMA_VERSION,
                   "generator": f"contactguard {__version__}", "command": "batch",
                   "personal_data": "masked"}
    if created is not None:
        doc["created"] = created
    doc["summary"] = {"text": summary.summary(), "ok": summary.ok,
                      "statuses": dict(summary.statuses), "counts": dict(summary.counts)}
    doc["books"] = [_book(r) for r in summary.results]
    return doc


def _text(doc: Report) -> str:
    lines = [f"{_MARKS[b['status']]} {clean(b['name'])}: {clean(b['summary'])}"
             for b in doc["books"]]
    verdict = "OK" if doc["summary"]["ok"] else "FAIL"
    return "\n".join([*lines, f"{verdict} {doc['summary']['text']}"]) + "\n"


def _json(doc: Report) -> str:
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _md(text: object) -> str:
    return clean(text).replace("|", "\\|").replace("\n", " ")


def _markdown(doc: Report) -> str:
    out = ["# contactguard batch", "", f"**{_md(doc['summary']['text'])}**", "",
           "| book | status | missing | changed | added | summary |",
           "| --- | --- | ---: | ---: | ---: | --- |"]
    out += [f"| {_md(b['name'])} | {b['status']} | {b['counts']['missing']} | "
            f"{b['counts']['changed']} | {b['counts']['added']} | {_md(b['summary'])} |"
            for b in doc["books"]]
    return "\n".join(out) + "\n"


def _junit(doc: Report) -> str:
    root = ET.Element("testsuites", name="contactguard")
    books = doc["books"]
    suite = ET.SubElement(root, "testsuite", name="contactguard batch", tests=str(len(books)),
                          failures=str(sum(b["status"] == "problems" for b in books)),
                          errors=str(sum(b["status"] == "failed" for b in books)))
    for b in books:
        case = ET.SubElement(suite, "testcase", classname=f"batch.{b['kind']}",
                             name=clean(b["name"]), time="0")
        if b["status"] != "ok":
            tag = "error" if b["status"] == "failed" else "failure"
            ET.SubElement(case, tag, type=b["status"], message=clean(b["summary"]))
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _html(doc: Report) -> str:
    def e(text: object) -> str:
        return html.escape(clean(text), quote=True)

    rows = "".join(f"<tr><td>{e(b['name'])}</td><td class={b['status']}>{b['status']}</td>"
                   f"<td>{b['counts']['missing']}</td><td>{b['counts']['changed']}</td>"
                   f"<td>{e(b['summary'])}</td></tr>\n" for b in doc["books"])
    return ("<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
            "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
            "style-src 'unsafe-inline'\"><title>contactguard batch</title>"
            "<style>.problems,.failed{color:#b42318}.ok{color:#1a7f37}</style></head>"
            f"<body><h1>contactguard batch</h1><p>{e(doc['summary']['text'])}</p>"
            "<table><thead><tr><th>book</th><th>status</th><th>missing</th><th>changed</th>"
            f"<th>summary</th></tr></thead><tbody>\n{rows}</tbody></table></body></html>\n")


#: Output format -> renderer of a batch document.
BATCH_FORMATS: Final[Mapping[str, Callable[[Report], str]]] = {
    "text": _text, "json": _json, "junit": _junit, "html": _html, "markdown": _markdown,
}


def render_batch(doc: Report, format: str = "text") -> str:
    """The batch document ``doc`` rendered as ``format`` (one of :data:`BATCH_FORMATS`)."""
    try:
        return BATCH_FORMATS[format](doc)
    except KeyError:
        raise UsageError(f"unknown report format {format!r}; use one of "
                         f"{', '.join(BATCH_FORMATS)}") from None
