"""Stage 8, comparison: what changed between a backup and a copy or restore.

Owns :func:`~contactguard.diff`, restore verification (:func:`~contactguard.verify_restore`),
manifest verification (:func:`~contactguard.verify`, streaming
:func:`~contactguard.verify_file`) and :func:`~contactguard.compare_copies`.  Promises reports
whose every verdict names the contact and, for a change, the field.
"""

from __future__ import annotations

from .copies import CopyComparison, compare_copies
from .diff import ContactChange, Diff, FieldChange, diff
from .merges import MERGED, REPEATS
from .stream import StreamReport, verify_file
from .verify import ManifestReport, RestoreReport, Verdict, contact_label, verify, verify_restore

__all__ = [
    "MERGED",
    "REPEATS",
    "ContactChange",
    "CopyComparison",
    "Diff",
    "FieldChange",
    "ManifestReport",
    "RestoreReport",
    "StreamReport",
    "Verdict",
    "compare_copies",
    "contact_label",
    "diff",
    "verify",
    "verify_file",
    "verify_restore",
]
