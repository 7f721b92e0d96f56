"""A short soak: 200 tickets over two days leave no file descriptor or thread behind.

The full run (2,000 tickets, memory figures) is bench/soak.py; memory is not asserted here,
its growth depends on the machine. Descriptors and threads are exact: a leak of one per
ticket or per day shows at once.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.soak import ServiceDay, soak  # noqa: E402

HALF_DAY = {
    "KTP": ServiceDay(bookings=15, no_shows=2, walk_ins=20, priority_walk_ins=3),
    "CETAK": ServiceDay(bookings=15, no_shows=2, walk_ins=25, priority_walk_ins=3),
    "KK": ServiceDay(bookings=5, no_shows=1, walk_ins=10, priority_walk_ins=1),
    "AKTA": ServiceDay(bookings=4, no_shows=1, walk_ins=8, priority_walk_ins=1),
    "PINDAH": ServiceDay(bookings=5, no_shows=1),
}


@pytest.mark.slow
def test_two_hundred_tickets_leave_no_descriptor_or_thread_behind(tmp_path):
    points = soak(days=2, folder=tmp_path, trace=False, verbose=False, plan=HALF_DAY)
    warm, last = points[1], points[2]
    assert last.tickets == 200
    assert last.printed == last.received == 200  # every ticket reached the printer, once
    assert last.fds <= warm.fds
    assert last.threads <= warm.threads
