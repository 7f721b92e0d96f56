"""/office in a real chromium: a number a kiosk printed offline in a service the supervisor closed
meanwhile shows under "Perlu diperiksa", with its service, kiosk, the reason in words and what to
do, once however often the kiosk synced it; never with the person's NIK."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from playwright.sync_api import Page
from web_support import OFFICE_TOKEN, Hall, browser, hall, open_page, sign_in_office, token_of

from kiosk.demo import made_up_nik

__all__ = ["browser", "hall", "open_page"]


def as_kiosk(hall: Hall, path: str, body: dict[str, Any], key: str) -> dict[str, Any]:
    """What kiosk MPP-1 sends the server (kiosk.backends.offline_sync), over HTTP."""
    headers = {"Authorization": f"Bearer {token_of('MPP-1')}", "Idempotency-Key": key}
    answer = requests.post(hall.base + "/v1" + path, json=body, headers=headers, timeout=30)
    assert answer.status_code in (200, 201), answer.text
    data: dict[str, Any] = answer.json()
    return data


def test_the_supervisor_sees_a_ticket_printed_offline_in_a_closed_service_and_what_to_do(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    leased = as_kiosk(hall, "/leases", {"service_code": "KTP", "size": 2}, "lease-ktp-0001")["numbers"]
    page = open_page(hall.base + "/office?refresh=1000")
    sign_in_office(hall, page)
    # The supervisor closes KTP while the kiosk is cut off; it prints its first leased number.
    closed = requests.post(
        hall.base + "/v1/office/services/KTP/close",
        json={"reason": "Blangko KTP-el habis hari ini"},
        headers={"Authorization": f"Bearer {OFFICE_TOKEN}"},
        timeout=30,
    )
    assert closed.status_code == 200, closed.text
    page.wait_for_function("document.getElementById('no-conflicts').textContent.includes('Tidak ada')")

    nik = made_up_nik(77)
    nik_hash = hall.hasher.hash(nik)
    printed = {
        "ticket_id": leased[0]["ticket_id"],
        "number": leased[0]["number"],
        "kind": "walk_in",
        "holder": nik[:4] + "*" * 10 + nik[-2:],
        "nik_hash": nik_hash,
        "issued_at": hall.clock.now().isoformat(),
        "printed": True,
        "reprints": 0,
    }
    first = as_kiosk(hall, "/sync", {"used": [printed]}, "sync-0001")
    assert first["conflicts"] == [printed["number"]]
    as_kiosk(hall, "/sync", {"used": [printed]}, "sync-0002")  # its answer was lost: the kiosk sends it again

    row = f"#conflicts tr[data-number='{printed['number']}']"
    page.wait_for_selector(row)
    text = page.inner_text(row)
    assert "KTP" in text and "MPP-1" in text
    assert "Layanan ditutup sebelum kios tahu" in text
    assert f"Layani orangnya; nomor {printed['number']} tetap berlaku." in text
    assert page.locator("#conflicts tbody tr").count() == 1
    assert "Perlu diperiksa" in page.inner_text("#conflicts-title")
    whole = page.content()
    assert nik not in whole and nik_hash not in whole
    assert page.errors == []  # type: ignore[attr-defined]
