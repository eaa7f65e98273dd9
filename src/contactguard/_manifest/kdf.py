"""Stretching passphrases into manifest keys (scrypt, from the standard library).

Why scrypt and not Argon2id: both are memory-hard; ``hashlib.scrypt`` ships with every
CPython linked against OpenSSL ≥ 1.1, so a key can be derived with no extra wheel to build,
audit or keep current, and the parameters are plain integers that fit in a manifest.

The parameters (``n=2**16, r=8, p=1``) make one derivation touch 128·n·r = 64 MiB and take
about a quarter of a second on one core of the machine the benchmarks ran on
(``benchmarks/bench_kdf.py``; at least 50 ms is the floor the docs promise).  They are
stored in the manifest with a random salt, so a later release may raise them without
breaking old manifests.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from typing import Any, Final

from .._core import ManifestError

__all__ = ["KDF_NAME", "SCRYPT_N", "SCRYPT_P", "SCRYPT_R", "derive", "new_kdf_params"]

KDF_NAME: Final = "scrypt"
SCRYPT_N: Final = 2**16
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
#: Bounds a manifest's parameters must respect: below, guessing is cheap; above, a hostile
#: manifest could make verification allocate gigabytes.
_MIN_N: Final = 2**14
_MAX_N: Final = 2**20
_MAX_MEMORY: Final = 1 << 31


def new_kdf_params(salt: bytes | None = None) -> dict[str, Any]:
    """Fresh scrypt parameters with a random 16-byte salt (as stored in a manifest)."""
    return {"name": KDF_NAME, "n": SCRYPT_N, "r": SCRYPT_R, "p": SCRYPT_P,
            "salt": (salt if salt is not None else os.urandom(16)).hex()}


def derive(passphrase: str, params: Mapping[str, Any]) -> bytes:
    """The 32-byte key that ``passphrase`` stretches to under ``params``."""
    try:
        name, n, r, p = params["name"], int(params["n"]), int(params["r"]), int(params["p"])
        salt = bytes.fromhex(str(params["salt"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ManifestError(f"manifest key derivation parameters are malformed: {exc!r}"
                            ) from None
    memory = 128 * n * r * p
    if (name != KDF_NAME or not _MIN_N <= n <= _MAX_N or n & (n - 1) or not 1 <= r <= 32
            or not 1 <= p <= 16 or memory > _MAX_MEMORY or len(salt) < 16):
        raise ManifestError(f"manifest key derivation {name!r} with n={n}, r={r}, p={p} is "
                            "outside what this version accepts")
    return hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=n, r=r, p=p,
                          maxmem=memory + (1 << 24), dklen=32)
