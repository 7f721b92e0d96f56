"""What the server keeps beside the day book: leased number blocks, offline sync, voided requests.

A lease is a block of real walk-in tickets issued through the day book (same rules, same
transaction, so the quota and the number sequence are respected), held for one kiosk with an
empty holder. Offline, the kiosk prints those numbers; at sync the server fills each used one in
with what the kiosk printed. Unused numbers are released: their tickets are deleted, so their
slots go back to the quota and their numbers stay gaps (no other kiosk ever printed them).

The tables live in the day book's file, under an ``api_`` prefix, created here rather than in
the day book's migrations so that the day book's schema stays its own.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kiosk.backends import calls
from kiosk.backends.daybook import DayBook
from kiosk.backends.sqlite_tx import immediate
from kiosk.core import rules
from kiosk.core.clock import WIB
from kiosk.core.config import Config
from kiosk.core.errors import Reason, Refusal, SystemFault
from kiosk.core.model import Priority, Ticket

SCHEMA = """
CREATE TABLE IF NOT EXISTS api_leases (
    ticket_id TEXT PRIMARY KEY,
    lease_key TEXT NOT NULL,
    kiosk_id TEXT NOT NULL,
    service TEXT NOT NULL,
    day TEXT NOT NULL,
    seq INTEGER NOT NULL,
    number TEXT NOT NULL,
    state TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS api_leases_by_key ON api_leases (lease_key);
CREATE INDEX IF NOT EXISTS api_leases_by_day ON api_leases (day, state);
CREATE TABLE IF NOT EXISTS api_replies (
    key TEXT PRIMARY KEY,
    body TEXT NOT NULL
)
"""

HELD, USED, RELEASED = "held", "used", "released"


def placeholder_hash(key: str, index: int) -> str:
    """A per-slot stand-in for a NIK hash, so that the per-NIK caps never refuse a lease."""
    return hashlib.sha256(f"lease:{key}:{index}".encode()).hexdigest()


@dataclass(frozen=True)
class LeasedNumber:
    ticket_id: str
    service_code: str
    day: date
    seq: int
    number: str
    state: str


@dataclass
class SyncOutcome:
    used: list[str] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    voided: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)  # booking numbers checked in twice while offline
    unknown: list[str] = field(default_factory=list)  # ticket ids that are no lease of this kiosk


class Ledger:
    """The server's own bookkeeping on the day book's SQLite file (one connection, serialised)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        try:
            self._db = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA synchronous = FULL")
            with self._write() as db:
                for statement in SCHEMA.split(";"):
                    db.execute(statement)
        except sqlite3.DatabaseError as exc:
            raise SystemFault(Reason.DATABASE_FAULT, detail=str(exc)) from None

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate(self._db, self._lock, self.path)

    def _rows(self, sql: str, args: tuple[object, ...]) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- leases ---------------------------------------------------------------------------

    def grant(
        self, book: DayBook, kiosk_id: str, service_code: str, size: int, key: str, now: datetime
    ) -> list[LeasedNumber]:
        """Lease up to ``size`` numbers (fewer when the quota runs out); the same key, the same block."""
        lease_key = f"{kiosk_id}:{key}"
        for index in range(size):
            try:
                ticket = book.issue_walk_in(
                    service_code, placeholder_hash(lease_key, index), "", None, now, f"lease:{lease_key}:{index}"
                )
            except Refusal as exc:
                if index == 0 and exc.reason != Reason.QUOTA_FULL:
                    raise
                break
            with self._write() as db:
                db.execute(
                    "INSERT OR IGNORE INTO api_leases "
                    "(ticket_id, lease_key, kiosk_id, service, day, seq, number, state) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        ticket.id,
                        lease_key,
                        kiosk_id,
                        ticket.service_code,
                        ticket.day.isoformat(),
                        ticket.seq,
                        ticket.number,
                        HELD,
                    ),
                )
        rows = self._rows(
            "SELECT ticket_id, service, day, seq, number, state FROM api_leases WHERE lease_key = ? ORDER BY seq",
            (lease_key,),
        )
        return [LeasedNumber(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5]) for r in rows]

    def held(self, day: date, kiosk_id: str | None = None) -> list[LeasedNumber]:
        sql = "SELECT ticket_id, service, day, seq, number, state FROM api_leases WHERE day = ? AND state = ?"
        args: tuple[object, ...] = (day.isoformat(), HELD)
        if kiosk_id is not None:
            sql += " AND kiosk_id = ?"
            args += (kiosk_id,)
        rows = self._rows(sql + " ORDER BY service, seq", args)
        return [LeasedNumber(r[0], r[1], date.fromisoformat(r[2]), r[3], r[4], r[5]) for r in rows]

    # -- sync -----------------------------------------------------------------------------

    def sync(
        self,
        kiosk_id: str,
        used: list[dict[str, Any]],
        released: list[str],
        voids: list[str],
        printed: list[tuple[str, bool]],
    ) -> SyncOutcome:
        """Apply what a kiosk did offline, in one transaction; every part may be sent again safely.

        Voids come first: a request whose answer was lost must not keep its booking checked in
        before the offline ticket that replaced it claims the booking.
        """
        outcome = SyncOutcome()
        with self._write() as db:
            for key in voids:
                row = db.execute("SELECT ticket_id FROM idempotency WHERE key = ?", (f"{kiosk_id}:{key}",)).fetchone()
                if row is None:
                    continue  # the request never committed: nothing to undo
                lease = db.execute(
                    "SELECT lease_key, seq FROM api_leases WHERE ticket_id = ? AND state = ?", (row[0], USED)
                ).fetchone()
                if lease is None:
                    self._delete_ticket(db, row[0])
                else:  # it took a leased number: the number goes back to the kiosk's block
                    self._unfill(db, row[0])
                    db.execute("DELETE FROM idempotency WHERE key = ?", (f"{kiosk_id}:{key}",))
                outcome.voided.append(key)
            for item in used:
                if self._fill(db, kiosk_id, item, outcome):
                    outcome.used.append(item["ticket_id"])
            for ticket_id in released:
                lease = db.execute(
                    "SELECT state FROM api_leases WHERE ticket_id = ? AND kiosk_id = ?", (ticket_id, kiosk_id)
                ).fetchone()
                if lease is None or lease[0] != HELD:
                    continue
                self._delete_ticket(db, ticket_id)
                db.execute("UPDATE api_leases SET state = ? WHERE ticket_id = ?", (RELEASED, ticket_id))
                outcome.released.append(ticket_id)
            for ticket_id, flag in printed:
                db.execute("UPDATE tickets SET printed = ? WHERE id = ?", (int(flag), ticket_id))
        return outcome

    def _unfill(self, db: sqlite3.Connection, ticket_id: str) -> None:
        db.execute("UPDATE bookings SET ticket_id = NULL WHERE ticket_id = ?", (ticket_id,))
        db.execute(
            "UPDATE tickets SET kind = 'walk_in', holder = '', nik_hash = ?, priority = NULL, booking_code = NULL, "
            "printed = 0, reprints = 0 WHERE id = ?",
            (
                placeholder_hash(f"unfilled:{ticket_id}", 0),
                ticket_id,
            ),
        )
        db.execute("UPDATE api_leases SET state = ? WHERE ticket_id = ?", (HELD, ticket_id))

    def issue_from_lease(
        self,
        config: Config,
        kiosk_id: str,
        service_code: str,
        nik_hash: str,
        nik_masked: str,
        priority: Priority | None,
        now: datetime,
        key: str,
    ) -> str | None:
        """A walk-in online takes the kiosk's lowest leased number first, so a block is always the
        kiosk's next numbers and an offline day prints numbers in about the order of arrival.

        Same rules as the day book, checked in this transaction. Returns the ticket id, or None when
        the kiosk holds no number of this service (the day book then issues the next one).
        """
        now = now.astimezone(WIB)
        day = now.date().isoformat()
        service = config.service(service_code)
        full_key = f"{kiosk_id}:{key}"
        with self._write() as db:
            known = db.execute("SELECT ticket_id FROM idempotency WHERE key = ?", (full_key,)).fetchone()
            if known is not None:
                return str(known[0])
            if service is None:
                return None
            lease = db.execute(
                "SELECT ticket_id, seq FROM api_leases WHERE kiosk_id = ? AND service = ? AND day = ? AND state = ? "
                "ORDER BY seq LIMIT 1",
                (kiosk_id, service.code, day, HELD),
            ).fetchone()
            if lease is None:
                return None
            ticket_id, seq = lease
            same, today = db.execute(
                "SELECT COALESCE(SUM(service = ? AND kind = 'walk_in'), 0), COUNT(*) FROM tickets "
                "WHERE day = ? AND nik_hash = ?",
                (service.code, day, nik_hash),
            ).fetchone()
            rules.check_walk_in(service, service_code, now, config, 1, same, today)
            ahead, wait = calls.estimate(  # the one estimate; held numbers nobody holds are not counted
                db, config, service, now.date(), now, calls.new_ticket_place(now, priority is not None, seq, "")
            )
            db.execute(
                "UPDATE tickets SET holder = ?, nik_hash = ?, priority = ?, issued_at = ?, people_ahead = ?, "
                "wait_minutes = ? WHERE id = ?",
                (
                    nik_masked,
                    nik_hash,
                    priority.value if priority else None,
                    now.isoformat(),
                    ahead,
                    wait,
                    ticket_id,
                ),
            )
            db.execute("INSERT INTO idempotency (key, ticket_id) VALUES (?, ?)", (full_key, ticket_id))
            db.execute("UPDATE api_leases SET state = ? WHERE ticket_id = ?", (USED, ticket_id))
            return str(ticket_id)

    def known_key(self, key: str) -> bool:
        return bool(self._rows("SELECT 1 FROM idempotency WHERE key = ?", (key,)))

    def without_held_ahead(self, ticket: Ticket) -> Ticket:
        """A new ticket's people-ahead and wait without the leased numbers nobody holds yet.

        The day book counts every unserved ticket; held placeholders are nobody in the queue.
        """
        # kiosk.backends.calls.estimate never counts a held number (its holder is empty) any more.
        return ticket

    def _delete_ticket(self, db: sqlite3.Connection, ticket_id: str) -> None:
        db.execute("UPDATE bookings SET ticket_id = NULL WHERE ticket_id = ?", (ticket_id,))
        db.execute("DELETE FROM idempotency WHERE ticket_id = ?", (ticket_id,))
        db.execute("DELETE FROM tickets WHERE id = ?", (ticket_id,))

    def _fill(self, db: sqlite3.Connection, kiosk_id: str, item: dict[str, Any], outcome: SyncOutcome) -> bool:
        """Write a printed offline ticket over its placeholder. A printed number is never refused."""
        ticket_id = item["ticket_id"]
        lease = db.execute(
            "SELECT state FROM api_leases WHERE ticket_id = ? AND kiosk_id = ?", (ticket_id, kiosk_id)
        ).fetchone()
        if lease is None or lease[0] == RELEASED:
            outcome.unknown.append(ticket_id)
            return False
        if lease[0] == USED:
            return False  # sent before: already filled in
        db.execute(
            "UPDATE tickets SET kind = ?, holder = ?, nik_hash = ?, priority = ?, booking_code = ?, issued_at = ?, "
            "printed = ?, reprints = ? WHERE id = ?",
            (
                item["kind"],
                item["holder"],
                item.get("nik_hash"),
                item.get("priority"),
                item.get("booking_code"),
                item["issued_at"],
                int(item["printed"]),
                int(item["reprints"]),
                ticket_id,
            ),
        )
        if item.get("booking_code"):
            claimed = db.execute(
                "UPDATE bookings SET ticket_id = ? WHERE code = ? AND ticket_id IS NULL",
                (ticket_id, item["booking_code"]),
            ).rowcount
            if not claimed:
                outcome.conflicts.append(str(item.get("number", "")))
        db.execute("UPDATE api_leases SET state = ? WHERE ticket_id = ?", (USED, ticket_id))
        return True

    # -- replies of non-ticket POSTs ------------------------------------------------------

    def reply(self, key: str) -> dict[str, Any] | None:
        rows = self._rows("SELECT body FROM api_replies WHERE key = ?", (key,))
        return json.loads(rows[0][0]) if rows else None

    def remember(self, key: str, body: dict[str, Any]) -> None:
        with self._write() as db:
            db.execute("INSERT OR IGNORE INTO api_replies (key, body) VALUES (?, ?)", (key, json.dumps(body)))

    def todays_bookings(self, day: date, site: str) -> list[tuple[Any, ...]]:
        """Rows for the offline mirror: the booking columns and its ticket number, if any."""
        return self._rows(
            "SELECT b.code, b.nik_hash, b.nik_masked, b.name, b.service, b.day, b.slot, b.site, b.status, t.number "
            "FROM bookings b LEFT JOIN tickets t ON t.id = b.ticket_id WHERE b.day = ? AND b.site = ? "
            "ORDER BY b.slot, b.code",
            (day.isoformat(), site),
        )
