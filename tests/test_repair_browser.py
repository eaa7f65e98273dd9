"""The repair report in a real browser (#15): headless Chromium paints the plain sentence,
the contacts and the steps first.  The screenshot is a test artefact (under the test's tmp
dir); ``CG_DOCS_SCREENSHOT=path`` also writes it, reduced to a small palette PNG, for
docs/howto/fix-a-restore.md.  Skipped without ``chromium``."""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from contactguard._cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DOCS_PNG = ROOT / "docs" / "images" / "fix-a-restore.png"
SIZE = (1000, 900)


def _chromium(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
         "--disable-dev-shm-usage", f"--user-data-dir={home / 'profile'}",
         "--enable-logging=stderr", "--v=0", *args],
        capture_output=True, text=True, timeout=120, check=False,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"})


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repair-browser")
    for name in ("restore-android.vcf", "backup-iphone.vcf"):
        shutil.copy(EXAMPLES / name, root / name)
    with contextlib.chdir(root):  # the names a person would type, as the docs show them
        code = main(["repair", "restore-android.vcf", "--against", "backup-iphone.vcf",
                     "--for", "android", "-o", "fix.vcf", "--format", "html",
                     "--report", "report.html", "--quiet"])
    assert code == 0
    return root / "report.html"


def test_repair_report_screenshot(report: Path) -> None:
    shot = report.parent / "repair.png"
    done = _chromium(f"--screenshot={shot}", f"--window-size={SIZE[0]},{SIZE[1]}",
                     report.as_uri(), home=report.parent)
    assert shot.exists(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert _png_size(data) == SIZE and len(data) > 20_000
    for marker in ("Uncaught", "ERROR:CONSOLE", "Refused to"):
        assert marker not in done.stderr, done.stderr[-2000:]
    target = os.environ.get("CG_DOCS_SCREENSHOT")
    if target:
        from PIL import Image  # only when refreshing the docs picture

        with Image.open(shot) as image:
            image.convert("RGB").quantize(colors=64).save(target, optimize=True)


def test_repair_report_dom_opens_with_the_sentence(report: Path) -> None:
    done = _chromium("--dump-dom", report.as_uri(), home=report.parent)
    dom = done.stdout
    assert "<script" not in dom
    body = dom[dom.index("<body>"):]
    first = body.index("2 of 40 contacts did not come back and 4 came back damaged.")
    assert first < body.index("What to do") < body.index("Inputs")
    assert "Open Contacts, then Fix &amp; manage" in body
    assert "readable only by you" in body


def test_docs_screenshot_is_a_small_png() -> None:
    data = DOCS_PNG.read_bytes()
    assert _png_size(data) == SIZE
    assert len(data) < 150_000
