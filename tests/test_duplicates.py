"""find_duplicates, plan_merge and write_merged: exact groups on hand-made and generated books."""

from __future__ import annotations

import random
import re
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import books
import contactguard
from contactguard._duplicates import (
    Decisions,
    DuplicateGroup,
    find_duplicates,
    plan_merge,
    write_merged,
)
from contactguard._identity import fingerprint
from contactguard._normalize import region_for
from strategies import contacts


def card(*lines: str) -> str:
    return "BEGIN:VCARD\r\nVERSION:3.0\r\n" + "".join(f"{x}\r\n" for x in lines) + "END:VCARD\r\n"


def book(*cards: str, region: str | None = None) -> contactguard.Snapshot:
    return contactguard.loads("".join(cards), default_region=region)


def indexes(groups: list[DuplicateGroup]) -> list[tuple[int, ...]]:
    return [g.indexes for g in groups]


THREE_SPELLINGS = (
    card("N:张;伟;;;", "FN:张伟", "TEL;TYPE=CELL:138 0013 8000"),
    card("N:Wang;Fang;;;", "FN:Wang Fang", "TEL:+86 139 0013 9000"),
    card("N:張;偉;;;", "FN:張偉", "TEL:+86 138-0013-8000", "EMAIL:wei@example.com"),
    card("FN:Zhang Wei", "TEL;TYPE=WORK:+8613800138000", "BDAY:1980-04-15"),
)


def test_three_spellings_of_one_number_under_three_scripts() -> None:
    snap = book(*THREE_SPELLINGS)
    assert region_for(snap) == "CN"  # inferred from the international spellings
    groups = find_duplicates(snap)
    assert indexes(groups) == [(0, 2, 3)]
    group = groups[0]
    assert group.contacts == (snap[0], snap[2], snap[3])
    assert [(p.i, p.j) for p in group.pairs] == [(0, 2), (0, 3), (2, 3)]
    assert all("same phone number" in p.agreed for p in group.pairs)
    by_pair = {(p.i, p.j): p for p in group.pairs}
    assert by_pair[0, 2].agreed[0] == "same name"  # Traditional = Simplified
    assert by_pair[0, 3].agreed[0] == "names agree when romanized (pinyin)"
    assert 0.5 < group.confidence <= 1.0


def test_explanations_hold_no_personal_data() -> None:
    groups = find_duplicates(book(*THREE_SPELLINGS))
    words = " ".join(r for p in groups[0].pairs for r in (*p.agreed, *p.disagreed))
    assert not re.search(r"\d{3}", words)
    assert "wei" not in words.lower().replace("pinyin", "")
    assert "@" not in words


def test_family_landline_is_not_a_duplicate() -> None:
    snap = book(
        card("N:张;伟;;;", "FN:张伟", "TEL;TYPE=HOME:010 6552 9988"),
        card("N:张;芳;;;", "FN:张芳", "TEL;TYPE=HOME:+86 10 6552 9988"),
        card("N:Smith;John;;;", "FN:John Smith", "TEL:+44 20 7946 0000"),
        card("N:Smith;Mary;;;", "FN:Mary Smith", "TEL:+44 20 7946 0000",
             "ADR:;;1 High Street;London;;SW1A 1AA;"),
        card("FN:Mary Smith", "TEL:+442079460000", "EMAIL:mary@example.org"),
        region="CN",
    )
    groups = find_duplicates(snap)
    assert indexes(groups) == [(3, 4)]
    # The pair that shares only the landline is explained, and vetoed.
    assert "same phone number" in groups[0].pairs[0].agreed


def test_family_at_one_address_is_not_a_duplicate() -> None:
    # A father and son: same family name, landline and address, birthdays decades apart.
    home = ("TEL;TYPE=HOME:+44 20 7946 0000", "ADR;TYPE=HOME:;;1 High Street;London;;SW1A 1AA;")
    snap = book(card("N:Smith;John;;;", "BDAY:1950-06-01", *home),
                card("N:Smith;Tom;;;", "BDAY:1982-03-14", *home),
                card("N:Smith;Mary;;;", *home),
                card("N:Smith;Anna;;;", "BDAY:1984-11-20", *home),
                # A lodger whose family name is the father's given name.
                card("N:John;Peter;;;", "BDAY:1979-02-03", *home))
    assert find_duplicates(snap) == []


def test_mistyped_given_name_with_a_near_birthday_is_one_person() -> None:
    # A given name entered wrong, and the birth date one typo (or a day) apart: siblings
    # are not born in one month, so this is one person, not two at the same address.
    home = ("ADR;TYPE=HOME:;;16 Bastow Circuit;Shoalwater;QLD;2587;",)
    for other in ("1971-04-15", "1971-04-25", "1971-15-04", "1917-04-15"):
        snap = book(card("N:Spratt;Isabelle;;;", "BDAY:1971-04-15", *home),
                    card("N:Spratt;Campbell;;;", f"BDAY:{other}", *home))
        assert indexes(find_duplicates(snap)) == [(0, 1)], other
    # Without the family name agreeing, only the same full date lifts the veto.
    snap = book(card("N:Spratt;Isabelle;;;", "BDAY:1971-04-15", *home),
                card("N:Bell;Campbell;;;", "BDAY:1971-04-25", *home))
    assert find_duplicates(snap) == []


def test_swapped_address_lines_and_names_in_the_other_field() -> None:
    snap = book(
        card("N:Bansemer;John;;;", "ADR:;Rhosewyn;73 Bynoe Place;Lake Clifton;QLD;2649;"),
        card("N:Bansemer;John;;;", "ADR:;Bynoe Place;73 Rhosewyn;Lakeclifton;QLD;2640;"),
        card("N:Coffey;Timothy;;;", "BDAY:1960-02-22",
             "ADR:;;23 Bacchus Circuit;Werrington;VIC;2450;"),
        card("N:Timothy;Dominey;;;", "BDAY:1960-02-22",
             "ADR:;;23 Bacchus Circuit;Werrington;VIC;2405;"),
    )
    groups = find_duplicates(snap)
    assert indexes(groups) == [(0, 1), (2, 3)]
    assert "same street, other address line" in groups[0].pairs[0].agreed
    assert "one name in the other field" in groups[1].pairs[0].agreed


def test_weak_link_does_not_chain_two_people() -> None:
    # B (no given name) links to A by phone and to C by email; A and C are two people.
    snap = book(
        card("N:Smith;John;;;", "TEL:+44 20 7946 0001"),
        card("N:Smith;;;;", "TEL:+44 20 7946 0001", "EMAIL:smiths@example.org"),
        card("N:Smith;Mary;;;", "EMAIL:smiths@example.org"),
    )
    groups = find_duplicates(snap)
    assert len(groups) == 1
    assert groups[0].indexes in {(0, 1), (1, 2)}
    assert find_duplicates(book(*reversed([card("N:Smith;John;;;", "TEL:+44 20 7946 0001"),
                                           card("N:Smith;;;;", "TEL:+44 20 7946 0001",
                                                "EMAIL:smiths@example.org"),
                                           card("N:Smith;Mary;;;",
                                                "EMAIL:smiths@example.org")])))[0].indexes \
        in {(0, 1), (1, 2)}


def test_same_name_alone_is_not_enough() -> None:
    snap = book(card("FN:John Smith", "TEL:+44 20 7946 0001"),
                card("FN:John Smith", "TEL:+44 20 7946 0002"))
    assert find_duplicates(snap) == []


def test_exact_copies_group_with_identical_explanation() -> None:
    c = card("FN:Ada", "TEL:+44 20 7946 0000")
    snap = book(c, card("FN:Bob"), c, c.replace("VERSION:3.0", "VERSION:2.1"))
    (group,) = find_duplicates(snap)
    assert group.indexes == (0, 2, 3)
    assert group.confidence == 1.0
    assert {(p.i, p.j) for p in group.pairs} == {(0, 2), (0, 3)}
    assert all(p.agreed == ("identical user data",) for p in group.pairs)


def test_decisions_are_keyed_by_fingerprint_and_survive_new_uids() -> None:
    snap = book(*THREE_SPELLINGS)
    fps = [fingerprint(c, region=region_for(snap)) for c in snap]
    distinct = Decisions(distinct={frozenset({fps[0], fps[3]})})
    groups = find_duplicates(snap, decisions=distinct)
    assert all(not {0, 3} <= set(g.indexes) for g in groups)
    # 张偉 (2) still joins one of them: which one depends on link order (ties by fingerprint)
    assert any({0, 2} <= set(g.indexes) or {2, 3} <= set(g.indexes) for g in groups)
    # A restore regenerated the UIDs: the fingerprints, and so the decision, still hold.
    restored = book(*(c.replace("END:VCARD", f"UID:new-{k}\r\nEND:VCARD")
                      for k, c in enumerate(THREE_SPELLINGS)))
    assert indexes(find_duplicates(restored, decisions=distinct)) == indexes(groups)
    same = Decisions(same=[(fps[0], fps[1])])
    assert indexes(find_duplicates(snap, decisions=same)) == [(0, 1, 2, 3)] or \
        (0, 1) in {g.indexes[:2] for g in find_duplicates(snap, decisions=same)}


def test_decisions_reject_contradictions() -> None:
    pair = ("a" * 64, "b" * 64)
    with pytest.raises(contactguard.UsageError):
        Decisions(distinct=[pair], same=[pair])
    with pytest.raises(contactguard.UsageError):
        Decisions(distinct=["a" * 64])  # type: ignore[list-item]


def _generated_with_duplicates() -> tuple[contactguard.Snapshot, list[tuple[int, int]]]:
    people = books.make_people(400, seed=5)
    rnd = random.Random(9)
    cards = [books.ios_card(p, uid=f"u{p.key}") for p in people]
    expected: list[tuple[int, int]] = []
    cjk = [p for p in people if p.cjk and not p.bday]
    western = [p for p in people if not p.cjk and len(p.given) > 4 and not p.bday]
    with_email = [p for p in people if p.emails and p.bday]
    picks = [(p, "format") for p in rnd.sample(cjk, 3)]
    picks += [(p, "traditional") for p in rnd.sample([p for p in cjk if p.family in "张陈刘黄"
                                                      and p.given in "伟丽强杰"], 2)]
    picks += [(p, "typo") for p in rnd.sample(western, 3)]
    picks += [(p, "no-email") for p in rnd.sample(with_email, 2)]
    for p, kind in picks:
        if kind == "format":
            text = books.android_card(p, style=rnd.randrange(4))
        elif kind == "traditional":
            trad = str.maketrans("张陈刘黄伟丽强杰", "張陳劉黃偉麗強傑")
            text = books.ios_card(replace(p, family=p.family.translate(trad),
                                          given=p.given.translate(trad)))
        elif kind == "typo":
            g = p.given
            text = books.ios_card(replace(p, given=g[:2] + g[3] + g[2] + g[4:]))
        else:
            text = books.android_card(replace(p, emails=()))
        expected.append((p.key, len(cards)))
        cards.append(text)
    return contactguard.loads("".join(cards)), sorted(expected)


def test_generated_book_with_injected_duplicates() -> None:
    snap, expected = _generated_with_duplicates()
    assert indexes(find_duplicates(snap)) == expected


def test_results_do_not_depend_on_card_order() -> None:
    snap, _ = _generated_with_duplicates()
    region = region_for(snap)

    def as_fingerprints(s: contactguard.Snapshot) -> set[frozenset[str]]:
        return {frozenset(fingerprint(c, region=region) for c in g.contacts)
                for g in find_duplicates(s, region=region)}

    order = list(range(len(snap)))
    random.Random(3).shuffle(order)
    shuffled = contactguard.Snapshot(tuple(snap[i] for i in order))
    assert as_fingerprints(shuffled) == as_fingerprints(snap)


SMALL_BOOK = books.make_people(40, seed=21)


@settings(max_examples=50, deadline=None)
@given(st.integers(0, len(SMALL_BOOK) - 1), st.permutations(range(len(SMALL_BOOK))))
def test_exact_copy_always_groups_and_order_does_not_matter(k: int, order: list[int]) -> None:
    cards = [books.ios_card(SMALL_BOOK[i]) for i in order]
    text = "".join(cards) + books.android_card(SMALL_BOOK[order[k]], style=k)
    snap = contactguard.loads(text)
    groups = find_duplicates(snap, region="CN")
    assert any({k, len(snap) - 1} <= set(g.indexes) for g in groups)
    fps = {frozenset(fingerprint(c, region="CN") for c in g.contacts) for g in groups}
    assert fps == {frozenset({fingerprint(snap[k], region="CN")})}


@settings(max_examples=50, deadline=None)
@given(st.lists(contacts(), min_size=1, max_size=6), st.data())
def test_exact_copy_of_any_contact_groups(cs: list[contactguard.Contact],
                                          data: st.DataObject) -> None:
    k = data.draw(st.integers(0, len(cs) - 1))
    snap = contactguard.Snapshot((*cs, cs[k]))
    groups = find_duplicates(snap)
    assert any({k, len(cs)} <= set(g.indexes) for g in groups)
    seen = [i for g in groups for i in g.indexes]
    assert len(seen) == len(set(seen))  # groups are disjoint


# --------------------------------------------------------------------------------------------
# Merging
# --------------------------------------------------------------------------------------------


def test_plan_merge_collapses_spellings_and_lists_conflicts() -> None:
    snap = book(*THREE_SPELLINGS)
    plan = plan_merge(find_duplicates(snap)[0], region="CN")
    merged = plan.contact
    assert merged.phones == ("+86 138-0013-8000",)
    assert merged.get_all("TEL")[0].types == {"CELL", "WORK"}
    assert merged.emails == ("wei@example.com",)
    assert merged.first("BDAY") is not None
    conflicts = {c.property: c for c in plan.conflicts}
    assert set(conflicts) == {"FN", "N"}
    assert conflicts["FN"].values[0] == merged.formatted_name
    assert set(conflicts["FN"].values) == {"张伟", "張偉", "Zhang Wei"}
    assert merged.first("NOTE") is None
    assert plan.primary in (0, 2, 3)
    assert {p.value for _, p in plan.collapsed if p.name == "TEL"} == {
        "138 0013 8000", "+8613800138000"}


def test_plan_merge_keeps_every_value_and_renumbers_groups() -> None:
    snap = book(
        card("FN:Ada Lovelace", "item1.TEL:+44 20 7946 0001", "item1.X-ABLabel:home",
             "UID:one"),
        card("FN:Ada Lovelace", "item1.TEL:+44 20 7946 0001", "item1.X-ABLabel:home",
             "item2.EMAIL:ada@example.org", "item2.X-ABLabel:work", "UID:two",
             "NOTE:met in 1843"),
    )
    (group,) = find_duplicates(snap)
    merged = plan_merge(group).contact
    names = [(p.group, p.name) for p in merged.properties]
    assert names.count((None, "FN")) == 1
    assert merged.phones == ("+44 20 7946 0001",)
    assert merged.emails == ("ada@example.org",)
    assert merged.first("NOTE") is not None
    assert [p.text for p in merged.get_all("UID")] == ["two"]  # the primary's
    assert len({p.group for p in merged.properties if p.group}) == 2
    labels = merged.get_all("X-ABLABEL")
    assert len(labels) == 2


def test_write_merged_writes_a_new_file_and_refuses_inputs(tmp_path: Path) -> None:
    source = tmp_path / "book.vcf"
    original = "".join(THREE_SPELLINGS).encode("utf-8")
    source.write_bytes(original)
    # loads(..., source=path) rather than load(path): the snapshot names its input file
    # either way, and this keeps the test independent of the file reader.
    snap = contactguard.loads(source.read_bytes(), source=str(source))
    groups = find_duplicates(snap)
    with pytest.raises(contactguard.UsageError):
        write_merged(snap, groups, source)
    with pytest.raises(contactguard.UsageError):
        write_merged(snap, groups, tmp_path / "." / "book.vcf")
    with pytest.raises(contactguard.UsageError):
        write_merged(snap, [*groups, groups[0]], tmp_path / "out.vcf")
    out = tmp_path / "merged.vcf"
    written = write_merged(snap, groups, out)
    assert len(written) == 2
    again = contactguard.loads(out.read_bytes())
    assert len(again) == 2
    assert find_duplicates(again) == []
    assert source.read_bytes() == original
    # Nothing is merged unless asked: no groups, the same book.
    write_merged(snap, [], tmp_path / "same.vcf")
    assert len(contactguard.loads((tmp_path / "same.vcf").read_bytes())) == len(snap)


def test_write_merged_rejects_groups_of_another_snapshot(tmp_path: Path) -> None:
    groups = find_duplicates(book(*THREE_SPELLINGS))
    other = book(*THREE_SPELLINGS)
    with pytest.raises(contactguard.UsageError):
        write_merged(other, groups, tmp_path / "x.vcf")
