"""What the screens say about the printer's paper and a ticket it holds, against the fake network printer."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import walk_in_ticket
from test_technician import WITH_PIN, unlock

pytestmark = pytest.mark.ui

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "printer"))
from fake_printer import FakePrinter  # noqa: E402


@pytest.fixture
def fake(ui: Any) -> Iterator[FakePrinter]:
    """The kiosk prints to a fake network printer on loopback."""
    from printer.service import build_ticket_printer

    with FakePrinter() as printer:
        network = dataclasses.replace(
            ui.config.printer, kind="network", host=printer.host, port=printer.port, timeout_s=10.0
        )
        ui.kiosk.printer = build_ticket_printer(dataclasses.replace(ui.config, printer=network))
        yield printer


@pytest.mark.ui_options(config=WITH_PIN)
def test_paper_near_end_is_a_quiet_line_for_staff_at_home_and_a_warning_for_the_technician(
    ui: Any, fake: FakePrinter, caplog: pytest.LogCaptureFixture
) -> None:
    fake.state = "paper_near_end"
    ui.app.refresh_status()
    ui.wait_until(lambda: ui.app.printer_notice, timeout=30, what="the paper notice")
    ui.settle()
    assert ui.find("printer_notice").text == "Petugas: kertas printer hampir habis, segera ganti gulungan."
    assert not ui.app.printer_problem  # it still prints: no red banner for the citizen
    assert "printer paper near end" in caplog.text

    unlock(ui)
    ui.wait_until(lambda: ui.find("printer_warning").text, timeout=30, what="the technician's warning")
    assert "kertas hampir habis" in ui.find("printer_warning").text

    fake.state = "ready"  # a new roll
    ui.tap("refresh")
    ui.settle()
    assert not ui.find("printer_warning").text
    ui.app.refresh_status()
    ui.wait_until(lambda: not ui.app.printer_notice, timeout=30, what="the notice to go")


def test_a_ticket_held_by_a_printer_with_its_cover_open_says_it_will_come_out_not_that_it_failed(
    ui: Any, fake: FakePrinter
) -> None:
    fake.fault_after_next_job("cover_open")
    walk_in_ticket(ui, timeout=60)
    assert ui.find("number").text == "C-001"
    assert ui.find("title").text == "Karcis tertahan di printer"
    assert "setelah tutup printer ditutup" in ui.find("hint").text and "panggil petugas" in ui.find("hint").text
    assert not ui.sees("gagal dicetak")
    (ticket,) = ui.tickets()
    assert ticket.printed  # recorded as printed: nothing offers or sends a second paper
    fake.state = "ready"
    fake.wait_idle()
    assert fake.copies(b"C-001") == 1


def test_an_http_kiosks_status_poll_tells_the_office_its_printer_state(
    ui: Any, fake: FakePrinter, tmp_path: Path
) -> None:
    """The real window's status poll (off the UI thread) reports the printer and unsynced tickets."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
    from api_support import server_with_kiosk

    with server_with_kiosk(tmp_path, ui.clock) as (server, backend):
        ui.kiosk.backend = backend
        fake.state = "paper_near_end"
        ui.app.refresh_status()
        ui.wait_until(lambda: "MPP-1" in server.api.health, timeout=60, what="the kiosk's health report")
        report = server.api.health["MPP-1"]
        assert report["printer"] == "paper_near_end" and report["unsynced"] == 0
        fake.state = "cover_open"
        ui.app.refresh_status()
        ui.wait_until(
            lambda: server.api.health["MPP-1"]["printer"] == "cover_open", timeout=60, what="the cover-open report"
        )
