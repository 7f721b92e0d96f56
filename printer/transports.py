"""Connections to the printer: the base class, network, serial and device file.

USB is in ``printer.usb``; CUPS and the preview folder, which hand jobs on, in ``printer.spool``.

Each is small: open, write, read with a timeout, drain, close. Every call takes the time it may
use, so nothing waits longer than the configured timeout. Status comes from our own DLE EOT
queries (``Transport.status``); CUPS and the preview folder have no such channel and report
what their own system knows instead.
"""

from __future__ import annotations

import errno
import os
import select
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from printer.status import QUERIES, PrinterStatus, interpret, query, valid_reply

MIN_WAIT = 0.05  # even a spent deadline gets this long, so a reply already on its way is read


class ConnectionFailed(Exception):
    """The printer could not be reached or dropped the connection; ``str()`` says why."""


@dataclass(frozen=True)
class Job:
    name: str  # e.g. "2026-11-30_A-001": the preview files are named after it
    data: bytes
    preview: Callable[[], bytes] | None = None  # the PNG, rendered only where someone looks at it


def remaining(deadline: float) -> float:
    return max(MIN_WAIT, deadline - time.monotonic())


class Transport:
    """One way to reach the printer. Used by one thread at a time (the print worker)."""

    kind = "?"
    answers_status = True

    @property
    def label(self) -> str:
        return self.kind

    def open(self, deadline: float) -> None:
        raise NotImplementedError

    def write(self, data: bytes, deadline: float) -> None:
        raise NotImplementedError

    def read(self, size: int, deadline: float) -> bytes:
        """Up to ``size`` bytes, or b"" when nothing came before the deadline."""
        raise NotImplementedError

    def drain(self) -> None:
        """Throw away bytes that arrived unasked (late replies), so the next read is ours."""

    def close(self) -> None:
        raise NotImplementedError

    def wire_seconds(self, size: int) -> float:
        """How long ``size`` bytes take on the wire (serial lines are slow)."""
        return 0.0

    def send(self, job: Job, deadline: float) -> None:
        self.write(job.data, deadline)

    def status(self, deadline: float) -> PrinterStatus:
        """Ask DLE EOT 1-4; stop at the first silence or garbage (the status is then unknown)."""
        self.drain()
        replies: dict[int, int | None] = {}
        for n in QUERIES:
            self.write(query(n), deadline)
            answer = self.read(1, deadline)
            replies[n] = answer[0] if answer else None
            if not answer or not valid_reply(answer[0]):
                break
        return interpret(replies)


class NetworkTransport(Transport):
    """Raw TCP (port 9100): one connection per operation, every socket call with a timeout."""

    kind = "network"

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.sock: socket.socket | None = None

    @property
    def label(self) -> str:
        return f"network {self.host}:{self.port}"

    def open(self, deadline: float) -> None:
        self.close()
        try:
            self.sock = socket.create_connection((self.host, self.port), timeout=remaining(deadline))
        except OSError as exc:
            raise ConnectionFailed(f"{self.host}:{self.port}: {exc.strerror or exc}") from None
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def _socket(self) -> socket.socket:
        if self.sock is None:
            raise ConnectionFailed("not connected")
        return self.sock

    def write(self, data: bytes, deadline: float) -> None:
        sock = self._socket()
        sock.settimeout(remaining(deadline))
        try:
            sock.sendall(data)
        except OSError as exc:
            raise ConnectionFailed(f"write: {exc.strerror or exc}") from None

    def read(self, size: int, deadline: float) -> bytes:
        sock = self._socket()
        sock.settimeout(remaining(deadline))
        try:
            data = sock.recv(size)
        except TimeoutError:
            return b""
        except OSError as exc:
            raise ConnectionFailed(f"read: {exc.strerror or exc}") from None
        if not data:
            raise ConnectionFailed("the printer closed the connection")
        return data

    def drain(self) -> None:
        sock = self._socket()
        sock.setblocking(False)
        try:
            while True:
                if not sock.recv(256):
                    raise ConnectionFailed("the printer closed the connection")
        except BlockingIOError:
            pass
        except OSError as exc:
            raise ConnectionFailed(f"read: {exc.strerror or exc}") from None

    def close(self) -> None:
        if self.sock is not None:
            try:
                self.sock.close()
            finally:
                self.sock = None


class SerialTransport(Transport):
    """RS-232 (or a USB serial adapter) through pyserial, with read and write timeouts."""

    kind = "serial"

    def __init__(self, device: str, baudrate: int) -> None:
        self.device, self.baudrate = device, baudrate
        self.port: Any = None

    @property
    def label(self) -> str:
        return f"serial {self.device} {self.baudrate} baud"

    def wire_seconds(self, size: int) -> float:
        return size * 10 / self.baudrate  # 8 data bits, a start and a stop bit

    def open(self, deadline: float) -> None:
        import serial

        self.close()
        try:
            self.port = serial.Serial(
                self.device, self.baudrate, timeout=remaining(deadline), write_timeout=remaining(deadline)
            )
        except (serial.SerialException, OSError, ValueError) as exc:
            raise ConnectionFailed(f"{self.device}: {exc}") from None

    def write(self, data: bytes, deadline: float) -> None:
        import serial

        if self.port is None:
            raise ConnectionFailed("not connected")
        self.port.write_timeout = remaining(deadline)
        try:
            self.port.write(data)
        except (serial.SerialException, OSError) as exc:
            raise ConnectionFailed(f"write: {exc}") from None

    def read(self, size: int, deadline: float) -> bytes:
        import serial

        if self.port is None:
            raise ConnectionFailed("not connected")
        self.port.timeout = remaining(deadline)
        try:
            return bytes(self.port.read(size))
        except (serial.SerialException, OSError) as exc:
            raise ConnectionFailed(f"read: {exc}") from None

    def drain(self) -> None:
        if self.port is not None:
            self.port.reset_input_buffer()

    def close(self) -> None:
        if self.port is not None:
            try:
                self.port.close()
            finally:
                self.port = None


class DeviceFileTransport(Transport):
    """A device node such as /dev/usb/lp0, read back with select() for status replies."""

    kind = "file"

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None

    @property
    def label(self) -> str:
        return f"file {self.path}"

    def open(self, deadline: float) -> None:
        self.close()
        try:
            self.fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK | os.O_APPEND)
        except OSError as exc:
            raise ConnectionFailed(f"{self.path}: {exc.strerror}") from None

    def _fd(self) -> int:
        if self.fd is None:
            raise ConnectionFailed("not connected")
        return self.fd

    def write(self, data: bytes, deadline: float) -> None:
        fd = self._fd()
        view = memoryview(data)
        while view:
            _, ready, _ = select.select([], [fd], [], remaining(deadline))
            if not ready or time.monotonic() > deadline + MIN_WAIT:
                raise ConnectionFailed(f"{self.path}: write timed out")
            try:
                view = view[os.write(fd, view) :]
            except BlockingIOError:
                continue
            except OSError as exc:
                raise ConnectionFailed(f"{self.path}: {exc.strerror}") from None

    def read(self, size: int, deadline: float) -> bytes:
        fd = self._fd()
        ready, _, _ = select.select([fd], [], [], remaining(deadline))
        if not ready:
            return b""
        try:
            return os.read(fd, size)  # b"" (end of file) is no answer either
        except BlockingIOError:
            return b""
        except OSError as exc:
            if exc.errno in (errno.EINVAL, errno.EBADF):  # a write-only node: no status channel
                return b""
            raise ConnectionFailed(f"{self.path}: {exc.strerror}") from None

    def drain(self) -> None:
        fd = self._fd()
        for _ in range(64):  # a device that always has bytes must not keep us here
            ready, _, _ = select.select([fd], [], [], 0)
            if not ready:
                return
            try:
                if not os.read(fd, 256):
                    return
            except (BlockingIOError, OSError):
                return

    def close(self) -> None:
        if self.fd is not None:
            try:
                os.close(self.fd)
            finally:
                self.fd = None
