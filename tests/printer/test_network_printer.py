"""The printer service against a fake network printer on a real loopback socket."""

from __future__ import annotations

import time

import pytest
from fake_printer import FakePrinter
from printer_helpers import make_ticket

from kiosk.core.config import Config
from kiosk.core.errors import Reason, SystemFault
from kiosk.core.model import Ticket
from printer.escpos_bytes import ticket_bytes
from printer.service import PrinterService
from printer.status import State
from printer.transports import NetworkTransport

# A printer that answers must be believed however slowly a busy machine runs the fake: the
# timeout of a test that expects answers is generous. Only silence waits for a timeout, and
# silence is "unknown" whatever the load, so those tests use a short one (SILENCE_TIMEOUT).
TIMEOUT = 10.0
SILENCE_TIMEOUT = 0.3


@pytest.fixture
def service(config: Config, fake: FakePrinter) -> PrinterService:
    printer = PrinterService(NetworkTransport(fake.host, fake.port), config.site, "TM-T20II", 80, TIMEOUT)
    yield printer
    printer.close()


@pytest.fixture
def impatient(config: Config, fake: FakePrinter) -> PrinterService:
    """The service with a short timeout, for a printer that will not answer."""
    printer = PrinterService(NetworkTransport(fake.host, fake.port), config.site, "TM-T20II", 80, SILENCE_TIMEOUT)
    yield printer
    printer.close()


def test_a_ready_printer_can_print(service: PrinterService) -> None:
    readiness = service.readiness()
    assert (readiness.can_print, readiness.state, readiness.warning) == (True, "ready", None)


@pytest.mark.parametrize("state", ["paper_out", "cover_open", "offline", "cutter_error", "unrecoverable_error"])
def test_a_printer_in_trouble_cannot_print_and_says_why(service: PrinterService, fake: FakePrinter, state: str) -> None:
    fake.state = state
    readiness = service.readiness()
    assert (readiness.can_print, readiness.state) == (False, state)


def test_paper_near_end_keeps_printing_with_a_warning_for_the_technician(
    service: PrinterService, fake: FakePrinter
) -> None:
    fake.state = "paper_near_end"
    readiness = service.readiness()
    assert (readiness.can_print, readiness.warning) == (True, "paper_near_end")


def test_a_silent_printer_is_unknown_and_the_question_returns(impatient: PrinterService, fake: FakePrinter) -> None:
    fake.silent = True
    status = impatient.status()
    assert status.state == State.UNKNOWN
    assert status.replies == {1: None}  # it stopped asking at the first silence
    assert not impatient.readiness().can_print


def test_a_printer_answering_garbage_is_unknown(service: PrinterService, fake: FakePrinter) -> None:
    fake.garbage = True
    assert service.status().state == State.UNKNOWN


def test_stale_bytes_waiting_in_the_line_are_drained_before_asking(fake: FakePrinter) -> None:
    fake.state = "cover_open"
    fake.stale = bytes((0x12, 0x12, 0x12, 0x12))  # old "all fine" replies must not be taken as answers
    transport = NetworkTransport(fake.host, fake.port)
    deadline = time.monotonic() + TIMEOUT
    transport.open(deadline)
    try:
        assert fake.stale_sent.wait(30)  # on loopback, sent means already in our receive buffer
        assert transport.status(deadline).state == State.COVER_OPEN
    finally:
        transport.close()


def test_nobody_listening_is_offline(config: Config) -> None:
    with FakePrinter() as gone:
        port = gone.port
    printer = PrinterService(NetworkTransport("127.0.0.1", port), config.site, "TM-T20II", 80, TIMEOUT)
    try:
        status = printer.status()
        assert status.state == State.OFFLINE
        assert "127.0.0.1" in status.detail
    finally:
        printer.close()


def test_the_ticket_arrives_at_the_printer_byte_for_byte(
    service: PrinterService, fake: FakePrinter, config: Config, ticket: Ticket
) -> None:
    service.print_ticket(ticket)
    assert fake.wait_for_jobs(1) == [ticket_bytes(ticket, config.site, "TM-T20II", 80)]


def test_a_connection_dropped_after_the_whole_ticket_was_written_is_not_retried(
    service: PrinterService, fake: FakePrinter, ticket: Ticket
) -> None:
    fake.drop_mid_job(after_bytes=100, times=1)  # TCP cannot say how much of it the printer took
    with pytest.raises(SystemFault) as raised:
        service.print_ticket(ticket)
    assert raised.value.reason == Reason.PRINTER_MAYBE_PRINTED
    fake.wait_idle()
    assert [r.dropped for r in fake.received] == [True]


def test_a_printer_out_of_paper_before_every_attempt_raises_a_printer_fault_after_one_retry(
    service: PrinterService, fake: FakePrinter, ticket: Ticket
) -> None:
    fake.state = "paper_out"
    with pytest.raises(SystemFault) as raised:
        service.print_ticket(ticket)
    assert (raised.value.reason, raised.value.params["state"]) == (Reason.PRINTER_FAULT, "paper_out")
    fake.wait_idle()
    assert fake.connections == 2
    assert fake.jobs == []


def test_a_printer_that_goes_silent_mid_job_is_a_fault_and_the_call_returns(
    impatient: PrinterService, fake: FakePrinter, ticket: Ticket
) -> None:
    fake.silent = True
    with pytest.raises(SystemFault) as raised:
        impatient.print_ticket(ticket)
    assert raised.value.params["state"] == "unknown"


def test_paper_out_is_not_sent_a_ticket(service: PrinterService, fake: FakePrinter, ticket: Ticket) -> None:
    fake.state = "paper_out"
    with pytest.raises(SystemFault) as raised:
        service.print_ticket(ticket)
    assert raised.value.params["state"] == "paper_out"
    fake.wait_idle()
    assert fake.jobs == []


def test_test_page_and_feed_and_cut_reach_the_printer(service: PrinterService, fake: FakePrinter) -> None:
    service.test_page()
    service.feed_and_cut()
    test_page, cut = fake.wait_for_jobs(2)
    assert b"HALAMAN UJI PRINTER" in test_page
    assert b"TM-T20II" in test_page and b"DLE EOT 1: 0x12" in test_page
    assert cut.endswith(b"\x1dV\x01") and b"Dinas" not in cut


def test_one_worker_serves_many_callers_in_turn(service: PrinterService, fake: FakePrinter) -> None:
    import threading

    tickets = [make_ticket(number=f"A-{n:03d}", seq=n) for n in range(1, 7)]
    threads = [threading.Thread(target=service.print_ticket, args=(t,)) for t in tickets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    jobs = fake.wait_for_jobs(6)
    assert sorted(job[job.index(b"A-0") : job.index(b"A-0") + 5] for job in jobs) == [
        f"A-{n:03d}".encode() for n in range(1, 7)
    ]


def test_a_closed_printer_service_says_unknown_and_refuses_to_print(
    config: Config, fake: FakePrinter, ticket: Ticket
) -> None:
    printer = PrinterService(NetworkTransport(fake.host, fake.port), config.site, "TM-T20II", 80, TIMEOUT)
    printer.close()
    assert printer.status().state == State.UNKNOWN
    with pytest.raises(SystemFault):
        printer.print_ticket(ticket)


def test_paper_near_end_is_logged_once_for_the_technician_not_at_every_poll(
    service: PrinterService, fake: FakePrinter, caplog: pytest.LogCaptureFixture
) -> None:
    fake.state = "paper_near_end"
    with caplog.at_level("INFO", logger="printer.service"):
        for _ in range(3):  # the home screen polls every few seconds
            assert service.readiness().can_print
    warnings = [r for r in caplog.records if "paper near end" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].levelname == "WARNING"
