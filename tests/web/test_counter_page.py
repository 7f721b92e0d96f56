"""The counter page in a real chromium: sign-in, each step, and what staff see when something fails."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import requests
from playwright.sync_api import Page, Route
from web_support import Hall, browser, counter_token, hall, open_page, sign_in

from kiosk.core.model import Priority

__all__ = ["browser", "hall", "open_page"]


def display_calls(hall: Hall) -> list[dict[str, object]]:
    calls: list[dict[str, object]] = requests.get(hall.base + "/v1/display", timeout=30).json()["calls"]
    return calls


def current_number(page: Page) -> str:
    return page.inner_text("#current-number")


def test_two_counters_calling_at_once_get_different_tickets(hall: Hall, open_page: Callable[..., Page]) -> None:
    issued = {hall.issue("KTP").number for _ in range(2)}
    one, two = open_page(hall.base + "/counter"), open_page(hall.base + "/counter")
    sign_in(one, "1")
    sign_in(two, "2")

    one.keyboard.press("n")  # both presses are on their way before either answer is read
    two.keyboard.press("n")

    one.wait_for_function("document.getElementById('counter-app').dataset.current !== ''")
    two.wait_for_function("document.getElementById('counter-app').dataset.current !== ''")
    assert {current_number(one), current_number(two)} == issued
    assert sorted(str(c["number"]) for c in display_calls(hall)) == sorted(issued)


def test_a_click_whose_answer_was_lost_is_sent_again_with_the_same_key_and_calls_one_person(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    first, _second = hall.issue("KTP"), hall.issue("KTP")
    page = open_page(hall.base + "/counter")
    sign_in(page, "1")
    lost: list[str] = []

    def lose_the_answer(route: Route) -> None:
        if not lost:  # the server calls someone, but the answer never reaches the page
            lost.append(route.request.headers["idempotency-key"])
            route.fetch()
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/v1/counters/1/next", lose_the_answer)
    page.click("button[data-action=next]")
    page.wait_for_function("document.getElementById('message').textContent === 'Server tidak terjangkau; coba lagi.'")

    page.click("button[data-action=next]")
    page.wait_for_function("document.getElementById('message').textContent.includes('dipanggil')")
    keys = page.evaluate("window.counterPage.sent.map(s => s.key)")
    assert keys == [lost[0], lost[0]]
    assert current_number(page) == first.number
    assert [c["number"] for c in display_calls(hall)] == [first.number]  # one person called, not two


def test_nothing_waiting_and_a_wrong_token_are_told_in_plain_indonesian(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    page = open_page(hall.base + "/counter")
    page.fill("#counter-id", "1")
    page.fill("#counter-token", "not-the-token-of-counter-1")
    page.click("#signin-button")
    page.wait_for_function("document.getElementById('signin-message').textContent !== ''")
    assert "token salah" in page.inner_text("#signin-message")
    assert page.is_hidden("#desk")

    page.fill("#counter-token", counter_token("1"))
    page.click("#signin-button")
    page.wait_for_selector("#desk:not([hidden])")
    page.keyboard.press("n")
    page.wait_for_function("document.getElementById('message').classList.contains('error')")
    message = page.inner_text("#message")
    assert message and "Server" not in message  # the server's own sentence about an empty line
    assert current_number(page) == "–"


def test_a_stale_page_acting_on_a_ticket_finished_elsewhere_is_told_and_shows_the_truth(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    ticket = hall.issue("KTP")
    page = open_page(hall.base + "/counter?refresh=3600000")  # no refresh of its own: the page goes stale
    sign_in(page, "1")
    # A step is followed by one refresh of the page's state: let it come back before the ticket is
    # finished elsewhere, or that refresh already shows the truth and the page is not stale.
    with page.expect_response(lambda answer: answer.request.method == "GET" and "/counters/1" in answer.url):
        page.click("button[data-action=next]")
    page.wait_for_function(
        f"document.getElementById('counter-app').dataset.current === {ticket.number!r}"
        " && document.getElementById('counter-app').dataset.busy === ''"
    )

    assert hall.post("1", "done", "test-done-elsewhere").status_code == 200  # e.g. `kiosk call done` meanwhile
    assert current_number(page) == ticket.number  # the page still shows it
    page.click("button[data-action=done]")
    page.wait_for_function("document.getElementById('message').classList.contains('error')")
    page.wait_for_function("document.getElementById('counter-app').dataset.current === ''")
    assert page.inner_text("#message") != ""


def test_transfer_moves_the_current_ticket_to_the_chosen_service(hall: Hall, open_page: Callable[..., Page]) -> None:
    ticket = hall.issue("KTP")
    page = open_page(hall.base + "/counter")
    sign_in(page, "2")  # Loket 2 calls KTP and KK
    page.keyboard.press("n")
    page.wait_for_function(f"document.getElementById('counter-app').dataset.current === {ticket.number!r}")

    page.keyboard.press("a")
    page.wait_for_selector("#transfer-dialog[open]")
    page.select_option("#transfer-service", "KK")
    page.click("#transfer-confirm")
    page.wait_for_function("document.getElementById('message').textContent.includes('dialihkan')")
    assert "Kartu Keluarga" in page.inner_text("#message")
    page.wait_for_function("document.querySelector('#waiting tr[data-service=KK] .count').textContent === '1'")


def test_enter_in_the_transfer_dialog_submits_the_transfer(hall: Hall, open_page: Callable[..., Page]) -> None:
    ticket = hall.issue("KTP")
    page = open_page(hall.base + "/counter")
    sign_in(page, "2")
    page.keyboard.press("n")
    page.wait_for_function(f"document.getElementById('counter-app').dataset.current === {ticket.number!r}")

    page.keyboard.press("a")
    page.wait_for_selector("#transfer-dialog[open]")
    page.select_option("#transfer-service", "KK")  # the focus stays on the <select>
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('message').textContent.includes('dialihkan')")
    assert page.is_hidden("#transfer-dialog")
    page.wait_for_function("document.querySelector('#waiting tr[data-service=KK] .count').textContent === '1'")


def test_the_second_absent_tells_the_clerk_it_is_now_a_no_show(hall: Hall, open_page: Callable[..., Page]) -> None:
    ticket = hall.issue("KTP")
    page = open_page(hall.base + "/counter")
    sign_in(page, "1")
    for press, expected in (("n", "dipanggil"), ("t", "sekali lagi"), ("n", "dipanggil"), ("t", "TIDAK DATANG")):
        page.wait_for_function("document.getElementById('counter-app').dataset.busy === ''")
        page.evaluate("document.getElementById('message').textContent = ''")
        page.keyboard.press(press)
        page.wait_for_function(f"document.getElementById('message').textContent.includes({expected!r})")
    assert ticket.number in page.inner_text("#message")
    assert "kedua" in page.inner_text("#message")


def test_the_unreachable_server_message_goes_when_the_connection_is_back(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    hall.issue("KTP")
    page = open_page(hall.base + "/counter?refresh=500")
    sign_in(page, "1")
    page.route("**/v1/counters/1/next", lambda route: route.abort("connectionreset"))
    # Every text the line shows, kept as it changes: the page's own refresh (500 ms) may take the
    # red line away again before a check on a busy machine sees it.
    page.evaluate(
        """() => { const line = document.getElementById('message'); window.shown = [];
        new MutationObserver(() => window.shown.push(line.textContent))
          .observe(line, {childList: true, characterData: true, subtree: true}); }"""
    )
    page.click("button[data-action=next]")
    page.wait_for_function("window.shown.some(text => text.includes('Server tidak terjangkau'))")
    page.unroute("**/v1/counters/1/next")
    # The page's own refresh reaches the server again: the red line must not stay.
    page.wait_for_function("!document.getElementById('message').textContent.includes('Server tidak terjangkau')")
    assert "error" not in (page.get_attribute("#message", "class") or "")


def test_the_counter_page_lists_the_waiting_numbers_in_calling_order_with_priority_marked(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    first = hall.issue("KTP")
    other = hall.issue("KK")  # Loket 1 does not serve KK: not in its list
    elderly = hall.issue("CETAK", Priority.ELDERLY)
    page = open_page(hall.base + "/counter")
    sign_in(page, "1")  # Loket 1: KTP and CETAK
    page.wait_for_function("document.querySelectorAll('#line li').length === 2")
    assert page.eval_on_selector_all("#line li", "items => items.map(i => i.textContent)") == [
        elderly.number,
        first.number,
    ]
    assert page.get_attribute("#line li:first-child", "class") == "priority"
    assert other.number not in page.inner_text("#line")
    html = requests.get(hall.base + "/v1/counters/1", headers=auth("1"), timeout=30).text
    assert "nik" not in html.lower() and first.holder not in html  # numbers only


def auth(counter_id: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {counter_token(counter_id)}"}


def test_a_no_show_who_comes_back_is_taken_back_at_the_head_of_the_line_and_audited(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    missed, second, third = hall.issue("KTP"), hall.issue("KTP"), hall.issue("KTP")
    for i, step in enumerate(("next", "absent", "next", "absent")):  # called twice, never came: a no-show
        assert hall.post("1", step, f"take-back-{i}").status_code == 200
    assert requests.get(f"{hall.base}/v1/public/tickets/{missed.id}", timeout=30).json()["state"] == "no_show"
    page = open_page(hall.base + "/counter")
    sign_in(page, "1")
    page.wait_for_function("document.querySelectorAll('#line li').length === 2")

    page.keyboard.press("k")
    page.wait_for_selector("#take-back-dialog[open]")
    page.keyboard.type(missed.number.replace("-", "").lower())  # "a001", as a clerk might type it
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('message').textContent.includes('kembali ke antrean')")
    page.wait_for_function("document.querySelectorAll('#line li').length === 3")
    order = page.eval_on_selector_all("#line li", "items => items.map(i => i.textContent)")
    assert order == [missed.number, second.number, third.number]  # at the head of the line
    with sqlite3.connect(hall.config.backend.path) as db:
        audit = db.execute("SELECT counter_id, step FROM call_steps WHERE ticket_id = ? ORDER BY at", (missed.id,))
        assert ("1", "take_back") in audit.fetchall()

    page.keyboard.press("k")  # a ticket that is not a no-show is told, and nothing changes
    page.keyboard.type(second.number)
    page.keyboard.press("Enter")
    page.wait_for_function("document.getElementById('message').classList.contains('error')")
    assert "tidak perlu dikembalikan" in page.inner_text("#message")
    assert page.errors == []  # type: ignore[attr-defined]


def message_reads(page: Page, text: str) -> None:
    """The page's message line comes to read ``text``. Its periodic refresh may show the counter's
    new state a moment before the answer to the key sets the message: wait for the words."""
    try:
        page.wait_for_function("text => document.getElementById('message').innerText === text", arg=text)
    except Exception:  # noqa: BLE001 - say what the line read instead
        assert page.inner_text("#message") == text
        raise


def test_the_counter_page_speaks_english_and_basa_jawa_when_chosen(hall: Hall, open_page: Callable[..., Page]) -> None:
    """Every word of the page, the server's refusals included, in the language the officer picks;
    the sign-in is kept across the switch, and the choice across a reload."""
    page = open_page(hall.base + "/counter")
    sign_in(page, "1")
    assert page.inner_text("#current-title") == "Sedang dilayani"

    page.click("nav.languages a[hreflang=en]")
    page.wait_for_selector("html[lang=en] #desk:not([hidden])")  # signed in still: the tab kept the token
    assert page.inner_text("button[data-action=next]") == "Call next N"
    assert page.inner_text("#current-title") == "Now serving" and page.inner_text("#signout") == "Sign out"
    assert page.inner_text("#current-service") == "No number called yet."
    page.keyboard.press("n")  # nobody waiting: the server's refusal, in English
    page.wait_for_function("document.getElementById('message').classList.contains('error')")
    assert page.inner_text("#message").startswith("Nobody is waiting. Nobody has a number for this counter")

    ticket = hall.issue("KTP")
    page.keyboard.press("n")
    page.wait_for_function(f"document.getElementById('counter-app').dataset.current === {ticket.number!r}")
    message_reads(page, f"Number {ticket.number} called. Wait for the person to come.")
    assert page.inner_text("#current-state").startswith("Called at ")
    desk = page.inner_text("#desk")
    for indonesian in ("Panggil", "Selesai", "Menunggu", "Dipanggil", "Nomor", "Tidak", "Keluar", "prioritas"):
        assert indonesian not in desk

    page.goto(hall.base + "/counter")  # no ?lang: the choice is remembered
    page.wait_for_selector("html[lang=en] #desk:not([hidden])")
    assert page.inner_text("button[data-action=done]") == "Done S"
    page.click("nav.languages a[hreflang=jv]")
    page.wait_for_selector("html[lang=jv] #desk:not([hidden])")
    assert page.inner_text("button[data-action=next]") == "Timbali salajengipun N"
    # The reloaded page shows the desk at once and the ticket when its first refresh answers:
    # the officer presses S on the number they see.
    page.wait_for_function(f"document.getElementById('counter-app').dataset.current === {ticket.number!r}")
    page.keyboard.press("s")
    page.wait_for_function("document.getElementById('counter-app').dataset.current === ''")
    message_reads(page, f"Nomer {ticket.number} sampun dipunladosi.")
    page.keyboard.press("n")  # nobody waiting again: the refusal in Basa Jawa
    page.wait_for_function("document.getElementById('message').classList.contains('error')")
    assert page.inner_text("#message").startswith("Mboten wonten ingkang ngentosi.")
    assert page.errors == []  # type: ignore[attr-defined]
