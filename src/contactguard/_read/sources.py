"""Sources: a file, a folder of .vcf files, a zip of either, or a binary file object.

Files are streamed in blocks (a member keeps its path, not its bytes); archive entries and
file objects are read into memory with size limits.  Nothing is extracted to disk and no
input is ever opened for writing.  A member that cannot be read becomes an
``unreadable-entry`` finding; the rest are still read.
"""

from __future__ import annotations

import io
import os
import stat
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Final

from .._core import SourceError, UsageError
from .._model import Finding
from .secrets import Access

__all__ = ["CONTACT_SUFFIXES", "Limits", "Member", "iter_members"]

#: File name endings read from folders and archives.
CONTACT_SUFFIXES: Final = frozenset({".vcf", ".vcard", ".vct", ".csv"})


@dataclass(frozen=True, slots=True)
class Limits:
    """Resource limits for reading untrusted input; beyond one, input becomes a finding.

    ``max_file_bytes``: a file (or archive entry) larger than this is skipped (a single
    file given directly raises :class:`SourceError`).  ``max_line_chars``: a longer line is
    skipped without being held in memory (a 40 MB photo is a 53 MB base64 line, so the
    default is 64 Mi).  ``max_card_chars`` and ``max_properties``: the rest of a larger card
    is skipped.  ``max_nesting``: vCard 2.1 ``AGENT`` cards nested deeper are skipped.
    ``max_members``, ``max_archive_bytes`` and ``max_compression_ratio`` bound folders and
    zip archives (zip bombs).  ``max_findings_per_kind``: past it, findings of that kind
    are counted in one ``findings-truncated`` finding instead of kept (a million empty
    cards must not become a million findings in memory).
    """

    max_file_bytes: int = 4 << 30
    max_line_chars: int = 64 << 20
    max_card_chars: int = 128 << 20
    max_properties: int = 10_000
    max_nesting: int = 4
    max_findings_per_kind: int = 10_000
    max_members: int = 100_000
    max_archive_bytes: int = 4 << 30
    max_compression_ratio: float = 200.0


Limits.__module__ = "contactguard"

CHUNK: Final = 1 << 20


@dataclass(frozen=True, slots=True)
class Member:
    """One file's content and the name it is reported under (``backup.zip!a/b.vcf``).

    ``data`` holds the bytes of archive entries and file objects; a plain file keeps its
    ``path`` and is streamed by :meth:`chunks`.
    """

    name: str
    data: bytes = b""
    path: Path | None = None

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        """The content in blocks of ``size`` bytes (the file is opened read-only)."""
        if self.path is None:
            for start in range(0, len(self.data), size):
                yield self.data[start : start + size]
            return
        with self.path.open("rb") as fh:  # read-only: a user's file is never written
            while block := fh.read(size):
                yield block


def _is_zip(data: bytes) -> bool:
    return data[:4] == b"PK\x03\x04"


def _is_sealed(head: bytes) -> bool:
    """A 7z or age file (see :mod:`.encrypted`)."""
    return head[:4] in {b"7z\xbc\xaf", b"age-"}


def _zip_is_encrypted(data: bytes) -> bool:
    try:
        return any(i.flag_bits & 0x1 for i in zipfile.ZipFile(io.BytesIO(data)).infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False


def _file_member(path: Path, label: str, limits: Limits) -> tuple[Member, bytes]:
    """A streamed member for ``path`` and its first bytes (to recognise a zip)."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise _TooLargeError(size)
    with path.open("rb") as fh:  # read-only: the user's file is never opened for writing
        head = fh.read(4)
    return Member(label, path=path), head


def _read_capped(fh: BinaryIO, cap: int) -> bytes:
    """Up to ``cap`` bytes, read in blocks: ``read(cap)`` would allocate ``cap`` at once."""
    out = bytearray()
    while len(out) < cap:
        block = fh.read(min(CHUNK, cap - len(out)))
        if not block:
            break
        out += block
    return bytes(out)


def _read_zip(path: Path, limits: Limits) -> bytes:
    with path.open("rb") as fh:
        return _read_capped(fh, limits.max_file_bytes + 1)


class _TooLargeError(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _hidden(path: str) -> bool:
    """A dot-file or a file under a dot-folder (``.git/…``), or macOS archive clutter."""
    parts = path.replace("\\", "/").split("/")
    return any(p.startswith(".") and p not in {".", ".."} for p in parts) or (
        parts[0] == "__MACOSX")


def _skipped(findings: list[Finding], where: str, names: list[str], why: str) -> None:
    """One ``skipped-file`` finding for all the files of a folder or archive not read."""
    if names:
        shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
        findings.append(Finding.of("skipped-file", f"{len(names):,} {why} not read: {shown}",
                                   source=where))


def _zip_members(name: str, data: bytes, limits: Limits, findings: list[Finding],
                 include_hidden: bool = False, *,
                 open_zip: Callable[[io.BytesIO], zipfile.ZipFile] = zipfile.ZipFile
                 ) -> Iterator[Member]:
    try:
        archive = open_zip(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        findings.append(Finding.of("unreadable-entry", f"archive cannot be opened: {exc}",
                                   source=name))
        return
    total = 0
    files = [i for i in infos if not i.is_dir()
             and not Path(i.filename).name.startswith("._")]  # macOS resource forks
    if not include_hidden:
        _skipped(findings, name, [i.filename for i in files if _hidden(i.filename)],
                 "hidden entries (include_hidden=True reads them)")
        files = [i for i in files if not _hidden(i.filename)]
    kept = [i for i in files if Path(i.filename).suffix.lower() in CONTACT_SUFFIXES]
    _skipped(findings, name, [i.filename for i in files
                              if Path(i.filename).suffix.lower() not in CONTACT_SUFFIXES],
             "entries that are not contact files (.vcf, .vcard, .vct, .csv)")
    if len(kept) > limits.max_members:
        findings.append(Finding.of("limit-exceeded", f"archive holds {len(kept)} contact "
                                   f"files; read the first {limits.max_members}", source=name))
        kept = kept[: limits.max_members]
    for info in sorted(kept, key=lambda i: i.filename):
        label = f"{name}!{info.filename}"
        ratio = info.file_size / max(info.compress_size, 1)
        if (info.file_size > limits.max_file_bytes or ratio > limits.max_compression_ratio
                or total + info.file_size > limits.max_archive_bytes):
            findings.append(Finding.of(
                "limit-exceeded", f"entry expands to {info.file_size:,} bytes (ratio "
                f"{ratio:.0f}:1), over the configured limits; skipped", source=label))
            continue
        try:
            with archive.open(info) as fh:
                body = fh.read(min(info.file_size, limits.max_file_bytes) + 1)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
            findings.append(Finding.of("unreadable-entry", f"entry cannot be read: {exc}",
                                       source=label))
            continue
        if len(body) > info.file_size or len(body) > limits.max_file_bytes:
            findings.append(Finding.of("limit-exceeded", "entry is larger than its header "
                                       "says; skipped", source=label))
            continue
        total += len(body)
        yield Member(label, body)


def _folder_members(root: Path, limits: Limits, findings: list[Finding],
                    include_hidden: bool = False) -> Iterator[Member]:
    real_root = root.resolve()
    count = 0
    seen: set[Path] = set()  # a file linked under two names is one file: read it once
    hidden: list[str] = []
    other: list[str] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        if not include_hidden:  # .git, .venv, .cache: never a user's backup
            hidden += [str(Path(dirpath, d)) for d in dirnames if d.startswith(".")]
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        dirnames.sort()
        for fname in sorted(filenames):
            path = Path(dirpath, fname)
            if fname.startswith("._"):  # macOS resource forks: never contacts
                continue
            if fname.startswith(".") and not include_hidden:
                hidden.append(str(path))
                continue
            if path.suffix.lower() not in CONTACT_SUFFIXES | {".zip"}:
                other.append(str(path))
                continue
            label = str(path)
            try:
                resolved = path.resolve()
                if not resolved.is_relative_to(real_root):
                    findings.append(Finding.of("unreadable-entry", "symbolic link points "
                                               "outside the folder; not followed", source=label))
                    continue
                if not stat.S_ISREG(resolved.stat().st_mode) or resolved in seen:
                    continue
                seen.add(resolved)
                count += 1
                if count > limits.max_members:
                    findings.append(Finding.of("limit-exceeded", "folder holds more than "
                                               f"{limits.max_members} contact files; "
                                               "the rest were not read", source=str(root)))
                    return
                member, head = _file_member(path, label, limits)
                data = _read_zip(path, limits) if _is_zip(head) else b""
            except _TooLargeError as exc:
                findings.append(Finding.of("limit-exceeded", f"file is over "
                                           f"{limits.max_file_bytes:,} bytes ({exc.size:,}"
                                           " bytes); skipped", source=label))
                continue
            except OSError as exc:
                findings.append(Finding.of("unreadable-entry", f"cannot be read: "
                                           f"{exc.strerror or exc}", source=label))
                continue
            if data:
                yield from _zip_members(label, data, limits, findings, include_hidden)
            else:
                yield member
    _skipped(findings, str(root), hidden, "hidden files and folders (include_hidden=True "
             "reads them)")
    _skipped(findings, str(root), other, "files that are not contact files (.vcf, .vcard, "
             ".vct, .csv, .zip)")


def iter_members(source: str | os.PathLike[str] | BinaryIO, limits: Limits,
                 findings: list[Finding], *, name: str | None = None,
                 access: Access | None = None, include_hidden: bool = False
                 ) -> tuple[str, list[Member]]:
    """Resolve ``source`` into named byte members (a file object is called ``name``).

    Raises :class:`SourceError` when the source itself cannot be opened (a missing path, a
    text-mode file object); damage inside it is appended to ``findings``.  A URL
    (``carddav://``, ``webdav://``, ``sftp://``, …) is read by :mod:`.remote` with the
    credentials and options in ``access``.
    """
    if isinstance(source, str) and "://" in source:
        from .remote import is_url, remote_members  # noqa: PLC0415 - remote needs Member

        if is_url(source):
            return remote_members(source, access or Access(), limits, findings)
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        label = str(path)
        try:
            if path.is_dir():
                return label, list(_folder_members(path, limits, findings, include_hidden))
            member, head = _file_member(path, label, limits)
            if not _is_zip(head) and not _is_sealed(head):
                return label, [member]
            data = _read_zip(path, limits)
        except _TooLargeError as exc:
            raise SourceError(f"{label} is over {limits.max_file_bytes:,} bytes "
                              f"({exc.size:,} bytes); raise Limits.max_file_bytes to read it"
                              ) from None
        except OSError as exc:
            raise SourceError(f"cannot read {label}: {exc.strerror or exc}") from exc
    elif hasattr(source, "read"):
        label = name or str(getattr(source, "name", "<stream>"))
        try:
            data = source.read(0)
            if isinstance(data, str):
                raise SourceError(f"{label} is open in text mode; open it with 'rb'")
            data = _read_capped(source, limits.max_file_bytes + 1)
        except SourceError:
            raise
        except OSError as exc:
            raise SourceError(f"cannot read {label}: {exc}") from exc
        if isinstance(data, str):
            raise SourceError(f"{label} is open in text mode; open it with 'rb'")
        if len(data) > limits.max_file_bytes:
            raise SourceError(f"{label} is over {limits.max_file_bytes:,} bytes")
    else:
        raise UsageError(f"cannot read a {type(source).__name__}: give a path or a binary "
                          "file object (use loads() for str or bytes)")
    if _is_sealed(data[:4]) or (_is_zip(data) and _zip_is_encrypted(data)):
        from .encrypted import unseal  # noqa: PLC0415 - encrypted reuses _zip_members

        return label, unseal(label, data, limits, findings, access or Access())
    if _is_zip(data):
        return label, list(_zip_members(label, data, limits, findings, include_hidden))
    return label, [Member(label, data)]
