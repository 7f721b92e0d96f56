"""The citizens' satisfaction ratings on the day book's SQLite file: the only writer of ``ratings``.

One rating per ticket, one tap on four faces (1-4), given after the ticket is done at a counter,
on the same day. A row holds the ticket id, the service it was served in, the value and the
time: nothing about the person (no NIK, no name, no number, no counter). The table has its own
migrations (``SCHEMA``), applied by the one ``open_db``/``migrate`` of every SQLite file
(``kiosk.backends.sqlite_db``) under the owner ``ratings``.
The tickets and the counters' states are read, never written, here.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import AbstractContextManager
from datetime import date, datetime, timedelta
from pathlib import Path

from kiosk.backends.sqlite_db import Schema, migrate, open_db
from kiosk.backends.sqlite_tx import immediate
from kiosk.core import satisfaction
from kiosk.core.calling import TicketState
from kiosk.core.clock import WIB
from kiosk.core.config import Config
from kiosk.core.errors import BadInput, Reason, Refusal, SystemFault
from kiosk.core.record import record
from kiosk.core.satisfaction import ServiceIndex

# Each entry moves this owner's tables one version up; never edit a released entry, add a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE ratings (
        ticket_id TEXT PRIMARY KEY,
        day TEXT NOT NULL,
        service TEXT NOT NULL,
        value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 4),
        rated_at TEXT NOT NULL
    );
    CREATE INDEX ratings_by_day ON ratings (day, service);
    """,
)
SCHEMA = Schema("ratings", MIGRATIONS)
# A counter's tablet offers the rating of the ticket it finished last, for this long.
OFFER_WINDOW = timedelta(minutes=10)


@record
class Offer:
    """The ticket a counter's tablet asks about: the one just done there. No personal data."""

    ticket_id: str
    number: str
    service_code: str
    rated: bool


def indexes(db: sqlite3.Connection, config: Config, day: date) -> dict[str, ServiceIndex]:
    """Per configured service: the day's ratings and index. A file never rated has none."""
    known = db.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ratings'").fetchone()
    rows = [] if known is None else db.execute("SELECT service, value FROM ratings WHERE day = ?", (day.isoformat(),))
    values: dict[str, list[int]] = {s.code: [] for s in config.services}
    for service, value in rows:
        values.setdefault(str(service), []).append(int(value))
    return {code: satisfaction.service_index(given) for code, given in values.items()}


class RatingBook:
    """Ratings over one day book file. Safe to share between threads."""

    def __init__(self, path: Path, config: Config) -> None:
        self.path = path
        self.config = config
        self._lock = threading.RLock()
        self._db = open_db(path)
        migrate(self._db, self._lock, path, SCHEMA)

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate(self._db, self._lock, self.path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def rate(self, ticket_id: str, value: int, now: datetime) -> ServiceIndex:
        """Keep one rating of a ticket done today; the first stands (a second is refused).

        Returns the service's index of the day with this rating in it.
        """
        satisfaction.check_value(value)
        now = now.astimezone(WIB)
        with self._write() as db:
            row = db.execute(
                "SELECT t.day, COALESCE(q.service, t.service), COALESCE(q.state, ''), t.served_at "
                "FROM tickets t LEFT JOIN queue_states q ON q.ticket_id = t.id WHERE t.id = ? AND t.holder <> ''",
                (ticket_id,),
            ).fetchone()
            if row is None:
                raise BadInput(Reason.TICKET_UNKNOWN)
            day, service, state, served_at = str(row[0]), str(row[1]), str(row[2]), row[3]
            if day != now.date().isoformat():
                raise Refusal(Reason.RATING_OTHER_DAY)
            if state != TicketState.SERVED.value and not (state == "" and served_at is not None):
                raise Refusal(Reason.RATING_NOT_DONE)
            done = db.execute(
                "INSERT INTO ratings (ticket_id, day, service, value, rated_at) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (ticket_id) DO NOTHING",
                (ticket_id, day, service, value, now.isoformat()),
            )
            if done.rowcount == 0:
                raise Refusal(Reason.RATING_ALREADY_GIVEN)
            given = [
                int(r[0]) for r in db.execute("SELECT value FROM ratings WHERE day = ? AND service = ?", (day, service))
            ]
        return satisfaction.service_index(given)

    def offer(self, counter_id: str, now: datetime) -> Offer | None:
        """The ticket done last at a counter within ``OFFER_WINDOW`` today, or None."""
        now = now.astimezone(WIB)
        since = (now - OFFER_WINDOW).isoformat()
        with self._lock:
            try:
                # The counter's "done" steps in the order they were taken (the rowid), not by their
                # time: two tickets finished within the same instant still have a last one.
                row = self._db.execute(
                    "SELECT s.ticket_id, t.number, q.service, r.ticket_id IS NOT NULL "
                    "FROM call_steps s JOIN queue_states q ON q.ticket_id = s.ticket_id "
                    "JOIN tickets t ON t.id = s.ticket_id LEFT JOIN ratings r ON r.ticket_id = s.ticket_id "
                    "WHERE s.day = ? AND s.counter_id = ? AND s.step = 'done' AND s.at >= ? AND q.state = ? "
                    "ORDER BY s.rowid DESC LIMIT 1",
                    (now.date().isoformat(), counter_id, since, TicketState.SERVED.value),
                ).fetchone()
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None
        if row is None:
            return None
        return Offer(str(row[0]), str(row[1]), str(row[2]), bool(row[3]))

    def status(self, ticket_id: str, now: datetime) -> str:
        """``rated``; ``open`` (done today, not rated yet); or ``closed`` (another day, or unknown)."""
        with self._lock:
            try:
                rated = self._db.execute("SELECT 1 FROM ratings WHERE ticket_id = ?", (ticket_id,)).fetchone()
                day = self._db.execute("SELECT day FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None
        if rated is not None:
            return "rated"
        return "open" if day is not None and day[0] == now.astimezone(WIB).date().isoformat() else "closed"

    def indexes(self, day: date) -> dict[str, ServiceIndex]:
        with self._lock:
            try:
                return indexes(self._db, self.config, day)
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None
