"""Screenshots of the web pages in headless chromium: docs/screenshots/{counter,display,phone,rate}.png.

A real server on loopback over a temp day book at 09:00 WIB: tickets issued as the kiosk issues
them, a few calls made by the counters, then each page photographed the way it is used (the
counter page on a desk monitor, the display on a 1920x1080 TV, the phone page on a phone).

    .venv/bin/python scripts/web_screenshots.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

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


def main() -> None:
    from playwright.sync_api import Page, sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="web-screens-") as folder:
        hall = start_hall(Path(folder))
        try:
            waiting_id = busy_morning(hall)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)

                def page_of(width: int, height: int, scale: float = 1) -> Page:
                    context = browser.new_context(
                        viewport={"width": width, "height": height}, device_scale_factor=scale, bypass_csp=True
                    )
                    return context.new_page()

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
                browser.close()
        finally:
            hall.stop()
    for name in ("counter", "display", "display_burst", "phone", "rate"):
        print(OUT / f"{name}.png")


if __name__ == "__main__":
    main()
