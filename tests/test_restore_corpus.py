"""The restore corpus generator (tests/restores.py) itself: deterministic, valid numbers,
formatting-only rewrites that keep every number, consistent labels, readable files.

These test the yardstick, not contactguard's accuracy (benchmarks/bench_identity.py
measures that).
"""

from __future__ import annotations

import csv
import io
from functools import cache

import phonenumbers
import pytest
from phonenumbers import MatchType, shortnumberinfo

import contactguard as cg
import restores
from restores import Case, Tel

N = 300
SEED = 7


@cache
def case(fmt: str, seed: int = SEED, n: int = N) -> Case:
    return restores.make_case(n, seed=seed, restore_format=fmt)


def _means(tel: Tel, text: str, dial_from: str) -> bool:
    """``text`` (the number part, no extension), dialled from ``dial_from``, is ``tel``."""
    parsed = phonenumbers.parse(text, dial_from)
    if tel.short:
        return (text == tel.e164
                and shortnumberinfo.is_valid_short_number_for_region(parsed, tel.region))
    return phonenumbers.is_number_match(parsed, tel.e164) in (MatchType.EXACT_MATCH,
                                                             MatchType.NSN_MATCH)


@pytest.mark.parametrize("fmt", restores.FORMATS)
def test_same_seed_same_files(fmt: str) -> None:
    a = restores.make_case(120, seed=3, restore_format=fmt)
    b = restores.make_case(120, seed=3, restore_format=fmt)
    assert (a.backup_text, a.restore_text, a.truth) == (b.backup_text, b.restore_text, b.truth)
    c = restores.make_case(120, seed=4, restore_format=fmt)
    assert c.backup_text != a.backup_text


def test_backup_depends_on_the_seed_only() -> None:
    assert len({case(fmt).backup_text for fmt in restores.FORMATS}) == 1


def test_every_number_is_valid_and_written_as_itself() -> None:
    people = case("ios30").people
    regions = set()
    for p in people:
        assert 1 <= len(p.tels) <= 3
        for t in p.tels:
            if t.short:
                num = phonenumbers.parse(t.e164, t.region)
                assert shortnumberinfo.is_valid_short_number_for_region(num, t.region), t
            else:
                num = phonenumbers.parse(t.e164)
                assert phonenumbers.is_valid_number(num), t
                assert phonenumbers.region_code_for_number(num) == t.region
                regions.add(t.region)
            assert _means(t, t.base.text, t.base.dial_from), t
            if t.ext:
                assert t.text.startswith(t.base.text) and t.text.endswith(t.ext)
    assert regions == set(restores.REGIONS)
    numbers = [t.e164 for p in people for t in p.tels if not t.short]
    in_groups = {i for g in case("ios30").duplicate_groups for i in g}
    shared = {t.e164 for i in in_groups for t in people[i].tels}
    repeated = {e for e in numbers if numbers.count(e) > 1}
    assert repeated <= shared  # a number is shared only inside a duplicate group


def test_written_forms_all_mean_the_number() -> None:
    for e164 in ("+886935384953", "+12124890796", "+85297597703", "+447903335358",
                 "+6581234567", "+8613800138000", "+861065529988", "+8675588881234"):
        forms = restores.written_forms(e164)
        assert len(forms) >= 6
        texts = {w.text for w in forms}
        assert len(texts) == len(forms)
        for w in forms:
            num = phonenumbers.parse(w.text, w.dial_from)
            assert phonenumbers.format_number(num, phonenumbers.PhoneNumberFormat.E164) \
                == e164, w
    assert {"0935 384 953", "+886 (0)935 384 953", "+886935384953"} <= {
        w.text for w in restores.written_forms("+886935384953")}
    assert {"(212) 489-0796", "1-212-489-0796", "+1 212-489-0796"} <= {
        w.text for w in restores.written_forms("+12124890796")}


@pytest.mark.parametrize("fmt", restores.FORMATS)
def test_labels_are_consistent(fmt: str) -> None:
    c = case(fmt)
    assert len(c.truth) == len(c.people) == N
    present = [i for i, t in enumerate(c.truth) if t.label != "missing"]
    assert sorted(c.restore_origin) == present
    assert len(c.restore_tels) == len(c.restore_origin)
    for j, i in enumerate(c.restore_origin):
        assert c.truth[i].restore_index == j
    for t in c.truth:
        assert set(t.rewrites) <= set(restores.REWRITES)
        assert len(set(t.rewrites)) == len(t.rewrites)
        if t.label == "missing":
            assert t.restore_index is None and not t.rewrites and not t.damages
        elif t.label == "untouched":
            assert not t.rewrites and not t.damages and not t.damaged
        elif t.label == "formatting":
            assert t.rewrites and not t.damages and not t.damaged
        else:
            assert t.label == "changed" and t.damages and t.damaged
            assert set(t.damages) <= set(restores.DAMAGES)
            assert t.damaged <= frozenset().union(*(restores.DAMAGES[k] for k in t.damages))
    counts = c.counts()
    assert counts["untouched"] > N / 2 - 30  # most of the book
    assert counts["changed"] >= 1 and counts["formatting"] >= N / 4


def test_rates_are_configurable() -> None:
    none = restores.make_case(200, seed=1, restore_format="android21",
                              rates=restores.Rates(missing=0, changed=0, formatting=0))
    assert none.counts()["missing"] == none.counts()["changed"] == 0
    # only the features Android cannot spell the same way make formatting contacts
    for t in none.truth:
        assert set(t.rewrites) <= {"label-lost", "note-crlf", "bday-omit-year"}
    heavy = restores.make_case(400, seed=1, restore_format="ios30",
                               rates=restores.Rates(missing=0.2, changed=0.2, formatting=0.5))
    counts = heavy.counts()
    assert 40 < counts["missing"] < 120 and 40 < counts["changed"] < 120


@pytest.mark.parametrize("fmt", restores.FORMATS)
def test_formatting_rewrites_keep_every_number(fmt: str) -> None:
    c = case(fmt)
    for j, i in enumerate(c.restore_origin):
        t = c.truth[i]
        tels = c.restore_tels[j]
        if t.label in ("untouched", "formatting"):
            assert sorted(x.e164 for x in tels) == sorted(x.e164 for x in c.people[i].tels)
        for tel in tels:
            if tel.damaged:
                assert not _means(tel, tel.base.text, tel.base.dial_from)
            else:
                assert _means(tel, tel.base.text, tel.base.dial_from), (t, tel)
        if t.label == "untouched":
            assert [x.text for x in tels] == [x.text for x in c.people[i].tels]


def test_duplicate_groups_share_a_phone_or_an_email() -> None:
    c = restores.make_case(600, seed=SEED, restore_format="ios30",
                           rates=restores.Rates(0, 0, 0), duplicate_share=0.12)
    assert len(c.duplicate_groups) >= 15
    names = set()
    for g in c.duplicate_groups:
        a, b = (c.people[i] for i in g)
        assert ({t.e164 for t in a.tels} & {t.e164 for t in b.tels}
                or {e.lower() for e, _ in a.emails} & {e.lower() for e, _ in b.emails})
        names.add((a.given, b.given))
    assert any(pair in names for pair in (("James", "Jim"), ("Robert", "Bob"),
                                          ("William", "Bill"), ("Elizabeth", "Liz"),
                                          ("Katherine", "Kate")))
    assert any("公司" in b for _, b in names)


def test_synthetic_data_only() -> None:
    for p in case("ios30").people:
        for e, _ in p.emails:
            assert e.lower().endswith(("@example.com", "@example.org"))


@pytest.mark.parametrize("fmt", ["google_csv_new", "google_csv_old"])
def test_csv_parses_with_the_csv_module(fmt: str) -> None:
    c = case(fmt)
    rows = list(csv.reader(io.StringIO(c.restore_text.lstrip("\ufeff"), newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == len(c.restore_origin)
    assert all(len(r) == len(header) for r in body)
    if fmt == "google_csv_new":
        assert header[:3] == ["First Name", "Middle Name", "Last Name"]
        assert "Phone 1 - Label" in header and "Labels" in header
        assert any(r[header.index("Labels")].startswith("* myContacts ::: ") for r in body)
    else:
        assert header[:4] == ["Name", "Given Name", "Additional Name", "Family Name"]
        assert "Group Membership" in header and "Phone 1 - Type" in header


@pytest.mark.parametrize("fmt", restores.FORMATS)
def test_contactguard_reads_every_card(fmt: str) -> None:
    c = case(fmt)
    backup = cg.loads(c.backup_text)
    restored = cg.loads(c.restore_text)
    assert len(backup) == N
    assert len(restored) == len(c.restore_origin)
    for snap in (backup, restored):
        errors = [f for f in snap.findings if f.severity is cg.Severity.ERROR]
        assert not errors, errors[:3]


def test_android_export_spelling() -> None:
    text = case("android21").restore_text
    assert "VERSION:2.1\r\n" in text
    assert ";CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=" in text
    assert "TEL;CELL;PREF:" in text
    # quoted-printable lines are soft-broken at 76; Android leaves plain ASCII lines unfolded
    qp = [line for line in text.split("\r\n") if "QUOTED-PRINTABLE" in line
          or line.endswith("=")]
    assert qp and all(len(line) <= 76 for line in qp)
    ios = case("ios30").backup_text
    assert "item1.X-ABLabel:" in ios and "type=CELL;type=VOICE;type=pref" in ios
    assert "PHOTO;ENCODING=b;TYPE=PNG:" in ios and "CATEGORIES:" in ios
