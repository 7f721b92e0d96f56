"""The use cases every entry point calls: the Kivy UI, the CLI and the HTTP server.

They validate what a person typed, hash the NIK before it goes anywhere, ask the backend to
apply the rules atomically, and hand the ticket to the printer. A raw NIK lives only in the
arguments of these functions: it is never stored, logged or returned.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date
from functools import partial
from typing import Literal

from kiosk.core import nik as nik_rules
from kiosk.core import rules
from kiosk.core.clock import Clock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, KioskError, Reason, Refusal, SystemFault
from kiosk.core.model import (
    Booking,
    BookingStatus,
    DailyReport,
    IssueResult,
    Priority,
    Service,
    ServiceQuota,
    Ticket,
    TicketKind,
    WalkInRequest,
)
from kiosk.core.office import DayOverrides, Notice
from kiosk.core.ports import BookingBackend, PrinterReadiness, SyncSummary, TicketPrinter

# The printer states the office's page names in words (printer/status.py); anything else is "unknown".
PRINTER_STATES = frozenset(
    {"ready", "paper_near_end", "paper_out", "cover_open", "offline", "cutter_error", "unrecoverable_error", "unknown"}
)

log = logging.getLogger(__name__)

LookupKind = Literal["nik", "code"]
CITIZEN_REPRINTS = 1  # "already checked in: the ticket number, and one reprint allowed"


def new_idempotency_key() -> str:
    import uuid  # with platform, ~2 ms: not before the kiosk's first frame

    return str(uuid.uuid4())


def parse_priority(raw: str | None) -> Priority | None:
    if raw is None or raw == "":
        return None
    try:
        return Priority(raw.strip().lower())
    except ValueError:
        raise BadInput(Reason.PRIORITY_UNKNOWN, value=raw[:20]) from None


@dataclass
class Kiosk:
    """The service layer: one instance per running kiosk, built by ``kiosk.bootstrap``."""

    config: Config
    backend: BookingBackend
    hasher: nik_rules.NikHasher
    clock: Clock
    printer: TicketPrinter | None = None

    # -- looking up -----------------------------------------------------------------------

    def find_booking(self, query: str, kind: LookupKind | None = None) -> Booking:
        """Today's booking for a NIK or booking code, or the refusal that explains why not.

        ``kind`` says what the person typed ("nik" or "code"); without it the query's shape
        decides. A NIK with bookings on other days only gets ``BOOKING_WRONG_DAY`` naming the
        nearest one.
        """
        digits = nik_rules.clean(query or "")
        if kind == "nik" or (kind is None and (digits.isdigit() or not digits)):
            nik = nik_rules.validate(digits)
            found = self.backend.find_bookings_by_nik(self.hasher.hash(nik))
            return self._pick_for_today(found)
        code = rules.normalize_code(query)
        booking = self.backend.find_booking(code)
        if booking is None:
            raise Refusal(Reason.BOOKING_NOT_FOUND)
        # Checked in today already: the screen shows the number and offers the reprint. A number
        # from another day is not this person's today (A-001 today is somebody else's ticket).
        checked_in_today = booking.ticket_number is not None and booking.day == self.clock.now().date()
        if not checked_in_today:
            rules.check_booking(booking, self.clock.now(), self.config)
        return booking

    def _pick_for_today(self, found: list[Booking]) -> Booking:
        if not found:
            raise Refusal(Reason.BOOKING_NOT_FOUND)
        today = self.clock.now().date()
        todays = [b for b in found if b.day == today]
        live = [b for b in todays if b.status == BookingStatus.BOOKED and b.site == self.config.site.code]
        pending = [b for b in live if not b.checked_in]
        if pending:
            return pending[0]
        if live:
            return live[0]  # already checked in: the screen shows its number and offers a reprint
        if todays:
            rules.check_booking(todays[0], self.clock.now(), self.config)
            return todays[0]
        upcoming = [b for b in found if b.day > today and b.status == BookingStatus.BOOKED]
        nearest = upcoming[0] if upcoming else found[-1]
        raise Refusal(Reason.BOOKING_WRONG_DAY, day=nearest.day.isoformat())

    # -- issuing --------------------------------------------------------------------------

    def check_in(
        self,
        query: str,
        idempotency_key: str | None = None,
        kind: LookupKind | None = None,
        language: str | None = None,
    ) -> IssueResult:
        """Check in today's booking for a NIK or code and print its ticket (in ``language``, see ``_print``).

        Checking in twice never makes a second number: the second time is refused with the
        first ticket's number (``ALREADY_CHECKED_IN``), from which one reprint is allowed.
        """
        booking = self.find_booking(query, kind)
        if booking.ticket_number is not None:
            if idempotency_key is None:
                raise Refusal(
                    Reason.ALREADY_CHECKED_IN,
                    number=booking.ticket_number,
                    code=booking.code,
                    reprint_left=self.booking_reprint_left(booking),
                )
            # A retry of a check-in whose answer got lost: the backend returns the ticket it
            # made for this key, or refuses with the number if the key is not the one it knows.
            try:
                ticket = self.backend.check_in(booking.code, self.clock.now(), idempotency_key)
            except Refusal as exc:
                if exc.reason != Reason.ALREADY_CHECKED_IN:
                    raise
                raise Refusal(Reason.ALREADY_CHECKED_IN, number=booking.ticket_number, code=booking.code) from None
            if ticket.booking_code != booking.code:
                raise BadInput(Reason.KEY_REUSED)  # the key's ticket is another request's: never hand it out
            return self._print(ticket, existing=True, language=language)
        self._require_printer()
        ticket = self.backend.check_in(booking.code, self.clock.now(), idempotency_key or new_idempotency_key())
        if ticket.booking_code != booking.code:
            raise BadInput(Reason.KEY_REUSED)  # the key's ticket is another request's: never hand it out
        log.info("checked in booking as %s", ticket.number)
        return self._print(ticket, language=language)

    def issue_walk_in(
        self,
        service_code: str,
        nik: str,
        priority: Priority | None = None,
        idempotency_key: str | None = None,
        language: str | None = None,
    ) -> IssueResult:
        """Issue a walk-in number if quota and the per-NIK caps allow, then print it (in ``language``)."""
        number = nik_rules.validate(nik)
        service = self.config.service(service_code)
        if service is None:
            raise BadInput(Reason.SERVICE_UNKNOWN, service=service_code[:20])
        now = self.clock.now()
        rules.check_priority(priority, nik_rules.age(number, now.date()))
        self._require_printer()
        nik_hash = self.hasher.hash(number)
        own = self.backend.unprinted_ticket(nik_hash, service.code, now) if self.printer is not None else None
        if own is not None:
            # The person asks again for the number they were given but never got on paper: it is
            # theirs, so it is printed (its first paper) instead of "already has a number".
            log.info("walk-in %s asked for again: printing it, its paper did not come out", own.number)
            return self._print(self._restated(own, marked=False), existing=True, language=language)
        request = WalkInRequest(
            service_code=service.code,
            nik_hash=nik_hash,
            nik_masked=nik_rules.mask(number),
            priority=priority,
            now=now,
            idempotency_key=idempotency_key or new_idempotency_key(),
        )
        ticket = self.backend.issue_walk_in(request)
        if idempotency_key is not None:
            self._require_own(ticket, request)
        # Only a caller-supplied key can be a retry. A replay returns the ticket issued earlier:
        # stamped before ``now`` (backends stamp a new ticket with the ``now`` they are given),
        # or already printed, which a new ticket never is. A server may also answer with this
        # person's earlier ticket of the service that never came out on paper (the kiosk that
        # asked for it never heard the answer): stamped before ``now`` too, printed now.
        existing = idempotency_key is not None and (ticket.issued_at < now or ticket.printed)
        if not existing:
            log.info("issued walk-in %s", ticket.number)
        if ticket.issued_at < now and not ticket.printed:
            ticket = self._restated(ticket, marked=False)
        return self._print(ticket, existing=existing, language=language)

    def _require_own(self, ticket: Ticket, request: WalkInRequest) -> None:
        """A ticket given back for a caller's key must be this request's: a key reused for another
        person (a script's ``--key``) would hand out someone else's number, a second paper of it.

        A replay is this person's walk-in of this service, and they then hold one of that service.
        """
        if (ticket.kind, ticket.service_code, ticket.holder) != (
            TicketKind.WALK_IN,
            request.service_code,
            request.nik_masked,
        ) or self.backend.nik_ticket_counts(request.nik_hash, request.service_code, request.now).same_service < 1:
            raise BadInput(Reason.KEY_REUSED)

    def precheck_walk_in(self, service_code: str, nik: str, priority: Priority | None = None) -> None:
        """Raise now what ``issue_walk_in`` would refuse, before the person is asked to confirm.

        Read-only: nothing is issued or reserved. The NIK's structure and the priority rule are
        checked offline; quota, the per-NIK caps and an open booking are read from the backend.
        The issuing transaction checks all of it again: another kiosk may be quicker.
        """
        number = nik_rules.validate(nik)
        service = self.config.service(service_code)
        now = self.clock.now()
        rules.check_priority(priority, nik_rules.age(number, now.date()))
        nik_hash = self.hasher.hash(number)
        quota = next((q for q in self.quotas() if service and q.service.code == service.code), None)
        if (
            self.printer is not None
            and service is not None
            and self.backend.unprinted_ticket(nik_hash, service.code, now) is not None
        ):
            return  # their own number of this service never came out: ``issue_walk_in`` prints it
        if service is not None and quota is not None and quota.closed_reason is not None:
            # Closed by the office: its reason, as the issue says it (not "full", which it is not).
            DayOverrides(closed={service.code: quota.closed_reason}).check_open(service, self.config)
        if service is not None and self.backend.sent_to_desk(nik_hash, now):
            raise Refusal(Reason.REFER_TO_DESK)  # as the issue would (DayOverrides.check_not_referred)
        remaining = quota.remaining if quota is not None else 0
        held = self.backend.nik_ticket_counts(nik_hash, service.code if service else "", now)
        bookings = partial(self.backend.find_bookings_by_nik, nik_hash)
        rules.check_walk_in_now(service, service_code, now, self.config, remaining, held, bookings)

    def reprint(
        self, number: str, day: date | None = None, technician: bool = False, language: str | None = None
    ) -> IssueResult:
        """Print a ticket again: once for a citizen, as often as needed for a technician.

        ``language``: the person's, as at issue (``_print``); the technician's reprint passes none.

        A ticket no paper of which is known to have come out (its print failed before anything
        went to the printer) gets its first paper: not marked "CETAK ULANG", not counted as the
        reprint, as often as it takes. A ticket that came out, or may have (``printed``), gets a
        marked reprint, counted once its paper is out or may be (a printer fault that put nothing
        on paper does not use up the citizen's one reprint).
        """
        day = day or self.clock.now().date()
        ticket = self.backend.find_ticket(day, number)
        if ticket is None:
            raise BadInput(Reason.TICKET_UNKNOWN, number=number.strip()[:10])
        self._require_printer()
        if not ticket.printed and self.printer is not None:
            log.info("printing %s, whose paper did not come out before", ticket.number)
            return self._print(self._restated(ticket, marked=False), language=language)
        limit = None if technician else CITIZEN_REPRINTS
        if limit is not None and ticket.reprints >= limit:
            raise Refusal(Reason.REPRINT_USED, number=ticket.number)
        result = self._print(self._restated(replace(ticket, reprints=ticket.reprints + 1)), language=language)
        if result.print_problem == Reason.PRINTER_FAULT.value:
            # Nothing came out: the citizen's one reprint is not used up by the printer's fault.
            return replace(result, ticket=replace(result.ticket, reprints=ticket.reprints))
        try:
            self.backend.record_reprint(ticket.id, limit)  # counted once its paper is (or may be) out
        except Refusal as exc:  # another kiosk reprinted it at the same moment: this paper is out anyway
            log.warning("reprint of %s counted elsewhere first: %s", ticket.number, exc.reason.value)
        return result

    def reprint_allowed(self, ticket: Ticket, technician: bool = False) -> bool:
        """Would ``reprint`` print this ticket (for a citizen: the one reprint not used yet)?"""
        return technician or (not ticket.printed and self.printer is not None) or ticket.reprints < CITIZEN_REPRINTS

    @staticmethod
    def may_print_again(result: IssueResult) -> bool:
        """May the citizen ask for this ticket again ("Cetak lagi") after it did not come out?

        Not when it came out, nor when the printer holds it (it comes out by itself). A ticket
        whose paper never came out may always be asked for; a paper that may be out allows the
        citizen's one reprint, and a failed reprint used it (it is never offered, then refused).
        """
        if result.printed or result.print_problem == Reason.PRINTER_HOLDS_TICKET.value:
            return False
        return result.ticket.reprinted_at is None or result.ticket.reprints < CITIZEN_REPRINTS

    def booking_reprint_left(self, booking: Booking) -> bool:
        """May the citizen still have the ticket of this checked-in booking printed again?"""
        if booking.ticket_number is None:
            return False
        ticket = self.backend.find_ticket(booking.day, booking.ticket_number)
        return ticket is not None and self.reprint_allowed(ticket)

    def unprinted_today(self) -> list[Ticket]:
        """Today's tickets no paper of which is known to have come out, for the technician."""
        return [t for t in self.tickets_today() if not t.printed]

    def _restated(self, ticket: Ticket, marked: bool = True) -> Ticket:
        """The ticket as its reprint shows it: marked "CETAK ULANG" with the time of the reprint,
        and people ahead and the wait as they stand now, not as they stood at issue. The first
        paper of a ticket printed late (``marked=False``) shows the queue as it stands now too.

        The counters' calls since issue are not known here, so the day book's rule for a queue
        nobody reports calls for is applied to this ticket: one person called per the pace its
        estimate was made at (or the service's minutes per person) since it was issued.
        """
        now = self.clock.now()
        service = self.config.service(ticket.service_code)
        pace = ticket.wait_minutes / ticket.people_ahead if ticket.people_ahead else 0.0
        if pace <= 0:
            pace = float(service.minutes_per_person if service is not None else Service.minutes_per_person)
        elapsed_minutes = max(0.0, (now - ticket.issued_at).total_seconds() / 60)
        ahead = max(0, ticket.people_ahead - int(elapsed_minutes // pace))
        return replace(
            ticket, reprinted_at=now if marked else None, people_ahead=ahead, wait_minutes=round(ahead * pace)
        )

    def reprint_booking(self, query: str, language: str | None = None) -> IssueResult:
        """The one reprint a citizen gets when their booking was already checked in."""
        booking = self.find_booking(query)
        if booking.ticket_number is None:
            raise Refusal(Reason.BOOKING_NOT_FOUND)
        return self.reprint(booking.ticket_number, language=language)

    def _require_printer(self) -> None:
        readiness = self.printer_readiness()
        if readiness is not None and not readiness.can_print:
            raise Refusal(Reason.PRINTER_NOT_READY, state=readiness.state)

    def printer_readiness(self) -> PrinterReadiness | None:
        return self.printer.readiness() if self.printer is not None else None

    def in_language(self, ticket: Ticket, language: str | None) -> Ticket:
        """The ticket as a person reading ``language`` gets it: its service's name and documents
        in that language (the configured ``name_en``, ``documents_jv`` ...; else the Indonesian).
        None: the ticket as the day book has it."""
        service = self.config.service(ticket.service_code)
        if language is None or service is None:
            return ticket
        return replace(ticket, service_name=service.name_in(language), documents=service.documents_in(language))

    def _print(self, ticket: Ticket, existing: bool = False, language: str | None = None) -> IssueResult:
        """Print after the number is committed; a failed print keeps the ticket, marked unprinted.

        ``language`` is the person's (the kiosk's chosen language): the ticket is printed with its
        labels, service name and documents in it, and the result carries it (for the preview).
        None prints in the printer's configured language (the technician's reprint, the API).

        A retried request whose ticket already came out is not printed a second time. A ticket
        the printer holds (``PRINTER_HOLDS_TICKET``: it took the whole job, then reported a fault
        such as its cover open) comes out by itself once the fault is cleared: the result says it
        has not come out, but the day book records it as printed, so that no retry and no reprint
        offer makes a second paper of the same number. A ticket that may have come out
        (``PRINTER_MAYBE_PRINTED``: the whole job went out, no answer came after it) is recorded
        as printed too: any further paper of it is a marked reprint that the person asked for.
        A failed print never records a ticket that came out before as unprinted.
        """
        ticket = self.in_language(ticket, language)
        if existing and ticket.printed:
            return IssueResult(ticket=ticket, printed=True, existing=True, language=language)
        if self.printer is None:
            return IssueResult(
                ticket=replace(ticket, printed=False), printed=False, existing=existing, language=language
            )
        try:
            self.printer.print_ticket(ticket, language)
        except KioskError as exc:
            held = exc.reason == Reason.PRINTER_HOLDS_TICKET
            maybe = exc.reason == Reason.PRINTER_MAYBE_PRINTED
            state = str(exc.params["state"]) if exc.params.get("state") else None
            if held:
                log.warning("ticket %s is held by the printer (%s): not to be printed again", ticket.number, state)
            elif maybe:
                log.warning("ticket %s may have been printed: a reprint only when asked for, marked", ticket.number)
            else:
                log.warning("ticket %s not printed: %s", ticket.number, exc.reason.value)
            if held or maybe or not ticket.printed:
                self._mark_printed(ticket, held or maybe)
            return IssueResult(
                ticket=replace(ticket, printed=False),
                printed=False,
                print_problem=exc.reason.value,
                existing=existing,
                printer_state=state,
                language=language,
            )
        self._mark_printed(ticket, True)
        return IssueResult(ticket=replace(ticket, printed=True), printed=True, existing=existing, language=language)

    def _mark_printed(self, ticket: Ticket, printed: bool) -> None:
        try:
            self.backend.mark_printed(ticket.id, printed)
        except SystemFault as exc:  # the ticket exists either way; only the flag is late
            log.error("could not record print state of %s: %s", ticket.number, exc.reason.value)

    # -- looking around -------------------------------------------------------------------

    def quotas(self) -> list[ServiceQuota]:
        return self.backend.quotas(self.clock.now())

    def notice(self) -> Notice | None:
        """The office's notice for the home screen now (None: none, or expired)."""
        return self.backend.notice(self.clock.now())

    def walk_in_services(self) -> list[ServiceQuota]:
        return [q for q in self.quotas() if q.service.walk_in]

    def daily_report(self, day: date | None = None) -> DailyReport:
        return self.backend.daily_report(day or self.clock.now().date(), self.clock.now())

    def report_health(self, readiness: PrinterReadiness | None) -> None:
        """Tell the office how this kiosk is (``BookingBackend.report_health``): the printer's named
        state (``paper_near_end`` when it still prints but warns), "unknown" when it did not answer."""
        state = "unknown" if readiness is None else (readiness.warning or readiness.state)
        self.backend.report_health(state if state in PRINTER_STATES else "unknown", self.clock.now())

    def sync_now(self) -> SyncSummary | None:
        """Send an http kiosk's offline tickets to the server now; None on a local day book."""
        return self.backend.sync_now()

    def tickets_today(self) -> list[Ticket]:
        return self.backend.tickets(self.clock.now().date())

    def suggests_priority(self, nik: str) -> Priority | None:
        """Elderly priority suggested from the NIK's birth date (the person may decline)."""
        if nik_rules.suggests_elderly(nik, self.clock.now().date()):
            return Priority.ELDERLY
        return None

    def priorities_for(self, nik: str) -> tuple[Priority, ...]:
        """The priority groups a NIK may choose: elderly only when its birth date says 60 or over."""
        allowed = tuple(p for p in Priority if p != Priority.ELDERLY)
        return ((Priority.ELDERLY,) if self.suggests_priority(nik) else ()) + allowed
