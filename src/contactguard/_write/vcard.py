"""Writing contacts back out as vCard 3.0 or 4.0, through vobject.

Values are held in canonical 3.0/4.0 escaping already, so each property is handed to
vobject as an *encoded* content line: vobject does the quoting of parameters, folding and
card framing, and nothing is escaped twice.  Binary values are kept as base64 with
``ENCODING=B`` in 3.0 and written as ``data:`` URIs in 4.0.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Final

import vobject
from vobject.base import ContentLine

from .._core import UsageError, atomic_write, expect
from .._model import Contact, Property

__all__ = ["dump", "dumps"]

VERSIONS: Final = frozenset({"3.0", "4.0"})
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
        out.append(card.serialize(validate=False))
    return "".join(out)


def dump(contacts: Iterable[Contact], path: str | os.PathLike[str], *,
         version: str = "3.0") -> None:
    """Write ``contacts`` to ``path`` atomically (see :func:`dumps`)."""
    atomic_write(path, dumps(contacts, version=version))
