"""The option groups of the commands: each command takes only the options that apply
to it (``--max-missing`` only where contacts are compared, ``--max-age`` only where a
backup's age means something).

``-o/--output`` has one meaning everywhere: the file the command makes.  For ``check``,
``diff``, ``verify`` and ``dupes`` that is the report; for ``manifest`` it is the
manifest, and its report goes to ``--report``.  ``-`` is stdout.
"""

from __future__ import annotations

import argparse
from typing import Final

from .._report import FAIL_LEVELS, FORMATS
from .access import add_remote_options

__all__ = ["COLOR_CHOICES", "add_gate_options", "add_reading_options", "add_report_options",
           "count", "positive"]

COLOR_CHOICES: Final = ("auto", "always", "never")


def _whole(text: str, least: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if value < least:
        raise argparse.ArgumentTypeError(f"expected {least} or more, not {value}")
    return value


def count(text: str) -> int:
    """A whole number, 0 or more (the ``type`` of the ``--max-*`` options)."""
    return _whole(text, 0)


def positive(text: str) -> int:
    """A whole number, 1 or more (the ``type`` of ``--workers``)."""
    return _whole(text, 1)


def add_report_options(p: argparse.ArgumentParser, *, product: str | None = None) -> None:
    """``--format``, where the report goes, and how it is shown.  ``product`` names what
    ``-o/--output`` writes when it is not the report (``manifest``: the manifest)."""
    g = p.add_argument_group("report")
    g.add_argument("--format", choices=list(FORMATS), default="text",
                   help="report format: text, json, junit, html, markdown, github "
                        "(workflow annotations) or jsonl (JSON lines); default: text")
    if product is None:
        g.add_argument("-o", "--output", metavar="PATH",
                       help="write the report to PATH (atomically; '-' for stdout); "
                            "stdout then gets the summary line")
        g.add_argument("-O", dest="output", help=argparse.SUPPRESS)  # the old spelling
    else:
        g.add_argument("--report", dest="output", metavar="PATH",
                       help=f"write the report to PATH ('-' for stdout) instead of stdout; "
                            f"-o/--output is the {product}")
    g.add_argument("-q", "--quiet", action="store_true",
                   help="no progress, no confirmations; text output is the summary line "
                        "and, when the job fails, why")
    g.add_argument("--color", choices=COLOR_CHOICES, default="auto",
                   help="colour the text report: auto (a terminal, unless NO_COLOR is set; "
                        "FORCE_COLOR forces it), always or never")
    g.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="draw progress (counts, rate, time left) on stderr (default: only "
                        "when stderr is a terminal and -q is not given)")
    g.add_argument("-v", "--verbose", action="store_true",
                   help="text: the technical report (finding kinds, lines, values) instead "
                        "of the plain one")
    g.add_argument("--lang", metavar="LANG",
                   help="language of the text and HTML reports: en, zh-CN or zh-TW "
                        "(default: from LANG/LC_ALL); JSON and JUnit stay English")
    g.add_argument("--show-personal-data", action="store_true",
                   help="show phone numbers, emails and names in full (default: masked)")
    g.add_argument("--timestamp", action="store_true",
                   help="record the time in the report (reports are otherwise reproducible)")


def add_gate_options(p: argparse.ArgumentParser, *, thresholds: bool = False,
                     age: bool = True) -> None:
    """When the job fails: ``--fail-on``, finding kinds, and (where they apply) the
    per-comparison thresholds and ``--max-age``."""
    g = p.add_argument_group("pass or fail")
    g.add_argument("--fail-on", choices=list(FAIL_LEVELS), default="error",
                   help="lowest problem level that exits 1 (default: error)")
    g.add_argument("--select", metavar="KIND", action="append", default=[],
                   help="report only findings of KIND (repeatable; 'contactguard config "
                        "--kinds' lists the kinds)")
    g.add_argument("--ignore", metavar="KIND", action="append", default=[],
                   help="leave out findings of KIND (repeatable)")
    g.add_argument("--severity", metavar="KIND=LEVEL", action="append", default=[],
                   help="report findings of KIND at LEVEL: error, warning or info "
                        "(repeatable), e.g. --severity mojibake=warning")
    if thresholds:
        for kind in ("missing", "changed", "added"):
            g.add_argument(f"--max-{kind}", type=count, metavar="N",
                           help=f"allow up to N {kind} contacts per comparison")
    if age:
        g.add_argument("--max-age", metavar="AGE",
                       help="exit 1 when the newest input backup is older than AGE "
                            "(12h, 31d, 6w)")


def add_reading_options(p: argparse.ArgumentParser) -> None:
    """How inputs are read: region, encoding, hidden files, remote access."""
    g = p.add_argument_group("reading")
    g.add_argument("--region", metavar="CC",
                   help="region for phone numbers written without a country code (e.g. CN)")
    g.add_argument("--encoding", metavar="NAME",
                   help="read the inputs in this text encoding instead of detecting it")
    g.add_argument("--include-hidden", action="store_true",
                   help="in folders and zips, also read hidden files and folders (.git, .x)")
    add_remote_options(p)
