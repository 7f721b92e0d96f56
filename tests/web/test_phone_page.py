"""The place-in-line page on a phone: useful before its script runs, then following the calls."""

from __future__ import annotations

from collections.abc import Callable

import requests
from playwright.sync_api import Page
from web_support import Hall, browser, hall, open_page

__all__ = ["browser", "hall", "open_page"]

PHONE = {"width": 390, "height": 844}


def test_the_phone_page_shows_the_number_and_people_ahead_before_any_script_runs(hall: Hall) -> None:
    first, second = hall.issue("KTP"), hall.issue("KTP")
    answer = requests.get(f"{hall.base}/t/{second.id}", timeout=30)
    assert answer.status_code == 200
    html = answer.text
    assert second.number in html
    assert "Perekaman KTP-el" in html
    assert 'id="ahead">1<' in html  # the first ticket is ahead
    assert first.id not in html  # another person's ticket id is never on the page
    assert answer.headers["Referrer-Policy"] == "no-referrer"


def test_the_phone_page_changes_by_itself_after_a_counter_calls(hall: Hall, open_page: Callable[..., Page]) -> None:
    first, second = hall.issue("KTP"), hall.issue("KTP")
    page = open_page(f"{hall.base}/t/{second.id}?refresh=300", **PHONE)
    assert page.inner_text("#number") == second.number
    assert page.inner_text("#ahead") == "1"

    assert hall.post("1", "next", "phone-next-1").status_code == 200
    page.wait_for_function("document.getElementById('ahead').textContent === '0'")
    page.wait_for_function(f"document.getElementById('serving').textContent === {first.number!r}")

    assert hall.post("2", "next", "phone-next-2").status_code == 200
    page.wait_for_function("document.getElementById('phone').dataset.state === 'called'")
    assert "Silakan ke Loket 2 sekarang" in page.inner_text("#state")  # which counter, by name
    assert page.is_hidden("#ahead")  # no "0 ahead" while called

    assert hall.post("2", "done", "phone-done-2").status_code == 200
    page.wait_for_function("document.getElementById('phone').dataset.state === 'served'")
    assert page.inner_text("#state").startswith("Selesai dilayani")
    assert page.is_hidden("#ahead") and page.is_hidden("#wait")
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_phone_page_speaks_the_citizens_language_indonesian_english_or_basa_jawa(hall: Hall) -> None:
    ticket = hall.issue("KTP")
    pages = {
        "id": requests.get(f"{hall.base}/t/{ticket.id}", timeout=30).text,
        "en": requests.get(f"{hall.base}/t/{ticket.id}?lang=en", timeout=30).text,
        "jv": requests.get(f"{hall.base}/t/{ticket.id}?lang=jv", timeout=30).text,
        "phone": requests.get(f"{hall.base}/t/{ticket.id}", headers={"Accept-Language": "en-GB"}, timeout=30).text,
    }
    assert "Orang di depan Anda" in pages["id"] and '<html lang="id">' in pages["id"]
    assert "People ahead of you" in pages["en"] and "Waiting for your turn" in pages["en"]
    assert "Tiyang ing ngajeng Panjenengan" in pages["jv"] and '<html lang="jv">' in pages["jv"]
    assert "People ahead of you" in pages["phone"]  # the phone's own language when none is chosen
    for html in pages.values():
        assert "Diperbarui pukul" in html or "Updated at" in html or "Dipunenggalaken" in html  # when it last updated


def test_coming_back_to_the_tab_refreshes_the_phone_page_at_once(hall: Hall, open_page: Callable[..., Page]) -> None:
    hall.issue("KTP")
    ticket = hall.issue("KTP")
    page = open_page(f"{hall.base}/t/{ticket.id}?refresh=3600000", **PHONE)  # its own timer would wait an hour
    assert page.inner_text("#ahead") == "1"
    assert hall.post("1", "next", "phone-visible").status_code == 200
    page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")  # the tab is shown again
    page.wait_for_function("document.getElementById('ahead').textContent === '0'")
    assert "Diperbarui pukul" in page.inner_text("#updated")


def test_an_unknown_ticket_gets_a_page_that_says_what_to_do(hall: Hall) -> None:
    for ticket_id in ("00000000-0000-0000-0000-000000000000", "not-a-ticket"):
        answer = requests.get(f"{hall.base}/t/{ticket_id}", timeout=30)
        assert answer.status_code == 404
        assert "Tiket ini tidak ditemukan" in answer.text
    english = requests.get(f"{hall.base}/t/not-a-ticket?lang=en", timeout=30).text
    assert "<title>Queue number ·" in english and "Nomor antrean" not in english  # the tab's name too


def test_the_phone_page_says_when_the_server_is_out_of_reach_and_recovers_by_itself(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    first, second = hall.issue("KTP"), hall.issue("KTP")
    page = open_page(f"{hall.base}/t/{second.id}?refresh=300", **PHONE)
    hall.stop()
    page.wait_for_function("document.getElementById('updated').textContent.includes('tidak terjangkau')")
    assert page.inner_text("#number") == second.number  # what it knew stays on screen

    hall.start()
    assert hall.post("1", "next", "phone-after-restart").status_code == 200
    page.wait_for_function(f"document.getElementById('serving').textContent === {first.number!r}")
    assert "Diperbarui pukul" in page.inner_text("#updated")
