"""Manifests: build/save/load, verify, privacy, keyed tamper detection, golden files."""

from __future__ import annotations

import json
import os
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest

import books
import contactguard as cg

DATA = Path(__file__).parent / "data" / "manifests"


def _backup(n: int = 60, seed: int = 11) -> tuple[list[books.Person], cg.Snapshot]:
    people = books.make_people(n, seed=seed, photo_share=0.2)
    return people, cg.loads(books.ios_backup(people, uids=False))


def test_acceptance_reexport_verifies_clean_and_names_the_two_losses(tmp_path: Path) -> None:
    people, backup = _backup(120)
    path = tmp_path / "backup.manifest.json"
    cg.Manifest.build(backup).save(path)
    manifest = cg.Manifest.load(path)

    rnd = random.Random(1)
    same = list(people)
    rnd.shuffle(same)
    reexport = books.ios_backup(same, uids=False).replace("\r\n", "\n").replace(
        "iPhone OS 17.4", "iPhone OS 18.2")
    clean = cg.verify(cg.loads(reexport), manifest)
    assert clean.ok and clean.identical
    assert clean.unchanged == 120
    assert clean.summary() == "OK: 120 of 120 contacts intact, 0 missing, 0 changed, 0 added"

    deleted = same.pop(5)
    victim = same[17]
    same[17] = replace(victim, phones=(victim.phones[0][:-1], *victim.phones[1:]))
    report = cg.verify(cg.loads(books.ios_backup(same, uids=False)), manifest)
    assert not report.ok
    assert [v.label for v in report.missing] == [
        f"contact #{deleted.key + 1}, line {backup[deleted.key].line}"]
    (changed,) = report.changed
    assert changed.reference == victim.key
    assert changed.label == f"contact #{victim.key + 1}, line {backup[victim.key].line}"
    assert changed.detail == "1 phone changed"
    assert not report.added


def test_lost_photo_and_lost_email_are_named() -> None:
    people, backup = _backup(80)
    manifest = cg.Manifest.build(backup)
    with_photo = next(p for p in people if p.photo and p.emails)
    with_email = next(p for p in people if p.emails and p is not with_photo)
    after = [replace(p, photo=None) if p is with_photo else
             replace(p, emails=()) if p is with_email else p for p in people]
    report = cg.verify(cg.loads(books.android_export(after)), manifest)
    details = {v.reference: v.detail for v in report.changed}
    assert details == {with_photo.key: "1 photo lost", with_email.key: "1 email lost"}


def _uuid(key: int) -> str:
    return f"5f0c{key:04x}-9b1e-4c2a-8d3f-a1b2c3d4e5f6"


def test_uids_are_kept_as_keyed_digests_and_still_pair() -> None:
    """No UID is in a manifest in clear: one may hold a number or a name
    (``86-138-0013-8000``, ``wang.fang.1990``).  Its keyed digest still pairs a card whose
    data changed with its entry; reports name contacts by position."""
    people = books.make_people(10, seed=3)
    uids = [_uuid(0), "86-138-0013-8000", "wang.fang.1990", "tel:138-0013-8000",
            *(_uuid(p.key) for p in people[4:])]
    backup = cg.loads("".join(books.ios_card(p, uid=u) for p, u in zip(people, uids,
                                                                        strict=True)))
    manifest = cg.Manifest.build(backup)
    text = manifest.dumps()
    assert all(u not in text for u in uids)
    assert all(e.uid is None and e.uid_key and e.uid_key.startswith("hmac:")
               for e in manifest.entries)
    # an unkeyed manifest salts them (guessable, as the rest of it)
    unkeyed = cg.Manifest.build(backup, unkeyed=True)
    assert all(e.uid_key and e.uid_key.startswith("sha256:") for e in unkeyed.entries)
    report = cg.verify(cg.loads("".join(books.ios_card(p) for p in people[1:])), manifest)
    assert [v.label for v in report.missing] == ["contact #1, line 1"]
    # same UIDs, every card's e-mails and name changed: each still pairs by its UID
    changed = [replace(p, emails=("new@example.org",), given="Renamed") for p in people]
    again = cg.loads("".join(books.ios_card(p, uid=u) for p, u in zip(changed, uids,
                                                                       strict=True)))
    result = cg.verify(again, manifest)
    assert not result.missing and not result.added
    assert {v.reasons for v in result.changed} == {("same UID",)}


def test_streamed_verify_pairs_by_the_uid_digest_too(tmp_path: Path) -> None:
    people = books.make_people(6, seed=4)
    uids = [_uuid(p.key) for p in people]
    backup = tmp_path / "backup.vcf"
    backup.write_text("".join(books.ios_card(p, uid=u) for p, u in zip(people, uids,
                                                                        strict=True)),
                      encoding="utf-8")
    key = cg.generate_key()
    manifest = tmp_path / "m.json"
    cg.Manifest.build(cg.load(backup), key=key).save(manifest)
    changed = tmp_path / "changed.vcf"
    changed.write_text("".join(books.ios_card(replace(p, emails=("x@example.org",)), uid=u)
                               for p, u in zip(people, uids, strict=True)), encoding="utf-8")
    streamed = cg.verify_file(changed, manifest, key=key)
    assert {v.reasons for v in streamed.verdicts} == {("same UID",)}
    assert all(u not in manifest.read_text(encoding="utf-8") for u in uids)


def _personal_values(people: list[books.Person]) -> set[str]:
    out: set[str] = set()
    for p in people:
        out |= {p.family + p.given, p.given, p.formatted, *p.emails, *p.phones}
        out |= {tel[3:] for tel in p.phones} | {tel[-8:] for tel in p.phones}
        out |= {e.split("@")[0] for e in p.emails}
        if p.bday:
            out |= {p.bday, p.bday.replace("-", "")}
    return {v for v in out if len(v) >= 2}


@pytest.mark.parametrize("unkeyed", [False, True])
def test_manifest_holds_no_personal_data(unkeyed: bool) -> None:
    people, backup = _backup(60)
    manifest = cg.Manifest.build(backup, unkeyed=unkeyed)
    text = manifest.dumps()
    for value in _personal_values(people):
        assert value not in text, value
    doc = json.loads(text)
    assert doc["schema_version"] == 2
    assert doc["algorithm"] == ("salted-sha256" if unkeyed else "hmac-sha256")
    assert re.fullmatch(r"[0-9a-f]{32}", doc["salt"])
    assert ("key_id" in doc) == ("signature" in doc) == (not unkeyed)
    assert manifest.key is None or manifest.key.key_id == doc["key_id"]
    assert manifest.key is None or manifest.key.material.hex() not in text
    for entry in doc["contacts"]:
        assert "counts" not in entry  # a card's shape is not recorded
        if unkeyed:  # integrity only: nothing that depends on part of a card
            assert entry["partial"] == {}


def test_salt_makes_manifests_of_the_same_backup_unlinkable() -> None:
    _, backup = _backup(5)
    a, b = cg.Manifest.build(backup), cg.Manifest.build(backup)
    assert {e.digest for e in a.entries}.isdisjoint(e.digest for e in b.entries)


def test_keyed_manifest_detects_any_alteration(tmp_path: Path) -> None:
    people, backup = _backup(20)
    key = "tundra kettle oboe meridian"
    path = tmp_path / "m.json"
    cg.Manifest.build(backup, key=key).save(path)
    assert cg.verify(backup, cg.Manifest.load(path, key=key), key=key).ok
    text = path.read_text()
    doc = json.loads(text)
    doc["contacts"].pop(3)
    doc["contact_count"] -= 1
    tampered = json.dumps(doc)
    # the key's id matches, so the message says what happened: no "or the key is wrong"
    with pytest.raises(cg.ManifestSignatureError, match="altered after it was written "
                       r"\(the key is the right one"):
        cg.Manifest.loads(tampered, key=key)
    digest = doc["contacts"][0]["digest"]
    tampered_file = tmp_path / "tampered.json"  # the saved file, one digest altered
    tampered_file.write_text(text.replace(digest, digest[::-1]))
    backup_file = tmp_path / "backup.vcf"
    backup_file.write_text(books.ios_backup(people, uids=False), encoding="utf-8")
    with pytest.raises(cg.ManifestSignatureError, match="altered after it was written"):
        cg.verify_file(backup_file, tampered_file, key=key)  # (streamed: the same words)
    with pytest.raises(cg.ManifestSignatureError, match="not the manifest's key"):
        cg.Manifest.loads(text, key="wrong but long enough")
    with pytest.raises(cg.UsageError, match="pass its passphrase"):
        cg.verify(backup, cg.Manifest.loads(text))  # keyed manifest, no key
    assert isinstance(cg.ManifestSignatureError("x"), ValueError)


def test_save_is_atomic_and_load_errors_are_contactguard_errors(tmp_path: Path) -> None:
    _, backup = _backup(3)
    path = tmp_path / "m.json"
    cg.Manifest.build(backup, unkeyed=True).save(path)
    assert [p.name for p in tmp_path.iterdir()] == ["m.json"]  # no temp file left
    with pytest.raises(cg.ManifestError):
        cg.Manifest.loads("{}")
    with pytest.raises(cg.ManifestError):
        cg.Manifest.loads("not json")
    with pytest.raises(cg.ManifestError):
        cg.Manifest.loads(json.dumps({"format": "contactguard-manifest",
                                      "schema_version": 99}))
    with pytest.raises(cg.SourceError):
        cg.Manifest.load(tmp_path / "missing.json")


GOLDEN_SALT = bytes(range(16))
GOLDEN_KEY = b"golden-test-key"


def _golden_backup() -> cg.Snapshot:
    return cg.loads(books.ios_backup(books.make_people(8, seed=42, photo_share=0.5)))


#: The raw key of the schema-2 golden file (32 bytes; a test value, not a secret).
GOLDEN_KEY_2 = bytes(range(32))
_GOLDEN_KEYS: dict[str, bytes | None] = {"v1-salted.json": None, "v1-keyed.json": GOLDEN_KEY,
                                         "v2-unkeyed.json": None, "v2-keyed.json": GOLDEN_KEY_2}


@pytest.mark.parametrize("name", sorted(p.name for p in DATA.glob("*.json")))
def test_golden_manifests_written_by_old_versions_still_verify(name: str) -> None:
    """Files in tests/data/manifests were written by released versions; never edit them."""
    key = _GOLDEN_KEYS[name]
    manifest = cg.Manifest.load(DATA / name, key=key)
    assert cg.verify(_golden_backup(), manifest, key=key).identical
    if name.startswith("v1-"):
        assert manifest.schema_version == 1
        (warning,) = manifest.warnings
        assert "schema 1" in warning and "rebuild it" in warning
    elif name == "v2-unkeyed.json":
        assert "integrity only" in manifest.warnings[0]
    else:
        assert manifest.warnings == ()


def test_golden_files_exist() -> None:
    assert set(_GOLDEN_KEYS) == {p.name for p in DATA.glob("*.json")}


def test_current_output_matches_golden_apart_from_time_and_generator() -> None:
    for name, key in (("v2-unkeyed.json", None), ("v2-keyed.json", GOLDEN_KEY_2)):
        built = cg.Manifest.build(_golden_backup(), key=key, unkeyed=key is None,
                                  salt=GOLDEN_SALT)
        golden = cg.Manifest.load(DATA / name, key=key)
        # (since 0.2 a UID is kept as its keyed digest, uid_key, not in clear)
        assert all(e.uid is None for e in built.entries)
        assert ([replace(e, uid_key=None) for e in built.entries]
                == [replace(e, uid=None) for e in golden.entries])
        assert built.snapshot_digest == golden.snapshot_digest
        assert built.key_id == golden.key_id


def test_schema_1_entries_still_sign_as_they_were_written() -> None:
    text = (DATA / "v1-keyed.json").read_text(encoding="utf-8")
    manifest = cg.Manifest.loads(text, key=GOLDEN_KEY)
    assert manifest.dumps() == text
    with pytest.raises(cg.ManifestSignatureError):
        cg.Manifest.loads(text, key=b"another key")


if os.environ.get("CONTACTGUARD_WRITE_GOLDEN"):  # pragma: no cover - run by hand, once
    cg.Manifest.build(_golden_backup(), unkeyed=True, salt=GOLDEN_SALT).save(
        DATA / "v2-unkeyed.json")
    cg.Manifest.build(_golden_backup(), key=GOLDEN_KEY_2, salt=GOLDEN_SALT).save(
        DATA / "v2-keyed.json")


def test_the_manifest_of_another_book_is_said_to_be_one(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Not one contact pairs: the wrong manifest, not a book lost whole and replaced by
    another (exit 1 still, since nothing could be verified)."""
    from contactguard._cli import main

    monkeypatch.setenv("CG_TEST_PASSPHRASE", "lantern-quokka-81-ferry-violet")
    mine = tmp_path / "mine.vcf"
    mine.write_text("".join(books.ios_card(p) for p in books.make_people(8, seed=5)),
                    encoding="utf-8")
    other = tmp_path / "other.vcf"
    other.write_text("".join(books.ios_card(p) for p in books.make_people(6, seed=6)),
                     encoding="utf-8")
    manifest = tmp_path / "m.json"
    assert main(["manifest", str(mine), "-o", str(manifest), "--key-env",
                 "CG_TEST_PASSPHRASE", "-q"]) == 0
    capsys.readouterr()
    code = main(["verify", str(other), "--manifest", str(manifest), "--key-env",
                 "CG_TEST_PASSPHRASE"])
    out = capsys.readouterr().out
    assert code == 1
    assert out.startswith(f"None of the 6 contacts of {other} pairs with the manifest "
                          f"{manifest}: either it is the manifest of another book, or every "
                          "contact changed in several fields at once.")
    assert "did not come back" in out  # (it may be damage: the list stays)
    # a real loss against the right manifest is still a loss
    less = tmp_path / "less.vcf"
    less.write_text("".join(books.ios_card(p) for p in books.make_people(8, seed=5)[2:]),
                    encoding="utf-8")
    main(["verify", str(less), "--manifest", str(manifest), "--key-env", "CG_TEST_PASSPHRASE"])
    assert capsys.readouterr().out.startswith("2 of 8 contacts did not come back.")


@pytest.mark.parametrize("stream", [False, True], ids=["loaded", "streamed"])
@pytest.mark.parametrize("content", [b"", b"   \r\n", b"<html><body>Sign in</body></html>\n"])
def test_no_manifest_of_an_empty_or_foreign_backup(tmp_path: Path, content: bytes,
                                                   stream: bool,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """A manifest of nothing would let any later copy pass: the command fails (exit 2, a
    sentence) and writes nothing, with --stream too: no manifest, no temporary file, no
    generated key."""
    from contactguard._cli import main

    backup = tmp_path / "contacts.vcf"
    backup.write_bytes(content)
    out = tmp_path / "m.json"
    keys = tmp_path / "keys"
    args = ["manifest", str(backup), "-o", str(out), *(["--stream"] if stream else [])]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CONTACTGUARD_KEY_DIR", str(keys))
        assert main(args) == 2
    err = capsys.readouterr().err
    assert f"{backup}: " in err and "so none was written" in err
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["contacts.vcf"]
