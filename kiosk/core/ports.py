"""The ports the use cases talk through: the booking backend and the ticket printer.

The SQLite day book (embedded default) and the HTTP client (production) implement
``BookingBackend``; the printer package implements ``TicketPrinter``. Both ports carry what
the technician screen shows (``BookingBackend.status``, ``TicketPrinter.status`` and the
printer's test page, feed and cut), so diagnostics need not guess what an adapter can do.
"""

from __future__ import annotations

from dataclasses import field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

from kiosk.core.model import Booking, DailyReport, NikTickets, ServiceQuota, Ticket, WalkInRequest
from kiosk.core.office import Notice
from kiosk.core.record import record

if TYPE_CHECKING:  # the counters' port: a kiosk's start needs no calling types
    from kiosk.core.calling import Call, Step


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

    def issue_walk_in(self, request: WalkInRequest) -> Ticket:
        """Issue the next walk-in number if quota and caps allow, atomically.

        A new ticket is stamped ``issued_at=request.now``; a known ``idempotency_key`` returns
        the ticket issued for it earlier, unchanged (``Kiosk`` tells a retry by that).
        """
        ...

    def nik_ticket_counts(self, nik_hash: str, service_code: str, now: datetime) -> NikTickets:
        """Today's tickets of a NIK hash, of this service and of any service; read-only.

        What the issuing transaction counts for the caps, asked earlier so that a refusal comes
        before the person confirms; the transaction still decides.
        """
        ...

    def unprinted_ticket(self, nik_hash: str, service_code: str, now: datetime) -> Ticket | None:
        """This person's ticket of this service today if no paper of it is known to have come out.

        Read-only. The person asking again is given it on paper instead of a refusal.
        """
        ...

    def quotas(self, now: datetime) -> list[ServiceQuota]:
        """Today's standing of every service."""
        ...

    def sent_to_desk(self, nik_hash: str, now: datetime) -> bool:
        """Whether the office put this NIK hash on today's broker list; read-only. Over HTTP: as of
        the last mirror. Asked before the person confirms; the issue still decides."""
        ...

    def notice(self, now: datetime) -> Notice | None:
        """The office's notice shown at ``now`` (None: none, or expired). Over HTTP: as of the
        last quotas answer (it comes with it), so an offline kiosk keeps the last one it knew."""
        ...

    def find_ticket(self, day: date, number: str) -> Ticket | None: ...

    def record_reprint(self, ticket_id: str, limit: int | None) -> Ticket:
        """Count one reprint; raises ``Refusal(REPRINT_USED)`` past ``limit`` (None: no limit)."""
        ...

    def mark_printed(self, ticket_id: str, printed: bool) -> None: ...

    def tickets(self, day: date) -> list[Ticket]: ...

    def daily_report(self, day: date, now: datetime) -> DailyReport: ...

    def status(self) -> BackendStatus | None:
        """The link to the central server, for the technician; None for a local day book (no link)."""
        ...

    def sync_now(self) -> SyncSummary | None:
        """Send what was done offline to the central server now; None for a local day book (no server)."""
        ...

    def report_health(self, printer_state: str, now: datetime) -> None:
        """Tell the central server how this kiosk is (printer state, unsynced tickets, its time),
        for the office's page; best effort, never raises. A local day book does nothing."""
        ...


@record
class BackendStatus:
    """For the technician screen: is the server there, how fast, what waits to be synced."""

    online: bool
    latency_ms: float | None
    last_error: str | None  # the last failed call in a technician's words, e.g. "GET /quotas: timeout"
    last_sync: datetime | None
    unsynced: int  # tickets issued offline, not yet on the server
    leased_free: dict[str, int] = field(default_factory=dict)  # unused leased numbers per service
    # Offline tickets the server kept otherwise than printed, or did not take: a technician looks.
    conflicts: tuple[str, ...] = ()


@record
class SyncSummary:
    """What one sync did, for ``kiosk sync`` and the technician."""

    sent: int  # offline tickets sent to the server (each kept, or listed in ``new_conflicts``)
    released: int  # unused leased numbers given back
    voided: int  # requests in doubt undone on the server
    new_conflicts: tuple[str, ...]  # offline tickets this sync listed: kept otherwise than printed, or unknown
    unsynced: int  # what still waits (0 after a complete sync)
    leased_free: dict[str, int] = field(default_factory=dict)  # unused leased numbers per service now


@record
class PrinterReadiness:
    """Whether a ticket can be printed now. ``state`` is one of the printer's named states."""

    can_print: bool
    state: str
    warning: str | None = None  # e.g. "paper_near_end": keep printing, tell the technician


class PrinterStatusReport(Protocol):
    """The printer's full status for the technician: its state and each status bit in words."""

    @property
    def state(self) -> str:
        """The named state, e.g. ``paper_out``."""
        ...

    @property
    def can_print(self) -> bool: ...

    @property
    def detail(self) -> str:
        """Why there is no status (e.g. the connection error); "" when the printer answered."""
        ...

    def describe(self, language: str) -> str:
        """The state in plain words."""
        ...

    def conditions(self, language: str) -> list[str]:
        """Each status bit the printer answered, in plain words; empty if it has none."""
        ...

    def raw_lines(self) -> list[str]:
        """Each raw reply, for the technician (``DLE EOT 4: 0x12 ...``)."""
        ...


class TicketPrinter(Protocol):
    def readiness(self) -> PrinterReadiness:
        """Ask the printer, with a short timeout. A printer that does not answer cannot print."""
        ...

    def print_ticket(self, ticket: Ticket, language: str | None = None) -> None:
        """Print one ticket; raise ``SystemFault(PRINTER_FAULT)`` if it did not come out.

        ``language``: the person's language, for the ticket's printed labels (the use case gives
        the ticket its service name and documents in it); None: the printer's configured language.

        ``SystemFault(PRINTER_HOLDS_TICKET, state=...)``: the printer took the whole ticket but
        reports a fault (cover open, paper out); it prints it once that is cleared. Never resend it.
        ``SystemFault(PRINTER_MAYBE_PRINTED, state=...)``: the whole ticket went out, but no valid
        answer came after it; it may be on paper. Never resend it without the person deciding.
        """
        ...

    def status(self) -> PrinterStatusReport:
        """Everything the printer says about itself (never raises: silence is a status too)."""
        ...

    def test_page(self) -> None:
        """Print the self-test page; raise ``SystemFault(PRINTER_FAULT)`` if it did not come out."""
        ...

    def feed_and_cut(self) -> None:
        """Feed a few lines and cut (clears a half-printed ticket)."""
        ...


class BrokerList(Protocol):
    """The office's list of brokers ("calo"), kept by the office (issue 14: office overrides).

    The booking website asks it before writing a booking. Until the office's list exists,
    ``NoBrokerList`` stands in: nobody is on it.
    """

    def is_listed(self, nik_hash: str) -> bool:
        """Whether this NIK hash is on the office's broker list."""
        ...


class NoBrokerList:
    """No broker list configured yet: every NIK may book (the per-NIK caps still hold)."""

    def is_listed(self, nik_hash: str) -> bool:
        return False


class CallingBackend(Protocol):
    """A counter's calling: the local day book (``LocalCalls``) or the API (``HttpCalls``)."""

    def step(
        self, counter_id: str, step: Step, key: str, ticket_id: str | None = None, service_code: str | None = None
    ) -> Call:
        """One step at a counter; the same ``key`` repeats the same step, never a second one."""
        ...

    def counter(self, counter_id: str) -> dict[str, Any]:
        """The counter's view as plain data: ``counter``, ``current`` (a call or None), ``waiting``."""
        ...

    def close(self) -> None: ...
