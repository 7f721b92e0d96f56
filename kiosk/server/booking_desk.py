"""The booking website's service layer: what each page action does, for the blueprint to call.

The pages parse nothing themselves and hold no rule: they hand the raw form fields here. The
NIK is checked (python-stdnum, ``kiosk.core.nik``), hashed with the site secret and masked at
once; only the hash and the mask go further. The day book decides in its own transaction.
"""

from __future__ import annotations

import hmac
import re
from datetime import date, datetime, time

from kiosk.backends.daybook import DayBook
from kiosk.core import booking as booking_rules
from kiosk.core import nik as nik_rules
from kiosk.core import rules
from kiosk.core.booking import BookingRequest
from kiosk.core.clock import Clock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.model import Booking, BookingStatus, Service
from kiosk.core.nik import NikHasher
from kiosk.core.ports import BrokerList, NoBrokerList
from kiosk.core.record import record
from kiosk.server.booking_guard import RateLimiter, Signer

SLOT = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
NAME_MAX = 60
PROOF_MINUTES = 30  # how long a shown booking may be cancelled or moved without typing the NIK again


@record
class DayChoice:
    """A day on the booking page: its free places, or when booking for it opens."""

    day: date
    free: int
    opens: datetime | None  # set while booking for the day is not open yet

    @property
    def open(self) -> bool:
        return self.opens is None


@record
class Shown:
    """A booking its holder has proved with the NIK, and the proof to change it without retyping."""

    booking: Booking
    proof: str


class BookingDesk:
    """One per server: the day book, the hasher, the clock, the limits and the broker list."""

    def __init__(
        self,
        config: Config,
        book: DayBook,
        hasher: NikHasher,
        clock: Clock,
        proofs: Signer,
        brokers: BrokerList | None = None,
    ) -> None:
        self.config = config
        self.book = book
        self.hasher = hasher
        self.clock = clock
        self.proofs = proofs
        self.brokers = brokers or NoBrokerList()
        site = config.booking_site
        window = site.attempts_window_minutes * 60
        self.per_address = RateLimiter(site.attempts_per_address, window)
        self.per_nik = RateLimiter(site.attempts_per_nik, window)

    def now(self) -> datetime:
        return self.clock.now()

    # -- what the pages offer ----------------------------------------------------------------

    def services(self) -> list[Service]:
        """Services that can be booked online (an online share of their quota)."""
        return [s for s in self.config.services if booking_rules.online_capacity(s, self.config) > 0]

    def service(self, raw: str) -> Service:
        found = self.config.service(raw or "")
        if found is None or found not in self.services():
            raise BadInput(Reason.SERVICE_UNKNOWN, service=(raw or "")[:20])
        return found

    def days(self, service: Service) -> list[DayChoice]:
        now = self.now()
        offered = booking_rules.offered_days(now, self.config)
        loads = self.book.booking_loads(service.code, offered)
        out = []
        for day in offered:
            opens = booking_rules.opens_at(day, self.config)
            free = sum(booking_rules.free_by_slot(service, loads[day], self.config).values())
            out.append(DayChoice(day, free, opens if now < opens else None))
        return out

    def slots(self, service: Service, day: date) -> list[tuple[time, int]]:
        """Each slot window of a day with its free places."""
        load = self.book.booking_loads(service.code, [day])[day]
        return list(booking_rules.free_by_slot(service, load, self.config).items())

    def days_with_room(self, service: Service, after: date) -> list[date]:
        return booking_rules.days_with_room([(d.day, d.free) for d in self.days(service) if d.open], after)

    # -- booking -----------------------------------------------------------------------------

    def parse_day(self, raw: str) -> date:
        return rules.parse_day((raw or "")[:20])

    def parse_slot(self, raw: str) -> time | None:
        raw = (raw or "").strip()
        if not raw:
            return None
        if not SLOT.match(raw):
            raise BadInput(Reason.BOOKING_SLOT_UNKNOWN, slot=raw[:5])
        return time.fromisoformat(raw)

    def check_address(self, client: str) -> None:
        """Count one attempt of a client address (every POST of the booking pages)."""
        self.per_address.hit(client)

    def book_online(self, service_raw: str, day_raw: str, slot_raw: str, nik_raw: str, name: str) -> Booking:
        """Book, or raise the ``KioskError`` the page explains (a full day carries the next days with room)."""
        service = self.service(service_raw)
        day = self.parse_day(day_raw)
        slot = self.parse_slot(slot_raw)
        number = nik_rules.validate(nik_raw)
        nik_hash = self.hasher.hash(number)
        self.per_nik.hit(nik_hash)
        request = BookingRequest(
            service.code, day, slot, nik_hash, nik_rules.mask(number), " ".join(name.split())[:NAME_MAX]
        )
        try:
            return self.book.book_online(request, self.now(), self.brokers.is_listed(nik_hash))
        except Refusal as refusal:
            if refusal.reason == Reason.BOOKING_DAY_FULL:
                others = self.days_with_room(service, day)
                raise Refusal(refusal.reason, **refusal.params, others=[d.isoformat() for d in others]) from None
            raise

    # -- seeing, cancelling, moving ----------------------------------------------------------

    def show(self, code_raw: str, nik_raw: str) -> Shown:
        """A booking for its code and NIK; the same refusal whether the code or the NIK is wrong."""
        number = nik_rules.validate(nik_raw)  # the form of the NIK says nothing about the code
        nik_hash = self.hasher.hash(number)
        self.per_nik.hit(nik_hash)
        try:
            code = rules.normalize_code(code_raw)
        except BadInput:
            raise Refusal(Reason.BOOKING_NO_MATCH) from None
        found = self.book.find_booking(code)
        if found is None or not _same(found.nik_hash, nik_hash):
            raise Refusal(Reason.BOOKING_NO_MATCH)
        return Shown(found, self.proofs.sign(found.code, found.nik_hash))

    def proven(self, code_raw: str, proof: str) -> Booking:
        """The booking a proof from ``show`` was made for; ``FORM_EXPIRED`` when it is old or not for it."""
        try:
            code = rules.normalize_code(code_raw)
        except BadInput:
            raise Refusal(Reason.BOOKING_FORM_TAMPERED) from None
        found = self.book.find_booking(code)
        if found is None or not self.proofs.valid(proof, found.code, found.nik_hash):
            raise Refusal(Reason.BOOKING_FORM_EXPIRED)
        return found

    def cancel(self, code_raw: str, proof: str) -> Booking:
        found = self.proven(code_raw, proof)
        return self.book.cancel_online(found.code, found.nik_hash, self.now())

    def move(self, code_raw: str, proof: str, when_raw: str) -> Shown:
        """Move to ``YYYY-MM-DD HH:MM`` (a choice of the page's list)."""
        found = self.proven(code_raw, proof)
        day_raw, _, slot_raw = (when_raw or "").strip().partition(" ")
        moved = self.book.move_online(
            found.code, found.nik_hash, self.parse_day(day_raw), self.parse_slot(slot_raw), self.now()
        )
        return Shown(moved, self.proofs.sign(moved.code, moved.nik_hash))

    def move_choices(self, found: Booking) -> list[tuple[date, time]]:
        """Every other day and slot with room for this booking's service."""
        service = self.config.service(found.service_code)
        if service is None or found.status != BookingStatus.BOOKED or found.checked_in:
            return []
        out = []
        for choice in self.days(service):
            if not choice.open or choice.free <= 0:
                continue
            for start, free in self.slots(service, choice.day):
                if free > 0 and (choice.day, start) != (found.day, found.slot):
                    out.append((choice.day, start))
        return out


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
