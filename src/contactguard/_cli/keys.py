"""Manifest keys on the command line, and signals that must not skip cleanup.

``--key-file K`` names a key file (made, mode 0600, by ``manifest`` when K does not
exist), ``--key-env VAR`` a passphrase in the environment, ``--unkeyed`` no key at all.
Without any of them ``manifest`` generates a key and keeps it in the key folder
(:func:`contactguard.key_dir`), and ``verify`` finds it there by the manifest's key id.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

from .._core import UsageError
from .._manifest import Key, KeyLike, generate_key, resolve_key, store_key

__all__ = ["KeyProblemError", "TerminatedError", "add_key_options", "given_key", "manifest_key",
           "signals_exit"]


class KeyProblemError(UsageError):
    """A manifest key that is missing or cannot be read: the command exits 3 (like a
    wrong key), so a backup job can tell "the key is gone" from "the backup is bad"."""


def add_key_options(p: argparse.ArgumentParser, *, writing: bool = False) -> None:
    g = p.add_mutually_exclusive_group()
    g.add_argument("--key-file", metavar="K",
                   help="the manifest key in file K (32 bytes, hex or base64)"
                        + ("; made, mode 0600, if K does not exist" if writing else ""))
    g.add_argument("--key-env", metavar="VAR",
                   help="a passphrase in environment variable VAR (at least 12 "
                        "characters, stretched with scrypt)")
    if writing:
        g.add_argument("--unkeyed", action="store_true",
                       help="no key: integrity only (detects damage, but anyone holding "
                            "the manifest can test guesses at its contacts; do not share)")
        p.add_argument("--keep-names", action="store_true",
                       help="record file names in clear (default: as keyed digests)")


def given_key(args: argparse.Namespace, inputs: list[str]) -> KeyLike | None:
    """The key the options name (a key file path, or a passphrase), else ``None``."""
    if args.key_file:
        inputs.append(args.key_file)
        if not Path(args.key_file).is_file():
            raise KeyProblemError(f"cannot read the key file {args.key_file}: no such file")
        return Path(args.key_file)
    if args.key_env:
        value = os.environ.get(args.key_env)
        if not value:
            raise KeyProblemError(f"the environment variable {args.key_env} that should "
                             "hold the manifest key is not set or empty")
        return value
    return None


def manifest_key(args: argparse.Namespace, inputs: list[str], notes: list[str]
                 ) -> Key | None:
    """The key ``manifest`` writes with: given, made at --key-file, or generated and kept
    in the key folder (``notes`` say where), or none with --unkeyed."""
    if args.unkeyed:
        notes.append("the manifest is unkeyed (integrity only): it detects damage, but "
                     "anyone holding it can test guesses at its contacts; do not share it")
        return None
    if args.key_file and not Path(args.key_file).exists():
        key = generate_key()
        where = store_key(key, args.key_file)
    else:
        given = given_key(args, inputs)
        if given is not None:
            return resolve_key(given)
        key = generate_key()
        where = store_key(key)
    notes.append(f"the manifest's key {key.key_id} is stored in {where}: the manifest "
                 "cannot be verified without it, so keep a copy apart from the backup")
    return key


class TerminatedError(BaseException):
    """SIGTERM or SIGHUP, raised where the program is so that cleanup runs (temporary
    files of a streamed manifest are removed by their ``finally``)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def signals_exit() -> Iterator[None]:
    """Turn SIGTERM/SIGHUP into :class:`TerminatedError` while the block runs."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, _frame: object) -> NoReturn:
        raise TerminatedError(signum)

    wanted = [getattr(signal, n) for n in ("SIGTERM", "SIGHUP") if hasattr(signal, n)]
    previous = {sig: signal.signal(sig, handler) for sig in wanted}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
