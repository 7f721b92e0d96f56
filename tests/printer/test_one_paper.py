"""One queue number, one paper: the moments between the job and its status, at the fake printer.

The fake printer answers DLE EOT from a scripted state on a real loopback socket; ``fake.paper``
is what comes out of it, piece by piece (a cut ends a piece), dropped fragments included.
"""

from __future__ import annotations

import pytest
from fake_printer import FakePrinter

from kiosk.core.config import Config
from kiosk.core.errors import Reason, SystemFault
from kiosk.core.model import Ticket
from printer.escpos_bytes import ticket_bytes
from printer.service import PrinterService
from printer.transports import NetworkTransport

TIMEOUT = 10.0  # generous: every test here expects the printer to answer


@pytest.fixture
def service(config: Config, fake: FakePrinter) -> PrinterService:
    printer = PrinterService(NetworkTransport(fake.host, fake.port), config.site, "TM-T20II", 80, TIMEOUT)
    yield printer
    printer.close()


@pytest.mark.parametrize("reads", [1, None], ids=["cover-shut-again-at-once", "cover-left-open"])
def test_a_cover_opened_after_the_whole_job_arrived_is_never_sent_the_ticket_again(
    service: PrinterService, fake: FakePrinter, ticket: Ticket, reads: int | None
) -> None:
    fake.fault_after_next_job("cover_open", reads=reads)
    with pytest.raises(SystemFault) as raised:
        service.print_ticket(ticket)
    assert (raised.value.reason, raised.value.params["state"]) == (Reason.PRINTER_HOLDS_TICKET, "cover_open")
    fake.state = "ready"  # the cover is closed: the printer prints what it holds
    fake.wait_idle()
    assert fake.copies(b"A-001") == 1
    assert fake.connections == 1


def test_paper_running_out_after_the_job_holds_the_ticket_too(
    service: PrinterService, fake: FakePrinter, ticket: Ticket
) -> None:
    fake.fault_after_next_job("paper_out", reads=1)
    with pytest.raises(SystemFault) as raised:
        service.print_ticket(ticket)
    assert raised.value.reason == Reason.PRINTER_HOLDS_TICKET
    fake.wait_idle()
    assert fake.copies(b"A-001") == 1


def test_a_ticket_retried_after_a_drop_mid_job_is_cut_from_the_fragment_first(
    service: PrinterService, fake: FakePrinter, config: Config, ticket: Ticket
) -> None:
    fake.drop_mid_job(after_bytes=100, times=1)
    service.print_ticket(ticket)
    fake.wait_idle()
    full = ticket_bytes(ticket, config.site, "TM-T20II", 80)
    fragment, second = fake.paper  # two pieces of paper, not one long strip
    assert fragment.startswith(full[:100]) and fragment.endswith(b"\x1dV\x01")
    assert second == full
    assert fake.copies(b"A-001") == 1


def test_a_ticket_refused_before_anything_was_sent_is_not_preceded_by_a_cut(
    service: PrinterService, fake: FakePrinter, config: Config, ticket: Ticket
) -> None:
    fake.state = "paper_out"
    with pytest.raises(SystemFault) as raised:
        service.print_ticket(ticket)
    assert (raised.value.reason, raised.value.params["state"]) == (Reason.PRINTER_FAULT, "paper_out")
    fake.wait_idle()
    assert fake.paper == []  # nothing sent: no blank cut, no ticket
