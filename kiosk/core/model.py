"""The kiosk's domain objects: services, bookings, tickets, quota, reports."""

from __future__ import annotations

from dataclasses import field
from datetime import date, datetime, time
from enum import StrEnum

from kiosk.core.record import record


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


@record
class Service:
    """A service of the office: its ticket prefix, daily quota and documents to bring."""

    code: str
    prefix: str
    name: str
    daily_quota: int
    documents: tuple[str, ...] = ()
    walk_in: bool = True
    minutes_per_person: int = 6
    standard_wait_minutes: int = 0  # the office's "Standar Pelayanan" for the wait; 0: none set
    # The name and documents in other languages (config ``name_en``, ``documents_jv`` ...), as
    # (language, text) pairs: a frozen dataclass keeps no dict. Without one: the Indonesian.
    local_names: tuple[tuple[str, str], ...] = ()
    local_documents: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def name_in(self, language: str) -> str:
        """The service's name for a person reading ``language``."""
        return dict(self.local_names).get(language, self.name)

    def documents_in(self, language: str) -> tuple[str, ...]:
        """The documents to bring, for a person reading ``language``."""
        return dict(self.local_documents).get(language, self.documents)


@record
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


@record
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


@record
class WalkInRequest:
    """A person asking for a walk-in number, as every backend's ``issue_walk_in`` takes it.

    No raw NIK: its keyed hash (for the caps) and its mask (for the ticket). A known
    ``idempotency_key`` gives the ticket issued for it earlier, unchanged; a new ticket is
    stamped ``issued_at=now``.
    """

    service_code: str
    nik_hash: str
    nik_masked: str
    priority: Priority | None
    now: datetime
    idempotency_key: str


@record
class TicketDraft:
    """A ticket before its number: for whom, for what and when. The store that numbers it
    (the day book, or an http kiosk's leased block) adds the number and the place in line."""

    service: Service
    now: datetime  # in WIB: the ticket's day is this date
    kind: TicketKind
    holder: str  # what the ticket may show of the person: masked NIK or booking code
    nik_hash: str | None  # for the per-NIK caps; None only where no person is known
    idempotency_key: str
    priority: Priority | None = None
    booking_code: str | None = None

    @property
    def day(self) -> date:
        return self.now.date()


@record
class OfflineTicket:
    """A leased number a kiosk printed while offline, as it reports it at sync: written over the
    number's placeholder exactly as printed (the person holds that paper)."""

    ticket_id: str
    number: str
    kind: TicketKind
    holder: str
    nik_hash: str | None
    priority: Priority | None
    booking_code: str | None
    issued_at: str  # ISO 8601 as the kiosk stamped it: a resent sync is told by it, unchanged
    printed: bool
    reprints: int


@record
class NikTickets:
    """Today's numbers of one person (by NIK hash), as a store counts them for the caps.

    Every ticket counts, whatever its kind: a checked-in booking is a number for its service
    as much as a walk-in is. The rule that judges these counts is ``rules.check_nik_caps``.
    """

    same_service: int  # tickets of the service asked for
    today: int  # tickets of any service


@record
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


@record
class ReportRow:
    """One service's line of the daily report."""

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
    # the satisfaction index (kiosk.core.satisfaction): ratings given, index 25-100, grade A-D
    ratings: int = 0
    satisfaction_index: float | None = None
    satisfaction_grade: str | None = None


@record
class AuditEntry:
    """One office action (kiosk.core.office): who (the supervisor's token name), when, what, why."""

    at: datetime
    who: str
    action: str
    target: str  # a service code, a counter id, "kiosk" for a notice, a ticket number for a referral
    detail: str
    why: str


@record
class DailyReport:
    """The day's figures per service, and the office actions of that day."""

    day: date
    site: str
    rows: tuple[ReportRow, ...] = field(default_factory=tuple)
    office_actions: tuple[AuditEntry, ...] = field(default_factory=tuple)  # the day's audit log, in order

    @property
    def total_tickets(self) -> int:
        return sum(r.check_ins + r.walk_ins for r in self.rows)


@record
class IssueResult:
    """What a check-in or walk-in gives the person: the ticket, and whether it came out."""

    ticket: Ticket
    printed: bool
    print_problem: str | None = None  # a Reason value when printing failed
    existing: bool = False  # True when an idempotent retry returned an earlier ticket
    printer_state: str | None = None  # the printer's named state when printing failed, e.g. "cover_open"
    language: str | None = None  # the ticket's language (the person's); None: the printer's configured one
