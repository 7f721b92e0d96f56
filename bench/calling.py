"""Counter calls over the API: how long "call next" takes a counter on loopback (median, p99).

The reference server runs in this process (waitress, 8 threads, FixedClock at 08:00 WIB), the
day book on the repository's disk (one fsync per step), 300 walk-in tickets waiting for KTP.
Two counters (Loket 1 and 2, both serving KTP) alternate ``POST /counters/{id}/next`` and
``POST /counters/{id}/done`` with their own tokens, each step a fresh Idempotency-Key, on one
keep-alive session each; the figure is the round trip of ``next`` as the counter page sees it.

    python -m bench.calling            # prints the figures
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from bench import print_rows
from kiosk.core import config as config_mod
from kiosk.core.clock import WIB, FixedClock
from kiosk.demo import made_up_nik

ROOT = Path(__file__).resolve().parent.parent
MONDAY_0800 = datetime(2026, 11, 30, 8, 0, tzinfo=WIB)
TICKETS = 300
TARGET_P99_MS = 500.0  # the issue's target for a call reaching the display; the call itself is part of it


def _site(folder: Path) -> Path:
    from kiosk.server.tokens import token_hash

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.secret").write_bytes(b"bench-secret-of-at-least-16-bytes")
    lines = [f"{c} {token_hash(f'bench-counter-{c}-0123456789')} counter" for c in ("1", "2")]
    (folder / "tokens").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for old, new in (
        ('"/var/lib/antrian/daybook.sqlite3"', '"daybook.sqlite3"'),
        ('"/var/lib/antrian/tickets"', '"tickets"'),
        ('"/var/lib/antrian/site.secret"', '"site.secret"'),
        ('# tokens_file = "/etc/antrian/tokens"', 'tokens_file = "tokens"'),
        ("daily_quota = 60\n", "daily_quota = 999\n"),
    ):
        text = text.replace(old, new)
    path = folder / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def results() -> list[dict[str, Any]]:
    from kiosk.backends.daybook import DayBook
    from kiosk.core.nik import NikHasher
    from kiosk.core.usecases import Kiosk
    from kiosk.server.app import create_app
    from kiosk.server.run import RunningServer

    folder = Path(tempfile.mkdtemp(prefix="bench-calling-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    try:
        config = config_mod.load(_site(folder))
        clock = FixedClock(MONDAY_0800)
        book = DayBook(config.backend.path, config)
        kiosk = Kiosk(config, book, NikHasher(b"bench-secret-of-at-least-16-bytes"), clock, None)
        for index in range(TICKETS):
            kiosk.issue_walk_in("KTP", made_up_nik(index))
        book.close()
        app = create_app(config, {}, clock)
        server = RunningServer(app, port=0, threads=8)
        sessions = {}
        for counter in ("1", "2"):
            session = requests.Session()
            session.headers["Authorization"] = f"Bearer bench-counter-{counter}-0123456789"
            sessions[counter] = session
        next_ms: list[float] = []
        done_ms: list[float] = []
        try:
            for index in range(TICKETS):
                counter = "12"[index % 2]
                session = sessions[counter]
                url = f"{server.url}/counters/{counter}"
                started = time.perf_counter()
                answer = session.post(url + "/next", headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=30)
                next_ms.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, answer.text
                started = time.perf_counter()
                answer = session.post(url + "/done", headers={"Idempotency-Key": str(uuid.uuid4())}, timeout=30)
                done_ms.append((time.perf_counter() - started) * 1000)
                assert answer.status_code == 200, answer.text
        finally:
            server.stop()
            app.extensions["antrian"].close()
            app.extensions["antrian_counters"].close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    p99 = statistics.quantiles(next_ms, n=100)[98]
    note = f"{TICKETS} calls, 2 counters, loopback, fsync per step"
    return [
        {
            "metric": "counter call next, median",
            "value": round(statistics.median(next_ms), 1),
            "unit": "ms",
            "target": None,
            "met": None,
            "note": note,
        },
        {
            "metric": "counter call next, p99",
            "value": round(p99, 1),
            "unit": "ms",
            "target": TARGET_P99_MS,
            "met": p99 <= TARGET_P99_MS,
            "note": note,
        },
        {
            "metric": "counter done, median",
            "value": round(statistics.median(done_ms), 1),
            "unit": "ms",
            "target": None,
            "met": None,
            "note": note,
        },
    ]


if __name__ == "__main__":
    print_rows(results())
