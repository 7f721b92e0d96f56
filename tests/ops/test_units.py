"""The systemd units, sysusers and tmpfiles entries are valid and keep their promises.

``systemd-analyze verify`` checks a unit as systemd would load it, including that ExecStart's
binary exists. The kiosk is not installed in /opt/antrian here, so every check runs against a
throw-away root (``--root``) laid out like an installed kiosk: systemd's own units, the files
from this repository where docs/deployment.md puts them, and an executable at
/opt/antrian/.venv/bin/kiosk. The unit files are verified as they are, not edited copies.
"""

from __future__ import annotations

import configparser
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = ("kiosk.service", "antrian-report.service", "antrian-report.timer", "antrian-server.service")

pytestmark = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd is not installed (scripts/setup.sh installs it)"
)


def install_root(tmp_path: Path, with_cage: bool = False) -> Path:
    """A root with systemd's units and ours installed as docs/deployment.md says."""
    root = tmp_path / "root"
    systemd_units = root / "usr/lib/systemd/system"
    shutil.copytree("/usr/lib/systemd/system", systemd_units, symlinks=True)
    etc_units = root / "etc/systemd/system"
    etc_units.mkdir(parents=True)
    shutil.copy(ROOT / "kiosk.service", etc_units)
    for name in ("antrian-report.service", "antrian-report.timer", "antrian-server.service"):
        shutil.copy(DEPLOY / name, etc_units)
    binaries = [root / "opt/antrian/.venv/bin/kiosk"]
    if with_cage:
        shutil.copytree(DEPLOY / "kiosk.service.d", etc_units / "kiosk.service.d")
        binaries.append(root / "usr/bin/cage")
    for binary in binaries:
        binary.parent.mkdir(parents=True, exist_ok=True)
        binary.write_text("#!/bin/sh\n")
        binary.chmod(0o755)
    return root


def verify(root: Path, unit: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["systemd-analyze", "verify", f"--root={root}", unit], capture_output=True, text=True, timeout=120
    )


def service_section(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read(path)
    return parser["Service"]


@pytest.mark.parametrize("unit", UNITS)
def test_every_unit_verifies_without_a_single_warning(tmp_path, unit):
    result = verify(install_root(tmp_path), unit)
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


def test_the_cage_display_variant_verifies_too(tmp_path):
    result = verify(install_root(tmp_path, with_cage=True), "kiosk.service")
    assert result.returncode == 0, result.stderr
    assert result.stdout + result.stderr == ""


def test_the_check_would_catch_a_misspelt_directive(tmp_path):
    root = install_root(tmp_path)
    unit = root / "etc/systemd/system/kiosk.service"
    unit.write_text(unit.read_text().replace("WatchdogSec=", "WatchdogSecs="))
    result = verify(root, "kiosk.service")
    assert "Unknown key 'WatchdogSecs'" in result.stderr


def test_the_check_would_catch_a_missing_kiosk_binary(tmp_path):
    root = install_root(tmp_path)
    (root / "opt/antrian/.venv/bin/kiosk").unlink()
    result = verify(root, "kiosk.service")
    assert result.returncode != 0
    assert "/opt/antrian/.venv/bin/kiosk" in result.stderr


def test_the_kiosk_unit_restarts_a_hung_ui_and_runs_as_its_own_user():
    service = service_section(ROOT / "kiosk.service")
    assert service["Type"] == "notify"
    assert int(service["WatchdogSec"]) > 0
    assert service["Restart"] == "always"
    assert service["User"] == "antrian"
    assert service["ExecStart"] == "/opt/antrian/.venv/bin/kiosk run"
    assert service["NoNewPrivileges"] == "yes" and service["ProtectSystem"] == "strict"
    assert service["PrivateTmp"] == "yes"
    assert "/var/lib/antrian" in service["ReadWritePaths"]
    env = ROOT.joinpath("kiosk.service").read_text()
    for variable in ("ANTRIAN_CONFIG=/etc/antrian/kiosk.toml", "KIVY_HOME=/var/lib/antrian/", "KIVY_NO_ARGS=1"):
        assert f"Environment={variable}" in env


def test_the_server_unit_is_ready_once_listening_restarts_a_hung_server_and_runs_as_antrian():
    service = service_section(DEPLOY / "antrian-server.service")
    assert service["Type"] == "notify" and service["NotifyAccess"] == "main"
    assert int(service["WatchdogSec"]) > 0
    assert service["Restart"] == "always"
    assert service["User"] == "antrian"
    assert service["ExecStart"] == "/opt/antrian/.venv/bin/kiosk serve"
    assert service["StateDirectoryMode"] == "0750"  # the day book's folder stays closed to others
    text = (DEPLOY / "antrian-server.service").read_text()
    assert "Environment=ANTRIAN_CONFIG=/etc/antrian/server.toml" in text


def test_hardening_leaves_the_screen_touch_and_printers_reachable():
    text = (ROOT / "kiosk.service").read_text()
    service = service_section(ROOT / "kiosk.service")
    groups = service["SupplementaryGroups"].split()
    assert {"video", "render", "input", "lp", "dialout", "audio"} <= set(groups)  # audio: spoken guidance
    assert "PrivateDevices=yes" not in text and "MemoryDenyWriteExecute=yes" not in text
    allowed = set(re.findall(r"^DeviceAllow=(\S+)", text, re.M))
    # drm: screen and GPU; input: touch, scanner; usb_device: libusb printers; usb: /dev/usb/lp*
    assert {"char-drm", "char-input", "char-usb_device", "char-usb", "char-ttyUSB", "char-alsa"} <= allowed
    assert "CacheDirectory=antrian antrian/speech" in text  # [speech] cache_dir of the example config


@pytest.mark.parametrize(("unit", "at_most"), [("kiosk.service", 3.0), ("antrian-server.service", 1.5)])
def test_the_kiosk_and_server_units_are_well_hardened(tmp_path, unit, at_most):
    root = install_root(tmp_path)
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=true", f"--root={root}", "--no-pager", unit],
        capture_output=True,
        text=True,
        timeout=120,
    )
    level = re.search(rf"Overall exposure level for {re.escape(unit)}: ([\d.]+)", result.stdout)
    assert level, result.stdout[-500:] + result.stderr
    # systemd's scale: 0 locked down .. 10 unprotected; an unhardened service scores over 9 "UNSAFE".
    # The server needs no device, GPU or W+X memory: it is held to a stricter bound than the kiosk.
    assert float(level.group(1)) <= at_most


def test_sysusers_creates_the_kiosk_user_in_the_device_groups(tmp_path):
    root = tmp_path / "root"
    (root / "etc/sysusers.d").mkdir(parents=True)
    for name in ("passwd", "group"):  # a Debian box: lp, dialout, video ... exist already
        shutil.copy(f"/etc/{name}", root / "etc" / name)
    shutil.copy(DEPLOY / "sysusers.d/antrian.conf", root / "etc/sysusers.d")
    result = subprocess.run(["systemd-sysusers", f"--root={root}", "antrian.conf"], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    passwd = (root / "etc/passwd").read_text()
    assert re.search(r"^antrian:x:\d+:\d+:[^:]*:/var/lib/antrian:/usr/sbin/nologin$", passwd, re.M)
    groups = {line.split(":")[0]: line.split(":")[3].split(",") for line in (root / "etc/group").read_text().split()}
    for group in ("video", "render", "input", "lp", "dialout"):
        assert "antrian" in groups[group], group


def test_tmpfiles_make_the_config_folder_unreadable_to_others(tmp_path):
    root = tmp_path / "root"
    for sub in ("etc/sysusers.d", "etc/tmpfiles.d"):
        (root / sub).mkdir(parents=True)
    for name in ("passwd", "group"):
        shutil.copy(f"/etc/{name}", root / "etc" / name)
    shutil.copy(DEPLOY / "sysusers.d/antrian.conf", root / "etc/sysusers.d")
    shutil.copy(DEPLOY / "tmpfiles.d/antrian.conf", root / "etc/tmpfiles.d")
    subprocess.run(["systemd-sysusers", f"--root={root}", "antrian.conf"], check=True, capture_output=True)
    result = subprocess.run(
        ["systemd-tmpfiles", f"--root={root}", "--create", "antrian.conf"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (root / "etc/antrian").stat().st_mode & 0o777 == 0o750
    assert (root / "var/lib/antrian").stat().st_mode & 0o007 == 0


def test_the_report_is_made_at_half_past_three_wib_on_working_days_only():
    timer = (DEPLOY / "antrian-report.timer").read_text()
    calendar = re.search(r"^OnCalendar=(.+)$", timer, re.M).group(1)
    result = subprocess.run(
        ["systemd-analyze", "calendar", "--iterations=14", calendar],
        capture_output=True,
        text=True,
        env={"TZ": "UTC", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    runs = re.findall(r"(?:Next elapse|Iter\. #\d+): (\w{3}) \S+ (\d\d:\d\d):\d\d UTC", result.stdout)
    assert len(runs) == 14
    assert {time for _, time in runs} == {"08:30"}  # 15:30 WIB (UTC+7), after the 15:00 close
    assert "Sun" not in {day for day, _ in runs}
