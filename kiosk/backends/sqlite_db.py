"""One way to open every SQLite file of the kiosk: its pragmas, its health check, its migrations.

Every store (the day book, the counters' calls, the server's ledger, the HTTP kiosk's offline
store) opens its file with ``open_db`` and brings its own tables up to date with ``migrate``.
A file may hold the tables of several owners (the server's ledger lives in the day book's file):
each owner has its own ordered list of steps and its own version. The day book's version is
``PRAGMA user_version`` (as it always was, so a day book made by any earlier release opens as
it is); every other owner's version is a row of ``schema_versions``.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from kiosk.backends.durable import fsync_folder
from kiosk.backends.sqlite_tx import immediate
from kiosk.core.errors import Reason, SystemFault
from kiosk.core.record import record

BUSY_TIMEOUT_S = 10.0
DAYBOOK = "daybook"  # the owner whose version is PRAGMA user_version

_VERSIONS_TABLE = "CREATE TABLE IF NOT EXISTS schema_versions (owner TEXT PRIMARY KEY, version INTEGER NOT NULL)"


@record
class Schema:
    """The tables one module owns in a file: ordered steps, each moving them one version up.

    Never edit a released step; add a new one. The first step of a store that used to create
    its tables with ``CREATE ... IF NOT EXISTS`` keeps that form, so a file made before
    versions were recorded is adopted as version 1 without change.
    """

    owner: str
    steps: tuple[str, ...]


def open_db(path: Path, *, check: bool = True) -> sqlite3.Connection:
    """A connection in autocommit mode with WAL, ``synchronous=FULL`` and a 10 s busy timeout.

    ``check`` runs ``PRAGMA quick_check`` first: a damaged file is refused (``DAYBOOK_DAMAGED``)
    before anything reads a number from it. Every other SQLite or OS error is ``DATABASE_FAULT``.
    """
    try:
        fresh = not path.exists()
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False)
    except (sqlite3.DatabaseError, OSError) as exc:
        raise SystemFault(Reason.DATABASE_FAULT, path=str(path), detail=_detail(exc)) from None
    try:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        if check:
            _quick_check(db, path)
        _wal(db)
        db.execute("PRAGMA synchronous = FULL")
        if fresh:
            fsync_folder(path.parent)  # the new file's name survives a power cut too
    except SystemFault:
        db.close()
        raise
    except (sqlite3.DatabaseError, OSError) as exc:
        db.close()
        raise SystemFault(Reason.DATABASE_FAULT, path=str(path), detail=_detail(exc)) from None
    return db


def migrate(db: sqlite3.Connection, lock: threading.RLock, path: Path, schema: Schema) -> None:
    """Apply the steps of ``schema`` this file lacks, all in one write transaction."""
    with immediate(db, lock, path):
        version = _version(db, schema.owner)
        if version > len(schema.steps):
            detail = f"{schema.owner} schema version {version} is newer than this program"
            raise SystemFault(Reason.DATABASE_FAULT, path=str(path), detail=detail)
        for number in range(version, len(schema.steps)):
            for statement in schema.steps[number].split(";"):
                if statement.strip():
                    db.execute(statement)
            _set_version(db, schema.owner, number + 1)


def version_of(db: sqlite3.Connection, owner: str) -> int:
    """The version of ``owner``'s tables in this file (0: none yet)."""
    return _version(db, owner)


def _version(db: sqlite3.Connection, owner: str) -> int:
    if owner == DAYBOOK:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    known = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_versions'").fetchone()
    if known is None:
        return 0
    row = db.execute("SELECT version FROM schema_versions WHERE owner = ?", (owner,)).fetchone()
    return 0 if row is None else int(row[0])


def _set_version(db: sqlite3.Connection, owner: str, version: int) -> None:
    if owner == DAYBOOK:
        db.execute(f"PRAGMA user_version = {int(version)}")
        return
    db.execute(_VERSIONS_TABLE)
    db.execute(
        "INSERT INTO schema_versions (owner, version) VALUES (?, ?) "
        "ON CONFLICT (owner) DO UPDATE SET version = excluded.version",
        (owner, version),
    )


def _wal(db: sqlite3.Connection) -> None:
    """Switch to WAL, waiting out other processes doing the same.

    Changing the journal mode needs an exclusive lock, and SQLite answers ``database is locked``
    at once (without its busy handler) when another connection holds the file, which happens
    when two kiosk commands start together on a brand-new site. So retry until the busy timeout.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    pause = 0.005
    while True:
        try:
            mode = db.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if not _is_busy(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
            continue
        if mode != "wal":
            raise sqlite3.DatabaseError(f"journal mode {mode}")
        return


def _quick_check(db: sqlite3.Connection, path: Path) -> None:
    db.text_factory = lambda raw: raw.decode("utf-8", "replace")  # its answers quote damaged bytes
    try:
        rows = db.execute("PRAGMA quick_check").fetchall()
    except sqlite3.OperationalError as exc:
        if _is_busy(exc):
            raise
        raise SystemFault(Reason.DAYBOOK_DAMAGED, path=str(path), detail=str(exc)) from None
    except (sqlite3.DatabaseError, ValueError) as exc:  # not a database, malformed schema text, bad UTF-8, ...
        raise SystemFault(Reason.DAYBOOK_DAMAGED, path=str(path), detail=str(exc)) from None
    finally:
        db.text_factory = str
    answers = [str(row[0]) for row in rows]
    if answers != ["ok"]:
        raise SystemFault(Reason.DAYBOOK_DAMAGED, path=str(path), detail="; ".join(answers[:3]))


def _is_busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def _detail(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return str(exc)
