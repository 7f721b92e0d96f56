"""The demo day (``kiosk demo``): its bookings check in at any hour, and refreshing it adds nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from kiosk.backends.daybook import DayBook
from kiosk.bootstrap import build_kiosk
from kiosk.core import config as config_mod
from kiosk.core.clock import WIB, FixedClock
from kiosk.core.errors import Reason, Refusal
from kiosk.demo import DEMO_BOOKINGS, DEMO_WALK_IN_NIK, write_demo


@pytest.mark.parametrize("hour_minute", [(0, 5), (8, 0), (12, 30), (23, 50)])
def test_every_demo_booking_at_this_site_checks_in_whatever_the_hour(
    tmp_path: Path, hour_minute: tuple[int, int]
) -> None:
    now = datetime(2026, 11, 30, *hour_minute, tzinfo=WIB)
    path = write_demo(tmp_path, now)
    write_demo(tmp_path, now)  # refreshing the demo never duplicates its bookings
    config = config_mod.load(path)
    kiosk = build_kiosk(config, clock=FixedClock(now), with_printer=False)
    assert isinstance(kiosk.backend, DayBook)
    for code, nik, _name, _service, _offset, site in DEMO_BOOKINGS:
        if site == config.site.code:
            assert kiosk.check_in(nik).ticket.booking_code == code
        else:
            with pytest.raises(Refusal) as caught:
                kiosk.check_in(code)
            assert caught.value.reason == Reason.BOOKING_OTHER_SITE
    assert kiosk.issue_walk_in("KTP", DEMO_WALK_IN_NIK).ticket.number.startswith("A-")
    assert len(kiosk.backend.find_bookings_by_nik(kiosk.hasher.hash(DEMO_BOOKINGS[0][1]))) == 1
    kiosk.backend.close()


def test_the_demo_site_opens_technician_mode_with_the_pin_the_demo_prints(tmp_path) -> None:
    from kiosk.core import config as config_mod
    from kiosk.core.pin import verify_pin
    from kiosk.demo import DEMO_TECHNICIAN_PIN, write_demo

    config = config_mod.load(write_demo(tmp_path))
    assert verify_pin(DEMO_TECHNICIAN_PIN, config.technician_pin_hash)
    assert DEMO_TECHNICIAN_PIN not in config.source.read_text(encoding="utf-8")  # only its hash is stored
