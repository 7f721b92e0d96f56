"""The /office page in a real chromium: a supervisor closes a service with a reason, a kiosk is
refused at once with it, a quota below what is issued is refused saying how many, and a counter
is paused; every change is in the page's log."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import requests
from playwright.sync_api import Page
from web_support import OFFICE_TOKEN, Hall, browser, hall, open_page, sign_in_office, token_of

from kiosk.server.tokens import token_hash

__all__ = ["browser", "hall", "open_page"]


def walk_in(hall: Hall, nik_hash: str) -> requests.Response:
    body = {"service_code": "KTP", "nik_hash": nik_hash, "nik_masked": "3520**********01"}
    headers = {"Authorization": f"Bearer {token_of('MPP-1')}", "Idempotency-Key": "web-" + nik_hash[:20]}
    return requests.post(hall.base + "/v1/walk-ins", json=body, headers=headers, timeout=30)


def test_a_supervisor_closes_a_service_and_a_kiosk_is_refused_with_the_reason(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    hall.issue("KTP")
    page = open_page(hall.base + "/office?refresh=1000")
    sign_in_office(hall, page)
    row = "#services tr[data-service=KTP]"
    assert page.inner_text(f"{row} td:nth-child(2)") == "1 / 60"

    page.fill(f"{row} input.reason", "Blangko KTP-el habis hari ini")
    page.click(f"{row} button:has-text('Tutup hari ini')")
    page.wait_for_function("document.querySelector('#services tr[data-service=KTP] td.closed') !== null")
    assert "Blangko KTP-el habis hari ini" in page.inner_text(f"{row} td.closed")
    refused = walk_in(hall, "e" * 64)
    assert refused.status_code == 409 and refused.json()["params"]["why"] == "Blangko KTP-el habis hari ini"

    page.fill(f"{row} input.quota", "0")
    page.click(f"{row} button:has-text('Ubah kuota')")
    page.wait_for_function("document.getElementById('message').textContent.includes('sudah keluar')")
    assert "Hari ini 1 nomor" in page.inner_text("#message")

    page.click(f"{row} button:has-text('Buka lagi')")
    page.wait_for_function("document.querySelector('#services tr[data-service=KTP] td.closed') === null")
    assert walk_in(hall, "f" * 64).status_code == 201
    page.wait_for_function("document.querySelectorAll('#audit tbody tr').length === 2")
    log = page.inner_text("#audit")
    assert "tutup layanan" in log and "buka layanan" in log and "kasi" in log
    assert "Terhubung" in page.inner_text("#kiosks tr[data-kiosk='MPP-1']")  # it asked for walk-ins
    assert page.errors == []  # type: ignore[attr-defined]


def test_pausing_the_last_counter_of_a_service_asks_first(hall: Hall, open_page: Callable[..., Page]) -> None:
    page = open_page(hall.base + "/office")
    sign_in_office(hall, page)
    asked: list[str] = []

    def answer(dialog: object) -> None:
        asked.append(dialog.message)  # type: ignore[attr-defined]
        dialog.accept()  # type: ignore[attr-defined]

    page.on("dialog", answer)
    page.click("#counters tr[data-counter='3'] button:has-text('Istirahat')")  # Loket 3 alone serves AKTA
    page.wait_for_function("document.querySelector(\"#counters tr[data-counter='3']\").innerText.includes('sejak')")
    assert asked and "loket terakhir" in asked[0]
    status = requests.get(
        hall.base + "/v1/office/status", headers={"Authorization": f"Bearer {OFFICE_TOKEN}"}, timeout=30
    ).json()
    assert next(c for c in status["counters"] if c["id"] == "3")["paused_since"] == "08:00"


def test_the_office_sees_each_kiosks_health_in_words_and_a_silent_kiosk_as_not_seen(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    tokens = hall.config.server.tokens_file
    assert tokens is not None
    tokens.write_text(tokens.read_text("utf-8") + f"MPP-7 {token_hash(token_of('MPP-7'))}\n", "utf-8")
    hall.issue("KTP")
    report = {"printer": "paper_near_end", "unsynced": 2, "time": "2026-11-30T08:00:04+07:00"}
    headers = {"Authorization": f"Bearer {token_of('MPP-1')}"}
    sent = requests.post(hall.base + "/v1/kiosks/health", json=report, headers=headers, timeout=30)
    assert sent.status_code == 204
    page = open_page(hall.base + "/office?refresh=500")
    sign_in_office(hall, page)
    reported = page.inner_text("#kiosks tr[data-kiosk='MPP-1']")
    assert "Terhubung" in reported and "Kertas hampir habis" in reported and "\t2\t" in reported
    assert "Belum pernah terlihat" in page.inner_text("#kiosks tr[data-kiosk='MPP-7']")  # never "fine"
    ktp = page.inner_text("#services tr[data-service=KTP]")
    assert "standar 30 menit" in ktp and "0 menit" in ktp  # one waiting, for no time yet

    hall.clock.travel(timedelta(seconds=31))  # two polls without a word from MPP-1
    page.wait_for_function(
        "document.querySelector(\"#kiosks tr[data-kiosk='MPP-1']\").innerText.includes('Tidak terlihat sejak 08:00')",
        timeout=60_000,
    )
    assert "Kertas hampir habis" in page.inner_text("#kiosks tr[data-kiosk='MPP-1']")  # its last word stays
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_reason_half_typed_survives_the_pages_refreshes(hall: Hall, open_page: Callable[..., Page]) -> None:
    """The tables are drawn again at every refresh: what the supervisor is typing must stay,
    with the cursor in its field (it was wiped at the next refresh, and a close went out empty)."""
    page = open_page(hall.base + "/office?refresh=200")
    sign_in_office(hall, page)
    row = "#services tr[data-service=KK]"
    page.click(f"{row} input.reason")
    page.keyboard.type("Server Dukcapil pusat")
    seen = page.evaluate("window.officePage.refreshes")
    page.wait_for_function(f"window.officePage.refreshes >= {seen + 3}")
    assert page.input_value(f"{row} input.reason") == "Server Dukcapil pusat"
    page.keyboard.type(" gangguan")  # the cursor is still in the field, at its end
    assert page.input_value(f"{row} input.reason") == "Server Dukcapil pusat gangguan"
    page.click(f"{row} button:has-text('Tutup hari ini')")
    page.wait_for_function("document.querySelector('#services tr[data-service=KK] td.closed') !== null")
    assert "Server Dukcapil pusat gangguan" in page.inner_text(f"{row} td.closed")


def test_the_office_page_speaks_english_and_basa_jawa_when_chosen(hall: Hall, open_page: Callable[..., Page]) -> None:
    """Every word of the page, the server's refusals included, in the language the supervisor
    picks; the token is kept across the switch, and the choice across a reload."""
    hall.issue("KTP")
    page = open_page(hall.base + "/office?refresh=500")
    sign_in_office(hall, page)
    assert page.inner_text("#services-title") == "Layanan"

    page.click("nav.languages a[hreflang=en]")
    page.wait_for_selector("html[lang=en] #desk:not([hidden])")  # signed in still: the tab kept the token
    page.wait_for_selector("#services tr[data-service=KTP]")
    row = "#services tr[data-service=KTP]"
    assert page.inner_text("#signout") == "Sign out" and page.inner_text("#counters-title") == "Counters"
    assert page.inner_text(f"{row} button.small >> nth=0") == "Close today"
    assert "Serving" in page.inner_text("#counters tr[data-counter='1']")
    assert page.inner_text("#notice-now") == "No notice yet."
    assert "(standard 30 min)" in page.inner_text(row)
    desk = page.inner_text("#desk")
    for indonesian in ("Tutup hari ini", "Ubah kuota", "Istirahat", "Melayani", "Belum", "menit", "Keadaan", "Alasan"):
        assert indonesian not in desk

    page.fill(f"{row} input.quota", "0")
    page.click(f"{row} button:has-text('Change quota')")  # below the one issued: the server's refusal, in English
    page.wait_for_function("document.getElementById('message').textContent.includes('issued today')")
    assert "Choose a quota of 1 or more" in page.inner_text("#message")

    page.fill("#notice-text", "Blangko KTP-el habis hari ini.")
    page.fill("#notice-text-en", "KTP-el blanks have run out today.")
    page.fill("#notice-text-jv", "Blangko KTP-el telas dinten menika.")
    page.click("#notice-form button[type=submit]")
    page.wait_for_function("document.getElementById('notice-now').textContent.startsWith('Now:')")
    notice = requests.get(
        hall.base + "/v1/office/status", headers={"Authorization": f"Bearer {OFFICE_TOKEN}"}, timeout=30
    ).json()["notice"]
    assert (notice["text_en"], notice["text_jv"]) == (
        "KTP-el blanks have run out today.",
        "Blangko KTP-el telas dinten menika.",
    )

    page.goto(hall.base + "/office?refresh=500")  # no ?lang: the choice is remembered
    page.wait_for_selector("html[lang=en] #desk:not([hidden])")
    page.click("nav.languages a[hreflang=jv]")
    page.wait_for_selector("html[lang=jv] #services tr[data-service=KTP]")
    assert page.inner_text(f"{row} button.small >> nth=0") == "Tutup dinten menika"
    assert page.inner_text("#signout") == "Medal"
    assert page.errors == []  # type: ignore[attr-defined]
