"""diff(): cross-vendor restores with regenerated UIDs, and its algebraic properties."""

from __future__ import annotations

import random
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import books
import contactguard as cg
import strategies


def _key(contact: cg.Contact) -> int:
    uid = contact.uid
    assert uid is not None and uid.startswith("ios-")
    return int(uid[4:])


def test_end_to_end_ios_backup_vs_android_reexport() -> None:
    rnd = random.Random(20261128)
    people = books.make_people(400, seed=5, photo_share=0.2)
    backup = cg.loads(books.ios_backup(people).encode())
    assert len(backup) == 400 and not backup.findings

    after = list(people)
    rnd.shuffle(after)
    deleted = {after.pop().key for _ in range(7)}
    lost: set[tuple[int, str, str]] = set()
    changed_digit: set[int] = set()
    for i in range(0, 60, 3):  # drop fields: emails, photos, birthdays
        p = after[i]
        if p.emails:
            after[i] = replace(p, emails=())
            lost |= {(p.key, "email", "lost")}
        elif p.photo:
            after[i] = replace(p, photo=None)
            lost |= {(p.key, "photo", "lost")}
        elif p.bday:
            after[i] = replace(p, bday="")
            lost |= {(p.key, "date", "lost")}
    for i in range(100, 130, 3):  # one digit changed in one number
        after[i] = books.change_one_digit(after[i], rnd)
        changed_digit.add(after[i].key)
        lost |= {(after[i].key, "phone", "changed")}
    restored = cg.loads(books.android_export(after, seed=9, uids=True).encode())
    assert restored[0].version == "2.1" and restored[0].uid is not None

    d = cg.diff(backup, restored)

    assert {_key(c) for c in d.missing} == deleted
    assert not d.added
    got = {(_key(ch.before), fc.field, fc.kind) for ch in d.changed for fc in ch.changes}
    assert got == lost
    assert {_key(ch.before) for ch in d.changed} == {k for k, _, _ in lost}
    assert d.unchanged == 400 - len(deleted) - len({k for k, _, _ in lost})
    # every changed-digit contact is paired with its own re-export, not missing + added
    for ch in d.changed:
        if _key(ch.before) in changed_digit:
            assert ch.match.stage in {"key", "fuzzy"}
            assert "a phone number differs in one digit" in ch.match.reasons or any(
                "in common" in r for r in ch.match.reasons)
    assert not d.ok
    assert d.summary() == (f"{len(deleted)} missing, {len(d.changed)} changed, 0 added, "
                           f"{d.unchanged} unchanged")


def test_format_only_differences_are_not_changes() -> None:
    people = books.make_people(50, seed=2)
    a = cg.loads(books.ios_backup(people))
    b = cg.loads(books.android_export(people))
    d = cg.diff(a, b)
    assert d.empty and d.ok
    assert d.unchanged == 50
    assert len(d.format_only) == 50  # every card is spelled differently


def test_changed_value_is_a_change_not_missing_plus_added() -> None:
    old = cg.loads("BEGIN:VCARD\nVERSION:3.0\nFN:Ada Lovelace\nTEL:+44 20 7946 0000\n"
                   "EMAIL:ada@example.org\nEND:VCARD\n")
    new = cg.loads("BEGIN:VCARD\nVERSION:2.1\nFN:Ada Lovelace\nTEL;CELL:+44 20 7946 0001\n"
                   "END:VCARD\n")
    d = cg.diff(old, new)
    assert not d.missing and not d.added
    (ch,) = d.changed
    assert {(c.field, c.kind) for c in ch.changes} == {("phone", "changed"), ("email", "lost")}
    tel = next(c for c in ch.changes if c.field == "phone")
    assert (tel.before, tel.after) == ("+442079460000", "+442079460001")
    assert ch.match.reasons  # explained


def test_same_name_different_people_are_not_paired_when_evidence_disagrees() -> None:
    old = cg.loads("BEGIN:VCARD\nVERSION:3.0\nFN:张伟\nTEL:+86 138 0013 8000\n"
                   "BDAY:1980-01-02\nEND:VCARD\n")
    new = cg.loads("BEGIN:VCARD\nVERSION:3.0\nFN:张伟\nTEL:+86 159 1234 5678\n"
                   "BDAY:1991-05-06\nEND:VCARD\n")
    d = cg.diff(old, new)
    assert len(d.missing) == 1 and len(d.added) == 1 and not d.changed


def test_uid_pairs_first() -> None:
    old = cg.loads("BEGIN:VCARD\nVERSION:3.0\nUID:abc\nFN:Ada\nTEL:+44 20 7946 0000\n"
                   "END:VCARD\n")
    new = cg.loads("BEGIN:VCARD\nVERSION:3.0\nUID:abc\nFN:Ada L.\nTEL:+44 20 7946 0000\n"
                   "END:VCARD\n")
    d = cg.diff(old, new)
    (ch,) = d.changed
    assert ch.match.stage == "uid"
    assert [(c.field, c.kind) for c in ch.changes] == [("name", "changed")]


def _snapshot(contacts: list[cg.Contact]) -> cg.Snapshot:
    return cg.Snapshot(tuple(contacts))


_settings = settings(max_examples=60, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow])


@_settings
@given(st.lists(strategies.contacts(), max_size=12))
def test_diff_with_itself_is_empty(contacts: list[cg.Contact]) -> None:
    s = _snapshot(contacts)
    d = cg.diff(s, s)
    assert d.empty
    assert d.unchanged == len(s)


@_settings
@given(st.lists(strategies.contacts(), max_size=12), st.randoms(use_true_random=False))
def test_diff_with_shuffled_self_is_empty(contacts: list[cg.Contact],
                                          rnd: random.Random) -> None:
    shuffled = list(contacts)
    rnd.shuffle(shuffled)
    d = cg.diff(_snapshot(contacts), _snapshot(shuffled))
    assert d.empty


@_settings
@given(st.lists(strategies.contacts(), min_size=1, max_size=12), st.data())
def test_deleting_k_contacts_gives_exactly_k_missing(contacts: list[cg.Contact],
                                                     data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(contacts)))
    drop = set(data.draw(st.permutations(range(len(contacts))))[:k])
    kept = [c for i, c in enumerate(contacts) if i not in drop]
    d = cg.diff(_snapshot(contacts), _snapshot(kept))
    assert len(d.missing) == k
    assert not d.added and not d.changed


def test_generated_books_shuffle_and_delete() -> None:
    people = books.make_people(300, seed=8)
    before = cg.loads(books.ios_backup(people))
    rnd = random.Random(3)
    after = list(people)
    rnd.shuffle(after)
    del after[:25]
    d = cg.diff(before, cg.loads(books.android_export(after)))
    assert len(d.missing) == 25 and not d.changed and not d.added


def test_uid_shared_by_two_cards_does_not_mispair_a_shuffle() -> None:
    """Regression (found by hypothesis): two cards with one UID, diffed against a
    shuffled copy, paired the first card with the wrong twin."""
    a = ("BEGIN:VCARD\nVERSION:3.0\nUID:same\nFN:Ada\nTEL:+44 20 7946 0000\nEND:VCARD\n"
         "BEGIN:VCARD\nVERSION:3.0\nUID:same\nFN:Bob\nTEL:+44 20 7946 0001\nEND:VCARD\n")
    b = a.split("END:VCARD\n")
    shuffled = b[1] + "END:VCARD\n" + b[0] + "END:VCARD\n"
    d = cg.diff(cg.loads(a), cg.loads(shuffled))
    assert d.empty
