"""Bookings made on the website go into the day book's one bookings table, under its transaction."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path

import pytest

from kiosk.backends.daybook import DayBook
from kiosk.core import booking
from kiosk.core.booking import BookingRequest
from kiosk.core.clock import WIB
from kiosk.core.config import Config
from kiosk.core.errors import Reason, Refusal
from kiosk.core.model import BookingStatus
from kiosk.core.nik import NikHasher, mask
from kiosk.demo import made_up_nik

SATURDAY_0705 = datetime(2026, 11, 28, 7, 5, tzinfo=WIB)
MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)


def ask(
    hasher: NikHasher, nik: str, day: date = MONDAY, slot: time | None = None, service: str = "KTP"
) -> BookingRequest:
    return BookingRequest(service, day, slot, hasher.hash(nik), mask(nik), "")


def test_an_online_booking_is_found_by_code_and_nik_like_an_imported_one(daybook: DayBook, hasher: NikHasher) -> None:
    nik = made_up_nik(1)
    made = daybook.book_online(ask(hasher, nik), SATURDAY_0705, False)
    assert daybook.find_booking(made.code) == made
    assert daybook.find_bookings_by_nik(hasher.hash(nik)) == [made]
    assert made.slot == booking.slots(daybook.config)[0] and made.site == daybook.config.site.code


def test_the_day_book_file_holds_no_nik_in_clear(daybook: DayBook, hasher: NikHasher, config: Config) -> None:
    nik = made_up_nik(2)
    daybook.book_online(ask(hasher, nik), SATURDAY_0705, False)
    data = b"".join(
        Path(str(config.backend.path) + s).read_bytes()
        for s in ("", "-wal")
        if Path(str(config.backend.path) + s).exists()
    )
    assert nik.encode() not in data


def test_a_cancelled_booking_frees_its_slot_at_once(daybook: DayBook, hasher: NikHasher, config: Config) -> None:
    config = replace(config, booking_site=replace(config.booking_site, online_percent=100))
    book = DayBook(config.backend.path, config)
    first = booking.slots(config)[0]
    capacity = booking.slot_capacity(config.service("KTP"), config)[first]  # type: ignore[arg-type]
    made = [
        book.book_online(ask(hasher, made_up_nik(10 + i), slot=first), SATURDAY_0705, False) for i in range(capacity)
    ]
    with pytest.raises(Refusal) as full:
        book.book_online(ask(hasher, made_up_nik(99), slot=first), SATURDAY_0705, False)
    assert full.value.reason == Reason.BOOKING_SLOT_FULL
    cancelled = book.cancel_online(made[0].code, made[0].nik_hash, SATURDAY_0705)
    assert cancelled.status == BookingStatus.CANCELLED
    assert book.book_online(ask(hasher, made_up_nik(99), slot=first), SATURDAY_0705, False).slot == first
    book.close()


def test_a_wrong_nik_cannot_cancel_and_is_told_the_same_as_a_wrong_code(daybook: DayBook, hasher: NikHasher) -> None:
    made = daybook.book_online(ask(hasher, made_up_nik(3)), SATURDAY_0705, False)
    with pytest.raises(Refusal) as wrong_nik:
        daybook.cancel_online(made.code, hasher.hash(made_up_nik(4)), SATURDAY_0705)
    with pytest.raises(Refusal) as wrong_code:
        daybook.cancel_online("BXXXXXXX", made.nik_hash, SATURDAY_0705)
    assert wrong_nik.value.reason == wrong_code.value.reason == Reason.BOOKING_NO_MATCH
    assert wrong_nik.value.params == wrong_code.value.params == {}
    assert daybook.find_booking(made.code) == made


def test_a_move_keeps_the_code_and_follows_the_rules_of_a_new_booking(daybook: DayBook, hasher: NikHasher) -> None:
    nik = made_up_nik(5)
    made = daybook.book_online(ask(hasher, nik), SATURDAY_0705, False)
    later = booking.slots(daybook.config)[3]
    moved = daybook.move_online(made.code, made.nik_hash, TUESDAY, later, datetime(2026, 11, 29, 8, 0, tzinfo=WIB))
    assert (moved.code, moved.day, moved.slot) == (made.code, TUESDAY, later)
    with pytest.raises(Refusal) as closed:
        daybook.move_online(made.code, made.nik_hash, date(2026, 12, 5), None, SATURDAY_0705)
    assert closed.value.reason == Reason.BOOKING_DAY_CLOSED


def test_a_second_booking_of_the_same_nik_service_and_day_is_refused(daybook: DayBook, hasher: NikHasher) -> None:
    nik = made_up_nik(6)
    daybook.book_online(ask(hasher, nik), SATURDAY_0705, False)
    with pytest.raises(Refusal) as second:
        daybook.book_online(ask(hasher, nik), SATURDAY_0705, False)
    assert second.value.reason == Reason.BOOKING_SAME_SERVICE_DAY
    daybook.book_online(ask(hasher, nik, service="KK"), SATURDAY_0705, False)  # another service is fine


def test_imported_bookings_and_online_ones_share_the_capacity(daybook: DayBook, hasher: NikHasher, add_booking) -> None:
    add_booking("IMPORT01", made_up_nik(7), slot="07:40")
    load = daybook.booking_loads("KTP", [MONDAY])[MONDAY]
    assert load.booked == 1 and load.per_slot[time(7, 30)] == 1


def test_two_hundred_tries_for_twenty_places_from_threads_book_exactly_twenty(
    tmp_path: Path, config: Config, hasher: NikHasher
) -> None:
    """The opening rush in small: no slot over its capacity, no NIK over its cap, every try answered."""
    services = tuple(replace(s, daily_quota=40) if s.code == "KTP" else s for s in config.services)
    config = replace(
        config,
        services=services,
        booking_site=replace(config.booking_site, online_percent=50, active_per_nik=1),
    )
    path = tmp_path / "rush.sqlite3"
    DayBook(path, config).close()
    capacity = booking.slot_capacity(config.service("KTP"), config)  # type: ignore[arg-type]
    assert sum(capacity.values()) == 20
    outcomes: list[str] = []
    lock = threading.Lock()
    slots = booking.slots(config)

    def citizen(index: int) -> None:
        book = DayBook(path, config)  # a connection of its own, as waitress threads and processes have
        try:
            nik = made_up_nik(index % 120)  # 80 people try twice: one of their two tries must be refused
            day = MONDAY if index % 2 else TUESDAY
            try:
                made = book.book_online(
                    ask(hasher, nik, day=day, slot=slots[index % len(slots)]),
                    datetime(2026, 11, 29, 7, 1, tzinfo=WIB),
                    False,
                )
                result = f"booked {made.code}"
            except Refusal as refusal:
                result = refusal.reason.value
        finally:
            book.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=citizen, args=(i,)) for i in range(200)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outcomes) == 200  # every try got an answer, none an error
    check = DayBook(path, config)
    rows = check.query("SELECT day, slot, nik_hash FROM bookings WHERE status = 'booked'")
    check.close()
    assert sum(1 for o in outcomes if o.startswith("booked")) == len(rows)
    per_day = Counter(str(day) for day, _slot, _nik in rows)
    assert per_day == {MONDAY.isoformat(): 20, TUESDAY.isoformat(): 20}
    per_slot = Counter((str(day), str(slot)) for day, slot, _nik in rows)
    assert all(per_slot[(d.isoformat(), s.strftime("%H:%M"))] <= capacity[s] for d in (MONDAY, TUESDAY) for s in slots)
    assert max(Counter(nik for _d, _s, nik in rows).values()) == 1  # active_per_nik = 1
    assert set(o for o in outcomes if not o.startswith("booked")) <= {
        "booking_slot_full",
        "booking_day_full",
        "booking_nik_cap",
        "booking_same_service_day",
    }
