"""What a report means for the person holding the phone: one sentence, the contacts, the next step.

The text and HTML reports of ``check``, ``verify`` and ``repair`` open with these lines;
the technical detail (finding kinds, lines, columns, masked values) follows under
``--verbose`` and is always in the JSON.  Everything here reads the report document, is
translated through :mod:`.i18n`, and decides nothing.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any, Final

from .describe import clean
from .i18n import N_, _, ngettext
from .notes import is_merged, pairs_with_nothing, repeats_another

__all__ = ["ADVISED_COMMANDS", "PROBLEMS", "advice_html", "advice_lines", "grouped", "headline",
           "next_steps", "where_said"]

#: Commands whose human reports open with the advice.
ADVISED_COMMANDS: Final = frozenset({"check", "verify", "repair"})

#: Field group -> (singular, plural) in words, "{n}" for the count.
_FIELDS: Final = {
    "phone": (N_("{n} phone number"), N_("{n} phone numbers")),
    "email": (N_("{n} e-mail address"), N_("{n} e-mail addresses")),
    "photo": (N_("the photo"), N_("{n} photos")),
    "name": (N_("the name"), N_("{n} names")),
    "address": (N_("{n} address"), N_("{n} addresses")),
    "date": (N_("the birthday or another date"), N_("{n} dates")),
    "organization": (N_("the company"), N_("{n} companies")),
    "note": (N_("the note"), N_("{n} notes")),
    "url": (N_("{n} website"), N_("{n} websites")),
    "im": (N_("{n} chat address"), N_("{n} chat addresses")),
    "category": (N_("{n} group"), N_("{n} groups")),
    "related": (N_("{n} related person"), N_("{n} related people")),
    "other": (N_("{n} other detail"), N_("{n} other details")),
}
#: Finding kind -> what it means, in words (anything else: "another problem").
PROBLEMS: Final = {
    "mojibake": N_("text was read with the wrong character set (it can be repaired)"),
    "replacement-character": N_("some characters were lost (this file cannot bring them "
                                "back; the backup can)"),
    "undecodable-bytes": N_("part of a value could not be read"),
    "bad-quoted-printable": N_("part of a value could not be read"),
    "charset-mismatch": N_("text is labelled with the wrong character set (it can be "
                           "repaired)"),
    "truncated-card": N_("the card is cut off: the file ends inside it"),
    "missing-begin": N_("the card's first line is missing or damaged: where it begins was "
                        "guessed"),
    "charset-uncertain": N_("the file's character set could not be told for sure: names "
                            "may be garbled"),
    "card-cut": N_("the card is cut off"),
    "unparsable-line": N_("a line could not be read"),
    "invalid-phone": N_("a phone number is not a valid number"),
    "invalid-email": N_("an e-mail address is not valid"),
    "invalid-date": N_("a date is impossible"),
    "bad-image": N_("the photo is damaged"),
    "empty-card": N_("the card has no name, number or e-mail"),
    "duplicate-uid": N_("two cards share the same ID"),
    "control-character": N_("a value holds invisible control characters"),
    "nul-in-value": N_("a value holds invisible control characters"),
    "no-contacts": N_("holds no contacts at all: nothing in it would bring back a single "
                      "contact"),
    "not-a-contact-file": N_("is not a contact file (neither vCard nor a contacts CSV)"),
    "copy-incomplete": N_("could be read only in part (the server or the connection broke "
                          "off): not checked"),
}
#: A finding kind with no words of its own above.
_ANOTHER: Final = N_("another problem (see --verbose)")
#: Finding kinds that make a "backup" no backup at all: said first, and loudly.
_NOT_A_BACKUP: Final = frozenset({"no-contacts", "not-a-contact-file"})
#: Target -> the steps to import a repair file there ("{file}", "{n}": cards to delete).
_STEPS: Final = {
    "android": (N_("Copy {file} to the phone (by USB, or e-mail it to yourself)."),
                N_("Open Contacts, then Fix & manage (or Settings) → Import from file, and "
                   "choose {file}."),),
    "ios": (N_("Send {file} to the iPhone (AirDrop, Mail, or save it in Files)."),
            N_("Open it from Files or Mail and tap “Add All Contacts”."),),
    "google": (N_("Open contacts.google.com on a computer and choose Import."),
               N_("Choose {file}, then Import."),
               N_("Open “Merge & fix” and merge the duplicates it suggests."),),
    "outlook": (N_("In Outlook, open People → Manage contacts → Import contacts."),
                N_("Choose {file}, then Import."),),
    "vcard": (N_("Import {file} into your address book (on most phones: open the file)."),),
}
_DELETE: Final = N_("Delete the old, damaged copy of each contact listed as damaged above "
                    "(it now appears twice; keep the complete one).")
_DELETE_OTHERS: Final = N_("Delete the old, damaged copy of each other contact listed as "
                           "damaged above (it now appears twice; keep the complete one).")


def grouped(n: int) -> str:
    """``12,345``: a count with its thousands grouped."""
    return f"{n:,}"


def _restores(doc: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [c for c in doc["comparisons"] if c["kind"] in {"restore", "manifest"}]


def headline(doc: Mapping[str, Any]) -> str:
    """The one sentence a report opens with."""
    repair = doc.get("repair")
    if repair is not None and repair["kind"] == "file":
        return _file_repair_headline(doc, repair)
    comps = _restores(doc)
    partial = [f for f in doc["findings"] if f["kind"] == "copy-incomplete"]
    if partial and not comps:
        return _("{where} could be read only in part, so it was not checked and no contact "
                 "is called missing. Try again when the server answers.").format(
            where=clean(partial[0].get("source") or ""))
    if partial:
        return _then(_comparison_headline(doc, comps, repair), ngettext(
            "{n} more copy could be read only in part and was not checked.",
            "{n} more copies could be read only in part and were not checked.",
            len(partial)).format(n=grouped(len(partial))))
    if doc["command"] == "check" or not comps:
        return _check_headline(doc)
    return _comparison_headline(doc, comps, repair)


def _another_books_manifest(comps: list[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The manifest comparison in which no contact paired (``pairs_with_nothing``)."""
    return next((c for c in comps if pairs_with_nothing(c)), None)


def _comparison_headline(doc: Mapping[str, Any], comps: list[Mapping[str, Any]],
                         repair: Mapping[str, Any] | None) -> str:
    if (foreign := _not_a_backup(doc)) is not None:
        return _("{where} holds no contacts, so nothing could be checked against the "
                 "backup: it is not a restore of it. Check that you chose the right file."
                 ).format(where=clean(foreign))
    if (other := _another_books_manifest(comps)) is not None:
        return _("None of the {n} contacts of {checked} pairs with the manifest {manifest}: "
                 "either it is the manifest of another book, or every contact changed in "
                 "several fields at once. Check that you chose the manifest made from this "
                 "backup; verify --against the backup itself tells which.").format(
            n=grouped(other["counts"]["added"]), checked=clean(other["checked"]),
            manifest=clean(other["reference"]))
    total = sum(c["counts"]["reference"] for c in comps)
    missing = sum(c["counts"]["missing"] for c in comps)
    changed = sum(c["counts"]["changed"] for c in comps)
    values = {"missing": grouped(missing), "changed": grouped(changed), "total": grouped(total)}
    if missing and changed:
        text = _("{missing} of {total} contacts did not come back and {changed} came back "
                 "damaged.").format(**values)
    elif missing:
        text = _("{missing} of {total} contacts did not come back.").format(**values)
    elif changed:
        text = _("{changed} of {total} contacts came back damaged.").format(**values)
    else:
        errors = doc["summary"]["findings"].get("error", 0)
        if errors:
            return _("All {total} contacts came back, but the restored file has {n} "
                     "damaged places (see --verbose).").format(n=grouped(errors), **values)
        return _("All {total} contacts came back complete.").format(**values)
    if repair is None:
        return _then(text, _("To fix it, make a repair file and import it — steps below."))
    if repair["written"]:
        return _then(text, _("To fix it, import {file} — steps below.").format(
            file=clean(repair["output"])))
    return _then(text, _("Nothing was written yet (--dry-run); the steps below say what "
                         "to do with the repair file."))


def _then(first: str, second: str) -> str:
    """Two sentences in a row (no space between them in Chinese)."""
    return _("{first} {second}").format(first=first, second=second)


def _check_headline(doc: Mapping[str, Any]) -> str:
    contacts = sum(i["contacts"] for i in doc["inputs"])
    bad = {(f.get("source"), f["contact"]) for f in doc["findings"] if f["contact"] is not None}
    elsewhere = sum(f["contact"] is None for f in doc["findings"])
    files = len(doc["inputs"])
    where = (clean(doc["inputs"][0]["path"]) if files == 1
             else _("The {n} files").format(n=grouped(files)))
    if not doc["findings"]:
        return ngettext("{where} holds {n} contact, and nothing in it is damaged.",
                        "{where} holds {n} contacts, and nothing in it is damaged.",
                        contacts).format(where=where, n=grouped(contacts))
    if contacts == 0 and any(f["kind"] in _NOT_A_BACKUP for f in doc["findings"]):
        return _("{where} is not a backup: it holds no contacts. Check that you chose the "
                 "right file.").format(where=where)
    text = ngettext("{where} holds {n} contact; {bad} of them have problems.",
                    "{where} holds {n} contacts; {bad} of them have problems.",
                    contacts).format(where=where, n=grouped(contacts), bad=grouped(len(bad)))
    if elsewhere:
        text = _then(text, ngettext("{n} problem is outside any contact.",
                               "{n} problems are outside any contact.",
                               elsewhere).format(n=grouped(elsewhere)))
    return text


def _file_repair_headline(doc: Mapping[str, Any], repair: Mapping[str, Any]) -> str:
    made, left = repair["repairs"], len(doc["findings"])
    if repair["written"]:
        text = ngettext("{n} repair made in {file}.", "{n} repairs made in {file}.",
                        made).format(n=grouped(made), file=clean(repair["output"]))
    else:
        text = ngettext("{n} repair can be made (nothing was written: --dry-run).",
                        "{n} repairs can be made (nothing was written: --dry-run).",
                        made).format(n=grouped(made))
    if left:
        text = _then(text, ngettext(
            "{n} problem cannot be repaired with certainty and is listed below.",
            "{n} problems cannot be repaired with certainty and are listed below.",
            left).format(n=grouped(left)))
    return text


def _counted(field: str, n: int) -> str:
    one, many = _FIELDS.get(field, _FIELDS["other"])
    # both forms are catalog entries of their own (a table of N_ marks, not ngettext)
    return _(one if n == 1 else many).format(n=grouped(n))


def _what_happened(row: Mapping[str, Any]) -> str:
    if repeats_another(row):
        return _("did not come back, but every detail of it is on another contact's card: "
                 "if the two were duplicates, nothing is lost (the repair file brings it "
                 "back; merge the two afterwards if you like)")
    if row["status"] == "missing":
        return _("did not come back")
    damaged = any("damaged" in r for r in row.get("reasons", ()))
    by_kind: dict[str, Counter[str]] = {"lost": Counter(), "changed": Counter()}
    for c in row["changes"]:
        if c["kind"] in by_kind:
            by_kind[c["kind"]][c["field"]] += 1
    parts = []
    if by_kind["lost"]:
        parts.append(_("lost {what}").format(what=_join(
            [_counted(f, n) for f, n in sorted(by_kind["lost"].items())])))
    changed = by_kind["changed"]
    if damaged and changed.pop("name", 0):
        parts.append(_("the name came back as damaged text"))
    if changed:
        parts.append(_("{what} changed").format(what=_join(
            [_counted(f, n) for f, n in sorted(changed.items())])))
    if not parts:
        return _("came back with details added")
    text = _("came back damaged: {what}").format(what=_join(parts))
    added = Counter(c["field"] for c in row["changes"] if c["kind"] == "added")
    if added:  # (what the old copy holds that the repair must not throw away)
        text += _("; ") + _("also has {what} that the backup does not").format(
            what=_join([_counted(f, n) for f, n in sorted(added.items())]))
    return text


def _join(parts: Sequence[str]) -> str:
    return _(", ").join(parts)


def where_said(side: Mapping[str, Any] | None, path: str) -> str:
    """Where a contact is, in the reader's words: "FILE, contact N, line L"."""
    if not side:
        return clean(path)
    if side.get("line") is not None:
        return _("{file}, contact {n}, line {line}").format(
            file=clean(path), n=grouped(side["index"] + 1), line=grouped(side["line"]))
    return _("{file}, contact {n}").format(file=clean(path), n=grouped(side["index"] + 1))


def _contact_lines(doc: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for comp in _restores(doc):
        added = 0
        cards = {row["checked"]["index"]: row for row in comp["contacts"]
                 if row["checked"] and row["status"] != "added" and not is_merged(row)}
        for row in comp["contacts"]:
            if row["status"] == "added":
                added += 1
            merged = is_merged(row)
            if row["status"] not in {"missing", "changed"} and not merged:
                continue
            name = clean(row["name"]) if row.get("name") else _("(no name)")
            where = where_said(row.get("reference"), comp["reference"])
            what = _what_happened(row)
            if merged:
                card = cards.get(row["checked"]["index"])
                what = _("came back merged with {other} into one card ({where}), every "
                         "detail kept: nothing to repair").format(
                    other=clean(card["name"]) if card and card.get("name")
                    else _("another contact"),
                    where=where_said(row["checked"], comp["checked"]))
            lines.append("• " + _("{name} (in the backup: {where}): {what}").format(
                name=name, where=where, what=what))
        if added:
            lines.append("• " + ngettext(
                "{n} contact is in the restored book but not in the backup (nothing is "
                "lost; after a repair it is the old copy to delete).",
                "{n} contacts are in the restored book but not in the backup (nothing is "
                "lost; after a repair they are the old copies to delete).",
                added).format(n=grouped(added)))
    if doc["command"] == "check" or (doc.get("repair") or {}).get("kind") == "file":
        by_contact: dict[tuple[str, int | None], list[Mapping[str, Any]]] = {}
        for f in doc["findings"]:
            by_contact.setdefault((f.get("source") or "", f["contact"]), []).append(f)
        for (source, contact), found in by_contact.items():
            what = _join(list(dict.fromkeys(_(PROBLEMS.get(f["kind"], _ANOTHER))
                                            for f in found)))
            line: int | None = found[0].get("line")
            if contact is None and line is None:
                where = clean(source)
            elif contact is None:
                where = _("{file}, line {line}").format(file=clean(source),
                                                        line=grouped(line or 0))
            else:
                where = where_said({"index": contact, "line": line}, source)
            lines.append("• " + _("{where}: {what}").format(where=where, what=what))
    return lines


def _not_a_backup(doc: Mapping[str, Any]) -> str | None:
    """The checked input that holds no contacts at all (empty, or not a contact file)."""
    for f in doc["findings"]:
        if f["kind"] in _NOT_A_BACKUP and f.get("source"):
            return str(f["source"])
    return None


def next_steps(doc: Mapping[str, Any]) -> list[str]:
    """The numbered steps for the person's platform (empty when nothing is to be done)."""
    repair = doc.get("repair")
    comps = _restores(doc)
    if repair is None and comps and _not_a_backup(doc) is not None:
        return [_("Next step: find the file the restore really wrote (or export the phone's "
                  "contacts again) and check that one.")]
    if repair is not None and repair["kind"] == "restore":
        if not repair["cards"]:
            return []
        file = clean(repair["output"] or "fix.vcf")
        steps = [_(s).format(file=file) for s in _STEPS[repair["target"]]]
        merge = repair.get("merge_after_import", [])
        if merge:
            steps.append(ngettext(
                "Do not delete the old copy of the {n} contact marked “also has” above: it "
                "holds details the backup does not (added after it). Merge it "
                "with its repaired card instead (Android: open the contact → ⋮ → Merge or "
                "Link; iPhone: Link contacts; Google Contacts: Merge & fix).",
                "Do not delete the old copies of the {n} contacts marked “also has” above: "
                "they hold details the backup does not (added after it). Merge "
                "each with its repaired card instead (Android: open the contact → ⋮ → "
                "Merge or Link; iPhone: Link contacts; Google Contacts: Merge & fix).",
                len(merge)).format(n=grouped(len(merge))))
        if len(repair["delete_after_import"]) > len(merge):
            steps.append(_(_DELETE_OTHERS if merge else _DELETE))
        if repair["left_out"]:
            steps.append(ngettext(
                "{n} detail cannot be carried by this file format (a photo, or more "
                "numbers than it has columns for): add it by hand, or use --for ios.",
                "{n} details cannot be carried by this file format (photos, or more "
                "numbers than it has columns for): add them by hand, or use --for ios.",
                len(repair["left_out"])).format(n=grouped(len(repair["left_out"]))))
        comp = comps[0] if comps else {"checked": "RESTORED", "reference": "BACKUP"}
        steps.append(_("Check the result before importing: contactguard verify {checked} "
                       "--plus {file} --against {reference}").format(
            file=file, checked=clean(comp["checked"]), reference=clean(comp["reference"])))
        return [f"{n}. {s}" for n, s in enumerate(steps, 1)]
    if repair is not None:  # one file repaired
        return []
    if any(c["counts"]["missing"] or c["counts"]["changed"] for c in comps):
        if any(c["kind"] == "manifest" for c in comps):
            return [_("Next step: a manifest cannot give contacts back; use the backup "
                      "itself: contactguard repair RESTORED --against BACKUP -o fix.vcf")]
        comp = comps[0]
        return [_("Next step: make the repair file for your phone: contactguard repair "
                  "{checked} --against {reference} --for android -o fix.vcf (or --for "
                  "ios, google or outlook).").format(checked=clean(comp["checked"]),
                                                      reference=clean(comp["reference"]))]
    if doc["command"] == "check" and any(f["kind"] in {"mojibake", "charset-mismatch",
                                                       "unparsable-line"}
                                         for f in doc["findings"]):
        return [_("Next step: contactguard repair {file} -o fixed.vcf makes the repairs "
                  "that are certain and lists the rest; the file itself is not changed."
                  ).format(file=clean(doc["inputs"][0]["path"]))]
    if doc["findings"]:
        return [_("Next step: add --verbose to see each problem with its line.")]
    return []


def advice_lines(doc: Mapping[str, Any]) -> list[str]:
    """The human part of a report: headline, contacts, privacy notes, then the next steps."""
    lines = [headline(doc)]
    contacts = _contact_lines(doc)
    if contacts:
        lines += ["", *contacts]
    steps = next_steps(doc)
    notes = []
    repair = doc.get("repair")
    if repair is not None and repair["written"]:
        notes.append(_("{file} holds personal data (names, numbers, addresses): it was "
                       "written readable only by you. Delete it once it is imported."
                       ).format(file=clean(repair["output"])))
    if doc["personal_data"] == "masked" and (contacts or doc["comparisons"]):
        notes.append(_("Names are shortened to keep them private; --show-personal-data "
                       "shows them in full."))
    if notes:
        lines += ["", *notes]
    if steps:  # last: what the person reads when the output stops
        lines += ["", *steps]
    return lines


def advice_html(doc: Mapping[str, Any]) -> str:
    """The human part as an HTML ``<section>``: every piece of text escaped."""
    lines = advice_lines(doc)
    head, rest = lines[0], lines[1:]
    out = [f'<section class=advice><p class=headline>{html.escape(head)}</p>']
    bullets = [x[2:] for x in rest if x.startswith("• ")]
    steps = [x for x in rest if x[:1].isdigit() and ". " in x[:5]]
    other = [x for x in rest if x and x not in steps and not x.startswith("• ")]
    if bullets:
        out.append("<ul class=contacts>" + "".join(f"<li>{html.escape(b)}</li>"
                                                   for b in bullets) + "</ul>")
    if steps:
        title = _("What to do")
        out.append(f"<h2>{html.escape(title)}</h2><ol class=steps>" + "".join(
            f"<li>{html.escape(s.split('. ', 1)[1])}</li>" for s in steps) + "</ol>")
    out.extend(f"<p class=muted>{html.escape(x)}</p>" for x in other)
    out.append("</section>\n")
    return "".join(out)
