"""The JSON renderer: the report document as it is, with sorted keys.

The document holds no clock reading unless asked, so the same input gives the same bytes.
Its schema is ``report.schema.json`` (see docs/report-schema.md).
"""

from __future__ import annotations

import json

from .model import Report

__all__ = ["render_json"]


def render_json(doc: Report) -> str:
    """``doc`` as indented JSON, keys sorted, non-ASCII text kept as it is."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
