"""Screenshots of the web pages in headless chromium: docs/screenshots/{counter,display,phone,rate,office}.png.

A real server on loopback over a temp day book at 09:00 WIB: tickets issued as the kiosk issues
them, a few calls made by the counters, then each page photographed the way it is used (the
counter page on a desk monitor, the display on a 1920x1080 TV, the phone page on a phone).

    .venv/bin/python scripts/web_screenshots.py
    .venv/bin/python scripts/web_screenshots.py office   # only the office page
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.display import CHROMIUM, CHROMIUM_ARGS, HallServer, counter_token, start_hall  # noqa: E402

OUT = ROOT / "docs" / "screenshots"


def busy_morning(hall: HallServer) -> str:
    """Tickets and calls of a morning; returns the id of a ticket still waiting (for the phone)."""
    n = 0
    waiting_id = ""
    for service, count in (("KTP", 12), ("KK", 8), ("CETAK", 4), ("AKTA", 6)):
        for _ in range(count):
            n += 1
            ticket = hall.issue(service, n)
            if n == 7:  # KTP, four places behind the first
                waiting_id = ticket.id
    for counter, steps in (("1", 3), ("2", 2), ("3", 2)):
        for _ in range(steps):
            hall.step(counter, "done")
            hall.step(counter, "next").raise_for_status()
    return waiting_id


OFFICE_TOKEN = "screens-office-kasi-0123456789"


def office_morning(hall: HallServer) -> None:
    """Half an hour later: more people, more calls, three kiosks (one reports a low paper roll
    and unsynced tickets but went silent, one never reported) and a supervisor's token."""
    import requests

    from kiosk.server.tokens import token_hash

    tokens = hall.config.server.tokens_file
    assert tokens is not None
    kiosks = ("MPP-1", "MPP-2", "MPP-3")
    lines = [f"{k} {token_hash(f'screens-{k}-0123456789')}" for k in kiosks] + [
        f"kasi {token_hash(OFFICE_TOKEN)} office"
    ]
    tokens.write_text(tokens.read_text("utf-8") + "\n".join(lines) + "\n", encoding="utf-8")

    def report(kiosk: str, printer: str, unsynced: int) -> None:
        body = {"printer": printer, "unsynced": unsynced, "time": hall.api.clock.now().isoformat()}
        headers = {"Authorization": f"Bearer screens-{kiosk}-0123456789"}
        requests.post(f"{hall.base}/v1/kiosks/health", json=body, headers=headers, timeout=30).raise_for_status()

    report("MPP-2", "paper_near_end", 3)
    for n, service in enumerate(("KTP", "KTP", "KK", "AKTA", "KTP", "KK"), start=200):
        hall.api.clock.travel(timedelta(minutes=4))
        hall.issue(service, n)
    hall.api.clock.travel(timedelta(minutes=20))
    for counter in ("1", "2", "3"):
        hall.step(counter, "done")
        hall.step(counter, "next").raise_for_status()
    report("MPP-1", "ready", 0)


def office_shot(hall: HallServer, page: Any) -> None:
    office_morning(hall)
    page.goto(hall.base + "/office")
    page.fill("#office-token", OFFICE_TOKEN)
    page.click("#signin-button")
    page.wait_for_selector("#desk:not([hidden])")
    page.wait_for_function("document.querySelectorAll('#kiosks tbody tr').length === 3")
    page.screenshot(path=str(OUT / "office.png"), full_page=True)


def main() -> None:
    from playwright.sync_api import Page, sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="web-screens-") as folder:
        hall = start_hall(Path(folder))
        try:
            waiting_id = busy_morning(hall)
            only_office = sys.argv[1:] == ["office"]
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

                def page_of(width: int, height: int, scale: float = 1) -> Page:
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        device_scale_factor=scale,
                        bypass_csp=True,
                        locale="id-ID",  # the pages pick the browser's language: the office's own, here
                    )
                    return context.new_page()

                if only_office:
                    office_shot(hall, page_of(1440, 900))
                    browser.close()
                    return
                display = page_of(1920, 1080)
                display.goto(hall.base + "/display?sound=off")
                display.wait_for_function("window.hallDisplay.state.calls.length > 0")
                display.wait_for_timeout(3500)  # let the arrival flash end
                display.screenshot(path=str(OUT / "display.png"))

                # A burst: six calls in a row from three counters, the voice in the short form; the
                # number being said (not the newest) is the big one, marked.
                burst = page_of(1920, 1080)
                burst.goto(hall.base + "/display")
                burst.wait_for_function("document.getElementById('display').dataset.connection === 'ok'")
                for i in range(6):
                    counter_id = ("1", "2", "3")[i % 3]
                    hall.step(counter_id, "done")
                    hall.step(counter_id, "next").raise_for_status()
                burst.wait_for_function(
                    "window.hallDisplay.announcer.events.filter(e => e.type === 'play' && e.part === 'announcement'"
                    " && e.form === 'short').length >= 2",
                    timeout=120_000,
                )
                burst.wait_for_timeout(1200)  # let the arrival flash end
                burst.screenshot(path=str(OUT / "display_burst.png"))
                burst.close()

                from kiosk.core.model import Priority

                hall.issue("CETAK", 99, Priority.ELDERLY)  # comes in after the calls: first in line, marked
                counter = page_of(1280, 800)
                counter.goto(hall.base + "/counter")
                counter.fill("#counter-id", "1")
                counter.fill("#counter-token", counter_token("1"))
                counter.click("#signin-button")
                counter.wait_for_function("document.getElementById('counter-app').dataset.current !== ''")
                counter.screenshot(path=str(OUT / "counter.png"))

                phone = page_of(390, 844, 2)
                phone.goto(f"{hall.base}/t/{waiting_id}")
                phone.screenshot(path=str(OUT / "phone.png"), full_page=True)

                hall.step("3", "done").raise_for_status()  # Loket 3's ticket is done: its tablet asks
                rate = page_of(1024, 768)
                rate.goto(hall.base + "/rate/3")
                rate.wait_for_selector(".face-4")
                rate.screenshot(path=str(OUT / "rate.png"))
                office_shot(hall, page_of(1440, 900))
                browser.close()
        finally:
            hall.stop()
    for name in ("counter", "display", "display_burst", "phone", "rate", "office"):
        print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()
