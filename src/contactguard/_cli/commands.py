"""The ``contactguard`` command line: a thin shell over the Python API and the reports.

Each command loads its inputs, calls the same functions a Python caller would
(:func:`~contactguard.check`, :func:`~contactguard.diff`, :func:`~contactguard.verify`,
:func:`~contactguard.verify_restore`, :func:`~contactguard._copies.compare_copies`,
:meth:`~contactguard.Manifest.build`), builds a report document, applies the CI gate and
renders it.  Exit codes: 0 clean, 1 problems at or above the fail level, 2 bad usage or
unreadable input (one sentence on stderr, never a traceback).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any, Final, NoReturn

from .._compare import (
    CopyComparison,
    ManifestReport,
    RestoreReport,
    compare_copies,
    diff,
    verify,
    verify_file,
    verify_restore,
)
from .._core import ContactGuardError, CredentialsError, UsageError, atomic_write
from .._detect import check
from .._manifest import KeyLike, Manifest, stale_temporaries, write_manifest
from .._model import Finding, Snapshot
from .._read import iter_contacts, load
from .._report import (
    FAIL_LEVELS,
    FORMATS,
    Report,
    assess,
    check_report,
    diff_report,
    dupes_report,
    manifest_report,
    parse_duration,
    render,
    render_text,
    stale_reason,
    stream_verify_report,
    streamed_manifest_report,
    verify_report,
)
from .._version import __version__
from .access import add_remote_options, remote_kwargs, shown
from .keys import TerminatedError, add_key_options, given_key, manifest_key, signals_exit

__all__ = ["EXIT_KEY", "EXIT_OK", "EXIT_PROBLEMS", "EXIT_USAGE", "main"]

EXIT_OK: Final = 0
EXIT_PROBLEMS: Final = 1
EXIT_USAGE: Final = 2
#: A server refused the credentials, or a passphrase does not open an encrypted archive.
EXIT_KEY: Final = 3

_EPILOG: Final = """\
exit status:
  0  clean: nothing at or above the --fail-on level, no threshold exceeded
  1  problems: contacts missing or changed, findings at the fail level, a --max-*
     threshold exceeded, or the newest backup older than --max-age
  2  bad usage or unreadable input (a message on stderr says which)
  3  wrong credentials or passphrase: a server refused them (401/403), or an
     encrypted archive does not open with the passphrase given

Phone numbers, emails and names are masked in every output format unless
--show-personal-data is given.  See docs/cli.md for the full reference.
"""


class _UsageExitError(Exception):
    """argparse met bad usage; carries the one-line message."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _UsageExitError(f"{message} (see '{self.prog} --help')")


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected 0 or more, not {value}")
    return value


def _common() -> _Parser:
    p = _Parser(add_help=False)
    g = p.add_argument_group("report and CI options")
    g.add_argument("--format", choices=list(FORMATS), default="text",
                   help="report format (default: text)")
    g.add_argument("--output", "-O", metavar="PATH",
                   help="write the report to PATH (atomically) instead of stdout")
    g.add_argument("--fail-on", choices=list(FAIL_LEVELS), default="error",
                   help="lowest problem level that exits 1 (default: error)")
    g.add_argument("--max-missing", type=_count, metavar="N",
                   help="allow up to N missing contacts per comparison")
    g.add_argument("--max-changed", type=_count, metavar="N",
                   help="allow up to N changed contacts per comparison")
    g.add_argument("--max-added", type=_count, metavar="N",
                   help="allow up to N added contacts per comparison")
    g.add_argument("--max-age", metavar="AGE",
                   help="exit 1 when the newest input file is older than AGE (12h, 31d, 6w)")
    g.add_argument("--region", metavar="CC",
                   help="region for phone numbers written without a country code (e.g. CN)")
    g.add_argument("--encoding", metavar="NAME",
                   help="read the inputs in this text encoding instead of detecting it")
    g.add_argument("--include-hidden", action="store_true",
                   help="in folders and zips, also read hidden files and folders (.git, .x)")
    g.add_argument("--show-personal-data", action="store_true",
                   help="show phone numbers, emails and names in full (default: masked)")
    g.add_argument("--timestamp", action="store_true",
                   help="record the time in the report (reports are otherwise reproducible)")
    g.add_argument("--quiet", "-q", action="store_true",
                   help="no progress; text output is the summary line alone")
    add_remote_options(p)
    return p


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for documentation and tests)."""

    common = _common()
    parser = _Parser(prog="contactguard", epilog=_EPILOG,
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     description="Tell whether address-book backups are whole.")
    parser.add_argument("--version", action="version", version=f"contactguard {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True,
                                parser_class=_Parser)

    def command(name: str, help_: str) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = sub.add_parser(
            name, help=help_, description=help_, parents=[common],
            epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
        return parser

    p = command("check", "read backups and report damaged cards and values")
    p.add_argument("files", nargs="+", metavar="FILE", help="vCard/CSV file, folder or zip")

    p = command("diff", "compare two backups: contacts lost, changed and added")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")

    p = command("verify", "verify backups against a manifest or an earlier backup, and "
                          "several copies against each other")
    p.add_argument("files", nargs="+", metavar="FILE")
    ref = p.add_mutually_exclusive_group(required=True)
    ref.add_argument("--manifest", metavar="M", help="the manifest to verify against")
    ref.add_argument("--against", metavar="OLD", help="the backup to verify against")
    p.add_argument("--stream", action="store_true",
                   help="with --manifest: stream each FILE in bounded memory (for files too "
                        "large to load); intact contacts are counted, not listed, and "
                        "copies are checked against the manifest only")
    add_key_options(p)

    p = command("manifest", "write a manifest: a private, tamper-evident record of a backup")
    p.add_argument("file", metavar="FILE")
    p.add_argument("-o", dest="manifest_out", metavar="M", required=True,
                   help="where to write the manifest")
    p.add_argument("--stream", action="store_true",
                   help="stream FILE in bounded memory (for files too large to load); the "
                        "report lists reading findings only")
    add_key_options(p, writing=True)

    p = command("dupes", "find contacts that look like the same person")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--write-merged", metavar="OUT",
                   help="write the book with each duplicate group merged to OUT")
    return parser


class _Progress:
    """``[2/5] loading backup.vcf`` on one stderr line, only for a terminal."""

    def __init__(self, total: int, *, enabled: bool, stream: IO[str]) -> None:
        self.total, self.enabled, self.stream, self.done = total, enabled, stream, 0

    def update(self, label: str) -> None:
        """Rewrite the current line (progress within a step) without advancing."""
        if self.enabled:
            self.stream.write(f"\r\x1b[K{label}")
            self.stream.flush()

    def step(self, label: str) -> None:
        if self.enabled:
            self.done += 1
            width = 20
            filled = width * min(self.done, self.total) // max(self.total, 1)
            bar = "#" * filled + "-" * (width - filled)
            self.stream.write(f"\r\x1b[K[{bar}] {label}")
            self.stream.flush()

    def close(self) -> None:
        if self.enabled and self.done:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class _Run:
    """One command run: options, inputs read so far, and where output goes."""

    def __init__(self, args: argparse.Namespace, progress: _Progress) -> None:
        self.args = args
        self.progress = progress
        self.inputs: list[str] = []   # every path read: never written over
        self.backups: list[str] = []  # the contact files among them (for --max-age)
        self.notes: list[str] = []    # said on stderr: where a key went, what is unsafe

    def key(self) -> KeyLike | None:
        return given_key(self.args, self.inputs)

    def load(self, path: str) -> Snapshot:
        self.progress.step(f"reading {shown([path])[0]}")
        self.inputs.append(path)
        self.backups.append(path)
        return load(path, encoding=self.args.encoding, default_region=self.args.region,
                    include_hidden=self.args.include_hidden, **remote_kwargs(self.args))



def _same_or_inside(target: Path, source: Path) -> bool:
    try:
        if target.exists() and source.exists() and os.path.samefile(target, source):
            return True
    except OSError:
        pass
    t, s = target.resolve(), source.resolve()
    return t == s or (s.is_dir() and t.is_relative_to(s))


def _refuse_inputs(target: str, inputs: Sequence[str], what: str) -> None:
    for src in inputs:
        if _same_or_inside(Path(target), Path(src)):
            raise UsageError(f"refusing to write the {what} to {target}: it is an input "
                             f"({src}); choose another path")


def _created(args: argparse.Namespace) -> str | None:
    if not args.timestamp:
        return None
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {"show_personal_data": args.show_personal_data, "created": _created(args)}


def _cmd_check(run: _Run) -> Report:
    args = run.args
    snaps = [check(run.load(f)) for f in args.files]
    return check_report(snaps, paths=shown(args.files), **_options(args))


def _cmd_diff(run: _Run) -> Report:
    args = run.args
    old = run.load(args.old)
    new = check(run.load(args.new))
    run.progress.step("comparing")
    return diff_report(diff(old, new, region=args.region), paths=shown([args.old, args.new]),
                       **_options(args))


def _cmd_verify(run: _Run) -> Report:
    args = run.args
    results: list[ManifestReport | RestoreReport] = []
    checked: list[Snapshot] = []
    if args.stream:
        if not args.manifest:
            raise UsageError("--stream goes with --manifest (an --against check loads both)")
        key = run.key()
        run.inputs.append(args.manifest)
        streamed = []
        for f in args.files:
            run.inputs.append(f)
            run.backups.append(f)
            run.progress.step(f"verifying {f}")
            streamed.append(verify_file(f, args.manifest, key=key,
                                        progress=_counting(run.progress, f"verifying {f}"),
                                        **remote_kwargs(args)))
        return stream_verify_report(streamed, reference=args.manifest, paths=shown(args.files),
                                    **_options(args))
    if args.manifest:
        key = run.key()
        run.inputs.append(args.manifest)
        probe = Manifest.load(args.manifest)
        if not probe.keyed and key is not None:
            raise UsageError(f"the manifest {args.manifest} was built without a key; "
                             "leave out --key-file/--key-env")
        manifest = Manifest.load(args.manifest, key=key) if key is not None else probe
        if manifest.keyed and manifest.key is None:
            where = (" (it was built with a passphrase: give it with --key-env)"
                     if manifest.kdf is not None else
                     f" (none is stored under its key id {manifest.key_id})"
                     if manifest.key_id else "")
            raise UsageError(f"the manifest {args.manifest} is keyed: give its key with "
                             f"--key-file or --key-env{where}")
        run.notes.extend(f"{args.manifest}: {w}" for w in manifest.warnings)
        for f in args.files:
            snap = check(run.load(f))
            checked.append(snap)
            run.progress.step(f"verifying {f}")
            results.append(verify(snap, manifest))  # its key was resolved once, above
        reference = args.manifest
    else:
        if args.key_file or args.key_env:
            raise UsageError("--key-file and --key-env go with --manifest, not --against")
        old = run.load(args.against)
        for f in args.files:
            snap = run.load(f)
            checked.append(snap)
            run.progress.step(f"verifying {f}")
            results.append(verify_restore(old, snap, region=args.region))
        reference = args.against
    copies: tuple[CopyComparison, ...] = ()
    if len(checked) > 1:
        run.progress.step("comparing the copies")
        copies = compare_copies(checked, region=args.region)
    return verify_report(results, reference=shown([reference])[0], paths=shown(args.files),
                         copies=copies,
                         **_options(args))


def _counting(progress: _Progress, label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        progress.update(f"{label}: {done:,} of {total:,} contacts")

    return report


def _cmd_manifest(run: _Run) -> Report:
    args = run.args
    _refuse_inputs(args.manifest_out, [args.file], "manifest")
    if args.output and _same_or_inside(Path(args.output), Path(args.manifest_out)):
        raise UsageError("--output and -o name the same file; give the report and the "
                         "manifest different paths")
    key = manifest_key(args, run.inputs, run.notes)
    options = {"key": key, "unkeyed": key is None, "keep_names": args.keep_names}
    if args.stream:
        run.inputs.append(args.file)
        run.backups.append(args.file)
        _refuse_inputs(args.manifest_out, run.inputs, "manifest")
        stale = [Finding.of("stale-temporary-file", f"{p.name} was left by a run that was "
                            "killed; it was ignored (delete it)", source=str(p))
                 for p in stale_temporaries(args.manifest_out)]
        run.progress.step(f"reading {args.file}")
        stream = iter_contacts(args.file, encoding=args.encoding,
                               include_hidden=args.include_hidden, **remote_kwargs(args))
        count = write_manifest(stream, args.manifest_out, region=args.region,
                               source_name=shown([args.file])[0], **options)
        return streamed_manifest_report(
            count, path=args.file, output=args.manifest_out,
            algorithm="hmac-sha256" if key is not None else "salted-sha256",
            region=args.region, findings=[*stream.findings, *stale], **_options(args))
    snap = check(run.load(args.file))
    _refuse_inputs(args.manifest_out, run.inputs, "manifest")
    run.progress.step("building the manifest")
    manifest = Manifest.build(snap, region=args.region, **options)
    manifest.save(args.manifest_out)
    return manifest_report(manifest, snap, output=args.manifest_out, path=args.file,
                           **_options(args))


def _cmd_dupes(run: _Run) -> Report:
    args = run.args
    # Imported here: the other commands never depend on the duplicates stage.
    from .._duplicates import find_duplicates, write_merged  # noqa: PLC0415

    snap = check(run.load(args.file))
    run.progress.step("looking for duplicates")
    groups = find_duplicates(snap, region=args.region)
    if args.write_merged:
        _refuse_inputs(args.write_merged, run.inputs, "merged book")
        if args.output and _same_or_inside(Path(args.output), Path(args.write_merged)):
            raise UsageError("--output and --write-merged name the same file")
        write_merged(snap, groups, args.write_merged, region=args.region)
    return dupes_report(snap, groups, path=args.file, merged=args.write_merged,
                        **_options(args))


_COMMANDS: Final[dict[str, Callable[[_Run], Report]]] = {
    "check": _cmd_check, "diff": _cmd_diff, "verify": _cmd_verify,
    "manifest": _cmd_manifest, "dupes": _cmd_dupes,
}


def _use_colour(stream: IO[str]) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and "NO_COLOR" not in os.environ


def _run(args: argparse.Namespace, stdout: IO[str], stderr: IO[str]) -> int:
    max_age = parse_duration(args.max_age) if args.max_age else None
    if args.region is not None:
        from .._normalize import normalize_phone  # noqa: PLC0415 - validates the region

        normalize_phone("+1 650 253 0000", region=args.region)
    isatty = getattr(stderr, "isatty", None)
    files = {"check": len(getattr(args, "files", ())), "diff": 2,
             "verify": len(getattr(args, "files", ())) + 2}.get(args.command, 2)
    progress = _Progress(files + 1, enabled=bool(isatty and isatty()) and not args.quiet,
                         stream=stderr)
    run = _Run(args, progress)
    try:
        doc = _COMMANDS[args.command](run)
        for note in run.notes:
            stderr.write(f"contactguard: warning: {note}\n")
        if args.output:
            _refuse_inputs(args.output, run.inputs, "report")
        stale = None
        if max_age is not None:
            stale = stale_reason(run.backups, max_age, now=time.time())
        doc["gate"] = assess(doc, fail_on=args.fail_on, max_missing=args.max_missing,
                             max_changed=args.max_changed, max_added=args.max_added,
                             max_age=args.max_age, stale=stale)
        progress.step("writing the report")
    finally:
        progress.close()
    if args.format == "text":
        colour = args.output is None and _use_colour(stdout)
        text = render_text(doc, color=colour, quiet=args.quiet)
    else:
        text = render(doc, args.format)
    if args.output:
        atomic_write(args.output, text)
        if not args.quiet:
            stdout.write(render_text(doc, color=_use_colour(stdout), quiet=True))
    else:
        stdout.write(text)
    stdout.flush()
    return EXIT_PROBLEMS if doc["gate"]["failed"] else EXIT_OK


def _safe_streams() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            # a closed or exotic stream is left as it is
            with contextlib.suppress(ValueError, OSError):
                reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, 1 or 2)."""
    _safe_streams()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except _UsageExitError as exc:
        sys.stderr.write(f"contactguard: error: {exc}\n")
        return EXIT_USAGE
    try:
        with signals_exit():
            return _run(args, sys.stdout, sys.stderr)
    except TerminatedError as exc:
        sys.stderr.write(f"contactguard: stopped by signal {exc.signum}\n")
        return 128 + exc.signum
    except CredentialsError as exc:
        sys.stderr.write(f"contactguard: error: {' '.join(str(exc).split())}\n")
        return EXIT_KEY
    except (ContactGuardError, OSError) as exc:
        message = " ".join(str(exc).split()) or type(exc).__name__
        sys.stderr.write(f"contactguard: error: {message}\n")
        return EXIT_USAGE
    except KeyboardInterrupt:
        sys.stderr.write("contactguard: interrupted\n")
        return 130
