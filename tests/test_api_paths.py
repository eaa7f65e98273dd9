"""The Python API (#16): paths wherever a Snapshot goes, findings never counted twice,
the key given once, and the summaries' words (FAIL, plurals) shared with the CLI."""

from __future__ import annotations

from pathlib import Path

import contactguard as cg

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
BACKUP = EXAMPLES / "backup-iphone.vcf"
RESTORED = EXAMPLES / "restore-android.vcf"


def test_check_is_idempotent() -> None:
    once = cg.check(cg.load(RESTORED))
    twice = cg.check(once)
    assert len(once.findings) == len(twice.findings) == 4
    assert twice.findings == once.findings


def test_verify_restore_counts_the_findings_of_a_checked_restore_once() -> None:
    backup = cg.load(BACKUP)
    plain = cg.verify_restore(backup, cg.load(RESTORED))
    checked = cg.verify_restore(backup, cg.check(cg.load(RESTORED)))
    assert len(plain.findings) == len(checked.findings) == 4
    assert checked.summary() == plain.summary()
    assert plain.summary().endswith(", 0 added, 4 findings (4 errors)")
    assert plain.summary().startswith("FAIL: 34 of 40 contacts intact")


def test_paths_are_accepted_where_snapshots_are() -> None:
    by_path = cg.verify_restore(str(BACKUP), RESTORED)
    by_snap = cg.verify_restore(cg.load(BACKUP), cg.load(RESTORED))
    assert by_path.summary() == by_snap.summary()
    assert cg.diff(BACKUP, str(RESTORED)).summary() == cg.diff(
        cg.load(BACKUP), cg.load(RESTORED)).summary()
    copies = cg.compare_copies([BACKUP, str(BACKUP), cg.load(RESTORED)])
    assert [(c.first, c.second, c.ok) for c in copies] == [(0, 1, True), (0, 2, False),
                                                           (1, 2, False)]


def test_the_key_is_given_once(tmp_path: Path) -> None:
    key = "tundra kettle oboe meridian"
    path = tmp_path / "m.json"
    cg.Manifest.build(cg.load(BACKUP), key=key).save(path)
    report = cg.verify(RESTORED, path, key=key)
    assert report.summary().startswith("FAIL: 34 of 40 contacts intact, 3 missing")
    assert cg.verify(BACKUP, str(path), key=key).summary() == (
        "OK: 40 of 40 contacts intact, 0 missing, 0 changed, 0 added")


def test_summaries_use_plurals() -> None:
    one = cg.loads("BEGIN:VCARD\nVERSION:3.0\nFN:Ada\nTEL:+44 20 7946 0000\nEND:VCARD\n")
    assert cg.verify_restore(one, one).summary() == (
        "OK: 1 of 1 contact intact, 0 missing, 0 changed, 0 added")
