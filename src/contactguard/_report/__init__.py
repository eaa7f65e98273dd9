"""Stage 9, reports: build a neutral report document from a result, then render it.

``*_report`` functions turn a result (findings, a Diff, verification reports, a
manifest, duplicate groups) into a JSON-able document with personal data masked;
:func:`assess` adds the CI gate; :func:`render` writes the document in one of
:data:`FORMATS`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from .gate import (
    FAIL_LEVELS,
    assess,
    format_duration,
    newest_mtime,
    parse_duration,
    stale_reason,
    unreadable_inputs,
)
from .github import render_github
from .html import render_html
from .i18n import use_language
from .json import render_json
from .jsonl import render_jsonl
from .junit import render_junit
from .markdown import render_markdown
from .model import (
    SCHEMA_VERSION,
    Report,
    check_report,
    diff_report,
    dupes_report,
    finding_counts,
    findings_text,
    manifest_report,
    stream_verify_report,
    streamed_manifest_report,
    verify_report,
)
from .repair import file_repair_report, repair_report
from .rules import apply_rules, check_kinds, parse_severity
from .text import render_text

__all__ = [
    "FAIL_LEVELS",
    "FORMATS",
    "SCHEMA_VERSION",
    "Report",
    "apply_rules",
    "assess",
    "check_kinds",
    "check_report",
    "diff_report",
    "dupes_report",
    "file_repair_report",
    "finding_counts",
    "findings_text",
    "format_duration",
    "manifest_report",
    "newest_mtime",
    "parse_duration",
    "parse_severity",
    "render",
    "render_github",
    "render_html",
    "render_json",
    "render_jsonl",
    "render_junit",
    "render_markdown",
    "render_text",
    "repair_report",
    "stale_reason",
    "stream_verify_report",
    "streamed_manifest_report",
    "unreadable_inputs",
    "use_language",
    "verify_report",
]

#: Output format -> renderer (text without colour; call :func:`render_text` for colour).
FORMATS: Final[Mapping[str, Callable[[Report], str]]] = {
    "text": render_text,
    "json": render_json,
    "junit": render_junit,
    "html": render_html,
    "markdown": render_markdown,
    "github": render_github,  # GitHub Actions workflow annotations
    "jsonl": render_jsonl,  # JSON lines, for streaming consumers
}


def render(doc: Report, format: str = "text") -> str:
    """``doc`` rendered as ``format`` (one of :data:`FORMATS`)."""
    try:
        renderer = FORMATS[format]
    except KeyError:
        from .._core import UsageError  # noqa: PLC0415

        raise UsageError(f"unknown report format {format!r}; use one of "
                         f"{', '.join(FORMATS)}") from None
    return renderer(doc)
