"""The spoken prompt reaches the sound card at the configured volume (Kivy's SDL2 mixer, real output).

This machine has no sound card, so a child process plays through SDL's ``disk`` audio driver,
which writes exactly what the mixer sends to the device into a file; the test measures it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from array import array
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent

PLAY = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from kivy.clock import Clock
    from kiosk.core.config import SpeechConfig
    from kiosk.ui.voice import Speaker

    speaker = Speaker(SpeechConfig(volume=float(sys.argv[1]), cache_dir=Path(sys.argv[2])))
    speaker.say("Nomor antrean Anda: A, nol, nol, satu.", "id")
    deadline = time.monotonic() + 60
    while speaker.sound is None or speaker.sound.state == "play":
        Clock.tick()  # the Speaker hands the sound to this (UI) thread; Kivy polls the channel
        time.sleep(0.01)
        if time.monotonic() > deadline:
            sys.exit("the sound never finished")
    print(speaker.sound.length)
    """
)


def _play(tmp_path: Path, volume: float) -> tuple[float, int]:
    output = tmp_path / f"device-{volume}.raw"
    env = dict(os.environ, SDL_AUDIODRIVER="disk", SDL_DISKAUDIOFILE=str(output), KIVY_NO_ARGS="1")
    env.update(KIVY_HOME=str(tmp_path / "kivy"), KIVY_NO_CONSOLELOG="1", KIVY_NO_FILELOG="1")
    done = subprocess.run(
        [sys.executable, "-c", PLAY, str(volume), str(tmp_path / "cache")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    samples = array("h", output.read_bytes())
    return float(done.stdout.split()[-1]), max(abs(s) for s in samples)


def test_the_prompt_is_heard_and_the_configured_volume_scales_it(tmp_path: Path) -> None:
    length, loud = _play(tmp_path, 1.0)
    _length, quiet = _play(tmp_path, 0.25)
    print(f"sound of {length:.1f} s; device peak at volume 1.0: {loud}, at 0.25: {quiet}")
    assert length > 2.0
    assert loud > 3000  # speech reached the device, not silence
    assert quiet / loud == pytest.approx(0.25, abs=0.08)
