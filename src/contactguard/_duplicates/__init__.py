"""Stage 8 (beside comparison), duplicates: the same person entered twice in one book.

Owns blocking, pair scoring, clustering into explained groups, fingerprint-keyed
:class:`~contactguard.Decisions`, and lossless merge plans.  Promises explanations that name
the kind of evidence, never a value, and nothing merged without being asked.

Theory of operation
-------------------
Deduplicating one address book is not matching two of them: the same phone number on two
cards may be a family landline shared by two people, and nothing is paired one-to-one.
:func:`find_duplicates` therefore runs its own pipeline, every step of it deterministic:

1. **units** – contacts with equal fingerprints (the same user data, any formatting) are
   one unit: they are duplicates without further evidence.  Everything below compares
   units, and reads only their canonical fields, so the result cannot depend on card order.
2. **candidates** – blocking keys (normalized phone numbers, emails, name keys ``t:``/``p:``
   from :func:`~contactguard._normalize.name_keys`, the birthday, postcode + an initial,
   street number + street prefix) put units that share a key into one block; a block
   larger than ``max_block`` is skipped as unspecific.  A sorted neighbourhood (each unit
   against its ``WINDOW`` neighbours when sorted by romanized "family given", "given
   family" and reversed family name) adds pairs whose names differ by a typo in every key.
   Work grows with ``units × (keys × max_block + 3 × WINDOW)``: near-linear.  Only pairs
   that could be links go on: a link needs a kind of evidence besides the name, and each
   of those is a shared phone, email or birthday (then the pair is in that key's block) or
   addresses on both cards, so a pair met only through a name key or a neighbourhood is
   dropped unless both cards have addresses or share a key whose block was too large.
3. **evidence** – each candidate pair is scored field by field with weights in
   :data:`WEIGHTS` (log-odds-like points, rules as data): same phone, same email, given and
   family names (exact, Jaro-Winkler close, equal when romanized, swapped), birthday (same,
   near, different), address parts (capped so a shared household address alone cannot
   carry a pair; address lines may be swapped).  A pair is a **link** when it reaches
   ``threshold`` points, agrees on at least two kinds of evidence (a name and a phone, a
   phone and an email, …), and is not vetoed: two different given names are two people,
   whatever else they share (the family landline rule), unless their full birth dates are
   ones two members of a family would not have: the same, or near (one typo, same year and
   month, day and month swapped) with the family names agreeing.
4. **clustering** – links are taken strongest first (ties by fingerprint) and join two
   clusters only when every cross pair is free of veto and of a "distinct" decision
   (complete-linkage check) and the cross pairs *average* at least ``threshold``
   (average-linkage check).  So one weak link cannot chain two unrelated people through a
   third card, as single-linkage transitive closure would.
5. **decisions** – "same" decisions become links of unlimited strength; "distinct"
   decisions forbid any group holding both fingerprints.  Both are keyed by fingerprint, so
   they survive a restore that regenerated UIDs.

Explanations name the kind of evidence ("same phone number", "name similarity 0.93"),
never its value: groups can be logged and shown without leaking personal data.

Merging is a separate, explicit step: :func:`plan_merge` builds the lossless union of a
group's cards and lists the conflicts; :func:`write_merged` writes the groups the caller
accepted to a *new* file.  Nothing is merged automatically.
"""

from __future__ import annotations

from .clustering import find_duplicates
from .merge import plan_merge, write_merged
from .results import Conflict, Decisions, DuplicateGroup, MergePlan, PairExplanation

__all__ = [
    "Conflict",
    "Decisions",
    "DuplicateGroup",
    "MergePlan",
    "PairExplanation",
    "find_duplicates",
    "plan_merge",
    "write_merged",
]
