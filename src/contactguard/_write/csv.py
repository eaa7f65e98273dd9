"""Writing contacts as the CSV that Google Contacts and Outlook import.

Google Contacts imports its own CSV (the ``Given Name`` / ``Phone 1 - Value`` header it has
always exported and still reads) with every phone, e-mail, address and website in
numbered column groups; Outlook (classic, new and Outlook.com) imports its English CSV,
whose phones and e-mails sit in a fixed set of columns.  A CSV carries no pictures, keys
or sounds, and Outlook's fixed columns hold at most three e-mails and one or two phones of
each kind: :func:`csv_left_out` names what a card loses, so a caller can say so.

The tables are written to read back with contactguard's own CSV reader (``_read/csv.py``),
which the tests check.  Google's cells that hold several values separate them with
``" ::: "`` as its own export does: ``Group Membership`` holds every category of every
CATEGORIES line (``friends ::: work``), and a ``- Type`` cell holds one label in Google's
words (``Mobile``, ``Work Fax``).  A value that itself holds ``" ::: "`` reads back as two.

No cell is a formula when the file is opened in a spreadsheet (OWASP "CSV injection"):
a cell that starts with ``=``, ``@``, a tab, a carriage return or a line feed (how a
vCard value holds a carriage return) is written with a leading ``'``, and so is one that
starts with ``+`` or ``-`` unless it looks like a phone number (digits, spaces and
``+ - ( ) . /`` only, with at least one digit, then perhaps an extension such as
``ext. 12`` or ``x12``), which Google and Outlook import as it stands:
``+86 138 0013 8000`` is written as it is, ``=SUM(1+1)`` as ``'=SUM(1+1)``.
contactguard's reader takes the ``'`` off again before ``= + - @`` (so ``verify --plus``
of a repair file sees the value itself); Google and Outlook keep it in the value.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from typing import Final

from .._core import UsageError, expect
from .._model import Contact, Property, split_escaped, unescape

__all__ = ["CSV_LAYOUTS", "csv_left_out", "dumps_csv"]

CSV_LAYOUTS: Final = frozenset({"google", "outlook"})

_N_COLUMNS: Final = {
    "google": ("Family Name", "Given Name", "Additional Name", "Name Prefix", "Name Suffix"),
    "outlook": ("Last Name", "First Name", "Middle Name", "Title", "Suffix"),
}
#: Single-valued columns: property -> column, per layout.
_SINGLE: Final = {
    "google": {"FN": "Name", "NICKNAME": "Nickname", "BDAY": "Birthday", "NOTE": "Notes"},
    "outlook": {"FN": "Display Name", "NICKNAME": "Nickname", "BDAY": "Birthday",
                "NOTE": "Notes", "ANNIVERSARY": "Anniversary", "CATEGORIES": "Categories"},
}
#: What no CSV column holds: pictures, keys, sounds, and vCard bookkeeping.
_NO_COLUMN: Final = frozenset({"PHOTO", "LOGO", "KEY", "SOUND"})
_IGNORED: Final = frozenset({"VERSION", "PRODID", "REV", "UID", "X-ABLABEL", "X-ABUID"})
_ADR_FIELDS: Final = ("PO Box", "Extended Address", "Street", "City", "Region",
                      "Postal Code", "Country")
#: Outlook's phone columns by vCard TYPE; a number whose columns are taken goes to the
#: first free one of :data:`_OUTLOOK_SPARE`.
_OUTLOOK_TEL: Final = (("FAX", ("Business Fax", "Home Fax", "Other Fax")), ("PAGER", ("Pager",)),
                       ("CELL", ("Mobile Phone",)), ("HOME", ("Home Phone", "Home Phone 2")),
                       ("WORK", ("Business Phone", "Business Phone 2")), ("", ()))
_OUTLOOK_SPARE: Final = ("Other Phone", "Primary Phone", "Car Phone", "Radio Phone",
                         "Callback", "Company Main Phone", "Assistant's Phone")
_OUTLOOK_EMAIL: Final = ("E-mail Address", "E-mail 2 Address", "E-mail 3 Address")
_OUTLOOK_ADR: Final = {"HOME": "Home", "WORK": "Business", "": "Other"}
_OUTLOOK_ADR_FIELDS: Final = {2: "Street", 3: "City", 4: "State", 5: "Postal Code",
                              6: "Country/Region", 0: "PO Box"}


#: Google's separator of several values in one cell.
_MULTI_SEP: Final = " ::: "
#: Google's words for vCard types, where they differ from the type capitalized.
_GOOGLE_TYPE: Final = {"CELL": "Mobile"}
#: Types that come last in Google's labels: ``Work Fax``, ``Home Fax``.
_LAST_TYPES: Final = frozenset({"FAX", "PAGER"})
#: Cell starts a spreadsheet reads as a formula; ``+`` and ``-`` only when the cell does
#: not look like a phone number (see the module docstring).
_FORMULA_STARTS: Final = ("=", "@", "\t", "\r", "\n")
_SIGN_STARTS: Final = ("+", "-")
_PHONE_LIKE: Final = re.compile(
    r"[0-9 +\-()./]*[0-9][0-9 +\-()./]*(?: *(?:ext\.?|x) *[0-9]+)?", re.IGNORECASE).fullmatch


def _kind(prop: Property) -> str:
    """The one label of a ``- Type`` cell, in Google's words (``Work Fax``)."""
    types = sorted((t for t in prop.types if t not in {"PREF", "VOICE", "INTERNET", "X400"}),
                   key=lambda t: (t in _LAST_TYPES, t))
    return " ".join(_GOOGLE_TYPE.get(t, t.capitalize()) for t in types)


def _inert(cell: str) -> str:
    """``cell`` as a spreadsheet shows it rather than computes it (see the module docstring).

    >>> _inert("=SUM(1+1)"), _inert("+86 138 0013 8000"), _inert("-x")
    ("'=SUM(1+1)", '+86 138 0013 8000', "'-x")
    """
    if cell.startswith(_FORMULA_STARTS) or (
            cell.startswith(_SIGN_STARTS) and _PHONE_LIKE(cell) is None):
        return "'" + cell
    return cell


#: Company, department and job title columns of each dialect.
_ORG_COLUMNS: Final = {
    "google": ("Organization 1 - Name", "Organization 1 - Department", "Organization 1 - Title"),
    "outlook": ("Company", "Department", "Job Title"),
}


def _shared_columns(prop: Property, row: dict[str, str], dialect: str) -> bool:
    """Fill the columns both dialects lay out alike (name parts, single-valued fields,
    company and title); ``False`` when ``prop`` is not one of those (or its column is
    taken), for the dialect's own rules."""
    name = prop.name
    if name == "N":
        for col, part in zip(_N_COLUMNS[dialect], prop.components, strict=False):
            row[col] = part
        return True
    single = _SINGLE[dialect].get(name)
    if single is not None and single not in row:
        row[single] = prop.text
        return True
    company, department, title = _ORG_COLUMNS[dialect]
    if name == "ORG":
        parts = [*prop.components, "", ""]
        row[company], row[department] = parts[0], parts[1]
        return True
    if name == "TITLE":
        row[title] = prop.text
        return True
    return False


def _google_row(contact: Contact) -> tuple[dict[str, str], list[str]]:
    row: dict[str, str] = {}
    left: list[str] = []
    groups: dict[str, int] = {}

    def group(kind: str) -> str:
        groups[kind] = groups.get(kind, 0) + 1
        return f"{kind} {groups[kind]} - "

    categories: dict[str, None] = {}
    for prop in contact.properties:
        name = prop.name
        if name in _IGNORED or _shared_columns(prop, row, "google"):
            continue
        if name == "CATEGORIES":  # every line's items in one cell, as Google exports them
            items = (unescape(c).strip() for c in split_escaped(prop.value, ","))
            categories.update((c, None) for c in items if c)
        elif name in {"TEL", "EMAIL", "URL"}:
            g = group({"TEL": "Phone", "EMAIL": "E-mail", "URL": "Website"}[name])
            row[g + "Type"], row[g + "Value"] = _kind(prop), prop.text
        elif name == "ADR":
            g = group("Address")
            row[g + "Type"] = _kind(prop)
            for col, part in zip(_ADR_FIELDS, prop.components, strict=False):
                row[g + col] = part
        else:
            left.append(name)
    if categories:
        row["Group Membership"] = _MULTI_SEP.join(categories)
    return row, left


def _outlook_row(contact: Contact) -> tuple[dict[str, str], list[str]]:
    row: dict[str, str] = {}
    left: list[str] = []
    emails = iter(_OUTLOOK_EMAIL)
    for prop in contact.properties:
        name = prop.name
        if name in _IGNORED or _shared_columns(prop, row, "outlook"):
            continue
        if name == "URL" and "Web Page" not in row:
            row["Web Page"] = prop.text
        elif (column := _outlook_column(prop, row, emails)) is not None:
            row[column] = prop.text
        elif name == "ADR" and (prefix := _outlook_adr(prop, row)) is not None:
            for i, part in enumerate(prop.components):
                if i in _OUTLOOK_ADR_FIELDS and part:
                    row[f"{prefix} {_OUTLOOK_ADR_FIELDS[i]}"] = part
        else:
            left.append(name)
    return row, left


def _outlook_column(prop: Property, row: dict[str, str], emails: Iterator[str]
                    ) -> str | None:
    """The free column for an e-mail or phone, if any is left."""
    if prop.name == "EMAIL":
        return next(emails, None)
    return _outlook_tel(prop, row) if prop.name == "TEL" else None


def _outlook_tel(prop: Property, row: dict[str, str]) -> str | None:
    types = prop.types
    columns = next(cols for kind, cols in _OUTLOOK_TEL if not kind or kind in types)
    return next((c for c in (*columns, *_OUTLOOK_SPARE) if c not in row), None)


def _outlook_adr(prop: Property, row: dict[str, str]) -> str | None:
    kind = next((k for k in ("HOME", "WORK") if k in prop.types), "")
    prefix = _OUTLOOK_ADR[kind]
    return None if any(c.startswith(prefix + " ") for c in row) else prefix


_ROWS: Final = {"google": _google_row, "outlook": _outlook_row}


def csv_left_out(contact: Contact, *, layout: str = "google") -> tuple[str, ...]:
    """The properties of ``contact`` that a ``layout`` CSV has no column for
    (``("PHOTO",)``), in order."""
    if layout not in CSV_LAYOUTS:
        raise UsageError(f"no CSV layout {layout!r}; use 'google' or 'outlook'")
    return tuple(_ROWS[layout](contact)[1])


def dumps_csv(contacts: Iterable[Contact], *, layout: str = "google") -> str:
    """``contacts`` as a ``layout`` (``"google"`` or ``"outlook"``) CSV, UTF-8 text with a
    header row; columns appear in the order first used."""
    if layout not in CSV_LAYOUTS:
        raise UsageError(f"no CSV layout {layout!r}; use 'google' or 'outlook'")
    if isinstance(contacts, (str, bytes)) or not isinstance(contacts, Iterable):
        raise UsageError(f"dumps_csv() takes contacts or a Snapshot, not {type(contacts).__name__}")
    rows: list[dict[str, str]] = []
    header: dict[str, None] = {}
    for contact in contacts:
        expect(contact, Contact, "dumps_csv()'s contacts")
        row, _ = _ROWS[layout](contact)
        rows.append(row)
        header.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(header), lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({col: _inert(cell) for col, cell in row.items()} for row in rows)
    return out.getvalue()
