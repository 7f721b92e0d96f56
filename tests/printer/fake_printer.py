"""A fake ESC/POS network printer on 127.0.0.1, for tests and soak runs.

It listens on a free port, records every job (the bytes of one connection, status queries
taken out), and answers DLE EOT 1-4 from a scripted state the way an Epson TM printer does.
It can stay silent, answer garbage, send stale bytes on connect, and close mid-job.

    with FakePrinter() as fake:
        ...  # point printer.host/port at fake.host/fake.port
        fake.state = "paper_out"
        fake.wait_for_jobs(1)
"""

from __future__ import annotations

import socket
import threading
from dataclasses import dataclass

# Replies to DLE EOT 1, 2, 3, 4 (fixed bits 0x12 plus the condition bits of the state).
REPLIES: dict[str, dict[int, int]] = {
    "ready": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    "paper_near_end": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},
    "paper_out": {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72},
    "cover_open": {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},
    "offline": {1: 0x1A, 2: 0x12, 3: 0x12, 4: 0x12},
    "cutter_error": {1: 0x1A, 2: 0x52, 3: 0x1A, 4: 0x12},
    "unrecoverable_error": {1: 0x1A, 2: 0x52, 3: 0x32, 4: 0x12},
}
DLE, EOT = 0x10, 0x04


@dataclass
class Received:
    data: bytes
    dropped: bool  # the fake closed the connection before the client was done


class FakePrinter:
    """A scripted printer behind a real TCP socket. Attributes may be changed while it runs."""

    def __init__(self, state: str = "ready", host: str = "127.0.0.1") -> None:
        self.state = state
        self.silent = False  # accept and read, never answer a status query
        self.garbage = False  # answer every query with a byte that is no status reply
        self.stale = b""  # sent unasked as soon as a client connects (old replies in the buffer)
        self.stale_sent = threading.Event()
        self.drop_after: int | None = None  # close the connection after this many job bytes ...
        self.drops_left: int | None = None  # ... this many times (None: every time)
        self.received: list[Received] = []
        self.queries: list[int] = []
        self.connections = 0
        self._lock = threading.Condition()
        self._server = socket.create_server((host, 0))
        self._server.settimeout(0.05)
        self.host, self.port = self._server.getsockname()[:2]
        self._running = False
        self._threads: list[threading.Thread] = []

    # -- control ----------------------------------------------------------------------------

    def start(self) -> FakePrinter:
        self._running = True
        thread = threading.Thread(target=self._accept_loop, name="fake-printer", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def stop(self) -> None:
        self._running = False
        for thread in self._threads:
            thread.join(timeout=2)
        self._server.close()

    def __enter__(self) -> FakePrinter:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def drop_mid_job(self, after_bytes: int = 64, times: int | None = None) -> None:
        """Close the connection after ``after_bytes`` of a job, ``times`` times (None: always)."""
        self.drop_after, self.drops_left = after_bytes, times

    @property
    def jobs(self) -> list[bytes]:
        """Complete jobs (connections that sent data and were not dropped), oldest first."""
        with self._lock:
            return [r.data for r in self.received if r.data and not r.dropped]

    def wait_for_jobs(self, count: int, timeout: float = 5.0) -> list[bytes]:
        """The jobs, once ``count`` have arrived (the client may return before we read its close)."""
        with self._lock:
            self._lock.wait_for(lambda: len([r for r in self.received if r.data and not r.dropped]) >= count, timeout)
        return self.jobs

    def wait_idle(self, timeout: float = 5.0) -> None:
        """Wait until every connection so far has been closed and recorded."""
        with self._lock:
            self._lock.wait_for(lambda: len(self.received) >= self.connections, timeout)

    # -- the printer --------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while self._running:
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _answer(self, n: int) -> bytes:
        with self._lock:
            self.queries.append(n)
        if self.silent:
            return b""
        if self.garbage:
            return b"\xff"
        return bytes((REPLIES[self.state][n],))

    def _should_drop(self, job_bytes: int) -> bool:
        if self.drop_after is None or job_bytes < self.drop_after:
            return False
        if self.drops_left is not None:
            if self.drops_left <= 0:
                return False
            self.drops_left -= 1
        return True

    def _serve(self, conn: socket.socket) -> None:
        job = bytearray()
        pending = b""
        dropped = False
        conn.settimeout(0.05)
        try:
            if self.stale:
                conn.sendall(self.stale)
                self.stale_sent.set()
            while self._running:
                try:
                    chunk = conn.recv(4096)
                except TimeoutError:
                    continue
                if not chunk:
                    break
                data = pending + chunk
                pending = b""
                i = 0
                while i < len(data):
                    if (
                        data[i] == DLE
                        and i + 2 >= len(data)
                        and data[i:].startswith(bytes((DLE, EOT))[: len(data) - i])
                    ):
                        pending = data[i:]  # a query split across reads
                        break
                    if data[i] == DLE and i + 2 < len(data) and data[i + 1] == EOT and data[i + 2] in (1, 2, 3, 4):
                        answer = self._answer(data[i + 2])
                        if answer:
                            conn.sendall(answer)
                        i += 3
                        continue
                    job.append(data[i])
                    i += 1
                    if self._should_drop(len(job)):
                        dropped = True
                        break
                if dropped:
                    break
        except OSError:
            dropped = True
        finally:
            conn.close()
            with self._lock:
                self.received.append(Received(bytes(job), dropped))
                self._lock.notify_all()
