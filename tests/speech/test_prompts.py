"""Every spoken prompt, in every language, becomes audible speech; numbers are spelled for listeners."""

from __future__ import annotations

import wave
from array import array
from pathlib import Path

import pytest
from conftest import write_config

from kiosk import cli
from kiosk.core import config as config_mod
from kiosk.i18n import LANGUAGES, translator
from kiosk.messages import TEXTS
from kiosk.speech import prompts


def _seconds_and_peak(path: Path) -> tuple[float, int]:
    with wave.open(str(path), "rb") as handle:
        assert handle.getsampwidth() == 2
        seconds = handle.getnframes() / handle.getframerate()
        samples = array("h", handle.readframes(handle.getnframes()))
    return seconds, max(abs(s) for s in samples)


@pytest.mark.parametrize("language", LANGUAGES)
def test_speak_prompts_writes_every_prompt_as_a_wav_that_is_not_silent(
    tmp_path: Path, language: str, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path)
    out = tmp_path / "review"
    assert cli.main(["speak-prompts", "--config", str(config_path), "--lang", language, "--out", str(out)]) == 0
    listed = [line.split("\t", 1) for line in (out / "prompts.txt").read_text(encoding="utf-8").splitlines()]
    expected = list(prompts.every_prompt(config_mod.load(config_path), language))
    assert [(name, text) for name, text in listed] == [(f"{name}.wav", text) for name, text in expected]
    assert len(listed) == len(prompts.SCREEN_PROMPTS) + len(TEXTS)
    quiet = []
    for name, _text in listed:
        seconds, peak = _seconds_and_peak(out / name)
        if seconds < 1.0 or peak < 1000:
            quiet.append((name, round(seconds, 2), peak))
    assert quiet == []
    assert sorted(p.name for p in out.iterdir()) == sorted([name for name, _ in listed] + ["prompts.txt"])
    print(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("language", "spoken"),
    [
        ("id", "A, nol, nol, satu"),
        ("en", "A, zero, zero, one"),
        ("jv", "A, nol, nol, setunggal"),
    ],
)
def test_a_ticket_number_is_spoken_letter_by_letter_and_digit_by_digit(language: str, spoken: str) -> None:
    assert prompts.spell_number("A-001", translator(language)) == spoken


def test_a_number_inside_a_message_is_spelled_too() -> None:
    text = prompts.message_prompt("Anda sudah mengambil nomor", "Nomor antrean Anda B-017.", translator("id"))
    assert text == "Anda sudah mengambil nomor. Nomor antrean Anda B, nol, satu, tujuh."


def test_a_full_hour_is_spoken_as_the_hour() -> None:
    hint = "Jadwal Anda pukul 09:00. Silakan kembali mulai pukul 08:15."
    text = prompts.message_prompt("Belum waktunya", hint, translator("id"))
    assert text == "Belum waktunya. Jadwal Anda pukul 9. Silakan kembali mulai pukul 08:15."


def test_the_done_prompt_says_the_number_and_where_to_wait() -> None:
    text = prompts.screen_prompt("done", "printed", translator("id"), number="C-120")
    assert "C, satu, dua, nol" in text and "ruang tunggu" in text and "dipanggil" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_prompt_relies_on_colour(language: str) -> None:
    colours = {"id": ("hijau", "merah", "biru"), "en": ("green", "red", "blue"), "jv": ("ijem", "ijo", "abrit", "biru")}
    for (screen, state), _text in prompts.SCREEN_PROMPTS.items():
        text = prompts.screen_prompt(screen, state, translator(language), service="KTP-el", number="A-001").lower()
        assert not [c for c in colours[language] if c in text.split()], (screen, state, text)
