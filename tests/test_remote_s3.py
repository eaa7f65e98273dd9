"""Copies in an S3 bucket (moto's S3 server on 127.0.0.1, its own process) through s3fs:
the same verdicts as the local file, credentials from --user/--password-env, --max-age
from the object's LastModified, and a missing object said in a sentence."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import contactguard as cg
from contactguard._read import url_modified
from servers import s3_server, split_cards

s3fs = pytest.importorskip("s3fs")
pytest.importorskip("moto.server")  # the server runs in a subprocess
pytest.importorskip("flask")

ROOT = Path(__file__).resolve().parents[1]
BACKUP = ROOT / "examples" / "backup-iphone.vcf"
CARDS = split_cards(BACKUP.read_text(encoding="utf-8"))
PARTIAL = "".join(c for i, c in enumerate(CARDS) if i not in {1, 2})
KEY_ID, SECRET = "AKIDCONTACTGUARD", "s3-secret-key-9"


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with s3_server(tmp_path_factory.mktemp("s3")) as url:
        fs = s3fs.S3FileSystem(key=KEY_ID, secret=SECRET, skip_instance_cache=True,
                               client_kwargs={"endpoint_url": url})
        fs.mkdir("books")
        fs.pipe({"books/whole.vcf": BACKUP.read_bytes(),
                 "books/partial.vcf": PARTIAL.encode(),
                 **{f"books/folder/{i:03d}.vcf": c.encode() for i, c in enumerate(CARDS)}})
        yield url


def _cli(*args: str, secret: str = SECRET) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(CG_TEST_SECRET=secret, AWS_DEFAULT_REGION="us-east-1",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    return subprocess.run([sys.executable, "-m", "contactguard", *args], capture_output=True,
                          text=True, timeout=120, check=False, env=env)


def _options(endpoint: str) -> tuple[str, ...]:
    return ("--user", KEY_ID, "--password-env", "CG_TEST_SECRET",
            "--storage-option", f"endpoint_url={endpoint}")


@pytest.mark.parametrize("name", ["whole.vcf", "partial.vcf", "folder"])
def test_a_bucket_copy_verifies_as_the_local_file(endpoint: str, name: str,
                                                  tmp_path: Path) -> None:
    local = tmp_path / "local.vcf"
    local.write_text(PARTIAL if name == "partial.vcf" else BACKUP.read_text(encoding="utf-8"),
                     encoding="utf-8")
    common = ("--against", str(BACKUP), "--format", "json")
    expected = _cli("verify", str(local), *common)
    got = _cli("verify", f"s3://books/{name}", *common, *_options(endpoint))
    assert got.returncode == expected.returncode == (1 if name == "partial.vcf" else 0), \
        got.stderr
    missing = [sorted(c["label"] for c in comp["contacts"] if c["status"] == "missing")
               for comp in json.loads(got.stdout)["comparisons"]]
    assert missing == [sorted(c["label"] for c in comp["contacts"] if c["status"] == "missing")
                       for comp in json.loads(expected.stdout)["comparisons"]]
    assert SECRET not in got.stdout + got.stderr


def test_the_access_key_comes_from_user_and_password_env(endpoint: str) -> None:
    """Without a key the backend has none to sign with (no AWS_* variables, no files):
    the copy cannot be read, and the message says so without a secret in it."""
    bare = _cli("check", "s3://books/whole.vcf", "--storage-option", f"endpoint_url={endpoint}")
    assert bare.returncode == 3, bare.stderr  # the key exit code
    assert "s3://books/whole.vcf: no credentials for the server" in bare.stderr
    keyed = _cli("check", "s3://books/whole.vcf", *_options(endpoint))
    assert keyed.returncode == 0, keyed.stderr
    assert SECRET not in bare.stderr + keyed.stderr + keyed.stdout


@pytest.fixture(scope="module")
def signed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, str]]:
    """A server that checks signatures, as S3 does: (endpoint, key id, secret) of the one
    key it made, with books/whole.vcf in a bucket only that key may read."""
    boto3 = pytest.importorskip("boto3")
    with s3_server(tmp_path_factory.mktemp("s3auth"), unchecked=3) as url:
        iam = boto3.client("iam", endpoint_url=url, region_name="us-east-1",
                           aws_access_key_id="bootstrap",
                           aws_secret_access_key="bootstrap")  # noqa: S106 - unchecked
        iam.create_user(UserName="backup")  # the three unchecked requests
        iam.put_user_policy(UserName="backup", PolicyName="all", PolicyDocument=json.dumps(
            {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
        made = iam.create_access_key(UserName="backup")["AccessKey"]
        key_id, secret = made["AccessKeyId"], made["SecretAccessKey"]
        fs = s3fs.S3FileSystem(key=key_id, secret=secret, skip_instance_cache=True,
                               client_kwargs={"endpoint_url": url})
        fs.mkdir("books")
        fs.pipe({"books/whole.vcf": BACKUP.read_bytes()})
        yield url, key_id, secret


@pytest.mark.parametrize("wrong", ["secret", "key id"])
def test_a_refused_key_is_the_key_exit_code_with_a_sentence(
        signed: tuple[str, str, str], wrong: str) -> None:
    """A wrong secret (SignatureDoesNotMatch) or an unknown key id (InvalidAccessKeyId):
    exit 3, said as refused credentials, with neither secret in what is printed."""
    url, key_id, secret = signed
    where = ("--storage-option", f"endpoint_url={url}", "--password-env", "CG_TEST_SECRET")
    right = _cli("check", "s3://books/whole.vcf", "--user", key_id, *where,
                 secret=secret)
    assert right.returncode == 0, right.stderr
    user = key_id if wrong == "secret" else "AKIAUNKNOWNKEY000000"
    refused = _cli("check", "s3://books/whole.vcf", "--user", user, *where,
                   secret="not-" + secret if wrong == "secret" else secret)
    assert refused.returncode == 3, refused.stdout + refused.stderr
    assert "s3://books/whole.vcf: wrong credentials (the server refused them)" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert secret not in right.stdout + right.stderr + refused.stdout + refused.stderr


def test_max_age_reads_the_objects_last_modified(endpoint: str) -> None:
    when = url_modified("s3://books/folder", auth=(KEY_ID, SECRET),
                        storage_options={"endpoint_url": endpoint})
    assert when is not None and abs(when - time.time()) < 3600
    fresh = _cli("check", "s3://books/whole.vcf", *_options(endpoint), "--max-age", "1h")
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr


def test_a_missing_object_is_a_sentence(endpoint: str) -> None:
    with pytest.raises(cg.SourceError, match="no such file or folder"):
        cg.load("s3://books/nope.vcf", auth=(KEY_ID, SECRET),
                storage_options={"endpoint_url": endpoint})
