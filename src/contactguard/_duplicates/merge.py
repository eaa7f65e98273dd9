"""Merging, only on request: the lossless union of a group's cards, and writing it to a new file."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import Final

from .._core import UsageError, atomic_write
from .._identity import canonical_fields, canonical_value, is_volatile
from .._model import Contact, Property, Snapshot
from .._write import dumps
from .results import Conflict, DuplicateGroup, MergePlan

SINGLE_VALUED: Final = frozenset({"FN", "N", "BDAY", "ANNIVERSARY", "GENDER", "KIND", "UID",
                                  "REV", "PRODID", "SORT-STRING", "CLASS", "PROFILE"})


def _spelling_rank(prop: Property) -> tuple[bool, int, int]:
    """Prefer the most complete, international spelling of one phone number."""
    text = prop.text.strip()
    return text.startswith("+"), sum(ch.isdigit() for ch in text), len(prop.params)


def _merged_params(kept: Property, other: Property) -> Property:
    types = list(kept.param("TYPE"))
    seen = {t.upper() for t in types}
    extra = [t for t in other.param("TYPE") if t.upper() not in seen]
    if not extra:
        return kept
    params = [p for p in kept.params if p[0] != "TYPE"]
    params.append(("TYPE", ",".join([*types, *extra])))
    return kept._replace(params=tuple(params))


def plan_merge(group: DuplicateGroup, *, region: str | None = None) -> MergePlan:
    """The lossless union of a group's contacts, and the conflicts to resolve.

    The *primary* is the card with the most user data (ties: the first).  Its properties
    come first, then every property of the others that adds a value.  Equal values (same
    canonical form: ``138 0013 8000`` = ``+86 138-0013-8000``) are collapsed into one, kept
    in the most complete, international spelling with the TYPE labels of all.  A
    single-valued property with different values keeps the primary's and is listed in
    ``conflicts``; nothing is folded into NOTE.  Apple item groups are renumbered where
    two cards used the same name.
    """
    if len(group.indexes) != len(group.contacts) or not group.indexes:
        raise UsageError("plan_merge() needs a DuplicateGroup from find_duplicates()")
    fields = [canonical_fields(c, region=region) for c in group.contacts]
    order = sorted(range(len(group.contacts)), key=lambda k: (-len(fields[k]), k))
    primary = order[0]
    out: list[Property] = []
    where: dict[tuple[str, str], int] = {}
    single: dict[str, tuple[int, list[str], list[int]]] = {}
    collapsed: list[tuple[int, Property]] = []
    used_groups: set[str] = set()
    for rank, k in enumerate(order):
        contact, index = group.contacts[k], group.indexes[k]
        keys = [(p.name, canonical_value(p, region) or p.value) for p in contact.properties]
        # A group (item1.TEL + item1.X-ABLabel) whose user data all collapsed goes with it.
        kept_groups: set[str] = set()
        for prop, key in zip(contact.properties, keys, strict=True):
            if prop.group and not is_volatile(prop.name) and not (
                    key in where or (prop.name in SINGLE_VALUED and prop.name in single)):
                kept_groups.add(prop.group.lower())
        rename: dict[str, str] = {}
        for prop, key in zip(contact.properties, keys, strict=True):
            name = prop.name
            if rank and is_volatile(name) and (
                    name in SINGLE_VALUED or (prop.group and
                                              prop.group.lower() not in kept_groups)):
                collapsed.append((index, prop))
                continue
            if name in SINGLE_VALUED and not is_volatile(name):
                if name in single:
                    at, values, indexes = single[name]
                    if key[1] not in {canonical_value(out[at], region) or out[at].value}:
                        text = prop.text.strip()
                        if text not in values:
                            values.append(text)
                            indexes.append(index)
                    collapsed.append((index, prop))
                    continue
                single[name] = (len(out), [prop.text.strip()], [index])
            elif key in where and not is_volatile(name):
                at = where[key]
                kept, dropped = out[at], prop
                if name == "TEL" and _spelling_rank(prop) > _spelling_rank(kept):
                    kept, dropped = prop._replace(group=kept.group), kept
                out[at] = _merged_params(kept, dropped)
                collapsed.append((index, dropped))
                continue
            written = prop
            if prop.group:
                g = prop.group.lower()
                if g not in rename:
                    new = prop.group
                    if rank and g in used_groups:
                        n = len(used_groups) + 1
                        while f"item{n}" in used_groups:
                            n += 1
                        new = f"item{n}"
                    rename[g] = new
                    used_groups.add(new.lower())
                written = prop._replace(group=rename[g])
            where.setdefault(key, len(out))
            out.append(written)
    conflicts = tuple(Conflict(name, tuple(values), tuple(indexes))
                      for name, (_, values, indexes) in sorted(single.items())
                      if len(values) > 1)
    base = group.contacts[primary]
    merged = Contact(tuple(out), base.version, None, base.source)
    return MergePlan(group, merged, group.indexes[primary], conflicts, tuple(collapsed))


def _input_paths(snapshot: Snapshot) -> set[Path]:
    names = [snapshot.source.name, *(f.name for f in snapshot.source.files)]
    out: set[Path] = set()
    for name in names:
        if not name or name.startswith("<"):
            continue
        out.add(Path(name.split("!", 1)[0]).resolve())
    return out


def write_merged(snapshot: Snapshot, groups_or_plans: Iterable[DuplicateGroup | MergePlan],
                 path: str | os.PathLike[str], *, version: str = "3.0",
                 region: str | None = None) -> tuple[Contact, ...]:
    """Write ``snapshot`` with each accepted group replaced by its merged contact to ``path``.

    Only the groups (or plans) passed are merged; the merged card takes the place of the
    group's first card, every other card is written as it was.  The file is written
    atomically and must be new: a path that is one of the snapshot's input files raises
    :class:`~contactguard.UsageError`, as do overlapping groups and groups from another
    snapshot.  Returns the contacts written.
    """
    target = Path(path).resolve()
    inputs = _input_paths(snapshot)
    if target in inputs or any(p.exists() and target.exists() and os.path.samefile(p, target)
                               for p in inputs):
        raise UsageError(f"refusing to write merged contacts over the input file {path}; "
                         "choose a new file")
    if target.is_dir():
        raise UsageError(f"{path} is a folder; give a file name for the merged contacts")
    replaced: dict[int, Contact | None] = {}
    for item in groups_or_plans:
        plan = item if isinstance(item, MergePlan) else plan_merge(item, region=region)
        indexes = plan.group.indexes
        for i, contact in zip(indexes, plan.group.contacts, strict=True):
            if not 0 <= i < len(snapshot) or snapshot[i] is not contact:
                raise UsageError(f"group {indexes} does not come from this snapshot")
            if i in replaced:
                raise UsageError(f"contact {i} is in more than one accepted group")
            replaced[i] = None
        replaced[min(indexes)] = plan.contact
    written = tuple(replaced.get(i, c) if i in replaced else c
                    for i, c in enumerate(snapshot))
    out = tuple(c for c in written if c is not None)
    atomic_write(target, dumps(out, version=version))
    return out
