# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""`kiosk sync`: an http kiosk's offline tickets reach the server now, and the command says what
happened: 0 all taken, 3 an offline ticket the server keeps otherwise (listed), 4 no server."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from api_support import (  # noqa: F401  (fixtures)
    MONDAY_0800,
    NIK_MAN_1945,
    NIK_YOUNG,
    ApiServer,
    hasher,
    kiosk_on,
    make_backend,
    server,
)

import kiosk.backends.http as http_module
from kiosk import cli
from kiosk.backends.http import HttpBackend
from kiosk.core.nik import NikHasher


@pytest.fixture(autouse=True)
def on_the_servers_clock(monkeypatch: pytest.MonkeyPatch, server: ApiServer) -> None:
    """The command reads the system clock; here it is the server's (Monday morning)."""
    monkeypatch.setattr(http_module, "RETRY_OFFLINE_AFTER_S", 0.0)
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: server.clock)
    monkeypatch.setattr(http_module, "SystemClock", lambda: server.clock)


def sync_command(tmp_path: Path, capsys: pytest.CaptureFixture[str], kiosk_id: str = "MPP-1") -> tuple[int, Any]:
    code = cli.main(["sync", "--config", str(tmp_path / kiosk_id / "kiosk.toml"), "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def test_sync_sends_the_offline_tickets_now_and_exits_0(
    server: ApiServer,
    make_backend: Callable[..., HttpBackend],
    hasher: NikHasher,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    backend = make_backend(server.url, lease=2)
    backend.sync()
    server.stop()
    offline = kiosk_on(backend, hasher, server).issue_walk_in("KTP", NIK_YOUNG).ticket
    assert backend.status().unsynced == 1

    code, answer = sync_command(tmp_path, capsys)  # still no server: nothing lost, nothing sent
    assert code == 4 and answer["error"] == "backend_unreachable"
    assert backend.status().unsynced == 1

    server.start()
    code, answer = sync_command(tmp_path, capsys)
    assert code == 0
    assert (answer["sent"], answer["conflicts"], answer["unsynced"]) == (1, [], 0)
    assert answer["leased_free"]["KTP"] == 2  # the block topped up again
    stored = {t.number: t for t in server.api.book("").tickets(server.clock.now().date())}
    assert stored[offline.number].id == offline.id
    assert backend.status().unsynced == 0  # the kiosk's own store agrees


def test_sync_lists_an_offline_ticket_past_a_per_nik_cap_and_exits_3(
    server: ApiServer,
    make_backend: Callable[..., HttpBackend],
    hasher: NikHasher,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    apart = make_backend(server.url, "MPP-2", lease=2)
    other = make_backend(server.url, "MPP-1", lease=2)
    apart.sync()
    kiosk_on(other, hasher, server).check_in("MGT-0001")  # NIK_MAN_1945's KTP booking, online elsewhere
    server.stop()
    server.clock.set(MONDAY_0800.replace(hour=9))  # its arrival window is over: a walk-in may be asked
    offline = kiosk_on(apart, hasher, server).issue_walk_in("KTP", NIK_MAN_1945).ticket
    server.start()

    code, answer = sync_command(tmp_path, capsys, "MPP-2")
    assert code == 3
    assert (answer["sent"], answer["conflicts"]) == (1, [f"{offline.number} (conflict)"])
    assert apart.status().conflicts == (f"{offline.number} (conflict)",)  # on the technician screen too
    code, answer = sync_command(tmp_path, capsys, "MPP-2")  # nothing new: listed once, not again
    assert (code, answer["sent"], answer["conflicts"]) == (0, 0, [])
