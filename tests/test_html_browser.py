"""The HTML report in a real browser: headless Chromium renders it without console errors
and paints a non-trivial page.  Skipped when ``chromium`` is not installed (Debian package
``chromium``)."""

from __future__ import annotations

import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from contactguard._cli import main

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _chromium(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    return subprocess.run(
        [CHROMIUM, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run",
         "--disable-dev-shm-usage", f"--user-data-dir={home / 'profile'}",
         "--enable-logging=stderr", "--v=0", *args],
        capture_output=True, text=True, timeout=120, check=False,
        env={"HOME": str(home), "PATH": "/usr/bin:/bin"})


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    out = root / "report.html"
    code = main(["verify", str(EXAMPLES / "restore-android.vcf"),
                 str(EXAMPLES / "backup-iphone.vcf"), "--against",
                 str(EXAMPLES / "backup-iphone.vcf"), "--format", "html",
                 "--output", str(out), "--quiet"])
    assert code == 1
    return out


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_screenshot_and_no_console_errors(report: Path) -> None:
    shot = report.parent / "report.png"
    done = _chromium(f"--screenshot={shot}", "--window-size=1200,1600",
                     report.as_uri(), home=report.parent)
    assert shot.exists(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert _png_size(data) == (1200, 1600)
    assert len(data) > 20_000  # a blank page compresses to a few kB
    for marker in ("Uncaught", "ERROR:CONSOLE", "Refused to"):
        assert marker not in done.stderr, done.stderr[-2000:]


def test_dom_has_the_summary_and_no_script(report: Path) -> None:
    done = _chromium("--dump-dom", report.as_uri(), home=report.parent)
    dom = done.stdout
    assert "FAIL" in dom
    assert "restore-android.vcf against" in dom
    assert "<script" not in dom.lower()
    assert "Uncaught" not in done.stderr


ARTIFACTS = Path(__file__).resolve().parent.parent / "build" / "test-artifacts"


@pytest.fixture(scope="module")
def big_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A diff report with hundreds of findings of several kinds and long file names:
    the page people open when a backup went badly wrong."""
    root = tmp_path_factory.mktemp("big")
    cards = []
    for n in range(400):
        fn = "CafÃ© Ã\xa0 la carte" if n % 3 == 0 else f"Person {n}"
        tel = "12" if n % 4 == 0 else f"+44 20 7946 {n:04d}"
        cards.append(f"BEGIN:VCARD\nVERSION:3.0\nUID:u-{n}\nFN:{fn}\nTEL:{tel}\n"
                     f"EMAIL:p{n}@example.com\nEND:VCARD\n")
    name = "a-backup-file-with-a-really-long-name-that-does-not-break-" + "x" * 40
    backup = root / f"{name}.vcf"
    backup.write_text("".join(cards), encoding="utf-8")
    restore = root / "restore.vcf"
    restore.write_text("".join(cards[:350]), encoding="utf-8")
    out = root / "big.html"
    assert main(["diff", str(backup), str(restore), "--format", "html",
                 "--output", str(out), "--quiet"]) == 1
    return out


@pytest.mark.parametrize(("width", "height"), [(1280, 1800), (390, 2400)])
def test_big_report_screenshots_at_desktop_and_phone_width(big_report: Path, width: int,
                                                           height: int) -> None:
    page = big_report.read_text(encoding="utf-8")
    # grouped by kind, errors first; charts of verdicts and kinds
    assert page.index("<h3>Contacts</h3>") < page.index("<h2>Summary</h2>")
    groups = [line.split("</span> ")[1].split(" (")[0] for line in page.splitlines()
              if line.startswith("<details class=kind")]
    assert groups and len(groups) == len(set(groups))
    severities = [line.split("<span class=")[1].split(">")[0] for line in page.splitlines()
                  if line.startswith("<details class=kind")]
    assert severities == sorted(severities, key=["error", "warning", "info"].index)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"report-{width}.png"
    shot.unlink(missing_ok=True)
    done = _chromium(f"--screenshot={shot}", f"--window-size={width},{height}",
                     "--hide-scrollbars", big_report.as_uri(), home=big_report.parent)
    assert shot.exists(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert _png_size(data) == (width, height)
    assert len(data) > 30_000
    for marker in ("Uncaught", "ERROR:CONSOLE", "Refused to"):
        assert marker not in done.stderr, done.stderr[-2000:]
