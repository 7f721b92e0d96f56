"""A child process for the crash and concurrency tests: walk-ins in a loop on one day book.

Usage: python walkin_worker.py CONFIG SERVICE FIRST_INDEX [GO_FILE [MEET_FOLDER COUNT]]
Prints each number only after ``issue_walk_in`` returned (the number is committed), flushing
at once; prints ``FULL`` and exits when the quota is gone. With GO_FILE, waits for it to exist
first, so that several workers start issuing at the same instant. With MEET_FOLDER, each
worker, after its first try, leaves a file there and waits until COUNT workers have: so every
worker is in the race however the machine schedules them (nobody fills the quota alone).
With ``ANTRIAN_WORKER_LIMIT=N`` in the environment, after N numbers it prints ``LIMIT`` and waits
to be killed: a chaos run's kill then never finds a worker that ran out of quota on its own.
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
    meet = Path(sys.argv[5]) if len(sys.argv) > 6 else None
    expected = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    limit = int(os.environ.get("ANTRIAN_WORKER_LIMIT") or 0)
    print(f"READY {os.getpid()}", flush=True)
    while go is not None and not go.exists():
        time.sleep(0.001)
    index = first
    while True:
        try:
            result = kiosk.issue_walk_in(service, nik(index))
        except Refusal as exc:
            if exc.reason == Reason.QUOTA_FULL:
                print("FULL", flush=True)
                if meet is not None:
                    meet_the_others(meet, expected)
                return 0
            raise
        print(result.ticket.number, flush=True)
        index += 1
        if limit and index - first >= limit:
            print("LIMIT", flush=True)
            while True:  # the parent kills this worker; it never leaves by itself
                time.sleep(1)
        if meet is not None:
            meet_the_others(meet, expected)
            meet = None


def meet_the_others(folder: Path, expected: int) -> None:
    """Wait (polling, 120 s at most) until ``expected`` workers have made their first try."""
    (folder / str(os.getpid())).touch()
    deadline = time.monotonic() + 120
    while len(list(folder.iterdir())) < expected and time.monotonic() < deadline:
        time.sleep(0.001)


if __name__ == "__main__":
    sys.exit(main())
