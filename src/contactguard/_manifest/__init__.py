"""Stage 7, manifests: a record of a backup that holds no personal data.

Owns :class:`~contactguard.Manifest` (build, save, load, signature), its entries and
per-field digests, and :func:`~contactguard.write_manifest` for streams.  Promises later
stages the digests they need to verify a copy without the backup at hand.
"""

from __future__ import annotations

from .manifest import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    ContactDigests,
    Manifest,
    ManifestEntry,
    Sealer,
    _key_bytes,
    contact_digests,
    sign_stream,
    write_manifest,
)

__all__ = [
    "FORMAT_NAME",
    "SCHEMA_VERSION",
    "ContactDigests",
    "Manifest",
    "ManifestEntry",
    "Sealer",
    "_key_bytes",
    "contact_digests",
    "sign_stream",
    "write_manifest",
]
