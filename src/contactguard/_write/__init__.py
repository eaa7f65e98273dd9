"""Stage 3 (beside reading), writing: contacts back out as vCard.

Owns :func:`~contactguard.dumps`/:func:`~contactguard.dump` (vCard 3.0/4.0 through vobject),
vCard 2.1 with quoted-printable UTF-8 (``vcard21.py``) and Google/Outlook CSV (``csv.py``).
Promises: output reads back to equal contacts, and files are written atomically.
"""

from __future__ import annotations

from .csv import CSV_LAYOUTS, csv_left_out, dumps_csv
from .vcard import dump, dumps
from .vcard21 import dump_21, dumps_21

__all__ = [
    "CSV_LAYOUTS",
    "csv_left_out",
    "dump",
    "dump_21",
    "dumps",
    "dumps_21",
    "dumps_csv",
]
