"""Manifest keys: where they come from, how they are named, where they are kept.

A key is 32 bytes that only its owner holds.  It comes from one of:

* **a random key** — :func:`generate_key` (what ``contactguard manifest`` does when given
  none), kept in a key file: 64 hex digits, mode 0600, in the key folder
  (:func:`key_dir`: ``$CONTACTGUARD_KEY_DIR``, else ``keys/`` under
  ``platformdirs.user_config_dir("contactguard")``), named ``<key id>.key``;
* **a key file** (``Path``) — one holding 32 bytes as 64 hex digits or base64;
* **raw bytes** — at least 32 of them, random;
* **a passphrase** (``str``) — refused below the floor of :func:`check_passphrase`, then
  stretched with scrypt (see :mod:`.kdf`) under parameters stored in the manifest.

Every manifest records the **key id**, ``HMAC-SHA256(key, "contactguard key id")`` cut to
16 bytes: it tells which key verifies the manifest (and finds a stored key by name) without
revealing anything about the key.  The key itself is never written into a manifest, a
report, a message or a repr.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeAlias

from .._core import ManifestSignatureError, SourceError, UsageError
from .kdf import derive, new_kdf_params

__all__ = ["KEY_DIR_ENV", "Key", "KeyLike", "check_passphrase", "find_stored_key",
           "generate_key", "key_dir", "key_id_of", "resolve_key", "store_key"]

KEY_DIR_ENV: Final = "CONTACTGUARD_KEY_DIR"
KEY_BYTES: Final = 32
_ID_LABEL: Final = b"contactguard key id"
_KEY_ID: Final = re.compile(r"[0-9a-f]{32}\Z")

#: Passwords and passphrases that cracking dictionaries try first and that pass the length
#: rule, compared without case, spaces or punctuation (see :func:`check_passphrase`).
COMMON_PASSPHRASES: Final = frozenset({
    "correcthorsebatterystaple", "passwordpassword", "password1234", "password123456",
    "123456789012", "1234567890123", "qwertyuiop123", "qwertyuiopasdf", "1q2w3e4r5t6y",
    "1qaz2wsx3edc", "iloveyou1234", "letmeinletmein", "trustno1trustno1", "changemenow1",
    "administrator", "administrator1", "welcome12345", "football1234", "baseballbaseball",
    "abcdefghijkl", "abcdefghijklmnop", "qwertyqwerty", "asdfghjklasdf", "zxcvbnmzxcvbnm",
    "princessprincess", "sunshine1234", "monkeymonkey", "dragondragon", "masterpassword",
    "mypassword123", "mysecretpassword", "supersecretpassword", "thisismypassword",
    "woaini1314520", "woainiwoaini", "contactguard", "contactguardkey", "mybackupkey",
})

KeyLike: TypeAlias = "Key | bytes | str | os.PathLike[str]"


@dataclass(frozen=True, slots=True, repr=False)
class Key:
    """A manifest key: 32 secret bytes, and how they were obtained.

    ``origin`` is ``random``, ``key file``, ``bytes``, ``passphrase`` or ``schema 1`` (a
    key used as given, for manifests of schema 1).  ``kdf`` holds the scrypt parameters a
    passphrase was stretched with; ``path`` the key file it was read from or stored in.
    ``str()`` and ``repr()`` show the key id only; the bytes are :attr:`material`.
    """

    material: bytes = field(repr=False)
    origin: str
    kdf: Mapping[str, Any] | None = None
    path: Path | None = None

    @property
    def key_id(self) -> str:
        """The public name of this key (32 hex digits); reveals nothing about it."""
        return key_id_of(self.material)

    def __repr__(self) -> str:
        return f"<Key {self.key_id} ({self.origin})>"

    __str__ = __repr__


Key.__module__ = "contactguard"


def key_id_of(material: bytes) -> str:
    return hmac.new(material, _ID_LABEL, hashlib.sha256).digest()[:16].hex()


def generate_key() -> Key:
    """A new random 256-bit key (not yet stored: see :func:`store_key`)."""
    return Key(secrets.token_bytes(KEY_BYTES), "random")


def key_dir() -> Path:
    """Where generated keys are kept: ``$CONTACTGUARD_KEY_DIR``, else ``keys/`` in the
    user's config folder (``platformdirs.user_config_dir("contactguard")``)."""
    override = os.environ.get(KEY_DIR_ENV)
    if override:
        return Path(override)
    import platformdirs  # noqa: PLC0415 - only a command that keeps keys needs it

    return Path(platformdirs.user_config_dir("contactguard")) / "keys"


def store_key(key: Key, path: str | os.PathLike[str] | None = None) -> Path:
    """Write ``key`` to ``path`` (default: ``<key dir>/<key id>.key``), mode 0600, its
    folder 0700; an existing file is kept if it holds the same key, else refused."""
    if key.kdf is not None:
        raise UsageError("a key stretched from a passphrase is not stored: keep the "
                         "passphrase instead")
    target = Path(path) if path is not None else key_dir() / f"{key.key_id}.key"
    if path is None:
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(target.parent, 0o700)
    text = key.material.hex() + "\n"
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if read_key_file(target).material == key.material:
            return target
        raise UsageError(f"refusing to overwrite the key file {target}: it holds another "
                         "key") from None
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(text)
    return target


def read_key_file(path: str | os.PathLike[str]) -> Key:
    """The key in a key file: 32 bytes as 64 hex digits, or as base64."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("ascii").strip()
    except OSError as exc:
        raise SourceError(f"cannot read the key file {p}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        text = ""
    material = b""
    if re.fullmatch(r"[0-9a-fA-F]{64}", text):
        material = bytes.fromhex(text)
    else:
        try:
            material = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            material = b""
    if len(material) != KEY_BYTES:
        raise UsageError(f"the key file {p} does not hold a key (32 bytes as 64 hex digits "
                         "or as base64); a passphrase goes in --key-env instead")
    return Key(material, "key file", path=p)


def find_stored_key(key_id: str) -> Key | None:
    """The stored key named ``key_id`` in :func:`key_dir`, if there is one."""
    if not _KEY_ID.match(key_id):
        return None
    path = key_dir() / f"{key_id}.key"
    if not path.is_file():
        return None
    key = read_key_file(path)
    return key if key.key_id == key_id else None


def check_passphrase(passphrase: str) -> None:
    """Refuse a passphrase that a dictionary attack would try early.

    The floor, a rule one can state rather than an estimate: at least 12 characters, at
    least 6 different ones, not digits only (a phone number or a date is guessed in
    seconds), and not on :data:`COMMON_PASSPHRASES`.  Each guess costs a 64 MiB scrypt, so
    what passes is out of reach of a dictionary; a generated key is better still.

    >>> check_passphrase("tundra-kettle-oboe-meridian")
    >>> check_passphrase("s3cret")
    Traceback (most recent call last):
    ...
    contactguard.UsageError: the passphrase is too short: it has 6 characters, and a \
manifest passphrase needs at least 12 (or let contactguard generate a key)
    """
    if not isinstance(passphrase, str):
        raise UsageError("a passphrase must be a str")
    text = passphrase.strip()
    folded = re.sub(r"[\W_]+", "", text.casefold())
    hint = " (or let contactguard generate a key)"
    if len(text) < 12:
        raise UsageError(f"the passphrase is too short: it has {len(text)} characters, and a "
                         f"manifest passphrase needs at least 12{hint}")
    if len(set(text)) < 6:
        raise UsageError("the passphrase repeats too few characters: it needs at least 6 "
                         f"different ones{hint}")
    if folded.isdigit():
        raise UsageError("the passphrase is digits only, which is guessed like a phone "
                         f"number or a date{hint}")
    if folded in COMMON_PASSPHRASES:
        raise UsageError(f"the passphrase is on the list of common passwords that attacks "
                         f"try first{hint}")


def resolve_key(key: KeyLike, *, kdf: Mapping[str, Any] | None = None) -> Key:
    """Turn what a caller passed as ``key`` into a :class:`Key`.

    A ``str`` is a passphrase: checked, then stretched under ``kdf`` (the manifest's
    parameters when verifying; fresh ones with a random salt when building).
    """
    if isinstance(key, Key):
        return key
    if isinstance(key, bytes):
        if len(key) < KEY_BYTES:
            raise UsageError(f"a raw manifest key must be at least {KEY_BYTES} random "
                             f"bytes, not {len(key)}; a passphrase is passed as a str")
        return Key(key, "bytes")
    if isinstance(key, str):
        check_passphrase(key)
        params = dict(kdf) if kdf is not None else new_kdf_params()
        return Key(derive(key, params), "passphrase", kdf=params)
    if isinstance(key, os.PathLike):
        return read_key_file(key)
    raise UsageError("a manifest key is a contactguard.Key, bytes (a raw key), a str (a "
                     f"passphrase) or a path (a key file), not {type(key).__name__}")


def legacy_key(key: KeyLike) -> Key:
    """A key as schema 1 used it: the bytes given, unstretched."""
    if isinstance(key, Key):
        return key
    if isinstance(key, os.PathLike):
        try:
            data = Path(key).read_bytes().rstrip(b"\r\n")
        except OSError as exc:
            raise SourceError(f"cannot read the key file {key}: {exc.strerror or exc}"
                              ) from None
    elif isinstance(key, str):
        data = key.encode("utf-8")
    elif isinstance(key, bytes):
        data = key
    else:
        raise UsageError(f"a manifest key cannot be a {type(key).__name__}")
    if not data:
        raise UsageError("a manifest key must not be empty")
    return Key(data, "schema 1")


def require_key_id(key: Key, key_id: str | None) -> None:
    """Refuse a key whose id is not the one a manifest was built with."""
    if key_id is not None and not hmac.compare_digest(key.key_id, key_id):
        raise ManifestSignatureError(
            f"this is not the manifest's key: the manifest was built with key {key_id}, "
            f"the key given is {key.key_id}")
