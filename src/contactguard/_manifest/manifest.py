"""Manifests: a private, tamper-evident record of what a backup held.

A manifest is built from a snapshot and saved beside the backup (JSON, schema
:data:`SCHEMA_VERSION`).  Later, :func:`contactguard.verify` checks a snapshot against it
and names the contacts that were lost, added or changed, and for changed ones which kind
of data (phone, email, photo, …).

What it stores (schema 2), and why nothing in it can be checked without the key:

* the key's id, never the key (see :mod:`.keys`); for a passphrase, the scrypt salt and
  parameters (see :mod:`.kdf`);
* per contact, ``HMAC-SHA256(key, salt ‖ canonical form)``, and the same of the contact
  without each field group (its phones, its emails, …) so a changed or lost field can be
  named; no per-field counts (they would show each card's shape);
* each UID as a keyed digest (``uid_key``; manifests before 0.2 kept UIDs that looked
  opaque in clear, ``uid``); file names as keyed digests unless ``keep_names``;
* an HMAC over the whole manifest, so any alteration is detected.

An *unkeyed* manifest (``unkeyed=True``) is for integrity only: salted SHA-256 of each
whole contact, no leave-one-out digest, no file names.  Anyone holding it can test a guess
(a card holding one phone number is one of ~10⁹ numbers), so it must not be shared.
"""

from __future__ import annotations

import datetime
import glob
import itertools
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .._core import (
    ManifestError,
    ManifestSignatureError,
    SourceError,
    UsageError,
    atomic_open,
    atomic_write,
    expect,
)
from .._identity import CANONICAL_VERSION, canonical_fields, merkle_root
from .._model import Contact, Snapshot
from .._normalize import check_region, region_for
from .._version import __version__
from .digests import Sealer, contact_digests
from .format import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    check_header,
    head_text,
    manifest_warnings,
    open_sealer,
    signature_mismatch,
)
from .keys import Key, KeyLike, generate_key, resolve_key, store_key

__all__ = ["Manifest", "ManifestEntry", "stale_temporaries", "write_manifest"]


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
    uid_key: str | None = None

    @property
    def label(self) -> str:
        """How reports name this contact: by position and line (by UID in a manifest made
        before 0.2, which kept opaque-looking UIDs in clear)."""
        if self.uid:
            return f"UID {self.uid}"
        where = f", line {self.line}" if self.line is not None else ""
        return f"contact #{self.index + 1}{where}"

    @property
    def recorded_uid(self) -> str | None:
        """The UID as recorded: its keyed digest, or a legacy clear UID."""
        return self.uid_key or self.uid

    def to_json(self, schema: int = SCHEMA_VERSION) -> dict[str, Any]:
        out: dict[str, Any] = {"index": self.index, "line": self.line, "uid": self.uid,
                               "digest": self.digest, "partial": self.partial}
        if self.uid_key is not None:
            out["uid_key"] = self.uid_key
        if schema == 1:
            out["counts"] = self.counts
        if self.source is not None:
            out["source"] = self.source
        return out

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ManifestEntry:
        return cls(int(raw["index"]), raw.get("line"), raw.get("uid"), str(raw["digest"]),
                   dict(raw.get("counts", {})), dict(raw.get("partial", {})),
                   raw.get("source"), raw.get("uid_key"))


def _basename(name: str | None) -> str | None:
    if name is None:
        return None
    return name.replace("\\", "/").rsplit("/", 1)[-1]


def _stored_name(name: str | None, sealer: Sealer, keep_names: bool) -> str | None:
    base = _basename(name)
    if base is None or keep_names:
        return base
    return sealer.name_digest(base) if sealer.keyed else None


def _choose_key(key: KeyLike | None, unkeyed: bool) -> Key | None:
    if unkeyed:
        if key is not None:
            raise UsageError("pass a key or unkeyed=True, not both")
        return None
    return resolve_key(key) if key is not None else generate_key()


def _entry(index: int, contact: Contact, region: str | None, sealer: Sealer,
           keep_names: bool) -> ManifestEntry:
    d = contact_digests(canonical_fields(contact, region=region), sealer)
    return ManifestEntry(index, contact.line, None, d.digest, {}, d.partial,
                         _stored_name(contact.source, sealer, keep_names),
                         sealer.uid_digest(contact.uid) if contact.uid else None)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


@dataclass(frozen=True, slots=True)
class Manifest:
    """A saved record of a snapshot's contacts (see the module docstring for contents).

    ``key`` is the key this manifest object was built or loaded with, if any: it is kept
    for :func:`contactguard.verify` and for :meth:`save`, and never shown or written.
    """

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
    key_id: str | None = None
    kdf: Mapping[str, Any] | None = None
    key: Key | None = field(default=None, compare=False, repr=False)

    @property
    def keyed(self) -> bool:
        return self.algorithm == "hmac-sha256"

    @property
    def warnings(self) -> tuple[str, ...]:
        """What this manifest does not protect (empty for a keyed manifest of schema 2)."""
        return manifest_warnings(self._header())

    def __len__(self) -> int:
        return len(self.entries)

    def sealer(self, key: KeyLike | None = None) -> Sealer:
        """The digest function of this manifest (a keyed one needs its key: ``key``, the
        key it was built or loaded with, or one stored under its key id)."""
        return open_sealer(self._header(), key if key is not None else self.key)[0]

    @classmethod
    def build(cls, snapshot: Snapshot, *, key: KeyLike | None = None,
              unkeyed: bool = False, keep_names: bool = False, region: str | None = None,
              salt: bytes | None = None) -> Manifest:
        """Record ``snapshot``, keyed.

        ``key``: a :class:`~contactguard.Key`, bytes (a raw key of ≥ 32 random bytes), a
        str (a passphrase, stretched with scrypt) or a path (a key file); without one a
        random key is generated, and :meth:`save` stores it in the key folder.
        ``unkeyed=True`` builds an integrity-only manifest (see the module docstring).
        ``keep_names`` stores file names in clear.  ``salt`` is for reproducible tests.
        """
        expect(snapshot, Snapshot, "Manifest.build()'s snapshot")
        k = _choose_key(key, unkeyed)
        region = check_region(region) if region is not None else region_for(snapshot)
        sealer = Sealer(salt if salt is not None else os.urandom(16),
                        k.material if k else None)
        entries = tuple(_entry(i, c, region, sealer, keep_names)
                        for i, c in enumerate(snapshot))
        root = merkle_root((bytes.fromhex(e.digest) for e in entries),
                           hash_fn=lambda b: bytes.fromhex(sealer.digest(b, 32))).hex()
        manifest = cls(
            entries=entries, salt=sealer.salt.hex(), algorithm=sealer.algorithm,
            region=region, snapshot_digest=root, created=_now(),
            generator=f"contactguard {__version__}",
            source_name=_stored_name(snapshot.source.name, sealer, keep_names),
            key_id=k.key_id if k else None, kdf=k.kdf if k else None, key=k)
        if k is not None:
            manifest = replace(manifest, signature=manifest._sign(sealer))
        return manifest

    # -- persistence -------------------------------------------------------------------

    def _header(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "format": FORMAT_NAME, "schema_version": self.schema_version,
            "generator": self.generator, "created": self.created,
            "canonical": self.canonical, "algorithm": self.algorithm, "salt": self.salt,
            "region": self.region, "source": self.source_name,
            "contact_count": len(self.entries), "snapshot_digest": self.snapshot_digest,
        }
        if self.key_id is not None:
            out["key_id"] = self.key_id
        if self.kdf is not None:
            out["kdf"] = dict(self.kdf)
        return out

    def _sign(self, sealer: Sealer) -> str:
        return sealer.sign(self._header(), (e.to_json(self.schema_version)
                                            for e in self.entries))

    def to_json(self) -> dict[str, Any]:
        out = self._header()
        out["contacts"] = [e.to_json(self.schema_version) for e in self.entries]
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

    def save(self, path: str | os.PathLike[str]) -> Path | None:
        """Write the manifest to ``path`` atomically.  A key generated by :meth:`build` is
        stored first (see :func:`contactguard.key_dir`); returns where, else ``None``."""
        stored = None
        if self.key is not None and self.key.origin == "random":
            stored = store_key(self.key)
        atomic_write(path, self.dumps())
        return stored

    @classmethod
    def loads(cls, text: str | bytes, *, key: KeyLike | None = None) -> Manifest:
        """Read a manifest; with its key (given, or stored under its key id), check its
        signature (ManifestSignatureError)."""
        try:
            doc = json.loads(text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ManifestError(f"not a manifest: invalid JSON ({exc})") from None
        if not isinstance(doc, dict):
            raise ManifestError("not a contactguard manifest (no 'format' field)")
        version = check_header(doc)
        try:
            entries = tuple(ManifestEntry.from_json(c) for c in doc["contacts"])
            kdf = doc.get("kdf")
            manifest = cls(
                entries=entries, salt=str(doc["salt"]), algorithm=str(doc["algorithm"]),
                region=doc.get("region"), snapshot_digest=str(doc["snapshot_digest"]),
                created=str(doc.get("created", "")), generator=str(doc.get("generator", "")),
                source_name=doc.get("source"), canonical=str(doc["canonical"]),
                schema_version=version, signature=doc.get("signature"),
                key_id=doc.get("key_id"), kdf=dict(kdf) if kdf is not None else None)
            bytes.fromhex(manifest.salt)
        except (KeyError, TypeError, ValueError) as exc:
            raise ManifestError(f"manifest is malformed: {exc!r}") from None
        if doc.get("contact_count", len(entries)) != len(entries):
            raise ManifestError("manifest contact_count does not match its contacts")
        if not manifest.keyed:
            if key is not None:
                raise UsageError("this manifest has no key; it was built without one")
            return manifest
        if key is None and (version == 1 or manifest.kdf is not None):
            return manifest  # verify() will ask for the key
        try:
            sealer, k = open_sealer(manifest._header(), key)
        except UsageError:
            if key is not None:
                raise
            return manifest  # no stored key under its id: verify() will ask for one
        import hmac  # noqa: PLC0415

        if manifest.signature is None or not hmac.compare_digest(
                manifest._sign(sealer), manifest.signature):
            raise ManifestSignatureError(signature_mismatch(manifest._header()))
        return replace(manifest, key=k)

    @classmethod
    def load(cls, path: str | os.PathLike[str], *, key: KeyLike | None = None
             ) -> Manifest:
        """Read a manifest file (see :meth:`loads`)."""
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            raise SourceError(f"cannot read manifest {path}: {exc.strerror or exc}") from exc
        return cls.loads(data, key=key)

    def __repr__(self) -> str:
        keyed = f"key {self.key_id}" if self.key_id else self.algorithm
        return (f"<Manifest {len(self.entries)} contacts, schema {self.schema_version}, "
                f"{keyed}, created {self.created}>")


for _cls in (Manifest, ManifestEntry):
    _cls.__module__ = "contactguard"


def stale_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Temporary files a killed :func:`write_manifest` to ``path`` left behind (they are
    never read; the caller may report or remove them)."""
    target = Path(path)
    pattern = f".{glob.escape(target.name)}.*.entries"
    return sorted(target.parent.glob(pattern))


def write_manifest(contacts: Iterable[Contact], path: str | os.PathLike[str], *,
                   key: KeyLike | None = None, unkeyed: bool = False,
                   keep_names: bool = False, region: str | None = None,
                   source_name: str | None = None, salt: bytes | None = None,
                   created: str | None = None) -> int:
    """Write a manifest of ``contacts`` to ``path`` without holding them all.

    Byte-for-byte the file :meth:`Manifest.save` writes for the same contacts, key, salt
    and time, but streamed: entries go to a temporary file in the target folder (removed
    on any exit that runs Python's cleanup; see :func:`stale_temporaries` for a killed
    run), the header (count, Merkle root, signature) is written when they are done, and the
    whole is moved into place atomically.  ``key``/``unkeyed``/``keep_names`` as for
    :meth:`Manifest.build`; a generated key is stored in the key folder before anything
    is written.  ``region`` defaults to one inferred from the first contacts.  Returns the
    number of contacts.
    """
    k = _choose_key(key, unkeyed)
    if k is not None and k.origin == "random":
        store_key(k)
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
    sealer = Sealer(salt if salt is not None else os.urandom(16), k.material if k else None)
    target = Path(path)
    leaves: list[bytes] = []
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".entries",
                                    dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            for index, contact in enumerate(it):
                expect(contact, Contact, "write_manifest()'s contacts")
                entry = _entry(index, contact, region, sealer, keep_names)
                out.write(json.dumps(entry.to_json(), sort_keys=True, ensure_ascii=False))
                out.write("\n")
                leaves.append(bytes.fromhex(entry.digest))
        root = merkle_root(leaves, hash_fn=lambda b: bytes.fromhex(sealer.digest(b, 32))).hex()
        header: dict[str, Any] = {
            "format": FORMAT_NAME, "schema_version": SCHEMA_VERSION,
            "generator": f"contactguard {__version__}", "created": created or _now(),
            "canonical": CANONICAL_VERSION, "algorithm": sealer.algorithm,
            "salt": sealer.salt.hex(), "region": region,
            "source": _stored_name(source_name, sealer, keep_names),
            "contact_count": len(leaves), "snapshot_digest": root,
        }
        if k is not None:
            header["key_id"] = k.key_id
            if k.kdf is not None:
                header["kdf"] = dict(k.kdf)
            with tmp.open(encoding="utf-8") as lines:
                header["signature"] = sealer.sign(header, (json.loads(line) for line in lines))
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

