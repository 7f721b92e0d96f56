"""A technician PIN gate in its own process, for the shared lock file test.

Usage: python pin_worker.py LOCK_FILE STORED_HASH BARRIER
Waits for BARRIER, then tries a wrong PIN until the gate says locked; prints each outcome.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from kiosk.backends.pin_lock import FileLockStore
from kiosk.core.clock import SystemClock
from kiosk.core.pin import PinGate, PinOutcome

if __name__ == "__main__":
    lock_file, stored, barrier = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    gate = PinGate(stored, SystemClock(), FileLockStore(lock_file))
    deadline = time.monotonic() + 120
    while not os.path.exists(barrier) and time.monotonic() < deadline:
        time.sleep(0.001)
    for _ in range(50):
        outcome = gate.attempt("9753").outcome
        print(outcome.value, flush=True)
        if outcome == PinOutcome.LOCKED:
            break
