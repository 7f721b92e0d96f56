"""One machine, no server set up: ``kiosk serve`` runs over the kiosk's own day book (two processes, one file)."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import requests

from kiosk.backends.daybook import DayBook
from kiosk.backends.secret import load_or_create
from kiosk.core import config as config_mod
from kiosk.core.clock import SystemClock
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk
from kiosk.demo import DEMO_COUNTER_TOKENS, made_up_nik, start_server, write_demo


def wait_until_up(url: str, process: object, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert getattr(process, "poll")() is None, "kiosk serve ended"
        try:
            if requests.get(url + "/v1/health", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)  # polling a condition with a deadline, not a synchronisation by sleep
    raise AssertionError("kiosk serve did not answer within 60 s")


def test_the_demo_serves_the_counters_over_the_kiosks_own_day_book(tmp_path: Path) -> None:
    path = write_demo(tmp_path / "demo")
    config = config_mod.load(path)
    server, url = start_server(path)
    book = DayBook(config.backend.path, config)
    try:
        wait_until_up(url, server)
        kiosk = Kiosk(config, book, NikHasher(load_or_create(config.secret_path)), SystemClock(), None)
        first = kiosk.issue_walk_in("KTP", made_up_nik(11)).ticket
        headers = {"Authorization": f"Bearer {DEMO_COUNTER_TOKENS['1']}", "Idempotency-Key": str(uuid.uuid4())}
        called = requests.post(url + "/v1/counters/1/next", headers=headers, timeout=30)
        assert called.status_code == 200 and called.json()["call"]["number"] == first.number
        place = requests.get(url + f"/v1/public/tickets/{first.id}", timeout=30).json()
        assert place["state"] == "called"
        # The kiosk, in this process, sees the call made by the other: nobody is ahead of a new ticket.
        assert kiosk.issue_walk_in("KTP", made_up_nik(12)).ticket.people_ahead == 0
    finally:
        book.close()
        server.terminate()
        server.wait(timeout=30)
