"""Real servers on 127.0.0.1 for the remote-copy tests: started by the test, then stopped.

Radicale (CardDAV) and wsgidav (WebDAV) run as subprocesses with temporary storage; an
asyncssh SFTP server runs in a thread's event loop.  :class:`Relay` is a TCP relay in front
of a server that can cut connections part way through a response, to test a dropped
connection and a server that stops mid-listing; the protocol behind it is the real one.
Every wait is bounded, so a server that never comes up fails the test instead of hanging.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

READY_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, proc: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"server exited early with {proc.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return
        time.sleep(0.05)
    raise RuntimeError(f"no server on 127.0.0.1:{port} after {READY_TIMEOUT}s")


@contextlib.contextmanager
def process(args: list[str], port: int, cwd: Path, env: dict[str, str] | None = None
            ) -> Iterator[subprocess.Popen[bytes]]:
    log = (cwd / "server.log").open("wb")
    proc = subprocess.Popen(args, cwd=cwd, stdout=log, stderr=subprocess.STDOUT,
                            env={**os.environ, "HOME": str(cwd), **(env or {})})
    try:
        wait_for_port(port, proc)
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
        log.close()


@contextlib.contextmanager
def radicale(tmp: Path, users: dict[str, str]) -> Iterator[int]:
    """Radicale on a free port with htpasswd users (plain passwords) and tmp storage."""
    (tmp / "users").write_text("".join(f"{u}:{p}\n" for u, p in users.items()))
    (tmp / "config").write_text("")
    port = free_port()
    args = [sys.executable, "-m", "radicale", "--config", str(tmp / "config"),
            "--server-hosts", f"127.0.0.1:{port}",
            "--storage-filesystem-folder", str(tmp / "collections"),
            "--auth-type", "htpasswd", "--auth-htpasswd-filename", str(tmp / "users"),
            "--auth-htpasswd-encryption", "plain", "--logging-level", "warning"]
    with process(args, port, tmp):
        yield port


def dav(port: int, method: str, path: str, body: bytes = b"", *,
        auth: tuple[str, str], headers: dict[str, str] | None = None) -> int:
    """One request to a test server (to set it up); returns the status."""
    import base64

    token = base64.b64encode(f"{auth[0]}:{auth[1]}".encode()).decode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body, {"Authorization": f"Basic {token}",
                                          **(headers or {})})
        resp = conn.getresponse()
        resp.read()
        return resp.status
    finally:
        conn.close()


MKCOL_ADDRESSBOOK = b"""<?xml version="1.0" encoding="utf-8"?>
<D:mkcol xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:carddav">
 <D:set><D:prop>
  <D:resourcetype><D:collection/><C:addressbook/></D:resourcetype>
  <D:displayname>Contacts</D:displayname>
 </D:prop></D:set>
</D:mkcol>"""


def split_cards(text: str) -> list[str]:
    cards, current = [], []
    for line in text.splitlines(keepends=True):
        current.append(line)
        if line.strip().upper() == "END:VCARD":
            cards.append("".join(current))
            current = []
    return cards


def upload_book(port: int, user: str, password: str, book: str, cards: list[str]) -> None:
    status = dav(port, "MKCOL", f"/{user}/{book}/", MKCOL_ADDRESSBOOK, auth=(user, password),
                 headers={"Content-Type": "application/xml"})
    assert status == 201, status
    for i, card in enumerate(cards):
        status = dav(port, "PUT", f"/{user}/{book}/card-{i:04d}.vcf",
                     card.replace("\n", "\r\n").encode(), auth=(user, password),
                     headers={"Content-Type": "text/vcard; charset=utf-8"})
        assert status == 201, status


class Relay:
    """A TCP relay on 127.0.0.1 to ``port``: it can drop connections or stop.

    ``drop_next(n)``: the next connection is cut after ``n`` bytes of the server's answer
    (once).  ``stop_after(n)``: once the server has sent ``n`` more bytes in all, every
    connection is cut and new ones are refused: a server that goes away mid-listing.
    """

    def __init__(self, port: int) -> None:
        self.target = port
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self._drop: int | None = None
        self._budget: int | None = None
        self._dead = threading.Event()
        self._lock = threading.Lock()
        self._conns: list[socket.socket] = []
        self._all: list[socket.socket] = []  # every socket, closed by close()
        self._threads: list[threading.Thread] = []
        self.drops = 0
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    def drop_next(self, after: int) -> None:
        self._drop = after

    def stop_after(self, after: int) -> None:
        self._budget = after

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.sock.accept()
            except OSError:
                return
            if self._dead.is_set():
                client.close()
                continue
            drop, self._drop = self._drop, None
            with self._lock:
                self._all.append(client)
            thread = threading.Thread(target=self._serve, args=(client, drop), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, client: socket.socket, drop: int | None) -> None:
        try:
            upstream = socket.create_connection(("127.0.0.1", self.target), 10)
        except OSError:
            client.close()
            return
        with self._lock:
            self._conns += [client, upstream]
            self._all.append(upstream)

        def up() -> None:
            with contextlib.suppress(OSError):
                while data := client.recv(65536):
                    upstream.sendall(data)

        threading.Thread(target=up, daemon=True).start()
        sent = 0
        try:
            while data := upstream.recv(65536):
                if drop is not None and sent + len(data) > drop:
                    client.sendall(data[: max(drop - sent, 0)])
                    self.drops += 1
                    break
                if self._budget is not None:
                    with self._lock:
                        if len(data) >= self._budget:
                            client.sendall(data[: self._budget])
                            self._die()
                            break
                        self._budget -= len(data)
                client.sendall(data)
                sent += len(data)
        except OSError:
            pass
        finally:
            for s in (client, upstream):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def _die(self) -> None:
        self._dead.set()
        for s in self._conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        self._dead.set()
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the accept() below (close does not)
        self.sock.close()
        with self._lock:
            self._die()
            for s in self._all:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
        self._accepting.join(10)
        for thread in self._threads:
            thread.join(10)


@contextlib.contextmanager
def sftp_server(root: Path, users: dict[str, str]) -> Iterator[int]:
    """asyncssh's SFTP server on a free port, chrooted to ``root``, password login only."""
    import asyncio

    import asyncssh

    key = asyncssh.generate_private_key("ssh-ed25519")

    class Server(asyncssh.SSHServer):
        def begin_auth(self, username: str) -> bool:
            return True

        def password_auth_supported(self) -> bool:
            return True

        def validate_password(self, username: str, password: str) -> bool:
            return users.get(username) == password

    class Chrooted(asyncssh.SFTPServer):
        def __init__(self, chan: asyncssh.SSHServerChannel) -> None:
            super().__init__(chan, chroot=str(root).encode())

    loop = asyncio.new_event_loop()
    port = free_port()
    started = threading.Event()
    holder: dict[str, asyncssh.SSHAcceptor] = {}

    async def start() -> None:
        holder["acceptor"] = await asyncssh.listen(
            "127.0.0.1", port, server_host_keys=[key], server_factory=Server,
            sftp_factory=Chrooted, allow_scp=False)
        started.set()

    def run() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(start())
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    if not started.wait(READY_TIMEOUT):
        raise RuntimeError("the SFTP server did not start")
    try:
        yield port
    finally:
        async def stop() -> None:
            holder["acceptor"].close()
            await holder["acceptor"].wait_closed()

        asyncio.run_coroutine_threadsafe(stop(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        loop.close()


@contextlib.contextmanager
def webdav_server(root: Path, users: dict[str, str]) -> Iterator[int]:
    """wsgidav serving ``root`` on a free port, Basic authentication only."""
    import json

    port = free_port()
    config = root.parent / f"wsgidav-{port}.json"
    config.write_text(json.dumps({
        "host": "127.0.0.1", "port": port, "provider_mapping": {"/": str(root)},
        "http_authenticator": {"domain_controller": None, "accept_basic": True,
                               "accept_digest": False, "default_to_digest": False},
        "simple_dc": {"user_mapping": {"*": {u: {"password": p} for u, p in users.items()}}},
        "verbose": 1, "logging": {"enable": False}}))
    args = [sys.executable, "-c", "from wsgidav.server.server_cli import run; run()",
            "--config", str(config)]
    with process(args, port, root.parent):
        yield port


@contextlib.contextmanager
def s3_server(tmp: Path, *, unchecked: int | None = None) -> Iterator[str]:
    """moto's S3 server on a free port (its own process); yields its endpoint URL.  It
    takes any access key, unless ``unchecked`` is given: then only that many requests go
    unchecked (enough to make an IAM user and its key), and every later one must be
    signed with a key the server made."""
    port = free_port()
    args = [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)]
    env = None if unchecked is None else {"INITIAL_NO_AUTH_ACTION_COUNT": str(unchecked)}
    with process(args, port, tmp, env):
        yield f"http://127.0.0.1:{port}"
