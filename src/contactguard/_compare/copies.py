"""Checking several copies of one address book against each other.

A backup kept in two or three places (a laptop, a NAS, a cloud drive) should hold the
same contacts everywhere.  :func:`compare_copies` diffs every pair of copies and says,
for each pair, which contacts one copy has and the other lacks, and which differ.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from .._core import UsageError
from .._model import Contact
from .._normalize import region_for
from .diff import ContactChange, Diff, SnapshotLike, as_snapshot, diff

__all__ = ["CopyComparison", "compare_copies"]


@dataclass(frozen=True, slots=True)
class CopyComparison:
    """Two copies compared: ``first`` and ``second`` index the sequence given to
    :func:`compare_copies`; ``diff`` goes from the first to the second."""

    first: int
    second: int
    diff: Diff

    @property
    def only_in_first(self) -> tuple[Contact, ...]:
        """Contacts of the first copy that the second lacks."""
        return self.diff.missing

    @property
    def only_in_second(self) -> tuple[Contact, ...]:
        """Contacts of the second copy that the first lacks."""
        return self.diff.added

    @property
    def changed(self) -> tuple[ContactChange, ...]:
        return self.diff.changed

    @property
    def ok(self) -> bool:
        """True when both copies hold the same user data."""
        return self.diff.empty


CopyComparison.__module__ = "contactguard"


def compare_copies(copies: Sequence[SnapshotLike], *, region: str | None = None
                   ) -> tuple[CopyComparison, ...]:
    """Diff every pair of ``copies`` (first with second, first with third, …).

    A copy may be a Snapshot or a path.  All pairs read national phone numbers in one
    region (given, else inferred from every
    copy), so a number written two ways in two copies is one number.

    >>> from contactguard import loads
    >>> a = loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:Ada\\nTEL:+44 20 7946 0000\\nEND:VCARD\\n")
    >>> b = loads("")
    >>> [(c.first, c.second, len(c.only_in_first)) for c in compare_copies([a, b])]
    [(0, 1, 1)]
    """
    if isinstance(copies, (str, bytes)) or not isinstance(copies, Sequence):
        raise UsageError(f"compare_copies() takes a sequence of Snapshots, not "
                         f"{type(copies).__name__}")
    snaps = [as_snapshot(copy, "compare_copies()'s copies") for copy in copies]
    region = region_for(*snaps, region=region)
    return tuple(CopyComparison(i, j, diff(snaps[i], snaps[j], region=region))
                 for i, j in combinations(range(len(copies)), 2))
