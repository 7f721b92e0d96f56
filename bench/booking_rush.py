"""The opening rush on /book: about 2,000 citizens try for 200 places the minute booking opens.

The server runs in its own process (``kiosk serve``'s app under waitress, 8 threads) over a day
book on the repository's disk, its clock fixed at Saturday 07:00 WIB: booking for Monday has just
opened. KTP has 400 numbers a day, half of them online: 200 places in 7 slot windows. Citizens
come from client processes on loopback, each with its own address (``X-Real-IP`` from a trusted
proxy, as behind nginx) and cookie jar: they open the form (GET), then post it (one POST) for a
slot of their choice; a refusal for a full slot is followed by one more try for any slot. One in
ten is a broker who posts for the same NIK three times from three addresses.

Must hold, read back from the day book: exactly 200 bookings, no slot over its capacity, no NIK
with two, and no 5xx answer or dropped connection. Reported: answer times of the POST (p50,
p99) and bookings per second until the last place was gone.

    python -m bench.booking_rush           # prints the figures
"""

from __future__ import annotations

import multiprocessing
import re
import shutil
import socket
import statistics
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any

import requests

from bench import print_rows
from kiosk.core import config as config_mod
from kiosk.core.clock import WIB, FixedClock
from kiosk.demo import made_up_nik

ROOT = Path(__file__).resolve().parent.parent
SATURDAY_0700 = datetime(2026, 11, 28, 7, 0, 30, tzinfo=WIB)
MONDAY = "2026-11-30"
SECRET = b"bench-secret-of-at-least-16-bytes"
CITIZENS = 2000
BROKER_EVERY = 10  # one in ten posts the same NIK three times
PLACES = 200
CLIENT_PROCESSES = 2
THREADS_EACH = 24
TOKEN = re.compile(r'name="form_token" value="([^"]+)"')
SLOTS = ("07:30", "08:00", "08:30", "09:00", "09:30", "10:00", "10:30")


def write_config(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for old, new in (
        ('"/var/lib/antrian/daybook.sqlite3"', '"daybook.sqlite3"'),
        ('"/var/lib/antrian/tickets"', '"tickets"'),
        ('"/var/lib/antrian/site.secret"', '"site.secret"'),
        ("daily_quota = 60\n", "daily_quota = 400\n"),  # KTP: 200 online places a day
        ("trusted_proxies = []", 'trusted_proxies = ["127.0.0.1"]'),
    ):
        assert old in text, old
        text = text.replace(old, new)
    (folder / "site.secret").write_bytes(SECRET)
    path = folder / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def serve(config_path: str, port: int) -> None:
    from kiosk.server.app import create_app
    from kiosk.server.run import serve_forever

    config = config_mod.load(Path(config_path))
    serve_forever(create_app(config, {}, FixedClock(SATURDAY_0700)), "127.0.0.1", port, 8)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def one_citizen(base: str, index: int) -> list[tuple[str, int, float, float]]:
    """(what, status, seconds, finished at) of each request one person makes."""
    broker = index % BROKER_EVERY == 0
    nik = made_up_nik(index // BROKER_EVERY if broker else 10_000 + index)
    tries = 3 if broker else 1
    out: list[tuple[str, int, float, float]] = []
    for attempt in range(tries):
        session = requests.Session()
        session.headers["X-Real-IP"] = f"10.{index // 250}.{index % 250}.{attempt + 1}"
        slot = SLOTS[(index + attempt) % len(SLOTS)]
        for second_go in (False, True):
            try:
                began = time.perf_counter()
                page = session.get(f"{base}/book?service=KTP&date={MONDAY}", timeout=120)
                out.append(("get", page.status_code, time.perf_counter() - began, time.time()))
                token = TOKEN.search(page.text)
                if token is None:
                    break
                data = {"form_token": token.group(1), "service": "KTP", "date": MONDAY, "nik": nik}
                data["slot"] = "" if second_go else slot
                began = time.perf_counter()
                answer = session.post(f"{base}/book", data=data, timeout=120)
                out.append(("post", answer.status_code, time.perf_counter() - began, time.time()))
                if answer.status_code == 200 or "booking_slot_full" not in _reason(answer.text):
                    break
            except requests.RequestException:
                out.append(("error", 0, 0.0, time.time()))
                break
        session.close()
    return out


def _reason(html: str) -> str:
    """The refusal's kind from the page's words (the page never carries a code for machines)."""
    return "booking_slot_full" if "Jam itu sudah penuh" in html else ""


def client(base: str, indexes: list[int]) -> list[tuple[str, int, float, float]]:
    with ThreadPoolExecutor(max_workers=THREADS_EACH) as pool:
        results = pool.map(lambda i: one_citizen(base, i), indexes)
        return [row for rows in results for row in rows]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def results() -> list[dict[str, Any]]:
    folder = Path(tempfile.mkdtemp(prefix="antrian-rush-", dir=ROOT / "var" if (ROOT / "var").is_dir() else None))
    port = free_port()
    config_path = write_config(folder)
    context = multiprocessing.get_context("spawn")
    server = context.Process(target=serve, args=(str(config_path), port), daemon=True)
    server.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/book", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("the server did not start")
            time.sleep(0.2)
        shares = [list(range(n, CITIZENS, CLIENT_PROCESSES)) for n in range(CLIENT_PROCESSES)]
        started = time.time()
        with context.Pool(CLIENT_PROCESSES) as pool:
            rows = [row for part in pool.starmap(client, [(base, share) for share in shares]) for row in part]
        ended = time.time()
    finally:
        server.terminate()
        server.join(10)
    return figures(folder, rows, started, ended)


def figures(
    folder: Path, rows: list[tuple[str, int, float, float]], started: float, ended: float
) -> list[dict[str, Any]]:
    from kiosk.backends.daybook import DayBook
    from kiosk.core import booking

    config = config_mod.load(folder / "kiosk.toml")
    book = DayBook(config.backend.path, config)
    held = book.query(
        "SELECT slot, nik_hash FROM bookings WHERE day = ? AND service = 'KTP' AND status = 'booked'", (MONDAY,)
    )
    book.close()
    shutil.rmtree(folder, ignore_errors=True)
    service = config.service("KTP")
    assert service is not None
    capacity = booking.slot_capacity(service, config)
    per_slot = Counter(str(slot) for slot, _ in held)
    over_slot = sum(max(0, n - capacity[datetime.strptime(s, "%H:%M").time()]) for s, n in per_slot.items())
    over_nik = sum(1 for n in Counter(h for _, h in held).values() if n > 1)
    errors = sum(1 for what, status, _, _ in rows if what == "error" or status >= 500)
    posts = [seconds * 1000 for what, status, seconds, _ in rows if what == "post"]
    gets = [seconds * 1000 for what, status, seconds, _ in rows if what == "get"]
    booked_at = sorted(at for what, status, _, at in rows if what == "post" and status == 200)
    statuses = Counter(status for what, status, _, _ in rows if what == "post")
    gone = (booked_at[-1] - started) if booked_at else float("nan")
    note = f"{CITIZENS} citizens ({CITIZENS // BROKER_EVERY} brokers x 3 tries), {len(posts)} POSTs, {len(gets)} GETs"
    statuses_note = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
    return [
        row(
            "rush: bookings held for 200 places",
            f"{len(held)}/{PLACES}",
            "bookings",
            f"{PLACES}/{PLACES}",
            len(held) == PLACES,
            note,
        ),
        row(
            "rush: places over-booked (all slots)",
            over_slot,
            "bookings",
            0,
            over_slot == 0,
            f"slot capacities {sorted(capacity.values())}",
        ),
        row("rush: NIKs over their cap", over_nik, "NIKs", 0, over_nik == 0, "one booking per NIK per service per day"),
        row(
            "rush: server errors and dropped connections",
            errors,
            "answers",
            0,
            errors == 0,
            f"POST answers by status: {statuses_note}",
        ),
        row(
            "rush: POST /book answer time, p50",
            round(statistics.median(posts), 1),
            "ms",
            "",
            None,
            "waitress 8 threads, fsync per booking",
        ),
        row(
            "rush: POST /book answer time, p99",
            round(percentile(posts, 0.99), 1),
            "ms",
            "",
            None,
            f"max {max(posts):.0f} ms",
        ),
        row(
            "rush: GET form answer time, p50 / p99",
            f"{statistics.median(gets):.1f} / {percentile(gets, 0.99):.1f}",
            "ms",
            "",
            None,
            "",
        ),
        row(
            "rush: bookings per second until the last place was gone",
            round(len(booked_at) / gone, 1) if booked_at else 0,
            "/s",
            "",
            None,
            f"{len(booked_at)} bookings in {gone:.1f} s",
        ),
        row(
            "rush: all citizens answered in",
            round(ended - started, 1),
            "s",
            "<= 60",
            ended - started <= 60,
            f"{CLIENT_PROCESSES} client processes x {THREADS_EACH} threads on the same 2 cores as the server",
        ),
    ]


def row(metric: str, value: object, unit: str, target: object, met: bool | None, note: str) -> dict[str, Any]:
    return {"metric": metric, "value": value, "unit": unit, "target": target, "met": met, "note": note}


if __name__ == "__main__":
    print_rows(results())
