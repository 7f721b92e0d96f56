"""Domain rules as pure functions: check-in, caps per NIK, numbering, people ahead and the wait.

Backends call these inside their own transaction, so that the rule and the write it guards
happen atomically (see ``kiosk.backends.daybook``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta

from kiosk.core.clock import WIB
from kiosk.core.config import CapsConfig, Config
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.model import (
    Booking,
    BookingStatus,
    NikTickets,
    Priority,
    Service,
    TicketDraft,
    TicketKind,
    WalkInRequest,
)
from kiosk.core.nik import ELDERLY_AGE

CODE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9-]{3,23}$")
NIK_LIKE_DIGITS = 12  # a booking code never has this many digits; a NIK with a slip of the finger does


def ticket_number(service: Service, seq: int) -> str:
    """``A-001``: the service's prefix and the day's sequence in three digits (wider past 999)."""
    return f"{service.prefix}-{seq:03d}"


def check_booking(booking: Booking, now: datetime, config: Config) -> None:
    """Raise the ``Refusal`` that stops this booking from being checked in now, if any."""
    now = now.astimezone(WIB)
    if booking.status == BookingStatus.CANCELLED:
        raise Refusal(Reason.BOOKING_CANCELLED, code=booking.code)
    if booking.site != config.site.code:
        other = next((s for s in config.site.other_sites if s.code == booking.site), None)
        raise Refusal(
            Reason.BOOKING_OTHER_SITE,
            site=other.name if other else booking.site,
            address=other.address if other else "",
        )
    if booking.day != now.date():
        raise Refusal(Reason.BOOKING_WRONG_DAY, day=booking.day.isoformat())
    if booking.ticket_number is not None:
        raise Refusal(Reason.ALREADY_CHECKED_IN, number=booking.ticket_number)
    slot = datetime.combine(booking.day, booking.slot, tzinfo=WIB)
    earliest = slot - timedelta(minutes=config.hours.arrival_early_minutes)
    latest = slot + timedelta(minutes=config.hours.arrival_late_minutes)
    if now < earliest:
        raise Refusal(Reason.TOO_EARLY, come_at=earliest.strftime("%H:%M"), slot=booking.slot.strftime("%H:%M"))
    if now > latest:
        raise Refusal(Reason.TOO_LATE, slot=booking.slot.strftime("%H:%M"))


def check_nik_caps(service_name: str, held: NikTickets, caps: CapsConfig) -> None:
    """The anti-broker rule: one number per NIK per service per day, and a daily cap per NIK.

    The one implementation, applied to a walk-in online (the day book's issuing transaction),
    offline (an http kiosk's store and mirror) and at sync (the server judging a walk-in a kiosk
    printed offline). The storage layers only count (``NikTickets``: every ticket, any kind).
    """
    if held.same_service >= caps.walk_ins_per_nik_per_service:
        raise Refusal(Reason.ALREADY_HAS_TICKET, service=service_name)
    if held.today >= caps.tickets_per_nik_per_day:
        raise Refusal(Reason.DAILY_CAP, cap=caps.tickets_per_nik_per_day)


def check_walk_in(
    service: Service | None, service_code: str, now: datetime, config: Config, remaining: int, held: NikTickets
) -> Service:
    """Raise what refuses a walk-in now, given the counts read in the issuing transaction."""
    if service is None:
        raise BadInput(Reason.SERVICE_UNKNOWN, service=service_code)
    if not service.walk_in:
        raise Refusal(Reason.SERVICE_NOT_WALK_IN, service=service.name, website=config.site.booking_website)
    local = now.astimezone(WIB).time()
    if not (config.hours.open <= local < config.hours.close):
        raise Refusal(
            Reason.CLOSED, open=config.hours.open.strftime("%H:%M"), close=config.hours.close.strftime("%H:%M")
        )
    check_nik_caps(service.name, held, config.caps)
    if remaining <= 0:
        raise Refusal(Reason.QUOTA_FULL, service=service.name, website=config.site.booking_website)
    return service


def check_priority(priority: Priority | None, age: int) -> None:
    """Elderly priority goes by the birth date in the NIK; disabled and pregnant are self-declared.

    ``age`` is the holder's age today from the NIK (``kiosk.core.nik.age``).
    """
    if priority == Priority.ELDERLY and age < ELDERLY_AGE:
        raise Refusal(Reason.PRIORITY_NOT_ELDERLY)


def open_slots(bookings: Sequence[Booking], service: Service, day: date, site: str) -> list[time]:
    """Slot times of a person's bookings for this service, day and site that can still be checked in."""
    return [
        b.slot
        for b in bookings
        if b.day == day
        and b.service_code == service.code
        and b.site == site
        and b.status == BookingStatus.BOOKED
        and not b.checked_in
    ]


def check_no_open_booking(open_slots: Sequence[time], service: Service, now: datetime, config: Config) -> None:
    """Send someone whose booking for this service can still be checked in to check in.

    Otherwise one person holds two slots (the booking until the release time, and the walk-in)
    and the booking's number is issued a second time at check-in. A booking whose arrival window
    has passed does not stop a walk-in: that is exactly what the too-late message advises.
    """
    now = now.astimezone(WIB)
    for slot in sorted(open_slots):
        latest = datetime.combine(now.date(), slot, tzinfo=WIB) + timedelta(minutes=config.hours.arrival_late_minutes)
        if now <= latest:
            raise Refusal(Reason.HAS_BOOKING, service=service.name, slot=slot.strftime("%H:%M"))


def check_walk_in_now(
    service: Service | None,
    service_code: str,
    now: datetime,
    config: Config,
    remaining: int,
    held: NikTickets,
    bookings: Callable[[], Sequence[Booking]],
) -> Service:
    """The whole walk-in rule (``check_walk_in``, then a booking still to check in), given what
    the caller read: the quota left and the person's tickets. ``bookings`` reads the person's
    bookings, only once the rest has passed. Returns the service."""
    service = check_walk_in(service, service_code, now, config, remaining, held)
    now = now.astimezone(WIB)
    check_no_open_booking(open_slots(bookings(), service, now.date(), config.site.code), service, now, config)
    return service


def walk_in_draft(
    request: WalkInRequest,
    service: Service | None,
    config: Config,
    remaining: int,
    held: NikTickets,
    bookings: Callable[[], Sequence[Booking]],
) -> TicketDraft:
    """A walk-in ticket to number, or the refusal: the one glue of every store that issues one
    (the day book's transaction, an http kiosk's leased block offline)."""
    now = request.now.astimezone(WIB)
    service = check_walk_in_now(service, request.service_code, now, config, remaining, held, bookings)
    # TicketDraft(service, now, kind, holder, nik_hash, idempotency_key, priority)
    key, priority = request.idempotency_key, request.priority
    return TicketDraft(service, now, TicketKind.WALK_IN, request.nik_masked, request.nik_hash, key, priority)


def people_ahead(
    waiting: int, served_today: int, first_issued: datetime | None, now: datetime, minutes_per_person: int
) -> int:
    """How many people are ahead of a new ticket.

    ``waiting`` counts today's tickets of the service not yet called. When the counters report
    calls (``served``), that count is the truth. When nobody reports them, counting every ticket
    since the morning would tell someone at 14:00 that eighty people are ahead; instead the
    counters are assumed to have called one person per ``minutes_per_person`` since the first
    ticket of the day.
    """
    if served_today > 0 or first_issued is None:
        return waiting
    elapsed_minutes = max(0.0, (now - first_issued).total_seconds() / 60)
    return max(0, waiting - int(elapsed_minutes // minutes_per_person))


PACE_BLEND_SERVICES = 10  # from this many known service times on, the observed pace alone


def pace_minutes(service_minutes: Sequence[float], default_minutes: int) -> float:
    """Minutes per person: the configured pace blended with the observed median.

    Each known service time (up to ``PACE_BLEND_SERVICES``) moves a tenth of the weight from the
    configured pace to the median of what was observed, so two quick services in the morning
    do not turn a 138-minute estimate into 4 minutes (issue 16), and a day that runs slower
    or faster than configured is followed within about ten services.
    """
    known = min(len(service_minutes), PACE_BLEND_SERVICES)
    if known == 0:
        return float(default_minutes)
    import statistics  # here, not at the top: with fractions, 1.3-1.7 ms of the kiosk's start (issue 17)

    observed = statistics.median(service_minutes)
    return (known * observed + (PACE_BLEND_SERVICES - known) * default_minutes) / PACE_BLEND_SERVICES


def estimate_wait(
    people_ahead: int, service_minutes: Sequence[float], default_minutes: int, counters_open: float = 1
) -> int:
    """Minutes to wait: minutes per person (``pace_minutes``) × people ahead ÷ counters at work.

    ``service_minutes`` are the recent service times of the service (minutes at the counter,
    from the call to "done"). ``counters_open`` is the counters' worth of work the service gets:
    a counter serving two services counts once over both, so it may be a fraction. None open
    counts as one: someone will open.
    """
    capacity = counters_open if counters_open > 0 else 1.0
    return round(people_ahead * pace_minutes(service_minutes, default_minutes) / capacity)


def normalize_code(raw: str) -> str:
    """A booking code as typed or scanned: upper case, separators trimmed, URL tails accepted.

    The booking confirmation's QR may hold the bare code or a link ending in it
    (``.../b/MGT7K3Q`` or ``...?code=MGT7K3Q``); scanners type it and press Enter.
    """
    text = (raw or "").strip()
    if "code=" in text:
        text = text.split("code=", 1)[1].split("&", 1)[0]
    elif "/" in text:
        text = text.rstrip("/").rsplit("/", 1)[-1]
    code = text.strip().upper().replace(" ", "")
    # A value with a NIK's worth of digits is a mistyped NIK, never a code: refused here, it
    # cannot travel on as a code (into a URL, a log line or a backend's lookup).
    if not CODE_PATTERN.match(code) or code.isdigit() or sum(c.isdigit() for c in code) >= NIK_LIKE_DIGITS:
        raise BadInput(Reason.CODE_INVALID)
    return code


def parse_day(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise BadInput(Reason.DATE_INVALID, value=raw[:20]) from None
