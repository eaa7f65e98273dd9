"""Stage 10, the command line: ``contactguard check|diff|verify|manifest|dupes``.

Owns argument parsing, progress, exit codes and writing outputs.  Promises no logic the
Python API lacks: every command is a call of the public API plus a report.
"""

from __future__ import annotations

from .main import main

__all__ = [
    "main",
]
