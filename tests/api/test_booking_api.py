# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""The kiosk against the reference server over real HTTP: same answers as with a local day book."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from api_support import (  # noqa: F401  (fixtures)
    NIK_MAN_1945,
    NIK_OTHER_REGION,
    NIK_WOMAN_1990,
    NIK_YOUNG,
    ApiServer,
    backend,
    hasher,
    kiosk,
    make_backend,
    server,
)

from kiosk.backends.http import HttpBackend
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.model import Priority, TicketKind
from kiosk.core.usecases import Kiosk


def test_a_booking_found_by_nik_is_checked_in_over_http_and_numbered(kiosk: Kiosk) -> None:
    booking = kiosk.find_booking(NIK_MAN_1945)
    assert booking.code == "MGT-0001" and booking.nik_masked == "3520**********01"
    result = kiosk.check_in(NIK_MAN_1945)
    assert result.ticket.number == "A-001"
    assert result.ticket.kind == TicketKind.ONLINE
    assert result.ticket.kiosk_id == "MPP-1"


def test_checking_in_twice_is_refused_with_the_first_number(kiosk: Kiosk) -> None:
    kiosk.check_in("MGT-0001")
    with pytest.raises(Refusal) as refused:
        kiosk.check_in("mgt-0001")
    assert refused.value.reason == Reason.ALREADY_CHECKED_IN
    assert refused.value.params["number"] == "A-001"


def test_a_booking_for_another_day_is_refused_naming_that_day(kiosk: Kiosk) -> None:
    with pytest.raises(Refusal) as refused:
        kiosk.check_in("MGT-0009")
    assert refused.value.reason == Reason.BOOKING_WRONG_DAY
    assert refused.value.params["day"] == "2026-12-02"


def test_an_unknown_booking_code_is_not_found(kiosk: Kiosk) -> None:
    with pytest.raises(Refusal) as refused:
        kiosk.find_booking("MGT-9999")
    assert refused.value.reason == Reason.BOOKING_NOT_FOUND


def test_walk_ins_are_numbered_in_order_and_counted_against_the_quota(kiosk: Kiosk) -> None:
    before = {q.service.code: q.remaining for q in kiosk.quotas()}
    first = kiosk.issue_walk_in("KTP", NIK_WOMAN_1990, Priority.PREGNANT)
    second = kiosk.issue_walk_in("ktp", NIK_OTHER_REGION)
    assert (first.ticket.number, second.ticket.number) == ("A-001", "A-002")
    assert first.ticket.priority == Priority.PREGNANT and first.ticket.holder == "3520**********02"
    after = {q.service.code: q.remaining for q in kiosk.quotas()}
    assert after["KTP"] == before["KTP"] - 2


def test_the_same_idempotency_key_twice_gives_the_same_ticket(kiosk: Kiosk) -> None:
    first = kiosk.issue_walk_in("KTP", NIK_YOUNG, idempotency_key="walk-in-key-0001")
    again = kiosk.issue_walk_in("KTP", NIK_YOUNG, idempotency_key="walk-in-key-0001")
    assert again.ticket == first.ticket
    assert [t.number for t in kiosk.tickets_today()] == ["A-001"]


def test_a_second_walk_in_for_the_same_nik_and_service_is_refused_politely(kiosk: Kiosk) -> None:
    first = kiosk.issue_walk_in("KK", NIK_YOUNG)
    # Until a paper of it is known to have come out, asking again gives the same number (issue 17 P1).
    assert kiosk.issue_walk_in("KK", NIK_YOUNG).ticket.id == first.ticket.id
    kiosk.backend.mark_printed(first.ticket.id, True)
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("KK", NIK_YOUNG)
    assert refused.value.reason == Reason.ALREADY_HAS_TICKET


def test_an_online_only_service_refuses_walk_ins_with_the_booking_website(kiosk: Kiosk) -> None:
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("PINDAH", NIK_YOUNG)
    assert refused.value.reason == Reason.SERVICE_NOT_WALK_IN
    assert "antrian" in refused.value.params["website"]


def test_walk_ins_before_opening_are_refused_by_the_servers_clock(kiosk: Kiosk, server: ApiServer) -> None:
    server.clock.travel(timedelta(hours=-1, minutes=-30))  # 06:30 WIB
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("KTP", NIK_YOUNG)
    assert refused.value.reason == Reason.CLOSED


def test_one_reprint_for_a_citizen_then_refused(kiosk: Kiosk) -> None:
    kiosk.issue_walk_in("KTP", NIK_YOUNG)
    assert kiosk.reprint("A-001").ticket.reprints == 1
    with pytest.raises(Refusal) as refused:
        kiosk.reprint("A-001")
    assert refused.value.reason == Reason.REPRINT_USED
    assert kiosk.reprint("A-001", technician=True).ticket.reprints == 2


def test_an_unknown_ticket_number_cannot_be_reprinted(kiosk: Kiosk) -> None:
    with pytest.raises(BadInput) as bad:
        kiosk.reprint("Z-999")
    assert bad.value.reason == Reason.TICKET_UNKNOWN


def test_the_print_flag_and_the_daily_report_reach_the_server(kiosk: Kiosk, server: ApiServer) -> None:
    result = kiosk.issue_walk_in("KTP", NIK_YOUNG, Priority.DISABLED)
    kiosk.backend.mark_printed(result.ticket.id, True)
    kiosk.check_in("MGT-0001")
    assert server.api.book("").find_ticket(result.ticket.day, "A-001").printed  # type: ignore[union-attr]
    report = {r.service_code: r for r in kiosk.daily_report().rows}
    assert (report["KTP"].walk_ins, report["KTP"].check_ins, report["KTP"].priority) == (1, 1, 1)
    assert report["KTP"].bookings == 2


def test_no_log_line_carries_the_token_the_nik_or_its_hash(
    kiosk: Kiosk, backend: HttpBackend, hasher, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    kiosk.find_booking(NIK_MAN_1945)
    kiosk.issue_walk_in("KTP", NIK_YOUNG)
    kiosk.check_in(NIK_MAN_1945)
    text = caplog.text
    assert caplog.records, "the calls above should have logged something"
    for secret in (NIK_MAN_1945, NIK_YOUNG, hasher.hash(NIK_YOUNG), hasher.hash(NIK_MAN_1945), "token-of-MPP-1"):
        assert secret not in text


def test_the_status_shows_online_with_a_latency(kiosk: Kiosk, backend: HttpBackend) -> None:
    kiosk.quotas()
    status = backend.status()
    assert status.online and status.latency_ms is not None and status.last_error is None
