"""The pipeline runs one way, and the folder listing says so.

Stage packages, in pipeline order (docs/architecture.md draws them)::

    _core → _notebook → _model → _read / _write → _normalize → _detect → _identity
          → _manifest → _compare / _duplicates → _batch → _report → _cli

A module imports only from its own package or from stages before it; another stage is
reached through its package (``from .._model import Contact``), never through one of its
private modules (``from .._model.contact import Contact``); and two packages of the same
stage (siblings such as ``_compare`` and ``_duplicates``) do not import each other.
Checked on the source, so a back-edge fails the suite.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "contactguard"

STAGES: dict[str, int] = {
    "_version": 0, "_core": 0,
    "_notebook": 1,
    "_model": 2,
    "_read": 3, "_write": 3,
    "_normalize": 4,
    "_detect": 5,
    "_identity": 6,
    "_manifest": 7,
    "_compare": 8, "_duplicates": 8,
    "_batch": 9, "_repair": 9,
    "_report": 10, "report": 10,
    "_cli": 11, "__main__": 11,
}
FACADE = "__init__"
#: Public modules that only re-export their stage (``contactguard.report``, ``python -m``).
PUBLIC = frozenset({FACADE, "report", "__main__"})
MAX_LINES = 500
#: Modules allowed past MAX_LINES, each one cohesive state machine (its docstring says so).
STATE_MACHINES = frozenset({"_read/vcard.py"})


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
    """Every module ``module`` imports from inside the package, as dotted names."""
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
        elif isinstance(node, ast.Import):
            found.update(a.name.removeprefix("contactguard.") for a in node.names
                         if a.name.startswith("contactguard."))
    return found


MODULES = _modules()


@pytest.mark.parametrize(("module", "path"), MODULES, ids=lambda v: str(v))
def test_no_stage_imports_from_a_later_stage(module: str, path: Path) -> None:
    mine = _stage_of(module)
    later = sorted(m for m in _imports(module, path)
                   if m.split(".")[0] != FACADE and _stage_of(m) > mine)
    assert later == [], f"{module} (stage {mine}) imports from later stages: {later}"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=lambda v: str(v))
def test_other_stages_are_reached_through_their_package(module: str, path: Path) -> None:
    own = module.split(".", maxsplit=1)[0]
    private = sorted(m for m in _imports(module, path)
                     if m.split(".")[0] != own and "." in m)
    assert private == [], f"{module} imports another stage's private modules: {private}"


@pytest.mark.parametrize(("module", "path"), MODULES, ids=lambda v: str(v))
def test_sibling_stages_do_not_import_each_other(module: str, path: Path) -> None:
    own = module.split(".", maxsplit=1)[0]
    if own in PUBLIC:
        return
    siblings = sorted(m for m in _imports(module, path)
                      if m.split(".")[0] not in {own, FACADE}
                      and _stage_of(m) == _stage_of(module))
    assert siblings == [], f"{module} imports a sibling stage: {siblings}"


def test_every_stage_package_states_its_contract() -> None:
    for name in STAGES:
        init = SRC / name / "__init__.py"
        if not init.exists():
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and doc.startswith("Stage "), f"{name}: say the stage and its contract"


def test_the_listing_is_the_stages() -> None:
    # locale/ holds the gettext catalogs of the reports (#15): data, not code
    packages = {p.name for p in SRC.iterdir()
                if p.is_dir() and p.name not in {"__pycache__", "locale"}}
    modules = {p.stem for p in SRC.glob("*.py")}
    assert packages | modules == set(STAGES) | {FACADE}


@pytest.mark.parametrize(("module", "path"), MODULES, ids=lambda v: str(v))
def test_modules_hold_one_concern(module: str, path: Path) -> None:
    rel = path.relative_to(SRC).as_posix()
    lines = len(path.read_text(encoding="utf-8").splitlines())
    if rel in STATE_MACHINES:
        doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
        assert "state machine" in doc, f"{rel}: say why it is one module"
        return
    assert lines <= MAX_LINES, f"{rel} has {lines} lines: split it by concern"
