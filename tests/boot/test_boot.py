"""The kiosk, the server and the report timer under a real systemd, in a container (issue 19).

One container is booted for this module (tests/boot/boot_support.py): systemd as PID 1 on a
tmpfs overlay of a cached Debian bookworm root, the worktree read-only at /opt/antrian. The
project is installed as docs/deployment.md says (sysusers, tmpfiles, the config, the units),
with one test drop-in (tests/boot/container.conf) for what a container has not: a screen and a
sound card. Every wait polls systemd's own state or the journal with a generous deadline; no
verdict depends on how fast this machine is.

A machine that cannot build or boot the container fails here with the reason: it never skips.
"""

from __future__ import annotations

import csv
import io
import json
import re
import time

import pytest
from boot_support import INSTALL, ROOT, Container, rootfs, venv, wait_for

from kiosk.demo import made_up_nik

pytestmark = pytest.mark.slow

PATIENCE_S = 180.0  # a cold Kivy start on llvmpipe on a loaded 2-core machine; never a speed claim
KIOSK_ENV = {"ANTRIAN_CONFIG": "/etc/antrian/kiosk.toml", "ESCPOS_CAPABILITIES_PICKLE_DIR": "/var/lib/antrian/escpos"}


class Box:
    """The booted container and what the tests learnt from it (NIKs typed, figures measured)."""

    def __init__(self, container: Container) -> None:
        self.c = container
        self.niks: list[str] = []
        self.figures: dict[str, float] = {}
        self._next = 1000  # a new NIK for every walk-in: the caps allow one per person and service

    def nik(self) -> str:
        self._next += 1
        self.niks.append(made_up_nik(self._next))
        return self.niks[-1]

    def walk_in(self, service: str, config: str = "/etc/antrian/kiosk.toml") -> dict:
        """``kiosk walkin`` as the service user, inside the container, as a technician would type it.

        The NIK goes in on standard input (``--nik -``): runuser logs its command line to the
        journal, and a NIK there is a NIK on disk (seen here before ``--nik -`` existed).
        """
        out = self.c.check(
            "/opt/antrian/.venv/bin/kiosk",
            "walkin",
            "--config",
            config,
            "--service",
            service,
            "--nik",
            "-",
            "--json",
            input=self.nik() + "\n",
            user="antrian",
            env={**KIOSK_ENV, "ANTRIAN_CONFIG": config},
            cwd="/var/lib/antrian",
        )
        return json.loads(out)

    def active(self, unit: str) -> bool:
        return self.c.systemctl("is-active", unit).stdout.strip() == "active"

    def wait_active(self, unit: str, restarts: int | None = None) -> None:
        def ready() -> bool:
            if restarts is not None and int(self.c.prop(unit, "NRestarts") or 0) < restarts:
                return False
            return self.active(unit)

        wait_for(f"{unit} to be active" + (f" after {restarts} restarts" if restarts else ""), ready, PATIENCE_S)

    def wait_for_a_ping(self, unit: str) -> None:
        """A WATCHDOG=1 reaches systemd: the timestamp it keeps moves on, in the same process."""
        pid, restarts = self.c.prop(unit, "MainPID"), self.c.prop(unit, "NRestarts")
        first = self.c.prop(unit, "WatchdogTimestampMonotonic")
        assert first not in ("", "0"), f"{unit} has no watchdog armed"

        def pinged() -> bool:
            assert (self.c.prop(unit, "MainPID"), self.c.prop(unit, "NRestarts")) == (pid, restarts)
            return self.c.prop(unit, "WatchdogTimestampMonotonic") != first

        wait_for(f"a watchdog ping from {unit}", pinged, PATIENCE_S)

    def journal_stamps(self, unit: str, pattern: str, *args: str) -> list[float]:
        """Unix times of the journal lines of ``unit`` (all units: "") that match ``pattern``."""
        out = self.c.exec("journalctl", "--no-pager", "-o", "short-unix", *(["-u", unit] if unit else []), *args).stdout
        return [float(line.split(" ", 1)[0]) for line in out.splitlines() if re.search(pattern, line)]


def next_seq(before: dict, after: dict) -> int:
    """The number after ``before``'s: the next of the same day, or 1 if WIB's midnight came between."""
    return before["seq"] + 1 if after["day"] == before["day"] else 1


@pytest.fixture(scope="module")
def box(tmp_path_factory: pytest.TempPathFactory):
    """Boot once to install (as docs/deployment.md says), power off, boot again: the kiosk must come up by itself."""
    started = time.monotonic()
    root = rootfs()
    env = venv(root)
    folder = tmp_path_factory.mktemp("boot")
    binds = [f"--bind-ro={ROOT}:/opt/antrian", f"--bind-ro={env}:/opt/antrian/.venv"]
    container = Container(root, folder / "state", binds, folder / "console.log")
    box = Box(container)
    try:
        container.start()
        container.wait_booted()
        installed = container.sh(INSTALL, timeout=600)
        assert installed.returncode == 0, installed.stdout[-3000:] + installed.stderr[-3000:]
        assert container.stop() == 0  # a clean poweroff
        box.figures["setup_s"] = time.monotonic() - started
        container.start()
        container.wait_booted()
        yield box
    finally:
        container.stop()
        box.figures["module_s"] = time.monotonic() - started
        # For docs/benchmarks.md; measured, never asserted.
        figures = {key: round(value, 1) for key, value in box.figures.items()}
        (folder / "figures.json").write_text(json.dumps(figures))
        print("\nboot test figures:", json.dumps(figures))


def test_the_kiosk_starts_at_boot_reaches_active_through_ready_and_draws_its_first_frame(box):
    box.wait_active("kiosk.service")
    assert box.c.prop("kiosk.service", "Type") == "notify"
    assert box.c.prop("kiosk.service", "StatusText") == "Kiosk siap / ready"  # sent with READY=1
    this_boot = ("-b", "0")
    wait_for(
        "the first frame in the journal", lambda: box.journal_stamps("kiosk.service", "first frame drawn", *this_boot)
    )
    starting = box.journal_stamps("kiosk.service", r"Starting kiosk\.service", *this_boot)
    started = box.journal_stamps("kiosk.service", r"Started kiosk\.service", *this_boot)
    box.figures["boot_to_ready_s"] = started[0] - box.c.started_at  # from systemd-nspawn's start
    box.figures["start_to_ready_s"] = started[0] - starting[0]
    # The hardening let Kivy, Mesa and SDL start: llvmpipe drew the home screen offscreen.
    journal = box.c.journal("-u", "kiosk.service", *this_boot)
    assert "OpenGL renderer <b'llvmpipe" in journal
    assert "watchdog: a ping every 15.0 s from the UI clock" in journal
    box.wait_for_a_ping("kiosk.service")  # the UI clock's pings reach systemd


def test_the_folders_have_the_owners_and_modes_the_units_promise(box):
    box.wait_active("kiosk.service")
    box.c.check("systemctl", "start", "antrian-report.service")  # it shares /var/lib/antrian: must not widen it
    stat = box.c.check(
        "stat",
        "-c",
        "%n %U:%G %a",
        "/etc/antrian",
        "/etc/antrian/kiosk.toml",
        "/var/lib/antrian",
        "/var/lib/antrian/escpos",
        "/var/lib/antrian/tickets",
        "/var/lib/antrian/reports",
        "/var/lib/antrian/site.secret",
        "/var/lib/antrian/daybook.sqlite3",
        "/var/cache/antrian",
        "/var/cache/antrian/speech",
    )
    assert stat.split("\n")[:-1] == [
        "/etc/antrian root:antrian 750",
        "/etc/antrian/kiosk.toml root:antrian 640",
        "/var/lib/antrian antrian:antrian 750",
        "/var/lib/antrian/escpos antrian:antrian 750",
        "/var/lib/antrian/tickets antrian:antrian 750",
        "/var/lib/antrian/reports antrian:antrian 755",
        "/var/lib/antrian/site.secret antrian:antrian 600",
        "/var/lib/antrian/daybook.sqlite3 antrian:antrian 600",
        "/var/cache/antrian antrian:antrian 750",
        "/var/cache/antrian/speech antrian:antrian 750",
    ]
    # systemd found nothing to correct or complain about in the folders it was told to manage.
    assert "already exists but the mode is different" not in box.c.journal()
    groups = box.c.check("id", "-nG", "antrian").split()
    assert {"video", "render", "input", "lp", "dialout"} <= set(groups)
    # The program is not the kiosk's to change: /opt/antrian is read-only for it.
    denied = box.c.exec("touch", "/opt/antrian/kiosk/x", user="antrian")
    assert denied.returncode != 0


def test_a_walk_in_from_inside_lands_in_the_day_book_and_the_ticket_preview(box):
    box.wait_active("kiosk.service")
    answer = box.walk_in("KTP")
    number = answer["ticket"]["number"]
    assert answer["printed"] is True
    assert number.startswith("A-")
    listing = box.c.check("ls", "/var/lib/antrian/tickets")
    day = answer["ticket"]["day"]
    assert f"{day}_{number}.png" in listing.split() and f"{day}_{number}.bin" in listing.split()
    # The day book in /var/lib/antrian holds it (read as the service user: nobody else may).
    query = f"select number, kind from tickets where id = '{answer['ticket']['id']}'"
    script = f"import sqlite3; print(sqlite3.connect('/var/lib/antrian/daybook.sqlite3').execute({query!r}).fetchall())"
    row = box.c.check("python3", "-c", script, user="antrian")
    assert row.strip() == f"[('{number}', 'walk_in')]"


def test_a_frozen_ui_is_killed_by_the_watchdog_restarted_and_the_numbers_go_on(box):
    box.wait_active("kiosk.service")
    before = box.walk_in("KTP")["ticket"]
    restarts = int(box.c.prop("kiosk.service", "NRestarts"))
    old_pid = box.c.prop("kiosk.service", "MainPID")
    frozen_at = time.time()
    box.c.check("systemctl", "kill", "--signal=SIGSTOP", "--kill-whom=main", "kiosk.service")
    box.wait_active("kiosk.service", restarts=restarts + 1)
    assert box.c.prop("kiosk.service", "MainPID") != old_pid
    journal = box.c.journal("-u", "kiosk.service", f"--since=@{int(frozen_at)}")
    assert "Watchdog timeout" in journal, journal[-3000:]
    assert "Failed with result 'watchdog'" in journal
    back = box.journal_stamps("kiosk.service", r"Started kiosk\.service")
    box.figures["freeze_to_restarted_s"] = max(back) - frozen_at
    after = box.walk_in("KTP")["ticket"]
    assert after["seq"] == next_seq(before, after)


def test_systemctl_stop_ends_the_kiosk_by_sigterm_before_the_stop_timeout(box):
    box.wait_active("kiosk.service")
    stop = box.c.systemctl("stop", "kiosk.service")
    assert stop.returncode == 0, stop.stderr
    assert box.c.prop("kiosk.service", "ActiveState") == "inactive"
    # Ended by the SIGTERM itself (code 2 = killed, signal 15), not by SIGKILL after TimeoutStopSec.
    assert box.c.prop("kiosk.service", "Result") == "success"
    assert (box.c.prop("kiosk.service", "ExecMainCode"), box.c.prop("kiosk.service", "ExecMainStatus")) == ("2", "15")
    assert "timed out" not in box.c.journal("-u", "kiosk.service", "-n", "20")
    box.c.check("systemctl", "start", "kiosk.service")
    box.wait_active("kiosk.service")


def test_the_report_timers_service_writes_the_days_report(box):
    assert box.c.prop("antrian-report.timer", "ActiveState") == "active"
    assert box.c.prop("antrian-report.timer", "Triggers") == "antrian-report.service"
    for _attempt in range(2):  # a second time only if WIB's midnight fell between the two steps
        day = box.walk_in("CETAK")["ticket"]["day"]
        box.c.check("systemctl", "start", "antrian-report.service")
        assert box.c.prop("antrian-report.service", "Result") == "success"
        if box.c.exec("test", "-e", f"/var/lib/antrian/reports/laporan-harian-{day}.csv").returncode == 0:
            break
    rows = list(csv.DictReader(io.StringIO(box.c.check("cat", f"/var/lib/antrian/reports/laporan-harian-{day}.csv"))))
    cetak = next(row for row in rows if row["kode_layanan"] == "CETAK")
    assert int(cetak["datang_langsung"]) >= 1  # the walk-in just issued is counted
    assert box.c.exec("test", "-s", f"/var/lib/antrian/reports/laporan-harian-{day}.png").returncode == 0


def test_the_server_unit_answers_and_a_kiosk_reaches_it_over_loopback(box):
    box.wait_active("antrian-server.service")
    assert box.c.prop("antrian-server.service", "StatusText") == "Server siap / ready"  # READY=1 once it answered
    box.wait_for_a_ping("antrian-server.service")  # its health check answered and pinged
    local = box.walk_in("KK")["ticket"]
    remote = box.walk_in("KK", config="/etc/antrian/mpp2.toml")["ticket"]
    # Kiosk MPP-2 (backend http) got its number from the server over the kiosk's day book.
    assert remote["kiosk_id"] == "MPP-2"
    assert remote["seq"] == next_seq(local, remote)
    server = box.c.journal("-u", "antrian-server.service")
    assert "READY=1" in server


def test_a_hung_server_is_restarted_by_its_watchdog(box):
    box.wait_active("antrian-server.service")
    restarts = int(box.c.prop("antrian-server.service", "NRestarts"))
    box.c.check("systemctl", "kill", "--signal=SIGSTOP", "--kill-whom=main", "antrian-server.service")
    box.wait_active("antrian-server.service", restarts=restarts + 1)
    assert "Watchdog timeout" in box.c.journal("-u", "antrian-server.service")


def test_the_journal_holds_no_nik(box):
    box.walk_in("AKTA")
    # Every field of every entry of every boot (not only the message: _CMDLINE, STATUS=, ...),
    # and the journal files themselves as they lie on disk.
    journal = box.c.exec("journalctl", "--no-pager", "-o", "verbose").stdout
    assert box.niks and "kiosk.service" in journal
    for nik in box.niks:
        assert nik not in journal
    patterns = [arg for nik in box.niks for arg in ("-e", nik)]
    on_disk = box.c.exec("sh", "-c", 'exec grep -a -l -F "$@" /var/log/journal/*/*.journal', "sh", *patterns)
    assert (on_disk.returncode, on_disk.stdout) == (1, "")  # grep: 1 = no line matched, 2 = trouble


def test_the_days_log_exported_for_a_developer_has_the_kiosks_lines_and_no_nik(box):
    box.walk_in("KTP")
    since = time.time()
    box.c.check("systemctl", "restart", "kiosk.service")  # a first frame of today, whenever today began
    box.wait_active("kiosk.service")
    wait_for("the first frame", lambda: [t for t in box.journal_stamps("kiosk.service", "first frame") if t >= since])
    # docs/deployment.md section 8, as root: kiosk export-log --out <stick>
    box.c.check("mkdir", "-p", "/mnt/stick")
    box.c.check("/opt/antrian/.venv/bin/kiosk", "export-log", "--out", "/mnt/stick")  # today, WIB (section 1)
    (name,) = box.c.check("ls", "/mnt/stick").split()
    assert re.fullmatch(r"kiosk-log-\d{4}-\d\d-\d\d\.txt", name)
    exported = box.c.check("cat", f"/mnt/stick/{name}")
    assert "first frame drawn" in exported
    for nik in box.niks:
        assert nik not in exported
