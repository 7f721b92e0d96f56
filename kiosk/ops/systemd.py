"""sd_notify without libsystemd: READY=1 and WATCHDOG=1 over the ``$NOTIFY_SOCKET`` datagram socket.

The UI sends ``WATCHDOG=1`` from its own clock (the UI thread), so a frozen UI stops the pings
and systemd restarts it — not only a dead process.
"""

from __future__ import annotations

import logging
import os
import socket

log = logging.getLogger(__name__)


class SystemdNotifier:
    """Talks to systemd when run under it; does nothing (and says so once) otherwise."""

    def __init__(self, socket_path: str | None = None, watchdog_usec: str | None = None) -> None:
        self.socket_path = socket_path if socket_path is not None else os.environ.get("NOTIFY_SOCKET", "")
        self._watchdog_usec = watchdog_usec if watchdog_usec is not None else os.environ.get("WATCHDOG_USEC", "")

    @property
    def enabled(self) -> bool:
        return bool(self.socket_path)

    def notify(self, state: str) -> bool:
        """Send one state line; True when systemd got it."""
        if not self.socket_path:
            return False
        address = self.socket_path
        if address.startswith("@"):  # abstract namespace socket
            address = "\0" + address[1:]
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(address)
                sock.sendall(state.encode("utf-8"))
        except OSError as exc:
            log.warning("sd_notify %s failed: %s", state.split("=", 1)[0], exc)
            return False
        return True

    def ready(self) -> bool:
        return self.notify("READY=1\nSTATUS=Kiosk siap / ready")

    def watchdog(self) -> bool:
        return self.notify("WATCHDOG=1")

    def stopping(self) -> bool:
        return self.notify("STOPPING=1")

    def status(self, text: str) -> bool:
        """One line for ``systemctl status kiosk`` (e.g. the printer's state); never personal data."""
        line = " ".join(text.split())[:200]
        return self.notify(f"STATUS={line}")

    def watchdog_interval_s(self) -> float | None:
        """How often to ping: half of ``WatchdogSec``, or None when no watchdog is set."""
        try:
            usec = int(self._watchdog_usec)
        except ValueError:
            return None
        return usec / 2_000_000 if usec > 0 else None
