"""WIB as a fixed offset (issue 17: the kiosk's start loads no ``zoneinfo``) is Asia/Jakarta's own time."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from kiosk.core.clock import WIB, FixedClock


def test_wib_is_asia_jakarta_for_every_day_this_system_handles() -> None:
    jakarta = ZoneInfo("Asia/Jakarta")
    instant = datetime(1970, 1, 1, 5, 17, tzinfo=UTC)
    while instant.year < 2100:  # every 9 days and some hours, a different time of day each time
        assert instant.astimezone(WIB).isoformat() == instant.astimezone(jakarta).isoformat()
        local = instant.astimezone(jakarta).replace(tzinfo=None)
        assert local.replace(tzinfo=WIB) == local.replace(tzinfo=jakarta)
        instant += timedelta(days=9, hours=7, minutes=13)


def test_times_in_wib_are_written_and_read_back_with_their_offset() -> None:
    when = datetime(2026, 12, 7, 8, 30, tzinfo=WIB)
    assert when.isoformat() == "2026-12-07T08:30:00+07:00"
    assert datetime.fromisoformat(when.isoformat()) == when
    assert pickle.loads(pickle.dumps(when)) == when
    clock = FixedClock()
    clock.set(datetime(2026, 12, 7, 8, 30))  # a naive time is taken as WIB
    assert clock.now() == when and clock.now().utcoffset() == timedelta(hours=7)
