"""Contacts CSV exports (Google, Outlook, Apple, Thunderbird, Yahoo, LinkedIn) as vCard.

Column rules are data, in :mod:`~contactguard._read.columns`: vendor and language
aliases, an exact-name table, and patterns for Google's numbered groups (``Phone 2 -
Value``) and Outlook's phone, email and address families; a caller's ``columns`` map
comes first.  Placeholder cells (Outlook's ``0/0/00`` date) are empty.  A column no rule
knows is kept as ``X-CSV-FIELD;X-COLUMN="…"`` so that nothing a user entered is dropped.
The 1-based physical line where a row starts is its ``line``.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Mapping
from typing import Final

from .._core import UsageError
from .._model import Finding, Property, escape_component
from .columns import ADR_FIELD as _ADR_FIELD
from .columns import COLUMN_DEFAULTS, DERIVED_COLUMNS, PLACEHOLDERS, canonical, sniff_delimiter
from .columns import FIXED as _FIXED
from .columns import GOOGLE_GROUP as _GOOGLE_GROUP
from .columns import OUTLOOK_ADR as _OUTLOOK_ADR
from .columns import OUTLOOK_TEL as _OUTLOOK_TEL
from .decode import has_escaped_bytes, replace_escaped
from .vcard import RawCard

__all__ = ["ColumnMap", "column_map", "read_csv"]

#: An explicit column map resolved: lower-case header -> (property, component, TYPE).
ColumnMap = dict[str, tuple[str, int | None, str | None]]
_N_PARTS: Final = {"family": 0, "given": 1, "additional": 2, "prefix": 3, "suffix": 4}
_PROPERTY_NAME: Final = re.compile(r"(?:X-)?[A-Z][A-Z0-9-]*\Z")

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


def column_map(columns: Mapping[str, str]) -> ColumnMap:
    """Validate a caller's ``{"Header": "PROPERTY"}`` map (``"N.given"`` for a name part).

    >>> column_map({"Name": "FN", "Surname": "N.family", "Tel": "tel;type=cell"})
    {'name': ('FN', None, None), 'surname': ('N', 0, None), 'tel': ('TEL', None, 'CELL')}
    """
    out: ColumnMap = {}
    for header, target in columns.items():
        if not isinstance(header, str) or not isinstance(target, str):
            raise UsageError("columns maps header names to property names, both str")
        name, _, typ = target.strip().upper().partition(";TYPE=")
        prop, _, part = name.partition(".")
        index = _N_PARTS.get(part.lower()) if part else None
        if not _PROPERTY_NAME.match(prop) or (part and (prop != "N" or index is None)):
            raise UsageError(f"columns[{header!r}] = {target!r} is not a property name "
                             "(FN, TEL, EMAIL, NOTE…, N.family, N.given…, TEL;TYPE=CELL)")
        if prop == "N" and index is None:
            raise UsageError(f"columns[{header!r}]: say which part of N ('N.given'…)")
        out[header.strip().lower()] = (prop, index, typ or None)
    return out


def _types(label: str) -> tuple[tuple[str, str], ...]:
    words = re.findall(r"[a-z]+", label.lower().lstrip("* "))
    types = [_TYPE_WORDS[w] for w in words if w in _TYPE_WORDS]
    if label.startswith("*"):
        types.append("PREF")  # Google marks the primary value with a leading '*'
    return (("TYPE", ",".join(dict.fromkeys(types))),) if types else ()


#: Words of a column whose placeholder values (``0/0/00``, ``Unspecified``) mean "empty";
#: in any other column such a value is what the user typed, and is kept.
_PLACEHOLDER_COLUMNS: Final = ("date", "birthday", "anniversary", "gender", "datum",
                               "geburtstag", "naissance", "anniversaire", "cumpleaños",
                               "生日", "纪念日", "性别")


#: What a cell's leading ``'`` guards when a spreadsheet-safe writer (ours, OWASP's advice)
#: put it there: ``'=SUM(1+1)`` is the note ``=SUM(1+1)``.
_FORMULA_STARTS: Final = ("=", "+", "-", "@")


def _placeholder_column(key: str, rule: tuple[str, int | None, str | None] | None) -> bool:
    if rule is not None and rule[0] in {"BDAY", "ANNIVERSARY", "GENDER", "X-GENDER"}:
        return True
    return any(word in key for word in _PLACEHOLDER_COLUMNS)


def _row_properties(header: list[str], row: list[str], columns: ColumnMap
                    ) -> list[Property]:
    props: list[Property] = []
    structured: dict[tuple[str, str], list[str]] = {}
    google: dict[tuple[str, str], dict[str, str]] = {}
    extra: list[Property] = []
    for col, cell in zip(header, row, strict=False):
        value = cell.strip()
        if not value:
            continue
        if value[:1] == "'" and value[1:2] in _FORMULA_STARTS:
            value = value[1:]  # a writer's guard against spreadsheet formulas, not data
        key = canonical(col)
        if key in DERIVED_COLUMNS:
            continue  # Outlook's e-mail display name and type: made from other cells
        if value.lower() in COLUMN_DEFAULTS.get(key, ()):
            continue  # Outlook's Priority "Normal", Private "False": written for everyone
        rule = columns.get(col.strip().lower()) or _FIXED.get(key)
        if value.lower() in PLACEHOLDERS and _placeholder_column(key, rule):
            continue  # Outlook's 0/0/00 date is "no date", not an invalid one
        if rule is not None:
            prop, index, typ = rule
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


def _unclosed_quote(row: list[str], header: list[str], delimiter: str
                   ) -> list[list[str]] | None:
    """The rows a stray opening quote merged into one (``"Tom,Lee,+1650…`` and every line
    after it in one cell), or ``None``.  Only a short row whose multi-line cell holds a
    line with a whole row's delimiters counts: a note with line breaks has neither."""
    if len(row) >= len(header) or len(header) < 2:
        return None
    for k, cell in enumerate(row):
        if "\n" not in cell:
            continue
        first, *rest = cell.replace("\r\n", "\n").split("\n")
        if not any(line.count(delimiter) >= len(header) - 1 for line in rest):
            continue
        parse = functools.partial(csv.reader, delimiter=delimiter, strict=False)
        head: list[str] = next(iter(parse([first])), [])
        rows = [row[:k] + (head or [""])]
        rows += [r for r in parse(rest) if any(c.strip() for c in r)]
        rows[-1] = rows[-1] + row[k + 1:]
        return rows
    return None


def read_csv(text: str, *, source: str | None = None, columns: ColumnMap | None = None
             ) -> tuple[list[RawCard], list[Finding]]:
    """Read a contacts CSV export (see :mod:`~contactguard._read.columns`).

    Quoting is RFC 4180 (``""`` inside a quoted cell is one quote) whatever the header
    line looks like; only the delimiter is sniffed.  Never raises for bad data.
    """
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
    # csv.Sniffer on a header line guesses doublequote=False, which shifts every column
    # after a '""' escape: quoting is fixed by RFC 4180, only the delimiter varies.
    delimiter = sniff_delimiter(text[:65536].split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"',
                        doublequote=True, strict=False)
    wanted = columns or {}
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
        if (split := _unclosed_quote(row, header, delimiter)) is not None:
            findings.append(Finding.of(
                "bad-csv-row", f"a quote opened in this row is never closed, so it took in "
                f"the {len(split) - 1:,} row(s) after it as one cell; they were read as rows "
                "of their own: check them", line=line, column=1, source=source,
                contact=len(cards)))
            for k, part in enumerate(split):
                props = _row_properties(header, part, wanted)
                cards.append(RawCard(line + k, None, tuple(props), (line + k,) * len(props),
                                     True))
            continue
        if len(row) != len(header):
            findings.append(Finding.of(
                "bad-csv-row", f"row has {len(row)} fields but the header has {len(header)};"
                + (" the cells beyond it kept as X-CSV-FIELD" if len(row) > len(header)
                   else " the missing cells read as empty"), line=line, column=1, source=source,
                contact=len(cards)))
        props = _row_properties(header, row, wanted)
        cards.append(RawCard(line, None, tuple(props), (line,) * len(props), True))
    return cards, findings
