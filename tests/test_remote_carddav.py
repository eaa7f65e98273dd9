"""CardDAV against a real Radicale on 127.0.0.1, holding the example backup minus two cards."""

from __future__ import annotations

import importlib.util
import json
import os
import pickle
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

import contactguard as cg
from contactguard._read.secrets import Access
from contactguard._read.sources import Limits, iter_members
from servers import Relay, radicale, split_cards, upload_book

# not imported here: Radicale registers XML namespaces process-wide (DAV: as the default),
# which would change how other WebDAV clients in this process write their requests
if importlib.util.find_spec("radicale") is None:
    pytest.skip("radicale is not installed", allow_module_level=True)
pytest.importorskip("httpx")

ROOT = Path(__file__).resolve().parents[1]
BACKUP = ROOT / "examples" / "backup-iphone.vcf"
USER, PASSWORD = "ada", "correct-horse-7"
TOKEN = "ya29.token-value"  # noqa: S105 - a made-up bearer token
CARDS = split_cards(BACKUP.read_text(encoding="utf-8"))
DROPPED = (5, 6)  # the two cards not uploaded
MISSING_NAMES = sorted(next(line[3:] for line in CARDS[i].splitlines()
                            if line.startswith("FN:")) for i in DROPPED)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    tmp = tmp_path_factory.mktemp("radicale")
    with radicale(tmp, {USER: PASSWORD}) as port:
        upload_book(port, USER, PASSWORD, "contacts",
                    [c for i, c in enumerate(CARDS) if i not in DROPPED])
        yield port


def _cli(*args: str, password: str = PASSWORD, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "contactguard", *args], capture_output=True, text=True,
        timeout=120, env={**os.environ, "CG_TEST_PASSWORD": password, **env}, check=False)


def test_verify_names_exactly_the_two_missing_contacts(server: int) -> None:
    url = f"carddav://127.0.0.1:{server}/{USER}/contacts/"
    r = _cli("verify", url, "--against", str(BACKUP), "--user", USER,
             "--password-env", "CG_TEST_PASSWORD", "--format", "json",
             "--show-personal-data")
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    (comparison,) = doc["comparisons"]
    missing = sorted(c["name"] for c in comparison["contacts"] if c["status"] == "missing")
    assert missing == MISSING_NAMES
    statuses = {c["status"] for c in comparison["contacts"]}
    assert statuses == {"missing", "intact"}
    located = [c["checked"]["source"] for c in comparison["contacts"] if c["checked"]]
    assert len(located) == len(CARDS) - 2
    assert all(s.startswith(f"carddav://127.0.0.1:{server}/{USER}/contacts/card-")
               and s.endswith(".vcf") for s in located)
    assert PASSWORD not in r.stdout + r.stderr


def test_the_complete_book_verifies_clean(server: int, tmp_path: Path) -> None:
    subset = tmp_path / "subset.vcf"
    subset.write_text("".join(c for i, c in enumerate(CARDS) if i not in DROPPED),
                      encoding="utf-8")
    r = _cli("verify", f"carddav://127.0.0.1:{server}/{USER}/contacts/", "--against",
             str(subset), "--user", USER, "--password-env", "CG_TEST_PASSWORD", "-q")
    assert r.returncode == 0, r.stdout + r.stderr


def test_discovery_from_the_server_root_finds_the_book(server: int) -> None:
    snap = cg.load(f"carddav://127.0.0.1:{server}/", auth=(USER, PASSWORD))
    assert len(snap) == len(CARDS) - 2
    assert {c.uid for c in snap} == {
        next(line[4:] for line in c.splitlines() if line.startswith("UID:"))
        for i, c in enumerate(CARDS) if i not in DROPPED}


def test_credentials_from_netrc(server: int, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    r = _cli("verify", f"carddav://127.0.0.1:{server}/{USER}/contacts/", "--against",
             str(BACKUP), "-q", NETRC=str(netrc))
    assert r.returncode == 1, r.stderr
    assert "2 missing" in r.stdout


def test_wrong_password_is_the_key_exit_code_and_never_echoed(server: int) -> None:
    wrong = "not-the-password-42"
    r = _cli("verify", f"carddav://127.0.0.1:{server}/{USER}/contacts/", "--against",
             str(BACKUP), "--user", USER, "--password-env", "CG_TEST_PASSWORD",
             password=wrong)
    assert r.returncode == 3
    assert "wrong credentials" in r.stderr
    assert wrong not in r.stdout + r.stderr and r.stdout == ""
    with pytest.raises(cg.CredentialsError) as info:
        cg.load(f"carddav://127.0.0.1:{server}/{USER}/contacts/", auth=(USER, wrong))
    assert wrong not in str(info.value) and wrong not in repr(info.value)


def test_unknown_book_is_no_such_address_book(server: int) -> None:
    r = _cli("verify", f"carddav://127.0.0.1:{server}/{USER}/nope/", "--against",
             str(BACKUP), "--user", USER, "--password-env", "CG_TEST_PASSWORD")
    assert r.returncode == 2
    assert "no such address book" in r.stderr


def test_a_password_in_the_url_is_refused_with_a_reason(server: int) -> None:
    r = _cli("check", f"carddav://{USER}:{PASSWORD}@127.0.0.1:{server}/{USER}/contacts/")
    assert r.returncode == 2
    assert "the URL holds a password" in r.stderr and "shell history" in r.stderr
    assert PASSWORD not in r.stderr


def test_a_dropped_connection_is_retried(server: int) -> None:
    relay = Relay(server)
    try:
        relay.drop_next(200)  # the first answer is cut after 200 bytes
        snap = cg.load(f"carddav://127.0.0.1:{relay.port}/{USER}/contacts/",
                       auth=(USER, PASSWORD))
    finally:
        relay.close()
    assert relay.drops == 1
    assert len(snap) == len(CARDS) - 2


def test_a_server_that_stops_mid_listing_is_read_in_part_not_missing(server: int) -> None:
    relay = Relay(server)
    findings: list[cg.Finding] = []
    try:
        relay.stop_after(3000)  # discovery answers, then the listing is cut off
        with pytest.raises(cg.IncompleteSourceError, match="read only in part"):
            iter_members(f"carddav://127.0.0.1:{relay.port}/{USER}/contacts/", Limits(),
                         findings, access=Access(cg.Auth(USER, PASSWORD), backoff=0.05))
    finally:
        relay.close()
    assert findings == []


def test_a_server_that_stops_mid_listing_gives_no_report_of_missing_contacts(
        server: int) -> None:
    relay = Relay(server)
    try:
        relay.stop_after(3000)
        r = _cli("verify", f"carddav://127.0.0.1:{relay.port}/{USER}/contacts/",
                 "--against", str(BACKUP), "--user", USER, "--password-env",
                 "CG_TEST_PASSWORD")
    finally:
        relay.close()
    # a finding in the report (an error: exit 1), and no contact called missing
    assert r.returncode == 1, r.stderr
    assert "could be read only in part, so it was not checked" in r.stdout
    assert "did not come back" not in r.stdout


def test_a_copy_read_in_part_does_not_stop_the_other_copies(server: int) -> None:
    relay = Relay(server)
    try:
        relay.stop_after(3000)
        r = _cli("verify", f"carddav://127.0.0.1:{relay.port}/{USER}/contacts/",
                 str(BACKUP), "--against", str(BACKUP), "--user", USER, "--password-env",
                 "CG_TEST_PASSWORD", "--format", "json")
    finally:
        relay.close()
    doc = json.loads(r.stdout)
    schema = json.loads(resources.files("contactguard").joinpath("report.schema.json")
                        .read_text(encoding="utf-8"))
    jsonschema.validate(doc, schema)
    kinds = [f["kind"] for f in doc["findings"]]
    assert kinds.count("copy-incomplete") == 1
    (check,) = [c for c in doc["comparisons"] if c["kind"] == "restore"]
    assert check["checked"] == str(BACKUP) and check["counts"]["missing"] == 0
    assert r.returncode == 1


def test_secrets_never_show_in_reprs() -> None:
    auth = cg.Auth(USER, PASSWORD)
    token = cg.Auth(token=TOKEN)
    assert PASSWORD not in repr(auth) and PASSWORD not in str(auth)
    assert "token-value" not in repr(token)
    assert repr(cg.Secret(PASSWORD)) == "Secret('***')"
    assert auth.password is not None and auth.password.reveal() == PASSWORD
    with pytest.raises(TypeError):
        pickle.dumps(cg.Secret(PASSWORD))


def test_credentials_from_the_system_keyring(server: int,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    keyring = pytest.importorskip("keyring")
    from keyring.backend import KeyringBackend

    class Memory(KeyringBackend):
        """A keyring kept in memory: the real keyring API, no desktop service needed."""

        priority = 1  # type: ignore[assignment]

        def __init__(self) -> None:
            super().__init__()
            self.store: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.store.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.store[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            del self.store[(service, username)]

    previous = keyring.get_keyring()
    monkeypatch.setenv("NETRC", "/nonexistent/netrc")
    keyring.set_keyring(Memory())
    try:
        keyring.set_password("contactguard:127.0.0.1", USER, PASSWORD)
        snap = cg.load(f"carddav://{USER}@127.0.0.1:{server}/{USER}/contacts/")
    finally:
        keyring.set_keyring(previous)
    assert len(snap) == len(CARDS) - 2


def test_secret_options_name_the_variable_or_file_never_the_value(tmp_path: Path) -> None:
    from contactguard._read.secrets import read_secret

    with pytest.raises(cg.UsageError, match="CG_UNSET_VARIABLE"):
        read_secret(env="CG_UNSET_VARIABLE_FOR_TEST")
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(cg.UsageError, match="is empty"):
        read_secret(file=empty)
    good = tmp_path / "pw"
    good.write_text(PASSWORD + "\n")
    secret = read_secret(file=good)
    assert secret is not None and secret.reveal() == PASSWORD
    r = _cli("check", "carddav://127.0.0.1:1/x/", "--storage-option", "no-equals-sign")
    assert r.returncode == 2 and "expected KEY=VALUE" in r.stderr
