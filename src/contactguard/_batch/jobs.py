"""What a batch job is, and where jobs come from: a folder of books or a job-list file.

A :class:`Job` names one book and says what to check:

* ``restore`` — each ``checked`` file is a restore verified against the ``reference``
  backup (:func:`contactguard.verify_restore`);
* ``manifest`` — each ``checked`` copy is verified against the ``reference`` manifest
  (:func:`contactguard.verify`);
* ``copies`` — the ``checked`` copies are compared with each other
  (:func:`contactguard.compare_copies`).

A job holds paths or URLs and options only, never contacts, so it costs a few hundred
bytes to send to a worker on another machine.

A **book folder** (:func:`find_jobs`) holds its files under conventional names; the table
:data:`ROLES` says which name plays which part.  A **job-list file** (:func:`read_jobs`)
has one JSON object per line, with paths relative to the file::

    {"name": "ada", "backup": "ada/backup.vcf", "restored": ["ada/phone.vcf"]}
    {"name": "bob", "manifest": "bob/manifest.cgm", "copies": ["bob/nas.vcf"]}
    {"name": "eve", "copies": ["eve/a.vcf", "eve/b.vcf"], "region": "GB"}
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from .._core import UsageError

__all__ = ["JOB_KINDS", "ROLES", "Job", "check_names", "find_jobs", "is_url", "read_jobs"]

#: Job kind -> what its ``reference`` is (``None``: the kind takes none).
JOB_KINDS: Final[Mapping[str, str | None]] = {
    "restore": "backup",
    "manifest": "manifest",
    "copies": None,
}

#: File-name stem (before the first dot) in a book folder -> its role.  A file whose stem
#: starts with one of these (``restored-2.vcf``, ``copy_nas.vcf``) plays that role too.
ROLES: Final[Mapping[str, str]] = {
    "backup": "backup",
    "manifest": "manifest",
    "restored": "checked",
    "restore": "checked",
    "copy": "checked",
}

_URL: Final = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
#: Keys a job-list line may hold.
_LINE_KEYS: Final = frozenset({"name", "backup", "manifest", "restored", "copies", "region",
                               "encoding"})


def is_url(source: str) -> bool:
    """Whether ``source`` is a URL (``scheme://…``) rather than a local path.

    >>> is_url("webdav://nas/backup.vcf"), is_url("books/ada/backup.vcf")
    (True, False)
    """
    return bool(_URL.match(source))


@dataclass(frozen=True, slots=True)
class Job:
    """One book to check (see the module docstring for the kinds).

    >>> Job("ada", "restore", ("phone.vcf",), reference="backup.vcf").inputs
    ('backup.vcf', 'phone.vcf')
    """

    name: str
    kind: str
    checked: tuple[str, ...]
    reference: str | None = None
    region: str | None = None
    encoding: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise UsageError("a batch job needs a non-empty name")
        if self.kind not in JOB_KINDS:
            raise UsageError(f"job {self.name!r}: unknown kind {self.kind!r}; use one of "
                             f"{', '.join(JOB_KINDS)}")
        if isinstance(self.checked, str):
            raise UsageError(f"job {self.name!r}: checked is a sequence of paths, not a string")
        object.__setattr__(self, "checked", tuple(os.fspath(c) for c in self.checked))
        if self.reference is not None:
            object.__setattr__(self, "reference", os.fspath(self.reference))
        wants = JOB_KINDS[self.kind]
        if wants is not None and not self.reference:
            raise UsageError(f"job {self.name!r}: a {self.kind} job needs its {wants}")
        if wants is None and self.reference is not None:
            raise UsageError(f"job {self.name!r}: a copies job takes no reference")
        least = 2 if self.kind == "copies" else 1
        if len(self.checked) < least:
            what = "two copies" if least == 2 else "a file to check"
            raise UsageError(f"job {self.name!r}: a {self.kind} job needs at least {what}")

    @property
    def inputs(self) -> tuple[str, ...]:
        """Every path or URL the job reads, reference first."""
        return ((self.reference,) if self.reference else ()) + self.checked


def _roles(folder: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {"backup": [], "manifest": [], "checked": []}
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        stem = entry.name.split(".", 1)[0].lower()
        role = next((r for prefix, r in ROLES.items() if stem.startswith(prefix)), None)
        if role is not None:
            found[role].append(str(entry))
    return found


def _book(folder: Path, name: str) -> Job | None:
    roles = _roles(folder)
    checked = tuple(roles["checked"])
    if len(roles["backup"]) > 1 or len(roles["manifest"]) > 1:
        raise UsageError(f"{folder}: more than one backup.* or manifest.*; keep one of each")
    if roles["backup"] and roles["manifest"]:
        raise UsageError(f"{folder}: both a backup and a manifest; keep one reference")
    if roles["backup"]:
        return Job(name, "restore", checked, reference=roles["backup"][0]) if checked else None
    if roles["manifest"]:
        return Job(name, "manifest", checked, reference=roles["manifest"][0]) if checked else None
    return Job(name, "copies", checked) if len(checked) >= 2 else None


def find_jobs(root: str | os.PathLike[str]) -> tuple[Job, ...]:
    """One job per sub-folder of ``root`` that holds a book (names in :data:`ROLES`), in
    name order; the job is named after the folder.  A folder with a reference and nothing
    to check against it is a usage error, since the book would silently go unchecked.
    """
    base = Path(root)
    if not base.is_dir():
        raise UsageError(f"{base} is not a folder of books")
    jobs = []
    for folder in sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith(".")):
        job = _book(folder, folder.name)
        if job is None:
            roles = _roles(folder)
            if roles["backup"] or roles["manifest"]:
                raise UsageError(f"{folder}: a reference but no restored.* or copy*.* file "
                                 "to check against it")
            continue
        jobs.append(job)
    return tuple(jobs)


def _paths(value: Any, base: Path, line: int, key: str) -> tuple[str, ...]:
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not all(isinstance(v, str) and v for v in items):
        raise UsageError(f"job list line {line}: {key!r} is a path or a list of paths")
    return tuple(v if is_url(v) or os.path.isabs(v) else str(base / v) for v in items)


def _job(obj: Any, base: Path, line: int) -> Job:
    if not isinstance(obj, dict):
        raise UsageError(f"job list line {line}: expected a JSON object")
    unknown = sorted(set(obj) - _LINE_KEYS)
    if unknown:
        raise UsageError(f"job list line {line}: unknown key {unknown[0]!r}")
    name = obj.get("name")
    if not isinstance(name, str) or not name:
        raise UsageError(f"job list line {line}: every job needs a \"name\"")
    for key in ("region", "encoding"):
        if obj.get(key) is not None and not isinstance(obj[key], str):
            raise UsageError(f"job list line {line}: {key!r} is a string")
    common = {"region": obj.get("region"), "encoding": obj.get("encoding")}
    if "backup" in obj:
        (backup,) = _paths(obj["backup"], base, line, "backup")[:1]
        checked = _paths(obj.get("restored", obj.get("copies", [])), base, line, "restored")
        return Job(name, "restore", checked, reference=backup, **common)
    if "manifest" in obj:
        (manifest,) = _paths(obj["manifest"], base, line, "manifest")[:1]
        checked = _paths(obj.get("copies", obj.get("restored", [])), base, line, "copies")
        return Job(name, "manifest", checked, reference=manifest, **common)
    return Job(name, "copies", _paths(obj.get("copies", []), base, line, "copies"), **common)


def read_jobs(path: str | os.PathLike[str]) -> tuple[Job, ...]:
    """The jobs of a job-list file: one JSON object per line (blank lines and lines
    starting with ``#`` are skipped); relative paths are relative to the file's folder."""
    source = Path(path)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read the job list {source}: {exc}") from None
    jobs = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise UsageError(f"job list {source}: not JSON (at line {number}, column "
                             f"{exc.colno})") from None
        jobs.append(_job(obj, source.parent, number))
    return tuple(jobs)


def check_names(jobs: Iterable[Job]) -> None:
    """Raise :class:`UsageError` when two jobs share a name (results are keyed by it)."""
    seen: set[str] = set()
    for job in jobs:
        if job.name in seen:
            raise UsageError(f"two batch jobs are named {job.name!r}; names must be unique")
        seen.add(job.name)
