"""Demo day: a throw-away folder with a config, a day book of today's bookings and the preview printer.

The NIKs are made up but pass validation (real region codes, real birth dates); they belong
to nobody. ``DEMO_BOOKINGS`` is printed by ``kiosk demo`` so a visitor can try a check-in.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

from kiosk.backends.importer import parse_rows
from kiosk.bootstrap import build_importer
from kiosk.core import config as config_mod
from kiosk.core.clock import WIB
from kiosk.core.config import Config
from kiosk.core.pin import hash_pin

EXAMPLE = Path(__file__).resolve().parent.parent / "config.example.toml"

# (code, NIK, name, service, slot offset from now in minutes, site)
DEMO_BOOKINGS = (
    ("MGT7K3Q9", "3520015708450001", "Siti Aminah", "KTP", 0, "MPP"),
    ("MGT4P2X8", "3520011203900002", "Budi Santoso", "CETAK", 20, "MPP"),
    ("MGT9H5L2", "3520104510700003", "Sri Wahyuni", "KK", -10, "MPP"),
    ("MGT2B6N4", "3519016606880004", "Agus Prasetyo", "AKTA", 15, "MPP"),
    ("MGT8C1V7", "3520020101550005", "Mbah Karto", "KTP", 5, "KANTOR"),
)
DEMO_WALK_IN_NIK = "3520014408920006"
DEMO_TECHNICIAN_PIN = "2468"  # a throw-away demo site only; a real kiosk sets its own with `kiosk set-pin`
# Throw-away counter tokens of the demo site (a real site makes its own: kiosk counter-token ID).
DEMO_COUNTER_TOKENS = {"1": "demo-loket-1", "2": "demo-loket-2", "3": "demo-loket-3"}


def made_up_nik(index: int, region: str = "352001", female: bool = False) -> str:
    """The ``index``-th made-up valid NIK: a distinct one for every index below ~3 million.

    Birth dates cycle through 1960-1999 (days 1-28, so every month is valid), the serial
    counts up from 0001; none is anybody's real NIK. For demo days, tests and benchmarks.
    """
    spot = index % (28 * 12 * 40)
    day, month, year = 1 + spot % 28, 1 + (spot // 28) % 12, 60 + spot // (28 * 12)
    serial = 1 + index // (28 * 12 * 40)
    return f"{region}{day + (40 if female else 0):02d}{month:02d}{year:02d}{serial:04d}"


def write_demo(folder: Path, now: datetime | None = None) -> Path:
    """Create (or refresh) a demo site in ``folder``; returns the config path."""
    now = (now or datetime.now(WIB)).astimezone(WIB)
    folder.mkdir(parents=True, exist_ok=True)
    text = EXAMPLE.read_text(encoding="utf-8")
    text = text.replace('"/var/lib/antrian/daybook.sqlite3"', '"daybook.sqlite3"')
    text = text.replace('"/var/lib/antrian/tickets"', '"tickets"')
    text = text.replace('"/var/lib/antrian/site.secret"', '"site.secret"')
    text = text.replace('"/var/cache/antrian/speech"', '"speech"')
    text = text.replace('open = "07:30"', 'open = "00:00"').replace('close = "15:00"', 'close = "23:59"')
    # Slots are clamped into today, so late at night they lie in the past: a wide arrival
    # window lets a visitor try every booking at any hour.
    text = text.replace("arrival_early_minutes = 60", "arrival_early_minutes = 180")
    text = text.replace("arrival_late_minutes = 30", "arrival_late_minutes = 180")
    text = text.replace("fullscreen = true", "fullscreen = false")
    text = text.replace('technician_pin_hash = ""', f'technician_pin_hash = "{hash_pin(DEMO_TECHNICIAN_PIN)}"')
    text = text.replace('# tokens_file = "/etc/antrian/tokens"', 'tokens_file = "tokens"')
    write_counter_tokens(folder / "tokens")
    path = folder / "kiosk.toml"
    path.write_text(text, encoding="utf-8")
    config = config_mod.load(path)
    seed(config, now)
    return path


def write_counter_tokens(path: Path) -> None:
    """The demo's tokens file: one line per counter (``kiosk serve`` reads it)."""
    from kiosk.server.counter_service import COUNTER_ROLE
    from kiosk.server.tokens import token_hash

    lines = [f"{counter} {token_hash(token)} {COUNTER_ROLE}" for counter, token in DEMO_COUNTER_TOKENS.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def start_server(config_path: Path) -> tuple[subprocess.Popen[bytes], str]:
    """``kiosk serve`` over the demo's own day book, in a second process; returns it and its base URL.

    Two processes on one SQLite file, as on a site with one kiosk and no server set up.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    process = subprocess.Popen(  # noqa: S603 - our own command
        [
            sys.executable,
            "-c",
            "from kiosk.cli import run; run()",
            "serve",
            "--config",
            str(config_path),
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
    )
    return process, f"http://127.0.0.1:{port}"


def seed(config: Config, now: datetime) -> None:
    rows = []
    for index, (code, nik, name, service, offset, site) in enumerate(DEMO_BOOKINGS):
        slot = max(now.replace(hour=0, minute=0), min(now + timedelta(minutes=offset), now.replace(hour=23, minute=0)))
        rows.append(
            (
                index + 1,
                {
                    "code": code,
                    "nik": nik,
                    "name": name,
                    "service": service,
                    "date": now.date().isoformat(),
                    "slot": slot.strftime("%H:%M"),
                    "site": site,
                },
            )
        )
    importer = build_importer(config)
    try:
        importer.store(parse_rows(rows, config, importer.hasher))
    finally:
        importer.book.close()
