"""The resume state file: one JSON line per finished job, appended as it finishes.

Each line holds the job's key (:func:`~.run.job_key`: its name, kind, inputs and their
sizes and modification times) and its result.  A batch run with ``resume`` reads the file
first and skips every job whose key is unchanged and which did not fail; a failed job
always runs again.  Lines are appended and flushed one by one, so a batch that is killed
keeps what it finished; a torn last line is ignored.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO, Any, Final

from .._core import UsageError
from .run import JobResult

__all__ = ["STATE_VERSION", "State"]

#: Version of the state-file lines; lines of another version are ignored (run again).
STATE_VERSION: Final = 1


class State:
    """Finished jobs read from, and appended to, one state file."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self.finished: dict[str, tuple[str, JobResult]] = {}
        self._out: IO[str] | None = None
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except OSError as exc:
            raise UsageError(f"cannot read the batch state {self.path}: {exc}") from None
        for line in text.splitlines():
            entry = self._entry(line)
            if entry is not None:
                key, result = entry
                self.finished[result.name] = (key, result)

    @staticmethod
    def _entry(line: str) -> tuple[str, JobResult] | None:
        try:
            obj: Any = json.loads(line)
            if obj.get("state_version") != STATE_VERSION:
                return None
            return str(obj["key"]), JobResult.from_json(obj["result"])
        except (ValueError, KeyError, TypeError, AttributeError):
            return None  # a torn or foreign line: that job simply runs again

    def done(self, name: str, key: str | None) -> JobResult | None:
        """The stored result of job ``name`` when it finished (ok or problems) with the
        same ``key``; ``None`` when it must run."""
        if key is None or name not in self.finished:
            return None
        stored_key, result = self.finished[name]
        if stored_key != key or result.status == "failed":
            return None
        return result

    def record(self, key: str | None, result: JobResult) -> None:
        """Append ``result`` (a job without a key is not recorded: it always runs)."""
        if key is None:
            return
        if self._out is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = self.path.open("a", encoding="utf-8")
        line = {"state_version": STATE_VERSION, "key": key, "result": result.to_json()}
        self._out.write(json.dumps(line, sort_keys=True, ensure_ascii=False) + "\n")
        self._out.flush()

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None
