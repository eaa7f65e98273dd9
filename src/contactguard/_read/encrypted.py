"""Encrypted archives: AES or ZipCrypto zips (pyzipper), 7z (py7zr) and age (pyrage).

Each is opened in memory with the passphrase (or, for age, an ``AGE-SECRET-KEY-…``
identity) from the same secret options as a server password, and read under the same
:class:`Limits` as a plain zip: entry sizes, compression ratio, total size and member
count.  A wrong passphrase is :class:`CredentialsError`; a missing one is
:class:`UsageError`; both name the archive, never the secret.  The libraries are optional
(``contactguard[encrypted]``).
"""

from __future__ import annotations

import io
import lzma
import zipfile
import zlib
from pathlib import PurePosixPath
from typing import Final

from .._core import CredentialsError, SourceError, UsageError
from .._model import Finding
from .secrets import Access
from .sources import CONTACT_SUFFIXES, Limits, Member, _zip_members

__all__ = ["AGE_MAGIC", "SEVEN_ZIP_MAGIC", "is_sealed", "unseal", "zip_is_encrypted"]

SEVEN_ZIP_MAGIC: Final = b"7z\xbc\xaf\x27\x1c"
AGE_MAGIC: Final = b"age-encryption.org/"
_AGE_ARMOR: Final = b"-----BEGIN AGE ENCRYPTED FILE-----"
_NEEDS: Final = "pip install 'contactguard[encrypted]'"


def is_sealed(head: bytes) -> bool:
    """Whether ``head`` (the first bytes) starts a 7z or age file.

    >>> is_sealed(b"7z\\xbc\\xaf\\x27\\x1c"), is_sealed(b"age-encr"), is_sealed(b"BEGIN:VC")
    (True, True, False)
    """
    return head[:4] in {SEVEN_ZIP_MAGIC[:4], AGE_MAGIC[:4]}


def zip_is_encrypted(data: bytes) -> bool:
    """Whether any entry of the zip in ``data`` is encrypted (flag bit 0)."""
    try:
        return any(i.flag_bits & 0x1 for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _need(access: Access, label: str) -> str:
    if access.passphrase is None:
        raise UsageError(f"{label} is encrypted: give its passphrase with --password-env or "
                         "--password-file (passphrase= in Python)")
    return access.passphrase.reveal()


def _wrong(label: str) -> CredentialsError:
    return CredentialsError(f"{label}: wrong passphrase (the archive cannot be decrypted "
                            "with it)")


def _aes_zip(label: str, data: bytes, limits: Limits, findings: list[Finding],
             access: Access) -> list[Member]:
    try:
        import pyzipper  # noqa: PLC0415 - optional extra
    except ImportError:
        raise UsageError(f"{label} is an encrypted zip; reading it needs pyzipper: {_NEEDS}"
                         ) from None
    password = _need(access, label).encode("utf-8")

    def opener(fh: io.BytesIO) -> zipfile.ZipFile:
        archive = pyzipper.AESZipFile(fh)
        archive.setpassword(password)
        return archive  # type: ignore[no-any-return]

    # try the passphrase on the smallest encrypted entry before reading any
    probe = opener(io.BytesIO(data))
    sealed = sorted((i for i in probe.infolist() if i.flag_bits & 0x1),
                    key=lambda i: i.compress_size)
    if sealed:
        try:
            with probe.open(sealed[0]) as fh:
                fh.read(1)
        except RuntimeError as exc:
            if "password" in str(exc).lower():
                raise _wrong(label) from None
            raise
    return list(_zip_members(label, data, limits, findings, open_zip=opener))


def _seven_zip(label: str, data: bytes, limits: Limits, findings: list[Finding],
               access: Access) -> list[Member]:
    try:
        import py7zr  # noqa: PLC0415 - optional extra
        import py7zr.exceptions  # noqa: PLC0415
        import py7zr.io  # noqa: PLC0415
    except ImportError:
        raise UsageError(f"{label} is a 7z archive; reading it needs py7zr: {_NEEDS}"
                         ) from None
    password = access.passphrase.reveal() if access.passphrase is not None else None
    bad = (py7zr.exceptions.Bad7zFile, py7zr.exceptions.CrcError,
           py7zr.exceptions.DecompressionError, py7zr.exceptions.UnsupportedCompressionMethodError,
           OSError, ValueError, EOFError, KeyError, lzma.LZMAError, zlib.error)
    try:
        archive = py7zr.SevenZipFile(io.BytesIO(data), password=password)
    except py7zr.exceptions.PasswordRequired:
        _need(access, label)
        raise  # unreachable: _need raised
    except bad as exc:
        if password is not None:
            raise _wrong(label) from None
        raise SourceError(f"{label} cannot be opened as 7z: {exc}") from None
    with archive:
        if archive.needs_password() and password is None:
            _need(access, label)
        infos = [i for i in archive.list() if not i.is_directory
                 and PurePosixPath(i.filename).suffix.lower() in CONTACT_SUFFIXES
                 and not PurePosixPath(i.filename).name.startswith("._")]
        if len(infos) > limits.max_members:
            findings.append(Finding.of("limit-exceeded", f"archive holds {len(infos)} contact "
                                       f"files; read the first {limits.max_members}",
                                       source=label))
            infos = infos[: limits.max_members]
        packed = max(len(data), 1)
        total = sum(i.uncompressed for i in infos)
        wanted: list[str] = []
        for info in infos:
            ratio = info.uncompressed / max(info.compressed or packed, 1)
            if (info.uncompressed > limits.max_file_bytes
                    or ratio > limits.max_compression_ratio
                    or total / packed > limits.max_compression_ratio
                    or total > limits.max_archive_bytes):
                findings.append(Finding.of(
                    "limit-exceeded", f"entry expands to {info.uncompressed:,} bytes (ratio "
                    f"{ratio:.0f}:1), over the configured limits; skipped",
                    source=f"{label}!{info.filename}"))
                continue
            wanted.append(info.filename)
        if not wanted:
            return []
        factory = py7zr.io.BytesIOFactory(limits.max_file_bytes + 1)
        try:
            archive.extract(targets=wanted, factory=factory)
        except bad as exc:
            if password is not None:
                raise _wrong(label) from None
            raise SourceError(f"{label} cannot be read as 7z: {exc}") from None
    out = []
    for filename in sorted(wanted):
        try:
            body = factory.get(filename).read()  # type: ignore[no-untyped-call]
        except KeyError:
            findings.append(Finding.of("unreadable-entry", "entry cannot be read",
                                       source=f"{label}!{filename}"))
            continue
        out.append(Member(f"{label}!{filename}", bytes(body)))
    return out


def _age(label: str, data: bytes, limits: Limits, findings: list[Finding],
         access: Access) -> list[Member]:
    try:
        import pyrage  # noqa: PLC0415 - optional extra
    except ImportError:
        raise UsageError(f"{label} is age-encrypted; reading it needs pyrage: {_NEEDS}"
                         ) from None
    secret = _need(access, label).strip()
    if data.startswith(_AGE_ARMOR):
        raise UsageError(f"{label} is ASCII-armored age: de-armor it first "
                         "(age -d -o copy.age is not needed; use a binary .age file)")
    try:
        if secret.startswith("AGE-SECRET-KEY-"):
            plain = pyrage.decrypt(data, [pyrage.x25519.Identity.from_str(secret)])
        else:
            plain = pyrage.passphrase.decrypt(data, secret)
    except (pyrage.DecryptError, pyrage.IdentityError):
        raise _wrong(label) from None
    if len(plain) > limits.max_file_bytes:
        raise SourceError(f"{label} decrypts to more than {limits.max_file_bytes:,} bytes")
    if plain[:4] == b"PK\x03\x04":
        return unseal(label, plain, limits, findings, access)
    return [Member(label, plain)]


def unseal(label: str, data: bytes, limits: Limits, findings: list[Finding],
           access: Access) -> list[Member]:
    """The members of the (possibly encrypted) archive in ``data``, named ``label!entry``."""
    if data.startswith(SEVEN_ZIP_MAGIC):
        return _seven_zip(label, data, limits, findings, access)
    if data.startswith((AGE_MAGIC, _AGE_ARMOR)):
        return _age(label, data, limits, findings, access)
    if zip_is_encrypted(data):
        return _aes_zip(label, data, limits, findings, access)
    return list(_zip_members(label, data, limits, findings))
