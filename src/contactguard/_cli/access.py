"""Command-line options for remote copies and encrypted archives, and what they become.

``--user``, ``--password-env`` / ``--password-file`` and ``--storage-option`` turn into
the ``auth=``, ``passphrase=`` and ``storage_options=`` of :func:`contactguard.load`.  One
secret serves as the server password, the bearer token (when no user is given and the URL
names none) and the archive passphrase.  The secret is read once, held as a
:class:`~contactguard.Secret`, and never written anywhere.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import Any

from .._read import Auth, mask_location, read_secret

__all__ = ["add_remote_options", "remote_kwargs", "shown"]


def shown(paths: Sequence[str]) -> list[str]:
    """The inputs as reports name them: URLs without user information."""
    return [mask_location(p) for p in paths]


def _storage_option(text: str) -> tuple[str, Any]:
    key, eq, value = text.partition("=")
    if not eq or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, not {text!r}")
    try:  # numbers, booleans and JSON objects as JSON; anything else as a string
        parsed: Any = json.loads(value)
    except ValueError:
        parsed = value
    return key.strip(), parsed


def add_remote_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "remote copies and encrypted archives",
        "a FILE may be carddav[s]://HOST/PATH/, webdav[s]://, sftp://, s3://… (see "
        "docs/howto/remote-copies.md); a password written into a URL is refused")
    g.add_argument("--user", metavar="NAME",
                   help="user name for CardDAV, WebDAV or SFTP (else the URL's or ~/.netrc's)")
    secret = g.add_mutually_exclusive_group()
    secret.add_argument("--password-env", metavar="VAR",
                        help="read the password, token or archive passphrase from "
                             "environment variable VAR")
    secret.add_argument("--password-file", metavar="F",
                        help="read the password, token or archive passphrase from file F")
    g.add_argument("--storage-option", metavar="KEY=VALUE", type=_storage_option,
                   action="append", default=[],
                   help="an fsspec storage option for remote files (repeatable)")


def remote_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """``auth``, ``passphrase`` and ``storage_options`` for :func:`contactguard.load`."""
    secret = read_secret(env=getattr(args, "password_env", None),
                         file=getattr(args, "password_file", None))
    user = getattr(args, "user", None)
    auth: Auth | None = None
    if user is not None:
        auth = Auth(user, secret)
    elif secret is not None:
        auth = Auth(token=secret)
    options = dict(getattr(args, "storage_option", None) or [])
    return {"auth": auth, "passphrase": secret, "storage_options": options}
