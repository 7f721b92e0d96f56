"""Hall display speed: from a counter's "Panggil berikutnya" to the number on the TV and to the
start of its speech, quiet and under load, in a burst of 10 calls in 10 s, and how long the server
takes to render an announcement.

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

    def issue(self, service: str, n: int, priority: Any = None) -> Any:
        nik = made_up_nik(n)
        hasher = NikHasher(SECRET)
        now = self.api.clock.now()
        masked = nik[:4] + "*" * 10 + nik[-2:]
        return self.api.book("MPP-1").issue_walk_in(
            WalkInRequest(service, hasher.hash(nik), masked, priority, now, f"bench-{n}")
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


SPEECH_SAMPLES = 10  # each is a quiet hall: chime and a full sentence, about 7 s
BURST_CALLS = 10
LOAD_THREADS = 4


class Load:
    """Phones and kiosks hammering the server while the display works: ``LOAD_THREADS`` threads
    asking the public ticket page and the display in a loop (what a busy office's phones do)."""

    def __init__(self, hall: HallServer, ticket_id: str) -> None:
        import threading

        self.hall = hall
        self.ticket_id = ticket_id
        self.stopped = threading.Event()
        self.requests = 0
        self.threads = [threading.Thread(target=self.run, daemon=True) for _ in range(LOAD_THREADS)]

    def run(self) -> None:
        session = requests.Session()
        while not self.stopped.is_set():
            try:
                session.get(f"{self.hall.base}/v1/public/tickets/{self.ticket_id}", timeout=30)
                session.get(f"{self.hall.base}/v1/display", timeout=30)
                self.requests += 2
            except requests.RequestException:
                pass

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopped.set()
        for thread in self.threads:
            thread.join(timeout=30)


def on_screen(hall: HallServer, page: Any, samples: int) -> tuple[list[float], list[float]]:
    """Call -> number on screen (ms) for ``samples`` calls one at a time, and the POST alone."""
    origin = float(page.evaluate("performance.timeOrigin"))
    latencies: list[float] = []
    answers: list[float] = []
    for _ in range(samples):
        hall.step("1", "done")  # 409 the first time: nothing to finish yet
        started = time.time()
        call = hall.step("1", "next").json()["call"]
        answered = time.time()
        seq = int(call["seq"])
        page.wait_for_function(f"{seq} in window.hallDisplay.state.shownAt", timeout=30_000)
        shown = origin + float(page.evaluate(f"window.hallDisplay.state.shownAt[{seq}]"))
        latencies.append(shown - started * 1000)
        answers.append((answered - started) * 1000)
    return latencies, answers


def speech_start(page: Any, seq: int) -> float:
    """Epoch ms at which the display started playing the announcement (not the chime) of ``seq``."""
    page.wait_for_function(
        f"window.hallDisplay.announcer.events.some(e => e.seq === {seq} && e.type === 'play' "
        "&& e.part === 'announcement')",
        timeout=120_000,
    )
    at = page.evaluate(
        f"window.hallDisplay.announcer.events.find(e => e.seq === {seq} && e.type === 'play' "
        "&& e.part === 'announcement').at"
    )
    return float(page.evaluate("performance.timeOrigin")) + float(at)


def spoken_alone(hall: HallServer, page: Any, samples: int) -> list[float]:
    """Call -> start of its speech (ms) in a quiet hall: each call alone, chime then full sentence."""
    out: list[float] = []
    for _ in range(samples):
        page.wait_for_function("window.hallDisplay.announcer.idle", timeout=120_000)
        hall.step("2", "done")
        started = time.time()
        call = hall.step("2", "next").json()["call"]
        out.append(speech_start(page, int(call["seq"])) - started * 1000)
    return out


def burst(hall: HallServer, page: Any) -> tuple[list[float], list[float]]:
    """10 calls in 10 s from 3 counters: call -> start of speech, wall clock and audio time (ms)."""
    page.wait_for_function("window.hallDisplay.announcer.idle", timeout=120_000)
    made: dict[int, float] = {}
    start = time.time()
    for i in range(BURST_CALLS):
        counter = ("1", "2", "3")[i % 3]
        hall.step(counter, "done")
        time.sleep(max(0.0, start + i - time.time()))
        call = hall.step(counter, "next").json()["call"]
        made[int(call["seq"])] = time.time() * 1000
    wall = [speech_start(page, seq) - at for seq, at in made.items()]
    page.wait_for_function("window.hallDisplay.announcer.idle", timeout=120_000)
    events = page.evaluate("window.hallDisplay.announcer.events")
    first = min(made)
    clock = 0.0
    audio: list[float] = []
    started = False
    for event in events:
        if event["type"] != "play" or event["seq"] < first:
            continue
        started = True
        if event["part"] == "announcement" and event["seq"] in made:
            audio.append((clock - (event["seq"] - first)) * 1000)  # planned: one call a second
        clock += float(event["duration"])
    assert started
    return wall, audio


def figures(name: str, values: list[float], note: str, target: float | None = None) -> list[dict[str, object]]:
    p99 = percentile(values, 0.99)
    return [
        {"metric": f"{name}, median", "value": round(statistics.median(values)), "unit": "ms", "target": "",
         "met": None, "note": note},
        {"metric": f"{name}, p99", "value": round(p99), "unit": "ms", "target": target or "",
         "met": None if target is None else p99 <= target, "note": f"max {round(max(values))} ms"},
    ]  # fmt: skip


def results() -> list[dict[str, object]]:
    from playwright.sync_api import sync_playwright

    rows: list[dict[str, object]] = []
    with tempfile.TemporaryDirectory(prefix="bench-display-") as folder:
        hall = start_hall(Path(folder))
        try:
            services = ["KTP"] * (3 * SAMPLES + 3 * SPEECH_SAMPLES + 2 * BURST_CALLS) + ["KK", "AKTA"] * BURST_CALLS
            tickets = [hall.issue(service, n + 1) for n, service in enumerate(services)]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
                context = browser.new_context(viewport={"width": 1920, "height": 1080}, bypass_csp=True)
                quiet = context.new_page()
                quiet.goto(hall.base + "/display?sound=off")
                quiet.wait_for_function("document.getElementById('display').dataset.connection === 'ok'")
                shown, answers = on_screen(hall, quiet, SAMPLES)
                rows += figures("display: call to number on screen (long poll), quiet", shown,
                                f"{SAMPLES} calls, loopback", TARGET_P99_MS)  # fmt: skip
                with Load(hall, tickets[-1].id) as load:
                    shown_loaded, _ = on_screen(hall, quiet, SAMPLES)
                rows += figures("display: call to number on screen (long poll), under load", shown_loaded,
                                f"{LOAD_THREADS} threads asking the phone page and the display: "
                                f"{load.requests} requests", TARGET_P99_MS)  # fmt: skip
                polling = context.new_page()
                polling.goto(hall.base + "/display?sound=off&wait=0")
                polling.wait_for_function("document.getElementById('display').dataset.connection === 'ok'")
                quiet.close()
                shown_polled, _ = on_screen(hall, polling, SAMPLES)
                rows += figures("display: call to number on screen (polling fallback, 250 ms), quiet",
                                shown_polled, f"{SAMPLES} calls")  # fmt: skip
                polling.close()
                rows.append(
                    {
                        "metric": "counter: POST next answered, median",
                        "value": round(statistics.median(answers)),
                        "unit": "ms",
                        "target": "",
                        "met": None,
                        "note": f"p99 {round(percentile(answers, 0.99))} ms; part of the figures above",
                    }
                )

                speaking = context.new_page()
                speaking.goto(hall.base + "/display")
                speaking.wait_for_function("document.getElementById('display').dataset.connection === 'ok'")
                alone = spoken_alone(hall, speaking, SPEECH_SAMPLES)
                rows += figures("display: call to start of speech, a call alone (1.6 s chime first), quiet", alone,
                                f"{SPEECH_SAMPLES} calls; full sentence")  # fmt: skip
                with Load(hall, tickets[-1].id):
                    alone_loaded = spoken_alone(hall, speaking, SPEECH_SAMPLES)
                rows += figures("display: call to start of speech, a call alone, under load", alone_loaded,
                                f"{SPEECH_SAMPLES} calls")  # fmt: skip
                wall, audio = burst(hall, speaking)
                rows += figures("display: burst of 10 calls in 10 s, call to start of speech (wall clock)", wall,
                                "3 counters", 15000)  # fmt: skip
                rows += figures("display: burst, call to start of speech (audio time from WAV lengths)", audio,
                                "the test's deterministic measure", 15000)  # fmt: skip
                with Load(hall, tickets[-1].id):
                    wall_loaded, _ = burst(hall, speaking)
                rows += figures("display: burst, call to start of speech (wall clock), under load", wall_loaded,
                                "3 counters", 15000)  # fmt: skip
                browser.close()
            cold: list[float] = []
            warm: list[float] = []
            for _ in range(RENDERS):
                hall.step("2", "done")
                call = hall.step("2", "next").json()["call"]
                for form in ("", "?form=short"):
                    url = f"{hall.base}/v1/announcements/{call['call_id']}.wav{form}"
                    for bucket in (cold, warm):
                        started = time.perf_counter()
                        answer = requests.get(url, timeout=60)
                        answer.raise_for_status()
                        bucket.append((time.perf_counter() - started) * 1000)
        finally:
            hall.stop()
    rows += [
        {
            "metric": "announcement WAV, first request (espeak-ng renders), median",
            "value": round(statistics.median(cold)),
            "unit": "ms",
            "target": "",
            "met": None,
            "note": f"{RENDERS} new numbers, both forms; max {round(max(cold))} ms",
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
    return rows


if __name__ == "__main__":
    print_rows(results())
