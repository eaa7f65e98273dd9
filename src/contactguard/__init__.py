"""contactguard: tell whether address-book backups are whole.

Read vCard/CSV backups without losing a card to its damaged neighbour, normalize and
fingerprint contacts, diff snapshots across vendors, and verify restores.
"""

from ._copies import CopyComparison, compare_copies
from ._detect import check, detect
from ._diff import ContactChange, Diff, FieldChange, diff
from ._duplicates import (
    Conflict,
    Decisions,
    DuplicateGroup,
    MergePlan,
    PairExplanation,
    find_duplicates,
    plan_merge,
    write_merged,
)
from ._errors import (
    ContactGuardError,
    ManifestError,
    ManifestSignatureError,
    ParseError,
    SourceError,
    UsageError,
)
from ._findings import KINDS, Finding, Findings, Severity
from ._fingerprint import (
    CANONICAL_VERSION,
    VOLATILE_PROPERTIES,
    Fingerprint,
    canonical_form,
    fingerprint,
    snapshot_digest,
)
from ._html import DisplayOptions, display_options
from ._manifest import Manifest, ManifestEntry, write_manifest
from ._match import Match, match
from ._model import (
    Contact,
    ContactStream,
    FileInfo,
    Snapshot,
    SourceInfo,
    StructuredName,
    iter_contacts,
    load,
    loads,
)
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
from ._verify_stream import StreamReport, verify_file
from ._version import __version__
from ._write import dump, dumps

__all__ = [
    "CANONICAL_VERSION",
    "E164",
    "KINDS",
    "VOLATILE_PROPERTIES",
    "Conflict",
    "Contact",
    "ContactChange",
    "ContactGuardError",
    "ContactStream",
    "CopyComparison",
    "Decisions",
    "Decoding",
    "Diff",
    "DisplayOptions",
    "DuplicateGroup",
    "FieldChange",
    "FileInfo",
    "Finding",
    "Findings",
    "Fingerprint",
    "IsoDate",
    "Limits",
    "Manifest",
    "ManifestEntry",
    "ManifestError",
    "ManifestReport",
    "ManifestSignatureError",
    "Match",
    "MergePlan",
    "NameKey",
    "NormalizedEmail",
    "NormalizedText",
    "PairExplanation",
    "ParseError",
    "PhoneNumber",
    "Property",
    "RestoreReport",
    "Severity",
    "Snapshot",
    "SourceError",
    "SourceInfo",
    "StreamReport",
    "StructuredName",
    "UsageError",
    "Verdict",
    "__version__",
    "canonical_form",
    "check",
    "compare_copies",
    "detect",
    "diff",
    "display_options",
    "dump",
    "dumps",
    "find_duplicates",
    "fingerprint",
    "iter_contacts",
    "load",
    "loads",
    "match",
    "name_keys",
    "normalize_date",
    "normalize_email",
    "normalize_name",
    "normalize_phone",
    "normalize_text",
    "plan_merge",
    "romanize",
    "snapshot_digest",
    "verify",
    "verify_file",
    "verify_restore",
    "write_manifest",
    "write_merged",
]

PhoneNumber.__module__ = "contactguard"
