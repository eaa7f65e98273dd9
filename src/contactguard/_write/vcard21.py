"""Writing contacts as vCard 2.1 with quoted-printable UTF-8, for older Android phones.

vobject writes 3.0 and 4.0 only.  Android's importer before version 8 (and many car kits
and feature phones) reads 2.1 best, and reads non-ASCII text only as
``CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE``: that is what this writer produces for every
value that is not plain printable ASCII.  Pictures are ``ENCODING=BASE64`` folded at 76
characters, followed by the empty line 2.1 asks for.

Values are held in canonical 3.0 escaping; 2.1 has no escapes but ``\\;`` inside a
structured value, so the others are undone here.

2.1 has no parameter quoting either: a parameter value is a bare word, so one that holds
``;``, ``:``, ``,``, ``"``, ``\\``, ``^``, a control character or a line break, or any
non-ASCII character, cannot be written (``ADR;LABEL="1 Main St;Apt 2":…`` would end the
parameter, or the whole head, early and re-read as another address).  Such a parameter
(a bare ``TYPE`` value also when it holds ``=``) is left out: parameters are no part of
what :func:`~contactguard.fingerprint` compares, so the card still reads back equal.  An
ADR's 4.0 ``LABEL`` parameter is left out too rather than written as a 2.1 ``LABEL``
property, which would add a value the original card does not hold.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from typing import Final

from .._core import UsageError, atomic_write, expect
from .._model import Contact, Property

__all__ = ["dump_21", "dumps_21"]

#: Properties whose value is ';'-separated components (the ';' between them is kept).
_STRUCTURED: Final = frozenset({"N", "ADR", "ORG"})
#: Parameters consumed by decoding, or rewritten here.
_TRANSFER: Final = frozenset({"ENCODING", "CHARSET"})
_LINE: Final = 75
#: What a bare 2.1 parameter value cannot hold (see the module docstring); ``^`` because
#: readers (contactguard's among them) decode RFC 6868 caret escapes in every version.
_UNWRITABLE: Final = re.compile(r'[;:,"\\^\x00-\x1f\x7f]|[^\x00-\x7f]').search


def _qp(text: str, start: int = 0) -> str:
    """Quoted-printable of ``text`` as UTF-8, with ``=`` soft breaks under 76 columns
    (the first line already holds ``start`` characters: the property's name)."""
    out: list[str] = []
    line = ""
    used = start
    for byte in text.replace("\r\n", "\n").replace("\n", "\r\n").encode("utf-8"):
        ch = chr(byte)
        piece = ch if (33 <= byte <= 126 and ch != "=") or byte == 32 else f"={byte:02X}"
        if used + len(line) + len(piece) > _LINE - 1:
            out.append(line + "=")
            line, used = "", 0
        line += piece
    if line.endswith(" "):  # trailing white space is not data in quoted-printable
        line = line[:-1] + "=20"
    out.append(line)
    return "\r\n".join(out)


def _text(prop: Property) -> str:
    if prop.name in _STRUCTURED:
        return ";".join(c.replace(";", "\\;") for c in prop.components)
    return prop.text


def _params(prop: Property) -> list[str]:
    out: list[str] = []
    for key, val in prop.params:
        if key in _TRANSFER:
            continue
        if key == "TYPE":  # 2.1 writes types bare: TEL;CELL;VOICE
            # a bare word with '=' would re-read as a NAME=value parameter
            out.extend(v.upper() for v in val.split(",")
                       if v and "=" not in v and not _UNWRITABLE(v))
        elif not _UNWRITABLE(val):
            out.append(f"{key}={val}")
    return out


def _line(prop: Property) -> str:
    head = f"{prop.group}.{prop.name}" if prop.group else prop.name
    params = _params(prop)
    if prop.is_binary:
        data = prop.value.split(",", 1)[1] if prop.value[:5].lower() == "data:" else prop.value
        params.append("ENCODING=BASE64")
        start = ";".join([head, *params]) + ":"
        first = max(_LINE - len(start), 0)
        chunks = [data[:first]] + [data[i:i + 72] for i in range(first, len(data), 72)]
        return start + "\r\n ".join(chunks) + "\r\n"
    text = _text(prop)
    plain = ";".join([head, *params]) + ":" + text
    if text.isascii() and text.isprintable() and len(plain) <= _LINE:
        return plain  # anything longer is soft-broken by quoted-printable
    params += ["CHARSET=UTF-8", "ENCODING=QUOTED-PRINTABLE"]
    start = ";".join([head, *params]) + ":"
    return start + _qp(text, len(start))


def dumps_21(contacts: Iterable[Contact]) -> str:
    """``contacts`` as vCard 2.1 text with CRLF line ends (see the module docstring).

    >>> from contactguard import loads
    >>> text = dumps_21(loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:王小明\\nEND:VCARD\\n"))
    >>> text.splitlines()[2]
    'FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E7=8E=8B=E5=B0=8F=E6=98=8E'
    >>> loads(text)[0].formatted_name
    '王小明'
    """
    if isinstance(contacts, (str, bytes)) or not isinstance(contacts, Iterable):
        raise UsageError(f"dumps_21() takes contacts or a Snapshot, not {type(contacts).__name__}")
    out: list[str] = []
    for contact in contacts:
        expect(contact, Contact, "dumps_21()'s contacts")
        lines = ["BEGIN:VCARD", "VERSION:2.1"]
        lines += [_line(p) for p in contact.properties if p.name != "VERSION"]
        lines.append("END:VCARD")
        out.append("\r\n".join(lines) + "\r\n")
    return "".join(out)


def dump_21(contacts: Iterable[Contact], path: str | os.PathLike[str]) -> None:
    """Write :func:`dumps_21` of ``contacts`` to ``path`` atomically."""
    atomic_write(path, dumps_21(contacts))
