"""The commands: each loads its inputs, calls the public API as a Python caller would,
and returns a report document (the gate, rendering and writing are ``main``'s).

:func:`~contactguard.check`, :func:`~contactguard.diff`, :func:`~contactguard.verify`,
:func:`~contactguard.verify_restore`, :func:`~contactguard.compare_copies`,
:func:`~contactguard.verify_file`, :meth:`~contactguard.Manifest.build` and
:func:`~contactguard.find_duplicates`; nothing here decides what a backup holds.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any, Final

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
from .._core import (
    IncompleteSourceError,
    ManifestSignatureError,
    SourceError,
    UsageError,
    counted,
)
from .._detect import check
from .._manifest import KeyLike, Manifest, stale_temporaries, write_manifest
from .._model import Finding, Snapshot
from .._read import iter_contacts, load, loads
from .._repair import combine
from .._report import (
    Report,
    check_report,
    diff_report,
    dupes_report,
    manifest_report,
    stream_verify_report,
    streamed_manifest_report,
    verify_report,
)
from .access import remote_kwargs, shown
from .keys import KeyProblemError, given_key, manifest_key
from .output import STDIO, check_writable, refuse_inputs, same_or_inside
from .progress import Progress

__all__ = ["COMMANDS", "KEY_ERRORS", "Run"]


class Run:
    """One command run: options, inputs read so far, and what is said on stderr."""

    def __init__(self, args: argparse.Namespace, progress: Progress,
                 stdin: IO[bytes] | None = None) -> None:
        self.args = args
        self.progress = progress
        self.stdin = stdin
        self.inputs: list[str] = []   # every path read: never written over
        self.backups: list[str] = []  # the contact files among them (for --max-age)
        self.notes: list[str] = []    # warnings on stderr: where a key went, what is unsafe
        self.wrote: list[str] = []    # confirmations on stderr: every file written

    def key(self) -> KeyLike | None:
        return given_key(self.args, self.inputs)

    def load(self, path: str) -> Snapshot:
        self.inputs.append(path)
        count = self.progress.counter(f"reading {shown([path])[0]}")
        if path == STDIO:
            if self.stdin is None:
                raise UsageError("'-' (stdin) can be read only once in a run")
            data, self.stdin = self.stdin.read(), None
            return loads(data, encoding=self.args.encoding, default_region=self.args.region,
                         source="<stdin>", include_hidden=self.args.include_hidden)
        self.backups.append(path)
        return load(path, encoding=self.args.encoding, default_region=self.args.region,
                    include_hidden=self.args.include_hidden, progress=count,
                    **remote_kwargs(self.args))


def _created(args: argparse.Namespace) -> str | None:
    if not args.timestamp:
        return None
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0).isoformat()


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {"show_personal_data": args.show_personal_data, "created": _created(args)}


def _names(paths: list[str]) -> list[str]:
    return ["<stdin>" if p == STDIO else p for p in shown(paths)]


def cmd_check(run: Run) -> Report:
    args = run.args
    snaps = [check(run.load(f)) for f in args.files]
    return check_report(snaps, paths=_names(args.files), **_options(args))


def cmd_diff(run: Run) -> Report:
    args = run.args
    old = run.load(args.old)
    new = check(run.load(args.new))
    compared = diff(old, new, region=args.region,
                    progress=run.progress.counter("comparing"))
    return diff_report(compared, paths=_names([args.old, args.new]), **_options(args))


def _manifest_for(run: Run, path: str) -> Manifest:
    """The manifest at ``path`` opened with the key the options name (given once)."""
    key = run.key()
    run.inputs.append(path)
    probe = Manifest.load(path)
    if not probe.keyed and key is not None:
        raise UsageError(f"the manifest {path} was built without a key; "
                         "leave out --key-file/--key-env")
    manifest = Manifest.load(path, key=key) if key is not None else probe
    if manifest.keyed and manifest.key is None:
        where = (" (it was built with a passphrase: give it with --key-env)"
                 if manifest.kdf is not None else
                 f" (none is stored under its key id {manifest.key_id})"
                 if manifest.key_id else "")
        raise KeyProblemError(f"the manifest {path} is keyed: give its key with "
                              f"--key-file or --key-env{where}")
    run.notes.extend(f"{path}: {w}" for w in manifest.warnings)
    return manifest


def _cmd_verify_stream(run: Run) -> Report:
    args = run.args
    if not args.manifest:
        raise UsageError("--stream goes with --manifest (an --against check loads both)")
    key = run.key()
    run.inputs.append(args.manifest)
    streamed = []
    for f in args.files:
        if f == STDIO:
            raise UsageError("--stream reads files, not stdin ('-')")
        run.inputs.append(f)
        run.backups.append(f)
        streamed.append(verify_file(f, args.manifest, key=key,
                                    progress=run.progress.counter(f"verifying {f}"),
                                    **remote_kwargs(args)))
    return stream_verify_report(streamed, reference=args.manifest, paths=_names(args.files),
                                **_options(args))


def cmd_verify(run: Run) -> Report:
    args = run.args
    if args.stream:
        return _cmd_verify_stream(run)
    results: list[ManifestReport | RestoreReport] = []
    checked: list[Snapshot] = []
    unread: list[tuple[str, str]] = []  # copies read only in part: findings, not losses
    read: list[str] = []

    def load_copy(f: str) -> Snapshot | None:
        try:
            snap = run.load(f)
        except IncompleteSourceError as exc:
            unread.append((_names([f])[0], str(exc)))
            return None
        read.append(f)
        return snap

    if args.manifest:
        manifest = _manifest_for(run, args.manifest)
        extra = [run.load(x) for x in getattr(args, "plus", ())]  # #15: restore + fix
        for f in args.files:
            if (loaded := load_copy(f)) is None:
                continue
            snap = check(combine(loaded, *extra) if extra else loaded)
            checked.append(snap)
            run.progress.stage(f"verifying {f}")
            results.append(verify(snap, manifest))  # its key was resolved once, above
        reference = args.manifest
    else:
        if args.key_file or args.key_env:
            raise UsageError("--key-file and --key-env go with --manifest, not --against")
        old = run.load(args.against)
        extra = [run.load(x) for x in getattr(args, "plus", ())]  # #15: restore + fix
        for f in args.files:
            if (loaded := load_copy(f)) is None:
                continue
            snap = combine(loaded, *extra) if extra else loaded
            checked.append(snap)
            run.progress.stage(f"verifying {f}")
            results.append(verify_restore(old, snap, region=args.region))
        reference = args.against
    copies: tuple[CopyComparison, ...] = ()
    if len(checked) > 1:
        run.progress.stage(f"comparing {len(checked)} copies")
        copies = compare_copies(checked, region=args.region)
    return verify_report(results, reference=_names([reference])[0], paths=_names(read),
                         copies=copies, unread=unread, **_options(args))


def _nothing_to_record(file: str, findings: Iterable[Finding]) -> SourceError:
    """The error for a manifest of an empty or foreign file, which would pass anything."""
    why = next((f.message for f in findings
                if f.kind in {"no-contacts", "not-a-contact-file"}), "it holds no contacts")
    return SourceError(f"{shown([file])[0]}: {why}; a manifest of it would record nothing, "
                       "so none was written")


def cmd_manifest(run: Run) -> Report:
    args = run.args
    if args.manifest_out == STDIO:
        raise UsageError("-o/--output is where the manifest goes: give a file, not '-'")
    check_writable(args.manifest_out, "manifest")
    refuse_inputs(args.manifest_out, [args.file], "manifest")
    if args.output and args.output != STDIO and same_or_inside(Path(args.output),
                                                              Path(args.manifest_out)):
        raise UsageError("--report and -o/--output name the same file; give the report "
                         "and the manifest different paths")
    if args.stream:
        if args.file == STDIO:
            raise UsageError("--stream reads files, not stdin ('-')")
        run.inputs.append(args.file)
        run.backups.append(args.file)
        refuse_inputs(args.manifest_out, run.inputs, "manifest")
        stale = [Finding.of("stale-temporary-file", f"{p.name} was left by a run that was "
                            "killed; it was ignored (delete it)", source=str(p))
                 for p in stale_temporaries(args.manifest_out)]
        run.progress.stage(f"reading {args.file}")
        stream = iter_contacts(args.file, encoding=args.encoding,
                               include_hidden=args.include_hidden, **remote_kwargs(args))
        first = next(stream, None)
        if first is None:  # read to its end: the findings say why there is nothing
            raise _nothing_to_record(args.file, stream.findings)
        key = manifest_key(args, run.inputs, run.notes)  # no key is made for nothing
        count = write_manifest(itertools.chain((first,), stream), args.manifest_out,
                               region=args.region, source_name=shown([args.file])[0],
                               key=key, unkeyed=key is None, keep_names=args.keep_names)
        run.wrote.append(f"the manifest of {counted(count, 'contact')} to "
                         f"{args.manifest_out}")
        return streamed_manifest_report(
            count, path=args.file, output=args.manifest_out,
            algorithm="hmac-sha256" if key is not None else "salted-sha256",
            region=args.region, findings=[*stream.findings, *stale], **_options(args))
    snap = check(run.load(args.file))
    refuse_inputs(args.manifest_out, run.inputs, "manifest")
    if not len(snap):  # an empty or foreign "backup": a manifest of it would pass anything
        raise _nothing_to_record(args.file, snap.findings)
    key = manifest_key(args, run.inputs, run.notes)
    run.progress.stage("building the manifest")
    manifest = Manifest.build(snap, region=args.region, key=key, unkeyed=key is None,
                              keep_names=args.keep_names)
    manifest.save(args.manifest_out)
    run.wrote.append(f"the manifest of {counted(len(manifest), 'contact')} to "
                     f"{args.manifest_out}")
    return manifest_report(manifest, snap, output=args.manifest_out,
                           path=_names([args.file])[0], **_options(args))


def cmd_dupes(run: Run) -> Report:
    args = run.args
    # Imported here: the other commands never depend on the duplicates stage.
    from .._duplicates import find_duplicates, write_merged  # noqa: PLC0415

    if args.write_merged:
        check_writable(args.write_merged, "merged book")
    snap = check(run.load(args.file))
    groups = find_duplicates(snap, region=args.region,
                             progress=run.progress.counter("looking for duplicates"))
    if args.write_merged:
        refuse_inputs(args.write_merged, run.inputs, "merged book")
        if args.output and args.output != STDIO and same_or_inside(
                Path(args.output), Path(args.write_merged)):
            raise UsageError("--output and --write-merged name the same file")
        write_merged(snap, groups, args.write_merged, region=args.region)
        merged = sum(len(g.indexes) for g in groups)
        run.wrote.append(f"the merged book to {args.write_merged} "
                         f"({counted(len(groups), 'group')} of {counted(merged, 'contact')} "
                         f"merged, {counted(len(snap) - merged + len(groups), 'contact')} "
                         "in all)")
    return dupes_report(snap, groups, path=_names([args.file])[0],
                        merged=args.write_merged, **_options(args))


#: Command name -> its function; ``main`` registers the parsers.
COMMANDS: Final[dict[str, Callable[[Run], Report]]] = {
    "check": cmd_check, "diff": cmd_diff, "verify": cmd_verify,
    "manifest": cmd_manifest, "dupes": cmd_dupes,
}

#: What a wrong key raises (exit 3, like refused credentials).
KEY_ERRORS: Final = (KeyProblemError, ManifestSignatureError)

