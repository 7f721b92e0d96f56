# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""The per-NIK caps (one number per service, a daily cap over all services) are one rule: the
same online, offline from a kiosk's own store and mirror, and at sync. A checked-in booking is a
number for its service as much as a walk-in is."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from api_support import (  # noqa: F401  (fixtures)
    MONDAY_0800,
    NIK_MAN_1945,
    ApiServer,
    ReadyPrinter,
    hasher,
    kiosk_on,
    make_backend,
    process_backend,
    retry_at_once,
    server,
    server_process,
)
from server_process import ServerProcess

from kiosk.backends.http import HttpBackend
from kiosk.core.errors import Reason, Refusal
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk

pytestmark = pytest.mark.usefixtures("retry_at_once")


def held_by(day_book: Path, nik_hash: str) -> list[tuple[str, str]]:
    """(service, kind) of every ticket the server's day book holds for this person."""
    db = sqlite3.connect(f"file:{day_book}?mode=ro", uri=True)
    try:
        rows = db.execute("SELECT service, kind FROM tickets WHERE nik_hash = ? ORDER BY service", (nik_hash,))
        return [(str(service), str(kind)) for service, kind in rows.fetchall()]
    finally:
        db.close()


def test_a_person_checked_in_online_gets_no_second_number_for_the_service_from_the_same_kiosk_offline(
    server_process: ServerProcess, process_backend: HttpBackend, hasher: NikHasher
) -> None:
    backend = process_backend
    kiosk = Kiosk(config=backend.config, backend=backend, hasher=hasher, clock=backend.clock, printer=ReadyPrinter())
    backend.sync()
    checked_in = kiosk.check_in(NIK_MAN_1945).ticket  # MGT-0001, KTP, online
    assert checked_in.service_code == "KTP" and backend.status().online
    backend.sync()

    server_process.kill()
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("KTP", NIK_MAN_1945)  # a broker's second KTP number, offline
    assert refused.value.reason == Reason.ALREADY_HAS_TICKET
    assert refused.value.params["service"] == "Perekaman KTP-el"
    assert not backend.status().online
    assert kiosk.issue_walk_in("KK", NIK_MAN_1945).ticket.service_code == "KK"  # the second of the day
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("CETAK", NIK_MAN_1945)  # a third breaks the daily cap of 2
    assert refused.value.reason == Reason.DAILY_CAP

    server_process.start()
    backend.sync()
    assert held_by(server_process.folder / "daybook.sqlite3", hasher.hash(NIK_MAN_1945)) == [
        ("KK", "walk_in"),
        ("KTP", "online"),
    ]
    assert backend.status().unsynced == 0 and backend.status().conflicts == ()


def test_a_check_in_at_another_kiosk_counts_offline_once_the_mirror_shows_it(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher
) -> None:
    here = make_backend(server.url, "MPP-1", lease=2)
    there = make_backend(server.url, "MPP-2", lease=2)
    kiosk_here = kiosk_on(here, hasher, server, ReadyPrinter())
    kiosk_there = kiosk_on(there, hasher, server, ReadyPrinter())
    kiosk_there.check_in("MGT-0001")  # NIK_MAN_1945's KTP booking, at the other kiosk
    here.sync()  # this kiosk's mirror: the booking, checked in
    server.stop()
    with pytest.raises(Refusal) as refused:
        kiosk_here.issue_walk_in("KTP", NIK_MAN_1945)
    assert refused.value.reason == Reason.ALREADY_HAS_TICKET
    assert not here.status().online


def test_an_offline_walk_in_past_a_cap_stands_after_sync_and_is_listed_for_the_technician(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher, caplog: pytest.LogCaptureFixture
) -> None:
    """Nobody takes a number from a person holding the paper; the break is listed, never silent."""
    apart = make_backend(server.url, "MPP-2", lease=2)
    other = make_backend(server.url, "MPP-1", lease=2)
    kiosk_apart = kiosk_on(apart, hasher, server, ReadyPrinter())
    kiosk_other = kiosk_on(other, hasher, server, ReadyPrinter())
    apart.sync()  # its mirror: MGT-0001 not checked in yet
    checked_in = kiosk_other.check_in("MGT-0001").ticket  # KTP, online, at the other kiosk
    server.stop()
    server.clock.set(MONDAY_0800.replace(hour=9))  # MGT-0001's arrival window (until 08:30) is over
    offline = kiosk_apart.issue_walk_in("KTP", NIK_MAN_1945).ticket  # the kiosk apart cannot know
    server.start()

    apart.sync()
    stored = {t.number: t for t in server.api.book("").tickets(server.clock.now().date())}
    assert stored[offline.number].id == offline.id  # it stands: the person holds it
    assert stored[checked_in.number].id == checked_in.id
    assert apart.status().conflicts == (f"{offline.number} (conflict)",)  # on the technician screen
    assert any(
        offline.number in r.getMessage() and "cap" in r.getMessage() and r.levelname == "ERROR" for r in caplog.records
    )


def test_offline_a_person_whose_booking_can_still_be_checked_in_is_sent_to_check_in_as_online(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher
) -> None:
    backend = make_backend(server.url, lease=2)
    kiosk = kiosk_on(backend, hasher, server, ReadyPrinter())
    backend.sync()  # the mirror: MGT-0001 (KTP, 08:00) not checked in
    server.stop()
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("KTP", NIK_MAN_1945)  # a walk-in on top would be a second KTP number
    assert refused.value.reason == Reason.HAS_BOOKING and not backend.status().online
    assert kiosk.check_in(NIK_MAN_1945).ticket.booking_code == "MGT-0001"  # what the message advises
    assert backend.status().unsynced == 1  # one paper, one number
