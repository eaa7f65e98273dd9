"""Value-level corruption detection over a whole snapshot.

The reader reports damage to the *structure* of a file; this stage looks inside values:
mojibake, U+FFFD, control characters and NUL, pictures that are truncated or not pictures,
phone numbers that cannot be valid, malformed emails, impossible dates, cards with nothing
that identifies a person, and UIDs used twice.  Which properties get which check is data
(:data:`TEXT_CHECKED`); each finding's severity comes from :data:`~contactguard.KINDS`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from typing import Final

from .._core import UsageError
from .._model import BINARY_PROPERTIES, Contact, Finding, Snapshot
from .._normalize import (
    date_problem,
    email_problem,
    normalize_phone,
    regions_of,
)
from .images import check_image, decode_base64
from .text import check_text

__all__ = ["IDENTIFYING_PROPERTIES", "TEXT_CHECKED", "check", "contact_findings", "detect",
           "new_findings"]

#: Properties whose text is checked for mojibake and stray characters.
TEXT_CHECKED: Final = frozenset({
    "FN", "N", "NICKNAME", "ORG", "TITLE", "ROLE", "NOTE", "ADR", "LABEL", "CATEGORIES",
    "X-PHONETIC-FIRST-NAME", "X-PHONETIC-LAST-NAME", "X-ABRELATEDNAMES",
})
#: A card with none of these identifies nobody.
IDENTIFYING_PROPERTIES: Final = frozenset({
    "FN", "N", "TEL", "EMAIL", "ORG", "NICKNAME", "ADR", "URL", "IMPP", "X-CSV-FIELD",
})
_DATE_PROPERTIES: Final = frozenset({"BDAY", "ANNIVERSARY"})


def _phone_finding(raw: str, region: str | None) -> tuple[str, str] | None:
    """What is wrong with one number read in the book's plausible regions, if anything.

    A number is ``invalid-phone`` only when it is valid in none of them (a valid short or
    service number such as 10086 or 999 is valid); a national number in a book where no
    region can be inferred is ``phone-region-unknown`` (info): not wrong, just unreadable.
    """
    phone = normalize_phone(raw, region=region)
    if phone.valid:
        return None
    regions, _ = regions_of(region)
    if phone.e164 is None and phone.reason == "no country code and no default region":
        return ("phone-region-unknown", "TEL: written without a country code, and the book "
                "gives no region to read it in (pass a region such as --region CN)")
    if len(regions) > 1 and phone.read_in is not None:
        return ("invalid-phone", f"TEL: not a valid number in any of {', '.join(regions)}"
                " (the regions this book's numbers are in)")
    return ("invalid-phone", f"TEL: {phone.reason or 'not valid'}")


def contact_findings(index: int, contact: Contact, region: str | None) -> Iterator[Finding]:
    """The value findings of one contact (everything :func:`detect` checks but duplicate
    UIDs, which need the whole snapshot); ``index`` is its position, for the findings."""
    src = contact.source
    has_identity = False
    for pos, prop in enumerate(contact.properties):
        name = prop.name
        line = contact.line_of(pos)
        if name in IDENTIFYING_PROPERTIES and prop.value.strip(" ;,"):
            has_identity = True
        if name in TEXT_CHECKED:
            for problem in check_text(prop.text):
                yield Finding.of(problem.kind, f"{name}: {problem.message}", line=line,
                                 property=name, suggestion=problem.suggestion, source=src,
                                 contact=index)
        elif name == "TEL":
            raw = prop.text.strip()
            if raw:
                finding = _phone_finding(raw, region)
                if finding is not None:
                    kind, message = finding
                    yield Finding.of(kind, message, line=line, property=name, source=src,
                                     contact=index)
        elif name == "EMAIL":
            raw = prop.text.strip()
            problem_text = email_problem(raw) if raw else None
            if problem_text:
                yield Finding.of("invalid-email", f"EMAIL: {problem_text}", line=line,
                                 property=name, source=src, contact=index)
        elif name in _DATE_PROPERTIES:
            raw = prop.text.strip()
            problem_text = date_problem(raw) if raw else None
            if problem_text:
                yield Finding.of("invalid-date", f"{name}: {problem_text}", line=line,
                                 property=name, source=src, contact=index)
        elif name in BINARY_PROPERTIES and prop.is_binary:
            data, _ = decode_base64(prop.value)
            if data is None:
                continue  # the reader already reported bad-base64 with its line
            image_problem = check_image(data) if name in {"PHOTO", "LOGO"} else None
            if image_problem is not None:
                yield Finding.of("bad-image", f"{name}: {image_problem.message}", line=line,
                                 property=name, source=src, contact=index)
    if not has_identity:
        yield Finding.of("empty-card", "card has no name, number, email or organization",
                         line=contact.line, source=src, contact=index)


def detect(snapshot: Snapshot, *, region: str | None = None,
           max_per_kind: int = 10_000) -> tuple[Finding, ...]:
    """Every value-level finding in ``snapshot``, in contact order.

    ``region`` reads national phone numbers (default: the snapshot's, else inferred from
    its internationally written numbers).  Past ``max_per_kind`` findings of one kind the
    rest are counted in one ``findings-truncated`` finding.
    """
    if not isinstance(snapshot, Snapshot):
        raise UsageError(f"detect() takes a Snapshot, not {type(snapshot).__name__}")
    from .._normalize import region_for  # noqa: PLC0415 - same stage, avoids a cycle

    region = region_for(snapshot, region=region)
    out: list[Finding] = []
    uids: dict[str, list[int]] = defaultdict(list)
    per_kind: Counter[str] = Counter()
    for index, contact in enumerate(snapshot):
        for f in contact_findings(index, contact, region):
            per_kind[f.kind] += 1
            if per_kind[f.kind] <= max_per_kind:
                out.append(f)
        uid = contact.uid
        if uid:
            uids[uid].append(index)
    for uid, indexes in uids.items():
        if len(indexes) > 1:
            first = snapshot[indexes[0]]
            for other in indexes[1:]:
                c = snapshot[other]
                out.append(Finding.of(
                    "duplicate-uid", f"UID {uid[:40]!r} is also used by the card at line "
                    f"{first.line}", line=c.line, source=c.source, contact=other,
                    property="UID"))
    out.extend(Finding.of("findings-truncated", f"{seen - max_per_kind:,} more {kind!r} "
                          f"findings were counted but not kept (limit {max_per_kind:,})",
                          source=snapshot.source.name)
               for kind, seen in sorted(per_kind.items()) if seen > max_per_kind)
    return tuple(out)


def check(snapshot: Snapshot, *, region: str | None = None) -> Snapshot:
    """``snapshot`` with the value-level findings of :func:`detect` added.

    Idempotent: a finding the snapshot already holds is not added again, so
    ``check(check(s))`` equals ``check(s)`` and no finding is counted twice.
    """
    found = detect(snapshot, region=region)  # checks the arguments
    return snapshot.with_findings(new_findings(snapshot.findings, found))


def new_findings(held: Iterable[Finding], found: Iterable[Finding]) -> tuple[Finding, ...]:
    """The findings of ``found`` that ``held`` does not already contain (in order)."""
    seen = set(held)
    out = []
    for f in found:
        if f not in seen:
            seen.add(f)
            out.append(f)
    return tuple(out)
