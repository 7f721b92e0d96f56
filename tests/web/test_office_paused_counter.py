"""A counter paused on /office calls nobody, and its line's people are called at the other counters
(issue 14), all in a real chromium: the supervisor's page, two counters' pages and the hall display."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page
from web_support import Hall, browser, hall, open_page, sign_in, sign_in_office

__all__ = ["browser", "hall", "open_page"]

COUNTER_1 = "#counters tr[data-counter='1']"


def called(page: Page) -> str:
    """The number a counter's page shows as called now, once its answer is in."""
    page.wait_for_function("document.getElementById('counter-app').dataset.current !== ''")
    return page.inner_text("#current-number")


def test_a_paused_counter_calls_nobody_and_its_line_is_called_at_the_other_counter(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    first, second = hall.issue("KTP"), hall.issue("KTP")  # KTP is called at Loket 1 and Loket 2
    office = open_page(hall.base + "/office")
    sign_in_office(hall, office)
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()  # Loket 1 is the last open counter of CETAK: the page asks first

    office.on("dialog", answer)
    office.click(f"{COUNTER_1} button:has-text('Istirahat')")
    office.wait_for_function(f'document.querySelector("{COUNTER_1}").innerText.includes("Istirahat sejak")')
    assert asked and "loket terakhir" in asked[0]

    display = open_page(hall.base + "/display", width=1920, height=1080)
    display.wait_for_function("document.getElementById('display').dataset.connection === 'ok'")
    one, two = open_page(hall.base + "/counter"), open_page(hall.base + "/counter")
    sign_in(one, "1")
    sign_in(two, "2")

    one.click("button[data-action=next]")
    one.wait_for_function("document.getElementById('message').textContent.includes('istirahat')")
    assert "Loket ini sedang istirahat" in one.inner_text("#message")
    assert one.evaluate("document.getElementById('counter-app').dataset.current") == ""  # nobody called there
    assert one.inner_text("#current-number") == "–"

    two.click("button[data-action=next]")
    assert called(two) == first.number  # the head of the KTP line, at the counter still serving
    display.wait_for_function(f"document.getElementById('now-number').textContent === {first.number!r}")
    assert "Loket 2" in display.inner_text("#now-counter")

    office.click(f"{COUNTER_1} button:has-text('Lanjutkan')")
    office.wait_for_function(f'document.querySelector("{COUNTER_1}").innerText.includes("Melayani")')
    one.click("button[data-action=next]")
    assert called(one) == second.number  # back at work: Loket 1 calls again
    assert [p.errors for p in (office, display, one, two)] == [[], [], [], []]  # type: ignore[attr-defined]
