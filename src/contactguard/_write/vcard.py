"""Writing contacts back out as vCard 3.0 or 4.0, through vobject.

Values are held in canonical 3.0/4.0 escaping already, so each property is handed to
vobject as an *encoded* content line: vobject does the quoting of parameters and card
framing, and nothing is escaped twice.  Binary values are kept as base64 with
``ENCODING=B`` in 3.0 and written as ``data:`` URIs in 4.0.

Folding is done here, not by vobject, which leaves any line of fewer than 75
*characters* whole (a NOTE of 62 Chinese characters was one 191-octet line).  Every
content line, pictures included, is at most 75 octets before its CRLF (RFC 6350 §3.2),
folded with CRLF and one space between characters, never inside a UTF-8 sequence.  No
fold splits an escape such as ``\\n``: contactguard's reader unfolds before it unescapes,
but a reader that unescaped each physical line would not.  No line ends in ``=`` either:
under a head that says QUOTED-PRINTABLE (an ``X-`` parameter may) readers, contactguard's
among them, take that for a soft line break and lose the continuation.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable
from typing import Final

import vobject
from vobject.base import ContentLine

from .._core import UsageError, atomic_write, expect
from .._model import Contact, Property

__all__ = ["dump", "dumps"]

VERSIONS: Final = frozenset({"3.0", "4.0"})
#: Octets a content line may hold, excluding its CRLF (RFC 6350 §3.2, RFC 2425 §5.8.1).
_LINE_OCTETS: Final = 75
_MEDIA: Final = {"JPEG": "image/jpeg", "JPG": "image/jpeg", "PNG": "image/png",
                 "GIF": "image/gif", "BMP": "image/bmp", "TIFF": "image/tiff",
                 "WEBP": "image/webp", "HEIC": "image/heic"}


def _caret_encode(value: str) -> str:
    """RFC 6868: the characters a parameter value cannot hold, as caret escapes."""
    if not any(c in value for c in '^"\n\r'):
        return value
    return (value.replace("^", "^^").replace("\r\n", "\n").replace("\r", "\n")
            .replace("\n", "^n").replace('"', "^'"))


def _params(prop: Property, version: str) -> list[list[str]]:
    out: list[list[str]] = []
    for key, val in prop.params:
        if version == "4.0" and prop.is_binary and key in {"ENCODING", "TYPE"}:
            continue  # carried by the data: URI instead
        if key == "TYPE":
            out.append([key, *[_caret_encode(v) for v in val.split(",") if v]])
        else:
            out.append([key, _caret_encode(val)])
    return out


def _value(prop: Property, version: str) -> str:
    if version == "4.0" and prop.is_binary:
        kind = next(iter(prop.param("TYPE")), "").upper()
        media = _MEDIA.get(kind, f"image/{kind.lower()}" if kind else "application/octet-stream")
        return f"data:{media};base64,{prop.value}"
    return prop.value


def _fold(line: str) -> str:
    r"""``line`` (one unfolded content line, no line end) folded to :data:`_LINE_OCTETS`
    octets a line: CRLF and a space go between characters where the octet count would pass
    75 (74 after the space), or a little earlier so that no escape (``\n``, ``\\``) is split
    and no line ends in ``=``.

    >>> [len(part.encode()) for part in _fold("NOTE:" + "中" * 30).split("\r\n")]
    [74, 22]
    """
    if len(line) * 4 <= _LINE_OCTETS or len(line.encode("utf-8")) <= _LINE_OCTETS:
        return line
    # bad[i]: a fold before line[i] would split an escape or follow '='
    bad = bytearray(len(line) + 1)
    escaping = False
    for i, ch in enumerate(line):
        escaping = ch == "\\" and not escaping
        bad[i + 1] = escaping or ch == "="
    parts: list[str] = []
    start, used, room = 0, 0, _LINE_OCTETS
    for i, ch in enumerate(line):
        size = 1 if ch < "\x80" else len(ch.encode("utf-8"))
        if used + size > room:
            cut = i
            while cut > start and bad[cut]:
                cut -= 1  # fold before the '\' or '=' instead
            if cut == start or i - cut + size > _LINE_OCTETS - 1:
                cut = i  # a line's worth of '=': fold where the line is full
            parts.append(line[start:cut])
            # what moved to the new line is '\' and '=' only: one octet each
            start, room, used = cut, _LINE_OCTETS - 1, i - cut
        used += size
    parts.append(line[start:])
    return "\r\n ".join(parts)


def dumps(contacts: Iterable[Contact], *, version: str = "3.0") -> str:
    """Write ``contacts`` (a Snapshot or any iterable of Contact) as vCard text.

    Every property, parameter, group and ``X-`` extension is written; nothing is added
    (no PRODID, no invented FN), so ``loads(dumps(s))`` holds equal contacts.
    """
    if version not in VERSIONS:
        raise UsageError(f"cannot write vCard {version!r}; use '3.0' or '4.0'")
    out: list[str] = []
    if isinstance(contacts, (str, bytes)) or not isinstance(contacts, Iterable):
        raise UsageError(f"dumps() takes contacts or a Snapshot, not {type(contacts).__name__}")
    for contact in contacts:
        expect(contact, Contact, "dumps()'s contacts")
        card = vobject.vCard()
        card.add(ContentLine("VERSION", [], version))
        for prop in contact.properties:
            line = card.add(ContentLine(prop.name, _params(prop, version), "",
                                        group=prop.group, encoded=True))
            # Values are already escaped: vobject's per-property behaviours would decode
            # them again (base64 to bytes, data: URIs split at ',') and skip folding PHOTO,
            # so the value is set after add() and the line is serialized behaviour-free.
            line.behavior = None
            line.value = _value(prop, version)
            line.encoded = True
        # vobject leaves lines shorter than its lineLength whole: none, here; _fold() folds.
        text = card.serialize(validate=False, lineLength=sys.maxsize)
        out.extend(_fold(content) + "\r\n" for content in text.split("\r\n")[:-1])
    return "".join(out)


def dump(contacts: Iterable[Contact], path: str | os.PathLike[str], *,
         version: str = "3.0") -> None:
    """Write ``contacts`` to ``path`` atomically (see :func:`dumps`)."""
    atomic_write(path, dumps(contacts, version=version))
