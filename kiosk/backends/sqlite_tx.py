"""One write transaction for every SQLite store of the kiosk (day book, offline mirror, API ledger)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kiosk.core.errors import Reason, SystemFault


@contextmanager
def immediate(db: sqlite3.Connection, lock: threading.RLock, path: Path | str) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` under ``lock``; undone on any exception.

    A damaged page, a full disk or an I/O error (at any statement or at the commit) becomes a
    ``SystemFault(DATABASE_FAULT)`` the screen can explain, and nothing half-written stays.
    """
    with lock:
        try:
            db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise SystemFault(Reason.DATABASE_FAULT, path=str(path), detail=str(exc)) from None
        try:
            yield db
            db.execute("COMMIT")
        except sqlite3.DatabaseError as exc:
            _rollback(db)
            raise SystemFault(Reason.DATABASE_FAULT, path=str(path), detail=str(exc)) from None
        except (ValueError, TypeError) as exc:
            # A value read in the transaction cannot be understood (a flipped bit in a ticket's
            # time, say): nothing is written, and the screen says the queue system has a problem.
            _rollback(db)
            detail = f"unreadable value in the file: {type(exc).__name__}: {exc}"
            raise SystemFault(Reason.DATABASE_FAULT, path=str(path), detail=detail) from None
        except BaseException:
            _rollback(db)
            raise


def _rollback(db: sqlite3.Connection) -> None:
    # SQLite may already have rolled back by itself (SQLITE_FULL, SQLITE_IOERR).
    if db.in_transaction:
        try:
            db.execute("ROLLBACK")
        except sqlite3.DatabaseError:
            pass  # the connection is unusable; the uncommitted transaction dies with it
