"""Google Contacts and Outlook CSV exports, mapped onto vCard properties.

Column rules are data: an exact-name table for the fixed columns of both vendors and
patterns for Google's numbered groups (``Phone 2 - Value``) and Outlook's phone, email and
address families.  A column no rule knows is kept as ``X-CSV-FIELD;X-COLUMN="…"`` so that
nothing a user entered is dropped.  The 1-based physical line where a row starts is its
``line``.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Final

from .._model import Finding, Property, escape_component
from .decode import has_escaped_bytes, replace_escaped
from .vcard import RawCard

__all__ = ["looks_like_contacts_csv", "read_csv"]

#: Exact column -> (property, N/ADR component index or None, TYPE).
_FIXED: Final[dict[str, tuple[str, int | None, str | None]]] = {
    # names (N components: family, given, additional, prefix, suffix)
    "last name": ("N", 0, None), "family name": ("N", 0, None),
    "first name": ("N", 1, None), "given name": ("N", 1, None),
    "middle name": ("N", 2, None), "additional name": ("N", 2, None),
    "name prefix": ("N", 3, None), "title": ("N", 3, None),
    "name suffix": ("N", 4, None), "suffix": ("N", 4, None),
    "name": ("FN", None, None), "display name": ("FN", None, None),
    "nickname": ("NICKNAME", None, None),
    "birthday": ("BDAY", None, None), "anniversary": ("ANNIVERSARY", None, None),
    "notes": ("NOTE", None, None), "note": ("NOTE", None, None),
    "organization name": ("ORG", 0, None), "company": ("ORG", 0, None),
    "organization department": ("ORG", 1, None), "department": ("ORG", 1, None),
    "organization title": ("TITLE", None, None), "job title": ("TITLE", None, None),
    "web page": ("URL", None, None), "personal web page": ("URL", None, "HOME"),
    "categories": ("CATEGORIES", None, None), "labels": ("CATEGORIES", None, None),
    "group membership": ("CATEGORIES", None, None),
    "gender": ("GENDER", None, None), "photo": ("PHOTO", None, None),
    "e-mail address": ("EMAIL", None, None), "e-mail 2 address": ("EMAIL", None, None),
    "e-mail 3 address": ("EMAIL", None, None),
}

_GOOGLE_GROUP: Final = re.compile(
    r"(?P<kind>e-mail|phone|website|address|organization|relation|event|im|custom field)"
    r" (?P<n>\d+) - (?P<field>.+)\Z")
_OUTLOOK_ADR: Final = re.compile(
    r"(?P<type>home|business|other) (?P<field>street( \d)?|city|state|postal code|country"
    r"(/region)?|address po box|po box)\Z")
_OUTLOOK_TEL: Final = re.compile(r".*(phone( \d)?|fax|pager|mobile|telex|isdn|tty/tdd)\Z")
#: ADR components: post office box, extended, street, locality, region, code, country.
_ADR_FIELD: Final = {"po box": 0, "address po box": 0, "extended address": 1, "street": 2,
                     "city": 3, "region": 4, "state": 4, "postal code": 5, "country": 6,
                     "country/region": 6}
_TYPE_WORDS: Final = {"mobile": "CELL", "cell": "CELL", "home": "HOME", "business": "WORK",
                      "work": "WORK", "fax": "FAX", "pager": "PAGER", "other": "OTHER",
                      "main": "MAIN", "primary": "PREF"}
_GOOGLE_PROP: Final = {"e-mail": "EMAIL", "phone": "TEL", "website": "URL",
                       "relation": "RELATED", "event": "X-EVENT", "im": "IMPP",
                       "custom field": "X-CUSTOM"}
_MULTI_SEP: Final = " ::: "
#: Google's system group that every contact is in (new and old export spellings).
_GOOGLE_SYSTEM_GROUPS: Final = frozenset({"* mycontacts", "* my contacts"})
_CJK_NAME: Final = re.compile("[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")


def looks_like_contacts_csv(text: str) -> bool:
    """True when the first line is a header a contacts CSV export would have."""
    first = text.lstrip("\ufeff").split("\n", 1)[0].lower()
    if not any(sep in first for sep in ",;\t"):  # two columns ("Name,Phone") are enough
        return False
    hits = sum(w in first for w in ("first name", "last name", "given name", "family name",
                                    "e-mail", "phone", "name,", "mobile"))
    return hits >= 2


def _types(label: str) -> tuple[tuple[str, str], ...]:
    words = re.findall(r"[a-z]+", label.lower().lstrip("* "))
    types = [_TYPE_WORDS[w] for w in words if w in _TYPE_WORDS]
    if label.startswith("*"):
        types.append("PREF")  # Google marks the primary value with a leading '*'
    return (("TYPE", ",".join(dict.fromkeys(types))),) if types else ()


def _row_properties(header: list[str], row: list[str]) -> list[Property]:
    props: list[Property] = []
    structured: dict[tuple[str, str], list[str]] = {}
    google: dict[tuple[str, str], dict[str, str]] = {}
    extra: list[Property] = []
    for col, cell in zip(header, row, strict=False):
        value = cell.strip()
        if not value:
            continue
        key = col.strip().lower()
        if key in _FIXED:
            prop, index, typ = _FIXED[key]
            if index is not None:
                size = 7 if prop == "ADR" else 5 if prop == "N" else 2
                structured.setdefault((prop, ""), [""] * size)[index] = value
            else:
                params: tuple[tuple[str, str], ...] = (("TYPE", typ),) if typ else ()
                for v in value.split(_MULTI_SEP):
                    if prop == "CATEGORIES" and v.strip().lower() in _GOOGLE_SYSTEM_GROUPS:
                        continue  # Google's "every contact" group: not something entered
                    props.append(Property(prop, escape_component(v), params))
            continue
        if m := _GOOGLE_GROUP.match(key):
            google.setdefault((m["kind"], m["n"]), {})[m["field"]] = value
            continue
        if m := _OUTLOOK_ADR.match(key):
            field = m["field"].split(" ")[0] if m["field"].startswith("street") else m["field"]
            comps = structured.setdefault(("ADR", m["type"]), [""] * 7)
            idx = _ADR_FIELD[field]
            comps[idx] = f"{comps[idx]}\n{value}".strip() if idx == 2 else value
            continue
        if _OUTLOOK_TEL.match(key):
            props.append(Property("TEL", value, _types(key)))
            continue
        extra.append(Property("X-CSV-FIELD", escape_component(value), (("X-COLUMN", col),)))
    # Cells beyond the header (a stray delimiter in a row) are user data too: keep them
    # under their 1-based column number.
    for index in range(len(header), len(row)):
        if row[index].strip():
            extra.append(Property("X-CSV-FIELD", escape_component(row[index].strip()),
                                  (("X-COLUMN", f"#{index + 1}"),)))
    for (kind, _n), fields in google.items():
        label = fields.get("type") or fields.get("label") or ""
        params = _types(label)
        if kind == "address":
            comps = [fields.get(f, "") for f in ("po box", "extended address", "street", "city",
                                                 "region", "postal code", "country")]
            if any(comps):
                props.append(Property("ADR", ";".join(map(escape_component, comps)), params))
            elif fields.get("formatted"):
                props.append(Property("LABEL", escape_component(fields["formatted"]), params))
        elif kind == "organization":
            if fields.get("name") or fields.get("department"):
                props.append(Property("ORG", ";".join(
                    escape_component(fields.get(f, "")) for f in ("name", "department"))))
            if fields.get("title"):
                props.append(Property("TITLE", escape_component(fields["title"])))
        elif "value" in fields:
            for k, v in enumerate(fields["value"].split(_MULTI_SEP)):
                if k == 1 and params and "PREF" in params[0][1].split(","):
                    # one '* Label' over several values: only the first is the primary one
                    rest = [t for t in params[0][1].split(",") if t != "PREF"]
                    params = (("TYPE", ",".join(rest)),) if rest else ()
                if kind in ("phone", "e-mail", "website"):
                    props.append(Property(_GOOGLE_PROP[kind], v.strip(), params))
                else:
                    props.append(Property(_GOOGLE_PROP[kind], escape_component(v.strip()),
                                          params + ((("X-LABEL", label),) if label else ())))
    for (prop, typ), comps in structured.items():
        if prop == "N":
            props.insert(0, Property("N", ";".join(map(escape_component, comps))))
        elif prop == "ADR":
            params = (("TYPE", _TYPE_WORDS.get(typ, typ.upper())),)
            props.append(Property("ADR", ";".join(map(escape_component, comps)), params))
        else:
            props.append(Property(prop, ";".join(map(escape_component, comps)).rstrip(";")))
    if not any(p.name == "FN" for p in props):
        n = next((p for p in props if p.name == "N"), None)
        if n is not None:
            fam, giv, mid, *_ = (*n.components, "", "", "")
            # Chinese, Japanese and Korean names are written family name first, unspaced.
            fn = (fam + mid + giv if _CJK_NAME.search(fam + giv)
                  else " ".join(x for x in (giv, mid, fam) if x))
            if fn:
                props.insert(0, Property("FN", escape_component(fn)))
    return props + extra


def read_csv(text: str, *, source: str | None = None) -> tuple[list[RawCard], list[Finding]]:
    """Read a Google/Outlook contacts CSV export.  Never raises for bad data."""
    text = text.lstrip("\ufeff")
    findings: list[Finding] = []
    if has_escaped_bytes(text):
        for n, raw_line in enumerate(text.split("\n"), 1):
            if has_escaped_bytes(raw_line):
                findings.append(Finding.of(
                    "undecodable-bytes", "bytes not valid in the file's charset; replaced "
                    "with U+FFFD", line=n, source=source, column=1))
        text = replace_escaped(text)
    if "\x00" in text:
        for n, raw_line in enumerate(text.split("\n"), 1):
            if "\x00" in raw_line:
                findings.append(Finding.of("nul-byte", f"{raw_line.count(chr(0))} NUL byte(s)"
                                           " removed from the line", line=n, source=source,
                                           column=raw_line.index("\x00") + 1))
        text = text.replace("\x00", "")
    cards: list[RawCard] = []
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            text[:8192].split("\n", 1)[0], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    header: list[str] | None = None
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            findings.append(Finding.of("bad-csv-row", f"row cannot be read: {exc}",
                                       line=start, column=1, source=source))
            start = reader.line_num + 1
            continue
        line, start = start, reader.line_num + 1
        if header is None:
            header = row
            continue
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            findings.append(Finding.of(
                "bad-csv-row", f"row has {len(row)} fields but the header has {len(header)};"
                + (" the cells beyond it kept as X-CSV-FIELD" if len(row) > len(header)
                   else " the missing cells read as empty"), line=line, column=1, source=source,
                contact=len(cards)))
        props = _row_properties(header, row)
        cards.append(RawCard(line, None, tuple(props), (line,) * len(props), True))
    return cards, findings
