"""Stage 6, identity: when two contacts hold the same user data, and which is which.

Owns the canonical form and :func:`~contactguard.fingerprint` (invariant to formatting,
sensitive to user edits), the Merkle snapshot digest, and :func:`~contactguard.match`, the
staged one-to-one pairing of two snapshots' contacts with the reasons for each pair.
Promises later stages stable fingerprints (versioned by ``CANONICAL_VERSION``) and explained
matches.
"""

from __future__ import annotations

from .fingerprint import (
    CANONICAL_VERSION,
    COMPATIBLE_VERSIONS,
    FIELD_GROUPS,
    MERGED_LISTS,
    VOLATILE_PROPERTIES,
    Fingerprint,
    canonical_fields,
    canonical_form,
    canonical_value,
    card_regions,
    fingerprint,
    fingerprint_of_fields,
    is_volatile,
    merkle_root,
    snapshot_digest,
)
from .match import (
    MIN_EVIDENCE,
    SHORTER,
    Match,
    Profile,
    Side,
    confidence,
    match,
    national_alternates,
    phone_alternates,
    score,
    written_shorter,
)

__all__ = [
    "CANONICAL_VERSION",
    "COMPATIBLE_VERSIONS",
    "FIELD_GROUPS",
    "MERGED_LISTS",
    "MIN_EVIDENCE",
    "SHORTER",
    "VOLATILE_PROPERTIES",
    "Fingerprint",
    "Match",
    "Profile",
    "Side",
    "canonical_fields",
    "canonical_form",
    "canonical_value",
    "card_regions",
    "confidence",
    "fingerprint",
    "fingerprint_of_fields",
    "is_volatile",
    "match",
    "merkle_root",
    "national_alternates",
    "phone_alternates",
    "score",
    "snapshot_digest",
    "written_shorter",
]
