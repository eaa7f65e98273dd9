"""Atomic file writes: a reader never sees a half-written output; a failure keeps the old one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

__all__ = ["atomic_open", "atomic_write"]


def _new_file_mode(target: Path) -> int:
    """The mode a plainly created file would get: the existing file's, else 0o666 - umask."""
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextlib.contextmanager
def atomic_open(path: str | os.PathLike[str], *, mode: int | None = None
                ) -> Iterator[BinaryIO]:
    """A binary file that replaces ``path`` only when the ``with`` block succeeds.

    It is a temporary file in the same folder, fsynced and renamed over ``path``: a reader
    never sees a half-written file, and a failure leaves the old file in place.  The new
    file gets the mode of the file it replaces (else the usual one under the umask), or
    ``mode`` when given (``0o600`` for personal data).
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp",
                               dir=target.parent or Path())
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _new_file_mode(target) if mode is None else mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write(path: str | os.PathLike[str], data: str | bytes, *,
                 mode: int | None = None) -> None:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_open`)."""
    with atomic_open(path, mode=mode) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
