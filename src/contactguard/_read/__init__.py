"""Stage 2, reading: bytes and sources to contacts and findings.

Owns everything between a path (file, folder, zip, file object) and the model: decoding
(BOMs, UTF-16, legacy charsets), the fault-isolating vCard 2.1/3.0/4.0 tokenizer, the CSV
readers (Google, Outlook), streaming in bounded blocks, and the limits that keep hostile
input bounded.  It promises later stages a :class:`~contactguard.Snapshot` (or a
:class:`~contactguard.ContactStream`) in which every damaged card, line or file is a
:class:`~contactguard.Finding` with its place, and every good card around it is kept.
"""

from __future__ import annotations

from .load import ContactStream, iter_contacts, load, loads, url_modified
from .remote import is_url, mask_location
from .secrets import Auth, AuthLike, Secret, read_secret
from .sources import Limits

__all__ = ["Auth", "AuthLike", "ContactStream", "Limits", "Secret", "is_url", "iter_contacts",
           "load", "loads", "mask_location", "read_secret", "url_modified"]
