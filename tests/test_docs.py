"""Every example in the documentation runs, and the documentation site builds.

* ```` ```pycon ```` blocks in ``docs/**/*.md`` are doctests and ```` ```python ```` blocks
  are executed, in order, one namespace per page, with the repository root as the working
  directory (so they can read ``examples/``);
* every ``contactguard …`` command line in a shell or YAML block parses with the real
  argument parser (the commands themselves run in the CLI tests);
* ``mkdocs build --strict`` succeeds (skipped when the ``docs`` extra is not installed);
* the tutorial notebook runs top to bottom (skipped without the ``notebook`` extra).
"""

from __future__ import annotations

import doctest
import importlib.util
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(DOCS.rglob("*.md"))
_FENCE = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```\s*$", re.M | re.S)
_SHELLS = {"sh", "bash", "console", "shell", "yaml", "yml"}
_OPTIONS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
#: Pages whose ```python blocks are sketches, not runnable (their ```pycon blocks still run).
SKETCHES = {
    "docs/duplicates.md": "the snippets read a backup.vcf of the reader's own",
    "docs/howto/remote-copies.md": "the snippets reach accounts and buckets of the reader's own",
    "docs/scaling.md": "the snippets reach book folders and clusters of the reader's own",
}


def _blocks(page: Path) -> Iterator[tuple[str, str, int]]:
    text = page.read_text(encoding="utf-8")
    for m in _FENCE.finditer(text):
        yield m.group("lang"), m.group("body"), text.count("\n", 0, m.start()) + 1


@pytest.fixture
def _in_root() -> Iterator[None]:
    old = Path.cwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(old)


def _name(page: Path) -> str:
    return str(page.relative_to(ROOT))


@pytest.mark.usefixtures("_in_root")
@pytest.mark.parametrize("page", PAGES, ids=_name)
def test_examples_run(page: Path) -> None:
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=_OPTIONS)
    namespace: dict[str, Any] = {"__name__": f"docs.{page.stem}"}
    for lang, body, line in _blocks(page):
        if lang == "pycon":
            test = parser.get_doctest(body, namespace, _name(page), str(page), line)
            runner.run(test, clear_globs=False)
            namespace.update(test.globs)  # DocTest copies its globals: carry them on
        elif lang == "python" and _name(page) not in SKETCHES:
            exec(compile(body, f"{_name(page)}:{line}", "exec"), namespace)  # noqa: S102
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} example(s) failed in {_name(page)}"


def _command_lines(body: str) -> Iterator[str]:
    joined = re.sub(r"\\\n\s*", " ", body)
    for raw in joined.splitlines():
        line = raw.strip()
        line = re.sub(r"^(?:\$|-|run:|script:)\s+", "", line).strip()
        line = re.sub(r"^-\s+", "", line)
        if line.startswith("contactguard "):
            yield line.split(" #", 1)[0].split(" || ", 1)[0].split(" | ", 1)[0].strip()


def test_command_lines_parse() -> None:
    from contactguard._cli.main import build_parser

    parser = build_parser()
    seen = 0
    for page in PAGES:
        for lang, body, line in _blocks(page):
            if lang not in _SHELLS:
                continue
            for command in _command_lines(body):
                argv = shlex.split(command)[1:]
                try:
                    parser.parse_args(argv)
                except Exception as exc:  # noqa: BLE001 - report which line failed
                    pytest.fail(f"{_name(page)}:{line}: {command!r} does not parse: {exc}")
                seen += 1
    assert seen >= 5  # the guides do show commands


@pytest.mark.skipif(importlib.util.find_spec("mkdocs") is None
                    or importlib.util.find_spec("mkdocstrings") is None,
                    reason="mkdocs is not installed (pip install -e '.[docs]')")
def test_site_builds_strict(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (tmp_path / "api" / "index.html").exists()


@pytest.mark.slow
@pytest.mark.skipif(any(importlib.util.find_spec(m) is None
                        for m in ("nbmake", "ipykernel", "matplotlib", "pandas")),
                    reason="the notebook extra is not installed "
                           "(pip install -e '.[notebook]')")
def test_tutorial_notebook_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbmake", "docs/tutorial.ipynb",
         "-p", "no:cacheprovider", "-q", "--override-ini=addopts=",
         "--override-ini=testpaths="],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def test_architecture_and_contributing_are_linked_and_current() -> None:
    """CONTRIBUTING.md points at the guide; the architecture page names every stage package."""
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert "docs/architecture.md" in contributing and "docs/contributing.md" in contributing
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    assert "architecture.md" in nav and "contributing.md" in nav
    page = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    src = ROOT / "src" / "contactguard"
    stages = sorted(p.name for p in src.iterdir() if p.is_dir() and (p / "__init__.py").exists())
    missing = [name for name in stages if f"`{name}`" not in page]
    assert missing == [], f"docs/architecture.md does not describe {missing}"
