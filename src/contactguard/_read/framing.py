"""What damaged framing looks like: a BEGIN:VCARD line that lost characters, a property
line where a quoted-printable value was still expected, and what a card must hold to be
worth a contact.

The tokenizer (:mod:`~contactguard._read.vcard`) asks these only on its rare paths (lines
outside any card, soft line breaks), so well-formed cards never pay for them.  Rules as
data: the property names, the components that are not vCards, the properties that are
not user data.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Final

from .._model import VOLATILE_PREFIXES, VOLATILE_PROPERTIES, Property

__all__ = ["NOT_DATA", "NOT_DATA_PREFIXES", "damaged_begin", "holds_something",
           "starts_property"]

#: Properties that are not user data (sync ids, timestamps, producer, labels): a card of
#: only these holds nothing a restore would bring back.  The model's list, which
#: fingerprints leave out too.  Anything else with a value (a name, a number, even a lone
#: NOTE or PHOTO) is something; the detect stage's ``empty-card`` asks for more.
NOT_DATA: Final = VOLATILE_PROPERTIES
NOT_DATA_PREFIXES: Final = VOLATILE_PREFIXES
#: The components a ``BEGIN:`` line opens in files that are not vCards (iCalendar,
#: vNote, vMessage, vBookmark): never read as a damaged BEGIN:VCARD.
_OTHER_COMPONENTS: Final = frozenset({
    "VCALENDAR", "VEVENT", "VTODO", "VJOURNAL", "VFREEBUSY", "VTIMEZONE", "VALARM",
    "STANDARD", "DAYLIGHT", "VAVAILABILITY", "AVAILABLE", "VNOTE", "VMESSAGE", "VBODY",
    "VENV", "VBKM", "VBOOKMARK",
})
#: Property names of vCard 2.1, 3.0 and 4.0 (and their common extensions, X-…).
_NAMES: Final = (
    "BEGIN", "END", "VERSION", "FN", "N", "NICKNAME", "PHOTO", "BDAY", "ANNIVERSARY",
    "GENDER", "ADR", "LABEL", "TEL", "EMAIL", "MAILER", "IMPP", "LANG", "TZ", "GEO",
    "TITLE", "ROLE", "LOGO", "AGENT", "ORG", "MEMBER", "RELATED", "CATEGORIES", "NOTE",
    "PRODID", "REV", "SORT-STRING", "SOUND", "UID", "CLIENTPIDMAP", "URL", "KEY", "FBURL",
    "CALADRURI", "CALURI", "CLASS", "KIND", "NAME", "PROFILE", "SOURCE", "XML",
)
#: A line that starts a property: ``[group.]NAME[;params]:``, the name as writers write
#: it (upper case; quoted-printable text rarely has an upper-case name and a ':' there).
_PROPERTY_LINE: Final = re.compile(
    r"(?:[A-Za-z0-9-]+\.)?(?:" + "|".join(sorted(_NAMES, key=len, reverse=True))
    + r"|X-[A-Z0-9-]+)(?:;[^:]*)?:").match
_BEGIN: Final = "BEGIN:VCARD"
#: Pieces one of which any line like BEGIN:VCARD (a ratio of 0.8 to it) still holds.
_PARTS: Final = ("BEG", "EGI", "GIN", "VCA", "CAR", "ARD")


def damaged_begin(line: str) -> bool:
    """Whether a line outside any card is a BEGIN:VCARD that lost or changed characters:
    ``BEGIN:VCARC``, ``GIN:VCARD``, ``BEGIN VCARD``, ``BEGIN:`` (cut), junk before
    ``BEGIN:VCARD``; not ``BEGIN:VCALENDAR``, nor a damaged ``END:VCARD``.

    >>> [damaged_begin(s) for s in ("BEGIN:VCARC", "GIN:VCARD", "BEGIN:VCALENDAR", "ND:VCARD")]
    [True, True, False, False]
    """
    text = line.strip().upper()
    if not text or len(text) > 40 or not any(part in text for part in _PARTS):
        return False  # (the common junk line, without the cost of a sequence match)
    if text.endswith(_BEGIN):
        return True
    head, colon, word = text.partition(":")
    if colon and head.strip() == "BEGIN":
        word = word.strip()
        return word not in _OTHER_COMPONENTS and (
            len(word) < 5 or difflib.SequenceMatcher(None, word, "VCARD").ratio() >= 0.6)
    like_begin = difflib.SequenceMatcher(None, text, _BEGIN).ratio()
    return like_begin >= 0.8 and like_begin > difflib.SequenceMatcher(
        None, text, "END:VCARD").ratio()


def starts_property(line: str) -> bool:
    """Whether a line that follows a quoted-printable soft line break is a new property
    (``TEL;CELL:+86…``) rather than the value's next line (``=E5=BC=A0``)."""
    return _PROPERTY_LINE(line) is not None


def holds_something(properties: Iterable[Property]) -> bool:
    """Whether a card holds user data: a property that is not :data:`NOT_DATA`, with a
    value (``N:;;;;`` is none)."""
    return any(p.value.strip(" ;,") and p.name not in NOT_DATA
               and not p.name.startswith(NOT_DATA_PREFIXES) for p in properties)
