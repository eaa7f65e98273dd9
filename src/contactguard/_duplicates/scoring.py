"""Evidence: field-by-field points for a candidate pair (WEIGHTS), and the vetoes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Final

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler

from .._normalize import is_diminutive, surname_spellings
from .features import _is_han, _Person

#: Evidence points per comparison outcome.  Positive points say "same person", negative
#: ones "different people"; about 2 points double the odds.  Tuned on Febrl 1 and 2 only.
WEIGHTS: Final = {
    "phone": 8.0, "phones-disjoint": -3.0,
    "email": 8.0, "emails-disjoint": -2.0, "channels-disjoint": -3.0,
    "given-same": 5.0, "given-close": 3.5, "given-near": 1.5, "given-initial": 1.0,
    "given-differs": -4.0, "given-nickname": 3.5,
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
#: ... and at most this many when the two cards have phone numbers and share none.
DISJOINT_ADDRESS_CAP: Final = 3.0
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


@dataclass(slots=True)
class _Evidence:
    points: float = 0.0
    agreed: list[str] = field(default_factory=list)
    disagreed: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    given_differs: bool = False
    family_agrees: bool = False
    veto: bool = False
    given_nickname: bool = False

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


def _cantonese_spelling(a: _Person, b: _Person, ev: _Evidence) -> bool:
    """One card in hanzi, the other as Hong Kong or Taiwan write it in Latin letters
    (``陳大文`` / ``Tai Man Chan``): pinyin cannot compare them.  The family name is checked
    against its usual spellings; the given names cannot be, so beside a shared phone or
    email they are no evidence either way (and no veto), and without one they differ."""
    han, latin = (a, b) if _is_han(a.family + a.given) else (b, a)
    if not (_is_han(han.family + han.given) and latin.family.isascii() and latin.family
            and han.family and latin.given):
        return False
    if latin.family_loose not in surname_spellings(han.family):
        return False
    ev.family_agrees = True
    ev.add("family-close", "name")
    if a.phones & b.phones or a.emails & b.emails:
        ev.agreed.append("family name agrees as written in Hong Kong or Taiwan")
    else:
        ev.given_differs = True
        ev.disagree("given-differs", "different given names")
    return True


def _names(a: _Person, b: _Person, ev: _Evidence) -> None:
    if not (a.has_name and b.has_name):
        return
    if not (a.ordered and b.ordered):
        # A formatted name without N does not say which part is the family name ("Zhang
        # Wei" is family-first): read it in the order that agrees best.
        flipped = b._replace(family=b.given, given=b.family, family_loose=b.given_loose,
                             given_loose=b.family_loose)
        if _name_agreement(a, flipped) > _name_agreement(a, b):
            b = flipped
    if _cantonese_spelling(a, b, ev):
        return
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
        elif is_diminutive(a.given_loose, b.given_loose) and (
                a.phones & b.phones or a.emails & b.emails):
            # Bill / William, Liz / Elizabeth: one person, but only beside a shared phone or
            # email (two family members may be Bill and Will): else the names differ.
            ev.given_nickname = True
            ev.agree("given-nickname", "given names are a name and its nickname", "name")
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
    # Cards whose phone numbers all differ are two people who may share a household or a
    # town: the address then adds little (a common name in one city is a coincidence).
    cap = DISJOINT_ADDRESS_CAP if (a.phones and b.phones and not a.phones & b.phones) else (
        ADDRESS_CAP)
    ev.points += min(best.points, cap)
    ev.agreed.extend(best.agreed)
    ev.disagreed.extend(best.disagreed)
    # Address evidence counts as a kind of its own only when it is more than a region, and
    # not beside phone numbers that all differ (a household, or a common name in one town).
    if best.points >= 3.0 and cap == ADDRESS_CAP:
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
            if a.phones and b.phones and not a.phones & b.phones:
                # Every way to reach them differs: two people who share a (common) name
                # and, at most, a street or a household.
                ev.disagree("channels-disjoint", "no phone number or email in common")
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
