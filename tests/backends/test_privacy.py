"""No raw NIK at rest, in logs or in CLI output (UU 23/2006 art. 84, UU 27/2022 PDP)."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from conftest import MONDAY_0800, make_nik, sqlite_bytes

from kiosk import cli
from kiosk.core.clock import FixedClock

# The NIKs of this test: booked ones, walk-ins, a woman's, one from Jakarta.
BOOKED = [make_nik(i) for i in range(5)] + [make_nik(7, female=True), make_nik(9, region="317101")]
WALK_INS = [make_nik(100 + i) for i in range(6)]


def test_no_raw_nik_reaches_the_database_file_the_log_or_the_terminal(
    config_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    clock = FixedClock(MONDAY_0800)
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: clock)
    monkeypatch.setattr("kiosk.bootstrap.build_printer", lambda config: None)
    caplog.set_level(logging.DEBUG)
    export = tmp_path / "export.csv"
    rows = [f"MGT{i:05d},{nik},Warga {i},KTP,2026-11-30,08:00,MPP,booked" for i, nik in enumerate(BOOKED)]
    rows.append(f"MGTBAD01,{BOOKED[0]},Geser,{BOOKED[1]},2026-11-30,08:00,MPP,{BOOKED[2]}")  # a shifted row
    export.write_text("code,nik,name,service,date,slot,site,status\n" + "\n".join(rows) + "\n", encoding="utf-8")

    out = []

    def run(*argv: str | Path) -> int:
        code = cli.main(["-v", *map(str, argv)])
        out.append("".join(capsys.readouterr()))
        return code

    assert run("import-bookings", "--config", config_path, export) == 0
    assert run("import-bookings", "--config", config_path, "--json", export) == 0
    for nik in BOOKED[:4]:
        assert run("checkin", "--config", config_path, "--nik", nik) == 0
    assert run("checkin", "--config", config_path, "--json", "--nik", BOOKED[4]) == 0
    assert run("checkin", "--config", config_path, "--nik", BOOKED[0]) == 3  # already checked in
    for nik in WALK_INS:
        assert run("walkin", "--config", config_path, "--service", "CETAK", "--nik", nik) == 0
    assert run("walkin", "--config", config_path, "--json", "--service", "CETAK", "--nik", WALK_INS[0]) == 3
    assert run("walkin", "--config", config_path, "--service", "KK", "--nik", WALK_INS[0], "--priority", "elderly") == 0
    assert run("reprint", "--config", config_path, "B-001") == 0
    assert run("report", "--config", config_path, "--json") == 0
    assert run("quota", "--config", config_path) == 0

    stored = sqlite_bytes(config_path.parent / "daybook.sqlite3")
    assert len(stored) > 0
    terminal = "\n".join(out)
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert "3520" in terminal  # masked NIKs are shown, so the check below looks at real output
    for nik in BOOKED + WALK_INS:
        assert nik.encode() not in stored
        assert nik not in terminal
        assert nik not in logged


def test_the_site_secret_is_created_readable_by_the_kiosk_user_only(
    config_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("kiosk.bootstrap.build_printer", lambda config: None)
    secret = config_path.parent / "site.secret"
    assert not secret.exists()
    cli.main(["quota", "--config", str(config_path)])
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    first = secret.read_bytes()
    assert len(first) >= 16
    cli.main(["quota", "--config", str(config_path)])
    assert secret.read_bytes() == first  # never overwritten: the stored hashes depend on it


def test_kiosks_starting_at_once_agree_on_one_secret_and_leave_no_temporary_file(tmp_path: Path) -> None:
    import subprocess
    import sys

    secret = tmp_path / "site.secret"
    code = (
        "import sys; from pathlib import Path; from kiosk.backends.secret import load_or_create; "
        f"sys.stdout.write(load_or_create(Path({str(secret)!r})).hex())"
    )
    workers = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True) for _ in range(4)]
    seen = {worker.communicate(timeout=60)[0] for worker in workers}
    assert seen == {secret.read_bytes().hex()}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site.secret"]
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600


def test_a_secret_too_short_to_be_ours_is_a_fault_not_silently_replaced(tmp_path: Path) -> None:
    from kiosk.backends.secret import load_or_create
    from kiosk.core.errors import SystemFault

    secret = tmp_path / "site.secret"
    secret.write_bytes(b"")
    with pytest.raises(SystemFault):
        load_or_create(secret)
    assert secret.read_bytes() == b""
