"""Shared fixtures: a real config, a fixed WIB clock, a real SQLite day book in a temp folder.

Kivy and python-escpos read their environment at import time, so it is set here, first.
"""

from __future__ import annotations

import logging
import os
import tempfile

_env_home = tempfile.mkdtemp(prefix="antrian-test-env-")
os.environ.setdefault("KIVY_HOME", os.path.join(_env_home, "kivy"))
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_NO_FILELOG", "1")
# This machine has no sound card: SDL's dummy audio driver lets the real mixer load and play sounds.
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", os.path.join(_env_home, "escpos"))
# python-escpos writes its pickle there and fails if the folder is missing (also in subprocesses).
os.makedirs(os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"], exist_ok=True)

from collections.abc import Callable, Iterator  # noqa: E402
from datetime import date, datetime, time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from kiosk.backends.daybook import DayBook  # noqa: E402
from kiosk.core import config as config_mod  # noqa: E402
from kiosk.core.clock import WIB, FixedClock  # noqa: E402
from kiosk.core.config import Config  # noqa: E402
from kiosk.core.model import Booking, BookingStatus, Ticket  # noqa: E402
from kiosk.core.nik import NikHasher  # noqa: E402
from kiosk.core.ports import PrinterReadiness  # noqa: E402
from kiosk.core.usecases import Kiosk  # noqa: E402
from kiosk.demo import made_up_nik as make_nik  # noqa: E402, F401  (the tests' name for it)


@pytest.fixture(autouse=True)
def _root_logger_as_it_was() -> Iterator[None]:
    """A test that runs ``kiosk ...`` in this process gets the CLI's log handler on the root logger,
    writing to that test's captured stderr; once pytest closes it, a later test's side thread that
    logs got "--- Logging error --- I/O operation on closed file". Take such handlers away after
    each test, and the level with them."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers and getattr(handler, "_antrian", False):
            root.removeHandler(handler)
    root.setLevel(level)


ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_CONFIG = ROOT / "config.example.toml"

# Made-up NIKs that pass validation (real region codes, real dates); they belong to nobody.
NIK_MAN_1945 = "3520011708450001"  # Magetan, born 17-08-1945 (elderly)
NIK_WOMAN_1990 = "3520015203900002"  # Magetan, woman born 12-03-1990
NIK_OTHER_REGION = "3171011708850003"  # Jakarta Pusat: valid at the Magetan kiosk too
NIK_YOUNG = "3520010507050004"  # born 05-07-2005

MONDAY_0800 = datetime(2026, 11, 30, 8, 0, tzinfo=WIB)


def write_config(folder: Path, replacements: dict[str, str] | None = None) -> Path:
    """The example config with its paths moved into ``folder`` (and optional text edits)."""
    text = EXAMPLE_CONFIG.read_text(encoding="utf-8")
    text = text.replace('"/var/lib/antrian/daybook.sqlite3"', '"daybook.sqlite3"')
    text = text.replace('"/var/lib/antrian/tickets"', '"tickets"')
    text = text.replace('"/var/lib/antrian/site.secret"', '"site.secret"')
    text = text.replace('"/var/cache/antrian/speech"', '"speech"')
    for old, new in (replacements or {}).items():
        assert old in text, f"config example has no {old!r}"
        text = text.replace(old, new)
    path = folder / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path)


@pytest.fixture
def config(config_path: Path) -> Config:
    return config_mod.load(config_path)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(MONDAY_0800)


@pytest.fixture
def hasher() -> NikHasher:
    return NikHasher(b"test-secret-of-at-least-16-bytes")


@pytest.fixture
def daybook(config: Config) -> Iterator[DayBook]:
    book = DayBook(config.backend.path, config)
    yield book
    book.close()


@pytest.fixture
def kiosk(config: Config, daybook: DayBook, hasher: NikHasher, clock: FixedClock) -> Kiosk:
    return Kiosk(config=config, backend=daybook, hasher=hasher, clock=clock, printer=None)


class ReadyPrinter:
    """Stands in for the thermal printer (hardware): always ready; ``tickets`` is what came out,
    what the citizens hold."""

    def __init__(self) -> None:
        self.tickets: list[Ticket] = []

    def readiness(self) -> PrinterReadiness:
        return PrinterReadiness(can_print=True, state="ready")

    def print_ticket(self, ticket: Ticket, language: str | None = None) -> None:
        self.tickets.append(ticket)


@pytest.fixture
def ready_printer() -> ReadyPrinter:
    return ReadyPrinter()


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str | Path) -> tuple[int, str, str]:
    """``kiosk ARGV...`` in this process: its exit code, what it wrote to stdout and to stderr."""
    from kiosk import cli

    code = cli.main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def cli_monday_morning(monkeypatch: pytest.MonkeyPatch) -> FixedClock:
    """The CLI's system clock (the counters' commands too) stopped at Monday 08:00 WIB, and no
    printer: a ticket goes to stdout."""
    clock = FixedClock(MONDAY_0800)
    monkeypatch.setattr("kiosk.bootstrap.SystemClock", lambda: clock)
    monkeypatch.setattr("kiosk.cli.call_commands.SystemClock", lambda: clock)
    monkeypatch.setattr("kiosk.bootstrap.build_printer", lambda config: None)
    return clock


def sqlite_bytes(path: Path) -> bytes:
    """The day book's bytes on disk, WAL and shared-memory files included."""
    data = b""
    for suffix in ("", "-wal", "-shm", "-journal"):
        part = Path(str(path) + suffix)
        if part.exists():
            data += part.read_bytes()
    return data


@pytest.fixture
def add_booking(daybook: DayBook, hasher: NikHasher) -> Callable[..., Booking]:
    """Put one booking in the day book (as an import would), for today 08:00 at MPP by default."""
    from kiosk.core import nik as nik_rules

    def add(
        code: str,
        nik: str,
        service: str = "KTP",
        day: date | None = None,
        slot: str = "08:00",
        site: str = "MPP",
        status: BookingStatus = BookingStatus.BOOKED,
        name: str = "Warga Uji",
    ) -> Booking:
        booking = Booking(
            code=code,
            nik_hash=hasher.hash(nik),
            nik_masked=nik_rules.mask(nik),
            name=name,
            service_code=service,
            day=day or MONDAY_0800.date(),
            slot=time.fromisoformat(slot),
            site=site,
            status=status,
        )
        daybook.upsert_bookings([booking])
        return booking

    return add
