"""Stage 7, manifests: a record of a backup that holds no personal data.

Owns :class:`~contactguard.Manifest` (build, save, load, signature), its entries and
per-field digests (``digests``), the file format and its versions (``format``), manifest
keys — generated, stored, read, stretched from passphrases — (``keys``, ``kdf``),
:func:`~contactguard.write_manifest` for streams, and the compact table of a manifest's
digests that streaming verification ticks off (``table``, about 22 bytes an entry).
Promises later stages the digests they need to verify a copy without the backup at hand,
and that nothing it stores can be checked against a guess without the key (unless the
caller asked for ``unkeyed``).
"""

from __future__ import annotations

from .digests import ContactDigests, Sealer, contact_digests, sign_stream
from .format import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    check_header,
    manifest_warnings,
    open_sealer,
    signature_mismatch,
)
from .kdf import SCRYPT_N, SCRYPT_P, SCRYPT_R, derive, new_kdf_params
from .keys import (
    KEY_DIR_ENV,
    Key,
    KeyLike,
    check_passphrase,
    find_stored_key,
    generate_key,
    key_dir,
    read_key_file,
    resolve_key,
    store_key,
)
from .manifest import Manifest, ManifestEntry, stale_temporaries, write_manifest
from .table import DIGEST_BYTES, DigestTable

__all__ = [
    "DIGEST_BYTES",
    "FORMAT_NAME",
    "KEY_DIR_ENV",
    "SCHEMA_VERSION",
    "SCRYPT_N",
    "SCRYPT_P",
    "SCRYPT_R",
    "ContactDigests",
    "DigestTable",
    "Key",
    "KeyLike",
    "Manifest",
    "ManifestEntry",
    "Sealer",
    "check_header",
    "check_passphrase",
    "contact_digests",
    "derive",
    "find_stored_key",
    "generate_key",
    "key_dir",
    "manifest_warnings",
    "new_kdf_params",
    "open_sealer",
    "read_key_file",
    "resolve_key",
    "sign_stream",
    "signature_mismatch",
    "stale_temporaries",
    "store_key",
    "write_manifest",
]
