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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests marked ``alone`` run first: they fork, which the library does only in a process
    with no other thread, and some tests leave a library's thread behind (fsspec's IO loop
    lives as long as the process)."""
    items.sort(key=lambda item: item.get_closest_marker("alone") is None)
