"""Golden JSON reports: files written by released versions stay valid, and the current
output for the shipped examples is byte-identical to them (an intended change of the
format updates the golden files *and* the schema_version)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from contactguard._cli import main

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "data" / "reports"
COMMANDS = {
    "v1-verify.json": ["verify", "examples/restore-android.vcf", "--against",
                       "examples/backup-iphone.vcf"],
    "v1-check.json": ["check", "examples/restore-android.vcf"],
    "v1-diff.json": ["diff", "examples/backup-iphone.vcf", "examples/restore-android.vcf"],
}


def _schema() -> dict[str, object]:
    text = resources.files("contactguard").joinpath("report.schema.json").read_text()
    return dict(json.loads(text))


@pytest.mark.parametrize("name", sorted(p.name for p in GOLDEN.glob("*.json")))
def test_golden_reports_validate_against_the_current_schema(name: str) -> None:
    doc = json.loads((GOLDEN / name).read_text(encoding="utf-8"))
    jsonschema.validate(doc, _schema())
    assert doc["schema_version"] == 1


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_current_output_matches_golden(name: str, tmp_path: Path,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    out = tmp_path / name
    assert main([*COMMANDS[name], "--format", "json", "--output", str(out), "--quiet"]) == 1
    assert out.read_bytes() == (GOLDEN / name).read_bytes()
