# ruff: noqa: F811  (pytest fixtures are imported from calling_support and named as parameters)
"""Calling at the counters, on a real day book file: the order of the line and every step."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from calling_support import callbook, clock, kiosk, make_nik, site_config  # noqa: F401  (fixtures)

from kiosk.backends.calls import CallBook
from kiosk.core.calling import Call, Step, TicketState
from kiosk.core.clock import FixedClock
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.model import Priority
from kiosk.core.usecases import Kiosk


def step(book: CallBook, clock: FixedClock, counter: str, what: Step, **kw: str) -> Call:
    clock.travel(timedelta(minutes=1))
    return book.step(counter, what, clock.now(), str(uuid.uuid4()), **kw)


def issue(kiosk: Kiosk, index: int, service: str = "KTP", priority: Priority | None = None) -> str:
    number: str = kiosk.issue_walk_in(service, make_nik(index), priority).ticket.number
    return number


def test_a_counter_calls_priority_first_then_in_order_of_issue(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    issue(kiosk, 1)
    issue(kiosk, 2)
    issue(kiosk, 3, priority=Priority.ELDERLY)
    called = []
    for _ in range(3):
        call = callbook.step("1", Step.NEXT, clock.now(), str(uuid.uuid4()))
        called.append(call.number)
        callbook.step("1", Step.DONE, clock.now(), str(uuid.uuid4()))
    assert called == ["A-003", "A-001", "A-002"]


def test_a_counter_calls_over_every_service_it_serves_and_no_other(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    issue(kiosk, 1, "AKTA")
    issue(kiosk, 2, "KK")
    issue(kiosk, 3, "KTP")
    # Loket 2 serves KTP and KK: the KK ticket was issued first.
    assert callbook.step("2", Step.NEXT, clock.now(), "k-0001").number == "C-001"
    callbook.step("2", Step.DONE, clock.now(), "k-0002")
    assert callbook.step("2", Step.NEXT, clock.now(), "k-0003").number == "A-001"
    callbook.step("2", Step.DONE, clock.now(), "k-0004")
    with pytest.raises(Refusal) as nothing:
        callbook.step("2", Step.NEXT, clock.now(), "k-0005")
    assert nothing.value.reason == Reason.NOTHING_WAITING  # D-001 (AKTA) is Loket 3's
    with pytest.raises(Refusal) as not_serving:
        callbook.step("2", Step.NEXT, clock.now(), "k-0006", service_code="AKTA")
    assert not_serving.value.reason == Reason.COUNTER_NOT_SERVING


def test_absent_returns_to_the_end_of_the_line_once_and_the_second_time_is_a_no_show(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    issue(kiosk, 1)
    issue(kiosk, 2)
    first = step(callbook, clock, "1", Step.NEXT)
    assert first.number == "A-001"
    back = step(callbook, clock, "1", Step.ABSENT)
    assert back.state == TicketState.ABSENT
    assert step(callbook, clock, "1", Step.NEXT).number == "A-002"
    step(callbook, clock, "1", Step.DONE)
    again = step(callbook, clock, "1", Step.NEXT)
    assert again.number == "A-001"
    gone = step(callbook, clock, "1", Step.ABSENT)
    assert gone.state == TicketState.NO_SHOW
    with pytest.raises(Refusal) as nothing:
        step(callbook, clock, "1", Step.NEXT)
    assert nothing.value.reason == Reason.NOTHING_WAITING


def test_transfer_keeps_the_place_in_the_other_services_line(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    issue(kiosk, 1, "KTP")  # A-001, 08:00
    issue(kiosk, 2, "KK")  # C-001, 08:00 too, but issued later
    clock.travel(timedelta(minutes=5))
    issue(kiosk, 3, "KK")  # C-002, 08:05
    assert step(callbook, clock, "1", Step.NEXT).number == "A-001"
    moved = step(callbook, clock, "1", Step.TRANSFER, service_code="KK")
    assert moved.state == TicketState.WAITING
    # At Loket 3 (KK), A-001 stands where its issue time puts it: before C-001 and C-002.
    assert [step(callbook, clock, "3", Step.NEXT).number for _ in range(1)] == ["A-001"]
    with pytest.raises(Refusal) as same:
        step(callbook, clock, "3", Step.TRANSFER, service_code="KK")
    assert same.value.reason == Reason.TRANSFER_SAME_SERVICE


def test_a_counter_finishes_its_ticket_before_calling_the_next(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    issue(kiosk, 1)
    issue(kiosk, 2)
    with pytest.raises(Refusal) as idle:
        step(callbook, clock, "1", Step.DONE)
    assert idle.value.reason == Reason.NO_CURRENT_TICKET
    step(callbook, clock, "1", Step.NEXT)
    with pytest.raises(Refusal) as busy:
        step(callbook, clock, "1", Step.NEXT)
    assert busy.value.reason == Reason.COUNTER_BUSY and busy.value.params["number"] == "A-001"


def test_a_stale_page_never_acts_on_a_ticket_it_does_not_show(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    issue(kiosk, 1)
    issue(kiosk, 2)
    first = step(callbook, clock, "1", Step.NEXT)
    step(callbook, clock, "1", Step.DONE)  # in another tab
    second = step(callbook, clock, "1", Step.NEXT)
    with pytest.raises(Refusal) as finished:  # the stale tab still shows A-001
        step(callbook, clock, "1", Step.DONE, ticket_id=first.ticket_id)
    assert finished.value.reason == Reason.TICKET_FINISHED
    step(callbook, clock, "1", Step.TRANSFER, service_code="KK", ticket_id=second.ticket_id)
    taken = step(callbook, clock, "2", Step.NEXT)
    assert taken.ticket_id == second.ticket_id
    with pytest.raises(Refusal) as stale:
        step(callbook, clock, "1", Step.RECALL, ticket_id=second.ticket_id)
    assert stale.value.reason == Reason.CALL_STALE
    with pytest.raises(BadInput):
        step(callbook, clock, "9", Step.NEXT)


def test_a_step_repeated_with_its_key_gives_the_same_call_and_no_second_one(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    issue(kiosk, 1)
    issue(kiosk, 2)
    once = callbook.step("1", Step.NEXT, clock.now(), "same-key-1")
    again = callbook.step("1", Step.NEXT, clock.now(), "same-key-1")
    assert again == once
    assert [c.number for c in callbook.display(clock.now()).calls] == ["A-001"]


def test_recall_is_a_new_call_of_the_same_number_with_a_higher_seq(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    issue(kiosk, 1)
    first = step(callbook, clock, "1", Step.NEXT)
    again = step(callbook, clock, "1", Step.RECALL)
    assert (again.number, again.kind.value, again.seq) == (first.number, "recall", first.seq + 1)
    shown = callbook.display(clock.now())
    assert [c.seq for c in shown.calls] == [2, 1] and shown.waiting["KTP"] == 0


def test_people_ahead_and_the_wait_follow_the_calls(kiosk: Kiosk, callbook: CallBook, clock: FixedClock) -> None:
    for index in range(4):
        issue(kiosk, index)
    # Two served in 10 and 14 minutes: median 12, blended with the configured 6 (2 of 10 known):
    # 7.2 minutes each; one counter (Loket 1) at work, nobody waiting for its other service.
    for minutes in (10, 14):
        callbook.step("1", Step.NEXT, clock.now(), str(uuid.uuid4()))
        clock.travel(timedelta(minutes=minutes))
        callbook.step("1", Step.DONE, clock.now(), str(uuid.uuid4()))
    ticket = kiosk.issue_walk_in("KTP", make_nik(20)).ticket
    assert (ticket.people_ahead, ticket.wait_minutes) == (2, 14)
    place = callbook.public_ticket(ticket.id, clock.now())
    assert (place.ahead, place.wait_minutes, place.state) == (2, 14, TicketState.WAITING)
    # A second counter opens for KTP: the same line goes twice as fast.
    callbook.step("2", Step.NEXT, clock.now(), str(uuid.uuid4()))
    place = callbook.public_ticket(ticket.id, clock.now())
    assert (place.ahead, place.wait_minutes, place.serving) == (1, 4, "A-003")
    priority = kiosk.issue_walk_in("KTP", make_nik(21), Priority.PREGNANT).ticket
    assert priority.people_ahead == 0
    assert callbook.public_ticket(ticket.id, clock.now()).ahead == 2  # the priority ticket goes first


def test_the_daily_figures_count_served_no_shows_and_median_times(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    for index in range(3):
        issue(kiosk, index)
    clock.travel(timedelta(minutes=20))
    callbook.step("1", Step.NEXT, clock.now(), "f-0001")  # A-001 waited 20 minutes
    clock.travel(timedelta(minutes=8))
    callbook.step("1", Step.DONE, clock.now(), "f-0002")  # served in 8
    callbook.step("1", Step.NEXT, clock.now(), "f-0003")  # A-002 waited 28
    callbook.step("1", Step.ABSENT, clock.now(), "f-0004")
    callbook.step("1", Step.NEXT, clock.now(), "f-0005")  # A-003 waited 28
    callbook.step("1", Step.DONE, clock.now(), "f-0006")  # served in 0
    callbook.step("1", Step.NEXT, clock.now(), "f-0007")  # A-002 again
    callbook.step("1", Step.ABSENT, clock.now(), "f-0008")  # no-show
    figures = callbook.figures(clock.now().date())["KTP"]
    assert (figures.served, figures.absent) == (2, 1)
    assert (figures.median_wait_minutes, figures.median_service_minutes) == (28.0, 4.0)


def test_the_daily_report_and_its_csv_add_the_counters_figures(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock, tmp_path: object
) -> None:
    import csv
    from pathlib import Path

    from kiosk.ops.report_export import write_report

    issue(kiosk, 1)
    clock.travel(timedelta(minutes=12))
    callbook.step("1", Step.NEXT, clock.now(), "r-0001")
    clock.travel(timedelta(minutes=5))
    callbook.step("1", Step.DONE, clock.now(), "r-0002")
    row = next(r for r in kiosk.daily_report().rows if r.service_code == "KTP")
    assert (row.served, row.absent, row.median_wait_minutes, row.median_service_minutes) == (1, 0, 12.0, 5.0)
    csv_path, _png = write_report(kiosk.daily_report(), Path(str(tmp_path)) / "out")
    with csv_path.open(encoding="utf-8") as handle:
        ktp = next(r for r in csv.DictReader(handle) if r["kode_layanan"] == "KTP")
    assert (ktp["dilayani"], ktp["median_tunggu_menit"], ktp["median_layanan_menit"]) == ("1", "12.0", "5.0")


def test_a_priority_burst_at_two_counters_lets_a_regular_ticket_through_after_n_priority_calls(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    limit = callbook.config.calling.max_priority_in_a_row
    assert limit == 3  # the documented default
    issue(kiosk, 1)  # A-001, regular, first in the hall
    for index in range(2, 9):  # a burst of seven priority tickets right after it
        issue(kiosk, index, priority=Priority.ELDERLY)
    called: list[str] = []
    counters = ("1", "2")  # both serve KTP: they share the line
    for turn in range(5):
        counter = counters[turn % 2]
        called.append(step(callbook, clock, counter, Step.NEXT).number)
        step(callbook, clock, counter, Step.DONE)
    assert called[:limit] == ["A-002", "A-003", "A-004"]
    assert called[limit] == "A-001"  # after three priority calls in a row, the regular ticket
    assert called[limit + 1] == "A-005"  # and then priority again


def test_a_regular_ticket_waiting_longer_than_the_limit_goes_before_later_priority_tickets(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock
) -> None:
    patience = callbook.config.calling.regular_max_wait_minutes
    issue(kiosk, 1)  # A-001, regular
    clock.travel(timedelta(minutes=10))
    issue(kiosk, 2, priority=Priority.PREGNANT)  # A-002, priority, came after it
    clock.travel(timedelta(minutes=patience - 10 - 1))
    assert callbook.step("1", Step.NEXT, clock.now(), "patience-1").number == "A-002"  # not yet too long
    callbook.step("1", Step.DONE, clock.now(), "patience-2")
    issue(kiosk, 3, priority=Priority.DISABLED)  # A-003, priority, newer still
    clock.travel(timedelta(minutes=2))  # A-001 has now waited longer than the limit
    assert callbook.step("1", Step.NEXT, clock.now(), "patience-3").number == "A-001"
