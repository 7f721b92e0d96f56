"""``kiosk office`` on the embedded default, as a new supervisor would try it: a closed service is
refused at the kiosk with its reason, opens again, and today's quota changes what is issued."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import make_nik, run_cli

from kiosk.core.clock import FixedClock

pytestmark = pytest.mark.usefixtures("cli_monday_morning")


def walk_in(capsys: pytest.CaptureFixture[str], config: Path, n: int, *extra: str) -> tuple[int, str, str]:
    return run_cli(capsys, "walkin", "--config", config, "--service", "KTP", "--nik", make_nik(n), *extra)


def test_a_closed_service_is_refused_with_its_reason_and_issues_again_once_opened(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reason = "Blangko KTP-el habis hari ini"
    code, out, _ = run_cli(capsys, "office", "close-service", "KTP", "--reason", reason, "--config", config_path)
    assert code == 0 and "KTP" in out
    code, _, err = walk_in(capsys, config_path, 1)
    assert code == 3 and reason in err and "ditutup hari ini" in err
    code, _, err = walk_in(capsys, config_path, 1, "--lang", "en")
    assert code == 3 and reason in err and "closed today" in err
    code, out, _ = run_cli(capsys, "walkin", "--config", config_path, "--service", "KK", "--nik", make_nik(2))
    assert code == 0  # the other services go on
    assert run_cli(capsys, "office", "open-service", "KTP", "--config", config_path)[0] == 0
    code, out, _ = walk_in(capsys, config_path, 1, "--json")
    assert code == 0 and json.loads(out)["ticket"]["number"].startswith("A-")


def test_todays_quota_changes_what_kiosk_quota_shows_and_what_is_issued(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert walk_in(capsys, config_path, 1)[0] == 0
    assert walk_in(capsys, config_path, 2)[0] == 0
    code, _, err = run_cli(capsys, "office", "quota", "KTP", "1", "--config", config_path)
    assert code == 3 and "2 nomor" in err  # below what is issued: refused, saying how many
    assert run_cli(capsys, "office", "quota", "KTP", "3", "--config", config_path)[0] == 0
    code, out, _ = run_cli(capsys, "quota", "--config", config_path, "--json")
    ktp = next(q for q in json.loads(out) if q["code"] == "KTP")
    assert code == 0 and ktp["daily_quota"] == 3
    assert walk_in(capsys, config_path, 3)[0] == 0
    code, _, err = walk_in(capsys, config_path, 4)
    assert code == 3 and "Kuota hari ini sudah penuh" in err


def test_every_change_is_in_the_status_with_who_and_why(config_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run_cli(capsys, "office", "close-service", "KTP", "--reason", "Blangko habis", "--config", config_path)
    run_cli(capsys, "office", "notice", "Loket 2 tutup pukul 12.00", "--until", "12:30", "--config", config_path)
    code, out, _ = run_cli(capsys, "office", "status", "--json", "--config", config_path)
    status = json.loads(out)
    assert code == 0 and [e["action"] for e in status["audit"]] == ["close-service", "notice"]
    assert status["audit"][0]["why"] == "Blangko habis" and status["audit"][0]["who"].startswith("local")
    ktp = next(s for s in status["services"] if s["code"] == "KTP")
    assert ktp["open"] is False and ktp["closed_reason"] == "Blangko habis"
    assert status["notice"]["text"] == "Loket 2 tutup pukul 12.00" and status["notice"]["until"] == "12:30"


def test_a_notice_too_long_for_the_banner_and_an_unknown_service_are_bad_input(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "office", "notice", "x" * 121, "--config", config_path)
    assert code == 2 and "120" in err and "121" in err
    code, _, err = run_cli(capsys, "office", "close-service", "PASPOR", "--reason", "-", "--config", config_path)
    assert code == 2 and "Layanan tidak dikenal" in err


def test_pausing_the_last_open_counter_of_a_service_asks_to_confirm(
    config_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert walk_in(capsys, config_path, 1)[0] == 0
    counters = json.loads(run_cli(capsys, "office", "status", "--json", "--config", config_path)[1])["counters"]
    ids = [c["id"] for c in counters]
    results = [run_cli(capsys, "office", "pause", "--counter", i, "--config", config_path) for i in ids]
    refused = [r for r in results if r[0] == 3]
    assert refused and all("--force" in r[2] for r in refused)  # the last one of some service
    paused = [i for i, r in zip(ids, results, strict=True) if r[0] == 0]
    code, _, err = run_cli(capsys, "call", "next", "--counter", paused[0], "--config", config_path)
    assert code == 3 and "istirahat" in err
    # Its calls go to the others: a counter still open calls the waiting number.
    still_open = [i for i in ids if i not in paused]
    called = [run_cli(capsys, "call", "next", "--counter", i, "--config", config_path) for i in still_open]
    assert any(code == 0 and out.startswith("A-001") for code, out, _ in called)
    assert run_cli(capsys, "office", "resume", "--counter", paused[0], "--config", config_path)[0] == 0
    code, _, err = run_cli(capsys, "call", "next", "--counter", paused[0], "--config", config_path)
    assert "istirahat" not in err


def test_a_ticket_holder_sent_to_the_desk_gets_no_number_and_is_never_told_the_word_calo(
    config_path: Path, capsys: pytest.CaptureFixture[str], cli_monday_morning: FixedClock
) -> None:
    code, out, _ = walk_in(capsys, config_path, 1, "--json")
    number = json.loads(out)["ticket"]["number"]
    code, out, _ = run_cli(capsys, "office", "refer-to-desk", number, "--days", "3", "--config", config_path)
    assert code == 0 and number in out
    for language, words in (("id", "meja informasi"), ("en", "information desk"), ("jv", "meja informasi")):
        code, _, err = run_cli(
            capsys, "walkin", "--config", config_path, "--service", "KK", "--nik", make_nik(1), "--lang", language
        )
        assert code == 3 and words in err and "calo" not in err.lower()
    assert run_cli(capsys, "walkin", "--config", config_path, "--service", "KK", "--nik", make_nik(2))[0] == 0
    status = json.loads(run_cli(capsys, "office", "status", "--json", "--config", config_path)[1])
    assert status["referred_today"] == 1 and make_nik(1) not in json.dumps(status)
    assert status["audit"][-1]["target"] == number and status["audit"][-1]["detail"] == "3 days"


def test_the_desk_list_holds_for_its_days_and_a_ticket_of_another_day_is_refused(
    config_path: Path, capsys: pytest.CaptureFixture[str], cli_monday_morning: FixedClock
) -> None:
    code, out, _ = walk_in(capsys, config_path, 1, "--json")
    ticket = json.loads(out)["ticket"]
    assert run_cli(capsys, "office", "refer-to-desk", ticket["number"], "--days", "2", "--config", config_path)[0] == 0
    cli_monday_morning.current = cli_monday_morning.current + timedelta(days=1)
    code, _, err = walk_in(capsys, config_path, 1)
    assert code == 3 and "meja informasi" in err  # day 2 of 2
    code, _, err = run_cli(capsys, "office", "refer-to-desk", ticket["id"], "--config", config_path)
    assert code == 3 and "bukan tiket hari ini" in err
    cli_monday_morning.current = cli_monday_morning.current + timedelta(days=1)
    assert walk_in(capsys, config_path, 1)[0] == 0  # the list ended: the config's rules again


def test_a_counter_serves_the_services_the_office_gives_it_for_today_only(
    config_path: Path, capsys: pytest.CaptureFixture[str], cli_monday_morning: FixedClock
) -> None:
    assert walk_in(capsys, config_path, 1)[0] == 0  # KTP: Loket 3 (AKTA, PINDAH, KK) does not serve it
    code, _, err = run_cli(capsys, "call", "next", "--counter", "3", "--config", config_path)
    assert code == 3 and "Tidak ada yang menunggu" in err
    code, out, _ = run_cli(capsys, "office", "counter-services", "KTP,kk", "--counter", "3", "--config", config_path)
    assert code == 0 and "KTP,kk" in out
    code, out, _ = run_cli(capsys, "call", "status", "--counter", "3", "--config", config_path, "--json")
    assert json.loads(out)["counter"]["services"] == ["KTP", "KK"]
    code, out, _ = run_cli(capsys, "call", "next", "--counter", "3", "--config", config_path)
    assert code == 0 and out.startswith("A-001")
    assert run_cli(capsys, "office", "counter-services", "PASPOR", "--counter", "3", "--config", config_path)[0] == 2
    cli_monday_morning.current = cli_monday_morning.current + timedelta(days=1)
    code, out, _ = run_cli(capsys, "call", "status", "--counter", "3", "--config", config_path, "--json")
    assert json.loads(out)["counter"]["services"] == ["AKTA", "PINDAH", "KK"]  # the config again


def test_office_status_lists_a_ticket_printed_offline_for_a_person_sent_to_the_desk_meanwhile(
    config_path: Path, capsys: pytest.CaptureFixture[str], cli_monday_morning: FixedClock
) -> None:
    """On the server's machine, ``kiosk office status`` reads the day book the server's sync wrote."""
    from kiosk import bootstrap
    from kiosk.core import config as config_mod
    from kiosk.server.service import BookingService

    code, out, _ = walk_in(capsys, config_path, 1, "--json")
    first = json.loads(out)["ticket"]["number"]
    config = config_mod.load(config_path)
    server = BookingService(config, cli_monday_morning)  # what `kiosk serve` runs over this day book
    try:
        leased = server.lease("MPP-2", "lease-0001", "KK", 1)[0]
        assert run_cli(capsys, "office", "refer-to-desk", first, "--days", "1", "--config", config_path)[0] == 0
        nik_hash = bootstrap.build_hasher(config).hash(make_nik(1))
        printed = {
            "ticket_id": leased.ticket_id,
            "number": leased.number,
            "kind": "walk_in",
            "holder": "3520**********01",
            "nik_hash": nik_hash,
            "issued_at": cli_monday_morning.now().isoformat(),
            "printed": True,
            "reprints": 0,
        }
        server.sync("MPP-2", [printed], [], [], [])  # MPP-2 was offline when the office listed the person
        server.sync("MPP-2", [printed], [], [], [])  # and sent it again
    finally:
        server.close()

    code, out, _ = run_cli(capsys, "office", "status", "--config", config_path)
    assert code == 0 and "Perlu diperiksa" in out
    assert f"Arahkan pemegang {leased.number} ke meja informasi." in out and "MPP-2" in out
    code, out, _ = run_cli(capsys, "office", "status", "--config", config_path, "--lang", "en")
    assert f"Send the holder of {leased.number} to the information desk." in out
    status = json.loads(run_cli(capsys, "office", "status", "--json", "--config", config_path)[1])
    assert [(c["number"], c["service_code"], c["kiosk_id"], c["reasons"]) for c in status["conflicts"]] == [
        (leased.number, "KK", "MPP-2", ["refer_to_desk"])
    ]
    assert make_nik(1) not in json.dumps(status) and nik_hash not in json.dumps(status)
