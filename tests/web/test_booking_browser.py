"""/book in Debian's chromium on a phone-sized window: with scripts, without them, and a cancellation.

``ANTRIAN_SCREENSHOTS=docs/screenshots`` also saves the pictures the README shows.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from book_support import TUESDAY, BookSite, book_site
from playwright.sync_api import Browser, Page
from web_support import WAIT_MS, browser

from kiosk.backends.daybook import DayBook
from kiosk.core.model import BookingStatus

__all__ = ["browser"]

PHONE = {"width": 390, "height": 844}
NIK = "3520015203900002"
SHOTS = os.environ.get("ANTRIAN_SCREENSHOTS", "")


@pytest.fixture
def site(tmp_path: Path) -> Iterator[BookSite]:
    yield from book_site(tmp_path / "server", {"online_percent = 50": "online_percent = 10"})


def phone(browser: Browser, scripts: bool = True) -> Page:
    context = browser.new_context(
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="id-ID",
        java_script_enabled=scripts,
    )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    return page


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"book_{name}.png"), full_page=True)


def stored(site: BookSite, code: str) -> object:
    book = DayBook(site.config.backend.path, site.config)
    try:
        return book.find_booking(code)
    finally:
        book.close()


def test_a_citizen_books_on_a_phone_with_one_tap_per_step(browser: Browser, site: BookSite) -> None:
    page = phone(browser)
    page.goto(site.base + "/book")
    assert not page.is_visible("[data-step-button]")  # the script goes on by itself
    shot(page, "1_service")
    page.click("input[name=service][value=KTP]")  # a tap on the choice: the next step opens
    page.wait_for_selector("#step-day input[name=date]")
    shot(page, "2_day")
    page.click(f"input[name=date][value='{TUESDAY}']")
    page.wait_for_selector("#nik")
    page.fill("#nik", NIK)
    assert page.inner_text("#nik-count") == "16 / 16"
    shot(page, "3_slot_nik")
    page.click("#book-button")
    page.wait_for_selector("#code")
    code = page.inner_text("#code")
    assert page.inner_text("#heading") == "Pendaftaran berhasil"
    assert page.inner_text("#nik-masked") == "3520**********02"
    assert NIK not in page.content() and NIK not in page.url
    assert page.is_visible("img.qr") and page.evaluate("document.querySelector('img.qr').naturalWidth") > 100
    # the page fits the phone: nothing wider than the window
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "4_confirmation")
    assert page.errors == []  # type: ignore[attr-defined]
    found = stored(site, code)
    assert found is not None and getattr(found, "status") == BookingStatus.BOOKED


def test_the_same_booking_works_with_javascript_switched_off(browser: Browser, site: BookSite) -> None:
    page = phone(browser, scripts=False)
    page.goto(site.base + "/book")
    page.check("input[name=service][value=KTP]")
    page.click("#step-service [data-step-button]")
    page.wait_for_selector("#step-day input[name=date]")
    page.check(f"input[name=date][value='{TUESDAY}']")
    page.click("#step-day [data-step-button]")
    page.wait_for_selector("#nik")
    page.check("input[name=slot][value='08:00']")
    page.fill("#nik", NIK)
    page.click("#book-button")
    page.wait_for_selector("#code")
    assert page.inner_text("#slot") == "08:00–08:30 WIB"
    found = stored(site, page.inner_text("#code"))
    assert found is not None and getattr(found, "slot").strftime("%H:%M") == "08:00"


def test_cancelling_on_the_phone_frees_the_place_at_once(browser: Browser, site: BookSite) -> None:
    page = phone(browser)
    # AKTA has 3 online places a day (10 % of 30), one in each of the first three slots.
    page.goto(site.base + f"/book?service=AKTA&date={TUESDAY}")
    page.check("input[name=slot][value='07:30']")
    page.fill("#nik", NIK)
    page.click("#book-button")
    page.wait_for_selector("#code")
    code = page.inner_text("#code")
    page.goto(site.base + f"/book?service=AKTA&date={TUESDAY}")
    assert page.is_disabled("input[name=slot][value='07:30']")  # taken: the slot is full
    page.goto(site.base + f"/book/{code}")
    page.fill("#nik", NIK)
    page.click("#show-button")
    page.wait_for_selector("#cancel-button")
    shot(page, "5_manage")
    page.click("#cancel-button")
    page.wait_for_selector("#notice")
    assert "dibatalkan" in page.inner_text("#notice")
    page.goto(site.base + f"/book?service=AKTA&date={TUESDAY}")
    assert page.is_enabled("input[name=slot][value='07:30']")  # free again, for the next person
    found = stored(site, code)
    assert found is not None and getattr(found, "status") == BookingStatus.CANCELLED
