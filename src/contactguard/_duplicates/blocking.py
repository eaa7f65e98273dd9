"""Candidates: blocking keys and sorted neighbourhoods, so work stays near-linear.

Only pairs that *could* be links are returned.  A link needs two kinds of evidence, and
every kind but the name comes from a shared exact key or from an address on both cards
(see :mod:`.scoring`): a shared phone number, a shared email, the same birthday, or an
address agreement, which does not count as a kind when both cards have phone numbers and
share none.  So a pair found through a name key or a sorted neighbourhood is kept only if
both cards have addresses (and one of them no phone number) or they share a phone, email
or birthday whose own block was too large to be compared; every other pair that shares a
phone, email or birthday is already in that key's block.  This drops nothing
:func:`~.scoring._linked` would accept, and spares the scorer the many pairs that share
only a common name.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence

from .features import _Person
from .scoring import WINDOW


def _address_keys(p: _Person) -> set[str]:
    keys: set[str] = set()
    initials = {x[:1] for x in (p.given_loose, p.family_loose) if x}
    for adr in p.addresses:
        if adr.postcode:
            keys.update(f"z:{adr.postcode}:{i}" for i in initials)
        if adr.number and adr.street:
            keys.add(f"s:{adr.number}:{adr.street[:4]}")
    return keys


def _shared(values: Iterable[Iterable[str]]) -> dict[str, list[int]]:
    """The keys of one kind (each unit's, in unit order) held by two units or more, each
    with those units: one kind at a time, so each has its own key space."""
    first: dict[str, int] = {}  # most keys belong to one unit: a list only when shared
    shared: dict[str, list[int]] = {}
    for u, keys in enumerate(values):
        for key in keys:
            if key in shared:
                shared[key].append(u)
            elif key in first:
                shared[key] = [first[key], u]
            else:
                first[key] = u
    return shared


def _candidates(people: Sequence[_Person], max_block: int) -> list[list[int]]:
    """For each unit ``u``, the units ``v > u`` worth scoring against it, ascending.

    Blocks: phone numbers, emails and the birthday, the name keys and :func:`_address_keys`;
    a key shared by more than ``max_block`` units is skipped.  Sorted neighbourhoods add
    each named unit's ``WINDOW`` next units by romanized "family given", "given family"
    and reversed family name.  Of these pairs, only those that may link are kept (see the
    module docstring).
    """
    n = len(people)
    found: set[int] = set()  # u * n + v, u < v: no tuple per pair
    # Exact keys, each a kind of evidence of its own when shared: a phone number, an email,
    # the birthday.  The shared keys whose block was skipped as too large, per unit.
    big: dict[int, set[str]] = defaultdict(set)
    for prefix, shared in (("T", _shared(p.phones for p in people)),
                           ("@", _shared(p.emails for p in people)),
                           ("b:", _shared((p.bday,) if p.bday else () for p in people))):
        for key, block in shared.items():
            if len(block) > max_block:
                for u in block:
                    big[u].add(prefix + key)
                continue
            for k, u in enumerate(block):
                base = u * n
                found.update(base + v for v in block[k + 1:])
        del shared
    with_address = [bool(p.addresses) for p in people]
    eligible = {u for u in range(n) if with_address[u]} | big.keys()

    def may_link(u: int, v: int) -> bool:
        if with_address[u] and with_address[v] and not (people[u].phones
                                                         and people[v].phones):
            return True
        return u in big and v in big and not big[u].isdisjoint(big[v])

    def add(u: int, v: int) -> None:
        if u > v:
            u, v = v, u
        if may_link(u, v):
            found.add(u * n + v)

    if len(eligible) > 1:
        # Name and address blocks: sizes count every unit, pairs only eligible ones.
        sizes = Counter(key for p in people for key in p.keys)
        others: dict[str, list[int]] = defaultdict(list)
        for u in sorted(eligible):
            for key in people[u].keys:
                if sizes[key] <= max_block:
                    others[key].append(u)
            for key in _address_keys(people[u]):
                others[key].append(u)
        del sizes
        for block in others.values():
            if 1 < len(block) <= max_block:
                for k, u in enumerate(block):
                    for v in block[k + 1:]:
                        add(u, v)
        del others
        orders: tuple[Callable[[_Person], tuple[str, str]], ...] = (
            lambda p: (p.family_loose, p.given_loose),
            lambda p: (p.given_loose, p.family_loose),
            lambda p: (p.family_loose[::-1], p.given_loose[::-1]),
        )
        named = [u for u in range(n) if people[u].has_name]
        for order in orders:
            ranked = sorted(named, key=lambda u: (order(people[u]), people[u].fingerprint))
            for k, u in enumerate(ranked):
                if u in eligible:
                    for v in ranked[k + 1:k + 1 + WINDOW]:
                        if v in eligible:
                            add(u, v)
    out: list[list[int]] = [[] for _ in range(n)]
    for code in sorted(found):
        u, v = divmod(code, n)
        out[u].append(v)
    return out
