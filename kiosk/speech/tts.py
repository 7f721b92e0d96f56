"""Render a sentence to a WAV file with espeak-ng (offline), once per voice and text.

Both the kiosk's spoken guidance and the hall display's announcements go through here. The
cache key is a hash of the voice, the speed and the text, so a file name never carries the text
(an announcement has no personal data, but a prompt cache must never become a log either). A
file is written beside its final name and renamed into place, so a reader never gets half a WAV,
also when two processes render the same sentence at once.

Rendering blocks for a few milliseconds to a second: call it off the UI thread.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kiosk.core.record import record

# espeak-ng has no Javanese voice: Basa Jawa is read with the Indonesian one (same letters, close sounds).
VOICES = {"id": "id", "en": "en", "jv": "id"}
ESPEAK = "espeak-ng"
RENDER_TIMEOUT_S = 20.0


class SpeechUnavailable(RuntimeError):
    """espeak-ng is missing or failed: the caller shows the text and stays silent."""


@record
class Voice:
    """How a language is spoken: the espeak-ng voice and the words per minute."""

    language: str
    words_per_minute: int = 150

    @property
    def espeak_voice(self) -> str:
        return VOICES.get(self.language, VOICES["id"])


def available() -> bool:
    return shutil.which(ESPEAK) is not None


def cache_name(text: str, voice: Voice) -> str:
    digest = hashlib.sha256(f"{voice.espeak_voice}\0{voice.words_per_minute}\0{text}".encode()).hexdigest()
    return f"{voice.language}-{digest[:32]}.wav"


def render(text: str, voice: Voice, cache_dir: Path) -> Path:
    """The WAV of ``text`` in ``voice`` under ``cache_dir``, rendered now if not cached yet."""
    text = " ".join(text.split())
    if not text:
        raise ValueError("nothing to speak")
    target = cache_dir / cache_name(text, voice)
    if target.is_file() and target.stat().st_size > 44:  # more than a bare WAV header
        return target
    if not available():
        raise SpeechUnavailable(f"{ESPEAK} is not installed")
    cache_dir.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(prefix=".render-", suffix=".wav", dir=cache_dir)
    os.close(handle)
    try:
        # The text goes on stdin, not argv: nothing that speaks shows up in a process list.
        done = subprocess.run(
            [ESPEAK, "-v", voice.espeak_voice, "-s", str(voice.words_per_minute), "-w", partial, "--stdin"],
            input=text.encode("utf-8"),
            capture_output=True,
            timeout=RENDER_TIMEOUT_S,
            check=False,
        )
        if done.returncode != 0 or os.path.getsize(partial) <= 44:
            raise SpeechUnavailable(
                f"{ESPEAK} failed (exit {done.returncode}): {done.stderr.decode(errors='replace')[:200]}"
            )
        os.replace(partial, target)
    except subprocess.TimeoutExpired as error:
        raise SpeechUnavailable(f"{ESPEAK} took longer than {RENDER_TIMEOUT_S:.0f} s") from error
    finally:
        if os.path.exists(partial):
            os.unlink(partial)
    return target


def prune(cache_dir: Path, max_bytes: int) -> int:
    """Delete the oldest rendered WAVs until the folder holds at most ``max_bytes``; returns how many.

    Every spoken ticket number is a new sentence, so a cache that is never pruned grows all day.
    A pruned sentence is simply rendered again when next needed.
    """
    try:
        entries = [(p.stat().st_mtime, p.stat().st_size, p) for p in cache_dir.glob("*.wav") if p.is_file()]
    except OSError:
        return 0
    total = sum(size for _mtime, size, _path in entries)
    removed = 0
    for _mtime, size, path in sorted(entries):
        if total <= max_bytes:
            break
        try:
            path.unlink()
        except OSError:
            continue
        total -= size
        removed += 1
    return removed
