"""Boot figures under a real systemd in a container (the harness of tests/boot): how long from
the container's boot to the kiosk's READY=1, and from a frozen UI to a kiosk running again.

The container is installed once as docs/deployment.md says, then booted ``BOOTS`` times
(power off, boot: the kiosk starts by itself) and frozen ``FREEZES`` times (SIGSTOP of the
kiosk: the watchdog, ``WatchdogSec=30``, kills and restarts it).

    python -m bench.boot

Times come from the container's journal (it shares the host's clock): boot = systemd-nspawn
started, READY = the
"Started kiosk.service" line (systemd writes it when READY=1 arrives), restarted = the next
"Started" line after the SIGSTOP.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "boot"))

from boot_support import INSTALL, Container, rootfs, venv, wait_for  # noqa: E402

BOOTS = 3
FREEZES = 2
PATIENCE_S = 300.0


def _stamps(container: Container, pattern: str, *args: str) -> list[float]:
    out = container.exec("journalctl", "--no-pager", "-o", "short-unix", *args).stdout
    return [float(line.split(" ", 1)[0]) for line in out.splitlines() if pattern in line]


def _active(container: Container, restarts: int = 0) -> bool:
    if int(container.prop("kiosk.service", "NRestarts") or 0) < restarts:
        return False
    return container.systemctl("is-active", "kiosk.service").stdout.strip() == "active"


def results() -> list[dict[str, Any]]:
    started = time.monotonic()
    cold = time.monotonic()
    root = rootfs()
    env = venv(root)
    cache_s = time.monotonic() - cold
    with tempfile.TemporaryDirectory(prefix="antrian-bench-boot-") as tmp:
        folder = Path(tmp)
        binds = [f"--bind-ro={ROOT}:/opt/antrian", f"--bind-ro={env}:/opt/antrian/.venv"]
        box = Container(root, folder / "state", binds, folder / "console.log")
        box.start()
        try:
            box.wait_booted()
            installed = box.sh(INSTALL, timeout=600)
            if installed.returncode != 0:
                raise RuntimeError(installed.stderr[-2000:])
            boot_to_ready: list[float] = []
            for _ in range(BOOTS):
                box.stop()
                box.start()
                wait_for("kiosk active", lambda: _active(box), PATIENCE_S)
                ready = _stamps(box, "Started kiosk.service", "-b", "0", "-u", "kiosk.service")[0]
                boot_to_ready.append(ready - box.started_at)
            freeze_to_restarted: list[float] = []
            for n in range(FREEZES):
                frozen_at = time.time()
                box.check("systemctl", "kill", "--signal=SIGSTOP", "--kill-whom=main", "kiosk.service")
                wait_for("kiosk restarted", lambda n=n: _active(box, restarts=n + 1), PATIENCE_S)
                back = _stamps(box, "Started kiosk.service", "-u", "kiosk.service", f"--since=@{int(frozen_at)}")
                freeze_to_restarted.append(max(back) - frozen_at)
        finally:
            box.stop()
    note_boot = ", ".join(f"{v:.1f}" for v in boot_to_ready)
    note_freeze = ", ".join(f"{v:.1f}" for v in freeze_to_restarted)
    return [
        {
            "metric": "boot: container boot to kiosk READY=1, median",
            "value": round(statistics.median(boot_to_ready), 1),
            "unit": "s",
            "target": "",
            "met": None,
            "note": f"{BOOTS} boots: {note_boot} s; llvmpipe offscreen, 1080x1920",
        },
        {
            "metric": "boot: UI frozen (SIGSTOP) to kiosk running again, median",
            "value": round(statistics.median(freeze_to_restarted), 1),
            "unit": "s",
            "target": "<= 45",
            "met": statistics.median(freeze_to_restarted) <= 45,
            "note": f"{FREEZES} freezes: {note_freeze} s; WatchdogSec=30, RestartSec=3",
        },
        {
            "metric": "boot: cached root and venv found or built",
            "value": round(cache_s, 1),
            "unit": "s",
            "target": "",
            "met": None,
            "note": "about a minute more when built from nothing (mmdebstrap, pip wheel)",
        },
        {"metric": "bench run time", "value": round(time.monotonic() - started), "unit": "s"},
    ]


if __name__ == "__main__":
    for row in results():
        print(row)
