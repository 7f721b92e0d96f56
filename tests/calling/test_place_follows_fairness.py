# ruff: noqa: F811  (pytest fixtures are imported from calling_support and named as parameters)
"""The place in line a citizen reads (on the ticket, on the phone page) is the order the counters
really call in: with the fairness rule (``max_priority_in_a_row = 3``), a busy priority line does
not push a regular ticket back behind every priority one, on paper any more than at the counter."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from calling_support import callbook, clock, kiosk, make_nik, site_config  # noqa: F401  (fixtures)

from kiosk.backends.calls import CallBook
from kiosk.core.calling import LineHistory, PastCall, QueueEntry, Step, TicketState, calling_order, pick_next
from kiosk.core.clock import WIB, FixedClock
from kiosk.core.config import CallingConfig, Config
from kiosk.core.model import Priority, Ticket
from kiosk.core.usecases import Kiosk


def test_a_regular_tickets_place_in_a_busy_priority_line_is_the_order_the_calls_come_in(
    kiosk: Kiosk, callbook: CallBook, clock: FixedClock, site_config: Config
) -> None:
    assert site_config.calling.max_priority_in_a_row == 3
    tickets: list[Ticket] = [kiosk.issue_walk_in("KTP", make_nik(1)).ticket]  # a regular one first
    tickets += [kiosk.issue_walk_in("KTP", make_nik(n), Priority.DISABLED).ticket for n in range(2, 9)]
    last = kiosk.issue_walk_in("KTP", make_nik(9)).ticket  # a regular one behind seven priority
    tickets.append(last)

    # What the citizens read, before each call: on the ticket for the last one, on the phone for all.
    on_the_counter_page = [e.number for e in callbook.counter_view("1", clock.now()).line]
    said: list[dict[str, int]] = []
    called: list[str] = []
    for step in range(len(tickets)):
        now = clock.now()
        said.append({t.number: callbook.public_ticket(t.id, now).ahead for t in tickets if t.number not in called})
        called.append(callbook.step("1", Step.NEXT, now, f"next-{step}").number)
        clock.travel(timedelta(minutes=1))
        callbook.step("1", Step.DONE, clock.now(), f"done-{step}")

    assert called[3] == tickets[0].number  # the rule at the counter: three priority calls, then a regular
    assert last.people_ahead == called.index(last.number)  # printed on the ticket: 7, not 8
    assert on_the_counter_page == called  # the line the counter page shows, in the same order
    for step, seen in enumerate(said):
        truth = {number: called[step:].index(number) for number in seen}
        assert seen == truth, f"before call {step + 1}"


def test_the_calling_order_is_pick_next_again_and_again_over_the_whole_line() -> None:
    """``calling_order`` looks only at the heads of the priority and the regular line; that must
    give what picking from the whole line gives, whatever the line, the rule and the history."""
    draw = random.Random(14)
    start = datetime(2026, 11, 30, 8, 0, tzinfo=WIB)
    for round_ in range(200):
        waiting = [
            QueueEntry(
                f"t{n}",
                f"{draw.choice('AB')}-{n:03d}",
                draw.choice(("KTP", "KK")),
                draw.random() < 0.6,
                start + timedelta(minutes=draw.randrange(90)),
                n,
                draw.choice((TicketState.WAITING, TicketState.ABSENT, TicketState.CALLED)),
            )
            for n in range(draw.randrange(25))
        ]
        fairness = CallingConfig(draw.choice((0, 1, 3)), draw.choice((0, 20, 45)))
        now = start + timedelta(minutes=draw.randrange(60, 150))
        latest = tuple(PastCall(now - timedelta(minutes=m), draw.random() < 0.7) for m in range(draw.randrange(4)))
        services = draw.choice((("KTP",), ("KTP", "KK")))

        expected, left, history = [], list(waiting), LineHistory(now, latest)
        while (chosen := pick_next(left, services, fairness, history)) is not None:
            expected.append(chosen.number)
            left.remove(chosen)
            history = LineHistory(now, (PastCall(now, chosen.priority), *history.latest_calls))
        order = calling_order(waiting, services, fairness, LineHistory(now, latest))
        assert [e.number for e in order] == expected, round_
