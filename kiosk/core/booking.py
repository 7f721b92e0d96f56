"""The booking website's rules as pure functions: open days, slots, capacity, per-NIK limits.

The day book reads the counts inside its write transaction and calls ``check_new_booking`` there,
so the rule and the row it guards change together (no slot over-booked when 2,000 people press
"Pesan" within a minute). Slots follow the kiosk's own check-in rule (``rules.check_booking``):
a person who comes any time inside a slot window is inside the arrival window, and every slot
ends by the release time, after which bookings not checked in give their places to walk-ins.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import field
from datetime import date, datetime, time, timedelta

from kiosk.core.clock import WIB
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.model import Service
from kiosk.core.record import record

# Letters and digits nobody confuses when reading them aloud or off a phone (no 0/O, 1/I, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"
CODE_LENGTH = 7  # after the leading "B": 26^7 ≈ 8 × 10^9 codes, a guess finds nothing


@record
class BookingRequest:
    """What a citizen asks for; ``slot`` None takes the first slot with room."""

    service_code: str
    day: date
    slot: time | None
    nik_hash: str
    nik_masked: str
    name: str = ""


@record
class DayLoad:
    """A service's standing on one day: active bookings per slot window, walk-in numbers issued."""

    day: date
    per_slot: Mapping[time, int] = field(default_factory=dict)
    walk_ins: int = 0
    outside: int = 0  # imported bookings at a time outside every slot window: they count for the day

    @property
    def booked(self) -> int:
        return sum(self.per_slot.values()) + self.outside


@record
class NikLoad:
    """One NIK's active bookings: for this service on that day, and over the coming days."""

    same_service_day: int
    active: int


def slots(config: Config) -> tuple[time, ...]:
    """The day's slot windows' starts: from opening, each ``slot_minutes`` long, ending by the release time."""
    length = timedelta(minutes=config.booking_site.slot_minutes)
    end = min(config.hours.release_time, config.hours.close)
    start = datetime.combine(date(2000, 1, 3), config.hours.open)
    last = datetime.combine(date(2000, 1, 3), end)
    out = []
    while start + length <= last:
        out.append(start.time())
        start += length
    return tuple(out)


def window_of(moment: time, config: Config) -> time | None:
    """The slot window a booked time falls in (an imported booking may carry any time)."""
    length = config.booking_site.slot_minutes
    for start in slots(config):
        begin = start.hour * 60 + start.minute
        if begin <= moment.hour * 60 + moment.minute < begin + length:
            return start
    return None


def online_capacity(service: Service, config: Config) -> int:
    """How many of a service's daily numbers can be booked online on one day."""
    return service.daily_quota * config.booking_site.online_percent // 100


def slot_capacity(service: Service, config: Config) -> dict[time, int]:
    """The online capacity split over the slot windows; the earlier slots take the remainder."""
    windows = slots(config)
    if not windows:
        return {}
    each, extra = divmod(online_capacity(service, config), len(windows))
    return {start: each + (1 if index < extra else 0) for index, start in enumerate(windows)}


def is_open_day(day: date, config: Config) -> bool:
    return day.isoweekday() in config.booking_site.weekdays and day not in config.booking_site.closed_dates


def opens_at(day: date, config: Config) -> datetime:
    """When booking for ``day`` opens (e.g. 07:00 two days before)."""
    first = day - timedelta(days=config.booking_site.opens_days_before)
    return datetime.combine(first, config.booking_site.opens_at, tzinfo=WIB)


def closes_at(day: date, config: Config) -> datetime:
    """Booking for a day ends when the office opens that day: from then on it is the walk-in line."""
    return datetime.combine(day, config.hours.open, tzinfo=WIB)


def offered_days(now: datetime, config: Config) -> list[date]:
    """The next ``days_ahead`` open days whose booking has not closed (some may not be open yet)."""
    now = now.astimezone(WIB)
    day = now.date()
    out: list[date] = []
    for _ in range(400):  # a year of closed days at most; a config closing every day offers nothing
        if len(out) >= config.booking_site.days_ahead:
            break
        if is_open_day(day, config) and now < closes_at(day, config):
            out.append(day)
        day += timedelta(days=1)
    return out


def check_day(day: date, now: datetime, config: Config) -> None:
    """Raise why ``day`` cannot be booked now, if it cannot."""
    now = now.astimezone(WIB)
    if not is_open_day(day, config):
        raise Refusal(Reason.BOOKING_DAY_CLOSED, day=day.isoformat())
    if day not in offered_days(now, config):
        raise Refusal(Reason.BOOKING_DAY_PAST, day=day.isoformat())
    if now < opens_at(day, config):
        raise Refusal(
            Reason.BOOKING_DAY_NOT_OPEN_YET,
            day=day.isoformat(),
            opens=opens_at(day, config).strftime("%H:%M"),
            opens_day=opens_at(day, config).date().isoformat(),
        )


def free_by_slot(service: Service, load: DayLoad, config: Config) -> dict[time, int]:
    """Room left in each slot window, also bounded by the day's quota less the walk-ins already issued."""
    room_today = max(0, service.daily_quota - load.walk_ins - load.booked)
    room_online = max(0, online_capacity(service, config) - load.booked)
    room = min(room_today, room_online)
    free = {}
    for start, capacity in slot_capacity(service, config).items():
        free[start] = max(0, min(capacity - load.per_slot.get(start, 0), room))
    return free


def check_new_booking(
    request: BookingRequest,
    service: Service | None,
    now: datetime,
    config: Config,
    load: DayLoad,
    nik: NikLoad,
    broker_listed: bool,
) -> time:
    """The slot a booking gets, or the ``Refusal`` that stops it; counts are read in the writing transaction."""
    if service is None:
        raise BadInput(Reason.SERVICE_UNKNOWN, service=request.service_code[:20])
    check_day(request.day, now, config)
    if broker_listed:
        raise Refusal(Reason.BOOKING_REFUSED)
    if nik.same_service_day > 0:
        raise Refusal(Reason.BOOKING_SAME_SERVICE_DAY, service=service.name, day=request.day.isoformat())
    if nik.active >= config.booking_site.active_per_nik:
        raise Refusal(Reason.BOOKING_NIK_CAP, cap=config.booking_site.active_per_nik)
    free = free_by_slot(service, load, config)
    if request.slot is not None and request.slot not in free:
        raise BadInput(Reason.BOOKING_SLOT_UNKNOWN, slot=request.slot.strftime("%H:%M"))
    if sum(free.values()) == 0:
        raise Refusal(Reason.BOOKING_DAY_FULL, service=service.name, day=request.day.isoformat())
    if request.slot is None:
        return next(start for start, room in free.items() if room > 0)
    if free[request.slot] <= 0:
        raise Refusal(Reason.BOOKING_SLOT_FULL, slot=request.slot.strftime("%H:%M"))
    return request.slot


def check_change(day: date, checked_in: bool, cancelled: bool, now: datetime, config: Config) -> None:
    """A booking can be cancelled or moved until its day's booking closes, unless used or cancelled."""
    if checked_in or cancelled or now.astimezone(WIB) >= closes_at(day, config):
        raise Refusal(Reason.BOOKING_NOT_CHANGEABLE)


def days_with_room(free_days: Sequence[tuple[date, int]], after: date, limit: int = 3) -> list[date]:
    """The next days after ``after`` that still have room, for a "full" message."""
    return [day for day, room in free_days if day > after and room > 0][:limit]


def new_code() -> str:
    """A booking code the kiosk's scanner and keypad read (``rules.normalize_code``): ``B`` + 7."""
    return "B" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
