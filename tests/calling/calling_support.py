"""Fixtures of the counters: a real day book file, a real server on loopback with counter tokens.

Test modules import from here (no conftest of our own, as in tests/api).
"""

from __future__ import annotations

import importlib.util
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from kiosk.backends.calls import CallBook
from kiosk.backends.daybook import DayBook
from kiosk.core import config as config_mod
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk
from kiosk.server.app import create_app, token_hash
from kiosk.server.run import RunningServer

_spec = importlib.util.spec_from_file_location(
    "antrian_root_conftest_calling", Path(__file__).resolve().parent.parent / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root)
MONDAY_0800 = root.MONDAY_0800
write_config = root.write_config
make_nik = root.make_nik
run_cli = root.run_cli

SECRET = b"test-secret-of-at-least-16-bytes"
COUNTERS = ("1", "2", "3")
KIOSK_ID = "MPP-1"


def counter_token(counter_id: str) -> str:
    return f"counter-token-{counter_id}-0123456789"


def kiosk_token(kiosk_id: str = KIOSK_ID) -> str:
    return f"kiosk-token-{kiosk_id}-0123456789"


def write_site(folder: Path, replacements: dict[str, str] | None = None) -> Path:
    """A site config in ``folder`` with a tokens file for one kiosk and every counter."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.secret").write_bytes(SECRET)
    lines = [f"{KIOSK_ID} {token_hash(kiosk_token())}"]
    lines += [f"{c} {token_hash(counter_token(c))} counter" for c in COUNTERS]
    (folder / "tokens").write_text("\n".join(lines) + "\n", encoding="utf-8")
    edits = {'# tokens_file = "/etc/antrian/tokens"': 'tokens_file = "tokens"', **(replacements or {})}
    path: Path = write_config(folder, edits)
    return path


@pytest.fixture
def site_config(tmp_path: Path) -> Config:
    return config_mod.load(write_site(tmp_path / "site"))


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_0800)


@pytest.fixture
def kiosk(site_config: Config, clock: FixedClock) -> Iterator[Kiosk]:
    book = DayBook(site_config.backend.path, site_config)
    yield Kiosk(config=site_config, backend=book, hasher=NikHasher(SECRET), clock=clock, printer=None)
    book.close()


@pytest.fixture
def callbook(site_config: Config, kiosk: Kiosk) -> Iterator[CallBook]:
    book = CallBook(site_config.backend.path, site_config)
    yield book
    book.close()


@dataclass
class Server:
    config: Config
    clock: FixedClock
    running: RunningServer
    app: Any

    @property
    def url(self) -> str:
        url: str = self.running.url
        return url

    def post(self, path: str, token: str, body: Any = None, key: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": str(uuid.uuid4()) if key is None else key}
        return requests.post(self.url + path, json=body, headers=headers, timeout=30)

    def get(self, path: str, token: str | None = None) -> requests.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return requests.get(self.url + path, headers=headers, timeout=30)

    def call(self, counter_id: str, step: str, body: Any = None, key: str | None = None) -> requests.Response:
        return self.post(f"/counters/{counter_id}/{step}", counter_token(counter_id), body, key)


@pytest.fixture
def server(site_config: Config, clock: FixedClock, kiosk: Kiosk) -> Iterator[Server]:
    app = create_app(site_config, {KIOSK_ID: token_hash(kiosk_token())}, clock)
    running = RunningServer(app, port=0, threads=8)
    yield Server(site_config, clock, running, app)
    running.stop()
    app.extensions["antrian"].close()
    app.extensions["antrian_counters"].close()
