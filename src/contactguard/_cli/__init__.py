"""Stage 11, the command line: ``contactguard check|diff|verify|manifest|dupes|repair|
batch|config|completion``.

Owns argument parsing (``main.py``, option groups per command in ``options.py``), the
commands (``commands.py``, ``repair.py``, ``batch.py``), progress (``progress.py``), output
(``output.py``), the configuration file (``config.py``) and exit codes: 0 clean, 1
problems, 2 bad usage or unreadable input, 3 a missing or wrong key.  Promises no logic
the Python API lacks: every command is a call of the public API plus a report.
"""

from __future__ import annotations

from .main import main

__all__ = [
    "main",
]
