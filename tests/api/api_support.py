"""Fixtures for the booking API: a real waitress server on a free loopback port, real kiosks.

Test modules import the fixtures from here (no conftest of our own: a second ``conftest``
module would shadow the root one that other areas import by name).
"""

from __future__ import annotations

import errno
import importlib.util
import socket
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path
from time import monotonic, sleep
from typing import TYPE_CHECKING

import pytest
from faulty import FaultyProxy, Rule

import kiosk.backends.http as http_module
from kiosk.backends.http import HttpBackend
from kiosk.core import config as config_mod
from kiosk.core.clock import Clock, FixedClock
from kiosk.core.config import Config
from kiosk.core.model import Booking, Ticket
from kiosk.core.nik import NikHasher
from kiosk.core.ports import TicketPrinter
from kiosk.core.usecases import Kiosk
from kiosk.server.app import BookingApi, create_app, token_hash
from kiosk.server.run import RunningServer

if TYPE_CHECKING:
    from server_process import ServerProcess

_spec = importlib.util.spec_from_file_location(
    "antrian_root_conftest", Path(__file__).resolve().parent.parent / "conftest.py"
)
assert _spec is not None and _spec.loader is not None
root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(root)
MONDAY_0800 = root.MONDAY_0800
NIK_MAN_1945 = root.NIK_MAN_1945
NIK_WOMAN_1990 = root.NIK_WOMAN_1990
NIK_OTHER_REGION = root.NIK_OTHER_REGION
NIK_YOUNG = root.NIK_YOUNG
write_config = root.write_config
ReadyPrinter = root.ReadyPrinter

SECRET = b"test-secret-of-at-least-16-bytes"
KIOSKS = [f"MPP-{n}" for n in range(1, 9)]
RESTART_PATIENCE_S = 30.0


def token_of(kiosk_id: str) -> str:
    return f"token-of-{kiosk_id}-0123456789"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ApiServer:
    """The reference server in this process, restartable on the same port and day book."""

    config: Config
    clock: FixedClock
    port: int
    running: RunningServer | None = None
    apis: list[BookingApi] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> None:
        app = create_app(self.config, {k: token_hash(token_of(k)) for k in KIOSKS}, self.clock)
        self.apis.append(app.extensions["antrian"])
        # The first start takes a free port; restarts reuse it (the kiosks know that URL). In
        # between, another process on the machine may briefly hold it as a client's local port:
        # wait for it to come free again rather than fail on a busy machine.
        deadline = monotonic() + RESTART_PATIENCE_S
        while True:
            try:
                self.running = RunningServer(app, port=self.port, threads=8)
                break
            except OSError as exc:
                if exc.errno != errno.EADDRINUSE or self.port == 0 or monotonic() > deadline:
                    raise
                sleep(0.05)  # polling the condition "the port is free", with a deadline
        self.port = self.running.port

    def stop(self) -> None:
        if self.running is not None:
            self.running.stop()
            self.running = None

    @property
    def api(self) -> BookingApi:
        return self.apis[-1]


def todays_bookings(hasher: NikHasher) -> list[Booking]:
    day = MONDAY_0800.date()
    return [
        Booking("MGT-0001", hasher.hash(NIK_MAN_1945), "3520**********01", "B*** S***", "KTP", day, time(8, 0), "MPP"),
        Booking(
            "MGT-0002", hasher.hash(NIK_WOMAN_1990), "3520**********02", "S*** A***", "KK", day, time(8, 30), "MPP"
        ),
        Booking("MGT-0003", "a" * 64, "3520**********03", "R*** W***", "KTP", day, time(8, 15), "MPP"),
        Booking("MGT-0009", "b" * 64, "3520**********09", "T*** P***", "KTP", day + timedelta(days=2), time(9), "MPP"),
    ]


@pytest.fixture
def hasher() -> NikHasher:
    return NikHasher(SECRET)


@pytest.fixture
def server(tmp_path: Path, hasher: NikHasher) -> Iterator[ApiServer]:
    folder = tmp_path / "server"
    folder.mkdir()
    (folder / "site.secret").write_bytes(SECRET)  # one site, one secret: the kiosks' and the server's
    config = config_mod.load(write_config(folder, {'kiosk_id = "MPP-1"': 'kiosk_id = "SERVER"'}))
    api = ApiServer(config, FixedClock(MONDAY_0800), 0)
    api.start()
    api.api.book("").upsert_bookings(todays_bookings(hasher))
    yield api
    api.stop()
    for booking_api in api.apis:
        booking_api.close()


def kiosk_config(
    folder: Path,
    url: str,
    kiosk_id: str = "MPP-1",
    read_timeout: float = 2.0,
    lease: int = 3,
    edits: dict[str, str] | None = None,
) -> Config:
    """An http kiosk's config, token and site secret in ``folder`` (with more config ``edits``)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "token").write_text(token_of(kiosk_id) + "\n", encoding="utf-8")
    (folder / "site.secret").write_bytes(SECRET)
    path = write_config(
        folder,
        {
            'kind = "sqlite"': f'kind = "http"\nurl = "{url}"\ntoken_file = "token"',
            'kiosk_id = "MPP-1"': f'kiosk_id = "{kiosk_id}"',
            "connect_timeout_s = 3.0": "connect_timeout_s = 1.0",
            "read_timeout_s = 10.0": f"read_timeout_s = {read_timeout}",
            "lease_size = 5": f"lease_size = {lease}",
            **(edits or {}),
        },
    )
    return config_mod.load(path)


@pytest.fixture
def make_backend(tmp_path: Path, server: ApiServer) -> Iterator[Callable[..., HttpBackend]]:
    made: list[HttpBackend] = []

    def make(url: str, kiosk_id: str = "MPP-1", auto_sync: bool = False, **options: float) -> HttpBackend:
        config = kiosk_config(tmp_path / kiosk_id, url, kiosk_id, **options)  # type: ignore[arg-type]
        backend = HttpBackend(config, auto_sync=auto_sync, clock=server.clock)
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.close()


@pytest.fixture
def backend(server: ApiServer, make_backend: Callable[..., HttpBackend]) -> HttpBackend:
    return make_backend(server.url)


@pytest.fixture
def kiosk(backend: HttpBackend, hasher: NikHasher, server: ApiServer) -> Kiosk:
    return Kiosk(config=backend.config, backend=backend, hasher=hasher, clock=server.clock, printer=None)


def kiosk_on(backend: HttpBackend, hasher: NikHasher, server: ApiServer, printer: TicketPrinter | None = None) -> Kiosk:
    """A kiosk on this backend, on the server's clock."""
    return Kiosk(config=backend.config, backend=backend, hasher=hasher, clock=server.clock, printer=printer)


def on_server(server: ApiServer) -> dict[str, Ticket]:
    """The server's tickets of the day by number, without the numbers still leased to a kiosk."""
    day = server.clock.now().date()
    held = {n.ticket_id for n in server.api.ledger.held(day)}
    return {t.number: t for t in server.api.book("").tickets(day) if t.id not in held}


@pytest.fixture
def retry_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """An offline kiosk asks the server again at its next call (import it as autouse where needed)."""
    monkeypatch.setattr(http_module, "RETRY_OFFLINE_AFTER_S", 0.0)


@pytest.fixture
def proxy(server: ApiServer) -> Iterator[FaultyProxy]:
    """A proxy in front of the server that can drop or fake the answers its rules name."""
    faulty = FaultyProxy(server.port)
    yield faulty
    faulty.close()


@pytest.fixture
def server_process(tmp_path: Path) -> Iterator[ServerProcess]:
    """The server in its own process (``tmp_path/server``), to kill and start again."""
    from server_process import ServerProcess  # it imports this module: not at the top

    folder = tmp_path / "server"
    folder.mkdir()
    process = ServerProcess(folder, free_port())
    process.start()
    yield process
    process.kill()


@pytest.fixture
def process_backend(server_process: ServerProcess, tmp_path: Path) -> Iterator[HttpBackend]:
    """Kiosk MPP-1 (blocks of 3) on the server process, its clock stopped at Monday 08:00."""
    config = kiosk_config(tmp_path / "MPP-1", server_process.url, "MPP-1", lease=3)
    backend = HttpBackend(config, auto_sync=False, clock=FixedClock(MONDAY_0800))
    yield backend
    backend.close()


def cut(proxy: FaultyProxy) -> None:
    """The kiosk's network cable is out: every request dies without an answer; the server runs on."""
    proxy.rules[:] = [Rule("GET", "/", answer=b""), Rule("POST", "/", answer=b"")]


def kiosk_behind_proxy(
    cleanup: ExitStack, server_port: int, folder: Path, hasher: NikHasher
) -> tuple[FaultyProxy, HttpBackend, Kiosk]:
    """Kiosk MPP-1 (blocks of 3, its clock stopped at Monday 08:00) reaching a server process
    through a proxy whose cable ``cut`` can pull; ``cleanup`` closes both."""
    proxy = FaultyProxy(server_port)
    cleanup.callback(proxy.close)
    config = kiosk_config(folder, proxy.url, "MPP-1", lease=3)
    clock = FixedClock(MONDAY_0800)
    backend = HttpBackend(config, auto_sync=False, clock=clock)
    cleanup.callback(backend.close)
    return proxy, backend, Kiosk(config=config, backend=backend, hasher=hasher, clock=clock, printer=None)


@contextmanager
def server_with_kiosk(folder: Path, clock: Clock) -> Iterator[tuple[ApiServer, HttpBackend]]:
    """An in-process server with no bookings (``folder/server``) and kiosk MPP-1's http backend to
    it (``folder/kiosk``) on ``clock``: for the screen tests of an http kiosk. Stops both after."""
    server_folder = folder / "server"
    server_folder.mkdir()
    server_config = config_mod.load(write_config(server_folder, {'kiosk_id = "MPP-1"': 'kiosk_id = "SERVER"'}))
    server = ApiServer(server_config, FixedClock(MONDAY_0800), 0)
    server.start()
    backend = HttpBackend(kiosk_config(folder / "kiosk", server.url), auto_sync=False, clock=clock)
    try:
        yield server, backend
    finally:
        server.stop()
        backend.close()
        for api in server.apis:
            api.close()
