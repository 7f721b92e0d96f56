"""Kiosk behaviour: idle timeout, no way out for a citizen, language, hidden technician gesture, systemd."""

from __future__ import annotations

import socket

import pytest
from conftest import NIK_WOMAN_1990

from kiosk.core.errors import Reason, Refusal
from kiosk.messages import explain
from kiosk.ops.systemd import SystemdNotifier

pytestmark = pytest.mark.ui


def test_an_idle_screen_counts_down_then_goes_home_and_wipes_what_was_typed(ui):
    ui.tap("booked")
    ui.press_digits(NIK_WOMAN_1990[:8])
    ui.monotonic.travel(40)
    ui.wait_until(lambda: ui.sees("Kembali ke awal dalam 5 detik"), what="the countdown")
    ui.monotonic.travel(6)
    ui.wait_until(lambda: ui.current == "home", what="the idle timeout")
    ui.tap("booked")
    assert ui.find("display").text.startswith("____")


def test_a_touch_restarts_the_countdown(ui):
    ui.tap("walkin")
    ui.settle()
    ui.monotonic.travel(40)
    ui.tap(ui.find("Kartu Keluarga"))
    ui.monotonic.travel(40)
    ui.pump(3)
    ui.wait_until(lambda: ui.sees("Kembali ke awal dalam 5 detik"))
    assert ui.current == "walkin"


def test_the_number_stays_up_a_while_then_the_kiosk_is_ready_for_the_next_person(ui):
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done")
    ui.monotonic.travel(10)
    ui.pump(3)
    assert ui.current == "done"
    ui.monotonic.travel(11)
    ui.wait_until(lambda: ui.current == "home")


def test_the_home_screen_never_times_out(ui):
    ui.monotonic.travel(3600)
    ui.pump(3)
    assert ui.current == "home"
    assert not ui.sees("Kembali ke awal")


def test_escape_and_window_close_do_not_leave_the_kiosk(ui):
    ui.tap("booked")
    ui.window.dispatch("on_key_down", 27, 41, None, [])
    ui.pump(2)
    assert ui.current == "entry"
    assert ui.window.dispatch("on_request_close") is True  # True: the window stays open
    assert ui.app.exit_kiosk() is False


def test_technician_mode_may_close_the_window(ui):
    ui.app.technician_unlocked = True
    assert not ui.window.dispatch("on_request_close")


def test_going_home_locks_technician_mode_again(ui):
    ui.app.technician_unlocked = True
    ui.app.go_home()
    assert ui.app.technician_unlocked is False


def test_the_language_switch_shows_english_until_the_person_is_done(ui):
    ui.tap("English")
    assert ui.sees("I booked online")
    assert ui.sees("I have not booked")
    assert ui.sees("Numbers left today")
    assert ui.sees("30 November 2026")
    ui.tap("booked")
    assert ui.sees("Type your NIK (16 digits)")
    keys = {key.value: key for key in ui.find("pad").children}
    assert keys["DEL"].text == "Delete"
    ui.tap("back")  # back home, the same person: still English (issue 17 P2)
    assert ui.sees("I booked online")
    ui.app.go_home()  # "Selesai" or the idle timeout: Indonesian for the next person
    assert ui.sees("Sudah daftar online")
    ui.tap("English")
    ui.tap("Bahasa Indonesia")
    assert ui.sees("Sudah daftar online")


def test_refusals_are_explained_in_english_too(ui):
    english = explain(Refusal(Reason.BOOKING_NOT_FOUND), "en")
    assert english.title != explain(Refusal(Reason.BOOKING_NOT_FOUND), "id").title
    ui.tap("English")
    ui.type_keys("MGT0000X")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.find("title").text == english.title
    assert ui.find("hint").text == english.hint
    assert ui.find("back").text == "Back"


def test_a_long_press_on_the_logo_opens_the_technician_pin_and_a_short_one_does_not(ui):
    logo = ui.find("logo")
    ui.long_press(logo, 0.3)
    assert ui.current == "home"
    ui.long_press(logo, 2.2)
    assert ui.current == "pin"


@pytest.fixture
def systemd_socket(tmp_path):
    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    sock.settimeout(5)
    yield path, sock
    sock.close()


def test_systemd_hears_ready_once_and_watchdog_pings_from_the_ui_clock(ui, systemd_socket):
    path, sock = systemd_socket
    app = ui.app
    # a second app run on the same window, now under "systemd" with a 0.2 s watchdog
    from conftest import stop_app

    stop_app(ui, ui.kiosk.backend)
    from kiosk.backends.daybook import DayBook
    from kiosk.ui.app import KioskApp

    ui.book = DayBook(ui.config.backend.path, ui.config)
    ui.kiosk.backend = ui.book
    ui.app = KioskApp(
        ui.kiosk, ui.config, notifier=SystemdNotifier(str(path), watchdog_usec="200000"), monotonic=ui.monotonic
    )
    ui.app._run_prepare()
    assert app is not ui.app
    ui.wait_until(lambda: ui.current == "home")
    ui.pump(frames=3)  # clock and layout run, but nothing is drawn yet: the screen is still black
    sock.setblocking(False)
    with pytest.raises(BlockingIOError):
        sock.recv(256)  # not READY before the first frame is on the screen
    sock.setblocking(True)
    sock.settimeout(5)
    ui.pump(draw=True)  # the first frame
    messages = []
    ui.wait_until(lambda: messages.append(sock.recv(256).decode()) or "WATCHDOG=1" in messages[-1], what="pings")
    assert messages[0].startswith("READY=1")
    assert sum(m.startswith("READY=1") for m in messages) == 1


def test_every_language_of_the_catalogue_list_can_be_chosen_and_home_returns_to_indonesian(ui, monkeypatch):
    from kiosk import i18n

    monkeypatch.setattr(i18n, "LANGUAGES", ("id", "en", "jv"))  # a third language, as Basa Jawa adds
    ui.app.choose_language("jv")
    ui.pump()
    assert ui.app.language == "jv" and ui.app.lang.language == "jv"
    ui.app.choose_language("xx")  # no such catalogue: nothing changes
    assert ui.app.language == "jv"
    ui.app.toggle_language()
    assert ui.app.language == "id"
    ui.app.toggle_language()
    assert ui.app.language == "en"
    ui.pump()
    assert ui.sees("I booked online")
    ui.app.toggle_language()
    assert ui.app.language == "jv"
    ui.tap("booked")
    ui.tap("back")
    assert ui.app.language == "jv"  # the same person
    ui.app.go_home()
    assert ui.app.language == "id" and ui.sees("Sudah daftar online")
