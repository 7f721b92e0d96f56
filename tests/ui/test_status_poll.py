"""The home screen's timed status poll (printer, slots left, the office's changes) on the real window:
it never queues up behind a slow or unreachable server, and it ends with the app."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from conftest import UI

pytestmark = pytest.mark.ui

WAIT_S = 60.0  # a condition awaited with a generous deadline, never a verdict on speed


class HeldPrinter:
    """Wraps the kiosk's printer: its readiness answer waits until released, like a slow poll."""

    def __init__(self, printer: Any) -> None:
        self.printer = printer
        self.asked = 0
        self.entered = threading.Event()
        self.release = threading.Event()

    def readiness(self) -> Any:
        self.asked += 1
        self.entered.set()
        self.release.wait(WAIT_S)
        return self.printer.readiness()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.printer, name)


@pytest.fixture
def held(ui: UI) -> Iterator[HeldPrinter]:
    """The timer's own poll is stopped (a test ticks it by hand) and the printer answers when told."""
    for event in ui.app._events:
        if event.get_callback() == ui.app._status_tick:
            event.cancel()
    printer = HeldPrinter(ui.kiosk.printer)
    ui.kiosk.printer = printer
    try:
        yield printer
    finally:
        printer.release.set()
        ui.kiosk.printer = printer.printer


def test_timer_ticks_while_a_poll_is_out_do_not_queue_more_polls_behind_it(ui: UI, held: HeldPrinter) -> None:
    ui.app._status_tick(0)
    ui.wait_until(held.entered.is_set, WAIT_S, "the poll to ask the printer")
    for _ in range(3):  # three timer periods of a server that does not answer
        ui.app._status_tick(0)
        ui.pump()
    held.release.set()
    ui.settle()
    assert held.asked == 1  # the next tick polls afresh; nothing piled up meanwhile
    ui.app._status_tick(0)
    ui.settle()
    assert held.asked == 2


def test_a_poll_in_flight_when_the_app_stops_asks_nothing_more_and_delivers_nothing(
    ui: UI, held: HeldPrinter, caplog: pytest.LogCaptureFixture
) -> None:
    asked_after: list[str] = []
    kiosk = ui.kiosk

    def quotas() -> Any:
        asked_after.append("quotas")
        raise RuntimeError("the day book is closed")

    ui.app.refresh_status()
    ui.wait_until(held.entered.is_set, WAIT_S, "the poll to ask the printer")
    ui.app.dispatch("on_stop")  # the app ends while its poll waits for the printer
    kiosk.quotas = quotas  # type: ignore[method-assign]
    held.release.set()
    for thread in threading.enumerate():
        if thread.name == "kiosk-status":
            thread.join(WAIT_S)
    ui.pump(3)
    assert asked_after == []  # nothing more asked of a day book that may be closed by now
    assert "quotas failed" not in caplog.text
    ui.app.refresh_status()  # a late ask (a screen's) starts nothing after the end
    ui.pump(3)
    assert not any(t.name == "kiosk-status" for t in threading.enumerate())
    assert held.asked == 1
