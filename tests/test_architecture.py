"""The pipeline runs one way: a module imports only from its own stage or stages before it.

read → model → normalize → fingerprint → match → diff/verify/duplicates → report → cli,
with foundation modules (errors, findings, masking, display helpers, value checks) below
all of them.  Checked on the source, so a back-edge fails the suite.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "contactguard"

STAGES: dict[str, int] = {
    "_version": 0, "_errors": 0, "_findings": 0, "_mask": 0, "_runtime": 0, "_html": 0,
    "_tabular": 0, "_corruption": 0,
    "_read": 1,
    "_model": 2, "_write": 2,
    "_normalize": 3,
    "_fingerprint": 4, "_manifest": 4,
    "_match": 5,
    "_diff": 6, "_detect": 6, "_verify": 6, "_verify_stream": 6, "_copies": 6,
    "_duplicates": 6,
    "_report": 7, "report": 7,
    "_cli": 8, "__main__": 8,
}


def _stage_of(module: str) -> int:
    head = module.split(".", maxsplit=1)[0]
    if head not in STAGES:
        raise AssertionError(f"module {module!r} has no stage in tests/test_architecture.py")
    return STAGES[head]


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        if parts:
            out.append((".".join(parts), path))
    return out


def _imports(module: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module.split(".")[:-1] if path.name != "__init__.py" else module.split(".")
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
            target = ".".join([*base, node.module] if node.module else base)
            if target:
                found.add(target)
            elif node.module is None:
                found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                "contactguard."):
            found.add(node.module.removeprefix("contactguard."))  # type: ignore[union-attr]
    return found


@pytest.mark.parametrize(("module", "path"), _modules(), ids=lambda v: str(v))
def test_no_stage_imports_from_a_later_stage(module: str, path: Path) -> None:
    mine = _stage_of(module)
    later = sorted(m for m in _imports(module, path)
                   if m.split(".")[0] != "__init__" and _stage_of(m) > mine)
    assert later == [], f"{module} (stage {mine}) imports from later stages: {later}"
