"""A busy day at the kiosk, played through the real use cases: for the demo report and the soak.

Bookings are imported as the booking website's export would be; at each slot time the person
checks in; walk-ins arrive through the day; some bookings never come. Every NIK is made up
(real region code, a valid birth date, a serial) and belongs to nobody.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from kiosk import demo
from kiosk.backends.daybook import DayBook
from kiosk.backends.importer import parse_rows
from kiosk.bootstrap import build_kiosk
from kiosk.core import config as config_mod
from kiosk.core.clock import WIB, FixedClock
from kiosk.core.config import Config
from kiosk.core.model import IssueResult, Priority
from kiosk.core.record import record
from kiosk.core.usecases import Kiosk
from kiosk.demo import EXAMPLE

FIRST_ARRIVAL = time(7, 35)
LAST_ARRIVAL = time(14, 50)
PRIORITIES = (Priority.ELDERLY, Priority.DISABLED, Priority.PREGNANT)


def made_up_nik(index: int, region: str = "352001", elderly: bool = False) -> str:
    """The ``index``-th made-up NIK of a demo day: every other run of seven is a woman's.

    ``elderly``: born 1940-1959, so that the kiosk grants the elderly priority asked with it
    (``rules.check_priority``); the plain ones are born 1960-1999, most of them younger than 60.
    """
    nik = demo.made_up_nik(index, region, female=(index // 7) % 2 == 1)
    if not elderly:
        return nik
    return f"{nik[:10]}{40 + int(nik[10:12]) % 20:02d}{nik[12:]}"  # YY of DDMMYY: 60-99 -> 40-59


@record
class ServiceDay:
    """What happens to one service on one day."""

    bookings: int = 0
    no_shows: int = 0  # of the bookings, how many never check in
    walk_ins: int = 0
    priority_walk_ins: int = 0  # of the walk-ins, how many take the priority button


@record
class Arrival:
    """Someone at the kiosk: with a booking code (check-in) or a NIK (walk-in)."""

    when: datetime
    service_code: str
    booking_code: str | None = None
    nik: str = ""
    priority: Priority | None = None


@dataclass
class DayOutcome:
    """What the day did, counted on the side: the report must say the same."""

    day: date
    results: list[IssueResult] = field(default_factory=list)
    expected: dict[str, dict[str, int]] = field(default_factory=dict)


def import_bookings(kiosk: Kiosk, day: date, plan: dict[str, ServiceDay], first_index: int) -> list[tuple[str, str]]:
    """Put the day's bookings in the day book as an import would; returns (code, slot HH:MM)."""
    config = kiosk.config
    rows: list[tuple[int, dict[str, object]]] = []
    made: list[tuple[str, str]] = []
    index = first_index
    for service_code, spec in plan.items():
        for n in range(spec.bookings):
            minutes = 8 * 60 + (n * 360) // max(1, spec.bookings)  # 08:00 to 14:00, spread
            slot = f"{minutes // 60:02d}:{minutes % 60:02d}"
            code = f"MGT{day.strftime('%y%m%d')}{service_code[:2]}{n:03d}"
            rows.append(
                (
                    len(rows) + 1,
                    {
                        "code": code,
                        "nik": made_up_nik(index),
                        "name": f"Warga {index}",
                        "service": service_code,
                        "date": day.isoformat(),
                        "slot": slot,
                        "site": config.site.code,
                    },
                )
            )
            made.append((code, slot))
            index += 1
    result = parse_rows(rows, config, kiosk.hasher)
    if result.problems:
        raise ValueError(f"demo bookings rejected: {result.problems[:3]}")
    backend = kiosk.backend
    if not isinstance(backend, DayBook):
        raise TypeError("a demo day needs the SQLite day book")
    backend.upsert_bookings(result.bookings)
    return made


def play_day(
    kiosk: Kiosk, clock: FixedClock, day: date, plan: dict[str, ServiceDay], first_index: int = 0
) -> DayOutcome:
    """Import the bookings, then play check-ins and walk-ins in time order through the use cases."""
    outcome = DayOutcome(day=day)
    codes = import_bookings(kiosk, day, plan, first_index)
    index = first_index + len(codes)
    events: list[Arrival] = []
    start = datetime.combine(day, FIRST_ARRIVAL, WIB)
    span = (datetime.combine(day, LAST_ARRIVAL, WIB) - start).total_seconds()
    booking_iter = iter(codes)
    for service_code, spec in plan.items():
        service_codes = [next(booking_iter) for _ in range(spec.bookings)]
        # The no-shows are spread over the day, not all at the end.
        skipped = set(_spread(spec.bookings, spec.no_shows))
        for n, (code, slot) in enumerate(service_codes):
            if n in skipped:
                continue
            hour, minute = map(int, slot.split(":"))
            arrives = datetime.combine(day, time(hour, minute), WIB) - timedelta(minutes=10)
            events.append(Arrival(arrives, service_code, booking_code=code))
        priority_at = set(_spread(spec.walk_ins, spec.priority_walk_ins))
        for n in range(spec.walk_ins):
            when = start + timedelta(seconds=span * (n + 0.5) / max(1, spec.walk_ins))
            priority = PRIORITIES[n % len(PRIORITIES)] if n in priority_at else None
            nik = made_up_nik(index, elderly=priority is Priority.ELDERLY)
            events.append(Arrival(when, service_code, nik=nik, priority=priority))
            index += 1
        outcome.expected[service_code] = {
            "bookings": spec.bookings,
            "check_ins": spec.bookings - spec.no_shows,
            "walk_ins": spec.walk_ins,
            "no_shows": spec.no_shows,
            "priority": spec.priority_walk_ins,
        }
    events.sort(key=lambda event: event.when)
    for event in events:
        clock.set(event.when)
        if event.booking_code is not None:
            outcome.results.append(kiosk.check_in(event.booking_code))
        else:
            outcome.results.append(kiosk.issue_walk_in(event.service_code, event.nik, event.priority))
    return outcome


def _spread(total: int, picked: int) -> Iterable[int]:
    """``picked`` indexes spread evenly over ``range(total)``."""
    if picked <= 0 or total <= 0:
        return []
    return [int((k + 0.5) * total / picked) for k in range(min(picked, total))]


DEMO_PLAN = {
    "KTP": ServiceDay(bookings=18, no_shows=3, walk_ins=27, priority_walk_ins=5),
    "CETAK": ServiceDay(bookings=26, no_shows=4, walk_ins=38, priority_walk_ins=6),
    "KK": ServiceDay(bookings=12, no_shows=2, walk_ins=15, priority_walk_ins=2),
    "AKTA": ServiceDay(bookings=9, no_shows=1, walk_ins=11, priority_walk_ins=1),
    "PINDAH": ServiceDay(bookings=7, no_shows=2),
}


def plan_for(config: Config) -> dict[str, ServiceDay]:
    """The demo plan, limited to the services this config has."""
    return {code: spec for code, spec in DEMO_PLAN.items() if config.service(code) is not None}


def write_site(folder: Path, replacements: dict[str, str] | None = None) -> Config:
    """The example config with its data files moved into ``folder``; returns it loaded."""
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in {
        '"/var/lib/antrian/daybook.sqlite3"': '"daybook.sqlite3"',
        '"/var/lib/antrian/tickets"': '"tickets"',
        '"/var/lib/antrian/site.secret"': '"site.secret"',
        **(replacements or {}),
    }.items():
        if old not in text:
            raise ValueError(f"config.example.toml has no {old!r}")
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return config_mod.load(path)


def demo_report_day(folder: Path, day: date) -> tuple[Kiosk, DayOutcome]:
    """A fresh site in ``folder`` with ``DEMO_PLAN`` played on ``day``; the clock ends at 15:30."""
    config = write_site(folder)
    clock = FixedClock(datetime.combine(day, time(7, 0), WIB))
    kiosk = build_kiosk(config, clock=clock, with_printer=False)
    outcome = play_day(kiosk, clock, day, plan_for(config))
    clock.set(datetime.combine(day, time(15, 30), WIB))
    return kiosk, outcome
