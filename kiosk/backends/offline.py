"""The HTTP backend's local store: the day's mirror, leased numbers, and what waits for sync.

Kept in its own tables (``http_`` prefix) in the file named by ``backend.path``, written with
``synchronous=FULL`` before any number is shown, so a ticket printed offline survives a crash
and reaches the server at the next sync. No raw NIK: bookings carry the keyed hash and mask.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kiosk.backends.daybook_schema import booking_from_row
from kiosk.backends.sqlite_db import Schema, migrate, open_db
from kiosk.backends.sqlite_tx import immediate
from kiosk.core import rules, wire
from kiosk.core.model import Booking, NikTickets, Ticket, TicketDraft

# Each step moves the http_ tables one version up; never edit a released step, add a new one.
# The first keeps CREATE ... IF NOT EXISTS: files made before versions were recorded hold these
# very tables, and are adopted as version 1 unchanged.
STEPS: tuple[str, ...] = (
    """
CREATE TABLE IF NOT EXISTS http_bookings (
    code TEXT PRIMARY KEY, nik_hash TEXT NOT NULL, nik_masked TEXT NOT NULL, name TEXT NOT NULL,
    service TEXT NOT NULL, day TEXT NOT NULL, slot TEXT NOT NULL, site TEXT NOT NULL,
    status TEXT NOT NULL, ticket_number TEXT
);
CREATE INDEX IF NOT EXISTS http_bookings_by_nik ON http_bookings (nik_hash);
CREATE TABLE IF NOT EXISTS http_quotas (service TEXT PRIMARY KEY, day TEXT NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS http_leased (
    ticket_id TEXT PRIMARY KEY, service TEXT NOT NULL, day TEXT NOT NULL, seq INTEGER NOT NULL,
    number TEXT NOT NULL, state TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS http_tickets (
    id TEXT PRIMARY KEY, day TEXT NOT NULL, number TEXT NOT NULL, body TEXT NOT NULL,
    nik_hash TEXT, offline INTEGER NOT NULL, synced INTEGER NOT NULL, key TEXT UNIQUE
);
CREATE INDEX IF NOT EXISTS http_tickets_by_day ON http_tickets (day, number);
CREATE TABLE IF NOT EXISTS http_pending (kind TEXT NOT NULL, ref TEXT NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (kind, ref));
CREATE TABLE IF NOT EXISTS http_conflicts (day TEXT NOT NULL, number TEXT NOT NULL, what TEXT NOT NULL,
    PRIMARY KEY (day, number, what))
""",
    # 2: the broker list as the last mirror had it (keyed hashes only): offline, the same refusal.
    """
CREATE TABLE http_referred (day TEXT NOT NULL, nik_hash TEXT NOT NULL, PRIMARY KEY (day, nik_hash))
""",
)
SCHEMA = Schema("http", STEPS)

FREE, USED, RELEASE = "free", "used", "release"


class OfflineStore:
    """Everything the HTTP backend needs to keep serving, and to sync, with the server away."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.RLock()
        self._db = open_db(path)
        try:
            migrate(self._db, self._lock, path, SCHEMA)
        except BaseException:
            self._db.close()
            raise

    def write(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate(self._db, self._lock, self.path)

    def rows(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._db.execute(sql, args).fetchall())

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- mirror ---------------------------------------------------------------------------

    def replace_mirror(
        self, day: date, bookings: list[Booking], quotas: list[dict[str, Any]], referred: Iterable[str] = ()
    ) -> None:
        """Today's bookings, quotas and broker list as the server has them, keeping check-ins not
        yet synced."""
        with self.write() as db:
            db.execute("DELETE FROM http_referred")
            db.executemany(
                "INSERT OR IGNORE INTO http_referred VALUES (?, ?)", [(day.isoformat(), h) for h in referred]
            )
            db.execute("DELETE FROM http_bookings")
            for b in bookings:
                db.execute(
                    "INSERT INTO http_bookings VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        b.code,
                        b.nik_hash,
                        b.nik_masked,
                        b.name,
                        b.service_code,
                        b.day.isoformat(),
                        b.slot.strftime("%H:%M"),
                        b.site,
                        b.status.value,
                        b.ticket_number,
                    ),
                )
            for body, number in db.execute("SELECT body, number FROM http_tickets WHERE synced = 0").fetchall():
                code = json.loads(body).get("booking_code")
                if code:
                    db.execute("UPDATE http_bookings SET ticket_number = ? WHERE code = ?", (number, code))
            db.execute("DELETE FROM http_quotas")
            for quota in quotas:
                db.execute(
                    "INSERT INTO http_quotas VALUES (?, ?, ?)", (quota["code"], day.isoformat(), json.dumps(quota))
                )

    def booking(self, code: str) -> Booking | None:
        found = self.rows("SELECT * FROM http_bookings WHERE code = ?", (code,))
        return booking_from_row(found[0]) if found else None

    def bookings_by_nik(self, nik_hash: str) -> list[Booking]:
        found = self.rows("SELECT * FROM http_bookings WHERE nik_hash = ? ORDER BY day, slot", (nik_hash,))
        return [booking_from_row(r) for r in found]

    def referred(self, day: date) -> list[str]:
        """The NIK hashes the office sent to the information desk on ``day``, as last mirrored."""
        return [str(r[0]) for r in self.rows("SELECT nik_hash FROM http_referred WHERE day = ?", (day.isoformat(),))]

    def quotas(self, day: date) -> list[dict[str, Any]]:
        return [json.loads(r[0]) for r in self.rows("SELECT body FROM http_quotas WHERE day = ?", (day.isoformat(),))]

    # -- leased numbers -------------------------------------------------------------------

    def adopt_leases(self, held: list[dict[str, Any]], day: date) -> None:
        """The numbers the server says this kiosk holds today become free here unless already used."""
        with self.write() as db:
            server_ids = set()
            for n in held:
                server_ids.add(n["ticket_id"])
                db.execute(
                    "INSERT OR IGNORE INTO http_leased VALUES (?, ?, ?, ?, ?, ?)",
                    (n["ticket_id"], n["service_code"], day.isoformat(), int(n["seq"]), n["number"], FREE),
                )
            for (ticket_id,) in db.execute("SELECT ticket_id FROM http_leased WHERE state = ?", (FREE,)).fetchall():
                if ticket_id not in server_ids:  # released or from another day: never print it
                    db.execute("DELETE FROM http_leased WHERE ticket_id = ?", (ticket_id,))

    def free(self, day: date | None = None) -> dict[str, int]:
        """Unused leased numbers per service on ``day`` (default: the latest day leased)."""
        if day is None:
            latest = self.rows("SELECT MAX(day) FROM http_leased")[0][0]
            if latest is None:
                return {}
            day = date.fromisoformat(latest)
        found = self.rows(
            "SELECT service, COUNT(*) FROM http_leased WHERE day = ? AND state = ? GROUP BY service",
            (day.isoformat(), FREE),
        )
        return {str(r[0]): int(r[1]) for r in found}

    def release_free(self) -> int:
        """Give every unused number back at the next sync (closing time, or leaving the kiosk)."""
        with self.write() as db:
            return int(db.execute("UPDATE http_leased SET state = ? WHERE state = ?", (RELEASE, FREE)).rowcount)

    # -- tickets --------------------------------------------------------------------------

    def by_key(self, key: str) -> Ticket | None:
        found = self.rows("SELECT body FROM http_tickets WHERE key = ?", (key,))
        return wire.ticket_from_dict(json.loads(found[0][0])) if found else None

    def issue(
        self, draft: TicketDraft, kiosk_id: str, serving_since: datetime, issued_before: int = 0
    ) -> Ticket | None:
        """Print-ready ticket from the lowest free leased number of the service, or None if none is left.

        People ahead use the day book's rule with no reported calls: the counters are assumed to
        have called one person per ``minutes_per_person`` since ``serving_since`` (opening time).
        The tickets before this one are the numbers below it, or ``issued_before`` (what the
        last mirror says was issued) when more: the server hands out numbers past a leased block,
        so a block leased early carries numbers lower than the queue has reached.
        """
        service, day = draft.service, draft.day
        with self.write() as db:
            row = db.execute(
                "SELECT ticket_id, seq, number FROM http_leased WHERE service = ? AND day = ? AND state = ? "
                "ORDER BY seq LIMIT 1",
                (service.code, day.isoformat(), FREE),
            ).fetchone()
            if row is None:
                return None
            ticket_id, seq, number = row
            before = max(int(seq) - 1, issued_before)
            ahead = rules.people_ahead(before, 0, serving_since, draft.now, service.minutes_per_person)
            ticket = Ticket(
                id=ticket_id,
                number=number,
                service_code=service.code,
                service_name=service.name,
                day=day,
                seq=int(seq),
                kind=draft.kind,
                issued_at=draft.now,
                holder=draft.holder,
                priority=draft.priority,
                booking_code=draft.booking_code,
                people_ahead=ahead,
                wait_minutes=rules.estimate_wait(ahead, [], service.minutes_per_person),
                kiosk_id=kiosk_id,
                documents=service.documents,
            )
            db.execute("UPDATE http_leased SET state = ? WHERE ticket_id = ?", (USED, ticket_id))
            self._put(db, ticket, draft.nik_hash, offline=True, key=draft.idempotency_key)
            if draft.booking_code:
                db.execute("UPDATE http_bookings SET ticket_number = ? WHERE code = ?", (number, draft.booking_code))
            return ticket

    def _put(
        self, db: sqlite3.Connection, ticket: Ticket, nik_hash: str | None, offline: bool, key: str | None
    ) -> None:
        db.execute(
            "INSERT INTO http_tickets VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
            "body = excluded.body, key = COALESCE(http_tickets.key, excluded.key)",
            (
                ticket.id,
                ticket.day.isoformat(),
                ticket.number,
                json.dumps(wire.ticket_to_dict(ticket)),
                nik_hash,
                int(offline),
                0 if offline else 1,
                key,
            ),
        )

    def remember(self, ticket: Ticket, nik_hash: str | None = None, key: str | None = None) -> None:
        """Keep a ticket the server gave us, for reprints and caps while offline.

        With its idempotency key: a repeat of the request is answered from here and never
        asked again, so it cannot get lost in doubt and void (delete on the server) the ticket
        this answer just gave. Any void waiting for that key goes in the same transaction.
        """
        with self.write() as db:
            self._put(db, ticket, nik_hash, offline=False, key=key)
            if key is not None:
                db.execute("DELETE FROM http_pending WHERE kind = 'void' AND ref = ?", (key,))
            # The server gave one of our leased numbers: it must never be printed offline again.
            db.execute("UPDATE http_leased SET state = ? WHERE ticket_id = ?", (USED, ticket.id))

    def checked_in(self, code: str, number: str) -> None:
        """Keep the mirror right: a booking checked in online must not be checked in offline."""
        with self.write() as db:
            db.execute("UPDATE http_bookings SET ticket_number = ? WHERE code = ?", (number, code))

    def update(self, ticket: Ticket) -> None:
        with self.write() as db:
            db.execute(
                "UPDATE http_tickets SET body = ? WHERE id = ?", (json.dumps(wire.ticket_to_dict(ticket)), ticket.id)
            )

    def ticket(self, ticket_id: str) -> tuple[Ticket, bool] | None:
        """The ticket and whether it was issued offline and not yet synced."""
        found = self.rows("SELECT body, offline, synced FROM http_tickets WHERE id = ?", (ticket_id,))
        if not found:
            return None
        return wire.ticket_from_dict(json.loads(found[0][0])), bool(found[0][1]) and not found[0][2]

    def find(self, day: date, number: str) -> Ticket | None:
        found = self.rows("SELECT body FROM http_tickets WHERE day = ? AND number = ?", (day.isoformat(), number))
        return wire.ticket_from_dict(json.loads(found[0][0])) if found else None

    def tickets(self, day: date, unsynced_only: bool = False) -> list[Ticket]:
        sql = "SELECT body, synced FROM http_tickets WHERE day = ?"
        found = [
            wire.ticket_from_dict(json.loads(r[0]))
            for r in self.rows(sql, (day.isoformat(),))
            if not (unsynced_only and r[1])
        ]
        return sorted(found, key=lambda t: (t.issued_at, t.service_code, t.seq))

    def counts_for(self, nik_hash: str, service_code: str, day: date) -> NikTickets:
        """Today's tickets of a NIK hash that this kiosk knows, every kind: its own tickets (online
        and offline), and the mirror's checked-in bookings (another kiosk's check-ins, as of the
        last sync). Another kiosk's walk-ins it cannot know: the server lists those at sync."""
        same = total = 0
        numbers = set()
        for (body,) in self.rows(
            "SELECT body FROM http_tickets WHERE day = ? AND nik_hash = ?", (day.isoformat(), nik_hash)
        ):
            t = json.loads(body)
            total += 1
            same += t["service_code"] == service_code
            numbers.add(t["number"])
        for number, service in self.rows(
            "SELECT ticket_number, service FROM http_bookings WHERE day = ? AND nik_hash = ? "
            "AND ticket_number IS NOT NULL",
            (day.isoformat(), nik_hash),
        ):
            if number not in numbers:
                total += 1
                same += service == service_code
        return NikTickets(same_service=same, today=total)

    # -- what waits for the server --------------------------------------------------------

    def pending(self, kind: str, ref: str, value: int = 1) -> None:
        with self.write() as db:
            db.execute("INSERT OR REPLACE INTO http_pending VALUES (?, ?, ?)", (kind, ref, value))

    def clear_pending(self, kind: str, ref: str) -> None:
        with self.write() as db:
            db.execute("DELETE FROM http_pending WHERE kind = ? AND ref = ?", (kind, ref))

    def sync_payload(self) -> dict[str, Any]:
        used = []
        for body, nik_hash in self.rows("SELECT body, nik_hash FROM http_tickets WHERE offline = 1 AND synced = 0"):
            t = json.loads(body)
            used.append(
                {
                    "ticket_id": t["id"],
                    "number": t["number"],
                    "kind": t["kind"],
                    "holder": t["holder"],
                    "nik_hash": nik_hash,
                    "priority": t["priority"],
                    "booking_code": t["booking_code"],
                    "issued_at": t["issued_at"],
                    "printed": t["printed"],
                    "reprints": t["reprints"],
                }
            )
        released = [r[0] for r in self.rows("SELECT ticket_id FROM http_leased WHERE state = ?", (RELEASE,))]
        voids = [r[0] for r in self.rows("SELECT ref FROM http_pending WHERE kind = 'void'")]
        printed = [
            {"ticket_id": r[0], "printed": bool(r[1])}
            for r in self.rows("SELECT ref, value FROM http_pending WHERE kind = 'printed'")
        ]
        return {"used": used, "released": released, "voids": voids, "printed": printed}

    def synced(self, payload: dict[str, Any], answer: dict[str, Any]) -> None:
        """Forget what the server has now taken in (exactly what was sent, nothing newer)."""
        with self.write() as db:
            for item in payload["used"]:
                db.execute("UPDATE http_tickets SET synced = 1 WHERE id = ?", (item["ticket_id"],))
            for ticket_id in payload["released"]:
                db.execute("DELETE FROM http_leased WHERE ticket_id = ? AND state = ?", (ticket_id, RELEASE))
            for key in payload["voids"]:
                db.execute("DELETE FROM http_pending WHERE kind = 'void' AND ref = ?", (key,))
            for mark in payload["printed"]:
                db.execute(
                    "DELETE FROM http_pending WHERE kind = 'printed' AND ref = ? AND value = ?",
                    (mark["ticket_id"], int(mark["printed"])),
                )

    def record_conflicts(self, day: date, numbers: list[str], what: str) -> None:
        """Offline tickets the server kept otherwise than printed (or not at all): for the technician."""
        with self.write() as db:
            for number in numbers:
                db.execute("INSERT OR IGNORE INTO http_conflicts VALUES (?, ?, ?)", (day.isoformat(), number, what))

    def conflicts(self, day: date | None = None) -> tuple[str, ...]:
        """``A-001 (conflict)``-style lines, today's unless ``day`` says otherwise."""
        sql = "SELECT number, what FROM http_conflicts"
        args: tuple[object, ...] = ()
        if day is not None:
            sql += " WHERE day = ?"
            args = (day.isoformat(),)
        return tuple(f"{number} ({what})" for number, what in self.rows(sql + " ORDER BY day, number", args))

    def unsynced_count(self) -> int:
        return int(self.rows("SELECT COUNT(*) FROM http_tickets WHERE offline = 1 AND synced = 0")[0][0]) + int(
            self.rows("SELECT COUNT(*) FROM http_pending")[0][0]
        )

    def set_printed_locally(self, ticket: Ticket, printed: bool) -> None:
        self.update(replace(ticket, printed=printed))
