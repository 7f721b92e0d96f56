"""How soon an online kiosk shows an office change (issue 14 asks 10 s), and what its status poll
costs the server.

The real server (waitress, 8 threads) runs in this process on loopback over a day book in a temp
folder, with a kiosk token and a supervisor's token in its tokens file. The real kiosk app
(``KioskApp``, offscreen 1080x1920, Kivy's own main loop, ``kiosk run``'s objects over the http
backend) sits on its home screen. A driver thread waits a random part of the poll interval, then
closes KTP as the /office page does (``POST /v1/office/services/KTP/close``) or opens it again,
and times until the kiosk's UI thread holds the new state of KTP (what the home screen's slots
line is drawn from, in the same callback). Rounds alternate close and open.

The cost: the median round trip of the poll's two requests (``GET /v1/quotas``, ``POST
/v1/kiosks/health``) with a plain requests session, beside ``GET /v1/health``, the cheapest
route there is: the most that a separate "has anything changed?" answer could save per poll.
Client and server share this process, so a round trip is an upper bound of the server's time.

    python -m bench.office_to_kiosk     # prints the figures (no verdict: nothing is asserted)
"""

from __future__ import annotations

import os
import queue
import random
import statistics
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

_home = tempfile.mkdtemp(prefix="antrian-bench-office-")
os.environ.setdefault("KIVY_HOME", os.path.join(_home, "kivy"))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(_home, "escpos"))
os.makedirs(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"], exist_ok=True)

import requests  # noqa: E402

from bench import print_rows  # noqa: E402
from bench.api import token_of, write_config  # noqa: E402
from kiosk.core import config as config_mod  # noqa: E402
from kiosk.core.clock import WIB, FixedClock  # noqa: E402

MONDAY_0900 = datetime(2026, 11, 30, 9, 0, tzinfo=WIB)
ROUNDS = int(os.environ.get("BENCH_OFFICE_ROUNDS", "12"))
CALLS = 300
OFFICE_TOKEN = "bench-office-token-kasi-0123456789"
TARGET_S = 10.0
REASON = "Blangko KTP-el habis hari ini"


def start_server(folder: Path) -> tuple[Any, Any, str]:
    """(running server, its BookingApi, base URL): the kiosk MPP-1 and the supervisor kasi in its tokens file."""
    from kiosk.server.app import create_app, token_hash
    from kiosk.server.run import RunningServer

    path = write_config(folder)
    lines = [f"MPP-1 {token_hash(token_of('MPP-1'))}", f"kasi {token_hash(OFFICE_TOKEN)} office"]
    (folder / "tokens").write_text("\n".join(lines) + "\n", encoding="utf-8")
    path.write_text(path.read_text("utf-8").replace("# tokens_file =", 'tokens_file = "tokens"  #'), "utf-8")
    config = config_mod.load(path)
    app = create_app(config, None, FixedClock(MONDAY_0900))
    running = RunningServer(app, threads=8)
    return running, app.extensions["antrian"], f"http://127.0.0.1:{running.port}"


def poll_cost(base: str) -> dict[str, float]:
    """Median ms per request, interleaved, after a warm-up."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token_of('MPP-1')}"
    health = {"printer": "ready", "unsynced": 0, "time": MONDAY_0900.isoformat()}
    calls = {
        "quotas": lambda: session.get(base + "/v1/quotas", timeout=30).json(),
        "health_report": lambda: session.post(
            base + "/v1/kiosks/health", json=health, headers={"Idempotency-Key": str(time.time_ns())}, timeout=30
        ),
        "health": lambda: session.get(base + "/v1/health", timeout=30).json(),
    }
    for _ in range(30):
        for call in calls.values():
            call()
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(CALLS):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append((time.perf_counter() - started) * 1000)
    session.close()
    return {name: statistics.median(values) for name, values in times.items()}


def latencies(base: str, kiosk_folder: Path) -> tuple[list[float], float]:
    """Seconds from each office change to the kiosk's UI thread holding it; and the poll interval."""
    from bench.ui import _prepare_kivy

    _prepare_kivy()
    from kivy.clock import Clock

    from kiosk.backends.http import HttpBackend
    from kiosk.bootstrap import build_kiosk
    from kiosk.ui.app import STATUS_POLL_S, KioskApp

    config = config_mod.load(write_config(kiosk_folder, base + "/v1", "MPP-1"))
    clock = FixedClock(MONDAY_0900)
    backend = HttpBackend(config, auto_sync=False, clock=clock)
    kiosk = build_kiosk(config, clock=clock, backend=backend)
    app = KioskApp(kiosk, config)
    seen: queue.Queue[tuple[str, float]] = queue.Queue()
    state = {"ktp": "unknown"}

    def quotas_changed(_app: Any, quotas: list[Any]) -> None:  # on the UI thread, as home's slots line
        ktp = next((q for q in quotas if q.service.code == "KTP"), None)
        now = "closed" if ktp is not None and ktp.closed_reason is not None else "open"
        if now != state["ktp"]:
            state["ktp"] = now
            seen.put((now, time.perf_counter()))

    app.bind(quotas=quotas_changed)
    found: list[float] = []
    office = requests.Session()
    office.headers["Authorization"] = f"Bearer {OFFICE_TOKEN}"

    def drive() -> None:
        try:
            first, _at = seen.get(timeout=120)  # the first poll: KTP open
            assert first == "open", first
            for n in range(ROUNDS):
                time.sleep(random.uniform(0, STATUS_POLL_S))  # any phase against the kiosk's timer
                close = n % 2 == 0
                action = "close" if close else "open"
                body = {"reason": REASON} if close else None
                started = time.perf_counter()
                answer = office.post(f"{base}/v1/office/services/KTP/{action}", json=body, timeout=30)
                answer.raise_for_status()
                state_now, at = seen.get(timeout=120)
                assert state_now == ("closed" if close else "open"), state_now
                found.append(at - started)
        finally:
            Clock.schedule_once(lambda _dt: app.stop(), 0)

    driver = threading.Thread(target=drive, name="bench-office", daemon=True)
    driver.start()
    app.run()
    driver.join(timeout=30)
    office.close()
    backend.close()
    return found, STATUS_POLL_S


def measure() -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="antrian-bench-office-site-") as tmp:
        folder = Path(tmp)
        running, api, base = start_server(folder / "server")
        try:
            cost = poll_cost(base)
            found, interval = latencies(base, folder / "kiosk")
        finally:
            running.stop()
            api.close()
    return {"cost": cost, "latencies": found, "interval": interval}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def row(metric: str, value: object, unit: str, target: str, met: bool | None, note: str = "") -> dict[str, Any]:
    return {"metric": metric, "value": value, "unit": unit, "target": target, "met": met, "note": note}


def results() -> list[dict[str, Any]]:
    f = measure()
    found, cost, interval = f["latencies"], f["cost"], f["interval"]
    worst = max(found) if found else None
    rounds = f"{len(found)} changes (close, open alternately) at random phases; status poll every {interval:g} s"
    per_poll = cost["quotas"] + cost["health_report"]
    kiosks = 10
    return [
        row("office: change -> online kiosk holds it, median", round(statistics.median(found), 2), "s", "", None),
        row(
            "office: change -> online kiosk holds it, max",
            round(worst, 2) if worst is not None else None,
            "s",
            f"<= {TARGET_S:g}",
            worst is not None and worst <= TARGET_S and len(found) == ROUNDS,
            f"{rounds}; p90 {percentile(found, 0.9):.2f} s",
        ),
        row(
            "office: one kiosk status poll, GET /v1/quotas + POST /v1/kiosks/health, median",
            round(per_poll, 2),
            "ms",
            "",
            None,
            f"quotas {cost['quotas']:.2f} ms, health report {cost['health_report']:.2f} ms, GET /v1/health "
            f"{cost['health']:.2f} ms (the floor of any request); {kiosks} kiosks: "
            f"{kiosks * 2 / interval:g} requests/s, about {kiosks * per_poll / interval:.1f} ms of work per second; "
            f"loopback, client in the same process, median of {CALLS}",
        ),
    ]


def main() -> None:
    print_rows(results())


if __name__ == "__main__":
    main()
