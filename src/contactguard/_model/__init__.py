"""Stage 2, the model: immutable values every later stage works on.

Owns :class:`~contactguard.Property` and the property tables (binary, list-valued,
structured), :class:`~contactguard.Contact`, :class:`~contactguard.Snapshot` with its
:class:`~contactguard.SourceInfo`/:class:`~contactguard.FileInfo`/:class:`~contactguard.Decoding`,
and :class:`~contactguard.Finding`/:class:`~contactguard.Findings` with the table of finding
kinds and severities.  Promises: values are frozen and validated on construction; equality
is by content, never by line or source.
"""

from __future__ import annotations

from .contact import Contact, StructuredName
from .findings import KINDS, Finding, Findings, Severity
from .property import (
    BINARY_PROPERTIES,
    LIST_PROPERTIES,
    STRUCTURED_PROPERTIES,
    UNESCAPED_PROPERTIES,
    VOLATILE_PREFIXES,
    VOLATILE_PROPERTIES,
    Property,
    escape_component,
    split_escaped,
    unescape,
)
from .snapshot import Decoding, FileInfo, Snapshot, SourceInfo

__all__ = [
    "BINARY_PROPERTIES",
    "KINDS",
    "LIST_PROPERTIES",
    "STRUCTURED_PROPERTIES",
    "UNESCAPED_PROPERTIES",
    "VOLATILE_PREFIXES",
    "VOLATILE_PROPERTIES",
    "Contact",
    "Decoding",
    "FileInfo",
    "Finding",
    "Findings",
    "Property",
    "Severity",
    "Snapshot",
    "SourceInfo",
    "StructuredName",
    "escape_component",
    "split_escaped",
    "unescape",
]
