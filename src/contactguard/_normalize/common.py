"""What every normalizer shares: the result types, the cache size, the text-only guard and the
fixpoint that makes each normalizer idempotent."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Final, NewType, ParamSpec, TypeVar

from .._core import UsageError

_P = ParamSpec("_P")
_R = TypeVar("_R")


def takes_text(fn: Callable[_P, _R]) -> Callable[_P, _R]:
    """Public normalizers take text: anything else is a :class:`UsageError`, not a crash."""

    @functools.wraps(fn)
    def checked(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        values = [*args, *(v for k, v in kwargs.items() if k != "region" or v is not None)]
        for value in values:
            if not isinstance(value, str):
                name = getattr(fn, "__name__", "normalizer")
                raise UsageError(f"{name}() takes text, not {type(value).__name__}")
        return fn(*args, **kwargs)

    return checked



E164 = NewType("E164", str)
"""A phone number in E.164 form: ``+``, country code, national number: ``+8613800138000``."""
NormalizedEmail = NewType("NormalizedEmail", str)
"""An e-mail address with a case-folded local part and an ASCII (IDNA) lower-case domain."""
NormalizedText = NewType("NormalizedText", str)
"""Text after NFKC, case folding and whitespace collapsing (see :func:`normalize_text`)."""
NameKey = NewType("NameKey", str)
"""A blocking key for a person's name, prefixed by its kind: ``t:``, ``p:`` or ``i:``."""
IsoDate = NewType("IsoDate", str)
"""A date in ISO 8601 form: ``YYYY-MM-DD``, ``--MM-DD`` (no year), ``YYYY-MM`` or ``YYYY``."""

CACHE_SIZE: Final = 1 << 15


def fixpoint(step: Callable[[str], str], s: str) -> str:
    """Apply ``step`` until the string stops changing, so the normalizer is idempotent.

    Unicode normalization, case folding and script conversion do not commute in every corner
    (NFKC can produce characters whose case fold is not NFKC, and the other way round); one pass
    is almost always enough, and a handful of passes settles the rest.
    """
    for _ in range(8):
        t = step(s)
        if t == s:
            return t
        s = t
    return s


