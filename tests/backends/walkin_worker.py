"""A child process for the crash and concurrency tests: walk-ins in a loop on one day book.

Usage: python walkin_worker.py CONFIG SERVICE FIRST_INDEX [GO_FILE]
Prints each number only after ``issue_walk_in`` returned (the number is committed), flushing
at once; prints ``FULL`` and exits when the quota is gone. With GO_FILE, waits for it to exist
first, so that several workers start issuing at the same instant. With ``WALKIN_MAX`` in the
environment, prints ``DONE`` and exits after that many numbers (so that several workers must
share a quota, whichever the scheduler favours).
"""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime
from pathlib import Path

from kiosk.backends.daybook import DayBook
from kiosk.core import config as config_mod
from kiosk.core.clock import WIB, FixedClock
from kiosk.core.errors import Reason, Refusal
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk
from kiosk.demo import made_up_nik as nik


def main() -> int:
    config_path, service, first = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    go = Path(sys.argv[4]) if len(sys.argv) > 4 else None
    config = config_mod.load(config_path)
    book = DayBook(config.backend.path, config)
    kiosk = Kiosk(
        config=config,
        backend=book,
        hasher=NikHasher(b"test-secret-of-at-least-16-bytes"),
        clock=FixedClock(datetime(2026, 11, 30, 8, 0, tzinfo=WIB)),
    )
    print(f"READY {os.getpid()}", flush=True)
    while go is not None and not go.exists():
        time.sleep(0.001)
    index = first
    most = int(os.environ.get("WALKIN_MAX", "0")) or None
    while most is None or index - first < most:
        try:
            result = kiosk.issue_walk_in(service, nik(index))
        except Refusal as exc:
            if exc.reason == Reason.QUOTA_FULL:
                print("FULL", flush=True)
                return 0
            raise
        print(result.ticket.number, flush=True)
        index += 1
    print("DONE", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
