# ruff: noqa: F811  (pytest fixtures are imported from api_support and named as parameters)
"""An online http kiosk sees the office's changes at its next status poll and obeys them at its
next number; the kiosk's screen text for the refusal is the server's reason, in its language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta
from pathlib import Path

import pytest
from api_support import MONDAY_0800, NIK_YOUNG, ApiServer, hasher, kiosk_config, server  # noqa: F401

from kiosk.backends.http import HttpBackend
from kiosk.core.clock import FixedClock
from kiosk.core.errors import Reason, Refusal
from kiosk.core.nik import NikHasher
from kiosk.core.ports import PrinterReadiness
from kiosk.core.usecases import Kiosk
from kiosk.messages import explain


@pytest.fixture
def kiosk_clock() -> FixedClock:
    return FixedClock(MONDAY_0800)


@pytest.fixture
def online_kiosk(server: ApiServer, hasher: NikHasher, tmp_path: Path, kiosk_clock: FixedClock) -> Iterator[Kiosk]:
    """An online http kiosk on its own clock (Monday 08:00), with no printer."""
    config = kiosk_config(tmp_path / "kiosk", server.url)
    backend = HttpBackend(config, auto_sync=False, clock=kiosk_clock)
    yield Kiosk(config=config, backend=backend, hasher=hasher, clock=kiosk_clock, printer=None)
    backend.close()


def test_an_online_kiosk_sees_a_closed_service_and_a_new_quota_and_obeys_them(
    server: ApiServer, online_kiosk: Kiosk
) -> None:
    before = {q.service.code: q for q in online_kiosk.quotas()}
    assert before["KTP"].closed_reason is None and before["KTP"].remaining > 0
    desk = server.api.office
    desk.close_service("kasi", "KTP", "Blangko KTP-el habis hari ini")
    desk.set_quota("kasi", "KK", 7)
    seen = {q.service.code: q for q in online_kiosk.quotas()}  # what the home screen's next poll gets
    assert seen["KTP"].closed_reason == "Blangko KTP-el habis hari ini" and seen["KTP"].remaining == 0
    assert seen["KK"].service.daily_quota == 7
    with pytest.raises(Refusal) as refused:
        online_kiosk.issue_walk_in("KTP", NIK_YOUNG)
    assert refused.value.reason == Reason.SERVICE_CLOSED
    message = explain(refused.value, "jv")
    assert "Blangko KTP-el habis hari ini" in message.hint and "dipuntutup" in message.title
    desk.open_service("kasi", "KTP")
    assert online_kiosk.issue_walk_in("KTP", NIK_YOUNG).ticket.number.startswith("A-")


def test_an_http_kiosk_reports_its_printer_and_unsynced_tickets_through_its_backend(
    server: ApiServer, online_kiosk: Kiosk
) -> None:
    online_kiosk.report_health(PrinterReadiness(can_print=True, state="ready", warning="paper_near_end"))
    report = server.api.health["MPP-1"]
    assert report["printer"] == "paper_near_end" and report["unsynced"] == 0
    assert report["kiosk_time"].startswith("2026-11-30T08:00")
    online_kiosk.report_health(None)  # the printer did not answer: "unknown", never "ready"
    assert server.api.health["MPP-1"]["printer"] == "unknown"
    server.stop()
    online_kiosk.report_health(PrinterReadiness(can_print=False, state="cover_open"))  # no server: no error either


def test_an_online_kiosk_gets_the_office_notice_with_its_quotas_and_keeps_it_offline_until_it_expires(
    server: ApiServer, online_kiosk: Kiosk, kiosk_clock: FixedClock
) -> None:
    online_kiosk.quotas()
    assert online_kiosk.notice() is None
    desk = server.api.office
    desk.post_notice("kasi", "Loket 3 tutup pukul 12.00.", time(10, 0), text_en="Counter 3 closes at 12.00.")
    online_kiosk.quotas()  # the home screen's next status poll
    shown = online_kiosk.notice()
    assert shown is not None and shown.text == "Loket 3 tutup pukul 12.00."
    assert shown.text_en == "Counter 3 closes at 12.00." and shown.text_jv == ""
    desk.clear_notice("kasi")
    online_kiosk.quotas()
    assert online_kiosk.notice() is None

    desk.post_notice("kasi", "Loket 3 tutup pukul 12.00.", time(10, 0))
    online_kiosk.quotas()
    server.stop()  # offline: the last known notice stays, until its time is up
    online_kiosk.quotas()
    assert online_kiosk.notice() is not None
    kiosk_clock.travel(timedelta(hours=2, minutes=1))
    assert online_kiosk.notice() is None
