"""Rich display in notebooks: the HTML behind every result's ``_repr_html_``.

Jupyter (and VS Code, Colab, …) show an object by calling its ``_repr_html_``.  Every
contactguard result builds its display from the same parts, here: a title, a summary
block (counts first, so a 100,000-contact snapshot says what it holds before any row),
then tables cut after :attr:`DisplayOptions.max_rows` rows with a line saying how many
more there are.  The HTML is self-contained and inert: inline CSS, no scripts, no
external resources, and every piece of text goes through :func:`html.escape`.

Personal data (names, phone numbers, emails, UIDs that look like numbers) is masked in
the display unless asked for.  :func:`display_options` changes the options for the rest
of the session, or, used in a ``with`` statement, for the block only:

>>> with display_options(show_personal_data=True, max_rows=5) as options:
...     options.show_personal_data, current_options().show_personal_data
(True, True)
>>> current_options().show_personal_data
False

This module is pure (text in, text out) and imports only the control-character escape
of :mod:`contactguard._core`; what
goes in the rows, and how it is masked, is decided by :mod:`contactguard._notebook.tables`.
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Final, Protocol

from .._core import escape_controls

__all__ = [
    "Cell",
    "DisplayOptions",
    "TableLike",
    "current_options",
    "display_options",
    "render",
]

#: What a table cell or a summary value may hold.
Cell = str | int | float | None

#: Longest text shown in one cell; the rest is cut (display only, data is untouched).
MAX_CELL_CHARS: Final = 120


@dataclass(frozen=True, slots=True)
class DisplayOptions:
    """How results are shown in a notebook.

    ``show_personal_data`` shows names, phone numbers and emails in full (default:
    masked); ``max_rows`` is how many rows each table shows before it says
    "… and N more".  Also a context manager: leaving the ``with`` block restores the
    options that were in force before :func:`display_options` was called.
    """

    show_personal_data: bool = False
    max_rows: int = 20
    _previous: DisplayOptions | None = field(default=None, init=False, repr=False,
                                             compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.show_personal_data, bool):
            raise TypeError(f"show_personal_data must be a bool, not "
                            f"{type(self.show_personal_data).__name__}")
        if isinstance(self.max_rows, bool) or not isinstance(self.max_rows, int) \
                or self.max_rows < 0:
            raise ValueError(f"max_rows must be a whole number >= 0, not {self.max_rows!r}")

    def __enter__(self) -> DisplayOptions:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        _STATE.options = self._previous if self._previous is not None else DisplayOptions()


class _State:
    """The options in force.  A plain attribute, not a ContextVar: IPython kernels run
    each cell in a fresh context copy, which would forget a setting between cells."""

    options: DisplayOptions = DisplayOptions()


_STATE: Final = _State()


def current_options() -> DisplayOptions:
    """The display options in force."""
    return _STATE.options


def display_options(*, show_personal_data: bool | None = None,
                    max_rows: int | None = None) -> DisplayOptions:
    """Change how results display in a notebook; returns the new options.

    Called on its own, the change lasts for the session; as ``with display_options(…):``
    it lasts for the block.  Options not given keep their current value, so
    ``display_options()`` just reports them.
    """
    previous = _STATE.options
    new = replace(previous)  # replace() leaves the init=False _previous at its default
    if show_personal_data is not None:
        new = replace(new, show_personal_data=show_personal_data)
    if max_rows is not None:
        new = replace(new, max_rows=max_rows)
    object.__setattr__(new, "_previous", replace(previous))  # only one level: no chain
    _STATE.options = new
    return new


class TableLike(Protocol):
    """A table to render: a heading, column names, rows (possibly lazy) and their count."""

    @property
    def heading(self) -> str: ...
    @property
    def columns(self) -> Sequence[str]: ...
    @property
    def rows(self) -> Iterable[Sequence[Cell]]: ...
    @property
    def total(self) -> int: ...
    @property
    def noun(self) -> str: ...


# -- inline styles (no <style> element: it would leak into the rest of the notebook) ------

_BOX: Final = ("font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:13px;"
               "line-height:1.4;max-width:100%;overflow-x:auto")
_TITLE: Final = "font-weight:600;font-size:14px;margin:0 0 4px 0"
_HEADING: Final = "font-weight:600;margin:10px 0 2px 0"
_TABLE: Final = "border-collapse:collapse;margin:0;font-size:12px"
_TH: Final = ("text-align:left;padding:2px 8px;border-bottom:1px solid #999;"
              "white-space:nowrap;font-weight:600")
_TD: Final = "text-align:left;padding:2px 8px;vertical-align:top"
_KEY: Final = "text-align:left;padding:1px 12px 1px 0;font-weight:600;white-space:nowrap"
_VALUE: Final = "text-align:left;padding:1px 0"
_NOTE: Final = "color:#666;font-size:11px;margin:6px 0 0 0"
_MORE: Final = "color:#666;font-style:italic;margin:2px 0 0 0"

#: Colours for words with a meaning (status of a contact, severity of a finding).
TONES: Final = {
    "ok": "#1a7f37", "intact": "#1a7f37",
    "problems": "#cf222e", "missing": "#cf222e", "error": "#cf222e",
    "changed": "#9a6700", "warning": "#9a6700",
    "added": "#0969da", "info": "#57606a",
}
_TONED_COLUMNS: Final = frozenset({"status", "severity"})


def _text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.2f}"
    text = escape_controls(value)  # no bidi override may reorder the table
    return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS - 1] + "…"


def _esc(value: Cell) -> str:
    return html.escape(_text(value), quote=True)


def _toned(value: Cell) -> str:
    tone = TONES.get(str(value).lower()) if isinstance(value, str) else None
    if tone is None:
        return _esc(value)
    return f'<span style="color:{tone};font-weight:600">{_esc(value)}</span>'


def _table(table: TableLike, max_rows: int) -> list[str]:
    out = [f'<div style="{_HEADING}">{_esc(table.heading)} '
           f'<span style="font-weight:400;color:#666">({table.total:,})</span></div>']
    if table.total == 0:
        out.append(f'<div style="{_MORE}">none</div>')
        return out
    toned = [c in _TONED_COLUMNS for c in table.columns]
    out.append(f'<table style="{_TABLE}"><thead><tr>')
    out.extend(f'<th style="{_TH}">{_esc(c)}</th>' for c in table.columns)
    out.append("</tr></thead><tbody>")
    shown = 0
    for row in itertools.islice(table.rows, max_rows):
        shown += 1
        out.append("<tr>")
        out.extend(f'<td style="{_TD}">{_toned(v) if t else _esc(v)}</td>'
                   for v, t in zip(row, toned, strict=True))
        out.append("</tr>")
    out.append("</tbody></table>")
    if table.total > shown:
        out.append(f'<div style="{_MORE}">… and {table.total - shown:,} more '
                   f"{_esc(table.noun)}</div>")
    return out


def render(title: str, summary: Sequence[tuple[str, Cell]], tables: Sequence[TableLike],
           *, masked: bool, options: DisplayOptions | None = None) -> str:
    """One result as an HTML fragment: ``title``, the ``summary`` pairs, then ``tables``.

    Rows are drawn lazily and only ``options.max_rows`` of them per table, so the cost
    does not grow with the size of the result.  ``masked`` adds the line saying how to
    show personal data.

    >>> class T:
    ...     heading, columns, total, noun = "Contacts", ("name",), 3, "contacts"
    ...     rows = iter([("<b>Ada</b>",), ("Bob",), ("Cy",)])
    >>> out = render("Snapshot", [("contacts", 3)], [T()], masked=False,
    ...              options=DisplayOptions(max_rows=2))
    >>> "&lt;b&gt;Ada&lt;/b&gt;" in out, "… and 1 more contacts" in out, "<b>" in out
    (True, True, False)
    """
    options = options if options is not None else current_options()
    out = [f'<div class="contactguard" style="{_BOX}">',
           f'<div style="{_TITLE}">{_esc(title)}</div>']
    if summary:
        out.append(f'<table style="{_TABLE}"><tbody>')
        for key, value in summary:
            cell = _toned(value) if key.lower() == "status" else _esc(value)
            out.append(f'<tr><th style="{_KEY}">{_esc(key)}</th>'
                       f'<td style="{_VALUE}">{cell}</td></tr>')
        out.append("</tbody></table>")
    for table in tables:
        out.extend(_table(table, options.max_rows))
    if masked:
        out.append(f'<div style="{_NOTE}">Names, phone numbers and emails are masked; '
                   "show them with <code>contactguard.display_options("
                   "show_personal_data=True)</code>.</div>")
    out.append("</div>")
    return "".join(out)


DisplayOptions.__module__ = "contactguard"
