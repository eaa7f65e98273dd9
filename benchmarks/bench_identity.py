"""How trustworthy are verify_restore's verdicts?  Measured on the seeded restore corpus.

    python benchmarks/bench_identity.py [--contacts 2000] [--seed 1] [--format android21]
                                        [--json]

For each restore format (tests/restores.py: an Android 2.1 re-export, Google Contacts CSV
new and old style, an iPhone 3.0 re-export) it builds an iPhone 3.0 backup with ground
truth, reads both files with ``contactguard.loads``, runs ``contactguard.verify_restore``
and scores every verdict against the truth by backup position (``Verdict.reference`` is
the backup index).  On the clean backup it also runs ``contactguard.check`` (every
generated number is valid, so every ``invalid-phone`` finding is a false one) and
``contactguard.find_duplicates`` (scored as pairs against the intended duplicate groups).

Numbers printed: missing precision/recall; changed precision/recall and how often the
right fields were named; formatting-only contacts reported changed or missing, and which
rewrites set that off; untouched contacts reported changed or missing; pairing accuracy
(a verdict pointing at the right restore card); invalid-phone findings as % of contacts
and error-level findings on the clean backup; duplicate pair precision/recall.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import contactguard as cg
import restores

#: vCard property of the ground truth -> contactguard's field group (FieldChange.field).
GROUP = {"FN": "name", "N": "name", "TEL": "phone", "EMAIL": "email", "ADR": "address",
         "NOTE": "note", "PHOTO": "photo", "BDAY": "date"}


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def _pr(predicted: set[int], actual: set[int]) -> dict[str, Any]:
    hit = len(predicted & actual)
    return {"precision": _ratio(hit, len(predicted)), "recall": _ratio(hit, len(actual)),
            "predicted": len(predicted), "actual": len(actual)}


def score_restore(case: restores.Case, backup: cg.Snapshot) -> dict[str, Any]:
    """Score verify_restore on one case (``backup`` is the loaded backup)."""
    t0 = time.perf_counter()
    restored = cg.loads(case.restore_text)
    t_load = time.perf_counter() - t0
    t0 = time.perf_counter()
    report = cg.verify_restore(backup, restored)
    t_verify = time.perf_counter() - t0
    verdict = {v.reference: v for v in report.verdicts if v.reference is not None}
    truth = case.truth
    n = len(truth)
    status = {i: verdict[i].status for i in range(n)}
    by_label = {lab: set(case.indexes(lab))
                for lab in ("untouched", "formatting", "changed", "missing")}
    predicted_missing = {i for i, s in status.items() if s == "missing"}
    predicted_changed = {i for i, s in status.items() if s == "changed"}
    flagged = predicted_missing | predicted_changed

    # fields named, on truly changed contacts reported changed
    all_named = exact = 0
    missed_fields: Counter[str] = Counter()
    extra_fields: Counter[str] = Counter()
    caught = by_label["changed"] & predicted_changed
    for i in caught:
        want = {GROUP[p] for p in truth[i].damaged}
        got = {c.field for c in verdict[i].changes}
        all_named += want <= got
        exact += want == got
        missed_fields.update(want - got)
        extra_fields.update(got - want)
    # which rewrites set off a false alarm (a contact with several counts for each)
    rewrite_total: Counter[str] = Counter()
    rewrite_flagged: Counter[str] = Counter()
    false_fields: Counter[str] = Counter()
    for i in by_label["formatting"]:
        rewrite_total.update(truth[i].rewrites)
        if i in flagged:
            rewrite_flagged.update(truth[i].rewrites)
            false_fields.update(c.field for c in verdict[i].changes)
    solo_total: Counter[str] = Counter()
    solo_flagged: Counter[str] = Counter()
    for i in by_label["formatting"]:
        if len(truth[i].rewrites) == 1:
            solo_total[truth[i].rewrites[0]] += 1
            solo_flagged[truth[i].rewrites[0]] += i in flagged
    for i in by_label["untouched"]:
        if i in flagged:
            false_fields.update(c.field for c in verdict[i].changes)
    # damage kinds caught
    damage_total: Counter[str] = Counter()
    damage_caught: Counter[str] = Counter()
    for i in by_label["changed"]:
        for k in truth[i].damages:
            damage_total[k] += 1
            damage_caught[k] += i in predicted_changed
    present = [i for i in range(n) if truth[i].label != "missing"]
    right_pair = sum(verdict[i].checked == truth[i].restore_index for i in present)
    wrong_pair = sum(verdict[i].checked is not None and verdict[i].checked
                     != truth[i].restore_index for i in present)
    restore_errors = Counter(f.kind for f in report.findings
                             if f.severity is cg.Severity.ERROR)
    restore_reading = Counter(f.kind for f in restored.findings)
    return {
        "format": case.restore_format,
        "contacts": n,
        "truth": case.counts(),
        "verdicts": dict(Counter(v.status for v in report.verdicts)),
        "missing": _pr(predicted_missing, by_label["missing"]),
        "changed": {**_pr(predicted_changed, by_label["changed"]),
                    "all_fields_named": _ratio(all_named, len(caught)),
                    "exact_fields_named": _ratio(exact, len(caught)),
                    "fields_not_named": dict(missed_fields),
                    "fields_wrongly_named": dict(extra_fields)},
        "formatting_flagged": _ratio(len(by_label["formatting"] & flagged),
                                     len(by_label["formatting"])),
        "formatting_flagged_missing": _ratio(len(by_label["formatting"] & predicted_missing),
                                             len(by_label["formatting"])),
        "untouched_flagged_changed": _ratio(len(by_label["untouched"] & predicted_changed),
                                            len(by_label["untouched"])),
        "untouched_flagged_missing": _ratio(len(by_label["untouched"] & predicted_missing),
                                            len(by_label["untouched"])),
        "false_alarm_fields": dict(false_fields),
        "flagged_by_rewrite": {k: f"{rewrite_flagged[k]}/{rewrite_total[k]}"
                               for k in sorted(rewrite_total)},
        "flagged_by_sole_rewrite": {k: f"{solo_flagged[k]}/{solo_total[k]}"
                                    for k in sorted(solo_total)},
        "caught_by_damage": {k: f"{damage_caught[k]}/{damage_total[k]}"
                             for k in sorted(damage_total)},
        "pairing": {"right": _ratio(right_pair, len(present)),
                    "wrong": _ratio(wrong_pair, len(present))},
        "restore_findings": dict(restore_reading),
        "restore_error_findings": dict(restore_errors),
        "seconds": {"load_restore": round(t_load, 3), "verify": round(t_verify, 3)},
        "_raw": {"pm": predicted_missing, "pc": predicted_changed, "lab": by_label,
                 "caught": len(caught), "all_named": all_named, "exact": exact,
                 "flagged": flagged},
    }


def _pairs(groups: Iterable[Iterable[int]]) -> set[tuple[int, int]]:
    out: set[tuple[int, int]] = set()
    for g in groups:
        out.update(combinations(sorted(g), 2))
    return out


def score_backup(case: restores.Case, backup: cg.Snapshot) -> dict[str, Any]:
    """check() and find_duplicates() on the clean backup."""
    t0 = time.perf_counter()
    checked = cg.check(backup)
    t_check = time.perf_counter() - t0
    kinds = Counter(f.kind for f in checked.findings)
    invalid = [f for f in checked.findings if f.kind == "invalid-phone"]
    errors = Counter(f.kind for f in checked.findings if f.severity is cg.Severity.ERROR)
    t0 = time.perf_counter()
    groups = cg.find_duplicates(backup)
    t_dup = time.perf_counter() - t0
    predicted = _pairs(g.indexes for g in groups)
    actual = _pairs(case.duplicate_groups)
    hit = len(predicted & actual)
    # the invalid-phone findings by the region of the number they were about
    by_region: Counter[str] = Counter()
    for f in invalid:
        if f.contact is not None:
            regions = {t.region for t in case.people[f.contact].tels}
            by_region["/".join(sorted(regions))] += 1
    return {
        "contacts": len(case.people),
        "invalid_phone_findings": len(invalid),
        "invalid_phone_per_contact": _ratio(len(invalid), len(case.people)),
        "contacts_with_invalid_phone": _ratio(len({f.contact for f in invalid}),
                                              len(case.people)),
        "invalid_phone_by_contact_regions": dict(by_region.most_common(8)),
        "error_findings": sum(errors.values()),
        "error_kinds": dict(errors),
        "finding_kinds": dict(kinds),
        "duplicates": {"precision": _ratio(hit, len(predicted)),
                       "recall": _ratio(hit, len(actual)),
                       "predicted_pairs": len(predicted), "actual_pairs": len(actual),
                       "groups": len(groups)},
        "seconds": {"check": round(t_check, 3), "find_duplicates": round(t_dup, 3)},
    }


def overall(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Pooled over formats (counts summed, then ratios)."""
    def union(key: str, label: str | None = None) -> tuple[int, int, int]:
        hit = pred = act = 0
        for r in results:
            raw = r["_raw"]
            p = raw[key]
            a = raw["lab"][label] if label else set()
            hit += len(p & a)
            pred += len(p)
            act += len(a)
        return hit, pred, act

    out: dict[str, Any] = {"format": "overall"}
    for name, key in (("missing", "pm"), ("changed", "pc")):
        hit, pred, act = union(key, name)
        out[name] = {"precision": _ratio(hit, pred), "recall": _ratio(hit, act),
                     "predicted": pred, "actual": act}
    caught = sum(r["_raw"]["caught"] for r in results)
    out["changed"]["all_fields_named"] = _ratio(
        sum(r["_raw"]["all_named"] for r in results), caught)
    out["changed"]["exact_fields_named"] = _ratio(
        sum(r["_raw"]["exact"] for r in results), caught)
    for label, key, name in (("formatting", "flagged", "formatting_flagged"),
                             ("untouched", "pc", "untouched_flagged_changed"),
                             ("untouched", "pm", "untouched_flagged_missing")):
        num = sum(len(r["_raw"]["lab"][label] & r["_raw"][key]) for r in results)
        den = sum(len(r["_raw"]["lab"][label]) for r in results)
        out[name] = _ratio(num, den)
    right = sum(r["pairing"]["right"] * (r["contacts"] - r["truth"]["missing"])
                for r in results)
    present = sum(r["contacts"] - r["truth"]["missing"] for r in results)
    out["pairing"] = {"right": _ratio(round(right), present)}
    return out


def _pct(x: float | None) -> str:
    return "   n/a" if x is None else f"{100 * x:5.1f}%"


def print_table(rows: list[dict[str, Any]], backup: dict[str, Any]) -> None:
    cols = [r["format"] for r in rows]
    print(f"{'':34}" + "".join(f"{c:>16}" for c in cols))

    def line(title: str, get: Any) -> None:
        print(f"{title:34}" + "".join(f"{get(r):>16}" for r in rows))
    line("truth untouched/format/chg/miss", lambda r: "/".join(
        str(r["truth"][k]) for k in ("untouched", "formatting", "changed", "missing"))
        if "truth" in r else "")
    line("missing precision", lambda r: _pct(r["missing"]["precision"]))
    line("missing recall", lambda r: _pct(r["missing"]["recall"]))
    line("changed precision", lambda r: _pct(r["changed"]["precision"]))
    line("changed recall", lambda r: _pct(r["changed"]["recall"]))
    line("  right fields named (all)", lambda r: _pct(r["changed"]["all_fields_named"]))
    line("  right fields named (exactly)", lambda r: _pct(r["changed"]["exact_fields_named"]))
    line("formatting-only flagged chg/miss", lambda r: _pct(r["formatting_flagged"]))
    line("untouched reported changed", lambda r: _pct(r["untouched_flagged_changed"]))
    line("untouched reported missing", lambda r: _pct(r["untouched_flagged_missing"]))
    line("paired with the right card", lambda r: _pct(r["pairing"]["right"]))
    print()
    print(f"clean backup ({backup['contacts']} contacts): invalid-phone findings "
          f"{backup['invalid_phone_findings']} ({_pct(backup['invalid_phone_per_contact'])} "
          f"of contacts; {_pct(backup['contacts_with_invalid_phone'])} of contacts have one), "
          f"error-level findings {backup['error_findings']} {backup['error_kinds'] or ''}")
    d = backup["duplicates"]
    print(f"duplicates: pair precision {_pct(d['precision'])}, recall {_pct(d['recall'])} "
          f"({d['predicted_pairs']} predicted pairs, {d['actual_pairs']} intended)")
    print(f"invalid-phone by the contact's number regions: "
          f"{backup['invalid_phone_by_contact_regions']}")
    for r in rows:
        if r["format"] == "overall":
            continue
        print(f"\n[{r['format']}] formatting contacts flagged, by rewrite (any / sole): ")
        solo = r["flagged_by_sole_rewrite"]
        print("   " + ", ".join(f"{k} {v} / {solo.get(k, '-')}"
                                for k, v in r["flagged_by_rewrite"].items()))
        print(f"   damage caught: {r['caught_by_damage']}")
        print(f"   fields on false alarms: {r['false_alarm_fields']}; fields not named on "
              f"real damage: {r['changed']['fields_not_named']}; wrongly named: "
              f"{r['changed']['fields_wrongly_named']}")
        print(f"   restore reading findings: {r['restore_findings']}; seconds: {r['seconds']}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--contacts", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--format", choices=[*restores.FORMATS, "all"], default="all")
    ap.add_argument("--json", action="store_true", help="machine-readable output")
    args = ap.parse_args()
    formats = restores.FORMATS if args.format == "all" else (args.format,)
    results = []
    backup_score: dict[str, Any] | None = None
    for fmt in formats:
        case = restores.make_case(args.contacts, seed=args.seed, restore_format=fmt)
        t0 = time.perf_counter()
        backup = cg.loads(case.backup_text)
        t_load = time.perf_counter() - t0
        if backup_score is None:  # the backup depends on the seed only
            backup_score = score_backup(case, backup)
            backup_score["seconds"]["load_backup"] = round(t_load, 3)
            backup_score["backup_reading_findings"] = dict(Counter(
                f.kind for f in backup.findings))
        results.append(score_restore(case, backup))
    assert backup_score is not None
    rows = [*results, overall(results)] if len(results) > 1 else results
    if args.json:
        clean = [{k: v for k, v in r.items() if k != "_raw"} for r in rows]
        print(json.dumps({"contacts": args.contacts, "seed": args.seed,
                          "restores": clean, "backup": backup_score},
                         ensure_ascii=False, indent=1))
    else:
        print(f"{args.contacts} contacts, seed {args.seed}")
        print_table(rows, backup_score)


if __name__ == "__main__":
    main()
