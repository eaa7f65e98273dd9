"""Counted nouns in human messages: ``1 contact``, ``3 contacts``, ``1 error``.

One helper so that Python summaries, the CLI and every report agree on the words.
"""

from __future__ import annotations

__all__ = ["counted", "plural"]


def plural(n: int, word: str, many: str | None = None) -> str:
    """``word`` when ``n`` is 1, else ``many`` (default: ``word + "s"``).

    >>> plural(1, "contact"), plural(0, "contact"), plural(2, "copy", "copies")
    ('contact', 'contacts', 'copies')
    """
    return word if n == 1 else (many if many is not None else word + "s")


def counted(n: int, word: str, many: str | None = None) -> str:
    """``"1 contact"``, ``"1,200 contacts"``.

    >>> counted(1200, "contact")
    '1,200 contacts'
    """
    return f"{n:,} {plural(n, word, many)}"
