"""A real TCP proxy in front of the API server that injects faults request by request.

Each request is forwarded on its own upstream connection (``Connection: close``). A rule,
chosen by method and path prefix, can answer instead of the server, answer late, or let the
server commit and then drop the connection before the answer: a lost response.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass


@dataclass
class Rule:
    method: str
    prefix: str
    answer: bytes | None = None  # a canned raw HTTP response instead of the server's
    delay_s: float = 0.0
    drop_after_forward: bool = False  # the server does the work; the client never hears back
    times: int = 1_000_000

    def matches(self, method: str, path: str) -> bool:
        return self.times > 0 and method == self.method and path.startswith(self.prefix)


def canned(status: int, body: bytes, content_type: str = "application/json") -> bytes:
    head = (
        f"HTTP/1.1 {status} X\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


class FaultyProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream_port = upstream_port
        self.rules: list[Rule] = []
        self.forwarded: list[tuple[str, str]] = []
        self.keys: list[tuple[str, str | None]] = []  # (path, Idempotency-Key) of each request forwarded
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._stop = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def close(self) -> None:
        self._stop = True
        self._listener.close()

    def _accept(self) -> None:
        while not self._stop:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            while True:
                request = _read_request(conn)
                if request is None:
                    return
                method, path, raw = request
                rule = next((r for r in self.rules if r.matches(method, path)), None)
                if rule is not None:
                    rule.times -= 1
                    time.sleep(rule.delay_s)
                    if rule.answer is not None:
                        conn.sendall(rule.answer)
                        return
                try:
                    answer = self._forward(raw)
                except OSError:  # the server is down: so is the proxy, for this client
                    return
                self.forwarded.append((method, path))
                self.keys.append((path, _header(raw, b"idempotency-key")))
                if rule is not None and rule.drop_after_forward:
                    conn.shutdown(socket.SHUT_RDWR)
                    return
                try:
                    conn.sendall(answer)
                except OSError:
                    return
                return  # the forwarded answer says Connection: close

    def _forward(self, raw: bytes) -> bytes:
        head, _, body = raw.partition(b"\r\n\r\n")
        lines = [ln for ln in head.split(b"\r\n") if not ln.lower().startswith(b"connection:")]
        raw = b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n" + body
        with socket.create_connection(("127.0.0.1", self.upstream_port)) as upstream:
            upstream.sendall(raw)
            chunks = []
            while chunk := upstream.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks)


def _header(raw: bytes, name: bytes) -> str | None:
    """The value of header ``name`` (lower case) in a raw request, or None."""
    head = raw.partition(b"\r\n\r\n")[0]
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip().decode("latin-1")
    return None


def _read_request(conn: socket.socket) -> tuple[str, str, bytes] | None:
    data = b""
    while b"\r\n\r\n" not in data:
        try:
            chunk = conn.recv(65536)
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    method, path, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
    return method, path, head + b"\r\n\r\n" + body
