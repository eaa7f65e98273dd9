"""Notebook display (``_repr_html_``) and ``to_pandas()`` of every public result type.

The HTML is parsed back with :mod:`html.parser` and checked for what a reader sees: the
summary, masked personal data (unless asked for), escaped text, no active content, and
truncated tables that stay fast on 100,000 contacts.
"""

from __future__ import annotations

import sys
import time
from html.parser import HTMLParser
from typing import Any

import pytest

import books
import contactguard as cg
from contactguard._model import Findings
from contactguard._notebook import (
    CONTACT_COLUMNS,
    DIFF_COLUMNS,
    FINDING_COLUMNS,
    VERDICT_COLUMNS,
    DisplayOptions,
    current_options,
    display_options,
)

EVIL = "<script>alert(1)</script>"
EVIL_CARD = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:" + EVIL + "\r\nN:Evil;Eve;;;\r\n"
             "TEL:+44 20 7946 0999\r\nEMAIL:eve.secret@example.org\r\nUID:evil-1\r\n"
             "END:VCARD\r\n")
#: Tags and attributes that would make a display active or reach the network.
FORBIDDEN_TAGS = {"script", "style", "link", "img", "iframe", "object", "embed", "svg", "a"}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend(attrs)

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())


def page(obj: Any) -> _Page:
    """Parse ``obj._repr_html_()`` and check that it is inert."""
    markup = obj._repr_html_()
    assert isinstance(markup, str)
    p = _Page()
    p.feed(markup)
    p.close()
    assert not FORBIDDEN_TAGS & set(p.tags), p.tags
    assert {name for name, _ in p.attrs} <= {"class", "style"}, p.attrs
    assert "url(" not in markup and "http" not in markup
    return p


@pytest.fixture(scope="module")
def books_() -> tuple[cg.Snapshot, cg.Snapshot]:
    people = books.make_people(30, seed=11)
    backup = cg.loads(books.ios_backup(people) + EVIL_CARD, source="backup.vcf")
    restored = cg.loads(books.android_export(people[:27]) + "BEGIN:VCARD\r\nVERSION:2.1\r\n"
                        "FN:Cut Off\r\n", source="restore.vcf")
    return backup, restored


@pytest.fixture(autouse=True)
def _default_options() -> Any:
    with display_options(show_personal_data=False, max_rows=20):
        yield


def test_snapshot_display_summary_masking_and_escaping(
        books_: tuple[cg.Snapshot, cg.Snapshot]) -> None:
    backup, restored = books_
    text = page(backup).text
    assert text.startswith("contactguard.Snapshot")
    assert "source backup.vcf" in text and "contacts 31" in text and "findings 0" in text
    assert "… and 11 more contacts" in text
    assert "display_options(show_personal_data=True)" in text
    # the first contact, masked: no full number or email anywhere
    shown = [c for c in backup[:20] if c.phones and c.emails]
    assert shown
    for c in shown:
        assert c.phones[0] not in text and c.emails[0] not in text
        assert c.emails[0][0] + "***@" in text
    text = page(restored).text
    assert "findings 1 (1 error)" in text and "truncated-card" in text


def test_contact_display_escapes_and_masks(books_: tuple[cg.Snapshot, cg.Snapshot]) -> None:
    evil = books_[0][-1]
    masked = evil._repr_html_()
    assert "<script" not in masked
    text = page(evil).text
    assert text.startswith("contactguard.Contact")
    assert "eve.secret" not in text and "e***@example.org" in text
    assert "7946 0999" not in text and "***0999" in text
    with display_options(show_personal_data=True):
        shown = evil._repr_html_()
        text = page(evil).text
    assert "<script" not in shown and "&lt;script&gt;alert(1)&lt;/script&gt;" in shown
    assert EVIL in text and "eve.secret@example.org" in text
    assert "display_options" not in text  # no masking note when nothing is masked


def test_findings_display_and_tuple_behaviour(books_: tuple[cg.Snapshot, cg.Snapshot]) -> None:
    restored = cg.check(books_[1])
    findings = restored.findings
    assert isinstance(findings, Findings) and isinstance(findings, tuple)
    assert findings == tuple(findings) and hash(findings) == hash(tuple(findings))
    assert isinstance(findings[:1], Findings) and findings[0] is next(iter(findings))
    assert isinstance(restored.findings_for(27), Findings)
    assert findings.summary() == f"{len(findings)} finding{'s' * (len(findings) != 1)}: " \
        + ", ".join(f"{len(g)} {s}" for s, g in findings.by_severity().items() if g)
    assert {k: len(v) for k, v in findings.by_kind().items()}["truncated-card"] == 1
    assert set(findings.errors) == {f for f in findings if f.severity is cg.Severity.ERROR}
    text = page(findings).text
    assert text.startswith("contactguard.Findings") and "truncated-card" in text
    assert page(Findings()).text.startswith("contactguard.Findings findings 0")
    with pytest.raises(ValueError, match="unknown finding kind"):
        findings.of_kind("no-such-kind")


def test_diff_display(books_: tuple[cg.Snapshot, cg.Snapshot]) -> None:
    d = cg.diff(*books_)
    text = page(d).text
    assert text.startswith("contactguard.Diff status problems")
    assert f"missing {len(d.missing)}" in text and f"added {len(d.added)}" in text
    assert "Missing (4)" in text and "Changed (0) none" in text
    assert EVIL not in text
    with display_options(show_personal_data=True):
        assert EVIL in page(d).text


def test_restore_report_display(books_: tuple[cg.Snapshot, cg.Snapshot]) -> None:
    report = cg.verify_restore(*books_)
    assert isinstance(report.findings, Findings)
    text = page(report).text
    assert text.startswith("contactguard.RestoreReport status problems")
    assert report.summary() in text
    assert "Contacts not intact" in text and "Findings in the restored file" in text
    assert "UID evil-1" in text  # the label names it without personal data


def test_manifest_report_display(books_: tuple[cg.Snapshot, cg.Snapshot]) -> None:
    backup, restored = books_
    manifest = cg.Manifest.build(backup, key=b"k" * 32, salt=b"0" * 16)
    report = cg.verify(restored, manifest, key=b"k" * 32)
    text = page(report).text
    assert text.startswith("contactguard.ManifestReport status problems")
    assert "hmac-sha256" in text and report.summary() in text
    assert f"missing {len(report.missing)}" in text


def test_large_snapshot_is_summarised_and_fast() -> None:
    base = cg.loads(books.ios_backup(books.make_people(1000, seed=5)), source="big.vcf")
    big = cg.Snapshot(base.contacts * 100, source=base.source).with_findings(
        [cg.Finding.of("invalid-phone", "TEL: not valid", contact=i, line=1)
         for i in range(0, 100_000, 10)]
        + [cg.Finding.of("mojibake", "FN: mojibake", contact=5, line=1)])
    assert len(big) == 100_000
    started = time.perf_counter()
    markup = big._repr_html_()
    elapsed = time.perf_counter() - started
    assert elapsed < 0.5, elapsed
    text = page(big).text
    assert "contacts 100,000" in text
    assert "findings 10,001 (1 error, 10,000 warning)" in text
    assert "by kind 10,000 invalid-phone, 1 mojibake" in text
    assert "… and 99,980 more contacts" in text and "… and 9,981 more findings" in text
    assert len(markup) < 50_000
    with display_options(max_rows=100):
        assert "… and 99,900 more contacts" in page(big).text
    verdicts = tuple(cg.Verdict("missing" if i % 1000 == 7 else "intact", i,
                                None if i % 1000 == 7 else i, f"contact #{i + 1}")
                     for i in range(100_000))
    report = cg.ManifestReport(cg.Manifest.build(base, salt=b"2" * 16), big, verdicts)
    started = time.perf_counter()
    markup = report._repr_html_()
    assert time.perf_counter() - started < 0.5
    assert "missing 100" in page(report).text and "… and 80 more contacts" in markup


def test_display_options_set_restore_and_validate() -> None:
    assert current_options() == DisplayOptions(show_personal_data=False, max_rows=20)
    with display_options(max_rows=3) as options:
        assert options.max_rows == 3 and current_options().max_rows == 3
        with display_options(show_personal_data=True):
            assert current_options() == DisplayOptions(show_personal_data=True, max_rows=3)
        assert current_options() == DisplayOptions(max_rows=3)
    assert current_options().max_rows == 20
    setting = display_options(max_rows=7)  # a plain call lasts until changed again
    assert current_options().max_rows == 7 and display_options() == setting
    display_options(max_rows=20)
    with pytest.raises(ValueError, match="max_rows"):
        display_options(max_rows=-1)
    with pytest.raises(TypeError, match="show_personal_data"):
        display_options(show_personal_data="yes")  # type: ignore[arg-type]
    assert current_options().max_rows == 20


# -- to_pandas -----------------------------------------------------------------------------

pd = pytest.importorskip("pandas")


def test_snapshot_to_pandas(books_: tuple[cg.Snapshot, cg.Snapshot]) -> None:
    backup = books_[0]
    frame = backup.to_pandas()
    assert tuple(frame.columns) == CONTACT_COLUMNS and len(frame) == len(backup)
    assert list(frame["index"]) == list(range(len(backup)))
    assert str(frame["line"].dtype) == "Int64"
    evil = frame.iloc[-1]
    assert evil["uid"] == "evil-1" and evil["formatted_name"] == "<."
    assert evil["phones"] == "+4420****0999" and evil["emails"] == "e***@example.org"
    shown = backup.to_pandas(show_personal_data=True).iloc[-1]
    assert shown["formatted_name"] == EVIL and shown["family"] == "Evil"
    assert shown["emails"] == "eve.secret@example.org"


def test_findings_diff_and_reports_to_pandas(books_: tuple[cg.Snapshot, cg.Snapshot]) -> None:
    backup, restored = books_
    findings = cg.check(restored).findings.to_pandas()
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert "truncated-card" in set(findings["kind"])
    assert set(findings["severity"]) <= {"error", "warning", "info"}

    d = cg.diff(backup, restored)
    frame = d.to_pandas()
    assert tuple(frame.columns) == DIFF_COLUMNS
    assert len(frame) == len(backup) + len(d.added)
    assert list(frame["before_index"][: len(backup)]) == list(range(len(backup)))
    counts = frame["status"].value_counts().to_dict()
    assert counts.get("missing") == len(d.missing) and counts.get("added") == len(d.added)
    assert counts.get("intact", 0) == d.unchanged

    report = cg.verify_restore(backup, restored)
    verdicts = report.to_pandas()
    assert tuple(verdicts.columns) == VERDICT_COLUMNS and len(verdicts) == len(report.verdicts)
    assert verdicts["status"].tolist() == [v.status for v in report.verdicts]
    manifest = cg.Manifest.build(backup, salt=b"1" * 16)
    mframe = cg.verify(restored, manifest).to_pandas()
    assert tuple(mframe.columns) == VERDICT_COLUMNS
    assert (mframe["status"] == "missing").sum() == len(d.missing)


def test_to_pandas_without_pandas(monkeypatch: pytest.MonkeyPatch,
                                  books_: tuple[cg.Snapshot, cg.Snapshot]) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas -> ImportError
    with pytest.raises(cg.UsageError, match=r"pip install 'contactguard\[pandas\]'"):
        books_[0].to_pandas()


def test_duplicate_group_display_and_frame() -> None:
    snap = cg.loads("BEGIN:VCARD\nVERSION:3.0\nFN:<script>x</script> 张伟\n"
                    "TEL:+86 138 0013 8000\nEND:VCARD\nBEGIN:VCARD\nVERSION:2.1\n"
                    "FN:<script>x</script> 張偉\nTEL;CELL:138 0013 8000\nEND:VCARD\n",
                    default_region="CN")
    (group,) = cg.find_duplicates(snap)
    page = group._repr_html_()
    assert "contactguard.DuplicateGroup" in page
    assert "<script" not in page
    assert "13800138000" not in page and "0013" not in page  # masked by default
    assert "same phone number" in page
    with cg.display_options(show_personal_data=True):
        shown = group._repr_html_()
    assert "&lt;script&gt;" in shown
    pytest.importorskip("pandas")
    frame = group.to_pandas()
    assert list(frame.columns) == ["i", "j", "confidence", "agreed", "disagreed"]
    assert frame.iloc[0]["agreed"].startswith("same")
