"""A kiosk in its own process for the several-kiosks test: walk-ins over HTTP until the quota is gone.

Usage: python walkin_client.py FOLDER URL KIOSK_ID FIRST_INDEX GO_FILE [MEET_FOLDER COUNT]
Takes its leased blocks, waits for GO_FILE (so that all kiosks start at once), then issues
walk-ins for KTP with distinct made-up NIKs. Prints one JSON line per ticket the moment it is
returned (committed), then ``FULL`` when refused for quota, then gives unused leased numbers back.
With MEET_FOLDER, after its first try it leaves a file there and waits until COUNT kiosks have:
every kiosk is in the race however a busy machine schedules the processes.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import datetime
from pathlib import Path

from api_support import SECRET, kiosk_config, root

from kiosk.backends.http import HttpBackend
from kiosk.core.clock import WIB, FixedClock
from kiosk.core.errors import Reason, Refusal
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk


def main() -> int:
    folder, url, kiosk_id, first, go = Path(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4]), Path(sys.argv[5])
    config = kiosk_config(folder, url, kiosk_id, lease=3)
    clock = FixedClock(datetime(2026, 11, 30, 8, 0, tzinfo=WIB))
    backend = HttpBackend(config, auto_sync=False, clock=clock)
    kiosk = Kiosk(config, backend, NikHasher(SECRET), clock)
    meet = Path(sys.argv[6]) if len(sys.argv) > 7 else None
    expected = int(sys.argv[7]) if len(sys.argv) > 7 else 0
    backend.sync()
    while not go.exists():
        time.sleep(0.01)
    index = first
    while True:
        try:
            ticket = kiosk.issue_walk_in("KTP", root.make_nik(index)).ticket
        except Refusal as refused:
            if refused.reason != Reason.QUOTA_FULL:
                raise
            print("FULL", flush=True)
            if meet is not None:
                meet_the_others(meet, expected)
            break
        print(json.dumps({"id": ticket.id, "number": ticket.number, "kiosk": ticket.kiosk_id}), flush=True)
        index += 1
        if meet is not None:
            meet_the_others(meet, expected)
            meet = None
    backend.release_leases()
    backend.close()
    return 0


def meet_the_others(folder: Path, expected: int) -> None:
    """Wait (polling, 120 s at most) until ``expected`` kiosks have made their first try."""
    (folder / str(os.getpid())).touch()
    deadline = time.monotonic() + 120
    while len(list(folder.iterdir())) < expected and time.monotonic() < deadline:
        time.sleep(0.005)


if __name__ == "__main__":
    sys.exit(main())
