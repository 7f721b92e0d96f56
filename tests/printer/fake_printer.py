"""A fake ESC/POS network printer on 127.0.0.1, for tests and soak runs.

It listens on a free port, records every job (the bytes of one connection, status queries
taken out), and answers DLE EOT 1-4 from a scripted state the way an Epson TM printer does.
It can stay silent, answer garbage, send stale bytes on connect, close mid-job, turn to a
fault in the status read that follows a job (``fault_after_next_job``), and lose its answer to
the status read that follows a whole job (``lose_answer_after_next_job``).

Jobs are kept in the order the connections were ACCEPTED, which is the order a printer takes
them in, never in the order the fake's threads happen to finish reading them. ``paper`` is what
comes out of the printer: every byte it took in (a dropped fragment included), cut into strips.

    with FakePrinter() as fake:
        ...  # point printer.host/port at fake.host/fake.port
        fake.state = "paper_out"
        fake.wait_for_jobs(1)
"""

from __future__ import annotations

import bisect
import socket
import threading
from dataclasses import dataclass, field

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
GS = 0x1D
CUT = b"\x1dV"  # GS V m (m = 0, 1, 48, 49) or GS V m n (m = 65, 66)


@dataclass(order=True)
class Received:
    index: int  # the connection's place in the accept order
    data: bytes = field(compare=False)
    dropped: bool = field(compare=False)  # the fake closed the connection before the client was done


def strips(data: bytes) -> list[bytes]:
    """``data`` as the pieces of paper it comes out as: a cut ends a strip; the tail is a strip too."""
    pieces: list[bytes] = []
    start = i = 0
    while (i := data.find(CUT, i)) >= 0:
        end = i + (4 if i + 2 < len(data) and data[i + 2] in (65, 66) else 3)
        pieces.append(data[start:end])
        start = i = end
    if data[start:]:
        pieces.append(data[start:])
    return pieces


def ends_with_cut(piece: bytes) -> bool:
    """Was this piece cut off the roll (a whole ticket ends with a cut), or left hanging?"""
    return (piece[-3:-1] == CUT and piece[-1] in (0, 1, 48, 49)) or (piece[-4:-2] == CUT and piece[-2] in (65, 66))


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
        self.received: list[Received] = []  # in accept order
        self.queries: list[int] = []
        self.connections = 0  # accepted so far
        self.recorded = 0  # closed and recorded so far (``received`` may be cleared by a soak run)
        self._armed: tuple[str, int | None] | None = None  # see fault_after_next_job
        self._lose_armed: str | None = None  # see lose_answer_after_next_job
        self._fault_in: tuple[str, int] | None = None  # see fault_after_reads
        self._losing: str | None = None  # how the current status read loses its answer
        self._override: list[str] = []  # states of the next status reads, one per read
        self._read_state: str | None = None  # the state this status read answers
        self._markers: set[tuple[str, int]] = set()
        self._marker_seen = threading.Event()
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

    def fault_after_next_job(self, state: str, reads: int | None = None) -> None:
        """Answer ``state`` from the status read that follows the next job's bytes on.

        ``reads``: for that many status reads (each DLE EOT 1 starts one), then ``self.state``
        again (a cover opened and shut at once); None: it stays (``self.state`` becomes it).
        """
        with self._lock:
            self._armed = (state, reads)

    def fault_after_reads(self, state: str, reads: int = 1) -> None:
        """Answer ``reads`` more status reads as now, then turn to ``state`` (and stay).

        The printer the kiosk found ready a moment ago runs out of paper or is unplugged before
        the ticket: ``fault_after_reads("paper_out")`` lets the readiness check pass.
        """
        with self._lock:
            self._fault_in = (state, reads)

    def lose_answer_after_next_job(self, how: str) -> None:
        """Take the next whole job, then lose the answer of the status read that follows it.

        ``how``: "once" (that read gets no answer at all; later reads are answered), "partway"
        (DLE EOT 1 is answered, the rest of that read is not), "never" (no answer ever again:
        ``silent``), "close" (the connection is closed instead of answering). The job is taken
        whole every time: it comes out on the paper.
        """
        if how not in ("once", "partway", "never", "close"):
            raise ValueError(how)
        with self._lock:
            self._lose_armed = how

    @property
    def jobs(self) -> list[bytes]:
        """Complete jobs (connections that sent data and were not dropped), in the order accepted."""
        with self._lock:
            return [r.data for r in self.received if r.data and not r.dropped]

    @property
    def paper(self) -> list[bytes]:
        """What came out, piece by piece: every byte taken in, in order, cut where a cut command is."""
        with self._lock:
            return strips(b"".join(r.data for r in self.received))

    def copies(self, text: bytes) -> int:
        """How many pieces of paper show ``text`` (e.g. the ticket's number)."""
        return sum(1 for piece in self.paper if text in piece)

    def complete(self, text: bytes) -> int:
        """How many whole tickets showing ``text`` came out: pieces with it that end in a cut."""
        return sum(1 for piece in self.paper if text in piece and ends_with_cut(piece))

    def wait_for_jobs(self, count: int, timeout: float = 30.0) -> list[bytes]:
        """The jobs, once ``count`` have arrived and every earlier connection is recorded too.

        (The client may return before the fake has read its close; a later connection may be
        recorded before an earlier one.)
        """
        with self._lock:
            self._lock.wait_for(lambda: len([r for r in self.received if r.data and not r.dropped]) >= count, timeout)
        self.wait_idle(timeout)
        return self.jobs

    def wait_idle(self, timeout: float = 30.0) -> None:
        """Wait until every connection made so far has been accepted, closed and recorded.

        A connection the client already closed may still wait in the listen backlog, unseen.
        A marker connection, made now, is accepted after all of them (the backlog is FIFO):
        once the fake has seen it, ``connections`` counts every earlier one.
        """
        marker = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        try:
            marker.settimeout(timeout)
            marker.bind((self.host, 0))  # its address is known before the fake can accept it
            with self._lock:
                self._marker_seen.clear()
                self._markers.add(marker.getsockname()[:2])
            marker.connect((self.host, self.port))
            if not self._marker_seen.wait(timeout):
                raise TimeoutError("the fake printer did not accept its own marker connection")
        finally:
            marker.close()
        with self._lock:
            if not self._lock.wait_for(lambda: self.recorded >= self.connections, timeout):
                raise TimeoutError(f"{self.connections - self.recorded} connection(s) still open")

    # -- the printer --------------------------------------------------------------------------

    def _accept_loop(self) -> None:
        while self._running:
            try:
                conn, peer = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                if peer[:2] in self._markers:
                    self._markers.discard(peer[:2])
                    self._marker_seen.set()
                    conn.close()
                    continue
                index = self.connections
                self.connections += 1
            thread = threading.Thread(target=self._serve, args=(conn, index), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _answer(self, n: int, after_job: bool) -> bytes | None:
        """The reply to DLE EOT ``n``; None: close the connection instead."""
        with self._lock:
            self.queries.append(n)
            if n == 1:  # a status read starts
                if self._fault_in is not None:
                    fault, reads = self._fault_in
                    if reads <= 0:
                        self.state, self._fault_in = fault, None
                    else:
                        self._fault_in = (fault, reads - 1)
                self._losing = None
                if after_job and self._lose_armed is not None:
                    self._losing, self._lose_armed = self._lose_armed, None
                    if self._losing == "never":
                        self.silent = True
                if after_job and self._armed is not None:
                    state, reads = self._armed
                    self._armed = None
                    if reads is None:
                        self.state = state
                    else:
                        self._override = [state] * reads
                self._read_state = self._override.pop(0) if self._override else None
            state = self._read_state or self.state
            losing = self._losing
        if losing == "close":
            return None
        if self.silent or losing == "once" or (losing == "partway" and n > 1):
            return b""
        if self.garbage:
            return b"\xff"
        return bytes((REPLIES[state][n],))

    def _should_drop(self, job_bytes: int) -> bool:
        if self.drop_after is None or job_bytes < self.drop_after:
            return False
        if self.drops_left is not None:
            if self.drops_left <= 0:
                return False
            self.drops_left -= 1
        return True

    def _serve(self, conn: socket.socket, index: int) -> None:
        job = bytearray()
        pending = b""
        dropped = False
        gone = False  # closed instead of answering a status query (the job was taken whole)
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
                        answer = self._answer(data[i + 2], bool(job))
                        if answer is None:  # gone without a word: the job was taken whole
                            gone = True
                            break
                        if answer:
                            conn.sendall(answer)
                        i += 3
                        continue
                    job.append(data[i])
                    i += 1
                    if self._should_drop(len(job)):
                        dropped = True
                        break
                if dropped or gone:
                    break
        except OSError:
            dropped = True
        finally:
            conn.close()
            with self._lock:
                bisect.insort(self.received, Received(index, bytes(job), dropped))
                self.recorded += 1
                self._lock.notify_all()
