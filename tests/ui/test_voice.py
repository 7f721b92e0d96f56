"""Spoken guidance on the real window: "Dengarkan" plays this screen's prompt, and never holds up the UI.

The machine has no sound card: SDL's dummy audio driver (tests/conftest.py) lets Kivy's real
SDL2 mixer load and play the WAV, and the WAV itself is measured for sound.
"""

from __future__ import annotations

import threading
import wave
from array import array
from pathlib import Path
from typing import Any

import pytest
from conftest import NIK_MAN_1945, UI, spy_on_play

from kiosk.i18n import translator
from kiosk.speech import prompts, tts

TIMEOUT = 30.0


def _peak(path: Path) -> int:
    with wave.open(str(path), "rb") as handle:
        samples = array("h", handle.readframes(handle.getnframes()))
    return max(abs(s) for s in samples)


def _listen(ui: UI) -> Any:
    return ui.app.root_widget.ids.listen


def _expected_wav(ui: UI, text: str, language: str) -> Path:
    voice = tts.Voice(language, words_per_minute=ui.config.speech.words_per_minute)
    return ui.config.speech.cache_dir / tts.cache_name(" ".join(text.split()), voice)


def test_dengarkan_plays_the_home_prompt_on_the_ui_thread_through_kivy_audio(ui: UI) -> None:
    played = spy_on_play(ui)
    button = _listen(ui)
    assert button.opacity == 1 and ui.app.tr(prompts.LISTEN_LABEL) == button.text == "Dengarkan"
    ui.tap(button)
    ui.wait_until(lambda: played, TIMEOUT, "the home prompt to play")

    expected = prompts.screen_prompt("home", "", translator("id"))
    thread, language, text = played[-1]
    assert (thread, language, text) == (threading.main_thread().name, "id", expected)
    sound = ui.app.speaker.sound
    wav = _expected_wav(ui, expected, "id")
    assert Path(sound.source) == wav and sound.length > 3.0
    assert sound.state == "play" and sound.volume == pytest.approx(ui.config.speech.volume)
    assert _peak(wav) > 1000  # speech, not a header over silence
    assert "hijau" not in expected  # a listener may not see colours


def test_after_one_tap_on_dengarkan_every_next_screen_speaks_until_the_next_person(ui: UI) -> None:
    played = spy_on_play(ui)
    ui.tap(_listen(ui))
    ui.wait_until(lambda: played, TIMEOUT, "the home prompt")
    home_sound = ui.app.speaker.sound
    ui.tap("booked")
    assert ui.current == "entry"
    entry = prompts.screen_prompt("entry", "nik", translator("id"))
    ui.wait_until(lambda: played[-1][2] == entry, TIMEOUT, "the entry prompt, unasked")
    assert home_sound.length == 0  # unloaded: a day of prompts does not pile up in the mixer

    assert ui.app.speaker.sound.state == "play"
    ui.tap("back")  # back home, the same person: still listening (P2)
    assert ui.current == "home" and ui.app.listening is True
    home = prompts.screen_prompt("home", "", translator("id"))
    ui.wait_until(lambda: played[-1][2] == home, TIMEOUT, "the home prompt again")
    ui.app.go_home()  # "Selesai" or the idle timeout: the next person hears nothing until they ask
    assert ui.app.listening is False
    assert ui.app.speaker.sound.state == "stop"  # the home prompt is cut off
    count = len(played)
    ui.tap("booked")
    ui.settle()
    ui.pump(5)
    assert len(played) == count


def test_back_keeps_the_language_and_listening_on_every_screen(ui: UI) -> None:
    played = spy_on_play(ui)
    en = translator("en")
    ui.tap(ui.find("English"))
    ui.tap(_listen(ui))
    ui.wait_until(lambda: played and played[-1][1] == "en", TIMEOUT, "the English home prompt")
    for way_in in ("booked", "walkin"):
        ui.tap(way_in)
        ui.settle()
        ui.tap("back")
        assert ui.current == "home" and ui.app.language == "en" and ui.app.listening
        assert ui.sees(en("Ambil nomor antrean di sini"))
    ui.type_keys("ZZZ99999")  # a refusal, then its "Kembali"
    ui.wait_until(lambda: ui.current == "error", TIMEOUT, "the refusal")
    ui.tap("back")
    assert ui.current == "home" and ui.app.language == "en" and ui.app.listening
    home = prompts.screen_prompt("home", "", en)
    ui.wait_until(lambda: played[-1][1:] == ("en", home), TIMEOUT, "the English home prompt, unasked")


def test_a_step_inside_a_screen_is_spoken_like_a_new_screen(ui: UI) -> None:
    played = spy_on_play(ui)
    ui.tap("walkin")
    ui.settle()
    ui.tap(_listen(ui))
    tr = translator("id")
    services = prompts.screen_prompt("walkin", "service", tr)
    ui.wait_until(lambda: played and played[-1][2] == services, TIMEOUT, "the services prompt")
    ui.tap(ui.screen.ids.grid.children[-1])  # the first service: the NIK step
    nik_step = prompts.screen_prompt("walkin", "nik", tr)
    ui.wait_until(lambda: played[-1][2] == nik_step, TIMEOUT, "the NIK step's prompt")
    ui.tap("next")  # nothing typed: the problem is spoken
    ui.wait_until(lambda: played[-1][2] == "NIK harus 16 angka, baru 0", TIMEOUT, "the problem")
    ui.tap("back")
    ui.tap("back")
    ui.tap("booked")
    ui.tap("switch")  # "Pakai kode booking"
    code_step = prompts.screen_prompt("entry", "code", tr)
    ui.wait_until(lambda: played[-1][2] == code_step, TIMEOUT, "the booking code step's prompt")


def test_a_nik_typed_on_the_screen_is_echoed_as_tones_and_read_back_masked(ui: UI) -> None:
    played = spy_on_play(ui)
    tones: list[int] = []
    ui.app.keypad.play_tone = lambda: tones.append(1)
    ui.tap("booked")
    ui.tap(_listen(ui))
    ui.press_digits(NIK_MAN_1945)
    assert len(tones) == 16
    ui.wait_until(lambda: played and "16 angka, berakhiran" in played[-1][2], TIMEOUT, "the read-back")
    assert "nol, satu" in played[-1][2]  # the last two digits only
    assert all("tiga, lima, dua, nol" not in text for _thread, _language, text in played)


def test_a_refusal_is_spoken_as_its_title_and_what_to_do_next(ui: UI) -> None:
    played = spy_on_play(ui)
    ui.type_keys("ZZZ99999")  # a code that is not booked
    ui.wait_until(lambda: ui.current == "error", TIMEOUT, "the refusal")
    screen = ui.screen
    ui.tap(_listen(ui))
    ui.wait_until(lambda: played, TIMEOUT, "the refusal to be spoken")
    text = played[-1][2]
    assert text.startswith(screen.title) and screen.hint in text


def test_the_done_screen_spells_the_number_and_says_where_to_wait(ui: UI) -> None:
    played = spy_on_play(ui)
    ui.type_keys("MGT7K3Q9")  # today's KTP booking (prefix A)
    ui.wait_until(lambda: ui.current == "confirm", TIMEOUT, "the booking")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done", TIMEOUT, "the ticket")
    assert ui.screen.number == "A-001"
    ui.tap(_listen(ui))
    ui.wait_until(lambda: played, TIMEOUT, "the number to be spoken")
    text = played[-1][2]
    assert "A, nol, nol, satu" in text and "ruang tunggu" in text


def test_basa_jawa_is_spoken_with_the_indonesian_voice(ui: UI) -> None:
    played = spy_on_play(ui)
    ui.app.language = "jv"
    ui.pump(2)
    assert _listen(ui).text == translator("jv")("Dengarkan") != "Dengarkan"
    ui.tap(_listen(ui))
    ui.wait_until(lambda: played, TIMEOUT, "the Javanese prompt")
    expected = prompts.screen_prompt("home", "", translator("jv"))
    assert played[-1][1:] == ("jv", expected) and "Sugeng rawuh" in expected
    assert tts.Voice("jv").espeak_voice == "id"
    assert Path(ui.app.speaker.sound.source) == _expected_wav(ui, expected, "jv")


def test_the_technician_screens_have_no_listen_button(ui: UI) -> None:
    played = spy_on_play(ui)
    ui.app.go("pin")
    ui.pump(2)
    button = _listen(ui)
    assert button.opacity == 0 and button.disabled
    ui.tap(button)
    ui.pump(5)
    assert played == []
    ui.app.go_home()
    ui.pump(2)
    assert button.opacity == 1 and not button.disabled


def test_the_ui_keeps_running_while_speech_is_still_rendering(ui: UI) -> None:
    speaker = ui.app.speaker
    played = spy_on_play(ui)
    started, release = threading.Event(), threading.Event()
    real_render = speaker._render

    def slow_render(text: str, voice: tts.Voice, cache_dir: Path) -> Path:
        started.set()
        assert release.wait(TIMEOUT), "the test never released the renderer"
        return real_render(text, voice, cache_dir)

    speaker._render = slow_render
    from kivy.clock import Clock

    ticks: list[float] = []
    event = Clock.schedule_interval(lambda dt: ticks.append(dt), 0)
    try:
        ui.tap(_listen(ui))  # returns although espeak-ng is "still rendering"
        ui.wait_until(started.is_set, TIMEOUT, "the render to start")
        ui.wait_until(lambda: len(ticks) >= 10, TIMEOUT, "the UI clock to keep ticking")
        ui.tap("booked")  # the person moves on meanwhile
        assert ui.current == "entry" and played == []
    finally:
        release.set()
        event.cancel()
    entry = prompts.screen_prompt("entry", "nik", translator("id"))
    ui.wait_until(lambda: played, TIMEOUT, "the entry prompt")
    assert [text for _thread, _language, text in played] == [entry]  # the stale home prompt is never played


@pytest.mark.ui_options(config={"auto_speak = false": "auto_speak = true"})
def test_with_auto_speak_each_screen_speaks_when_it_opens(ui: UI) -> None:
    played = spy_on_play(ui)
    ui.tap("walkin")
    ui.wait_until(lambda: ui.current == "walkin" and played, TIMEOUT, "the walk-in prompt")
    assert played[-1][2] == prompts.screen_prompt("walkin", "service", translator("id"))


@pytest.mark.ui_options(config={"enabled = true ": "enabled = false "})
def test_with_speech_disabled_there_is_no_button_and_no_sound(ui: UI) -> None:
    assert _listen(ui).opacity == 0
    ui.app.speak("Masih di sini?")
    ui.pump(5)
    assert ui.app.speaker.sound is None


def test_after_a_javanese_session_the_next_person_starts_in_indonesian_and_silent(ui: UI) -> None:
    played = spy_on_play(ui)
    ui.app.language = "jv"
    ui.tap(_listen(ui))
    ui.wait_until(lambda: played, TIMEOUT, "the Javanese prompt")
    ui.tap("walkin")
    assert ui.current == "walkin" and ui.sees(translator("jv")("Kembali"))
    ui.app.go_home()  # as the idle timeout or "Selesai" does
    ui.pump(3)
    assert ui.app.language == "id" and _listen(ui).text == "Dengarkan" and ui.app.listening is False
    assert ui.sees("Ambil nomor antrean di sini")
