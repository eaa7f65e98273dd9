"""Phone and name identity across regions and vendors (issue: verdicts a user can trust).

Each rule is pinned here: phone spellings that are one number (libphonenumber's exact and
NSN matches, trunk prefixes, ``+CC (0)``), a region chosen per number from the plausible
regions, validity judged in those regions (short numbers included), format-only name and
category differences, damaged names that still pair, and nickname duplicates.  The seeded
restore corpus (``tests/restores.py``) runs in ``test_identity_corpus.py``.
"""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import contactguard as cg
from contactguard._normalize import plausible_regions, read_phone, region_for

REGIONS = ("CN", "HK", "TW", "US", "GB", "SG")


def card(*lines: str, version: str = "3.0") -> str:
    return (f"BEGIN:VCARD\r\nVERSION:{version}\r\n" + "".join(f"{x}\r\n" for x in lines)
            + "END:VCARD\r\n")


def book(*cards: str) -> cg.Snapshot:
    return cg.loads("".join(cards))


#: The spellings the issue measured as "one missing plus one added", each with a book of
#: mixed-region neighbours so that no single region can be assumed for the whole book.
NEIGHBOURS = (
    card("FN:甲", "TEL:+86 138 0013 8000"), card("FN:乙", "TEL:+852 6123 4567"),
    card("FN:丙", "TEL:+886 912 345 678"), card("FN:丁", "TEL:+1 650 253 0000"),
    card("FN:戊", "TEL:+44 20 7946 0000"), card("FN:己", "TEL:+65 8123 4567"),
    card("FN:庚", "TEL:+86 139 0013 9000"),
)
SAME_NUMBER = [
    ("0935 384 953", "+886 (0)935 384 953"),
    ("+1 212-489-0796", "1-212-489-0796"),
    ("9759 7703", "00852 97597703"),
    ("07903 335358", "+44 7903 335358"),
    ("138 0013 8001", "+86 138-0013-8001"),
    ("(021) 6234 5678", "+86 21 6234 5678"),
    ("8123 4568", "+65 8123 4568"),
]


@pytest.mark.parametrize(("backup", "restored"), SAME_NUMBER)
def test_spellings_of_one_number_are_intact_in_a_mixed_book(backup: str, restored: str) -> None:
    before = book(*NEIGHBOURS, card("FN:Pat Lee", f"TEL;TYPE=CELL:{backup}"))
    after = book(*NEIGHBOURS, card("FN:Pat Lee", f"TEL:{restored}", version="2.1"))
    report = cg.verify_restore(before, after)
    assert [v.status for v in report.verdicts] == ["intact"] * len(before)


def test_a_changed_digit_is_always_a_change() -> None:
    before = book(*NEIGHBOURS, card("FN:Pat Lee", "TEL:9759 7703"))
    after = book(*NEIGHBOURS, card("FN:Pat Lee", "TEL:+852 9759 7708"))
    verdict = cg.verify_restore(before, after).verdicts[-1]
    assert verdict.status == "changed"
    assert [(c.kind, c.field) for c in verdict.changes] == [("changed", "phone")]


def test_each_number_is_read_in_the_region_that_makes_it_valid() -> None:
    phones = [tel for c in book(*NEIGHBOURS) for tel in c.phones]
    context = plausible_regions(phones, environ={})
    assert context is not None and set(context.split(",")) == set(REGIONS)
    tw = read_phone("0935 384 953", context)
    assert (tw.e164, tw.valid, tw.read_in) == ("+886935384953", True, "TW")
    assert tw.region_source in {"explicit", "inferred"}
    us = read_phone("1-212-489-0796", "CN,US")
    assert (us.e164, us.read_in, us.region_source) == ("+12124890796", "US", "inferred")
    written_out = read_phone("+44 7903 335358", "CN")
    assert written_out.read_in is None and written_out.region_source is None


def test_the_callers_region_comes_first_but_hides_no_other() -> None:
    snap = book(*NEIGHBOURS)
    context = region_for(snap, region="gb")
    assert context is not None and context.split(",")[0] == "GB"
    assert set(context.split(",")) == set(REGIONS)
    # Passing region="CN" no longer turns Hong Kong numbers invalid.
    found = cg.check(book(*NEIGHBOURS, card("FN:Ho", "TEL:9759 7703")), region="CN").findings
    assert found.of_kind("invalid-phone") == ()


def test_locale_is_the_last_plausible_region() -> None:
    context = plausible_regions(["+852 6123 4567"], environ={"LANG": "zh_TW.UTF-8"})
    assert context == "HK,TW"
    assert plausible_regions([], environ={"LC_ALL": "en_GB.UTF-8"}) == "GB"


def test_valid_numbers_of_any_plausible_region_get_no_warning() -> None:
    cards = [card(f"FN:P{i}", f"TEL:{nat}") for i, (nat, _) in enumerate(SAME_NUMBER)]
    snap = cg.check(book(*NEIGHBOURS, *cards))
    assert [f.kind for f in snap.findings] == []


@pytest.mark.parametrize("service", ["10086", "95588", "12306", "110", "999", "911"])
def test_service_and_short_numbers_are_valid(service: str) -> None:
    snap = cg.check(book(*NEIGHBOURS, card("FN:Service", f"TEL:{service}")))
    assert snap.findings.of_kind("invalid-phone") == ()
    assert read_phone(service, region_for(snap)).short


def test_a_number_valid_nowhere_is_invalid_and_says_where_it_was_tried() -> None:
    snap = cg.check(book(*NEIGHBOURS, card("FN:Bad", "TEL:0000 1111 22")))
    (finding,) = snap.findings.of_kind("invalid-phone")
    assert "any of" in finding.message and "CN" in finding.message


def test_a_national_number_with_no_region_anywhere_is_info_not_a_warning() -> None:
    snap = cg.check(book(card("FN:Solo", "TEL:6123 4567")), region=None)
    if region_for(snap) is None:  # no locale region on this machine
        (finding,) = snap.findings
        assert finding.kind == "phone-region-unknown"
        assert finding.severity is cg.Severity.INFO


@st.composite
def numbers(draw: st.DrawFn) -> tuple[str, str]:
    """A valid mobile or fixed-line number of one of the book's regions."""
    region = draw(st.sampled_from(REGIONS))
    kind = draw(st.sampled_from([phonenumbers.PhoneNumberType.MOBILE,
                                 phonenumbers.PhoneNumberType.FIXED_LINE]))
    example = phonenumbers.example_number_for_type(region, kind)
    assert example is not None
    digits = str(example.national_number)
    tail = draw(st.text("0123456789", min_size=3, max_size=3))
    candidate = phonenumbers.PhoneNumber(country_code=example.country_code,
                                         national_number=int(digits[:-3] + tail))
    if not phonenumbers.is_valid_number(candidate):
        candidate = example
    return region, phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)


@given(number=numbers(), style=st.sampled_from(["NATIONAL", "INTERNATIONAL", "E164"]),
       order=st.permutations(REGIONS))
@settings(max_examples=150, deadline=None)
def test_fingerprint_pairing_is_stable_across_spellings(number: tuple[str, str], style: str,
                                                        order: list[str]) -> None:
    """Any spelling of a valid number, in a book whose plausible regions come in any order,
    verifies as intact against its E.164 form (libphonenumber's exact or NSN match)."""
    region, e164 = number
    parsed = phonenumbers.parse(e164)
    written = phonenumbers.format_number(parsed, getattr(phonenumbers.PhoneNumberFormat, style))
    context = ",".join(order)
    before = book(card("FN:Kim", f"TEL:{e164}"))
    after = book(card("FN:Kim", f"TEL:{written}"))
    d = cg.diff(before, after, region=context)
    assert (len(d.missing), len(d.changed), len(d.added)) == (0, 0, 0), (region, written)


def test_n_absent_or_swapped_with_the_same_fn_is_format_only() -> None:
    before = book(card("FN:陈柳", "N:陈;柳;;;", "TEL:+86 138 0013 8000"),
                  card("FN:Ada Lovelace", "N:Lovelace;Ada;;;", "TEL:+44 20 7946 0000"))
    after = book(card("FN:陈柳", "N:柳;陈;;;", "TEL:+86 138 0013 8000"),
                 card("FN:Ada Lovelace", "TEL:+44 20 7946 0000"))
    assert [v.status for v in cg.verify_restore(before, after).verdicts] == ["intact"] * 2


def test_traditional_to_simplified_is_a_change_that_still_pairs() -> None:
    before = book(card("FN:張偉", "N:張;偉;;;", "TEL:+86 138 0013 8000"))
    after = book(card("FN:张伟", "N:张;伟;;;", "TEL:+86 138 0013 8000"))
    (verdict,) = cg.verify_restore(before, after).verdicts
    assert verdict.status == "changed" and {c.field for c in verdict.changes} == {"name"}


def test_categories_are_one_set_across_properties_and_csv_groups() -> None:
    before = book(card("FN:Ada", "TEL:+44 20 7946 0000", "CATEGORIES:同事,Family"))
    split = book(card("FN:Ada", "TEL:+44 20 7946 0000", "CATEGORIES:同事",
                      "CATEGORIES:Family"))
    csv = cg.loads("Name,Phone 1 - Value,Group Membership\r\n"
                   "Ada,+44 20 7946 0000,* myContacts ::: 同事 ::: Family\r\n")
    assert cg.verify_restore(before, split).verdicts[0].status == "intact"
    assert cg.verify_restore(before, csv).verdicts[0].status == "intact"


@pytest.mark.parametrize("damaged", [
    "刘海燕".encode().decode("latin-1"),  # UTF-8 read as Latin-1: åˆ˜æµ·ç‡•
    "刘海\ufffd",
])
def test_a_damaged_name_pairs_on_phone_plus_one_more_field(damaged: str) -> None:
    before = book(card("FN:刘海燕", "TEL:+86 138 0013 8000", "EMAIL:liu@example.com"))
    after = book(card(f"FN:{damaged}", "TEL:+86 138 0013 8000", "EMAIL:liu@example.com"))
    (verdict,) = cg.verify_restore(before, after).verdicts
    assert verdict.status == "changed"
    assert {c.field for c in verdict.changes} == {"name"}
    assert any(r.startswith("name damaged") for r in verdict.reasons)


def test_a_damaged_name_with_nothing_else_in_common_does_not_pair() -> None:
    before = book(card("FN:刘海燕", "TEL:+86 138 0013 8000", "BDAY:1990-01-01"))
    after = book(card("FN:X\ufffd\ufffd", "TEL:+86 139 0013 9000"))
    report = cg.verify_restore(before, after)
    assert [v.status for v in report.verdicts] == ["missing", "added"]


def test_nickname_variants_sharing_a_phone_or_email_are_duplicates() -> None:
    snap = book(card("FN:Jim Price", "N:Price;Jim;;;", "TEL:+1 650 253 0000"),
                card("FN:James Price", "N:Price;James;;;", "TEL:(650) 253-0000"),
                card("FN:Liz Taylor", "N:Taylor;Liz;;;", "EMAIL:liz@example.com"),
                card("FN:Elizabeth Taylor", "N:Taylor;Elizabeth;;;",
                     "EMAIL:LIZ@example.com", "TEL:+44 20 7946 0000"))
    assert [g.indexes for g in cg.find_duplicates(snap, region="US")] == [(0, 1), (2, 3)]


def test_nickname_variants_with_nothing_shared_are_two_people() -> None:
    snap = book(card("FN:Bill Wong", "N:Wong;Bill;;;", "TEL:+852 6123 4567"),
                card("FN:William Wong", "N:Wong;William;;;", "TEL:+852 6123 9999"))
    assert list(cg.find_duplicates(snap)) == []


def test_a_name_labelled_work_is_the_same_person() -> None:
    snap = book(card("FN:冯伟", "N:冯;伟;;;", "TEL:153 9415 6055"),
                card("FN:冯伟 工作", "TEL:+86 153 9415 6055"))
    assert [g.indexes for g in cg.find_duplicates(snap)] == [(0, 1)]


def test_hong_kong_spelling_of_a_hanzi_name_with_a_shared_number() -> None:
    snap = book(card("FN:陳大文", "N:陳;大文;;;", "TEL:9710 9339"),
                card("FN:Tai Man Chan", "N:Chan;Tai Man;;;", "TEL:+852 9710 9339"),
                card("FN:陳小明", "N:陳;小明;;;", "TEL:+852 6123 4567"))
    assert [g.indexes for g in cg.find_duplicates(snap)] == [(0, 1)]


def test_old_manifests_keep_verifying_under_the_old_rules() -> None:
    """A cg-canon-1 manifest is recomputed with one region for every number, as 0.1 did."""
    from contactguard._compare.verify import manifest_region

    assert manifest_region("cg-canon-1", "CN") == "=CN"
    assert manifest_region(cg.CANONICAL_VERSION, "CN,HK") == "CN,HK"
    snap = book(card("FN:Ho", "TEL:+852 6123 4567", "TEL:9759 7703"))
    exact = cg.canonical_form(snap[0], region="=CN")
    assert "TEL:+8697597703" in exact  # 0.1 read the national number in CN
    assert "TEL:+85297597703" in cg.canonical_form(snap[0], region="CN")


def test_phone_number_repr_is_masked_unless_asked() -> None:
    phone = cg.normalize_phone("+86 138 0013 8000")
    assert "0013" not in repr(phone) and "13800138000" not in repr(phone)
    with cg.display_options(show_personal_data=True):
        assert "+8613800138000" in repr(phone)
    assert phone.e164 == "+8613800138000"  # the attribute holds it in full


def test_a_number_written_shorter_pairs_but_is_never_identical() -> None:
    """libphonenumber's SHORT_NSN_MATCH: evidence for pairing, reported as a change."""
    before = book(*NEIGHBOURS, card("FN:Li Lei", "TEL:+86 21 6234 5678"))
    after = book(*NEIGHBOURS, card("FN:Li Lei", "TEL:6234 5678"))
    verdict = cg.verify_restore(before, after).verdicts[-1]
    assert verdict.status == "changed"
    assert "probably the same number, written shorter" in verdict.reasons
    assert [(c.kind, c.field) for c in verdict.changes] == [("changed", "phone")]


def test_a_21_card_with_n_and_no_fn_keeps_its_name() -> None:
    """vCard 2.1 needs only N: an Android export that leaves FN out lost no name, when the
    backup's FN is what that N spells; an FN of its own (a nickname) is lost."""
    before = book(card("FN:郭鹏", "N:郭;鹏;;;", "TEL:+86 180 3573 8311"),
                  card("FN:John Smith", "N:Smith;John;;;", "TEL:+44 20 7946 0001"),
                  card("FN:Johnny", "N:Smith;John;;;", "TEL:+44 20 7946 0002"))
    after = cg.loads(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:"
        "=E9=83=AD;=E9=B9=8F;;;\r\nTEL;CELL;PREF:180-3573-8311\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Smith;John;;;\r\nTEL;CELL:+44 20 7946 0001\r\n"
        "END:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Smith;John;;;\r\nTEL;CELL:+44 20 7946 0002\r\n"
        "END:VCARD\r\n")
    verdicts = cg.verify_restore(before, after).verdicts
    assert [v.status for v in verdicts] == ["intact", "intact", "changed"]
    assert [(c.kind, c.property) for c in verdicts[2].changes] == [("lost", "FN")]
    # and the other way: an FN that spells the unchanged N adds nothing; "Johnny" does
    (back,) = cg.diff(after, before).changed
    assert [(c.kind, c.after) for c in back.changes] == [("added", "Johnny")]


def test_outlooks_email_display_name_is_not_data() -> None:
    backup = book(card("FN:John Smith", "N:Smith;John;;;", "TEL:+1 415 555 0134",
                       "EMAIL:john@example.com"))
    outlook = cg.loads("First Name,Last Name,Mobile Phone,E-mail Address,E-mail Type,"
                       "E-mail Display Name\r\nJohn,Smith,+1 415 555 0134,john@example.com,"
                       "SMTP,John Smith (john@example.com)\r\n")
    assert [v.status for v in cg.verify_restore(backup, outlook).verdicts] == ["intact"]


def test_a_national_number_restored_with_its_country_code_is_the_same_number() -> None:
    """With a country code on one side only, libphonenumber's NSN match decides (#12):
    a UK book's 020 7946 0018 restored as +44 20 7946 0018 is intact, though it is also a
    valid Guangzhou number and the book's other contact is Chinese; the same holds for a
    Hong Kong 9123 4567 restored as +65 9123 4567 (NSN match: Singapore's number too)."""
    before = book(card("FN:Tom Brown", "TEL:020 7946 0018"),
                  card("FN:Wang Fang", "TEL:+86 138 0013 8000"))
    after = book(card("FN:Tom Brown", "TEL:+44 20 7946 0018"),
                 card("FN:Wang Fang", "TEL:+86 138 0013 8000"))
    assert cg.diff(before, after).changed == ()
    hk = book(card("FN:陳大文", "TEL:9123 4567"), card("FN:Lee", "TEL:+852 2345 6789"))
    sg = book(card("FN:陳大文", "TEL:+65 9123 4567"), card("FN:Lee", "TEL:+852 2345 6789"))
    assert cg.diff(hk, sg).changed == ()
    # a changed digit is always a change
    moved = book(card("FN:Tom Brown", "TEL:+44 20 7946 0019"),
                 card("FN:Wang Fang", "TEL:+86 138 0013 8000"))
    assert len(cg.diff(before, moved).changed) == 1


def test_a_national_number_valid_only_in_the_other_books_region_still_reads() -> None:
    """Valid in none of its own book's regions, a national number is read in the other
    book's too: an old phone's HK numbers without +852, restored as +852."""
    before = book(card("FN:Ada", "TEL:+86 138 0013 8000"), card("FN:Bo", "TEL:+86 139 0013 9000"),
                  card("FN:Wing", "TEL:9123 4567"))
    after = book(card("FN:Ada", "TEL:+86 138 0013 8000"), card("FN:Bo", "TEL:+86 139 0013 9000"),
                 card("FN:Wing", "TEL:+852 9123 4567"))
    assert cg.diff(before, after).changed == ()


def test_the_whole_name_in_one_field_with_the_same_fn_is_format_only() -> None:
    before = book(card("FN:Ivy Kwok", "N:Kwok;Ivy;;;", "TEL:+852 9123 4567"))
    after = book(card("FN:Ivy Kwok", "N:;Ivy Kwok;;;", "TEL:+852 9123 4567"))
    assert cg.diff(before, after).changed == ()
    renamed = book(card("FN:Ivy Kwok", "N:;Ivy Chan;;;", "TEL:+852 9123 4567"))
    assert len(cg.diff(before, renamed).changed) == 1  # a word that is not there is a change


def test_a_csv_without_a_name_column_and_first_last_swapped_is_format_only() -> None:
    """Google's CSV has no display-name column: the reader spells FN from First/Last.  A
    Western-order export that put the family name in First Name swaps N, and so the FN
    the reader spells: both are how the export wrote the name, not a change."""
    before = book(card("FN:赵颖静", "N:赵;颖静;;;", "TEL:+86 139 0968 0663"),
                  card("FN:Johnny", "N:Smith;John;;;", "TEL:+44 20 7946 0003"))
    csv = cg.loads("First Name,Last Name,Phone 1 - Value\r\n赵,颖静,+86 139 0968 0663\r\n"
                   "Smith,John,+44 20 7946 0003\r\n")
    verdicts = cg.verify_restore(before, csv).verdicts
    assert verdicts[0].status == "intact"
    # an FN of its own ("Johnny") that the CSV lost is still a change
    assert verdicts[1].status == "changed"
    assert {c.property for c in verdicts[1].changes} >= {"FN"}
