"""A griffe extension for the API reference: show docstring doctests as code.

Docstrings here hold bare ``>>>`` examples (run by pytest's doctest collection).  Markdown
would render them as prose, and read an output such as ``[(0, 1)]`` as a link, so this
extension fences each example run, with its output, as a ``pycon`` code block.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence(text: str) -> str:
    """Wrap every run of ``>>>`` lines and their output in a ```` ```pycon ```` fence."""
    out: list[str] = []
    inside = False
    indent = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not inside and stripped.startswith(">>>"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}```pycon")
            inside = True
        elif inside and not stripped:
            out.append(f"{indent}```")
            inside = False
        out.append(line)
    if inside:
        out.append(f"{indent}```")
    return "\n".join(out)


class FenceDoctests(griffe.Extension):
    """Fence the doctests of every object's docstring (see :func:`fence`)."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence(obj.docstring.value)
