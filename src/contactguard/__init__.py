"""contactguard: tell whether address-book backups are whole.

Read vCard/CSV backups without losing a card to its damaged neighbour, normalize and
fingerprint contacts, diff snapshots across vendors, and verify restores.
"""

from ._errors import (
    ContactGuardError,
    ManifestError,
    ManifestSignatureError,
    ParseError,
    SourceError,
    UsageError,
)
from ._findings import KINDS, Finding, Severity
from ._model import Contact, FileInfo, Snapshot, SourceInfo, StructuredName, load, loads
from ._read import Decoding, Limits, Property

__version__ = "0.1.0"

__all__ = [
    "KINDS",
    "Contact",
    "ContactGuardError",
    "Decoding",
    "FileInfo",
    "Finding",
    "Limits",
    "ManifestError",
    "ManifestSignatureError",
    "ParseError",
    "Property",
    "Severity",
    "Snapshot",
    "SourceError",
    "SourceInfo",
    "StructuredName",
    "UsageError",
    "__version__",
    "load",
    "loads",
]
