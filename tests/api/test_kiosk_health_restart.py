"""A kiosk's last health report outlives a restart of ``kiosk serve``: the office still sees when
the kiosk was last seen and its printer, not "never seen" until its next report."""

# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import requests
from api_support import hasher, kiosk_config, root  # noqa: F401
from test_serve_cli import KIOSK, serve, stop

from kiosk.backends.http import HttpBackend
from kiosk.core.clock import FixedClock
from kiosk.core.nik import NikHasher
from kiosk.core.ports import PrinterReadiness
from kiosk.core.usecases import Kiosk


def new_token(*command: str) -> tuple[str, str]:
    made = subprocess.run([*KIOSK, *command], capture_output=True, text=True, check=True, timeout=120)
    token, line = [ln for ln in made.stdout.splitlines() if not ln.startswith("#")]
    return token, line


def kiosk_seen(url: str, office_token: str, kiosk_id: str) -> dict[str, Any]:
    answer = requests.get(url + "/office/status", headers={"Authorization": f"Bearer {office_token}"}, timeout=30)
    assert answer.status_code == 200, answer.text
    kiosks: list[dict[str, Any]] = answer.json()["kiosks"]
    return next(k for k in kiosks if k["id"] == kiosk_id)


def test_the_office_still_sees_a_kiosk_last_seen_at_its_time_after_the_server_restarts(
    tmp_path: Path, hasher: NikHasher
) -> None:
    config_path = root.write_config(tmp_path, {"# tokens_file =": 'tokens_file = "tokens"  #'})
    kiosk_token, kiosk_line = new_token("server-token", "MPP-1")
    office_token, office_line = new_token("office-token", "kasi", "--config", str(config_path))
    (tmp_path / "tokens").write_text(f"{kiosk_line}\n{office_line}\n", encoding="utf-8")

    server, url = serve(config_path)
    try:
        config = kiosk_config(tmp_path / "kiosk", url, "MPP-1")
        (tmp_path / "kiosk" / "token").write_text(kiosk_token + "\n", encoding="utf-8")
        clock = FixedClock(root.MONDAY_0800)
        backend = HttpBackend(config, auto_sync=False, clock=clock)
        kiosk = Kiosk(config=config, backend=backend, hasher=hasher, clock=clock, printer=None)
        try:
            kiosk.report_health(PrinterReadiness(can_print=True, state="ready", warning="paper_near_end"))
        finally:
            backend.close()
        before = kiosk_seen(url, office_token, "MPP-1")
        assert before["last_seen"] is not None and before["printer"] == "paper_near_end"
    finally:
        stop(server)

    server, url = serve(config_path)  # a new process: nothing of the first one's memory
    try:
        after = kiosk_seen(url, office_token, "MPP-1")
    finally:
        stop(server)
    assert after["last_seen"] == before["last_seen"] == before["reported_at"]
    assert after["printer"] == "paper_near_end" and after["unsynced"] == 0
    assert after["kiosk_time"].startswith("2026-11-30T08:00")
