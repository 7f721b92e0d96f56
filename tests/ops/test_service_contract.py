"""The app keeps kiosk.service's promises: run as the unit runs it, under a stand-in systemd.

``kiosk run`` is started the way kiosk.service starts it, with the unit's own Environment=
lines (paths moved into tmp_path; SDL_VIDEODRIVER dropped: there is no DRM screen here, Kivy
renders offscreen). A datagram socket in tmp_path plays systemd's notify socket. The app must
say READY=1 once the home screen is up, then ping WATCHDOG=1 at half WatchdogSec, and stop
on SIGTERM, which is how ``systemctl stop`` and the watchdog end it.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
from pathlib import Path

import pytest

from kiosk.demo import write_demo

ROOT = Path(__file__).resolve().parents[2]
KIOSK = ROOT / ".venv" / "bin" / "kiosk"


def unit_environment(tmp_path: Path, config: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER")}
    for name, value in re.findall(r"^Environment=([A-Z_]+)=(.*)$", (ROOT / "kiosk.service").read_text(), re.M):
        env[name] = value
    env.pop("SDL_VIDEODRIVER")  # kmsdrm needs a real screen
    (tmp_path / "escpos").mkdir()
    env.update(
        ANTRIAN_CONFIG=str(config),
        KIVY_HOME=str(tmp_path / "kivy"),
        ESCPOS_CAPABILITIES_PICKLE_DIR=str(tmp_path / "escpos"),
        WATCHDOG_USEC="1000000",
    )
    return env


@pytest.mark.ui
@pytest.mark.slow
def test_the_kiosk_reports_ready_pings_the_watchdog_and_stops_on_sigterm(tmp_path):
    config = write_demo(tmp_path / "site")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify"))
    env = unit_environment(tmp_path, config)
    env["NOTIFY_SOCKET"] = str(tmp_path / "notify")
    proc = subprocess.Popen(
        [str(KIOSK), "run", "--size", "540x960"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    messages: list[str] = []
    try:
        sock.settimeout(90)  # a cold start of Kivy on a busy machine, not a speed claim
        while messages.count("WATCHDOG=1") < 3:
            messages.append(sock.recv(4096).decode())
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        sock.close()
    errors = proc.stderr.read() if proc.stderr else ""
    proc.stderr.close()
    assert messages[0].splitlines()[0] == "READY=1", errors[-2000:]
    assert set(messages[1:]) == {"WATCHDOG=1"}
    assert code == -signal.SIGTERM  # ended by the signal, not after a stop timeout's SIGKILL
