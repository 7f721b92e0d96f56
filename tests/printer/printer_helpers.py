"""Helpers of the printer tests: tickets to print, configs that point at a fake printer."""

from __future__ import annotations

import importlib.util
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fake_printer import FakePrinter

from kiosk.core.clock import WIB
from kiosk.core.model import Ticket, TicketKind

TICKET_ID = "0b7c1a52-3f4e-4d2a-9a55-2f1c3b9e8d71"
SILENCE_TIMEOUT = 0.3  # only for a printer that will not answer: silence is "unknown" at any load


def shared() -> Any:
    """tests/conftest.py under a name of its own (every conftest is module ``conftest``)."""
    name = "antrian_tests_shared"  # the same name tests/ui uses: loaded once
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).resolve().parent.parent / "conftest.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def make_ticket(**changes: object) -> Ticket:
    fields: dict[str, object] = {
        "id": TICKET_ID,
        "number": "A-001",
        "service_code": "KTP",
        "service_name": "Perekaman KTP-el",
        "day": date(2026, 11, 30),
        "seq": 1,
        "kind": TicketKind.WALK_IN,
        "issued_at": datetime(2026, 11, 30, 8, 5, tzinfo=WIB),
        "holder": "3520**********01",
        "people_ahead": 3,
        "wait_minutes": 18,
        "kiosk_id": "MPP-1",
        "documents": ("Kartu Keluarga (asli)",),
    }
    fields.update(changes)
    return Ticket(**fields)  # type: ignore[arg-type]


def network_config(
    folder: Path, fake: FakePrinter, timeout_s: float = 10.0, extra: dict[str, str] | None = None
) -> Path:
    """The example config, open all day, printing to ``fake``.

    The timeout is generous: an answering printer must be believed however slowly a busy
    machine runs the fake. A test of a silent printer passes a short one (``SILENCE_TIMEOUT``).
    """
    replacements = {
        'kind = "preview"': 'kind = "network"\nhost = "127.0.0.1"',
        "port = 9100": f"port = {fake.port}",
        "timeout_s = 3.0": f"timeout_s = {timeout_s}",
        'open = "07:30"': 'open = "00:00"',
        'close = "15:00"': 'close = "23:59"',
    }
    replacements.update(extra or {})
    path: Path = shared().write_config(folder, replacements)
    return path
