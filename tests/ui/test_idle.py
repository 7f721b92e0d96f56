"""The idle warning on the real window, on the app's monotonic clock (no real waiting)."""

from __future__ import annotations

import wave

import pytest
from conftest import NIK_WOMAN_1990

from kiosk.ui.idle import TONE_PATH

pytestmark = pytest.mark.ui

PROMPT = "Masih di sini? Sentuh layar untuk melanjutkan"


@pytest.fixture
def heard(ui, monkeypatch):
    """What the kiosk asked to say and how often it chimed (the voice part plays them)."""
    said: list[str] = []
    tones: list[bool] = []
    monkeypatch.setattr(ui.app, "speak", said.append)
    monkeypatch.setattr(ui.app, "play_tone", lambda: tones.append(True))
    return said, tones


def start_typing_a_nik(ui) -> None:
    ui.tap("booked")
    ui.press_digits(NIK_WOMAN_1990[:8])
    assert ui.find("display").text.startswith("3520 0152")


def overlay(ui):
    return ui.app.root_widget.ids.idle


def test_nothing_shows_until_the_last_15_seconds(ui, heard):
    start_typing_a_nik(ui)
    ui.monotonic.travel(29)  # idle_timeout_s = 45
    ui.pump(3)
    assert overlay(ui).opacity == 0
    assert not any("detik" in text for text in ui.texts())
    assert heard == ([], [])


def test_the_warning_asks_in_large_type_counts_the_seconds_chimes_and_speaks(ui, heard):
    start_typing_a_nik(ui)
    ui.monotonic.travel(31)
    ui.wait_until(lambda: overlay(ui).opacity == 1, what="the idle warning")
    assert ui.sees(PROMPT)
    assert overlay(ui).ids.seconds.text == "14"
    assert overlay(ui).ids.prompt.font_size > ui.find("title").font_size  # larger than the screen's title
    said, tones = heard
    assert said == [PROMPT] and tones == [True]
    ui.monotonic.travel(5)
    ui.wait_until(lambda: overlay(ui).ids.seconds.text == "9", what="the seconds counting")
    assert said == [PROMPT] and tones == [True]  # once per warning, not every second


def test_a_touch_anywhere_continues_and_keeps_what_was_typed(ui, heard):
    start_typing_a_nik(ui)
    ui.monotonic.travel(33)
    ui.wait_until(lambda: overlay(ui).opacity == 1, what="the idle warning")
    one = next(key for key in ui.find("pad").children if key.value == "1")
    ui.tap(one)  # right on a key under the overlay: it continues, it types nothing
    assert overlay(ui).opacity == 0
    assert ui.current == "entry"
    assert ui.find("display").text == "3520 0152"
    ui.monotonic.travel(20)  # the countdown starts again from the touch
    ui.pump(3)
    assert ui.current == "entry" and overlay(ui).opacity == 0
    ui.press_digits(NIK_WOMAN_1990[8:])
    assert ui.find("display").text == "3520 0152 0390 0002"


def test_a_key_from_the_scanner_also_continues(ui, heard):
    start_typing_a_nik(ui)
    ui.monotonic.travel(40)
    ui.wait_until(lambda: overlay(ui).opacity == 1, what="the idle warning")
    ui.type_keys("7", enter=False)
    ui.pump(2)
    assert overlay(ui).opacity == 0
    assert ui.current == "entry"


def test_without_a_touch_the_kiosk_goes_home_and_wipes_what_was_typed(ui, heard):
    start_typing_a_nik(ui)
    ui.monotonic.travel(31)
    ui.wait_until(lambda: overlay(ui).opacity == 1, what="the idle warning")
    ui.monotonic.travel(15)
    ui.wait_until(lambda: ui.current == "home", what="the idle timeout")
    assert overlay(ui).opacity == 0
    ui.tap("booked")
    assert ui.find("display").text.startswith("____")


def test_the_number_on_show_goes_home_without_a_warning(ui, heard):
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done")
    ui.monotonic.travel(15)
    ui.pump(3)
    assert ui.current == "done" and overlay(ui).opacity == 0  # the number stays readable
    ui.monotonic.travel(6)
    ui.wait_until(lambda: ui.current == "home")
    assert heard == ([], [])


def test_the_tone_is_a_short_wav_that_is_not_silent():
    with wave.open(str(TONE_PATH), "rb") as tone:
        frames = tone.readframes(tone.getnframes())
        seconds = tone.getnframes() / tone.getframerate()
    assert 0.1 < seconds < 1.0
    samples = memoryview(frames).cast("h")
    assert max(abs(s) for s in samples) > 3000
