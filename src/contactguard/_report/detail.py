"""The technical part of the HTML page in the reader's language (#15).

The HTML page shows, below the plain opening of :mod:`.advice`, every comparison, contact
and finding.  In English it reads as the ``--verbose`` text does (:mod:`.describe`, not
changed here); in another language each piece is said through the catalogs instead:
headings, column names, statuses, severities, what happened to each contact (the masked
values kept), where it is, why the job failed, and each finding as the plain words of its
kind.  Finding kinds, paths and values stay as they are (kinds are stable names, like
JSON's); a finding's English technical message stays in the page as its cell's tooltip.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

from .advice import PROBLEMS, grouped, where_said
from .describe import (
    clean,
    contact_text,
    group_reasons,
    heading,
    member_text,
    readable,
    row_details,
    where_text,
)
from .gate import UNDATED, failing
from .i18n import N_, _, current_language
from .notes import is_merged, repeats_another
from .text import failed_heading

__all__ = ["contact_cell", "details_cell", "english", "failed_reasons", "failed_title",
           "finding_cell", "format_word", "group_reason_cells", "member_cell", "role_word",
           "severity_word", "status_word", "summary_cell", "title_of", "verdict_word",
           "where_cell", "word"]

#: Words of the page: English as the page has always said them (the msgids).
_WORDS: Final = {w: w for w in (
    N_("Summary"), N_("Comparison"), N_("Reference"), N_("Intact"), N_("Missing"),
    N_("Changed"), N_("Added"), N_("Status"), N_("Contact"), N_("Where"),
    N_("What happened"), N_("Duplicate groups"), N_("Contacts"), N_("Why"),
    N_("Severity"), N_("Message"), N_("Inputs"), N_("Role"), N_("Path"), N_("Format"),
    N_("Kinds of problem"))}
_STATUS: Final = {"missing": N_("missing"), "changed": N_("changed"), "added": N_("added"),
                  "intact": N_("intact"), "merged": N_("merged")}
_SEVERITY: Final = {"error": N_("error"), "warning": N_("warning"), "info": N_("info")}
_VERDICT: Final = {"FAIL": N_("FAIL"), "OK": N_("OK")}
_FORMAT: Final = {"vcard": N_("vcard"), "csv": N_("csv"), "manifest": N_("manifest")}
_ROLE: Final = {"reference": N_("reference"), "checked": N_("checked"),
                "manifest": N_("manifest")}
#: A changed field, by its group (describe's field names are these English words).
_FIELD: Final = {
    "phone": N_("phone number"), "email": N_("e-mail address"), "photo": N_("photo"),
    "name": N_("name"), "address": N_("address"), "date": N_("date"),
    "organization": N_("company"), "note": N_("note"), "url": N_("website"),
    "im": N_("chat address"), "category": N_("group"), "related": N_("related person"),
    "other": N_("other detail")}


_AGAINST: Final = N_("{checked} against {reference}")
_ANOTHER: Final = N_("another problem (its technical description is in the JSON report)")
_FAILED: Final = N_("Failed because")
_REASONS: Final = {
    "missing": N_("{n} contacts missing in {checked} (against {reference})"),
    "changed": N_("{n} contacts changed in {checked} (against {reference})"),
    "added": N_("{n} contacts added in {checked} (against {reference})")}


def english() -> bool:
    """Whether the page is in English: then it says what it always said."""
    return current_language() == "en"


def word(text: str) -> str:
    """One of the page's own words (:data:`_WORDS`) in the current language."""
    return _(_WORDS[text])


def status_word(status: str) -> str:
    return _(_STATUS[status]) if status in _STATUS else status


def severity_word(severity: str) -> str:
    return _(_SEVERITY[severity]) if severity in _SEVERITY else severity


def verdict_word(verdict: str) -> str:
    return _(_VERDICT[verdict]) if verdict in _VERDICT else verdict


def role_word(role: str) -> str:
    return _(_ROLE[role]) if role in _ROLE else role


def format_word(name: str) -> str:
    return _(_FORMAT[name]) if name in _FORMAT else name


def title_of(c: Mapping[str, Any]) -> str:
    """A comparison's heading: ``"restore.vcf against backup.vcf"``."""
    if english():
        return heading(c)
    names = {"checked": clean(c["checked"]), "reference": clean(c["reference"])}
    texts = {"manifest": N_("{checked} against manifest {reference}"),
             "diff": N_("{reference} → {checked}"),
             "copies": N_("{reference} and {checked}")}
    return _(texts.get(c["kind"], _AGAINST)).format(**names)


def contact_cell(row: Mapping[str, Any]) -> str:
    """The contact: its (masked) name, and in English its label (``UID …``) too."""
    if english():
        return contact_text(row)
    return clean(row["name"]) if row.get("name") else _("(no name)")


def where_cell(row: Mapping[str, Any], c: Mapping[str, Any]) -> str:
    if english():
        return where_text(row, c)
    for side in ("reference", "checked"):
        if row.get(side):
            return where_said(row[side], c[side])
    return ""


def details_cell(row: Mapping[str, Any], c: Mapping[str, Any]) -> str:
    """What happened to a contact, each changed value with its (masked) before and after."""
    if english():
        return row_details(row, c)
    if is_merged(row):
        return _("came back merged into one card with another contact ({where}), every value "
                 "kept").format(where=where_said(row["checked"], c["checked"]))
    status = row["status"]
    copies = c["kind"] == "copies"
    if status == "missing" and repeats_another(row):
        return _("not in {file}; every detail of it is on another contact's card (a "
                 "duplicate kept once?)").format(file=clean(c["checked"]))
    if status == "missing":
        return (_("only in {file}") if copies else _("not in {file}")).format(
            file=clean(c["reference" if copies else "checked"]))
    if status == "added":
        return (_("only in {file}") if copies else _("not in {file}")).format(
            file=clean(c["checked" if copies else "reference"]))
    parts = []
    for ch in row["changes"]:
        before = readable(ch["property"], ch["before"])
        after = readable(ch["property"], ch["after"])
        what = _(_FIELD.get(ch["field"], _FIELD["other"]))
        before, after = (_value(ch["field"], v) for v in (before, after))
        if ch["kind"] == "changed" and not (before or after):
            parts.append(_("{what} changed").format(what=what))
        elif ch["kind"] == "changed":
            parts.append(_("{what} changed: {before} → {after}").format(
                what=what, before=before, after=after))
        elif ch["kind"] == "lost":
            parts.append(_("{what} lost: {value}").format(what=what, value=before)
                         if before else _("{what} lost").format(what=what))
        else:
            parts.append(_("{what} added: {value}").format(what=what, value=after)
                         if after else _("{what} added").format(what=what))
    return _("; ").join(parts)


#: What :func:`.describe.readable` shows in place of a value, in words to translate.
_SHOWN: Final = {w: w for w in (
    N_("(damaged text)"), N_("[date]"), N_("[note]"), N_("[address]"), N_("[company]"),
    N_("[job title]"), N_("[website]"), N_("[nickname]"), N_("[chat address]"))}
_LENGTH: Final = re.compile(r"\[(\d[\d,]*) characters?\]")


def _value(field: str, shown: str) -> str:
    """A value as :func:`details_cell` shows it: a mask in words; no photo digest (a
    hash says nothing to a person)."""
    if field == "photo":
        return ""
    if shown in _SHOWN:
        return _(_SHOWN[shown])
    if (m := _LENGTH.fullmatch(shown)) is not None:
        return _("[{n} characters]").format(n=m[1])
    return shown


def failed_title(gate: Mapping[str, Any]) -> str:
    return failed_heading(gate) if english() else _(_FAILED)


def failed_reasons(doc: Mapping[str, Any], gate: Mapping[str, Any]) -> list[str]:
    """Why the job failed, one line each (in English the gate's own reasons)."""
    if english():
        return [clean(r) for r in gate["reasons"]]
    out = []
    for c, status, n in failing(doc, gate):
        if c is None:
            out.append(_("{n} findings of level “{level}”").format(
                n=grouped(n), level=severity_word(status)))
            continue
        if c["kind"] == "copies" and status != "changed":  # (the side it is on)
            text = _("{n} contacts only in {file} (between {reference} and {checked})").format(
                n=grouped(n), file=clean(c["reference" if status == "missing" else "checked"]),
                reference=clean(c["reference"]), checked=clean(c["checked"]))
        else:
            text = _(_REASONS[status]).format(n=grouped(n), checked=clean(c["checked"]),
                                              reference=clean(c["reference"]))
        limit = gate["thresholds"].get(status)
        if limit is not None:
            text += _(" (more than --max-{status} {limit})").format(status=status, limit=limit)
        out.append(text)
    stale = gate.get("stale")
    if stale:
        out.append(_("cannot tell how old the backups are: none has a modification time")
                   if stale.startswith(UNDATED) else
                   _("the newest backup is older than --max-age allows"))
    return out


def finding_cell(f: Mapping[str, Any]) -> str:
    """A finding in words: the plain words of its kind (in English its own message)."""
    if english():
        return clean(f["message"]) + (f" (suggested repair: {clean(f['suggestion'])})"
                                      if f.get("suggestion") else "")
    text = _(PROBLEMS.get(f["kind"], _ANOTHER))
    if f.get("suggestion"):
        text += _(" (suggested repair: {suggestion})").format(suggestion=clean(f["suggestion"]))
    return text


def _findings_said(doc: Mapping[str, Any]) -> str:
    counts = doc["summary"]["findings"]
    total = sum(counts.values())
    if not total:
        return _("no problems found in the files")
    parts = [_("{n} {level}").format(n=grouped(counts[s]), level=severity_word(s))
             for s in ("error", "warning", "info") if counts.get(s)]
    return _("{n} problems found in the files ({levels})").format(
        n=grouped(total), levels=_(", ").join(parts))


def summary_cell(doc: Mapping[str, Any]) -> str:
    """The summary line of a ``diff``, ``manifest`` or ``dupes`` page (in English the
    report's own summary text)."""
    if english():
        return clean(doc["summary"]["text"])
    command = doc["command"]
    if command == "dupes":
        groups = doc.get("groups", [])
        people = sum(len(g["members"]) for g in groups)
        total = sum(i["contacts"] for i in doc["inputs"])
        said = _("{groups} groups of duplicates ({people} contacts) among {total} contacts"
                 ).format(groups=grouped(len(groups)), people=grouped(people),
                          total=grouped(total))
    elif command == "manifest" and doc.get("manifest"):
        m = doc["manifest"]
        said = _("a manifest of {n} contacts written to {path}").format(
            n=grouped(m["contacts"]), path=clean(m["path"]))
    elif command == "diff" and doc["comparisons"]:
        n = doc["comparisons"][0]["counts"]
        said = _("{intact} of {total} contacts intact, {missing} missing, {changed} changed, "
                 "{added} added").format(
            intact=grouped(n["intact"]), total=grouped(n["reference"]),
            missing=grouped(n["missing"]), changed=grouped(n["changed"]),
            added=grouped(n["added"]))
    else:
        return clean(doc["summary"]["text"])
    return said + _("; ") + _findings_said(doc)


def member_cell(member: Mapping[str, Any]) -> str:
    """A duplicate group member: its (masked) name and where it is in the file."""
    if english():
        return member_text(member)
    name = clean(member["name"]) if member.get("name") else _("(no name)")
    return _("{name} ({where})").format(name=name, where=where_said(
        {"index": member["index"], "line": member.get("line")}, member["source"]))


#: What :mod:`contactguard._duplicates.scoring` says of a pair (the msgids are its words).
_EVIDENCE: Final = {w: w for w in (
    N_("identical user data"), N_("you decided these are the same person"),
    N_("same name"), N_("same given name"), N_("same family name"),
    N_("names agree when romanized (pinyin)"),
    N_("family name agrees as written in Hong Kong or Taiwan"),
    N_("given and family names swapped"), N_("one name in the other field"),
    N_("given name matches an initial"), N_("given names are a name and its nickname"),
    N_("different given names"), N_("different family names"),
    N_("same postcode"), N_("different postcodes"), N_("same street number"),
    N_("different street numbers"), N_("same street, other address line"),
    N_("same building or area"), N_("same street"), N_("different streets"),
    N_("same town"), N_("different towns"), N_("same state or region"),
    N_("same phone number"), N_("no phone number in common"), N_("same email"),
    N_("no email in common"), N_("no phone number or email in common"),
    N_("same birthday"), N_("birthdays differ by one typo"), N_("different birthdays"),
    N_("same organization"))}
_SIMILAR: Final = re.compile(r"(name|given name|family name) similarity (\d\.\d\d)")
_SIMILARITY: Final = {"name": N_("names alike ({score})"),
                      "given name": N_("given names alike ({score})"),
                      "family name": N_("family names alike ({score})")}


def _evidence(reason: str) -> str:
    if reason in _EVIDENCE:
        return _(_EVIDENCE[reason])
    if (m := _SIMILAR.fullmatch(reason)) is not None:
        return _(_SIMILARITY[m[1]]).format(score=m[2])
    return reason  # (a reason this page has no words for stays as the JSON says it)


def group_reason_cells(group: Mapping[str, Any]) -> list[str]:
    """Why a group's contacts look like one person, pair by pair."""
    if english():
        return group_reasons(group)
    out = []
    for p in group["pairs"]:
        agreed = _(", ").join(_evidence(r) for r in p["agreed"]) or _("identical user data")
        text = _("#{first} and #{second}: {agreed}").format(
            first=p["first"] + 1, second=p["second"] + 1, agreed=agreed)
        if p["disagreed"]:
            text += _("; but {disagreed}").format(
                disagreed=_(", ").join(_evidence(r) for r in p["disagreed"]))
        out.append(clean(text))
    return out
