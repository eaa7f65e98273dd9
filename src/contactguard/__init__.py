"""contactguard: tell whether address-book backups are whole.

Read vCard/CSV backups without losing a card to its damaged neighbour, normalize and
fingerprint contacts, diff snapshots across vendors, and verify restores.
"""

from ._detect import check, detect
from ._diff import ContactChange, Diff, FieldChange, diff
from ._errors import (
    ContactGuardError,
    ManifestError,
    ManifestSignatureError,
    ParseError,
    SourceError,
    UsageError,
)
from ._findings import KINDS, Finding, Severity
from ._fingerprint import (
    CANONICAL_VERSION,
    VOLATILE_PROPERTIES,
    Fingerprint,
    canonical_form,
    fingerprint,
    snapshot_digest,
)
from ._manifest import Manifest, ManifestEntry
from ._match import Match, match
from ._model import Contact, FileInfo, Snapshot, SourceInfo, StructuredName, load, loads
from ._normalize import (
    E164,
    IsoDate,
    NameKey,
    NormalizedEmail,
    NormalizedText,
    PhoneNumber,
    name_keys,
    normalize_date,
    normalize_email,
    normalize_name,
    normalize_phone,
    normalize_text,
    romanize,
)
from ._read import Decoding, Limits, Property
from ._verify import ManifestReport, RestoreReport, Verdict, verify, verify_restore
from ._write import dump, dumps

__version__ = "0.1.0"

__all__ = [
    "CANONICAL_VERSION",
    "E164",
    "KINDS",
    "VOLATILE_PROPERTIES",
    "Contact",
    "ContactChange",
    "ContactGuardError",
    "Decoding",
    "Diff",
    "FieldChange",
    "FileInfo",
    "Finding",
    "Fingerprint",
    "IsoDate",
    "Limits",
    "Manifest",
    "ManifestEntry",
    "ManifestError",
    "ManifestReport",
    "ManifestSignatureError",
    "Match",
    "NameKey",
    "NormalizedEmail",
    "NormalizedText",
    "ParseError",
    "PhoneNumber",
    "Property",
    "RestoreReport",
    "Severity",
    "Snapshot",
    "SourceError",
    "SourceInfo",
    "StructuredName",
    "UsageError",
    "Verdict",
    "__version__",
    "canonical_form",
    "check",
    "detect",
    "diff",
    "dump",
    "dumps",
    "fingerprint",
    "load",
    "loads",
    "match",
    "name_keys",
    "normalize_date",
    "normalize_email",
    "normalize_name",
    "normalize_phone",
    "normalize_text",
    "romanize",
    "snapshot_digest",
    "verify",
    "verify_restore",
]

PhoneNumber.__module__ = "contactguard"
