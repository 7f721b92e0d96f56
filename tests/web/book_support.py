"""The booking website on a real server over loopback, and a citizen's HTTP session (no browser).

``BookSite`` runs ``kiosk serve``'s app over a real day book with a FixedClock; ``Citizen`` reads
a page's form (its hidden fields included) and posts it, as a browser without scripts would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import requests
from web_support import SECRET, root

from kiosk.core import config as config_mod
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.server.app import BookingApi, create_app
from kiosk.server.booking_site import create_booking_app
from kiosk.server.run import RunningServer

# Sunday 29 November 2026, 08:00 WIB: Tuesday 1 December is open for booking (since Sunday 07:00),
# Wednesday opens on Monday at 07:00, Thursday on Tuesday.
SUNDAY_0800 = root.MONDAY_0800.replace(day=29)
TUESDAY = "2026-12-01"
WEDNESDAY = "2026-12-02"
THURSDAY = "2026-12-03"
SATURDAY = "2026-12-05"
ROOMY = {
    "attempts_per_address = 30": "attempts_per_address = 100000",
    "attempts_per_nik = 10": "attempts_per_nik = 1000",
}


@dataclass
class BookSite:
    config: Config
    clock: FixedClock
    running: RunningServer
    apis: list[BookingApi] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.running.port}"

    def stop(self) -> None:
        self.running.stop()
        for api in self.apis:
            api.close()


def start_site(folder: Path, edits: dict[str, str] | None = None, only_book: bool = False) -> BookSite:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.secret").write_bytes(SECRET)
    config = config_mod.load(root.write_config(folder, {**ROOMY, **(edits or {})}))
    clock = FixedClock(SUNDAY_0800)
    if only_book:
        app = create_booking_app(config, clock)
        return BookSite(config, clock, RunningServer(app, threads=8))
    app = create_app(config, {}, clock)
    return BookSite(config, clock, RunningServer(app, threads=8), [app.extensions["antrian"]])


def book_site(folder: Path, edits: dict[str, str] | None = None) -> Iterator[BookSite]:
    site = start_site(folder, edits)
    yield site
    site.stop()


class _Forms(HTMLParser):
    """Every form of a page: its id, action, method and named inputs (first value of each name)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(
                {"id": a.get("id", ""), "action": a.get("action", ""), "method": a.get("method", "get"), "fields": {}}
            )
        elif tag in ("input", "select") and self.forms and a.get("name"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.forms[-1]["fields"].setdefault(a["name"], a.get("value", ""))


def forms_of(html: str) -> list[dict[str, Any]]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


class Citizen:
    """One person's browser session (cookies kept), posting forms as they come in the page."""

    def __init__(self, site: BookSite, address: str | None = None) -> None:
        self.site = site
        self.session = requests.Session()
        if address:
            self.session.headers["X-Real-IP"] = address
        self.last: requests.Response | None = None

    def get(self, path: str) -> requests.Response:
        self.last = self.session.get(self.site.base + path, timeout=60)
        return self.last

    def form(self, form_id: str, html: str | None = None) -> dict[str, Any]:
        page = html if html is not None else (self.last.text if self.last is not None else "")
        for found in forms_of(page):
            if found["id"] == form_id:
                return found
        raise AssertionError(f"no form {form_id} in {visible_text(page)[:400]}")

    def submit(self, form_id: str, **fields: str) -> requests.Response:
        found = self.form(form_id)
        data = {**found["fields"], **fields}
        self.last = self.session.post(self.site.base + found["action"], data=data, timeout=60)
        return self.last

    def book(self, service: str, date: str, nik: str, **extra: str) -> requests.Response:
        """The single POST: the first page's form with service, date and NIK filled in."""
        self.get("/book")
        return self.submit("booking-form", service=service, date=date, nik=nik, **extra)


def code_of(answer: requests.Response) -> str:
    found = re.search(r'id="code">([A-Z0-9]+)<', answer.text)
    assert found, visible_text(answer.text)[:500]
    return found.group(1)


def problem_of(answer: requests.Response) -> str:
    found = re.search(r'<div class="problem"[^>]*>(.*?)</div>', answer.text, flags=re.S)
    return visible_text(found.group(1)) if found else ""
