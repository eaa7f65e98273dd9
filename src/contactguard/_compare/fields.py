"""What changed between two matched contacts, value by value (:class:`FieldChange`)."""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from .._core import escape_controls, mask_property
from .._identity import FIELD_GROUPS, written_shorter
from .._notebook import current_options

__all__ = ["CHANGE_SIMILARITY", "FieldChange", "field_changes"]

#: How similar two values of one property must be for a pair of (removed, added) values to
#: count as one *changed* value rather than one lost and one added (0–100, rapidfuzz ratio).
CHANGE_SIMILARITY: Final = 60.0


@dataclass(frozen=True, slots=True, repr=False)
class FieldChange:
    """One value that was ``lost``, ``added`` or ``changed`` between two matched contacts.

    ``before``/``after`` are canonical values (E.164 numbers, normalized emails, photo
    digests), not personal data masked: reports mask them.
    """

    kind: str
    property: str
    before: str | None = None
    after: str | None = None

    @builtins.property  # the field ``property`` shadows the builtin in this class body
    def field(self) -> str:
        """The kind of data: ``phone``, ``email``, ``photo``, ``name``, … (``other``)."""
        return FIELD_GROUPS.get(self.property, "other")

    def __str__(self) -> str:
        return f"{self.field} {self.kind}"

    def __repr__(self) -> str:
        """Values masked unless ``display_options(show_personal_data=True)``; the values
        themselves are :attr:`before` and :attr:`after`."""
        show = current_options().show_personal_data

        def shown(value: str | None) -> str | None:
            return value if value is None or show else mask_property(self.property, value)

        return escape_controls(f"FieldChange(kind={self.kind!r}, property={self.property!r}, "
                               f"before={shown(self.before)!r}, after={shown(self.after)!r})")


FieldChange.__module__ = "contactguard"


def _is_change(prop: str, old: str, new: str) -> bool:
    if prop == "TEL":
        a, b = old.lstrip("+"), new.lstrip("+")
        return (Levenshtein.distance(a, b, score_cutoff=2) <= 2
                or written_shorter((old,), (new,)))
    if prop in {"PHOTO", "LOGO", "N", "FN", "BDAY", "ANNIVERSARY"}:
        return True  # one value per contact: a different one replaced it
    return ratio(old, new) >= CHANGE_SIMILARITY


def field_changes(a: Iterable[tuple[str, str]], b: Iterable[tuple[str, str]]
                  ) -> tuple[FieldChange, ...]:
    """Field-level differences between two :func:`canonical_fields` results."""
    before: dict[str, set[str]] = defaultdict(set)
    after: dict[str, set[str]] = defaultdict(set)
    for prop, value in a:
        before[prop].add(value)
    for prop, value in b:
        after[prop].add(value)
    out: list[FieldChange] = []
    for prop in sorted(before.keys() | after.keys()):
        removed = sorted(before[prop] - after[prop])
        added = sorted(after[prop] - before[prop])
        for old in list(removed):
            partner = next((new for new in added if _is_change(prop, old, new)), None)
            if partner is not None:
                out.append(FieldChange("changed", prop, old, partner))
                removed.remove(old)
                added.remove(partner)
        out.extend(FieldChange("lost", prop, old, None) for old in removed)
        out.extend(FieldChange("added", prop, None, new) for new in added)
    return tuple(out)
