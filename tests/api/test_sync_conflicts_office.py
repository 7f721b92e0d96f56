"""What an offline kiosk printed in a service the office closed meanwhile reaches the supervisor.

The ticket stands (the person holds the paper) and the server's sync lists it: to the kiosk (its
technician screen, ``kiosk sync``) and, kept in the day book, to the supervisor (``GET
/v1/office/status``, the /office page, ``kiosk office status``), by number, service, kiosk and
reason; never by NIK. A sync whose answer was lost is sent again: the supervisor still sees the
ticket once. A restart of the server keeps the list.
"""

from __future__ import annotations

from contextlib import ExitStack, suppress
from pathlib import Path
from typing import Any

import api_support as support
import pytest
import requests
from faulty import Rule
from schema_check import problems
from server_process import ServerProcess

import kiosk.backends.http as http_module
from kiosk.core.errors import KioskError
from kiosk.core.nik import NikHasher
from kiosk.server.app import load_spec
from kiosk.server.tokens import Role, token_line

OFFICE_TOKEN = "office-token-of-kasi-0123456789"


def office(server: ServerProcess, method: str, path: str, body: dict[str, Any] | None = None) -> requests.Response:
    """The supervisor's call, straight to the server (the office is not behind the kiosk's cable)."""
    headers = {"Authorization": f"Bearer {OFFICE_TOKEN}"}
    return requests.request(method, server.url + "/office" + path, json=body, headers=headers, timeout=30)


def conflicts(server: ServerProcess) -> tuple[list[dict[str, Any]], str]:
    answer = office(server, "GET", "/status")
    assert answer.status_code == 200, answer.text
    spec = load_spec()
    assert problems(answer.json(), spec["components"]["schemas"]["OfficeStatus"], spec) == []  # as documented
    listed: list[dict[str, Any]] = answer.json().get("conflicts", [])
    return listed, answer.text


def test_a_ticket_printed_offline_in_a_service_closed_meanwhile_is_listed_for_the_supervisor_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http_module, "RETRY_OFFLINE_AFTER_S", 0.0)  # back online at the next request
    hasher = NikHasher(support.SECRET)
    folder = tmp_path / "server"
    folder.mkdir()
    (folder / "tokens").write_text(token_line("kasi", OFFICE_TOKEN, Role.OFFICE) + "\n", encoding="utf-8")
    server = ServerProcess(folder, support.free_port())  # a real `kiosk serve`-like process
    with ExitStack() as cleanup:
        cleanup.callback(server.kill)
        server.start()
        proxy, backend, kiosk = support.kiosk_behind_proxy(cleanup, server.port, tmp_path / "MPP-1", hasher)
        backend.sync()  # leased KTP numbers in the drawer, KTP open as far as the kiosk knows
        assert conflicts(server)[0] == []

        support.cut(proxy)
        closed = office(server, "POST", "/services/KTP/close", {"reason": "Blangko KTP-el habis hari ini"})
        assert closed.status_code == 200, closed.text
        offline = kiosk.issue_walk_in("KTP", support.NIK_YOUNG).ticket  # on paper, from the leased block
        assert not backend.status().online

        # The cable is back; the server keeps the sync, but its answer is lost on the way, and the
        # kiosk sends the same offline ticket again.
        lost = Rule("POST", "/v1/sync", drop_after_forward=True, times=1)
        proxy.rules[:] = [lost]
        with suppress(KioskError):  # the HTTP client retries at once, or the kiosk at its next sync
            backend.sync_now()
        backend.sync_now()
        assert lost.times == 0 and backend.status().unsynced == 0

        listed, text = conflicts(server)
        assert [(c["number"], c["service_code"], c["kiosk_id"], c["reasons"]) for c in listed] == [
            (offline.number, "KTP", "MPP-1", ["service_closed"])
        ]
        assert support.NIK_YOUNG not in text and hasher.hash(support.NIK_YOUNG) not in text

        server.kill()  # a power cut at the server: the list is in the day book, not in memory
        server.start()
        assert [c["number"] for c in conflicts(server)[0]] == [offline.number]
