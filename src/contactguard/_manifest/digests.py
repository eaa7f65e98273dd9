"""Sealed digests: what a manifest stores of a contact, and its signature.

Under a key every digest is ``HMAC-SHA256(key, salt ‖ data)``: nobody without the key can
test a guess.  Without one (``--unkeyed``, integrity only) it is ``SHA-256(salt ‖ data)``,
which anyone can test, so an unkeyed manifest of schema 2 keeps the whole-contact digest
alone: no leave-one-field-out digest (its remainder may be one name, or one phone number),
no per-field counts.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .._identity import CANONICAL_VERSION, FIELD_GROUPS

__all__ = ["GUESSABLE_GROUPS", "ContactDigests", "Sealer", "contact_digests", "field_group",
           "sign_stream"]

#: Field groups whose values alone are short enough to guess (schema-1 unkeyed rule).
GUESSABLE_GROUPS: Final = frozenset({"phone", "email"})


def field_group(prop: str) -> str:
    return FIELD_GROUPS.get(prop, "other")


class Sealer:
    """Digests under one manifest's salt and optional key.

    ``legacy`` is true for schema 1, whose unkeyed manifests kept the leave-one-out
    digests of remainders that were not phones or emails alone.
    """

    __slots__ = ("_key", "legacy", "salt")

    def __init__(self, salt: bytes, key: bytes | None, *, legacy: bool = False) -> None:
        self.salt = salt
        self._key = key
        self.legacy = legacy

    @property
    def keyed(self) -> bool:
        return self._key is not None

    @property
    def algorithm(self) -> str:
        return "hmac-sha256" if self._key is not None else "salted-sha256"

    def __repr__(self) -> str:
        return f"<Sealer {self.algorithm}>"

    def digest(self, data: bytes, size: int = 16) -> str:
        if self._key is not None:
            return hmac.new(self._key, self.salt + data, hashlib.sha256).digest()[:size].hex()
        return hashlib.sha256(self.salt + data).digest()[:size].hex()

    def fields_digest(self, fields: Iterable[tuple[str, str]], *,
                      version: str = CANONICAL_VERSION) -> str:
        form = "\n".join([version, *(f"{n}:{v}" for n, v in fields)])
        return self.digest(form.encode("utf-8", "surrogatepass"))

    def uid_digest(self, uid: str) -> str:
        """A card's UID as a manifest of schema 2 stores it since 0.2: keyed (or, unkeyed,
        salted), so that a UID holding a phone number or a name (``86-138-0013-8000``,
        ``wang.fang.1990``) tells nothing without the key, while the same UID still
        finds its contact."""
        prefix = "hmac:" if self._key is not None else "sha256:"
        return prefix + self.digest(b"uid\x00" + uid.encode("utf-8", "surrogatepass"))

    def name_digest(self, name: str) -> str:
        """A file name as a manifest of schema 2 stores it without ``keep_names``."""
        return "hmac:" + self.digest(b"source name\x00" + name.encode("utf-8", "replace"))

    def sign(self, header: dict[str, Any], entries: Iterable[dict[str, Any]]) -> str:
        if self._key is None:
            raise ValueError("an unkeyed manifest has no signature")
        return sign_stream(self._key, header, entries)


@dataclass(frozen=True, slots=True)
class ContactDigests:
    """A contact's sealed digests: whole, and leave-one-field-group-out.

    ``counts`` (values per field group) is computed for the contact at hand only, to word
    a change (``2 phone lost``); a manifest of schema 2 does not store it.
    """

    digest: str
    partial: dict[str, str]
    counts: dict[str, int]


def contact_digests(fields: Sequence[tuple[str, str]], sealer: Sealer, *,
                    version: str = CANONICAL_VERSION) -> ContactDigests:
    """Digests of one contact's canonical fields under ``sealer``, in the canonical form
    ``version`` (a manifest's own, when verifying one an older release wrote)."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for prop, value in fields:
        groups[field_group(prop)].append((prop, value))
    counts = {g: len(v) for g, v in sorted(groups.items())}
    partial: dict[str, str] = {}
    if sealer.keyed or sealer.legacy:
        for g in sorted(groups):
            rest = [f for f in fields if field_group(f[0]) != g]
            if not rest:
                continue
            if not sealer.keyed and {field_group(p) for p, _ in rest} <= GUESSABLE_GROUPS:
                continue
            partial[g] = sealer.fields_digest(rest, version=version)
    return ContactDigests(sealer.fields_digest(fields, version=version), partial, counts)


ContactDigests.__module__ = "contactguard"


def _compact(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=True).encode("ascii")


def sign_stream(key: bytes, header: dict[str, Any], entries: Iterable[dict[str, Any]]
                ) -> str:
    """HMAC-SHA256 over the manifest's canonical JSON (sorted keys, no spaces, ASCII),
    computed piece by piece so a million-entry manifest is never held whole.

    ``header`` is every top-level field but ``contacts`` and ``signature``.
    """
    mac = hmac.new(key, digestmod=hashlib.sha256)
    mac.update(b"{")
    for n, name in enumerate(sorted([*header, "contacts"])):
        mac.update((b"," if n else b"") + _compact(name) + b":")
        if name != "contacts":
            mac.update(_compact(header[name]))
            continue
        mac.update(b"[")
        for k, entry in enumerate(entries):
            mac.update((b"," if k else b"") + _compact(entry))
        mac.update(b"]")
    mac.update(b"}")
    return mac.hexdigest()
