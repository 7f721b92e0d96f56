"""Regenerate the ticket pictures in docs/tickets/ from config.example.toml (made-up people).

Run: ``.venv/bin/python scripts/ticket_previews.py``. The PNGs are what the preview printer
writes and the screen shows: the same layout as the paper, dot for dot.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", tempfile.mkdtemp(prefix="antrian-previews-"))

from kiosk.core.clock import WIB  # noqa: E402
from kiosk.core.config import load  # noqa: E402
from kiosk.core.model import Priority, Ticket, TicketKind  # noqa: E402
from printer.layout import PAPERS, ticket_layout  # noqa: E402
from printer.preview import render_png  # noqa: E402
from printer.service import load_logo  # noqa: E402

OUT = ROOT / "docs" / "tickets"


def tickets() -> dict[str, tuple[Ticket, int]]:
    config = load(ROOT / "config.example.toml")
    service = {s.code: s for s in config.services}
    issued = datetime(2026, 11, 30, 8, 12, tzinfo=WIB)

    def ticket(code: str, seq: int, **changes: object) -> Ticket:
        s = service[code]
        base = Ticket(
            id=f"5f0c2a9e-7d1b-4c3e-9a20-{seq:012d}",
            number=f"{s.prefix}-{seq:03d}",
            service_code=s.code,
            service_name=s.name,
            day=issued.date(),
            seq=seq,
            kind=TicketKind.WALK_IN,
            issued_at=issued,
            holder="3520**********06",
            people_ahead=seq - 1,
            wait_minutes=(seq - 1) * s.minutes_per_person,
            kiosk_id=config.site.kiosk_id,
            documents=s.documents,
        )
        return replace(base, **changes)  # type: ignore[arg-type]

    return {
        "checkin": (ticket("CETAK", 7, kind=TicketKind.ONLINE, holder="MGT4P2X8", booking_code="MGT4P2X8"), 80),
        "walkin": (ticket("KTP", 23), 80),
        "priority": (ticket("KK", 4, priority=Priority.ELDERLY, holder="3520**********01"), 80),
        "walkin-58mm": (ticket("AKTA", 9), 58),
    }


def main() -> None:
    config = load(ROOT / "config.example.toml")
    logo = load_logo(ROOT / "assets" / "images" / "ticket-logo.png")
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (ticket, mm) in tickets().items():
        paper = PAPERS[mm]
        path = OUT / f"{name}.png"
        path.write_bytes(render_png(ticket_layout(ticket, config.site, paper, "id", logo), paper))
        print(path.relative_to(ROOT))


if __name__ == "__main__":
    main()
