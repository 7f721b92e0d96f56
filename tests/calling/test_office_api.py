# ruff: noqa: F811  (pytest fixtures are imported from calling_support and named as parameters)
"""The office's API over real HTTP: a supervisor's token runs the day, nobody else's does, and a
change counts at the very next number a kiosk asks for."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from calling_support import (  # noqa: F401  (fixtures)
    Server,
    clock,
    counter_token,
    kiosk,
    kiosk_token,
    make_nik,
    server,
    site_config,
)

from kiosk.core import problems
from kiosk.core.config import Config
from kiosk.core.usecases import Kiosk
from kiosk.messages import explain
from kiosk.server.tokens import token_hash

OFFICE_TOKEN = "office-token-kasi-0123456789"
WALK_IN = {"service_code": "KTP", "nik_hash": "a" * 64, "nik_masked": "3520**********01"}


@pytest.fixture
def office(site_config: Config) -> str:
    path: Path | None = site_config.server.tokens_file
    assert path is not None
    path.write_text(path.read_text("utf-8") + f"kasi {token_hash(OFFICE_TOKEN)} office\n", "utf-8")
    return OFFICE_TOKEN


def test_a_closed_service_is_refused_at_the_next_kiosk_request_with_its_reason(server: Server, office: str) -> None:
    reason = "Blangko KTP-el habis hari ini"
    answer = server.post("/office/services/KTP/close", office, {"reason": reason})
    assert answer.status_code == 200 and answer.json()["services"][0]["open"] is False
    refused = server.post("/walk-ins", kiosk_token(), WALK_IN)
    assert refused.status_code == 409 and refused.json()["code"] == "service_closed"
    error = problems.error_from(refused.status_code, refused.json()["code"], refused.json()["params"])
    assert error is not None
    for language, words in (("id", "ditutup hari ini"), ("en", "closed today"), ("jv", "dipuntutup")):
        message = explain(error, language)
        assert words in message.title and reason in message.hint
    assert "calo" not in refused.text.lower()
    assert server.post("/office/services/KTP/open", office).status_code == 200
    assert server.post("/walk-ins", kiosk_token(), WALK_IN).status_code == 201


def test_only_a_supervisor_token_may_change_the_day(server: Server, office: str) -> None:
    for token in (kiosk_token(), counter_token("1")):
        assert server.get("/office/status", token).status_code == 403
        assert server.post("/office/services/KTP/close", token, {"reason": "x"}).status_code == 403
    assert server.get("/office/status").status_code == 401
    assert server.get("/office/status", office).status_code == 200


def test_a_quota_below_what_is_issued_is_refused_saying_how_many(server: Server, office: str, kiosk: Kiosk) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    kiosk.issue_walk_in("KTP", make_nik(2))
    refused = server.post("/office/services/KTP/quota", office, {"quota": 1})
    assert refused.status_code == 409 and refused.json()["params"]["issued"] == 2
    changed = server.post("/office/services/KTP/quota", office, {"quota": 2, "why": "sesuai arahan kepala dinas"})
    assert changed.status_code == 200
    assert server.post("/walk-ins", kiosk_token(), WALK_IN).json()["code"] == "quota_full"
    audit = changed.json()["audit"]
    assert audit[-1]["who"] == "kasi" and audit[-1]["action"] == "quota" and audit[-1]["detail"] == "2"


def test_a_paused_counter_calls_nobody_and_another_counter_takes_the_number(
    server: Server, office: str, kiosk: Kiosk, site_config: Config
) -> None:
    issued = kiosk.issue_walk_in("KTP", make_nik(1)).ticket
    serving = [c.id for c in site_config.counters if "KTP" in c.services]
    assert len(serving) >= 2
    last = server.post(f"/office/counters/{serving[0]}/pause", office, {})
    assert last.status_code == 409 and last.json()["code"] == "last_open_counter"  # it alone serves one
    assert server.post(f"/office/counters/{serving[0]}/pause", office, {"force": True}).status_code == 200
    refused = server.call(serving[0], "next")
    assert refused.status_code == 409 and refused.json()["code"] == "counter_paused"
    called = server.call(serving[1], "next")
    assert called.status_code == 200 and called.json()["call"]["number"] == issued.number


def test_a_notice_too_long_for_the_banner_is_refused_and_a_nik_in_it_never_stored(server: Server, office: str) -> None:
    too_long = server.post("/office/notice", office, {"text": "x" * 121})
    assert too_long.status_code == 422 and too_long.json()["errors"][0]["field"] == "text"
    nik = make_nik(3)
    with_nik = server.post("/office/notice", office, {"text": f"NIK {nik} ke loket 1"})
    assert with_nik.status_code == 422 and nik not in with_nik.text
    posted = server.post("/office/notice", office, {"text": "Loket 2 istirahat sampai 13.00", "until": "13:00"})
    assert posted.status_code == 200 and posted.json()["notice"]["until"] == "13:00"


def test_a_supervisor_sends_a_tickets_holder_to_the_desk_without_ever_seeing_a_nik(
    server: Server, office: str, kiosk: Kiosk
) -> None:
    nik = make_nik(7)
    issued = kiosk.issue_walk_in("KTP", nik).ticket
    answer = server.post(
        "/office/referrals", office, {"ticket": issued.number, "days": 5, "why": "ambil nomor berulang"}
    )
    assert answer.status_code == 200 and answer.json()["referred_today"] == 1
    listed = server.get("/office/status", office).text
    assert nik not in listed and kiosk.hasher.hash(nik) not in listed
    refused = server.post(
        "/walk-ins", kiosk_token(), {**WALK_IN, "service_code": "KK", "nik_hash": kiosk.hasher.hash(nik)}
    )
    assert refused.status_code == 409 and refused.json()["code"] == "refer_to_desk"
    assert server.post("/office/referrals", office, {"ticket": "Z-999", "days": 5}).status_code == 404


def test_kiosk_office_through_the_api_acts_as_the_token_holder_and_says_the_same_refusals(
    server: Server, office: str, kiosk: Kiosk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from calling_support import write_site

    from kiosk.cli import main

    kiosk.issue_walk_in("KTP", make_nik(1))
    cfg = write_site(tmp_path / "office-pc", {'kind = "sqlite"': f'kind = "http"\nurl = "{server.url}"'})
    token = tmp_path / "office-pc" / "office.token"
    token.write_text(office + "\n", encoding="utf-8")

    def run(*argv: str | Path) -> tuple[int, str, str]:
        code = main(["office", *[str(a) for a in argv], "--config", str(cfg), "--token-file", str(token)])
        out, err = capsys.readouterr()
        return code, out, err

    assert run("close-service", "KTP", "--reason", "Blangko habis")[0] == 0
    assert server.post("/walk-ins", kiosk_token(), WALK_IN).json()["code"] == "service_closed"
    code, _, err = run("quota", "KTP", "0")
    assert code == 3 and "1 nomor" in err
    code, _, err = run("notice", "x" * 130)
    assert code == 2 and "120" in err
    code, out, _ = run("status", "--json")
    audit = json.loads(out)["audit"]
    assert code == 0 and [(e["who"], e["action"]) for e in audit] == [("kasi", "close-service")]
    kiosk_token_file = tmp_path / "office-pc" / "office.token"
    kiosk_token_file.write_text(kiosk_token() + "\n", encoding="utf-8")
    code, _, err = run("open-service", "KTP")
    assert code == 4  # a kiosk's token is no supervisor's: nothing changed
    assert server.post("/walk-ins", kiosk_token(), WALK_IN).json()["code"] == "service_closed"


def test_the_office_sees_when_each_kiosk_last_asked_and_a_kiosk_that_never_did(
    server: Server, office: str, site_config: Config
) -> None:
    path = site_config.server.tokens_file
    assert path is not None
    path.write_text(path.read_text("utf-8") + f"MPP-9 {token_hash('kiosk-token-MPP-9-0123456789')}\n", "utf-8")
    assert server.get("/quotas", kiosk_token()).status_code == 200
    kiosks = {k["id"]: k for k in server.get("/office/status", office).json()["kiosks"]}
    assert kiosks["MPP-1"]["online"] is True and kiosks["MPP-1"]["last_seen"].startswith("2026-11-30T08:00")
    never = {"id": "MPP-9", "last_seen": None, "online": False, "printer": None, "unsynced": None}
    assert {k: kiosks["MPP-9"][k] for k in never} == never  # never seen, not "fine"


def test_a_kiosk_reports_its_health_and_the_office_sees_it_until_it_goes_silent(
    server: Server, office: str, site_config: Config
) -> None:
    path = site_config.server.tokens_file
    assert path is not None
    path.write_text(path.read_text("utf-8") + f"MPP-9 {token_hash('kiosk-token-MPP-9-0123456789')}\n", "utf-8")
    report = {"printer": "paper_near_end", "unsynced": 3, "time": "2026-11-30T08:00:05+07:00"}
    assert server.post("/kiosks/health", kiosk_token(), report).status_code == 204
    assert server.post("/kiosks/health", office, report).status_code == 401  # only a kiosk reports for itself
    assert server.post("/kiosks/health", kiosk_token(), {**report, "printer": "fine"}).status_code == 422
    kiosks = {k["id"]: k for k in server.get("/office/status", office).json()["kiosks"]}
    seen = kiosks["MPP-1"]
    assert seen["online"] is True and seen["printer"] == "paper_near_end" and seen["unsynced"] == 3
    assert seen["kiosk_time"] == "2026-11-30T08:00:05+07:00"
    assert kiosks["MPP-9"]["last_seen"] is None and kiosks["MPP-9"]["online"] is False
    server.clock.travel(timedelta(seconds=31))  # more than two polls (15 s each) without a word
    silent = {k["id"]: k for k in server.get("/office/status", office).json()["kiosks"]}["MPP-1"]
    assert silent["online"] is False and silent["last_seen"].startswith("2026-11-30T08:00:00")
    assert silent["printer"] == "paper_near_end"  # its last report stays, marked by when it came


def test_the_office_sees_waits_per_service_against_its_standard(server: Server, office: str, kiosk: Kiosk) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    server.clock.travel(timedelta(minutes=10))
    kiosk.issue_walk_in("KTP", make_nik(2))
    server.clock.travel(timedelta(minutes=20))
    assert server.call("1", "next").status_code == 200  # calls the first, after 30 minutes
    ktp = {s["code"]: s for s in server.get("/office/status", office).json()["services"]}["KTP"]
    assert ktp["waiting"] == 1 and ktp["longest_wait_minutes"] == 20
    assert ktp["median_wait_minutes"] == 30 and ktp["p90_wait_minutes"] == 30 and ktp["called_today"] == 1
    assert ktp["standard_wait_minutes"] == 30 and ktp["quota_left"] == ktp["quota"] - 2
