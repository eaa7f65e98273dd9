"""Streaming a member's bytes into blocks of whole lines, in bounded memory.

A file up to :data:`SAMPLE` bytes is decoded whole (so its charset is decided on all of
it).  A larger one is decided on its first :data:`SAMPLE` bytes and then decoded
incrementally, :data:`~contactguard._read._sources.CHUNK` bytes at a time.  Either way the
text is cut into :class:`~contactguard._read._vcard.Block` s of whole lines, each ending
after an ``END:VCARD`` line, so the tokenizer never needs a line from the next block: a
card is never split.  A block with no ``END:VCARD`` yet grows (a card of a million folded
lines is one block) until ``Limits.max_card_chars``; only there is it cut, and the cut is a
``card-cut`` finding saying where.  Each line is looked at once for ``END:VCARD`` however
long the block grows, so reading stays linear.  A line longer than
``Limits.max_line_chars`` is skipped as it streams past, without ever being held whole; it
becomes a ``limit-exceeded`` finding and an empty line (so line numbers stay right).
"""

from __future__ import annotations

import codecs
from collections.abc import Iterable, Iterator
from typing import Final

from .._model import Decoding, Finding
from .decode import _ESCAPED, decode_file
from .sources import Limits, Member
from .vcard import Block

__all__ = ["SAMPLE", "read_head", "stream_blocks"]

SAMPLE: Final = 4 << 20
#: Lines per block (more while a card is open).  A block and the raw cards parsed from it
#: are alive together, so this is a constant of every stream's memory: 100,000 lines held
#: about 12 MiB more than 20,000 in ``verify_file``, for no measurable speed.
BLOCK_LINES: Final = 20_000


def read_head(member: Member, size: int = SAMPLE) -> tuple[bytes, Iterator[bytes], bool]:
    """The first ``size`` bytes, an iterator over the rest, and whether that is all."""
    chunks = member.chunks()
    head = bytearray()
    for chunk in chunks:
        head += chunk
        if len(head) >= size:
            return bytes(head), chunks, False
    return bytes(head), iter(()), True


def _pieces(head: bytes, rest: Iterator[bytes], decoding: Decoding) -> Iterator[str]:
    decoder = codecs.getincrementaldecoder(decoding.encoding)(
        errors="replace" if decoding.encoding.startswith(("utf-16", "utf-32"))
        else "surrogateescape")
    start = 0
    if decoding.bom:
        start = len(codecs.BOM_UTF8) if decoding.encoding == "utf-8" else (
            4 if decoding.encoding.startswith("utf-32") else 2)
    yield decoder.decode(head[start:])
    for chunk in rest:
        yield decoder.decode(chunk)
    yield decoder.decode(b"", final=True)


def decide(head: bytes, complete: bool, encoding: str | None
           ) -> tuple[str | None, Decoding, tuple[str, ...]]:
    """Decode a whole small file, or decide the codec of a large one from its head; and
    the charsets that a guessed legacy codec was not sure against (see ``decode_file``)."""
    if complete:
        return decode_file(head, encoding)
    cut = head.rfind(b"\n") + 1 or len(head)
    if head[:2] in {b"\xff\xfe", b"\xfe\xff"} or b"\x00" in head[:64]:
        cut = len(head) - len(head) % 4  # UTF-16/32: keep whole code units
    _, decoding, rivals = decode_file(head[:cut], encoding)
    return None, decoding, rivals


def stream_blocks(member: Member, *, encoding: str | None, limits: Limits,
                  findings: list[Finding], head: bytes, rest: Iterator[bytes],
                  complete: bool) -> tuple[Decoding, Iterator[Block], tuple[str, ...]]:
    """Decide the decoding of ``member`` and stream its text as blocks of lines; the
    third item names the charsets that read it about as well as a guessed one."""
    text, decoding, rivals = decide(head, complete, encoding)
    pieces: Iterable[str] = [text] if text is not None else _pieces(head, rest, decoding)
    return decoding, _blocks(pieces, limits.max_line_chars, member.name, findings,
                             max_card=limits.max_card_chars), rivals


def _last_end(pending: list[str], start: int) -> int:
    """Index just after the last END:VCARD line in ``pending[start:]`` (0 when none)."""
    for k in range(len(pending) - 1, start - 1, -1):
        line = pending[k]
        if len(line) < 16 and line.strip().upper() == "END:VCARD":
            return k + 1
    return 0


def _blocks(pieces: Iterable[str], max_line: int, source: str,
            findings: list[Finding], *, max_card: int = 128 << 20) -> Iterator[Block]:
    carry: list[str] = []  # the unfinished last line, in pieces (no quadratic joins)
    carry_len = 0
    skipping = False  # inside a line that is over the limit
    pending: list[str] = []
    first = 1  # line number of pending[0]
    dirty = False  # lone surrogates or NULs in a piece that pending lines came from
    was_flagged = False
    hold = ""
    scanned = 0  # pending[:scanned] has been searched for END:VCARD lines
    end = 0  # index just after the last END:VCARD line of pending[:scanned]
    open_chars = 0  # characters in pending after ``end`` (the card still open)
    skip_folds = False  # after a cut at the card bound: drop the cut value's folded lines
    for incoming in pieces:
        if not incoming:
            continue
        piece = hold + incoming
        hold = ""
        if piece.endswith("\r"):  # a CRLF may be split across pieces
            piece, hold = piece[:-1], "\r"
        flagged = "\x00" in piece or _ESCAPED.search(piece) is not None
        dirty = dirty or flagged
        if skipping:
            brk = min((i for i in (piece.find("\n"), piece.find("\r")) if i >= 0), default=-1)
            if brk < 0:
                continue
            skipping = False
            piece = piece[brk + (2 if piece[brk : brk + 2] == "\r\n" else 1):]
        if "\n" not in piece and "\r" not in piece:
            carry.append(piece)
            carry_len += len(piece)
        else:
            text = "".join(carry) + piece
            lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
            last = lines.pop()
            if lines and max(map(len, lines)) > max_line:  # whole lines within one piece
                for k, ln in enumerate(lines):
                    if len(ln) > max_line:
                        findings.append(Finding.of(
                            "limit-exceeded", f"line is longer than {max_line:,} characters;"
                            " skipped", line=first + len(pending) + k, source=source,
                            column=1))
                        lines[k] = ""
            if skip_folds:  # the rest of a value cut at the card bound: said in card-cut
                k = 0
                while k < len(lines) and lines[k][:1] in {" ", "\t"}:
                    lines[k] = ""  # (an empty line keeps the line numbers right)
                    k += 1
                skip_folds = k == len(lines)
            pending.extend(lines)
            open_chars += sum(map(len, lines))
            carry, carry_len = [last], len(last)
        if carry_len > max_line:
            findings.append(Finding.of(
                "limit-exceeded", f"line is longer than {max_line:,} characters; skipped",
                line=first + len(pending), source=source, column=1))
            pending.append("")
            carry, carry_len = [], 0
            skipping = True
        if len(pending) >= BLOCK_LINES or open_chars > max_card:
            found = _last_end(pending, scanned)
            if found:
                end = found
                open_chars = sum(map(len, pending[end:]))
            scanned = len(pending)
            cut = end  # whole cards first; an open card over the bound is cut next time
            if not end and open_chars > max_card:
                # No END:VCARD within the bound: the only cut that can cost data.  Said.
                cut = len(pending)
                findings.append(Finding.of(
                    "card-cut", f"no END:VCARD in the {len(pending):,} lines ("
                    f"{open_chars:,} characters) from line {first:,}, over "
                    f"Limits.max_card_chars ({max_card:,}); the card was cut after line "
                    f"{first + cut - 1:,}: the folded lines that continue the value there "
                    "were skipped, and the card goes on at the next property",
                    line=first + cut - 1, source=source, column=1))
                skip_folds = True
            if cut:
                yield Block(first, pending[:cut], escaped=dirty, nul=dirty)
                first += cut
                pending = pending[cut:]
                scanned -= cut
                end = 0
                if not pending:
                    open_chars = 0
                # what is left came from this piece or the one before it
                dirty = flagged or was_flagged
        was_flagged = flagged
    tail = "".join(carry) + hold
    if tail and not skipping:
        pending.append(tail.replace("\r", ""))
    if pending:
        yield Block(first, pending, escaped=dirty, nul=dirty)
