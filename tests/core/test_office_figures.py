"""The office's live figures per service: waiting now, the longest wait now, today's median and p90."""

from __future__ import annotations

from datetime import datetime, timedelta

from kiosk.core.clock import WIB
from kiosk.core.office import WaitRow, percentile, wait_figures

OPEN = datetime(2026, 11, 30, 8, 0, tzinfo=WIB)


def called(service: str, issued_min: int, waited_min: int) -> WaitRow:
    issued = OPEN + timedelta(minutes=issued_min)
    return WaitRow(service, issued, issued + timedelta(minutes=waited_min), waiting=False)


def test_median_and_p90_are_nearest_rank_of_the_days_waits() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    waits = [float(m) for m in (5, 1, 9, 3, 7, 2, 8, 4, 6, 10)]
    assert percentile(waits, 0.5) == 5.0  # the 5th of 10
    assert percentile(waits, 0.9) == 9.0  # the 9th of 10: one person in ten waited longer
    assert percentile(waits + [60.0], 0.9) == 10.0


def test_figures_count_only_the_service_and_the_people_still_in_line() -> None:
    now = OPEN + timedelta(minutes=90)
    rows = [called("KTP", 0, m) for m in (10, 20, 30, 40, 50, 60, 70, 80, 90, 100)]
    rows += [
        WaitRow("KTP", OPEN + timedelta(minutes=45), None, waiting=True),  # in line for 45 min
        WaitRow("KTP", OPEN + timedelta(minutes=80), None, waiting=True),
        WaitRow("KTP", OPEN + timedelta(minutes=5), None, waiting=False),  # served the old way: waits no more
        WaitRow("KK", OPEN, None, waiting=True),  # another service's line
    ]
    ktp = wait_figures(rows, "KTP", now)
    assert ktp == {
        "waiting": 2,
        "longest_wait_minutes": 45,
        "median_wait_minutes": 50,
        "p90_wait_minutes": 90,
        "called_today": 10,
    }
    quiet = wait_figures(rows, "AKTA", now)  # nobody today: no figure rather than a reassuring zero
    assert quiet["waiting"] == 0 and quiet["longest_wait_minutes"] is None and quiet["median_wait_minutes"] is None
