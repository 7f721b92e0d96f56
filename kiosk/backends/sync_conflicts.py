"""The offline tickets a kiosk's sync kept otherwise than printed, in the server's day book.

The only writer of ``sync_conflicts`` (its migration is in ``kiosk.backends.daybook_schema``).
The sync (``kiosk.server.ledger``) lists each such ticket to its kiosk; it is also kept here, in
the same transaction, so that the supervisor sees it on ``/office`` and in ``kiosk office
status`` (a kiosk's answer can be lost; the server can restart). A row names the ticket by its
number, service and kiosk, and the reasons by code: never a NIK or its hash. One row per number
and day: the same offline ticket synced again (a retry) is kept once, its reasons merged.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from typing import Protocol

from kiosk.core.office import SyncConflict

__all__ = ["SyncConflict", "SyncConflictBook", "record"]

# The reason codes a conflict carries (kiosk/messages.py SYNC_CONFLICTS says each in words).
SERVICE_CLOSED = "service_closed"  # issued offline in a service the office closed meanwhile
REFER_TO_DESK = "refer_to_desk"  # issued offline to a person the office sent to the information desk
ALREADY_HAS_TICKET = "already_has_ticket"  # a second number of the service for one person (two kiosks offline)
DAILY_CAP = "daily_cap"  # more numbers in a day for one person than the cap
BOOKING_USED_TWICE = "booking_used_twice"  # a booking checked in on two kiosks
NUMBER_TAKEN = "number_taken"  # the leased number is already held by another ticket
CLOCK_OFF_DAY = "clock_off_day"  # printed with an issue time off its day (the kiosk's clock)
CALLED_BEFORE_VOID = "called_before_void"  # a request the kiosk voided, already called at a counter


def record(db: sqlite3.Connection, conflict: SyncConflict) -> None:
    """Keep one conflict, in the caller's transaction (the sync's); a retry merges, never repeats."""
    row = db.execute(
        "SELECT reasons FROM sync_conflicts WHERE day = ? AND number = ?", (conflict.day.isoformat(), conflict.number)
    ).fetchone()
    known = tuple(str(row[0]).split()) if row is not None else ()
    reasons = " ".join(dict.fromkeys(known + conflict.reasons))
    db.execute(
        "INSERT INTO sync_conflicts (day, number, service, kiosk_id, reasons, synced_at) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (day, number) DO UPDATE SET reasons = excluded.reasons",
        (
            conflict.day.isoformat(),
            conflict.number,
            conflict.service_code,
            conflict.kiosk_id,
            reasons,
            conflict.synced_at.isoformat(),
        ),
    )


class Reads(Protocol):
    """What reading needs of the day book (``DayBook.query``)."""

    def query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]: ...


class SyncConflictBook:
    """The day's conflicts, for the office's status."""

    def __init__(self, book: Reads) -> None:
        self.book = book

    def of_day(self, day: date) -> list[SyncConflict]:
        rows = self.book.query(
            "SELECT day, number, service, kiosk_id, reasons, synced_at FROM sync_conflicts WHERE day = ? "
            "ORDER BY synced_at, number",
            (day.isoformat(),),
        )
        return [
            SyncConflict(
                date.fromisoformat(str(d)),
                str(number),
                str(service),
                str(kiosk),
                tuple(str(reasons).split()),
                datetime.fromisoformat(str(at)),
            )
            for d, number, service, kiosk, reasons, at in rows
        ]
