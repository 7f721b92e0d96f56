"""The ports the use cases talk through: the booking backend and the ticket printer.

The SQLite day book (embedded default) and the HTTP client (production) implement
``BookingBackend``; the printer package implements ``TicketPrinter``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from kiosk.core.model import Booking, DailyReport, Priority, ServiceQuota, Ticket


class BookingBackend(Protocol):
    def find_booking(self, code: str) -> Booking | None:
        """The booking with this code, on any day, or None."""
        ...

    def find_bookings_by_nik(self, nik_hash: str) -> list[Booking]:
        """Every booking of this person (by keyed NIK hash), any day, newest day last."""
        ...

    def check_in(self, code: str, now: datetime, idempotency_key: str) -> Ticket:
        """Check a booking in and number it, atomically; raises ``Refusal`` by the rules."""
        ...

    def issue_walk_in(
        self,
        service_code: str,
        nik_hash: str,
        nik_masked: str,
        priority: Priority | None,
        now: datetime,
        idempotency_key: str,
    ) -> Ticket:
        """Issue the next walk-in number if quota and caps allow, atomically.

        A new ticket is stamped ``issued_at=now``; a known ``idempotency_key`` returns the
        ticket issued for it earlier, unchanged (``Kiosk`` tells a retry by that).
        """
        ...

    def quotas(self, now: datetime) -> list[ServiceQuota]:
        """Today's standing of every service."""
        ...

    def find_ticket(self, day: date, number: str) -> Ticket | None: ...

    def record_reprint(self, ticket_id: str, limit: int | None) -> Ticket:
        """Count one reprint; raises ``Refusal(REPRINT_USED)`` past ``limit`` (None: no limit)."""
        ...

    def mark_printed(self, ticket_id: str, printed: bool) -> None: ...

    def tickets(self, day: date) -> list[Ticket]: ...

    def daily_report(self, day: date, now: datetime) -> DailyReport: ...


@dataclass(frozen=True)
class PrinterReadiness:
    """Whether a ticket can be printed now. ``state`` is one of the printer's named states."""

    can_print: bool
    state: str
    warning: str | None = None  # e.g. "paper_near_end": keep printing, tell the technician


class TicketPrinter(Protocol):
    def readiness(self) -> PrinterReadiness:
        """Ask the printer, with a short timeout. A printer that does not answer cannot print."""
        ...

    def print_ticket(self, ticket: Ticket) -> None:
        """Print one ticket; raise ``SystemFault(PRINTER_FAULT)`` if it did not come out.

        ``SystemFault(PRINTER_HOLDS_TICKET, state=...)``: the printer took the whole ticket but
        reports a fault (cover open, paper out); it prints it once that is cleared. Never resend it.
        """
        ...
