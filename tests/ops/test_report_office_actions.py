"""The office's actions of the day in the daily report: the public picture says what changed for
citizens (a closed service, its hours and reason; today's quota; notices) and never who; the
office's record beside it keeps who, when, what and why; a NIK is never in either."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import MONDAY_0800, make_nik
from PIL import Image

from kiosk import cli
from kiosk.core import wire
from kiosk.core.clock import FixedClock

DAY = MONDAY_0800.date().isoformat()


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    clock = FixedClock(MONDAY_0800)
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: clock)
    monkeypatch.setattr("kiosk.bootstrap.build_printer", lambda config: None)
    return clock


def run(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def at(clock: FixedClock, hh: int, mm: int) -> None:
    clock.current = MONDAY_0800.replace(hour=hh, minute=mm)


@pytest.fixture
def a_day_with_office_actions(
    config_path: Path, capsys: pytest.CaptureFixture[str], monday_morning: FixedClock
) -> dict[str, str]:
    """A supervisor's morning: a notice, KTP closed at 10.05 and opened at 13.00, twenty more KK
    slots, a counter's prayer break, and one ticket's holder sent to the information desk."""
    office = ("--config", config_path)
    code, out, _ = run(capsys, "walkin", "--service", "KK", "--nik", make_nik(7), "--json", *office)
    number = json.loads(out)["ticket"]["number"]
    at(monday_morning, 9, 15)
    assert run(capsys, "office", "notice", "Loket 3 melayani lansia", "--until", "12:00", *office)[0] == 0
    at(monday_morning, 10, 5)
    assert run(capsys, "office", "close-service", "KTP", "--reason", "Blangko KTP-el habis", *office)[0] == 0
    at(monday_morning, 10, 30)
    assert run(capsys, "office", "quota", "KK", "80", "--why", "Antrean panjang", *office)[0] == 0
    at(monday_morning, 11, 45)
    code, out, err = run(capsys, "office", "pause", "--counter", "1", "--force", "--why", "Salat zuhur", *office)
    assert code == 0, err
    at(monday_morning, 12, 10)
    why = f"Mengambil banyak nomor, NIK {make_nik(7)}"  # a NIK typed into the reason by mistake
    assert run(capsys, "office", "refer-to-desk", number, "--days", "7", "--why", why, *office)[0] == 0
    at(monday_morning, 13, 0)
    assert run(capsys, "office", "open-service", "KTP", *office)[0] == 0
    monday_morning.current = monday_morning.current + timedelta(hours=4)  # after closing time
    return {"number": number}


def written(config_path: Path, capsys: pytest.CaptureFixture[str], out: Path) -> tuple[str, list[dict[str, str]]]:
    code, printed, err = run(capsys, "report", "--config", config_path, "--date", DAY, "--out", out)
    assert code == 0, err
    actions = out / f"laporan-harian-{DAY}-tindakan-kantor.csv"
    assert str(actions) in printed
    with Image.open(out / f"laporan-harian-{DAY}.png") as image:
        description = str(image.text["Description"])
    with actions.open(encoding="utf-8", newline="") as handle:
        return description, list(csv.DictReader(handle))


def test_the_public_picture_says_what_changed_for_citizens_and_never_who(
    a_day_with_office_actions: dict[str, str], config_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    description, records = written(config_path, capsys, tmp_path / "out")
    assert "Perekaman KTP-el ditutup 10.05–13.00: Blangko KTP-el habis" in description
    assert "Kuota Kartu Keluarga hari ini menjadi 80 sejak 10.30" in description
    assert "Pengumuman 09.15–12.00: Loket 3 melayani lansia" in description
    supervisor = records[0]["petugas"]
    assert supervisor.startswith("local")
    png = (tmp_path / "out" / f"laporan-harian-{DAY}.png").read_bytes()
    internal = ("Salat zuhur", "Mengambil", "Antrean panjang")  # a break's, a referral's and a quota's reasons
    for private in (supervisor, a_day_with_office_actions["number"], make_nik(7), *internal):
        assert private not in description and private.encode() not in png


def test_the_offices_record_keeps_who_when_what_and_why_and_no_nik(
    a_day_with_office_actions: dict[str, str], config_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    _, records = written(config_path, capsys, tmp_path / "out")
    assert [(r["waktu"], r["kode_tindakan"], r["sasaran"]) for r in records] == [
        ("09:15:00", "notice", "kiosk"),
        ("10:05:00", "close-service", "KTP"),
        ("10:30:00", "quota", "KK"),
        ("11:45:00", "pause", "1"),
        ("12:10:00", "refer-to-desk", a_day_with_office_actions["number"]),
        ("13:00:00", "open-service", "KTP"),
    ]
    by_action = {r["kode_tindakan"]: r for r in records}
    assert by_action["close-service"]["tindakan"] == "tutup layanan"
    assert by_action["close-service"]["alasan"] == "Blangko KTP-el habis"
    assert by_action["pause"]["alasan"] == "Salat zuhur"
    assert by_action["notice"]["rincian"] == "Loket 3 melayani lansia (sampai 12.00)"
    assert by_action["refer-to-desk"]["rincian"] == "7 hari"
    assert all(r["petugas"].startswith("local") and r["tanggal"] == DAY for r in records)
    text = (tmp_path / "out" / f"laporan-harian-{DAY}-tindakan-kantor.csv").read_text(encoding="utf-8")
    assert make_nik(7) not in text and make_nik(7)[:4] + "**********" + make_nik(7)[-2:] in text


def test_the_report_over_the_api_carries_the_office_actions(
    a_day_with_office_actions: dict[str, str], config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "--config", config_path, "--date", DAY, "--json")
    answer = json.loads(out)
    assert code == 0 and [a["action"] for a in answer["office_actions"]][:2] == ["notice", "close-service"]
    report = wire.report_from_dict(answer)
    assert wire.report_from_dict(wire.report_to_dict(report)) == report
    assert make_nik(7) not in out


def test_a_day_without_office_actions_has_no_changes_on_the_picture(
    config_path: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    description, records = written(config_path, capsys, tmp_path / "out")
    assert records == [] and "Perubahan layanan" not in description


def test_kiosk_report_lists_the_offices_actions_in_the_chosen_language(
    a_day_with_office_actions: dict[str, str], config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "report", "--config", config_path, "--date", DAY, "--lang", "en")
    assert code == 0 and "The office's actions today" in out
    lines = out.split("The office's actions today", 1)[1].splitlines()[1:]
    assert lines[1].startswith("10:05  local") and "service closed · KTP · Blangko KTP-el habis" in lines[1]
    assert "sent to the information desk · " + a_day_with_office_actions["number"] in lines[4]
    assert make_nik(7) not in out
