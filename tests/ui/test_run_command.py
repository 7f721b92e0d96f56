"""`kiosk run` end to end: a real process that tells systemd it is ready, runs alone, and stops on SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest
from conftest import write_config

pytestmark = [pytest.mark.ui, pytest.mark.slow]


def kiosk_process(config_path, notify_path, env_home):
    env = dict(os.environ, NOTIFY_SOCKET=str(notify_path), KIVY_HOME=str(env_home))
    env.pop("WATCHDOG_USEC", None)
    return subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from kiosk.cli import run; run()",
            "run",
            "--config",
            str(config_path),
            "--size",
            "270x480",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_kiosk_run_is_ready_runs_once_and_stops_on_sigterm(tmp_path):
    config_path = write_config(tmp_path, {"fullscreen = true": "fullscreen = false"})
    notify_path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(notify_path))
    sock.settimeout(60)
    first = kiosk_process(config_path, notify_path, tmp_path / "kivy1")
    try:
        message = sock.recv(256).decode()
        assert message.startswith("READY=1")

        second = kiosk_process(config_path, notify_path, tmp_path / "kivy2")
        _out, err = second.communicate(timeout=60)
        assert second.returncode == 4
        assert "sudah berjalan" in err

        first.send_signal(signal.SIGTERM)
        first.wait(timeout=30)
        assert first.returncode == -signal.SIGTERM  # cleaned up, then ended by the signal itself
        sock.settimeout(1)
        assert "STOPPING=1" in sock.recv(256).decode()  # it stopped the app, not just died
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        sock.close()
