"""Copies on WebDAV (wsgidav) and SFTP (asyncssh) servers on 127.0.0.1, through fsspec."""

from __future__ import annotations

import datetime
import importlib.util
import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import contactguard as cg
from contactguard._read import url_modified
from servers import sftp_server, split_cards, webdav_server

pytest.importorskip("fsspec")
pytest.importorskip("webdav4")
if importlib.util.find_spec("wsgidav") is None:  # the server runs in a subprocess
    pytest.skip("wsgidav is not installed", allow_module_level=True)
pytest.importorskip("sshfs")
pytest.importorskip("asyncssh")

ROOT = Path(__file__).resolve().parents[1]
BACKUP = ROOT / "examples" / "backup-iphone.vcf"
USER, PASSWORD = "nas", "backup-pass-9"
CARDS = split_cards(BACKUP.read_text(encoding="utf-8"))
PARTIAL = "".join(c for i, c in enumerate(CARDS) if i not in {1, 2})
#: The test servers' host keys are made afresh each run: skip the known_hosts check
#: (for WebDAV the option is unused by the backend and so not given).
NO_HOST_CHECK = ("--storage-option", "known_hosts=null")
#: A copy last written in 2001 on the server (``old.vcf``), for --max-age.
OLD_MTIME, OLD_YEARS = 978_307_200, 25


def _fill(root: Path) -> None:
    root.mkdir()
    (root / "whole.vcf").write_text(BACKUP.read_text(encoding="utf-8"), encoding="utf-8")
    (root / "partial.vcf").write_text(PARTIAL, encoding="utf-8")
    old = root / "old.vcf"
    old.write_text(BACKUP.read_text(encoding="utf-8"), encoding="utf-8")
    os.utime(old, (OLD_MTIME, OLD_MTIME))
    folder = root / "folder"
    folder.mkdir()
    for i, card in enumerate(CARDS):
        (folder / f"{i:03d}.vcf").write_text(card, encoding="utf-8")


@pytest.fixture(scope="module")
def webdav(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    root = tmp_path_factory.mktemp("webdav") / "share"
    _fill(root)
    with webdav_server(root, {USER: PASSWORD}) as port:
        yield port


@pytest.fixture(scope="module")
def sftp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    root = tmp_path_factory.mktemp("sftp") / "home"
    _fill(root)
    with sftp_server(root, {USER: PASSWORD}) as port:
        yield port


def _cli(*args: str, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "contactguard", *args], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, "CG_TEST_PASSWORD": password})


def _missing(stdout: str) -> list[list[str]]:
    doc = json.loads(stdout)
    return [sorted(c["label"] for c in comp["contacts"] if c["status"] == "missing")
            for comp in doc["comparisons"]]


def _url(kind: str, port: int, path: str) -> str:
    return f"webdav://127.0.0.1:{port}/{path}" if kind == "webdav" else \
        f"sftp://127.0.0.1:{port}/{path}"


@pytest.mark.parametrize("kind", ["webdav", "sftp"])
@pytest.mark.parametrize("name", ["whole.vcf", "partial.vcf", "folder"])
def test_remote_copy_verifies_as_the_local_file(kind: str, name: str,
                                                request: pytest.FixtureRequest,
                                                tmp_path: Path) -> None:
    port = request.getfixturevalue(kind)
    local = tmp_path / "local.vcf"
    local.write_text(PARTIAL if name == "partial.vcf" else BACKUP.read_text(encoding="utf-8"),
                     encoding="utf-8")
    common = ("--against", str(BACKUP), "--format", "json")
    expected = _cli("verify", str(local), *common)
    got = _cli("verify", _url(kind, port, name), *common, "--user", USER,
               "--password-env", "CG_TEST_PASSWORD", *NO_HOST_CHECK)
    assert got.returncode == expected.returncode == (1 if name == "partial.vcf" else 0), \
        got.stderr
    assert _missing(got.stdout) == _missing(expected.stdout)
    assert PASSWORD not in got.stdout + got.stderr


def test_several_copies_in_one_command(webdav: int, sftp: int, tmp_path: Path) -> None:
    local = tmp_path / "local.vcf"
    local.write_text(BACKUP.read_text(encoding="utf-8"), encoding="utf-8")
    r = _cli("verify", str(local), f"webdav://{USER}@127.0.0.1:{webdav}/partial.vcf",
             f"sftp://{USER}@127.0.0.1:{sftp}/whole.vcf", "--against", str(BACKUP),
             "--password-env", "CG_TEST_PASSWORD", "--format", "json", *NO_HOST_CHECK)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    restores = [comp for comp in doc["comparisons"] if comp["kind"] == "restore"]
    checked = [comp["checked"] for comp in restores]
    # each copy is named by its location, with the user information masked
    assert checked == [str(local), f"webdav://127.0.0.1:{webdav}/partial.vcf",
                       f"sftp://127.0.0.1:{sftp}/whole.vcf"]
    assert [comp["counts"]["missing"] for comp in restores] == [0, 2, 0]
    copies = [comp for comp in doc["comparisons"] if comp["kind"] == "copies"]
    assert copies and all("@" not in comp["checked"] + comp["reference"] for comp in copies)
    assert f"{USER}@" not in r.stdout


@pytest.mark.parametrize("kind", ["webdav", "sftp"])
def test_wrong_password_is_exit_3(kind: str, request: pytest.FixtureRequest) -> None:
    port = request.getfixturevalue(kind)
    r = _cli("check", _url(kind, port, "whole.vcf"), "--user", USER, "--password-env",
             "CG_TEST_PASSWORD", *NO_HOST_CHECK, password="wrong-wrong")  # noqa: S106
    assert r.returncode == 3, r.stderr
    assert "wrong credentials" in r.stderr and "wrong-wrong" not in r.stderr


@pytest.mark.parametrize("kind", ["webdav", "sftp"])
def test_missing_remote_file_is_a_sentence(kind: str, request: pytest.FixtureRequest) -> None:
    port = request.getfixturevalue(kind)
    with pytest.raises(cg.SourceError, match="no such file or folder"):
        cg.load(_url(kind, port, "nope.vcf"), auth=(USER, PASSWORD),
                storage_options={"known_hosts": None} if kind == "sftp" else None)


def test_remote_file_streams_in_blocks(webdav: int) -> None:
    stream = cg.iter_contacts(f"webdav://127.0.0.1:{webdav}/whole.vcf", auth=(USER, PASSWORD))
    assert sum(1 for _ in stream) == len(CARDS)
    assert stream.source.files[0].cards == len(CARDS)


def test_an_unknown_host_key_is_refused(sftp: int, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.ssh/known_hosts: trust no host key
    with pytest.raises(cg.SourceError, match=r"host key is not in ~/\.ssh/known_hosts"):
        cg.load(f"sftp://127.0.0.1:{sftp}/whole.vcf", auth=(USER, PASSWORD))


def test_storage_options_reach_the_backend(sftp: int) -> None:
    # pandas' convention: the dict goes to the fsspec backend as it is
    snap = cg.load(f"sftp://127.0.0.1:{sftp}/whole.vcf",
                   storage_options={"username": USER, "password": PASSWORD,
                                    "known_hosts": None})
    assert len(snap) == len(CARDS)


def test_stream_verify_of_a_remote_copy_against_a_manifest(webdav: int, tmp_path: Path) -> None:
    manifest = tmp_path / "m.json"
    cg.write_manifest(cg.iter_contacts(BACKUP), manifest, key=None)
    whole = cg.verify_file(f"webdav://127.0.0.1:{webdav}/whole.vcf", manifest,
                           auth=(USER, PASSWORD))
    partial = cg.verify_file(f"webdav://127.0.0.1:{webdav}/partial.vcf", manifest,
                             auth=(USER, PASSWORD))
    assert (len(whole.missing), len(partial.missing)) == (0, 2)
    assert whole.ok and not partial.ok
    assert whole.source == f"webdav://127.0.0.1:{webdav}/whole.vcf"


_MEASURE = """
import resource, sys
import contactguard as cg
from contactguard._read import url_modified
kwargs = {"auth": (sys.argv[2], sys.argv[3])} if len(sys.argv) > 2 else {}
n = sum(1 for _ in cg.iter_contacts(sys.argv[1], **kwargs))
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024)
"""


def _peak(*args: str) -> tuple[int, int]:
    """Contacts streamed and the peak resident memory of a fresh process doing it."""
    r = subprocess.run([sys.executable, "-c", _MEASURE, *args], capture_output=True,
                       text=True, timeout=300, check=True)
    n, rss = r.stdout.split()
    return int(n), int(rss)


def test_a_remote_file_streams_in_the_same_bounded_memory_as_a_local_one(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    root = tmp_path_factory.mktemp("big") / "share"
    root.mkdir()
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nN:{i};Person;;;\r\n"
            "TEL;TYPE=CELL:+44 7700 9{i:05d}\r\nEMAIL:p{i}@example.com\r\nUID:u-{i}\r\n"
            "END:VCARD\r\n")
    sizes = (60_000, 240_000)
    for n in sizes:
        with (root / f"{n}.vcf").open("w", encoding="utf-8", newline="") as fh:
            for i in range(n):
                fh.write(card.format(i=i))
    assert (root / "240000.vcf").stat().st_size > 32 << 20
    with webdav_server(root, {USER: PASSWORD}) as port:
        remote = [_peak(f"webdav://127.0.0.1:{port}/{n}.vcf", USER, PASSWORD) for n in sizes]
    local = [_peak(str(root / f"{n}.vcf")) for n in sizes]
    assert [n for n, _ in remote] == [n for n, _ in local] == list(sizes)
    # bounded: a file four times larger (8 MiB to 33 MiB) needs no more memory, remotely
    # as locally (measured: both flat; remote ~22 MiB above local for the HTTP client's
    # and fsspec's buffers, whatever the file's size)
    (_, r_small), (_, r_big) = remote
    (_, l_small), (_, l_big) = local
    assert r_big - r_small < 8 << 20, (r_small, r_big)
    assert l_big - l_small < 8 << 20, (l_small, l_big)
    assert r_big < l_big + (40 << 20), (r_big, l_big)



@pytest.mark.parametrize("kind", ["webdav", "sftp"])
def test_max_age_asks_the_server_how_old_a_copy_is(kind: str,
                                                  request: pytest.FixtureRequest) -> None:
    port = request.getfixturevalue(kind)
    options = ("--user", USER, "--password-env", "CG_TEST_PASSWORD", *NO_HOST_CHECK,
               "--verbose")
    for name in ("whole.vcf", "folder"):  # written just now, on the server
        fresh = _cli("check", _url(kind, port, name), *options, "--max-age", "1h")
        assert fresh.returncode == 0, fresh.stdout + fresh.stderr
        when = url_modified(_url(kind, port, name), auth=(USER, PASSWORD),
                            storage_options={"known_hosts": None} if kind == "sftp" else None)
        assert when is not None and abs(when - time.time()) < 3600
    stale = _cli("check", _url(kind, port, "old.vcf"), *options, "--max-age", "31d")
    assert stale.returncode == 1, stale.stdout + stale.stderr
    assert "the newest backup is" in stale.stdout and "(--max-age 31d)" in stale.stdout
    days = re.search(r"is (\d+) days old", stale.stdout)
    assert days is not None and int(days[1]) >= OLD_YEARS * 365


def test_max_age_of_a_carddav_account_cannot_be_told() -> None:
    assert url_modified("carddav://127.0.0.1:9/books/") is None  # (nothing is asked)


@pytest.mark.parametrize(("info", "expected"), [
    ({"mtime": 1_700_000_000.5}, 1_700_000_000.5),
    ({"mtime": "1700000000"}, 1_700_000_000.0),
    ({"mtime": 1_700_000_000_000}, 1_700_000_000.0),  # milliseconds
    ({"LastModified": datetime.datetime(2023, 11, 14, 22, 13, 20, tzinfo=datetime.UTC)},
     1_700_000_000.0),
    ({"modified": datetime.datetime(2023, 11, 14, 22, 13, 20)}, 1_700_000_000.0),  # naive: UTC
    ({"updated": "2023-11-14T22:13:20Z"}, 1_700_000_000.0),
    ({"Last-Modified": "Tue, 14 Nov 2023 22:13:20 GMT"}, 1_700_000_000.0),  # HTTP
    ({"mtime": float("nan"), "modified": "2023-11-14T22:13:20+00:00"}, 1_700_000_000.0),
    ({"mtime": "yesterday"}, None),
    ({"size": 3}, None),
])
def test_modification_times_as_each_backend_gives_them(info: dict[str, object],
                                                       expected: float | None) -> None:
    from contactguard._read.remote import _info_time

    assert _info_time(info) == expected


def test_an_undated_copy_is_named_without_its_user() -> None:
    from contactguard._report.gate import stale_reason

    reason = stale_reason(["carddav://ada@127.0.0.1:9/books/"], datetime.timedelta(days=1),
                          now=time.time(), modified=lambda _: None)
    assert reason is not None and reason.startswith("cannot tell how old carddav://127.0.0.1:9/")
    assert "ada" not in reason
