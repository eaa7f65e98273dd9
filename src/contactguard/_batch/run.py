"""Running one job where a worker is: read the inputs, verify, answer with a small result.

:func:`run_job` is what an executor runs.  It takes a :class:`~.jobs.Job` (paths, not
contacts) and returns a :class:`JobResult` of a few hundred bytes: a status, counts, the
summary sentence, and the input digests that ``resume`` compares next time.  Snapshots
never cross a process boundary (pickling a loaded 100,000-contact snapshot costs more than
loading it).

Every failure of the job itself — an unreadable file, a damaged manifest, a bug met by
strange data — becomes a ``failed`` result with one sentence, so one bad book is one
failed job and never a crashed batch.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from .._compare import compare_copies, verify, verify_restore
from .._detect import check
from .._manifest import Manifest
from .._model import Severity, Snapshot
from .._read import load
from .jobs import Job, is_url

__all__ = ["COUNTS", "STATUSES", "InputDigest", "JobResult", "digest_inputs", "failed",
           "job_key", "run_job"]

#: A job's outcome: every input read and nothing lost, something lost or changed (or an
#: error-level finding), or the job could not run.
STATUSES: Final = ("ok", "problems", "failed")
#: Counters every result carries, in report order.
COUNTS: Final = ("missing", "changed", "added", "intact", "errors", "differing_pairs")


@dataclass(frozen=True, slots=True)
class InputDigest:
    """What ``resume`` knows of an input: its size and modification time in nanoseconds
    (summed and maximised over a folder's files).  A URL has no digest (``size=-1``): a
    job reading one is never taken as unchanged."""

    path: str
    size: int
    mtime_ns: int

    @property
    def known(self) -> bool:
        return self.size >= 0


@dataclass(frozen=True, slots=True)
class JobResult:
    """The result of one job, small enough to stream and to keep a million of.

    ``counts`` holds :data:`COUNTS`; ``error`` is the sentence of a ``failed`` job;
    ``resumed`` is true when the result was taken from the state file, not recomputed.
    """

    name: str
    kind: str
    status: str
    summary: str
    counts: Mapping[str, int] = field(default_factory=dict)
    error: str | None = None
    inputs: tuple[InputDigest, ...] = ()
    seconds: float = 0.0
    resumed: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    def to_json(self) -> dict[str, Any]:
        """The JSON-lines form (paths included, no personal data)."""
        return {"name": self.name, "kind": self.kind, "status": self.status,
                "summary": self.summary, "counts": dict(self.counts), "error": self.error,
                "inputs": [{"path": d.path, "size": d.size, "mtime_ns": d.mtime_ns}
                           for d in self.inputs],
                "seconds": round(self.seconds, 3), "resumed": self.resumed}

    @classmethod
    def from_json(cls, obj: Mapping[str, Any]) -> JobResult:
        return cls(name=obj["name"], kind=obj["kind"], status=obj["status"],
                   summary=obj["summary"], counts=dict(obj["counts"]), error=obj["error"],
                   inputs=tuple(InputDigest(d["path"], d["size"], d["mtime_ns"])
                                for d in obj["inputs"]),
                   seconds=float(obj.get("seconds", 0.0)), resumed=bool(obj.get("resumed")))


def _digest(path: str) -> InputDigest:
    if is_url(path):
        return InputDigest(path, -1, -1)
    try:
        st = os.stat(path)
    except OSError:
        return InputDigest(path, -1, -1)
    if not os.path.isdir(path):
        return InputDigest(path, st.st_size, st.st_mtime_ns)
    size, mtime = 0, st.st_mtime_ns
    for top, _dirs, files in os.walk(path):
        for name in files:
            try:
                fs = os.stat(os.path.join(top, name))
            except OSError:
                return InputDigest(path, -1, -1)
            size, mtime = size + fs.st_size, max(mtime, fs.st_mtime_ns)
    return InputDigest(path, size, mtime)


def digest_inputs(job: Job) -> tuple[InputDigest, ...]:
    """The digests of every input of ``job``, reference first (cheap: ``stat`` only)."""
    return tuple(_digest(p) for p in job.inputs)


def job_key(job: Job, inputs: Sequence[InputDigest]) -> str | None:
    """A key equal for the same job over unchanged inputs; ``None`` when an input has no
    digest (a URL, a missing file), so such a job always runs again."""
    if not all(d.known for d in inputs):
        return None
    text = repr((job.name, job.kind, job.reference, job.checked, job.region, job.encoding,
                 [(d.path, d.size, d.mtime_ns) for d in inputs]))
    return hashlib.sha256(text.encode("utf-8", "backslashreplace")).hexdigest()


def _load(job: Job, path: str) -> Snapshot:
    return load(path, encoding=job.encoding, default_region=job.region)


def _errors(snapshot: Snapshot) -> int:
    return sum(f.severity is Severity.ERROR for f in snapshot.findings)


def _restore(job: Job) -> tuple[bool, str, Counter[str]]:
    assert job.reference is not None  # noqa: S101 - Job validates it
    backup = _load(job, job.reference)
    counts: Counter[str] = Counter()
    ok, sentences = True, []
    for path in job.checked:
        restored = _load(job, path)
        report = verify_restore(backup, restored, region=job.region)
        counts.update(v.status for v in report.verdicts)
        counts["errors"] += sum(f.severity is Severity.ERROR for f in report.findings)
        ok = ok and report.ok
        sentences.append(report.summary())
    return ok, "; ".join(sentences), counts


def _manifest(job: Job) -> tuple[bool, str, Counter[str]]:
    assert job.reference is not None  # noqa: S101 - Job validates it
    manifest = Manifest.load(job.reference)
    counts: Counter[str] = Counter()
    ok, sentences = True, []
    for path in job.checked:
        snap = check(_load(job, path))
        report = verify(snap, manifest)
        counts.update(v.status for v in report.verdicts)
        counts["errors"] += _errors(snap)
        ok = ok and report.ok and not _errors(snap)
        sentences.append(report.summary())
    return ok, "; ".join(sentences), counts


def _copies(job: Job) -> tuple[bool, str, Counter[str]]:
    snaps = [_load(job, p) for p in job.checked]
    counts: Counter[str] = Counter()
    for s in snaps:
        counts["errors"] += _errors(s)
    pairs = compare_copies(snaps, region=job.region)
    differing = [p for p in pairs if not p.ok]
    counts["differing_pairs"] = len(differing)
    for p in pairs:
        counts["missing"] += len(p.only_in_first)
        counts["added"] += len(p.only_in_second)
        counts["changed"] += len(p.changed)
    sizes = ", ".join(f"{len(s.contacts):,}" for s in snaps)
    if differing:
        text = (f"{len(differing)} of {len(pairs)} pairs of copies differ "
                f"(contacts: {sizes})")
    else:
        text = f"{len(snaps)} copies hold the same contacts ({sizes})"
    return not differing and not counts["errors"], text, counts


_RUNNERS: Final = {"restore": _restore, "manifest": _manifest, "copies": _copies}


def failed(job: Job, error: str, inputs: tuple[InputDigest, ...] = (),
           seconds: float = 0.0) -> JobResult:
    """A ``failed`` result for ``job`` saying ``error``."""
    sentence = " ".join(error.split()) or "the job failed"
    return JobResult(job.name, job.kind, "failed", f"not checked: {sentence}",
                     counts=dict.fromkeys(COUNTS, 0), error=sentence, inputs=inputs,
                     seconds=seconds)


def run_job(job: Job, inputs: tuple[InputDigest, ...] | None = None) -> JobResult:
    """Run ``job`` and return its result; never raises for a problem of the job's own.

    ``inputs`` are the digests taken before the job was sent (so a file changed while it
    runs is seen as changed next time); without them they are taken here.
    """
    start = time.perf_counter()
    digests = digest_inputs(job) if inputs is None else inputs
    try:
        ok, text, counts = _RUNNERS[job.kind](job)
    except Exception as exc:  # noqa: BLE001 - one bad book is one failed job
        message = str(exc) or type(exc).__name__
        return failed(job, message, digests, time.perf_counter() - start)
    return JobResult(job.name, job.kind, "ok" if ok else "problems", text,
                     counts={c: counts[c] for c in COUNTS}, inputs=digests,
                     seconds=time.perf_counter() - start)
