"""The office's overrides of a day and their audit log, in the day book's file.

The only writer of ``office_overrides`` and ``office_audit`` (their migration is in
``kiosk.backends.daybook_schema``). ``read_overrides`` is for the issuing transaction of the day
book, which reads today's overrides under the same lock as the numbers it issues.
"""

from __future__ import annotations

import re
import sqlite3
from contextlib import AbstractContextManager
from datetime import date, datetime
from typing import Protocol

from kiosk.backends.daybook_writes import TicketWrites
from kiosk.backends.sync_conflicts import SyncConflictBook
from kiosk.core.model import AuditEntry
from kiosk.core.office import DayOverrides, SyncConflict, WaitRow, overrides_from_rows


class DayBookFile(Protocol):
    """What the office's store needs of the day book (``DayBook``): reads and one write
    transaction on its file. A protocol, so the day book, which reads the overrides while it
    issues, and this module do not import each other."""

    def query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]: ...

    def writing(self) -> AbstractContextManager[TicketWrites]: ...

    def close(self) -> None: ...


DIGEST = re.compile(r"^[0-9a-f]{64}$")


def read_overrides(db: sqlite3.Connection, day: date) -> DayOverrides:
    rows = db.execute("SELECT key, value FROM office_overrides WHERE day = ?", (day.isoformat(),)).fetchall()
    return overrides_from_rows([(str(k), str(v)) for k, v in rows])


AUDIT_SELECT = "SELECT at, who, action, target, detail, why FROM office_audit WHERE day = ? ORDER BY id"


def audit_from_rows(rows: list[tuple[object, ...]]) -> list[AuditEntry]:
    return [
        AuditEntry(datetime.fromisoformat(str(r[0])), str(r[1]), str(r[2]), str(r[3]), str(r[4]), str(r[5]))
        for r in rows
    ]


def day_actions(db: sqlite3.Connection, day: date) -> tuple[AuditEntry, ...]:
    """The day's audit log, for the daily report (the day book reads it under its own lock)."""
    return tuple(audit_from_rows([tuple(r) for r in db.execute(AUDIT_SELECT, (day.isoformat(),)).fetchall()]))


class OfficeBook:
    """``OfficeStore`` over a day book."""

    def __init__(self, book: DayBookFile) -> None:
        self.book = book

    def overrides(self, day: date) -> DayOverrides:
        rows = self.book.query("SELECT key, value FROM office_overrides WHERE day = ?", (day.isoformat(),))
        return overrides_from_rows([(str(k), str(v)) for k, v in rows])

    def issued(self, day: date, service_code: str) -> int:
        rows = self.book.query(
            "SELECT COUNT(*) FROM tickets WHERE day = ? AND service = ?", (day.isoformat(), service_code)
        )
        return int(str(rows[0][0]))

    def waits(self, day: date) -> list[WaitRow]:
        """Read-only over the calls' table (``kiosk.backends.calls`` owns it). Leased numbers
        nobody holds (empty holder) are nobody's wait; one served the old way waits no more."""
        rows = self.book.query(
            "SELECT t.service, t.issued_at, q.first_called_at, "
            "t.served_at IS NULL AND COALESCE(q.state, 'waiting') = 'waiting' "
            "FROM tickets t LEFT JOIN queue_states q ON q.ticket_id = t.id WHERE t.day = ? AND t.holder <> ''",
            (day.isoformat(),),
        )
        return [
            WaitRow(
                str(service),
                datetime.fromisoformat(str(issued)),
                None if called is None else datetime.fromisoformat(str(called)),
                bool(waiting),
            )
            for service, issued, called, waiting in rows
        ]

    def change(self, day: date, key: str, value: str | None, entry: AuditEntry) -> None:
        with self.book.writing() as tx:
            if value is None:
                tx.db.execute("DELETE FROM office_overrides WHERE day = ? AND key = ?", (day.isoformat(), key))
            else:
                tx.db.execute(
                    "INSERT INTO office_overrides (day, key, value) VALUES (?, ?, ?) "
                    "ON CONFLICT (day, key) DO UPDATE SET value = excluded.value",
                    (day.isoformat(), key, value),
                )
            tx.db.execute(
                "INSERT INTO office_audit (day, at, who, action, target, detail, why) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (day.isoformat(), entry.at.isoformat(), entry.who, entry.action, entry.target, entry.detail, entry.why),
            )

    def change_days(self, days: list[date], key: str, value: str, entry: AuditEntry) -> None:
        with self.book.writing() as tx:
            for day in days:
                tx.db.execute(
                    "INSERT INTO office_overrides (day, key, value) VALUES (?, ?, ?) "
                    "ON CONFLICT (day, key) DO UPDATE SET value = excluded.value",
                    (day.isoformat(), key, value),
                )
            tx.db.execute(
                "INSERT INTO office_audit (day, at, who, action, target, detail, why) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    entry.at.date().isoformat(),
                    entry.at.isoformat(),
                    entry.who,
                    entry.action,
                    entry.target,
                    entry.detail,
                    entry.why,
                ),
            )

    def ticket_holder(self, ticket: str, day: date) -> tuple[date, str, str] | None:
        rows = self.book.query("SELECT day, number, nik_hash FROM tickets WHERE id = ?", (ticket,))
        if not rows:
            rows = self.book.query(
                "SELECT day, number, nik_hash FROM tickets WHERE day = ? AND number = ?",
                (day.isoformat(), ticket.strip().upper()),
            )
        if not rows or not rows[0][2] or not DIGEST.match(str(rows[0][2])):
            return None  # unknown, or a leased number nobody holds yet
        return date.fromisoformat(str(rows[0][0])), str(rows[0][1]), str(rows[0][2])

    def audit(self, day: date) -> list[AuditEntry]:
        return audit_from_rows(self.book.query(AUDIT_SELECT, (day.isoformat(),)))

    def sync_conflicts(self, day: date) -> list[SyncConflict]:
        return SyncConflictBook(self.book).of_day(day)

    def close(self) -> None:
        self.book.close()
