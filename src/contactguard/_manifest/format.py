"""The manifest file format: versions, header fields, and opening a manifest's digests.

Schema 2 (this version writes it): keyed by default; the header names the key by its id
(``key_id``) and, for a passphrase, the scrypt parameters (``kdf``); entries keep no
per-field counts; file names are keyed digests unless kept on request.  Schema 1 (read
still): salted SHA-256 or a key used unstretched, counts in clear.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from .._core import ManifestError, UsageError
from .digests import Sealer
from .keys import Key, KeyLike, find_stored_key, key_dir, legacy_key, require_key_id, resolve_key

__all__ = [
    "FORMAT_NAME",
    "SCHEMA_VERSION",
    "check_header",
    "head_text",
    "manifest_warnings",
    "open_sealer",
]

SCHEMA_VERSION: Final = 2
FORMAT_NAME: Final = "contactguard-manifest"
ALGORITHMS: Final = frozenset({"hmac-sha256", "salted-sha256"})


def check_header(header: Mapping[str, Any], where: str = "manifest") -> int:
    """The schema version of a manifest header, or ManifestError."""
    if header.get("format") != FORMAT_NAME:
        raise ManifestError(f"{where}: not a contactguard manifest (no 'format' field)")
    version = header.get("schema_version")
    if not isinstance(version, int) or not 1 <= version <= SCHEMA_VERSION:
        raise ManifestError(f"manifest schema_version {version!r} is not one this "
                            f"version reads (1..{SCHEMA_VERSION})")
    if header.get("algorithm") not in ALGORITHMS:
        raise ManifestError(f"unknown manifest algorithm {header.get('algorithm')!r}")
    if version >= 2 and header["algorithm"] == "hmac-sha256" and not isinstance(
            header.get("key_id"), str):
        raise ManifestError("a keyed manifest of schema 2 must name its key (key_id)")
    return version


def signature_mismatch(header: Mapping[str, Any]) -> str:
    """Why a keyed manifest's signature does not match.  From schema 2 the key's id was
    checked first, so the key is the right one and the manifest was altered; a schema 1
    manifest has no key id, so either may be the cause."""
    if header.get("key_id") and header.get("schema_version", 1) != 1:
        return ("manifest signature does not match: the manifest was altered after it was "
                "written (the key is the right one: its id matches)")
    return "manifest signature does not match: it was altered, or the key is wrong"


def open_sealer(header: Mapping[str, Any], key: KeyLike | None
                ) -> tuple[Sealer, Key | None]:
    """The digest function of the manifest whose header is ``header``, under ``key``
    (found in the key folder by id when ``None`` and the manifest is keyed)."""
    version = check_header(header)
    try:
        salt = bytes.fromhex(str(header["salt"]))
    except (KeyError, ValueError):
        raise ManifestError("manifest salt is missing or not hex") from None
    if header["algorithm"] != "hmac-sha256":
        if key is not None:
            raise UsageError("this manifest has no key; it was built without one")
        return Sealer(salt, None, legacy=version == 1), None
    if version == 1:
        if key is None:
            raise UsageError("this manifest is keyed: pass the key it was built with")
        k = legacy_key(key)
        return Sealer(salt, k.material, legacy=True), k
    key_id = str(header["key_id"])
    if key is None:
        found = find_stored_key(key_id) if header.get("kdf") is None else None
        if found is None:
            how = ("its passphrase" if header.get("kdf") is not None else
                   f"its key (no key file {key_id}.key in {key_dir()})")
            raise UsageError(f"this manifest is keyed (key {key_id}): pass {how}")
        k = found
    else:
        k = resolve_key(key, kdf=header.get("kdf"))
    require_key_id(k, key_id)
    return Sealer(salt, k.material), k


def manifest_warnings(header: Mapping[str, Any]) -> tuple[str, ...]:
    """What a reader of this manifest should know about what it protects."""
    version = header.get("schema_version")
    keyed = header.get("algorithm") == "hmac-sha256"
    if version == 1 and not keyed:
        return ("this manifest is of schema 1 and unkeyed: anyone holding it can test "
                "guesses at a contact's phone number or name offline; it still verifies, "
                "but rebuild it (keyed by default) to keep it private",)
    if version == 1:
        return ("this manifest is of schema 1: its key was used unstretched and its "
                "per-field counts are in clear; rebuild it to keep it private",)
    if not keyed:
        return ("this manifest is unkeyed (integrity only): it detects damage, but anyone "
                "holding it can test guesses at a contact's data; do not share it",)
    return ()


def head_text(header: dict[str, Any]) -> str:
    """The manifest file up to and including ``"contacts": [`` (see Manifest.dumps)."""
    return json.dumps(header, indent=2, sort_keys=True, ensure_ascii=False)[:-2]
