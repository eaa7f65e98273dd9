"""Issue 14: what someone holding a manifest can learn, tried as the attacks themselves.

The attacker has the manifest file and this library, and knows the canonical form (it is
public); they guess values from a reduced space and compare digests.  Against an unkeyed
manifest the guesses hit; against the default (keyed) manifest none does.
"""

from __future__ import annotations

import json
import os
import signal
from pathlib import Path

import pytest

import books
import contactguard as cg
from contactguard._cli.keys import TerminatedError, signals_exit
from contactguard._manifest import Sealer

PASSPHRASE = "tundra kettle oboe meridian"  # noqa: S105 - a test value, not a secret
#: The reduced phone space of the attack: +86 138 0013 8xxx (1,000 numbers).
PHONES = [f"+861380013{n:04d}" for n in range(8000, 9000)]


def _card(tel: str, name: str | None = None) -> str:
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    if name:
        lines += [f"FN:{name}", f"N:{name[0]};{name[1:]};;;"]
    return "\r\n".join([*lines, f"TEL:{tel}", "END:VCARD", ""])


def _names() -> list[str]:
    """A generated list of CJK names (the attacker's dictionary)."""
    return sorted({p.family + p.given for p in books.make_people(300, seed=5)})


def _brute_force(doc: dict[str, object], candidates: list[tuple[str, str | None]]
                 ) -> set[tuple[str, str | None]]:
    """Every candidate whose unkeyed digest (whole, or any stored partial) is in ``doc``."""
    sealer = Sealer(bytes.fromhex(str(doc["salt"])), None)
    stored: set[str] = set()
    for c in doc["contacts"]:  # type: ignore[attr-defined]
        stored.add(c["digest"])
        stored.update(c["partial"].values())
    hits = set()
    for tel, name in candidates:
        fields = [("TEL", tel)]
        if name:
            fields = [("FN", name), ("N", f"{name[0]}\x1f{name[1:]}"), *fields]
        forms = [fields, fields[:-1]] if name else [fields]  # whole, and name alone
        if any(f and sealer.fields_digest(f) in stored for f in forms):
            hits.add((tel, name))
    return hits


def _victims() -> tuple[cg.Snapshot, tuple[str, str | None], tuple[str, str | None]]:
    names = _names()
    phone_only = (PHONES[417], None)
    with_name = (PHONES[733], names[123])
    snap = cg.loads(_card(phone_only[0]) + _card(with_name[0], with_name[1]))
    return snap, phone_only, with_name


def test_the_canonical_form_the_attack_assumes_is_the_real_one() -> None:
    snap, _, (tel, name) = _victims()
    manifest = cg.Manifest.build(snap, unkeyed=True, region="CN")
    doc = json.loads(manifest.dumps())
    assert name is not None
    assert Sealer(bytes.fromhex(doc["salt"]), None).fields_digest(
        [("FN", name), ("N", f"{name[0]}\x1f{name[1:]}"), ("TEL", tel)]) == doc["contacts"][1][
            "digest"]


def test_brute_force_finds_phones_and_names_in_an_unkeyed_manifest() -> None:
    snap, phone_only, with_name = _victims()
    doc = json.loads(cg.Manifest.build(snap, unkeyed=True, region="CN").dumps())
    candidates: list[tuple[str, str | None]] = [(t, None) for t in PHONES]
    candidates += [(t, n) for n in _names() for t in PHONES[700:800]]
    assert _brute_force(doc, candidates) == {phone_only, with_name}


def test_the_same_brute_force_finds_nothing_in_the_default_manifest() -> None:
    snap, _, _ = _victims()
    manifest = cg.Manifest.build(snap, region="CN")  # default: a generated 256-bit key
    doc = json.loads(manifest.dumps())
    assert doc["algorithm"] == "hmac-sha256" and doc["contacts"][1]["partial"]
    candidates: list[tuple[str, str | None]] = [(t, None) for t in PHONES]
    candidates += [(t, n) for n in _names() for t in PHONES[700:800]]
    assert _brute_force(doc, candidates) == set()
    # the name alone, as schema 1 kept it for a name-plus-phone card, is no help either
    assert "counts" not in doc["contacts"][0]


def test_a_guessed_key_or_a_weak_passphrase_buys_nothing() -> None:
    snap, _, _ = _victims()
    text = cg.Manifest.build(snap, key=PASSPHRASE, region="CN").dumps()
    for guess in ("a", " ", "s3cret", "correct horse battery staple", "13800138000",
                  "password1234"):
        with pytest.raises((cg.UsageError, cg.ManifestSignatureError)):
            cg.Manifest.loads(text, key=guess)
    assert cg.Manifest.loads(text, key=PASSPHRASE).key is not None


@pytest.mark.parametrize("weak", ["", "a", " ", "s3cret", "aaaaaaaaaaaaaaaa",
                                  "correct horse battery staple", "Password1234",
                                  "13800138000138", "2024-01-31 1990-05-04"])
def test_weak_passphrases_are_refused_with_a_reason(weak: str) -> None:
    snap, _, _ = _victims()
    with pytest.raises(cg.UsageError, match=r"the passphrase (is|repeats)") as info:
        cg.Manifest.build(snap, key=weak)
    if len(weak.strip()) >= 4:
        assert weak.strip() not in str(info.value)


def test_raw_keys_and_key_files_must_be_real_keys(tmp_path: Path) -> None:
    snap, _, _ = _victims()
    with pytest.raises(cg.UsageError, match="at least 32 random bytes"):
        cg.Manifest.build(snap, key=b"golden-test-key")
    (tmp_path / "bad.key").write_text("s3cret\n")
    with pytest.raises(cg.UsageError, match="does not hold a key"):
        cg.Manifest.build(snap, key=tmp_path / "bad.key")
    key = cg.generate_key()
    (tmp_path / "good.key").write_text(key.material.hex() + "\n")
    built = cg.Manifest.build(snap, key=tmp_path / "good.key")
    assert built.key_id == key.key_id
    assert cg.verify(snap, built, key=key).identical


def test_passphrase_manifests_record_the_kdf_and_refuse_hostile_parameters() -> None:
    snap, _, _ = _victims()
    doc = json.loads(cg.Manifest.build(snap, key=PASSPHRASE).dumps())
    kdf = doc["kdf"]
    assert (kdf["name"], kdf["n"], kdf["r"], kdf["p"]) == ("scrypt", 2**16, 8, 1)
    assert 128 * kdf["n"] * kdf["r"] >= 64 * 2**20  # 64 MiB a guess
    assert len(bytes.fromhex(kdf["salt"])) == 16
    for hostile in ({"n": 2**30}, {"n": 2**10}, {"r": 0}, {"name": "pbkdf2"}):
        bad = dict(doc, kdf=dict(kdf, **hostile))
        with pytest.raises(cg.ManifestError, match="key derivation"):
            cg.Manifest.loads(json.dumps(bad), key=PASSPHRASE)


def test_source_names_are_keyed_unless_kept(tmp_path: Path) -> None:
    folder = tmp_path / "cards"
    folder.mkdir()
    (folder / "Xenophon Quillfeathers.vcf").write_text(_card(PHONES[1], "李秀英"))
    snap = cg.load(folder)
    secret = cg.Manifest.build(snap).dumps()
    assert "Xenophon" not in secret and '"source": "hmac:' in secret
    kept = cg.Manifest.build(snap, keep_names=True).dumps()
    assert "Xenophon Quillfeathers.vcf" in kept
    assert "Xenophon" not in cg.Manifest.build(snap, unkeyed=True).dumps()


def test_the_key_never_shows(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snap, _, _ = _victims()
    key = cg.generate_key()
    secret = key.material.hex()
    manifest = cg.Manifest.build(snap, key=key)
    path = tmp_path / "m.json"
    manifest.save(path)
    report = cg.verify(snap, manifest)
    shown = [repr(key), str(key), repr(manifest), str(manifest), repr(report),
             report.summary(), path.read_text(), repr(manifest.sealer())]
    for text in shown:
        assert secret not in text and key.material.hex()[:16] not in text
    assert repr(key) == f"<Key {key.key_id} (random)>"
    with pytest.raises(cg.ManifestSignatureError) as info:
        cg.Manifest.load(path, key=cg.generate_key())
    assert secret not in str(info.value)


def test_a_stored_key_is_found_by_id_and_kept_private(key_folder: Path) -> None:
    snap, _, _ = _victims()
    manifest = cg.Manifest.build(snap)
    where = manifest.save(key_folder.parent / "m.json")
    assert manifest.key is not None and where == key_folder / f"{manifest.key_id}.key"
    assert where.stat().st_mode & 0o777 == 0o600
    loaded = cg.Manifest.load(key_folder.parent / "m.json")  # no key given: found by id
    assert loaded.key is not None and loaded.key.key_id == manifest.key_id
    assert cg.verify(snap, loaded).identical
    where.unlink()
    orphan = cg.Manifest.load(key_folder.parent / "m.json")
    with pytest.raises(cg.UsageError, match=f"no key file {manifest.key_id}.key"):
        cg.verify(snap, orphan)


def test_a_signal_mid_stream_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "M.json"

    def contacts() -> object:
        for n, contact in enumerate(cg.iter_contacts(_write_book(tmp_path))):
            if n == 5:
                os.kill(os.getpid(), signal.SIGTERM)
            yield contact

    with pytest.raises(TerminatedError), signals_exit():
        cg.write_manifest(contacts(), target, unkeyed=True, region="CN")  # type: ignore[arg-type]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.vcf"]


def _write_book(tmp_path: Path) -> Path:
    path = tmp_path / "book.vcf"
    path.write_text("".join(_card(t) for t in PHONES[:20]))
    return path
