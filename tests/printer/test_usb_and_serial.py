"""USB (the hardware mocked: nothing else can stand in for it here) and serial (a real pty)."""

from __future__ import annotations

import os
import re
import threading
import time
import tty
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import usb.core
from fake_printer import REPLIES
from printer_helpers import shared

from kiosk import cli
from kiosk.core.config import Config
from kiosk.core.errors import SystemFault
from kiosk.core.model import Ticket
from printer.escpos_bytes import ticket_bytes
from printer.service import PrinterService
from printer.status import State
from printer.transports import SerialTransport
from printer.usb import UsbTransport

QUERY = re.compile(rb"\x10\x04([\x01-\x04])")


def answers(data: bytes, state: str) -> bytes:
    return bytes(REPLIES[state][m.group(1)[0]] for m in QUERY.finditer(data))


class FakeEndpoint:
    def __init__(self, address: int, device: FakeUsbPrinter) -> None:
        self.bEndpointAddress = address
        self.wMaxPacketSize = 64
        self.device = device

    def write(self, data: bytes, timeout: int) -> int:
        self.device.received += QUERY.sub(b"", bytes(data))
        if not self.device.silent:
            self.device.outbox += answers(bytes(data), self.device.state)
        return len(data)

    def read(self, size: int, timeout: int) -> bytes:
        if not self.device.outbox:
            raise usb.core.USBTimeoutError("Operation timed out", errno=110)
        chunk, self.device.outbox = self.device.outbox[:size], self.device.outbox[size:]
        return chunk


class FakeUsbPrinter:
    """Stands in for pyusb's Device of a USB printer: bulk OUT 0x01, bulk IN 0x82."""

    def __init__(self, state: str = "ready", with_in_endpoint: bool = True) -> None:
        self.state = state
        self.silent = False
        self.received = b""
        self.outbox = b""
        self.detached = False
        self.disposed = 0
        endpoints = [FakeEndpoint(0x01, self)] + ([FakeEndpoint(0x82, self)] if with_in_endpoint else [])
        self.interface = endpoints
        self._ctx = self  # pyusb's dispose_resources() calls device._ctx.dispose(device)

    def is_kernel_driver_active(self, interface: int) -> bool:
        return not self.detached

    def detach_kernel_driver(self, interface: int) -> None:
        self.detached = True

    def set_configuration(self) -> None:
        pass

    def get_active_configuration(self) -> dict[tuple[int, int], list[FakeEndpoint]]:
        return {(0, 0): self.interface}

    def dispose(self, device: Any) -> None:
        self.disposed += 1


def plug_in(monkeypatch: pytest.MonkeyPatch, device: FakeUsbPrinter | None) -> list[dict[str, int]]:
    asked: list[dict[str, int]] = []

    def find(**ids: int) -> FakeUsbPrinter | None:
        asked.append(ids)
        return device

    monkeypatch.setattr(usb.core, "find", find)
    return asked


def usb_service(config: Config) -> PrinterService:
    # generous, as in serial_service
    return PrinterService(UsbTransport(0x04B8, 0x0202), config.site, "TM-T20II", 80, 10.0)


def test_a_usb_printer_is_found_by_its_ids_and_the_ticket_goes_out_on_bulk_out(
    config: Config, ticket: Ticket, monkeypatch: pytest.MonkeyPatch
) -> None:
    device = FakeUsbPrinter()
    asked = plug_in(monkeypatch, device)
    service = usb_service(config)
    try:
        assert service.readiness().can_print
        service.print_ticket(ticket)
    finally:
        service.close()
    assert asked[0] == {"idVendor": 0x04B8, "idProduct": 0x0202}
    assert device.received == ticket_bytes(ticket, config.site, "TM-T20II", 80)
    assert device.detached  # the kernel's usblp driver would otherwise hold the printer
    assert device.disposed >= 1  # released after every operation


def test_a_usb_printer_out_of_paper_cannot_print(config: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    plug_in(monkeypatch, FakeUsbPrinter("paper_out"))
    service = usb_service(config)
    try:
        assert service.readiness().state == "paper_out"
    finally:
        service.close()


def test_an_unplugged_usb_printer_is_offline_and_says_which_id_it_looked_for(
    config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    plug_in(monkeypatch, None)
    service = usb_service(config)
    try:
        status = service.status()
    finally:
        service.close()
    assert status.state == State.OFFLINE
    assert "04b8:0202 not found" in status.detail


def test_a_usb_printer_without_a_way_back_is_unknown_never_ready(
    config: Config, ticket: Ticket, monkeypatch: pytest.MonkeyPatch
) -> None:
    plug_in(monkeypatch, FakeUsbPrinter(with_in_endpoint=False))
    service = usb_service(config)
    try:
        assert service.status().state == State.UNKNOWN
        with pytest.raises(SystemFault):
            service.print_ticket(ticket)
    finally:
        service.close()


def test_walk_in_with_the_usb_printer_unplugged_is_refused_through_the_cli(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    plug_in(monkeypatch, None)
    config_path = shared().write_config(
        tmp_path,
        {
            'kind = "preview"': 'kind = "usb"\nusb_vendor = 0x04b8\nusb_product = 0x0202',
            'open = "07:30"': 'open = "00:00"',
            'close = "15:00"': 'close = "23:59"',
        },
    )
    code = cli.main(["walkin", "--config", str(config_path), "--service", "KTP", "--nik", shared().make_nik(11)])
    assert code == 3
    assert "Printer karcis sedang bermasalah" in capsys.readouterr().err


class PtyPrinter:
    """A serial printer at the far end of a pseudo-terminal: pyserial opens a real tty."""

    def __init__(self, state: str = "ready") -> None:
        self.state = state
        self.silent = False
        self.received = b""
        self.master, slave = os.openpty()
        tty.setraw(slave)
        self.path = os.ttyname(slave)
        self._slave = slave  # kept open so the pty lives between connections
        self._running = True
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import select

        while self._running:
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                time.sleep(0.01)  # no reader on the other side yet
                continue
            self.received += QUERY.sub(b"", data)
            if not self.silent:
                os.write(self.master, answers(data, self.state))

    def stop(self) -> None:
        self._running = False
        self._thread.join(timeout=2)
        os.close(self.master)
        os.close(self._slave)


@pytest.fixture
def pty_printer() -> Iterator[PtyPrinter]:
    printer = PtyPrinter()
    yield printer
    printer.stop()


def serial_service(config: Config, path: str, timeout_s: float = 10.0) -> PrinterService:
    """Generous by default: an answering printer must be believed on a busy machine too."""
    return PrinterService(SerialTransport(path, 115200), config.site, "TM-T20II", 58, timeout_s)


def test_a_serial_printer_answers_status_and_gets_the_ticket(
    config: Config, ticket: Ticket, pty_printer: PtyPrinter
) -> None:
    service = serial_service(config, pty_printer.path)
    try:
        assert service.readiness().can_print
        pty_printer.state = "cover_open"
        assert service.readiness().state == "cover_open"
        pty_printer.state = "ready"
        service.print_ticket(ticket)
    finally:
        service.close()
    assert pty_printer.received == ticket_bytes(ticket, config.site, "TM-T20II", 58)


def test_a_silent_serial_printer_is_unknown(config: Config, pty_printer: PtyPrinter) -> None:
    pty_printer.silent = True
    service = serial_service(config, pty_printer.path, timeout_s=0.3)
    try:
        assert service.status().state == State.UNKNOWN
    finally:
        service.close()


def test_a_wrong_serial_device_is_offline_with_its_name(config: Config, tmp_path: Path) -> None:
    service = serial_service(config, str(tmp_path / "ttyUSB9"))
    try:
        status = service.status()
    finally:
        service.close()
    assert status.state == State.OFFLINE and "ttyUSB9" in status.detail


def test_serial_time_on_the_wire_is_counted_in_the_print_timeout() -> None:
    assert SerialTransport("/dev/null", 9600).wire_seconds(960) == pytest.approx(1.0)
