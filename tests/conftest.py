"""Make the shared test helpers (``books``, ``strategies``) importable from any test."""

from __future__ import annotations

import sys
from pathlib import Path

_TESTS = str(Path(__file__).resolve().parent)
if _TESTS not in sys.path:
    sys.path.insert(0, _TESTS)


import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def key_folder(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
             ) -> Path:
    """Generated manifest keys go to a temporary folder, never the user's config folder."""
    folder = tmp_path_factory.mktemp("keys")
    monkeypatch.setenv("CONTACTGUARD_KEY_DIR", str(folder))
    return folder
