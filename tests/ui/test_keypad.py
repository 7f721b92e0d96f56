"""A blind person with a USB numeric keypad and sound alone, on the real window.

Keys are sent as SDL delivers a keypad's keys through Kivy: ``kivy/core/window/window_sdl2.py``
maps SDL's ``SDLK_KP_*`` keycodes to Kivy's 256..271 (``WindowSDL.key_map``) and dispatches
``on_key_down(key, scancode, chr(key), modifiers)``; BackSpace is 8 with no codepoint.

What the kiosk says is read from its Speaker (each sound it started, in order). Run with SDL's
``disk`` audio driver (``test_the_keypad_walks_reach_the_sound_device`` does so in a child
process), each spoken step must also reach the sound device: the samples written after the
sound started hold speech.
"""

from __future__ import annotations

import os
import subprocess
import sys
from array import array
from pathlib import Path
from typing import Any

import pytest
from conftest import NIK_MAN_1945, NIK_WOMAN_1990, UI

from kiosk.i18n import translator
from kiosk.speech.prompts import DIGIT_WORDS
from kiosk.ui import nonvisual

pytestmark = pytest.mark.ui
TIMEOUT = 60.0
ROOT = Path(__file__).resolve().parent.parent.parent
DEVICE = os.environ.get("SDL_DISKAUDIOFILE", "") if os.environ.get("SDL_AUDIODRIVER") == "disk" else ""

# Kivy's key codes for SDL's keypad keys, with the USB HID scancodes a keypad sends.
KEYS: dict[str, tuple[int, int]] = {str(d): (256 + d, 89 + d - 1 if d else 98) for d in range(10)}
KEYS.update(
    {
        "enter": (271, 88),
        "backspace": (8, 42),
        "*": (268, 85),
        "+": (270, 87),
        "-": (269, 86),
        "/": (267, 84),
        ".": (266, 99),
    }
)


def press(ui: UI, *names: str) -> None:
    """Keypad keys, each down and up; a name not in ``KEYS`` is a run of digits ("3520...")."""
    for name in names:
        for char in [name] if name in KEYS else list(name):
            key, scancode = KEYS[char]
            codepoint = None if key == nonvisual.BACKSPACE else chr(key)
            ui.send_keys([("down", key, scancode, codepoint, []), ("up", key, scancode)])
            ui.pump()


class Ear:
    """What the kiosk said since the last step, and (with the disk audio driver) that it was heard."""

    def __init__(self, ui: UI) -> None:
        self.ui = ui
        self.mark = 0
        self.all: list[tuple[str, int]] = []  # (text, device size when it started), every sound
        speaker = ui.app.speaker
        original = speaker._play

        def play(sound: Any, generation: int, said: tuple[str, str]) -> None:
            before = speaker.sound
            original(sound, generation, said)
            if speaker.sound is not before:
                self.all.append((said[1], _device_size()))

        speaker._play = play

    def said(self) -> list[str]:
        return [text for text, _offset in self.all[self.mark :]]

    def hears(self, *fragments: str) -> str:
        """Wait for a sentence holding every fragment, started since the last call; returns it."""

        def heard() -> tuple[str, int] | None:
            return next(((t, o) for t, o in self.all[self.mark :] if all(f in t for f in fragments)), None)

        text, offset = self.ui.wait_until(heard, TIMEOUT, f"speech with {fragments!r}; said: {self.said()}")
        self.mark = len(self.all)
        if DEVICE:
            _wait_for_speech_on_device(self.ui, offset)
        return str(text)

    def skip(self) -> None:
        self.mark = len(self.all)


def _device_size() -> int:
    return os.path.getsize(DEVICE) if DEVICE and os.path.exists(DEVICE) else 0


def _wait_for_speech_on_device(ui: UI, offset: int) -> None:
    """0.2 s of voiced sound on the device after ``offset``: more than any stale buffer could hold."""
    window = 441 * 2  # 10 ms of Kivy's SDL2 mixer output: 44.1 kHz, stereo, 16-bit

    def voiced() -> bool:
        with open(DEVICE, "rb") as device:
            device.seek(offset - offset % 4)
            samples = array("h", device.read())
        starts = range(0, len(samples) - window, window)
        return sum(1 for start in starts if max(map(abs, samples[start : start + window])) > 1000) >= 20

    ui.wait_until(voiced, TIMEOUT, "speech on the sound device")


def preview_tickets(ui: UI) -> list[Path]:
    return sorted(ui.config.printer.preview_dir.glob("*.bin"))


def spelled(digits: str) -> str:
    tr = translator("id")
    return ", ".join(tr(DIGIT_WORDS[int(d)]) for d in digits)


def assert_no_nik_spoken(ear: Ear, nik: str) -> None:
    for text, _offset in ear.all:
        assert nik not in text and spelled(nik[:4]) not in text and spelled(nik[4:10]) not in text


def test_a_blind_walk_in_takes_a_number_with_the_keypad_and_hears_every_step(ui: UI) -> None:
    ear = Ear(ui)
    tones: list[int] = []
    real_tone = ui.app.play_key_tone
    ui.app.play_key_tone = lambda: (tones.append(1), real_tone())[1]  # type: ignore[method-assign]
    ui.app.keypad.play_tone = ui.app.play_key_tone

    press(ui, "5")  # the raised key: any first key only starts speech mode
    intro = ear.hears("Mode suara aktif", "1, Sudah daftar online", "2, Belum daftar")
    assert ui.current == "home" and "Bintang untuk mengulang" in intro
    assert ui.app.listening

    press(ui, "2")  # no booking
    ui.wait_until(lambda: ui.current == "walkin" and not ui.app.busy, TIMEOUT, "the services")
    services = ear.hears("Pilih layanan", "1, Perekaman KTP-el")
    assert "Kembali" in services

    press(ui, "1")  # the first service
    assert ui.screen.step == "nik"
    ear.hears("Ketik 16 angka NIK Anda")  # a step inside the screen is spoken (P2)

    press(ui, NIK_WOMAN_1990)
    assert ui.screen.complete and len(tones) == 16  # each digit a tone
    read_back = ear.hears("16 angka, berakhiran", spelled(NIK_WOMAN_1990[-2:]))
    assert "1, Antrean biasa, dipilih" in read_back and "2, Lansia" in read_back and "Enter: Lanjut" in read_back
    assert_no_nik_spoken(ear, NIK_WOMAN_1990)

    press(ui, "enter")  # no priority
    ui.wait_until(lambda: ui.current == "confirm", TIMEOUT, "the confirm screen")
    ear.hears("Periksa pilihan Anda", "Perekaman KTP-el", "1, Ya, ambil nomor")

    press(ui, "enter")  # take the number
    ui.wait_until(lambda: ui.current == "done", TIMEOUT, "the ticket")
    done = ear.hears("A, nol, nol, satu", "ruang tunggu", "Kartu Keluarga (asli)")
    [ticket] = ui.tickets()
    assert ticket.number == "A-001" and ticket.printed and ticket.priority is None
    [paper] = preview_tickets(ui)
    assert b"A-001" in paper.read_bytes() and paper.with_suffix(".png").is_file()

    press(ui, "*")  # again, as often as needed
    assert ear.hears("A, nol, nol, satu", "ruang tunggu") == done

    press(ui, "+")
    ear.hears("Suara")
    louder = ui.app.speaker.volume
    assert louder > ui.config.speech.volume and ui.app.speaker.sound.volume == pytest.approx(louder)
    press(ui, "*")
    assert ear.hears("A, nol, nol, satu") == done  # "*" repeats the ticket, not the volume

    press(ui, "enter")  # Selesai: the next person starts silent, at the configured volume
    ui.wait_until(lambda: ui.current == "home", TIMEOUT, "home")
    ui.pump(3)
    assert not ui.app.listening and not ui.app.keypad.active
    assert ui.app.speaker.volume == ui.config.speech.volume and ui.app.language == "id"
    ear.skip()
    press(ui, "2")  # the next person's first key: speech mode again, nothing chosen
    ear.hears("Mode suara aktif")
    assert ui.current == "home"


def test_check_in_by_nik_with_the_keypad(ui: UI) -> None:
    ear = Ear(ui)
    press(ui, "5")
    ear.hears("Mode suara aktif")
    press(ui, "1")  # booked online
    assert ui.current == "entry" and ui.screen.mode == "nik"
    ear.hears("Ketik 16 angka NIK Anda", "Setiap angka berbunyi")
    press(ui, NIK_MAN_1945[:15], "9")  # a slip of the finger on the last digit
    ear.hears("16 angka")
    press(ui, "backspace")
    ear.hears("Dihapus", "15 angka")
    press(ui, NIK_MAN_1945[-1])
    ear.hears("16 angka, berakhiran", spelled(NIK_MAN_1945[-2:]))
    press(ui, "enter")
    ui.wait_until(lambda: ui.current == "confirm", TIMEOUT, "the booking")
    ear.hears("Pendaftaran Anda untuk Perekaman KTP-el ditemukan", "1, Ya, cetak nomor saya")
    press(ui, "enter")
    ui.wait_until(lambda: ui.current == "done", TIMEOUT, "the ticket")
    ear.hears("A, nol, nol, satu", "ruang tunggu")
    [ticket] = ui.tickets()
    assert ticket.booking_code == "MGT7K3Q9" and ticket.printed
    assert len(preview_tickets(ui)) == 1
    assert_no_nik_spoken(ear, NIK_MAN_1945)


# MGT7K3Q9 as typed on a phone keypad: each run of one key is one character.
CODE_TAPS = ("6", "4", "8", "77777", "55", "3333", "77", "99999")


def test_check_in_by_booking_code_typed_like_an_sms(ui: UI) -> None:
    ear = Ear(ui)
    press(ui, "5")
    ear.hears("Mode suara aktif")
    press(ui, "1")
    ear.hears("Ketik 16 angka NIK Anda")
    press(ui, "/")  # on a field screen: hear the choices, then a digit chooses
    choices = ear.hears("Pilihan:", "3, Pakai kode booking")
    assert "1, Cari pendaftaran saya" in choices
    press(ui, "3")
    assert ui.screen.mode == "code"
    ear.hears("Ketik kode booking", "seperti SMS")  # the mode change is spoken (P2)
    for taps in CODE_TAPS:
        press(ui, taps)
        ui.app.monotonic.travel(nonvisual.MULTITAP_S + 0.5)  # a pause: the next key starts a new character
    assert ui.screen.ids.pad.text == "MGT7K3Q9"
    ear.hears("sembilan")  # the last character, spoken
    press(ui, "enter")
    ui.wait_until(lambda: ui.current == "confirm", TIMEOUT, "the booking")
    ear.hears("Pendaftaran Anda untuk Perekaman KTP-el ditemukan")
    press(ui, "enter")
    ui.wait_until(lambda: ui.current == "done", TIMEOUT, "the ticket")
    ear.hears("A, nol, nol, satu")
    [ticket] = ui.tickets()
    assert ticket.booking_code == "MGT7K3Q9" and ticket.printed and len(preview_tickets(ui)) == 1


def test_the_same_key_pressed_quickly_changes_the_letter_and_each_letter_is_spoken(ui: UI) -> None:
    ear = Ear(ui)
    press(ui, "5", "1", "/", "3")
    ear.hears("seperti SMS")
    press(ui, "2")
    ear.hears("A")
    press(ui, "2")
    assert ui.screen.ids.pad.text == "B"
    ear.hears("B")
    ui.app.monotonic.travel(nonvisual.MULTITAP_S + 0.5)
    press(ui, "2")
    assert ui.screen.ids.pad.text == "BA"
    press(ui, "backspace")
    assert ui.screen.ids.pad.text == "B"
    ear.hears("Dihapus", "B")


def test_backspace_on_an_empty_field_goes_back_one_step_keeping_speech_mode(ui: UI) -> None:
    ear = Ear(ui)
    press(ui, "5", "2")
    ui.wait_until(lambda: ui.current == "walkin" and not ui.app.busy, TIMEOUT, "the services")
    press(ui, "1", "35")
    press(ui, "backspace", "backspace")
    assert ui.screen.ids.pad.text == "" and ui.screen.step == "nik"
    ear.skip()
    press(ui, "backspace")  # empty: back to the services
    assert ui.current == "walkin" and ui.screen.step == "service"
    ear.hears("Pilih layanan")
    press(ui, "backspace")  # no field here: back home, still speaking
    ui.wait_until(lambda: ui.current == "home", TIMEOUT, "home")
    ear.hears("Selamat datang", "1, Sudah daftar online")
    assert ui.app.listening and ui.app.keypad.active


def test_a_digit_with_no_choice_says_so_and_the_choices(ui: UI) -> None:
    ear = Ear(ui)
    press(ui, "5")
    ear.hears("Mode suara aktif")
    press(ui, "8")
    ear.hears("Tidak ada pilihan 8", "2, Belum daftar")
    assert ui.current == "home"


def test_the_decimal_key_cancels_and_goes_home_for_the_same_person(ui: UI) -> None:
    ear = Ear(ui)
    press(ui, "5", "4")  # English
    ear.hears("Welcome")
    assert ui.app.language == "en"
    press(ui, "2")
    ui.wait_until(lambda: ui.current == "walkin" and not ui.app.busy, TIMEOUT, "the services")
    press(ui, "1", "3520")
    press(ui, ".")
    assert ui.current == "home"
    ear.hears("Welcome")
    assert ui.app.language == "en" and ui.app.keypad.active
    press(ui, "2")
    ui.wait_until(lambda: ui.current == "walkin" and not ui.app.busy, TIMEOUT, "the services")
    press(ui, "1")
    assert ui.screen.ids.pad.text == ""  # what was typed went with the cancel


def test_volume_keys_change_this_persons_volume_within_bounds(ui: UI) -> None:
    ear = Ear(ui)
    press(ui, "5")
    ear.hears("Mode suara aktif")
    for _ in range(10):
        press(ui, "-")
    assert ui.app.speaker.volume == pytest.approx(nonvisual.VOLUME_MIN)
    ear.hears("Suara 10 persen")
    assert ui.app.speaker.sound.volume == pytest.approx(nonvisual.VOLUME_MIN)
    for _ in range(10):
        press(ui, "+")
    assert ui.app.speaker.volume == pytest.approx(nonvisual.VOLUME_MAX)


def outlines(widget: Any) -> list[Any]:
    """The lines drawn over ``widget`` (its canvas.after, groups included)."""
    from kivy.graphics import Line

    found, todo = [], list(widget.canvas.after.children)
    while todo:
        instruction = todo.pop()
        if isinstance(instruction, Line):
            found.append(instruction)
        todo.extend(getattr(instruction, "children", []))
    return found


def test_the_chosen_item_is_outlined_thickly(ui: UI) -> None:
    from kivy.metrics import dp

    press(ui, "5", "2")
    ui.wait_until(lambda: ui.current == "walkin" and not ui.app.busy, TIMEOUT, "the services")
    press(ui, "1", NIK_WOMAN_1990, "3")  # the full NIK: a digit chooses; 3 is Disabilitas
    toggle = ui.screen.ids.disabled_person
    assert ui.screen.priority == "disabled"
    ui.pump(1, draw=True)  # the outline's points are computed when drawn
    lines = outlines(toggle)
    assert lines and lines[0].width >= dp(5)
    xs, ys = lines[0].points[::2], lines[0].points[1::2]
    assert min(xs) < toggle.x and min(ys) < toggle.y and max(xs) > toggle.right and max(ys) > toggle.top
    press(ui, "4")
    assert not outlines(toggle)  # one outline at a time
    assert outlines(ui.screen.ids.pregnant)


def test_a_scanner_ending_with_keypad_enter_is_still_a_scan(ui: UI) -> None:
    press(ui, "5")  # speech mode on
    ui.type_keys("MGT7K3Q9", suffix="numpad_enter")
    ui.wait_until(lambda: ui.current == "confirm", TIMEOUT, "the booking")


@pytest.mark.slow
@pytest.mark.skipif(bool(DEVICE), reason="this is the child run")
def test_the_keypad_walks_reach_the_sound_device(tmp_path: Path) -> None:
    """The three walks again in a child process whose sound goes to a file (SDL's disk audio driver)."""
    device = tmp_path / "device.raw"
    env = dict(os.environ, SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(device))
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", __file__, "-k", "walk_in or check_in"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    assert "3 passed" in done.stdout, done.stdout[-2000:]
    assert device.stat().st_size > 0


def test_the_idle_warning_tells_a_keypad_user_to_press_a_key_and_a_key_keeps_the_session(ui: UI) -> None:
    ear = Ear(ui)
    press(ui, "5", "2")
    ui.wait_until(lambda: ui.current == "walkin" and not ui.app.busy, TIMEOUT, "the services")
    press(ui, "1", "3520")
    ear.skip()
    ui.monotonic.travel(ui.config.ui.idle_timeout_s - 5)  # into the warning
    ui.wait_until(lambda: ui.app.idle_left, TIMEOUT, "the idle warning")
    ear.hears("Tekan tombol apa saja")
    press(ui, "*")  # any key: still here
    assert not ui.app.idle_left and ui.current == "walkin" and ui.screen.ids.pad.text == "3520"


def test_the_technician_pin_is_never_echoed_even_during_a_spoken_session(ui: UI) -> None:
    ear = Ear(ui)
    tones: list[int] = []
    ui.app.keypad.play_tone = lambda: tones.append(1)
    press(ui, "5")  # a spoken session, then "Kembali" to the start keeps it
    ear.hears("Mode suara aktif")
    ui.app.go("pin")
    ui.pump(2)
    ear.skip()
    ui.press_digits("2468")
    ui.pump(5)
    assert tones == [] and ear.said() == []


class SlowBackend:
    """The day book behind a slow network: a booking lookup waits until the test lets it go."""

    def __init__(self, book: Any) -> None:
        import threading

        self.book = book
        self.gate = threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.book, name)

    def find_bookings_by_nik(self, nik_hash: str) -> Any:
        self.gate.wait(TIMEOUT * 2)
        return self.book.find_bookings_by_nik(nik_hash)

    def release(self) -> None:
        self.gate.set()


@pytest.mark.ui_options(backend=SlowBackend)
def test_while_the_kiosk_works_a_listener_hears_what_it_is_doing(ui: UI) -> None:
    ear = Ear(ui)
    press(ui, "5", "1")
    ear.hears("Ketik 16 angka NIK Anda")
    press(ui, NIK_MAN_1945, "enter")
    assert ui.app.busy
    ear.hears("Mencari pendaftaran")  # not silence while the backend takes its time
    press(ui, "1")
    ear.hears("Mencari pendaftaran")  # a key while busy: what it is still doing
    ui.kiosk.backend.release()
    ui.wait_until(lambda: ui.current == "confirm", TIMEOUT, "the booking")
    ear.hears("Pendaftaran Anda untuk Perekaman KTP-el ditemukan")
