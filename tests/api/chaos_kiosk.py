"""A kiosk in its own process for the HTTP chaos test: walk-ins for random NIKs until killed.

Usage: python chaos_kiosk.py FOLDER URL KIOSK_ID KIOSK_NO SEED LOG QUOTA [finish]
Issues walk-ins through a real ``HttpBackend`` (background sync on, as on a real kiosk) for
NIKs drawn from this kiosk's own pool, so that the per-NIK caps refuse some. Every ticket it
hands out is appended to LOG (number, ticket id, NIK hash, idempotency key) and fsynced before
the next person, so a SIGKILL loses nothing handed out. Some attempts are repeated with the
same key (a person pressing again after an error): one key must give one number.
With ``finish``: sync until nothing waits, give unused leased numbers back, print the status.
"""

from __future__ import annotations

import json
import os
import random
import sys
import time
import uuid
from pathlib import Path

from api_support import MONDAY_0800, SECRET, kiosk_config
from server_process import quotas

import kiosk.backends.http as http_module
import kiosk.backends.offline_sync as offline_sync
from kiosk.backends.http import HttpBackend
from kiosk.core.clock import FixedClock
from kiosk.core.errors import KioskError, Refusal, SystemFault
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk
from kiosk.demo import made_up_nik

SERVICES = ("KTP", "CETAK", "KK", "AKTA")
POOL = 150  # NIKs per kiosk; each may hold two numbers a day (caps), so the pool runs dry slowly
# How often a ticket handed out is asked for again with the same key. ANTRIAN_CHAOS_REPEAT=0.9
# makes lost answers of repeats common: before the kiosk kept online tickets by their key, two
# runs in two gave a number to two people (a repeat's void deleted the first person's ticket).
REPEAT_AFTER_SUCCESS = float(os.environ.get("ANTRIAN_CHAOS_REPEAT", "0.1"))


def finish(backend: HttpBackend) -> int:
    deadline = time.monotonic() + 120
    while True:
        try:
            backend.sync()
            if backend.status().unsynced == 0:
                break
        except KioskError:
            pass
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)  # the server is up; a retry after a refused connection, not a sync point
    backend.release_leases()
    status = backend.status()
    conflicts = list(getattr(status, "conflicts", ()))  # (also runs against a kiosk of before the field)
    print(json.dumps({"unsynced": status.unsynced, "conflicts": conflicts}), flush=True)
    return 0


def main() -> int:
    folder, url, kiosk_id = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
    kiosk_no, seed, log_path, quota = int(sys.argv[4]), int(sys.argv[5]), Path(sys.argv[6]), int(sys.argv[7])
    http_module.RETRY_OFFLINE_AFTER_S = 0.5  # a kiosk that reconnects within a second of the server
    offline_sync.SYNC_EVERY_S = 3.0  # tops its blocks up often, so offline spells have numbers
    config = kiosk_config(folder, url, kiosk_id, edits=quotas(quota))
    clock = FixedClock(MONDAY_0800)
    backend = HttpBackend(config, auto_sync=len(sys.argv) <= 8, clock=clock)
    if len(sys.argv) > 8 and sys.argv[8] == "finish":
        return finish(backend)
    kiosk = Kiosk(config, backend, NikHasher(SECRET), clock)
    hasher = NikHasher(SECRET)
    rng = random.Random(seed)
    pool = [made_up_nik(kiosk_no * 100_000 + i) for i in range(POOL)]
    try:
        backend.sync()
    except KioskError:
        pass  # the server may be down right now: the kiosk starts offline
    with log_path.open("a", encoding="utf-8") as log:
        attempt: tuple[str, str, str] | None = None
        while True:
            if attempt is None or rng.random() < 0.5:
                attempt = (rng.choice(pool), rng.choice(SERVICES), str(uuid.uuid4()))
            nik, service, key = attempt
            try:
                ticket = kiosk.issue_walk_in(service, nik, None, key).ticket
            except Refusal:
                attempt = None  # caps or quota: this person goes home
                continue
            except SystemFault:
                time.sleep(0.05)  # no number now; maybe the same person presses again (same key)
                continue
            line = {"number": ticket.number, "id": ticket.id, "nik_hash": hasher.hash(nik), "key": key}
            log.write(json.dumps(line) + "\n")
            log.flush()
            os.fsync(log.fileno())
            print(ticket.number, flush=True)
            if rng.random() > REPEAT_AFTER_SUCCESS:
                attempt = None  # else: the same request comes again, as a lost answer's retry would
            time.sleep(rng.uniform(0, 0.03))


if __name__ == "__main__":
    sys.exit(main())
