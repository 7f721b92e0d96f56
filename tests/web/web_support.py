"""Fixtures for the web pages: the real server on a loopback port over a real day book, and
Debian's chromium driven by playwright (it cannot download a browser here, so ``executable_path``).

Test modules import the fixtures from here (no conftest of our own: a second ``conftest`` module
would shadow the root one that other areas import by name). Every wait is on a condition in the
page, with a generous time-out: two full runs at once on two cores must still pass.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Browser, Page, sync_playwright

from kiosk.core import config as config_mod
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.model import Priority, Ticket, WalkInRequest
from kiosk.core.nik import NikHasher
from kiosk.demo import made_up_nik
from kiosk.server.app import BookingApi, create_app, token_hash
from kiosk.server.run import RunningServer

_spec = importlib.util.spec_from_file_location(
    "antrian_root_conftest_web", Path(__file__).resolve().parent.parent / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root)

CHROMIUM = os.environ.get("ANTRIAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--autoplay-policy=no-user-gesture-required"]
SECRET = b"test-secret-of-at-least-16-bytes"
WAIT_MS = 30_000  # generous: a page condition, never a verdict on speed
KIOSKS = ["MPP-1"]
# The example config's counters: Loket 1 calls KTP and CETAK, Loket 2 KTP and KK, Loket 3 AKTA, PINDAH, KK.
COUNTERS = ("1", "2", "3")


def token_of(kiosk_id: str) -> str:
    return f"token-of-{kiosk_id}-0123456789"


def counter_token(counter_id: str) -> str:
    return f"counter-token-{counter_id}-0123456789"


@dataclass
class Hall:
    """The server of the counters and the hall display, restartable on the same port and day book."""

    config: Config
    clock: FixedClock
    hasher: NikHasher
    port: int = 0
    running: RunningServer | None = None
    apis: list[BookingApi] = field(default_factory=list)
    closers: list[Callable[[], None]] = field(default_factory=list)
    issued: int = 0

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        tokens = {k: token_hash(token_of(k)) for k in KIOSKS}
        tokens.update(
            {f"counter:{c.id}": token_hash(counter_token(c.id)) for c in getattr(self.config, "counters", ())}
        )
        app = create_app(self.config, tokens, self.clock)
        self.apis.append(app.extensions["antrian"])
        self.running = RunningServer(app, port=self.port, threads=8)
        self.port = self.running.port  # the first start takes a free port; a restart reuses it

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def issue(self, service: str = "KTP", priority: Priority | None = None) -> Ticket:
        """A walk-in ticket, issued by the day book as a kiosk would."""
        self.issued += 1
        nik = made_up_nik(self.issued)
        return (
            self.apis[-1]
            .book("MPP-1")
            .issue_walk_in(
                WalkInRequest(
                    service,
                    self.hasher.hash(nik),
                    nik[:4] + "*" * 10 + nik[-2:],
                    priority,
                    self.clock.now(),
                    f"web-{self.issued}",
                )
            )
        )

    def post(self, counter_id: str, step: str, key: str, body: dict[str, Any] | None = None) -> requests.Response:
        return requests.post(
            f"{self.base}/v1/counters/{counter_id}/{step}",
            json=body or {},
            headers={"Authorization": f"Bearer {counter_token(counter_id)}", "Idempotency-Key": key},
            timeout=30,
        )


@pytest.fixture
def hall(tmp_path: Path) -> Iterator[Hall]:
    folder = tmp_path / "server"
    folder.mkdir()
    (folder / "site.secret").write_bytes(SECRET)
    lines = [f"{k} {token_hash(token_of(k))}" for k in KIOSKS]
    lines += [f"{c} {token_hash(counter_token(c))} counter" for c in COUNTERS]  # as `kiosk counter-token` writes
    (folder / "tokens").write_text("\n".join(lines) + "\n", encoding="utf-8")
    edits = {
        'kiosk_id = "MPP-1"': 'kiosk_id = "SERVER"',
        '# tokens_file = "/etc/antrian/tokens"': 'tokens_file = "tokens"',
    }
    config = config_mod.load(root.write_config(folder, edits))
    server = Hall(config, FixedClock(root.MONDAY_0800), NikHasher(SECRET))
    server.start()
    yield server
    server.stop()
    for close in server.closers:
        close()
    for api in server.apis:
        api.close()


_chromium: dict[str, Any] = {"users": 0}


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One chromium for the whole run: each test module imports this fixture, so pytest sets it up
    once per module; a second sync_playwright() in the same thread would refuse to start."""
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: apt-get install chromium (scripts/setup.sh does)")
    if _chromium["users"] == 0:
        playwright = sync_playwright().start()
        _chromium["playwright"] = playwright
        _chromium["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    _chromium["users"] += 1
    yield _chromium["browser"]
    _chromium["users"] -= 1
    if _chromium["users"] == 0:
        _chromium["browser"].close()
        _chromium["playwright"].stop()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """``open_page(url, width=..., height=...)``: a fresh browser context (own sessionStorage) per page."""
    contexts: list[Any] = []

    def open_(url: str, width: int = 1280, height: int = 800) -> Page:
        # bypass_csp: the page forbids eval, which is how playwright evaluates a condition.
        context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID", bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(WAIT_MS)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.errors = errors  # type: ignore[attr-defined]
        page.goto(url)
        return page

    yield open_
    for context in contexts:
        context.close()


OFFICE_TOKEN = "office-token-kasi-web-0123456789"  # the supervisor's, added by ``sign_in_office``


def sign_in_office(hall: Hall, page: Page) -> None:
    """A supervisor's token added to the live tokens file (no restart), then signed in on /office."""
    tokens = hall.config.server.tokens_file
    assert tokens is not None
    tokens.write_text(tokens.read_text("utf-8") + f"kasi {token_hash(OFFICE_TOKEN)} office\n", "utf-8")
    page.fill("#office-token", OFFICE_TOKEN)
    page.click("#signin-button")
    page.wait_for_selector("#desk:not([hidden])")


def sign_in(page: Page, counter_id: str) -> None:
    page.fill("#counter-id", counter_id)
    page.fill("#counter-token", counter_token(counter_id))
    page.click("#signin-button")
    page.wait_for_selector("#desk:not([hidden])")


def announcement_events(page: Page) -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = page.evaluate("window.hallDisplay.announcer.events")
    return events


def wait_until_quiet(page: Page) -> None:
    """Until the display has no announcement playing or queued."""
    page.wait_for_function("window.hallDisplay.announcer.idle", timeout=WAIT_MS * 2)
