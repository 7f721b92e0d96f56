"""`kiosk walkin|checkin --key K`: a retry after a crash gives the same ticket, never a second
number and never "already has a number"; `kiosk sync` sends an http kiosk's offline tickets now
and says what happened."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from time import monotonic, sleep

import pytest
from conftest import MONDAY_0800, NIK_MAN_1945, NIK_WOMAN_1990, NIK_YOUNG, ROOT, write_config

from kiosk import cli
from kiosk.core.clock import FixedClock

CLI = Path(__file__).resolve().parent / "cli_process.py"
EXPORT = (
    "code,nik,name,service,date,slot,site,status\n"
    f"MGT7K3Q9,{NIK_WOMAN_1990},Siti Aminah,KTP,2026-11-30,08:00,MPP,booked\n"
)


def kiosk_process(*argv: str | Path, minutes_later: int = 1) -> subprocess.CompletedProcess[str]:
    """The real command in its own process, on Monday a little after 08:00 WIB (a retry comes later)."""
    env = {**os.environ, "CLI_MINUTES_PAST_8": str(minutes_later)}
    return subprocess.run(
        [sys.executable, str(CLI), *map(str, argv)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
        env=env,
    )


def tickets_in(day_book: Path) -> list[tuple[str, str]]:
    """(number, kind) of every ticket in the day book; none while it is being created."""
    if not day_book.exists():
        return []
    db = sqlite3.connect(day_book, timeout=30)
    try:
        return [(str(n), str(k)) for n, k in db.execute("SELECT number, kind FROM tickets ORDER BY number")]
    except sqlite3.OperationalError:  # the schema is not there yet
        return []
    finally:
        db.close()


def killed_once_issued(day_book: Path, *argv: str | Path) -> None:
    """Start the command and SIGKILL it as soon as its number is committed (or it has ended)."""
    process = subprocess.Popen(
        [sys.executable, str(CLI), *map(str, argv)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
    )
    deadline = monotonic() + 60
    while not tickets_in(day_book) and process.poll() is None and monotonic() < deadline:
        sleep(0.005)  # polling the condition "the number is committed", with a generous deadline
    if process.poll() is None:
        process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    assert len(tickets_in(day_book)) == 1


@pytest.mark.slow
def test_a_walk_in_killed_after_its_number_and_retried_with_its_key_gets_the_same_ticket(tmp_path: Path) -> None:
    config = write_config(tmp_path)
    argv = ("walkin", "--config", config, "--json", "--service", "KTP", "--nik", NIK_MAN_1945)
    killed_once_issued(tmp_path / "daybook.sqlite3", *argv, "--key", "walk-in-0001-retry")
    [(number, _)] = tickets_in(tmp_path / "daybook.sqlite3")

    again = kiosk_process(*argv, "--key", "walk-in-0001-retry")
    assert again.returncode == 0, again.stderr
    answer = json.loads(again.stdout)
    assert answer["ticket"]["number"] == number and answer["existing"] is True
    assert tickets_in(tmp_path / "daybook.sqlite3") == [(number, "walk_in")]  # never a second number

    without_key = kiosk_process(*argv)  # what a retry was before: a new request, refused
    assert without_key.returncode == 3 and json.loads(without_key.stdout)["error"] == "already_has_ticket"


@pytest.mark.slow
def test_a_check_in_killed_after_its_number_and_retried_with_its_key_gets_the_same_ticket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write_config(tmp_path)
    export = tmp_path / "export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: FixedClock(MONDAY_0800))
    assert cli.main(["import-bookings", "--config", str(config), str(export)]) == 0
    argv = ("checkin", "--config", config, "--json", "--code", "MGT7K3Q9")
    killed_once_issued(tmp_path / "daybook.sqlite3", *argv, "--key", "check-in-0001-retry")
    [(number, _)] = tickets_in(tmp_path / "daybook.sqlite3")

    again = kiosk_process(*argv, "--key", "check-in-0001-retry")
    assert again.returncode == 0, again.stderr
    answer = json.loads(again.stdout)
    assert answer["ticket"]["number"] == number and answer["existing"] is True
    assert tickets_in(tmp_path / "daybook.sqlite3") == [(number, "online")]
    without_key = kiosk_process(*argv)
    assert without_key.returncode == 3 and json.loads(without_key.stdout)["error"] == "already_checked_in"


def test_a_malformed_key_is_bad_input_and_issues_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = write_config(tmp_path)
    for key in ("short", "with space 0001", "x" * 101):
        with pytest.raises(SystemExit) as stopped:
            cli.main(["walkin", "--config", str(config), "--service", "KTP", "--nik", NIK_MAN_1945, "--key", key])
        assert stopped.value.code == 2
        assert "8-100" in capsys.readouterr().err
    assert tickets_in(tmp_path / "daybook.sqlite3") == []


@pytest.fixture
def monday(monkeypatch: pytest.MonkeyPatch) -> Iterator[FixedClock]:
    clock = FixedClock(MONDAY_0800)
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: clock)
    monkeypatch.setattr("kiosk.bootstrap.build_printer", lambda config: None)
    yield clock


def test_sync_is_only_for_an_http_kiosk(tmp_path: Path, monday: FixedClock, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["sync", "--config", str(write_config(tmp_path))]) == 2
    assert "http" in capsys.readouterr().err


def test_a_key_used_again_for_another_person_or_booking_is_refused_and_hands_out_no_ticket(
    tmp_path: Path, monday: FixedClock, capsys: pytest.CaptureFixture[str]
) -> None:
    config = str(write_config(tmp_path))
    export = tmp_path / "export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    assert cli.main(["import-bookings", "--config", config, str(export)]) == 0
    capsys.readouterr()
    walk_in = ["walkin", "--config", config, "--json", "--service", "KTP", "--key", "script-key-0001"]
    assert cli.main([*walk_in, "--nik", NIK_MAN_1945]) == 0
    first = json.loads(capsys.readouterr().out)["ticket"]["number"]

    assert cli.main([*walk_in, "--nik", NIK_YOUNG]) == 2  # another person: not the first one's paper
    assert json.loads(capsys.readouterr().out)["error"] == "key_reused"
    assert cli.main([*walk_in[:5], "CETAK", "--key", "script-key-0001", "--nik", NIK_MAN_1945]) == 2
    assert json.loads(capsys.readouterr().out)["error"] == "key_reused"
    check_in = ["checkin", "--config", config, "--json", "--code", "MGT7K3Q9", "--key", "script-key-0001"]
    assert cli.main(check_in) == 2  # a booking: not the walk-in's ticket either
    assert json.loads(capsys.readouterr().out)["error"] == "key_reused"
    assert tickets_in(tmp_path / "daybook.sqlite3") == [(first, "walk_in")]
    assert cli.main([*walk_in, "--nik", NIK_MAN_1945]) == 0  # the same request again: its own ticket
    assert json.loads(capsys.readouterr().out)["ticket"]["number"] == first
