"""Duplicate contacts within one snapshot: explainable fuzzy matching and safe merge plans.

Theory of operation
-------------------
Deduplicating one address book is not matching two of them: the same phone number on two
cards may be a family landline shared by two people, and nothing is paired one-to-one.
:func:`find_duplicates` therefore runs its own pipeline, every step of it deterministic:

1. **units** – contacts with equal fingerprints (the same user data, any formatting) are
   one unit: they are duplicates without further evidence.  Everything below compares
   units, and reads only their canonical fields, so the result cannot depend on card order.
2. **candidates** – blocking keys (normalized phone numbers, emails, name keys ``t:``/``p:``
   from :func:`~contactguard._normalize.name_keys`, the birthday, postcode + an initial,
   street number + street prefix) put units that share a key into one block; a block
   larger than ``max_block`` is skipped as unspecific.  A sorted neighbourhood (each unit
   against its ``WINDOW`` neighbours when sorted by romanized "family given", "given
   family" and reversed family name) adds pairs whose names differ by a typo in every key.
   Work grows with ``units × (keys × max_block + 3 × WINDOW)``: near-linear.
3. **evidence** – each candidate pair is scored field by field with weights in
   :data:`WEIGHTS` (log-odds-like points, rules as data): same phone, same email, given and
   family names (exact, Jaro-Winkler close, equal when romanized, swapped), birthday (same,
   near, different), address parts (capped so a shared household address alone cannot
   carry a pair; address lines may be swapped).  A pair is a **link** when it reaches
   ``threshold`` points, agrees on at least two kinds of evidence (a name and a phone, a
   phone and an email, …), and is not vetoed: two different given names are two people,
   whatever else they share (the family landline rule), unless their full birth dates are
   ones two members of a family would not have: the same, or near (one typo, same year and
   month, day and month swapped) with the family names agreeing.
4. **clustering** – links are taken strongest first (ties by fingerprint) and join two
   clusters only when every cross pair is free of veto and of a "distinct" decision
   (complete-linkage check) and the cross pairs *average* at least ``threshold``
   (average-linkage check).  So one weak link cannot chain two unrelated people through a
   third card, as single-linkage transitive closure would.
5. **decisions** – "same" decisions become links of unlimited strength; "distinct"
   decisions forbid any group holding both fingerprints.  Both are keyed by fingerprint, so
   they survive a restore that regenerated UIDs.

Explanations name the kind of evidence ("same phone number", "name similarity 0.93"),
never its value: groups can be logged and shown without leaking personal data.

Merging is a separate, explicit step: :func:`plan_merge` builds the lossless union of a
group's cards and lists the conflicts; :func:`write_merged` writes the groups the caller
accepted to a *new* file.  Nothing is merged automatically.
"""

from __future__ import annotations

import math
import os
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from ._errors import UsageError
from ._fingerprint import (
    Fingerprint,
    canonical_fields,
    canonical_value,
    fingerprint_of_fields,
    is_volatile,
    region_for,
)
from ._html import current_options, render
from ._model import Contact, Snapshot
from ._normalize import name_keys, normalize_name, normalize_text, romanize
from ._read import Property
from ._tabular import PAIR_COLUMNS, DataFrame, data_frame, group_view
from ._write import atomic_write, dumps

__all__ = [
    "DEFAULT_THRESHOLD",
    "WEIGHTS",
    "Conflict",
    "Decisions",
    "DuplicateGroup",
    "MergePlan",
    "PairExplanation",
    "find_duplicates",
    "plan_merge",
    "write_merged",
]

#: Evidence points per comparison outcome.  Positive points say "same person", negative
#: ones "different people"; about 2 points double the odds.  Tuned on Febrl 1 and 2 only.
WEIGHTS: Final = {
    "phone": 8.0, "phones-disjoint": -3.0,
    "email": 8.0, "emails-disjoint": -2.0,
    "given-same": 5.0, "given-close": 3.5, "given-near": 1.5, "given-initial": 1.0,
    "given-differs": -4.0,
    "family-same": 5.0, "family-close": 3.5, "family-near": 1.5, "family-differs": -3.0,
    "names-swapped": 8.0, "names-partly-swapped": 2.0,
    "bday-same": 7.0, "bday-near": 2.5, "bday-differs": -3.0,
    "postcode-same": 3.0, "postcode-differs": -1.0,
    "number-same": 1.5, "number-differs": -1.0,
    "street-same": 3.0, "street-differs": -1.0,
    "extended-same": 1.5,
    "locality-same": 2.0, "locality-differs": -1.0,
    "region-same": 0.5,
    "org-same": 0.5,
}  # fmt: skip
#: Address agreement can add at most this many points: a household shares its address.
ADDRESS_CAP: Final = 8.0
#: Name similarities (Jaro-Winkler, 0–1): close, near, and below which names differ.
CLOSE: Final = 0.92
NEAR: Final = 0.85
DIFFERENT: Final = 0.75
#: Points a pair needs to be a link (with two kinds of evidence and no veto).
DEFAULT_THRESHOLD: Final = 8.0
#: How far below ``threshold`` the average of all cross pairs may be when two clusters of
#: more than one unit join (the joining link itself must reach ``threshold``).
AVERAGE_MARGIN: Final = 2.0
#: The share of cross pairs that may be vetoed (different given names) when two clusters
#: join: a card whose given name was mistyped beyond recognition still joins the cards that
#: agree on everything else, but two people never join a cluster through a third card.
VETO_SHARE: Final = 1 / 3
#: Neighbours compared on each side in the sorted-neighbourhood passes.
WINDOW: Final = 4


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


@dataclass(frozen=True, slots=True)
class Conflict:
    """A single-valued property (FN, N, BDAY, …) whose values differ within a group.

    ``values[k]`` came from snapshot position ``indexes[k]``; the merged card holds
    ``values[0]`` until the user chooses.
    """

    property: str
    values: tuple[str, ...]
    indexes: tuple[int, ...]


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


# --------------------------------------------------------------------------------------------
# Features
# --------------------------------------------------------------------------------------------

_JOINERS: Final = str.maketrans("", "", "'-\u2010\u2011 ")


def _loose(text: str) -> str:
    """Romanized, accents off, spaces and joiners removed: "Xiao-Ming" = "xiaoming"."""
    text = romanize(text) if text else ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return text.translate(_JOINERS)


def _is_han(text: str) -> bool:
    return bool(text) and all("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
                              or ch >= "\U00020000" for ch in text)


def _split_formatted(formatted: str) -> tuple[str, str]:
    """(family, given), normalized, of a formatted name on a card without N.

    "Family, Given" is read as written; a Han name as one family character and the rest;
    other names as given names followed by the family name.
    """
    if "," in formatted:
        family, _, given = formatted.partition(",")
        return normalize_name(family), normalize_name(given)
    name = normalize_name(formatted)
    if not name:
        return "", ""
    if _is_han(name):
        return (name[:1], name[1:]) if len(name) > 1 else ("", name)
    tokens = name.split()
    if len(tokens) == 1:
        return "", tokens[0]
    return tokens[-1], " ".join(tokens[:-1])


@dataclass(frozen=True, slots=True)
class _Address:
    number: str
    street: str
    extended: str
    locality: str
    region: str
    postcode: str


def _address(value: str) -> _Address:
    comps: list[str] = [normalize_text(c) for c in value.split("\x1f")]
    comps += [""] * (7 - len(comps))
    street = comps[2]
    number, _, rest = street.partition(" ")
    if not number.isdigit():
        number, rest = "", street
    return _Address(number, rest, comps[1], comps[3], comps[4], comps[5].replace(" ", ""))


@dataclass(frozen=True, slots=True)
class _Person:
    """What duplicate finding needs of one unit, derived from canonical fields only."""

    fingerprint: Fingerprint
    fields: tuple[tuple[str, str], ...]
    phones: frozenset[str]
    emails: frozenset[str]
    family: str
    given: str
    family_loose: str
    given_loose: str
    keys: frozenset[str]
    bday: str
    addresses: tuple[_Address, ...]
    org: str
    ordered: bool = True

    @property
    def has_name(self) -> bool:
        return bool(self.family or self.given)


def _person(fields: tuple[tuple[str, str], ...]) -> _Person:
    by_name: dict[str, list[str]] = defaultdict(list)
    for prop, value in fields:
        by_name[prop].append(value)
    family = given = ""
    if by_name.get("N"):
        parts = [*by_name["N"][0].split("\x1f"), "", ""]
        family, given = normalize_name(parts[0]), normalize_name(parts[1])
    formatted = (by_name.get("FN") or [""])[0]
    ordered = bool(family or given)
    if not ordered:
        family, given = _split_formatted(formatted)
    keys = {k for k in name_keys(family=family, given=given, formatted=formatted)
            if not k.startswith("i:")}
    return _Person(
        fingerprint=fingerprint_of_fields(fields),
        fields=fields,
        phones=frozenset(by_name.get("TEL", ())),
        emails=frozenset(by_name.get("EMAIL", ())),
        family=family,
        given=given,
        family_loose=_loose(family),
        given_loose=_loose(given),
        keys=frozenset(keys),
        bday=(by_name.get("BDAY") or [""])[0],
        addresses=tuple(_address(v) for v in by_name.get("ADR", ())[:3]),
        org=normalize_text((by_name.get("ORG") or [""])[0]),
        ordered=ordered,
    )


# --------------------------------------------------------------------------------------------
# Evidence
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Evidence:
    points: float = 0.0
    agreed: list[str] = field(default_factory=list)
    disagreed: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    given_differs: bool = False
    family_agrees: bool = False
    veto: bool = False

    def agree(self, weight: str, reason: str, kind: str) -> None:
        self.points += WEIGHTS[weight]
        self.agreed.append(reason)
        self.kinds.add(kind)

    def add(self, weight: str, kind: str) -> None:
        """Points without a reason of their own (the name parts share one reason)."""
        self.points += WEIGHTS[weight]
        self.kinds.add(kind)

    def disagree(self, weight: str, reason: str) -> None:
        self.points += WEIGHTS[weight]
        self.disagreed.append(reason)


def _similarity(a: str, b: str, a_loose: str, b_loose: str) -> tuple[float, bool]:
    """(similarity 0–1, equal only when romanized) of two name parts."""
    if a == b:
        return 1.0, False
    if _is_han(a) and _is_han(b):
        # Two Han spellings: compare the characters (张伟 and 张薇 read alike, differ).
        return JaroWinkler.similarity(a, b), False
    if a_loose == b_loose:
        return 1.0, not (a.isascii() and b.isascii())
    return JaroWinkler.similarity(a_loose, b_loose), False


def _name_agreement(a: _Person, b: _Person) -> float:
    return (JaroWinkler.similarity(a.given_loose, b.given_loose)
            + JaroWinkler.similarity(a.family_loose, b.family_loose))


def _grade(sim: float) -> str:
    return "same" if sim >= 1.0 else "close" if sim >= CLOSE else "near" if sim >= NEAR else ""


def _names(a: _Person, b: _Person, ev: _Evidence) -> None:
    if not (a.has_name and b.has_name):
        return
    if not (a.ordered and b.ordered):
        # A formatted name without N does not say which part is the family name ("Zhang
        # Wei" is family-first): read it in the order that agrees best.
        flipped = replace(b, family=b.given, given=b.family, family_loose=b.given_loose,
                          given_loose=b.family_loose)
        if _name_agreement(a, flipped) > _name_agreement(a, b):
            b = flipped
    given = family = None
    romanized = False
    if a.given and b.given:
        given, rom = _similarity(a.given, b.given, a.given_loose, b.given_loose)
        romanized |= rom
    if a.family and b.family:
        family, rom = _similarity(a.family, b.family, a.family_loose, b.family_loose)
        romanized |= rom
    straight_fails = ((given is not None and given < DIFFERENT)
                      or (family is not None and family < NEAR))
    if straight_fails and a.given and a.family and b.given and b.family:
        # Compared like the straight parts (Han characters as written), so that
        # 杨国强 and 郭艳 are not "swapped" by their romanizations (yang ~ yan).
        crossed = (_similarity(a.given, b.family, a.given_loose, b.family_loose)[0],
                   _similarity(a.family, b.given, a.family_loose, b.given_loose)[0])
        if min(crossed) >= NEAR and max(crossed) >= CLOSE:
            ev.agree("names-swapped", "given and family names swapped", "name")
            return
        if (given is not None and given < DIFFERENT and family is not None
                and family < NEAR and max(crossed) >= CLOSE):
            # "Timothy Coffey" and "Dominey Timothy": one name moved to the other field
            # and the other replaced.  "John Thomas" and "Thomas Smith" look the same, so
            # the given names still differ (vetoed unless the birth dates agree).
            ev.given_differs = ev.family_agrees = True
            ev.agree("names-partly-swapped", "one name in the other field", "name")
            return
    if given is not None:
        grade = _grade(given)
        if grade:
            ev.add(f"given-{grade}", "name")
        elif min(len(a.given_loose), len(b.given_loose)) == 1 and (
                a.given_loose[:1] == b.given_loose[:1]):
            ev.agree("given-initial", "given name matches an initial", "name")
        elif given < DIFFERENT:
            ev.given_differs = True
            ev.disagree("given-differs", "different given names")
    if family is not None:
        grade = _grade(family)
        if grade:
            ev.family_agrees = True
            ev.add(f"family-{grade}", "name")
        elif family < NEAR:
            ev.disagree("family-differs", "different family names")
    parts = [(what, s) for what, s in (("given name", given), ("family name", family))
             if s is not None and _grade(s)]
    if not parts:
        return
    sims = [s for _, s in parts]
    whole = len(parts) == 2
    if all(s >= 1.0 for s in sims):
        reason = "names agree when romanized (pinyin)" if romanized else "same name"
        ev.agreed.insert(0, reason if whole else f"same {parts[0][0]}")
    else:
        mean = sum(sims) / len(sims)
        ev.agreed.insert(0, f"name similarity {mean:.2f}" if whole
                         else f"{parts[0][0]} similarity {mean:.2f}")


def _near_date(a: str, b: str) -> bool:
    """One typo apart, the same year and month, or day and month swapped.

    Two members of one family rarely have such birthdays (siblings are born in different
    months unless twins; a parent and child share a day and month 1 time in 365).
    """
    if a == b:
        return True
    da, db = a.replace("-", ""), b.replace("-", "")
    if len(da) != len(db) or not (da.isdigit() and db.isdigit()):
        return False
    if len(da) == 8 and (da[:6] == db[:6] or da[:4] + da[6:] + da[4:6] == db):
        return True
    return DamerauLevenshtein.distance(da, db, score_cutoff=1) <= 1


def _alike(x: str, y: str) -> int:
    return int(bool(x and y) and JaroWinkler.similarity(x, y) >= 0.9)


def _address_evidence(a: _Person, b: _Person, ev: _Evidence) -> None:
    if not (a.addresses and b.addresses):
        return
    best: _Evidence | None = None
    for x in a.addresses:
        for y in b.addresses:
            cand = _Evidence()
            if x.postcode and y.postcode:
                if x.postcode == y.postcode:
                    cand.agree("postcode-same", "same postcode", "address")
                elif DamerauLevenshtein.distance(x.postcode, y.postcode, score_cutoff=1) > 1:
                    # One typo apart is no evidence either way: a transposed digit, or
                    # the next district.
                    cand.disagree("postcode-differs", "different postcodes")
            if x.number and y.number:
                if x.number == y.number:
                    cand.agree("number-same", "same street number", "address")
                else:
                    cand.disagree("number-differs", "different street numbers")
            # Address lines may be swapped: the street on one card is the building or
            # area line on the other.
            straight = _alike(x.street, y.street) + _alike(x.extended, y.extended)
            crossed = _alike(x.street, y.extended) + _alike(x.extended, y.street)
            if crossed > straight:
                if _alike(x.street, y.extended) or _alike(x.extended, y.street):
                    cand.agree("street-same", "same street, other address line", "address")
                if crossed == 2:
                    cand.agree("extended-same", "same building or area", "address")
            else:
                if x.street and y.street:
                    if _alike(x.street, y.street):
                        cand.agree("street-same", "same street", "address")
                    else:
                        cand.disagree("street-differs", "different streets")
                if _alike(x.extended, y.extended):
                    cand.agree("extended-same", "same building or area", "address")
            if x.locality and y.locality:
                if JaroWinkler.similarity(x.locality, y.locality) >= 0.9:
                    cand.agree("locality-same", "same town", "address")
                else:
                    cand.disagree("locality-differs", "different towns")
            if x.region and x.region == y.region:
                cand.agree("region-same", "same state or region", "address")
            if best is None or cand.points > best.points:
                best = cand
    assert best is not None  # noqa: S101 - both address lists are non-empty
    ev.points += min(best.points, ADDRESS_CAP)
    ev.agreed.extend(best.agreed)
    ev.disagreed.extend(best.disagreed)
    # Address evidence counts as a kind of its own only when it is more than a region.
    if best.points >= 3.0:
        ev.kinds.add("address")


def _same_born(a: _Person, b: _Person, ev: _Evidence) -> bool:
    if len(a.bday) != 10 or len(b.bday) != 10:
        return False
    return a.bday == b.bday or (ev.family_agrees and _near_date(a.bday, b.bday))


def _evidence(a: _Person, b: _Person) -> _Evidence:
    ev = _Evidence()
    _names(a, b, ev)
    # Two given names are two people (the family landline), unless a full date of birth
    # that two members of one family would not share says it is one person whose given
    # name was entered wrong: the same date, or (with the family name agreeing) one
    # typo, a day or a day-month swap apart.
    if ev.given_differs and not _same_born(a, b, ev):
        ev.veto = True
        return ev
    if a.phones and b.phones:
        if a.phones & b.phones:
            ev.agree("phone", "same phone number", "phone")
        else:
            ev.disagree("phones-disjoint", "no phone number in common")
    if a.emails and b.emails:
        if a.emails & b.emails:
            ev.agree("email", "same email", "email")
        else:
            ev.disagree("emails-disjoint", "no email in common")
    if a.bday and b.bday:
        if a.bday == b.bday:
            ev.agree("bday-same", "same birthday", "birthday")
        elif _near_date(a.bday, b.bday):
            # Points, but not a kind of evidence of its own: a near birthday with a same
            # name is too common a coincidence in a large book.
            ev.agree("bday-near", "birthdays differ by one typo", "name")
        else:
            ev.disagree("bday-differs", "different birthdays")
    _address_evidence(a, b, ev)
    if a.org and a.org == b.org:
        ev.agree("org-same", "same organization", "organization")
    return ev


def _linked(ev: _Evidence, threshold: float) -> bool:
    return not ev.veto and ev.points >= threshold and len(ev.kinds - {"organization"}) >= 2


def _confidence(points: float) -> float:
    """Evidence points to 0–1: monotone, 8 points (the default threshold) = 0.5."""
    return round(1.0 / (1.0 + math.pow(2.0, 8.0 - points)), 3)


# --------------------------------------------------------------------------------------------
# Candidates
# --------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------
# Grouping
# --------------------------------------------------------------------------------------------


def _explain(i: int, j: int, ev: _Evidence) -> PairExplanation:
    i, j = min(i, j), max(i, j)
    return PairExplanation(i, j, round(ev.points, 2), _confidence(ev.points),
                           tuple(ev.agreed), tuple(ev.disagreed))


_SAME: Final = _Evidence(math.inf, ["you decided these are the same person"], [], {"decision"})


def find_duplicates(snapshot: Snapshot, *, threshold: float = DEFAULT_THRESHOLD,
                    region: str | None = None, decisions: Decisions | None = None,
                    max_block: int = 64) -> list[DuplicateGroup]:
    """Groups of contacts in ``snapshot`` that look like one person, sorted by first index.

    ``threshold`` is the evidence (points, see :data:`WEIGHTS`) a link needs: raise it for
    fewer, surer groups.  ``region`` reads national phone numbers (default: the snapshot's
    ``default_region``, else inferred).  ``decisions`` are the user's earlier answers.
    ``max_block`` skips blocking keys shared by more units than that.

    >>> from contactguard import loads
    >>> book = loads("BEGIN:VCARD\\nVERSION:3.0\\nN:张;伟;;;\\nTEL:138 0013 8000\\nEND:VCARD\\n"
    ...              "BEGIN:VCARD\\nVERSION:3.0\\nN:Zhang;Wei;;;\\nTEL:+8613800138000\\n"
    ...              "END:VCARD\\n", default_region="CN")
    >>> [(g.indexes, g.pairs[0].agreed) for g in find_duplicates(book)]
    [((0, 1), ('names agree when romanized (pinyin)', 'same phone number'))]
    """
    if max_block < 2:
        raise UsageError(f"max_block must be at least 2, not {max_block}")
    if region is None:
        region = region_for(snapshot)
    decisions = decisions or Decisions()
    distinct = decisions.distinct

    # 1. Units: equal fingerprints, unless the user said identical copies are distinct.
    by_fp: dict[Fingerprint, list[int]] = defaultdict(list)
    fields_of: dict[Fingerprint, tuple[tuple[str, str], ...]] = {}
    for i, contact in enumerate(snapshot):
        fields = canonical_fields(contact, region=region)
        fp = fingerprint_of_fields(fields)
        by_fp[fp].append(i)
        fields_of.setdefault(fp, fields)
    members: list[list[int]] = []
    people: list[_Person] = []
    for fp in sorted(by_fp):
        copies = by_fp[fp]
        person = _person(fields_of[fp])
        split = frozenset({fp}) in distinct
        for chunk in ([c] for c in copies) if split else [copies]:
            members.append(chunk)
            people.append(person)
    del fields_of

    # 2-3. Candidate pairs and links.
    links: list[tuple[float, str, str, int, int]] = []
    cache: dict[tuple[int, int], _Evidence] = {}
    for u, others in enumerate(_candidates(people, max_block)):
        for v in others:
            ev = _evidence(people[u], people[v])
            if _linked(ev, threshold):
                cache[u, v] = ev
                links.append((-ev.points, people[u].fingerprint, people[v].fingerprint, u, v))
    if decisions.same:
        unit_of: dict[Fingerprint, list[int]] = defaultdict(list)
        for u, p in enumerate(people):
            unit_of[p.fingerprint].append(u)
        for pair in decisions.same:
            a, b = (*pair, *pair)[:2] if len(pair) == 1 else tuple(pair)
            for u in unit_of.get(a, ()):
                for v in unit_of.get(b, ()):
                    if u != v:
                        key = (min(u, v), max(u, v))
                        cache[key] = _SAME
                        links.append((-math.inf, min(a, b), max(a, b), *key))
    links.sort()

    def evidence(u: int, v: int) -> _Evidence:
        key = (min(u, v), max(u, v))
        ev = cache.get(key)
        if ev is None:
            pu, pv = people[key[0]], people[key[1]]
            ev = cache[key] = (_SAME if frozenset({pu.fingerprint, pv.fingerprint})
                               in decisions.same else _evidence(pu, pv))
        return ev

    # 4. Constrained agglomeration.
    root = list(range(len(people)))
    cluster: dict[int, list[int]] = {u: [u] for u in range(len(people))}
    weakest: dict[int, float] = {}

    def find(u: int) -> int:
        while root[u] != u:
            root[u] = root[root[u]]
            u = root[u]
        return u

    for _, _, _, u, v in links:
        ru, rv = find(u), find(v)
        if ru == rv:
            continue
        left, right = cluster[ru], cluster[rv]
        total, vetoes, ok = 0.0, 0, True
        for x in left:
            for y in right:
                if frozenset({people[x].fingerprint, people[y].fingerprint}) in distinct:
                    ok = False
                    break
                ev = evidence(x, y)
                vetoes += ev.veto
                total += ev.points
            if not ok:
                break
        cross = len(left) * len(right)
        if not ok or vetoes > VETO_SHARE * cross or total / cross < threshold - AVERAGE_MARGIN:
            continue
        mean = total / cross
        keep, gone = (ru, rv) if ru < rv else (rv, ru)
        root[gone] = keep
        cluster[keep] = left + right if keep == ru else right + left
        del cluster[gone]
        weakest[keep] = min(mean, weakest.pop(keep, math.inf), weakest.pop(gone, math.inf))

    # 5. Groups in snapshot positions.
    groups: list[DuplicateGroup] = []
    for r, units in cluster.items():
        indexes = sorted(i for u in units for i in members[u])
        if len(indexes) < 2:
            continue
        pairs: list[PairExplanation] = []
        for u in units:
            first, *copies = members[u]
            pairs.extend(PairExplanation(first, c, math.inf, 1.0, ("identical user data",), ())
                         for c in copies)
        ordered = sorted(units, key=lambda u: members[u][0])
        for k, u in enumerate(ordered):
            for v in ordered[k + 1:]:
                ev = evidence(u, v)
                explained = _explain(members[u][0], members[v][0], ev)
                if ev is _SAME:
                    explained = PairExplanation(explained.i, explained.j, math.inf, 1.0,
                                                explained.agreed, ())
                pairs.append(explained)
        pairs.sort(key=lambda p: (p.i, p.j))
        conf = _confidence(weakest[r]) if r in weakest else 1.0
        groups.append(DuplicateGroup(tuple(indexes), tuple(snapshot[i] for i in indexes),
                                     conf, tuple(pairs)))
    groups.sort(key=lambda g: g.indexes)
    return groups


# --------------------------------------------------------------------------------------------
# Merging
# --------------------------------------------------------------------------------------------

#: Properties a card holds at most once (RFC 6350 cardinality *1 or 1, as clients treat them).
SINGLE_VALUED: Final = frozenset({"FN", "N", "BDAY", "ANNIVERSARY", "GENDER", "KIND", "UID",
                                  "REV", "PRODID", "SORT-STRING", "CLASS", "PROFILE"})


def _spelling_rank(prop: Property) -> tuple[bool, int, int]:
    """Prefer the most complete, international spelling of one phone number."""
    text = prop.text.strip()
    return text.startswith("+"), sum(ch.isdigit() for ch in text), len(prop.params)


def _merged_params(kept: Property, other: Property) -> Property:
    types = list(kept.param("TYPE"))
    seen = {t.upper() for t in types}
    extra = [t for t in other.param("TYPE") if t.upper() not in seen]
    if not extra:
        return kept
    params = [p for p in kept.params if p[0] != "TYPE"]
    params.append(("TYPE", ",".join([*types, *extra])))
    return kept._replace(params=tuple(params))


def plan_merge(group: DuplicateGroup, *, region: str | None = None) -> MergePlan:
    """The lossless union of a group's contacts, and the conflicts to resolve.

    The *primary* is the card with the most user data (ties: the first).  Its properties
    come first, then every property of the others that adds a value.  Equal values (same
    canonical form: ``138 0013 8000`` = ``+86 138-0013-8000``) are collapsed into one, kept
    in the most complete, international spelling with the TYPE labels of all.  A
    single-valued property with different values keeps the primary's and is listed in
    ``conflicts``; nothing is folded into NOTE.  Apple item groups are renumbered where
    two cards used the same name.
    """
    if len(group.indexes) != len(group.contacts) or not group.indexes:
        raise UsageError("plan_merge() needs a DuplicateGroup from find_duplicates()")
    fields = [canonical_fields(c, region=region) for c in group.contacts]
    order = sorted(range(len(group.contacts)), key=lambda k: (-len(fields[k]), k))
    primary = order[0]
    out: list[Property] = []
    where: dict[tuple[str, str], int] = {}
    single: dict[str, tuple[int, list[str], list[int]]] = {}
    collapsed: list[tuple[int, Property]] = []
    used_groups: set[str] = set()
    for rank, k in enumerate(order):
        contact, index = group.contacts[k], group.indexes[k]
        keys = [(p.name, canonical_value(p, region) or p.value) for p in contact.properties]
        # A group (item1.TEL + item1.X-ABLabel) whose user data all collapsed goes with it.
        kept_groups: set[str] = set()
        for prop, key in zip(contact.properties, keys, strict=True):
            if prop.group and not is_volatile(prop.name) and not (
                    key in where or (prop.name in SINGLE_VALUED and prop.name in single)):
                kept_groups.add(prop.group.lower())
        rename: dict[str, str] = {}
        for prop, key in zip(contact.properties, keys, strict=True):
            name = prop.name
            if rank and is_volatile(name) and (
                    name in SINGLE_VALUED or (prop.group and
                                              prop.group.lower() not in kept_groups)):
                collapsed.append((index, prop))
                continue
            if name in SINGLE_VALUED and not is_volatile(name):
                if name in single:
                    at, values, indexes = single[name]
                    if key[1] not in {canonical_value(out[at], region) or out[at].value}:
                        text = prop.text.strip()
                        if text not in values:
                            values.append(text)
                            indexes.append(index)
                    collapsed.append((index, prop))
                    continue
                single[name] = (len(out), [prop.text.strip()], [index])
            elif key in where and not is_volatile(name):
                at = where[key]
                kept, dropped = out[at], prop
                if name == "TEL" and _spelling_rank(prop) > _spelling_rank(kept):
                    kept, dropped = prop._replace(group=kept.group), kept
                out[at] = _merged_params(kept, dropped)
                collapsed.append((index, dropped))
                continue
            written = prop
            if prop.group:
                g = prop.group.lower()
                if g not in rename:
                    new = prop.group
                    if rank and g in used_groups:
                        n = len(used_groups) + 1
                        while f"item{n}" in used_groups:
                            n += 1
                        new = f"item{n}"
                    rename[g] = new
                    used_groups.add(new.lower())
                written = prop._replace(group=rename[g])
            where.setdefault(key, len(out))
            out.append(written)
    conflicts = tuple(Conflict(name, tuple(values), tuple(indexes))
                      for name, (_, values, indexes) in sorted(single.items())
                      if len(values) > 1)
    base = group.contacts[primary]
    merged = Contact(tuple(out), base.version, None, base.source)
    return MergePlan(group, merged, group.indexes[primary], conflicts, tuple(collapsed))


def _input_paths(snapshot: Snapshot) -> set[Path]:
    names = [snapshot.source.name, *(f.name for f in snapshot.source.files)]
    out: set[Path] = set()
    for name in names:
        if not name or name.startswith("<"):
            continue
        out.add(Path(name.split("!", 1)[0]).resolve())
    return out


def write_merged(snapshot: Snapshot, groups_or_plans: Iterable[DuplicateGroup | MergePlan],
                 path: str | os.PathLike[str], *, version: str = "3.0",
                 region: str | None = None) -> tuple[Contact, ...]:
    """Write ``snapshot`` with each accepted group replaced by its merged contact to ``path``.

    Only the groups (or plans) passed are merged; the merged card takes the place of the
    group's first card, every other card is written as it was.  The file is written
    atomically and must be new: a path that is one of the snapshot's input files raises
    :class:`~contactguard.UsageError`, as do overlapping groups and groups from another
    snapshot.  Returns the contacts written.
    """
    target = Path(path).resolve()
    inputs = _input_paths(snapshot)
    if target in inputs or any(p.exists() and target.exists() and os.path.samefile(p, target)
                               for p in inputs):
        raise UsageError(f"refusing to write merged contacts over the input file {path}; "
                         "choose a new file")
    if target.is_dir():
        raise UsageError(f"{path} is a folder; give a file name for the merged contacts")
    replaced: dict[int, Contact | None] = {}
    for item in groups_or_plans:
        plan = item if isinstance(item, MergePlan) else plan_merge(item, region=region)
        indexes = plan.group.indexes
        for i, contact in zip(indexes, plan.group.contacts, strict=True):
            if not 0 <= i < len(snapshot) or snapshot[i] is not contact:
                raise UsageError(f"group {indexes} does not come from this snapshot")
            if i in replaced:
                raise UsageError(f"contact {i} is in more than one accepted group")
            replaced[i] = None
        replaced[min(indexes)] = plan.contact
    written = tuple(replaced.get(i, c) if i in replaced else c
                    for i, c in enumerate(snapshot))
    out = tuple(c for c in written if c is not None)
    atomic_write(target, dumps(out, version=version))
    return out
