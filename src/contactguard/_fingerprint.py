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
import unicodedata
from collections.abc import Callable, Iterable
from typing import Final, NewType

from phonenumbers import COUNTRY_CODE_TO_REGION_CODE

from ._corruption import decode_base64
from ._model import Contact, Snapshot
from ._normalize import infer_region, normalize_date, normalize_email, normalize_phone
from ._read import Property
from ._read._property import BINARY_PROPERTIES, LIST_PROPERTIES, STRUCTURED_PROPERTIES

__all__ = [
    "CANONICAL_VERSION",
    "FIELD_GROUPS",
    "VOLATILE_PROPERTIES",
    "Fingerprint",
    "canonical_fields",
    "canonical_form",
    "fingerprint",
    "fingerprint_of_fields",
    "merkle_root",
    "phone_key",
    "region_for",
    "snapshot_digest",
]

Fingerprint = NewType("Fingerprint", str)
"""Hex SHA-256 of a contact's canonical form."""

CANONICAL_VERSION: Final = "cg-canon-1"

#: Properties that are not user data: sync ids, timestamps, producer, labels and display
#: hints that differ between vendors.  Matched by exact name or by prefix ending in '-'.
VOLATILE_PROPERTIES: Final = frozenset({
    "VERSION", "PRODID", "REV", "UID", "SORT-STRING", "CLIENTPIDMAP", "KIND", "SOURCE", "NAME",
    "X-ABUID", "X-ABLABEL", "X-ABSHOWAS", "X-ABADR", "X-ABRELATEDNAMES-LABEL",
    "X-IRMC-LUID", "X-ANDROID-UID", "X-EVOLUTION-FILE-AS", "X-EVOLUTION-LIST",
    "X-EVOLUTION-BLOG-URL-LABEL", "X-MOZILLA-HTML", "X-MOZILLA-PROPERTY", "X-RADICALE-NAME",
    "X-GOOGLE-ETAG", "X-GOOGLE-ID", "X-MS-OL-DEFAULT-POSTAL-ADDRESS", "X-MS-CARDPICTURE-TYPE",
    "X-WAB-GENDER", "X-SHARE-LUID", "X-SYNCML-REF", "X-FUNAMBOL-LUID",
})
_VOLATILE_PREFIXES: Final = ("X-ABCHANGED", "X-APPLE-", "X-COUCHDB-", "X-DAVX5-", "X-OPENSYNC-")

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


def is_volatile(name: str) -> bool:
    return name in VOLATILE_PROPERTIES or name.startswith(_VOLATILE_PREFIXES)


def _text(value: str) -> str:
    text = unicodedata.normalize("NFC", value)
    return " ".join(text.split())


def _components(prop: Property) -> str:
    comps = [_text(c) for c in prop.components]
    while comps and not comps[-1]:
        comps.pop()
    return "\x1f".join(comps)


def _binary(prop: Property) -> str:
    data, problem = decode_base64(prop.value)
    if data is None or problem is not None:
        return "raw:" + prop.value
    return "sha256:" + hashlib.sha256(data).hexdigest()


_PHONE_PUNCT: Final = str.maketrans("", "", " -.\u00a0\u2011\u2012\u2013/")


@functools.lru_cache(maxsize=1 << 18)
def phone_key(raw: str, region: str | None) -> str:
    """:attr:`PhoneNumber.key` of ``raw``, with a fast path for plain international numbers.

    ``+CC`` numbers written with only spaces, dashes and dots between digits, whose national
    part does not begin with a trunk ``0``, are already E.164 once the punctuation is gone;
    that covers most numbers in real books and skips the full ``phonenumbers`` parse (about
    40 µs each).  Everything else takes the full parse.
    """
    compact = raw.translate(_PHONE_PUNCT)
    if compact[:1] == "+" and compact[1:].isdigit() and compact[1:].isascii():
        digits = compact[1:]
        for size in (1, 2, 3):
            cc = int(digits[:size] or 0)
            if cc in COUNTRY_CODE_TO_REGION_CODE:
                national = digits[size:]
                if national[:1] != "0" and 4 <= len(national) and len(digits) <= 15:
                    return "+" + digits
                break
    return normalize_phone(raw, region=region).key


def canonical_value(prop: Property, region: str | None) -> str:
    """One property's value in canonical form ('' when it holds nothing)."""
    name = prop.name
    if name == "TEL":
        raw = prop.text.strip()
        return phone_key(raw, region) if raw else ""
    if name == "EMAIL":
        raw = prop.text.strip()
        return normalize_email(raw) or _text(raw)
    if name in {"BDAY", "ANNIVERSARY"}:
        raw = prop.text.strip()
        return normalize_date(raw) or _text(raw)
    if name in BINARY_PROPERTIES and prop.is_binary:
        return _binary(prop)
    if name in STRUCTURED_PROPERTIES:
        return _components(prop)
    if name in LIST_PROPERTIES:
        items = {_text(x) for x in prop.text.split(",")}
        items.discard("")
        return "\x1f".join(sorted(items))
    return _text(prop.text)


def canonical_fields(contact: Contact, *, region: str | None = None
                     ) -> tuple[tuple[str, str], ...]:
    """The sorted, de-duplicated ``(PROPERTY, canonical value)`` pairs of user data."""
    out: set[tuple[str, str]] = set()
    for prop in contact.properties:
        if is_volatile(prop.name):
            continue
        value = canonical_value(prop, region)
        if value:
            out.add((prop.name, value))
    return tuple(sorted(out))


def canonical_form(contact: Contact, *, region: str | None = None) -> str:
    """The text that :func:`fingerprint` hashes: a version line, then ``NAME:value`` lines."""
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
    return fingerprint_of_fields(canonical_fields(contact, region=region))


def fingerprint_of_fields(fields: Iterable[tuple[str, str]]) -> Fingerprint:
    """The fingerprint of already computed :func:`canonical_fields`."""
    form = "\n".join([CANONICAL_VERSION, *(f"{name}:{value}" for name, value in fields)])
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


def region_for(*snapshots: Snapshot) -> str | None:
    """The region to read national phone numbers in: given on a snapshot, else inferred
    from the internationally written numbers of all the snapshots together."""
    for snap in snapshots:
        if snap.default_region:
            return snap.default_region
    return infer_region(tel for snap in snapshots for c in snap for tel in c.phones)


def snapshot_digest(snapshot: Snapshot, *, region: str | None = None) -> str:
    """Hex Merkle root over the snapshot's contact fingerprints: equal for two snapshots
    that hold the same contacts in any order."""
    region = region if region is not None else region_for(snapshot)
    leaves = [bytes.fromhex(fingerprint(c, region=region)) for c in snapshot]
    return merkle_root(leaves).hex()
