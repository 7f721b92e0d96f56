# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""A ticket the server holds for a person who never saw it is printed, not refused (issue 18 item 5).

The kiosk's walk-in request reached the server and was numbered, but the answer never came back
(the kiosk restarted, the network dropped it). The person asks again: the kiosk prints that
number, its first paper, instead of "NIK ini sudah mendapat nomor hari ini".
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import requests
from api_support import (  # noqa: F401  (fixtures)
    NIK_YOUNG,
    ApiServer,
    hasher,
    make_backend,
    server,
    token_of,
)

from kiosk.backends.http import HttpBackend
from kiosk.core import wire
from kiosk.core.errors import Reason, Refusal
from kiosk.core.nik import NikHasher, mask
from kiosk.core.usecases import Kiosk
from printer.service import PrinterService
from printer.transports import NetworkTransport

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "printer"))
from fake_printer import FakePrinter  # noqa: E402


@pytest.fixture
def fake() -> Iterator[FakePrinter]:
    with FakePrinter() as printer:
        yield printer


def test_a_number_the_server_holds_for_this_nik_that_nobody_printed_is_printed_instead_of_refused(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer, fake: FakePrinter
) -> None:
    backend = make_backend(server.url)
    printer = PrinterService(NetworkTransport(fake.host, fake.port), backend.config.site, "TM-T20II", 80, 10.0)
    kiosk = Kiosk(config=backend.config, backend=backend, hasher=hasher, clock=server.clock, printer=printer)
    try:
        # The earlier request, over real HTTP; its answer is thrown away as if it never arrived.
        body = {"service_code": "KTP", "nik_hash": hasher.hash(NIK_YOUNG), "nik_masked": mask(NIK_YOUNG)}
        headers = {"Authorization": f"Bearer {token_of('MPP-1')}", "Idempotency-Key": "answer-never-came"}
        answer = requests.post(f"{server.url}/walk-ins", json=body, headers=headers, timeout=30)
        assert answer.status_code == 201, answer.text
        lost = wire.ticket_from_dict(answer.json())
        kiosk.precheck_walk_in("KTP", NIK_YOUNG)  # the screen lets the person go on to confirm
        result = kiosk.issue_walk_in("KTP", NIK_YOUNG, idempotency_key="the-person-asks-again")
        assert (result.ticket.number, result.printed) == (lost.number, True)
        [job] = fake.wait_for_jobs(1)
        assert lost.number.encode() in job and b"CETAK ULANG" not in job  # its first paper
        [held] = server.api.book("").tickets(server.clock.now().date())
        assert (held.id, held.printed) == (lost.id, True)  # no second number, and now it came out

        with pytest.raises(Refusal) as refused:  # on paper now: one number per person and service
            kiosk.issue_walk_in("KTP", NIK_YOUNG, idempotency_key="and-once-more")
        assert refused.value.reason == Reason.ALREADY_HAS_TICKET
    finally:
        printer.close()


def test_offline_the_kiosk_prints_its_own_unprinted_ticket_when_the_person_asks_again(
    make_backend: Callable[..., HttpBackend], hasher: NikHasher, server: ApiServer, fake: FakePrinter
) -> None:
    backend = make_backend(server.url, lease=3)
    printer = PrinterService(NetworkTransport(fake.host, fake.port), backend.config.site, "TM-T20II", 80, 10.0)
    kiosk = Kiosk(config=backend.config, backend=backend, hasher=hasher, clock=server.clock, printer=printer)
    try:
        backend.sync()  # the leased blocks
        server.stop()
        fake.fault_after_reads("paper_out", 1)  # ready when asked, out of paper for the ticket
        first = kiosk.issue_walk_in("KTP", NIK_YOUNG)
        assert (first.printed, first.print_problem) == (False, "printer_fault")
        fake.state = "ready"

        kiosk.precheck_walk_in("KTP", NIK_YOUNG)  # not "already has a number"
        again = kiosk.issue_walk_in("KTP", NIK_YOUNG)
        assert (again.ticket.number, again.ticket.id, again.printed) == (first.ticket.number, first.ticket.id, True)
        [job] = fake.wait_for_jobs(1)
        assert first.ticket.number.encode() in job and b"CETAK ULANG" not in job
        assert [t.number for t in backend.tickets(server.clock.now().date())] == [first.ticket.number]
    finally:
        printer.close()
