"""Escaping characters that would act on a terminal or a page instead of being shown.

Text from a contact may hold C0/C1 controls (``ESC`` drives a terminal), lone surrogates,
and Unicode *format* characters: the bidi embeddings, overrides and isolates (U+202A–E,
U+2066–9) reorder what follows them (U+202E before ``gpj.exe`` shows ``exe.jpg``), and
zero-width and invisible marks hide text.  :func:`escape_controls` shows each as
``\\xNN`` or ``\\uNNNN``.  ZERO WIDTH (NON-)JOINER are kept: emoji sequences and Indic
and Persian text need them, and they move nothing.
"""

from __future__ import annotations

import re
from typing import Final

__all__ = ["escape_controls"]

#: C0/C1 controls but tab and line ends, lone surrogates, the two non-characters, and
#: every format character (category Cf, Unicode 15) but ZWNJ/ZWJ.  Written out rather
#: than built from ``unicodedata`` at import (a scan of every code point takes a second);
#: ``tests/test_secrets_display.py`` checks it against ``unicodedata``.
_CONTROLS: Final = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f"
    "\u0890\u0891\u08e2\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb\ufffe\uffff\U000110bd"
    "\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code <= 0xFF else (
        f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")


def escape_controls(text: object) -> str:
    r"""``text`` as a string with controls and format characters escaped.

    >>> escape_controls("a\x1bb"), escape_controls("\u202egpj.exe")
    ('a\\x1bb', '\\u202egpj.exe')
    """
    return _CONTROLS.sub(_escape, str(text))
