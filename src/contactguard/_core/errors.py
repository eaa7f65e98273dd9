"""The exceptions contactguard raises.

Exceptions are for misuse and for callers who ask for strictness; damaged *data* is
reported as a :class:`~contactguard.Finding` instead.  Hierarchy::

    ContactGuardError                       root of everything contactguard raises
    ├── ParseError(…, ValueError)           strict=True met damaged input (file, line, column)
    ├── UsageError(…, ValueError)           bad arguments: unknown format, bad region, bad key
    ├── SourceError(…, OSError)             a path that cannot be opened or read
    │   ├── CredentialsError                a server refused the credentials, or a
    │   │                                   passphrase does not open an archive
    │   └── IncompleteSourceError           a remote copy could be read only in part
    └── ManifestError(…, ValueError)        a manifest that is malformed, of an unknown schema,
        └── ManifestSignatureError          or whose HMAC does not match the key
"""

from __future__ import annotations

__all__ = [
    "ContactGuardError",
    "CredentialsError",
    "IncompleteSourceError",
    "ManifestError",
    "ManifestSignatureError",
    "ParseError",
    "SourceError",
    "UsageError",
    "expect",
]


class ContactGuardError(Exception):
    """Root of every exception contactguard raises on purpose."""


class UsageError(ContactGuardError, ValueError):
    """An argument is not one contactguard accepts."""


class SourceError(ContactGuardError, OSError):
    """A source (path, folder, archive, file object) cannot be opened or read at all."""


class CredentialsError(SourceError):
    """A server answered 401/403, or a passphrase or identity does not open an archive.

    The message names the place and never the secret.
    """


class IncompleteSourceError(SourceError):
    """A remote copy could be read only in part (the listing or a download broke off).

    Raised rather than reporting what was read: a copy read in part must not make any
    contact look missing.
    """


class ManifestError(ContactGuardError, ValueError):
    """A manifest file is malformed or of a schema this version cannot read."""


class ManifestSignatureError(ManifestError):
    """A keyed manifest's HMAC does not match: it was altered, or the key is wrong."""


class ParseError(ContactGuardError, ValueError):
    """Raised instead of recording a finding when the caller asked for ``strict=True``.

    The message says where: ``"card has no END (in backup.vcf, at line 12, column 1)"``.
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | None = None,
        line: int | None = None,
        column: int | None = None,
        kind: str | None = None,
    ) -> None:
        self.msg = message
        self.source = source
        self.line = line
        self.column = column
        self.kind = kind
        where = []
        if source:
            where.append(f"in {source}")
        if line is not None:
            where.append(f"at line {line}" + (f", column {column}" if column is not None else ""))
        super().__init__(f"{message} ({', '.join(where)})" if where else message)


def expect(value: object, kind: type | tuple[type, ...], what: str) -> None:
    """Raise :class:`UsageError` unless ``value`` is a ``kind`` (public entry points check
    their arguments with this, so misuse never surfaces as TypeError or AttributeError)."""
    if not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise UsageError(f"{what} must be {names}, not {type(value).__name__}")


for _cls in (ContactGuardError, UsageError, SourceError, ManifestError, ManifestSignatureError,
             ParseError, CredentialsError, IncompleteSourceError):
    _cls.__module__ = "contactguard"
