"""Misuse of any public entry point raises the documented ContactGuardError family."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import contactguard as cg

SNAP = cg.loads("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nTEL:+44 20 7946 0000\nEND:VCARD\n")
BAD: list[Any] = [None, 12345, object(), b"bytes", ["list"]]

CALLS: dict[str, Callable[[Any], object]] = {
    "load": lambda x: cg.load(x),
    "loads": lambda x: cg.loads(x),
    "loads(format=)": lambda x: cg.loads("", format=x if isinstance(x, str) else "nope"),
    "loads(encoding=)": lambda x: cg.loads(b"", encoding="no-such-codec"),
    "dumps": lambda x: cg.dumps(x),
    "dumps(version=)": lambda x: cg.dumps(SNAP, version="2.1"),
    "detect": lambda x: cg.detect(x),
    "check": lambda x: cg.check(x),
    "diff(before)": lambda x: cg.diff(x, SNAP),
    "diff(after)": lambda x: cg.diff(SNAP, x),
    "diff(region=)": lambda x: cg.diff(SNAP, SNAP, region="XX"),
    "match": lambda x: cg.match(x, SNAP),
    "fingerprint": lambda x: cg.fingerprint(x),
    "canonical_form": lambda x: cg.canonical_form(x),
    "snapshot_digest": lambda x: cg.snapshot_digest(x),
    "normalize_phone": lambda x: cg.normalize_phone(x),
    "normalize_phone(region=)": lambda x: cg.normalize_phone("1", region="??"),
    "normalize_email": lambda x: cg.normalize_email(x),
    "normalize_name": lambda x: cg.normalize_name(x),
    "normalize_text": lambda x: cg.normalize_text(x),
    "normalize_date": lambda x: cg.normalize_date(x),
    "name_keys": lambda x: cg.name_keys(formatted=x),
    "romanize": lambda x: cg.romanize(x),
    "Manifest.build": lambda x: cg.Manifest.build(x),
    "Manifest.build(key=)": lambda x: cg.Manifest.build(SNAP, key=b""),
    "Manifest.loads": lambda x: cg.Manifest.loads(x if isinstance(x, (str, bytes)) else "[]"),
    "verify(snapshot)": lambda x: cg.verify(x, cg.Manifest.build(SNAP)),
    "verify(manifest)": lambda x: cg.verify(SNAP, x),
    "verify_restore": lambda x: cg.verify_restore(x, SNAP),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@pytest.mark.parametrize("bad", BAD, ids=lambda v: type(v).__name__)
def test_bad_arguments_raise_contactguard_errors(name: str, bad: Any) -> None:
    try:
        CALLS[name](bad)
    except cg.ContactGuardError:
        return
    except Exception as exc:  # noqa: BLE001 - the point is to catch the wrong kind
        pytest.fail(f"{name}({bad!r}) raised {type(exc).__name__}: {exc}")
    # accepting the value is fine only where it is a valid input of that call
    assert (name in {"loads", "Manifest.loads", "normalize_phone", "normalize_email",
                    "normalize_name", "normalize_text", "normalize_date", "name_keys",
                    "romanize"} and bad is None) or isinstance(bad, bytes), (name, bad)


def test_missing_path_is_a_source_error_and_an_oserror(tmp_path: Path) -> None:
    with pytest.raises(cg.SourceError) as info:
        cg.load(tmp_path / "nope.vcf")
    assert isinstance(info.value, OSError)
