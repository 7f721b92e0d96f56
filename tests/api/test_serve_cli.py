"""``kiosk serve`` as a technician runs it: a real process, real tokens, kiosks talk to it."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import requests
from api_support import free_port, kiosk_config, root

from kiosk.backends.http import HttpBackend
from kiosk.core.clock import FixedClock

KIOSK = [sys.executable, "-c", "from kiosk.cli import run; run()"]


def test_kiosk_serve_serves_the_api_to_a_kiosk_holding_a_token_made_by_server_token(tmp_path: Path) -> None:
    made = subprocess.run([*KIOSK, "server-token", "MPP-1"], capture_output=True, text=True, check=True)
    token, line = [ln for ln in made.stdout.splitlines() if not ln.startswith("#")]
    (tmp_path / "tokens").write_text(line + "\n", encoding="utf-8")
    config_path = root.write_config(tmp_path, {"# tokens_file =": 'tokens_file = "tokens"  #'})
    port = free_port()
    server = subprocess.Popen(
        [*KIOSK, "serve", "--config", str(config_path), "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        url = f"http://127.0.0.1:{port}/v1"
        for _ in range(100):
            try:
                if requests.get(url + "/health", timeout=1).json()["status"] == "ok":
                    break
            except requests.ConnectionError:
                time.sleep(0.05)
        config = kiosk_config(tmp_path / "kiosk", url, "MPP-1")
        (tmp_path / "kiosk" / "token").write_text(token + "\n", encoding="utf-8")
        backend = HttpBackend(config, auto_sync=False, clock=FixedClock(root.MONDAY_0800))
        assert {q.service.code for q in backend.quotas(root.MONDAY_0800)} >= {"KTP", "KK"}
        backend.close()
        assert requests.get(url + "/quotas", headers={"Authorization": "Bearer wrong"}, timeout=2).status_code == 401
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_kiosk_serve_without_a_tokens_file_stops_with_a_clear_message(tmp_path: Path) -> None:
    config_path = root.write_config(tmp_path)
    done = subprocess.run([*KIOSK, "serve", "--config", str(config_path)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2
    assert "server.tokens_file" in done.stderr
