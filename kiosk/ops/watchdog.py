"""The app side of systemd's watchdog: ``WATCHDOG=1`` from the UI thread's own clock.

The pings are scheduled on Kivy's ``Clock`` (injected as ``schedule_interval``), never on a
thread of their own: when the UI thread hangs, on a stuck callback or a blocking call, the
pings stop, systemd sees ``WatchdogSec`` pass in silence, kills the kiosk and starts it again.
A helper thread would keep pinging for a frozen screen.

Wiring in the app (kiosk/ui/app.py), once the home screen is shown::

    notifier = SystemdNotifier()
    notifier.ready()
    self._watchdog = start_watchdog(notifier, Clock.schedule_interval)
"""

from __future__ import annotations

import logging
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
