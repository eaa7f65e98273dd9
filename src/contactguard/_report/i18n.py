"""Translating the human-readable reports: gettext catalogs, chosen by locale or ``--lang``.

Catalogs live in ``contactguard/locale/<lang>/LC_MESSAGES/contactguard.po`` and are
maintained with Babel (``pybabel extract -F babel.cfg``; see docs/contributing.md); the
compiled ``.mo`` beside each ``.po`` is what runs.  Simplified Chinese (``zh_CN``) is
translated; Traditional Chinese (``zh_TW``, also for ``zh_HK``) is the Simplified catalog
converted with OpenCC's Taiwan phrase table, so it needs no catalog of its own.  JSON,
JUnit and finding kinds never go through here: they stay English and stable.

The language is a context variable (:func:`use_language`), so a library caller and the
CLI choose it without a global switch.
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import gettext
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Final

__all__ = ["LANGUAGES", "N_", "_", "current_language", "html_language", "language_from_env",
           "ngettext", "normalize_language", "use_language"]

DOMAIN: Final = "contactguard"
LOCALE_DIR: Final = Path(__file__).resolve().parent.parent / "locale"
#: Languages the reports are written in.
LANGUAGES: Final = ("en", "zh_CN", "zh_TW")
#: Locale prefixes (lower case, ``-`` as ``_``) -> language.
_ALIASES: Final = {"zh_cn": "zh_CN", "zh_sg": "zh_CN", "zh_hans": "zh_CN", "zh": "zh_CN",
                   "zh_tw": "zh_TW", "zh_hk": "zh_TW", "zh_mo": "zh_TW", "zh_hant": "zh_TW",
                   "en": "en", "c": "en", "posix": "en"}
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "contactguard_language", default=None)


def normalize_language(name: str) -> str:
    """``"zh-CN"``, ``"zh_CN.UTF-8"``, ``"zh-Hans"`` → ``"zh_CN"``; unknown → ``"en"``.

    >>> normalize_language("zh-CN"), normalize_language("zh_TW.UTF-8"), normalize_language("fr_FR")
    ('zh_CN', 'zh_TW', 'en')
    """
    key = name.split(".", 1)[0].split("@", 1)[0].replace("-", "_").lower()
    while key:
        if key in _ALIASES:
            return _ALIASES[key]
        key = key.rpartition("_")[0]
    return "en"


def language_from_env(environ: Mapping[str, str] | None = None) -> str:
    """The language the locale asks for: ``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``,
    ``LANG`` in gettext's order (the first one set wins)."""
    env = os.environ if environ is None else environ
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var)
        if value:
            return normalize_language(value.split(":")[0])
    return "en"


def current_language() -> str:
    """The language set by :func:`use_language`, else the locale's."""
    lang = _current.get()
    return lang if lang is not None else language_from_env()


def html_language() -> str:
    """The current language as an HTML ``lang`` value: ``en``, ``zh-CN``, ``zh-TW``."""
    return current_language().replace("_", "-")


@contextlib.contextmanager
def use_language(lang: str | None) -> Iterator[str]:
    """Render reports in ``lang`` (``"zh-CN"``…; ``None``: the locale's) inside the block."""
    chosen = normalize_language(lang) if lang else language_from_env()
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


@functools.cache
def _catalog(lang: str) -> gettext.NullTranslations:
    source = "zh_CN" if lang == "zh_TW" else lang
    return gettext.translation(DOMAIN, LOCALE_DIR, [source], fallback=True)


@functools.cache
def _to_traditional() -> object:
    import opencc  # noqa: PLC0415 - only Traditional Chinese output needs it

    return opencc.OpenCC("s2twp")


def _convert(lang: str, text: str) -> str:
    if lang != "zh_TW":
        return text
    converter = _to_traditional()
    convert = getattr(converter, "convert")  # noqa: B009 - opencc ships no type hints
    return str(convert(text))


def _(message: str) -> str:
    """``message`` in the current language (itself when there is no translation)."""
    lang = current_language()
    return _convert(lang, _catalog(lang).gettext(message))


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for ``n`` in the current language."""
    lang = current_language()
    return _convert(lang, _catalog(lang).ngettext(singular, plural, n))


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "mark for extraction"
    """Mark ``message`` for the catalog without translating it yet (tables of messages)."""
    return message
