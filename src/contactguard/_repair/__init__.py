"""Stage 9, repair: giving back what a restore lost, and the certain repairs of one file.

Owns :func:`~contactguard.repair_plan` (the cards to import into a restored book, per
target platform: ``plan.py``, ``targets.py``), reading a restore and its fix as one book
(``combine.py``), and :func:`~contactguard.repair_file` (``single.py``: only repairs that
are certain).  Promises: inputs are never modified; a written repair file is atomic and
readable by its owner only; every repair not made is listed.
"""

from __future__ import annotations

from .combine import combine
from .plan import FILE_MODE, PLAN_COLUMNS, RepairItem, RepairPlan, repair_plan
from .single import FileRepair, repair_file
from .targets import TARGETS, Target

__all__ = [
    "FILE_MODE",
    "PLAN_COLUMNS",
    "TARGETS",
    "FileRepair",
    "RepairItem",
    "RepairPlan",
    "Target",
    "combine",
    "repair_file",
    "repair_plan",
]
