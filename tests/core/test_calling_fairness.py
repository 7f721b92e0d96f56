"""The fairness rule of the line, as a pure rule: priority first, but never starving the regular line."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from conftest import write_config

from kiosk.core import config as config_mod
from kiosk.core.calling import LineHistory, PastCall, QueueEntry, pick_next
from kiosk.core.clock import WIB
from kiosk.core.config import CallingConfig

EIGHT = datetime(2026, 12, 7, 8, 0, tzinfo=WIB)
DEFAULTS = CallingConfig()


def entry(number: str, minute: int, priority: bool = False, service: str = "KTP") -> QueueEntry:
    return QueueEntry(f"id-{number}", number, service, priority, EIGHT + timedelta(minutes=minute), minute)


def at(minute: int, in_a_row: int = 0) -> LineHistory:
    """The line at ``minute``, after ``in_a_row`` priority calls (a minute apart, the newest a minute
    ago) that followed a regular call an hour before eight."""
    now = EIGHT + timedelta(minutes=minute)
    calls = tuple(PastCall(now - timedelta(minutes=1 + i), True) for i in range(in_a_row))
    return LineHistory(now=now, latest_calls=(*calls, PastCall(EIGHT - timedelta(hours=1), False)))


def chosen(waiting: list[QueueEntry], history: LineHistory, fairness: CallingConfig = DEFAULTS) -> str | None:
    picked = pick_next(waiting, ["KTP"], fairness, history)
    return None if picked is None else picked.number


def test_on_a_quiet_day_a_priority_ticket_still_goes_first() -> None:
    waiting = [entry("A-001", 0), entry("A-002", 5, priority=True)]
    assert chosen(waiting, at(10, in_a_row=0)) == "A-002"
    assert chosen(waiting, at(10, in_a_row=DEFAULTS.max_priority_in_a_row - 1)) == "A-002"


def test_after_n_priority_calls_in_a_row_the_first_regular_ticket_goes_first() -> None:
    waiting = [entry("A-001", 0), entry("A-002", 1), entry("A-003", 2, priority=True)]
    assert chosen(waiting, at(10, in_a_row=3)) == "A-001"
    assert chosen(waiting, at(10, in_a_row=2), CallingConfig(max_priority_in_a_row=2)) == "A-001"


def test_priority_calls_made_before_the_regular_ticket_came_do_not_count() -> None:
    # A quiet morning: three elderly people called before anybody else came. Then a regular and a
    # priority ticket arrive together: the priority one still goes first.
    waiting = [entry("A-004", 30), entry("A-005", 30, priority=True)]
    history = LineHistory(
        now=EIGHT + timedelta(minutes=31),
        latest_calls=tuple(PastCall(EIGHT + timedelta(minutes=m), True) for m in (20, 10, 0)),
    )
    assert chosen(waiting, history) == "A-005"


def test_the_limit_does_nothing_when_no_regular_ticket_waits() -> None:
    waiting = [entry("A-003", 2, priority=True), entry("A-004", 3, priority=True)]
    assert chosen(waiting, at(10, in_a_row=10)) == "A-003"


def test_a_regular_ticket_waiting_too_long_goes_before_priority_tickets_that_came_after_it() -> None:
    waiting = [entry("A-001", 0), entry("A-002", 20, priority=True)]
    assert chosen(waiting, at(45)) == "A-002"  # exactly 45 minutes: not yet longer
    assert chosen(waiting, at(46)) == "A-001"


def test_a_priority_ticket_that_waited_even_longer_still_goes_first() -> None:
    waiting = [entry("A-001", 0, priority=True), entry("A-002", 1)]
    assert chosen(waiting, at(120)) == "A-001"


def test_zero_turns_each_rule_off_and_priority_always_goes_first() -> None:
    off = CallingConfig(max_priority_in_a_row=0, regular_max_wait_minutes=0)
    waiting = [entry("A-001", 0), entry("A-002", 20, priority=True)]
    assert chosen(waiting, at(300, in_a_row=50), off) == "A-002"


def test_without_a_history_the_line_is_priority_first() -> None:
    waiting = [entry("A-001", 0), entry("A-002", 20, priority=True)]
    picked = pick_next(waiting, ["KTP"])
    assert picked is not None and picked.number == "A-002"


def test_only_the_counters_services_count() -> None:
    waiting = [entry("K-001", 0, service="KK"), entry("A-002", 20, priority=True)]
    assert chosen(waiting, at(300, in_a_row=9)) == "A-002"  # the regular KK ticket is not this counter's


def test_the_example_config_documents_the_defaults(tmp_path: Path) -> None:
    loaded = config_mod.load(write_config(tmp_path))
    assert loaded.calling == CallingConfig() == CallingConfig(max_priority_in_a_row=3, regular_max_wait_minutes=45)
