"""The kiosk's domain objects: services, bookings, tickets, quota, reports."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum


class Priority(StrEnum):
    """Priority groups served first (UU 25/2009 art. 29)."""

    ELDERLY = "elderly"
    DISABLED = "disabled"
    PREGNANT = "pregnant"


class TicketKind(StrEnum):
    ONLINE = "online"
    WALK_IN = "walk_in"


class BookingStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class Service:
    code: str
    prefix: str
    name: str
    daily_quota: int
    documents: tuple[str, ...] = ()
    walk_in: bool = True
    minutes_per_person: int = 6


@dataclass(frozen=True)
class Booking:
    """An online booking as the kiosk knows it: no raw NIK, only its keyed hash and mask."""

    code: str
    nik_hash: str
    nik_masked: str
    name: str
    service_code: str
    day: date
    slot: time
    site: str
    status: BookingStatus = BookingStatus.BOOKED
    ticket_number: str | None = None

    @property
    def checked_in(self) -> bool:
        return self.ticket_number is not None


@dataclass(frozen=True)
class Ticket:
    """An issued queue number. Once issued it is never reused and never lost."""

    id: str
    number: str
    service_code: str
    service_name: str
    day: date
    seq: int
    kind: TicketKind
    issued_at: datetime
    holder: str  # masked NIK or booking code: what the ticket may show of the person
    priority: Priority | None = None
    booking_code: str | None = None
    people_ahead: int = 0
    wait_minutes: int = 0
    kiosk_id: str = ""
    printed: bool = False
    reprints: int = 0
    documents: tuple[str, ...] = ()
    reprinted_at: datetime | None = None  # set on the paper of a reprint: "CETAK ULANG" and its own time


@dataclass(frozen=True)
class ServiceQuota:
    """How a service stands today: ``remaining`` is what walk-ins may still take."""

    service: Service
    bookings_valid: int
    walk_ins_issued: int
    checked_in: int = 0
    closed_reason: str | None = None  # closed for today by the office (kiosk.core.office), and why

    @property
    def remaining(self) -> int:
        if not self.service.walk_in or self.closed_reason is not None:
            return 0
        return max(0, self.service.daily_quota - self.bookings_valid - self.walk_ins_issued)

    @property
    def full(self) -> bool:
        return self.remaining == 0


@dataclass(frozen=True)
class ReportRow:
    service_code: str
    service_name: str
    bookings: int
    check_ins: int
    walk_ins: int
    no_shows: int
    priority: int
    # from the counters' calls (kiosk.backends.calls.figures): absent = called and not there (no-show)
    served: int = 0
    absent: int = 0
    median_wait_minutes: float | None = None  # from issue to the first call
    median_service_minutes: float | None = None  # from the call to "done"


@dataclass(frozen=True)
class DailyReport:
    day: date
    site: str
    rows: tuple[ReportRow, ...] = field(default_factory=tuple)

    @property
    def total_tickets(self) -> int:
        return sum(r.check_ins + r.walk_ins for r in self.rows)


@dataclass(frozen=True)
class IssueResult:
    """What a check-in or walk-in gives the person: the ticket, and whether it came out."""

    ticket: Ticket
    printed: bool
    print_problem: str | None = None  # a Reason value when printing failed
    existing: bool = False  # True when an idempotent retry returned an earlier ticket
    printer_state: str | None = None  # the printer's named state when printing failed, e.g. "cover_open"
