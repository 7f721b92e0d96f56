"""The hall display's chime: a two-note "ding-dong" made here, so the WAV in static/ is reproducible.

Run ``python scripts/make_chime.py`` to write ``kiosk/server/web/static/sounds/chime.wav`` again; a test checks
that the committed file is what this code makes. Mono, 16 kHz, 16 bit: small, and every browser
plays it.
"""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path

RATE = 16_000
NOTES = ((659.25, 0.0, 0.9), (523.25, 0.45, 1.1))  # E5 then C5: (frequency Hz, start s, length s)
LENGTH_S = 1.6
VOLUME = 0.45
CHIME_PATH = Path(__file__).resolve().parent.parent / "kiosk" / "server" / "web" / "static" / "sounds" / "chime.wav"


def samples() -> list[int]:
    """The chime as 16-bit samples: each note a sine with its overtone, struck and fading out."""
    out: list[int] = []
    for i in range(int(RATE * LENGTH_S)):
        t = i / RATE
        value = 0.0
        for frequency, start, length in NOTES:
            local = t - start
            if 0.0 <= local < length:
                attack = min(1.0, local / 0.01)  # 10 ms attack: no click at the start
                decay = math.exp(-3.5 * local / length) * (1.0 - local / length)
                tone = math.sin(2 * math.pi * frequency * local) + 0.3 * math.sin(4 * math.pi * frequency * local)
                value += attack * decay * tone / 1.3
        out.append(max(-32767, min(32767, round(value * VOLUME * 32767))))
    return out


def chime_bytes() -> bytes:
    """The chime as a complete WAV file."""
    import io

    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as handle:
        handle.setnchannels(1)
        handle.setsampwidth(2)
        handle.setframerate(RATE)
        handle.writeframes(struct.pack(f"<{int(RATE * LENGTH_S)}h", *samples()))
    return buffer.getvalue()


def main() -> None:
    CHIME_PATH.parent.mkdir(parents=True, exist_ok=True)
    CHIME_PATH.write_bytes(chime_bytes())
    print(f"wrote {CHIME_PATH} ({CHIME_PATH.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
