"""Encrypted copies (AES zip, 7z, age) verify exactly as the plain file does."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

import contactguard as cg

pyzipper = pytest.importorskip("pyzipper")
py7zr = pytest.importorskip("py7zr")
pyrage = pytest.importorskip("pyrage")

ROOT = Path(__file__).resolve().parents[1]
BACKUP = ROOT / "examples" / "backup-iphone.vcf"
PASSPHRASE = "a long passphrase for tests"  # noqa: S105 - made up for the test


def _cards(text: str) -> list[str]:
    out, cur = [], []
    for line in text.splitlines(keepends=True):
        cur.append(line)
        if line.strip() == "END:VCARD":
            out.append("".join(cur))
            cur = []
    return out


CARDS = _cards(BACKUP.read_text(encoding="utf-8"))
PARTIAL = "".join(c for i, c in enumerate(CARDS) if i not in {3, 9}).encode()
WHOLE = BACKUP.read_bytes()


def aes_zip(data: bytes, path: Path) -> None:
    with pyzipper.AESZipFile(path, "w", compression=pyzipper.ZIP_DEFLATED,
                             encryption=pyzipper.WZ_AES) as zf:
        zf.setpassword(PASSPHRASE.encode())
        zf.writestr("contacts/backup.vcf", data)


def seven_zip(data: bytes, path: Path) -> None:
    with py7zr.SevenZipFile(path, "w", password=PASSPHRASE) as zf:
        zf.writestr(data, "backup.vcf")


def age_passphrase(data: bytes, path: Path) -> None:
    path.write_bytes(pyrage.passphrase.encrypt(data, PASSPHRASE))


MAKERS: dict[str, tuple[str, Callable[[bytes, Path], None]]] = {
    "aes-zip": (".zip", aes_zip), "7z": (".7z", seven_zip), "age": (".age", age_passphrase),
}


def _cli(*args: str, secret: str = PASSPHRASE) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "contactguard", *args], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "CG_TEST_SECRET": secret})


def _missing(stdout: str) -> list[str]:
    doc = json.loads(stdout)
    return sorted(c["label"] for comp in doc["comparisons"] for c in comp["contacts"]
                  if c["status"] == "missing")


@pytest.mark.parametrize("kind", sorted(MAKERS))
@pytest.mark.parametrize("content", ["whole", "partial"])
def test_encrypted_copy_verifies_as_the_plain_file(kind: str, content: str,
                                                   tmp_path: Path) -> None:
    data = WHOLE if content == "whole" else PARTIAL
    plain = tmp_path / "plain.vcf"
    plain.write_bytes(data)
    suffix, make = MAKERS[kind]
    sealed = tmp_path / f"copy{suffix}"
    make(data, sealed)
    common = ("--against", str(BACKUP), "--format", "json")
    expected = _cli("verify", str(plain), *common)
    got = _cli("verify", str(sealed), *common, "--password-env", "CG_TEST_SECRET")
    assert got.returncode == expected.returncode == (0 if content == "whole" else 1), got.stderr
    assert _missing(got.stdout) == _missing(expected.stdout)
    assert len(_missing(got.stdout)) == (0 if content == "whole" else 2)
    assert PASSPHRASE not in got.stdout + got.stderr


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_wrong_passphrase_is_a_sentence_and_exit_3(kind: str, tmp_path: Path) -> None:
    suffix, make = MAKERS[kind]
    sealed = tmp_path / f"copy{suffix}"
    make(WHOLE, sealed)
    wrong = "definitely-not-it"
    r = _cli("check", str(sealed), "--password-env", "CG_TEST_SECRET", secret=wrong)
    assert r.returncode == 3, r.stderr
    assert "wrong passphrase" in r.stderr and wrong not in r.stderr
    with pytest.raises(cg.CredentialsError, match="wrong passphrase"):
        cg.load(sealed, passphrase=wrong)


@pytest.mark.parametrize("kind", sorted(MAKERS))
def test_missing_passphrase_says_how_to_give_one(kind: str, tmp_path: Path) -> None:
    suffix, make = MAKERS[kind]
    sealed = tmp_path / f"copy{suffix}"
    make(WHOLE, sealed)
    with pytest.raises(cg.UsageError, match="is encrypted: give its passphrase"):
        cg.load(sealed)


def test_age_identity_opens_a_file_encrypted_to_its_recipient(tmp_path: Path) -> None:
    identity = pyrage.x25519.Identity.generate()
    sealed = tmp_path / "copy.age"
    sealed.write_bytes(pyrage.encrypt(WHOLE, [identity.to_public()]))
    snap = cg.load(sealed, passphrase=str(identity))
    assert len(snap) == len(CARDS)


def test_zip_bomb_limits_apply_to_aes_zips(tmp_path: Path) -> None:
    sealed = tmp_path / "bomb.zip"
    body = b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:A\r\nEND:VCARD\r\n" + b" " * (4 << 20)
    with pyzipper.AESZipFile(sealed, "w", compression=pyzipper.ZIP_DEFLATED,
                             encryption=pyzipper.WZ_AES) as zf:
        zf.setpassword(PASSPHRASE.encode())
        zf.writestr("a.vcf", body)
    snap = cg.load(sealed, passphrase=PASSPHRASE,
                   limits=cg.Limits(max_compression_ratio=50.0))
    assert len(snap) == 0
    assert any(f.kind == "limit-exceeded" and "ratio" in f.message for f in snap.findings)


def test_member_count_limit_applies_to_7z(tmp_path: Path) -> None:
    sealed = tmp_path / "many.7z"
    with py7zr.SevenZipFile(sealed, "w", password=PASSPHRASE) as zf:
        for i in range(5):
            zf.writestr(CARDS[i].encode(), f"{i}.vcf")
    snap = cg.load(sealed, passphrase=PASSPHRASE, limits=cg.Limits(max_members=3))
    assert len(snap) == 3
    assert any(f.kind == "limit-exceeded" and "read the first 3" in f.message
               for f in snap.findings)


def test_a_plain_zip_still_reads_without_a_passphrase(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("backup.vcf", WHOLE)
    path = tmp_path / "plain.zip"
    path.write_bytes(buf.getvalue())
    assert len(cg.load(path)) == len(CARDS)
