"""``contactguard repair``: the file that gives a restore back what it lost, or the certain
repairs of one file.

``repair RESTORED --against BACKUP -o fix.vcf [--for android|ios|google|outlook]`` writes
:func:`~contactguard.repair_plan`'s cards in the format the target imports best;
``repair FILE -o fixed.vcf`` writes :func:`~contactguard.repair_file`'s result.  Inputs are
never written; the output is written atomically with mode 0600; ``--dry-run`` writes
nothing and reports which contacts would be written (masked, as every report is: the
file itself would print them in full).  The exit status is 0 when the file was
written (or there was nothing to repair), whatever the restore lost: the report says what.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Final

from .._core import UsageError
from .._repair import TARGETS, repair_file, repair_plan
from .._report import Report, file_repair_report, repair_report
from .access import shown
from .commands import Run
from .output import STDIO, check_writable, refuse_inputs

__all__ = ["EXAMPLES", "add_repair_arguments", "cmd_repair"]

EXAMPLES: Final = """\
  contactguard repair restore.vcf --against backup.vcf --for android -o fix.vcf
  contactguard repair restore.vcf --against backup.vcf --for google -o fix.csv --dry-run
  contactguard repair damaged.vcf -o fixed.vcf"""


def add_repair_arguments(p: argparse.ArgumentParser) -> None:
    """The arguments of ``repair`` (its report and reading options come from ``main``)."""
    p.add_argument("file", metavar="FILE",
                   help="the restored address book (with --against), or the one file to "
                        "repair; never modified")
    p.add_argument("-o", "--output", dest="repair_out", metavar="OUT",
                   help="where to write the repair file (atomically, mode 0600)")
    p.add_argument("--against", metavar="BACKUP",
                   help="the backup to take what was lost from")
    p.add_argument("--for", dest="target", choices=list(TARGETS), default="vcard",
                   help="where the repair file will be imported: android (vCard 2.1, "
                        "quoted-printable UTF-8), ios (vCard 3.0), google (Google CSV), "
                        "outlook (Outlook CSV); default: vcard (plain vCard 3.0)")
    p.add_argument("--dry-run", action="store_true",
                   help="write nothing; report the contacts the repair file would hold")
    # writing the repair is the job; what the restore lost is in the report, not the exit
    p.set_defaults(fail_on="never")


def _target(path: str | None) -> str:
    if path is None:
        raise UsageError("repair needs -o/--output: where to write the repair file "
                         "(or --dry-run to only print it)")
    return path


def cmd_repair(run: Run) -> Report:
    """Load, plan, and write the repair file (unless ``--dry-run``)."""
    args = run.args
    output = args.repair_out
    if not args.dry_run:
        check_writable(_target(output), "repair file")
    common = {"show_personal_data": args.show_personal_data, "created": None}
    if args.against is None:
        if args.target != "vcard":
            raise UsageError("--for goes with --against: a repaired single file is "
                             "written as vCard 3.0")
        run.inputs.append(args.file)
        run.progress.stage(f"repairing {shown([args.file])[0]}")
        fixed = repair_file(args.file, region=args.region)
        written = _write(run, output, args.dry_run, lambda: fixed.write(_target(output)))
        return file_repair_report(fixed, output=output, written=written,
                                  path=shown([args.file])[0], **common)
    backup = run.load(args.against)
    restored = run.load(args.file)
    run.progress.stage("comparing")
    plan = repair_plan(backup, restored, target=args.target, region=args.region)
    written = _write(run, output, args.dry_run, lambda: plan.write(_target(output)),
                     empty=plan.empty)
    return repair_report(plan, output=output, written=written,
                         reference=shown([args.against])[0], paths=shown([args.file]),
                         **common)


def _write(run: Run, output: str | None, dry_run: bool, write: Callable[[], None], *,
           empty: bool = False) -> bool:
    if dry_run:
        return False
    target = _target(output)
    if target == STDIO:
        raise UsageError("the repair file holds personal data: write it to a file "
                         "(-o fix.vcf), or use --dry-run to print it")
    refuse_inputs(target, run.inputs, "repair file")
    if empty:
        return False
    write()
    run.wrote.append(f"the repair file to {target} (readable only by you: it holds "
                     "personal data)")
    return True
