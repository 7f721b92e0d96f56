# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""The office's changes and a kiosk cut off from the server.

A NIK the office sends to the information desk while the kiosk is offline: the kiosk cannot know
and prints a number; the person holds the paper, so the number stands, and the server's sync
lists it for the supervisor (the technician screen, ``kiosk sync``), never the NIK. What the
kiosk knew before it went offline (a closed service, the broker list) it keeps obeying."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path

import api_support as support
import pytest
from api_support import ApiServer, hasher, make_backend, server  # noqa: F401  (fixtures)
from server_process import ServerProcess

import kiosk.backends.http as http_module
from kiosk import bootstrap
from kiosk.backends.http import HttpBackend
from kiosk.core import config as config_mod
from kiosk.core.clock import FixedClock
from kiosk.core.errors import Reason, Refusal
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk


def stored_ticket(day_book: Path, number: str) -> tuple[str, str, str] | None:
    """(id, service, holder) of the ticket with this number in the server's day book."""
    db = sqlite3.connect(f"file:{day_book}?mode=ro", uri=True)
    try:
        row = db.execute("SELECT id, service, holder FROM tickets WHERE number = ?", (number,)).fetchone()
        return None if row is None else (str(row[0]), str(row[1]), str(row[2]))
    finally:
        db.close()


def test_a_number_printed_offline_for_a_nik_referred_meanwhile_stands_and_sync_lists_it(
    tmp_path: Path, hasher: NikHasher, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(http_module, "RETRY_OFFLINE_AFTER_S", 0.0)  # back online at the next request
    (tmp_path / "server").mkdir()
    server_process = ServerProcess(tmp_path / "server", support.free_port())  # a real `kiosk serve`-like process
    with ExitStack() as cleanup:
        cleanup.callback(server_process.kill)
        server_process.start()
        proxy, backend, kiosk = support.kiosk_behind_proxy(cleanup, server_process.port, tmp_path / "MPP-1", hasher)
        server_config = config_mod.load(server_process.folder / "kiosk.toml")
        # The supervisor's desk on the server's day book (as `kiosk office` on the server machine).
        desk = bootstrap.build_office_desk(server_config, clock=FixedClock(support.MONDAY_0800))
        cleanup.callback(desk.close)
        backend.sync()
        first = kiosk.issue_walk_in("KK", support.NIK_YOUNG).ticket  # online: the ticket the office recognises
        assert backend.status().online

        support.cut(proxy)
        desk.refer_to_desk("kasi", first.number, 1, "mengambil banyak nomor")  # the server knows, the kiosk not
        offline = kiosk.issue_walk_in("KTP", support.NIK_YOUNG).ticket  # from the leased block, on paper
        assert not backend.status().online

        proxy.rules.clear()
        summary = backend.sync_now()  # what `kiosk sync` reports (exit 3 on a new conflict)
        assert summary.new_conflicts == (f"{offline.number} (conflict)",)
        assert backend.status().conflicts == (f"{offline.number} (conflict)",)  # the technician screen
        day_book = server_process.folder / "daybook.sqlite3"
        assert stored_ticket(day_book, offline.number) == (offline.id, "KTP", offline.holder)  # it stands

        with pytest.raises(Refusal) as refused:  # online again, the broker list holds
            kiosk.issue_walk_in("CETAK", support.NIK_YOUNG)
        assert refused.value.reason == Reason.REFER_TO_DESK

        seen = " ".join(backend.status().conflicts) + (tmp_path / f"server-{server_process.port}.log").read_text()
        assert support.NIK_YOUNG not in seen and hasher.hash(support.NIK_YOUNG) not in seen


def test_an_offline_kiosk_keeps_a_service_closed_as_it_last_knew_it(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher
) -> None:
    backend = make_backend(server.url, lease=3)
    kiosk = Kiosk(config=backend.config, backend=backend, hasher=hasher, clock=server.clock, printer=None)
    backend.sync()  # leased KTP numbers in hand
    server.api.office.close_service("kasi", "KTP", "Blangko KTP-el habis hari ini")
    backend.sync()  # the mirror: KTP closed
    server.stop()

    seen = {q.service.code: q for q in kiosk.quotas()}  # the home screen, offline
    assert seen["KTP"].closed_reason == "Blangko KTP-el habis hari ini" and seen["KTP"].remaining == 0
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("KTP", support.NIK_YOUNG)  # its leased KTP numbers stay in the drawer
    assert refused.value.reason == Reason.SERVICE_CLOSED
    assert refused.value.params["why"] == "Blangko KTP-el habis hari ini"
    assert not backend.status().online
    assert kiosk.issue_walk_in("KK", support.NIK_YOUNG).ticket.service_code == "KK"  # the others go on


def test_an_offline_kiosk_keeps_sending_to_the_desk_a_person_the_office_listed_before(
    server: ApiServer, make_backend: Callable[..., HttpBackend], hasher: NikHasher
) -> None:
    backend = make_backend(server.url, lease=3)
    kiosk = Kiosk(config=backend.config, backend=backend, hasher=hasher, clock=server.clock, printer=None)
    backend.sync()
    first = kiosk.issue_walk_in("KK", support.NIK_MAN_1945).ticket  # online
    server.api.office.refer_to_desk("kasi", first.number, 1, "mengambil banyak nomor")
    backend.sync()  # the mirror: the broker list, as keyed hashes
    server.stop()

    with pytest.raises(Refusal) as refused:
        kiosk.check_in("MGT-0001")  # the same person's KTP booking, at 08:00
    assert refused.value.reason == Reason.REFER_TO_DESK
    with pytest.raises(Refusal) as refused:
        kiosk.precheck_walk_in("CETAK", support.NIK_MAN_1945)  # before the confirm screen
    assert refused.value.reason == Reason.REFER_TO_DESK
    with pytest.raises(Refusal) as refused:
        kiosk.issue_walk_in("CETAK", support.NIK_MAN_1945)
    assert refused.value.reason == Reason.REFER_TO_DESK
    assert not backend.status().online and backend.status().unsynced == 0  # nothing printed
    assert kiosk.issue_walk_in("CETAK", support.NIK_YOUNG).ticket.service_code == "CETAK"  # anyone else is served
