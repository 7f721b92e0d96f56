"""The daily report: per service bookings, check-ins, walk-ins, no-shows, priority; no personal data."""

from __future__ import annotations

from typing import Any

from conftest import MONDAY_0800, NIK_MAN_1945, NIK_WOMAN_1990, make_nik

from kiosk.core import wire
from kiosk.core.clock import FixedClock
from kiosk.core.model import BookingStatus, Priority
from kiosk.core.usecases import Kiosk


def row(kiosk: Kiosk, service: str) -> Any:
    return next(r for r in kiosk.daily_report().rows if r.service_code == service)


def test_the_report_counts_the_day_and_no_shows_only_once_the_office_closed(
    kiosk: Kiosk, clock: FixedClock, add_booking: Any
) -> None:
    add_booking("MGTCAME01", NIK_MAN_1945)
    add_booking("MGTCAME02", NIK_WOMAN_1990)
    add_booking("MGTNOSHOW", make_nik(1))
    add_booking("MGTBATAL1", make_nik(2), status=BookingStatus.CANCELLED)
    add_booking("MGTKANTOR", make_nik(3), site="KANTOR")
    kiosk.check_in("MGTCAME01")
    kiosk.check_in("MGTCAME02")
    kiosk.issue_walk_in("KTP", make_nik(10), Priority.ELDERLY)
    kiosk.issue_walk_in("KTP", make_nik(11))
    kiosk.issue_walk_in("CETAK", make_nik(12), Priority.PREGNANT)

    ktp = row(kiosk, "KTP")
    assert (ktp.bookings, ktp.check_ins, ktp.walk_ins, ktp.no_shows, ktp.priority) == (3, 2, 2, 0, 1)
    clock.set(MONDAY_0800.replace(hour=15))
    ktp = row(kiosk, "KTP")
    assert (ktp.bookings, ktp.check_ins, ktp.walk_ins, ktp.no_shows, ktp.priority) == (3, 2, 2, 1, 1)
    cetak = row(kiosk, "CETAK")
    assert (cetak.bookings, cetak.check_ins, cetak.walk_ins, cetak.no_shows, cetak.priority) == (0, 0, 1, 0, 1)
    assert kiosk.daily_report().total_tickets == 5


def test_a_checked_in_booking_cancelled_later_still_counts_as_a_check_in_not_a_no_show(
    kiosk: Kiosk, clock: FixedClock, add_booking: Any
) -> None:
    add_booking("MGTCAME01", NIK_MAN_1945)
    kiosk.check_in("MGTCAME01")
    add_booking("MGTCAME01", NIK_MAN_1945, status=BookingStatus.CANCELLED)
    clock.set(MONDAY_0800.replace(hour=16))
    ktp = row(kiosk, "KTP")
    assert (ktp.bookings, ktp.check_ins, ktp.no_shows) == (1, 1, 0)


def test_the_report_holds_no_personal_data(kiosk: Kiosk, add_booking: Any) -> None:
    add_booking("MGTCAME01", NIK_MAN_1945, name="Siti Aminah")
    kiosk.check_in("MGTCAME01")
    text = repr(wire.report_to_dict(kiosk.daily_report()))
    for private in (NIK_MAN_1945, "3520**", "Siti", "MGTCAME01"):
        assert private not in text
