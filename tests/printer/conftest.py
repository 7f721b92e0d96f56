"""Fixtures of the printer tests: a ticket, a fake network printer on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_printer import FakePrinter
from printer_helpers import make_ticket, shared

from kiosk.core.model import Ticket

# This file becomes sys.modules["conftest"]; keep the root's names importable from it.
globals().update(
    {k: v for k, v in vars(shared()).items() if k.isupper() or k in ("write_config", "make_nik", "run_cli")}
)


@pytest.fixture
def ticket() -> Ticket:
    return make_ticket()


@pytest.fixture
def fake() -> Iterator[FakePrinter]:
    with FakePrinter() as printer:
        yield printer
