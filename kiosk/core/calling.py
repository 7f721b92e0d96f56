"""Calling numbers at the counters: the order of the line and what each step does to a ticket.

Pure rules, no storage (``kiosk.backends.calls`` applies them inside one transaction per step).
The rule, in words (docs/calling.md):

- A counter calls, over the services it serves, the waiting ticket that comes first by
  ``line_key``: priority tickets first, then in order of issue (``queued_at``; among tickets
  issued at the same instant, the one issued first). Leased numbers nobody holds yet are nobody and are never called.
- Fairness (``[calling]``): after ``max_priority_in_a_row`` priority calls in a row of these
  services while a regular ticket waited, it goes before the next priority one; a regular ticket
  waiting longer than ``regular_max_wait_minutes`` goes before priority tickets that came after it.
- ``recall`` calls the counter's current ticket again; ``done`` finishes it as served.
- ``absent``: the first time, the ticket goes back to waiting at the end of the line of the
  moment (``queued_at`` = now; priority stays); the second time it is a no-show, finished.
- ``transfer`` sends the current ticket to another service keeping its place: same number,
  same ``queued_at``, so it is called there in its original order of issue.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

from kiosk.core.config import CallingConfig, Config, CounterConfig
from kiosk.core.errors import BadInput, Reason, Refusal
from kiosk.core.record import record


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVED = "served"
    ABSENT = "absent"  # called once and not there: waiting again, at the end of the line
    NO_SHOW = "no_show"  # called twice and not there: finished


WAITING_STATES = frozenset({TicketState.WAITING, TicketState.ABSENT})
FINISHED_STATES = frozenset({TicketState.SERVED, TicketState.NO_SHOW})


class CallKind(StrEnum):
    CALL = "call"
    RECALL = "recall"


class Step(StrEnum):
    NEXT = "next"
    RECALL = "recall"
    ABSENT = "absent"
    DONE = "done"
    TRANSFER = "transfer"


@record
class QueueEntry:
    """A ticket as the line sees it: where it stands, not who holds it."""

    ticket_id: str
    number: str
    service_code: str
    priority: bool
    queued_at: datetime
    seq: int  # the order of issue among tickets issued at the same instant (the row order)
    state: TicketState = TicketState.WAITING
    absences: int = 0
    counter_id: str | None = None


@record
class Call:
    """One call or recall of a number to a counter, as the display and the counter page show it.

    ``seq`` counts the day's calls and recalls: a display that saw seq 41 knows 42 is new.
    ``state`` is the ticket's state now. No personal data.
    """

    call_id: str
    seq: int
    ticket_id: str
    number: str
    service_code: str
    counter_id: str
    counter_name: str
    kind: CallKind
    called_at: datetime
    state: TicketState


def line_key(entry: QueueEntry) -> tuple[int, datetime, int, str]:
    """Sort key of the line: priority first, then order of issue (or of return after an absence)."""
    return (0 if entry.priority else 1, entry.queued_at, entry.seq, entry.number)


@record
class PastCall:
    """A first call of the line, as the fairness rule sees it: when, and whether it was priority."""

    at: datetime
    priority: bool


@record
class LineHistory:
    """What the fairness rule needs to know beside the waiting tickets (the store supplies it).

    ``latest_calls``: the latest first calls of these services at any counter, newest first (at
    least ``max_priority_in_a_row`` of them when there are so many; recalls are not calls).
    """

    now: datetime
    latest_calls: tuple[PastCall, ...] = ()


def priority_in_a_row(history: LineHistory, waiting_since: datetime) -> int:
    """Priority calls in a row, newest first, made while a ticket waiting since ``waiting_since`` waited."""
    streak = 0
    for call in history.latest_calls:
        if not call.priority or call.at < waiting_since:
            break
        streak += 1
    return streak


def pick_next(
    waiting: Iterable[QueueEntry],
    services: Iterable[str],
    fairness: CallingConfig | None = None,
    history: LineHistory | None = None,
) -> QueueEntry | None:
    """The ticket a counter serving ``services`` calls next, or None when nobody waits.

    Without ``fairness`` (or ``history``) priority tickets always come first. With it, a regular
    ticket is called before the first priority one when
    - ``max_priority_in_a_row`` priority calls in a row were made while it waited, or
    - it has waited (since ``queued_at``) more than ``regular_max_wait_minutes`` and the priority
      ticket came after it (a priority ticket that waited even longer still goes first).
    A setting of 0 turns its rule off.
    """
    wanted = set(services)
    candidates = [e for e in waiting if e.state in WAITING_STATES and e.service_code in wanted]
    if not candidates:
        return None
    first = min(candidates, key=line_key)
    if not first.priority or fairness is None or history is None:
        return first
    regular = min((e for e in candidates if not e.priority), key=line_key, default=None)
    if regular is None:
        return first
    limit = fairness.max_priority_in_a_row
    if limit and priority_in_a_row(history, regular.queued_at) >= limit:
        return regular
    patience = fairness.regular_max_wait_minutes
    overdue = patience > 0 and history.now - regular.queued_at > timedelta(minutes=patience)
    if overdue and (first.queued_at, first.seq) > (regular.queued_at, regular.seq):
        return regular
    return first


def calling_order(
    waiting: Iterable[QueueEntry],
    services: Iterable[str],
    fairness: CallingConfig | None = None,
    history: LineHistory | None = None,
) -> list[QueueEntry]:
    """The waiting tickets of ``services`` in the order they will be called if nobody new comes.

    ``pick_next`` again and again, each pick counted as a call made at ``history.now``: the one
    rule, so the place in line and the counter page's line show what the counters will do.
    Assumes nobody waits past ``regular_max_wait_minutes`` meanwhile (the clock stands still).
    """
    wanted = frozenset(services)
    line = sorted((e for e in waiting if e.state in WAITING_STATES and e.service_code in wanted), key=line_key)
    # ``pick_next`` only ever chooses the first priority or the first regular ticket by
    # ``line_key``: the heads of the two lines are all it needs to see (n log n, not n²).
    lines = (deque(e for e in line if e.priority), deque(e for e in line if not e.priority))
    keep = max(1, fairness.max_priority_in_a_row) if fairness is not None else 1
    order: list[QueueEntry] = []
    while lines[0] or lines[1]:
        chosen = pick_next([q[0] for q in lines if q], wanted, fairness, history)
        if chosen is None:  # cannot happen: every entry left waits for one of ``services``
            break
        order.append(lines[0].popleft() if chosen.priority else lines[1].popleft())
        if history is not None:
            latest = (PastCall(history.now, chosen.priority), *history.latest_calls)[:keep]
            history = LineHistory(history.now, latest)
    return order


def place_in_line(
    place: QueueEntry,
    waiting: Iterable[QueueEntry],
    fairness: CallingConfig | None = None,
    history: LineHistory | None = None,
) -> int:
    """How many waiting tickets of its service are called before ``place`` (a waiting ticket, or
    one being issued now), in ``calling_order``."""
    others = [e for e in waiting if not (place.ticket_id and e.ticket_id == place.ticket_id)]
    order = calling_order([*others, place], (place.service_code,), fairness, history)
    return order.index(place)


def state_after_absent(absences_before: int) -> TicketState:
    """Back to waiting once; the second absence is a no-show."""
    return TicketState.ABSENT if absences_before == 0 else TicketState.NO_SHOW


def counter_of(config: Config, counter_id: str) -> CounterConfig:
    counter = config.counter(counter_id)
    if counter is None:
        raise BadInput(Reason.COUNTER_UNKNOWN, counter=counter_id[:20])
    return counter


def services_to_call(config: Config, counter: CounterConfig, service_code: str | None) -> tuple[str, ...]:
    """The services a ``next`` looks at: all the counter's, or the one asked for if it serves it."""
    if service_code is None:
        return counter.services
    service = config.service(service_code)
    if service is None:
        raise BadInput(Reason.SERVICE_UNKNOWN, service=service_code[:20])
    if service.code not in counter.services:
        raise Refusal(Reason.COUNTER_NOT_SERVING, counter=counter.name, service=service.name)
    return (service.code,)


def check_transfer(config: Config, current_service: str, target: str) -> str:
    """The service code a ticket may be transferred to; any configured service but its own."""
    service = config.service(target)
    if service is None:
        raise BadInput(Reason.SERVICE_UNKNOWN, service=target[:20])
    if service.code == current_service:
        raise Refusal(Reason.TRANSFER_SAME_SERVICE, service=service.name)
    return service.code


def announcement_text(number: str, counter_name: str) -> str:
    """What the hall display says: "Nomor antrean A, nol, nol, satu, silakan ke Loket 1"."""
    spoken = ", ".join(DIGITS.get(ch, ch) for ch in number.replace("-", ""))
    return f"Nomor antrean {spoken}, silakan ke {counter_name}"


def short_announcement_text(number: str, counter_name: str) -> str:
    """The short form, for calls spoken one after another in a burst: "A nol nol satu Loket 1".

    No comma: espeak-ng pauses a quarter of a second at one, two seconds over a burst of ten,
    and the word "Loket" already parts the number from the counter.
    """
    spoken = " ".join(DIGITS.get(ch, ch) for ch in number.replace("-", ""))
    return f"{spoken} {counter_name}"


DIGITS = {
    "0": "nol",
    "1": "satu",
    "2": "dua",
    "3": "tiga",
    "4": "empat",
    "5": "lima",
    "6": "enam",
    "7": "tujuh",
    "8": "delapan",
    "9": "sembilan",
}
