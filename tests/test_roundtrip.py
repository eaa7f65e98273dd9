"""parse∘write round trip: ``loads(dumps(snapshot, version=v))`` holds equal contacts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import books
import strategies
from contactguard import Contact, Property, Snapshot, loads
from contactguard._read.framing import holds_something
from contactguard._write import dumps

VERSIONS = ("3.0", "4.0")


def _roundtrip(contacts: list[Contact] | Snapshot, version: str) -> Snapshot:
    return loads(dumps(contacts, version=version))


@pytest.mark.parametrize("version", VERSIONS)
@given(cards=st.lists(strategies.contacts(), min_size=1, max_size=4))
@settings(max_examples=200, deadline=None)
def test_generated_contacts_roundtrip(cards: list[Contact], version: str) -> None:
    back = _roundtrip(cards, version)
    assert list(back) == cards
    # a book none of whose cards holds anything backs up nothing: said as such
    empty = not any(holds_something(c.properties) for c in cards)
    assert [f.kind for f in back.findings] == (["no-contacts"] if empty else [])
    assert all(c.version == version for c in back)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("maker", [books.ios_backup, books.android_export])
def test_generated_books_roundtrip(maker: object, version: str) -> None:
    people = books.make_people(150, seed=7, photo_share=0.2)
    snap = loads(maker(people))  # type: ignore[operator]
    assert len(snap) == 150
    assert snap.findings == ()
    back = _roundtrip(snap, version)
    assert list(back) == list(snap)
    assert back.findings == ()
    assert [c.formatted_name for c in back] == [p.formatted for p in people]
    # and writing the re-read book again gives the same text: dumps is deterministic
    assert dumps(back, version=version) == dumps(snap, version=version)


def test_vcard21_and_its_30_reexport_are_equal() -> None:
    people = books.make_people(40, seed=3, photo_share=0.3)
    android = loads(books.android_export(people))
    reexport = loads(dumps(android, version="3.0"))
    assert list(android) == list(reexport)
    assert {c.version for c in android} == {"2.1"}
    assert {c.version for c in reexport} == {"3.0"}


def test_written_text_is_plain_vcard() -> None:
    card = Contact((Property("FN", "张伟\\, Jr."), Property("TEL", "+86 138 0013 8000",
                                                         (("TYPE", "CELL,VOICE"),), "item1"),
                    Property("X-ABLABEL", "_$!<Mobile>!$_", (), "item1"),
                    Property("PHOTO", "iVBORw0KGgo=", (("ENCODING", "B"), ("TYPE", "PNG")))))
    v3 = dumps([card], version="3.0")
    v4 = dumps([card], version="4.0")
    assert v3.splitlines()[:2] == ["BEGIN:VCARD", "VERSION:3.0"]
    assert "FN:张伟\\, Jr." in v3.splitlines()
    assert "item1.TEL;TYPE=CELL,VOICE:+86 138 0013 8000" in v3.splitlines()
    assert "PHOTO;ENCODING=B;TYPE=PNG:iVBORw0KGgo=" in v3.splitlines()
    assert "PHOTO:data:image/png;base64,iVBORw0KGgo=" in v4.splitlines()
    assert "PRODID" not in v3
    assert all(len(line.encode()) <= 75 for line in v3.splitlines())


def test_dumps_refuses_unknown_versions() -> None:
    from contactguard import UsageError

    with pytest.raises(UsageError, match=r"2\.1"):
        dumps([], version="2.1")


def test_dump_writes_atomically(tmp_path: Path) -> None:
    from contactguard._write import dump

    snap = loads(books.ios_backup(books.make_people(5)))
    target = tmp_path / "out.vcf"
    target.write_text("old", encoding="utf-8")
    dump(snap, target, version="4.0")
    assert list(loads(target.read_bytes())) == list(snap)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.vcf"]  # no temp file left


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_parameter_value_ending_in_a_backslash_round_trips(version: str) -> None:
    """Regression (hypothesis): '\\"' is read as an escaped quote only inside a value,
    never when it closes one."""
    from contactguard import Contact, Property, dumps, loads

    card = Contact((Property("FN", "x", (("X-LABEL", ",\\"),)),
                    Property("NOTE", "y", (("X-LABEL", 'a \\" b'),))))
    assert list(loads(dumps([card], version=version))) == [card]


def test_android_custom_fields_keep_their_structure() -> None:
    from contactguard import dumps, loads

    card = ("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Osei;Nina;;;\r\n"
            "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Neen;1;;;;;;;;;;;;;\r\n"
            "END:VCARD\r\n")
    snap = loads(card)
    assert snap[0].first("X-ANDROID-CUSTOM").components[:3] == (  # type: ignore[union-attr]
        "vnd.android.cursor.item/nickname", "Neen", "1")
    assert "X-ANDROID-CUSTOM:vnd.android.cursor.item/nickname;Neen;1;" in dumps(snap)
