"""The idle timer: a person who walked away gets the kiosk back home, after a clear warning.

Nothing shows while someone is using the screen. For the last ``WARNING_S`` seconds a large
overlay asks "Masih di sini?" with the seconds left, a tone sounds and the prompt is spoken;
any touch or key ends the warning and keeps what was typed. Only when the time runs out does
the kiosk go home (and wipe the input) for the next person.

Time comes from the app's ``monotonic`` clock, so tests drive it without waiting.
"""

from __future__ import annotations

import logging
import math
import struct
import wave
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from kiosk.core.record import record
from kiosk.i18n import ASSETS, N_

log = logging.getLogger(__name__)

WARNING_S = 15.0  # the warning's length on a screen with the configured timeout
TICK_S = 0.25
PROMPT = N_("Masih di sini? Sentuh layar untuk melanjutkan")
TONE_PATH = ASSETS / "sounds" / "idle-warning.wav"


@record
class IdleRule:
    """How a screen times out: after ``timeout_s`` (inf: never), warning the last ``warning_s``."""

    timeout_s: float
    warning_s: float


def warning_length(timeout_s: float, warns: bool) -> float:
    """``WARNING_S``, or half a short timeout, so the quiet part never vanishes; 0 without warning."""
    if not warns or math.isinf(timeout_s):
        return 0.0
    return min(WARNING_S, timeout_s / 2)


class IdleTimer:
    """Counts down from the last touch; ``tick`` is called from the UI clock.

    ``on_warning(seconds_left)`` each tick of the warning (``0`` when it ends without a
    timeout), ``on_warning_start()`` once as it begins (tone and speech), ``on_timeout()`` when
    the time is up.
    """

    def __init__(
        self,
        monotonic: Callable[[], float],
        on_warning: Callable[[int], None],
        on_warning_start: Callable[[], None],
        on_timeout: Callable[[], None],
    ) -> None:
        self.monotonic = monotonic
        self.on_warning = on_warning
        self.on_warning_start = on_warning_start
        self.on_timeout = on_timeout
        self.rule = IdleRule(math.inf, 0.0)
        self._deadline = math.inf
        self.warning = False

    def restart(self, rule: IdleRule) -> bool:
        """Someone is there: count from now. True if this ended a warning on show."""
        self.rule = rule
        self._deadline = self.monotonic() + rule.timeout_s
        return self._end_warning()

    def pause(self) -> None:
        """No countdown while a request runs (its answer must be seen); the next touch restarts it."""
        self._end_warning()

    def tick(self) -> None:
        left = self._deadline - self.monotonic()
        if left <= 0:
            self._end_warning()
            self._deadline = math.inf
            self.on_timeout()
            return
        if left <= self.rule.warning_s:
            if not self.warning:
                self.warning = True
                self.on_warning_start()
            self.on_warning(math.ceil(left))
        else:
            self._end_warning()

    def _end_warning(self) -> bool:
        if not self.warning:
            return False
        self.warning = False
        self.on_warning(0)
        return True


def tone_wav(frequency: float = 880.0, seconds: float = 0.35, rate: int = 16000) -> bytes:
    """A soft two-note chime as 16-bit mono WAV bytes (what ``TONE_PATH`` holds)."""
    frames = bytearray()
    count = int(seconds * rate)
    for i in range(count):
        t = i / rate
        note = frequency if i < count // 2 else frequency * 0.75  # down a fourth: "still there?"
        envelope = min(1.0, i / (0.01 * rate), (count - i) / (0.05 * rate))  # no clicks
        frames += struct.pack("<h", int(9000 * envelope * math.sin(2 * math.pi * note * t)))
    buffer = BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))
    return buffer.getvalue()


def write_tone(path: Path = TONE_PATH) -> Path:
    """Write the chime asset (kept in the repo; run again only to change the sound)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(tone_wav())
    return path
