"""Identity matching: which contact of one snapshot is which contact of another.

Theory of operation
-------------------
A restore crosses vendors, regenerates UIDs, reformats numbers and reorders cards, so no
single key identifies a person.  Matching runs in stages, each on what the previous ones
left unmatched, cheapest and surest first:

1. **uid** – both cards carry the same UID and their data does not contradict it;
2. **identical** – equal fingerprints (same user data, any formatting);
3. **key** / **fuzzy** – candidates from blocking indexes (normalized phone numbers,
   emails, phone numbers with one digit masked, and name keys: sorted tokens, pinyin,
   initials) are scored by weighing evidence (shared phone or email, name similarity with
   ``rapidfuzz``, birthday, organization, one-digit phone differences, contradictions).
   Blocks larger than ``max_block`` are skipped as unspecific, so the number of scored
   pairs grows linearly with the input.  Pairs at or above ``min_evidence`` are then
   assigned one-to-one, best first (greedy maximum-weight matching, deterministic ties).

Every :class:`Match` carries its stage, a confidence and the reasons, in words.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Final

from rapidfuzz.distance import Levenshtein
from rapidfuzz.fuzz import token_sort_ratio

from .._core import expect
from .._detect import check_text
from .._model import Contact
from .._normalize import (
    check_region,
    name_keys,
    normalize_name,
    regions_of,
    romanize,
)
from .fingerprint import (
    Fingerprint,
    _unescaped,
    canonical_all,
    canonical_fields,
    fingerprint_of_fields,
    written_nationally,
)
from .readings import national_readings

__all__ = ["MIN_EVIDENCE", "SHORTER", "WEIGHTS", "Match", "Profile", "Side", "confidence", "match",
           "national_alternates", "phone_alternates", "profile", "score", "written_shorter"]

#: Evidence weights (log-odds-like points).  Rules as data so they can be tuned and
#: documented in one place.
WEIGHTS: Final = {
    "phone": 3.0, "phone-extra": 0.5, "email": 3.0, "phone-near": 1.5,
    "name-exact": 2.5, "name-close": 1.5, "name-romanized": 1.5, "name-far": -2.0,
    "bday-same": 1.0, "bday-differs": -1.5, "org-same": 0.5,
    "phones-disjoint": -1.0, "emails-disjoint": -0.5,
    "damaged-name-agree": 1.0, "adr-same": 1.0, "phone-short": 2.0,
}
MIN_EVIDENCE: Final = 2.5


@dataclass(frozen=True, slots=True)
class Match:
    """A pairing of ``before[before]`` with ``after[after]``."""

    before: int
    after: int
    confidence: float
    stage: str
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Profile:
    """What matching needs of one contact, computed once."""

    fingerprint: Fingerprint
    fields: tuple[tuple[str, str], ...]
    uid: str | None
    phones: frozenset[str]
    emails: frozenset[str]
    name: str
    romanized: str
    keys: frozenset[str]
    bday: str
    org: str
    #: The name carries mojibake, U+FFFD or control characters: it cannot be compared as
    #: it is.  ``repaired`` is what is left of it: the certain repair of a mojibake, else the
    #: name without the damaged characters.
    name_damaged: bool = False
    repaired: str = ""
    repair_certain: bool = False


for _cls in (Match, Profile):
    _cls.__module__ = "contactguard"


def profile(contact: Contact, *, region: str | None = None,
            fields: tuple[tuple[str, str], ...] | None = None) -> Profile:
    """Precompute a contact's matching features (``fields`` when already computed)."""
    if fields is None:
        fields = canonical_fields(contact, region=region)
    by_name: dict[str, list[str]] = defaultdict(list)
    for prop, value in fields:
        by_name[prop].append(value)
    family, given = "", ""
    if by_name.get("N"):
        family, given, *_ = (*by_name["N"][0].split("\x1f"), "", "")
    formatted = (by_name.get("FN") or [""])[0]
    # A company card exported without a name (Google CSV) is named by its organization.
    org_name = (by_name.get("ORG") or [""])[0].split("\x1f")[0]
    name = normalize_name(formatted or f"{given} {family}".strip() or org_name)
    return Profile(
        fingerprint=fingerprint_of_fields(fields),
        fields=fields,
        uid=contact.uid,
        phones=frozenset(by_name.get("TEL", ())) | phone_alternates(contact, region),
        emails=frozenset(by_name.get("EMAIL", ())),
        name=name,
        romanized=romanize(name) if name else "",
        keys=name_keys(family=family, given=given, formatted=formatted or org_name),
        bday=(by_name.get("BDAY") or [""])[0],
        org=(by_name.get("ORG") or [""])[0].casefold(),
        name_damaged=bool(damage := _raw_name_damage(contact)),
        repaired=damage.removeprefix(_CERTAIN),
        repair_certain=damage.startswith(_CERTAIN),
    )


def phone_alternates(contact: Contact, region: str | None) -> frozenset[str]:
    """Every key the contact's national numbers have in the book's plausible regions.

    ``9225 3326`` is a valid Hong Kong and a valid Singapore mobile; whichever the
    canonical form picked, the restore's ``+65 9225 3326`` is the same number (an NSN
    match), so both readings take part in blocking and in "phone in common".
    """
    raws = (_unescaped(p.value).strip() for p in contact.properties if p.name == "TEL")
    return national_alternates([raw for raw in raws if raw and written_nationally(raw)],
                               region)


def national_alternates(nationals: Iterable[str], region: str | None) -> frozenset[str]:
    """:func:`phone_alternates` of a card's nationally written numbers (as collected by
    :func:`canonical_fields`)."""
    regions, _ = regions_of(region)
    if len(regions) < 2:
        return frozenset()
    out: set[str] = set()
    for raw in nationals:
        out.update(national_readings(raw, regions))
    return frozenset(out)


#: Problems of a name that make it say nothing about who the contact is.
_NAME_DAMAGE: Final = frozenset({"mojibake", "replacement-character", "control-character",
                                 "nul-in-value"})


#: Emoji and other symbols some vendors strip from names (So, Sk, and emoji modifiers).
_SYMBOLS: Final = re.compile("[\u2600-\u27bf\U0001f000-\U0001faff\ufe0f\u200d]")
_DAMAGED_CHARS: Final = re.compile("[\ufffd\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def _raw_name_damage(contact: Contact) -> str:
    """:func:`_damage` of the name as read (canonical text has folded the evidence away:
    a non-breaking space that was half of a mojibake character, a C1 control)."""
    for prop in (*contact.get_all("FN"), *contact.get_all("N")):
        text = " ".join(c for c in prop.components if c) if prop.name == "N" else prop.text
        damage = _damage(text)
        if damage:
            return damage
    return ""


def _damage(name: str) -> str:
    """'' for a sound name; for a damaged one, what can still be compared of it."""
    if not name.strip():
        return ""
    problems = [p for p in check_text(name) if p.kind in _NAME_DAMAGE]
    if not problems:
        return ""
    fixed = next((p.suggestion for p in problems if p.suggestion), None)
    if fixed:
        return _CERTAIN + normalize_name(fixed)
    return normalize_name(_DAMAGED_CHARS.sub("", name)) or "\ufffd"


#: Marks a repair of a name that the detector calls certain (see check_text).
_CERTAIN: Final = "\x00"


class Side:
    """One side of a match: contacts with their canonical fields and fingerprints computed
    up front, and full :class:`Profile` s only on demand (most contacts of a restore are
    matched by fingerprint and never need names romanized)."""

    __slots__ = ("_profiles", "contacts", "fields", "fingerprints", "region")

    def __init__(self, contacts: Sequence[Contact], region: str | None,
                 progress: Callable[[int], None] | None = None) -> None:
        self.contacts = contacts
        self.region = region
        self.fields, self.fingerprints = canonical_all(contacts, region, progress)
        self._profiles: dict[int, Profile] = {}

    def __len__(self) -> int:
        return len(self.contacts)

    def profile(self, i: int) -> Profile:
        p = self._profiles.get(i)
        if p is None:
            p = self._profiles[i] = profile(self.contacts[i], region=self.region,
                                             fields=self.fields[i])
        return p


#: The reason given when one number is the other without its country or area code.
SHORTER: Final = "probably the same number, written shorter"
#: Fewest digits the shorter spelling must keep to count as the same number written shorter.
SHORT_NSN: Final = 7


def written_shorter(a: Iterable[str], b: Iterable[str]) -> bool:
    """One number of ``a`` and one of ``b`` differ only by leading digits, the shorter
    keeping at least :data:`SHORT_NSN` (libphonenumber's SHORT_NSN_MATCH): ``6234 5678``
    for ``+86 21 6234 5678``.  Evidence, never identity.

    >>> written_shorter({"+862162345678"}, {"+8662345678"})
    True
    >>> written_shorter({"+8613800138000"}, {"+8613800138001"})
    False
    """
    bs = [_digits(y) for y in b]
    for x in a:
        dx = _digits(x)
        for dy in bs:
            short, long_ = (dx, dy) if len(dx) <= len(dy) else (dy, dx)
            if short != long_ and _national_tail(short, long_):
                return True
    return False


def _national_tail(short: str, long_: str) -> bool:
    # the shorter may carry its own (wrongly assumed) country code: compare the tails
    for cut in range(4):
        rest = short[cut:]
        if len(rest) >= SHORT_NSN and long_.endswith(rest):
            return True
    return False


def _digits(phone: str) -> str:
    return phone.split(";", 1)[0].lstrip("+")


def _near_phone(a: frozenset[str], b: frozenset[str]) -> tuple[str, str] | None:
    for x in a:
        dx = _digits(x)
        for y in b:
            dy = _digits(y)
            if abs(len(dx) - len(dy)) <= 1 and Levenshtein.distance(dx, dy, score_cutoff=1) <= 1:
                return x, y
    return None


def score(a: Profile, b: Profile) -> tuple[float, tuple[str, ...]]:
    """Evidence that ``a`` and ``b`` are the same person, and the reasons in words."""
    total = 0.0
    reasons: list[str] = []
    shared_phones = a.phones & b.phones
    if shared_phones:
        total += WEIGHTS["phone"] + WEIGHTS["phone-extra"] * (len(shared_phones) - 1)
        reasons.append(f"{len(shared_phones)} phone number(s) in common")
    shared_emails = a.emails & b.emails
    if shared_emails:
        total += WEIGHTS["email"]
        reasons.append(f"{len(shared_emails)} email address(es) in common")
    if a.phones and b.phones and not shared_phones:
        near = _near_phone(a.phones - b.phones, b.phones - a.phones)
        if near is not None:
            total += WEIGHTS["phone-near"]
            reasons.append("a phone number differs in one digit")
        elif written_shorter(a.phones - b.phones, b.phones - a.phones):
            total += WEIGHTS["phone-short"]
            reasons.append(SHORTER)
        else:
            total += WEIGHTS["phones-disjoint"]
            reasons.append("no phone number in common")
    if a.emails and b.emails and not shared_emails:
        total += WEIGHTS["emails-disjoint"]
        reasons.append("no email address in common")
    damaged = a.name_damaged != b.name_damaged
    if damaged and _certainly_repaired_to(a, b):
        total += WEIGHTS["name-exact"]
        reasons.append("same name once its mojibake is repaired")
    elif damaged:
        # One side's name came back as mojibake or with U+FFFD: it says nothing either way.
        # Such a pair stands on a shared phone or email plus one more agreeing field.
        agreeing = (len(shared_phones) + len(shared_emails) + (a.bday != "" and a.bday == b.bday)
                    + (a.org != "" and a.org == b.org)
                    + len(_other_fields(a) & _other_fields(b)) + _what_is_left_agrees(a, b)
                    + _all_else_equal(a, b))
        reasons.append("name damaged on one side")
        one_digit = bool(a.phones and b.phones and not shared_phones
                         and _near_phone(a.phones - b.phones, b.phones - a.phones))
        agreeing += one_digit
        based = shared_phones or shared_emails or (one_digit and agreeing >= 4)
        if not based or agreeing < 2:
            total = min(total, MIN_EVIDENCE - 0.5)
        else:  # each further agreeing field stands in for the name that cannot be compared
            total += WEIGHTS["damaged-name-agree"] * min(agreeing - 1, 2)
    elif a.name and b.name:
        if a.name == b.name:
            total += WEIGHTS["name-exact"]
            reasons.append("same name")
        else:
            ratio = token_sort_ratio(a.name, b.name) / 100.0
            plain_a, plain_b = _SYMBOLS.sub("", a.name).strip(), _SYMBOLS.sub("", b.name).strip()
            if plain_a and plain_a == plain_b:
                total += WEIGHTS["name-close"]
                reasons.append("same name but for symbols or emoji")
            elif ratio >= 0.85:
                total += WEIGHTS["name-close"]
                reasons.append(f"similar names ({ratio:.2f})")
            elif a.romanized and sorted(a.romanized.split()) == sorted(b.romanized.split()):
                total += WEIGHTS["name-romanized"]
                reasons.append("names agree when romanized")
            elif ratio < 0.5 and not (a.keys & b.keys):
                total += WEIGHTS["name-far"]
                reasons.append(f"different names ({ratio:.2f})")
    if a.bday and b.bday:
        if a.bday == b.bday:
            total += WEIGHTS["bday-same"]
            reasons.append("same birthday")
        else:
            total += WEIGHTS["bday-differs"]
            reasons.append("different birthdays")
    if a.org and a.org == b.org:
        total += WEIGHTS["org-same"]
        reasons.append("same organization")
    shared_addresses = {f for f in a.fields if f[0] == "ADR"} & {f for f in b.fields
                                                                 if f[0] == "ADR"}
    if shared_addresses:
        total += WEIGHTS["adr-same"]
        reasons.append("same address")
    return total, tuple(reasons)


#: Fields a damaged-name pair may also agree on, beyond phones, emails, birthday and org.
_OTHER_FIELDS: Final = frozenset({"ADR", "NOTE", "URL", "NICKNAME", "TITLE", "PHOTO", "IMPP",
                                   "CATEGORIES"})


def _other_fields(p: Profile) -> set[tuple[str, str]]:
    return {f for f in p.fields if f[0] in _OTHER_FIELDS}


def _certainly_repaired_to(a: Profile, b: Profile) -> bool:
    """The damaged name's certain repair is the other name (in either name order)."""
    hurt, other = (a, b) if a.name_damaged else (b, a)
    if not hurt.repair_certain or not hurt.repaired or not other.name:
        return False
    return sorted(hurt.repaired.replace(" ", "")) == sorted(other.name.replace(" ", ""))


def _all_else_equal(a: Profile, b: Profile) -> bool:
    """Everything but the name is the same user data on both cards."""
    rest_a = {f for f in a.fields if f[0] not in {"FN", "N"}}
    return bool(rest_a) and rest_a == {f for f in b.fields if f[0] not in {"FN", "N"}}


def _what_is_left_agrees(a: Profile, b: Profile) -> bool:
    """The undamaged part of one name agrees with the other name (``郭家�`` / ``郭家豪``)."""
    left, other = (a.repaired, b.name) if a.name_damaged else (b.repaired, a.name)
    if not left or not other or left == "\ufffd":
        return False
    if sorted(left.replace(" ", "")) == sorted(other.replace(" ", "")):
        return True  # the same characters, in Western or Chinese order
    return (len(left) >= 2 and left in other) or token_sort_ratio(left, other) >= 80


def confidence(total: float) -> float:
    """Evidence points to a 0–1 confidence (monotone; 2.5 points ≈ 0.63)."""
    return round(max(0.0, 1.0 - math.exp(-max(total, 0.0) / 2.5)), 3)


def _unique_uids(contacts: Sequence[Contact]) -> dict[str, int]:
    """UID -> index for the UIDs that occur exactly once."""
    seen: dict[str, int] = {}
    twice: set[str] = set()
    for i, c in enumerate(contacts):
        uid = c.uid
        if uid:
            if uid in seen:
                twice.add(uid)
            seen[uid] = i
    return {u: i for u, i in seen.items() if u not in twice}


def _one_digit_masks(phone: str) -> Iterable[str]:
    digits = _digits(phone)
    for i in range(max(0, len(digits) - 8), len(digits)):
        yield f"~{digits[:i]}*{digits[i + 1:]}"


def _block_keys(p: Profile) -> set[str]:
    keys: set[str] = set(p.phones) | {f"@{e}" for e in p.emails} | set(p.keys)
    for phone in p.phones:
        keys.update(_one_digit_masks(phone))
    return keys


def match(before: Sequence[Contact] | Side, after: Sequence[Contact] | Side, *,
          region: str | None = None, min_evidence: float = MIN_EVIDENCE,
          max_block: int = 64) -> tuple[Match, ...]:
    """One-to-one matches between two contact lists, in ``before`` order.

    ``region`` reads national phone numbers on both sides (give the same one for both).
    """
    for value, what in ((before, "before"), (after, "after")):
        if not isinstance(value, Side):
            expect(value, Sequence, f"match()'s {what}")
            for item in value:
                expect(item, Contact, f"match()'s {what} items")
    region = check_region(region)
    sb = before if isinstance(before, Side) else Side(before, region)
    sa = after if isinstance(after, Side) else Side(after, region)
    matches: dict[int, Match] = {}
    taken: set[int] = set()

    # A UID identifies a card only where it is unique on both sides: a UID used twice in
    # one snapshot (a duplicate-uid finding) is left to the later stages.
    uid_b, uid_a = _unique_uids(sb.contacts), _unique_uids(sa.contacts)
    for uid, i in uid_b.items():
        j = uid_a.get(uid)
        if j is None:
            continue
        same = sb.fingerprints[i] == sa.fingerprints[j]
        total, reasons = (0.0, ()) if same else score(sb.profile(i), sa.profile(j))
        if same or total >= 0:
            matches[i] = Match(i, j, 1.0, "uid", ("same UID", *reasons))
            taken.add(j)

    by_fp: dict[str, list[int]] = defaultdict(list)
    for j, fp in enumerate(sa.fingerprints):
        if j not in taken:
            by_fp[fp].append(j)
    for i, fp in enumerate(sb.fingerprints):
        if i in matches:
            continue
        bucket = by_fp.get(fp)
        if bucket:
            j = bucket.pop()
            matches[i] = Match(i, j, 1.0, "identical", ("identical user data",))
            taken.add(j)

    left_b = [i for i in range(len(sb)) if i not in matches]
    left_a = [j for j in range(len(sa)) if j not in taken]
    index: dict[str, list[int]] = defaultdict(list)
    for j in left_a:
        for key in _block_keys(sa.profile(j)):
            index[key].append(j)
    candidates: list[tuple[float, int, int, tuple[str, ...]]] = []
    for i in left_b:
        pi = sb.profile(i)
        seen: set[int] = set()
        for key in _block_keys(pi):
            block = index.get(key)
            if not block or len(block) > max_block:
                continue
            for j in block:
                if j in seen:
                    continue
                seen.add(j)
                total, reasons = score(pi, sa.profile(j))
                if total >= min_evidence:
                    candidates.append((-total, i, j, reasons))
    candidates.sort()
    for neg_total, i, j, reasons in candidates:
        if i in matches or j in taken:
            continue
        pi, pj = sb.profile(i), sa.profile(j)
        strong = bool(pi.phones & pj.phones or pi.emails & pj.emails)
        matches[i] = Match(i, j, confidence(-neg_total), "key" if strong else "fuzzy", reasons)
        taken.add(j)
    return tuple(matches[i] for i in sorted(matches))
