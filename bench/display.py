"""Hall display speed: from a counter's "Panggil berikutnya" to the number on the TV, and how long
the server takes to render an announcement.

The real server (waitress, 8 threads) runs in this process on loopback over a day book in a temp
folder, with two counters and tickets issued as a kiosk would. Debian's chromium (headless,
through playwright) shows ``/display?sound=off`` polling as it does on the TV (every 250 ms).
Each sample: the time before the POST of ``next`` (done first, so the counter is free), to the
moment the page itself noted the number on screen (``performance.timeOrigin + shownAt``; same
machine, same clock). Announcement render: the first GET of each new call's WAV (espeak-ng runs)
and a second GET of the same WAV (cached).

    python -m bench.display            # prints the figures (no verdict: nothing is asserted)
"""

from __future__ import annotations

import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from bench import print_rows
from kiosk.core import config as config_mod
from kiosk.core.clock import WIB, FixedClock
from kiosk.core.config import Config
from kiosk.core.model import WalkInRequest
from kiosk.core.nik import NikHasher
from kiosk.demo import made_up_nik

ROOT = Path(__file__).resolve().parent.parent
MONDAY_0900 = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
SECRET = b"bench-secret-of-at-least-16-bytes"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--autoplay-policy=no-user-gesture-required"]
SAMPLES = 60
RENDERS = 12
TARGET_P99_MS = 500
COUNTERS = """
[[counters]]
id = "1"
name = "Loket 1"
services = ["KTP", "CETAK"]

[[counters]]
id = "2"
name = "Loket 2"
services = ["KTP", "KK"]

[[counters]]
id = "3"
name = "Loket 3"
services = ["AKTA", "KK"]
"""


def counter_token(counter_id: str) -> str:
    return f"bench-counter-{counter_id}-0123456789"


@dataclass
class HallServer:
    """The server of the counters and the hall, with its day book, for a bench or a screenshot."""

    config: Config
    running: Any
    api: Any

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.running.port}"

    def issue(self, service: str, n: int) -> Any:
        nik = made_up_nik(n)
        hasher = NikHasher(SECRET)
        now = self.api.clock.now()
        masked = nik[:4] + "*" * 10 + nik[-2:]
        return self.api.book("MPP-1").issue_walk_in(
            WalkInRequest(service, hasher.hash(nik), masked, None, now, f"bench-{n}")
        )

    def step(self, counter_id: str, step: str, body: dict[str, str] | None = None) -> requests.Response:
        return requests.post(
            f"{self.base}/v1/counters/{counter_id}/{step}",
            json=body or {},
            headers={
                "Authorization": f"Bearer {counter_token(counter_id)}",
                "Idempotency-Key": f"bench-{time.time_ns()}",
            },
            timeout=30,
        )

    def stop(self) -> None:
        self.running.stop()
        self.api.close()


def start_hall(folder: Path, clock_at: datetime = MONDAY_0900) -> HallServer:
    """The real app on a free loopback port; counter tokens in the tokens file as ``ID HEX counter``."""
    from kiosk.server.app import create_app, token_hash
    from kiosk.server.run import RunningServer

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.secret").write_bytes(SECRET)
    lines = [f"{c} {token_hash(counter_token(c))} counter" for c in ("1", "2", "3")]
    (folder / "tokens").write_text("\n".join(lines) + "\n", encoding="utf-8")
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for old, new in (
        ('"/var/lib/antrian/daybook.sqlite3"', '"daybook.sqlite3"'),
        ('"/var/lib/antrian/tickets"', '"tickets"'),
        ('"/var/lib/antrian/site.secret"', '"site.secret"'),
        ('kiosk_id = "MPP-1"', 'kiosk_id = "SERVER"'),
        ("# tokens_file =", 'tokens_file = "tokens"  #'),
    ):
        text = text.replace(old, new)
    for quota in ("60", "80", "40", "30", "20"):
        text = text.replace(f"daily_quota = {quota}\n", "daily_quota = 999\n")
    if "[[counters]]" not in text:
        text += COUNTERS
    path = folder / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    config = config_mod.load(path)
    app = create_app(config, {}, FixedClock(clock_at))
    return HallServer(config, RunningServer(app, threads=8), app.extensions["antrian"])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def results() -> list[dict[str, object]]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory(prefix="bench-display-") as folder:
        hall = start_hall(Path(folder))
        try:
            for n in range(SAMPLES + RENDERS):
                hall.issue("KTP", n + 1)
            latencies: list[float] = []
            answers: list[float] = []  # the POST alone: the day book's write, fsync included
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                page = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True).new_page()
                page.goto(hall.base + "/display?sound=off")
                page.wait_for_function("document.getElementById('display').dataset.connection === 'ok'", timeout=30_000)
                origin = float(page.evaluate("performance.timeOrigin"))
                for _ in range(SAMPLES):
                    hall.step("1", "done")  # 409 the first time: nothing to finish yet
                    started = time.time()
                    call = hall.step("1", "next").json()["call"]
                    answered = time.time()
                    seq = int(call["seq"])
                    page.wait_for_function(f"{seq} in window.hallDisplay.state.shownAt", timeout=30_000)
                    shown = origin + float(page.evaluate(f"window.hallDisplay.state.shownAt[{seq}]"))
                    latencies.append(shown - started * 1000)
                    answers.append((answered - started) * 1000)
                browser.close()
            cold: list[float] = []
            warm: list[float] = []
            for _ in range(RENDERS):
                hall.step("2", "done")
                call = hall.step("2", "next").json()["call"]
                url = f"{hall.base}/v1/announcements/{call['call_id']}.wav"
                for bucket in (cold, warm):
                    started = time.perf_counter()
                    answer = requests.get(url, timeout=60)
                    answer.raise_for_status()
                    bucket.append((time.perf_counter() - started) * 1000)
        finally:
            hall.stop()
    p99 = percentile(latencies, 0.99)
    return [
        {
            "metric": "display: call to number on screen, median",
            "value": round(statistics.median(latencies)),
            "unit": "ms",
            "target": "",
            "met": None,
            "note": f"{SAMPLES} calls, loopback, poll every 250 ms",
        },
        {
            "metric": "display: call to number on screen, p99",
            "value": round(p99),
            "unit": "ms",
            "target": TARGET_P99_MS,
            "met": p99 <= TARGET_P99_MS,
            "note": f"max {round(max(latencies))} ms",
        },
        {
            "metric": "counter: POST next answered, median",
            "value": round(statistics.median(answers)),
            "unit": "ms",
            "target": "",
            "met": None,
            "note": f"p99 {round(percentile(answers, 0.99))} ms; part of the figures above",
        },
        {
            "metric": "announcement WAV, first request (espeak-ng renders), median",
            "value": round(statistics.median(cold)),
            "unit": "ms",
            "target": "",
            "met": None,
            "note": f"{RENDERS} new numbers; max {round(max(cold))} ms",
        },
        {
            "metric": "announcement WAV, cached, median",
            "value": round(statistics.median(warm), 1),
            "unit": "ms",
            "target": "",
            "met": None,
            "note": "",
        },
    ]


if __name__ == "__main__":
    print_rows(results())
