"""Manifests: a private, tamper-evident record of what a backup held.

A manifest is built from a snapshot and saved beside the backup (JSON, schema
:data:`SCHEMA_VERSION`).  Later, :func:`contactguard.verify` checks a snapshot against it
and names the contacts that were lost, added or changed, and for changed ones which kind
of data (phone, email, photo, …).

What it stores, and why that is safe to keep next to the backup:

* no name, phone number, email or other value in clear; UIDs only when they look opaque;
* per contact, a digest of its canonical form, *salted* with 16 random bytes chosen per
  manifest (so digests cannot be looked up in precomputed tables or compared across
  manifests) or, when a key is given, an HMAC-SHA256 under that key (then nobody without
  the key can test a guess at all);
* per contact, "leave-one-field-out" digests (the contact without its phones, without its
  emails, …) so a changed or lost field can be named.  Without a key, a leave-one-out
  digest whose remainder would be phone numbers or emails alone is not stored: an 11-digit
  number has few enough possibilities to be guessed against a salted digest;
* per contact, how many values of each field it had (``{"phone": 2, "photo": 1}``);
* with a key, an HMAC over the whole manifest, so any alteration is detected.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import itertools
import json
import os
import re
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .._core import (
    ManifestError,
    ManifestSignatureError,
    SourceError,
    UsageError,
    atomic_open,
    atomic_write,
    expect,
)
from .._identity import CANONICAL_VERSION, FIELD_GROUPS, canonical_fields, merkle_root
from .._model import Contact, Snapshot
from .._normalize import check_region, region_for
from .._version import __version__

__all__ = ["SCHEMA_VERSION", "ContactDigests", "Manifest", "ManifestEntry", "Sealer",
           "head_text", "sign_stream", "write_manifest"]

SCHEMA_VERSION: Final = 1
FORMAT_NAME: Final = "contactguard-manifest"
#: Field groups whose values alone are short enough to guess (see module docstring).
GUESSABLE_GROUPS: Final = frozenset({"phone", "email"})
_OPAQUE_UID: Final = re.compile(r"[A-Za-z0-9:._\-{}]{1,128}\Z")
_DIGITS_RUN: Final = re.compile(r"\d{7,}")


def _group(prop: str) -> str:
    return FIELD_GROUPS.get(prop, "other")


def _safe_uid(uid: str | None) -> str | None:
    """The UID if it looks like an opaque identifier (no '@', no long digit run)."""
    if uid is None or "@" in uid or _DIGITS_RUN.search(uid) or not _OPAQUE_UID.match(uid):
        return None
    return uid


class Sealer:
    """Digests under one manifest's salt and optional key."""

    def __init__(self, salt: bytes, key: bytes | None) -> None:
        self.salt = salt
        self.key = key

    @property
    def algorithm(self) -> str:
        return "hmac-sha256" if self.key is not None else "salted-sha256"

    def digest(self, data: bytes, size: int = 16) -> str:
        if self.key is not None:
            return hmac.new(self.key, self.salt + data, hashlib.sha256).digest()[:size].hex()
        return hashlib.sha256(self.salt + data).digest()[:size].hex()

    def fields_digest(self, fields: Iterable[tuple[str, str]]) -> str:
        form = "\n".join([CANONICAL_VERSION, *(f"{n}:{v}" for n, v in fields)])
        return self.digest(form.encode("utf-8", "surrogatepass"))


@dataclass(frozen=True, slots=True)
class ContactDigests:
    """A contact's sealed digests: whole, and leave-one-field-group-out."""

    digest: str
    partial: dict[str, str]
    counts: dict[str, int]


def contact_digests(fields: Sequence[tuple[str, str]], sealer: Sealer) -> ContactDigests:
    """Digests of one contact's canonical fields under ``sealer``."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for prop, value in fields:
        groups[_group(prop)].append((prop, value))
    counts = {g: len(v) for g, v in sorted(groups.items())}
    partial: dict[str, str] = {}
    for g in sorted(groups):
        rest = [f for f in fields if _group(f[0]) != g]
        rest_groups = {_group(p) for p, _ in rest}
        if not rest:
            continue
        if sealer.key is None and rest_groups <= GUESSABLE_GROUPS:
            continue
        partial[g] = sealer.fields_digest(rest)
    return ContactDigests(sealer.fields_digest(fields), partial, counts)


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    """What a manifest records of one contact (no personal data)."""

    index: int
    line: int | None
    uid: str | None
    digest: str
    counts: dict[str, int] = field(default_factory=dict)
    partial: dict[str, str] = field(default_factory=dict)
    source: str | None = None

    @property
    def label(self) -> str:
        """How reports name this contact: by UID, else by position and line."""
        if self.uid:
            return f"UID {self.uid}"
        where = f", line {self.line}" if self.line is not None else ""
        return f"contact #{self.index + 1}{where}"

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "line": self.line, "uid": self.uid,
                               "digest": self.digest, "counts": self.counts,
                               "partial": self.partial}
        if self.source is not None:
            out["source"] = self.source
        return out


@dataclass(frozen=True, slots=True)
class Manifest:
    """A saved record of a snapshot's contacts (see the module docstring for contents)."""

    entries: tuple[ManifestEntry, ...]
    salt: str
    algorithm: str
    region: str | None
    snapshot_digest: str
    created: str
    generator: str
    source_name: str | None = None
    canonical: str = CANONICAL_VERSION
    schema_version: int = SCHEMA_VERSION
    signature: str | None = None

    @property
    def keyed(self) -> bool:
        return self.algorithm == "hmac-sha256"

    def __len__(self) -> int:
        return len(self.entries)

    def sealer(self, key: bytes | str | None = None) -> Sealer:
        """The digest function of this manifest (needs ``key`` when it is keyed)."""
        k = _key_bytes(key)
        if self.keyed and k is None:
            raise UsageError("this manifest is keyed: pass the key it was built with")
        if not self.keyed and k is not None:
            raise UsageError("this manifest has no key; it was built without one")
        return Sealer(bytes.fromhex(self.salt), k)

    @classmethod
    def build(cls, snapshot: Snapshot, *, key: bytes | str | None = None,
              region: str | None = None, salt: bytes | None = None) -> Manifest:
        """Record ``snapshot``.  ``key`` (bytes or str) makes it keyed (HMAC); ``salt`` is
        for reproducible tests only (default: 16 random bytes)."""
        expect(snapshot, Snapshot, "Manifest.build()'s snapshot")
        region = check_region(region) if region is not None else region_for(snapshot)
        sealer = Sealer(salt if salt is not None else os.urandom(16), _key_bytes(key))
        entries = []
        for index, contact in enumerate(snapshot):
            d = contact_digests(canonical_fields(contact, region=region), sealer)
            entries.append(ManifestEntry(index, contact.line, _safe_uid(contact.uid),
                                         d.digest, d.counts, d.partial,
                                         _basename(contact.source)))
        root = merkle_root((bytes.fromhex(e.digest) for e in entries),
                           hash_fn=lambda b: bytes.fromhex(sealer.digest(b, 32))).hex()
        manifest = cls(
            entries=tuple(entries), salt=sealer.salt.hex(), algorithm=sealer.algorithm,
            region=region, snapshot_digest=root,
            created=datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat(),
            generator=f"contactguard {__version__}",
            source_name=_basename(snapshot.source.name),
        )
        if sealer.key is not None:
            manifest = _with_signature(manifest, sealer.key)
        return manifest

    # -- persistence -------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT_NAME,
            "schema_version": self.schema_version,
            "generator": self.generator,
            "created": self.created,
            "canonical": self.canonical,
            "algorithm": self.algorithm,
            "salt": self.salt,
            "region": self.region,
            "source": self.source_name,
            "contact_count": len(self.entries),
            "snapshot_digest": self.snapshot_digest,
            "contacts": [e.to_json() for e in self.entries],
        }
        if self.signature is not None:
            out["signature"] = self.signature
        return out

    def dumps(self) -> str:
        """The manifest as JSON text (stable key order, one contact per line)."""
        doc = self.to_json()
        contacts = doc.pop("contacts")
        rows = ",\n".join("    " + json.dumps(c, sort_keys=True, ensure_ascii=False)
                          for c in contacts)
        body = f',\n  "contacts": [\n{rows}\n  ]\n}}' if rows else ',\n  "contacts": []\n}'
        return head_text(doc) + body + "\n"

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the manifest to ``path`` atomically."""
        atomic_write(path, self.dumps())

    @classmethod
    def loads(cls, text: str | bytes, *, key: bytes | str | None = None) -> Manifest:
        """Read a manifest; with ``key``, check its signature (ManifestSignatureError)."""
        try:
            doc = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ManifestError(f"not a manifest: invalid JSON ({exc})") from None
        if not isinstance(doc, dict) or doc.get("format") != FORMAT_NAME:
            raise ManifestError("not a contactguard manifest (no 'format' field)")
        version = doc.get("schema_version")
        if not isinstance(version, int) or version > SCHEMA_VERSION or version < 1:
            raise ManifestError(f"manifest schema_version {version!r} is not one this "
                                f"version reads (1..{SCHEMA_VERSION})")
        try:
            entries = tuple(ManifestEntry(
                index=int(c["index"]), line=c.get("line"), uid=c.get("uid"),
                digest=str(c["digest"]), counts=dict(c.get("counts", {})),
                partial=dict(c.get("partial", {})), source=c.get("source"))
                for c in doc["contacts"])
            manifest = cls(
                entries=entries, salt=str(doc["salt"]), algorithm=str(doc["algorithm"]),
                region=doc.get("region"), snapshot_digest=str(doc["snapshot_digest"]),
                created=str(doc.get("created", "")), generator=str(doc.get("generator", "")),
                source_name=doc.get("source"), canonical=str(doc["canonical"]),
                schema_version=version, signature=doc.get("signature"))
            bytes.fromhex(manifest.salt)
        except (KeyError, TypeError, ValueError) as exc:
            raise ManifestError(f"manifest is malformed: {exc!r}") from None
        if manifest.algorithm not in {"hmac-sha256", "salted-sha256"}:
            raise ManifestError(f"unknown manifest algorithm {manifest.algorithm!r}")
        if doc.get("contact_count", len(entries)) != len(entries):
            raise ManifestError("manifest contact_count does not match its contacts")
        k = _key_bytes(key)
        if manifest.keyed and k is not None:
            expected = _with_signature(manifest, k).signature
            if manifest.signature is None or not hmac.compare_digest(
                    expected or "", manifest.signature):
                raise ManifestSignatureError(
                    "manifest signature does not match: it was altered, or the key is wrong")
        return manifest

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, key: bytes | str | None = None
             ) -> Manifest:
        """Read a manifest file (see :meth:`loads`)."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read manifest {path}: {exc.strerror or exc}") from exc
        return cls.loads(data, key=key)

    def __repr__(self) -> str:
        return (f"<Manifest {len(self.entries)} contacts, {self.algorithm}, "
                f"created {self.created}>")


for _cls in (Manifest, ManifestEntry, ContactDigests):
    _cls.__module__ = "contactguard"


def _basename(name: str | None) -> str | None:
    if name is None:
        return None
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _key_bytes(key: bytes | str | None) -> bytes | None:
    if key is None:
        return None
    if isinstance(key, str):
        key = key.encode("utf-8")
    if not isinstance(key, bytes) or not key:
        raise UsageError("a manifest key must be non-empty bytes or str")
    return key


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


def _with_signature(manifest: Manifest, key: bytes) -> Manifest:
    from dataclasses import replace  # noqa: PLC0415

    doc = manifest.to_json()
    doc.pop("signature", None)
    contacts = doc.pop("contacts")
    return replace(manifest, signature=sign_stream(key, doc, contacts))


def head_text(header: dict[str, Any]) -> str:
    """The manifest file up to and including ``"contacts": [`` (see Manifest.dumps)."""
    return json.dumps(header, indent=2, sort_keys=True, ensure_ascii=False)[:-2]


def write_manifest(contacts: Iterable[Contact], path: str | os.PathLike[str], *,
                   key: bytes | str | None = None, region: str | None = None,
                   source_name: str | None = None, salt: bytes | None = None,
                   created: str | None = None) -> int:
    """Write a manifest of ``contacts`` to ``path`` without holding them all.

    Byte-for-byte the file :meth:`Manifest.save` writes for the same contacts, salt and
    time, but streamed: entries go to a temporary file in the target folder, the header
    (count, Merkle root, signature) is written when they are done, and the whole is moved
    into place atomically.  ``region`` defaults to one inferred from the first contacts.
    Returns the number of contacts.
    """
    it = iter(contacts)
    if region is None:
        head: list[Contact] = []
        for contact in it:
            head.append(contact)
            if len(head) >= 20_000:
                break
        region = region_for(Snapshot(tuple(head)))
        it = itertools.chain(head, it)
    else:
        region = check_region(region)
    sealer = Sealer(salt if salt is not None else os.urandom(16), _key_bytes(key))
    target = Path(path)
    leaves: list[bytes] = []
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".entries",
                                    dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for index, contact in enumerate(it):
                expect(contact, Contact, "write_manifest()'s contacts")
                d = contact_digests(canonical_fields(contact, region=region), sealer)
                entry = ManifestEntry(index, contact.line, _safe_uid(contact.uid), d.digest,
                                      d.counts, d.partial, _basename(contact.source))
                out.write(json.dumps(entry.to_json(), sort_keys=True, ensure_ascii=False))
                out.write("\n")
                leaves.append(bytes.fromhex(d.digest))
        root = merkle_root(leaves, hash_fn=lambda b: bytes.fromhex(sealer.digest(b, 32))).hex()
        header: dict[str, Any] = {
            "format": FORMAT_NAME, "schema_version": SCHEMA_VERSION,
            "generator": f"contactguard {__version__}",
            "created": created or datetime.datetime.now(datetime.UTC).replace(
                microsecond=0).isoformat(),
            "canonical": CANONICAL_VERSION, "algorithm": sealer.algorithm,
            "salt": sealer.salt.hex(), "region": region, "source": _basename(source_name),
            "contact_count": len(leaves), "snapshot_digest": root,
        }
        if sealer.key is not None:
            with tmp.open(encoding="utf-8") as lines:
                header["signature"] = sign_stream(sealer.key, header,
                                                  (json.loads(line) for line in lines))
        with atomic_open(target) as final, tmp.open(encoding="utf-8") as lines:
            final.write(head_text(header).encode("utf-8"))
            first = True
            for line in lines:
                sep = ',\n  "contacts": [\n' if first else ",\n"
                final.write((sep + "    " + line.rstrip("\n")).encode("utf-8"))
                first = False
            final.write((',\n  "contacts": []\n}\n' if first else "\n  ]\n}\n").encode())
    finally:
        tmp.unlink(missing_ok=True)
    return len(leaves)


def count_groups(contacts: Iterable[Contact], region: str | None) -> Counter[str]:
    """Total values per field group over ``contacts`` (for summaries)."""
    out: Counter[str] = Counter()
    for c in contacts:
        out.update(_group(p) for p, _ in canonical_fields(c, region=region))
    return out
