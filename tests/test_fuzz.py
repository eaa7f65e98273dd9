"""Bounded fuzzing in CI: every reader, never another exception, no hang, bounded memory.

The long, coverage-guided run is benchmarks/fuzz.py (atheris); this is its hypothesis
counterpart sized for CI (a few hundred inputs per reader, about 20 seconds).
"""

from __future__ import annotations

import io
import signal
import tracemalloc
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import contactguard as cg
import strategies

TRIED: dict[str, int] = {}
_settings = settings(max_examples=300, deadline=None,
                     suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
MEMORY_BOUND = 64 << 20
TIME_BOUND_S = 10


@contextmanager
def _bounded(name: str) -> Iterator[None]:
    def hang(signum: int, frame: object) -> None:
        raise TimeoutError(f"{name}: one input took over {TIME_BOUND_S} s")

    TRIED[name] = TRIED.get(name, 0) + 1
    previous = signal.signal(signal.SIGALRM, hang)
    signal.alarm(TIME_BOUND_S)
    tracemalloc.start()
    try:
        yield
        peak = tracemalloc.get_traced_memory()[1]
        assert peak < MEMORY_BOUND, f"{name}: {peak:,} bytes for one small input"
    finally:
        tracemalloc.stop()
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _exercise(snap: cg.Snapshot) -> None:
    assert isinstance(snap, cg.Snapshot)
    cg.detect(snap)
    for contact in snap[:10]:
        cg.fingerprint(contact)
    assert len(cg.loads(cg.dumps(snap[:10]))) == min(len(snap), 10)


def _run(name: str, read: Callable[[], cg.Snapshot]) -> None:
    with _bounded(name):
        _exercise(read())


@_settings
@given(strategies.vcard_soup())
def test_fuzz_vcard_soup(data: bytes) -> None:
    _run("vcard", lambda: cg.loads(data))


@_settings
@given(st.binary(max_size=4096))
def test_fuzz_raw_bytes(data: bytes) -> None:
    _run("bytes", lambda: cg.loads(data))


@_settings
@given(st.lists(st.lists(st.text(max_size=12), max_size=8), max_size=8))
def test_fuzz_csv(rows: list[list[str]]) -> None:
    header = "First Name,Last Name,E-mail 1 - Value,Phone 1 - Value,Notes\n"
    text = header + "\n".join(",".join(r) for r in rows)
    _run("csv", lambda: cg.loads(text, format="csv"))


@_settings
@given(strategies.vcard_soup(), st.binary(max_size=512))
def test_fuzz_zip(member: bytes, junk: bytes) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.vcf", member)
        zf.writestr("b.vcf", junk)
    data = buf.getvalue()
    _run("zip", lambda: cg.loads(data))
    _run("zip-truncated", lambda: cg.loads(data[: len(data) // 2]))


@_settings
@given(strategies.vcard_soup())
def test_fuzz_strict_raises_only_parse_error(data: bytes) -> None:
    with _bounded("strict"), suppress(cg.ParseError):
        cg.loads(data, strict=True)


def test_fuzz_counts_are_recorded() -> None:
    """Runs last in this module: every reader was tried (counts shown with -s)."""
    print("fuzz inputs tried:", dict(sorted(TRIED.items())))
    assert all(TRIED.get(k, 0) > 0 for k in ("vcard", "bytes", "csv", "zip", "strict"))


def test_fuzz_regression_surrogates_from_csv_member_of_a_zip() -> None:
    """Found by atheris: undecodable bytes in a CSV member reached the model as lone
    surrogates and made dumps() raise UnicodeEncodeError."""
    import base64

    data = base64.b64decode("UlJSAAAAAABSOwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABSO+kvJukK")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("a.vcf", data)
        zf.writestr("b.csv", data[::-1])
        # The bytes alone are not a contacts table any more (issue #13: skipped, said);
        # under a contacts header they still reach the CSV reader.
        zf.writestr("c.csv", b"Name,Notes\n" + data[::-1])
    snap = cg.loads(buf.getvalue())
    kinds = {(f.kind, (f.source or "").rpartition("!")[2]) for f in snap.findings}
    assert {("nul-byte", "c.csv"), ("skipped-file", "b.csv")} <= kinds
    # its stray high bytes are read in a guessed legacy charset, or kept aside: said
    assert {("undecodable-bytes", "c.csv"), ("charset-uncertain", "c.csv"),
            ("charset-guessed", "c.csv")} & kinds
    text = cg.dumps(snap)
    assert "\x00" not in text
    assert text.encode("utf-8")


def test_fuzz_regression_surrogates_inside_a_nested_agent_card() -> None:
    """Found by hypothesis in a fresh clone: an undecodable byte inside a nested AGENT card
    reached the AGENT value and made dumps() raise UnicodeEncodeError."""
    data = b"\r\n".join([b"BEGIN:VCARD", b"AGENT:", b"BEGIN:VCARD", b"BEGIN:VCARD",
                         b"BEGIN:VCARD", b"BEGIN:VCARD", b"\x01" * 16 + b"\x80"])
    for payload in (data, b"BEGIN:VCARD\r\nPHOTO;ENCODING=b:ab\x80cd\r\nEND:VCARD\r\n"):
        snap = cg.loads(payload)
        assert cg.dumps(snap).encode("utf-8")
