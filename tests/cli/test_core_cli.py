"""The staff CLI: documented exit codes 0/2/3/4, clear messages, and no change on bad input."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest
from conftest import MONDAY_0800, NIK_MAN_1945, NIK_WOMAN_1990, ROOT, make_nik, run_cli, write_config

from kiosk.core.clock import FixedClock

KIOSK = ROOT / ".venv" / "bin" / "kiosk"
EXPORT = (
    "code,nik,name,service,date,slot,site,status\n"
    f"MGT7K3Q9,{NIK_WOMAN_1990},Siti Aminah,KTP,2026-11-30,08:00,MPP,booked\n"
    f"MGT4P2X8,{NIK_MAN_1945},Budi Santoso,CETAK,2026-12-01,08:20,MPP,booked\n"
)


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    """The CLI reads the system clock; in these tests it is Monday 08:00 WIB."""
    clock = FixedClock(MONDAY_0800)
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: clock)
    return clock


@pytest.fixture(autouse=True)
def no_real_printer(monkeypatch: pytest.MonkeyPatch) -> None:
    """Until the printer lands the CLI writes the ticket to stdout; keep it that way here."""
    monkeypatch.setattr("kiosk.bootstrap.build_printer", lambda config: None)


def db_rows(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    if not path.exists():
        return {}
    db = sqlite3.connect(path)
    try:
        return {
            table: sorted(db.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in ("bookings", "tickets", "idempotency")
        }
    finally:
        db.close()


@pytest.fixture
def imported(config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    export = tmp_path / "export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    assert run_cli(capsys, "import-bookings", "--config", config_path, export)[0] == 0
    return config_path


def test_a_walk_in_prints_its_ticket_and_exits_0(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "walkin", "--config", config_path, "--service", "ktp", "--nik", NIK_MAN_1945)
    assert code == 0
    assert "A-001" in out and "3520**********01" in out and "Perekaman KTP-el" in out


def test_a_nik_read_from_standard_input_never_appears_on_the_command_line(
    config_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # sudo, su and runuser log the command line to the journal: "--nik -" keeps the NIK out of it.
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(NIK_MAN_1945 + "\n"))
    code, out, _ = run_cli(capsys, "walkin", "--config", config_path, "--service", "KTP", "--nik", "-")
    assert code == 0
    assert "A-001" in out and "3520**********01" in out
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(NIK_MAN_1945 + "\n"))
    code, _, err = run_cli(capsys, "checkin", "--config", config_path, "--nik", "-")
    assert code == 3  # the same person, read the same way: no booking today, a refusal, not bad input
    assert NIK_MAN_1945 not in err


def test_json_output_is_machine_readable(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("walkin", "--config", config_path, "--json", "--service", "KTP", "--nik", NIK_MAN_1945)
    code, out, _ = run_cli(capsys, *argv, "--priority", "elderly")
    assert code == 0
    ticket = json.loads(out)["ticket"]
    assert (ticket["number"], ticket["priority"], ticket["holder"]) == ("A-001", "elderly", "3520**********01")
    code, out, _ = run_cli(capsys, *argv)
    assert code == 3 and json.loads(out)["error"] == "already_has_ticket"


@pytest.mark.parametrize(
    ("argv", "exit_code", "words"),
    [
        (("walkin", "--service", "KTP", "--nik", "3520-0117-0845"), 2, "16 angka"),
        (("walkin", "--service", "KTP", "--nik", "35200117O8450001"), 2, "hanya berisi angka"),
        (("walkin", "--service", "KTP", "--nik", "3520019913450001"), 2, "tanggal lahir"),
        (("walkin", "--service", "PASPOR", "--nik", NIK_MAN_1945), 2, "Layanan tidak dikenal"),
        (("walkin", "--service", "PINDAH", "--nik", NIK_MAN_1945), 3, "antrian-disdukmagetan.com"),
        (("walkin", "--service", "KTP", "--nik", "3520011708920005", "--priority", "elderly"), 3, "60 tahun"),
        (("checkin", "--code", "?!"), 2, "Kode booking tidak sesuai"),
        (("checkin", "--code", "MGT0NONE"), 3, "tidak ditemukan"),
        (("checkin", "--nik", "123"), 2, "16 angka"),
        (("report", "--date", "kemarin"), 2, "2026-11-30"),
        (("reprint", "A-999"), 2, "tidak ditemukan"),
    ],
)
def test_bad_input_exits_2_a_refusal_3_and_nothing_stored_changes(
    imported: Path, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], exit_code: int, words: str
) -> None:
    database = imported.parent / "daybook.sqlite3"
    before = db_rows(database)
    code, _, err = run_cli(capsys, argv[0], "--config", imported, *argv[1:])
    assert code == exit_code
    assert words in err
    assert db_rows(database) == before


def test_messages_come_in_english_on_request(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "walkin", "--config", config_path, "--lang", "en", "--service", "KTP", "--nik", "1")
    assert code == 2 and "16 digits" in err


def test_a_booking_checks_in_once_from_the_cli(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "checkin", "--config", imported, "--nik", NIK_WOMAN_1990)
    assert code == 0 and "A-001" in out and "MGT7K3Q9" in out
    code, _, err = run_cli(capsys, "checkin", "--config", imported, "--code", "MGT7K3Q9")
    assert code == 3 and "A-001" in err
    code, _, err = run_cli(capsys, "checkin", "--config", imported, "--nik", NIK_MAN_1945)
    assert code == 3 and "1 Desember 2026" in err


def test_a_full_service_exits_3_and_points_to_the_booking_website(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path, {"daily_quota = 60": "daily_quota = 1"})
    assert run_cli(capsys, "walkin", "--config", config_path, "--service", "KTP", "--nik", make_nik(1))[0] == 0
    code, _, err = run_cli(capsys, "walkin", "--config", config_path, "--service", "KTP", "--nik", make_nik(2))
    assert code == 3 and "penuh" in err and "antrian-disdukmagetan.com" in err


def test_quota_and_report_show_the_day(imported: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "walkin", "--config", imported, "--service", "KTP", "--nik", make_nik(1))
    code, out, _ = run_cli(capsys, "quota", "--config", imported, "--json")
    ktp = next(q for q in json.loads(out) if q["code"] == "KTP")
    assert code == 0 and (ktp["bookings_valid"], ktp["walk_ins_issued"], ktp["remaining"]) == (1, 1, 58)
    code, out, _ = run_cli(capsys, "report", "--config", imported, "--json", "--date", "2026-11-30")
    row = next(r for r in json.loads(out)["rows"] if r["service_code"] == "KTP")
    assert code == 0 and (row["bookings"], row["walk_ins"]) == (1, 1)


def test_a_missing_database_file_is_created(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    database = config_path.parent / "daybook.sqlite3"
    assert not database.exists()
    assert run_cli(capsys, "quota", "--config", config_path)[0] == 0
    assert database.exists()


@pytest.mark.parametrize("garbage", [b"\x00" * 10, b"SQLite format 3\x00" + b"\xde\xad" * 3000, b"hello world\n" * 500])
def test_a_corrupt_database_file_exits_4_with_a_clear_message_and_is_left_as_it_was(
    config_path: Path, capsys: pytest.CaptureFixture[str], garbage: bytes
) -> None:
    database = config_path.parent / "daybook.sqlite3"
    database.write_bytes(garbage)
    for argv in (("walkin", "--service", "KTP", "--nik", NIK_MAN_1945), ("quota",), ("checkin", "--code", "MGT7K3Q9")):
        code, out, err = run_cli(capsys, argv[0], "--config", config_path, *argv[1:])
        assert code == 4, (argv, out, err)
        assert "Buku harian antrean rusak" in err and "docs/operations.md" in err and str(database) in err
        assert "Traceback" not in err
    assert database.read_bytes() == garbage


def test_an_import_reports_bad_lines_and_keeps_the_good_ones(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    export = tmp_path / "export.csv"
    export.write_text(EXPORT + "MGTBAD01,12,Pendek,KTP,2026-11-30,08:00,MPP,booked\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "import-bookings", "--config", config_path, export)
    assert code == 0
    assert "2 baru" in out and "baris/line 4" in err
    export.write_text("code,nik,name,service,date,slot,site\nX,1,A,KTP,2026-11-30,08:00,MPP\n", encoding="utf-8")
    assert run_cli(capsys, "import-bookings", "--config", config_path, export)[0] == 2
    assert run_cli(capsys, "import-bookings", "--config", config_path, tmp_path / "nothing.csv")[0] == 2


def test_check_config_lists_every_problem_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path, {'prefix = "B"': 'prefix = "A"', "paper_mm = 80": "paper_mm = 76"})
    code, _, err = run_cli(capsys, "check-config", "--config", config_path)
    assert code == 2
    assert "services[1].prefix" in err and "printer.paper_mm" in err and "2 masalah" in err
    assert run_cli(capsys, "check-config", "--config", write_config(tmp_path))[0] == 0


def test_every_command_refuses_a_broken_config_with_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config_path = write_config(tmp_path, {"daily_quota = 60": "daily_quota = -5"})
    for argv in (("quota",), ("walkin", "--service", "KTP", "--nik", NIK_MAN_1945), ("report",)):
        code, _, err = run_cli(capsys, argv[0], "--config", config_path, *argv[1:])
        assert code == 2 and "services[0].daily_quota" in err


def kiosk_process(*argv: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KIOSK), *map(str, argv)], capture_output=True, text=True, timeout=60, cwd=ROOT, check=False
    )


def test_the_installed_kiosk_command_keeps_the_documented_exit_codes(config_path: Path) -> None:
    assert kiosk_process("check-config", "--config", config_path).returncode == 0
    bad = kiosk_process("walkin", "--config", config_path, "--service", "KTP", "--nik", "12345")
    assert bad.returncode == 2 and "NIK harus 16 angka" in bad.stderr
    assert (
        kiosk_process("walkin", "--config", config_path, "--service", "PINDAH", "--nik", NIK_MAN_1945).returncode == 3
    )
    (config_path.parent / "daybook.sqlite3").write_bytes(b"not a database" * 100)
    fault = kiosk_process("quota", "--config", config_path)
    assert fault.returncode == 4 and "Traceback" not in fault.stderr
    broken = config_path.parent / "broken.toml"
    broken.write_text("[site\n", encoding="utf-8")
    assert kiosk_process("check-config", "--config", broken).returncode == 2
    assert kiosk_process("nonsense-command").returncode == 2


def test_served_numbers_set_the_pace_of_the_wait_estimate(
    config_path: Path, capsys: pytest.CaptureFixture[str], monday_morning: FixedClock
) -> None:
    from datetime import timedelta

    for index in range(5):
        run_cli(capsys, "walkin", "--config", config_path, "--service", "KTP", "--nik", make_nik(index))
    for number in ("A-001", "A-002", "A-003"):
        monday_morning.travel(timedelta(minutes=10))
        assert run_cli(capsys, "served", "--config", config_path, number)[0] == 0
    assert run_cli(capsys, "served", "--config", config_path, "A-003")[0] == 3  # already called
    assert run_cli(capsys, "served", "--config", config_path, "Z-999")[0] == 3
    code, out, _ = run_cli(
        capsys, "walkin", "--config", config_path, "--json", "--service", "KTP", "--nik", make_nik(9)
    )
    ticket = json.loads(out)["ticket"]
    # Two still waiting. Two intervals of ten minutes are known: the pace moves two
    # tenths of the way from the default six to today's ten (6.8 a person; docs/calling.md).
    assert code == 0 and (ticket["people_ahead"], ticket["wait_minutes"]) == (2, 14)
