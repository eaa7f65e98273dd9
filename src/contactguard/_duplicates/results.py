"""The values duplicate detection returns: explained groups, decisions and merge plans."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .._core import UsageError, escape_controls, mask_property
from .._identity import Fingerprint
from .._model import Contact, Property
from .._notebook import PAIR_COLUMNS, DataFrame, current_options, data_frame, group_view, render


@dataclass(frozen=True, slots=True)
class PairExplanation:
    """Why contacts ``i`` and ``j`` (snapshot positions, ``i < j``) are or are not duplicates.

    ``agreed`` and ``disagreed`` name kinds of evidence in plain words, never values.
    """

    i: int
    j: int
    score: float
    confidence: float
    agreed: tuple[str, ...]
    disagreed: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """Contacts of one snapshot that look like one person, with the evidence per pair.

    ``confidence`` is that of the weakest merge that built the group (1.0 for identical
    copies).  ``pairs`` explains every pair of distinct user data in the group, and each
    identical copy against the first card with its data.
    """

    indexes: tuple[int, ...]
    contacts: tuple[Contact, ...]
    confidence: float
    pairs: tuple[PairExplanation, ...]

    def __len__(self) -> int:
        return len(self.indexes)

    # -- notebook display and pandas -----------------------------------------------------

    def _repr_html_(self) -> str:
        show = current_options().show_personal_data
        return render(*group_view(self, show=show), masked=not show)

    def to_pandas(self, *, show_personal_data: bool = False) -> DataFrame:
        """One row per pair with its evidence (columns ``i``, ``j``, ``confidence``,
        ``agreed``, ``disagreed``).  Needs pandas (``pip install 'contactguard[pandas]'``).
        The evidence is words only ("same phone number"), so nothing is masked;
        ``show_personal_data`` is accepted for symmetry with the other results."""
        del show_personal_data
        return data_frame(PAIR_COLUMNS, ((p.i, p.j, p.confidence, "; ".join(p.agreed),
                                          "; ".join(p.disagreed)) for p in self.pairs))


def _pairs_of(items: Iterable[Iterable[str]]) -> frozenset[frozenset[Fingerprint]]:
    out: set[frozenset[Fingerprint]] = set()
    for item in items:
        if isinstance(item, str):
            raise UsageError(f"a decision is a pair of fingerprints, not the string {item!r}")
        pair = frozenset(Fingerprint(str(fp)) for fp in item)
        if not 1 <= len(pair) <= 2:
            raise UsageError(f"a decision names one or two fingerprints, not {len(pair)}")
        out.add(pair)
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class Decisions:
    """What the user decided about pairs of contacts, keyed by fingerprint.

    ``distinct``: pairs that are *not* the same person; never put in one group (a pair of
    one fingerprint keeps identical copies apart).  ``same``: pairs that *are*; linked
    whatever the evidence, unless that would put a distinct pair in one group.

    >>> d = Decisions(distinct=[("a" * 64, "b" * 64)])
    >>> frozenset({"b" * 64, "a" * 64}) in d.distinct
    True
    """

    distinct: frozenset[frozenset[Fingerprint]] = field(default=frozenset())
    same: frozenset[frozenset[Fingerprint]] = field(default=frozenset())

    def __post_init__(self) -> None:
        distinct = _pairs_of(self.distinct)
        same = _pairs_of(self.same)
        both = distinct & same
        if both:
            raise UsageError(f"{len(both)} pair(s) decided both distinct and same")
        object.__setattr__(self, "distinct", distinct)
        object.__setattr__(self, "same", same)


@dataclass(frozen=True, slots=True, repr=False)
class Conflict:
    """A single-valued property (FN, N, BDAY, …) whose values differ within a group.

    ``values[k]`` came from snapshot position ``indexes[k]``; the merged card holds
    ``values[0]`` until the user chooses.
    """

    property: str
    values: tuple[str, ...]
    indexes: tuple[int, ...]

    def __repr__(self) -> str:
        """Values masked unless ``display_options(show_personal_data=True)``."""
        values = self.values if current_options().show_personal_data else tuple(
            mask_property(self.property, v) for v in self.values)
        return escape_controls(f"Conflict(property={self.property!r}, values={values!r}, "
                               f"indexes={self.indexes!r})")


@dataclass(frozen=True, slots=True)
class MergePlan:
    """The merge of one group: the merged contact, and what the merge had to decide.

    ``collapsed`` lists ``(position, property)`` left out because an equal value (same
    canonical form, e.g. one phone number spelled three ways) is on the merged card, or
    because it is a sync identifier/timestamp of a non-primary card.  ``conflicts`` lists
    single-valued properties with different values: the merged card keeps the primary's.
    """

    group: DuplicateGroup
    contact: Contact
    primary: int
    conflicts: tuple[Conflict, ...]
    collapsed: tuple[tuple[int, Property], ...]


for _cls in (PairExplanation, DuplicateGroup, Decisions, Conflict, MergePlan):
    _cls.__module__ = "contactguard"
