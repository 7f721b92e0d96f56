"""What the server keeps beside the day book: leased number blocks, offline sync, voided requests.

A lease is a block of real walk-in tickets issued through the day book (same rules, same
transaction, so the quota and the number sequence are respected), held for one kiosk with an
empty holder. Offline, the kiosk prints those numbers; at sync the server fills each used one in
with what the kiosk printed. Unused numbers are released: their tickets are deleted, so their
slots go back to the quota and their numbers stay gaps (no other kiosk ever printed them).

The server never hands a leased number out itself: online, every walk-in and check-in gets the
next number of the day, so a number a kiosk printed offline (which the server cannot know of
until that kiosk syncs) can never be given to a second person. The lease's own kiosk is the only
one that assigns its numbers, and reports each one at sync.

The tables live in the day book's file, under an ``api_`` prefix, created here rather than in
the day book's migrations so that the day book's schema stays its own. This module writes only
those; every write to the day book's tables goes through ``DayBook`` (``TicketWrites``), in
the same transaction as the ledger's rows, and so does each conflict a sync lists, kept for the
supervisor through its owner ``kiosk.backends.sync_conflicts``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any

from kiosk.backends import sync_conflicts
from kiosk.backends.daybook import DayBook
from kiosk.backends.daybook_writes import TicketWrites
from kiosk.backends.office_book import read_overrides
from kiosk.backends.sqlite_db import Schema
from kiosk.backends.sync_conflicts import SyncConflict
from kiosk.core import rules
from kiosk.core.clock import WIB
from kiosk.core.config import Config
from kiosk.core.errors import Reason, Refusal, SystemFault
from kiosk.core.model import OfflineTicket, Priority, Ticket, TicketKind, WalkInRequest
from kiosk.core.record import record

log = logging.getLogger(__name__)

# Each step moves the api_ tables one version up; never edit a released step, add a new one.
# The first keeps CREATE ... IF NOT EXISTS: day books served before versions were recorded hold
# these very tables, and are adopted as version 1 unchanged.
STEPS: tuple[str, ...] = (
    """
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
);
CREATE TABLE IF NOT EXISTS api_request_digests (
    key TEXT PRIMARY KEY,
    digest TEXT NOT NULL
)
""",
)
SCHEMA = Schema("api", STEPS)

HELD, USED, RELEASED = "held", "used", "released"


def placeholder_hash(key: str, index: int) -> str:
    """A per-slot stand-in for a NIK hash, so that the per-NIK caps never refuse a lease."""
    return hashlib.sha256(f"lease:{key}:{index}".encode()).hexdigest()


@record
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
    # Numbers kept (printed) but not as they should be: a booking checked in twice, a per-NIK cap
    # exceeded across kiosks while offline, a lease already filled with another ticket.
    conflicts: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # ticket ids that are no lease of this kiosk
    # number -> (its day, its service, its reason codes): what the supervisor is shown (no NIK).
    reasons: dict[str, tuple[date, str, list[str]]] = field(default_factory=dict)

    def list_conflict(self, number: str, reason: str, day: date, service: str) -> None:
        """List a number once, whatever number of reasons it has; each reason is kept."""
        if number not in self.conflicts:
            self.conflicts.append(number)
        _day, _service, codes = self.reasons.setdefault(number, (day, service, []))
        if reason not in codes:
            codes.append(reason)


class Ledger:
    """The server's own bookkeeping, on the day book's connection and in its transactions."""

    def __init__(self, book: DayBook, config: Config) -> None:
        self.book = book
        self.config = config
        book.migrate(SCHEMA)

    # -- leases ---------------------------------------------------------------------------

    def grant(
        self, book: DayBook, kiosk_id: str, service_code: str, size: int, key: str, now: datetime
    ) -> list[LeasedNumber]:
        """Lease up to ``size`` numbers (fewer when the quota runs out); the same key, the same block.

        Each number and its lease row are one transaction: a crash never leaves a placeholder
        that no lease can give back.
        """
        lease_key = f"{kiosk_id}:{key}"

        def record(tx: TicketWrites, ticket: Ticket) -> None:
            tx.db.execute(
                "INSERT OR IGNORE INTO api_leases (ticket_id, lease_key, kiosk_id, service, day, seq, number, state) "
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

        for index in range(size):
            try:
                placeholder = WalkInRequest(
                    service_code=service_code,
                    nik_hash=placeholder_hash(lease_key, index),
                    nik_masked="",
                    priority=None,
                    now=now,
                    idempotency_key=f"lease:{lease_key}:{index}",
                )
                book.issue_walk_in(placeholder, record)
            except Refusal as exc:
                if index == 0 and exc.reason != Reason.QUOTA_FULL:
                    raise
                break
        rows = self.book.query(
            "SELECT ticket_id, service, day, seq, number, state FROM api_leases WHERE lease_key = ? ORDER BY seq",
            (lease_key,),
        )
        return [_leased(r) for r in rows]

    def held(self, day: date, kiosk_id: str | None = None) -> list[LeasedNumber]:
        sql = "SELECT ticket_id, service, day, seq, number, state FROM api_leases WHERE day = ? AND state = ?"
        args: tuple[object, ...] = (day.isoformat(), HELD)
        if kiosk_id is not None:
            sql += " AND kiosk_id = ?"
            args += (kiosk_id,)
        return [_leased(r) for r in self.book.query(sql + " ORDER BY service, seq", args)]

    # -- sync -----------------------------------------------------------------------------

    def sync(
        self,
        kiosk_id: str,
        used: list[dict[str, Any]],
        released: list[str],
        voids: list[str],
        printed: list[tuple[str, bool]],
        now: datetime | None = None,
    ) -> SyncOutcome:
        """Apply what a kiosk did offline, in one transaction; every part may be sent again safely.

        ``now`` (the server's clock) stands in for an issue time that is not on its number's day.

        Voids come first: a request whose answer was lost must not keep its booking checked in
        before the offline ticket that replaced it claims the booking.
        """
        outcome = SyncOutcome()
        with self.book.writing() as tx:
            for key in voids:
                # Marked even when nothing committed yet: a request still on its way inside the
                # server must not commit after its void (``refuse_voided``).
                tx.db.execute(
                    "INSERT OR IGNORE INTO api_replies (key, body) VALUES (?, '{}')", (_void_key(kiosk_id, key),)
                )
                ticket_id = tx.ticket_of_key(f"{kiosk_id}:{key}")
                if ticket_id is None:
                    continue  # the request never committed: nothing to undo
                lease = tx.db.execute(
                    "SELECT lease_key FROM api_leases WHERE ticket_id = ? AND state = ?", (ticket_id, USED)
                ).fetchone()
                called = tx.db.execute(
                    "SELECT t.number, t.day, t.service FROM tickets t WHERE t.id = ? AND EXISTS "
                    "(SELECT 1 FROM calls c WHERE c.ticket_id = t.id)",
                    (ticket_id,),
                ).fetchone()
                if called is not None:
                    # A counter already called it: deleting it would pull a number from under a
                    # counter and the hall. It stays (a no-show if nobody comes) and is listed.
                    log.error("sync from %s: void of %s, already called at a counter; kept", kiosk_id, called[0])
                    outcome.list_conflict(
                        str(called[0]),
                        sync_conflicts.CALLED_BEFORE_VOID,
                        date.fromisoformat(str(called[1])),
                        str(called[2]),
                    )
                elif lease is None:
                    tx.delete(ticket_id)
                else:  # a leased number filled online by an older server: back to the kiosk's block
                    tx.unfill(ticket_id, placeholder_hash(f"unfilled:{ticket_id}", 0))
                    tx.db.execute("UPDATE api_leases SET state = ? WHERE ticket_id = ?", (HELD, ticket_id))
                    tx.forget_key(f"{kiosk_id}:{key}")
                outcome.voided.append(key)
            for item in used:
                offline = _offline_ticket(item)
                if self._fill(tx, kiosk_id, offline, outcome, now):
                    outcome.used.append(offline.ticket_id)
            for ticket_id in released:
                lease = tx.db.execute(
                    "SELECT state FROM api_leases WHERE ticket_id = ? AND kiosk_id = ?", (ticket_id, kiosk_id)
                ).fetchone()
                if lease is None or lease[0] != HELD:
                    continue
                tx.delete(ticket_id)
                tx.db.execute("UPDATE api_leases SET state = ? WHERE ticket_id = ?", (RELEASED, ticket_id))
                outcome.released.append(ticket_id)
            for ticket_id, flag in printed:
                tx.set_printed(ticket_id, flag)
            synced_at = now if now is not None else datetime.now(WIB)
            for number, (day, service, codes) in outcome.reasons.items():
                # Kept with the sync itself: the kiosk's answer may be lost, the supervisor's list not.
                sync_conflicts.record(tx.db, SyncConflict(day, number, service, kiosk_id, tuple(codes), synced_at))
        return outcome

    def _fill(
        self, tx: TicketWrites, kiosk_id: str, offline: OfflineTicket, outcome: SyncOutcome, now: datetime | None
    ) -> bool:
        """Write a printed offline ticket over its placeholder. A printed number is never refused,
        and never dropped silently: what cannot be kept as printed is listed and logged."""
        ticket_id, number = offline.ticket_id, offline.number
        lease = tx.db.execute(
            "SELECT state, day, service FROM api_leases WHERE ticket_id = ? AND kiosk_id = ?", (ticket_id, kiosk_id)
        ).fetchone()
        if lease is None or lease[0] == RELEASED:
            log.error("sync from %s: %s is no number leased to this kiosk; listed as unknown", kiosk_id, number)
            outcome.unknown.append(ticket_id)
            return False
        off_day = datetime.fromisoformat(offline.issued_at).date() != date.fromisoformat(lease[1])
        if lease[0] == USED:
            stored = tx.holder_of(ticket_id)
            if stored == (offline.nik_hash, offline.issued_at) or (
                off_day and stored is not None and stored[0] == offline.nik_hash
            ):
                return False  # sent before: already filled in (an off-day time was replaced then)
            log.error("sync from %s: %s is already held by another ticket; listed as a conflict", kiosk_id, number)
            outcome.list_conflict(number, sync_conflicts.NUMBER_TAKEN, date.fromisoformat(lease[1]), str(lease[2]))
            return False
        day, service = date.fromisoformat(lease[1]), str(lease[2])
        if off_day:
            # A number leased for this day cannot have been printed on another: the kiosk's clock
            # is wrong. The person holds the number, so it stands, at the time it reached the
            # server, and the technician sees it.
            log.error("sync from %s: %s carries an issue time off its day; kept and listed", kiosk_id, number)
            outcome.list_conflict(number, sync_conflicts.CLOCK_OFF_DAY, day, service)
            stamp = now if now is not None and now.date() == day else datetime.combine(day, time(0), WIB)
            offline = replace(offline, issued_at=stamp.astimezone(WIB).isoformat())
        today = read_overrides(tx.db, day)
        if service in today.closed:
            # Printed offline before the kiosk knew the office closed the service: the person holds
            # it, so it stands, and the supervisor sees it in the list.
            log.warning("sync from %s: %s was issued offline in a service closed today; kept", kiosk_id, number)
            outcome.list_conflict(number, sync_conflicts.SERVICE_CLOSED, day, service)
        if offline.nik_hash and offline.nik_hash in today.referred:
            # As a closed service: the office sent this person to the information desk after the
            # kiosk last heard from the server. The number stands; the list names it, never the NIK.
            log.warning("sync from %s: %s was issued offline to a person sent to the desk; kept", kiosk_id, number)
            outcome.list_conflict(number, sync_conflicts.REFER_TO_DESK, day, service)
        if offline.nik_hash and offline.kind == TicketKind.WALK_IN:
            # The caps a walk-in online would have met (rules.check_nik_caps, the one rule), judged
            # against what the server holds now. Two kiosks apart from the server may each have
            # served this person: the printed number stands (the person holds it), and it is listed
            # for the technicians. A check-in meets no per-NIK cap, online or offline.
            configured = self.config.service(service)
            try:
                rules.check_nik_caps(
                    configured.name if configured else service,
                    tx.nik_counts(day, offline.nik_hash, service, excluding=ticket_id),
                    self.config.caps,
                )
            except Refusal as exc:
                log.error(
                    "sync from %s: %s exceeds a per-NIK cap (%s); kept and listed as a conflict",
                    kiosk_id,
                    number,
                    exc.reason.value,
                )
                outcome.list_conflict(number, exc.reason.value, day, service)
        tx.fill_offline(offline)
        if offline.booking_code and not tx.claim_booking(offline.booking_code, ticket_id):
            log.error("sync from %s: %s checks in a booking already checked in; listed as a conflict", kiosk_id, number)
            outcome.list_conflict(number, sync_conflicts.BOOKING_USED_TWICE, day, service)
        tx.db.execute("UPDATE api_leases SET state = ? WHERE ticket_id = ?", (USED, ticket_id))
        return True

    def refuse_voided(self, kiosk_id: str, key: str) -> Callable[[TicketWrites, Ticket], None]:
        """For the issuing transaction: undo it when its kiosk already voided this key.

        The kiosk gave up on the request (no answer) and printed a leased number instead; a late
        commit would be a second ticket for the same person that nobody holds.
        """

        def check(tx: TicketWrites, ticket: Ticket) -> None:
            voided = tx.db.execute("SELECT 1 FROM api_replies WHERE key = ?", (_void_key(kiosk_id, key),)).fetchone()
            if voided is not None:
                log.warning("a request of %s arrived after its kiosk voided it; not issued", kiosk_id)
                raise SystemFault(Reason.BACKEND_FAULT, detail="voided")

        return check

    def known_key(self, key: str) -> bool:
        return bool(self.book.query("SELECT 1 FROM idempotency WHERE key = ?", (key,)))

    def without_held_ahead(self, ticket: Ticket) -> Ticket:
        """A new ticket's people-ahead and wait without the leased numbers nobody holds yet.

        The day book counts every unserved ticket; held placeholders are nobody in the queue.
        """
        # kiosk.backends.calls.estimate never counts a held number (its holder is empty) any more.
        return ticket

    # -- replies of non-ticket POSTs ------------------------------------------------------

    def claim_key(self, key: str, digest: str) -> bool:
        """Tie an idempotency key to its request's digest; False if the key came with another request."""
        with self.book.writing() as tx:
            tx.db.execute("INSERT OR IGNORE INTO api_request_digests (key, digest) VALUES (?, ?)", (key, digest))
            row = tx.db.execute("SELECT digest FROM api_request_digests WHERE key = ?", (key,)).fetchone()
        return bool(row is not None and row[0] == digest)

    def is_held(self, ticket_id: str) -> bool:
        """Whether the ticket is a leased number nobody holds yet (a placeholder, not a person's)."""
        return bool(self.book.query("SELECT 1 FROM api_leases WHERE ticket_id = ? AND state = ?", (ticket_id, HELD)))

    def reply(self, key: str) -> dict[str, Any] | None:
        rows = self.book.query("SELECT body FROM api_replies WHERE key = ?", (key,))
        return json.loads(str(rows[0][0])) if rows else None

    def remember(self, key: str, body: dict[str, Any]) -> None:
        with self.book.writing() as tx:
            tx.db.execute("INSERT OR IGNORE INTO api_replies (key, body) VALUES (?, ?)", (key, json.dumps(body)))


def _offline_ticket(item: dict[str, Any]) -> OfflineTicket:
    """One ``used`` entry of a sync body (already checked against the API document)."""
    priority = item.get("priority")
    return OfflineTicket(
        ticket_id=str(item["ticket_id"]),
        number=str(item.get("number", "")),
        kind=TicketKind(item["kind"]),
        holder=str(item["holder"]),
        nik_hash=item.get("nik_hash") or None,
        priority=Priority(priority) if priority else None,
        booking_code=item.get("booking_code") or None,
        issued_at=str(item["issued_at"]),
        printed=bool(item["printed"]),
        reprints=int(item["reprints"]),
    )


def _void_key(kiosk_id: str, key: str) -> str:
    return f"void:{kiosk_id}:{key}"


def _leased(row: tuple[object, ...]) -> LeasedNumber:
    ticket_id, service, day, seq, number, state = row
    return LeasedNumber(
        str(ticket_id), str(service), date.fromisoformat(str(day)), int(str(seq)), str(number), str(state)
    )
