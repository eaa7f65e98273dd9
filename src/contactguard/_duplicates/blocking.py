"""Candidates: blocking keys and sorted neighbourhoods, so work stays near-linear."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from .features import _Person
from .scoring import WINDOW


def _block_keys(p: _Person) -> set[str]:
    keys = {f"T{t}" for t in p.phones} | {f"@{e}" for e in p.emails} | set(p.keys)
    if p.bday:
        keys.add(f"b:{p.bday}")
    initials = {x[:1] for x in (p.given_loose, p.family_loose) if x}
    for adr in p.addresses:
        if adr.postcode:
            keys.update(f"z:{adr.postcode}:{i}" for i in initials)
        if adr.number and adr.street:
            keys.add(f"s:{adr.number}:{adr.street[:4]}")
    return keys


def _candidates(people: Sequence[_Person], max_block: int) -> list[set[int]]:
    """For each unit ``u``, the units ``v > u`` worth scoring against it."""
    n = len(people)
    out: list[set[int]] = [set() for _ in range(n)]
    index: dict[str, list[int]] = defaultdict(list)
    for u, p in enumerate(people):
        for key in _block_keys(p):
            index[key].append(u)
    for block in index.values():
        if 1 < len(block) <= max_block:
            for k, u in enumerate(block):
                out[u].update(block[k + 1:])
    del index
    orders: tuple[Callable[[_Person], tuple[str, str]], ...] = (
        lambda p: (p.family_loose, p.given_loose),
        lambda p: (p.given_loose, p.family_loose),
        lambda p: (p.family_loose[::-1], p.given_loose[::-1]),
    )
    named = [u for u in range(n) if people[u].has_name]
    for order in orders:
        ranked = sorted(named, key=lambda u: (order(people[u]), people[u].fingerprint))
        for k, u in enumerate(ranked):
            for v in ranked[k + 1:k + 1 + WINDOW]:
                out[min(u, v)].add(max(u, v))
    return out
