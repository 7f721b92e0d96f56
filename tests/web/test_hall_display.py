"""The hall display in a real chromium: a call shows the number and is spoken to its end, calls
never cut each other off, and a server restart is survived without replaying or skipping calls."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Page
from web_support import WAIT_MS, Hall, announcement_events, browser, hall, open_page, sign_in, wait_until_quiet

__all__ = ["browser", "hall", "open_page"]


def spoken_in_order(events: list[dict[str, Any]]) -> list[tuple[str, str, int]]:
    return [(e["type"], e["part"], e["seq"]) for e in events if e["type"] in ("play", "ended", "error", "timeout")]


def open_display(open_page: Callable[..., Page], hall: Hall) -> Page:
    page = open_page(hall.base + "/display", width=1920, height=1080)
    page.wait_for_function("document.getElementById('display').dataset.connection === 'ok'")
    return page


def test_a_counter_calls_and_the_display_shows_the_number_and_speaks_it_to_its_end(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    ticket = hall.issue("KTP")
    display = open_display(open_page, hall)
    counter = open_page(hall.base + "/counter")
    sign_in(counter, "1")

    counter.click("button[data-action=next]")

    display.wait_for_function(f"document.getElementById('now-number').textContent === {ticket.number!r}")
    assert display.inner_text("#now-counter") == "Loket 1"
    display.wait_for_function(
        "window.hallDisplay.announcer.events.some(e => e.type === 'ended' && e.part === 'announcement')"
    )
    wait_until_quiet(display)
    seq = display.evaluate("window.hallDisplay.state.calls[0].seq")
    assert spoken_in_order(announcement_events(display)) == [
        ("play", "chime", seq),
        ("ended", "chime", seq),
        ("play", "announcement", seq),
        ("ended", "announcement", seq),
    ]
    assert display.errors == []  # type: ignore[attr-defined]


def test_two_calls_in_a_row_are_spoken_one_after_the_other_and_a_recall_is_spoken_again(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    first, second = hall.issue("KTP"), hall.issue("KK")
    display = open_display(open_page, hall)

    assert hall.post("1", "next", "test-next-1").status_code == 200
    assert hall.post("2", "next", "test-next-2").status_code == 200
    assert hall.post("1", "recall", "test-recall-1").status_code == 200

    display.wait_for_function("window.hallDisplay.announcer.events.filter(e => e.type === 'queued').length === 3")
    wait_until_quiet(display)
    spoken = spoken_in_order(announcement_events(display))
    seqs = sorted({seq for _, _, seq in spoken})
    assert len(seqs) == 3
    # Each part ends before the next one starts: nothing overlaps, nothing is cut off.
    expected = []
    for seq in seqs:
        expected += [("play", "chime", seq), ("ended", "chime", seq)]
        expected += [("play", "announcement", seq), ("ended", "announcement", seq)]
    assert spoken == expected
    numbers = [e["number"] for e in announcement_events(display) if e["type"] == "queued"]
    assert numbers == [first.number, second.number, first.number]  # the recall repeats the first


def test_after_a_server_restart_the_display_reconnects_and_speaks_only_the_calls_made_since(
    hall: Hall, open_page: Callable[..., Page]
) -> None:
    early, later = hall.issue("KTP"), hall.issue("KTP")
    assert hall.post("1", "next", "test-before-tv").status_code == 200  # before the TV came on: history
    display = open_display(open_page, hall)
    display.wait_for_function(f"document.getElementById('now-number').textContent === {early.number!r}")

    hall.stop()
    display.wait_for_selector("#connection:not([hidden])", timeout=WAIT_MS)
    assert "Menyambung ulang" in display.inner_text("#connection")
    hall.start()
    # Called while the display is still between two tries: it must not be skipped.
    assert hall.post("2", "next", "test-after-restart").status_code == 200
    display.wait_for_selector("#connection", state="hidden", timeout=WAIT_MS)
    display.wait_for_function(f"document.getElementById('now-number').textContent === {later.number!r}")
    wait_until_quiet(display)
    queued = [e["number"] for e in announcement_events(display) if e["type"] == "queued"]
    assert queued == [later.number]  # the call before the TV came on is never replayed


def test_without_espeak_the_display_still_shows_each_call_and_its_queue_goes_on(
    hall: Hall, open_page: Callable[..., Page], monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = hall.issue("KTP"), hall.issue("KK")
    display = open_display(open_page, hall)
    monkeypatch.setenv("PATH", "/nonexistent")  # the server (in this process) finds no espeak-ng

    assert hall.post("1", "next", "test-mute-1").status_code == 200
    assert hall.post("2", "next", "test-mute-2").status_code == 200
    display.wait_for_function(f"document.getElementById('now-number').textContent === {second.number!r}")
    display.wait_for_function("window.hallDisplay.announcer.events.filter(e => e.type === 'queued').length === 2")
    wait_until_quiet(display)
    spoken = [(e["type"], e["part"], e["number"]) for e in announcement_events(display) if e["type"] != "queued"]
    assert spoken == [
        ("play", "chime", first.number),
        ("ended", "chime", first.number),
        ("error", "announcement", first.number),  # 503 from the server: the chime alone, then the next call
        ("play", "chime", second.number),
        ("ended", "chime", second.number),
        ("error", "announcement", second.number),
    ]
