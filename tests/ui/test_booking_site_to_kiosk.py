"""From a phone at home to a number at the kiosk: booked on /book in chromium, scanned at the real Kivy window.

The server of /book and the kiosk share one day book file: no import step between them. The
booking is made on Saturday after 07:00 (booking for Monday opens then); the kiosk's clock is
Monday 08:00, inside the slot's arrival window. Then ``kiosk quota`` and the daily report count it.
"""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import NIK_YOUNG

from kiosk import cli
from kiosk.core.clock import WIB, FixedClock
from kiosk.core.model import TicketKind
from kiosk.server import booking_card
from kiosk.server.app import create_app
from kiosk.server.run import RunningServer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "web"))  # the chromium fixture of the web pages
from web_support import WAIT_MS, browser  # noqa: E402

__all__ = ["browser"]  # the one chromium of the run (a second playwright in this thread would not start)

pytestmark = pytest.mark.ui

SATURDAY_0705 = datetime(2026, 11, 28, 7, 5, tzinfo=WIB)
SECRET = b"test-secret-of-at-least-16-bytes"  # the ui fixture's hasher: the kiosk and the site agree


def book_on_a_phone(browser: Any, base: str) -> tuple[str, str]:
    """Book KTP for Monday 08:00 in chromium at 390x844; returns (code, the QR image's data URI)."""
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, locale="id-ID")
    try:
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        page.goto(base + "/book")
        page.click("input[name=service][value=KTP]")
        page.wait_for_selector("#step-day input[name=date]")
        page.click("input[name=date][value='2026-11-30']")
        page.wait_for_selector("#nik")
        page.check("input[name=slot][value='08:00']")
        page.fill("#nik", NIK_YOUNG)
        page.click("#book-button")
        page.wait_for_selector("#code")
        return page.inner_text("#code"), str(page.get_attribute("img.qr", "src"))
    finally:
        context.close()


def quota_of_ktp(capsys: pytest.CaptureFixture[str], config: Path | None) -> tuple[int, int, int]:
    """``kiosk quota --json`` for KTP: (bookings still valid, checked in, remaining for walk-ins)."""
    capsys.readouterr()
    assert cli.main(["quota", "--config", str(config), "--json"]) == 0
    ktp = next(q for q in json.loads(capsys.readouterr().out) if q["code"] == "KTP")
    return ktp["bookings_valid"], ktp["checked_in"], ktp["remaining"]


def test_a_booking_made_on_a_phone_is_checked_in_by_scanning_its_qr_at_the_kiosk(
    ui, browser: Any, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (ui.config.secret_path).write_bytes(SECRET)
    app = create_app(ui.config, {}, FixedClock(SATURDAY_0705))
    server = RunningServer(app)
    try:
        code, qr = book_on_a_phone(browser, f"http://127.0.0.1:{server.port}")
    finally:
        server.stop()
        app.extensions["antrian"].close()
    assert qr == booking_card.qr_data_uri(code)  # the QR holds exactly the code the scanner types
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: FixedClock(ui.clock.now()))
    monkeypatch.setattr("kiosk.bootstrap.build_printer", lambda config: None)
    assert quota_of_ktp(capsys, ui.config.source) == (2, 0, 58)  # this morning's imported booking and ours

    ui.type_keys(code)  # the scanner, as tests/ui/test_scanner.py sends it: Shift for capitals, then Enter
    ui.wait_until(lambda: ui.current == "confirm" and ui.sees("08:00"), what="the online booking on the kiosk")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done", what="the ticket")
    tickets = [t for t in ui.tickets() if t.booking_code == code]
    assert len(tickets) == 1 and tickets[0].kind == TicketKind.ONLINE
    assert ui.find("number").text == tickets[0].number

    assert quota_of_ktp(capsys, ui.config.source) == (2, 1, 58)  # one of the two now checked in
    assert cli.main(["report", "--config", str(ui.config.source), "--json", "--date", "2026-11-30"]) == 0
    row = next(r for r in json.loads(capsys.readouterr().out)["rows"] if r["service_code"] == "KTP")
    assert (row["bookings"], row["check_ins"]) == (2, 1)  # the imported one of the morning and ours, checked in
