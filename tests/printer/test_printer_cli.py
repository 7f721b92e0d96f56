"""Every printer fault end to end through the CLI, against a fake printer on a loopback socket.

What must never happen: a number issued while the printer cannot print, a number lost when the
printer fails after issue, a command that hangs on a silent printer.
"""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from fake_printer import FakePrinter
from PIL import Image
from printer_helpers import SILENCE_TIMEOUT, network_config, shared

from kiosk.backends.daybook import DayBook
from kiosk.core import config as config_mod
from kiosk.core.clock import FixedClock
from kiosk.core.model import Ticket

MONDAY = shared().MONDAY_0800
make_nik = shared().make_nik
write_config = shared().write_config
run_cli = shared().run_cli


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    """The CLI reads the system clock; in these tests it is Monday 08:00 WIB."""
    clock = FixedClock(MONDAY)
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: clock)
    return clock


def tickets(config_path: Path) -> list[Ticket]:
    config = config_mod.load(config_path)
    book = DayBook(config.backend.path, config)
    try:
        return book.tickets(date(2026, 11, 30))
    finally:
        book.close()


def walkin(capsys: pytest.CaptureFixture[str], config_path: Path, nik: str, *extra: str) -> tuple[int, str, str]:
    return run_cli(capsys, "walkin", "--config", config_path, "--service", "KTP", "--nik", nik, *extra)


def test_a_walk_in_ticket_comes_out_of_the_network_printer(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = network_config(tmp_path, fake)
    code, out, _ = walkin(capsys, config_path, make_nik(1), "--priority", "elderly")
    assert (code, out.strip()) == (0, "A-001")
    [job] = fake.wait_for_jobs(1)
    assert b"A-001" in job and b"PRIORITAS - LANSIA" in job and b"NIK: 3520**********01" in job
    assert [t.printed for t in tickets(config_path)] == [True]


def test_a_check_in_ticket_comes_out_with_the_booking_code(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = network_config(tmp_path, fake)
    export = tmp_path / "export.csv"
    export.write_text(f"code,nik,name,service,date,slot,site\nMGT7K3Q9,{make_nik(2)},Siti,KK,2026-11-30,08:00,MPP\n")
    assert run_cli(capsys, "import-bookings", "--config", config_path, export)[0] == 0
    code, out, _ = run_cli(capsys, "checkin", "--config", config_path, "--code", "MGT7K3Q9")
    assert (code, out.strip()) == (0, "C-001")
    [job] = fake.wait_for_jobs(1)
    assert b"Kode booking: MGT7K3Q9" in job and b"Pendaftaran online" in job


@pytest.mark.parametrize("trouble", ["paper_out", "cover_open", "offline", "cutter_error", "silent", "garbage"])
def test_a_printer_that_cannot_print_refuses_the_walk_in_and_issues_nothing(
    tmp_path: Path,
    fake: FakePrinter,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    trouble: str,
) -> None:
    silence = trouble == "silent"
    config_path = network_config(tmp_path, fake, SILENCE_TIMEOUT if silence else 10.0)
    if trouble in ("silent", "garbage"):
        setattr(fake, trouble, True)
    else:
        fake.state = trouble
    code, out, err = walkin(capsys, config_path, make_nik(3))
    assert code == 3  # the command returned: the silent printer did not hang it
    assert "Printer karcis sedang bermasalah" in err and "Tidak ada nomor yang dibuat" in err
    assert out == ""
    expected = "unknown" if trouble in ("silent", "garbage") else trouble
    assert f"printer not ready: {expected}" in caplog.text
    assert tickets(config_path) == []
    fake.wait_idle()
    assert fake.jobs == []


def test_a_printer_nobody_answers_at_refuses_the_walk_in(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with FakePrinter() as gone:
        pass  # its port is closed now: connection refused
    config_path = network_config(tmp_path, gone)
    assert walkin(capsys, config_path, make_nik(4))[0] == 3
    assert tickets(config_path) == []


def test_paper_near_end_still_issues_and_prints(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.state = "paper_near_end"
    config_path = network_config(tmp_path, fake)
    assert walkin(capsys, config_path, make_nik(5))[0] == 0
    assert len(fake.wait_for_jobs(1)) == 1


def test_paper_out_after_the_readiness_check_keeps_the_number_unprinted_and_a_reprint_is_its_first_paper(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = network_config(tmp_path, fake)
    fake.fault_after_reads("paper_out", 1)  # ready when asked, out of paper when the ticket comes
    code, out, err = walkin(capsys, config_path, make_nik(6))
    assert code == 4  # the README's "system fault": the ticket did not come out
    assert "A-001" in out  # the number exists: the person is shown it
    assert "Karcis gagal dicetak" in err and "Tunjukkan nomor di layar kepada petugas" in err
    assert "kiosk reprint A-001" in err  # what the one at the terminal does next
    [ticket] = tickets(config_path)
    assert (ticket.number, ticket.printed) == ("A-001", False)
    fake.wait_idle()
    assert fake.paper == [] and fake.connections == 3  # the check, one attempt and one retry

    fake.state = "ready"  # the technician put in a new roll
    code, out, _ = run_cli(capsys, "reprint", "--config", config_path, "A-001")
    assert (code, out.strip()) == (0, "A-001")
    [job] = fake.wait_for_jobs(1)
    assert b"A-001" in job and b"CETAK ULANG" not in job  # the first paper of A-001
    [ticket] = tickets(config_path)
    assert (ticket.printed, ticket.reprints) == (True, 0)  # the citizen's one reprint is still there


def test_the_same_person_asking_again_gets_their_unprinted_number_on_paper(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 17 P1: the person whose ticket did not print is not refused "already has a number"."""
    config_path = network_config(tmp_path, fake)
    fake.fault_after_reads("paper_out", 1)
    assert walkin(capsys, config_path, make_nik(5))[0] == 4
    fake.state = "ready"
    code, out, err = walkin(capsys, config_path, make_nik(5))
    assert (code, out.strip()) == (0, "A-001"), err
    [job] = fake.wait_for_jobs(1)
    assert b"A-001" in job and b"CETAK ULANG" not in job
    [ticket] = tickets(config_path)  # no second number
    assert (ticket.number, ticket.printed, ticket.reprints) == ("A-001", True, 0)
    code, _, err = walkin(capsys, config_path, make_nik(5))  # now it came out: one number per person
    assert code != 0 and "sudah mendapat nomor" in err


def test_a_ticket_whose_status_answer_was_lost_says_it_may_be_out_and_only_a_deliberate_reprint_follows(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 18 item 2 through the CLI: one complete ticket, then a marked reprint when asked for."""
    config_path = network_config(tmp_path, fake)
    fake.lose_answer_after_next_job("close")
    code, out, _ = walkin(capsys, config_path, make_nik(4), "--json")
    answer = json.loads(out)
    assert code == 4
    assert (answer["printed"], answer["print_problem"]) == (False, "printer_maybe_printed")
    assert "mungkin sudah keluar" in answer["title"] and "Periksa tempat karcis" in answer["hint"]
    fake.wait_idle()
    assert fake.complete(b"A-001") == 1
    [ticket] = tickets(config_path)
    assert ticket.printed  # a paper may be out: the next one is a reprint
    assert walkin(capsys, config_path, make_nik(4))[0] != 0  # asking again does not print it silently
    fake.wait_idle()
    assert fake.complete(b"A-001") == 1

    code, out, _ = run_cli(capsys, "reprint", "--config", config_path, "A-001")
    assert (code, out.strip()) == (0, "A-001")
    fake.wait_idle()
    assert fake.complete(b"A-001") == 2 and b"CETAK ULANG" in fake.paper[-1]


def test_printer_status_names_the_state_each_bit_and_the_raw_bytes(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = network_config(tmp_path, fake)
    fake.state = "cover_open"
    code, out, _ = run_cli(capsys, "printer", "status", "--config", config_path)
    assert code == 4
    assert "cover_open" in out and "Tutup printer terbuka" in out and "Tutup terbuka" in out
    assert "DLE EOT 2: 0x16 (00010110)" in out

    fake.state = "ready"
    code, out, _ = run_cli(capsys, "printer", "status", "--config", config_path, "--json", "--lang", "en")
    report = json.loads(out)
    assert code == 0
    assert (report["state"], report["can_print"], report["raw"]["4"]) == ("ready", True, "0x12")
    assert "Cover closed" in report["conditions"]


def test_printer_status_of_a_silent_printer_says_unknown_and_returns(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    fake.silent = True
    code, out, _ = run_cli(capsys, "printer", "status", "--config", network_config(tmp_path, fake, SILENCE_TIMEOUT))
    assert code == 4
    assert "unknown" in out and "DLE EOT 1: -" in out


def test_printer_test_prints_the_self_test_page(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "printer", "test", "--config", network_config(tmp_path, fake))
    assert code == 0 and "network 127.0.0.1" in out
    [page] = fake.wait_for_jobs(1)
    assert b"HALAMAN UJI PRINTER" in page and b"Profil: TM-T20II" in page and b"\x1d(k" in page


@pytest.mark.parametrize("action", ["test", "cut"])
def test_a_test_page_or_cut_on_paper_out_tells_the_technician_not_the_citizen(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str], action: str
) -> None:
    fake.state = "paper_out"
    code, _, err = run_cli(capsys, "printer", action, "--config", network_config(tmp_path, fake))
    assert code == 4
    assert "Printer tidak mencetak (paper_out)" in err and "kiosk printer status" in err
    assert "Tunjukkan nomor" not in err and "Karcis" not in err  # issue 17 P4: no citizen's message


def test_an_unknown_printer_profile_is_a_config_error_naming_the_key(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = network_config(tmp_path, fake, extra={'profile = "TM-T20II"': 'profile = "TM-NOPE"'})
    code, _, err = walkin(capsys, config_path, make_nik(7))
    assert code == 2
    assert "printer.profile" in err and "TM-NOPE" in err
    assert tickets(config_path) == []


def test_a_wrong_device_path_refuses_the_walk_in_and_status_names_the_path(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "no-such-lp0"
    config_path = write_config(
        tmp_path,
        {'kind = "preview"': f'kind = "file"\ndevice_path = "{missing}"', "timeout_s = 3.0": "timeout_s = 0.3"},
    )
    assert walkin(capsys, config_path, make_nik(8))[0] == 3
    assert tickets(config_path) == []
    code, out, _ = run_cli(capsys, "printer", "status", "--config", config_path)
    assert code == 4 and "offline" in out and "no-such-lp0" in out


def test_a_device_that_swallows_bytes_and_never_answers_is_unknown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(
        tmp_path, {'kind = "preview"': 'kind = "file"\ndevice_path = "/dev/null"', "timeout_s = 3.0": "timeout_s = 0.2"}
    )
    code, out, _ = run_cli(capsys, "printer", "status", "--config", config_path)
    assert code == 4 and "unknown" in out
    assert walkin(capsys, config_path, make_nik(9))[0] == 3


def test_the_preview_printer_writes_the_png_and_the_exact_bytes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path)
    assert walkin(capsys, config_path, make_nik(10))[0] == 0
    folder = tmp_path / "tickets"
    data = (folder / "2026-11-30_A-001.bin").read_bytes()
    assert data.startswith(b"\x1b@") and b"A-001" in data
    image = Image.open(io.BytesIO((folder / "2026-11-30_A-001.png").read_bytes()))
    assert image.width == 576 + 2 * 24
    assert run_cli(capsys, "reprint", "--config", config_path, "A-001")[0] == 0
    assert (folder / "2026-11-30_A-001_r1.png").exists()

    out_png = tmp_path / "a001.png"
    code, _, _ = run_cli(capsys, "printer", "preview", "--config", config_path, "A-001", "--out", out_png)
    assert code == 0 and out_png.read_bytes() == (folder / "2026-11-30_A-001.png").read_bytes()


def test_a_walk_in_that_did_not_print_says_so_in_json_at_every_level_and_exits_4(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = network_config(tmp_path, fake)
    fake.fault_after_reads("paper_out", 1)
    code, out, _ = walkin(capsys, config_path, make_nik(7), "--json")
    answer = json.loads(out)
    assert code == 4
    assert (answer["printed"], answer["ticket"]["printed"], answer["print_problem"]) == (False, False, "printer_fault")
    assert "kiosk reprint A-001" in answer["hint"]

    fake.state = "ready"
    code, out, _ = walkin(capsys, config_path, make_nik(8), "--json")
    answer = json.loads(out)
    assert code == 0
    assert (answer["printed"], answer["ticket"]["printed"], answer["print_problem"]) == (True, True, None)


def test_a_cover_left_open_after_the_job_says_the_ticket_will_come_out_and_invites_no_second_paper(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = network_config(tmp_path, fake)
    fake.fault_after_next_job("cover_open")  # opened while the ticket went in, and left open
    code, out, err = walkin(capsys, config_path, make_nik(9))
    assert code == 4
    assert "A-001" in out
    assert "gagal dicetak" not in err
    assert "akan keluar sendiri setelah tutup printer ditutup" in err and "panggil petugas" in err
    assert "kiosk reprint" not in err  # a reprint would be the second paper of A-001
    [ticket] = tickets(config_path)
    assert ticket.printed  # the printer holds it: nothing may send it again
    fake.state = "ready"  # staff close the cover: the held ticket comes out
    fake.wait_idle()
    assert fake.copies(b"A-001") == 1


def test_a_cover_left_open_answers_the_same_in_english_and_in_json(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = network_config(tmp_path, fake)
    fake.fault_after_next_job("cover_open")
    code, out, _ = walkin(capsys, config_path, make_nik(10), "--json", "--lang", "en")
    answer = json.loads(out)
    assert code == 4
    assert (answer["printed"], answer["ticket"]["printed"]) == (False, False)
    assert answer["print_problem"] == "printer_holds_ticket"
    assert "cover" in answer["hint"] and "staff" in answer["hint"]


def test_every_reprint_says_cetak_ulang_with_its_own_time_and_the_queue_as_it_stands_now(
    tmp_path: Path, fake: FakePrinter, capsys: pytest.CaptureFixture[str], monday_morning: FixedClock
) -> None:
    config_path = network_config(tmp_path, fake)
    for n in range(1, 5):
        assert walkin(capsys, config_path, make_nik(20 + n))[0] == 0
    original = fake.wait_for_jobs(4)[3]
    assert b"A-004" in original and b"Di depan Anda: 3 orang, perkiraan 18 menit" in original
    assert b"CETAK ULANG" not in original

    monday_morning.travel(timedelta(minutes=12, seconds=30))  # two people called at 6 minutes each
    code, out, _ = run_cli(capsys, "reprint", "--config", config_path, "A-004")
    assert (code, out.strip()) == (0, "A-004")
    first = fake.wait_for_jobs(5)[4]
    assert b"A-004" in first and b"CETAK ULANG" in first
    assert b"Dicetak ulang 30 November 2026 08:12 WIB" in first
    assert b"30 November 2026 08:00 WIB" in first  # the time of issue stays on it
    assert b"Di depan Anda: 1 orang, perkiraan 6 menit" in first

    monday_morning.travel(timedelta(minutes=30))
    assert run_cli(capsys, "reprint", "--config", config_path, "A-004")[0] == 0
    second = fake.wait_for_jobs(6)[5]
    assert b"CETAK ULANG" in second and b"Dicetak ulang 30 November 2026 08:42 WIB" in second
    assert b"Anda berikutnya." in second
    [*_, ticket] = tickets(config_path)
    assert (ticket.number, ticket.reprints, ticket.people_ahead) == ("A-004", 2, 3)  # the day book keeps the issue
