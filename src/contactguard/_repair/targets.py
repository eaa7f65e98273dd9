"""Where a repair file goes: per target platform, the format it imports best and what to write.

Rules as data.  Every target gets the *whole backup card* for a contact that is damaged or
changed, not a card carrying only the lost fields, because of how each one treats an
imported card that resembles one it has:

* **Android** (Contacts → Import, older phones included) adds every imported card as a new
  contact.  A card of only the lost fields would become a second, nameless-looking card;
  the whole card is a correct contact, and the damaged one is deleted by hand (the report
  names it).  vCard 2.1 with quoted-printable UTF-8 is what Android reads everywhere,
  including versions before 8 that mangle 3.0 non-ASCII text.
* **iPhone / iCloud** (open the .vcf from Files or Mail, "Add all contacts") reads 3.0 and
  merges an imported card into a contact of the *same name*; a damaged name does not match,
  so only the whole card repairs it, and where the name matched the merge keeps every value.
* **Google Contacts** (Import) reads its own CSV and then offers "Merge & fix" for the
  duplicates it sees; merging a whole card loses nothing.  A CSV holds no pictures: a lost
  photo is listed for the person to add (or import the 3.0 file instead with ``--for ios``).
* **Outlook** (Import contacts) reads its English CSV in bulk (a .vcf only one card at a
  time) and adds a new contact per row; its fixed columns hold up to three e-mails and one
  or two phones of each kind, and no pictures: what does not fit is listed.

The trade-off of the whole card, on every target: until the damaged copy is deleted (or
merged) the book holds it beside the good one.  ``verify RESTORED --plus fix --against
BACKUP`` therefore shows no contact missing or changed, and the damaged copies as
*added*; those and the values a format cannot carry are the plan's ``residual``.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

__all__ = ["TARGETS", "Target"]


@dataclass(frozen=True, slots=True)
class Target:
    """One platform a repair file is written for."""

    name: str
    #: ``vcard-2.1``, ``vcard-3.0``, ``csv-google`` or ``csv-outlook``.
    format: str
    suffix: str
    #: ``whole``: the backup card entire (see the module docstring for why).
    strategy: str
    #: ``True`` when the target merges an imported card into the matching contact
    #: (then there is no damaged copy left to delete once the name matched).
    merges: bool


TARGETS: Final = MappingProxyType({
    "android": Target("android", "vcard-2.1", ".vcf", "whole", merges=False),
    "ios": Target("ios", "vcard-3.0", ".vcf", "whole", merges=True),
    "google": Target("google", "csv-google", ".csv", "whole", merges=True),
    "outlook": Target("outlook", "csv-outlook", ".csv", "whole", merges=False),
    "vcard": Target("vcard", "vcard-3.0", ".vcf", "whole", merges=False),
})
