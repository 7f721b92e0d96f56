"""The numbers told, kept outside the day book's file: so a lost tail of the day book is noticed.

Every number the day book issues is appended here (one checksummed line, fsynced) after its
transaction committed and before anybody sees it. So this file never knows a number the day
book does not, unless the day book lost committed data: a ``-wal`` file deleted or copied
without its database, a backup restored over a newer file. At start the day book compares
(``DAYBOOK_TAIL_LOST``) and refuses to issue rather than give a told number to a second person.

It also keeps the time of the last issue: a kiosk without a real-time clock that boots on a
wrong date before NTP answers is refused (``CLOCK_BEHIND``) instead of numbering a wrong day.

One line per number, about 60 bytes: 200 numbers a day make some 4 MB a year; it is read once
per start. A torn last line (a power cut during its write, so its number was never shown) fails
its checksum and is ignored.
"""

from __future__ import annotations

import logging
import os
import threading
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.backends.durable import fsync_folder
from kiosk.core.errors import Reason, SystemFault

log = logging.getLogger(__name__)

# An NTP step of a few seconds backwards must not stop the kiosk; a wrong boot date is hours off.
CLOCK_SLACK = timedelta(minutes=2)


def marks_path(daybook: Path) -> Path:
    """The file beside the day book (not named like SQLite's own ``-wal``/``-shm``/``-journal``)."""
    return daybook.with_name(daybook.name + ".issued")


@dataclass
class IssueMarks:
    """The highest number told per day and service, and the time of the last one, on disk."""

    path: Path
    highest: dict[tuple[str, str], int] = field(default_factory=dict)
    last_issue: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def load(cls, path: Path) -> IssueMarks:
        marks = cls(path)
        try:
            with path.open("rb") as handle:
                data = handle.read()
        except FileNotFoundError:
            return marks
        except OSError as exc:
            raise SystemFault(Reason.DATABASE_FAULT, path=str(path), detail=exc.strerror) from None
        lines = data.split(b"\n")
        for index, line in enumerate(lines):
            if not line:
                continue
            parsed = _parse(line)
            if parsed is None:
                if index < len(lines) - 1 and any(lines[index + 1 :]):
                    log.warning("%s: line %d is damaged and was skipped", path, index + 1)
                continue
            day, service, seq, issued_at = parsed
            marks._note(day, service, seq, issued_at)
        return marks

    def _note(self, day: str, service: str, seq: int, issued_at: datetime) -> None:
        if seq > self.highest.get((day, service), 0):
            self.highest[(day, service)] = seq
        if self.last_issue is None or issued_at > self.last_issue:
            self.last_issue = issued_at

    def missing_from(self, held: dict[tuple[str, str], int]) -> list[str]:
        """The numbers told that the day book (its highest ``seq`` per day and service) lacks."""
        return [
            f"{day} {service} #{seq} (day book: #{held.get((day, service), 0)})"
            for (day, service), seq in sorted(self.highest.items())
            if held.get((day, service), 0) < seq
        ]

    def check_clock(self, now: datetime) -> None:
        """Refuse to issue when the clock is before the last number issued here."""
        last = self.last_issue
        if last is not None and now < last - CLOCK_SLACK:
            raise SystemFault(
                Reason.CLOCK_BEHIND,
                clock=now.strftime("%d-%m-%Y %H:%M"),
                since=last.strftime("%d-%m-%Y %H:%M"),
                path=str(self.path),
                detail=f"clock {now.isoformat()} is before the last issue {last.isoformat()}",
            )

    def record(self, issued: list[tuple[str, str, int, datetime]]) -> None:
        """Append committed numbers and make them durable before anybody is told them."""
        if not issued:
            return
        payload = b"".join(_line(*entry) for entry in issued)
        with self._lock:
            try:
                created = not self.path.exists()
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
                try:
                    os.write(fd, payload)
                    os.fsync(fd)
                finally:
                    os.close(fd)
                if created:
                    fsync_folder(self.path.parent)
            except OSError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=exc.strerror) from None
            for day, service, seq, issued_at in issued:
                self._note(day, service, seq, issued_at)


def _line(day: str, service: str, seq: int, issued_at: datetime) -> bytes:
    body = f"{day}\t{service}\t{seq}\t{issued_at.isoformat()}".encode()
    return body + f"\t{zlib.crc32(body):08x}\n".encode()


def _parse(line: bytes) -> tuple[str, str, int, datetime] | None:
    body, _, crc = line.rpartition(b"\t")
    try:
        if f"{zlib.crc32(body):08x}".encode() != crc:
            return None
        day, service, seq, issued_at = body.decode().split("\t")
        return day, service, int(seq), datetime.fromisoformat(issued_at)
    except ValueError:
        return None
