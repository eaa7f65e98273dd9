"""The seeded restore corpus (tests/restores.py) in the suite, held to the issue's targets.

Mixed CN/HK/TW/US/GB/SG books, an iPhone 3.0 backup restored as an Android 2.1 export,
Google CSV (new and old) and an iPhone re-export, with vendor rewrites and real damage;
default settings, no region passed.  ``benchmarks/bench_identity.py`` runs the same scoring
at 2,000+ contacts; the figures are in docs/benchmarks.md.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import bench_identity

import contactguard as cg
import restores

SEEDS = (11, 12)
Scores = tuple[dict[str, Any], list[dict[str, Any]]]
CONTACTS = 500


@pytest.fixture(scope="module")
def scores() -> Scores:
    results: list[dict[str, Any]] = []
    backups: list[dict[str, Any]] = []
    for seed in SEEDS:
        for fmt in restores.FORMATS:
            case = restores.make_case(CONTACTS, seed=seed, restore_format=fmt)
            backup = cg.loads(case.backup_text)
            results.append(bench_identity.score_restore(case, backup))
        backups.append(bench_identity.score_backup(case, backup))
    return bench_identity.overall(results), backups


def test_missing_is_precise_and_complete(scores: Scores) -> None:
    pooled, _ = scores
    assert pooled["missing"]["recall"] == 1.0
    assert pooled["missing"]["precision"] >= 0.98


def test_changed_is_precise_complete_and_names_the_field(scores: Scores) -> None:
    pooled, _ = scores
    assert pooled["changed"]["precision"] >= 0.97
    assert pooled["changed"]["recall"] >= 0.97
    assert pooled["changed"]["all_fields_named"] >= 0.97


def test_formatting_and_untouched_contacts_are_left_alone(scores: Scores) -> None:
    pooled, _ = scores
    assert pooled["formatting_flagged"] <= 0.01
    assert pooled["untouched_flagged_changed"] <= 0.005
    assert pooled["untouched_flagged_missing"] == 0.0


def test_a_clean_backup_has_no_false_warnings_or_errors(scores: Scores) -> None:
    _, backups = scores
    for b in backups:
        assert b["invalid_phone_per_contact"] <= 0.01
        assert b["error_findings"] == 0


def test_duplicates_including_nicknames(scores: Scores) -> None:
    _, backups = scores
    hit = pred = act = 0
    for b in backups:
        d = b["duplicates"]
        pred += d["predicted_pairs"]
        act += d["actual_pairs"]
        hit += round(d["precision"] * d["predicted_pairs"]) if d["predicted_pairs"] else 0
    assert act > 0
    assert hit / pred >= 0.99
    assert hit / act >= 0.97
