"""Diffing two snapshots: what was lost, changed and added, contact by contact.

``diff`` profiles both sides (one shared phone region, so ``138 0013 8000`` in one file and
``+86 138-0013-8000`` in the other are the same number), matches them with
:func:`contactguard.match`, and compares each matched pair field by field on canonical
values.  Differences of formatting only (phone spelling, vCard version, encoding, labels,
volatile fields) do not count as changes; pairs that differ only so are listed in
``format_only``.
"""

from __future__ import annotations

import builtins
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Final, TypeAlias

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import ratio

from .._core import escape_controls, expect, gc_paused, mask_property
from .._identity import (
    FIELD_GROUPS,
    MIN_EVIDENCE,
    Match,
    Side,
    card_regions,
    match,
    written_shorter,
)
from .._model import Contact, Snapshot
from .._normalize import (
    check_region,
    plausible_regions,
    read_phone,
    region_for,
    regions_of,
)
from .._notebook import (
    DIFF_COLUMNS,
    DataFrame,
    current_options,
    data_frame,
    diff_rows,
    diff_view,
    render,
)
from .._read import load

__all__ = ["ContactChange", "Diff", "FieldChange", "SnapshotLike", "as_snapshot", "diff",
           "field_changes", "format_only_changes",
           "phone_readings"]

#: How similar two values of one property must be for a pair of (removed, added) values to
#: count as one *changed* value rather than one lost and one added (0–100, rapidfuzz ratio).
CHANGE_SIMILARITY: Final = 60.0


@dataclass(frozen=True, slots=True, repr=False)
class FieldChange:
    """One value that was ``lost``, ``added`` or ``changed`` between two matched contacts.

    ``before``/``after`` are canonical values (E.164 numbers, normalized emails, photo
    digests), not personal data masked: reports mask them.
    """

    kind: str
    property: str
    before: str | None = None
    after: str | None = None

    @builtins.property  # the field ``property`` shadows the builtin in this class body
    def field(self) -> str:
        """The kind of data: ``phone``, ``email``, ``photo``, ``name``, … (``other``)."""
        return FIELD_GROUPS.get(self.property, "other")

    def __str__(self) -> str:
        return f"{self.field} {self.kind}"

    def __repr__(self) -> str:
        """Values masked unless ``display_options(show_personal_data=True)``; the values
        themselves are :attr:`before` and :attr:`after`."""
        show = current_options().show_personal_data

        def shown(value: str | None) -> str | None:
            return value if value is None or show else mask_property(self.property, value)

        return escape_controls(f"FieldChange(kind={self.kind!r}, property={self.property!r}, "
                               f"before={shown(self.before)!r}, after={shown(self.after)!r})")


@dataclass(frozen=True, slots=True)
class ContactChange:
    """A matched pair of contacts whose user data differs, with the differences."""

    before: Contact
    after: Contact
    match: Match
    changes: tuple[FieldChange, ...]

    @property
    def lost(self) -> tuple[FieldChange, ...]:
        return tuple(c for c in self.changes if c.kind == "lost")

    @property
    def summary(self) -> str:
        """``"1 phone changed, 1 photo lost"``."""
        counts = Counter((c.field, c.kind) for c in self.changes)
        return ", ".join(f"{n} {field} {kind}" for (field, kind), n in sorted(counts.items()))


@dataclass(frozen=True, slots=True)
class Diff:
    """The difference between two snapshots (``before`` → ``after``)."""

    before: Snapshot
    after: Snapshot
    matches: tuple[Match, ...]
    missing: tuple[Contact, ...]
    added: tuple[Contact, ...]
    changed: tuple[ContactChange, ...]
    unchanged: int
    region: str | None = None

    @property
    def format_only(self) -> tuple[tuple[Contact, Contact], ...]:
        """Unchanged pairs whose cards are nevertheless spelled differently (phone format,
        vCard version, labels, volatile fields): information, not a change.  Computed on
        access, since comparing every raw card costs as much as the rest of the diff."""
        changed = {(ch.match.before, ch.match.after) for ch in self.changed}
        out = []
        for m in self.matches:
            if (m.before, m.after) in changed:
                continue
            a, b = self.before[m.before], self.after[m.after]
            if a != b:
                out.append((a, b))
        return tuple(out)

    @property
    def ok(self) -> bool:
        """True when nothing was lost or changed (added contacts are not a loss)."""
        return not self.missing and not self.changed

    @property
    def empty(self) -> bool:
        """True when the snapshots hold the same user data."""
        return not self.missing and not self.changed and not self.added

    def lost_fields(self) -> Counter[str]:
        """How many values of each field were lost or changed in matched contacts."""
        out: Counter[str] = Counter()
        for change in self.changed:
            for c in change.changes:
                if c.kind in {"lost", "changed"}:
                    out[f"{c.field} {c.kind}"] += 1
        return out

    def summary(self) -> str:
        parts = [f"{len(self.missing)} missing", f"{len(self.changed)} changed",
                 f"{len(self.added)} added", f"{self.unchanged} unchanged"]
        return ", ".join(parts)

    def __repr__(self) -> str:
        return f"<Diff {self.summary()}>"

    # -- notebook display and tables (see contactguard._notebook) ------------------------

    def _repr_html_(self) -> str:
        show = current_options().show_personal_data
        return render(*diff_view(self, show=show), masked=not show)

    def to_pandas(self, *, show_personal_data: bool = False) -> DataFrame:
        """One row per contact of ``before`` in order, then one per added contact; names
        masked unless ``show_personal_data``.  Needs pandas
        (``pip install 'contactguard[pandas]'``).

        Columns: ``status`` (``intact``, ``changed``, ``missing``, ``added``),
        ``before_index``, ``after_index``, ``name``, ``stage`` and ``confidence`` (of the
        match), ``changes`` (``"1 phone changed, 1 photo lost"``).
        """
        return data_frame(DIFF_COLUMNS, diff_rows(self, show=show_personal_data))


for _cls in (FieldChange, ContactChange, Diff):
    _cls.__module__ = "contactguard"


def _is_change(prop: str, old: str, new: str) -> bool:
    if prop == "TEL":
        a, b = old.lstrip("+"), new.lstrip("+")
        return (Levenshtein.distance(a, b, score_cutoff=2) <= 2
                or written_shorter((old,), (new,)))
    if prop in {"PHOTO", "LOGO", "N", "FN", "BDAY", "ANNIVERSARY"}:
        return True  # one value per contact: a different one replaced it
    return ratio(old, new) >= CHANGE_SIMILARITY


def field_changes(a: Iterable[tuple[str, str]], b: Iterable[tuple[str, str]]
                  ) -> tuple[FieldChange, ...]:
    """Field-level differences between two :func:`canonical_fields` results."""
    before: dict[str, set[str]] = defaultdict(set)
    after: dict[str, set[str]] = defaultdict(set)
    for prop, value in a:
        before[prop].add(value)
    for prop, value in b:
        after[prop].add(value)
    out: list[FieldChange] = []
    for prop in sorted(before.keys() | after.keys()):
        removed = sorted(before[prop] - after[prop])
        added = sorted(after[prop] - before[prop])
        for old in list(removed):
            partner = next((new for new in added if _is_change(prop, old, new)), None)
            if partner is not None:
                out.append(FieldChange("changed", prop, old, partner))
                removed.remove(old)
                added.remove(partner)
        out.extend(FieldChange("lost", prop, old, None) for old in removed)
        out.extend(FieldChange("added", prop, None, new) for new in added)
    return tuple(out)


def phone_readings(contact: Contact, region: str | None, *,
                   wider: str | None = None) -> dict[str, frozenset[str]]:
    """Each canonical phone key of ``contact`` with every key it may also stand for.

    A number written without a country code can be valid in several plausible regions
    (``9759 7703`` is a Hong Kong and a Singapore mobile; ``07903 335358`` a British mobile
    and a Chinese landline).  The canonical form picks one; two spellings are still the
    same number when either reading of one is the other (libphonenumber's NSN match, as
    Android's ``PhoneNumberUtils.compare`` does).  ``wider`` (more regions): read in too
    when a number is valid in none of ``region``'s.
    """
    regions, _ = regions_of(region)
    more = [r for r in regions_of(wider)[0] if r not in regions]
    local = card_regions(contact, region) if region else None
    out: dict[str, frozenset[str]] = {}
    for written in contact.phones:
        raw = written.strip()
        if not raw:
            continue
        first = read_phone(raw, local)
        primary = first.key
        keys = {primary}
        valid = first.valid
        for code in regions:
            phone = read_phone(raw, code)
            if phone.valid:
                keys.add(phone.key)
                valid = True
        if not valid:
            keys.update(p.key for p in (read_phone(raw, code) for code in more) if p.valid)
        out[primary] = frozenset(keys) | out.get(primary, frozenset())
    return out


def own_regions(snapshot: Snapshot, region: str | None, given: str | None = None
                ) -> str | None:
    """The regions of ``region`` (two books' plausible regions, most likely first) that
    one book's numbers may be read in, as a region text: the first, which is the book's
    region, and those this book's own internationally written numbers make plausible.

    A region only the other book shows is no reading of this one's national numbers that
    are valid in its own (see ``wider`` of :func:`phone_readings`): a Hong Kong backup's
    ``9123 4567`` that came back as ``+65 9123 4567`` now dials Singapore, whichever
    regions the restore made plausible.  The caller's regions (``given``) are every
    book's; an exact region text stays as it is.
    """
    regions, hints = regions_of(region)
    if not hints or len(regions) < 2:
        return region
    own = plausible_regions(c for contact in snapshot for c in contact.phones)
    mine = {*regions_of(own)[0], *regions_of(check_region(given))[0]} if own or given else set()
    return ",".join(r for k, r in enumerate(regions) if k == 0 or r in mine)


def _same_number(a: str, b: str, before: dict[str, frozenset[str]],
                 after: dict[str, frozenset[str]]) -> bool:
    """One reading of ``a`` is one reading of ``b`` (each is at least its own reading)."""
    return bool(before.get(a, frozenset({a})) & after.get(b, frozenset({b})))


def _name_parts(value: str) -> list[str]:
    return [*value.split("\x1f"), "", ""][:2]


def format_only_changes(changes: tuple[FieldChange, ...], old: Contact, new: Contact,
                        region: str | None, *, old_region: str | None = None,
                        new_region: str | None = None) -> tuple[FieldChange, ...]:
    """``changes`` without the differences that are only how a vendor wrote the data.

    * a phone number read in another plausible region on one side (see
      :func:`phone_readings`; ``old_region``/``new_region``: the regions each side's own
      numbers make plausible, default ``region``);
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
        before = phone_readings(old, region if old_region is None else old_region,
                                wider=region)
        after = phone_readings(new, region if new_region is None else new_region,
                               wider=region)
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
        def swapped(c: FieldChange) -> bool:
            if c.kind != "changed" or c.before is None or c.after is None:
                return False
            a, b = _name_parts(c.before), _name_parts(c.after)
            # swapped, or the words moved between the two fields ("Kwok;Ivy" written
            # as ";Ivy Kwok": a CSV with the whole name in First Name)
            return (a == b[::-1] or "".join(a) == "".join(b)
                    or sorted(" ".join(a).split()) == sorted(" ".join(b).split()))
        kept = [c for c in kept
                if c.property != "N" or not (c.kind in {"lost", "added"} or swapped(c))]
    return tuple(sorted(kept, key=lambda c: (c.property, c.kind, c.before or "", c.after or "")))


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


#: What the comparing functions take: a Snapshot, or a path that :func:`load` reads.
SnapshotLike: TypeAlias = Snapshot | str | os.PathLike[str]


def as_snapshot(value: SnapshotLike, what: str) -> Snapshot:
    """``value`` itself when it is a Snapshot, else the Snapshot :func:`load` reads from
    the path (a ``TypeError``-compatible UsageError for anything else)."""
    if isinstance(value, (str, os.PathLike)):
        return load(value)
    expect(value, Snapshot, what)
    return value


def diff(before: SnapshotLike, after: SnapshotLike, *, region: str | None = None,
         min_evidence: float = MIN_EVIDENCE, max_block: int = 64,
         progress: Callable[[int, int], None] | None = None) -> Diff:
    """Compare two snapshots contact by contact.

    ``region`` reads national phone numbers on both sides (default: a snapshot's own, else
    inferred from the numbers of both).  ``progress(done, total)`` is called every 1,000 contacts
    put in canonical form (both sides count).  ``min_evidence`` and ``max_block`` tune the fuzzy
    matcher (see :func:`contactguard.match`).

    >>> from contactguard import loads
    >>> old = loads("BEGIN:VCARD\\nVERSION:3.0\\nFN:Ada\\nTEL:+44 20 7946 0000\\nEND:VCARD\\n"
    ...             "BEGIN:VCARD\\nVERSION:3.0\\nFN:Bob\\nTEL:+44 20 7946 0001\\nEND:VCARD\\n")
    >>> new = loads("BEGIN:VCARD\\nVERSION:2.1\\nFN:Ada\\nTEL:+44 20 7946 0009\\nEND:VCARD\\n")
    >>> d = diff(old, new)
    >>> [c.formatted_name for c in d.missing], [ch.summary for ch in d.changed]
    (['Bob'], ['1 phone changed'])
    """
    before = as_snapshot(before, "diff()'s before")
    after = as_snapshot(after, "diff()'s after")
    given, region = region, region_for(before, after, region=region)
    with gc_paused():
        total = len(before) + len(after)
        sb = Side(before, region, None if progress is None else lambda i: progress(i, total))
        sa = Side(after, region, None if progress is None
                  else lambda i: progress(len(before) + i, total))
        matches = match(sb, sa, min_evidence=min_evidence, max_block=max_block)
    matched_after = {m.after for m in matches}
    changed: list[ContactChange] = []
    unchanged = 0
    old_region, new_region = (own_regions(s, region, given) for s in (before, after))
    for m in matches:
        if sb.fingerprints[m.before] == sa.fingerprints[m.after]:
            unchanged += 1
            continue
        changes = format_only_changes(
            field_changes(sb.fields[m.before], sa.fields[m.after]),
            before[m.before], after[m.after], region, old_region=old_region,
            new_region=new_region)
        if changes:
            changed.append(ContactChange(before[m.before], after[m.after], m, changes))
        else:
            unchanged += 1
    matched_before = {m.before for m in matches}
    return Diff(
        before=before,
        after=after,
        matches=matches,
        missing=tuple(c for i, c in enumerate(before) if i not in matched_before),
        added=tuple(c for j, c in enumerate(after) if j not in matched_after),
        changed=tuple(changed),
        unchanged=unchanged,
        region=region,
    )
