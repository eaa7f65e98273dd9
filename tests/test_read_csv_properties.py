"""Properties of the CSV reader (issue #13): whatever ``csv.writer`` writes reads back to
the same cells, and one person gives one fingerprint from any export format."""

from __future__ import annotations

import csv
import io

from hypothesis import given, settings
from hypothesis import strategies as st

import contactguard as cg
from strategies import csv_cells, csv_people

#: The quoting styles that RFC 4180 readers read.  QUOTE_NONE needs an escape character,
#: which is not RFC 4180 (a backslash is data in a contacts CSV), so it is left out.
_QUOTING = [csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]
if hasattr(csv, "QUOTE_STRINGS"):  # Python 3.12
    _QUOTING += [csv.QUOTE_STRINGS, csv.QUOTE_NOTNULL]


@settings(max_examples=150, deadline=None)
@given(rows=st.lists(st.tuples(csv_cells(), csv_cells(), csv_cells()), min_size=1,
                     max_size=5),
       quoting=st.sampled_from(_QUOTING), terminator=st.sampled_from(["\r\n", "\n"]),
       delimiter=st.sampled_from([",", ";", "\t"]))
def test_any_csv_writer_table_reads_back(rows: list[tuple[str, str, str]], quoting: int,
                                         terminator: str, delimiter: str) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, quoting=quoting, lineterminator=terminator,
                        delimiter=delimiter)
    writer.writerow(["Name", "Notes", "Custom"])
    writer.writerows(rows)
    snap = cg.loads(buf.getvalue())
    assert not snap.findings
    got = [tuple(c.first(p).text for p in ("FN", "NOTE", "X-CSV-FIELD"))  # type: ignore[union-attr]
           for c in snap]
    # a line break inside a value is kept as a line break (escaped \n in the model)
    assert got == [tuple(v.replace("\r\n", "\n") for v in row) for row in rows]


def _google(people: list[tuple[str, str, str, str]]) -> str:
    rows = [["Given Name", "Family Name", "E-mail 1 - Type", "E-mail 1 - Value",
             "Phone 1 - Type", "Phone 1 - Value"]]
    rows += [[g, f, "* Other", e, "Mobile", p] for g, f, e, p in people]
    return _table(rows)


def _outlook(people: list[tuple[str, str, str, str]]) -> str:
    rows = [["First Name", "Middle Name", "Last Name", "E-mail Address", "Mobile Phone",
             "Birthday"]]
    rows += [[g, "", f, e, p, "0/0/00"] for g, f, e, p in people]
    return _table(rows)


def _vcard(people: list[tuple[str, str, str, str]]) -> str:
    return "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{f};{g};;;\r\nFN:{g} {f}\r\n"
                   f"EMAIL;TYPE=INTERNET:{e}\r\nTEL;TYPE=CELL:{p}\r\nEND:VCARD\r\n"
                   for g, f, e, p in people)


def _table(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue()


@settings(max_examples=60, deadline=None)
@given(st.lists(csv_people(), min_size=1, max_size=4))
def test_google_outlook_and_vcard_give_equal_fingerprints(
        people: list[tuple[str, str, str, str]]) -> None:
    snaps = [cg.loads(_google(people)), cg.loads(_outlook(people)), cg.loads(_vcard(people))]
    assert [s.source.format for s in snaps] == ["csv", "csv", "vcard"]
    prints = [[cg.fingerprint(c) for c in s] for s in snaps]
    assert prints[0] == prints[1] == prints[2]
    assert all(not cg.detect(s) for s in snaps)
