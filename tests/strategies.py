"""Hypothesis strategies shared by the whole test suite (one place, as in attrs).

* :func:`texts` — user text as people type it into address books: ASCII, accented Latin,
  CJK, full-width forms, kana, hangul, emoji, and the characters vCard must escape
  (``, ; \\`` and newline).
* :func:`properties` / :func:`contacts` — :class:`contactguard.Property` and
  :class:`contactguard.Contact` values in contactguard's canonical form (the form the
  reader produces), so ``loads(dumps(c))`` must give back an equal contact.
* :func:`vcard_soup` — vCard-ish bytes: real content lines, quoted-printable, base64,
  CHARSET labels, folding, mixed line ends, BOMs, and raw garbage, for "never raises" tests.

What vCard cannot carry, and so the round-trip strategies leave out:

* Control characters (U+0000-U+001F except LF, U+007F, U+0080-U+009F): NUL is removed by
  the reader (a ``nul-byte`` finding); CR and LF are line ends, so a CR in a value cannot
  survive (it becomes LF, written ``\\n``); other C0 controls are not allowed by RFC 6350.
* Lone surrogates (U+D800-U+DFFF): not encodable in UTF-8.
* U+FEFF at the start of a file is a BOM, and other Unicode line separators (U+0085,
  U+2028, U+2029) are left out because text tools treat them as line ends.
* Raw newlines in a *stored* value: values are held escaped (``\\n``); a text strategy's
  newline is escaped by :func:`contactguard._read._property.escape_component`.
* In parameter values: ``"`` (vCard 3.0/4.0 have no way to quote it without RFC 6868) and
  newlines; parameter values are never empty.
* Transfer parameters ``ENCODING`` and ``CHARSET`` in text properties: the reader consumes
  them by decoding (base64 keeps ``ENCODING=B`` on binary properties).
"""

from __future__ import annotations

import base64
from typing import Final

from hypothesis import strategies as st

from contactguard import Contact, Property
from contactguard._model import escape_component
from contactguard._read.columns import PLACEHOLDERS

__all__ = [
    "TEXT_PROPERTIES",
    "binary_properties",
    "contacts",
    "csv_cells",
    "csv_people",
    "groups",
    "param_lists",
    "properties",
    "texts",
    "vcard_soup",
]

#: Single-valued text properties (value is one escaped text).
TEXT_PROPERTIES: Final = ("FN", "NOTE", "TITLE", "ROLE", "X-ABLABEL", "X-PHONETIC-FIRST-NAME",
                          "X-ANDROID-CUSTOM", "X-WECHAT", "X-QQ", "LABEL", "X-FOO-BAR")
#: Values that are not escaped text (written as they stand).
PLAIN_PROPERTIES: Final = ("TEL", "EMAIL", "URL", "UID", "BDAY", "IMPP", "X-SOCIALPROFILE")
#: ';'-structured values, with their component counts.
STRUCTURED: Final = {"N": 5, "ADR": 7, "ORG": 2}
#: ','-lists.
LISTS: Final = ("CATEGORIES", "NICKNAME")

_ALPHABET: Final = st.one_of(
    st.characters(min_codepoint=0x20, max_codepoint=0x7E),        # printable ASCII
    st.sampled_from(",;\\:\n\"'"),                                  # what vCard escapes
    st.characters(min_codepoint=0xC0, max_codepoint=0x24F),        # accented Latin
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),     # CJK ideographs
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),     # full-width forms
    st.characters(min_codepoint=0x3041, max_codepoint=0x30FF),     # kana
    st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3),     # hangul
    st.characters(min_codepoint=0x1F300, max_codepoint=0x1FAFF),   # emoji
    st.sampled_from(["\u3000", "\u00a0", "\u200d", "\ufe0f", "\u00df"]),
)


def texts(*, min_size: int = 0, max_size: int = 40) -> st.SearchStrategy[str]:
    """User text: every character is one vCard can carry (see the module docstring)."""
    return st.text(_ALPHABET, min_size=min_size, max_size=max_size)


_PLAIN_ALPHABET: Final = st.one_of(
    st.characters(min_codepoint=0x21, max_codepoint=0x7E).filter(lambda c: c not in ",;\\"),
    st.sampled_from(" +-()@.#"), st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF))

_NAME_CHARS: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"


def groups() -> st.SearchStrategy[str | None]:
    """No group, Apple's ``item1`` … ``item12``, or another valid group name."""
    return st.one_of(st.none(), st.integers(1, 12).map(lambda i: f"item{i}"),
                     st.text("abcxyzABC019_-", min_size=1, max_size=6))


_PARAM_VALUE: Final = st.text(
    st.one_of(st.characters(min_codepoint=0x20, max_codepoint=0x7E).filter(lambda c: c != '"'),
              st.characters(min_codepoint=0x4E00, max_codepoint=0x4FFF)),
    min_size=1, max_size=10).filter(lambda v: v.strip() == v and v != "")
_TYPE_WORD: Final = st.sampled_from(["CELL", "VOICE", "HOME", "WORK", "pref", "INTERNET",
                                     "FAX", "x-custom", "IPHONE", "MAIN"])


def param_lists() -> st.SearchStrategy[tuple[tuple[str, str], ...]]:
    """Parameters as the reader gives them: upper-case keys, each once, sorted when more
    than one; ``TYPE`` values a ','-list of words."""
    type_param = st.lists(_TYPE_WORD, min_size=1, max_size=3, unique=True).map(
        lambda words: ("TYPE", ",".join(words)))
    other = st.tuples(st.sampled_from(["X-LABEL", "LANGUAGE", "PREF", "X-SERVICE-TYPE",
                                       "VALUE", "X-COLUMN"]), _PARAM_VALUE)
    return st.lists(st.one_of(type_param, other), max_size=3,
                    unique_by=lambda kv: kv[0]).map(lambda ps: tuple(sorted(ps)))


def _structured(name: str) -> st.SearchStrategy[str]:
    return st.lists(texts(max_size=12), min_size=STRUCTURED[name],
                    max_size=STRUCTURED[name]).map(
        lambda comps: ";".join(escape_component(c) for c in comps))


def binary_properties() -> st.SearchStrategy[Property]:
    """PHOTO/LOGO as base64 with ``ENCODING=B`` and an image TYPE (the canonical form)."""
    return st.builds(
        lambda name, data, typ, group: Property(
            name, base64.b64encode(data).decode("ascii"),
            (("ENCODING", "B"), ("TYPE", typ)), group),
        st.sampled_from(["PHOTO", "LOGO"]), st.binary(min_size=1, max_size=120),
        st.sampled_from(["PNG", "JPEG", "GIF"]), groups())


def properties() -> st.SearchStrategy[Property]:
    """One property in canonical form (what the reader gives for what it reads)."""
    text_prop = st.builds(lambda n, v, p, g: Property(n, escape_component(v), p, g),
                          st.sampled_from(TEXT_PROPERTIES), texts(), param_lists(), groups())
    plain_prop = st.builds(Property, st.sampled_from(PLAIN_PROPERTIES),
                           st.text(_PLAIN_ALPHABET, max_size=30), param_lists(), groups())
    structured = st.sampled_from(sorted(STRUCTURED)).flatmap(
        lambda n: st.builds(Property, st.just(n), _structured(n), param_lists(), groups()))
    lists = st.builds(
        lambda n, items, p, g: Property(n, ",".join(escape_component(i) for i in items), p, g),
        st.sampled_from(LISTS), st.lists(texts(min_size=1, max_size=10), max_size=4),
        param_lists(), groups())
    x_name = st.builds(
        lambda suffix, v, p, g: Property("X-" + suffix, escape_component(v), p, g),
        st.text(_NAME_CHARS, min_size=1, max_size=12), texts(), param_lists(), groups())
    return st.one_of(text_prop, plain_prop, structured, lists, x_name, binary_properties())


def contacts(*, max_properties: int = 8) -> st.SearchStrategy[Contact]:
    """A contact of up to ``max_properties`` canonical properties."""
    return st.lists(properties(), max_size=max_properties).map(lambda ps: Contact(tuple(ps)))


_SOUP_LINES: Final = st.sampled_from([
    b"BEGIN:VCARD", b"END:VCARD", b"begin:vcard", b"VERSION:2.1", b"VERSION:3.0",
    b"VERSION:4.0", b"VERSION:9.9", b"FN:Ada", b"N:Doe;John;;;",
    b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0;=E4=BC=9F;;;",
    b"FN;ENCODING=QUOTED-PRINTABLE:=E5=BC=", b"=A0=ZZ", b"FN;CHARSET=GBK:\xd5\xc5\xce\xb0",
    b"FN;CHARSET=NOPE;ENCODING=QUOTED-PRINTABLE:=41", b"TEL;CELL;VOICE:+86 138 0013 8000",
    b"item1.TEL;type=CELL;type=pref:+1", b"item1.X-ABLabel:_$!<Mobile>!$_",
    b"PHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=", b"PHOTO;ENCODING=BASE64;JPEG:/9j/4AAQ",
    b"  AAAA", b"\tBBBB", b"PHOTO:data:image/png;base64,iVBOR!!", b"AGENT:", b"",
    b'X-A;X-P="a:b;c":v', b"junk line", b":", b";;;:", b"\x00", b"NOTE:a\\nb\\,c",
    b"\xff\xfe", b"\xef\xbb\xbf", b"PK\x03\x04", b"\xa4\xa4\xa4\xe5",
])
_LINE_ENDS: Final = st.sampled_from([b"\r\n", b"\n", b"\r"])


def vcard_soup() -> st.SearchStrategy[bytes]:
    """Bytes that look like a vCard file, damaged in the ways real exports are."""
    line = st.one_of(_SOUP_LINES, _SOUP_LINES, st.binary(max_size=20))
    return st.builds(lambda lines, end: end.join(lines), st.lists(line, max_size=30),
                     _LINE_ENDS)


# -- CSV tables (issue #13) ---------------------------------------------------------------

def csv_cells() -> st.SearchStrategy[str]:
    """One CSV cell as a user's export holds it: any text, with commas, quotes, ';' and
    line breaks, but no surrounding blanks (the reader strips cells), not Google's
    ``" ::: "`` multi-value separator and not an exporter's placeholder (``0/0/00``)."""
    alphabet = st.one_of(_ALPHABET, st.sampled_from(['"', ",", ";", "\t", "\n"]))
    return (st.text(alphabet, min_size=1, max_size=20).map(str.strip)
            .filter(lambda t: bool(t) and ":::" not in t and "\r" not in t
                    and t.lower() not in PLACEHOLDERS))


_NAME: Final = st.text(st.characters(min_codepoint=0x61, max_codepoint=0x7A), min_size=2,
                       max_size=10).map(str.capitalize)


@st.composite
def csv_people(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """(given, family, email, phone) of one person, as every export can carry them."""
    given, family = draw(_NAME), draw(_NAME)
    user = draw(st.text(st.characters(min_codepoint=0x61, max_codepoint=0x7A), min_size=1,
                        max_size=8))
    phone = "+44 20 7946 " + draw(st.integers(0, 9999).map("{:04d}".format))
    return given, family, f"{user}@example.com", phone
