"""Quota with the no-show release time, per-NIK caps against brokers, and numbering."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import MONDAY_0800, NIK_MAN_1945, NIK_WOMAN_1990, make_nik, write_config

from kiosk.backends.daybook import DayBook
from kiosk.core import config as config_mod
from kiosk.core import nik as nik_rules
from kiosk.core.clock import FixedClock
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.model import Booking, BookingStatus, Priority
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk
from kiosk.messages import explain

SmallKiosk = Callable[..., Kiosk]


@pytest.fixture
def small_kiosk(tmp_path: Path, clock: FixedClock, hasher: NikHasher) -> Iterator[SmallKiosk]:
    """A kiosk whose KTP service (prefix A) has a small daily quota."""
    books: list[DayBook] = []

    def build(quota: int) -> Kiosk:
        config = config_mod.load(write_config(tmp_path, {"daily_quota = 60": f"daily_quota = {quota}"}))
        book = DayBook(config.backend.path, config)
        books.append(book)
        return Kiosk(config=config, backend=book, hasher=hasher, clock=clock)

    yield build
    for book in books:
        book.close()


def book(kiosk: Kiosk, code: str, nik: str, slot: str = "08:00", status: BookingStatus = BookingStatus.BOOKED) -> None:
    assert isinstance(kiosk.backend, DayBook)
    kiosk.backend.upsert_bookings(
        [
            Booking(
                code=code,
                nik_hash=kiosk.hasher.hash(nik),
                nik_masked=nik_rules.mask(nik),
                name="Warga Uji",
                service_code="KTP",
                day=kiosk.clock.now().date(),
                slot=__import__("datetime").time.fromisoformat(slot),
                site="MPP",
                status=status,
            )
        ]
    )


def ktp(kiosk: Kiosk) -> Any:
    return next(q for q in kiosk.quotas() if q.service.code == "KTP")


def refused(reason: Reason, call: Callable[[], object]) -> Refusal:
    with pytest.raises(Refusal) as caught:
        call()
    assert caught.value.reason == reason
    return caught.value


# -- quota and release time ---------------------------------------------------------------


def test_before_release_time_bookings_hold_their_slots_and_after_it_no_shows_go_to_walk_ins(
    small_kiosk: SmallKiosk, clock: FixedClock
) -> None:
    kiosk = small_kiosk(3)
    book(kiosk, "MGTCAME01", NIK_MAN_1945)
    book(kiosk, "MGTNOSHOW", NIK_WOMAN_1990)
    kiosk.check_in("MGTCAME01")
    assert ktp(kiosk).remaining == 1
    kiosk.issue_walk_in("KTP", make_nik(1))
    full = refused(Reason.QUOTA_FULL, lambda: kiosk.issue_walk_in("KTP", make_nik(2)))
    assert "antrian-disdukmagetan.com" in explain(full).hint
    assert "Perekaman KTP-el" in explain(full).hint

    clock.set(MONDAY_0800.replace(hour=10, minute=59))
    assert ktp(kiosk).remaining == 0
    clock.set(MONDAY_0800.replace(hour=11))
    assert ktp(kiosk).remaining == 1  # the no-show's slot, and only that one
    assert kiosk.issue_walk_in("KTP", make_nik(2)).ticket.number == "A-003"
    refused(Reason.QUOTA_FULL, lambda: kiosk.issue_walk_in("KTP", make_nik(3)))
    assert len(kiosk.tickets_today()) == 3


def test_cancelled_bookings_never_hold_a_slot(small_kiosk: SmallKiosk) -> None:
    kiosk = small_kiosk(2)
    book(kiosk, "MGTBATAL1", NIK_MAN_1945, status=BookingStatus.CANCELLED)
    book(kiosk, "MGTBATAL2", NIK_WOMAN_1990, status=BookingStatus.CANCELLED)
    assert ktp(kiosk).remaining == 2
    kiosk.issue_walk_in("KTP", make_nik(1))
    kiosk.issue_walk_in("KTP", make_nik(2))
    refused(Reason.QUOTA_FULL, lambda: kiosk.issue_walk_in("KTP", make_nik(3)))


def test_a_booking_cancelled_after_its_check_in_still_counts_its_ticket(small_kiosk: SmallKiosk) -> None:
    kiosk = small_kiosk(2)
    book(kiosk, "MGTCAME01", NIK_MAN_1945)
    kiosk.check_in("MGTCAME01")
    book(kiosk, "MGTCAME01", NIK_MAN_1945, status=BookingStatus.CANCELLED)  # a late re-import
    assert ktp(kiosk).remaining == 1
    kiosk.issue_walk_in("KTP", make_nik(1))
    refused(Reason.QUOTA_FULL, lambda: kiosk.issue_walk_in("KTP", make_nik(2)))
    assert len(kiosk.tickets_today()) == 2


def test_a_late_booking_cannot_check_in_past_the_quota_once_walk_ins_took_the_released_slots(
    small_kiosk: SmallKiosk, clock: FixedClock
) -> None:
    kiosk = small_kiosk(2)
    book(kiosk, "MGTSLOT11", NIK_MAN_1945, slot="11:15")
    clock.set(MONDAY_0800.replace(hour=11))
    kiosk.issue_walk_in("KTP", make_nik(1))
    kiosk.issue_walk_in("KTP", make_nik(2))
    clock.set(MONDAY_0800.replace(hour=11, minute=10))
    refused(Reason.QUOTA_FULL, lambda: kiosk.check_in("MGTSLOT11"))
    assert len(kiosk.tickets_today()) == 2


def test_an_online_only_service_refuses_walk_ins_and_names_the_booking_website(kiosk: Kiosk) -> None:
    refusal = refused(Reason.SERVICE_NOT_WALK_IN, lambda: kiosk.issue_walk_in("PINDAH", NIK_MAN_1945))
    assert "antrian-disdukmagetan.com" in explain(refusal).hint
    assert [q.service.code for q in kiosk.walk_in_services()] == ["KTP", "CETAK", "KK", "AKTA"]
    assert kiosk.tickets_today() == []


@pytest.mark.parametrize("service", ["XYZ", "", "3520011708450001"])
def test_an_unknown_service_is_bad_input(kiosk: Kiosk, service: str) -> None:
    with pytest.raises(BadInput) as caught:
        kiosk.issue_walk_in(service, NIK_MAN_1945)
    assert caught.value.reason == Reason.SERVICE_UNKNOWN


@pytest.mark.parametrize(("hour", "minute"), [(7, 29), (15, 0), (20, 0)])
def test_no_walk_in_number_outside_opening_hours(kiosk: Kiosk, clock: FixedClock, hour: int, minute: int) -> None:
    clock.set(MONDAY_0800.replace(hour=hour, minute=minute))
    refusal = refused(Reason.CLOSED, lambda: kiosk.issue_walk_in("KTP", NIK_MAN_1945))
    assert "07:30" in explain(refusal).hint and "15:00" in explain(refusal).hint


def test_quota_is_never_exceeded_whatever_happens_in_between(small_kiosk: SmallKiosk, clock: FixedClock) -> None:
    rng = random.Random(20261130)
    kiosk = small_kiosk(12)
    for index in range(10):
        book(kiosk, f"MGTRND{index:03d}", make_nik(5000 + index), slot=rng.choice(["08:00", "09:00", "10:30", "11:20"]))
    people = 100
    for _ in range(300):
        action = rng.random()
        try:
            if action < 0.5:
                kiosk.issue_walk_in("KTP", make_nik(people))
                people += 1
            elif action < 0.7:
                kiosk.check_in(f"MGTRND{rng.randrange(10):03d}")
            elif action < 0.8:
                index = rng.randrange(10)
                book(kiosk, f"MGTRND{index:03d}", make_nik(5000 + index), status=BookingStatus.CANCELLED)
            else:
                clock.travel(timedelta(minutes=rng.randrange(1, 20)))
                if clock.now().hour >= 15:
                    break
        except Refusal:
            pass
        issued = [t for t in kiosk.tickets_today() if t.service_code == "KTP"]
        assert len(issued) <= 12
        assert ktp(kiosk).remaining <= 12 - len(issued)
    assert len([t for t in kiosk.tickets_today() if t.service_code == "KTP"]) == 12


# -- caps per NIK -------------------------------------------------------------------------


def test_one_walk_in_number_per_nik_per_service_per_day(kiosk: Kiosk, clock: FixedClock) -> None:
    kiosk.issue_walk_in("KTP", NIK_MAN_1945)
    refusal = refused(Reason.ALREADY_HAS_TICKET, lambda: kiosk.issue_walk_in("KTP", "3520 0117 0845 0001"))
    message = explain(refusal)
    assert "satu nomor per layanan per hari" in message.hint
    clock.travel(timedelta(days=1))
    assert kiosk.issue_walk_in("KTP", NIK_MAN_1945).ticket.number == "A-001"


def test_a_daily_cap_over_all_services_stops_brokers_politely(kiosk: Kiosk) -> None:
    kiosk.issue_walk_in("KTP", NIK_MAN_1945)
    kiosk.issue_walk_in("CETAK", NIK_MAN_1945)
    refusal = refused(Reason.DAILY_CAP, lambda: kiosk.issue_walk_in("KK", NIK_MAN_1945))
    assert "2 nomor per hari" in explain(refusal).hint
    assert kiosk.issue_walk_in("KK", NIK_WOMAN_1990).ticket.number == "C-001"


def test_a_check_in_counts_toward_the_daily_cap(kiosk: Kiosk, add_booking: Any) -> None:
    add_booking("MGT7K3Q9", NIK_WOMAN_1990)
    kiosk.check_in("MGT7K3Q9")
    kiosk.issue_walk_in("CETAK", NIK_WOMAN_1990)
    refused(Reason.DAILY_CAP, lambda: kiosk.issue_walk_in("KK", NIK_WOMAN_1990))


# -- numbering ----------------------------------------------------------------------------


def test_numbers_count_up_per_service_and_start_again_the_next_day(kiosk: Kiosk, clock: FixedClock) -> None:
    numbers = [kiosk.issue_walk_in("KTP", make_nik(i)).ticket.number for i in range(3)]
    numbers += [kiosk.issue_walk_in("CETAK", make_nik(i)).ticket.number for i in range(10, 12)]
    numbers.append(kiosk.issue_walk_in("KTP", make_nik(3)).ticket.number)
    assert numbers == ["A-001", "A-002", "A-003", "B-001", "B-002", "A-004"]
    clock.travel(timedelta(days=1))
    assert kiosk.issue_walk_in("KTP", make_nik(50)).ticket.number == "A-001"
    assert kiosk.issue_walk_in("CETAK", make_nik(51)).ticket.number == "B-001"


def test_people_ahead_counts_who_is_still_waiting(kiosk: Kiosk) -> None:
    ahead = [kiosk.issue_walk_in("KTP", make_nik(i)).ticket.people_ahead for i in range(3)]
    assert ahead == [0, 1, 2]


def test_a_replayed_walk_in_request_returns_the_same_ticket_even_when_the_quota_filled_meanwhile(
    small_kiosk: SmallKiosk, clock: FixedClock
) -> None:
    kiosk = small_kiosk(1)
    first = kiosk.issue_walk_in("KTP", NIK_MAN_1945, idempotency_key="tap-1")
    clock.travel(timedelta(seconds=30))
    again = kiosk.issue_walk_in("KTP", NIK_MAN_1945, idempotency_key="tap-1")
    assert again.ticket == first.ticket
    assert again.existing and not first.existing
    assert [t.number for t in kiosk.tickets_today()] == ["A-001"]


def test_a_priority_walk_in_is_marked_and_the_elderly_are_suggested_from_the_nik(kiosk: Kiosk) -> None:
    assert kiosk.suggests_priority(NIK_MAN_1945) == Priority.ELDERLY
    assert kiosk.suggests_priority(NIK_WOMAN_1990) is None
    ticket = kiosk.issue_walk_in("KTP", NIK_MAN_1945, Priority.ELDERLY).ticket
    assert ticket.priority == Priority.ELDERLY
    assert ticket.holder == "3520**********01"


def test_elderly_priority_goes_by_the_birth_date_in_the_nik_and_is_refused_under_60(kiosk: Kiosk) -> None:
    born_1992 = "3520011708920005"
    refusal = refused(Reason.PRIORITY_NOT_ELDERLY, lambda: kiosk.issue_walk_in("KTP", born_1992, Priority.ELDERLY))
    assert "belum berusia 60 tahun" in explain(refusal).hint
    assert "antrean biasa" in explain(refusal).hint
    assert kiosk.tickets_today() == []
    # disabled and pregnant stay self-declared, at any age
    assert kiosk.issue_walk_in("KTP", born_1992, Priority.DISABLED).ticket.priority == Priority.DISABLED
    assert kiosk.issue_walk_in("CETAK", NIK_WOMAN_1990, Priority.PREGNANT).ticket.priority == Priority.PREGNANT
    assert kiosk.priorities_for(born_1992) == (Priority.DISABLED, Priority.PREGNANT)
    assert kiosk.priorities_for(NIK_MAN_1945)[0] == Priority.ELDERLY


def test_the_60th_birthday_is_the_first_day_of_elderly_priority(kiosk: Kiosk) -> None:
    assert MONDAY_0800.date().isoformat() == "2026-11-30"
    turns_60_today = "3520013011660006"  # born 30-11-1966
    turns_60_tomorrow = "3520010112660007"  # born 01-12-1966
    assert kiosk.issue_walk_in("KTP", turns_60_today, Priority.ELDERLY).ticket.priority == Priority.ELDERLY
    refused(Reason.PRIORITY_NOT_ELDERLY, lambda: kiosk.issue_walk_in("KTP", turns_60_tomorrow, Priority.ELDERLY))


def test_the_walk_in_precheck_refuses_what_issuing_would_and_issues_nothing(
    kiosk: Kiosk, add_booking: Any, small_kiosk: SmallKiosk
) -> None:
    with pytest.raises(BadInput) as caught:
        kiosk.precheck_walk_in("KTP", "3520013213900002")  # born 32/13
    assert caught.value.reason == Reason.NIK_BIRTH_DATE
    refused(Reason.PRIORITY_NOT_ELDERLY, lambda: kiosk.precheck_walk_in("KTP", "3520011708920005", Priority.ELDERLY))
    refused(Reason.SERVICE_NOT_WALK_IN, lambda: kiosk.precheck_walk_in("PINDAH", NIK_MAN_1945))
    kiosk.precheck_walk_in("KTP", NIK_MAN_1945, Priority.ELDERLY)  # fine: nothing raised
    assert kiosk.tickets_today() == []
    kiosk.issue_walk_in("KTP", NIK_MAN_1945)
    refused(Reason.ALREADY_HAS_TICKET, lambda: kiosk.precheck_walk_in("KTP", NIK_MAN_1945))
    kiosk.issue_walk_in("CETAK", NIK_MAN_1945)
    refused(Reason.DAILY_CAP, lambda: kiosk.precheck_walk_in("KK", NIK_MAN_1945))
    add_booking("MGT7K3Q9", NIK_WOMAN_1990, service="KK", slot="08:15")
    refused(Reason.HAS_BOOKING, lambda: kiosk.precheck_walk_in("KK", NIK_WOMAN_1990))
    full = small_kiosk(0)
    refused(Reason.QUOTA_FULL, lambda: full.precheck_walk_in("KTP", NIK_WOMAN_1990))
    assert sorted(t.number for t in kiosk.tickets_today()) == ["A-001", "B-001"]


def test_a_double_tap_with_the_same_key_prints_one_paper_even_when_the_clock_stood_still(
    kiosk: Kiosk, ready_printer: Any
) -> None:
    kiosk.printer = ready_printer
    first = kiosk.issue_walk_in("KTP", NIK_MAN_1945, idempotency_key="tap-1")
    again = kiosk.issue_walk_in("KTP", NIK_MAN_1945, idempotency_key="tap-1")
    assert first.printed and again.printed and again.existing
    assert [t.number for t in ready_printer.tickets] == ["A-001"]


def test_a_checked_in_booking_is_the_one_number_of_its_service_for_that_nik(kiosk: Kiosk, add_booking: Any) -> None:
    add_booking("MGT7K3Q9", NIK_WOMAN_1990)
    kiosk.check_in("MGT7K3Q9")
    refused(Reason.ALREADY_HAS_TICKET, lambda: kiosk.issue_walk_in("KTP", NIK_WOMAN_1990))
    assert [t.number for t in kiosk.tickets_today()] == ["A-001"]


def test_with_no_calls_reported_people_ahead_assumes_the_counters_kept_the_default_pace(
    kiosk: Kiosk, clock: FixedClock
) -> None:
    for index in range(10):
        kiosk.issue_walk_in("KTP", make_nik(index))
    clock.travel(timedelta(minutes=30))  # five people called at the default six minutes each
    later = kiosk.issue_walk_in("KTP", make_nik(20)).ticket
    assert (later.people_ahead, later.wait_minutes) == (5, 30)
    clock.travel(timedelta(hours=3))  # everybody long called: nobody ahead, not eleven
    assert kiosk.issue_walk_in("KTP", make_nik(21)).ticket.people_ahead == 0


def test_a_person_whose_booking_can_still_be_checked_in_is_sent_to_check_in_not_given_a_walk_in(
    kiosk: Kiosk, add_booking: Callable[..., Booking], clock: FixedClock
) -> None:
    add_booking("MGT-OPEN1", NIK_WOMAN_1990, service="KTP", slot="09:00")
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("KTP", NIK_WOMAN_1990)
    assert refused.value.reason == Reason.HAS_BOOKING
    assert "09:00" in explain(refused.value).hint and "Sudah daftar online" in explain(refused.value).hint
    assert kiosk.tickets_today() == []
    # Another service is a different errand: allowed.
    assert kiosk.issue_walk_in("CETAK", NIK_WOMAN_1990).ticket.number == "B-001"
    # Past the arrival window the too-late message says "join the walk-in line": so it must work.
    clock.travel(timedelta(hours=1, minutes=31))
    assert kiosk.issue_walk_in("KTP", NIK_WOMAN_1990).ticket.number == "A-001"
