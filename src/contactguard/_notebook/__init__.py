"""Stage 1, notebook display: HTML tables for Jupyter and pandas data frames.

Owns :class:`~contactguard.DisplayOptions` (masked unless the caller asks otherwise), the
escaping HTML table renderer, and the column/row views of contacts, findings, diffs and
verdicts that ``_repr_html_`` and ``to_pandas`` use.  Promises later stages one place to
render a value for people, always masked by default and always escaped.
"""

from __future__ import annotations

from .display import DisplayOptions, current_options, display_options, render
from .tables import (
    CONTACT_COLUMNS,
    DIFF_COLUMNS,
    FINDING_COLUMNS,
    VERDICT_COLUMNS,
    DataFrame,
    contact_rows,
    data_frame,
    diff_rows,
    finding_rows,
    verdict_rows,
)
from .views import (
    PAIR_COLUMNS,
    contact_view,
    diff_view,
    findings_view,
    group_view,
    manifest_report_view,
    restore_report_view,
    snapshot_view,
)

__all__ = [
    "CONTACT_COLUMNS",
    "DIFF_COLUMNS",
    "FINDING_COLUMNS",
    "PAIR_COLUMNS",
    "VERDICT_COLUMNS",
    "DataFrame",
    "DisplayOptions",
    "contact_rows",
    "contact_view",
    "current_options",
    "data_frame",
    "diff_rows",
    "diff_view",
    "display_options",
    "finding_rows",
    "findings_view",
    "group_view",
    "manifest_report_view",
    "render",
    "restore_report_view",
    "snapshot_view",
    "verdict_rows",
]
