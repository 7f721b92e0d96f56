"""Time for the kiosk: always Asia/Jakarta (WIB), always injectable."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current aware time in WIB."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(WIB)


@dataclass
class FixedClock:
    """A clock that only moves when told to: for tests and benchmarks."""

    current: datetime = field(default_factory=lambda: datetime.now(WIB))

    def now(self) -> datetime:
        return self.current.astimezone(WIB)

    def travel(self, delta: timedelta) -> None:
        self.current = self.current + delta

    def set(self, when: datetime) -> None:
        self.current = when if when.tzinfo else when.replace(tzinfo=WIB)
