"""Check-in through ``Kiosk`` on a real day book: one row per rule, each refusal with its message."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from conftest import MONDAY_0800, NIK_MAN_1945, NIK_WOMAN_1990

from kiosk.core.clock import FixedClock
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.model import BookingStatus, TicketKind
from kiosk.core.usecases import Kiosk
from kiosk.messages import explain

TOMORROW = MONDAY_0800.date() + timedelta(days=1)

# (what the booking looks like, reason, words the Indonesian message must contain)
REFUSALS: list[tuple[str, dict[str, Any], Reason, list[str]]] = [
    ("booked for tomorrow", {"day": TOMORROW}, Reason.BOOKING_WRONG_DAY, ["1 Desember 2026"]),
    (
        "booked at the office",
        {"site": "KANTOR"},
        Reason.BOOKING_OTHER_SITE,
        ["Kantor Disdukcapil Magetan", "Tripandita"],
    ),
    ("cancelled", {"status": BookingStatus.CANCELLED}, Reason.BOOKING_CANCELLED, ["Belum daftar"]),
    ("slot at 10:00, now 08:00", {"slot": "10:00"}, Reason.TOO_EARLY, ["10:00", "09:00"]),
    ("slot at 07:00, now 08:00", {"slot": "07:00"}, Reason.TOO_LATE, ["07:00", "Belum daftar"]),
]


@pytest.mark.parametrize("by", ["nik", "code"])
@pytest.mark.parametrize(("case", "booking", "reason", "words"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_each_check_in_rule_refuses_with_its_own_message_and_issues_nothing(
    kiosk: Kiosk, add_booking: Any, by: str, case: str, booking: dict[str, Any], reason: Reason, words: list[str]
) -> None:
    add_booking("MGT7K3Q9", NIK_WOMAN_1990, **booking)
    with pytest.raises(Refusal) as caught:
        kiosk.check_in(NIK_WOMAN_1990 if by == "nik" else "mgt7k3q9")
    assert caught.value.reason == reason
    message = explain(caught.value, "id")
    for word in words:
        assert word in message.hint
    assert explain(caught.value, "en").title != message.title  # the English catalogue answers too
    assert kiosk.tickets_today() == []


@pytest.mark.parametrize("query", [NIK_WOMAN_1990, "MGT0NONE", "https://antrian.example/b/MGT0NONE"])
def test_a_nik_or_code_without_booking_is_not_found(kiosk: Kiosk, add_booking: Any, query: str) -> None:
    add_booking("MGT7K3Q9", NIK_MAN_1945)
    with pytest.raises(Refusal) as caught:
        kiosk.check_in(query)
    assert caught.value.reason == Reason.BOOKING_NOT_FOUND


@pytest.mark.parametrize("query", ["", "   ", "?!", "AB", "12345", "x" * 80])
def test_garbage_instead_of_a_nik_or_code_is_bad_input(kiosk: Kiosk, query: str) -> None:
    with pytest.raises(BadInput):
        kiosk.check_in(query)


@pytest.mark.parametrize("query", [NIK_WOMAN_1990, "3520 0152 0390 0002", "MGT7K3Q9", " mgt7k3q9 ", "x/b/MGT7K3Q9"])
def test_a_booking_for_now_checks_in_by_nik_or_code_as_typed_or_scanned(
    kiosk: Kiosk, add_booking: Any, query: str
) -> None:
    add_booking("MGT7K3Q9", NIK_WOMAN_1990, slot="08:15")
    result = kiosk.check_in(query)
    assert result.ticket.number == "A-001"
    assert result.ticket.kind == TicketKind.ONLINE
    assert result.ticket.holder == "MGT7K3Q9"
    assert kiosk.find_booking("MGT7K3Q9").ticket_number == "A-001"


@pytest.mark.parametrize(
    ("slot", "now", "ok"),
    [("09:00", "08:00", True), ("09:01", "08:00", False), ("07:30", "08:00", True), ("07:29", "08:00", False)],
)
def test_the_arrival_window_runs_from_an_hour_before_to_half_an_hour_after_the_slot(
    kiosk: Kiosk, clock: FixedClock, add_booking: Any, slot: str, now: str, ok: bool
) -> None:
    add_booking("MGT7K3Q9", NIK_WOMAN_1990, slot=slot)
    if ok:
        assert kiosk.check_in("MGT7K3Q9").ticket.number == "A-001"
    else:
        with pytest.raises(Refusal):
            kiosk.check_in("MGT7K3Q9")


def test_too_early_comes_good_once_the_clock_reaches_the_window(
    kiosk: Kiosk, clock: FixedClock, add_booking: Any
) -> None:
    add_booking("MGT7K3Q9", NIK_WOMAN_1990, slot="10:00")
    with pytest.raises(Refusal):
        kiosk.check_in(NIK_WOMAN_1990)
    clock.travel(timedelta(hours=1))
    assert kiosk.check_in(NIK_WOMAN_1990).ticket.number == "A-001"


@pytest.mark.parametrize("again", [NIK_WOMAN_1990, "MGT7K3Q9"])
def test_checking_in_twice_gives_the_first_number_and_one_reprint_never_a_second_number(
    kiosk: Kiosk, add_booking: Any, again: str
) -> None:
    add_booking("MGT7K3Q9", NIK_WOMAN_1990)
    first = kiosk.check_in("MGT7K3Q9").ticket
    with pytest.raises(Refusal) as caught:
        kiosk.check_in(again)
    assert caught.value.reason == Reason.ALREADY_CHECKED_IN
    assert "A-001" in explain(caught.value).hint
    reprinted = kiosk.reprint_booking(again).ticket
    assert (reprinted.id, reprinted.number, reprinted.reprints) == (first.id, "A-001", 1)
    with pytest.raises(Refusal) as caught:
        kiosk.reprint_booking(again)
    assert caught.value.reason == Reason.REPRINT_USED
    assert "A-001" in explain(caught.value).hint
    assert [t.number for t in kiosk.tickets_today()] == ["A-001"]


def test_a_technician_may_reprint_as_often_as_needed(kiosk: Kiosk, add_booking: Any) -> None:
    add_booking("MGT7K3Q9", NIK_WOMAN_1990)
    kiosk.check_in("MGT7K3Q9")
    for times in range(1, 4):
        assert kiosk.reprint("A-001", technician=True).ticket.reprints == times


def test_a_retried_check_in_with_the_same_key_returns_the_same_ticket(kiosk: Kiosk, add_booking: Any) -> None:
    add_booking("MGT7K3Q9", NIK_WOMAN_1990)
    first = kiosk.check_in("MGT7K3Q9", idempotency_key="retry-1")
    again = kiosk.check_in("MGT7K3Q9", idempotency_key="retry-1")
    assert again.ticket.id == first.ticket.id
    assert again.existing and not first.existing
    with pytest.raises(Refusal) as caught:  # a new key is a new request, not a retry
        kiosk.check_in("MGT7K3Q9", idempotency_key="another-tap")
    assert caught.value.reason == Reason.ALREADY_CHECKED_IN
    assert caught.value.params == {"number": "A-001", "code": "MGT7K3Q9"}
    assert len(kiosk.tickets_today()) == 1


def test_a_nik_with_bookings_today_and_later_checks_in_today_s(kiosk: Kiosk, add_booking: Any) -> None:
    add_booking("MGTLATER1", NIK_WOMAN_1990, day=TOMORROW)
    add_booking("MGTTODAY1", NIK_WOMAN_1990, service="CETAK")
    result = kiosk.check_in(NIK_WOMAN_1990)
    assert (result.ticket.booking_code, result.ticket.number) == ("MGTTODAY1", "B-001")


def test_a_nik_booked_only_on_other_days_is_told_the_nearest_coming_date(kiosk: Kiosk, add_booking: Any) -> None:
    add_booking("MGTPAST01", NIK_WOMAN_1990, day=MONDAY_0800.date() - timedelta(days=3))
    add_booking("MGTLATE02", NIK_WOMAN_1990, day=TOMORROW + timedelta(days=6))
    add_booking("MGTNEXT03", NIK_WOMAN_1990, day=TOMORROW)
    with pytest.raises(Refusal) as caught:
        kiosk.check_in(NIK_WOMAN_1990)
    assert caught.value.reason == Reason.BOOKING_WRONG_DAY
    assert "1 Desember 2026" in explain(caught.value).hint
    assert (
        "December 1, 2026" in explain(caught.value, "en").hint or "1 December 2026" in explain(caught.value, "en").hint
    )


def test_yesterday_s_checked_in_booking_is_the_wrong_day_and_never_reprints_today_s_same_number(
    kiosk: Kiosk, clock: FixedClock, add_booking: Any
) -> None:
    add_booking("MGT7K3Q9", NIK_WOMAN_1990)
    kiosk.check_in("MGT7K3Q9")
    clock.travel(timedelta(days=1))
    someone_else = kiosk.issue_walk_in("KTP", NIK_MAN_1945).ticket
    assert someone_else.number == "A-001"
    for query in ("MGT7K3Q9", NIK_WOMAN_1990):
        with pytest.raises(Refusal) as caught:
            kiosk.reprint_booking(query)
        assert caught.value.reason == Reason.BOOKING_WRONG_DAY
        with pytest.raises(Refusal) as caught:
            kiosk.check_in(query)
        assert caught.value.reason == Reason.BOOKING_WRONG_DAY
    assert kiosk.tickets_today()[0].reprints == 0
