"""The app side of systemd's watchdog: ``WATCHDOG=1`` from the UI thread's own clock.

The pings are scheduled on Kivy's ``Clock`` (injected as ``schedule_interval``), never on a
thread of their own: when the UI thread hangs, on a stuck callback or a blocking call, the
pings stop, systemd sees ``WatchdogSec`` pass in silence, kills the kiosk and starts it again.
A helper thread would keep pinging for a frozen screen.

Wiring in the app (kiosk/ui/app.py), once the first frame of the home screen is drawn::

    notifier = SystemdNotifier()
    notifier.ready()
    self._watchdog = start_watchdog(notifier, Clock.schedule_interval)

``ServerHeartbeat`` is the same promise for ``kiosk serve``: READY=1 once the server answers,
WATCHDOG=1 after each answer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any, Protocol

from kiosk.ops.systemd import SystemdNotifier

log = logging.getLogger(__name__)

ScheduleInterval = Callable[[Callable[[float], Any], float], Any]


class Cancellable(Protocol):
    def cancel(self) -> None: ...


class Heartbeat:
    """A running watchdog ping; ``stop()`` it when the app leaves on purpose."""

    def __init__(self, notifier: SystemdNotifier, interval_s: float) -> None:
        self.notifier = notifier
        self.interval_s = interval_s
        self.pings = 0
        self.failures = 0
        self._event: Cancellable | None = None

    def beat(self, _dt: float = 0.0) -> None:
        """One ping; called by the UI clock. A failed send is logged once, then counted."""
        if self.notifier.watchdog():
            self.pings += 1
            return
        self.failures += 1
        if self.failures == 1:
            log.error("watchdog ping failed; systemd will restart the kiosk if this continues")

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None


def start_watchdog(notifier: SystemdNotifier, schedule_interval: ScheduleInterval) -> Heartbeat | None:
    """Ping ``WATCHDOG=1`` every half ``WatchdogSec`` from the caller's clock.

    ``schedule_interval`` is ``kivy.clock.Clock.schedule_interval`` in the app, so the pings
    run on the UI thread. Returns None when systemd set no watchdog (a terminal, ``make demo``).
    """
    interval = notifier.watchdog_interval_s()
    if interval is None or not notifier.enabled:
        log.info("no systemd watchdog for this process")
        return None
    heartbeat = Heartbeat(notifier, interval)
    heartbeat.beat()  # the first ping at once: start-up may have used much of the period
    heartbeat._event = schedule_interval(heartbeat.beat, interval)
    log.info("watchdog: a ping every %.1f s from the UI clock", interval)
    return heartbeat


class ServerHeartbeat:
    """The server side of the watchdog: READY=1 once it answers, then WATCHDOG=1 while it does.

    A thread asks the server's own ``/v1/health`` over loopback, through the same waitress
    workers a kiosk's request takes. Only an answer counts: when every worker hangs (a stuck
    lock, a day book that never answers), the pings stop and systemd restarts ``kiosk serve``.
    """

    def __init__(self, notifier: SystemdNotifier, health_url: str, interval_s: float | None = None) -> None:
        self.notifier = notifier
        self.health_url = health_url
        self.interval_s = interval_s or notifier.watchdog_interval_s()
        self.ready = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="server-watchdog", daemon=True)

    def start(self) -> ServerHeartbeat:
        if self.notifier.enabled:
            self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def answers(self) -> bool:
        import urllib.request  # http.client and email: only the server's heartbeat asks

        timeout = min(self.interval_s or 5.0, 5.0)
        try:
            with urllib.request.urlopen(self.health_url, timeout=timeout) as answer:  # noqa: S310 (our own http URL)
                return bool(answer.status == 200)
        except (OSError, ValueError):
            return False

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.answers():
                if not self.ready:
                    self.ready = True
                    self.notifier.notify("READY=1\nSTATUS=Server siap / ready")
                    log.info("server answers at %s: READY=1", self.health_url)
                    if self.interval_s is None:
                        return  # no watchdog set: READY was all systemd asked for
                elif self.interval_s is not None:
                    self.notifier.watchdog()
            self._stop.wait(self.interval_s if self.ready and self.interval_s else 0.2)


def health_url(host: str, port: int) -> str:
    """The loopback URL of a server listening on ``host``: a wildcard address is asked on loopback."""
    if host in ("", "0.0.0.0"):  # noqa: S104 (a listen address here, not a bind)
        host = "127.0.0.1"
    elif host == "::":
        host = "::1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/v1/health"
