"""The kiosk's check before the confirm screen (``Kiosk.precheck_walk_in``) tells what the issue
itself would: a service the office closed is refused with the office's reason, not as "full"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import MONDAY_0800, make_nik

from kiosk.backends.daybook import DayBook
from kiosk.backends.office_book import OfficeBook
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.errors import Reason, Refusal
from kiosk.core.nik import NikHasher
from kiosk.core.office import OfficeDesk
from kiosk.core.usecases import Kiosk
from kiosk.messages import explain


@pytest.fixture
def book(config: Config) -> Iterator[DayBook]:
    book = DayBook(config.backend.path, config)
    yield book
    book.close()


def test_the_check_before_confirming_gives_a_closed_services_reason_as_the_issue_does(
    config: Config, book: DayBook
) -> None:
    clock = FixedClock(MONDAY_0800)
    kiosk = Kiosk(config=config, backend=book, hasher=NikHasher(b"test-secret-of-at-least-16-bytes"), clock=clock)
    OfficeDesk(config, OfficeBook(book), clock).close_service("kasi", "KTP", "Blangko KTP-el habis hari ini")
    with pytest.raises(Refusal) as before:
        kiosk.precheck_walk_in("KTP", make_nik(3))
    with pytest.raises(Refusal) as at_issue:
        kiosk.issue_walk_in("KTP", make_nik(3))
    assert before.value.reason == at_issue.value.reason == Reason.SERVICE_CLOSED
    assert "Blangko KTP-el habis hari ini" in explain(before.value, "id").hint  # what the screen says
    kiosk.precheck_walk_in("KK", make_nik(3))  # the other services are open as before


def test_the_check_before_confirming_sends_a_person_on_the_broker_list_to_the_desk(
    config: Config, book: DayBook
) -> None:
    clock = FixedClock(MONDAY_0800)
    kiosk = Kiosk(config=config, backend=book, hasher=NikHasher(b"test-secret-of-at-least-16-bytes"), clock=clock)
    first = kiosk.issue_walk_in("KK", make_nik(4)).ticket
    OfficeDesk(config, OfficeBook(book), clock).refer_to_desk("kasi", first.number, 1)
    with pytest.raises(Refusal) as before:
        kiosk.precheck_walk_in("KTP", make_nik(4))  # before the confirm screen, not after it
    assert before.value.reason == Reason.REFER_TO_DESK
    assert "calo" not in explain(before.value, "id").hint.lower()
    kiosk.precheck_walk_in("KTP", make_nik(5))  # anyone else goes on
