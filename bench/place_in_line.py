"""The place in line under the fairness rule: what it costs a phone page and a new ticket.

People ahead are counted in the calling order (``kiosk.core.calling.calling_order``: the
fairness rule applied again and again), so every estimate orders the whole waiting line of the
service. Measured on a real day book in a temporary folder: 300 KTP tickets waiting, every
third one priority, ``[calling]`` as in config.example.toml; the phone page's read
(``CallBook.public_ticket`` of the last ticket) and the order alone, median of 200 each.

    python -m bench.place_in_line      # prints the figures
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from bench import print_rows
from kiosk.core.clock import WIB, FixedClock
from kiosk.demo import made_up_nik

ROOT = Path(__file__).resolve().parent.parent
MONDAY_0800 = datetime(2026, 11, 30, 8, 0, tzinfo=WIB)
TICKETS = 300
READS = 200


def _median_ms(action: Any) -> float:
    spent = []
    for _ in range(READS):
        started = time.perf_counter()
        action()
        spent.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(spent), 2)


def results() -> list[dict[str, Any]]:
    from bench.calling import _site  # the same site: a day book, KTP's quota at 999
    from kiosk.backends.calls import CallBook, latest_calls, waiting_entries
    from kiosk.backends.daybook import DayBook
    from kiosk.core import calling
    from kiosk.core import config as config_mod
    from kiosk.core.model import Priority
    from kiosk.core.nik import NikHasher
    from kiosk.core.usecases import Kiosk

    spare = ROOT / "var" if (ROOT / "var").is_dir() else None
    folder = Path(tempfile.mkdtemp(prefix="bench-place-", dir=spare))
    try:
        config = config_mod.load(_site(folder))
        clock = FixedClock(MONDAY_0800)
        book = DayBook(config.backend.path, config)
        hasher = NikHasher(b"bench-secret-of-at-least-16-bytes")
        issue = Kiosk(config, book, hasher, clock, None).issue_walk_in
        priorities = [Priority.DISABLED if n % 3 == 0 else None for n in range(TICKETS)]  # every third
        last = [issue("KTP", made_up_nik(n), priority).ticket for n, priority in enumerate(priorities)][-1]
        book.close()
        calls = CallBook(config.backend.path, config)
        try:
            now = clock.now()
            phone_ms = _median_ms(lambda: calls.public_ticket(last.id, now))
            day = now.date()
            waiting = waiting_entries(calls._db, day, ("KTP",))
            history = calling.LineHistory(now, latest_calls(calls._db, day, ("KTP",), config.calling))
            order_ms = _median_ms(lambda: calling.calling_order(waiting, ("KTP",), config.calling, history))
            ahead = calls.public_ticket(last.id, now).ahead
        finally:
            calls.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    note = f"{TICKETS} waiting (a third priority), median of {READS}"
    return [
        {
            "metric": "phone page's place in line (fairness order)",
            "value": phone_ms,
            "unit": "ms",
            "target": None,
            "met": None,
            "note": f"{note}; the last ticket has {ahead} ahead",
        },
        {"metric": "calling order alone", "value": order_ms, "unit": "ms", "target": None, "met": None, "note": note},
    ]


if __name__ == "__main__":
    print_rows(results())
