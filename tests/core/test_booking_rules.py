"""The booking website's rules (kiosk.core.booking): open days, slots that fit the kiosk, caps."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from conftest import write_config

from kiosk.core import booking, rules
from kiosk.core import config as config_mod
from kiosk.core.booking import BookingRequest, DayLoad, NikLoad
from kiosk.core.clock import WIB
from kiosk.core.config import Config, ConfigError
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.model import Booking

SATURDAY_0705 = datetime(2026, 11, 28, 7, 5, tzinfo=WIB)
MONDAY = date(2026, 11, 30)
TUESDAY = date(2026, 12, 1)


def request(day: date = MONDAY, slot: time | None = None, service: str = "KTP") -> BookingRequest:
    return BookingRequest(service, day, slot, "a" * 64, "3520**********01", "")


def check(config: Config, req: BookingRequest, load: DayLoad | None = None, nik: NikLoad | None = None) -> time:
    return booking.check_new_booking(
        req,
        config.service(req.service_code),
        SATURDAY_0705,
        config,
        load or DayLoad(req.day),
        nik or NikLoad(0, 0),
        False,
    )


def test_every_slot_window_lies_inside_the_kiosks_arrival_window_and_ends_by_the_release(config: Config) -> None:
    windows = booking.slots(config)
    assert windows[0] == config.hours.open and len(windows) == 7  # 07:30 ... 10:30, each 30 minutes
    for start in windows:
        slot = Booking("B", "h", "m", "", "KTP", MONDAY, start, "MPP")
        for minute in range(config.booking_site.slot_minutes):
            arriving = datetime.combine(MONDAY, start, tzinfo=WIB) + timedelta(minutes=minute)
            rules.check_booking(slot, arriving, config)  # accepted anywhere inside its window
        end = datetime.combine(MONDAY, start) + timedelta(minutes=config.booking_site.slot_minutes)
        assert end.time() <= config.hours.release_time


def test_slots_split_the_online_share_of_the_quota_without_losing_a_place(config: Config) -> None:
    service = config.service("KTP")
    assert service is not None
    capacity = booking.slot_capacity(service, config)
    assert sum(capacity.values()) == service.daily_quota * config.booking_site.online_percent // 100
    assert max(capacity.values()) - min(capacity.values()) <= 1


def test_the_days_offered_skip_weekends_and_configured_holidays(config: Config) -> None:
    config = replace(config, booking_site=replace(config.booking_site, closed_dates=(TUESDAY,)))
    days = booking.offered_days(SATURDAY_0705, config)
    assert days[:3] == [MONDAY, date(2026, 12, 2), date(2026, 12, 3)]
    assert len(days) == config.booking_site.days_ahead
    with pytest.raises(Refusal) as closed:
        booking.check_day(TUESDAY, SATURDAY_0705, config)
    assert closed.value.reason == Reason.BOOKING_DAY_CLOSED
    with pytest.raises(Refusal) as weekend:
        booking.check_day(date(2026, 12, 5), SATURDAY_0705, config)
    assert weekend.value.reason == Reason.BOOKING_DAY_CLOSED


def test_booking_for_a_day_opens_at_seven_two_days_before_and_closes_when_the_office_opens(config: Config) -> None:
    with pytest.raises(Refusal) as early:
        booking.check_day(MONDAY, SATURDAY_0705 - timedelta(minutes=10), config)
    assert early.value.reason == Reason.BOOKING_DAY_NOT_OPEN_YET and early.value.params["opens"] == "07:00"
    booking.check_day(MONDAY, SATURDAY_0705, config)
    with pytest.raises(Refusal) as late:
        booking.check_day(MONDAY, datetime(2026, 11, 30, 7, 30, tzinfo=WIB), config)
    assert late.value.reason == Reason.BOOKING_DAY_PAST


def test_a_full_slot_and_a_full_day_are_refused_each_with_its_own_reason(config: Config) -> None:
    service = config.service("KTP")
    assert service is not None
    capacity = booking.slot_capacity(service, config)
    first = booking.slots(config)[0]
    with pytest.raises(Refusal) as slot_full:
        check(config, request(slot=first), DayLoad(MONDAY, {first: capacity[first]}))
    assert slot_full.value.reason == Reason.BOOKING_SLOT_FULL
    # Without a slot asked for, the first window with room is given.
    assert check(config, request(), DayLoad(MONDAY, {first: capacity[first]})) == booking.slots(config)[1]
    with pytest.raises(Refusal) as day_full:
        check(config, request(), DayLoad(MONDAY, dict(capacity)))
    assert day_full.value.reason == Reason.BOOKING_DAY_FULL


def test_walk_ins_already_issued_leave_no_room_beyond_the_daily_quota(config: Config) -> None:
    service = config.service("KTP")
    assert service is not None
    with pytest.raises(Refusal) as full:
        check(config, request(), DayLoad(MONDAY, {}, walk_ins=service.daily_quota))
    assert full.value.reason == Reason.BOOKING_DAY_FULL


def test_one_booking_per_nik_per_service_per_day_and_a_cap_over_the_coming_days(config: Config) -> None:
    with pytest.raises(Refusal) as second:
        check(config, request(), nik=NikLoad(same_service_day=1, active=1))
    assert second.value.reason == Reason.BOOKING_SAME_SERVICE_DAY
    with pytest.raises(Refusal) as cap:
        check(config, request(), nik=NikLoad(same_service_day=0, active=config.booking_site.active_per_nik))
    assert cap.value.reason == Reason.BOOKING_NIK_CAP


def test_a_slot_that_is_not_on_the_grid_is_bad_input(config: Config) -> None:
    with pytest.raises(BadInput) as wrong:
        check(config, request(slot=time(13, 0)))
    assert wrong.value.reason == Reason.BOOKING_SLOT_UNKNOWN


def test_a_nik_on_the_brokers_list_is_refused_politely(config: Config) -> None:
    service = config.service("KTP")
    with pytest.raises(Refusal) as listed:
        booking.check_new_booking(request(), service, SATURDAY_0705, config, DayLoad(MONDAY), NikLoad(0, 0), True)
    assert listed.value.reason == Reason.BOOKING_REFUSED


def test_a_new_booking_code_is_read_by_the_kiosks_code_rules() -> None:
    codes = {booking.new_code() for _ in range(500)}
    assert len(codes) == 500
    assert all(rules.normalize_code(code) == code for code in codes)


@pytest.mark.parametrize(
    ("edit", "key"),
    [
        ({"slot_minutes = 30 ": "slot_minutes = 45 "}, "booking_site.slot_minutes"),  # longer than the late margin
        ({'closed_dates = ["2026-12-25"': 'closed_dates = ["25-12-2026"'}, "booking_site.closed_dates"),
        ({"weekdays = [1, 2, 3, 4, 5]": "weekdays = [1, 8]"}, "booking_site.weekdays"),
        ({'opens_at = "07:00"': 'opens_at = "7 pagi"'}, "booking_site.opens_at"),
        ({"online_percent = 50 ": "online_percent = 150 "}, "booking_site.online_percent"),
    ],
)
def test_a_wrong_booking_site_key_is_named_at_start_up(tmp_path: Path, edit: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_mod.load(write_config(tmp_path, edit))
    assert any(problem.startswith(key) for problem in caught.value.problems), caught.value.problems
