# ruff: noqa: F811  (pytest fixtures are imported from calling_support and named as parameters)
"""Two counters calling at once, as threads and as processes on one day book file, never share a ticket.

The verdict does not depend on timing: whatever the interleaving, every waiting ticket is called
exactly once, by one counter.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path

from calling_support import callbook, clock, kiosk, make_nik, site_config  # noqa: F401  (fixtures)

from kiosk.backends.calls import CallBook
from kiosk.core.calling import Step
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.errors import Reason, Refusal
from kiosk.core.usecases import Kiosk

TICKETS = 40
WORKER = Path(__file__).resolve().parent / "call_worker.py"


def issue_many(kiosk: Kiosk) -> set[str]:
    return {kiosk.issue_walk_in("KTP", make_nik(i)).ticket.number for i in range(TICKETS)}


def test_two_counters_in_two_threads_never_call_the_same_ticket(
    kiosk: Kiosk, site_config: Config, clock: FixedClock
) -> None:
    issued = issue_many(kiosk)
    called: dict[str, list[str]] = {"1": [], "2": []}
    errors: list[BaseException] = []

    def counter(counter_id: str) -> None:
        book = CallBook(site_config.backend.path, site_config)  # its own connection, like a second page
        try:
            while True:
                try:
                    call = book.step(counter_id, Step.NEXT, clock.now(), str(uuid.uuid4()))
                except Refusal as exc:
                    if exc.reason == Reason.NOTHING_WAITING:
                        return
                    raise
                called[counter_id].append(call.number)
                book.step(counter_id, Step.DONE, clock.now(), str(uuid.uuid4()))
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            book.close()

    threads = [threading.Thread(target=counter, args=(c,)) for c in called]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors and not any(t.is_alive() for t in threads)
    together = called["1"] + called["2"]
    assert len(together) == len(set(together)) == TICKETS and set(together) == issued


def test_two_counters_in_two_processes_on_one_file_never_call_the_same_ticket(
    kiosk: Kiosk, site_config: Config, clock: FixedClock
) -> None:
    issued = issue_many(kiosk)
    assert site_config.source is not None
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    workers = [
        subprocess.Popen(  # noqa: S603 - our own worker script
            [sys.executable, str(WORKER), str(site_config.source), counter_id, clock.now().isoformat()],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for counter_id in ("1", "2")
    ]
    outputs = [w.communicate(timeout=120) for w in workers]
    for worker, (_out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
    together = [n for out, _err in outputs for n in json.loads(out)]
    assert len(together) == len(set(together)) == TICKETS and set(together) == issued
