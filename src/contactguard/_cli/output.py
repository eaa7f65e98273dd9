"""Where output goes: colour, stdout as ``-``, atomic files with plain-language errors,
and a confirmation for every file written.

Colour (``--color``): ``always`` and ``never`` are obeyed; ``auto`` colours a terminal,
unless ``NO_COLOR`` is set (https://no-color.org), and ``FORCE_COLOR`` colours any stream.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO

from .._core import UsageError, atomic_write

__all__ = ["STDIO", "check_writable", "refuse_inputs", "same_or_inside", "use_colour", "write_file"]

#: The path that means stdin (for an input) or stdout (for an output).
STDIO = "-"


def use_colour(choice: str, stream: IO[str], environ: Mapping[str, str] | None = None
               ) -> bool:
    """Whether to colour ``stream`` under ``--color choice``."""
    env = os.environ if environ is None else environ
    if choice != "auto":
        return choice == "always"
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def same_or_inside(target: Path, source: Path) -> bool:
    """Whether ``target`` is ``source`` or lies inside the folder ``source``."""
    try:
        if target.exists() and source.exists() and os.path.samefile(target, source):
            return True
    except OSError:
        pass
    t, s = target.resolve(), source.resolve()
    return t == s or (s.is_dir() and t.is_relative_to(s))


def refuse_inputs(target: str, inputs: Sequence[str], what: str) -> None:
    """A UsageError when writing ``what`` to ``target`` would overwrite an input."""
    if target == STDIO:
        return
    for src in inputs:
        if src != STDIO and same_or_inside(Path(target), Path(src)):
            raise UsageError(f"refusing to write the {what} to {target}: it is an input "
                             f"({src}); choose another path")


def _why_not(path: Path, exc: OSError) -> str:
    parent = path.parent
    if not parent.exists():
        return f"the folder {parent} does not exist"
    if not parent.is_dir():
        return f"{parent} is not a folder"
    if path.is_dir():
        return "it is a folder"
    if not os.access(parent, os.W_OK):
        return f"the folder {parent} is not writable"
    return (exc.strerror or type(exc).__name__).lower()


def write_file(path: str, text: str, what: str, stdout: IO[str]) -> None:
    """Write ``text`` to ``path`` atomically, or to ``stdout`` for ``-``.  An error says
    which file and why in one sentence (never a temporary name or errno text)."""
    if path == STDIO:
        stdout.write(text)
        return
    try:
        atomic_write(path, text)
    except OSError as exc:
        raise UsageError(f"cannot write the {what} to {path}: "
                         f"{_why_not(Path(path), exc)}") from None


def check_writable(path: str | None, what: str) -> None:
    """Refuse, before any work is done, an output whose folder does not exist or cannot
    be written (the same sentence :func:`write_file` would say afterwards)."""
    if path is None or path == STDIO:
        return
    target = Path(path)
    parent = target.parent
    if not parent.is_dir() or target.is_dir() or not os.access(parent, os.W_OK):
        raise UsageError(f"cannot write the {what} to {path}: "
                         f"{_why_not(target, PermissionError())}")
