"""Fingerprints: a versioned canonical form of each contact, its digest, and snapshot roots.

The canonical form is the sorted set of ``(FIELD, value)`` pairs a user entered, each
value in a form that every phone and client agrees on:

* phone numbers as E.164 (``138 0013 8000`` in CN = ``+86 138-0013-8000``), emails
  normalized, dates in ISO form, photos as the SHA-256 of their decoded bytes;
* text values Unicode-NFC with white space collapsed, but *case and script kept*: a
  changed letter is a changed value;
* structured values (N, ADR, ORG) without trailing empty components;
* no volatile or format-only data: REV, PRODID, UID and vendor sync IDs, TYPE labels,
  Apple groups and ``X-ABLabel`` (see :data:`VOLATILE_PROPERTIES`).  Labels are compared,
  at info level, by the diff.

So the fingerprint does not change under property order, line folding, line ends, vCard
version, quoted-printable, phone formatting or volatile fields, and changes with any edit
of a value a user entered.  The form is named by :data:`CANONICAL_VERSION`; a change of the
rules gets a new name so old manifests are never compared under new rules.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from typing import Final, NewType

from .._core import expect, in_chunks
from .._detect import decode_base64
from .._model import (
    BINARY_PROPERTIES,
    LIST_PROPERTIES,
    STRUCTURED_PROPERTIES,
    VOLATILE_PREFIXES,
    VOLATILE_PROPERTIES,
    Contact,
    Property,
    Snapshot,
    unescape,
)
from .._normalize import (
    check_region,
    normalize_date,
    normalize_email,
    region_for,
    region_of_international,
    regions_of,
)
from .phonekeys import _first_valid_key, _international, compact_of, phone_key

__all__ = [
    "CANONICAL_VERSION",
    "COMPATIBLE_VERSIONS",
    "FIELD_GROUPS",
    "MERGED_LISTS",
    "VOLATILE_PROPERTIES",
    "Fingerprint",
    "canonical_all",
    "canonical_fields",
    "canonical_form",
    "canonical_value",
    "card_regions",
    "fingerprint",
    "fingerprint_of_fields",
    "is_volatile",
    "merkle_root",
    "phone_key",
    "region_for",
    "snapshot_digest",
]

Fingerprint = NewType("Fingerprint", str)
"""Hex SHA-256 of a contact's canonical form."""

#: A contact's canonical fields: sorted ``(PROPERTY, value)`` pairs.
Fields = tuple[tuple[str, str], ...]

CANONICAL_VERSION: Final = "cg-canon-2"
#: Canonical versions this release still computes: ``cg-canon-1`` (0.1) is ``cg-canon-2``
#: read with one region for every number and no per-card choice (an exact region text).
COMPATIBLE_VERSIONS: Final = frozenset({"cg-canon-1", CANONICAL_VERSION})

#: Which kind of user data each property is: used for field-level diffs, manifest counts
#: and the "which field was lost" wording.  Anything else is "other".
FIELD_GROUPS: Final = {
    "FN": "name", "N": "name", "NICKNAME": "name", "X-PHONETIC-FIRST-NAME": "name",
    "X-PHONETIC-LAST-NAME": "name",
    "TEL": "phone", "EMAIL": "email", "PHOTO": "photo", "LOGO": "photo",
    "ADR": "address", "LABEL": "address", "BDAY": "date", "ANNIVERSARY": "date",
    "ORG": "organization", "TITLE": "organization", "ROLE": "organization",
    "NOTE": "note", "URL": "url", "IMPP": "im", "X-SOCIALPROFILE": "url",
    "CATEGORIES": "category", "RELATED": "related", "X-ABRELATEDNAMES": "related",
    "GEO": "address", "TZ": "other", "GENDER": "other", "KEY": "other", "SOUND": "other",
}


@functools.lru_cache(maxsize=1024)
def is_volatile(name: str) -> bool:
    return name in VOLATILE_PROPERTIES or name.startswith(VOLATILE_PREFIXES)


def _text(value: str) -> str:
    text = value if value.isascii() else unicodedata.normalize("NFC", value)
    return " ".join(text.split())


#: What makes a ';'-separated value need work component by component: an escape, a
#: whitespace character other than a single inner space, a space at a component's edge.
_UNTIDY_COMPONENTS: Final = re.compile(r"\\|[^\S ]|  |^ | $| ;|; ").search


def _components(prop: Property) -> str:
    value = prop.value
    if _UNTIDY_COMPONENTS(value) is None:
        # Each component is already its own canonical text (NFC leaves ';' alone, so the
        # whole value can be normalized at once): the fast path of most N and ORG values.
        if not value.isascii():
            value = unicodedata.normalize("NFC", value)
        return value.rstrip(";").replace(";", "\x1f")
    comps = [_text(c) for c in prop.components]
    while comps and not comps[-1]:
        comps.pop()
    return "\x1f".join(comps)


def _unescaped(value: str) -> str:
    """:attr:`Property.text` of a value (the common value has no escapes at all)."""
    return unescape(value) if "\\" in value else value


_DATES: Final = frozenset({"BDAY", "ANNIVERSARY"})
# The normalizers without their public argument checks (values here are text already).
_normalize_email: Final = getattr(normalize_email, "__wrapped__", normalize_email)
_normalize_date: Final = getattr(normalize_date, "__wrapped__", normalize_date)


def _binary(prop: Property) -> str:
    data, problem = decode_base64(prop.value)
    if data is None or problem is not None:
        return "raw:" + prop.value
    return "sha256:" + hashlib.sha256(data).hexdigest()


def _plain_text(prop: Property) -> str:
    return _text(_unescaped(prop.value))


#: An address whose normal form is its lower-case self (ASCII, one ``@``, nothing to strip
#: or encode): :func:`normalize_email` without its steps, for most addresses of a book.
_PLAIN_EMAIL: Final = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]*[A-Za-z0-9]").fullmatch


def _email_value(prop: Property) -> str:
    raw = _unescaped(prop.value).strip()
    if _PLAIN_EMAIL(raw) is not None:
        return raw.lower()
    return _normalize_email(raw) or _text(raw)


def _date_value(prop: Property) -> str:
    raw = _unescaped(prop.value).strip()
    return _normalize_date(raw) or _text(raw)


def canonical_value(prop: Property, region: str | None) -> str:
    """One property's value in canonical form ('' when it holds nothing)."""
    name = prop.name
    if name == "TEL":
        raw = _unescaped(prop.value).strip()
        return phone_key(raw, region) if raw else ""
    if name in STRUCTURED_PROPERTIES:
        return _components(prop)
    if name == "EMAIL":
        return _email_value(prop)
    if name in _DATES:
        return _date_value(prop)
    if name in BINARY_PROPERTIES and prop.is_binary:
        return _binary(prop)
    if name in LIST_PROPERTIES:
        items = {_text(x) for x in prop.text.split(",")}
        items.discard("")
        return "\x1f".join(sorted(items))
    return _plain_text(prop)


#: Properties whose values, over all their properties on a card, make one set: Google CSV
#: writes one group column where a vCard has several CATEGORIES lines, or the reverse.
MERGED_LISTS: Final = frozenset({"CATEGORIES"})


def card_regions(contact: Contact, region: str | None) -> str | None:
    """The region text to read ``contact``'s national numbers in: the book's most likely
    region, then the regions of the card's own internationally written numbers (a Hong Kong
    contact's national number is most likely a Hong Kong one), then the book's other
    plausible regions.  Unchanged for an exact (0.1) region text."""
    regions, hints = regions_of(region)
    if not hints:
        return region
    tels = [p.value for p in contact.properties if p.name == "TEL"]
    if len(tels) < 2:
        return region  # hints need a national number and an international one
    own: list[str] = []
    national = False
    for value in tels:
        code = region_of_international(_unescaped(value))  # (strips and compacts itself)
        if code is None:
            national = True
        elif code not in own:
            own.append(code)
    if not own or not national:
        return region
    # The book's most common region stays first: an 11-digit Chinese mobile on a card that
    # also holds a US number is still a Chinese mobile, though ``1 534 834 1885`` would be
    # a valid US number too.  The card's own regions come before the book's others.
    return ",".join(dict.fromkeys([*regions[:1], *own, *regions[1:]]))


def written_nationally(raw: str) -> bool:
    """Whether a (stripped, non-empty) phone text is written without ``+`` or ``00``: the
    numbers whose reading depends on the region."""
    return not raw.lstrip("(").startswith(("+", "00"))


def canonical_fields(contact: Contact, *, region: str | None = None,
                     nationals: list[str] | None = None) -> tuple[tuple[str, str], ...]:
    """The sorted, de-duplicated ``(PROPERTY, canonical value)`` pairs of user data.

    ``nationals``, when given, receives the card's phone numbers written nationally (not
    ``+…`` or ``00…``), as :func:`~.match.national_alternates` reads them: one pass over
    the card for both."""
    out: set[tuple[str, str]] = set()
    merged: dict[str, set[str]] = {}
    regions, merge_lists = regions_of(region)
    card_region: str | None = None
    local = False  # whether card_region is computed yet
    for prop in contact.properties:
        name = prop.name
        if is_volatile(name):
            continue
        if name == "TEL":
            raw = _unescaped(prop.value).strip()
            if not raw:
                continue
            if nationals is not None and written_nationally(raw):
                nationals.append(raw)
            if local:
                value = phone_key(raw, card_region)
            else:
                compact = compact_of(raw)
                if regions and compact[:1] == "+" and compact[1:].isdigit() and compact.isascii():
                    # read in the book's first region whatever the card's hints (they
                    # never move it): no need to work out the card's regions for it
                    value = _international(compact[1:]) or phone_key(raw, region)
                elif len(regions) > 1 and (key := _first_valid_key(
                        raw, regions[:1], own_code=merge_lists, compact=compact)):
                    # valid in the book's first region, which the card's hints never move:
                    # the key whatever the card's regions (most national numbers of a book)
                    value = key
                else:
                    card_region, local = card_regions(contact, region), True
                    value = phone_key(raw, card_region)
        else:
            handler = _BY_NAME.get(name)
            value = handler(prop) if handler is not None else canonical_value(prop, region)
        if merge_lists and name in MERGED_LISTS:
            merged.setdefault(name, set()).update(v for v in value.split("\x1f") if v)
        elif value:
            out.add((name, value))
    if merged:
        out.update((name, "\x1f".join(sorted(items))) for name, items in merged.items()
                   if items)
    return tuple(sorted(out))


#: :func:`canonical_value` of the commonest properties, looked up by name instead of
#: asked in turn (the same functions it calls).
_BY_NAME: Final[dict[str, Callable[[Property], str]]] = {
    **dict.fromkeys(("N", "ORG", "ADR"), _components),
    **dict.fromkeys(("FN", "NOTE", "TITLE", "ROLE"), _plain_text),
    "EMAIL": _email_value,
    **dict.fromkeys(_DATES, _date_value),
}



def canonical_all(contacts: Sequence[Contact], region: str | None,
                  progress: Callable[[int], None] | None = None,
                  ) -> tuple[list[Fields], list[Fingerprint]]:
    """:func:`canonical_fields` and :func:`fingerprint_of_fields` of every contact, a large
    sequence on every usable core (forked chunks, see :func:`~contactguard._core.in_chunks`).
    ``progress(done)`` is called every 1,000 contacts."""
    n = len(contacts)

    def chunk(lo: int, hi: int) -> tuple[list[Fields], list[Fingerprint]]:
        fields: list[Fields] = []
        for i in range(lo, hi):  # (indexes: a Sequence need not slice)
            if progress is not None and lo == 0 and i % 1000 == 0:
                progress(i * n // hi)  # (the first chunk reports for all)
            fields.append(canonical_fields(contacts[i], region=region))
        return fields, [fingerprint_of_fields(f) for f in fields]

    all_fields: list[Fields] = []
    fingerprints: list[Fingerprint] = []
    for fields, fps in in_chunks(chunk, n):
        all_fields += fields
        fingerprints += fps
    return all_fields, fingerprints


def canonical_form(contact: Contact, *, region: str | None = None) -> str:
    """The text that :func:`fingerprint` hashes: a version line, then ``NAME:value`` lines."""
    expect(contact, Contact, "canonical_form()'s contact")
    region = check_region(region)
    fields = canonical_fields(contact, region=region)
    return "\n".join([CANONICAL_VERSION, *(f"{name}:{value}" for name, value in fields)])


def fingerprint(contact: Contact, *, region: str | None = None) -> Fingerprint:
    """SHA-256 (hex) of :func:`canonical_form`.

    >>> from contactguard import loads
    >>> a = loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:Ada\\nTEL:+44 20 7946 0000\\nEND:VCARD")[0]
    >>> b = loads("BEGIN:VCARD\\nVERSION:2.1\\nTEL;CELL:00442079460000\\nFN:Ada\\n"
    ...           "REV:2024-01-01\\nEND:VCARD")[0]
    >>> fingerprint(a) == fingerprint(b)
    True
    """
    expect(contact, Contact, "fingerprint()'s contact")
    region = check_region(region)
    return fingerprint_of_fields(canonical_fields(contact, region=region))


def fingerprint_of_fields(fields: Iterable[tuple[str, str]], *,
                          version: str = CANONICAL_VERSION) -> Fingerprint:
    """The fingerprint of already computed :func:`canonical_fields` (under ``version``)."""
    form = "\n".join([version, *map(":".join, fields)])
    return Fingerprint(hashlib.sha256(form.encode("utf-8", "surrogatepass")).hexdigest())


def merkle_root(leaves: Iterable[bytes], *, hash_fn: Callable[[bytes], bytes] | None = None
                ) -> bytes:
    """Root of a binary Merkle tree over the *sorted* leaves (order-independent).

    Leaves and inner nodes are domain-separated (0x00 / 0x01 prefixes, as in RFC 6962);
    an odd node is carried up unchanged.  The empty tree's root is the hash of ``b""``.
    """
    h = hash_fn or (lambda b: hashlib.sha256(b).digest())
    level = [h(b"\x00" + leaf) for leaf in sorted(leaves)]
    if not level:
        return h(b"")
    while len(level) > 1:
        nxt = [h(b"\x01" + level[i] + level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def snapshot_digest(snapshot: Snapshot, *, region: str | None = None) -> str:
    """Hex Merkle root over the snapshot's contact fingerprints: equal for two snapshots
    that hold the same contacts in any order."""
    expect(snapshot, Snapshot, "snapshot_digest()'s snapshot")
    region = region_for(snapshot, region=region)
    leaves = [bytes.fromhex(fingerprint(c, region=region)) for c in snapshot]
    return merkle_root(leaves).hex()
