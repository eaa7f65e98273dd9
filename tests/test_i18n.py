"""Chinese reports (#15): every message has a translation, the catalogs are current, and the
human part of check, verify and repair has no English left; JSON stays English and stable."""

from __future__ import annotations

import ast
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from contactguard._cli import main
from contactguard._model import KINDS
from contactguard._report.detail import _EVIDENCE, _SIMILAR
from contactguard._report.i18n import language_from_env, normalize_language, use_language

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "contactguard" / "locale"
PO = LOCALE / "zh_CN" / "LC_MESSAGES" / "contactguard.po"
MO = PO.with_suffix(".mo")
EXAMPLES = ROOT / "examples"
#: Words that stay as they are in Chinese text: products, a connector, file suffixes, and
#: the values of --for (typed as they are).
KEPT = {"iPhone", "Android", "Google", "Outlook", "USB", "vcf", "csv", "android", "ios",
        "google", "outlook", "CSV", "JSON"}


def _po(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh)


def _mo(path: Path) -> Catalog:
    with path.open("rb") as fh:
        return read_mo(fh)


def _english_words(text: str, *paths: str) -> list[str]:
    """The Latin words of ``text`` once paths, command lines, options, web addresses and
    masked initials (``E. W.``) are taken out."""
    for p in sorted(paths, key=len, reverse=True):
        text = text.replace(p, " ")
    text = re.sub(r"contactguard [^\u3000-\uffff\n]*", " ", text)  # a command line
    text = re.sub(r"--[a-z-]+", " ", text)
    text = re.sub(r"\b[\w.-]+\.(com|vcf|csv)\b", " ", text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in KEPT]


def test_every_message_has_a_translation() -> None:
    catalog = _po(PO)
    template = _po(LOCALE / "contactguard.pot")
    ids = {m.id for m in template if m.id}
    assert ids == {m.id for m in catalog if m.id}
    for m in catalog:
        if m.id:
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            assert all(strings) and not m.fuzzy, m.id
            # every placeholder survives translation
            names = set(re.findall(r"\{\w+\}", m.id if isinstance(m.id, str) else m.id[0]))
            assert all(set(re.findall(r"\{\w+\}", s)) == names for s in strings), m.id


def test_template_and_compiled_catalog_are_current(tmp_path: Path) -> None:
    """The .pot holds exactly what the source marks (Babel, as docs/contributing.md says),
    and the committed .mo is the .po compiled."""
    pot = tmp_path / "now.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    str(ROOT / "babel.cfg"), "--ignore-dirs", ".*", "-k", "N_", "-k",
                    "ngettext:1,2", "-o", str(pot), str(ROOT / "src")],
                   check=True, capture_output=True)
    marked = {m.id for m in _po(pot) if m.id}
    assert marked == {m.id for m in _po(LOCALE / "contactguard.pot") if m.id}
    def strings(catalog: Catalog) -> dict[object, tuple[str, ...]]:
        return {(m.id if isinstance(m.id, str) else tuple(m.id)):
                ((m.string,) if isinstance(m.string, str) else tuple(m.string))
                for m in catalog if m.id}

    assert strings(_mo(MO)) == strings(_po(PO))


def test_language_from_the_locale_or_the_option() -> None:
    assert language_from_env({"LANG": "zh_CN.UTF-8"}) == "zh_CN"
    assert language_from_env({"LANGUAGE": "zh_TW:en", "LANG": "C"}) == "zh_TW"
    assert language_from_env({"LC_ALL": "en_US.UTF-8", "LANG": "zh_CN.UTF-8"}) == "en"
    assert language_from_env({}) == "en"
    assert normalize_language("zh-Hans") == "zh_CN" and normalize_language("zh-HK") == "zh_TW"
    with use_language("zh-CN") as lang:
        assert lang == "zh_CN"


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_main_paths_have_no_english_left(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LANGUAGE", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    fix, fixed = str(tmp_path / "fix.vcf"), str(tmp_path / "fixed.vcf")
    damaged = tmp_path / "damaged.vcf"
    damaged.write_bytes(b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jos\xc3\x83\xc2\xa9\r\n"
                        b"NOTE:one\r\ntwo\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\n"
                        b"FN:\xef\xbf\xbd\r\nEND:VCARD\r\n")
    runs = {
        "check": ("check", "restore-android.vcf"),
        "verify": ("verify", "restore-android.vcf", "--against", "backup-iphone.vcf"),
        "repair": ("repair", "restore-android.vcf", "--against", "backup-iphone.vcf",
                   "--for", "android", "-o", fix),
        "verify-plus": ("verify", "restore-android.vcf", "--plus", fix, "--against",
                        "backup-iphone.vcf"),
        "repair-file": ("repair", str(damaged), "-o", fixed),
        "check-clean": ("check", "backup-iphone.vcf"),
    }
    for target in ("ios", "google", "outlook"):
        runs[f"repair-{target}"] = ("repair", "restore-android.vcf", "--against",
                                    "backup-iphone.vcf", "--for", target, "-o",
                                    str(tmp_path / f"fix-{target}"), "--dry-run")
    outs = {}
    for name, argv in runs.items():
        _, out = _run(capsys, *argv)
        outs[name] = out
        paths = [a for a in argv if a.endswith((".vcf", ".csv")) or "/" in a]
        assert _english_words(out, *paths) == [], (name, out)
        assert re.search(r"[\u4e00-\u9fff]", out), name
    assert outs["verify"].startswith("40 个联系人中有 2 个没有恢复，4 个恢复后已损坏。修复方法：")
    assert "何**（在备份中：backup-iphone.vcf，第 31 个联系人，第 354 行）：恢复后已损坏：" \
        "名字恢复后变成了乱码" in outs["verify"]
    assert "从文件导入" in outs["repair"]


def test_json_and_verbose_stay_english(capsys: pytest.CaptureFixture[str],
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    argv = ("verify", "restore-android.vcf", "--against", "backup-iphone.vcf")
    _, english = _run(capsys, *argv, "--format", "json")
    _, chinese = _run(capsys, *argv, "--format", "json", "--lang", "zh-CN")
    assert english == chinese and json.loads(chinese)["summary"]["text"].startswith("34 of 40")
    _, verbose = _run(capsys, *argv, "--verbose", "--lang", "zh-CN")
    assert verbose.startswith("FAIL: contactguard verify: 34 of 40 contacts intact")


def test_traditional_chinese_comes_from_the_same_catalog(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    _, out = _run(capsys, "verify", "restore-android.vcf", "--against", "backup-iphone.vcf",
                  "--lang", "zh-TW")
    assert out.startswith("40 個聯絡人中有 2 個沒有恢復，4 個恢復後已損壞。")
    assert "郑**" in out  # names are data: never converted


def test_html_report_in_chinese(capsys: pytest.CaptureFixture[str],
                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    _, out = _run(capsys, "verify", "restore-android.vcf", "--against", "backup-iphone.vcf",
                  "--format", "html", "--lang", "zh-CN")
    assert "<html lang=zh-CN>" in out
    assert "<p class=headline>40 个联系人中有 2 个没有恢复" in out


def _page_text(page: str) -> str:
    """What a browser shows of an HTML page: no style sheet, tags or tooltips."""
    page = re.sub(r"<style>.*?</style>|<title>.*?</title>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "\n", page))


def test_the_whole_html_page_is_in_chinese(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Below its opening the page lists each contact and finding: in Chinese too, with
    finding kinds (stable names), paths and masked values as they are."""
    monkeypatch.chdir(EXAMPLES)
    fix = str(tmp_path / "fix.vcf")
    runs = [("verify", "restore-android.vcf", "--against", "backup-iphone.vcf"),
            ("check", "restore-android.vcf"),
            ("repair", "restore-android.vcf", "--against", "backup-iphone.vcf", "-o", fix),
            ("verify", "restore-android.vcf", "backup-iphone.vcf", "--against",
             "backup-iphone.vcf", "--max-changed", "9")]
    for argv in runs:
        _, page = _run(capsys, *argv, "--format", "html", "--lang", "zh-CN")
        text = _page_text(page)
        for kind in sorted(KINDS, key=len, reverse=True):
            text = text.replace(kind, " ")
        text = re.sub(r"\S+:\d+", " ", text)  # file:line
        paths = [a for a in argv if a.endswith(".vcf")]
        assert _english_words(text, *paths) == [], (argv, _english_words(text, *paths))
    _, page = _run(capsys, *runs[0], "--format", "html", "--lang", "zh-CN")
    assert "电话号码被改动：+86132****1009 → +86132****1006" in page
    assert "名字被改动：何** → （乱码）" in page
    assert "<span class=missing>缺失</span>" in page  # (the class stays: the style needs it)
    # the finding's technical message is still there, as the tooltip of its words
    assert 'title="card has no END (the file ends inside it); kept what was read"' in page
    _, traditional = _run(capsys, *runs[0], "--format", "html", "--lang", "zh-TW")
    assert "電話號碼被改動" in traditional


def test_the_english_html_page_keeps_its_technical_words(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    _, page = _run(capsys, "verify", "restore-android.vcf", "--against", "backup-iphone.vcf",
                   "--format", "html", "--lang", "en")
    assert "phone changed: +86132****1009 → +86132****1006" in page
    assert "郑** (UID ios-00000008)" in page
    assert "<p>Failed (--fail-on error) because:</p>" in page
    assert "card has no END (the file ends inside it); kept what was read</td>" in page


def test_every_marked_message_reaches_the_catalog() -> None:
    """Babel drops a mark nested in another call (``_(table.get(k, N_("…")))``): such a
    message is never translated.  Every literal given to ``_``, ``N_`` or ``ngettext`` in
    the source is in the template."""
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in _po(LOCALE / "contactguard.pot")
           if m.id}
    missing = []
    for path in sorted((ROOT / "src" / "contactguard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in {"_", "N_", "ngettext"} and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                    and node.args[0].value not in ids):
                missing.append(f"{path.name}:{node.lineno}: {node.args[0].value[:50]}")
    assert missing == []


def test_failed_reasons_in_chinese_say_the_side_and_the_limit() -> None:
    from contactguard._report.detail import failed_reasons
    from contactguard._report.gate import assess

    counts = {"reference": 40, "intact": 36, "missing": 2, "changed": 0, "added": 2}
    doc = {"comparisons": [{"kind": "copies", "reference": "a.vcf", "checked": "b.vcf",
                            "counts": counts}],
           "summary": {"findings": {"warning": 3}}}
    gate = assess(doc, fail_on="warning", max_missing=1)
    assert gate["reasons"] == ["2 contacts only in a.vcf between a.vcf and b.vcf "
                               "(more than --max-missing 1)",
                               "2 contacts only in b.vcf between a.vcf and b.vcf",
                               "3 warning-level findings"]
    with use_language("zh-CN"):
        assert failed_reasons(doc, gate) == [
            "2 个联系人只在 a.vcf 中（a.vcf 与 b.vcf 之间）（超过了 --max-missing 1）",
            "2 个联系人只在 b.vcf 中（a.vcf 与 b.vcf 之间）", "3 个“警告”级别的问题"]
        undated = {**gate, "stale": "cannot tell how old x.vcf is: none has a time"}
        assert failed_reasons(doc, undated)[-1] == "无法判断备份有多旧：没有一个文件带有修改时间"


def test_diff_dupes_and_manifest_pages_in_chinese(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The technical commands' pages too: their summary, duplicate members (masked name,
    where) and the evidence of each pair."""
    monkeypatch.chdir(EXAMPLES)
    monkeypatch.setenv("CG_TEST_PASSPHRASE", "lantern-quokka-81-ferry-violet")
    both = tmp_path / "both.vcf"
    both.write_bytes((EXAMPLES / "backup-iphone.vcf").read_bytes()
                     + (EXAMPLES / "restore-android.vcf").read_bytes())
    runs = [("diff", "backup-iphone.vcf", "restore-android.vcf"),
            ("dupes", str(both)),
            ("manifest", "backup-iphone.vcf", "-o", str(tmp_path / "m.json"),
             "--key-env", "CG_TEST_PASSPHRASE", "--report", str(tmp_path / "m.html"))]
    pages = []
    for argv in runs:
        _, page = _run(capsys, *argv, "--format", "html", "--lang", "zh-CN")
        if "--report" in argv:  # (the manifest goes to -o, the page to --report)
            page = (tmp_path / "m.html").read_text(encoding="utf-8")
        assert "<html lang=zh-CN>" in page
        text = _page_text(page)
        for kind in sorted(KINDS, key=len, reverse=True):
            text = text.replace(kind, " ")
        text = re.sub(r"\S+:\d+", " ", text)  # file:line
        text = re.sub(r"hmac-sha256|sha256", " ", text)
        paths = [a for a in argv if a.endswith((".vcf", ".json", ".html"))]
        assert _english_words(text, *paths) == [], (argv, _english_words(text, *paths))
        pages.append(page)
    diff, dupes, manifest = pages
    assert ("40 个联系人中 34 个完好，2 个缺失，4 个被改动，新增 0 个；"
            "文件中发现 4 个问题（4 个错误）") in diff
    assert "78 个联系人中有 36 组重复（共 72 个联系人）" in dupes
    assert "#1 与 #48：资料完全相同" in dupes
    assert "#18 与 #77：姓名相同、电话号码相同" in dupes
    assert "朱**（" in dupes and "第 48 个联系人，第 542 行）" in dupes
    assert "已将 40 个联系人的清单写入" in manifest
    _, english = _run(capsys, *runs[1], "--format", "html", "--lang", "en")
    assert "#18 and #77: same name, same phone number" in english  # (unchanged)


def test_every_duplicate_reason_has_chinese_words() -> None:
    """Each reason the scorer can give a pair is in the page's table (else a Chinese page
    would show it in English): the string literals given to agree/disagree and the
    agreed/disagreed lists, and the name-similarity pattern."""
    tree = ast.parse((ROOT / "src/contactguard/_duplicates/scoring.py").read_text("utf-8"))
    reasons = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            args = [a for a in node.args if isinstance(a, ast.Constant)
                    and isinstance(a.value, str)]
            if node.func.attr in {"agree", "disagree"} and len(args) >= 2:
                reasons.add(args[1].value)
            elif node.func.attr in {"append", "insert"} and args:
                reasons.add(args[-1].value)
        if isinstance(node, ast.IfExp) and all(isinstance(x, ast.Constant)
                                                for x in (node.body, node.orelse)):
            reasons.update(x.value for x in (node.body, node.orelse)  # type: ignore[attr-defined]
                           if isinstance(x.value, str) and " " in x.value)  # type: ignore[attr-defined]
    reasons |= {"same given name", "same family name", "name similarity 0.91",
                "given name similarity 0.88", "identical user data",
                "you decided these are the same person"}
    assert len(reasons) > 25
    missing = sorted(r for r in reasons if r not in _EVIDENCE and not _SIMILAR.fullmatch(r))
    assert missing == []
