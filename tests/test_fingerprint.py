"""Fingerprints: invariant under harmless rewrites, sensitive to any user edit."""

from __future__ import annotations

import quopri
import random

from hypothesis import given, settings
from hypothesis import strategies as st

import books
import contactguard as cg
from contactguard._identity import canonical_fields, merkle_root
from contactguard._identity.fingerprint import phone_key
from contactguard._identity.phonekeys import _PHONE_PUNCT, compact_of
from contactguard._normalize import normalize_phone

_people = st.integers(0, 10_000).map(lambda seed: books.make_people(1, seed=seed,
                                                                    photo_share=0.3)[0])
_settings = settings(max_examples=80, deadline=None)


def _fp(text: str, region: str | None = "CN") -> str:
    snap = cg.loads(text)
    assert len(snap) == 1, snap.findings
    return cg.fingerprint(snap[0], region=region)


def _lines(card: str) -> list[str]:
    return card.rstrip("\r\n").split("\r\n")


@_settings
@given(_people, st.randoms(use_true_random=False))
def test_invariant_under_property_order(p: books.Person, rnd: random.Random) -> None:
    lines = _lines(books.ios_card(p))
    # keep BEGIN/VERSION first and END last; unfolded lines only are shuffled as units
    body = "\r\n".join(lines[2:-1]).replace("\r\n ", "\x00").split("\r\n")
    rnd.shuffle(body)
    shuffled = "\r\n".join([*lines[:2], *body, lines[-1]]).replace("\x00", "\r\n ") + "\r\n"
    assert _fp(shuffled) == _fp(books.ios_card(p))


@_settings
@given(_people, st.sampled_from(["\n", "\r", "\r\n"]), st.integers(5, 70))
def test_invariant_under_line_ends_and_folding(p: books.Person, eol: str, width: int) -> None:
    original = books.ios_card(p)
    folded: list[str] = []
    for line in original.replace("\r\n ", "").rstrip("\r\n").split("\r\n"):
        chunks = [line[i:i + width] for i in range(0, len(line), width)] or [""]
        folded.append(chunks[0] + "".join(eol + " " + c for c in chunks[1:]))
    assert _fp(eol.join(folded) + eol) == _fp(original)


@_settings
@given(_people, st.integers(0, 3))
def test_invariant_under_version_encoding_and_phone_format(p: books.Person,
                                                            style: int) -> None:
    assert _fp(books.android_card(p, style=style)) == _fp(books.ios_card(p))


@_settings
@given(_people)
def test_invariant_under_quoted_printable(p: books.Person) -> None:
    card = books.ios_card(p)
    fn = f"FN:{p.formatted}"
    qp = quopri.encodestring(p.formatted.encode()).decode().replace("=\n", "=\r\n")
    rewritten = card.replace(fn, f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{qp}")
    assert _fp(rewritten) == _fp(card)


@_settings
@given(_people, st.text(alphabet="0123456789TZ:-", min_size=1, max_size=20))
def test_invariant_under_volatile_fields(p: books.Person, stamp: str) -> None:
    card = books.ios_card(p, uid="one")
    changed = books.ios_card(p, uid="two").replace(
        "PRODID:-//Apple Inc.//iPhone OS 17.4//EN", "PRODID:-//Other//EN\r\nREV:" + stamp
        + "\r\nX-ABUID:1234\r\nX-IRMC-LUID:77")
    assert _fp(changed) == _fp(card)


def _user_lines(card: str) -> list[int]:
    out = []
    for i, line in enumerate(_lines(card)):
        name = line.split(":", 1)[0].split(";")[0].split(".")[-1].upper()
        if line.startswith(" ") or name in {"BEGIN", "END", "VERSION", "PRODID", "UID",
                                            "X-ABLABEL", "PHOTO"}:
            continue
        out.append(i)
    return out


@_settings
@given(_people, st.data())
def test_any_single_character_edit_of_a_user_value_changes_it(p: books.Person,
                                                              data: st.DataObject) -> None:
    card = books.ios_card(p)
    lines = _lines(card)
    i = data.draw(st.sampled_from(_user_lines(card)))
    head, _, value = lines[i].partition(":")
    positions = [k for k, ch in enumerate(value) if ch.isalnum()]
    if head.endswith("TEL;type=CELL;type=VOICE") or "TEL" in head:
        positions = positions[-6:]  # edit the subscriber digits, not the country code
    k = data.draw(st.sampled_from(positions))
    old = value[k]
    pool = "0123456789" if old.isdigit() else "qxzjkvQXZJK张伟芳"
    # (an e-mail address is compared case-insensitively: a case-only edit is no change)
    same = {old, old.lower(), old.upper()} if "EMAIL" in head else {old}
    new = data.draw(st.sampled_from([c for c in pool if c not in same]))
    lines[i] = f"{head}:{value[:k]}{new}{value[k + 1:]}"
    assert _fp("\r\n".join(lines) + "\r\n") != _fp(card)


@_settings
@given(_people)
def test_dropping_a_photo_or_an_email_changes_it(p: books.Person) -> None:
    from dataclasses import replace

    base = _fp(books.ios_card(p))
    if p.photo:
        assert _fp(books.ios_card(replace(p, photo=None))) != base
        assert _fp(books.ios_card(replace(p, photo=books.tiny_png(99_999)))) != base
    if p.emails:
        assert _fp(books.ios_card(replace(p, emails=()))) != base


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 30), st.randoms(use_true_random=False))
def test_snapshot_digest_ignores_card_order(n: int, rnd: random.Random) -> None:
    people = books.make_people(n, seed=n)
    shuffled = list(people)
    rnd.shuffle(shuffled)
    a = cg.loads(books.ios_backup(people, uids=False))
    b = cg.loads(books.android_export(shuffled))
    assert cg.snapshot_digest(a, region="CN") == cg.snapshot_digest(b, region="CN")
    if n > 1:
        fewer = cg.loads(books.ios_backup(people[1:], uids=False))
        assert cg.snapshot_digest(fewer, region="CN") != cg.snapshot_digest(a, region="CN")


def test_canonical_form_is_versioned_and_readable() -> None:
    c = cg.loads("BEGIN:VCARD\nVERSION:2.1\nN:Lovelace;Ada;;;\nFN:Ada Lovelace\n"
                 "TEL;CELL:+44 (0)20 7946 0000\nORG:Analytical;\nREV:x\nEND:VCARD\n")[0]
    assert cg.canonical_form(c).split("\n") == [
        "cg-canon-2", "FN:Ada Lovelace", "N:Lovelace\x1fAda", "ORG:Analytical",
        "TEL:+442079460000"]
    assert canonical_fields(c)[0] == ("FN", "Ada Lovelace")


def test_merkle_root_is_order_independent_and_domain_separated() -> None:
    leaves = [bytes([i]) * 32 for i in range(5)]
    assert merkle_root(leaves) == merkle_root(reversed(leaves))
    assert merkle_root(leaves[:1]) != leaves[0]
    assert merkle_root([]) != merkle_root([b""])


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(["+86 138-0013-8000", "008613800138000", "+8613800138000",
                        "+44 20 7946 0000", "+1 (650) 253-0000", "+33 6 12 34 56 78",
                        "+44 (0)20 7946 0000", "+39 06 1234 5678", "+86 10 1234 5678",
                        "+1 650 253 0000 x12", "138 0013 8000", "+49 30 1234567"]))
def test_phone_key_fast_path_agrees_with_phonenumbers(raw: str) -> None:
    assert phone_key(raw, "CN") == normalize_phone(raw, region="CN").key


def _example_spellings() -> list[tuple[str, str]]:
    import phonenumbers as pn

    out: list[tuple[str, str]] = []
    kinds = [pn.PhoneNumberType.MOBILE, pn.PhoneNumberType.FIXED_LINE,
             pn.PhoneNumberType.TOLL_FREE, pn.PhoneNumberType.VOIP]
    for region in sorted(pn.SUPPORTED_REGIONS):
        for kind in kinds:
            num = pn.example_number_for_type(region, kind)
            if num is None:
                continue
            national = pn.format_number(num, pn.PhoneNumberFormat.NATIONAL)
            intl = pn.format_number(num, pn.PhoneNumberFormat.INTERNATIONAL)
            e164 = pn.format_number(num, pn.PhoneNumberFormat.E164)
            out += [(region, national), (region, intl), (region, e164),
                    (region, "".join(ch for ch in national if ch.isdigit())),
                    (region, "00" + e164[1:]), (region, "011" + e164[1:])]
    return out


def test_phone_key_fast_paths_agree_with_phonenumbers_for_every_region() -> None:
    """Every region's example numbers, in national, international, E.164, bare-digit and
    00/011 spellings: the fast paths must give exactly what the full parse gives."""
    spellings = _example_spellings()
    assert len(spellings) > 2000
    bad = [(r, raw, phone_key(raw, r), normalize_phone(raw, region=r).key)
           for r, raw in spellings
           if phone_key(raw, r) != normalize_phone(raw, region=r).key]
    assert bad == []


def test_phone_key_fast_paths_agree_with_phonenumbers_in_several_regions() -> None:
    """The same spellings read in a region text of several regions (the per-card rule):
    the fast paths, 00/011-prefixed ones included (#18), give what ``read_phone`` gives,
    which reads each region with the full parse."""
    from contactguard._normalize import read_phone

    spellings = _example_spellings()
    bad = [(text, raw, phone_key(raw, text), read_phone(raw, text).key)
           for r, raw in spellings
           for text in (f"CN,{r}" if r != "CN" else "CN,GB", f"{r},US" if r != "US" else "US,FR")
           if phone_key(raw, text) != read_phone(raw, text).key]
    assert bad == []


def _near_valid_numbers() -> list[tuple[str, str]]:
    """Every region's example numbers with one digit changed, one added or one dropped,
    and digit runs that start with the region's own country code (``49…`` in Germany),
    which libphonenumber may read as a country code written without ``+``."""
    import random

    import phonenumbers as pn

    rnd = random.Random(18)
    out: list[tuple[str, str]] = []
    for region in sorted(pn.SUPPORTED_REGIONS):
        cc = str(pn.country_code_for_region(region))
        for kind in (pn.PhoneNumberType.MOBILE, pn.PhoneNumberType.FIXED_LINE):
            num = pn.example_number_for_type(region, kind)
            if num is None:
                continue
            digits = str(num.national_number)
            for _ in range(3):
                k = rnd.randrange(len(digits))
                out.append((region, digits[:k] + rnd.choice("0123456789") + digits[k + 1:]))
                out.append((region, digits[:k] + rnd.choice("0123456789") + digits[k:]))
                out.append((region, digits[:k] + digits[k + 1:]))
                out.append((region, cc + "".join(rnd.choice("0123456789")
                                                 for _ in range(rnd.randrange(3, 10)))))
    return out


def test_valid_national_agrees_with_is_valid_number() -> None:
    """The fast validity check says what ``phonenumbers.is_valid_number`` says, for near
    misses too: a number the region's general pattern rejects has no type (``4930620`` is
    no German number, though a fixed-line pattern alone would take it)."""
    import phonenumbers as pn

    from contactguard._normalize import valid_national

    cases = [(r, d) for r, d in _near_valid_numbers() if d[:1] not in ("", "0")]
    assert len(cases) > 5000
    bad = [(r, d) for r, d in cases
           if valid_national(r, d) != pn.is_valid_number(
               pn.PhoneNumber(country_code=pn.country_code_for_region(r),
                              national_number=int(d)))]
    assert bad == []
    assert not valid_national("DE", "4930620")


def test_phone_alternates_agree_with_the_full_parse() -> None:
    """``phone_alternates`` (its fast path) gives every key ``read_phone`` gives in each
    of the book's regions, for example numbers, near misses and short numbers."""
    from contactguard import loads
    from contactguard._identity import phone_alternates
    from contactguard._normalize import read_phone

    numbers = [*[d for _, d in _near_valid_numbers()][::7], "110", "999", "911", "10086",
               "95588", "12306", "0935384953", "92253326"]
    for text in ("CN,HK,TW,US", "GB,FR,DE,IT,ES,AU,JP,KR", "HK,SG", "US,CA,GB", "JM,PR,DO"):
        regions = text.split(",")
        for number in numbers:
            for written in (number, f"0{number}", f"1{number}", f"{number[:3]} {number[3:]}"):
                card = loads(f"BEGIN:VCARD\nVERSION:3.0\nFN:x\nTEL:{written}\nEND:VCARD\n")[0]
                full = {p.key for p in (read_phone(written, r) for r in regions) if p.valid}
                assert phone_alternates(card, text) == full, (text, written)


def test_canonical_pass_collects_the_numbers_phone_alternates_reads() -> None:
    """``find_duplicates`` takes a card's national numbers from its canonical pass
    (``canonical_fields(nationals=)``): they give the same alternates as
    ``phone_alternates``, and collecting them changes no canonical field."""
    from contactguard import loads
    from contactguard._identity import national_alternates, phone_alternates
    from restores import FORMATS, make_case

    seen = 0
    for fmt in FORMATS:
        case = make_case(150, seed=4, restore_format=fmt)
        for text in (case.backup_text, case.restore_text):
            for card in loads(text):
                for region in ("CN,HK,TW,US", "HK,SG", "CN", None):
                    nationals: list[str] = []
                    fields = canonical_fields(card, region=region, nationals=nationals)
                    assert fields == canonical_fields(card, region=region)
                    assert national_alternates(nationals, region) == phone_alternates(
                        card, region)
                    seen += bool(nationals)
    assert seen > 500


def test_a_country_code_written_without_plus_reads_as_libphonenumber_reads_it() -> None:
    """``31612345678`` in a Dutch book is ``+31 6 12345678`` with the ``+`` left out, as
    libphonenumber reads it; the fast national path used to make it ``+3131612345678``
    (and so did ``4930123456`` in Germany, ``8222123456`` in Korea, …)."""
    import phonenumbers as pn

    from contactguard._normalize import read_phone_in

    checked = 0
    for region in sorted(pn.SUPPORTED_REGIONS):
        meta = pn.PhoneMetadata.metadata_for_region(region)
        for desc in (meta.fixed_line, meta.mobile):
            if desc is not None and desc.example_number:
                raw = f"{meta.country_code}{desc.example_number}"
                assert phone_key(raw, region) == read_phone_in(raw, region).key, (region, raw)
                checked += 1
    assert checked > 400
    assert phone_key("31612345678", "NL") == "+31612345678"
    assert phone_key("31 6 12345678", "NL,DE") == "+31612345678"
    assert phone_key("49 30 123456", "DE,NL") == "+4930123456"
    assert phone_key("31612345678", "GB,DE,FR,NL") == "+31612345678"
    # An exact region text is 0.1's rule, with which cg-canon-1 manifests are verified:
    # it keeps 0.1's reading, so those manifests verify as they did.
    assert phone_key("31612345678", "=NL") == "+3131612345678"


def test_canonical_phones_are_phone_key_in_the_cards_regions() -> None:
    """Each TEL of the canonical form is ``phone_key`` of its text in the card's regions
    (:func:`card_regions`), whatever short path the canonical pass took: a number valid in
    the book's first region, a plain international one, or the card's regions worked out."""
    from contactguard import loads
    from contactguard._identity import card_regions
    from restores import FORMATS, make_case

    texts = [make_case(150, seed=6, restore_format=fmt).restore_text for fmt in FORMATS]
    texts.append("BEGIN:VCARD\nVERSION:3.0\nFN:x\nTEL:9225 3326\nTEL:+65 6123 4567\n"
                 "TEL:0935 384 953\nTEL:31612345678\nEND:VCARD\n")
    seen = 0
    for text in texts:
        for card in loads(text):
            for region in ("CN,HK,TW,US", "SG,HK", "HK,SG", "NL,GB", "=CN,HK", "CN", None):
                fields = canonical_fields(card, region=region)
                where = card_regions(card, region)
                expected = {phone_key(p.text.strip(), where) for p in card.get_all("TEL")
                            if p.text.strip()}
                assert {v for k, v in fields if k == "TEL"} == expected, (region, card)
                seen += len(expected)
    assert seen > 1000


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="aZ09._%+-@:<> \u00e9\u0130Kİ", min_size=1, max_size=12))
def test_plain_addresses_take_the_short_path_to_the_same_key(address: str) -> None:
    """The canonical form's short path for plain ASCII addresses gives what
    ``normalize_email`` gives (or the text, for what is no address)."""
    from contactguard._identity.fingerprint import _email_value
    from contactguard._model import Property
    from contactguard._normalize import normalize_email

    raw = address.strip()
    expected = normalize_email(raw) or " ".join(raw.split())
    assert _email_value(Property("EMAIL", address)) == expected


@given(st.text(alphabet="0123456789 -.()/+#*;,x\u00a0\u2011\u2012\u2013\u3000\uff10", max_size=24))
@settings(max_examples=500)
def test_compact_of_is_the_translation_table(text: str) -> None:
    assert compact_of(text) == text.translate(_PHONE_PUNCT)
