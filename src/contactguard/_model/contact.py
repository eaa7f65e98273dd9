"""A contact: its properties as read, in order, with where it came from (the immutable model)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from .._core import UsageError, escape_controls, mask_name
from .._notebook import contact_view, current_options, render
from .property import Property

__all__ = ["Contact", "StructuredName"]



class StructuredName(NamedTuple):
    """The five components of ``N``: family;given;additional;prefixes;suffixes."""

    family: str = ""
    given: str = ""
    additional: str = ""
    prefix: str = ""
    suffix: str = ""

    def __repr__(self) -> str:
        """Each component masked unless ``display_options(show_personal_data=True)``."""
        show = current_options().show_personal_data
        parts = ", ".join(f"{n}={(v if show or not v else mask_name(v))!r}"
                          for n, v in zip(self._fields, self, strict=True))
        return escape_controls(f"StructuredName({parts})")


_new = object.__new__
_set = object.__setattr__


def _is_wide_name(text: str) -> bool:
    """True for a name written wholly in wide (CJK) characters."""
    text = text.replace(" ", "")
    return bool(text) and all(unicodedata.east_asian_width(ch) in {"W", "F"} for ch in text)


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class Contact:
    """One contact: every property as read, in order, plus where it came from.

    Equality compares the properties as a multiset (not their order, the vCard version,
    line or source), so the same card read from a 2.1 export and from its 3.0 re-export
    compares equal.  Whether two contacts hold the same *user data* despite formatting
    (phone spelling, label case) is the fingerprint's question, not equality's.
    """

    properties: tuple[Property, ...]
    version: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)
    source: str | None = field(default=None, compare=False)
    property_lines: tuple[int, ...] = field(default=(), compare=False, repr=False)
    complete: bool = field(default=True, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.properties, tuple):
            object.__setattr__(self, "properties", tuple(self.properties))
        for prop in self.properties:
            if not isinstance(prop, Property):
                raise UsageError(f"Contact properties must be Property, not {prop!r}")

    @classmethod
    def _trusted(cls, properties: tuple[Property, ...], version: str | None, line: int | None,
                 source: str | None, *, property_lines: tuple[int, ...], complete: bool,
                 ) -> Contact:
        """A contact from the reader, whose properties are a tuple of :class:`Property`
        by construction: ``__post_init__``'s checks skipped (they were a tenth of a load)."""
        contact = _new(cls)
        _set(contact, "properties", properties)
        _set(contact, "version", version)
        _set(contact, "line", line)
        _set(contact, "source", source)
        _set(contact, "property_lines", property_lines)
        _set(contact, "complete", complete)
        return contact

    def _key(self) -> tuple[tuple[str, str, str, tuple[tuple[str, str], ...]], ...]:
        return tuple(sorted((p.name, p.group or "", p.value, p.params)
                            for p in self.properties))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Contact):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def get_all(self, name: str) -> tuple[Property, ...]:
        """Every property called ``name`` (case-insensitive), in order."""
        name = name.upper()
        return tuple(p for p in self.properties if p.name == name)

    def first(self, name: str) -> Property | None:
        """The first property called ``name``, or ``None``."""
        name = name.upper()
        return next((p for p in self.properties if p.name == name), None)

    def line_of(self, index: int) -> int | None:
        """The source line of ``self.properties[index]`` when known."""
        return self.property_lines[index] if index < len(self.property_lines) else self.line

    @property
    def uid(self) -> str | None:
        prop = self.first("UID")
        return prop.text.strip() or None if prop is not None else None

    @property
    def name(self) -> StructuredName:
        prop = self.first("N")
        if prop is None:
            return StructuredName()
        return StructuredName(*[c.strip() for c in prop.components[:5]])

    @property
    def formatted_name(self) -> str | None:
        """FN, else a name built from N, else ``None``."""
        prop = self.first("FN")
        if prop is not None and prop.text.strip():
            return prop.text.strip()
        n = self.name
        if _is_wide_name(n.family + n.given + n.additional):
            # Chinese, Japanese and Korean names: family name first, no spaces (张伟)
            return "".join((n.family, n.given, n.additional)) or None
        built = " ".join(x for x in (n.prefix, n.given, n.additional, n.family, n.suffix) if x)
        return built or None

    @property
    def phones(self) -> tuple[str, ...]:
        return tuple(p.text.strip() for p in self.properties if p.name == "TEL")

    @property
    def emails(self) -> tuple[str, ...]:
        return tuple(p.text.strip() for p in self.properties if p.name == "EMAIL")

    def __str__(self) -> str:
        """``<Contact Z. W. at line 12>``: the name masked unless ``display_options(
        show_personal_data=True)`` (the name itself is :attr:`formatted_name`)."""
        name = self.formatted_name
        if name and not current_options().show_personal_data:
            name = mask_name(name)
        where = f" at line {self.line}" if self.line is not None else ""
        return escape_controls(f"<Contact {name or '(no name)'}{where}>")

    def __repr__(self) -> str:
        return f"{str(self)[:-1]}, {len(self.properties)} properties>"

    # -- notebook display (see contactguard._html) ---------------------------------------

    def _repr_html_(self) -> str:
        show = current_options().show_personal_data
        return render(*contact_view(self, show=show, version=self.version), masked=not show)



for _cls in (Contact, StructuredName):
    _cls.__module__ = "contactguard"
