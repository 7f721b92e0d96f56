"""``kiosk serve`` as a technician runs it: a real process, real tokens, kiosks talk to it."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from pathlib import Path

import requests
from api_support import kiosk_config, root

from kiosk.backends.http import HttpBackend
from kiosk.core.clock import FixedClock

KIOSK = [sys.executable, "-c", "from kiosk.cli import run; run()"]
STARTUP_S = 60.0  # imports and opening the day book on a loaded machine; a condition, not a verdict


def listening_url(server: subprocess.Popen[str]) -> str:
    """The URL from the server's "listening on" line, once it says it (read on a side thread)."""
    found: queue.Queue[str] = queue.Queue()
    said: list[str] = []

    def read() -> None:
        assert server.stderr is not None
        for line in server.stderr:
            said.append(line)
            match = re.search(r"listening on (http://\S+/v1)", line)
            if match:
                found.put(match.group(1))
        found.put("")  # the process closed its stderr: it ended

    threading.Thread(target=read, daemon=True).start()
    try:
        url = found.get(timeout=STARTUP_S)
    except queue.Empty:
        url = ""
    assert url, f"kiosk serve did not say where it listens: {''.join(said)}"
    return url


def serve(config_path: Path) -> tuple[subprocess.Popen[str], str]:
    """``kiosk serve`` on port 0 (the server takes a free port itself and says which: a port picked
    here and handed over could be taken by another process in between); (process, its API url)."""
    server = subprocess.Popen(
        [*KIOSK, "serve", "--config", str(config_path), "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        return server, listening_url(server)
    except BaseException:
        stop(server)
        raise


def stop(server: subprocess.Popen[str]) -> None:
    server.terminate()
    server.wait(timeout=60)


def test_kiosk_serve_serves_the_api_to_a_kiosk_holding_a_token_made_by_server_token(tmp_path: Path) -> None:
    made = subprocess.run([*KIOSK, "server-token", "MPP-1"], capture_output=True, text=True, check=True)
    token, line = [ln for ln in made.stdout.splitlines() if not ln.startswith("#")]
    (tmp_path / "tokens").write_text(line + "\n", encoding="utf-8")
    config_path = root.write_config(tmp_path, {"# tokens_file =": 'tokens_file = "tokens"  #'})
    server, url = serve(config_path)
    try:
        assert requests.get(url + "/health", timeout=30).json()["status"] == "ok"
        config = kiosk_config(tmp_path / "kiosk", url, "MPP-1")
        (tmp_path / "kiosk" / "token").write_text(token + "\n", encoding="utf-8")
        backend = HttpBackend(config, auto_sync=False, clock=FixedClock(root.MONDAY_0800))
        assert {q.service.code for q in backend.quotas(root.MONDAY_0800)} >= {"KTP", "KK"}
        backend.close()
        assert requests.get(url + "/quotas", headers={"Authorization": "Bearer wrong"}, timeout=30).status_code == 401
    finally:
        stop(server)


def test_kiosk_serve_without_a_tokens_file_stops_with_a_clear_message(tmp_path: Path) -> None:
    config_path = root.write_config(tmp_path)
    done = subprocess.run([*KIOSK, "serve", "--config", str(config_path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "server.tokens_file" in done.stderr
