# ruff: noqa: F811  (pytest fixtures are imported from calling_support and named as parameters)
"""``kiosk call``: on the local day book and through the API, with --json and the documented exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from calling_support import (  # noqa: F401  (fixtures)
    MONDAY_0800,
    Server,
    clock,
    counter_token,
    kiosk,
    make_nik,
    run_cli,
    server,
    site_config,
    write_site,
)

from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.usecases import Kiosk


@pytest.fixture(autouse=True)
def monday_morning(monkeypatch: pytest.MonkeyPatch, clock: FixedClock) -> FixedClock:
    """The CLI reads the system clock; here it is the tests' Monday 08:00 WIB."""
    monkeypatch.setattr("kiosk.cli.call_commands.SystemClock", lambda: clock)
    return clock


def test_on_the_local_day_book_a_counter_calls_finishes_and_is_refused_when_nobody_waits(
    kiosk: Kiosk, site_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    cfg = site_config.source
    code, out, _ = run_cli(capsys, "call", "next", "--config", cfg, "--counter", "1", "--json")
    assert code == 0 and json.loads(out)["call"]["number"] == "A-001"
    code, out, _ = run_cli(capsys, "call", "recall", "--config", cfg, "--counter", "1")
    assert code == 0 and out.split() == ["A-001", "Loket", "1", "dipanggil"]
    code, out, _ = run_cli(capsys, "call", "transfer", "--config", cfg, "--counter", "1", "--service", "KK", "--json")
    assert code == 0 and json.loads(out)["call"]["state"] == "waiting"
    code, out, _ = run_cli(capsys, "call", "next", "--config", cfg, "--counter", "3")
    assert code == 0 and out.startswith("A-001")
    assert run_cli(capsys, "call", "done", "--config", cfg, "--counter", "3")[0] == 0
    code, _, err = run_cli(capsys, "call", "next", "--config", cfg, "--counter", "1")
    assert code == 3 and "Tidak ada yang menunggu" in err
    code, _, err = run_cli(capsys, "call", "done", "--config", cfg, "--counter", "1")
    assert code == 3 and "belum memanggil" in err
    code, _, err = run_cli(capsys, "call", "next", "--config", cfg, "--counter", "9")
    assert code == 2 and "Loket 9 tidak ada" in err
    code, out, _ = run_cli(capsys, "call", "next", "--config", cfg, "--counter", "1", "--service", "AKTA", "--json")
    assert code == 3 and json.loads(out)["error"] == "counter_not_serving"


def http_site(tmp_path: Path, url: str, token: str) -> tuple[Path, Path]:
    config = write_site(
        tmp_path / "counter-pc",
        {'kind = "sqlite"': f'kind = "http"\nurl = "{url}"', "read_timeout_s = 10.0": "read_timeout_s = 5.0"},
    )
    token_file = tmp_path / "counter-pc" / "counter.token"
    token_file.write_text(token + "\n", encoding="utf-8")
    return config, token_file


def test_through_the_api_a_counter_calls_with_its_own_token_and_a_repeated_key_calls_once(
    server: Server, kiosk: Kiosk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    kiosk.issue_walk_in("KTP", make_nik(2))
    cfg, token = http_site(tmp_path, server.url, counter_token("1"))
    args = ("call", "next", "--config", cfg, "--counter", "1", "--token-file", token, "--json", "--key", "retry-0001")
    code, out, _ = run_cli(capsys, *args)
    assert code == 0 and json.loads(out)["call"]["number"] == "A-001"
    code, again, _ = run_cli(capsys, *args)  # the answer was lost: the script repeats with the same key
    assert code == 0 and json.loads(again) == json.loads(out)
    assert [c["number"] for c in server.get("/display").json()["calls"]] == ["A-001"]
    code, out, _ = run_cli(capsys, "call", "status", "--config", cfg, "--counter", "1", "--token-file", token, "--json")
    assert code == 0 and json.loads(out)["current"]["number"] == "A-001" and json.loads(out)["waiting"]["KTP"] == 1
    wrong, wrong_token = http_site(tmp_path / "other", server.url, counter_token("2"))
    code, _, err = run_cli(capsys, "call", "done", "--config", wrong, "--counter", "1", "--token-file", wrong_token)
    assert code == 4 and "Token loket ditolak" in err
    assert server.get("/counters/1", counter_token("1")).json()["current"]["number"] == "A-001"  # nothing done


def test_with_the_server_gone_the_cli_says_so_and_nothing_is_called(
    server: Server, kiosk: Kiosk, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    kiosk.issue_walk_in("KTP", make_nik(1))
    cfg, token = http_site(tmp_path, server.url, counter_token("1"))
    server.running.stop()
    code, _, err = run_cli(capsys, "call", "next", "--config", cfg, "--counter", "1", "--token-file", token)
    assert code == 4 and "Tidak terhubung ke server antrean" in err and "Traceback" not in err
    from kiosk.backends.calls import CallBook

    book = CallBook(server.config.backend.path, server.config)
    try:
        assert book.display(MONDAY_0800).calls == [] and book.display(MONDAY_0800).waiting["KTP"] == 1
    finally:
        book.close()


def test_counter_token_prints_a_token_and_its_line_with_the_counter_role(
    site_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "counter-token", "2", "--config", site_config.source)
    lines = [line for line in out.splitlines() if not line.startswith("#")]
    assert code == 0 and lines[1].split()[0] == "2" and lines[1].split()[2] == "counter"
    assert run_cli(capsys, "counter-token", "a b", "--config", site_config.source)[0] == 2


def test_counter_token_refuses_a_counter_the_config_does_not_have(
    site_config: Config, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli(capsys, "counter-token", "99", "--config", site_config.source)
    assert code == 2 and out == "" and "Loket 99 tidak ada" in err
