"""The booking API in its own process, like ``kiosk serve``, on a fixed clock, for kill tests.

Usage: python server_process.py FOLDER PORT [QUOTA]
Serves the day book ``FOLDER/daybook.sqlite3`` on 127.0.0.1:PORT with the tokens of
``api_support.KIOSKS`` (with QUOTA: that daily quota for KTP, CETAK and KK) and the clock
stopped at Monday 08:00 WIB (inside opening hours, so that the verdicts never depend on when
the test runs). A ``FOLDER/tokens`` file, if the test wrote one, is the server's tokens file
too (a supervisor's token, say). Prints ``READY`` once it listens; runs until killed. A restart on the same
folder and port continues the same day.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
from api_support import KIOSKS, MONDAY_0800, SECRET, todays_bookings, token_of, write_config

from kiosk.core import config as config_mod
from kiosk.core.clock import FixedClock
from kiosk.core.nik import NikHasher
from kiosk.server.app import create_app, token_hash
from kiosk.server.run import RunningServer

HERE = Path(__file__).resolve().parent


def quotas(quota: int | None) -> dict[str, str]:
    """Config edits giving KTP, CETAK and KK this daily quota (AKTA keeps its 30: it runs out)."""
    if quota is None:
        return {}
    return {f"daily_quota = {n}\n": f"daily_quota = {quota}\n" for n in (60, 80, 40)}


class ServerProcess:
    """A server process on a fixed folder and port, to SIGKILL and start again."""

    def __init__(self, folder: Path, port: int, quota: int | None = None) -> None:
        self.folder = folder
        self.port = port
        self.quota = quota
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self, timeout_s: float = 60.0) -> None:
        """Start and wait until ``/health`` answers (a condition, with a generous timeout)."""
        process = subprocess.Popen(
            [sys.executable, str(HERE / "server_process.py"), str(self.folder), str(self.port)]
            + ([str(self.quota)] if self.quota else []),
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder.parent / f"server-{self.port}.log", "a", encoding="utf-8"),  # noqa: SIM115
            cwd=HERE,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.process = process
        self.starts += 1
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"server process ended with {process.returncode}")
            try:
                if requests.get(self.url + "/health", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("server process did not answer /health")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, like a power cut."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)
        self.process = None


def main() -> int:
    folder, port = Path(sys.argv[1]), int(sys.argv[2])
    quota = int(sys.argv[3]) if len(sys.argv) > 3 else None
    folder.mkdir(parents=True, exist_ok=True)
    edits = {'kiosk_id = "MPP-1"': 'kiosk_id = "SERVER"', **quotas(quota)}
    if (folder / "tokens").exists():  # a tokens file the test wrote (a supervisor's token, say), read live
        edits["# tokens_file ="] = 'tokens_file = "tokens"  #'
    config = config_mod.load(write_config(folder, edits))
    app = create_app(config, {k: token_hash(token_of(k)) for k in KIOSKS}, FixedClock(MONDAY_0800))
    app.extensions["antrian"].book("").upsert_bookings(todays_bookings(NikHasher(SECRET)))
    running = RunningServer(app, port=port, threads=8)
    print("READY", running.port, flush=True)
    threading.Event().wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
