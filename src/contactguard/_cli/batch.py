"""``contactguard batch``: many books at once, on every core or on a Dask cluster.

A shell over :func:`~contactguard.verify_many`: the jobs come from a folder of books
(:func:`~contactguard.find_jobs`) or a job-list file (:func:`~contactguard.read_jobs`).
stdout gets one JSON line per book as it finishes (``"type": "book"``) and a last line
with the summary (``"type": "summary"``); ``--output`` writes the whole batch report in
``--format``; stderr gets the summary sentence.  Exit codes: 0 every book whole, 1 a
book with problems or one that could not be checked, 2 bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
from collections.abc import Iterator
from concurrent.futures import Executor
from pathlib import Path
from typing import IO, Any, Final

from .._batch import (
    BATCH_FORMATS,
    Job,
    batch_report,
    find_jobs,
    read_jobs,
    render_batch,
    summarize,
    verify_many,
)
from .._core import UsageError, atomic_write
from .options import positive

__all__ = ["add_batch_parser", "run_batch"]

_EXIT_OK: Final = 0
_EXIT_PROBLEMS: Final = 1

_HELP: Final = "verify many books at once: a folder of book folders, or a job list"
_EPILOG: Final = """\
A book folder holds backup.* and restored*.* (a restore), manifest.* and copy*.* (copies
against a manifest), or copy*.* files alone (copies against each other).  A job list has
one JSON object per line: {"name": ..., "backup": ..., "restored": [...]} or
{"name": ..., "manifest": ..., "copies": [...]} or {"name": ..., "copies": [...]}.

exit status:
  0  every book whole
  1  a book with contacts missing or changed, or a book that could not be checked
  2  bad usage (a message on stderr says which)

See docs/scaling.md for clusters (Dask, Ray) and sizing.
"""


def add_batch_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``batch`` sub-command to ``sub`` (an ``add_subparsers`` result)."""
    p: argparse.ArgumentParser = sub.add_parser(
        "batch", help=_HELP, description=_HELP, epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("folder", nargs="?", metavar="DIR",
                   help="a folder holding one folder per book")
    p.add_argument("--jobs", metavar="FILE", help="a job-list file (JSON lines) instead of DIR")
    p.add_argument("--workers", "-j", type=positive, metavar="N",
                   help="worker processes (default: every core)")
    p.add_argument("--dask", metavar="ADDRESS",
                   help="run on the Dask scheduler at ADDRESS (tcp://host:8786) instead of "
                        "local processes (needs the dask extra)")
    p.add_argument("--state", metavar="PATH",
                   help="record finished jobs in PATH (JSON lines) so --resume can skip them")
    p.add_argument("--resume", action="store_true",
                   help="skip jobs recorded in --state as finished with unchanged inputs")
    p.add_argument("--format", choices=list(BATCH_FORMATS), default="text",
                   help="format of the --output report (default: text)")
    p.add_argument("--output", "-O", metavar="PATH",
                   help="write the batch report, one entry per book, to PATH (atomically)")
    p.add_argument("--region", metavar="CC",
                   help="region for phone numbers without a country code, for every job "
                        "that does not name its own")
    p.add_argument("--encoding", metavar="NAME",
                   help="read every input in this encoding (unless its job names one)")
    p.add_argument("--timestamp", action="store_true", help="record the time in the report")
    p.add_argument("--quiet", "-q", action="store_true", help="no summary sentence on stderr")
    return p


def _jobs(args: argparse.Namespace) -> list[Job]:
    if (args.folder is None) == (args.jobs is None):
        raise UsageError("give a folder of books (DIR) or a job list (--jobs FILE), one of them")
    if args.resume and not args.state:
        raise UsageError("--resume needs --state PATH (where the finished jobs are recorded)")
    for what, target in (("report", args.output), ("state", args.state)):
        if target and args.folder and Path(target).resolve().is_relative_to(
                Path(args.folder).resolve()):
            raise UsageError(f"refusing to write the {what} to {target}: it is inside the "
                             f"books ({args.folder}); choose another path")
    found = find_jobs(args.folder) if args.folder is not None else read_jobs(args.jobs)
    return [Job(j.name, j.kind, j.checked, reference=j.reference,
                region=j.region or args.region, encoding=j.encoding or args.encoding)
            for j in found]


@contextlib.contextmanager
def _executor(args: argparse.Namespace) -> Iterator[Executor | None]:
    if args.dask is None:
        yield None
        return
    try:
        from distributed import Client  # noqa: PLC0415 - optional extra
    except ImportError:
        raise UsageError("--dask needs dask.distributed: pip install 'contactguard[dask]'"
                         ) from None
    with Client(args.dask, timeout="30s") as client:  # type: ignore[no-untyped-call]
        yield client.get_executor()


def run_batch(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    """Run ``contactguard batch`` with parsed ``args``; returns the exit status."""
    jobs = _jobs(args)
    results = []
    with _executor(args) as executor:
        for result in verify_many(jobs, executor=executor, workers=args.workers,
                                  state=args.state, resume=args.resume):
            results.append(result)
            stdout.write(json.dumps({"type": "book", **result.to_json()}, sort_keys=True,
                                    ensure_ascii=False) + "\n")
            stdout.flush()
    summary = summarize(results)
    created = (datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()
               if args.timestamp else None)
    doc = batch_report(summary, created=created)
    stdout.write(json.dumps({"type": "summary", **doc["summary"]}, sort_keys=True,
                            ensure_ascii=False) + "\n")
    stdout.flush()
    if args.output:
        atomic_write(args.output, render_batch(doc, args.format))
    if not args.quiet:
        stderr.write(("OK " if summary.ok else "FAIL ") + summary.summary() + "\n")
    return _EXIT_OK if summary.ok else _EXIT_PROBLEMS
