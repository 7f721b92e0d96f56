"""Time for the kiosk: always Asia/Jakarta (WIB), always injectable."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Protocol

# Asia/Jakarta has been UTC+7 without daylight saving since 1964, so a fixed offset is exact for
# every date this system handles, and it spares the kiosk's start ``zoneinfo`` (with ``sysconfig``'s
# data, for the zone search path) and the tz database read (issue 17). Nothing compares the zone's
# key: times are written with their offset (``+07:00``) and compared as instants.
WIB = timezone(timedelta(hours=7), "WIB")


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
