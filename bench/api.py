"""Booking API speed: the HTTP backend's own cost per call, and walk-ins per second with 8 kiosks.

The reference server runs in its own process (waitress, 8 threads, FixedClock at 08:00 WIB so
the office is open), on loopback, with the day book on the repository's disk (one fsync per
number). Per-call overhead: ``HttpBackend.quotas()`` and ``find_bookings_by_nik()`` against a
raw ``requests`` call on a keep-alive session to the same endpoint, interleaved; the ratio of
medians is what the backend adds (retry adapter, error mapping, parsing into domain objects).
Throughput: 8 kiosk processes, each its own ``HttpBackend``, issuing walk-ins at once.

    python -m bench.api            # prints the figures
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import socket
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
from kiosk.core.model import WalkInRequest
from kiosk.demo import made_up_nik as nik_of

ROOT = Path(__file__).resolve().parent.parent
MONDAY_0800 = datetime(2026, 11, 30, 8, 0, tzinfo=WIB)
SECRET = b"bench-secret-of-at-least-16-bytes"
CALLS = 400
CLIENTS = 8
WALK_INS_EACH = 60
TARGET_RATIO = 1.2


def token_of(kiosk_id: str) -> str:
    return f"bench-token-{kiosk_id}-0123456789"


def write_config(folder: Path, url: str = "", kiosk_id: str = "SERVER") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for old, new in (
        ('"/var/lib/antrian/daybook.sqlite3"', '"daybook.sqlite3"'),
        ('"/var/lib/antrian/tickets"', '"tickets"'),
        ('"/var/lib/antrian/site.secret"', '"site.secret"'),
        ('kiosk_id = "MPP-1"', f'kiosk_id = "{kiosk_id}"'),
        ("lease_size = 5", "lease_size = 3"),
    ):
        text = text.replace(old, new)
    for quota in ("60", "80", "40", "30", "20"):
        text = text.replace(f"daily_quota = {quota}\n", "daily_quota = 999\n")
    if url:
        text = text.replace('kind = "sqlite"', f'kind = "http"\nurl = "{url}"\ntoken_file = "token"')
        (folder / "token").write_text(token_of(kiosk_id), encoding="utf-8")
    (folder / "site.secret").write_bytes(SECRET)
    path = folder / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


def serve(config_path: str, port: int) -> None:
    from kiosk.server.app import create_app, token_hash
    from kiosk.server.run import serve_forever

    config = config_mod.load(Path(config_path))
    tokens = {f"K{n}": token_hash(token_of(f"K{n}")) for n in range(CLIENTS + 1)}
    serve_forever(create_app(config, tokens, FixedClock(MONDAY_0800)), "127.0.0.1", port, 8)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_up(url: str) -> None:
    for _ in range(200):
        try:
            if requests.get(url + "/health", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            time.sleep(0.05)
    raise RuntimeError("the API server did not start")


def backend_for(folder: Path, url: str, kiosk_id: str) -> Any:
    from kiosk.backends.http import HttpBackend

    config = config_mod.load(write_config(folder, url, kiosk_id))
    return HttpBackend(config, auto_sync=False, clock=FixedClock(MONDAY_0800))


def overhead(folder: Path, url: str) -> dict[str, tuple[float, float]]:
    """Median ms of the backend and of a raw requests call, per endpoint, interleaved."""
    from kiosk.core.nik import NikHasher

    backend = backend_for(folder / "K0", url, "K0")
    raw = requests.Session()
    raw.headers["Authorization"] = f"Bearer {token_of('K0')}"
    nik_hash = NikHasher(SECRET).hash(nik_of(1))
    calls = {
        "quotas": (
            lambda: backend.quotas(MONDAY_0800),
            lambda: raw.get(url + "/quotas", timeout=5).json(),
        ),
        "search": (
            lambda: backend.find_bookings_by_nik(nik_hash),
            lambda: raw.post(
                url + "/bookings/search",
                json={"nik_hash": nik_hash},
                headers={"Idempotency-Key": str(uuid.uuid4())},
                timeout=5,
            ).json(),
        ),
    }
    out = {}
    for name, (ours, theirs) in calls.items():
        for _ in range(30):  # warm both connections and the server
            ours()
            theirs()
        a: list[float] = []
        b: list[float] = []
        for _ in range(CALLS):
            for f, into in ((ours, a), (theirs, b)):
                started = time.perf_counter()
                f()
                into.append((time.perf_counter() - started) * 1000)
        out[name] = (statistics.median(a), statistics.median(b))
    backend.close()
    return out


def client(folder: str, url: str, kiosk_id: str, first: int, go: Any, done: Any) -> None:
    from kiosk.core.nik import NikHasher, mask

    backend = backend_for(Path(folder), url, kiosk_id)
    hasher = NikHasher(SECRET)
    niks = [nik_of(first + i) for i in range(WALK_INS_EACH)]
    go.wait()
    for number in niks:
        backend.issue_walk_in(
            WalkInRequest("KTP", hasher.hash(number), mask(number), None, MONDAY_0800, str(uuid.uuid4()))
        )
    done.put(WALK_INS_EACH)
    backend.close()


def throughput(folder: Path, url: str) -> tuple[float, float]:
    """(walk-ins per second, seconds) for CLIENTS processes issuing at once."""
    ctx = multiprocessing.get_context("spawn")
    go, done = ctx.Event(), ctx.Queue()
    workers = [
        ctx.Process(target=client, args=(str(folder / f"K{n}"), url, f"K{n}", 10_000 * n, go, done))
        for n in range(1, CLIENTS + 1)
    ]
    for w in workers:
        w.start()
    time.sleep(2.0)  # let every process import and connect before the start signal
    started = time.perf_counter()
    go.set()
    total = sum(done.get(timeout=300) for _ in workers)
    elapsed = time.perf_counter() - started
    for w in workers:
        w.join(timeout=30)
    return total / elapsed, elapsed


def measure() -> dict[str, Any]:
    base = Path(os.environ.get("BENCH_DIR", ROOT / "var"))
    base.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="antrian-bench-api-", dir=base))
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    server = multiprocessing.get_context("spawn").Process(
        target=serve, args=(str(write_config(folder / "server")), port), daemon=True
    )
    server.start()
    try:
        wait_up(url)
        figures: dict[str, Any] = {"overhead": overhead(folder, url)}
        figures["throughput"] = throughput(folder, url)
    finally:
        server.terminate()
        server.join(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
    return figures


def row(metric: str, value: float, unit: str, target: str, met: bool | None, note: str) -> dict[str, Any]:
    return {"metric": metric, "value": value, "unit": unit, "target": target, "met": met, "note": note}


def results() -> list[dict[str, Any]]:
    """Figures for bench/all.py: one row per measure."""
    f = measure()
    rows = []
    for name, what in (("quotas", "GET /quotas"), ("search", "POST /bookings/search")):
        ours, raw = f["overhead"][name]
        ratio = ours / raw
        note = f"HttpBackend {ours:.3f} ms vs raw requests {raw:.3f} ms, median of {CALLS}, loopback"
        rows.append(
            row(
                f"api: HttpBackend / raw requests, {what}",
                round(ratio, 3),
                "x",
                f"<= {TARGET_RATIO}",
                ratio <= TARGET_RATIO,
                note,
            )
        )
    per_s, elapsed = f["throughput"]
    rows.append(
        row(
            f"api: walk-ins per second, {CLIENTS} kiosk processes",
            round(per_s, 1),
            "/s",
            "",
            None,
            f"{CLIENTS * WALK_INS_EACH} walk-ins in {elapsed:.2f} s; waitress 8 threads; fsync per number",
        )
    )
    return rows


def main() -> None:
    print(f"bench.api: {CALLS} calls per endpoint, {CLIENTS} clients x {WALK_INS_EACH} walk-ins", flush=True)
    print_rows(results())


if __name__ == "__main__":
    main()
