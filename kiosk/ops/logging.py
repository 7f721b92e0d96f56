"""Logs for the journal: one line per record on stderr, with its level, and nothing personal.

Under systemd, stderr is a journal stream: journald adds the time, the unit and the PID, and
with ``SyslogLevelPrefix=yes`` (kiosk.service) reads a ``<N>`` prefix as the line's priority, so
``journalctl -u kiosk -p warning`` shows only what needs a look. Every line passes a redacting
filter first: code never logs a NIK or a token on purpose; the filter is the last line of
defence for the day someone does by mistake.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from kiosk.core.clock import WIB
from kiosk.core.privacy import without_nik

# Sixteen digits in a row, or in groups separated by single spaces, dots or dashes: a NIK
# however it was typed. Not part of a longer run of digits.
_BEARER = re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9\-._~+/]+=*")
_TOKEN_FIELD = re.compile(
    r"""(?i)\b(token|api[_-]?key|secret|password|authorization)(["']?\s*[:=]\s*["']?)(?!bearer\s)[^\s"',;}]+"""
)

REDACTED = "[disamarkan]"

# Values every RedactingFilter hides, e.g. the booking API token once it is read (hide_secret).
_HIDDEN: set[str] = set()

# logging level -> syslog priority (sd-daemon.h): err 3, warning 4, info 6, debug 7.
_PRIORITY = {logging.CRITICAL: 2, logging.ERROR: 3, logging.WARNING: 4, logging.INFO: 6, logging.DEBUG: 7}


def hide_secret(value: str) -> None:
    """Never let ``value`` reach a log line, whoever logs it (call it where a token is loaded)."""
    if value and len(value) >= 6:  # a tiny value would blank out ordinary words
        _HIDDEN.add(value)


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with NIK-like digit runs masked and bearer tokens, secrets and keys removed."""
    for secret in (*secrets, *_HIDDEN):
        if secret:
            text = text.replace(secret, REDACTED)
    text = without_nik(text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {REDACTED}", text)
    return _TOKEN_FIELD.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)


class RedactingFilter(logging.Filter):
    """Renders each record once, redacted, exception text included; never drops a record.

    Attach it to a handler (not a logger): handler filters also see records from child loggers.
    """

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self.secrets: set[str] = {s for s in secrets if s}

    def add_secret(self, value: str) -> None:
        """A value to hide wherever it appears, e.g. the booking API token once it is loaded."""
        if value:
            self.secrets.add(value)

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError) as exc:  # a bad format string must not hide the record
            message = f"{record.msg!r} (unformattable: {exc})"
        record.msg = redact(message, self.secrets)
        record.args = ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self.secrets)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self.secrets)
        return True


class JournalFormatter(logging.Formatter):
    """``LEVEL logger: message``; with ``prefix`` each line starts with its ``<N>`` priority.

    journald splits a traceback into one entry per line, so every line carries the prefix.
    """

    def __init__(self, prefix: bool) -> None:
        super().__init__("%(levelname)s %(name)s: %(message)s")
        self.prefix = prefix

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if not self.prefix:
            return text
        priority = _PRIORITY.get(record.levelno, 6 if record.levelno < logging.WARNING else 3)
        return "\n".join(f"<{priority}>{line}" for line in text.splitlines() or [""])


def stderr_is_journal(stream: IO[str] | None = None) -> bool:
    """True when stderr is connected to journald (systemd sets ``$JOURNAL_STREAM``)."""
    expected = os.environ.get("JOURNAL_STREAM", "")
    if not expected:
        return False
    try:
        st = os.fstat((stream or sys.stderr).fileno())
    except (OSError, ValueError, AttributeError):
        return False
    return expected == f"{st.st_dev}:{st.st_ino}"


def setup_logging(
    level: int = logging.INFO, stream: IO[str] | None = None, syslog_prefix: bool | None = None
) -> RedactingFilter:
    """Send every log record, redacted, to ``stream`` (stderr); returns the filter.

    Call it first in ``kiosk run``, before Kivy is imported: ``KIVY_LOG_MODE=PYTHON`` keeps
    Kivy from installing its own handlers and capturing stderr, so its lines come here too.
    """
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    stream = stream or sys.stderr
    if type(stream).__name__ == "ProcessingStream":  # Kivy's stderr capture: writing there would loop
        stream = sys.__stderr__ or stream
    prefix = stderr_is_journal(stream) if syslog_prefix is None else syslog_prefix
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JournalFormatter(prefix))
    redactor = RedactingFilter()
    handler.addFilter(redactor)
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_antrian", False):
            root.removeHandler(old)
    handler._antrian = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    return redactor


class LogExportError(Exception):
    """The day's log could not be exported; the message says why, in Indonesian and English."""


Runner = Callable[..., "subprocess.CompletedProcess[Any]"]


def export_log(
    dest_dir: Path,
    day: date | None = None,
    unit: str = "kiosk",
    journalctl: str | None = None,
    run: Runner = subprocess.run,
) -> Path:
    """Write today's (or ``day``'s) journal of ``unit`` to ``dest_dir`` and return the file.

    Uses ``journalctl -u kiosk --since today -o short-iso``; the text is redacted once more on
    the way out, because the file leaves the machine on a USB stick.
    """
    binary = journalctl or shutil.which("journalctl")
    if not binary:
        raise LogExportError(
            "journalctl tidak ada: log hanya bisa diekspor pada mesin dengan systemd. "
            "/ journalctl not found: logs can only be exported on a machine with systemd."
        )
    since = "today" if day is None else day.isoformat()
    argv = [binary, "-u", unit, "--since", since, "-o", "short-iso", "--no-pager", "-q"]
    if day is not None:
        argv += ["--until", f"{day.isoformat()} 23:59:59"]
    try:
        done = run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise LogExportError(f"journalctl gagal / failed: {exc}") from None
    if done.returncode != 0:
        detail = (done.stderr or "").strip().splitlines()
        raise LogExportError(f"journalctl gagal / failed ({done.returncode}): {detail[-1] if detail else ''}")
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
        path = dest_dir / f"{unit}-log-{(day or datetime.now(WIB).date()).isoformat()}.txt"
        path.write_text(redact(done.stdout or ""), encoding="utf-8")
    except OSError as exc:
        raise LogExportError(
            f"tidak bisa menulis ke {dest_dir}: {exc.strerror} / cannot write to {dest_dir}: {exc.strerror}"
        ) from None
    return path
