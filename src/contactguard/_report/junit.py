"""The JUnit XML renderer, for the test-report views of GitLab, Jenkins and GitHub.

One ``<testsuite>`` per command run.  Its test cases: one per input file, and for a
folder or zip one per file in it ("reads without findings at the fail level"), one per
reference contact of each comparison (a missing or changed contact is a ``<failure>``;
contacts only in the checked file get a test case of their own), and one for the
backup's age when ``--max-age`` was given.  A test case fails exactly when the CI gate
counts it (same fail level and thresholds), so the ``failures`` attribute agrees with
the exit code.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from .._core import counted
from .describe import clean, contact_text, finding_text, heading, row_details, where_text
from .gate import severity_fails, status_fails
from .model import Report

__all__ = ["render_junit"]

_DEFAULT_GATE: Mapping[str, Any] = {"fail_on": "error", "thresholds": {}, "max_age": None,
                                   "stale": None}


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=clean(classname), name=clean(name),
                         time="0")


def _fail(case: ET.Element, kind: str, message: str, body: str = "") -> None:
    el = ET.SubElement(case, "failure", type=kind, message=clean(message))
    el.text = clean(body or message)


def _findings_case(suite: ET.Element, gate: Mapping[str, Any], classname: str, name: str,
                   findings: list[Mapping[str, Any]]) -> None:
    case = _case(suite, classname, name)
    bad = [f for f in findings if severity_fails(gate, f["severity"])]
    if bad:
        _fail(case, "finding", f"{counted(len(bad), 'finding')} at or above {gate['fail_on']}",
              "\n".join(finding_text(f) for f in bad))
    elif findings:
        out = ET.SubElement(case, "system-out")
        out.text = "\n".join(finding_text(f) for f in findings)


def render_junit(doc: Report) -> str:
    """``doc`` as a JUnit XML document (UTF-8, with an XML declaration)."""
    gate = doc.get("gate") or _DEFAULT_GATE
    command = doc["command"]
    root = ET.Element("testsuites", name="contactguard")
    suite = ET.SubElement(root, "testsuite", name=f"contactguard {command}")
    props = ET.SubElement(suite, "properties")
    ET.SubElement(props, "property", name="summary", value=clean(doc["summary"]["text"]))
    ET.SubElement(props, "property", name="fail_on", value=str(gate["fail_on"]))
    ET.SubElement(props, "property", name="schema_version", value=str(doc["schema_version"]))

    remaining = list(doc["findings"])
    for inp in doc["inputs"]:
        if inp["role"] != "checked":
            continue
        # a folder or zip is a test case per file in it, as a person counts files
        members = [fi["name"] for fi in inp["files"] if fi["name"] != inp["path"]]
        if len(inp["files"]) > 1:
            for name in members:
                own = [f for f in remaining if (f.get("source") or "") == name]
                remaining = [f for f in remaining if (f.get("source") or "") != name]
                _findings_case(suite, gate, f"contactguard.{command}.read",
                               f"{name} reads cleanly", own)
            members = []
        names = {inp["path"], *members}
        own = [f for f in remaining if (f.get("source") or "") in names]
        remaining = [f for f in remaining if (f.get("source") or "") not in names]
        if own or not inp["files"] or len(inp["files"]) == 1:
            _findings_case(suite, gate, f"contactguard.{command}.read",
                           f"{inp['path']} reads cleanly", own)
    if remaining:
        _findings_case(suite, gate, f"contactguard.{command}.read", "other findings",
                       remaining)

    for comp in doc["comparisons"]:
        # Reporters split classnames at dots (package.Class): keep file names whole.
        classname = f"contactguard.{command}.{heading(comp).replace('.', '_')}"
        counts = comp["counts"]
        for row in comp["contacts"]:
            case = _case(suite, classname, contact_text(row))
            status = row["status"]
            if status == "intact":
                continue
            details = row_details(row, comp)
            where = where_text(row, comp)
            body = f"{status}: {details}" + (f" ({where})" if where else "")
            if status_fails(gate, comp["kind"], status, counts[status]):
                _fail(case, status, f"{status}: {details}", body)
            else:
                out = ET.SubElement(case, "system-out")
                out.text = clean(body)

    if gate.get("max_age"):
        case = _case(suite, f"contactguard.{command}.age",
                     f"newest backup is at most {gate['max_age']} old")
        if gate.get("stale"):
            _fail(case, "stale", str(gate["stale"]))

    cases = suite.findall("testcase")
    failures = sum(1 for c in cases if c.find("failure") is not None)
    for el in (suite, root):
        el.set("tests", str(len(cases)))
        el.set("failures", str(failures))
        el.set("errors", "0")
        el.set("skipped", "0")
        el.set("time", "0")
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
