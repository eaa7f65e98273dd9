"""Coverage-guided fuzzing of every reader with atheris (libFuzzer), for long runs.

    pip install atheris            # or: pip install -e ".[bench]"
    python benchmarks/fuzz.py -max_total_time=600 -rss_limit_mb=300 -timeout=10
    CG_FUZZ_READER=csv python benchmarks/fuzz.py -max_total_time=120 ...   # one reader

One target dispatches on the first input byte to: ``loads`` of raw bytes, of the bytes as
a zip archive member, as CSV, with ``strict=True`` (only ParseError allowed), then
``detect``, ``fingerprint`` and a ``dumps`` round trip of whatever was read.  Any other
exception, a run over ``-timeout`` seconds or over ``-rss_limit_mb`` is a crash that
libFuzzer reports with the input that caused it.  ``CG_FUZZ_READER`` (one of
:data:`READERS`) pins the target to one reader, so each gets the whole run: ``vcard``,
``zip``, ``csv``, ``strict``, ``gb18030``, ``columns`` (CSV with a caller's column map) and
``stream`` (``iter_contacts`` over a file object).  The bounded CI variant is
tests/test_fuzz.py (hypothesis).
"""

from __future__ import annotations

import io
import os
import sys
import zipfile

import atheris

with atheris.instrument_imports():
    import contactguard as cg


READERS = ("vcard", "zip", "csv", "strict", "gb18030", "columns", "stream")
_PINNED = os.environ.get("CG_FUZZ_READER")


def one_input(data: bytes) -> None:
    if not data:
        return
    mode, body = data[0] % 7, data[1:]
    if _PINNED:
        mode, body = READERS.index(_PINNED), data
    if mode == 5:
        snap = cg.loads(body, format="csv", columns={"Name": "FN", "Tel": "TEL;TYPE=CELL",
                                                     "Nachname": "N.family"})
    elif mode == 6:
        stream = cg.iter_contacts(io.BytesIO(body))
        contacts = list(stream)
        if len(contacts) != stream.count:
            raise AssertionError("stream count disagrees with the contacts it yielded")
        snap = cg.loads(body)
    elif mode == 0:
        snap = cg.loads(body)
    elif mode == 1:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("a.vcf", body)
            zf.writestr("b.csv", body[::-1])
        snap = cg.loads(buf.getvalue())
    elif mode == 2:
        snap = cg.loads(body, format="csv")
    elif mode == 3:
        try:
            snap = cg.loads(body, strict=True)
        except cg.ParseError:
            return
    else:
        snap = cg.loads(body, encoding="gb18030")
    cg.detect(snap)
    for contact in snap[:20]:
        cg.fingerprint(contact)
    again = cg.loads(cg.dumps(snap[:20]))
    if len(again) != min(len(snap), 20):
        raise AssertionError("dumps/loads lost a contact")


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
