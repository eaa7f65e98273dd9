"""Contact CSV columns as data: which header names are contact fields, in which export.

Every vendor's column is resolved to one canonical (English Outlook/Google) column name
by :data:`ALIASES`, and canonical names map onto vCard properties by :data:`FIXED` and
the patterns for Google's numbered groups (``Phone 2 - Value``) and Outlook's address and
phone families.  A CSV is read as contacts only when its header has at least one column
these tables know (:func:`known_columns`); ``a,b,c`` is not an address book.

Exports covered: Google (old ``Given Name`` and new ``First Name`` headers), Outlook in
English, German, French, Spanish and Chinese, Apple/iCloud exports, Thunderbird, Yahoo
and LinkedIn.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping, Sequence
from typing import Final

__all__ = [
    "ADR_FIELD", "ALIASES", "COLUMN_DEFAULTS", "DERIVED_COLUMNS", "FIXED", "GOOGLE_GROUP",
    "OUTLOOK_ADR", "OUTLOOK_TEL",
    "PLACEHOLDERS", "canonical", "header_cells", "known_columns", "sniff_delimiter",
]

#: Canonical column -> (property, N/ADR/ORG component index or None, TYPE).
FIXED: Final[dict[str, tuple[str, int | None, str | None]]] = {
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
    "business web page": ("URL", None, "WORK"),
    "categories": ("CATEGORIES", None, None), "labels": ("CATEGORIES", None, None),
    "group membership": ("CATEGORIES", None, None),
    "gender": ("GENDER", None, None), "photo": ("PHOTO", None, None),
    "e-mail address": ("EMAIL", None, None), "e-mail 2 address": ("EMAIL", None, None),
    "e-mail 3 address": ("EMAIL", None, None),
    "fax number": ("TEL", None, "FAX"), "pager number": ("TEL", None, "PAGER"),
    "mobile number": ("TEL", None, "CELL"),
}

#: Vendor or language column (lower case) -> canonical column of :data:`FIXED` or of the
#: Outlook address and phone families below.
ALIASES: Final[dict[str, str]] = {
    # Thunderbird
    "primary email": "e-mail address", "secondary email": "e-mail 2 address",
    "organization": "company", "web page 1": "web page", "web page 2": "personal web page",
    "home address": "home street", "home address 2": "home street 2",
    "home zipcode": "home postal code", "work address": "business street",
    "work address 2": "business street 2", "work city": "business city",
    "work state": "business state", "work zipcode": "business postal code",
    "work country": "business country",
    # Yahoo
    "first": "first name", "middle": "middle name", "last": "last name",
    "email": "e-mail address", "alternate email 1": "e-mail 2 address",
    "alternate email 2": "e-mail 3 address", "home": "home phone", "work": "business phone",
    "mobile": "mobile phone", "fax": "business fax", "pager": "pager number",
    "personal website": "personal web page", "business website": "business web page",
    "home zip": "home postal code", "work zip": "business postal code",
    "comments": "notes", "category": "categories",
    # Outlook's flag columns, in its languages (see COLUMN_DEFAULTS)
    "priorität": "priority", "vertraulichkeit": "sensitivity", "privat": "private",
    "priorité": "priority", "critère de diffusion": "sensitivity", "privé": "private",
    "prioridad": "priority", "confidencialidad": "sensitivity", "privado": "private",
    "优先级": "priority", "敏感度": "sensitivity", "私有": "private",
    # LinkedIn
    "email address": "e-mail address", "url": "web page", "position": "job title",
    # Apple / iCloud exports
    "email (home)": "e-mail address", "email (work)": "e-mail 2 address",
    "phone (mobile)": "mobile phone", "phone (home)": "home phone",
    "phone (work)": "business phone", "organisation": "company",
    "full name": "name",
    # Outlook, German
    "anrede": "title", "vorname": "first name", "weitere vornamen": "middle name",
    "nachname": "last name", "firma": "company", "abteilung": "department",
    "straße geschäftlich": "business street", "straße geschäftlich 2": "business street 2",
    "ort geschäftlich": "business city", "region geschäftlich": "business state",
    "postleitzahl geschäftlich": "business postal code",
    "land/region geschäftlich": "business country/region",
    "straße privat": "home street", "straße privat 2": "home street 2",
    "ort privat": "home city", "region privat": "home state",
    "postleitzahl privat": "home postal code", "land/region privat": "home country/region",
    "telefon geschäftlich": "business phone", "telefon geschäftlich 2": "business phone 2",
    "telefon privat": "home phone", "telefon privat 2": "home phone 2",
    "mobiltelefon": "mobile phone", "fax geschäftlich": "business fax",
    "fax privat": "home fax", "e-mail-adresse": "e-mail address",
    "e-mail 2: adresse": "e-mail 2 address", "e-mail 3: adresse": "e-mail 3 address",
    "geburtstag": "birthday", "jahrestag": "anniversary", "notizen": "notes",
    "kategorien": "categories", "webseite": "web page", "spitzname": "nickname",
    # Outlook, French
    "prénom": "first name", "deuxième prénom": "middle name", "nom": "last name",
    "titre": "title", "suffixe": "suffix", "société": "company", "service": "department",
    "rue (bureau)": "business street", "ville (bureau)": "business city",
    "code postal (bureau)": "business postal code",
    "pays/région (bureau)": "business country/region", "rue (domicile)": "home street",
    "ville (domicile)": "home city", "code postal (domicile)": "home postal code",
    "pays/région (domicile)": "home country/region",
    "téléphone (bureau)": "business phone", "téléphone (domicile)": "home phone",
    "tél. mobile": "mobile phone", "télécopie (bureau)": "business fax",
    "adresse de messagerie": "e-mail address", "adresse de messagerie 2": "e-mail 2 address",
    "adresse de messagerie 3": "e-mail 3 address", "anniversaire": "birthday",
    "catégories": "categories", "page web": "web page", "surnom": "nickname",
    # Outlook, Spanish
    "nombre": "first name", "segundo nombre": "middle name", "apellidos": "last name",
    "organización": "company", "teléfono móvil": "mobile phone",
    "teléfono del trabajo": "business phone", "teléfono particular": "home phone",
    "dirección de correo electrónico": "e-mail address", "cumpleaños": "birthday",
    "notas": "notes",
    # Outlook, Chinese (simplified)
    "名": "first name", "中间名": "middle name", "姓": "last name", "称谓": "title",
    "后缀": "suffix", "公司": "company", "部门": "department", "职务": "job title",
    "商务电话": "business phone", "商务电话 2": "business phone 2", "住宅电话": "home phone",
    "住宅电话 2": "home phone 2", "移动电话": "mobile phone", "商务传真": "business fax",
    "住宅传真": "home fax", "寻呼机": "pager", "电子邮件地址": "e-mail address",
    "电子邮件 2 地址": "e-mail 2 address", "电子邮件 3 地址": "e-mail 3 address",
    "生日": "birthday", "纪念日": "anniversary", "附注": "notes", "类别": "categories",
    "网页": "web page", "昵称": "nickname",
}

GOOGLE_GROUP: Final = re.compile(
    r"(?P<kind>e-mail|phone|website|address|organization|relation|event|im|custom field)"
    r" (?P<n>\d+) - (?P<field>.+)\Z")
OUTLOOK_ADR: Final = re.compile(
    r"(?P<type>home|business|other) (?P<field>street( \d)?|city|state|postal code|country"
    r"(/region)?|address po box|po box)\Z")
OUTLOOK_TEL: Final = re.compile(r".*(phone( \d)?|fax|pager|mobile|telex|isdn|tty/tdd)\Z")
#: ADR components: post office box, extended, street, locality, region, code, country.
ADR_FIELD: Final = {"po box": 0, "address po box": 0, "extended address": 1, "street": 2,
                    "city": 3, "region": 4, "state": 4, "postal code": 5, "country": 6,
                    "country/region": 6}
#: Values exporters write for "nothing here": read as empty cells, never as data
#: (Outlook writes ``0/0/00`` for every empty date and ``Unspecified`` for gender).
PLACEHOLDERS: Final = frozenset({
    "0/0/00", "0/0/0000", "00/00/00", "00/00/0000", "0.0.00", "00.00.00", "00.00.0000",
    "0000-00-00", "unspecified",
})
#: Canonical column -> the values Outlook writes in it for every contact (its defaults,
#: in the export's language): not something a user entered, so read as empty.  Any other
#: value ("High", "Private") is kept.
COLUMN_DEFAULTS: Final = {
    "priority": frozenset({"normal", "normale"}),
    "sensitivity": frozenset({"normal", "normale"}),
    "private": frozenset({"false", "aus", "faux", "falso", "否"}),
}
#: Canonical columns Outlook fills in itself from other cells: each e-mail's display name
#: ("John Smith (john@example.com)", made from the name and the address) and its type
#: ("SMTP").  Not something a user entered, and no phone or vCard has them: not read.
DERIVED_COLUMNS: Final = frozenset({
    "e-mail display name", "e-mail 2 display name", "e-mail 3 display name",
    "e-mail type", "e-mail 2 type", "e-mail 3 type",
    "e-mail: angezeigter name", "e-mail 2: angezeigter name", "e-mail 3: angezeigter name",
    "e-mail-typ", "e-mail 2: typ", "e-mail 3: typ",
})
_DELIMITERS: Final = ",;\t"
#: Header words that data tables other than address books also use.
_WEAK: Final = frozenset({
    "name", "title", "notes", "note", "url", "category", "categories", "labels", "first",
    "last", "middle", "home", "work", "position", "company", "organization", "gender",
    "photo", "suffix", "nom", "service", "department", "fax", "pager", "mobile", "comments",
    "birthday", "nickname", "display name", "web page", "titre", "nombre", "notas", "名", "姓",
})


def canonical(column: str) -> str:
    """The canonical lower-case name of a header cell (``"Vorname"`` → ``"first name"``)."""
    key = " ".join(column.strip().lower().split())
    return ALIASES.get(key, key)


def _is_known(key: str) -> bool:
    return (key in FIXED or GOOGLE_GROUP.match(key) is not None
            or OUTLOOK_ADR.match(key) is not None or OUTLOOK_TEL.match(key) is not None)


def known_columns(header: Sequence[str], columns: Mapping[str, str] | None = None, *,
                  lenient: bool = False) -> list[str]:
    """The cells of ``header`` that make it a contacts table (empty when it is not one).

    A column named in ``columns`` always counts.  Otherwise one column that only address
    books have (a phone, an e-mail, a given name) is enough, but a generic word
    (:data:`_WEAK`: ``name``, ``notes``, ``title``…) needs a second known column: a data
    table ``id,name,value`` is not an address book.  ``lenient`` (the caller said the file
    is a contacts CSV): any one known column is enough.
    """
    mapped = {k.strip().lower() for k in columns or {}}
    if any(h.strip().lower() in mapped for h in header):
        return [h for h in header if h.strip().lower() in mapped or _is_known(canonical(h))]
    known = [h for h in header if _is_known(canonical(h))]
    strong = [h for h in known if " ".join(h.strip().lower().split()) not in _WEAK]
    return known if strong or len(known) >= 2 or lenient else []


def sniff_delimiter(first_line: str) -> str:
    """The delimiter of a header line: the most frequent of ``,;\\t`` outside quotes."""
    outside = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: outside.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def header_cells(text: str) -> list[str]:
    """The cells of the first CSV record of ``text`` (RFC 4180 quoting)."""
    first = text[:65536]
    delimiter = sniff_delimiter(first.split("\n", 1)[0])
    try:
        row = next(csv.reader(io.StringIO(first, newline=""), delimiter=delimiter,
                              quotechar='"', doublequote=True, strict=False), [])
    except csv.Error:
        return []
    return [c for c in row if c.strip()] if len(row) > 1 else row
