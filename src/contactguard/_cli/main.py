"""The ``contactguard`` command line: the parser, the run of one command, exit codes.

Exit codes, as restic documents its own: 0 clean, 1 problems at or above the fail
level, 2 bad usage or unreadable input, 3 a missing or wrong key, passphrase or
credentials.  The reason is always printed: on stderr for 2 and 3 (one sentence, never a
traceback), in the report for 1, and with ``-q`` too.  The commands themselves are in
``commands.py``; options in ``options.py``; progress, output and configuration in
modules of their own.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any, Final, NoReturn

from .._core import ContactGuardError, CredentialsError, UsageError
from .._model import KINDS
from .._read import is_url, url_modified
from .._report import (
    Report,
    apply_rules,
    assess,
    check_kinds,
    newest_mtime,
    parse_duration,
    parse_severity,
    render,
    render_text,
    stale_reason,
    unreadable_inputs,
    use_language,
)
from .._version import __version__
from .access import remote_kwargs
from .batch import add_batch_parser, run_batch
from .commands import COMMANDS, KEY_ERRORS, Run
from .config import Config, apply_config, find_config, load_config, pre_scan
from .keys import TerminatedError, add_key_options, signals_exit
from .options import add_gate_options, add_reading_options, add_report_options
from .output import check_writable, refuse_inputs, use_colour, write_file
from .progress import Progress
from .repair import EXAMPLES as REPAIR_EXAMPLES
from .repair import add_repair_arguments, cmd_repair

__all__ = ["EXIT_KEY", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "build_parser", "main"]

EXIT_OK: Final = 0
EXIT_PROBLEMS: Final = 1
EXIT_USAGE: Final = 2
#: A manifest key, passphrase or credentials missing or wrong: a server refused them
#: (401/403), an archive does not open, a manifest's signature does not match its key.
EXIT_KEY: Final = 3

_EPILOG: Final = """\
exit status:
  0  clean: nothing at or above the --fail-on level, no threshold exceeded
  1  problems: contacts missing or changed, findings at the fail level, a --max-*
     threshold exceeded, or the newest backup older than --max-age
  2  bad usage or unreadable input (a message on stderr says which)
  3  a missing or wrong key: the manifest key is not given or not found, the manifest's
     signature does not match it, a server refused the credentials (401/403), or an
     encrypted archive does not open with the passphrase given

Phone numbers, emails and names are masked in every output format unless
--show-personal-data is given.  Defaults may come from [tool.contactguard] in
pyproject.toml or a contactguard.toml ('contactguard config' shows them).
See docs/cli.md for the full reference.
"""

_EXAMPLES: Final = {
    "check": """\
  contactguard check backup.vcf
  contactguard check exports/ --ignore photo-link --severity mojibake=warning
  cat backup.vcf | contactguard check - -q""",
    "diff": """\
  contactguard diff last-week.vcf today.vcf
  contactguard diff old.vcf new.vcf --max-added 5 --format markdown -o diff.md""",
    "verify": """\
  contactguard verify restore.vcf --against backup.vcf
  contactguard verify /mnt/nas/b.vcf ~/cloud/b.vcf --manifest b.manifest.json --key-env CG_KEY
  contactguard verify huge.vcf --manifest m.json --key-file k --stream --format jsonl""",
    "manifest": """\
  contactguard manifest backup.vcf -o backup.manifest.json --key-env CG_KEY
  contactguard manifest huge.vcf -o m.json --key-file k --stream --report report.json""",
    "dupes": """\
  contactguard dupes book.vcf
  contactguard dupes book.vcf --write-merged merged.vcf""",
    "repair": REPAIR_EXAMPLES,
}


class _UsageExitError(Exception):
    """argparse met bad usage; carries the one-line message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageExitError(f"{message} (see '{self.prog} --help')")


def build_parser(config: Config | None = None) -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation, completion and tests), with the
    defaults of ``config`` (a configuration file's settings)."""
    parser = _Parser(prog="contactguard", epilog=_EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="Tell whether address-book backups are whole.")
    parser.add_argument("--version", action="version", version=f"contactguard {__version__}")
    parser.add_argument("--config", metavar="PATH",
                        help="read defaults from PATH (a contactguard.toml or pyproject.toml) "
                             "instead of the nearest one")
    parser.add_argument("--isolated", action="store_true",
                        help="ignore every configuration file")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                parser_class=_Parser)
    commands: dict[str, argparse.ArgumentParser] = {}

    def command(name: str, help_: str, *, thresholds: bool = False, age: bool = True,
                product: str | None = None) -> argparse.ArgumentParser:
        examples = _EXAMPLES.get(name)
        p: argparse.ArgumentParser = sub.add_parser(
            name, help=help_, description=help_,
            epilog=(f"examples:\n{examples}\n\n" if examples else "") + _EPILOG,
            formatter_class=argparse.RawDescriptionHelpFormatter)
        add_report_options(p, product=product)
        add_gate_options(p, thresholds=thresholds, age=age)
        add_reading_options(p)
        commands[name] = p
        return p

    p = command("check", "read backups and report damaged cards and values")
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="vCard/CSV file, folder, zip or URL; '-' reads stdin")

    p = command("diff", "compare two backups: contacts lost, changed and added",
                thresholds=True)
    p.add_argument("old", metavar="OLD", help="the earlier backup (the reference)")
    p.add_argument("new", metavar="NEW", help="the later backup ('-' reads stdin)")

    p = command("verify", "verify backups against a manifest or an earlier backup, and "
                          "several copies against each other", thresholds=True)
    p.add_argument("files", nargs="+", metavar="FILE",
                   help="the copies to verify (a restore, or one backup in several places)")
    ref = p.add_mutually_exclusive_group(required=True)
    ref.add_argument("--manifest", metavar="M", help="the manifest to verify against")
    ref.add_argument("--against", metavar="OLD", help="the backup to verify against")
    p.add_argument("--plus", metavar="FIX", action="append", default=[],
                   help="read FIX as part of each FILE, as if imported into it (check a "
                        "repair file before importing it; repeatable)")
    p.add_argument("--stream", action="store_true",
                   help="with --manifest: stream each FILE in bounded memory (for files too "
                        "large to load); intact contacts are counted, not listed, and "
                        "copies are checked against the manifest only")
    add_key_options(p)

    p = command("manifest", "write a manifest: a private, tamper-evident record of a backup",
                age=False, product="manifest")
    p.add_argument("file", metavar="FILE", help="the backup to record ('-' reads stdin)")
    p.add_argument("-o", "--output", dest="manifest_out", metavar="M", required=True,
                   help="where to write the manifest (atomically)")
    p.add_argument("--stream", action="store_true",
                   help="stream FILE in bounded memory (for files too large to load); the "
                        "report lists reading findings only")
    # the manifest is written whatever the backup holds: its findings are reported, and
    # fail the job only when asked (--fail-on error)
    p.set_defaults(fail_on="never")
    add_key_options(p, writing=True)

    p = command("dupes", "find contacts that look like the same person", age=False)
    p.add_argument("file", metavar="FILE", help="the address book ('-' reads stdin)")
    p.add_argument("--write-merged", metavar="OUT",
                   help="write the book with each duplicate group merged to OUT")

    p = sub.add_parser("config", help="show the configuration file and settings in effect",
                       description="show the configuration file found (or given with "
                                   "--config) and the settings it makes the defaults")
    p.add_argument("--kinds", action="store_true",
                   help="list the finding kinds (for --select, --ignore and --severity)")
    p = sub.add_parser("completion", help="print a shell completion script",
                       description="print a completion script: "
                                   "eval \"$(contactguard completion bash)\"")
    p.add_argument("shell", choices=["bash", "zsh", "tcsh"])
    add_repair_arguments(command("repair", "give a restore back what it lost (--against "  # #15
                                 "the backup), or repair one file", age=False,
                                 product="repair file"))
    add_batch_parser(sub)  # many books at once (#18): _cli/batch.py
    apply_config(commands, config or Config())
    return parser


def _show_config(args: argparse.Namespace, config: Config, stdout: IO[str]) -> int:
    if args.kinds:
        width = max(map(len, KINDS))
        for kind, (severity, meaning) in sorted(KINDS.items()):
            stdout.write(f"{kind.ljust(width)}  {severity.value:<7}  {meaning}\n")
        return EXIT_OK
    if config.path is None:
        stdout.write("no configuration file (looked for contactguard.toml and "
                     "[tool.contactguard] in pyproject.toml here and in every folder "
                     "above)\n")
        return EXIT_OK
    stdout.write(f"configuration file: {config.path}\n")
    for key, value in sorted(config.settings.items()):
        stdout.write(f"{key} = {value!r}\n")
    return EXIT_OK


def _completion(args: argparse.Namespace, stdout: IO[str]) -> int:
    import shtab  # noqa: PLC0415 - only this command needs it

    stdout.write(shtab.complete(build_parser(), shell=args.shell))
    return EXIT_OK


def _modified(args: argparse.Namespace, path: str | os.PathLike[str]) -> float | None:
    """When a backup was last modified: a local file or folder's newest file, or what the
    server says of a URL's."""
    if isinstance(path, str) and is_url(path):
        kwargs = remote_kwargs(args)
        return url_modified(path, auth=kwargs["auth"], storage_options=kwargs["storage_options"])
    return newest_mtime(path)


def _gate(doc: Report, args: argparse.Namespace, run: Run) -> Report:
    severity = dict(parse_severity(s) for s in args.severity)
    doc = apply_rules(doc, select=args.select, ignore=args.ignore, severity=severity)
    max_age = getattr(args, "max_age", None)
    stale = (stale_reason(run.backups, parse_duration(max_age), now=time.time(),
                          modified=functools.partial(_modified, args))
             if max_age and run.backups else None)
    doc["gate"] = assess(doc, fail_on=args.fail_on,
                         max_missing=getattr(args, "max_missing", None),
                         max_changed=getattr(args, "max_changed", None),
                         max_added=getattr(args, "max_added", None),
                         max_age=max_age, stale=stale)
    return doc


def _run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str],
         stdin: IO[bytes] | None) -> int:
    if getattr(args, "max_age", None):
        parse_duration(args.max_age)  # bad usage before any work
    check_kinds(args.select, "--select")  # bad usage before any work
    check_kinds(args.ignore, "--ignore")
    for s in args.severity:
        parse_severity(s)
    if args.region is not None:
        from .._normalize import normalize_phone  # noqa: PLC0415 - validates the region

        normalize_phone("+1 650 253 0000", region=args.region)
    check_writable(args.output, "report")
    isatty = getattr(stderr, "isatty", None)
    # --progress/--no-progress decide; else a terminal without -q gets a bar
    draw = (args.progress if args.progress is not None
            else bool(isatty and isatty()) and not args.quiet)
    progress = Progress(enabled=draw, stream=stderr)
    run = Run(args, progress, stdin)
    try:
        doc = cmd_repair(run) if args.command == "repair" else COMMANDS[args.command](run)
        if args.output:
            refuse_inputs(args.output, run.inputs, "report")
        doc = _gate(doc, args, run)
    finally:
        progress.close()
    for note in run.notes:
        stderr.write(f"contactguard: warning: {note}\n")
    to_file = args.output is not None and args.output != "-"
    if args.format == "text":
        text = render_text(doc, color=not to_file and use_colour(args.color, stdout),
                           quiet=args.quiet, verbose=args.verbose)
    else:
        text = render(doc, args.format)
    if args.output:
        write_file(args.output, text, "report", stdout)
        if to_file:
            run.wrote.append(f"the {args.format} report to {args.output}")
            if not args.quiet or doc["gate"]["failed"]:  # why it failed is never hidden
                stdout.write(render_text(doc, color=use_colour(args.color, stdout),
                                         quiet=True))
    else:
        stdout.write(text)
    if not args.quiet:
        for what in run.wrote:
            stderr.write(f"contactguard: wrote {what}\n")
    stdout.flush()
    unreadable = unreadable_inputs(doc)
    if unreadable:
        for reason in unreadable:
            stderr.write(f"contactguard: error: {' '.join(reason.split())}\n")
        return EXIT_USAGE
    return EXIT_PROBLEMS if doc["gate"]["failed"] else EXIT_OK


def _safe_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # a closed or exotic stream is left as it is
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def _error(stderr: IO[str], exc: BaseException) -> None:
    message = " ".join(str(exc).split()) or type(exc).__name__
    stderr.write(f"contactguard: error: {message}\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, 1, 2 or 3)."""
    _safe_streams()
    argv = list(sys.argv[1:] if argv is None else argv)
    stdout, stderr = sys.stdout, sys.stderr
    try:
        given, isolated = pre_scan(argv)
        path = None if isolated else (Path(given) if given else find_config(Path.cwd()))
        config = load_config(path)
        args = build_parser(config).parse_args(argv)
    except (_UsageExitError, UsageError) as exc:
        _error(stderr, exc)
        return EXIT_USAGE
    try:
        with signals_exit():
            if args.command == "config":
                return _show_config(args, config, stdout)
            if args.command == "completion":
                return _completion(args, stdout)
            if args.command == "batch":
                return run_batch(args, stdout, stderr)
            stdin: Any = getattr(sys.stdin, "buffer", None)
            with use_language(getattr(args, "lang", None)):  # #15: human reports translated
                return _run(args, stdout, stderr, stdin)
    except TerminatedError as exc:
        stderr.write(f"contactguard: stopped by signal {exc.signum}\n")
        return 128 + exc.signum
    except (CredentialsError, *KEY_ERRORS) as exc:
        _error(stderr, exc)
        return EXIT_KEY
    except (ContactGuardError, OSError) as exc:
        _error(stderr, exc)
        return EXIT_USAGE
    except KeyboardInterrupt:
        stderr.write("contactguard: interrupted\n")
        return 130
