"""The day book: the embedded SQLite backend holding bookings, tickets and their counters.

Issuing a number is one ``BEGIN IMMEDIATE`` transaction that reads the counts, applies the
rules and writes the ticket, so two processes on one file cannot over-issue or duplicate.
WAL with ``synchronous=FULL`` makes a commit durable before the number is returned: a crash
at any instant either keeps a ticket (committed) or never showed its number to anybody.
No raw NIK is stored: only its keyed hash and its mask.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.backends.daybook_schema import BOOKING_SELECT, SCHEMA, booking_from_row, ticket_from_row
from kiosk.backends.daybook_schema import TICKET_COLUMNS as _TICKET_COLUMNS
from kiosk.backends.daybook_writes import TicketWrites, nik_counts
from kiosk.backends.issue_marks import IssueMarks, marks_path
from kiosk.backends.office_book import day_actions, read_overrides
from kiosk.backends.sqlite_db import Schema, migrate, open_db
from kiosk.backends.sqlite_tx import immediate
from kiosk.core import rules
from kiosk.core.clock import WIB
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, Reason, Refusal, SystemFault
from kiosk.core.model import (
    Booking,
    DailyReport,
    NikTickets,
    ReportRow,
    Service,
    ServiceQuota,
    Ticket,
    TicketDraft,
    TicketKind,
    WalkInRequest,
)
from kiosk.core.nik import mask
from kiosk.core.office import DayOverrides, Notice

if TYPE_CHECKING:
    from kiosk.core.booking import BookingRequest, DayLoad

# The counters' figures (calls), ratings and the booking website's writes (daybook_online) are
# imported by the methods that use them: ``kiosk run`` needs none of them before its first frame.

log = logging.getLogger(__name__)
_CLEAR_NIK = re.compile(r"[0-9]{16}")


class DayBook:
    """SQLite implementation of ``BookingBackend``. Safe to share between threads of one process."""

    def __init__(self, path: Path, config: Config, check_tail: bool = True) -> None:
        self.path = path
        self.config = config
        self._lock = threading.RLock()
        self._db = open_db(path)
        # Numbers issued by the open write transaction: recorded outside the file once it commits.
        self._issued: list[tuple[str, str, int, datetime]] = []
        try:
            migrate(self._db, self._lock, path, SCHEMA)
            self._marks = IssueMarks.load(marks_path(path))
            if check_tail:  # False only for the technician's recovery (continue_after_lost_tail)
                self._check_tail()
        except BaseException:
            self._db.close()
            raise

    # -- plumbing -------------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One immediate (write-locked) transaction; rolled back on any exception.

        The numbers it issued are recorded outside the file after the commit, before the caller
        can show them to anybody (``IssueMarks``).
        """
        with self._lock:
            self._issued.clear()
            try:
                with immediate(self._db, self._lock, self.path) as db:
                    yield db
                self._marks.record(self._issued)
            finally:
                self._issued.clear()

    def continue_after_lost_tail(self) -> list[str]:
        """Number on after every number told that this file lost (the technician's recovery).

        The lost tickets stay lost (their holders keep their paper); the next number of each
        day and service comes after the highest one ever told, so none is given twice.
        """
        with self._write() as db:
            held = {(str(d), str(s)): int(n) for d, s, n in db.execute("SELECT day, service, seq FROM number_marks")}
            missing = self._marks.missing_from(held)
            for (day, service), seq in self._marks.highest.items():
                db.execute(
                    "INSERT INTO number_marks (day, service, seq) VALUES (?, ?, ?) "
                    "ON CONFLICT (day, service) DO UPDATE SET seq = MAX(seq, excluded.seq)",
                    (day, service, seq),
                )
        return missing

    def _check_tail(self) -> None:
        """Refuse a day book that lacks numbers already told (a lost ``-wal``, an old copy)."""
        held = {(str(d), str(s)): int(n) for d, s, n in self._read("SELECT day, service, seq FROM number_marks")}
        missing = self._marks.missing_from(held)
        if missing:
            detail = f"{len(missing)} day/service lack numbers told: " + "; ".join(missing[:3])
            raise SystemFault(Reason.DAYBOOK_TAIL_LOST, path=str(self.path), detail=detail)

    def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                cursor = self._db.execute(sql, args)
                cursor.row_factory = sqlite3.Row
                return cursor.fetchall()
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- the site secret's fingerprint --------------------------------------------------

    def holds_nik_hashes(self) -> bool:
        """Whether any booking or ticket here was keyed by a site secret (so a new one would orphan them)."""
        rows = self._read(
            "SELECT EXISTS (SELECT 1 FROM bookings) OR EXISTS (SELECT 1 FROM tickets WHERE nik_hash IS NOT NULL)"
        )
        return bool(rows[0][0])

    def adopt_key(self, fingerprint: str) -> None:
        """Record the secret's fingerprint on first use; refuse a store keyed by another secret."""
        with self._write() as db:
            row = db.execute("SELECT fingerprint FROM site_key WHERE id = 1").fetchone()
            if row is None:
                db.execute("INSERT INTO site_key (id, fingerprint) VALUES (1, ?)", (fingerprint,))
                return
        if row[0] != fingerprint:
            detail = "site.secret differs from the one this store was keyed with"
            raise SystemFault(Reason.SECRET_MISMATCH, path=str(self.path), detail=detail)

    def migrate(self, schema: Schema) -> None:
        """Bring a neighbouring store's tables in this file (the API ledger's) up to date."""
        migrate(self._db, self._lock, self.path, schema)

    @contextmanager
    def writing(self) -> Iterator[TicketWrites]:
        """One write transaction for a store that lives beside the day book (the API ledger)."""
        with self._write() as db:
            yield TicketWrites(db)

    def query(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
        """Rows of a read on this file (a neighbouring store's own tables, or a join with ours)."""
        return [tuple(row) for row in self._read(sql, args)]

    def bookings_of_day(self, day: date, site: str) -> list[Booking]:
        """Today's bookings of a site with their ticket numbers (the offline mirror)."""
        rows = self._read(
            self._BOOKING_SELECT + "WHERE b.day = ? AND b.site = ? ORDER BY b.slot, b.code", (day.isoformat(), site)
        )
        return self._bookings(rows)  # one bad row is left out (and logged), never a failed mirror for every kiosk

    def status(self) -> None:
        """The port's link to a central server: a local day book has none."""
        return None

    def sync_now(self) -> None:
        """Nothing to send: a local day book is where the numbers are kept."""
        return None

    def report_health(self, printer_state: str, now: datetime) -> None:
        """No central server to tell: the one-kiosk site's technician screen shows the printer."""
        return None

    # -- bookings -------------------------------------------------------------------------

    def _booking(self, row: sqlite3.Row | tuple[object, ...]) -> Booking:
        return booking_from_row(row)

    _BOOKING_SELECT = BOOKING_SELECT

    def _bookings(self, rows: list[sqlite3.Row]) -> list[Booking]:
        """Rows as bookings; one that does not parse is left out and logged, never a failed read for all."""
        out = []
        for row in rows:
            try:
                out.append(self._booking(row))
            except (ValueError, TypeError) as exc:  # its values are personal data: log the key only
                log.error("booking %s in %s cannot be read (%s): left out", row[0], self.path, type(exc).__name__)
        return out

    def _bookings_of(self, db: sqlite3.Connection, nik_hash: str, day: str) -> list[Booking]:
        """A person's bookings of ``day``, read in the caller's transaction."""
        rows = db.execute(self._BOOKING_SELECT + "WHERE b.nik_hash = ? AND b.day = ?", (nik_hash, day)).fetchall()
        return self._bookings(rows)

    def find_booking(self, code: str) -> Booking | None:
        found = self._bookings(self._read(self._BOOKING_SELECT + "WHERE b.code = ?", (code,)))
        return found[0] if found else None

    def find_bookings_by_nik(self, nik_hash: str) -> list[Booking]:
        rows = self._read(self._BOOKING_SELECT + "WHERE b.nik_hash = ? ORDER BY b.day, b.slot", (nik_hash,))
        return self._bookings(rows)

    def upsert_bookings(self, bookings: list[Booking]) -> tuple[int, int]:
        """Insert new bookings and update known ones by code; returns (added, updated).

        A re-import never duplicates and never detaches a booking from its ticket.
        """
        added = updated = 0
        with self._write() as db:
            for b in bookings:
                exists = db.execute("SELECT 1 FROM bookings WHERE code = ?", (b.code,)).fetchone()
                db.execute(
                    "INSERT INTO bookings (code, nik_hash, nik_masked, name, service, day, slot, site, status) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (code) DO UPDATE SET "
                    "nik_hash = excluded.nik_hash, nik_masked = excluded.nik_masked, name = excluded.name, "
                    "service = excluded.service, day = excluded.day, slot = excluded.slot, "
                    "site = excluded.site, status = excluded.status",
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
                    ),
                )
                if exists:
                    updated += 1
                else:
                    added += 1
        return added, updated

    # -- the booking website (kiosk.core.booking decides, kiosk.backends.daybook_online writes) --

    def booking_loads(self, service_code: str, days: list[date]) -> dict[date, DayLoad]:
        """Each day's active bookings per slot window and walk-ins issued, for the booking pages."""
        from kiosk.backends import daybook_online

        with self._lock:
            try:
                return {day: daybook_online.day_load(self._db, self.config, service_code, day) for day in days}
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None

    def book_online(self, request: BookingRequest, now: datetime, broker_listed: bool) -> Booking:
        """A booking from the website, checked and written in one transaction (no slot over-booked)."""
        from kiosk.backends import daybook_online

        with self._write() as db:
            return daybook_online.book(db, self.config, request, now, broker_listed)

    def cancel_online(self, code: str, nik_hash: str, now: datetime) -> Booking:
        """Cancel a booking its holder proved with the NIK; its slot is free at once."""
        from kiosk.backends import daybook_online

        with self._write() as db:
            return daybook_online.cancel(db, self.config, code, nik_hash, now)

    def move_online(self, code: str, nik_hash: str, day: date, slot: time | None, now: datetime) -> Booking:
        """Move a booking its holder proved with the NIK, under the rules of a new one."""
        from kiosk.backends import daybook_online

        with self._write() as db:
            return daybook_online.move(db, self.config, code, nik_hash, day, slot, now)

    # -- issuing --------------------------------------------------------------------------

    def _replay(self, db: sqlite3.Connection, key: str) -> Ticket | None:
        row = db.execute(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE id = (SELECT ticket_id FROM idempotency WHERE key = ?)",
            (key,),
        ).fetchone()
        return self._ticket(row) if row else None

    def _next(self, db: sqlite3.Connection, draft: TicketDraft) -> Ticket:
        service, day, now, priority = draft.service, draft.day, draft.now, draft.priority
        # After the highest number ever issued today, not the highest still there: a deleted
        # ticket's number (voided, given back) may be on a ticket someone holds (number_marks).
        seq = db.execute(
            "SELECT MAX(COALESCE((SELECT seq FROM number_marks WHERE day = ? AND service = ?), 0), "
            "COALESCE((SELECT MAX(seq) FROM tickets WHERE day = ? AND service = ?), 0)) + 1",
            (day.isoformat(), service.code, day.isoformat(), service.code),
        ).fetchone()[0]
        db.execute(
            "INSERT INTO number_marks (day, service, seq) VALUES (?, ?, ?) "
            "ON CONFLICT (day, service) DO UPDATE SET seq = MAX(seq, excluded.seq)",
            (day.isoformat(), service.code, seq),
        )
        self._marks.check_clock(now)
        self._issued.append((day.isoformat(), service.code, seq, now))
        number = rules.ticket_number(service, seq)
        # People ahead and the wait from the counters' calls: the one estimate (kiosk.backends.calls).
        from uuid import uuid4  # uuid (with platform) and the estimate: not before the kiosk's first frame

        from kiosk.backends import calls

        ahead, wait = calls.estimate(
            db, self.config, service, day, now, calls.new_ticket_place(now, priority is not None, service.code, number)
        )
        ticket = Ticket(
            id=str(uuid4()),
            number=number,
            service_code=service.code,
            service_name=service.name,
            day=day,
            seq=seq,
            kind=draft.kind,
            issued_at=now,
            holder=draft.holder,
            priority=priority,
            booking_code=draft.booking_code,
            people_ahead=ahead,
            wait_minutes=wait,
            kiosk_id=self.config.site.kiosk_id,
            documents=service.documents,
        )
        db.execute(
            f"INSERT INTO tickets ({_TICKET_COLUMNS}, nik_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, ?)",
            (
                ticket.id,
                day.isoformat(),
                service.code,
                service.name,
                seq,
                ticket.number,
                draft.kind.value,
                priority.value if priority else None,
                draft.booking_code,
                draft.holder,
                now.isoformat(),
                ticket.kiosk_id,
                ticket.people_ahead,
                ticket.wait_minutes,
                draft.nik_hash,
            ),
        )
        db.execute("INSERT INTO idempotency (key, ticket_id) VALUES (?, ?)", (draft.idempotency_key, ticket.id))
        return ticket

    def check_in(
        self,
        code: str,
        now: datetime,
        idempotency_key: str,
        then: Callable[[TicketWrites, Ticket], None] | None = None,
    ) -> Ticket:
        """Check a booking in with the next number; ``then`` runs in the same transaction."""
        now = now.astimezone(WIB)
        with self._write() as db:
            replayed = self._replay(db, idempotency_key)
            if replayed:
                if then is not None:
                    then(TicketWrites(db), replayed)
                return replayed
            row = db.execute(self._BOOKING_SELECT + "WHERE b.code = ?", (code,)).fetchone()
            if row is None:
                raise Refusal(Reason.BOOKING_NOT_FOUND)
            booking = self._booking(row)
            rules.check_booking(booking, now, self.config)
            service = self.config.service(booking.service_code)
            if service is None:
                raise BadInput(Reason.SERVICE_UNKNOWN, service=booking.service_code)
            today = read_overrides(db, now.date())  # the office's changes to today
            today.check_open(service, self.config)
            today.check_not_referred(booking.nik_hash)
            service = today.effective(service)
            # Before the release time a booking holds its own slot; after it, walk-ins may have
            # taken the released slots, and the quota still caps every number of the day.
            issued = db.execute(
                "SELECT COUNT(*) FROM tickets WHERE day = ? AND service = ?", (now.date().isoformat(), service.code)
            ).fetchone()[0]
            if issued >= service.daily_quota:
                raise Refusal(Reason.QUOTA_FULL, service=service.name, website=self.config.site.booking_website)
            draft = TicketDraft(
                service=service,
                now=now,
                kind=TicketKind.ONLINE,
                holder=booking.code,
                nik_hash=booking.nik_hash,
                idempotency_key=idempotency_key,
                booking_code=booking.code,
            )
            ticket = self._next(db, draft)
            db.execute("UPDATE bookings SET ticket_id = ? WHERE code = ?", (ticket.id, booking.code))
            if then is not None:
                then(TicketWrites(db), ticket)
            return ticket

    def issue_walk_in(
        self, request: WalkInRequest, then: Callable[[TicketWrites, Ticket], None] | None = None
    ) -> Ticket:
        """Issue the next walk-in number; ``then`` runs in the same transaction (a lease records it)."""
        now = request.now.astimezone(WIB)
        day = now.date().isoformat()
        service = self.config.service(request.service_code)
        with self._write() as db:
            replayed = self._replay(db, request.idempotency_key)
            if replayed:
                if then is not None:
                    then(TicketWrites(db), replayed)
                return replayed
            if service is not None:
                today = read_overrides(db, now.date())  # the office's changes to today
                today.check_open(service, self.config)
                today.check_not_referred(request.nik_hash)
                service = today.effective(service)
            remaining = self._quota(db, service, now).remaining if service else 0
            held = nik_counts(db, now.date(), request.nik_hash, service.code if service else "")
            draft = rules.walk_in_draft(
                request, service, self.config, remaining, held, lambda: self._bookings_of(db, request.nik_hash, day)
            )
            ticket = self._next(db, draft)
            if then is not None:
                then(TicketWrites(db), ticket)
            return ticket

    def unprinted_ticket(self, nik_hash: str, service_code: str, now: datetime) -> Ticket | None:
        """This person's ticket of this service today, if no paper of it came out; read-only."""
        found = self._tickets(
            self._read(
                f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE day = ? AND nik_hash = ? AND service = ? "
                "AND printed = 0 ORDER BY seq LIMIT 1",
                (now.astimezone(WIB).date().isoformat(), nik_hash, service_code),
            )
        )
        return found[0] if found else None

    def nik_ticket_counts(self, nik_hash: str, service_code: str, now: datetime) -> NikTickets:
        day = now.astimezone(WIB).date()
        with self._lock:
            try:
                return nik_counts(self._db, day, nik_hash, service_code)
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None

    # -- quota and counters ---------------------------------------------------------------

    def _quota(self, db: sqlite3.Connection, service: Service, now: datetime) -> ServiceQuota:
        # Checked-in bookings are counted by their tickets, not by the booking rows: a re-import
        # may later cancel or move a booking, but the number it got is still in the queue.
        day = now.date().isoformat()
        released = now.time() >= self.config.hours.release_time
        checked_in, walk_ins = db.execute(
            "SELECT COALESCE(SUM(kind = 'online'), 0), COALESCE(SUM(kind = 'walk_in'), 0) FROM tickets "
            "WHERE day = ? AND service = ?",
            (day, service.code),
        ).fetchone()
        waiting = 0
        if not released:
            waiting = db.execute(
                "SELECT COUNT(*) FROM bookings WHERE day = ? AND service = ? AND site = ? AND status = 'booked' "
                "AND ticket_id IS NULL",
                (day, service.code, self.config.site.code),
            ).fetchone()[0]
        return ServiceQuota(
            service=service, bookings_valid=checked_in + waiting, walk_ins_issued=walk_ins, checked_in=checked_in
        )

    def quotas(self, now: datetime) -> list[ServiceQuota]:
        now = now.astimezone(WIB)
        with self._lock:
            try:
                today = read_overrides(self._db, now.date())
                return [
                    replace(
                        self._quota(self._db, today.effective(service), now),
                        closed_reason=today.closed.get(service.code),
                    )
                    for service in self.config.services
                ]
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None

    def overrides(self, day: date) -> DayOverrides:
        """The office's changes to ``day`` (kiosk.core.office), read from this day book."""
        with self._lock:
            try:
                return read_overrides(self._db, day)
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None

    def sent_to_desk(self, nik_hash: str, now: datetime) -> bool:
        return nik_hash in self.overrides(now.astimezone(WIB).date()).referred

    def notice(self, now: datetime) -> Notice | None:
        """The office's notice shown at ``now`` (kiosk.core.office), read from this day book."""
        now = now.astimezone(WIB)
        with self._lock:
            try:
                return read_overrides(self._db, now.date()).notice_at(now)
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None

    # -- tickets --------------------------------------------------------------------------

    def _ticket(self, row: sqlite3.Row | tuple[object, ...]) -> Ticket:
        configured = self.config.service(str(row[2]))
        return ticket_from_row(row, configured.documents if configured else ())

    def _tickets(self, rows: list[sqlite3.Row]) -> list[Ticket]:
        """Rows as tickets; one that does not parse is left out and logged, never a failed read for all."""
        out = []
        for row in rows:
            try:
                ticket = self._ticket(row)
            except (ValueError, TypeError) as exc:  # its values may be personal data: log the id only
                log.error("ticket %s in %s cannot be read (%s): left out", row[0], self.path, type(exc).__name__)
                continue
            if _CLEAR_NIK.search(ticket.holder):  # stored before the server checked holders: never shown
                log.error("ticket %s in %s holds a clear NIK: shown masked", ticket.id, self.path)
                ticket = replace(ticket, holder=_CLEAR_NIK.sub(lambda m: mask(m.group()), ticket.holder))
            out.append(ticket)
        return out

    def find_ticket(self, day: date, number: str) -> Ticket | None:
        rows = self._read(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE day = ? AND number = ?",
            (day.isoformat(), number.strip().upper()),
        )
        found = self._tickets(rows)
        return found[0] if found else None

    def tickets(self, day: date) -> list[Ticket]:
        rows = self._read(
            f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE day = ? ORDER BY issued_at, service, seq", (day.isoformat(),)
        )
        return self._tickets(rows)

    def record_reprint(self, ticket_id: str, limit: int | None) -> Ticket:
        with self._write() as db:
            row = db.execute(f"SELECT {_TICKET_COLUMNS} FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
            if row is None:
                raise BadInput(Reason.TICKET_UNKNOWN)
            ticket = self._ticket(row)
            if limit is not None and ticket.reprints >= limit:
                raise Refusal(Reason.REPRINT_USED, number=ticket.number)
            db.execute("UPDATE tickets SET reprints = reprints + 1 WHERE id = ?", (ticket_id,))
            return replace(ticket, reprints=ticket.reprints + 1)

    def mark_printed(self, ticket_id: str, printed: bool) -> None:
        with self._write() as db:
            db.execute("UPDATE tickets SET printed = ? WHERE id = ?", (int(printed), ticket_id))

    def mark_served(self, day: date, number: str, when: datetime) -> bool:
        """Record that a counter called this number; feeds today's pace of service."""
        with self._write() as db:
            cursor = db.execute(
                "UPDATE tickets SET served_at = ? WHERE day = ? AND number = ? AND served_at IS NULL",
                (when.astimezone(WIB).isoformat(), day.isoformat(), number.strip().upper()),
            )
            return cursor.rowcount == 1

    # -- report ---------------------------------------------------------------------------

    def daily_report(self, day: date, now: datetime) -> DailyReport:
        """Per service: bookings, check-ins, walk-ins, no-shows, priority. No personal data."""
        day_s = day.isoformat()
        finished = now.astimezone(WIB).date() > day or now.astimezone(WIB).time() >= self.config.hours.close
        rows = []
        from kiosk.backends import calls, ratings

        with self._lock:
            try:
                counted = calls.figures(self._db, self.config, day)  # served, absent, medians: the counters'
                rated = ratings.indexes(self._db, self.config, day)  # the satisfaction index per service
                actions = day_actions(self._db, day)  # the office's audit log of the day
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None
        for service in self.config.services:
            bookings, check_ins = self._read(
                "SELECT COALESCE(SUM(status = 'booked' OR ticket_id IS NOT NULL), 0), "
                "COALESCE(SUM(ticket_id IS NOT NULL), 0) FROM bookings WHERE day = ? AND service = ? AND site = ?",
                (day_s, service.code, self.config.site.code),
            )[0]
            walk_ins, priority = self._read(
                "SELECT COALESCE(SUM(kind = 'walk_in'), 0), COALESCE(SUM(priority IS NOT NULL), 0) "
                "FROM tickets WHERE day = ? AND service = ?",
                (day_s, service.code),
            )[0]
            # Until the office closes, a booking not yet checked in is not a no-show.
            no_shows = (bookings - check_ins) if finished else 0
            at_counters = counted[service.code]
            rows.append(
                ReportRow(
                    service.code,
                    service.name,
                    bookings,
                    check_ins,
                    walk_ins,
                    no_shows,
                    priority,
                    served=at_counters.served,
                    absent=at_counters.absent,
                    median_wait_minutes=at_counters.median_wait_minutes,
                    median_service_minutes=at_counters.median_service_minutes,
                    ratings=rated[service.code].ratings,
                    satisfaction_index=rated[service.code].index,
                    satisfaction_grade=rated[service.code].grade,
                )
            )
        return DailyReport(day=day, site=self.config.site.name, rows=tuple(rows), office_actions=actions)
