"""Trailing silence off a rendered WAV, so calls spoken back to back follow each other closely.

espeak-ng ends every sentence with about 0.35 s of silence. In a burst of calls the hall display
plays one short announcement after another; a third of a second each is several seconds over a
burst. Only the tail is cut (down to ``KEEP_S``), never a pause inside the sentence.
"""

from __future__ import annotations

import array
import os
import sys
import tempfile
import wave
from pathlib import Path

THRESHOLD = 300  # of 32767: below this a 16-bit sample is silence
KEEP_S = 0.1


def trimmed(source: Path) -> Path:
    """A copy of ``source`` (16-bit mono/stereo PCM) without its trailing silence, cached beside it."""
    target = source.with_name(source.stem + "-t.wav")
    if target.is_file() and target.stat().st_size > 44:
        return target
    with wave.open(str(source), "rb") as reader:
        params = reader.getparams()
        frames = reader.readframes(params.nframes)
    if params.sampwidth != 2:
        return source  # not what espeak-ng writes; play it as it is
    samples = array.array("h", frames)
    if sys.byteorder == "big":
        samples.byteswap()
    last = len(samples) - 1
    while last > 0 and abs(samples[last]) < THRESHOLD:
        last -= 1
    keep_frames = min(params.nframes, last // params.nchannels + 1 + int(KEEP_S * params.framerate))
    handle, partial = tempfile.mkstemp(prefix=".trim-", suffix=".wav", dir=source.parent)
    os.close(handle)
    try:
        with wave.open(partial, "wb") as writer:
            writer.setparams(params)
            writer.writeframes(frames[: keep_frames * params.nchannels * 2])
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target
