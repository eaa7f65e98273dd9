"""Stage 9, batches: many books at once, on every core or on a cluster.

Owns :class:`~contactguard.Job` and where jobs come from (a folder of books, a job-list
file: ``jobs.py``), running one job in a worker (``run.py``), the resume state file
(``state.py``), :func:`~contactguard.verify_many` over any executor (``many.py``) and
the batch report, one entry per book (``report.py``).
Promises results that are small picklable values (never snapshots), one failed result per
unreadable book, and a final summary that does not depend on the order jobs finished in.
"""

from __future__ import annotations

from .jobs import JOB_KINDS, ROLES, Job, find_jobs, read_jobs
from .many import BatchSummary, default_executor, summarize, verify_many
from .report import BATCH_FORMATS, BATCH_SCHEMA_VERSION, batch_report, render_batch
from .run import COUNTS, STATUSES, InputDigest, JobResult, run_job

__all__ = [
    "BATCH_FORMATS",
    "BATCH_SCHEMA_VERSION",
    "COUNTS",
    "JOB_KINDS",
    "ROLES",
    "STATUSES",
    "BatchSummary",
    "InputDigest",
    "Job",
    "JobResult",
    "batch_report",
    "default_executor",
    "find_jobs",
    "read_jobs",
    "render_batch",
    "run_job",
    "summarize",
    "verify_many",
]

for _cls in (BatchSummary, InputDigest, Job, JobResult):
    _cls.__module__ = "contactguard"

