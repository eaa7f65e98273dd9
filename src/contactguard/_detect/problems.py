"""What a detector answers: one :class:`ValueProblem` per thing wrong with one value.

Pure values; the caller turns them into findings with a line and a severity.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

__all__ = ["PROBLEM_KINDS", "ValueProblem"]


@dataclass(frozen=True, slots=True)
class ValueProblem:
    """One thing wrong with one value.

    ``kind`` is one of :data:`PROBLEM_KINDS`; ``message`` says what is wrong in plain words;
    ``suggestion`` is the repaired value, given only when the repair is certain.
    """

    kind: str
    message: str
    suggestion: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in PROBLEM_KINDS:
            raise ValueError(f"unknown value-problem kind {self.kind!r}")


PROBLEM_KINDS: Final = frozenset({
    "mojibake",
    "replacement-character",
    "control-character",
    "nul-in-value",
    "bad-image",
    "bad-base64",
})
