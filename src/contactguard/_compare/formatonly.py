"""Differences that are only how a vendor wrote the data, not a change to it.

:func:`format_only_changes` takes a matched pair's :func:`~.fields.field_changes` and
leaves out what a restore or an export rewrites without changing the person's data: a
number spelled for another plausible region, ``N`` absent or swapped with the same
``FN``, ``FN`` spelled from an unchanged ``N``, a company card's name as its ``ORG``, a
photo exported as a link.
"""

from __future__ import annotations

from .._identity import card_regions
from .._model import Contact
from .._normalize import read_phone, regions_of
from .fields import FieldChange

__all__ = ["format_only_changes", "phone_readings"]


def phone_readings(contact: Contact, region: str | None) -> dict[str, frozenset[str]]:
    """Each canonical phone key of ``contact`` with every key it may also stand for.

    A number written without a country code can be valid in several plausible regions
    (``9759 7703`` is a Hong Kong and a Singapore mobile; ``07903 335358`` a British mobile
    and a Chinese landline).  The canonical form picks one; two spellings are still the
    same number when either reading of one is the other (libphonenumber's NSN match, as
    Android's ``PhoneNumberUtils.compare`` does).
    """
    regions, _ = regions_of(region)
    local = card_regions(contact, region) if region else None
    out: dict[str, frozenset[str]] = {}
    for written in contact.phones:
        raw = written.strip()
        if not raw:
            continue
        primary = read_phone(raw, local).key
        keys = {primary}
        for code in regions:
            phone = read_phone(raw, code)
            if phone.valid:
                keys.add(phone.key)
        out[primary] = frozenset(keys) | out.get(primary, frozenset())
    return out


def _same_number(a: str, b: str, before: dict[str, frozenset[str]],
                 after: dict[str, frozenset[str]]) -> bool:
    """One reading of ``a`` is one reading of ``b`` (each is at least its own reading)."""
    return bool(before.get(a, frozenset({a})) & after.get(b, frozenset({b})))


def _name_parts(value: str) -> list[str]:
    return [*value.split("\x1f"), "", ""][:2]


def format_only_changes(changes: tuple[FieldChange, ...], old: Contact, new: Contact,
                        region: str | None) -> tuple[FieldChange, ...]:
    """``changes`` without the differences that are only how a vendor wrote the data.

    * a phone number read in another plausible region on one side (see
      :func:`phone_readings`): with a country code on one side only, the national
      significant numbers compared (libphonenumber's NSN match, as #12 asks);
    * ``N`` absent on one side, or with family and given swapped (``N:柳;陈`` for
      ``陈柳``), while ``FN`` is the same on both sides: a Western-order export, or one
      that writes only ``FN``;
    * ``FN`` absent on one side (vCard 2.1 requires only ``N``), or rebuilt by the
      exporter, where it is what the unchanged ``N`` spells.
    """
    if not changes:
        return changes
    kept = list(changes)
    tel = [c for c in kept if c.property == "TEL"]
    if tel:
        before, after = phone_readings(old, region), phone_readings(new, region)
        lost = [c.before for c in tel if c.kind in {"lost", "changed"} and c.before]
        added = [c.after for c in tel if c.kind in {"added", "changed"} and c.after]
        same = {(a, b) for a in lost for b in added if _same_number(a, b, before, after)}
        pairs: dict[str, str] = {}
        for a, b in sorted(same):
            if a not in pairs and b not in pairs.values():
                pairs[a] = b
        if pairs:
            kept = [c for c in kept if c.property != "TEL"
                    or not ((c.before in pairs) or (c.after in pairs.values()))]
            # a changed pair whose two halves each met their match elsewhere leaves a half
            for c in tel:
                if c.kind == "changed" and c.before in pairs and c.after not in pairs.values():
                    kept.append(FieldChange("added", "TEL", None, c.after))
                elif c.kind == "changed" and c.after in pairs.values() and c.before not in pairs:
                    kept.append(FieldChange("lost", "TEL", c.before, None))
    # A photo exported as a link (Google CSV writes its photo URL) cannot be compared with
    # the picture itself: not a change either way, while a photo that is gone stays lost.
    kept = [c for c in kept if not (c.property in {"PHOTO", "LOGO"} and c.kind == "changed"
                                    and (_is_link(c.before) or _is_link(c.after)))]
    # A company card: FN is the company name; an export that writes only the organization
    # (Google CSV leaves the name columns empty) keeps the same name.
    kept = [c for c in kept if not (c.property == "FN" and (
        _fn_is_org(c, old, new) or _fn_from_n(c, old, new)))]
    names = [c for c in kept if c.property == "N"]
    if names and old.formatted_name and new.formatted_name and _same_fn(old, new):
        kept = [c for c in kept
                if c.property != "N" or not (c.kind in {"lost", "added"} or _swapped(c))]
    elif names and all(_swapped(c) for c in names) and any(
            _spelled(c, old, new) for c in kept if c.property == "FN" and c.kind == "changed"):
        # A CSV with no name column (Google's): its FN is the reader's, spelled from the
        # swapped N, and the FN the backup had is spelled by the same words.
        kept = [c for c in kept if c.property != "N" and not (
            c.property == "FN" and c.kind == "changed" and _spelled(c, old, new))]
    return tuple(sorted(kept, key=lambda c: (c.property, c.kind, c.before or "", c.after or "")))


def _swapped(c: FieldChange) -> bool:
    """An N change that moved the same words between its fields: family and given
    swapped, or the whole name in one field ("Kwok;Ivy" as ";Ivy Kwok")."""
    if c.kind != "changed" or c.before is None or c.after is None:
        return False
    a, b = _name_parts(c.before), _name_parts(c.after)
    return (a == b[::-1] or "".join(a) == "".join(b)
            or sorted(" ".join(a).split()) == sorted(" ".join(b).split()))


def _spellings(contact: Contact) -> set[str]:
    parts = _n_parts(contact)
    if not parts:
        return set()
    fam, giv, mid = (*parts, "", "", "")[:3]
    return {fam + mid + giv, " ".join(x for x in (giv, mid, fam) if x),
            " ".join(x for x in (fam, mid, giv) if x)}


def _spelled(change: FieldChange, old: Contact, new: Contact) -> bool:
    """An FN change where the new FN is the one a CSV reader spells from the card's N (no
    name column: the card is not a vCard) and the old FN is spelled by the same words."""
    side = new if new.version is None else old if old.version is None else None
    if side is None or change.before is None or change.after is None:
        return False
    made, kept = (change.after, change.before) if side is new else (change.before, change.after)
    words = _spellings(old) | _spellings(new)
    return " ".join(made.split()) in _spellings(side) and " ".join(kept.split()) in words


def _is_link(value: str | None) -> bool:
    return value is not None and value.lower().startswith(("http://", "https://"))


def _org_names(contact: Contact) -> set[str]:
    return {" ".join(p.components[0].split()) for p in contact.get_all("ORG")
            if p.components and p.components[0].strip()}


def _fn_is_org(change: FieldChange, old: Contact, new: Contact) -> bool:
    """``change`` is FN lost or added where the other side names the same organization."""
    if change.kind == "lost" and change.before is not None:
        return not new.get_all("FN") and change.before in _org_names(new) | _org_names(old)
    if change.kind == "added" and change.after is not None:
        return not old.get_all("FN") and change.after in _org_names(old) | _org_names(new)
    return False


def _n_parts(contact: Contact) -> tuple[str, ...] | None:
    """The components of the card's one ``N`` (spaces tidied, empty trailing ones
    dropped), ``None`` without exactly one."""
    names = contact.get_all("N")
    if len(names) != 1:
        return None
    parts = [" ".join(c.split()) for c in names[0].components]
    while parts and not parts[-1]:
        parts.pop()
    return tuple(parts)


def _fn_from_n(change: FieldChange, old: Contact, new: Contact) -> bool:
    """FN changed, lost or added only because one side rebuilt it from an unchanged ``N``
    (Google Contacts writes the display name from its name fields) or left it out (a
    vCard 2.1 card needs only ``N``): the FN that is there is what ``N`` spells."""
    if change.kind == "changed":
        value, other = change.after, None
    elif change.kind == "lost":
        value, other = change.before, new
    else:
        value, other = change.after, old
    if value is None or (other is not None and other.get_all("FN")):
        return False
    parts = _n_parts(old)
    if parts is None or parts != _n_parts(new) or not any(parts):
        return False
    family, given, middle, prefix, suffix = (*parts, "", "", "", "", "")[:5]
    western = " ".join(x for x in (prefix, given, middle, family, suffix) if x)
    eastern = "".join(x for x in (family, given, middle) if x)
    spelled = {western, eastern, f"{family} {given}".strip(),
               " ".join(x for x in (given, middle, family) if x)}
    return " ".join(value.split()) in spelled


def _same_fn(old: Contact, new: Contact) -> bool:
    a = {" ".join(p.text.split()) for p in old.get_all("FN") if p.text.strip()}
    b = {" ".join(p.text.split()) for p in new.get_all("FN") if p.text.strip()}
    return bool(a) and a == b
