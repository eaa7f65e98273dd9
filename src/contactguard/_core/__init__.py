"""Stage 0, the foundation: what every stage may use and none may replace.

Owns the exception hierarchy (:class:`~contactguard.ContactGuardError` and its leaves),
masking of personal data for reports and reprs, atomic file writes, and small runtime
helpers.  Promises: nothing here knows about contacts beyond strings, so any stage can
import it without a cycle.
"""

from __future__ import annotations

from .controls import escape_controls
from .errors import (
    ContactGuardError,
    CredentialsError,
    IncompleteSourceError,
    ManifestError,
    ManifestSignatureError,
    ParseError,
    SourceError,
    UsageError,
    expect,
)
from .files import atomic_open, atomic_write
from .mask import (
    BINARY_PROPERTIES,
    PROPERTY_MASKS,
    mask_email,
    mask_label,
    mask_message,
    mask_name,
    mask_phone,
    mask_property,
    mask_value,
)
from .runtime import fork_workers, gc_paused, in_chunks, mark_fork_safe
from .words import counted, plural

__all__ = [
    "BINARY_PROPERTIES",
    "PROPERTY_MASKS",
    "ContactGuardError",
    "CredentialsError",
    "IncompleteSourceError",
    "ManifestError",
    "ManifestSignatureError",
    "ParseError",
    "SourceError",
    "UsageError",
    "atomic_open",
    "atomic_write",
    "counted",
    "escape_controls",
    "expect",
    "fork_workers",
    "gc_paused",
    "in_chunks",
    "mark_fork_safe",
    "mask_email",
    "mask_label",
    "mask_message",
    "mask_name",
    "mask_phone",
    "mask_property",
    "mask_value",
    "plural",
]
