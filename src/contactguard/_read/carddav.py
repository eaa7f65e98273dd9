"""CardDAV, read-only: an account's address books as members, one per card, named by href.

``carddav://host[:port]/path/`` speaks plain HTTP (for servers on the local network) and
``carddavs://…`` HTTPS.  Theory of operation:

1. **Discovery** (RFC 6764, RFC 6352 §7): PROPFIND the URL for its resource type, the
   ``current-user-principal`` and the ``addressbook-home-set``.  A URL that is an address
   book is read as it is; a principal or home is listed (Depth 1) for its books; a server
   root with neither is asked at ``/.well-known/carddav``.
2. **Listing**: PROPFIND Depth 1 on each book gives the href of every card.
3. **Download**: REPORT ``addressbook-multiget`` in batches of :data:`BATCH` hrefs; a
   server that refuses the REPORT is read by GET per card.

Only PROPFIND, REPORT and GET are ever sent: contactguard never writes to an account.
Failures are not losses: 401/403 is :class:`CredentialsError`, 404 "no such address
book", and a timeout, dropped connection or 5xx is retried with backoff; if it still fails
once cards have been listed, :class:`IncompleteSourceError` says the copy was read only in
part (so no contact is called missing because of it).  A card the server lists but will
not return is an ``unreadable-entry`` finding at its href.
"""

from __future__ import annotations

import time
import urllib.parse
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from .._core import CredentialsError, IncompleteSourceError, SourceError, UsageError
from .._model import Finding
from .secrets import Access, Auth, find_password
from .sources import Limits, Member

if TYPE_CHECKING:
    import httpx

__all__ = ["BATCH", "SCHEMES", "CardDAVURL", "book_members", "parse_carddav_url"]

#: URL schemes read by this module, and the HTTP scheme each one speaks.
SCHEMES: Final = {"carddav": "http", "carddavs": "https"}
#: Cards asked for in one addressbook-multiget REPORT.
BATCH: Final = 200

_DAV: Final = "DAV:"
_CARD: Final = "urn:ietf:params:xml:ns:carddav"
_NS: Final = {"d": _DAV, "c": _CARD}
#: HTTP statuses worth another try: the server may be back in a moment.
_RETRY: Final = frozenset({500, 502, 503, 504, 507, 429})


@dataclass(frozen=True, slots=True)
class CardDAVURL:
    """A parsed ``carddav[s]://`` URL; ``label`` is how reports name it (no user info)."""

    base: str  # http[s]://host[:port]
    path: str
    user: str | None

    @property
    def label(self) -> str:
        scheme = "carddavs" if self.base.startswith("https:") else "carddav"
        return f"{scheme}://{self.base.split('://', 1)[1]}{self.path}"

    def at(self, path: str) -> str:
        """How reports name ``path`` on this server (``carddav://host:port/path``)."""
        scheme, _, rest = self.label.partition("://")
        return f"{scheme}://{rest.split('/', 1)[0]}{path}"

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.base).hostname or ""


def parse_carddav_url(url: str) -> CardDAVURL:
    """Split a ``carddav[s]://`` URL; a password written into it is refused.

    >>> u = parse_carddav_url("carddavs://ada@dav.example.com/ada/contacts/")
    >>> u.base, u.path, u.user, u.label
    ('https://dav.example.com', '/ada/contacts/', 'ada', 'carddavs://dav.example.com/ada/contacts/')
    """
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise UsageError("not a CardDAV URL: give carddav://HOST/PATH/ or carddavs://…")
    if parts.password is not None:
        raise UsageError("the URL holds a password: it would be kept in shell history, "
                         "process lists and reports; remove it and give the password with "
                         "--password-env, --password-file, ~/.netrc or the keyring")
    host = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return CardDAVURL(f"{SCHEMES[parts.scheme]}://{netloc}", parts.path or "/",
                      urllib.parse.unquote(parts.username) if parts.username else None)


def _propfind_body(*props: tuple[str, str]) -> bytes:
    root = ET.Element(f"{{{_DAV}}}propfind")
    prop = ET.SubElement(root, f"{{{_DAV}}}prop")
    for ns, name in props:
        ET.SubElement(prop, f"{{{ns}}}{name}")
    return bytes(ET.tostring(root, xml_declaration=True, encoding="utf-8"))


def _multiget_body(hrefs: list[str]) -> bytes:
    root = ET.Element(f"{{{_CARD}}}addressbook-multiget")
    prop = ET.SubElement(root, f"{{{_DAV}}}prop")
    ET.SubElement(prop, f"{{{_DAV}}}getetag")
    ET.SubElement(prop, f"{{{_CARD}}}address-data")
    for href in hrefs:
        ET.SubElement(root, f"{{{_DAV}}}href").text = href
    return bytes(ET.tostring(root, xml_declaration=True, encoding="utf-8"))


def _xml(body: bytes, where: str) -> ET.Element:
    if b"<!DOCTYPE" in body or b"<!ENTITY" in body:  # no entity expansion, ever
        raise SourceError(f"{where} answered with a document type declaration; refused")
    try:
        return ET.fromstring(body)  # noqa: S314 - no DTDs (checked above)
    except ET.ParseError as exc:
        raise SourceError(f"{where} answered with XML that cannot be read: {exc}") from None


class _Session:
    """One account: an HTTP client with credentials, retries and the statuses mapped."""

    def __init__(self, url: CardDAVURL, access: Access) -> None:
        import httpx  # noqa: PLC0415 - optional extra: contactguard[carddav]

        self._httpx = httpx
        self.url = url
        self.access = access
        auth = access.auth or Auth()
        if auth.token is not None and url.user is not None:
            auth = Auth(url.user, auth.token)  # the URL names the user: it is a password
        headers = {"User-Agent": "contactguard (read-only)"}
        basic: tuple[str, str] | None = None
        if auth.token is not None:
            headers["Authorization"] = f"Bearer {auth.token.reveal()}"
        else:
            user = auth.user or url.user
            password = auth.password
            if password is None:
                user, password = find_password(url.host, user)
            if user is not None and password is not None:
                basic = (user, password.reveal())
        self.client = httpx.Client(base_url=url.base, auth=basic, headers=headers,
                                   timeout=access.timeout, follow_redirects=False)

    def close(self) -> None:
        self.client.close()

    def request(self, method: str, path: str, *, body: bytes | None = None,
                depth: str | None = None, partial: bool = False) -> httpx.Response:
        """Send one request, retrying timeouts, dropped connections and 5xx."""
        httpx = self._httpx
        headers = {"Content-Type": "application/xml; charset=utf-8"} if body else {}
        if depth is not None:
            headers["Depth"] = depth
        where = self.url.at(path)
        problem = ""
        for attempt in range(max(self.access.attempts, 1)):
            if attempt:
                time.sleep(self.access.backoff * 2 ** (attempt - 1))
            try:
                resp = self.client.request(method, path, content=body, headers=headers)
            except httpx.TimeoutException:
                problem = "timed out"
                continue
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__})"
                continue
            if resp.status_code in _RETRY:
                problem = f"answered {resp.status_code} {resp.reason_phrase}"
                continue
            if resp.status_code in {401, 403}:
                raise CredentialsError(
                    f"{where}: wrong credentials (the server answered {resp.status_code}"
                    f" {resp.reason_phrase}); check --user and the password")
            if resp.status_code == 404:
                raise SourceError(f"{where}: no such address book (404 Not Found)")
            return resp
        tries = max(self.access.attempts, 1)
        message = f"{where} {problem} after {tries} attempt{'s' * (tries > 1)}"
        if partial:
            raise IncompleteSourceError(
                f"{message}: the copy was read only in part, so it is not verified (no "
                "contact is called missing because of it); try again later")
        raise SourceError(message)


def _props(tree: ET.Element) -> Iterator[tuple[str, ET.Element]]:
    """``(href, prop)`` for each successful ``propstat`` of a multistatus."""
    for resp in tree.iterfind("d:response", _NS):
        href = resp.findtext("d:href", "", _NS).strip()
        for ps in resp.iterfind("d:propstat", _NS):
            if " 200 " in f"{ps.findtext('d:status', '', _NS)} ":
                prop = ps.find("d:prop", _NS)
                if prop is not None:
                    yield urllib.parse.urljoin("/", href), prop


def _is_book(prop: ET.Element) -> bool:
    return prop.find("d:resourcetype/c:addressbook", _NS) is not None


def _discover(session: _Session, path: str) -> list[str]:
    """The address-book paths reachable from ``path`` (a book, principal, home or root)."""
    body = _propfind_body((_DAV, "resourcetype"), (_DAV, "current-user-principal"),
                          (_CARD, "addressbook-home-set"))
    seen: set[str] = set()
    todo = [path]
    while todo and len(seen) < 8:  # root → principal → home is three hops; bound it
        here = todo.pop(0)
        if here in seen:
            continue
        seen.add(here)
        resp = session.request("PROPFIND", here, body=body, depth="0")
        status, content = resp.status_code, resp.content
        if status in {301, 302, 307, 308}:
            continue
        if status != 207:
            raise SourceError(f"{session.url.label}: the server does not speak WebDAV here "
                              f"(PROPFIND answered {status})")
        for _, prop in _props(_xml(content, session.url.label)):
            if _is_book(prop):
                return [here]
            home = prop.findtext("c:addressbook-home-set/d:href", None, _NS)
            if home:
                return _list_books(session, urllib.parse.urljoin(here, home.strip()))
            principal = prop.findtext("d:current-user-principal/d:href", None, _NS)
            if principal:
                todo.append(urllib.parse.urljoin(here, principal.strip()))
        if here == path and path.rstrip("/") == "":
            todo.append(_well_known(session))
    raise SourceError(f"{session.url.label}: no address book found there (the URL is "
                      "neither an address book, a principal nor an address-book home)")


def _well_known(session: _Session) -> str:
    resp = session.request("GET", "/.well-known/carddav")
    redirected = resp.status_code in {301, 302, 303, 307, 308}
    location = resp.headers.get("location", "/") if redirected else "/"
    return urllib.parse.urlsplit(urllib.parse.urljoin("/", location)).path or "/"


def _list_books(session: _Session, home: str) -> list[str]:
    resp = session.request("PROPFIND", home, depth="1",
                           body=_propfind_body((_DAV, "resourcetype")))
    status, content = resp.status_code, resp.content
    if status != 207:
        raise SourceError(f"{session.url.label}: the address-book home {home} cannot be "
                          f"listed (PROPFIND answered {status})")
    books = sorted({href for href, prop in _props(_xml(content, home)) if _is_book(prop)})
    if not books:
        raise SourceError(f"{session.url.label}: no such address book (the account's home "
                          f"{home} holds none)")
    return books


def _list_cards(session: _Session, book: str) -> list[str]:
    resp = session.request("PROPFIND", book, depth="1", partial=True,
                           body=_propfind_body((_DAV, "resourcetype"), (_DAV, "getetag")))
    status, content = resp.status_code, resp.content
    if status != 207:
        raise SourceError(f"{session.url.label}: the address book {book} cannot be listed "
                          f"(PROPFIND answered {status})")
    norm = urllib.parse.urljoin("/", book).rstrip("/")
    return sorted({href for href, prop in _props(_xml(content, book))
                   if href.rstrip("/") != norm
                   and prop.find("d:resourcetype/d:collection", _NS) is None})


def _multiget(session: _Session, book: str, hrefs: list[str]) -> dict[str, bytes] | None:
    """``href → card`` for one batch; ``None`` when the server refuses the REPORT."""
    resp = session.request("REPORT", book, body=_multiget_body(hrefs), depth="1",
                           partial=True)
    status, content = resp.status_code, resp.content
    if status in {400, 405, 415, 501}:
        return None
    if status != 207:
        raise IncompleteSourceError(f"{session.url.label}: addressbook-multiget answered "
                                    f"{status}: the copy was read only in part")
    out: dict[str, bytes] = {}
    for href, prop in _props(_xml(content, book)):
        data = prop.findtext("c:address-data", None, _NS)
        if data is not None:
            out[href] = data.encode("utf-8")
    return out


def book_members(url: str, access: Access, limits: Limits,
                 findings: list[Finding]) -> tuple[str, list[Member]]:
    """Every card of the address book(s) at ``url``, each a member named by its href."""
    parsed = parse_carddav_url(url)
    try:
        session = _Session(parsed, access)
    except ImportError:
        raise UsageError("reading CardDAV needs httpx: pip install 'contactguard[carddav]'"
                         ) from None
    members: list[Member] = []
    try:
        for book in _discover(session, parsed.path):
            hrefs = _list_cards(session, book)
            if len(hrefs) > limits.max_members:
                findings.append(Finding.of(
                    "limit-exceeded", f"address book holds {len(hrefs)} cards; read the "
                    f"first {limits.max_members}", source=parsed.base + book))
                hrefs = hrefs[: limits.max_members]
            cards: dict[str, bytes] = {}
            for start in range(0, len(hrefs), BATCH):
                batch = hrefs[start : start + BATCH]
                got = _multiget(session, book, batch)
                if got is None:  # no REPORT here: one GET per card
                    got = {}
                    for href in batch:
                        resp = session.request("GET", href, partial=True)
                        if resp.status_code == 200:
                            got[href] = resp.content
                cards.update(got)
            total = 0
            for href in hrefs:
                name = parsed.at(href)
                data = cards.get(href)
                if data is None:
                    findings.append(Finding.of("unreadable-entry", "the server listed this "
                                               "card but did not return it", source=name))
                elif len(data) > limits.max_file_bytes or \
                        total + len(data) > limits.max_archive_bytes:
                    findings.append(Finding.of("limit-exceeded", f"card is {len(data):,} "
                                               "bytes, over the configured limits; skipped",
                                               source=name))
                else:
                    total += len(data)
                    members.append(Member(name, data))
    finally:
        session.close()
    return parsed.label, members
