"""Grouping: links taken strongest first into clusters no weak link can chain."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from typing import Any, Final

from .._core import UsageError, gc_paused, in_chunks
from .._identity import (
    Fingerprint,
    canonical_fields,
    fingerprint_of_fields,
    national_alternates,
)
from .._model import Snapshot
from .._normalize import region_for
from .blocking import _candidates
from .features import _Person, _person
from .results import Decisions, DuplicateGroup, PairExplanation
from .scoring import (
    AVERAGE_MARGIN,
    DEFAULT_THRESHOLD,
    VETO_SHARE,
    _confidence,
    _Evidence,
    _evidence,
    _linked,
)


def _explain(i: int, j: int, ev: _Evidence) -> PairExplanation:
    i, j = min(i, j), max(i, j)
    return PairExplanation(i, j, round(ev.points, 2), _confidence(ev.points),
                           tuple(ev.agreed), tuple(ev.disagreed))


_NONE: Final[frozenset[str]] = frozenset()
_SAME: Final = _Evidence(math.inf, ["you decided these are the same person"], [], {"decision"})


def find_duplicates(snapshot: Snapshot, *, threshold: float = DEFAULT_THRESHOLD,
                    region: str | None = None, decisions: Decisions | None = None,
                    max_block: int = 64,
                    progress: Callable[[int, int], None] | None = None,
                    workers: int | None = None) -> list[DuplicateGroup]:
    """Groups of contacts in ``snapshot`` that look like one person, sorted by first index.

    ``threshold`` is the evidence (points, see :data:`WEIGHTS`) a link needs: raise it for
    fewer, surer groups.  ``region`` reads national phone numbers (default: the snapshot's
    ``default_region``, else inferred).  ``decisions`` are the user's earlier answers.
    ``max_block`` skips blocking keys shared by more units than that.  ``progress(done,
    total)`` is called every 1,000 contacts profiled (on several processes, every 1,000 of
    this process's share, counted for all), then every 1,000 scored (a new total).
    ``workers``: processes to read the contacts of a large book in (default: on Linux, one
    per usable core and per 10,000 contacts, when no other Python thread runs; ``1``: this
    process only).  The result is the same for any number.

    >>> from contactguard import loads
    >>> book = loads("BEGIN:VCARD\\nVERSION:3.0\\nN:张;伟;;;\\nTEL:138 0013 8000\\nEND:VCARD\\n"
    ...              "BEGIN:VCARD\\nVERSION:3.0\\nN:Zhang;Wei;;;\\nTEL:+8613800138000\\n"
    ...              "END:VCARD\\n", default_region="CN")
    >>> [(g.indexes, g.pairs[0].agreed) for g in find_duplicates(book)]
    [((0, 1), ('names agree when romanized (pinyin)', 'same phone number'))]
    """
    if max_block < 2:
        raise UsageError(f"max_block must be at least 2, not {max_block}")
    region = region_for(snapshot, region=region)
    with gc_paused():  # profiles, evidence and links hold no reference cycles
        return _find(snapshot, region, decisions or Decisions(), threshold=threshold,
                     max_block=max_block, progress=progress, workers=workers)


def _find(snapshot: Snapshot, region: str | None, decisions: Decisions, *, threshold: float,
          max_block: int, progress: Callable[[int, int], None] | None,
          workers: int | None) -> list[DuplicateGroup]:
    distinct = decisions.distinct

    # 1. Units: equal fingerprints, unless the user said identical copies are distinct.
    # Profiling is most of the work on a large book: on several cores, in forked chunks.
    n = len(snapshot)

    def profile(lo: int, hi: int) -> tuple[list[Fingerprint], list[tuple[Any, ...]]]:
        """Fingerprints of contacts ``lo``..``hi`` and a profile of each new one (from a
        chunk a child may compute, as a plain tuple: the child's result is pickled, and a
        named tuple takes twice as long, a Python call per profile)."""
        fps: list[Fingerprint] = []
        persons: dict[Fingerprint, _Person] = {}
        report = progress if lo == 0 else None  # (a child does not report)
        for i, contact in enumerate(snapshot[lo:hi], lo):
            if report is not None and i % 1000 == 0:
                report(i * n // hi, n)
            nationals: list[str] = []
            fields = canonical_fields(contact, region=region, nationals=nationals)
            fp = fingerprint_of_fields(fields)
            fps.append(fp)
            if fp not in persons:
                # with the other valid readings of its national numbers (9225 3326: HK or SG)
                alternates = national_alternates(nationals, region) if nationals else _NONE
                persons[fp] = _person(fields, extra_phones=alternates, fingerprint=fp)
        if lo == 0:  # (the first chunk is this process's own)
            return fps, list(persons.values())
        return fps, [tuple(p) for p in persons.values()]

    by_fp: dict[Fingerprint, list[int]] = defaultdict(list)
    person_of: dict[Fingerprint, _Person] = {}
    i = 0
    for fps, persons in in_chunks(profile, n, workers=workers):
        for fp in fps:
            by_fp[fp].append(i)
            i += 1
        for person in persons:
            if person[0] not in person_of:  # the first card's, as one pass would
                person_of[person[0]] = (person if isinstance(person, _Person)
                                        else _Person._make(person))
    members: list[list[int]] = []
    people: list[_Person] = []
    for fp in sorted(by_fp):
        copies = by_fp[fp]
        person = person_of[fp]
        split = bool(distinct) and frozenset({fp}) in distinct
        for chunk in ([c] for c in copies) if split else [copies]:
            members.append(chunk)
            people.append(person)
    del person_of, by_fp

    # 2-3. Candidate pairs and links.
    links: list[tuple[float, str, str, int, int]] = []
    cache: dict[tuple[int, int], _Evidence] = {}
    for u, others in enumerate(_candidates(people, max_block)):
        if progress is not None and u % 1000 == 0:
            progress(u, len(people))
        for v in others:
            ev = _evidence(people[u], people[v])
            if _linked(ev, threshold):
                cache[u, v] = ev
                links.append((-ev.points, people[u].fingerprint, people[v].fingerprint, u, v))
    if decisions.same:
        unit_of: dict[Fingerprint, list[int]] = defaultdict(list)
        for u, p in enumerate(people):
            unit_of[p.fingerprint].append(u)
        for pair in decisions.same:
            a, b = (*pair, *pair)[:2] if len(pair) == 1 else tuple(pair)
            for u in unit_of.get(a, ()):
                for v in unit_of.get(b, ()):
                    if u != v:
                        key = (min(u, v), max(u, v))
                        cache[key] = _SAME
                        links.append((-math.inf, min(a, b), max(a, b), *key))
    links.sort()

    def evidence(u: int, v: int) -> _Evidence:
        key = (min(u, v), max(u, v))
        ev = cache.get(key)
        if ev is None:
            pu, pv = people[key[0]], people[key[1]]
            ev = cache[key] = (_SAME if frozenset({pu.fingerprint, pv.fingerprint})
                               in decisions.same else _evidence(pu, pv))
        return ev

    # 4. Constrained agglomeration.
    root = list(range(len(people)))
    # Only units with a link ever join: the others stay clusters of one, made on demand.
    cluster: dict[int, list[int]] = {}
    weakest: dict[int, float] = {}

    def find(u: int) -> int:
        while root[u] != u:
            root[u] = root[root[u]]
            u = root[u]
        return u

    for _, _, _, u, v in links:
        ru, rv = find(u), find(v)
        if ru == rv:
            continue
        left, right = cluster.get(ru) or [ru], cluster.get(rv) or [rv]
        total, vetoes, ok = 0.0, 0, True
        for x in left:
            for y in right:
                if frozenset({people[x].fingerprint, people[y].fingerprint}) in distinct:
                    ok = False
                    break
                ev = evidence(x, y)
                vetoes += ev.veto
                total += ev.points
            if not ok:
                break
        cross = len(left) * len(right)
        if not ok or vetoes > VETO_SHARE * cross or total / cross < threshold - AVERAGE_MARGIN:
            continue
        mean = total / cross
        keep, gone = (ru, rv) if ru < rv else (rv, ru)
        root[gone] = keep
        cluster[keep] = left + right if keep == ru else right + left
        cluster.pop(gone, None)
        weakest[keep] = min(mean, weakest.pop(keep, math.inf), weakest.pop(gone, math.inf))

    # 5. Groups in snapshot positions.
    groups: list[DuplicateGroup] = []
    for u, chunk in enumerate(members):
        if len(chunk) > 1 and root[u] == u and u not in cluster:
            cluster[u] = [u]  # identical copies, and nothing else
    for r, units in cluster.items():
        indexes = sorted(i for u in units for i in members[u])
        if len(indexes) < 2:
            continue
        pairs: list[PairExplanation] = []
        for u in units:
            first, *copies = members[u]
            pairs.extend(PairExplanation(first, c, math.inf, 1.0, ("identical user data",), ())
                         for c in copies)
        ordered = sorted(units, key=lambda u: members[u][0])
        for k, u in enumerate(ordered):
            for v in ordered[k + 1:]:
                ev = evidence(u, v)
                explained = _explain(members[u][0], members[v][0], ev)
                if ev is _SAME:
                    explained = PairExplanation(explained.i, explained.j, math.inf, 1.0,
                                                explained.agreed, ())
                pairs.append(explained)
        pairs.sort(key=lambda p: (p.i, p.j))
        conf = _confidence(weakest[r]) if r in weakest else 1.0
        groups.append(DuplicateGroup(tuple(indexes), tuple(snapshot[i] for i in indexes),
                                     conf, tuple(pairs)))
    groups.sort(key=lambda g: g.indexes)
    return groups
