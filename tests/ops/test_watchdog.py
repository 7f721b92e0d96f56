"""READY=1 and WATCHDOG=1 reach systemd's notify socket, and a frozen UI stops the pings.

systemd is not PID 1 here, so a datagram socket bound in tmp_path plays its part: it is the
same AF_UNIX SOCK_DGRAM socket systemd listens on, with ``NOTIFY_SOCKET`` pointing at it. The
UI clock is Kivy's own (a private ``ClockBase``, ticked by hand as the app's event loop would;
no window needed), so the pings run exactly where they run in the kiosk.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from kivy.clock import ClockBase

from kiosk.ops.systemd import SystemdNotifier
from kiosk.ops.watchdog import ServerHeartbeat, health_url, start_watchdog

WATCHDOG_USEC = 200_000  # WatchdogSec=0.2 s: pings every 0.1 s
PATIENCE_S = 30.0  # how long a condition may take on a loaded machine before it is a failure


@pytest.fixture
def notify_socket(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[socket.socket]:
    path = tmp_path / "notify"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    monkeypatch.setenv("NOTIFY_SOCKET", str(path))
    monkeypatch.setenv("WATCHDOG_USEC", str(WATCHDOG_USEC))
    yield sock
    sock.close()


def received(sock: socket.socket, wait_s: float, until: str | None = None) -> list[str]:
    """Every datagram that arrives within ``wait_s`` (or up to the first ``until``)."""
    messages: list[str] = []
    deadline = time.monotonic() + wait_s
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            messages.append(sock.recv(4096).decode())
        except TimeoutError:
            break
        if until is not None and messages[-1] == until:
            break
    return messages


def drain(sock: socket.socket) -> list[str]:
    sock.setblocking(False)
    messages = []
    try:
        while True:
            messages.append(sock.recv(4096).decode())
    except BlockingIOError:
        pass
    finally:
        sock.setblocking(True)
    return messages


def test_the_kiosk_tells_systemd_it_is_ready_and_keeps_pinging_from_the_ui_clock(notify_socket):
    clock = ClockBase()
    notifier = SystemdNotifier()  # from the environment, as under systemd
    assert notifier.ready()
    heartbeat = start_watchdog(notifier, clock.schedule_interval)
    assert heartbeat is not None
    messages: list[str] = []
    try:
        # Tick until three pings came, however slowly a busy machine lets this thread run: the
        # verdict is "the UI clock keeps pinging", never "so many pings in so much wall time".
        deadline = time.monotonic() + PATIENCE_S
        while messages.count("WATCHDOG=1") < 3 and time.monotonic() < deadline:
            clock.tick()
            messages += drain(notify_socket)
    finally:
        heartbeat.stop()
    messages += drain(notify_socket)
    assert messages[0].splitlines()[0] == "READY=1"
    pings = [m for m in messages if m == "WATCHDOG=1"]
    assert len(pings) >= 3
    assert heartbeat.pings == len(pings)


def test_a_frozen_ui_thread_stops_the_pings_so_systemd_restarts_the_kiosk(notify_socket):
    clock = ClockBase()
    heartbeat = start_watchdog(SystemdNotifier(), clock.schedule_interval)
    assert heartbeat is not None
    frozen, thaw, stop = threading.Event(), threading.Event(), threading.Event()

    def ui_thread() -> None:
        while not stop.is_set():
            clock.tick()

    def hang(_dt: float) -> None:  # a callback that blocks the UI thread, as a stuck call would
        frozen.set()
        thaw.wait(120)  # the test always thaws it; only a lost test leaves it here that long

    ui = threading.Thread(target=ui_thread, daemon=True)
    ui.start()
    try:
        alive = received(notify_socket, PATIENCE_S, until="WATCHDOG=1")
        alive += received(notify_socket, PATIENCE_S, until="WATCHDOG=1")
        assert alive.count("WATCHDOG=1") >= 2  # alive: pings flow
        clock.schedule_once(hang, 0)
        assert frozen.wait(PATIENCE_S)
        drain(notify_socket)  # pings sent before the freeze began
        # Silence for longer than WatchdogSec: this is what makes systemd kill and restart it.
        assert received(notify_socket, 3 * WATCHDOG_USEC / 1e6) == []
        thaw.set()
        # the same clock pings again once free
        assert "WATCHDOG=1" in received(notify_socket, PATIENCE_S, until="WATCHDOG=1")
    finally:
        thaw.set()
        stop.set()
        ui.join(5)
        heartbeat.stop()


def test_without_a_systemd_watchdog_nothing_is_scheduled(tmp_path, monkeypatch):
    monkeypatch.delenv("WATCHDOG_USEC", raising=False)
    monkeypatch.setenv("NOTIFY_SOCKET", str(tmp_path / "nobody-listens"))
    scheduled = []
    assert start_watchdog(SystemdNotifier(), lambda cb, dt: scheduled.append(dt)) is None
    assert scheduled == []


def test_outside_systemd_ready_is_a_quiet_no_op(monkeypatch):
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    notifier = SystemdNotifier()
    assert not notifier.enabled
    assert notifier.ready() is False
    assert start_watchdog(notifier, lambda cb, dt: pytest.fail("scheduled without systemd")) is None


def test_a_vanished_notify_socket_is_logged_not_raised(notify_socket, tmp_path, caplog):
    clock = ClockBase()
    heartbeat = start_watchdog(SystemdNotifier(), clock.schedule_interval)
    assert heartbeat is not None
    notify_socket.close()
    (tmp_path / "notify").unlink()
    heartbeat.beat()
    heartbeat.beat()
    heartbeat.stop()
    assert heartbeat.failures == 2
    assert sum("watchdog ping failed" in r.getMessage() for r in caplog.records) == 1


def test_a_status_line_reaches_systemctl_status_on_one_line(notify_socket):
    assert SystemdNotifier().status("Printer: kertas habis\nhubungi teknisi")
    assert drain(notify_socket) == ["STATUS=Printer: kertas habis hubungi teknisi"]


class _Health(BaseHTTPRequestHandler):
    """A stand-in server's /v1/health: 503 until ready, 200 after, hanging while ``hang`` is set."""

    state: dict[str, Any] = {}

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.state["hang"].is_set():
            self.state["hung"].set()
            self.state["thaw"].wait(120)
        self.send_response(200 if self.state["ready"] else 503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_the_server_is_ready_only_once_it_answers_and_a_hung_server_stops_the_pings(notify_socket):
    state = {"ready": False, "hang": threading.Event(), "hung": threading.Event(), "thaw": threading.Event()}
    _Health.state = state
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    heartbeat = ServerHeartbeat(SystemdNotifier(), health_url("0.0.0.0", httpd.server_address[1])).start()
    try:
        # Listening but answering 503: not ready, and no ping either.
        assert received(notify_socket, 3 * WATCHDOG_USEC / 1e6) == []
        state["ready"] = True
        first = received(notify_socket, PATIENCE_S, until="WATCHDOG=1")
        assert first[0].splitlines()[0] == "READY=1"
        assert first[-1] == "WATCHDOG=1"
        state["hang"].set()  # every answer now hangs, as a server whose workers are all stuck
        assert state["hung"].wait(PATIENCE_S)
        drain(notify_socket)  # pings of answers before the hang
        assert received(notify_socket, 3 * WATCHDOG_USEC / 1e6) == []
        state["hang"].clear()
        state["thaw"].set()
        assert "WATCHDOG=1" in received(notify_socket, PATIENCE_S, until="WATCHDOG=1")
    finally:
        state["thaw"].set()
        heartbeat.stop()
        httpd.shutdown()
    assert sum(m.startswith("READY=1") for m in first) == 1


def test_a_wildcard_listen_address_is_asked_on_loopback():
    assert health_url("0.0.0.0", 8080) == "http://127.0.0.1:8080/v1/health"
    assert health_url("::", 8080) == "http://[::1]:8080/v1/health"
    assert health_url("192.168.1.10", 80) == "http://192.168.1.10:80/v1/health"
