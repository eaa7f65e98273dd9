"""The property value object and the vCard property tables.

A :class:`Property` is one content line of a card after *transfer* decoding:
quoted-printable and CHARSET have been applied, base64 is kept as compact text, and the
value is held in the escaping of vCard 3.0/4.0 (``\\,``, ``\\;``, ``\\n``, ``\\\\``)
whatever version the card was written in.  That single canonical escaping is what makes a
vCard 2.1 card and its 3.0 re-export hold equal properties.
"""

from __future__ import annotations

import re
from typing import Final, NamedTuple

from .._core import escape_controls, mask_property, mask_value
from .._notebook import current_options

__all__ = [
    "BINARY_PROPERTIES",
    "LIST_PROPERTIES",
    "STRUCTURED_PROPERTIES",
    "UNESCAPED_PROPERTIES",
    "VOLATILE_PREFIXES",
    "VOLATILE_PROPERTIES",
    "Property",
    "escape_component",
    "split_escaped",
    "unescape",
]

#: Properties that are not user data: sync ids, timestamps, producer, labels and display
#: hints that differ between vendors.  Matched by exact name or by prefix ending in '-'.
VOLATILE_PROPERTIES: Final = frozenset({
    "VERSION", "PRODID", "REV", "UID", "SORT-STRING", "CLIENTPIDMAP", "KIND", "SOURCE", "NAME",
    "X-ABUID", "X-ABLABEL", "X-ABSHOWAS", "X-ABADR", "X-ABRELATEDNAMES-LABEL",
    "X-IRMC-LUID", "X-ANDROID-UID", "X-EVOLUTION-FILE-AS", "X-EVOLUTION-LIST",
    "X-EVOLUTION-BLOG-URL-LABEL", "X-MOZILLA-HTML", "X-MOZILLA-PROPERTY", "X-RADICALE-NAME",
    "X-GOOGLE-ETAG", "X-GOOGLE-ID", "X-MS-OL-DEFAULT-POSTAL-ADDRESS", "X-MS-CARDPICTURE-TYPE",
    "X-WAB-GENDER", "X-SHARE-LUID", "X-SYNCML-REF", "X-FUNAMBOL-LUID",
})
VOLATILE_PREFIXES: Final = ("X-ABCHANGED", "X-APPLE-", "X-COUCHDB-", "X-DAVX5-", "X-OPENSYNC-")

#: Properties whose value is a ';'-separated structure (RFC 6350 §6).
#: X-ANDROID-CUSTOM is Android's own structured extension
#: ("vnd.android.cursor.item/nickname;Neen;1;;;").
STRUCTURED_PROPERTIES: Final = frozenset({"N", "ADR", "ORG", "GENDER", "CLIENTPIDMAP",
                                          "X-ANDROID-CUSTOM"})
#: Properties whose value is a ','-separated list.
LIST_PROPERTIES: Final = frozenset({"CATEGORIES", "NICKNAME"})
#: Properties that may carry inline binary data (base64 or a data: URI).
BINARY_PROPERTIES: Final = frozenset({"PHOTO", "LOGO", "SOUND", "KEY"})
#: Properties whose values are not text: their 2.1 values are taken as they stand.
UNESCAPED_PROPERTIES: Final = BINARY_PROPERTIES | frozenset({
    "TEL", "EMAIL", "URL", "UID", "BDAY", "ANNIVERSARY", "REV", "GEO", "TZ", "AGENT",
    "IMPP", "MEMBER", "SOURCE", "FBURL", "CALURI", "CALADRURI", "VERSION",
})

_UNESCAPES: Final = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}


def unescape(text: str) -> str:
    r"""Undo vCard 3.0/4.0 text escaping (a backslash before any other character, or at the
    end, stays as written).

    >>> unescape(r"a\, b\nc\\d")
    'a, b\nc\\d'
    """
    if "\\" not in text:
        return text
    return _ESCAPED(_unescape_one, text)


_ESCAPED: Final = re.compile(r"\\(.)", re.DOTALL).sub


def _unescape_one(m: re.Match[str]) -> str:
    return _UNESCAPES.get(m[1]) or m[0]


_NEEDS_ESCAPE: Final = re.compile(r"[\\,;\n\r]").search


def escape_component(text: str, *, commas: bool = True) -> str:
    r"""Escape text for a vCard 3.0/4.0 value component.

    >>> escape_component("a, b;c\nd")
    'a\\, b\\;c\\nd'
    """
    if _NEEDS_ESCAPE(text) is None:
        return text
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace("\r\n", "\n")
    text = text.replace("\r", "\n").replace("\n", "\\n")
    return text.replace(",", "\\,") if commas else text


def split_escaped(text: str, sep: str) -> list[str]:
    r"""Split at ``sep`` where it is not backslash-escaped; escapes are kept.

    >>> split_escaped(r"Doe;John\;Jr;;", ";")
    ['Doe', 'John\\;Jr', '', '']
    """
    if "\\" not in text:
        return text.split(sep)
    parts: list[str] = []
    cur: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "\\" and i + 1 < n:
            cur.append(text[i : i + 2])
            i += 2
            continue
        if ch == sep:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    parts.append("".join(cur))
    return parts


#: Parameters whose values describe a value's form, not the person (shown in reprs).
_PLAIN_PARAMS: Final = frozenset({"TYPE", "PREF", "VALUE", "ENCODING", "CHARSET", "PID",
                                  "ALTID", "MEDIATYPE", "CALSCALE", "LANGUAGE"})


class Property(NamedTuple):
    """One property of a contact, e.g. ``item1.TEL;TYPE=CELL:+86 138 0013 8000``.

    ``name`` is upper-case; ``params`` are ``(NAME, value)`` pairs with upper-case names in
    the order written (a vCard 2.1 bare parameter such as ``CELL`` becomes
    ``("TYPE", "CELL")``); ``group`` is the Apple-style group (``item1``) or ``None``.
    Transfer parameters (``ENCODING=QUOTED-PRINTABLE``, ``CHARSET``) are consumed by
    decoding and not kept; base64 keeps ``("ENCODING", "B")``.
    """

    name: str
    value: str
    params: tuple[tuple[str, str], ...] = ()
    group: str | None = None

    def __repr__(self) -> str:
        """Masked (``value='+86138****8000'``) unless ``display_options(
        show_personal_data=True)``; the value itself is :attr:`value`."""
        show = current_options().show_personal_data
        value = self.value if show else mask_property(self.name, self.value)
        params = self.params if show else tuple(
            (k, v if k in _PLAIN_PARAMS else mask_value(v)) for k, v in self.params)
        return escape_controls(f"Property(name={self.name!r}, value={value!r}, "
                               f"params={params!r}, group={self.group!r})")

    def param(self, name: str) -> tuple[str, ...]:
        """All values of parameter ``name`` (comma lists flattened), as written."""
        name = name.upper()
        out: list[str] = []
        for key, val in self.params:
            if key == name:
                out.extend(v for v in val.split(",") if v)
        return tuple(out)

    @property
    def types(self) -> frozenset[str]:
        """The TYPE parameter values, upper-cased: ``{"CELL", "VOICE"}``."""
        return frozenset(t.strip().upper() for t in self.param("TYPE"))

    @property
    def text(self) -> str:
        """The value with vCard escapes undone (for single-valued text properties)."""
        return unescape(self.value)

    @property
    def components(self) -> tuple[str, ...]:
        """The ';'-separated components of a structured value, unescaped."""
        return tuple(unescape(c) for c in split_escaped(self.value, ";"))

    @property
    def is_binary(self) -> bool:
        """True for inline base64 or ``data:`` payloads (PHOTO, LOGO, KEY, SOUND)."""
        if self.name not in BINARY_PROPERTIES:
            return False
        enc = {v.upper() for v in self.param("ENCODING")}
        return bool(enc & {"B", "BASE64"}) or self.value[:5].lower() == "data:"


Property.__module__ = "contactguard"
