"""Where the technician PIN lockout is kept across restarts: a small JSON file in the data folder.

Pulling the plug must not reset five wrong tries, so the count and the end of a lockout are
written (atomically) next to the day book. An unreadable file counts as a fresh state: a
broken file must not lock a technician out forever.

Several gates (the kiosk's technician screen, the server's pages, a second kiosk process) may
share the file: ``held()`` takes an ``fcntl`` lock on a companion ``.lock`` file (the state file
itself is replaced at each save, so a lock on it would not hold) for each load-check-save.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from kiosk.core.config import Config
from kiosk.core.pin import LockState

log = logging.getLogger(__name__)

FILENAME = "technician-pin.json"


def lock_path(config: Config) -> Path:
    """The lock file: beside the day book (the kiosk's data folder)."""
    return config.backend.path.parent / FILENAME


class FileLockStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._unsaved: LockState | None = None  # what a failed write could not keep on disk
        self._lock_file = path.with_name(path.name + ".lock")
        self._thread_lock = threading.RLock()

    @contextmanager
    def held(self) -> Iterator[None]:
        """Exclusive use of the state against every other process (and thread) on this file."""
        with self._thread_lock:
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self._lock_file, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                # No lock possible (read-only folder): still check the PIN; saving will fail loudly too.
                log.error("PIN lock file %s not opened: %s", self._lock_file, exc.strerror)
                yield
                return
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                yield
            finally:
                os.close(fd)  # releases the lock

    def load(self) -> LockState:
        if self._unsaved is not None:
            return self._unsaved
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            until = data.get("locked_until")
            return LockState(
                failures=max(0, int(data.get("failures", 0))),
                locked_until=datetime.fromisoformat(until) if until else None,
            )
        except FileNotFoundError:
            return LockState()
        except (OSError, ValueError, TypeError, AttributeError) as exc:
            log.warning("PIN lock file %s unreadable (%s); starting fresh", self.path, type(exc).__name__)
            return LockState()

    def save(self, state: LockState) -> None:
        data = {
            "failures": state.failures,
            "locked_until": state.locked_until.isoformat() if state.locked_until else None,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".pin-", dir=self.path.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
            self._unsaved = None
        except OSError as exc:
            # Keep the lock for this run at least; only its survival across a restart is lost.
            self._unsaved = state
            log.error("PIN lock file %s not written: %s", self.path, exc.strerror)
