"""Secrets for remote copies and encrypted archives: a value that never shows itself.

A :class:`Secret` holds a password, token or passphrase; its ``repr`` and ``str`` are
``Secret('***')`` and the only way to the value is :meth:`Secret.reveal`, called at the one
place a protocol needs it.  :class:`Auth` pairs a user name with a password (HTTP Basic,
SFTP) or, with no user, carries a bearer token (Google).  :func:`find_password` looks a
password up where a user keeps one: an environment variable, a file, ``~/.netrc``, or the
system keyring.  Nothing here ever puts a secret into a message.
"""

from __future__ import annotations

import hmac
import netrc
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, TypeAlias

from .._core import UsageError

__all__ = ["KEYRING_SERVICE", "Access", "Auth", "AuthLike", "Secret", "as_auth", "as_secret",
           "find_password", "make_access", "read_secret"]

#: The keyring service name under which ``contactguard`` looks a password up
#: (``keyring set contactguard:HOST USER``).
KEYRING_SERVICE: Final = "contactguard:{host}"


class Secret:
    """A password, token or passphrase whose value is never printed.

    >>> s = Secret("hunter2")
    >>> s, str(s), s.reveal()
    (Secret('***'), '***', 'hunter2')
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise UsageError(f"a secret must be str, not {type(value).__name__}")
        self._value = value

    def reveal(self) -> str:
        """The value itself: call it only where a protocol needs it."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    def __str__(self) -> str:
        return "***"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and hmac.compare_digest(
            other._value.encode("utf-8", "surrogatepass"),
            self._value.encode("utf-8", "surrogatepass"))

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> Any:  # pickling would write the value out: refuse
        raise TypeError("a Secret cannot be pickled")


Secret.__module__ = "contactguard"


def as_secret(value: str | bytes | Secret | None, what: str) -> Secret | None:
    """``value`` as a :class:`Secret` (bytes are read as UTF-8)."""
    if value is None or isinstance(value, Secret):
        return value
    if isinstance(value, bytes):
        try:
            return Secret(value.decode("utf-8"))
        except UnicodeDecodeError:
            raise UsageError(f"the {what} is not UTF-8 text") from None
    if isinstance(value, str):
        return Secret(value)
    raise UsageError(f"the {what} must be str, bytes or Secret, not {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Auth:
    """Credentials for a server: ``Auth("ada", password)`` or a bearer ``Auth(token=t)``.

    ``repr`` never shows the password or token:

    >>> Auth("ada", "hunter2")
    Auth(user='ada', password=Secret('***'), token=None)
    """

    user: str | None = None
    password: Secret | None = None
    token: Secret | None = None

    def __init__(self, user: str | None = None, password: str | Secret | None = None, *,
                 token: str | Secret | None = None) -> None:
        if user is not None and not isinstance(user, str):
            raise UsageError(f"the user name must be str, not {type(user).__name__}")
        if token is not None and (user is not None or password is not None):
            raise UsageError("give a user and password, or a token, not both")
        object.__setattr__(self, "user", user)
        object.__setattr__(self, "password", as_secret(password, "password"))
        object.__setattr__(self, "token", as_secret(token, "token"))


Auth.__module__ = "contactguard"


#: What ``auth=`` accepts: :class:`Auth`, ``(user, password)``, or a bearer token.
AuthLike: TypeAlias = "Auth | tuple[str, str | Secret] | str | Secret | None"


def as_auth(value: AuthLike) -> Auth | None:
    """The ``auth=`` argument of :func:`~contactguard.load` as :class:`Auth`.

    A ``(user, password)`` pair is Basic credentials; a lone string or :class:`Secret` is a
    bearer token.
    """
    if value is None or isinstance(value, Auth):
        return value
    if isinstance(value, tuple) and len(value) == 2:
        return Auth(value[0], value[1])
    if isinstance(value, (str, Secret)):
        return Auth(token=value)
    raise UsageError("auth must be (user, password), a token string, or contactguard.Auth, "
                     f"not {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class Access:
    """Everything a remote or encrypted source may need, in one value (internal)."""

    auth: Auth | None = None
    storage_options: dict[str, Any] = field(default_factory=dict)
    passphrase: Secret | None = None
    #: Attempts and first backoff delay (seconds) for timeouts, dropped connections, 5xx.
    attempts: int = 3
    backoff: float = 0.5
    timeout: float = 30.0


def make_access(auth: AuthLike, storage_options: Mapping[str, Any] | None,
                passphrase: str | bytes | Secret | None) -> Access:
    """The :class:`Access` for ``load``'s keyword options, checked."""
    if storage_options is not None and not isinstance(storage_options, Mapping):
        raise UsageError("storage_options must be a dict, not "
                         f"{type(storage_options).__name__}")
    return Access(as_auth(auth), dict(storage_options or {}),
                  as_secret(passphrase, "passphrase"))


def read_secret(*, env: str | None = None, file: str | os.PathLike[str] | None = None,
                what: str = "password") -> Secret | None:
    """The secret in environment variable ``env`` or in ``file`` (one trailing newline is
    dropped); ``None`` when neither is given.  A named source that is unset, unreadable or
    empty is a :class:`UsageError` naming the variable or file, never the value."""
    if env is not None:
        value = os.environ.get(env)
        if not value:
            raise UsageError(f"the environment variable {env} that should hold the {what} "
                             "is not set or empty")
        return Secret(value)
    if file is not None:
        try:
            text = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or type(exc).__name__
            raise UsageError(f"cannot read the {what} file {os.fspath(file)}: {reason}"
                             ) from None
        value = text.removesuffix("\n").removesuffix("\r")
        if not value:
            raise UsageError(f"the {what} file {os.fspath(file)} is empty")
        return Secret(value)
    return None


def find_password(host: str, user: str | None) -> tuple[str | None, Secret | None]:
    """A user and password for ``host`` from ``~/.netrc`` (``$NETRC``), else the keyring.

    Returns ``(user, None)`` when neither has one.  A keyring without a usable backend is
    passed over silently: it is one optional place among several.
    """
    try:
        entry = netrc.netrc(os.environ.get("NETRC")).authenticators(host)
    except (OSError, netrc.NetrcParseError):
        entry = None
    if entry is not None:
        login, _, password = entry
        if password and (user is None or login == user):
            return login or user, Secret(password)
    if user is None:
        return None, None
    try:
        import keyring  # noqa: PLC0415 - optional: only a keyring user has it
        import keyring.errors  # noqa: PLC0415
    except ImportError:
        return user, None
    try:
        value = keyring.get_password(KEYRING_SERVICE.format(host=host), user)
    except keyring.errors.KeyringError:
        return user, None
    return user, Secret(value) if value else None
