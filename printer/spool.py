"""Connections that hand the job on instead of talking to the printer: a CUPS queue, the preview folder.

Neither has a DLE EOT channel, so each reports what its own system knows: CUPS what ``lpstat``
says about the queue, the preview folder whether it can be written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from printer.status import PrinterStatus, State
from printer.transports import ConnectionFailed, Job, Transport, remaining

CUPS_ALERTS = (
    ("media-empty", State.PAPER_OUT),
    ("media-needed", State.PAPER_OUT),
    ("cover-open", State.COVER_OPEN),
    ("door-open", State.COVER_OPEN),
    ("cutter", State.CUTTER_ERROR),
    ("offline", State.OFFLINE),
    ("media-low", State.PAPER_NEAR_END),
)


class CupsTransport(Transport):
    """A CUPS queue (raw): jobs through ``lp -o raw``, status from what ``lpstat`` knows."""

    kind = "cups"
    answers_status = False

    def __init__(self, queue: str) -> None:
        self.queue = queue

    @property
    def label(self) -> str:
        return f"cups {self.queue}"

    def open(self, deadline: float) -> None:
        if shutil.which("lp") is None or shutil.which("lpstat") is None:
            raise ConnectionFailed("CUPS client (lp, lpstat) not installed: apt-get install cups-client")

    def close(self) -> None:
        pass

    def _run(self, args: list[str], deadline: float, data: bytes | None = None) -> str:
        try:
            done = subprocess.run(args, input=data, capture_output=True, timeout=remaining(deadline), check=False)
        except subprocess.TimeoutExpired:
            raise ConnectionFailed(f"{args[0]} did not answer in time") from None
        except OSError as exc:
            raise ConnectionFailed(f"{args[0]}: {exc.strerror}") from None
        if done.returncode != 0:
            raise ConnectionFailed(f"{args[0]}: {done.stderr.decode(errors='replace').strip()[:200]}")
        return done.stdout.decode(errors="replace")

    def send(self, job: Job, deadline: float) -> None:
        self._run(["lp", "-d", self.queue, "-o", "raw", "-t", job.name, "-"], deadline, job.data)

    def status(self, deadline: float) -> PrinterStatus:
        text = self._run(["lpstat", "-l", "-p", self.queue], deadline)
        lowered = text.lower()
        if "disabled" in lowered:
            return PrinterStatus(State.OFFLINE, {}, text.strip()[:200])
        for word, state in CUPS_ALERTS:
            if word in lowered:
                return PrinterStatus(state, {}, text.strip()[:200])
        if "idle" in lowered or "printing" in lowered or "now printing" in lowered:
            return PrinterStatus(State.READY, {}, text.strip()[:200])
        return PrinterStatus(State.UNKNOWN, {}, text.strip()[:200])


class PreviewTransport(Transport):
    """The embedded default: each job becomes ``NAME.bin`` (the exact bytes) and ``NAME.png``."""

    kind = "preview"
    answers_status = False

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @property
    def label(self) -> str:
        return f"preview {self.folder}"

    def open(self, deadline: float) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConnectionFailed(f"{self.folder}: {exc.strerror}") from None

    def close(self) -> None:
        pass

    def status(self, deadline: float) -> PrinterStatus:
        if self.folder.is_dir() and os.access(self.folder, os.W_OK):
            return PrinterStatus(State.READY, {}, str(self.folder))
        return PrinterStatus(State.OFFLINE, {}, f"{self.folder}: not writable")

    def send(self, job: Job, deadline: float) -> None:
        files = [(self.folder / f"{job.name}.bin", job.data)]
        if job.preview is not None:
            files.append((self.folder / f"{job.name}.png", job.preview()))
        for path, content in files:
            partial = path.with_name(path.name + ".part")
            try:
                partial.write_bytes(content)
                partial.replace(path)  # a half-written preview never looks like a ticket
            except OSError as exc:
                raise ConnectionFailed(f"{path}: {exc.strerror}") from None
