"""Backup contacts that came back merged into one card with another.

Phones and accounts merge duplicates on a restore: Android aggregates raw contacts with
the same name and a shared number or address, iCloud and Google offer "merge duplicates"
and export the merged card.  Two backup contacts (``Jim Price`` and ``James Price``, one
phone) then come back as one card holding the details of both.  The matcher pairs that
card with one of them; the other is no loss, and saying it "did not come back" would send
the user to re-import it, making the duplicate again.

A contact left unpaired is *merged* into a restored card that another backup contact was
paired with when all of these hold (:func:`find_merges`):

* they share a phone number or an e-mail address, and the matcher's evidence that they
  are one person reaches :data:`~contactguard.MIN_EVIDENCE`;
* the names agree: the same once normalized, the same but for symbols, the same when
  romanized (``张伟``/``Zhang Wei``), or token by token the same but for a given name and
  its diminutive (``Jim``/``James``, the nicknames dataset), or the contact has no name.
  Two names that are merely similar (``Zhang Wei``/``Zhang Wen``, a family's landline)
  are two people;
* the card bears the name of the contact it was paired with, by the same rule (a card
  paired with a contact of another name is that contact's change, not a merge);
* something on the card is the contact's and not the card's own contact's (a number, an
  address, its name): a contact whose every detail repeats another's may as well have
  been deleted, and is still called missing, with :data:`REPEATS` and the card it
  repeats (a user who knows they were duplicates knows nothing is lost);
* every other value of the contact is on the card, after the formatting-only rules of
  :func:`format_only_changes` (one lost phone, e-mail, note… and it stays *missing*:
  a merge that dropped data is a loss the repair file must bring back).

The values the merged contact brought to the card are then no change of the contact the
card was paired with.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Final

from .._identity import (
    FIELD_GROUPS,
    MERGED_LISTS,
    MIN_EVIDENCE,
    Match,
    Profile,
    Side,
    confidence,
    score,
)
from .._normalize import is_cjk, is_diminutive
from .fields import FieldChange, field_changes
from .formatonly import format_only_changes

__all__ = ["MERGED", "REPEATS", "drop_merged_values", "find_merges"]

#: The first reason of a backup contact that came back merged into another's card.
MERGED: Final = "came back merged into one card with another contact of the backup"
#: The first reason of a missing contact whose every detail is on another's card.
REPEATS: Final = ("every detail of it is on another contact's card: a duplicate the restore "
                  "kept once, or a deletion (nothing tells them apart)")

#: The name the card keeps one of: a merged contact's own may differ from the card's.
#: (A nickname or phonetic name is data the merge must keep, like any other.)
_NAME_PROPERTIES: Final = frozenset({"FN", "N"})
#: Values no formatting rule may excuse: a merged contact's photo must be on the card
#: as it was (a photo link or a re-encoded photo cannot show it kept).
_EXACT: Final = frozenset(p for p, g in FIELD_GROUPS.items() if g == "photo") | {"KEY",
                                                                                  "SOUND"}
#: The values a merge is looked up by.
_KEYS: Final = frozenset({"TEL", "EMAIL"})
#: Free text a merge may join into one value (the card's note holds each contact's).
_JOINED: Final = frozenset({"NOTE"})
#: A number or address on more paired cards than this is no lead to a merge (an office
#: switchboard, a family's landline): looking it up would score every pair of them.
_MAX_SHARED: Final = 8
#: Reasons of :func:`score` that say the two names are one person's.
_SAME_NAME: Final = ("same name", "same name but for symbols or emoji",
                     "names agree when romanized", "same name once its mojibake is repaired")


def _has_han(name: str) -> bool:
    return any(is_cjk(ch) for ch in name)


def _nickname_of(a: str, b: str) -> bool:
    """A given name and its diminutive (Jim/James), not two people's names that the
    nicknames data also links: a gendered pair (Louis/Louise, Andrew/Andrea) differs
    only at its end."""
    short, long_ = sorted((a, b), key=len)
    if long_.startswith(short) and len(long_) - len(short) <= 1:
        return False
    if len(a) == len(b) and a[:-1] == b[:-1]:
        return False
    return is_diminutive(a, b)


def _names_agree(a: Profile, b: Profile, reasons: Sequence[str]) -> bool:
    if not a.name:
        return True
    for r in reasons:
        if r == "names agree when romanized":
            # hanzi against its pinyin; two Chinese names that sound alike (张伟/张薇,
            # 章伟/张伟) are two people
            if _has_han(a.name) != _has_han(b.name):
                return True
        elif r in _SAME_NAME:
            return True
    ta, tb = a.name.split(), b.name.split()
    if len(ta) != len(tb) or len(ta) < 2:
        return False
    # token by token, in either order, equal or a given name and its diminutive
    rest = list(tb)
    for token in ta:
        partner = next((t for t in rest if t == token), None) or next(
            (t for t in rest if _nickname_of(token, t)), None)
        if partner is None:
            return False
        rest.remove(partner)
    return True


def _beyond(sb: Side, sa: Side, own: int, j: int, region: str | None
            ) -> frozenset[tuple[str, str]]:
    """What card ``j`` has beyond its own contact ``own``, after the formatting-only rules
    (a number or an N the restore rewrote is no one's contribution).  A merged contact
    must have put something of this on the card: without it nothing shows a merge, and a
    contact whose details all repeat another's may as well have been deleted (missing
    stays missing: recall first)."""
    beyond = format_only_changes(field_changes(sb.fields[own], sa.fields[j]),
                                 sb.contacts[own], sa.contacts[j], region)
    return frozenset((c.property, c.after) for c in beyond
                     if c.kind in {"added", "changed"} and c.after is not None)


def _contained(sb: Side, sa: Side, i: int, j: int, region: str | None) -> bool:
    card = set(sa.fields[j])
    if any(f[0] in _EXACT and f not in card for f in sb.fields[i]):
        return False
    changes = format_only_changes(field_changes(sb.fields[i], sa.fields[j]),
                                  sb.contacts[i], sa.contacts[j], region)
    return all(c.kind == "added" or c.property in _NAME_PROPERTIES
               or (c.property in MERGED_LISTS and _items(c.before) <= _listed(card, c.property))
               or (c.property in _JOINED and c.before is not None
                   and any(p == c.property and c.before in v for p, v in card))
               for c in changes)


def _joined(c: FieldChange, brought: Iterable[tuple[str, str]]) -> bool:
    # the card's note is its own contact's and the merged ones' run together (Google's
    # merge joins them): nothing is left once each is taken out
    if c.property not in _JOINED or c.kind not in {"added", "changed"} or c.after is None:
        return False
    if c.before and c.before not in c.after:
        return False  # the card's own contact lost its note to the merged one's
    rest = c.after
    for piece in (c.before, *(v for p, v in brought if p == c.property)):
        if piece:
            rest = rest.replace(piece, "", 1)
    return rest != c.after and not rest.strip(" \n,;")


def _items(value: str | None) -> set[str]:
    # one joined value of a list property (CATEGORIES: a set, joined by U+001F)
    return set(value.split("\x1f")) if value else set()


def _listed(fields: Iterable[tuple[str, str]], prop: str) -> set[str]:
    return {item for p, v in fields if p == prop for item in _items(v)}


def _own_card(sb: Side, sa: Side, m: Match) -> bool:
    """The card of ``m`` bears its own contact's name: only such a card can hold others
    merged into it (a card paired with a contact of another name is a change of that
    contact's name, not a merge to explain it away)."""
    a, b = sb.profile(m.before), sa.profile(m.after)
    return _names_agree(a, b, score(a, b)[1])


def find_merges(sb: Side, sa: Side, matches: Sequence[Match], region: str | None
                ) -> tuple[tuple[Match, ...], tuple[Match, ...]]:
    """``(merged, repeats)``: the unpaired contacts of ``sb`` that came back merged into a
    card of ``sa`` already paired with another, as matches of stage ``"merged"`` (reasons:
    :data:`MERGED`, then the evidence); and those that pass every rule but the last, with
    nothing of their own on the card (stage ``"repeats"``, reasons: :data:`REPEATS`):
    still missing, with the card a user may find them on.  See the module's docstring for
    the rules.  Profiles are built only for the unpaired contacts and the cards that
    share a number or address with one."""
    paired = {m.after: m for m in matches}
    paired_before = {m.before for m in matches}
    unpaired = [i for i in range(len(sb)) if i not in paired_before]
    if not unpaired or not paired:
        return (), ()
    keys = {f for i in unpaired for f in sb.fields[i] if f[0] in _KEYS}
    cards: dict[tuple[str, str], list[int]] = defaultdict(list)
    for j in sorted(paired):
        for f in sa.fields[j]:
            if f in keys:
                cards[f].append(j)
    for f in [f for f, js in cards.items() if len(js) > _MAX_SHARED]:
        del cards[f]  # a switchboard or a shared family address says nothing of a merge
    own: dict[int, bool] = {}
    beyond: dict[int, frozenset[tuple[str, str]]] = {}
    merged: list[Match] = []
    repeats: list[Match] = []
    for i in unpaired:
        candidates = sorted({j for f in sb.fields[i] if f[0] in _KEYS
                             for j in cards.get(f, ())})
        best: tuple[float, int, tuple[str, ...], bool] | None = None
        for j in candidates:
            total, reasons = score(sb.profile(i), sa.profile(j))
            if total < MIN_EVIDENCE or (best is not None and best[3] and total <= best[0]):
                continue
            if j not in own:
                own[j] = _own_card(sb, sa, paired[j])
            if not (own[j] and _names_agree(sb.profile(i), sa.profile(j), reasons)
                    and _contained(sb, sa, i, j, region)):
                continue
            if j not in beyond:
                beyond[j] = _beyond(sb, sa, paired[j].before, j, region)
            mine = not beyond[j].isdisjoint(sb.fields[i])
            if best is None or (mine, total) > (best[3], best[0]):
                best = (total, j, reasons, mine)
        if best is not None:
            total, j, reasons, mine = best
            (merged if mine else repeats).append(Match(
                i, j, confidence(total), "merged" if mine else "repeats",
                (MERGED if mine else REPEATS, *reasons)))
    return tuple(merged), tuple(repeats)


def drop_merged_values(changes: tuple[FieldChange, ...],
                       brought: Iterable[tuple[str, str]]) -> tuple[FieldChange, ...]:
    """``changes`` of a card's own contact without the values that contacts merged into
    the card ``brought`` (their canonical fields): added values, and the name the card
    took from one of them.

    >>> fc = (FieldChange("added", "EMAIL", None, "jim@example.com"),
    ...       FieldChange("added", "EMAIL", None, "other@example.com"))
    >>> [c.after for c in drop_merged_values(fc, [("EMAIL", "jim@example.com")])]
    ['other@example.com']
    """
    mine = set(brought)
    # The card's groups are its contact's and the merged ones' (Google and iCloud merges
    # keep the union): a list property whose old items are all on the card, and whose
    # new ones all come from the two, did not change.
    unions = set()
    for prop in {c.property for c in changes} & MERGED_LISTS:
        old = {x for c in changes if c.property == prop for x in _items(c.before)}
        new = {x for c in changes if c.property == prop for x in _items(c.after)}
        if old <= new <= old | _listed(mine, prop):
            unions.add(prop)

    def explained(c: FieldChange) -> bool:
        return c.property in unions or _joined(c, mine) or ((c.property, c.after) in mine and (
            c.kind == "added" or (c.kind == "changed" and c.property in _NAME_PROPERTIES)))

    return tuple(c for c in changes if not explained(c))
