"""The office closes a service in chromium and an online kiosk (the real Kivy window) obeys it (issue 14).

One real server over loopback (a kiosk token and a supervisor's token in its live tokens file),
the supervisor on ``/office`` in Debian's chromium, and a kiosk on the http backend against it:
its home screen shows KTP closed after its timed status poll (nobody touches it meanwhile), a
citizen who taps KTP is told the office's reason, and after the supervisor reopens KTP the kiosk
issues a KTP number and prints it. How long the change takes to show is measured in
``bench/office_to_kiosk.py``; here only the poll interval in force is checked (at most 10 s).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MONDAY_0800, NIK_YOUNG, UI, FakeMonotonic, PaperRoll, stop_app

from kiosk import bootstrap
from kiosk.backends.daybook import DayBook
from kiosk.backends.http import HttpBackend
from kiosk.core.clock import FixedClock
from kiosk.ops.systemd import SystemdNotifier

TESTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(TESTS / "web"))  # the server of the web pages and the one chromium of the run
sys.path.insert(0, str(TESTS / "api"))  # an http kiosk's config
from api_support import kiosk_config  # noqa: E402
from web_support import Hall, browser, hall, open_page, sign_in_office  # noqa: E402

__all__ = ["browser", "hall", "open_page"]  # fixtures: one chromium per process (see web_support)

pytestmark = pytest.mark.ui

REASON = "Blangko KTP-el habis hari ini"
KTP = "Perekaman KTP-el"  # the example config's name of service KTP
KTP_ROW = "#services tr[data-service=KTP]"
PROMISED_S = 10.0  # issue 14: an online kiosk shows an office change within 10 s
POLL_WAIT_S = 60.0  # generous for a busy machine: a condition awaited, never a verdict on speed


@pytest.fixture
def online(window: Any, hall: Hall, tmp_path: Path) -> Iterator[UI]:
    """The real kiosk window on the http backend against ``hall``'s server, printing to a PaperRoll.

    Built as ``kiosk run`` builds an http kiosk (``bootstrap.build_kiosk``: the site secret's
    fingerprint goes with every call), with the kiosk's clock at the server's Monday 08:00.
    """
    from kiosk.ui.app import KioskApp

    config = kiosk_config(tmp_path / "kiosk", hall.base + "/v1")
    clock = FixedClock(MONDAY_0800)
    printer = PaperRoll()
    backend = HttpBackend(config, auto_sync=False, clock=clock)
    kiosk = bootstrap.build_kiosk(config, clock=clock, printer=printer, backend=backend)
    monotonic = FakeMonotonic()
    app = KioskApp(kiosk, config, notifier=SystemdNotifier(socket_path=""), monotonic=monotonic)
    app._run_prepare()
    server_book = DayBook(hall.config.backend.path, hall.config)  # ui.tickets(): what the server issued
    harness = UI(app, window, kiosk, server_book, clock, monotonic, printer, config)
    try:
        harness.wait_until(
            lambda: app.manager.current == "home" and not app._polling, POLL_WAIT_S, "home and first status poll"
        )
        yield harness
    finally:
        stop_app(harness, backend)
        backend.close()


def status_poll_interval(app: Any) -> float:
    """The interval of the app's timed status poll, as scheduled on Kivy's clock."""
    polls = [event for event in app._events if event.get_callback() == app._status_tick]
    assert len(polls) == 1, "the kiosk schedules no timed status poll"
    return float(polls[0].timeout)


def home_slots(ui: UI) -> str:
    assert ui.current == "home"
    return str(ui.screen.slots)


def tap_closed_tile(ui: UI, name: str, tile_says: str) -> None:
    """On the walk-in screen, the closed service's tile says so; a tap on it gives the refusal."""
    ui.tap("walkin")
    ui.settle()
    tile = ui.find(name)
    assert tile_says in tile.text
    ui.tap(tile)
    ui.wait_until(lambda: ui.current == "error", POLL_WAIT_S, "the refusal")


def test_a_supervisor_closes_ktp_and_an_online_kiosk_refuses_it_with_the_reason_then_issues_after_reopening(
    online: UI, hall: Hall, open_page: Callable[..., Any]
) -> None:
    ui = online
    assert status_poll_interval(ui.app) <= PROMISED_S  # the poll in force is the promise's bound
    assert f"{KTP}: sisa" in home_slots(ui)

    page = open_page(hall.base + "/office")
    sign_in_office(hall, page)
    page.fill(f"{KTP_ROW} input.reason", REASON)
    page.click(f"{KTP_ROW} button:has-text('Tutup hari ini')")
    page.wait_for_function("document.querySelector('#services tr[data-service=KTP] td.closed') !== null")

    # Nobody touches the kiosk: only its timed status poll can bring the change.
    ui.wait_until(lambda: f"{KTP}: tutup hari ini" in home_slots(ui), POLL_WAIT_S, "KTP closed on the home screen")
    assert ui.sees(f"{KTP}: tutup hari ini") and not ui.sees(f"{KTP}: sisa")
    assert "Kartu Keluarga: sisa" in home_slots(ui)  # the other services go on

    tap_closed_tile(ui, KTP, "Tutup hari ini")
    assert ui.find("title").text == "Layanan ini ditutup hari ini"
    assert REASON in ui.find("hint").text and "besok" in ui.find("hint").text
    assert ui.screen.qr is not None  # "... or book another day": the booking site's QR beside it
    assert ui.tickets() == [] and ui.printer.printed == []

    page.click(f"{KTP_ROW} button:has-text('Buka lagi')")
    page.wait_for_function("document.querySelector('#services tr[data-service=KTP] td.closed') === null")
    ui.tap("back")  # the citizen gives up; the next one finds KTP open again
    ui.wait_until(lambda: f"{KTP}: sisa" in home_slots(ui), POLL_WAIT_S, "KTP open again on the home screen")

    ui.tap("walkin")
    ui.settle()
    assert "Sisa" in ui.find(KTP).text
    ui.tap(ui.find(KTP))
    ui.press_digits(NIK_YOUNG)
    ui.tap("next")
    ui.wait_until(lambda: ui.current == "confirm", POLL_WAIT_S, "the confirm screen")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done", POLL_WAIT_S, "the ticket")
    [ticket] = ui.tickets()
    assert ticket.service_code == "KTP" and ticket.number.startswith("A-")
    assert ui.find("number").text == ticket.number
    assert [t.number for t in ui.printer.printed] == [ticket.number]
    assert page.errors == []


NOTICE = "Loket 2 istirahat sampai pukul 13.00."


def kiosk_banner(ui: UI) -> str:
    """The office's notice as the home screen shows it; "" when the band is hidden."""
    widget = ui.find("office_notice")
    return str(widget.text) if widget.opacity == 1 and widget.height > 0 else ""


def test_a_notice_posted_on_office_reaches_the_online_kiosk_and_the_hall_display(
    online: UI, hall: Hall, open_page: Callable[..., Any]
) -> None:
    ui = online
    display = open_page(hall.base + "/display", width=1920, height=1080)
    display.wait_for_function("document.getElementById('display').dataset.connection === 'ok'")
    assert not display.is_visible("#notice") and kiosk_banner(ui) == ""

    page = open_page(hall.base + "/office")
    sign_in_office(hall, page)
    page.fill("#notice-text", NOTICE)
    page.click("#notice-form button[type=submit]")
    page.wait_for_function(f"document.getElementById('notice-now').textContent.includes({NOTICE!r})")

    display.wait_for_selector("#notice", state="visible")
    assert display.inner_text("#notice") == NOTICE
    # Nobody touches the kiosk: its timed status poll brings the notice to the home screen.
    ui.wait_until(lambda: kiosk_banner(ui) == NOTICE, POLL_WAIT_S, "the notice on the kiosk's home screen")
    assert ui.sees(NOTICE)
    assert page.errors == [] and display.errors == []


def test_on_the_embedded_site_a_closed_service_reads_closed_and_its_tile_tells_the_reason_in_english(ui: UI) -> None:
    """The one-kiosk site: the supervisor's ``kiosk office close-service`` writes the kiosk's own day book."""
    from kiosk.backends.office_book import OfficeBook
    from kiosk.core.office import OfficeDesk

    OfficeDesk(ui.config, OfficeBook(ui.book), ui.clock).close_service("kasi", "KTP", REASON)
    ui.wait_until(lambda: f"{KTP}: tutup hari ini" in home_slots(ui), POLL_WAIT_S, "KTP closed on the home screen")
    ui.app.language = "en"  # a person who chose English
    ui.pump(3)
    name = ui.config.service("KTP").name_in("en")
    assert f"{name}: closed today" in home_slots(ui)

    tap_closed_tile(ui, name, "Closed today. Tap to see why.")
    assert ui.find("title").text == "This service is closed today"
    assert REASON in ui.find("hint").text  # the office's own words, as typed
    assert ui.tickets() == []
