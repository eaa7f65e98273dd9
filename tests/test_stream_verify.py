"""Streaming manifests and verification agree with the in-memory ones."""

from __future__ import annotations

import random
from dataclasses import replace
from pathlib import Path

import pytest

import books
import contactguard as cg


def _files(tmp_path: Path) -> tuple[list[books.Person], Path]:
    people = books.make_people(300, seed=9, photo_share=0.2)
    backup = tmp_path / "backup.vcf"
    backup.write_text(books.ios_backup(people, uids=False))
    return people, backup


RAW_KEY = bytes(range(100, 132))
PASSPHRASE = "tundra kettle oboe meridian"  # noqa: S105 - a test value, not a secret


@pytest.mark.parametrize("key", [None, RAW_KEY])
def test_streamed_manifest_is_byte_identical_to_save(tmp_path: Path, key: bytes | None) -> None:
    _, backup = _files(tmp_path)
    snap = cg.load(backup)
    built = cg.Manifest.build(snap, key=key, unkeyed=key is None, salt=b"\x01" * 16)
    built.save(tmp_path / "a.json")
    n = cg.write_manifest(cg.iter_contacts(backup), tmp_path / "b.json", key=key,
                          unkeyed=key is None, salt=b"\x01" * 16, created=built.created,
                          source_name=snap.source.name)
    assert n == 300
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()


@pytest.mark.parametrize("key", [None, RAW_KEY, PASSPHRASE])
def test_verify_file_agrees_with_verify(tmp_path: Path, key: bytes | str | None) -> None:
    """None: a generated key, stored in the key folder and found there by its id."""
    people, backup = _files(tmp_path)
    manifest = tmp_path / "m.json"
    cg.write_manifest(cg.iter_contacts(backup), manifest, key=key)
    after = list(people)
    random.Random(4).shuffle(after)
    del after[7:9]
    after[20] = books.change_one_digit(after[20], random.Random(1))
    with_photo = next(i for i, p in enumerate(after) if p.photo)
    after[with_photo] = replace(after[with_photo], photo=None)
    after.append(books.make_people(1, seed=999_999)[0])
    restored = tmp_path / "restored.vcf"
    restored.write_text(books.android_export(after))
    progress: list[tuple[int, int]] = []
    streamed = cg.verify_file(restored, manifest, key=key,
                              progress=lambda d, t: progress.append((d, t)))
    full = cg.verify(cg.load(restored), cg.Manifest.load(manifest, key=key), key=key)

    def table(verdicts: tuple[cg.Verdict, ...]) -> list[tuple[str, str, str]]:
        return sorted((v.status, v.label, v.detail) for v in verdicts if v.status != "intact")

    assert table(streamed.verdicts) == table(full.verdicts)
    assert streamed.intact == full.unchanged == 300 - 2 - 2
    assert [v.status for v in streamed.verdicts].count("missing") == 2
    assert progress[-1] == (len(after), 300)
    assert not streamed.ok
    assert streamed.summary().startswith("FAIL: 296 of 300 contacts intact, 2 missing, "
                                         "2 changed (1 phone changed, 1 photo lost), 1 added")


def test_verify_file_detects_tampering_and_misuse(tmp_path: Path) -> None:
    _, backup = _files(tmp_path)
    manifest = tmp_path / "m.json"
    cg.write_manifest(cg.iter_contacts(backup), manifest, key=PASSPHRASE)
    assert cg.verify_file(backup, manifest, key=PASSPHRASE).ok
    text = manifest.read_text()
    manifest.write_text(text.replace('"line": 1,', '"line": 2,', 1))
    with pytest.raises(cg.ManifestSignatureError):
        cg.verify_file(backup, manifest, key=PASSPHRASE)
    with pytest.raises(cg.ManifestSignatureError, match="not the manifest's key"):
        cg.verify_file(backup, manifest, key=RAW_KEY)
    with pytest.raises(cg.UsageError, match="pass its passphrase"):
        cg.verify_file(backup, manifest)
    with pytest.raises(cg.ManifestError):
        cg.verify_file(backup, backup)
    with pytest.raises(cg.UsageError):
        cg.verify_file(123, manifest)  # type: ignore[arg-type]


def test_max_detail_bounds_an_unrelated_file(tmp_path: Path) -> None:
    _, backup = _files(tmp_path)
    manifest = tmp_path / "m.json"
    cg.write_manifest(cg.iter_contacts(backup), manifest)
    other = tmp_path / "other.vcf"
    other.write_text(books.ios_backup(books.make_people(100, seed=12345)))
    report = cg.verify_file(other, manifest, max_detail=10)
    assert report.intact == 0
    assert len(report.verdicts) == 20
    assert report.undetailed == (100 - 10) + (300 - 10)
    assert not report.ok


def test_verify_file_reports_the_same_findings_as_load_and_detect(tmp_path: Path) -> None:
    damaged = Path(__file__).resolve().parents[1] / "examples" / "restore-android.vcf"
    backup = Path(__file__).resolve().parents[1] / "examples" / "backup-iphone.vcf"
    manifest = tmp_path / "m.json"
    cg.write_manifest(cg.iter_contacts(backup), manifest)
    streamed = cg.verify_file(damaged, manifest)
    snap = cg.load(damaged)
    expected = sorted((f.kind, f.line) for f in (*snap.findings, *cg.detect(snap, region=None))
                      if f.kind != "duplicate-uid")
    assert sorted((f.kind, f.line) for f in streamed.findings) == expected
    assert {f.kind for f in streamed.findings} >= {"replacement-character", "truncated-card"}
    quiet = cg.verify_file(damaged, manifest, check_values=False)
    assert "replacement-character" not in {f.kind for f in quiet.findings}


def test_identical_recorded_contacts_name_the_same_one_missing_as_verify(tmp_path: Path
                                                                         ) -> None:
    """Of two identical recorded cards, the one a copy holds is the first (manifest order);
    the second is missing, in verify_file as in verify."""
    people = books.make_people(40, seed=3)
    twin = replace(people[5], key=people[5].key)
    backup = tmp_path / "backup.vcf"
    backup.write_text(books.ios_backup([*people[:20], twin, *people[20:]], uids=False))
    manifest = tmp_path / "m.json"
    cg.write_manifest(cg.iter_contacts(backup), manifest)
    copy = tmp_path / "copy.vcf"
    copy.write_text(books.ios_backup(people, uids=False))
    streamed = cg.verify_file(copy, manifest)
    full = cg.verify(cg.load(copy), manifest)
    assert [(v.status, v.reference) for v in streamed.verdicts] == [("missing", 20)]
    assert [(v.status, v.reference) for v in full.verdicts if v.status != "intact"] == [
        ("missing", 20)]
    assert streamed.intact == full.unchanged == 40


def test_a_manifest_digest_that_is_not_16_bytes_of_hex_is_a_manifest_error(
        tmp_path: Path) -> None:
    _, backup = _files(tmp_path)
    manifest = tmp_path / "m.json"
    cg.write_manifest(cg.iter_contacts(backup), manifest, unkeyed=True)
    text = manifest.read_text()
    start = text.index('"digest": "') + len('"digest": "')
    for bad in ("zz" * 16, "ab" * 8):
        manifest.write_text(text[:start] + bad + text[start + 32:])
        with pytest.raises(cg.ManifestError, match="digest is not 16 bytes of hex"):
            cg.verify_file(backup, manifest)
