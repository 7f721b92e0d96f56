"""The counters' calls on the day book's SQLite file: the only writer of ``queue_states``,
``calls`` and ``call_steps`` (their migration is in ``kiosk.backends.daybook_schema``).

Each step (next, recall, absent, done, transfer) is one ``BEGIN IMMEDIATE`` transaction that
reads the line, applies ``kiosk.core.calling`` and writes the new state, the call and the step
with its time and answer. So two counters calling at once, from two threads or two processes on
one file, never get the same ticket, and a step repeated with its idempotency key gives the same
answer without a second call. The estimates (people ahead, wait) read the same tables, and the
day book asks ``estimate`` for a new ticket inside its own issuing transaction.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import threading
import uuid
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from kiosk.backends.daybook_schema import SCHEMA
from kiosk.backends.office_book import read_overrides
from kiosk.backends.sqlite_db import migrate, open_db
from kiosk.backends.sqlite_tx import immediate
from kiosk.core import calling, rules
from kiosk.core.calling import Call, CallKind, QueueEntry, Step, TicketState
from kiosk.core.clock import WIB
from kiosk.core.config import CallingConfig, Config, CounterConfig
from kiosk.core.errors import BadInput, Reason, Refusal, SystemFault
from kiosk.core.model import Service
from kiosk.core.record import record

# A counter counts as open for a service when it took a step within this time (or has a ticket).
OPEN_WINDOW = timedelta(minutes=30)
RECENT_SERVICES = 10  # the median service time is over the last this many served tickets
DISPLAY_CALLS = 10
CATCH_UP_CALLS = 2000  # a bound on one answer, far above a day's calls at one office
LAST_ROW = 2**62
TAKE_BACK = "take_back"  # the step a counter records when it puts a no-show back in line

_ENTRY_SELECT = (
    "SELECT t.id, t.number, COALESCE(q.service, t.service), t.priority IS NOT NULL, "
    "COALESCE(q.queued_at, t.issued_at), t.rowid, COALESCE(q.state, 'waiting'), COALESCE(q.absences, 0), q.counter_id "
    "FROM tickets t LEFT JOIN queue_states q ON q.ticket_id = t.id "
)
# Leased numbers nobody holds yet have an empty holder; a number served the old way
# (``kiosk served``) has ``served_at``. Neither is anybody waiting.
_WAITING_WHERE = (
    "WHERE t.day = ? AND t.holder <> '' AND t.served_at IS NULL AND COALESCE(q.state, 'waiting') IN (?, ?) "
)


def _entry(row: Sequence[Any]) -> QueueEntry:
    return QueueEntry(
        ticket_id=str(row[0]),
        number=str(row[1]),
        service_code=str(row[2]),
        priority=bool(row[3]),
        queued_at=datetime.fromisoformat(str(row[4])),
        seq=int(row[5]),
        state=TicketState(row[6]),
        absences=int(row[7]),
        counter_id=None if row[8] is None else str(row[8]),
    )


def waiting_entries(db: sqlite3.Connection, day: date, services: Iterable[str] | None = None) -> list[QueueEntry]:
    """Every ticket of ``day`` waiting to be called (of ``services``, or of all)."""
    rows = db.execute(
        _ENTRY_SELECT + _WAITING_WHERE, (day.isoformat(), TicketState.WAITING.value, TicketState.ABSENT.value)
    ).fetchall()
    entries = [_entry(r) for r in rows]
    if services is None:
        return entries
    wanted = set(services)
    return [e for e in entries if e.service_code in wanted]


def latest_calls(
    db: sqlite3.Connection, day: date, services: Sequence[str], fairness: CallingConfig
) -> tuple[calling.PastCall, ...]:
    """The latest first calls of ``services`` at any counter, newest first, as far back as the
    fairness rule looks (``max_priority_in_a_row``); recalls are the same person again, not calls."""
    limit = fairness.max_priority_in_a_row
    if not limit or not services:
        return ()
    wanted = set(services)
    rows = db.execute(  # newest first, read lazily: the loop stops once it has enough
        "SELECT c.service, c.called_at, t.priority IS NOT NULL FROM calls c JOIN tickets t ON t.id = c.ticket_id "
        "WHERE c.day = ? AND c.kind = ? ORDER BY c.seq DESC",
        (day.isoformat(), CallKind.CALL.value),
    )
    found: list[calling.PastCall] = []
    for service, called_at, priority in rows:
        if service not in wanted:
            continue
        found.append(calling.PastCall(datetime.fromisoformat(called_at), bool(priority)))
        if not priority or len(found) >= limit:
            break
    rows.close()
    return tuple(found)


def service_minutes(db: sqlite3.Connection, day: date, service_code: str) -> list[float]:
    """Minutes each of the last served tickets of a service spent at the counter."""
    rows = db.execute(
        "SELECT called_at, finished_at FROM queue_states WHERE day = ? AND service = ? AND state = ? "
        "AND called_at IS NOT NULL ORDER BY finished_at DESC LIMIT ?",
        (day.isoformat(), service_code, TicketState.SERVED.value, RECENT_SERVICES),
    ).fetchall()
    return [(datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60 for start, end in rows]


def legacy_intervals(db: sqlite3.Connection, day: date, service_code: str) -> list[float]:
    """Minutes between numbers marked served with ``kiosk served`` (no counter steps): the old pace."""
    rows = db.execute(
        "SELECT served_at FROM tickets WHERE day = ? AND service = ? AND served_at IS NOT NULL "
        "ORDER BY served_at DESC LIMIT ?",
        (day.isoformat(), service_code, RECENT_SERVICES + 1),
    ).fetchall()
    times = sorted(datetime.fromisoformat(r[0]) for r in rows)
    return [(b - a).total_seconds() / 60 for a, b in zip(times, times[1:], strict=False)]


def working_counters(db: sqlite3.Connection, day: date, now: datetime) -> set[str]:
    """Counters working now: a step in the last ``OPEN_WINDOW``, or a ticket at hand."""
    since = (now - OPEN_WINDOW).isoformat()
    rows = db.execute(
        "SELECT counter_id FROM call_steps WHERE day = ? AND at >= ? "
        "UNION SELECT counter_id FROM queue_states WHERE day = ? AND state = ?",
        (day.isoformat(), since, day.isoformat(), TicketState.CALLED.value),
    ).fetchall()
    return {str(r[0]) for r in rows}


def counter_capacity(db: sqlite3.Connection, config: Config, day: date, service_code: str, now: datetime) -> float:
    """How many counters' worth of work a service gets now (0.0 when no counter serving it works).

    Each open counter serving the service counts once over all the services it serves: it calls
    the first waiting ticket over all of them, so its time is shared in proportion to who waits
    for each (evenly when nobody waits). Counted in full for each service, a counter serving two
    made every estimate of both too short by half.
    """
    serving = [c for c in config.counters if service_code in c.services]
    if not serving:
        return 0.0
    working = working_counters(db, day, now)
    waiting: dict[str, int] = {}
    for entry in waiting_entries(db, day):
        waiting[entry.service_code] = waiting.get(entry.service_code, 0) + 1
    capacity = 0.0
    for counter in serving:
        if counter.id not in working:
            continue
        over_all = sum(waiting.get(code, 0) for code in counter.services)
        capacity += waiting.get(service_code, 0) / over_all if over_all else 1 / len(counter.services)
    return capacity


def _calls_reported(db: sqlite3.Connection, day: date, service_code: str) -> bool:
    row = db.execute(
        "SELECT EXISTS (SELECT 1 FROM queue_states WHERE day = ? AND service = ?) "
        "OR EXISTS (SELECT 1 FROM tickets WHERE day = ? AND service = ? AND served_at IS NOT NULL)",
        (day.isoformat(), service_code, day.isoformat(), service_code),
    ).fetchone()
    return bool(row[0])


def estimate(
    db: sqlite3.Connection,
    config: Config,
    service: Service,
    day: date,
    now: datetime,
    place: QueueEntry,
) -> tuple[int, int]:
    """People ahead of a place in a service's line, and the minutes to wait: THE estimate.

    The ticket (at issue, by the day book), the kiosk screen, the display and the phone page
    all take their numbers from here. People ahead are counted in the order the counters call
    (``calling.place_in_line``: the fairness rule included), not priority-first.
    """
    waiting = waiting_entries(db, day, (service.code,))
    history = calling.LineHistory(now, latest_calls(db, day, (service.code,), config.calling))
    ahead = calling.place_in_line(place, waiting, config.calling, history)
    if not _calls_reported(db, day, service.code):
        first = min((e.queued_at for e in waiting), default=None)
        ahead = rules.people_ahead(ahead, 0, first, now, service.minutes_per_person)
    minutes = service_minutes(db, day, service.code) or legacy_intervals(db, day, service.code)
    wait = rules.estimate_wait(
        ahead, minutes, service.minutes_per_person, counter_capacity(db, config, day, service.code, now)
    )
    return ahead, wait


def new_ticket_place(now: datetime, priority: bool, service_code: str, number: str) -> QueueEntry:
    """Where a ticket being issued now stands in its line: after every ticket issued before it
    (the order of issue is the row order of the tickets table; a new row comes last)."""
    return QueueEntry("", number, service_code, priority, now, LAST_ROW)


@record
class CounterView:
    counter: CounterConfig
    current: Call | None
    waiting: dict[str, int]
    line: tuple[QueueEntry, ...] = ()  # the tickets waiting for the counter's services, in calling order


@record
class DisplayView:
    calls: list[Call]
    waiting: dict[str, int]


@record
class PublicTicket:
    """A ticket's place in line as the phone page shows it: no personal data."""

    number: str
    service_code: str
    service_name: str
    state: TicketState
    serving: str | None
    ahead: int
    wait_minutes: int
    counter_name: str | None = None  # where to go, while the ticket is called


@record
class ServiceFigures:
    """What the daily report adds per service from the counters."""

    served: int
    absent: int
    median_wait_minutes: float | None
    median_service_minutes: float | None


def call_to_dict(call: Call) -> dict[str, Any]:
    return {
        "call_id": call.call_id,
        "seq": call.seq,
        "ticket_id": call.ticket_id,
        "number": call.number,
        "service": call.service_code,
        "counter_id": call.counter_id,
        "counter_name": call.counter_name,
        "kind": call.kind.value,
        "called_at": call.called_at.isoformat(),
        "state": call.state.value,
    }


def call_from_dict(data: dict[str, Any]) -> Call:
    """Inverse of ``call_to_dict``; raises KeyError/ValueError/TypeError on a wrong shape."""
    return Call(
        call_id=str(data["call_id"]),
        seq=int(data["seq"]),
        ticket_id=str(data["ticket_id"]),
        number=str(data["number"]),
        service_code=str(data["service"]),
        counter_id=str(data["counter_id"]),
        counter_name=str(data["counter_name"]),
        kind=CallKind(data["kind"]),
        called_at=datetime.fromisoformat(str(data["called_at"])),
        state=TicketState(data["state"]),
    )


def counter_view_to_dict(view: CounterView) -> dict[str, Any]:
    """A counter as its page and ``kiosk call`` show it (the API's ``Counter`` schema)."""
    return {
        "counter": {"id": view.counter.id, "name": view.counter.name, "services": list(view.counter.services)},
        "current": call_to_dict(view.current) if view.current else None,
        "waiting": view.waiting,
        # Numbers only (no name, no NIK): what the clerk needs to see who is next.
        "line": [{"number": e.number, "service": e.service_code, "priority": e.priority} for e in view.line],
    }


class CallBook:
    """The calling operations over one day book file. Safe to share between threads."""

    def __init__(self, path: Path, config: Config) -> None:
        self.path = path
        self.config = config
        self._lock = threading.RLock()
        self._db = open_db(path)
        try:
            migrate(self._db, self._lock, path, SCHEMA)  # the day book's schema holds the calls' tables
        except BaseException:
            self._db.close()
            raise

    def _write(self) -> AbstractContextManager[sqlite3.Connection]:
        return immediate(self._db, self._lock, self.path)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    # -- the steps ------------------------------------------------------------------------

    def step(
        self,
        counter_id: str,
        step: Step,
        now: datetime,
        key: str,
        ticket_id: str | None = None,
        service_code: str | None = None,
    ) -> Call:
        """Apply one step for a counter, atomically; a known ``key`` replays its first answer.

        ``ticket_id`` is the ticket the caller believes is current (a page may be stale):
        a step on any other ticket is refused, never applied to the counter's real one.
        """
        now = now.astimezone(WIB)
        counter = calling.counter_of(self.config, counter_id)
        full_key = f"{counter.id}:{key}"
        with self._write() as db:
            known = db.execute("SELECT answer FROM call_steps WHERE key = ?", (full_key,)).fetchone()
            if known is not None:
                return call_from_dict(json.loads(known[0]))
            today = read_overrides(db, now.date())  # the office's changes, in this step's transaction:
            if step == Step.NEXT:
                today.check_can_call(counter.id)  # a paused counter calls nobody
            counter = today.counter(counter)  # and its services today
            if step == Step.NEXT:
                call = self._next(db, counter, now, service_code)
            else:
                current = self._acting_on(db, counter, now.date(), ticket_id)
                call = self._apply(db, counter, step, current, now, service_code)
            db.execute(
                "INSERT INTO call_steps (key, day, counter_id, step, ticket_id, at, answer) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    full_key,
                    now.date().isoformat(),
                    counter.id,
                    step.value,
                    call.ticket_id,
                    now.isoformat(),
                    json.dumps(call_to_dict(call)),
                ),
            )
            return call

    def take_back(self, counter_id: str, number: str, now: datetime, key: str) -> Call:
        """A no-show who came back: the ticket waits again, at the head of its service's line.

        Audited like every step (``call_steps``, step ``take_back``, with the counter and time);
        a known ``key`` replays its first answer. Priority tickets waiting still go first.
        """
        now = now.astimezone(WIB)
        counter = calling.counter_of(self.config, counter_id)
        full_key = f"{counter.id}:{key}"
        day = now.date()
        with self._write() as db:
            known = db.execute("SELECT answer FROM call_steps WHERE key = ?", (full_key,)).fetchone()
            if known is not None:
                return call_from_dict(json.loads(known[0]))
            row = db.execute(
                _ENTRY_SELECT + "WHERE t.day = ? AND t.number = ? AND t.holder <> ''", (day.isoformat(), number)
            ).fetchone()
            if row is None:
                raise BadInput(Reason.TICKET_UNKNOWN)
            entry = _entry(row)
            last = self._last_call(db, entry.ticket_id)
            if entry.state != TicketState.NO_SHOW or last is None:
                raise Refusal(Reason.NOT_A_NO_SHOW, number=entry.number)
            line = [e for e in waiting_entries(db, day, (entry.service_code,)) if e.priority == entry.priority]
            head = min((e.queued_at for e in line), default=now)
            stamp = now.isoformat()
            db.execute(
                "UPDATE queue_states SET state = ?, counter_id = NULL, called_at = NULL, finished_at = NULL, "
                "queued_at = ?, updated_at = ? WHERE ticket_id = ?",
                (TicketState.WAITING.value, min(head - timedelta(seconds=1), now).isoformat(), stamp, entry.ticket_id),
            )
            call = replace(last, state=TicketState.WAITING)
            db.execute(
                "INSERT INTO call_steps (key, day, counter_id, step, ticket_id, at, answer) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    full_key,
                    day.isoformat(),
                    counter.id,
                    TAKE_BACK,
                    entry.ticket_id,
                    stamp,
                    json.dumps(call_to_dict(call)),
                ),
            )
            return call  # fmt: skip

    def _current(self, db: sqlite3.Connection, counter: CounterConfig, day: date) -> QueueEntry | None:
        row = db.execute(
            _ENTRY_SELECT + "WHERE q.day = ? AND q.counter_id = ? AND q.state = ? ORDER BY q.called_at DESC LIMIT 1",
            (day.isoformat(), counter.id, TicketState.CALLED.value),
        ).fetchone()
        return _entry(row) if row else None

    def _acting_on(
        self, db: sqlite3.Connection, counter: CounterConfig, day: date, ticket_id: str | None
    ) -> QueueEntry:
        """The counter's current ticket, checked against the one the caller means."""
        current = self._current(db, counter, day)
        if ticket_id is None or (current is not None and current.ticket_id == ticket_id):
            if current is None:
                raise Refusal(Reason.NO_CURRENT_TICKET, counter=counter.name)
            return current
        row = db.execute(_ENTRY_SELECT + "WHERE t.id = ?", (ticket_id,)).fetchone()
        if row is None:
            raise BadInput(Reason.TICKET_UNKNOWN)
        meant = _entry(row)
        if meant.state in calling.FINISHED_STATES:
            raise Refusal(Reason.TICKET_FINISHED, number=meant.number)
        raise Refusal(Reason.CALL_STALE, number=meant.number)

    def _next(self, db: sqlite3.Connection, counter: CounterConfig, now: datetime, service_code: str | None) -> Call:
        services = calling.services_to_call(self.config, counter, service_code)
        busy = self._current(db, counter, now.date())
        if busy is not None:
            raise Refusal(Reason.COUNTER_BUSY, number=busy.number, counter=counter.name)
        history = calling.LineHistory(now, latest_calls(db, now.date(), services, self.config.calling))
        chosen = calling.pick_next(waiting_entries(db, now.date(), services), services, self.config.calling, history)
        if chosen is None:
            raise Refusal(Reason.NOTHING_WAITING, counter=counter.name)
        stamp = now.isoformat()
        db.execute(
            "INSERT INTO queue_states (ticket_id, day, service, state, counter_id, queued_at, absences, "
            "first_called_at, called_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (ticket_id) DO UPDATE SET state = excluded.state, counter_id = excluded.counter_id, "
            "service = excluded.service, first_called_at = COALESCE(first_called_at, excluded.first_called_at), "
            "called_at = excluded.called_at, updated_at = excluded.updated_at",
            (
                chosen.ticket_id,
                now.date().isoformat(),
                chosen.service_code,
                TicketState.CALLED.value,
                counter.id,
                chosen.queued_at.isoformat(),
                chosen.absences,
                stamp,
                stamp,
                stamp,
            ),
        )
        return self._record_call(db, counter, chosen, CallKind.CALL, now)

    def _record_call(
        self, db: sqlite3.Connection, counter: CounterConfig, entry: QueueEntry, kind: CallKind, now: datetime
    ) -> Call:
        day = now.date().isoformat()
        seq = db.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM calls WHERE day = ?", (day,)).fetchone()[0]
        call = Call(
            call_id=str(uuid.uuid4()),
            seq=int(seq),
            ticket_id=entry.ticket_id,
            number=entry.number,
            service_code=entry.service_code,
            counter_id=counter.id,
            counter_name=counter.name,
            kind=kind,
            called_at=now,
            state=TicketState.CALLED,
        )
        db.execute(
            "INSERT INTO calls (call_id, day, seq, ticket_id, number, service, counter_id, kind, called_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (call.call_id, day, call.seq, call.ticket_id, call.number, call.service_code, counter.id, kind.value,
             now.isoformat()),
        )  # fmt: skip
        return call

    def _apply(
        self,
        db: sqlite3.Connection,
        counter: CounterConfig,
        step: Step,
        current: QueueEntry,
        now: datetime,
        service_code: str | None,
    ) -> Call:
        stamp = now.isoformat()
        if step == Step.RECALL:
            return self._record_call(db, counter, current, CallKind.RECALL, now)
        if step == Step.DONE:
            state = TicketState.SERVED
            db.execute(
                "UPDATE queue_states SET state = ?, finished_at = ?, updated_at = ? WHERE ticket_id = ?",
                (state.value, stamp, stamp, current.ticket_id),
            )
        elif step == Step.ABSENT:
            state = calling.state_after_absent(current.absences)
            if state == TicketState.NO_SHOW:
                db.execute(
                    "UPDATE queue_states SET state = ?, absences = absences + 1, finished_at = ?, updated_at = ? "
                    "WHERE ticket_id = ?",
                    (state.value, stamp, stamp, current.ticket_id),
                )
            else:  # back to waiting, at the end of the line of this moment
                db.execute(
                    "UPDATE queue_states SET state = ?, absences = absences + 1, counter_id = NULL, called_at = NULL, "
                    "queued_at = ?, updated_at = ? WHERE ticket_id = ?",
                    (state.value, stamp, stamp, current.ticket_id),
                )
        elif step == Step.TRANSFER:
            if service_code is None:
                raise BadInput(Reason.SERVICE_UNKNOWN, service="")
            target = calling.check_transfer(self.config, current.service_code, service_code)
            state = TicketState.WAITING
            db.execute(  # same queued_at: the ticket keeps its place in the other service's line
                "UPDATE queue_states SET state = ?, service = ?, counter_id = NULL, called_at = NULL, updated_at = ? "
                "WHERE ticket_id = ?",
                (state.value, target, stamp, current.ticket_id),
            )
        else:
            raise ValueError(step)
        last = self._last_call(db, current.ticket_id)
        assert last is not None  # a current ticket was called
        return replace(last, state=state)

    # -- reading --------------------------------------------------------------------------

    def _read(self, sql: str, args: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            try:
                return list(self._db.execute(sql, args).fetchall())
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None

    _CALL_SELECT = (
        "SELECT c.call_id, c.seq, c.ticket_id, c.number, c.service, c.counter_id, c.kind, c.called_at, "
        "COALESCE(q.state, 'waiting') FROM calls c LEFT JOIN queue_states q ON q.ticket_id = c.ticket_id "
    )

    def _call(self, row: Sequence[Any]) -> Call:
        counter = self.config.counter(str(row[5]))
        return Call(
            call_id=str(row[0]),
            seq=int(row[1]),
            ticket_id=str(row[2]),
            number=str(row[3]),
            service_code=str(row[4]),
            counter_id=str(row[5]),
            counter_name=counter.name if counter else str(row[5]),
            kind=CallKind(row[6]),
            called_at=datetime.fromisoformat(str(row[7])),
            state=TicketState(row[8]),
        )

    def _last_call(self, db: sqlite3.Connection, ticket_id: str) -> Call | None:
        row = db.execute(
            self._CALL_SELECT + "WHERE c.ticket_id = ? ORDER BY c.seq DESC LIMIT 1", (ticket_id,)
        ).fetchone()
        return self._call(row) if row else None

    def last_seq(self, day: date) -> int:
        """The ``seq`` of the day's newest call (0 before the first): cheap, for a waiting display."""
        rows = self._read("SELECT COALESCE(MAX(seq), 0) FROM calls WHERE day = ?", (day.isoformat(),))
        return int(rows[0][0])

    def find_call(self, call_id: str) -> Call | None:
        rows = self._read(self._CALL_SELECT + "WHERE c.call_id = ?", (call_id,))
        return self._call(rows[0]) if rows else None

    def _waiting_counts(self, db: sqlite3.Connection, day: date) -> dict[str, int]:
        counts = {s.code: 0 for s in self.config.services}
        for entry in waiting_entries(db, day):
            counts[entry.service_code] = counts.get(entry.service_code, 0) + 1
        return counts

    def counter_view(self, counter_id: str, now: datetime) -> CounterView:
        counter = calling.counter_of(self.config, counter_id)
        day = now.astimezone(WIB).date()
        with self._lock:
            try:
                counter = read_overrides(self._db, day).counter(counter)  # today's services
                current = self._current(self._db, counter, day)
                call = self._last_call(self._db, current.ticket_id) if current else None
                counts = self._waiting_counts(self._db, day)
                history = calling.LineHistory(now, latest_calls(self._db, day, counter.services, self.config.calling))
                line = calling.calling_order(
                    waiting_entries(self._db, day, counter.services), counter.services, self.config.calling, history
                )
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None
        return CounterView(counter, call, {code: counts.get(code, 0) for code in counter.services}, tuple(line))

    def display(self, now: datetime, limit: int = DISPLAY_CALLS, after_seq: int | None = None) -> DisplayView:
        """The day's newest ``limit`` calls, newest first, and every call after ``after_seq`` too.

        A display that was cut off asks with the last ``seq`` it saw and gets every call made
        meanwhile, however many (up to a day's worth, ``CATCH_UP_CALLS``), so none is skipped.
        """
        day = now.astimezone(WIB).date()
        with self._lock:
            try:
                rows = self._db.execute(
                    self._CALL_SELECT + "WHERE c.day = ? ORDER BY c.seq DESC LIMIT ?", (day.isoformat(), limit)
                ).fetchall()
                if after_seq is not None and len(rows) == limit and int(rows[-1][1]) > after_seq + 1:
                    rows = self._db.execute(
                        self._CALL_SELECT + "WHERE c.day = ? AND c.seq > ? ORDER BY c.seq DESC LIMIT ?",
                        (day.isoformat(), after_seq, max(limit, CATCH_UP_CALLS)),
                    ).fetchall()
                counts = self._waiting_counts(self._db, day)
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None
        return DisplayView([self._call(r) for r in rows], counts)

    def public_ticket(self, ticket_id: str, now: datetime) -> PublicTicket:
        """Where a ticket stands now; ``TICKET_UNKNOWN`` for an unknown or placeholder id."""
        now = now.astimezone(WIB)
        with self._lock:
            try:
                row = self._db.execute(_ENTRY_SELECT + "WHERE t.id = ? AND t.holder <> ''", (ticket_id,)).fetchone()
                if row is None:
                    raise BadInput(Reason.TICKET_UNKNOWN)
                entry = _entry(row)
                day_row = self._db.execute("SELECT day, served_at FROM tickets WHERE id = ?", (ticket_id,)).fetchone()
                day = date.fromisoformat(day_row[0])
                service = self.config.service(entry.service_code)
                state = entry.state
                if day_row[1] is not None and state in calling.WAITING_STATES:
                    state = TicketState.SERVED  # served the old way (kiosk served)
                serving_row = self._db.execute(
                    "SELECT c.number FROM calls c JOIN queue_states q ON q.ticket_id = c.ticket_id "
                    "WHERE c.day = ? AND c.service = ? AND q.state = ? ORDER BY c.seq DESC LIMIT 1",
                    (day.isoformat(), entry.service_code, TicketState.CALLED.value),
                ).fetchone()
                ahead = wait = 0
                if state in calling.WAITING_STATES and service is not None and day == now.date():
                    ahead, wait = estimate(self._db, self.config, service, day, now, entry)
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None
        return PublicTicket(
            number=entry.number,
            service_code=entry.service_code,
            service_name=service.name if service else entry.service_code,
            state=state,
            serving=None if serving_row is None else str(serving_row[0]),
            ahead=ahead,
            wait_minutes=wait,
            counter_name=self._counter_name(entry.counter_id) if state == TicketState.CALLED else None,
        )

    def _counter_name(self, counter_id: str | None) -> str | None:
        counter = self.config.counter(counter_id) if counter_id else None
        return counter.name if counter else counter_id

    def figures(self, day: date) -> dict[str, ServiceFigures]:
        with self._lock:
            try:
                return figures(self._db, self.config, day)
            except sqlite3.DatabaseError as exc:
                raise SystemFault(Reason.DATABASE_FAULT, path=str(self.path), detail=str(exc)) from None


def figures(db: sqlite3.Connection, config: Config, day: date) -> dict[str, ServiceFigures]:
    """Per service: served, absent (no-shows at the counter), median wait and service time."""
    rows = db.execute(
        "SELECT q.service, q.state, t.issued_at, q.first_called_at, q.called_at, q.finished_at "
        "FROM queue_states q JOIN tickets t ON t.id = q.ticket_id WHERE q.day = ?",
        (day.isoformat(),),
    ).fetchall()
    out: dict[str, ServiceFigures] = {}
    for service in config.services:
        mine = [r for r in rows if r[0] == service.code]
        served = [r for r in mine if r[1] == TicketState.SERVED.value]
        waits = [_minutes(r[2], r[3]) for r in mine if r[3] is not None]
        times = [_minutes(r[4], r[5]) for r in served if r[4] is not None and r[5] is not None]
        out[service.code] = ServiceFigures(
            served=len(served),
            absent=sum(1 for r in mine if r[1] == TicketState.NO_SHOW.value),
            median_wait_minutes=round(statistics.median(waits), 1) if waits else None,
            median_service_minutes=round(statistics.median(times), 1) if times else None,
        )
    return out


def _minutes(start: str, end: str) -> float:
    return (datetime.fromisoformat(end) - datetime.fromisoformat(start)).total_seconds() / 60
