"""Stage 3 (beside reading), writing: contacts back out as vCard.

Owns :func:`~contactguard.dumps`/:func:`~contactguard.dump` (vCard 3.0/4.0 through vobject).
Promises: output reads back to equal contacts, and files are written atomically.
"""

from __future__ import annotations

from .vcard import dump, dumps

__all__ = [
    "dump",
    "dumps",
]
