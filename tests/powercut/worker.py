"""A kiosk in its own process on the power-cut file system: walk-ins in a loop, each number told.

Usage: python worker.py CONFIG FIRST_NIK_INDEX [--weak]
Builds the kiosk as ``kiosk run`` does (site secret, day book, preview printer: the ticket
spool), prints ``READY``, then one line per number once ``issue_walk_in`` returned (the person
has been told it), and ``FAIL reason`` at the first error. ``--weak`` opens every SQLite file
with ``synchronous = NORMAL``: the harness must catch that.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path

from kiosk import bootstrap
from kiosk.backends import daybook, sqlite_db
from kiosk.core import clock as clock_mod
from kiosk.core import config as config_mod
from kiosk.core.clock import WIB, FixedClock
from kiosk.core.errors import KioskError
from kiosk.demo import made_up_nik

SERVICES = ("KTP", "CETAK", "KK", "AKTA")
MONDAY_0800 = datetime(2026, 11, 30, 8, 0, tzinfo=WIB)
# Every clock of the kiosk (the HTTP backend's closing-time check too) reads Monday 08:00 WIB.
clock_mod.SystemClock.now = lambda self: MONDAY_0800  # type: ignore[method-assign]


def main() -> int:
    config_path, first = Path(sys.argv[1]), int(sys.argv[2])
    if "--weak" in sys.argv:
        strong = sqlite_db.open_db

        def weak(path: Path, *, check: bool = True):  # type: ignore[no-untyped-def]
            db = strong(path, check=check)
            db.execute("PRAGMA synchronous = NORMAL")
            return db

        daybook.open_db = weak  # type: ignore[assignment]
    try:
        config = config_mod.load(config_path)
        kiosk = bootstrap.build_kiosk(config, clock=FixedClock(MONDAY_0800))
    except (KioskError, OSError) as exc:
        print(f"FAIL start {exc} {getattr(exc, 'params', '')}", flush=True)
        return 1
    print("READY", flush=True)
    if "--sync" in sys.argv:  # an HTTP kiosk: hand everything issued offline to the server, then stop
        backend = kiosk.backend
        backend.sync()  # type: ignore[attr-defined]
        unsynced = backend.status().unsynced  # type: ignore[attr-defined]
        print(f"UNSYNCED {unsynced}", flush=True)
        return 0 if unsynced == 0 else 1
    if config.backend.kind == "http":  # take leases while the server answers: offline rounds use them
        try:
            kiosk.backend.sync()  # type: ignore[attr-defined]
        except (KioskError, OSError) as exc:
            print(f"NOTE no sync {exc}", flush=True)
    index = first
    while True:
        try:
            result = kiosk.issue_walk_in(SERVICES[index % len(SERVICES)], made_up_nik(index))
        except (KioskError, OSError) as exc:
            print(f"FAIL issue {exc}", flush=True)
            return 1
        print(result.ticket.number, flush=True)
        index += 1


if __name__ == "__main__":
    sys.exit(main())
