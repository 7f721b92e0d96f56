"""The booking server's service layer: what each API operation does, for the routes to call.

Routes parse, validate and serialise; everything else is here: which day book a kiosk writes
through (tickets carry its id), the server's clock as the authority on "now", leases and sync
(``Ledger``), and the corrections that leased numbers nobody holds yet need in counts a person
sees (people ahead, walk-ins in the report).

Online, a number always comes from the day book's next number: the server never hands out a
number inside a kiosk's lease, because only that kiosk knows whether it already printed it
offline. The kiosk, for its part, pushes its offline tickets before it asks for a number online.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date, datetime

from kiosk.backends.daybook import DayBook
from kiosk.core import rules
from kiosk.core.clock import Clock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.model import Booking, DailyReport, Priority, ServiceQuota, Ticket, WalkInRequest
from kiosk.core.office import Notice
from kiosk.server.ledger import LeasedNumber, Ledger, SyncOutcome


class BookingService:
    """One per server process: a day book connection per kiosk, one ledger, one clock."""

    def __init__(self, config: Config, clock: Clock) -> None:
        self.config = config
        self.clock = clock
        self._books: dict[str, DayBook] = {}
        self._lock = threading.Lock()
        # Migrate the file before the ledger adds its tables; the ledger shares this connection.
        self.ledger = Ledger(self.book(""), config)

    def book(self, kiosk_id: str) -> DayBook:
        with self._lock:
            if kiosk_id not in self._books:
                site = replace(self.config.site, kiosk_id=kiosk_id or self.config.site.kiosk_id)
                self._books[kiosk_id] = DayBook(self.config.backend.path, replace(self.config, site=site))
            return self._books[kiosk_id]

    def now(self) -> datetime:
        return self.clock.now()

    def today(self) -> date:
        return self.clock.now().date()

    def close(self) -> None:
        for book in self._books.values():
            book.close()

    # -- looking up -----------------------------------------------------------------------

    def quotas(self, kiosk_id: str) -> list[ServiceQuota]:
        return self.book(kiosk_id).quotas(self.now())

    def notice(self, kiosk_id: str) -> Notice | None:
        """The office's notice for the kiosks' home screen now (None: none, or expired)."""
        return self.book(kiosk_id).notice(self.now())

    def bookings_by_nik(self, kiosk_id: str, nik_hash: str) -> list[Booking]:
        return self.book(kiosk_id).find_bookings_by_nik(nik_hash)

    def booking(self, kiosk_id: str, code: str) -> Booking:
        found = self.book(kiosk_id).find_booking(rules.normalize_code(code))
        if found is None:
            raise Refusal(Reason.BOOKING_NOT_FOUND)
        return found

    def mirror(self, kiosk_id: str) -> tuple[date, list[Booking], list[ServiceQuota], frozenset[str]]:
        """Today's bookings of this site, the quotas (closed services with their reasons) and the
        NIK hashes sent to the information desk: what a kiosk's offline copy needs."""
        now = self.now()
        day = now.date()
        bookings = self.book("").bookings_of_day(day, self.config.site.code)
        return day, bookings, self.quotas(kiosk_id), self.book("").overrides(day).referred

    # -- issuing --------------------------------------------------------------------------

    def check_in(self, kiosk_id: str, key: str, code: str) -> Ticket:
        full_key = f"{kiosk_id}:{key}"
        fresh = not self.ledger.known_key(full_key)
        refuse_voided = self.ledger.refuse_voided(kiosk_id, key)
        ticket = self.book(kiosk_id).check_in(rules.normalize_code(code), self.now(), full_key, refuse_voided)
        return self.ledger.without_held_ahead(ticket) if fresh else ticket

    def walk_in(
        self, kiosk_id: str, key: str, service_code: str, nik_hash: str, nik_masked: str, priority: Priority | None
    ) -> Ticket:
        """The next number of the day, never a leased one (see the module's docstring)."""
        full_key = f"{kiosk_id}:{key}"
        fresh = not self.ledger.known_key(full_key)
        request = WalkInRequest(service_code, nik_hash, nik_masked, priority, self.now(), full_key)
        book = self.book(kiosk_id)
        try:
            ticket = book.issue_walk_in(request, self.ledger.refuse_voided(kiosk_id, key))
        except Refusal as exc:
            # The person's number of this service that no kiosk printed (the one that asked never
            # heard the answer): the kiosk prints it instead of refusing (issue 18 item 5).
            own = (
                book.unprinted_ticket(nik_hash, service_code, self.now())
                if exc.reason == Reason.ALREADY_HAS_TICKET
                else None
            )
            if own is None or own.id in self._hidden(own.day):
                raise
            return own
        return self.ledger.without_held_ahead(ticket) if fresh else ticket

    # -- tickets --------------------------------------------------------------------------

    def _hidden(self, day: date) -> set[str]:
        """Leased numbers nobody holds yet: no ticket anyone can see."""
        return {n.ticket_id for n in self.ledger.held(day)}

    def tickets(self, kiosk_id: str, day: date) -> list[Ticket]:
        hidden = self._hidden(day)
        return [t for t in self.book(kiosk_id).tickets(day) if t.id not in hidden]

    def ticket(self, kiosk_id: str, day: date, number: str) -> Ticket:
        found = self.book(kiosk_id).find_ticket(day, number)
        if found is None or found.id in self._hidden(day):
            raise BadInput(Reason.TICKET_UNKNOWN, number=number)
        return found

    def reprint(self, kiosk_id: str, key: str, ticket_id: str, limit: int | None) -> Ticket | dict[str, object]:
        """The reprinted ticket, or the answer already given to this key (a retry)."""
        full_key = f"reprint:{kiosk_id}:{key}"
        earlier = self.ledger.reply(full_key)
        if earlier is not None:
            return earlier
        return self.book(kiosk_id).record_reprint(ticket_id, limit)

    def remember_reply(self, kiosk_id: str, key: str, answer: dict[str, object]) -> None:
        self.ledger.remember(f"reprint:{kiosk_id}:{key}", answer)

    def mark_printed(self, kiosk_id: str, ticket_id: str, printed: bool) -> None:
        self.book(kiosk_id).mark_printed(ticket_id, printed)

    def report(self, kiosk_id: str, day: date) -> DailyReport:
        """The day's report; leased numbers nobody holds yet are no walk-ins served."""
        data = self.book(kiosk_id).daily_report(day, self.now())
        held: dict[str, int] = {}
        for number in self.ledger.held(day):
            held[number.service_code] = held.get(number.service_code, 0) + 1
        rows = tuple(replace(row, walk_ins=row.walk_ins - held.get(row.service_code, 0)) for row in data.rows)
        return replace(data, rows=rows)

    # -- leases and sync ------------------------------------------------------------------

    def lease(self, kiosk_id: str, key: str, service_code: str, size: int) -> list[LeasedNumber]:
        return self.ledger.grant(self.book(kiosk_id), kiosk_id, service_code, size, key, self.now())

    def sync(
        self,
        kiosk_id: str,
        used: list[dict[str, object]],
        released: list[str],
        voids: list[str],
        printed: list[tuple[str, bool]],
    ) -> tuple[SyncOutcome, list[LeasedNumber]]:
        """Apply a kiosk's offline work; with the numbers it still holds today."""
        outcome = self.ledger.sync(kiosk_id, used, released, voids, printed, self.now())
        return outcome, self.ledger.held(self.today(), kiosk_id)
