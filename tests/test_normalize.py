"""Tests for the normalization stage (contactguard._normalize).

Example tables pin exact outputs; hypothesis properties check that every normalizer is a
fixed point of itself (f(f(x)) == f(x)) on text mixing CJK, full-width forms and whitespace.
"""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contactguard import _normalize
from contactguard._core import UsageError
from contactguard._normalize import (
    PhoneNumber,
    date_problem,
    email_problem,
    infer_region,
    is_cjk,
    name_keys,
    normalize_date,
    normalize_email,
    normalize_name,
    normalize_phone,
    normalize_text,
    romanize,
)

# --------------------------------------------------------------------------------------------
# Strategies (local to this module: tests/strategies.py is owned elsewhere)
# --------------------------------------------------------------------------------------------

#: Characters that stress normalization: CJK (traditional and simplified, kana, hangul), name
#: punctuation, full-width and compatibility forms, odd whitespace and invisible characters,
#: letters whose case fold or NFKC form is longer or composed differently.
_TRICKY = (
    "张張伟偉王小明曾欧阳歐陽爱新觉罗溥仪臺灣台湾乾干后後發发里裡"
    "かなカナ山田太郎한국김민수ㄅㄆ々〇"
    "·・‧•,.，。、;:/()'’\"-"
    "ＡＢＣａｂｃ０１２３４５６７８９＋＠－（）　"
    " \t\n\r\x0b\x0c\x1c\x85\xa0\u2028\u200b\u200d\ufeff\u00ad\x00"
    "ßẞİıǅǆﬁﬀŉΣσςÅÅ\u212bé\u0301e\u0301¨\u0308ǰ\u1e9eﾊﾟ㍻㈱①"
    "abcxyzABCXYZ0123456789+@"
)
tricky_text = st.text(
    alphabet=st.one_of(st.sampled_from(_TRICKY), st.characters(codec="utf-8")),
    max_size=24,
)

_PHONE_CHARS = "0123456789０１２３４５６７８９+＋ -().;=/xX#extEXT转分机"
phone_text = st.one_of(
    st.text(alphabet=st.sampled_from(_PHONE_CHARS), max_size=28),
    st.builds(
        lambda prefix, cc, body, ext: f"{prefix}{cc} {body}{ext}",
        st.sampled_from(["+", "00", "tel:+", "(+", "＋", ""]),
        st.sampled_from(["1", "7", "33", "44", "49", "81", "86", "852", "886", "999", "800"]),
        st.text(alphabet=st.sampled_from("0123456789 -"), min_size=1, max_size=16),
        st.sampled_from(["", " ext. 12", " x7", ";ext=345", " 转 8"]),
    ),
)
regions = st.sampled_from([None, "CN", "US", "GB", "DE", "TW", "HK", "JP", "FR"])

_DATE_CHARS = "0123456789-/.T:Z+ "
date_text = st.one_of(
    st.text(alphabet=st.sampled_from(_DATE_CHARS), max_size=24),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%Y%m%d")),
    st.builds(lambda m, d: f"--{m:02d}{d:02d}", st.integers(0, 14), st.integers(0, 33)),
    st.builds(
        lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}T00:00:00.000Z",
        st.sampled_from([0, 1604, 1900, 1980, 2000, 2023]),
        st.integers(0, 14),
        st.integers(0, 33),
    ),
)

email_text = st.one_of(
    tricky_text,
    st.builds(
        lambda pre, local, domain: f"{pre}{local}@{domain}",
        st.sampled_from(["", " ", "mailto:", "MAILTO:", "<"]),
        tricky_text,
        st.one_of(tricky_text, st.sampled_from(["Example.COM", "bücher.de", "例子.测试", "b..c"])),
    ),
)


# --------------------------------------------------------------------------------------------
# Doctests are part of the contract
# --------------------------------------------------------------------------------------------


def test_doctests() -> None:
    attempted = 0
    for info in pkgutil.iter_modules(_normalize.__path__):
        module = importlib.import_module(f"{_normalize.__name__}.{info.name}")
        result = doctest.testmod(module, raise_on_error=False)
        assert result.failed == 0, info.name
        attempted += result.attempted
    assert attempted > 20


def test_all_names_exist() -> None:
    assert sorted(_normalize.__all__) == sorted(
        name for name in _normalize.__all__ if hasattr(_normalize, name)
    )
    assert set(_normalize.__all__) == {
        "E164", "IsoDate", "NameKey", "NormalizedEmail", "NormalizedText", "PhoneNumber",
        "check_region", "date_problem", "email_problem", "infer_region", "is_cjk",
        "is_diminutive", "name_keys", "normalize_date", "region_for", "EXACT", "locale_region",
        "read_phone", "read_phone_in", "regions_of", "plausible_regions", "surname_spellings",
        "region_of_international", "valid_national",
        "normalize_email", "normalize_name", "normalize_phone", "normalize_text", "romanize",
    }  # fmt: skip


# --------------------------------------------------------------------------------------------
# Phones
# --------------------------------------------------------------------------------------------

_CN_MOBILE = "+8613800138000"


@pytest.mark.parametrize(
    ("raw", "region"),
    [
        ("+86 138-0013-8000", None),
        ("008613800138000", None),
        ("008613800138000", "CN"),
        ("138 0013 8000", "CN"),
        ("+8613800138000", None),
        ("１３８００１３８０００", "CN"),
        ("＋８６ １３８ ００１３ ８０００", None),
        ("tel:+86-138-0013-8000", None),
        ("TEL:+86-138-0013-8000", None),
        ("(+86) 138 0013 8000", None),
        ("+86 (0) 138 0013 8000", None),
        ("011 86 138 0013 8000", "US"),
        ("0086 138 0013 8000", "US"),  # 00 is not the US prefix, but nothing else is valid
        ("138 0013 8000", "cn"),  # region codes are case-insensitive
    ],
)
def test_phone_forms_of_one_number(raw: str, region: str | None) -> None:
    p = normalize_phone(raw, region=region)
    assert p == PhoneNumber(
        raw=raw, e164=_CN_MOBILE, extension=None, region="CN", valid=True, possible=True,
        reason=None,
    )  # fmt: skip
    assert p.key == _CN_MOBILE


@pytest.mark.parametrize(
    "raw",
    [
        "+1 650 253 0000 ext. 123",
        "+1 650 253 0000 x123",
        "+1 650 253 0000;ext=123",
        "+1 650-253-0000 ext 123",
        "tel:+1-650-253-0000;ext=123",
        "+16502530000;ext=123",
    ],
)
def test_phone_extensions_are_kept(raw: str) -> None:
    p = normalize_phone(raw)
    assert (p.e164, p.extension, p.region, p.valid) == ("+16502530000", "123", "US", True)
    assert p.key == "+16502530000;ext=123"


def test_phone_chinese_extension_word() -> None:
    p = normalize_phone("+86 138 0013 8000 转 123")
    assert (p.e164, p.extension) == (_CN_MOBILE, "123")
    assert normalize_phone("010-1234-5678 分机 9", region="CN").key == "+861012345678;ext=9"


def test_phone_national_form_with_region() -> None:
    assert normalize_phone("(650) 253-0000", region="US").e164 == "+16502530000"
    assert normalize_phone("020 7946 0958", region="GB").e164 == "+442079460958"


def test_phone_without_region_or_country_code_is_flagged_not_dropped() -> None:
    p = normalize_phone("138 0013 8000")
    assert p == PhoneNumber(
        raw="138 0013 8000", e164=None, extension=None, region=None, valid=False,
        possible=False, reason="no country code and no default region",
    )  # fmt: skip
    assert p.key == "13800138000"


@pytest.mark.parametrize(
    ("raw", "region", "e164", "number_region", "reason"),
    [
        ("+86 123", None, "+86123", "CN", "too short for CN"),
        ("12", "CN", "+8612", "CN", "too short for CN"),
        ("+1 650 253 000", None, "+1650253000", "US", "too short for US"),
        ("+86 12345678901234567890", None, None, "CN",
         "too long for CN; cannot be written in E.164"),
    ],
)  # fmt: skip
def test_phone_invalid_numbers_carry_a_reason(
    raw: str, region: str | None, e164: str | None, number_region: str, reason: str
) -> None:
    p = normalize_phone(raw, region=region)
    assert (p.e164, p.region, p.valid, p.possible, p.reason) == (
        e164, number_region, False, False, reason,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "reason", "key"),
    [
        ("", "empty", ""),
        ("   ", "empty", ""),
        ("abc", "not a phone number", "abc"),
        ("N/A", "not a phone number", "n/a"),
        ("+999 123456", "unknown country code", "999123456"),
    ],
)
def test_phone_unparsable(raw: str, reason: str, key: str) -> None:
    p = normalize_phone(raw)
    assert (p.e164, p.valid, p.reason, p.key) == (None, False, reason, key)


def test_phone_same_garbage_same_key() -> None:
    assert normalize_phone("+999 12-34").key == normalize_phone("+999 1234").key == "9991234"


def test_phone_non_geographic_region() -> None:
    p = normalize_phone("+800 1234 5678")
    assert (p.e164, p.region, p.valid) == ("+80012345678", "001", True)


def test_phone_bad_region_is_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown region code 'XX'"):
        normalize_phone("123", region="XX")


def test_phone_results_are_cached() -> None:
    raw = "+86 139 0013 9000"
    assert normalize_phone(raw) is normalize_phone(raw)
    assert normalize_phone(raw, region="cn") is normalize_phone(raw, region="CN")


@given(raw=phone_text, region=regions)
@settings(max_examples=400)
def test_phone_e164_is_a_fixed_point(raw: str, region: str | None) -> None:
    p = normalize_phone(raw, region=region)
    assert p.raw == raw
    if p.e164 is not None:
        assert p.e164.startswith("+")
        assert p.e164[1:].isdigit()
        assert p.valid or len(p.e164) <= 16
        again = normalize_phone(p.e164)
        assert again.e164 == p.e164
        assert again.valid == p.valid
        assert normalize_phone(p.key).key == p.key
    elif p.short:
        assert p.valid and p.read_in  # a short number has no E.164 form
    else:
        assert not p.valid
        assert p.reason
    if not p.valid:
        assert p.reason


# --------------------------------------------------------------------------------------------
# Region inference
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raws", "expected"),
    [
        (["+86 138 0013 8000", "008613900139000", "+1 650 253 0000", "5551234"], "CN"),
        (["tel:+44 20 7946 0958", "(+44) 7911 123456", "+86 138 0013 8000"], "GB"),
        (["+86 138 0013 8000", "+1 650 253 0000"], None),  # tie
        (["138 0013 8000", "650 253 0000"], None),  # nothing written internationally
        ([], None),
        (["+800 1234 5678"], None),  # non-geographic numbers belong to no region
        (["+1 416 555 0123", "+1 604 555 0199", "+1 650 253 0000", "+86 138 0013 8000"], "CA"),
        (["+44 7911 123456", "+44 7911 123457"], "GG"),  # Guernsey mobiles
    ],
)
def test_infer_region(raws: list[str], expected: str | None) -> None:
    assert infer_region(raws) == expected
    assert infer_region(iter(raws)) == expected  # any iterable, consumed once


# --------------------------------------------------------------------------------------------
# E-mail
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("John.Doe@Example.COM", "john.doe@example.com"),
        ("  john.doe@example.com \n", "john.doe@example.com"),
        ("mailto:John@Example.com", "john@example.com"),
        ("MAILTO:john@example.com?subject=Hi", "john@example.com"),
        ("<john@example.com>", "john@example.com"),
        ("a@bücher.de", "a@xn--bcher-kva.de"),
        ("a@BÜCHER.DE", "a@xn--bcher-kva.de"),
        ("a@xn--bcher-kva.de", "a@xn--bcher-kva.de"),
        ("a＠example.com", "a@example.com"),  # full-width @
        ("Straße@example.com", "strasse@example.com"),  # local part case folded
        ("a@example.com.", "a@example.com"),  # fully qualified domain
        ("x@[192.0.2.1]", "x@[192.0.2.1]"),
        ('"a@b"@example.com', '"a@b"@example.com'),
        ("a@b", "a@b"),  # malformed (no dot) yet still an address
    ],
)
def test_normalize_email(raw: str, expected: str) -> None:
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "   ", "john", "a@@b.com", "a@b@c.com", "@b.com", "a@", "a b@c.com", "mailto:"]
)
def test_normalize_email_none_when_not_an_address(raw: str) -> None:
    assert normalize_email(raw) is None
    assert email_problem(raw) is not None


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("john.doe@example.com", None),
        ("mailto:a@b.co", None),
        ("a@bücher.de", None),
        ("", "empty"),
        ("john.example.com", "missing @"),
        ("a@@b.com", "more than one @"),
        ("a@b@c.com", "more than one @"),
        ("@b.com", "nothing before @"),
        ("a@", "nothing after @"),
        ("john doe@example.com", "contains spaces"),
        ("john@example", 'domain "example" has no dot'),
        ("a@b..com", 'empty label in domain "b..com"'),
        ("a@-b.com", 'domain label "-b" starts or ends with a hyphen'),
        ("a@b_c.com", 'domain label "b_c" has characters other than letters, digits, hyphen'),
        ("a@b.123", 'top-level domain "123" is numeric'),
        ("a..b@c.com", "two dots in a row before @"),
        (".a@c.com", "part before @ starts or ends with a dot"),
        ("a,b@c.com", "character ',' not allowed before @"),
        ("x" * 65 + "@c.com", "part before @ longer than 64 characters"),
        ("a@" + "x" * 64 + ".com",
         'domain label "xxxxxxxxxxxxxxxxxxxx…" longer than 63 characters'),
    ],
)  # fmt: skip
def test_email_problem(raw: str, problem: str | None) -> None:
    assert email_problem(raw) == problem


@given(email_text)
@settings(max_examples=400)
def test_email_idempotent_and_consistent(raw: str) -> None:
    once = normalize_email(raw)
    if once is not None:
        assert normalize_email(once) == once
        assert once.count("@") >= 1
    if email_problem(raw) is None:
        assert once is not None


# --------------------------------------------------------------------------------------------
# Text and names
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  ACME  Corp\n", "acme corp"),
        ("ＡＣＭＥ\u3000Ｃｏｒｐ", "acme corp"),
        ("Straße", "strasse"),
        ("ﬁne\u00a0print", "fine print"),
        ("zero\u200bwidth\u00adsoft", "zerowidthsoft"),
        ("a\x00b\tc", "a b c"),
        ("1 Main St.\r\nSpringfield", "1 main st. springfield"),
        ("", ""),
        ("张 伟", "张 伟"),  # text keeps spaces and script; only names are joined and folded
    ],
)
def test_normalize_text(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("張偉", "张伟"),
        ("張 偉", "张伟"),
        ("张　伟", "张伟"),  # ideographic space
        ("Zhang Wei", "zhang wei"),
        ("ZHANG, Wei", "zhang wei"),
        ("Zhang,Wei", "zhang wei"),
        ("爱新觉罗·溥仪", "爱新觉罗溥仪"),
        ("愛新覺羅・溥儀", "爱新觉罗溥仪"),
        ("J.R.R. Tolkien", "j r r tolkien"),
        ("O’Brien", "o'brien"),
        ("Jean-Pierre  Dupont", "jean-pierre dupont"),
        ("臺灣 Wang", "台湾 wang"),
        ("山田 太郎", "山田太郎"),
        ("김 민수", "김민수"),
        ("...", ""),
    ],
)
def test_normalize_name(raw: str, expected: str) -> None:
    assert normalize_name(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("張偉", "zhang wei"),
        ("张伟", "zhang wei"),
        ("吕布", "lü bu"),
        ("曾小明", "zeng xiao ming"),  # surname reading, not 曾经's "ceng"
        ("欧阳修", "ouyang xiu"),
        ("Zhang Wei", "zhang wei"),
        ("王 Smith", "wang smith"),
        ("", ""),
    ],
)
def test_romanize(raw: str, expected: str) -> None:
    assert romanize(raw) == expected


def test_is_cjk() -> None:
    assert [is_cjk(c) for c in "張张かカ한ㄅ〇々"] == [True] * 8
    assert [is_cjk(c) for c in "aZ1 ・·，。Ａ"] == [False] * 9
    assert is_cjk("\U00020000")  # extension B
    with pytest.raises(UsageError):
        is_cjk("张伟")


def _kinds(keys: frozenset[str], kind: str) -> set[str]:
    return {k for k in keys if k.startswith(kind)}


def test_name_keys_sorted_tokens_shared() -> None:
    a = name_keys(formatted="Wei Zhang")
    b = name_keys(formatted="Zhang, Wei")
    c = name_keys(formatted="ZHANG Wei")
    d = name_keys(family="Zhang", given="Wei")
    assert a == b == c == d == {"t:wei zhang", "p:wei zhang", "i:wz"}


def test_name_keys_pinyin_bridges_scripts() -> None:
    simplified = name_keys(formatted="张伟")
    traditional = name_keys(formatted="張偉")
    structured = name_keys(family="張", given="偉")
    assert simplified == traditional == structured == {"t:张伟", "p:wei zhang", "i:wz"}
    assert simplified & name_keys(formatted="Wei Zhang") == {"p:wei zhang", "i:wz"}


def test_name_keys_chinese_given_name_spellings() -> None:
    keys = name_keys(formatted="王小明")
    assert keys == {"t:王小明", "p:ming wang xiao", "i:mwx", "p:wang xiaoming", "i:wx"}
    assert "p:wang xiaoming" in name_keys(formatted="Wang Xiaoming")
    assert "p:wang xiaoming" in name_keys(formatted="Xiao-Ming Wang")
    assert "p:ming wang xiao" in name_keys(formatted="Xiao Ming Wang")
    assert "p:ouyang xiu" in name_keys(formatted="歐陽修")


def test_name_keys_accents_only_loosen_pinyin_keys() -> None:
    keys = name_keys(formatted="José García")
    assert keys == {"t:garcía josé", "p:garcia jose", "i:gj"}
    assert "p:garcia jose" in name_keys(given="Jose", family="Garcia")


def test_name_keys_pool_structured_and_formatted() -> None:
    keys = name_keys(family="Zhang", given="Wei", formatted="张伟")
    assert keys == {"t:wei zhang", "t:张伟", "p:wei zhang", "i:wz"}


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"formatted": ""}, {"formatted": "  "}, {"family": " ", "given": "·"}, {"formatted": "-"}],
)
def test_name_keys_empty(kwargs: dict[str, str]) -> None:
    assert name_keys(**kwargs) == frozenset()


# --------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1980-04-15", "1980-04-15"),
        ("19800415", "1980-04-15"),
        ("1980-04-15T00:00:00Z", "1980-04-15"),
        ("1980-04-15T00:00:00.000Z", "1980-04-15"),
        ("1980-04-15T08:00:00+08:00", "1980-04-15"),
        ("19800415T000000", "1980-04-15"),
        ("--0415", "--04-15"),
        ("--04-15", "--04-15"),
        ("1604-04-15", "--04-15"),
        ("1604-02-29", "--02-29"),
        ("0000-04-15", "--04-15"),
        ("1980/4/15", "1980-04-15"),
        ("1980.04.15", "1980-04-15"),
        ("15.04.1980", "1980-04-15"),
        ("04/15/1980", "1980-04-15"),
        ("05/05/1980", "1980-05-05"),
        ("1980-04", "1980-04"),
        ("1980", "1980"),
        ("１９８０-０４-１５", "1980-04-15"),
        (" 1980-04-15 ", "1980-04-15"),
        ("2000-02-29", "2000-02-29"),
    ],
)
def test_normalize_date(raw: str, expected: str) -> None:
    assert normalize_date(raw) == expected
    assert date_problem(raw) is None


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        ("1980-02-30", "February 30 does not exist"),
        ("1980-13-01", "month 13 does not exist"),
        ("1980-00-10", "month 0 does not exist"),
        ("1980-04-00", "day 0 of April does not exist"),
        ("1980-04-31", "April 31 does not exist"),
        ("1981-02-29", "February 29 does not exist in 1981 (not a leap year)"),
        ("--1301", "month 13 does not exist"),
        ("04/05/1980", "ambiguous date '04/05/1980': 4 May or April 5?"),
        ("1980-04-15T25:00:00Z", "time 25:00 is not a time of day"),
        ("1604", "a no-year placeholder without month or day"),
        ("garbage", "not a date: 'garbage'"),
        ("80-04-15", "not a date: '80-04-15'"),
        ("", "empty"),
    ],
)
def test_date_problem(raw: str, problem: str) -> None:
    assert normalize_date(raw) is None
    assert date_problem(raw) == problem


@given(date_text)
@settings(max_examples=400)
def test_date_idempotent_and_consistent(raw: str) -> None:
    once = normalize_date(raw)
    assert (once is None) == (date_problem(raw) is not None)
    if once is not None:
        assert normalize_date(once) == once


# --------------------------------------------------------------------------------------------
# Idempotence of the text normalizers
# --------------------------------------------------------------------------------------------


@given(tricky_text)
@settings(max_examples=500)
def test_normalize_text_idempotent(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once
    assert once == once.strip()
    assert "  " not in once


@given(tricky_text)
@settings(max_examples=500)
def test_normalize_name_idempotent(raw: str) -> None:
    once = normalize_name(raw)
    assert normalize_name(once) == once
    assert "  " not in once


@given(tricky_text)
@settings(max_examples=300)
def test_romanize_idempotent(raw: str) -> None:
    once = romanize(raw)
    assert romanize(once) == once


@given(tricky_text, tricky_text, tricky_text)
@settings(max_examples=300)
def test_name_keys_kinds_and_invariance(family: str, given_name: str, formatted: str) -> None:
    keys = name_keys(family=family, given=given_name, formatted=formatted)
    assert all(k[:2] in {"t:", "p:", "i:"} and len(k) > 2 for k in keys)
    # Each kind appears whenever any does, and keys depend on the normalized name only.
    assert bool(_kinds(keys, "t:")) == bool(_kinds(keys, "p:")) == bool(_kinds(keys, "i:"))
    assert name_keys(formatted=normalize_name(formatted)) == name_keys(formatted=formatted)


@given(st.lists(st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1), min_size=1))
def test_name_keys_ignore_token_order(tokens: list[str]) -> None:
    assert name_keys(formatted=" ".join(tokens)) == name_keys(formatted=" ".join(tokens[::-1]))


def test_iso_day_shortcut_reads_as_every_other_form() -> None:
    """``1980-04-15`` is taken as it is only when the general reader would make the same
    of it: no-year placeholders (1604, 0000), impossible days, leap years all agree."""
    from contactguard._normalize import dates

    for year in (0, 1, 1600, 1603, 1604, 1900, 1999, 2000, 2024, 2100, 9999):
        for month in range(14):
            for day in range(33):
                text = f"{year:04d}-{month:02d}-{day:02d}"
                assert dates._read_date(text) == dates._read_any_date(text), text


@given(st.text(alphabet="0123456789-", min_size=10, max_size=10))
@settings(max_examples=300)
def test_iso_day_shortcut_on_any_ten_characters(text: str) -> None:
    from contactguard._normalize import dates

    assert dates._read_date(text) == dates._read_any_date(text)
