"""The office's overrides on a real day book: each rule of kiosk.core.office, and a new day that
starts from the config again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta

import pytest
from conftest import MONDAY_0800, make_nik

from kiosk.backends.daybook import DayBook
from kiosk.backends.office_book import OfficeBook
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.nik import NikHasher
from kiosk.core.office import OfficeDesk
from kiosk.core.usecases import Kiosk


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_0800)  # a fresh one: these tests move it


@pytest.fixture
def book(config: Config) -> Iterator[DayBook]:
    book = DayBook(config.backend.path, config)
    yield book
    book.close()


@pytest.fixture
def desk(config: Config, book: DayBook, clock: FixedClock) -> OfficeDesk:
    return OfficeDesk(config, OfficeBook(book), clock)


@pytest.fixture
def kiosk(config: Config, book: DayBook, clock: FixedClock) -> Kiosk:
    return Kiosk(config=config, backend=book, hasher=NikHasher(b"k" * 32), clock=clock, printer=None)


def test_two_supervisors_closing_the_same_service_the_last_write_wins_and_both_are_audited(
    config: Config, book: DayBook, clock: FixedClock, kiosk: Kiosk
) -> None:
    first = OfficeDesk(config, OfficeBook(DayBook(config.backend.path, config)), clock)
    second = OfficeDesk(config, OfficeBook(DayBook(config.backend.path, config)), clock)
    try:
        first.close_service("kasi-1", "KTP", "Blangko habis")
        second.close_service("kasi-2", "KTP", "Server pusat gangguan")
        status = first.status()
        assert next(s for s in status["services"] if s["code"] == "KTP")["closed_reason"] == "Server pusat gangguan"
        assert [(e["who"], e["why"]) for e in status["audit"]] == [
            ("kasi-1", "Blangko habis"),
            ("kasi-2", "Server pusat gangguan"),
        ]
        with pytest.raises(Refusal) as refused:
            kiosk.issue_walk_in("KTP", make_nik(1))
        assert refused.value.params["why"] == "Server pusat gangguan"
    finally:
        first.close()
        second.close()


def test_a_quota_below_the_issued_numbers_is_refused_with_how_many(desk: OfficeDesk, kiosk: Kiosk) -> None:
    for n in range(3):
        kiosk.issue_walk_in("KK", make_nik(n))
    with pytest.raises(Refusal) as refused:
        desk.set_quota("kasi", "KK", 2)
    assert refused.value.reason == Reason.QUOTA_BELOW_ISSUED and refused.value.params["issued"] == 3
    desk.set_quota("kasi", "KK", 3)  # exactly what is issued: nobody else today
    with pytest.raises(Refusal) as full:
        kiosk.issue_walk_in("KK", make_nik(9))
    assert full.value.reason == Reason.QUOTA_FULL


def test_a_new_day_starts_from_the_config_again(desk: OfficeDesk, kiosk: Kiosk, clock: FixedClock) -> None:
    desk.close_service("kasi", "KTP", "Blangko habis")
    desk.set_quota("kasi", "KK", 1)
    desk.post_notice("kasi", "Loket 2 istirahat")
    clock.travel(timedelta(days=1))
    status = desk.status()
    assert all(s["open"] and s["quota"] == s["configured_quota"] for s in status["services"])
    assert status["notice"] is None and status["audit"] == []
    assert kiosk.issue_walk_in("KTP", make_nik(1)).ticket.number.startswith("A-")


def test_a_notice_shows_until_its_time_and_not_after(desk: OfficeDesk, clock: FixedClock) -> None:
    desk.post_notice("kasi", "Pelayanan KIA mulai pukul 10.00", until=time(9, 0), text_en="KIA from 10:00")
    assert desk.status()["notice"]["text_en"] == "KIA from 10:00"
    clock.travel(timedelta(hours=1))
    assert desk.status()["notice"] is None


def test_pausing_needs_force_only_for_the_last_open_counter_of_a_service(desk: OfficeDesk, config: Config) -> None:
    def served_by_one(code: str) -> bool:
        return sum(code in other.services for other in config.counters) == 1

    lonely = next(c for c in config.counters if any(served_by_one(code) for code in c.services))
    with pytest.raises(Refusal) as refused:
        desk.pause("kasi", lonely.id)
    assert refused.value.reason == Reason.LAST_OPEN_COUNTER
    desk.pause("kasi", lonely.id, force=True)
    assert next(c for c in desk.status()["counters"] if c["id"] == lonely.id)["paused_since"] == "08:00"
    with pytest.raises(BadInput):
        desk.pause("kasi", "99")
