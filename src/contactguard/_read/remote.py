"""Remote copies: CardDAV accounts and files or folders behind fsspec URLs.

``carddav://`` and ``carddavs://`` go to :mod:`.carddav`; every other URL
(``webdav://``, ``sftp://``, ``s3://``, ``oss://``, …) is opened with
`fsspec <https://filesystem-spec.readthedocs.io/>`_, whose backends are optional extras
(``contactguard[webdav]``, ``[sftp]``, ``[s3]``).  ``storage_options`` follow pandas'
convention: a dict handed to the backend as it is.  A plain file is streamed from the
server in blocks (a 1M-card file is never held whole); zips and encrypted archives are read
into memory under the same :class:`Limits` as local ones.  Reports name a remote member by
its URL with any user information removed.
"""

from __future__ import annotations

import datetime
import email.utils
import math
import re
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Final

from .._core import CredentialsError, IncompleteSourceError, SourceError, UsageError
from .._model import Finding
from .carddav import SCHEMES, book_members
from .secrets import Access, Auth
from .sources import CHUNK, CONTACT_SUFFIXES, Limits, Member

__all__ = ["StreamedMember", "is_url", "mask_location", "mask_url", "remote_members",
           "remote_modified"]

_URL: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: Extras that provide each fsspec protocol, for the message when one is missing.
EXTRAS: Final = {"webdav": "webdav", "webdavs": "webdav", "dav": "webdav", "sftp": "sftp",
                 "ssh": "sftp", "s3": "s3", "s3a": "s3", "oss": "oss"}
#: Protocols whose backend takes a user and password as ``auth=(user, password)``.
_HTTP_AUTH: Final = frozenset({"webdav", "webdavs", "dav"})
#: Protocols whose backend takes an access key as ``key=`` and ``secret=`` (s3fs, ossfs):
#: ``--user`` is the key id, the password its secret.
_KEY_AUTH: Final = frozenset({"s3", "s3a", "oss"})
#: Protocols whose backend takes ``username=`` and ``password=``.
_SSH_AUTH: Final = frozenset({"sftp", "ssh"})


def is_url(source: str) -> bool:
    """Whether ``source`` is a URL (``scheme://…``) rather than a local path.

    >>> is_url("webdav://nas/backup.vcf"), is_url("C:/backup.vcf"), is_url("backup.vcf")
    (True, False, False)
    """
    return bool(_URL.match(source))


def mask_url(url: str) -> str:
    """``url`` without user information, as reports name it.

    >>> mask_url("sftp://ada@nas:2222/backups/contacts.vcf")
    'sftp://nas:2222/backups/contacts.vcf'
    """
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def mask_location(source: str) -> str:
    """A path as it is, a URL without its user information."""
    return mask_url(source) if is_url(source) else source


@dataclass(frozen=True, slots=True)
class StreamedMember(Member):
    """A member read from a remote file in blocks, opened again for each pass.

    A connection that drops mid-file (a server's send timeout while a slow reader parses,
    a flaky link) is reopened at the offset reached, up to ``attempts`` times with
    backoff; after that the copy is :class:`IncompleteSourceError`, never a short file.
    """

    opener: Callable[[], AbstractContextManager[IO[bytes]]] | None = None
    attempts: int = 3
    backoff: float = 0.5

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        if self.opener is None:
            yield from Member.chunks(self, size)
            return
        offset, failures = 0, 0
        while True:
            try:
                with self.opener() as fh:
                    if offset:
                        fh.seek(offset)
                    while block := fh.read(size):
                        offset += len(block)
                        failures = 0
                        yield block
                    return
            except (FileNotFoundError, PermissionError):
                raise
            except Exception as exc:  # noqa: BLE001 - each backend has its own transport errors
                failures += 1
                if failures >= self.attempts:
                    raise IncompleteSourceError(
                        f"{self.name}: the connection failed after {offset:,} bytes "
                        f"({type(exc).__name__}, {self.attempts} attempts): the copy was "
                        "read only in part, so it is not verified (no contact is called "
                        "missing because of it)") from None
                time.sleep(self.backoff * 2 ** (failures - 1))


def _storage_options(url: str, access: Access) -> dict[str, Any]:
    options = dict(access.storage_options)
    # fsspec caches filesystems by their arguments: a password must not live on in a
    # process-wide cache, and each copy gets a fresh connection
    options.setdefault("skip_instance_cache", True)
    auth = access.auth
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    user = urllib.parse.urlsplit(url).username
    if auth is not None and auth.token is not None and user:
        auth = Auth(user, auth.token)  # the URL names the user: the secret is a password
    if auth is not None and auth.token is not None and scheme in _HTTP_AUTH:
        options.setdefault("headers", {"Authorization": f"Bearer {auth.token.reveal()}"})
    elif auth is not None and auth.password is not None:
        name = auth.user or user or ""
        if scheme in _HTTP_AUTH:
            options.setdefault("auth", (name, auth.password.reveal()))
        elif scheme in _KEY_AUTH:  # an access key id and its secret
            options.setdefault("key", name)
            options.setdefault("secret", auth.password.reveal())
        elif scheme in _SSH_AUTH:
            options.setdefault("username", name)
            options.setdefault("password", auth.password.reveal())
    elif scheme in _SSH_AUTH and user:
        options.setdefault("username", user)
    if scheme not in _SSH_AUTH:
        options.pop("known_hosts", None)  # an SSH option: one command may mix backends
    else:
        # sshfs would accept any host key (known_hosts=None); check it as ssh does, and
        # trust none when there is no known_hosts file
        known = Path("~/.ssh/known_hosts").expanduser()
        options.setdefault("known_hosts", str(known) if known.is_file() else ())
    return options


def _open_fs(url: str, access: Access) -> tuple[Any, str]:
    try:
        import fsspec  # noqa: PLC0415 - optional extra
    except ImportError:
        raise UsageError(f"reading {mask_url(url)} needs fsspec: pip install "
                         "'contactguard[webdav]' (or [sftp], [s3])") from None
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    target = url
    if scheme in {"webdav", "webdavs", "dav"}:
        # webdav4 wants the server's http(s) base and a path inside it
        parts = urllib.parse.urlsplit(url)
        http = "https" if scheme == "webdavs" else "http"
        options = _storage_options(url, access)
        options.setdefault("base_url", f"{http}://{parts.netloc.rpartition('@')[2]}")
        try:
            fs = fsspec.filesystem("webdav", **options)
        except ImportError:
            raise UsageError(f"reading {mask_url(url)} needs webdav4: pip install "
                             "'contactguard[webdav]'") from None
        return fs, urllib.parse.unquote(parts.path)
    try:
        fs, path = fsspec.core.url_to_fs(target, **_storage_options(url, access))
    except ImportError:
        extra = EXTRAS.get(scheme, scheme)
        raise UsageError(f"reading {scheme}:// URLs needs its fsspec backend: pip install "
                         f"'contactguard[{extra}]'") from None
    except ValueError as exc:
        raise UsageError(f"{mask_url(url)}: {exc}") from None
    return fs, path


def _refuse_password(url: str) -> None:
    if urllib.parse.urlsplit(url).password is not None:
        raise UsageError("the URL holds a password: it would be kept in shell history, "
                         "process lists and reports; remove it and give the password with "
                         "--password-env, --password-file, ~/.netrc or the keyring")


def _fs_error(exc: BaseException, label: str) -> SourceError:
    text = str(exc)
    if isinstance(exc, PermissionError) or any(
            s in text for s in ("401", "403", "Unauthorized", "Permission denied",
                                "Authentication failed", "auth")):
        return CredentialsError(f"{label}: wrong credentials (the server refused them)")
    if "NoCredentialsError" in type(exc).__name__ + text or "locate credentials" in text:
        return CredentialsError(f"{label}: no credentials for the server; give --user "
                                "KEY_ID with --password-env VAR (the secret key), or the "
                                "backend's own settings (AWS_ACCESS_KEY_ID, ~/.aws)")
    if "Host key is not trusted" in text or "HostKeyNotVerifiable" in type(exc).__name__:
        return SourceError(f"{label}: the server's host key is not in ~/.ssh/known_hosts; "
                           "add it (ssh-keyscan), or give --storage-option known_hosts=null "
                           "to skip the check on a network you trust")
    if isinstance(exc, FileNotFoundError):
        return SourceError(f"{label}: no such file or folder on the server")
    return SourceError(f"cannot read {label}: {type(exc).__name__}: {text[:200]}")


def _close_fs(fs: Any) -> None:
    """Close what a backend holds open: webdav4's httpx client, sshfs's SSH connection."""
    client: Any = getattr(fs, "client", None)
    http: Any = getattr(client, "http", None)
    if callable(getattr(http, "close", None)):
        http.close()
    loop = getattr(fs, "loop", None)
    if loop is not None and callable(getattr(client, "wait_closed", None)):
        import fsspec.asyn  # noqa: PLC0415 - only reached with an fsspec backend loaded

        loop.call_soon_threadsafe(client.close)
        fsspec.asyn.sync(loop, client.wait_closed, timeout=10)


class _Reopened:
    """A remote file opened afresh (own connection), closed with its connection."""

    def __init__(self, url: str, path: str, access: Access) -> None:
        self.url, self.path, self.access = url, path, access
        self.fs: Any = None
        self.fh: IO[bytes] | None = None

    def __enter__(self) -> IO[bytes]:
        self.fs, _ = _open_fs(self.url, self.access)
        self.fh = self.fs.open(self.path, "rb")
        return self.fh

    def __exit__(self, *exc: object) -> None:
        try:
            if self.fh is not None:
                self.fh.close()
        finally:
            _close_fs(self.fs)


def _file_members(fs: Any, path: str, label: str, *, url: str, access: Access,
                  limits: Limits, findings: list[Finding], top: bool) -> list[Member]:
    from .encrypted import is_sealed, unseal  # noqa: PLC0415 - encrypted imports sources

    size = fs.size(path)
    if size is not None and size > limits.max_file_bytes:
        if top:
            raise SourceError(f"{label} is over {limits.max_file_bytes:,} bytes "
                              f"({size:,} bytes); raise Limits.max_file_bytes to read it")
        findings.append(Finding.of("limit-exceeded", f"file is over "
                                   f"{limits.max_file_bytes:,} bytes ({size:,} bytes); "
                                   "skipped", source=label))
        return []
    with fs.open(path, "rb") as fh:
        head = fh.read(8)
    if head[:4] != b"PK\x03\x04" and not is_sealed(head):
        return [StreamedMember(label, opener=lambda: _Reopened(url, path, access),
                               attempts=access.attempts, backoff=access.backoff)]
    with fs.open(path, "rb") as fh:
        data = fh.read(limits.max_file_bytes + 1)
    if is_sealed(data[:8]) or data[:4] == b"PK\x03\x04":
        return unseal(label, data, limits, findings, access)
    return [Member(label, data)]


@contextmanager
def _connected(url: str, access: Access, label: str) -> Iterator[tuple[Any, str]]:
    """The backend's filesystem and the path in it, closed on the way out; any error of the
    backend inside the block becomes a :class:`SourceError` naming ``label``."""
    fs: Any = None
    try:
        fs, path = _open_fs(url, access)
        yield fs, path
    except (SourceError, UsageError):
        raise
    except Exception as exc:  # noqa: BLE001 - each backend raises its own; say which copy
        raise _fs_error(exc, label) from None
    finally:
        _close_fs(fs)


def remote_members(url: str, access: Access, limits: Limits,
                   findings: list[Finding]) -> tuple[str, list[Member]]:
    """The members at ``url``: a CardDAV book's cards, or a remote file, folder or zip."""
    _refuse_password(url)
    scheme = urllib.parse.urlsplit(url).scheme.lower()
    if scheme in SCHEMES:
        return book_members(url, access, limits, findings)
    label = mask_url(url)
    with _connected(url, access, label) as (fs, path):
        if not fs.isdir(path):
            return label, _file_members(fs, path, label, url=url, access=access, limits=limits,
                                              findings=findings, top=True)
        root = label.rstrip("/")
        members: list[Member] = []
        found = sorted(p for p in fs.find(path)
                       if (p.rsplit(".", 1)[-1].lower() in {s[1:] for s in CONTACT_SUFFIXES}
                           or p.lower().endswith(".zip"))
                       and not p.rsplit("/", 1)[-1].startswith("._"))
        if len(found) > limits.max_members:
            findings.append(Finding.of("limit-exceeded", "folder holds more than "
                                       f"{limits.max_members} contact files; the rest "
                                       "were not read", source=label))
            found = found[: limits.max_members]
        base = path.rstrip("/")
        for p in found:
            sub = f"{root}/{p[len(base):].lstrip('/')}" if p.startswith(base) else p
            try:
                members.extend(_file_members(fs, p, sub, url=url, access=access, limits=limits,
                                             findings=findings, top=False))
            except (OSError, ValueError) as exc:
                findings.append(Finding.of("unreadable-entry", f"cannot be read: "
                                           f"{type(exc).__name__}", source=sub))
        return label, members


#: Where fsspec backends put a file's modification time: local and sshfs ``mtime``,
#: webdav4 ``modified``, s3fs ``LastModified``, ossfs ``last_modified``, gcsfs ``updated``,
#: HTTP ``Last-Modified`` (RFC 1123 text).
_MTIME_KEYS: Final = ("mtime", "modified", "LastModified", "last_modified", "updated",
                      "Last-Modified")
#: A number above this is milliseconds since the epoch, not seconds (year 5138 in s).
_MILLISECONDS: Final = 1e11


def _when(value: object) -> float | None:
    """POSIX seconds of one time value as a backend gives it, or ``None``."""
    if isinstance(value, str):
        text = value.strip()
        try:
            value = float(text)
        except ValueError:
            try:
                value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                try:
                    value = email.utils.parsedate_to_datetime(text)  # RFC 1123, HTTP's
                except (TypeError, ValueError, IndexError):
                    return None
    if isinstance(value, datetime.datetime):  # (naive: the server's UTC)
        return (value if value.tzinfo else value.replace(tzinfo=datetime.UTC)).timestamp()
    if isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value):
        return value / 1000 if value > _MILLISECONDS else float(value)
    return None


def _info_time(info: Any) -> float | None:
    """The modification time (POSIX seconds) in one fsspec ``info`` entry, if it has one."""
    if not isinstance(info, dict):
        return None
    for key in _MTIME_KEYS:
        when = _when(info.get(key))
        if when is not None:
            return when
    return None


def remote_modified(url: str, access: Access) -> float | None:
    """When the file at ``url`` (or the newest file in a folder there) was last modified,
    as the server says; ``None`` for a CardDAV account (a live address book, not a dated
    copy) or a server that gives no time."""
    _refuse_password(url)
    if urllib.parse.urlsplit(url).scheme.lower() in SCHEMES:
        return None
    with _connected(url, access, mask_url(url)) as (fs, path):
        info = fs.info(path)
        entries = (list(fs.find(path, detail=True).values())
                   if info.get("type") == "directory" else [info])
        times = [t for t in map(_info_time, entries) if t is not None]
        return max(times) if times else None
