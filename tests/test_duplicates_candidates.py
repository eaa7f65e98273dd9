"""Candidate pairs for duplicates: only pairs that could be links are scored, and no link is lost.

find_duplicates scores a pair met through a name key or a sorted neighbourhood only when
the two cards share a phone, email or birthday, or both have an address (and not both a
phone number).  These tests check the rule of evidence that makes this safe, on every
pair of books built to exercise it, and the two ways a pair still gets through.
"""

from __future__ import annotations

import itertools
import math
import random
from dataclasses import replace

import books
import contactguard
from contactguard._duplicates import find_duplicates
from contactguard._duplicates.blocking import _candidates
from contactguard._duplicates.features import _Person, _person
from contactguard._duplicates.scoring import _evidence, _linked
from contactguard._identity import canonical_fields, phone_alternates
from contactguard._normalize import region_for


def card(*lines: str) -> str:
    return "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "".join(f"{x}\r\n" for x in lines) + "END:VCARD\r\n"


HOME = "ADR;TYPE=HOME:;;1 High Street;London;;SW1A 1AA;"
LANDLINE = "TEL;TYPE=HOME:+44 20 7946 0000"

#: Every kind of evidence, alone and together: households, scripts, near birthdays,
#: address lines swapped, names in the other field, nicknames, cards without names.
MIXED = (
    card("N:Smith;John;;;", "BDAY:1950-06-01", LANDLINE, HOME),
    card("N:Smith;Jon;;;", "BDAY:1950-06-01", HOME),
    card("N:Smith;John;;;", "EMAIL:john@example.org", "ADR:;;1 High St;London;;SW1A 1AA;"),
    card("N:Smith;Mary;;;", LANDLINE, HOME),
    card("N:Smith;Mary;;;", "BDAY:1984-11-20"),
    card("N:Smith;Mary;;;", "BDAY:1984-11-02", "TEL:+44 7700 900123"),
    card("FN:Mary Smith", "TEL:+447700900123", "EMAIL:mary@example.org"),
    card("N:John;Peter;;;", "BDAY:1979-02-03", HOME),
    card("N:Bansemer;John;;;", "ADR:;Rhosewyn;73 Bynoe Place;Lake Clifton;QLD;2649;"),
    card("N:Bansemer;John;;;", "ADR:;Bynoe Place;73 Rhosewyn;Lakeclifton;QLD;2640;"),
    card("N:Coffey;Timothy;;;", "BDAY:1961-07-30",
         "ADR:;;23 Bacchus Circuit;Werrington;VIC;2450;"),
    card("N:Timothy;Dominey;;;", "BDAY:1961-07-30",
         "ADR:;;23 Bacchus Circuit;Werrington;VIC;2405;"),
    card("N:Jones;William;;;", "TEL:+1 650 253 0000"),
    card("N:Jones;Bill;;;", "TEL:+16502530000", "ORG:Initech"),
    card("N:张;伟;;;", "FN:张伟", "TEL:138 0013 8000"),
    card("N:張;偉;;;", "FN:張偉", "TEL:+86 138-0013-8000", "EMAIL:wei@example.com"),
    card("FN:Zhang Wei", "EMAIL:wei@example.com", "BDAY:1980-04-15"),
    card("N:陳;大文;;;", "TEL:+852 9225 3326"),
    card("N:Chan;Tai Man;;;", "TEL:9225 3326", "ADR:;;8 Nathan Road;Kowloon;;;"),
    card("TEL:+44 20 7946 0000"),
    card("ORG:Initech", "ADR:;;1 High Street;London;;SW1A 1AA;"),
    card("N:Smith;;;;", "BDAY:1950-06-01", HOME),
)


def _people(snap: contactguard.Snapshot) -> list[_Person]:
    region = region_for(snap)
    return [_person(canonical_fields(c, region=region), extra_phones=phone_alternates(c, region))
            for c in snap]


def _may_link(a: _Person, b: _Person) -> bool:
    """The rule blocking relies on: a kind of evidence besides the name is a shared key,
    or an address on both cards that are not both reachable by phone."""
    if a.phones & b.phones or a.emails & b.emails or (a.bday and a.bday == b.bday):
        return True
    return bool(a.addresses and b.addresses and not (a.phones and b.phones))


def _check_every_pair(people: list[_Person]) -> int:
    links = 0
    for a, b in itertools.permutations(people, 2):
        # Any threshold: the rule is about kinds of evidence, not points.
        if _linked(_evidence(a, b), -math.inf):
            links += 1
            assert _may_link(a, b), (a.fingerprint, b.fingerprint)
    return links


def test_every_link_shares_a_key_or_two_addresses() -> None:
    snap = contactguard.loads("".join(MIXED), default_region="GB")
    assert _check_every_pair(_people(snap)) > 20


def test_every_link_in_a_generated_book_shares_a_key() -> None:
    # Names from short lists (many namesakes), copies without their email, and copies
    # with one digit of a number changed.
    rnd = random.Random(5)
    people = books.make_people(120, seed=5)
    copies = [replace(p, emails=()) for p in people[:15]]
    copies += [books.change_one_digit(p, rnd) for p in people[15:30]]
    snap = contactguard.loads(books.android_export(people + copies, seed=4))
    assert _check_every_pair(_people(snap)) >= 15


def test_names_alone_are_no_candidates() -> None:
    # Five John Smiths with five numbers and no address: one name key block, one
    # neighbourhood, and no pair that could be a link.
    snap = contactguard.loads("".join(card("N:Smith;John;;;", f"TEL:+44 20 7946 00{k:02d}")
                                      for k in range(5)))
    assert _candidates(_people(snap), 64) == [[], [], [], [], []]
    # With addresses and no numbers, the same names are worth scoring.
    snap = contactguard.loads("".join(card("N:Smith;John;;;", HOME) for _ in range(2))
                              + card("N:Smith;John;;;", "ADR:;;2 High Street;London;;;"))
    assert _candidates(_people(snap), 64) == [[1, 2], [2], []]


def test_a_number_in_a_skipped_block_still_links_through_the_name() -> None:
    # Three cards share a landline; with max_block=2 its block is skipped as unspecific,
    # and the two John Smiths meet through their name key: still one person.
    snap = contactguard.loads(card("N:Smith;John;;;", LANDLINE)
                              + card("N:Smith;John;;;", LANDLINE, "ORG:Initech")
                              + card("N:Smith;Mary;;;", LANDLINE))
    assert [g.indexes for g in find_duplicates(snap)] == [(0, 1)]
    assert [g.indexes for g in find_duplicates(snap, max_block=2)] == [(0, 1)]
