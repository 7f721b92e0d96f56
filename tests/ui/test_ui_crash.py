"""The kiosk never dies from a UI callback: widgets that are gone, and a last line of defence."""

from __future__ import annotations

import gc

import pytest
from conftest import NIK_YOUNG

pytestmark = pytest.mark.ui


def walk_in(ui, nik: str) -> None:
    ui.tap("walkin")
    ui.settle()
    ui.tap(ui.find("Kartu Keluarga"))
    ui.press_digits(nik)
    ui.tap("next")  # the NIK and the caps are checked first (a task), then the confirm screen
    ui.wait_until(lambda: ui.current in ("confirm", "error"), what="the walk-in's pre-check")
    if ui.current == "confirm":
        ui.tap("confirm")
    ui.wait_until(lambda: ui.current in ("done", "error"), what="the walk-in's answer")
    ui.settle()
    ui.tap("finish" if ui.current == "done" else "back")
    ui.wait_until(lambda: ui.current == "home", what="home")


def check_in(ui, code: str) -> None:
    ui.type_keys(code)
    ui.wait_until(lambda: ui.current == "confirm", what="the booking")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done", what="the ticket")
    ui.settle()
    ui.tap("finish")
    ui.wait_until(lambda: ui.current == "home", what="home")


def all_screens_built(ui) -> None:
    from kiosk.ui.app import SCREENS

    ui.wait_until(lambda: all(ui.app.manager.has_screen(name) for name, _ in SCREENS), 30, "every screen built")


def test_switching_language_after_many_flows_never_ends_the_kiosk(ui):
    all_screens_built(ui)  # screens built meanwhile would add bindings of their own
    check_in(ui, "MGT7K3Q9")
    walk_in(ui, NIK_YOUNG)
    check_in(ui, "MGT4P2X8")
    bound = []
    for _ in range(3):  # the code keypad is rebuilt with each switch: its old keys are dropped
        ui.tap("booked")
        ui.tap("switch")
        ui.tap("switch")
        ui.tap("back")
        gc.collect()  # the dropped keys are really gone, as they are after a while on the kiosk
        bound.append(len(ui.app.lang.observers))
    assert bound[0] == bound[-1]  # the bindings of dropped keys went with them
    for language in ("English", "Bahasa Indonesia", "English", "Bahasa Indonesia"):
        ui.tap(language)
        gc.collect()
    assert ui.current == "home"
    assert ui.sees("Sudah daftar online")
    ui.tap("English")
    ui.tap("booked")
    ui.tap("switch")
    keys = {key.value: key for key in ui.find("pad").children}
    assert keys["DEL"].text == "Delete"  # the keys on show follow the language


def unexpected_error_shown(ui) -> bool:
    """The error screen for a bug, in the language on show ("Terjadi kesalahan pada kios")."""
    from kiosk.core.errors import Reason, SystemFault
    from kiosk.messages import explain

    title = explain(SystemFault(Reason.UNEXPECTED), ui.app.language).title
    return ui.current == "error" and ui.find("title").text == title


def boom(*_args):
    raise RuntimeError("a bug in a callback")


def test_an_exception_in_a_clock_callback_shows_the_error_screen_and_the_kiosk_goes_on(ui):
    from kivy.clock import Clock

    ui.tap("booked")
    Clock.schedule_once(boom, 0)
    ui.run_main_loop_until(lambda: unexpected_error_shown(ui), what="the error screen")
    assert ui.app.crash_guard.caught == 1
    ui.tap("back")
    assert ui.current == "home"
    ui.type_keys("MGT7K3Q9")  # and the kiosk still serves the next person
    ui.wait_until(lambda: ui.current == "confirm", what="the booking")


def test_an_exception_in_a_property_binding_under_a_touch_is_caught_too(ui):
    from kivy.clock import Clock

    ui.app.bind(language=boom)
    touch = ui._touch_at(ui.find("English"))
    ui.pump()
    Clock.schedule_once(lambda _dt: (touch.touch_down(), touch.touch_up()), 0)  # the tap, inside the loop
    ui.run_main_loop_until(lambda: unexpected_error_shown(ui), what="the error screen")
    ui.app.unbind(language=boom)
    ui.tap("back")
    assert ui.current == "home"


def test_an_exception_in_a_task_answer_handler_shows_the_error_screen_and_clears_the_veil(ui):
    ui.tap("booked")
    assert ui.app.run_task(lambda: 42, boom)
    ui.wait_until(lambda: unexpected_error_shown(ui), what="the error screen")  # caught without the loop
    assert not ui.app.busy and not ui.app.task_running
    ui.tap("back")
    assert ui.current == "home"


def test_a_status_poll_that_fails_does_not_stop_the_next_one(ui):
    from kiosk.ui.tasks import SidePoll

    answers = []
    calls = []

    def work():
        calls.append(True)
        if len(calls) == 1:
            raise RuntimeError("a bug in the first poll")
        return "slots"

    poll = SidePoll(work, answers.append)
    poll.ask()
    ui.wait_until(lambda: calls and not poll.in_flight, what="the failed poll to end")
    assert answers == []
    poll.ask()
    ui.wait_until(lambda: answers == ["slots"], what="the next poll")


@pytest.fixture
def early_layout_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    """The early layout pass of the first frame (kiosk.ui.app.settle_layout) raises."""

    def fails(_root: object) -> None:
        raise RuntimeError("a layout that cannot be laid out early")

    monkeypatch.setattr("kiosk.ui.app.settle_layout", fails)


def test_a_failing_early_layout_still_starts_the_kiosk_and_a_walk_in_goes_through(early_layout_fails, ui):
    assert ui.current == "home"
    ui.pump(2)
    assert ui.sees("Belum daftar")  # the clock laid the home screen out anyway
    walk_in(ui, NIK_YOUNG)
    assert len(ui.tickets()) == 1
