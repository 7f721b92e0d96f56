"""Real espeak-ng output: a sentence becomes a WAV with sound in it, cached, never half-written."""

from __future__ import annotations

import wave
from array import array
from pathlib import Path

import pytest

from kiosk.speech import tts


def _peak(path: Path) -> tuple[float, int]:
    with wave.open(str(path), "rb") as handle:
        frames = handle.readframes(handle.getnframes())
        seconds = handle.getnframes() / handle.getframerate()
        assert handle.getsampwidth() == 2
    samples = array("h", frames)
    return seconds, max(abs(s) for s in samples)


@pytest.mark.parametrize("language", ["id", "en", "jv"])
def test_a_sentence_becomes_a_wav_that_is_not_silent(tmp_path: Path, language: str) -> None:
    path = tts.render("Nomor antrean A nol nol satu, silakan ke Loket 1", tts.Voice(language), tmp_path)
    seconds, peak = _peak(path)
    assert seconds > 1.0
    assert peak > 1000  # real speech, not a header over silence


def test_the_same_sentence_is_rendered_once_and_its_file_name_does_not_carry_the_text(tmp_path: Path) -> None:
    first = tts.render("Silakan ambil karcis", tts.Voice("id"), tmp_path)
    mtime = first.stat().st_mtime_ns
    again = tts.render("Silakan  ambil   karcis", tts.Voice("id"), tmp_path)
    assert again == first and again.stat().st_mtime_ns == mtime
    assert "karcis" not in first.name.lower()
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name]  # no partial file left behind


def test_without_espeak_ng_the_caller_gets_speech_unavailable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tts, "ESPEAK", "espeak-ng-that-is-not-installed")
    with pytest.raises(tts.SpeechUnavailable):
        tts.render("Halo", tts.Voice("id"), tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_pruning_keeps_the_cache_under_its_size_and_drops_the_oldest_first(tmp_path: Path) -> None:
    import os

    voice = tts.Voice("id")
    paths = [tts.render(f"Nomor antrean A nol nol {word}", voice, tmp_path) for word in ("satu", "dua", "tiga")]
    for age, path in zip((300, 200, 100), paths, strict=True):
        os.utime(path, (path.stat().st_atime, path.stat().st_mtime - age))
    newest = paths[-1].stat().st_size
    assert tts.prune(tmp_path, max_bytes=newest) == 2
    assert list(tmp_path.iterdir()) == [paths[-1]]
    assert tts.prune(tmp_path, max_bytes=newest) == 0
