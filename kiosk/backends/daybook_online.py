"""The day book's reads and writes for the booking website, inside ``DayBook``'s own transactions.

Part of the day book (``DayBook`` owns the ``bookings`` table): a booking made online is a row
like an imported one, so the kiosk checks it in with no import step and the quota counts it.
``kiosk.core.booking`` decides; these functions read the counts and write the row in the same
``BEGIN IMMEDIATE``, so concurrent bookings cannot over-book a slot or pass a NIK's cap.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from datetime import date, datetime, time

from kiosk.backends.daybook_schema import BOOKING_SELECT, booking_from_row
from kiosk.core import booking as rules
from kiosk.core.booking import BookingRequest, DayLoad, NikLoad
from kiosk.core.clock import WIB
from kiosk.core.config import Config
from kiosk.core.errors import Reason, Refusal
from kiosk.core.model import Booking, BookingStatus

MAX_CODE_TRIES = 20


def day_load(db: sqlite3.Connection, config: Config, service_code: str, day: date) -> DayLoad:
    """Active bookings of the site per slot window (checked-in ones hold theirs), and walk-ins issued."""
    rows = db.execute(
        "SELECT slot, COUNT(*) FROM bookings WHERE day = ? AND service = ? AND site = ? AND status = 'booked' "
        "GROUP BY slot",
        (day.isoformat(), service_code, config.site.code),
    ).fetchall()
    per_slot: Counter[time] = Counter()
    outside = 0
    for slot, count in rows:
        window = rules.window_of(time.fromisoformat(str(slot)), config)
        if window is None:
            outside += int(count)
        else:
            per_slot[window] += int(count)
    walk_ins = db.execute(
        "SELECT COUNT(*) FROM tickets WHERE day = ? AND service = ? AND kind = 'walk_in'",
        (day.isoformat(), service_code),
    ).fetchone()[0]
    return DayLoad(day=day, per_slot=dict(per_slot), walk_ins=int(walk_ins), outside=outside)


def nik_load(
    db: sqlite3.Connection, config: Config, nik_hash: str, service_code: str, day: date, now: datetime, excluding: str
) -> NikLoad:
    today = now.astimezone(WIB).date().isoformat()
    same, active = db.execute(
        "SELECT COALESCE(SUM(day = ? AND service = ?), 0), COALESCE(SUM(ticket_id IS NULL AND day >= ?), 0) "
        "FROM bookings WHERE nik_hash = ? AND status = 'booked' AND code != ?",
        (day.isoformat(), service_code, today, nik_hash, excluding),
    ).fetchone()
    return NikLoad(same_service_day=int(same), active=int(active))


def book(
    db: sqlite3.Connection, config: Config, request: BookingRequest, now: datetime, broker_listed: bool
) -> Booking:
    """Check the request against the counts and write the booking; raises the rule's ``Refusal``."""
    service = config.service(request.service_code)
    load = day_load(db, config, service.code if service else "", request.day)
    nik = nik_load(db, config, request.nik_hash, service.code if service else "", request.day, now, "")
    slot = rules.check_new_booking(request, service, now, config, load, nik, broker_listed)
    assert service is not None  # check_new_booking refuses an unknown service
    for _ in range(MAX_CODE_TRIES):
        code = rules.new_code()
        if db.execute("SELECT 1 FROM bookings WHERE code = ?", (code,)).fetchone() is None:
            break
    else:  # 20 collisions in 8 × 10^9 codes: the table is not what it seems
        raise sqlite3.DatabaseError("no free booking code")
    db.execute(
        "INSERT INTO bookings (code, nik_hash, nik_masked, name, service, day, slot, site, status) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'booked')",
        (
            code,
            request.nik_hash,
            request.nik_masked,
            request.name,
            service.code,
            request.day.isoformat(),
            slot.strftime("%H:%M"),
            config.site.code,
        ),
    )
    return Booking(
        code=code,
        nik_hash=request.nik_hash,
        nik_masked=request.nik_masked,
        name=request.name,
        service_code=service.code,
        day=request.day,
        slot=slot,
        site=config.site.code,
    )


def _own(db: sqlite3.Connection, code: str, nik_hash: str) -> Booking:
    """The booking with this code and NIK hash; the same refusal whether the code or the NIK is wrong."""
    row = db.execute(BOOKING_SELECT + "WHERE b.code = ? AND b.nik_hash = ?", (code, nik_hash)).fetchone()
    if row is None:
        raise Refusal(Reason.BOOKING_NO_MATCH)
    return booking_from_row(row)


def cancel(db: sqlite3.Connection, config: Config, code: str, nik_hash: str, now: datetime) -> Booking:
    """Cancel at once: the slot is free for the next person in the same instant."""
    found = _own(db, code, nik_hash)
    rules.check_change(found.day, found.checked_in, found.status == BookingStatus.CANCELLED, now, config)
    db.execute("UPDATE bookings SET status = 'cancelled' WHERE code = ?", (code,))
    return booking_from_row(db.execute(BOOKING_SELECT + "WHERE b.code = ?", (code,)).fetchone())


def move(
    db: sqlite3.Connection, config: Config, code: str, nik_hash: str, day: date, slot: time | None, now: datetime
) -> Booking:
    """Move to another day or slot under the same rules as a new booking (this one not counted)."""
    found = _own(db, code, nik_hash)
    rules.check_change(found.day, found.checked_in, found.status == BookingStatus.CANCELLED, now, config)
    service = config.service(found.service_code)
    request = BookingRequest(found.service_code, day, slot, nik_hash, found.nik_masked, found.name)
    load = day_load(db, config, found.service_code, day)
    if day == found.day:  # its own place is not taken from itself
        own = rules.window_of(found.slot, config)
        per_slot, outside = dict(load.per_slot), load.outside
        if own is not None:
            per_slot[own] -= 1
        else:
            outside -= 1
        load = DayLoad(day=day, per_slot=per_slot, walk_ins=load.walk_ins, outside=outside)
    nik = nik_load(db, config, nik_hash, found.service_code, day, now, code)
    new_slot = rules.check_new_booking(request, service, now, config, load, nik, False)
    db.execute(
        "UPDATE bookings SET day = ?, slot = ? WHERE code = ?", (day.isoformat(), new_slot.strftime("%H:%M"), code)
    )
    return booking_from_row(db.execute(BOOKING_SELECT + "WHERE b.code = ?", (code,)).fetchone())
