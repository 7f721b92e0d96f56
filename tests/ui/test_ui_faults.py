"""Faults: a printer out of paper or jammed, a backend down or slow, a double tap. Nothing lost, nothing doubled."""

from __future__ import annotations

import threading

import pytest
from conftest import PaperRoll

from kiosk.core.errors import Reason, SystemFault

pytestmark = pytest.mark.ui


class GatedBackend:
    """The day book behind a slow network: lookups and check-ins wait until the test opens the gate."""

    def __init__(self, book):
        self.book = book
        self.gate = threading.Event()
        self.waiting = threading.Event()
        self.calls = 0

    def __getattr__(self, name):
        return getattr(self.book, name)

    def _slow(self):
        self.calls += 1
        self.waiting.set()
        self.gate.wait(10)  # a backend that takes up to 10 s

    def find_booking(self, code):
        self._slow()
        return self.book.find_booking(code)

    def check_in(self, code, now, key):
        self._slow()
        return self.book.check_in(code, now, key)

    def release(self):
        self.gate.set()


class DownBackend:
    """A booking server that cannot be reached: every call fails like the HTTP client would."""

    def __init__(self, book):
        self.book = book

    def __getattr__(self, name):
        def unreachable(*args, **kwargs):
            raise SystemFault(Reason.BACKEND_UNREACHABLE)

        return unreachable


class BrokenBackend(DownBackend):
    """A backend with a bug: it raises something that is not a KioskError."""

    def __getattr__(self, name):
        def broken(*args, **kwargs):
            raise RuntimeError("bug")

        return broken


def veil(ui):
    return ui.app.root_widget.ids.veil


@pytest.mark.ui_options(printer=PaperRoll(state="paper_out"))
def test_a_printer_out_of_paper_shows_a_banner_and_issues_nothing(ui):
    assert ui.sees("Printer karcis sedang bermasalah")  # banner on the home screen
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Printer karcis sedang bermasalah")
    assert ui.sees("Tidak ada nomor yang dibuat")
    assert ui.tickets() == []
    ui.tap("back")
    assert ui.current == "home"

    ui.printer.state = "ready"  # new roll loaded
    ui.app.refresh_status()
    ui.wait_until(lambda: not ui.sees("Printer karcis sedang bermasalah"), what="the banner to go")


def test_every_refusal_and_fault_has_its_own_screen_with_a_next_step_and_a_way_back(ui):
    params = {"number": "A-001", "day": "2026-12-01", "slot": "09:00", "come_at": "08:00", "length": 15}
    params |= {"service": "KK", "website": "antrian.example", "site": "Kantor", "address": "", "cap": 2}
    params |= {"open": "07:30", "close": "15:00", "state": "paper_out"}
    for language in ("id", "en"):
        for reason in Reason:
            ui.app.language = language  # going home sets it back to Indonesian
            error = SystemFault(reason, **params)
            ui.app.show_error(error)
            ui.pump()
            title, hint = ui.find("title").text, ui.find("hint").text
            assert title and hint, reason
            assert "{" not in title + hint, reason  # every placeholder filled
            assert ui.find("back").text == ("Kembali" if language == "id" else "Back")
            ui.tap("back")
            assert ui.current == "home"


@pytest.mark.ui_options(printer=PaperRoll(jams=True))
def test_a_ticket_that_fails_to_print_still_shows_its_number(ui):
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done")
    assert ui.sees("Karcis gagal dicetak")
    assert ui.find("number").text == "A-001"
    assert ui.sees("tunjukkan nomor ini kepada petugas")
    assert ui.sees("Cetak lagi")  # no dead end: the person can have it printed (issue 17 P1)
    (ticket,) = ui.tickets()
    assert ticket.number == "A-001" and not ticket.printed


@pytest.mark.ui_options(backend=DownBackend)
def test_a_backend_that_is_down_gets_a_plain_message_and_the_home_screen_stays(ui):
    assert ui.current == "home"
    assert ui.sees("Sisa nomor belum bisa dimuat")
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Tidak terhubung ke server antrean")
    assert ui.sees("Coba lagi sebentar lagi")
    ui.tap("back")
    assert ui.current == "home"
    assert ui.tickets() == []


@pytest.mark.ui_options(backend=BrokenBackend)
def test_a_bug_in_the_backend_ends_on_a_message_not_a_crash(ui):
    ui.tap("walkin")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Server antrean sedang bermasalah")
    assert not ui.app.task_running


@pytest.mark.ui_options(backend=GatedBackend)
def test_a_slow_backend_keeps_the_screen_alive_and_ignores_more_taps(ui):
    backend = ui.kiosk.backend
    ui.tap("booked")
    ui.type_keys("MGT7K3Q9")  # scanned on the keypad screen
    assert backend.waiting.wait(5)
    ui.pump(2)
    assert ui.sees("Mencari pendaftaran")  # the progress indication
    start = veil(ui).angle
    ui.wait_until(lambda: veil(ui).angle != start, what="the spinner to turn")  # the UI clock keeps ticking
    assert not backend.gate.is_set()  # ... while the backend call is still blocked

    ui.monotonic.travel(120)  # no idle timeout under a running request: its answer must be shown
    ui.run_for(0.6)
    ui.tap(ui.screen.ids.back)  # taps while a request runs do nothing
    ui.type_keys("MGT4P2X8")
    ui.pump(3)
    assert ui.current == "entry" and backend.calls == 1

    backend.release()
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees("Siti A*****")


@pytest.mark.ui_options(backend=GatedBackend)
def test_tapping_confirm_again_while_printing_never_issues_a_second_number(ui):
    backend = ui.kiosk.backend
    backend.release()
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    backend.gate.clear()
    backend.waiting.clear()
    confirm = ui.find("confirm")
    ui.tap(confirm)
    assert backend.waiting.wait(5)
    ui.tap(confirm)  # lands on the busy veil
    assert ui.app.run_task(lambda: None, lambda _r: None) is False  # and the guard refuses a second task
    ui.screen.confirm()  # even a second confirm that reaches the screen starts nothing
    backend.release()
    ui.wait_until(lambda: ui.current == "done")
    ui.settle()
    assert [t.number for t in ui.tickets()] == ["A-001"]


def test_a_quick_double_tap_on_confirm_gives_one_number(ui):
    ui.tap("walkin")
    ui.settle()
    ui.tap(ui.find("Kartu Keluarga"))
    ui.press_digits("3520010507050004")
    ui.tap("next")
    ui.wait_until(lambda: ui.current == "confirm")
    confirm = ui.find("confirm")
    ui.pump()
    first, second = ui._touch_at(confirm), ui._touch_at(confirm)
    first.touch_down()
    first.touch_up()
    second.touch_down()  # no frame in between: as fast as a finger can bounce
    second.touch_up()
    ui.wait_until(lambda: ui.current == "done")
    ui.settle()
    assert [t.number for t in ui.tickets()] == ["C-001"]
