"""A restore that merged duplicates: two backup contacts came back as one card.

Phones merge duplicates on a restore (Android aggregation, iCloud and Google "merge
duplicates").  A backup contact whose every value is on a card paired with another, with
a name that is the same person's, is no loss: it is intact ("merged"), never "did not
come back", and the repair file does not bring it back as a duplicate.  A contact of
another person sharing the number, or one whose merge dropped a value, stays missing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import contactguard as cg
from contactguard._cli import main
from contactguard._compare import MERGED, REPEATS


def _card(fn: str, tels: tuple[str, ...] = (), emails: tuple[str, ...] = (),
          *, version: str = "3.0", n: str | None = None, extra: str = "") -> str:
    given, _, family = fn.rpartition(" ")
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"FN:{fn}",
             f"N:{n if n is not None else f'{family};{given};;;'}"]
    lines += [f"TEL;TYPE=CELL:{t}" for t in tels]
    lines += [f"EMAIL;TYPE=INTERNET:{e}" for e in emails]
    if extra:
        lines.append(extra)
    return "\r\n".join([*lines, "END:VCARD"]) + "\r\n"


_OTHERS = (_card("Ada Lovelace", ("+44 20 7946 0001",))
           + _card("Chan Tai Man", ("+852 9123 4567",))
           + _card("Li Wei", ("+86 139 1234 5678",)))


def _books(tmp_path: Path, backup: str, restore: str) -> tuple[Path, Path]:
    b, r = tmp_path / "backup.vcf", tmp_path / "restore.vcf"
    b.write_text(_OTHERS + backup, encoding="utf-8")
    r.write_text(_OTHERS + restore, encoding="utf-8")
    return b, r


def _statuses(report: cg.RestoreReport) -> list[tuple[str, bool]]:
    return [(v.status, bool(v.reasons) and v.reasons[0] == MERGED)
            for v in report.verdicts[3:]]


@pytest.mark.parametrize(("backup", "restore"), [
    pytest.param(  # a given name and its diminutive; the card has both contacts' details
        _card("Jim Price", ("+1 415 555 0101", "+1 415 555 0177"))
        + _card("James Price", ("+1 415 555 0101",), ("james@example.com",)),
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0177"), ("james@example.com",)),
        id="diminutive"),
    pytest.param(  # two cards of one name, the merged one holding both numbers
        _card("张伟", ("+86 135 0000 1111",), n="张;伟;;;")
        + _card("张伟", ("+86 10 6552 9988",), ("zw@example.cn",), n="张;伟;;;"),
        _card("张伟", ("+86 135 0000 1111", "+86 10 6552 9988"), ("zw@example.cn",),
              n="张;伟;;;"),
        id="same-name-numbers-joined"),
    pytest.param(  # the card keeps both contacts' groups, as Google and iCloud merges do
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0111"), extra="CATEGORIES:Work")
        + _card("Jim Price", ("+1 415 555 0101", "+1 415 555 0122"),
                extra="CATEGORIES:Family"),
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0111", "+1 415 555 0122"),
              extra="CATEGORIES:Family,Work"),
        id="groups-joined"),
    pytest.param(  # ... and both notes, one after the other (Google's merge)
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0111"), extra="NOTE:Met at PyCon")
        + _card("Jim Price", ("+1 415 555 0101", "+1 415 555 0122"),
                extra="NOTE:Golf on Sundays"),
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0111", "+1 415 555 0122"),
              extra="NOTE:Met at PyCon\\nGolf on Sundays"),
        id="notes-joined"),
    pytest.param(  # a Chinese name and its pinyin, Android 2.1 backup, iPhone restore:
        # the card has the hanzi name of one and the e-mail of the other
        _card("张伟", ("13500001111",), version="2.1", n="张;伟;;;")
        + _card("Zhang Wei", ("+86 135 0000 1111",), ("zhang.wei@example.com",),
                version="2.1"),
        _card("张伟", ("+86 135-0000-1111",), ("zhang.wei@example.com",), n="张;伟;;;"),
        id="romanized"),
])
def test_a_merged_duplicate_is_intact_not_missing(tmp_path: Path, backup: str,
                                                  restore: str) -> None:
    b, r = _books(tmp_path, backup, restore)
    d = cg.diff(b, r)
    assert not d.missing and not d.changed and not d.added, d
    assert len(d.merged) == 1 and d.merged[0].reasons[0] == MERGED
    assert d.unchanged == 5 and "1 merged" in d.summary()
    report = cg.verify_restore(b, r)
    assert report.ok
    assert sorted(_statuses(report)) == [("intact", False), ("intact", True)]


@pytest.mark.parametrize(("backup", "restore"), [
    pytest.param(  # a family's landline: two people, similar names
        _card("Zhang Wei", ("+86 10 6552 9988",)) + _card("Zhang Wen", ("+86 10 6552 9988",)),
        _card("Zhang Wei", ("+86 10 6552 9988",)),
        id="similar-names-two-people"),
    pytest.param(  # a nickname card for another person on the same number
        _card("Jane Doe", ("+1 415 555 0199",)) + _card("Mom", ("+1 415 555 0199",)),
        _card("Jane Doe", ("+1 415 555 0199",)),
        id="different-names"),
    pytest.param(  # the merge kept the number but dropped the e-mail: a loss
        _card("James Price", ("+1 415 555 0101",))
        + _card("Jim Price", ("+1 415 555 0101",), ("jim@example.com",)),
        _card("James Price", ("+1 415 555 0101",)),
        id="merge-dropped-a-value"),
    pytest.param(  # a duplicate whose every detail repeats the other's: nothing shows
        # a merge rather than a deletion, so it is missing (recall first)
        _card("Jim Price", ("+1 415 555 0101",), ("james@example.com",))
        + _card("James Price", ("+1 415 555 0101",), ("james@example.com",)),
        _card("James Price", ("+1 415 555 0101",), ("james@example.com",)),
        id="nothing-shows-a-merge"),
    pytest.param(  # the merge dropped the nickname: data like any other
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0111"))
        + _card("Jim Price", ("+1 415 555 0101", "+1 415 555 0122"), extra="NICKNAME:Jimbo"),
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0111", "+1 415 555 0122")),
        id="merge-dropped-the-nickname"),
    pytest.param(  # ... or the phonetic name of a Chinese card
        _card("王芳", ("+86 135 0000 2222", "+86 135 0000 3333"), n="王;芳;;;")
        + _card("王芳", ("+86 135 0000 2222", "+86 135 0000 4444"), n="王;芳;;;",
                extra="X-PHONETIC-FIRST-NAME:Fang\r\nX-PHONETIC-LAST-NAME:Wang"),
        _card("王芳", ("+86 135 0000 2222", "+86 135 0000 3333", "+86 135 0000 4444"),
              n="王;芳;;;"),
        id="merge-dropped-the-phonetic-name"),
    pytest.param(  # siblings on one landline whose names sound alike: two people
        _card("张伟", ("+86 10 6552 9988", "+86 135 0000 1111"), n="张;伟;;;")
        + _card("张薇", ("+86 10 6552 9988", "+86 135 0000 5555"), n="张;薇;;;"),
        _card("张伟", ("+86 10 6552 9988", "+86 135 0000 1111", "+86 135 0000 5555"),
              n="张;伟;;;"),
        id="homophone-hanzi"),
    pytest.param(  # another surname that sounds the same
        _card("张伟", ("+86 10 6552 9988", "+86 135 0000 1111"), n="张;伟;;;")
        + _card("章伟", ("+86 10 6552 9988", "+86 135 0000 5555"), n="章;伟;;;"),
        _card("张伟", ("+86 10 6552 9988", "+86 135 0000 1111", "+86 135 0000 5555"),
              n="张;伟;;;"),
        id="homophone-surname"),
    pytest.param(  # names the nicknames data links, of a man and a woman
        _card("Andrew Lee", ("+1 415 555 0101", "+1 415 555 0111"))
        + _card("Andrea Lee", ("+1 415 555 0101", "+1 415 555 0122")),
        _card("Andrew Lee", ("+1 415 555 0101", "+1 415 555 0111", "+1 415 555 0122")),
        id="andrew-andrea"),
    pytest.param(
        _card("Louise Martin", ("+1 415 555 0101", "+1 415 555 0111"))
        + _card("Louis Martin", ("+1 415 555 0101", "+1 415 555 0122")),
        _card("Louise Martin", ("+1 415 555 0101", "+1 415 555 0111", "+1 415 555 0122")),
        id="louis-louise"),
    pytest.param(  # the merge kept one of two photos
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0111"),
              extra="PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ==")
        + _card("Jim Price", ("+1 415 555 0101", "+1 415 555 0122"),
                extra="PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAICAg=="),
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0111", "+1 415 555 0122"),
              extra="PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAEBAQ=="),
        id="merge-kept-one-photo"),
    pytest.param(  # the joined note lost part of the merged contact's
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0111"), extra="NOTE:Met at PyCon")
        + _card("Jim Price", ("+1 415 555 0101", "+1 415 555 0122"),
                extra="NOTE:Golf on Sundays, tee time 9:00"),
        _card("James Price", ("+1 415 555 0101", "+1 415 555 0111", "+1 415 555 0122"),
              extra="NOTE:Met at PyCon\\nGolf on Sundays"),
        id="joined-note-cut"),
    pytest.param(  # the merge dropped the birthday
        _card("张伟", ("+86 135 0000 1111",), n="张;伟;;;")
        + _card("张伟", ("+86 135 0000 1111",), n="张;伟;;;", extra="BDAY:1990-05-04"),
        _card("张伟", ("+86 135 0000 1111",), n="张;伟;;;"),
        id="merge-dropped-the-birthday"),
])
def test_what_is_not_a_whole_merge_stays_missing(tmp_path: Path, backup: str,
                                                  restore: str) -> None:
    b, r = _books(tmp_path, backup, restore)
    d = cg.diff(b, r)
    assert not d.merged and len(d.missing) == 1, d
    assert not cg.verify_restore(b, r).ok


def test_a_card_named_as_another_person_is_no_merge(tmp_path: Path) -> None:
    """The card that holds Zhang Wen's e-mail is named Zhang Wei: the matcher pairs it with
    Zhang Wen, whose name changed. Two people, not a merge: Zhang Wei is not "merged"
    into it, and the change of name is not explained away."""
    b, r = _books(tmp_path, _card("Zhang Wei", ("+86 10 6552 9988",))
                  + _card("Zhang Wen", ("+86 10 6552 9988",), ("wen@example.cn",)),
                  _card("Zhang Wei", ("+86 10 6552 9988",), ("wen@example.cn",)))
    d = cg.diff(b, r)
    assert not d.merged and len(d.missing) == 1 and len(d.changed) == 1, d
    assert {str(c) for c in d.changed[0].changes} == {"name changed"}


def test_values_the_merged_contact_brought_are_no_change_of_the_card(tmp_path: Path) -> None:
    """The card's own contact gained the other's e-mail and number: that is the merge,
    not a change; a value from nowhere still is one."""
    backup = (_card("James Price", ("+1 415 555 0101",))
              + _card("Jim Price", ("+1 415 555 0102", "+1 415 555 0101"), ("jim@example.com",)))
    merged = _card("James Price", ("+1 415 555 0101", "+1 415 555 0102"), ("jim@example.com",))
    b, r = _books(tmp_path, backup, merged)
    d = cg.diff(b, r)
    assert (len(d.merged), len(d.changed), len(d.missing)) == (1, 0, 0)
    more = merged.replace("EMAIL;TYPE=INTERNET:jim@example.com",
                          "EMAIL;TYPE=INTERNET:jim@example.com\r\nNOTE:new")
    b, r = _books(tmp_path, backup, more)
    d = cg.diff(b, r)
    assert len(d.merged) == 1 and [str(c) for ch in d.changed for c in ch.changes] == [
        "note added"]


def test_the_cli_says_merged_and_repairs_nothing(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    b, r = _books(tmp_path, _card("Jim Price", ("+1 415 555 0101", "+1 415 555 0177"))
                  + _card("James Price", ("+1 415 555 0101",), ("james@example.com",)),
                  _card("James Price", ("+1 415 555 0101", "+1 415 555 0177"),
                        ("james@example.com",)))
    assert main(["verify", str(r), "--against", str(b)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("All 5 contacts came back complete.")
    assert "came back merged with J. P. into one card (" in out and "nothing to repair" in out
    assert "did not come back" not in out
    fix = tmp_path / "fix.vcf"
    assert main(["repair", str(r), "--against", str(b), "--for", "android", "-o",
                 str(fix)]) == 0
    assert not fix.exists() or "BEGIN:VCARD" not in fix.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main(["diff", str(b), str(r), "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    rows = [row for row in doc["comparisons"][0]["contacts"] if row["reasons"][:1] == [MERGED]]
    assert [row["status"] for row in rows] == ["intact"]
    assert rows[0]["checked"]["index"] == 3
    assert main(["diff", str(b), str(r), "-v"]) == 0
    assert "  merged  " in capsys.readouterr().out


def test_merges_do_not_depend_on_hash_order(tmp_path: Path) -> None:
    """The same verdicts whatever PYTHONHASHSEED (sets of values decide nothing)."""
    b, r = _books(tmp_path, _card("张伟", ("+86 135 0000 1111",), n="张;伟;;;")
                  + _card("张伟", ("+86 10 6552 9988",), ("zw@example.cn",), n="张;伟;;;")
                  + _card("Jim Price", ("+1 415 555 0101", "+1 415 555 0177"))
                  + _card("James Price", ("+1 415 555 0101",), ("james@example.com",)),
                  _card("James Price", ("+1 415 555 0101", "+1 415 555 0177"),
                        ("james@example.com",))
                  + _card("张伟", ("+86 135 0000 1111", "+86 10 6552 9988"),
                          ("zw@example.cn",), n="张;伟;;;"))
    code = ("import contactguard as cg, sys; d = cg.diff(sys.argv[1], sys.argv[2]); "
            "print(sorted((m.before, m.after) for m in d.merged), len(d.missing))")
    seen = {subprocess.run([sys.executable, "-c", code, str(b), str(r)], check=True,
                           capture_output=True, text=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout
            for seed in ("0", "1", "2")}
    assert len(seen) == 1 and seen.pop().rstrip().endswith(" 0")


_FN_ONLY = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:James Price\r\nTEL;TYPE=CELL:+1 415 555 0101"
            "\r\nEMAIL;TYPE=INTERNET:james@example.com\r\nEND:VCARD\r\n")


@pytest.mark.parametrize(("first", "second", "restore"), [
    pytest.param(_FN_ONLY, _card("James Price", ("+1 415 555 0101",)),
                 _card("James Price", ("+1 415 555 0101",), ("james@example.com",)),
                 id="N-written-by-the-restore"),
    pytest.param(_card("陈柳", ("+86 135 0000 1111",), ("cl@example.cn",), n="陈;柳;;;"),
                 _card("陈柳", ("+86 135 0000 1111",), n="陈;柳;;;"),
                 _card("陈柳", ("+86 135 0000 1111",), ("cl@example.cn",), n="柳;陈;;;"),
                 id="N-swapped-by-the-restore"),
])
def test_a_rewrite_by_the_restore_is_nothing_of_the_duplicates_own(
        tmp_path: Path, first: str, second: str, restore: str) -> None:
    """A pure duplicate whose card the restore rewrote (N added, N in Western order) has
    nothing of its own on the card: missing, with the card it repeats."""
    b, r = _books(tmp_path, first + second, restore)
    d = cg.diff(b, r)
    assert not d.merged and len(d.missing) == 1 and len(d.repeats) == 1, d


def test_a_duplicate_kept_once_is_missing_with_the_card_it_repeats(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Every detail repeats the other's: missing (it may have been deleted), and the
    report says where every detail of it is, in JSON, plain text and Chinese."""
    b, r = _books(tmp_path, _card("Jim Price", ("+1 415 555 0101",), ("james@example.com",))
                  + _card("James Price", ("+1 415 555 0101",), ("james@example.com",)),
                  _card("James Price", ("+1 415 555 0101",), ("james@example.com",)))
    d = cg.diff(b, r)
    assert len(d.missing) == 1 and not d.merged
    assert [(m.before, m.after, m.stage) for m in d.repeats] == [(3, 3, "repeats")]
    report = cg.verify_restore(b, r)
    assert [v.reasons[:1] for v in report.missing] == [(REPEATS,)]
    assert main(["verify", str(r), "--against", str(b)]) == 1
    out = capsys.readouterr().out
    assert "did not come back, but every detail of it is on another contact's card" in out
    assert main(["verify", str(r), "--against", str(b), "--lang", "zh-CN"]) == 1
    assert "重复" in capsys.readouterr().out
    assert main(["diff", str(b), str(r), "--format", "json"]) == 1
    rows = json.loads(capsys.readouterr().out)["comparisons"][0]["contacts"]
    assert [row["reasons"][:1] for row in rows if row["status"] == "missing"] == [[REPEATS]]
    # a plain loss says nothing of the kind
    b, r = _books(tmp_path, _card("Zoe Ng", ("+65 9123 4567",)), "")
    assert cg.verify_restore(b, r).missing[0].reasons == ()


def test_a_photo_link_cannot_show_the_merged_contacts_photo_kept(tmp_path: Path) -> None:
    """A Google CSV restore carries a photo link: a formatting difference for the card's own
    contact, but nothing shows that the merged contact's photo is the one kept."""
    photo = "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA{}=="
    b = tmp_path / "backup.vcf"
    b.write_text(_card("James Price", ("+1 415 555 0101", "+1 415 555 0111"),
                       extra=photo.format("EBAQ"))
                 + _card("Jim Price", ("+1 415 555 0101", "+1 415 555 0122"),
                         extra=photo.format("ICAg")), encoding="utf-8")
    r = tmp_path / "restore.csv"
    r.write_text("Name,Given Name,Family Name,Photo,Group Membership,Phone 1 - Type,"
                 "Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Phone 3 - Type,"
                 "Phone 3 - Value\nJames Price,James,Price,https://lh3.googleusercontent.com/"
                 "contacts/abc,* myContacts,Mobile,+1 415 555 0101,Mobile,+1 415 555 0111,"
                 "Mobile,+1 415 555 0122\n", encoding="utf-8")
    d = cg.diff(b, r)
    assert not d.merged and len(d.missing) == 1, d


def test_a_note_replaced_by_the_merged_contacts_is_a_change(tmp_path: Path) -> None:
    """The card kept the merged contact's note in place of its own contact's: that
    contact's note changed, whichever of the two the matcher paired the card with."""
    more = "ORG:Acme 91\r\nADR;TYPE=HOME:;;123 Elm St;Springfield;;81158;USA"
    b, r = _books(tmp_path, _card("Joseph Chen", ("+1 212 555 0180", "+1 415 555 0416"),
                                  ("family45@example.com", "p90@example.com"),
                                  extra="NOTE:Neighbour 90")
                  + _card("Joseph Chen", ("+1 212 555 0180", "+1 415 555 0280"),
                          ("family45@example.com", "p91@example.com"),
                          extra=f"NOTE:Neighbour 91\r\n{more}"),
                  _card("Joseph Chen", ("+1 212 555 0180", "+1 415 555 0416",
                                        "+1 415 555 0280"),
                        ("family45@example.com", "p90@example.com", "p91@example.com"),
                        extra=f"NOTE:Neighbour 90\r\n{more}"))
    d = cg.diff(b, r)
    notes = [c.before for ch in d.changed for c in ch.changes if c.field == "note"] + [
        p.value for c in d.missing for p in c.properties if p.name == "NOTE"]
    assert notes == ["Neighbour 91"], d
