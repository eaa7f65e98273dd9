"""E-mail addresses: normalization (case folding, IDNA domains) and what is wrong with one."""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final

from .common import CACHE_SIZE, NormalizedEmail, takes_text

_MAILTO: Final = re.compile(r"^(?:mailto:)+", re.IGNORECASE)
_SPACE: Final = re.compile(r"\s")
#: Characters that RFC 5322 allows in a local part only inside quotes.
_LOCAL_SPECIALS: Final = frozenset('()<>[]:;,\\"')
_LABEL_OK: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?")


def _strip_email(raw: str) -> str:
    s = raw.strip()
    if not s.isascii():
        s = unicodedata.normalize("NFKC", s).strip()
    if ":" in s:
        s = _MAILTO.sub("", s).strip()
    if raw.lstrip()[:7].lower() == "mailto:":
        s = s.split("?", 1)[0]  # mailto: URIs may carry ?subject=… headers
    if len(s) > 1 and s[0] == "<" and s[-1] == ">":
        s = s[1:-1].strip()
    return s


def _split_email(s: str) -> tuple[str, str] | None:
    """(local, domain) of an address with exactly one @ outside a quoted local part."""
    local, at, domain = s.rpartition("@")
    if not at or ("@" in local and not (local.startswith('"') and local.endswith('"'))):
        return None
    return local, domain


def _ascii_domain(domain: str) -> str | None:
    """The domain lower-cased and IDNA-encoded (IDNA 2003, Python's codec), or ``None``."""
    domain = domain.lower()
    if domain.endswith(".") and len(domain) > 1:
        domain = domain[:-1]  # "example.com." is the same domain written fully qualified
    if domain.isascii():
        return domain
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _fold(s: str) -> str:
    if s.isascii():
        return s.lower()  # (NFKC leaves ASCII alone; its case folding is lower-casing)
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", s).casefold())


@takes_text
@functools.lru_cache(maxsize=CACHE_SIZE)
def normalize_email(raw: str) -> NormalizedEmail | None:
    """An e-mail address in comparable form, or ``None`` when ``raw`` is not an address.

    ``mailto:``, surrounding ``<…>`` and whitespace are stripped.  The domain is lower-cased
    and IDNA-encoded to ASCII (a non-ASCII domain that cannot be encoded is kept folded).  The
    local part is **case folded** too: RFC 5321 lets a server treat it case-sensitively, but
    address books, mail providers and people do not, and a backup that changed ``John@`` to
    ``john@`` has not lost a contact.  A value is "not an address" when it lacks exactly one
    ``@`` with text on both sides, or contains whitespace; other defects (no dot in the domain,
    bad labels) still normalize and are reported by :func:`email_problem`.

    >>> normalize_email(" mailto:John.Doe@Bücher.EXAMPLE ")
    'john.doe@xn--bcher-kva.example'
    >>> normalize_email("not an address") is None
    True
    """
    s = _strip_email(raw)
    parts = _split_email(s)
    if parts is None or _SPACE.search(s):
        return None
    local, domain = parts
    if not local or not domain:
        return None
    ascii_domain = _ascii_domain(domain)
    folded_domain = ascii_domain if ascii_domain is not None else _fold(domain)
    return NormalizedEmail(f"{_fold(local)}@{folded_domain}")


@takes_text
def email_problem(raw: str) -> str | None:
    """What is wrong with an e-mail address, in plain words, or ``None`` when nothing is.

    >>> email_problem("john.doe@example.com") is None
    True
    >>> email_problem("john.doe.example.com")
    'missing @'
    >>> email_problem("john@example")
    'domain "example" has no dot'
    """
    s = _strip_email(raw)
    if not s:
        return "empty"
    if "@" not in s:
        return "missing @"
    if _split_email(s) is None:
        return "more than one @"
    if _SPACE.search(s):
        return "contains spaces"
    local, _, domain = s.rpartition("@")
    if not local:
        return "nothing before @"
    if not domain:
        return "nothing after @"
    problem = _local_problem(local) or _domain_problem(domain)
    if problem is None and len(s) > 254:
        problem = "longer than 254 characters"
    return problem


def _local_problem(local: str) -> str | None:
    if len(local) > 64:
        return "part before @ longer than 64 characters"
    if local.startswith('"') and local.endswith('"') and len(local) > 1:
        return None  # a quoted local part may contain anything printable
    if local.startswith(".") or local.endswith("."):
        return "part before @ starts or ends with a dot"
    if ".." in local:
        return "two dots in a row before @"
    bad = sorted({ch for ch in local if ch in _LOCAL_SPECIALS or not ch.isprintable()})
    if bad:
        return f"character {bad[0]!r} not allowed before @"
    return None


def _domain_problem(domain: str) -> str | None:
    if domain.startswith("[") and domain.endswith("]"):
        return None  # an address literal such as [192.0.2.1]
    if domain.endswith(".") and len(domain) > 1:
        domain = domain[:-1]
    ascii_domain = _ascii_domain(domain)
    if ascii_domain is None:
        return f"domain {domain!r} cannot be encoded (IDNA)"
    labels = ascii_domain.split(".")
    for label in labels:
        if not label:
            return f'empty label in domain "{domain}"'
        if len(label) > 63:
            return f'domain label "{label[:20]}…" longer than 63 characters'
        if not _LABEL_OK.fullmatch(label):
            if label.startswith("-") or label.endswith("-"):
                return f'domain label "{label}" starts or ends with a hyphen'
            return f'domain label "{label}" has characters other than letters, digits, hyphen'
    if len(labels) < 2:
        return f'domain "{domain}" has no dot'
    if labels[-1].isdigit():
        return f'top-level domain "{labels[-1]}" is numeric'
    return None
