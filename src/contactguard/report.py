"""Reports as a public API: what the CLI prints, available to other tools.

Build a JSON-able document from a result (``check_report``, ``diff_report``,
``verify_report``, ``manifest_report``, ``dupes_report``; personal data masked unless
asked), judge it for CI (``assess``), and render it (``render(doc, "json" | "junit" |
"html" | "markdown" | "text")``).  The JSON form follows ``report.schema.json``
(``SCHEMA_VERSION``); see docs/report-schema.md.
"""

from ._report import (
    FAIL_LEVELS,
    FORMATS,
    SCHEMA_VERSION,
    Report,
    assess,
    check_report,
    diff_report,
    dupes_report,
    manifest_report,
    parse_duration,
    render,
    verify_report,
)

__all__ = [
    "FAIL_LEVELS",
    "FORMATS",
    "SCHEMA_VERSION",
    "Report",
    "assess",
    "check_report",
    "diff_report",
    "dupes_report",
    "manifest_report",
    "parse_duration",
    "render",
    "verify_report",
]
