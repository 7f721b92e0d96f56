"""The demo and soak days: a later day's elderly walk-ins are people the kiosk grants it to.

``bench/soak.py`` plays ten days with the NIK index running on; from the fourth day or so the
made-up NIKs are born after 1966, and an elderly priority asked with one of them is refused
(``rules.check_priority``), which ended the soak with a traceback.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path

from kiosk.bootstrap import build_kiosk
from kiosk.core import nik
from kiosk.core.clock import WIB, FixedClock
from kiosk.ops.demo_day import ServiceDay, made_up_nik, play_day, write_site

DAY = date(2026, 12, 8)
PLAN = {"KTP": ServiceDay(bookings=2, no_shows=0, walk_ins=9, priority_walk_ins=6)}


def test_a_later_day_of_the_soak_gives_every_walk_in_a_number_with_the_priority_asked(tmp_path: Path) -> None:
    config = write_site(tmp_path / "site")
    clock = FixedClock(datetime.combine(DAY, time(7, 0), WIB))
    kiosk = build_kiosk(config, clock=clock, with_printer=False)
    later = 5000  # the NIK index of a day well into the soak: plain made-up NIKs born in the 1970s
    assert nik.age(made_up_nik(later), DAY) < 60

    outcome = play_day(kiosk, clock, DAY, PLAN, first_index=later)

    walk_ins = [r.ticket for r in outcome.results if r.ticket.booking_code is None]
    assert len(walk_ins) == 9
    priorities = sorted(str(t.priority) for t in walk_ins if t.priority is not None)
    assert priorities == ["elderly", "elderly", "elderly", "pregnant", "pregnant", "pregnant"]  # the plan's spread


def test_an_elderly_made_up_nik_is_sixty_or_older_and_distinct_from_the_plain_ones() -> None:
    for index in (0, 400, 5000, 13439):
        elderly = made_up_nik(index, elderly=True)
        assert nik.age(elderly, DAY) >= 60
        assert elderly != made_up_nik(index)  # born 1940-1959, the plain ones 1960-1999
        assert nik.validate(elderly) == elderly
