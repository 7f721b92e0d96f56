"""The day book's schema and its rows: migrations, column lists, and rows to domain objects."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, time

from kiosk.backends.sqlite_db import DAYBOOK, Schema
from kiosk.core.model import Booking, BookingStatus, Priority, Ticket, TicketKind

# Each entry moves the schema one version up; never edit a released entry, add a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE bookings (
        code TEXT PRIMARY KEY,
        nik_hash TEXT NOT NULL,
        nik_masked TEXT NOT NULL,
        name TEXT NOT NULL,
        service TEXT NOT NULL,
        day TEXT NOT NULL,
        slot TEXT NOT NULL,
        site TEXT NOT NULL,
        status TEXT NOT NULL,
        ticket_id TEXT
    );
    CREATE INDEX bookings_by_nik ON bookings (nik_hash, day);
    CREATE INDEX bookings_by_day ON bookings (day, service);
    CREATE TABLE tickets (
        id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        service TEXT NOT NULL,
        service_name TEXT NOT NULL,
        seq INTEGER NOT NULL,
        number TEXT NOT NULL,
        kind TEXT NOT NULL,
        priority TEXT,
        booking_code TEXT,
        nik_hash TEXT,
        holder TEXT NOT NULL,
        issued_at TEXT NOT NULL,
        kiosk_id TEXT NOT NULL,
        people_ahead INTEGER NOT NULL,
        wait_minutes INTEGER NOT NULL,
        printed INTEGER NOT NULL DEFAULT 0,
        reprints INTEGER NOT NULL DEFAULT 0,
        served_at TEXT,
        UNIQUE (day, service, seq),
        UNIQUE (day, number)
    );
    CREATE INDEX tickets_by_nik ON tickets (day, nik_hash);
    CREATE TABLE idempotency (
        key TEXT PRIMARY KEY,
        ticket_id TEXT NOT NULL REFERENCES tickets (id)
    );
    """,
    # The fingerprint of the site secret whose hashes this store holds (never the secret itself):
    # a kiosk keyed differently is refused at start-up instead of silently matching nothing.
    """
    CREATE TABLE site_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        fingerprint TEXT NOT NULL
    );
    """,
    # The counters' calls (kiosk.backends.calls owns these tables): each ticket's place in the
    # line once a counter touched it, every call and recall of the day, and every step with its
    # time and its answer (by idempotency key).
    """
    CREATE TABLE queue_states (
        ticket_id TEXT PRIMARY KEY REFERENCES tickets (id),
        day TEXT NOT NULL,
        service TEXT NOT NULL,
        state TEXT NOT NULL,
        counter_id TEXT,
        queued_at TEXT NOT NULL,
        absences INTEGER NOT NULL DEFAULT 0,
        first_called_at TEXT,
        called_at TEXT,
        finished_at TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX queue_states_by_day ON queue_states (day, service, state);
    CREATE INDEX queue_states_by_counter ON queue_states (day, counter_id, state);
    CREATE TABLE calls (
        call_id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        seq INTEGER NOT NULL,
        ticket_id TEXT NOT NULL REFERENCES tickets (id),
        number TEXT NOT NULL,
        service TEXT NOT NULL,
        counter_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        called_at TEXT NOT NULL,
        UNIQUE (day, seq)
    );
    CREATE INDEX calls_by_ticket ON calls (ticket_id);
    CREATE TABLE call_steps (
        key TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        counter_id TEXT NOT NULL,
        step TEXT NOT NULL,
        ticket_id TEXT NOT NULL,
        at TEXT NOT NULL,
        answer TEXT NOT NULL
    );
    CREATE INDEX call_steps_by_day ON call_steps (day, counter_id, at);
    """,
    # The highest number ever issued per day and service: a ticket deleted later (a voided request,
    # a leased number given back) leaves its number a gap instead of the next person's number,
    # because the first person may still hold a ticket printed with it. Starts from the tickets
    # the file holds (a number deleted before this version cannot be known any more).
    """
    CREATE TABLE number_marks (
        day TEXT NOT NULL,
        service TEXT NOT NULL,
        seq INTEGER NOT NULL,
        PRIMARY KEY (day, service)
    );
    INSERT INTO number_marks (day, service, seq) SELECT day, service, MAX(seq) FROM tickets GROUP BY day, service;
    """,
    # The office's changes to one day (kiosk.core.office) and who made each, when and why:
    # written only by kiosk.backends.office_book; the issuing rules read office_overrides.
    """
    CREATE TABLE office_overrides (
        day TEXT NOT NULL,
        key TEXT NOT NULL,
        value TEXT NOT NULL,
        PRIMARY KEY (day, key)
    );
    CREATE TABLE office_audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        day TEXT NOT NULL,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        detail TEXT NOT NULL,
        why TEXT NOT NULL
    );
    """,
    # Each kiosk's latest health report (POST /v1/kiosks/health), written only by
    # kiosk.backends.kiosk_health: /office shows when a kiosk was last seen after a server restart too.
    """
    CREATE TABLE kiosk_health (
        kiosk_id TEXT PRIMARY KEY,
        printer TEXT NOT NULL,
        unsynced INTEGER NOT NULL,
        kiosk_time TEXT NOT NULL,
        reported_at TEXT NOT NULL
    );
    """,
    # The offline tickets a sync kept otherwise than printed (a service closed meanwhile, a NIK
    # sent to the desk, a cap), written only by kiosk.backends.sync_conflicts: the supervisor
    # sees them on /office. No NIK, no hash: the number, service, kiosk and reason codes.
    """
    CREATE TABLE sync_conflicts (
        day TEXT NOT NULL,
        number TEXT NOT NULL,
        service TEXT NOT NULL,
        kiosk_id TEXT NOT NULL,
        reasons TEXT NOT NULL,
        synced_at TEXT NOT NULL,
        PRIMARY KEY (day, number)
    );
    """,
)

SCHEMA = Schema(DAYBOOK, MIGRATIONS)

TICKET_COLUMNS = (
    "id, day, service, service_name, seq, number, kind, priority, booking_code, holder, issued_at, "
    "kiosk_id, people_ahead, wait_minutes, printed, reprints"
)

BOOKING_SELECT = (
    "SELECT b.code, b.nik_hash, b.nik_masked, b.name, b.service, b.day, b.slot, b.site, b.status, t.number "
    "FROM bookings b LEFT JOIN tickets t ON t.id = b.ticket_id "
)


def booking_from_row(row: sqlite3.Row | tuple[object, ...]) -> Booking:
    """A booking from a ``BOOKING_SELECT`` row."""
    code, nik_hash, nik_masked, name, service, day, slot, site, status, number = tuple(row)
    return Booking(
        code=str(code),
        nik_hash=str(nik_hash),
        nik_masked=str(nik_masked),
        name=str(name),
        service_code=str(service),
        day=date.fromisoformat(str(day)),
        slot=time.fromisoformat(str(slot)),
        site=str(site),
        status=BookingStatus(status),
        ticket_number=None if number is None else str(number),
    )


def ticket_from_row(row: sqlite3.Row | tuple[object, ...], documents: tuple[str, ...]) -> Ticket:
    """A ticket from a ``TICKET_COLUMNS`` row; ``documents`` come from today's config."""
    (
        id_,
        day,
        service,
        service_name,
        seq,
        number,
        kind,
        priority,
        booking_code,
        holder,
        issued_at,
        kiosk_id,
        ahead,
        wait,
        printed,
        reprints,
    ) = tuple(row)
    return Ticket(
        id=str(id_),
        number=str(number),
        service_code=str(service),
        service_name=str(service_name),
        day=date.fromisoformat(str(day)),
        seq=int(str(seq)),
        kind=TicketKind(kind),
        issued_at=datetime.fromisoformat(str(issued_at)),
        holder=str(holder),
        priority=Priority(priority) if priority else None,
        booking_code=None if booking_code is None else str(booking_code),
        people_ahead=int(str(ahead)),
        wait_minutes=int(str(wait)),
        kiosk_id=str(kiosk_id),
        printed=bool(printed),
        reprints=int(str(reprints)),
        documents=documents,
    )
