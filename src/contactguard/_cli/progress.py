"""Progress on stderr: counts, rate and time left, drawn by tqdm, on a terminal only.

tqdm rather than rich: one small pure-Python dependency with no further ones, a bar
that degrades to nothing when disabled, counts, rate
and ETA out of the box, and writes to the stream it is given (rich would bring its own
console, markup and a dozen modules for one progress line).  A bar is drawn only when
stderr is a terminal (or ``--progress`` forces it) and never with ``-q``.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from typing import IO, Any

from tqdm import tqdm

from .._core import mark_fork_safe

__all__ = ["Progress"]

# No tqdm monitor thread (it only tunes ``miniters``, and this module sets ``mininterval``):
# a second thread keeps the duplicates stage from forking onto the other cores.
tqdm.monitor_interval = 0

#: Held by a stage's ticker while it redraws, and by a forking thread across the fork, so
#: that a forked child never inherits tqdm's or the stream's locks held mid-redraw: the
#: ticker is then safe to fork beside (``mark_fork_safe``).
_REDRAWING = threading.Lock()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(before=_REDRAWING.acquire, after_in_parent=_REDRAWING.release,
                        after_in_child=_REDRAWING.release)


class Progress:
    """One bar at a time: :meth:`stage` names a step, :meth:`counter` counts within it."""

    #: Seconds between redraws (tqdm's ``mininterval``).
    min_interval = 0.2

    def __init__(self, *, enabled: bool, stream: IO[str]) -> None:
        self.enabled, self.stream = enabled, stream
        self._bar: Any = None
        self._ticking: threading.Event | None = None
        self._ticker: threading.Thread | None = None
        self.stages: list[str] = []  # what was announced, in order (tests read it)

    def _close_bar(self) -> None:
        if self._ticking is not None:
            self._ticking.set()
            self._ticking = None
        if self._ticker is not None:
            self._ticker.join(timeout=2)  # it wakes at once: no thread left behind
            self._ticker = None
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def _tick(self, bar: Any, stop: threading.Event) -> None:
        while not stop.wait(0.5):  # a step without counts still shows time passing
            with _REDRAWING, contextlib.suppress(Exception):  # (the stream may close)
                bar.refresh()

    def stage(self, label: str) -> None:
        """Start a step without a count (comparing, writing): elapsed time only."""
        self.stages.append(label)
        self._close_bar()
        if self.enabled:
            bar = self._bar = tqdm(desc=label, file=self.stream, leave=False,
                                   bar_format="{desc}… {elapsed}", dynamic_ncols=True)
            bar.refresh()
            stop = self._ticking = threading.Event()
            ticker = self._ticker = threading.Thread(target=self._tick, args=(bar, stop),
                                                     daemon=True)
            ticker.start()
            mark_fork_safe(ticker)  # (it redraws only between forks: _REDRAWING)

    def counter(self, label: str, unit: str = "contacts") -> Callable[..., None]:
        """A callback ``(done)`` or ``(done, total)`` that draws counts, rate and ETA."""
        self.stages.append(label)
        self._close_bar()
        if not self.enabled:
            return _ignore
        bar = self._bar = tqdm(desc=label, unit=f" {unit}", file=self.stream, leave=False,
                               dynamic_ncols=True, mininterval=self.min_interval)

        def update(done: int, total: int | None = None) -> None:
            if total is not None and bar.total != total:
                bar.total = total
            bar.update(done - bar.n)

        return update

    def close(self) -> None:
        self._close_bar()


def _ignore(done: int, total: int | None = None) -> None:
    """The callback of a disabled bar."""
