"""Stage 5, detection: what is damaged in a value or a contact.

Owns the text detectors (mojibake with certain repairs, U+FFFD, controls, NUL), the image
structure walkers (PNG, JPEG, GIF), and the value checks of a snapshot
(:func:`~contactguard.check`, :func:`~contactguard.detect`: phones, e-mails, dates, empty
cards, duplicate UIDs).  Promises: every problem is a :class:`~contactguard.Finding` with its
place; nothing here changes a contact.
"""

from __future__ import annotations

from .images import decode_base64
from .text import check_text
from .values import check, contact_findings, detect, new_findings

__all__ = [
    "check",
    "check_text",
    "contact_findings",
    "decode_base64",
    "detect",
    "new_findings",
]
