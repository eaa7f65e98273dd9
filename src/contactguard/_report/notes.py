"""Notes a comparison needs so that its numbers are not misread.

A manifest holds digests, not contacts: it pairs a restored contact with a recorded one
by UID, by whole digest, or by the digests it keeps with one field group left out.  A
contact that lost or changed several field groups at once matches none of them, and
shows as one ``missing`` and one ``added`` where ``verify --against`` the backup itself
(``verify_restore``) pairs it and says ``changed``.  So the two can disagree on the same
files; the note says why, wherever both statuses appear in a manifest comparison.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._compare import MERGED, REPEATS
from .._core import counted

__all__ = ["comparison_note", "is_merged", "pairs_with_nothing", "repeats_another"]


def is_merged(row: Mapping[str, Any]) -> bool:
    """A contact row that came back merged into one card with another backup contact
    (intact: every value is on that card; see ``contactguard._compare.merges``)."""
    return row["status"] == "intact" and bool(row["reasons"]) and row["reasons"][0] == MERGED


def repeats_another(row: Mapping[str, Any]) -> bool:
    """A missing contact row whose every detail is on another contact's card (a duplicate
    the restore kept once, or a deletion)."""
    return row["status"] == "missing" and bool(row["reasons"]) and row["reasons"][0] == REPEATS


def pairs_with_nothing(comp: Mapping[str, Any]) -> bool:
    """A manifest comparison in which no contact paired at all (every recorded one
    missing, every checked one added, a few of each at least): another book's manifest,
    or every contact changed in several fields at once."""
    n = comp["counts"]
    return (comp["kind"] == "manifest" and not n["intact"] and not n["changed"]
            and n["missing"] >= 3 and n["added"] >= 3)


def comparison_note(comp: Mapping[str, Any]) -> str | None:
    """The note for ``comp``, or ``None`` when it needs none.

    >>> counts = {"intact": 5, "changed": 0, "missing": 3, "added": 1}
    >>> comparison_note({"kind": "manifest", "counts": counts})[:46]
    'up to 1 of the 3 contacts missing may be there'
    >>> counts = {"intact": 0, "changed": 0, "missing": 40, "added": 12}
    >>> comparison_note({"kind": "manifest", "checked": "b.vcf", "counts": counts})[:40]
    'no contact of b.vcf pairs with any of th'
    """
    n = comp["counts"]
    if comp["kind"] != "manifest" or not n["missing"] or not n["added"]:
        return None
    if pairs_with_nothing(comp):
        return (f"no contact of {comp['checked']} pairs with any of the manifest's "
                f"{counted(n['missing'], 'contact')}: the manifest of another book, or "
                f"every contact changed in several fields at once")
    both = min(n["missing"], n["added"])
    return (f"up to {both:,} of the {counted(n['missing'], 'contact')} missing may be there, "
            f"changed in several fields at once: a manifest pairs contacts by UID and by "
            f"digests with one field group left out, so it cannot pair them; "
            f"verify --against the backup can")
