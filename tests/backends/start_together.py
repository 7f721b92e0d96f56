"""Run one ``kiosk`` command once a barrier file appears, so several processes start it together.

The command sees Monday 30 November 2026, 08:00 WIB (the tests' day) as the time.

Usage: ``python start_together.py BARRIER kiosk-args...``. Everything is imported first; then
the process waits (up to 120 s) for BARRIER, and runs the command at once.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime

import kiosk.backends.daybook  # noqa: F401  (imported before the barrier: only the command itself races)
import kiosk.cli.core_commands  # noqa: F401
from kiosk.cli import main
from kiosk.core import clock

# The command runs on a Monday at 08:00 WIB whatever the machine's time (the service is open).
clock.SystemClock.now = lambda self: datetime(2026, 11, 30, 8, 0, tzinfo=clock.WIB)  # type: ignore[method-assign]

if __name__ == "__main__":
    barrier = sys.argv[1]
    with open(f"{barrier}.ready.{os.getpid()}", "w"):
        pass  # imported and waiting
    deadline = time.monotonic() + 120
    while not os.path.exists(barrier) and time.monotonic() < deadline:
        time.sleep(0.001)
    sys.exit(main(sys.argv[2:]))
