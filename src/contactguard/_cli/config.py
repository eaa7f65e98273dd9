"""Defaults from a configuration file, as ruff reads ``[tool.ruff]``.

The nearest of ``contactguard.toml`` (options at the top level) or ``pyproject.toml``
(options under ``[tool.contactguard]``), looked for in the working folder and then each
folder above it; in one folder ``contactguard.toml`` wins.  ``--config PATH`` names the
file instead, ``--isolated`` ignores every file.  Keys are the long options without
their dashes (``fail-on = "warning"``, ``ignore = ["mojibake"]``,
``severity = {bad-image = "warning"}``); an option given on the command line wins.
``contactguard config`` shows the file found and the settings in effect.
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from .._core import UsageError

__all__ = ["Config", "apply_config", "find_config", "load_config", "pre_scan"]

#: The keys a file may set (long option names), as the dest of each option.
KEYS: Final = frozenset({
    "fail-on", "select", "ignore", "severity", "region", "encoding", "include-hidden",
    "format", "max-age", "max-missing", "max-changed", "max-added", "show-personal-data",
    "color", "progress", "timestamp",
})


@dataclass(frozen=True)
class Config:
    """The settings of one file (empty when none was found)."""

    path: Path | None = None
    settings: Mapping[str, Any] = field(default_factory=dict)


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above ``start``, or ``None``."""
    for folder in (start, *start.parents):
        own = folder / "contactguard.toml"
        if own.is_file():
            return own
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "contactguard" in _read(pyproject).get("tool", {}):
            return pyproject
    return None


def _read(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise UsageError(f"cannot read the configuration file {path}: "
                         f"{(exc.strerror or type(exc).__name__).lower()}") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"the configuration file {path} is not valid TOML: {exc}") from None


def load_config(path: Path | None) -> Config:
    """The settings in ``path`` (checked against :data:`KEYS`)."""
    if path is None:
        return Config()
    doc = _read(path)
    settings = doc.get("tool", {}).get("contactguard", {}) if path.name == "pyproject.toml" \
        else doc
    if not isinstance(settings, dict):
        raise UsageError(f"{path}: [tool.contactguard] must be a table")
    unknown = sorted(set(settings) - KEYS)
    if unknown:
        raise UsageError(f"{path}: unknown setting {unknown[0]!r}; known settings: "
                         f"{', '.join(sorted(KEYS))}")
    return Config(path, dict(settings))


def pre_scan(argv: Sequence[str]) -> tuple[str | None, bool]:
    """``--config PATH`` and ``--isolated`` from ``argv``, before the parser runs (the
    file's settings become the parser's defaults)."""
    path, isolated = None, False
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--isolated":
            isolated = True
        elif arg == "--config" and i + 1 < len(argv):
            path = argv[i + 1]
        elif arg.startswith("--config="):
            path = arg.partition("=")[2]
    return path, isolated


def _value(key: str, value: Any, action: argparse.Action, where: Path) -> Any:
    if key == "severity":
        if not isinstance(value, dict):
            raise UsageError(f"{where}: severity must be a table, e.g. "
                             "severity = {mojibake = \"warning\"}")
        return [f"{k}={v}" for k, v in value.items()]
    if isinstance(action.default, list):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise UsageError(f"{where}: {key} must be a list of strings")
        return list(value)
    if action.nargs == 0 or isinstance(action, argparse.BooleanOptionalAction):
        if not isinstance(value, bool):
            raise UsageError(f"{where}: {key} must be true or false")
        return value
    text = str(value)
    if action.choices is not None and text not in action.choices:
        raise UsageError(f"{where}: {key} must be one of {', '.join(map(str, action.choices))}"
                         f", not {text!r}")
    if callable(action.type):
        try:
            return action.type(text)
        except (argparse.ArgumentTypeError, ValueError) as exc:
            raise UsageError(f"{where}: {key}: {exc}") from None
    return text


def apply_config(commands: Mapping[str, argparse.ArgumentParser], config: Config) -> None:
    """Make the file's settings the defaults of every command that has the option."""
    if config.path is None:
        return
    for key, value in config.settings.items():
        dest = key.replace("-", "_")
        for parser in commands.values():
            for action in parser._actions:  # argparse has no public list of them
                if action.dest == dest and action.option_strings:
                    action.default = _value(key, value, action, config.path)
