"""The fault-isolating vCard tokenizer (2.1, 3.0 and 4.0 as phones really write them).

Theory of operation: the text is split into physical lines once; a single loop builds
logical lines (folding, quoted-printable soft breaks, vCard 2.1 base64 blocks), parses
``[group.]NAME[;PARAM…]:VALUE`` and tracks which card is open.  Every fault becomes a
:class:`~contactguard.Finding` with its line, and the loop goes on with the next line:
a damaged line costs only itself, a card with no END keeps every property read before the
damage.  The result is a list of :class:`RawCard` in file order.

It is one module past the usual size because it is one cohesive state machine: the
line loop and its states (open card, pending fold, soft break, base64 block) read best
together.
"""

from __future__ import annotations

import binascii
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from typing import Final, NamedTuple

from .._model import (
    BINARY_PROPERTIES,
    LIST_PROPERTIES,
    STRUCTURED_PROPERTIES,
    UNESCAPED_PROPERTIES,
    Decoding,
    Finding,
    Property,
    escape_component,
    split_escaped,
)
from .decode import _ESCAPED, decode_value_bytes, has_escaped_bytes, replace_escaped
from .framing import damaged_begin, holds_something, starts_property

__all__ = ["Block", "CardLimits", "RawCard", "iter_vcards", "read_vcards"]

_NAME_OK: Final = re.compile(r"[A-Za-z0-9_-]+\Z").match
_BASE64_LINE: Final = re.compile(r"[A-Za-z0-9+/=]+\Z").match
_BAD_QP: Final = re.compile(rb"=(?![0-9A-Fa-f]{2})")
_TRANSFER_ENCODINGS: Final = frozenset({"QUOTED-PRINTABLE", "8BIT", "7BIT", "BASE64", "B"})
_KNOWN_VERSIONS: Final = frozenset({"2.1", "3.0", "4.0"})
_FRAMING: Final = frozenset({"BEGIN", "END", "VERSION"})


class RawCard(NamedTuple):
    """A card as read: properties in file order with their 1-based lines."""

    line: int
    version: str | None
    properties: tuple[Property, ...]
    property_lines: tuple[int, ...]
    complete: bool


class _Card:
    """Mutable builder for the card being read (private to one read)."""

    __slots__ = ("breaks", "chars", "line", "lines", "over", "props", "version")

    def __init__(self, line: int) -> None:
        self.line = line
        self.chars = 0  # characters of values read so far (Limits.max_card_bytes)
        self.over = False  # a limit was reached; the rest of the card is skipped
        self.breaks = False  # a quoted-printable value decoded to real line breaks
        self.version: str | None = None
        self.props: list[Property] = []
        self.lines: list[int] = []


def _is_escaped_quote(text: str, i: int, quoted: bool) -> bool:
    """A '\\"' inside a quoted parameter that does not end it: some writers escape quotes
    this way.  A quote followed by ':', ';', ',' or the end still closes the value (so a
    value that ends in a backslash reads right)."""
    return (quoted and i > 0 and text[i - 1] == "\\" and i + 1 < len(text)
            and text[i + 1] not in ":;,")


def _split_head(head: str) -> list[str]:
    """Split ``name;param;param`` at ';' outside double quotes."""
    if '"' not in head:
        return head.split(";")
    parts: list[str] = []
    cur: list[str] = []
    quoted = False
    for i, ch in enumerate(head):
        if ch == '"' and not _is_escaped_quote(head, i, quoted):
            quoted = not quoted
            cur.append(ch)
        elif ch == ";" and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _find_colon(line: str) -> int:
    """Index of the ':' that ends the property head (not inside a quoted parameter)."""
    colon = line.find(":")
    quote = line.find('"')
    if quote < 0 or colon < quote:
        return colon
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"' and not _is_escaped_quote(line, i, quoted):
            quoted = not quoted
        elif ch == ":" and not quoted:
            return i
    return -1


def _canonical_21(name: str, value: str) -> str:
    """Re-escape a vCard 2.1 text value in 3.0/4.0 escaping (2.1 escapes only ';')."""
    if name in STRUCTURED_PROPERTIES:
        return ";".join(escape_component(c.replace("\\;", ";"))
                        for c in split_escaped(value, ";"))
    return escape_component(value.replace("\\;", ";"), commas=name not in LIST_PROPERTIES)


def read_vcards(
    text: str, *, source: str | None = None, decoding: Decoding | None = None,
    limits: CardLimits | None = None,
) -> tuple[list[RawCard], list[Finding]]:
    """Tokenize ``text`` into cards.  Never raises for bad data."""
    findings: list[Finding] = []
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    escaped = decoding.escaped_bytes if decoding is not None else has_escaped_bytes(text)
    block = Block(1, lines, escaped=escaped, nul="\x00" in text)
    cards = list(iter_vcards([block], source=source, findings=findings, limits=limits))
    return cards, findings


class Block(NamedTuple):
    """Whole lines of a file, starting at 1-based line ``first``; cut after END lines."""

    first: int
    lines: list[str]
    escaped: bool = False  # holds lone surrogates from surrogateescape decoding
    nul: bool = False  # holds NUL characters


#: What a card opened without its BEGIN:VCARD line must hold to be kept as a contact
#: (with no damaged BEGIN line to show where it starts): a name or a way to reach someone.
_IDENTIFYING: Final = frozenset({"FN", "N", "TEL", "EMAIL", "ORG", "ADR", "NICKNAME", "IMPP"})


class CardLimits(NamedTuple):
    """The tokenizer's share of :class:`contactguard.Limits`."""

    max_properties: int = 10_000
    max_card_chars: int = 128 << 20
    max_nesting: int = 4


def iter_vcards(
    blocks: Iterable[Block], *, source: str | None = None, findings: list[Finding],
    limits: CardLimits | None = None,
) -> Iterator[RawCard]:
    """Tokenize blocks of lines into cards, yielding each block's cards as it is done.

    Findings are appended to ``findings`` as they are found; their ``contact`` is the
    running index of the card over the whole stream.  Never raises for bad data.
    """
    lim = limits or CardLimits()
    max_props, max_chars = lim.max_properties, lim.max_card_chars
    out: list[RawCard] = []
    n_cards = 0
    card: _Card | None = None
    card_props: list[Property] = []
    card_lines: list[int] = []
    # Heads repeat (``item1.TEL;type=CELL;type=VOICE``): parse each distinct one once.
    head_cache: dict[str, _Head] = {}
    junk_start = 0
    junk_count = 0
    last_line = 0
    # Where a card whose BEGIN:VCARD is damaged or lost would start, while lines outside
    # any card are read: the physical index in the block (-1: none), its line number,
    # where to read on from, the junk count before it, and its text if it is a damaged
    # BEGIN line (else it is the first of a run of property lines).
    cand, cand_line, cand_next, cand_junk, cand_text = -1, 0, 0, 0, ""
    implicit: _Card | None = None  # the card opened without a BEGIN:VCARD line
    implicit_text = ""  # its damaged BEGIN line ("": there was none)
    implicit_mark = 0  # len(findings) when it was opened
    implicit_junk: tuple[int, int, Finding | None] = (0, 0, None)  # the junk run before it

    def note(kind: str, message: str, line: int, *, column: int | None = None,
             prop: str | None = None, in_card: bool = True) -> None:
        findings.append(Finding.of(kind, message, line=line, source=source, column=column,
                                   contact=n_cards if in_card else None, property=prop))

    def flush_junk() -> None:
        nonlocal junk_count
        if junk_count:
            what = "line" if junk_count == 1 else f"{junk_count} lines"
            note("outside-card", f"{what} outside any card ignored", junk_start,
                 column=1, in_card=False)
            junk_count = 0

    def open_implicit(line: int, damaged: str) -> _Card:
        """A card that its VERSION or END line, or a damaged BEGIN line, shows to start at
        ``line``.  It is said (loudly: its start is a guess) when it is closed, unless it
        held nothing and is discarded (a preamble with a VERSION line is no card)."""
        nonlocal implicit, implicit_text, implicit_mark, implicit_junk
        held = (junk_start, junk_count)
        flush_junk()
        implicit_junk = (*held, findings[-1] if held[1] else None)
        implicit, implicit_text, implicit_mark = _Card(line), damaged, len(findings)
        return implicit

    def weak(c: _Card) -> bool:
        """Whether a card opened without its BEGIN:VCARD line is no contact after all:
        it holds nothing, or (with no damaged BEGIN line to show where it starts) nothing
        that names or reaches a person (a preamble's ``VERSION:`` and ``TITLE:``, a
        trailer's ``NOTE:``)."""
        if c is not implicit:
            return False
        if not holds_something(c.props):
            return True
        return not implicit_text and not any(p.name in _IDENTIFYING for p in c.props)

    def discard(c: _Card, lines: list[str], base: int, upto: int) -> None:
        """An implicit card that holds nothing: its lines are lines outside any card
        again, and the findings made inside it go (NUL findings stay, with no card)."""
        nonlocal junk_start, junk_count
        findings[implicit_mark:] = [f for f in findings[implicit_mark:] if f.kind == "nul-byte"]
        for k, f in enumerate(findings):
            if f.contact == n_cards:
                findings[k] = replace(f, contact=None)
        count = sum(1 for ln in lines[max(c.line - base - 1, 0) : upto] if ln.strip())
        held_start, held_count, said = implicit_junk
        if said is not None and said in findings[implicit_mark - 1 : implicit_mark]:
            del findings[implicit_mark - 1]  # one run of junk, said once
            junk_start, junk_count = held_start, held_count
        if count and not junk_count:
            junk_start = c.line
        junk_count += count

    spans: list[tuple[int, int, int]] = []  # (first line, last line, index), for NULs
    has_nul = False

    def close(c: _Card, complete: bool, end: int) -> None:
        nonlocal n_cards
        if c is implicit:
            note("missing-begin", f"{implicit_text!r} read as BEGIN:VCARD: the card's BEGIN "
                 "line is damaged" if implicit_text else "card has no BEGIN:VCARD line (lost,"
                 " or cut off); read from its first line", c.line, column=1)
        if has_nul:
            spans.append((c.line, end, n_cards))
        version = c.version
        props = c.props
        if version == "2.1":
            props = [p if p.name in UNESCAPED_PROPERTIES or not _needs_21_fix(p.name, p.value)
                     else p._replace(value=_canonical_21(p.name, p.value)) for p in props]
        elif c.breaks:  # only quoted-printable can leave real line breaks in a value
            props = [p if "\n" not in p.value else p._replace(value=p.value.replace(
                "\n", "\\n")) for p in props]
        if escaped:  # the last guard: no lone surrogate (undecodable byte) leaves the reader
            props = [p if not has_escaped_bytes(p.value) else
                     p._replace(value=replace_escaped(p.value)) for p in props]
        out.append(_new_raw(RawCard, (c.line, version, tuple(props), tuple(c.lines), complete)))
        n_cards += 1

    for first, lines, escaped, has_nul in blocks:
        base = first - 1
        nul_from = len(findings)
        if has_nul:
            for idx, ln in enumerate(lines):
                if "\x00" in ln:
                    findings.append(Finding.of(
                        "nul-byte", f"{ln.count(chr(0))} NUL byte(s) removed from the line",
                        line=base + idx + 1, source=source, column=ln.index("\x00") + 1))
                    lines[idx] = ln.replace("\x00", "")
        n = len(lines)
        last_line = base + n
        i = 0
        cand = -1  # (indexes are the block's)
        while i < n:
            line = lines[i]
            lineno = base + i + 1
            i += 1
            if i < n and (nxt := lines[i]) and nxt[0] in " \t" and not (
                    line.endswith("=") and _is_qp_head(line)):
                # Unfold into a list and join once: `line +=` is quadratic in the folds.
                parts = [line]
                while i < n and lines[i].startswith((" ", "\t")):
                    if parts[-1].endswith("=") and _is_qp_head(
                            parts[0] if ":" in parts[0] else "".join(parts)):
                        break  # a soft line break: the next line's leading space is text
                    parts.append(lines[i][1:])
                    i += 1
                line = "".join(parts)
            colon = line.find(":")
            if colon < 0 or '"' in line[:colon]:
                if colon >= 0:
                    colon = _find_colon(line)
                elif not line or line.isspace():
                    continue  # (a blank line has no ':')
            if colon < 0:
                if card is None:
                    if damaged_begin(line):  # ('BEGIN VCARD', 'BEGINARD'), if a card follows
                        cand, cand_line, cand_next = lineno - base - 1, lineno, i
                        cand_junk, cand_text = junk_count, line.strip()[:30]
                    else:
                        cand = -1
                    if not junk_count:
                        junk_start = lineno
                    junk_count += 1
                else:
                    note("unparsable-line", "line has no ':' between name and value; skipped",
                         lineno, column=1)
                continue
            head = line[:colon]
            value = line[colon + 1 :]
            if escaped and has_escaped_bytes(head):
                head = replace_escaped(head)
                note("undecodable-bytes", "bytes in a property name or parameter are not "
                     "valid in the file's charset; replaced with U+FFFD", lineno, column=1,
                     in_card=card is not None)
            parsed = head_cache.get(head)
            if parsed is None:
                if len(head_cache) > 4096:
                    head_cache.clear()
                parsed = head_cache[head] = _parse_head(head)
            group, upper, params, charset, encoding, name_ok, plain = parsed
            if plain and card is not None and not escaped:
                # The common line (no framing, encoding or binary data): append it.
                chars = card.chars + len(value)
                if len(card_props) < max_props and chars <= max_chars:
                    card.chars = chars
                    card_props.append(_new_property(Property, (upper, value, params, group)))
                    card_lines.append(lineno)
                    continue

            if upper in _FRAMING:
                word = value.strip().upper()
                if word != "VCARD" and word.startswith("VCARD") and not word[5:].strip(
                        " .,;:"):
                    note("malformed-line", f"{upper}:{value.strip()[:20]!r} read as "
                         f"{upper}:VCARD", lineno, column=colon + 2, in_card=card is not None)
                    value = word = "VCARD"
                if upper == "BEGIN" and word == "VCARD":
                    if card is not None:
                        last = card.props[-1] if card.props else None
                        if (last is not None and last.name == "AGENT"
                                and not last.value.strip()):
                            i = _read_agent(lines, i, card, note, base=base,
                                            max_nesting=lim.max_nesting)
                            continue
                        if weak(card):
                            discard(card, lines, base, lineno - base - 1)
                        else:
                            while card.props and card.props[-1].name == "END":
                                card.props.pop()  # a damaged END (END:VCARC) is no data
                                card.lines.pop()
                            note("truncated-card", "card has no END before the next "
                                 "BEGIN:VCARD; kept what was read", card.line, column=1)
                            close(card, complete=False, end=lineno - 1)
                    if junk_count:
                        flush_junk()
                    card = _Card(lineno)
                    card_props, card_lines = card.props, card.lines  # (never rebound)
                    cand = -1
                    continue
                if upper == "END" and word == "VCARD":
                    if card is None and cand >= 0:
                        # Property lines (or a damaged BEGIN) and then END:VCARD: a card.
                        junk_count = cand_junk
                        card = open_implicit(cand_line, cand_text if cand_next > cand
                                             else "")
                        card_props, card_lines = card.props, card.lines
                        i, cand = cand_next, -1
                        continue
                    if card is None:
                        flush_junk()  # keep findings in line order; the END ends a junk run
                        note("unexpected-end", "END:VCARD with no open card", lineno,
                             column=1, in_card=False)
                    elif weak(card):
                        discard(card, lines, base, lineno - base)  # (no contact in it)
                        card = None
                    else:
                        close(card, complete=True, end=lineno)
                        card = None
                    continue
                if upper == "VERSION" and card is not None:
                    if (card.version is not None and card.props
                            and card.props[-1].name in {"BEGIN", "END"}):
                        # A second VERSION right after a damaged END or BEGIN line: the
                        # next card, whose framing was damaged.  (A card that merely
                        # repeats its VERSION line is one card.)
                        at, damaged, end = lineno, "", lineno - 1
                        while card.props and card.props[-1].name in {"BEGIN", "END"}:
                            # damaged framing lines (END:VCARC, BEGIN:VCARC) are no data
                            last, end = card.props.pop(), card.lines.pop() - 1
                            if last.name == "BEGIN" and not damaged:
                                at, damaged = end + 1, f"BEGIN:{last.value}"[:30]
                        note("truncated-card", "card has no END before the next card's "
                             "VERSION line; kept what was read", card.line, column=1)
                        close(card, complete=False, end=end)
                        card = open_implicit(at, damaged)
                        card_props, card_lines = card.props, card.lines
                        i = lineno - base - 1  # (read the VERSION line again, in its card)
                        continue
                    card.version = value.strip()
                    if card.version not in _KNOWN_VERSIONS:
                        note("unknown-version", f"VERSION {card.version!r} is not 2.1, 3.0 "
                             "or 4.0; read as 3.0", lineno, column=colon + 2, prop=upper)
                    continue
            if card is None:
                start = lineno - base - 1
                if upper == "VERSION" and value.strip() in _KNOWN_VERSIONS:
                    # A vCard VERSION outside any card: a card whose BEGIN was lost.
                    at, resume = (cand_line, cand_next) if cand >= 0 else (lineno, start)
                elif cand >= 0 and cand_next > cand and name_ok:
                    at, resume = cand_line, cand_next  # a property after a damaged BEGIN
                else:
                    if damaged_begin(line):
                        cand, cand_line, cand_next, cand_junk = start, lineno, i, junk_count
                        cand_text = line.strip()[:30]
                    elif name_ok and upper not in _FRAMING:
                        if cand < 0:
                            cand, cand_line, cand_next, cand_junk = (start, lineno, start,
                                                                     junk_count)
                    else:
                        cand = -1
                    if not junk_count:
                        junk_start = lineno
                    junk_count += 1
                    continue
                damaged = cand_text if cand >= 0 and cand_next > cand else ""
                if cand >= 0:
                    junk_count = cand_junk  # the lines from ``at`` on are the card's
                card = open_implicit(at, damaged)
                card_props, card_lines = card.props, card.lines
                i, cand = resume, -1
                continue
            if not name_ok:
                note("unparsable-line", f"{head[:40]!r} is not a property name; line skipped",
                     lineno, column=1)
                continue
            if encoding is None and upper in BINARY_PROPERTIES and value[:5].lower() == "data:":
                # 3.0-style writers escape the comma of a data: URI too ("base64\\,")
                value = value.replace("\\,", ",", 1)
            if (encoding is None and upper in BINARY_PROPERTIES
                    and value[:5].lower() == "data:" and ";base64," in value[:100].lower()):
                value, uri_params = _from_data_uri(value, list(params))
                params = tuple(uri_params)
                encoding = "B"
            if encoding == "QUOTED-PRINTABLE":
                # (the value's first physical line is all of it that columns can point in)
                on_first = len(value) if i == lineno - base else 0
                if value.endswith("=") and i < n:
                    soft = [value[:-1]]  # soft line breaks joined once (linear)
                    while i < n and lines[i].strip().upper() != "END:VCARD":
                        if starts_property(lines[i]):
                            # A soft break before a property line: the value ended with a
                            # stray '='.  The property is read as itself, not swallowed.
                            note("bad-quoted-printable", f"{upper}: the value ends in a soft"
                                 " line break ('='), but the next line is a property; the "
                                 "value was ended there", base + i, prop=upper,
                                 column=len(lines[i - 1]))
                            break
                        soft.append(lines[i])
                        i += 1
                        if not soft[-1].endswith("="):
                            break
                        soft[-1] = soft[-1][:-1]
                    else:
                        soft[-1] += "="  # the value ended on '=' after all: keep it
                    value = "".join(soft)
                value = _decode_qp(value, charset, lineno, upper, note, column=colon + 2,
                                   first=on_first)
                card.breaks = card.breaks or "\n" in value
            elif encoding in {"BASE64", "B"}:
                if ("ENCODING", "B") not in params:
                    params = tuple(sorted([*params, ("ENCODING", "B")]))
                if upper in BINARY_PROPERTIES:  # a media subtype: case carries nothing
                    params = tuple((k, v.upper() if k == "TYPE" else v) for k, v in params)
                chunks = [value.strip()]
                # vCard 2.1 base64 may run over unindented lines until a blank line.
                while i < n and _BASE64_LINE(lines[i].strip() or "-"):
                    chunks.append(lines[i].strip())
                    i += 1
                value = "".join(chunks).replace(" ", "").replace("\t", "")
                if i < n and not lines[i].strip():
                    i += 1
                if not _base64_ok(value):
                    note("bad-base64", f"{upper} base64 data cannot be decoded "
                         "(bad characters or length)", lineno, column=colon + 2, prop=upper)
            elif escaped and has_escaped_bytes(value):
                bad = _ESCAPED.search(value)
                at = bad.start() if bad is not None and i == lineno - base else 0
                value = _decode_escaped(value, charset, lineno, upper, note,
                                        column=colon + 2 + at)

            card.chars += len(value)
            if len(card.props) >= max_props or card.chars > max_chars:
                if not card.over:
                    card.over = True
                    note("limit-exceeded", f"card has more than {lim.max_properties:,} "
                         f"properties or {lim.max_card_chars:,} characters; the rest of it "
                         "was skipped", lineno, column=1, prop=upper)
                continue
            card.props.append(_new_property(Property, (upper, value, params, group)))
            card.lines.append(lineno)

        if nul_from < len(findings) and has_nul:
            # NUL findings were made before their card existed: give them their card.
            for k in range(nul_from, len(findings)):
                f = findings[k]
                if f.kind == "nul-byte" and f.line is not None:
                    owner = next((idx for a, b, idx in spans if a <= f.line <= b), None)
                    if owner is None and card is not None and card.line <= f.line:
                        owner = n_cards
                    if owner is not None:
                        findings[k] = replace(f, contact=owner)
        spans.clear()
        if out and (card is None or not weak(card)):
            # (while an implicit card may still be discarded, its findings are kept here)
            yield from out
            out.clear()

    flush_junk()
    if card is not None and weak(card):
        discard(card, lines, last_line - len(lines), len(lines))
        flush_junk()
    elif card is not None:
        note("truncated-card", "card has no END (the file ends inside it); "
             "kept what was read", card.line, column=1)
        close(card, complete=False, end=last_line)
    yield from out


_Head = tuple[str | None, str, tuple[tuple[str, str], ...], str | None, str | None, bool, bool]
_new_property: Final = tuple.__new__  # Property(...) without the namedtuple frame
_new_raw: Final = tuple.__new__  # RawCard(...) likewise


def _parse_head(head: str) -> _Head:
    """``[group.]NAME;params`` → (group, NAME, params, charset, encoding, name is valid,
    plain: a valid name that is not framing, has no transfer encoding and is not binary)."""
    parts = _split_head(head)
    # (a BOM before a line: files concatenated with ``cat``, each with its own BOM)
    group, _, name = parts[0].strip().lstrip("\ufeff").rpartition(".")
    upper = name.upper()
    name_ok = _NAME_OK(name) is not None and (not group or _NAME_OK(group) is not None)
    params: list[tuple[str, str]] = []
    charset: str | None = None
    encoding: str | None = None
    for raw in parts[1:]:
        key, eq, val = raw.partition("=")
        if eq:
            key = key.strip().upper()
            val = val.strip()
            if len(val) > 1 and val[0] == '"' and val[-1] == '"':
                val = val[1:-1]
            if "^" in val:
                val = _caret_decode(val)
        else:
            val = key.strip()
            key = "ENCODING" if val.upper() in _TRANSFER_ENCODINGS else "TYPE"
        if not key:
            continue
        if key == "CHARSET":
            charset = val
        elif key == "ENCODING" and val.upper() in _TRANSFER_ENCODINGS:
            encoding = val.upper()
        else:
            params.append((key, val))
    if len(params) > 1:
        params = _canonical_params(params)
    plain = (name_ok and encoding is None and upper not in _FRAMING
             and upper not in BINARY_PROPERTIES)
    return group or None, upper, tuple(params), charset, encoding, name_ok, plain


_CARET: Final = {"^^": "^", "^n": "\n", "^N": "\n", "^'": '"'}


def _caret_decode(value: str) -> str:
    """RFC 6868 parameter escapes: ``^'`` is '"', ``^n`` a line break, ``^^`` a caret."""
    return re.sub(r"\^[\^nN']", lambda m: _CARET[m.group(0)], value)


def _is_qp_head(line: str) -> bool:
    """Whether a line that ends in '=' is a quoted-printable value (a soft line break)."""
    colon = line.find(":")
    return colon > 0 and "QUOTED-PRINTABLE" in line[:colon].upper()


def _canonical_params(params: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Merge repeated parameters (``type=CELL;type=pref`` → ``TYPE=CELL,pref``), sorted."""
    merged: dict[str, list[str]] = {}
    for key, val in params:
        merged.setdefault(key, []).append(val)
    return sorted((k, ",".join(v)) for k, v in merged.items())


def _from_data_uri(value: str, params: list[tuple[str, str]]
                   ) -> tuple[str, list[tuple[str, str]]]:
    """``data:image/jpeg;base64,…`` → base64 value with ``TYPE=JPEG`` (one canonical form)."""
    head, _, payload = value.partition(",")
    media = head[5:-7].partition(";")[0]
    subtype = media.partition("/")[2].upper()
    if subtype and not any(k == "TYPE" for k, _ in params):
        params = [*params, ("TYPE", subtype)]
    return payload, sorted([*params, ("ENCODING", "B")])


def _needs_21_fix(name: str, value: str) -> bool:
    """Whether :func:`_canonical_21` could change ``value``: a structured value's ';' are
    its separators, so it changes only for a backslash, a comma or a line break."""
    if "\\" in value or "," in value or "\n" in value:
        return True
    return ";" in value and name not in STRUCTURED_PROPERTIES


def _base64_ok(value: str) -> bool:
    """Only base64 characters, '=' only at the end, a length base64 can have."""
    if value[:5].lower() == "data:":
        value = value.partition(",")[2]
    body = value.rstrip("=")
    return (_BASE64_LINE(body or "A") is not None and "=" not in body
            and len(body) % 4 != 1)


_Note = Callable[..., None]


def _decode_qp(value: str, charset: str | None, lineno: int, prop: str, note: _Note, *,
               column: int, first: int = 0) -> str:
    """Decode a quoted-printable value; ``first``: how many of its characters are on its
    first physical line (where a bad '=' is pointed at exactly; elsewhere, the value)."""
    raw = value.encode("utf-8", "surrogateescape")
    bad = _BAD_QP.search(raw)
    if bad is not None:
        at = len(raw[: bad.start()].decode("utf-8", "surrogateescape"))
        note("bad-quoted-printable", f"{prop}: '=' not followed by two hex digits at byte "
             f"{bad.start()} of the value; kept as written", lineno, prop=prop,
             column=column + at if at < first else column)
    text, kind, message = decode_value_bytes(binascii.a2b_qp(raw), charset)
    if kind is not None:
        note(kind, f"{prop}: {message}", lineno, prop=prop, column=column)
    # Real line breaks stay until the card is closed and its version known (see close()).
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def _decode_escaped(value: str, charset: str | None, lineno: int, prop: str,
                    note: _Note, *, column: int) -> str:
    raw = value.encode("utf-8", "surrogateescape")
    text, kind, message = decode_value_bytes(raw, charset)
    if kind is not None:
        note(kind, f"{prop}: {message}", lineno, prop=prop, column=column)
    return text


def _read_agent(lines: list[str], i: int, card: _Card, note: _Note, *, base: int = 0,
                max_nesting: int = 4) -> int:
    """Take a vCard 2.1 inline AGENT card as the AGENT property's value.

    Cards nested deeper than ``max_nesting`` are skipped (a ``limit-exceeded`` finding);
    the lines are still consumed up to the matching END so reading resumes in step.
    """
    depth = 1
    deepest = 1
    start = i
    body = ["BEGIN:VCARD"]
    n = len(lines)
    while i < n and depth:
        ln = lines[i]
        key = ln.strip().upper()
        if key == "BEGIN:VCARD":
            depth += 1
            deepest = max(deepest, depth)
        elif key == "END:VCARD":
            depth -= 1
        if deepest <= max_nesting:
            body.append(ln)
        i += 1
    last = card.props[-1]
    if deepest > max_nesting:
        note("limit-exceeded", f"AGENT cards nested {deepest} deep (limit {max_nesting}); "
             "the nested cards were skipped", base + start, prop="AGENT")
        card.props.pop()
        card.lines.pop()
        return i
    card.props[-1] = last._replace(value=escape_component("\n".join(body), commas=False))
    note("nested-card", f"AGENT card nested inside this card ({i - start + 1} lines) kept "
         "as the AGENT value", base + start, prop="AGENT")
    return i
