"""Printer figures: bytes per ticket, render time, time on the wire, render+send over loopback.

Bytes for 58 and 80 mm paper, QR native (TM-T20II) and as a raster image, with and without
the logo; time on a serial line from the byte count (10 bits per byte: start, 8 data, stop);
render+send is ``PrinterService.print_ticket`` against the fake network printer of the tests
on 127.0.0.1: connect, status before, the job, status after (the printer's own time to print
the paper is not in it).

    python -m bench.printer
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", tempfile.mkdtemp(prefix="antrian-bench-escpos-"))
sys.path.insert(0, str(ROOT / "tests" / "printer"))

from fake_printer import FakePrinter  # noqa: E402

from bench import print_rows  # noqa: E402
from kiosk.core.clock import WIB  # noqa: E402
from kiosk.core.config import SiteConfig  # noqa: E402
from kiosk.core.model import Priority, Ticket, TicketKind  # noqa: E402
from printer.escpos_bytes import ticket_bytes  # noqa: E402
from printer.layout import PAPERS, ticket_layout  # noqa: E402
from printer.preview import render_png  # noqa: E402
from printer.service import PrinterService, load_logo  # noqa: E402
from printer.transports import NetworkTransport  # noqa: E402

TARGET_BYTES = 2048
TARGET_SEND_MEDIAN_MS = 10.0
RENDERS = 300
SENDS = 200
LOGO = ROOT / "assets" / "images" / "ticket-logo.png"
SITE = SiteConfig(
    office="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Magetan",
    name="MPP Magetan - Pasar Baru Lt. 2",
    code="MPP",
    kiosk_id="MPP-1",
    booking_website="http://antrian-disdukmagetan.com",
)
TICKET = Ticket(
    id="0b7c1a52-3f4e-4d2a-9a55-2f1c3b9e8d71",
    number="C-027",
    service_code="KK",
    service_name="Kartu Keluarga",
    day=date(2026, 11, 30),
    seq=27,
    kind=TicketKind.WALK_IN,
    issued_at=datetime(2026, 11, 30, 9, 41, tzinfo=WIB),
    holder="3520**********01",
    priority=Priority.ELDERLY,
    people_ahead=12,
    wait_minutes=55,
    kiosk_id="MPP-1",
    documents=("Kartu Keluarga lama", "Surat pengantar RT/RW", "Buku nikah / akta cerai bila berubah"),
)


def fresh() -> Ticket:
    """The sample ticket with a new id: every real ticket has its own QR code (no cache hits)."""
    return replace(TICKET, id=str(uuid.uuid4()))


def median_ms(work: Callable[[], Any], runs: int) -> float:
    work()  # warm caches (profile, fonts) first: a kiosk prints all day
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def row(
    metric: str, value: float | int, unit: str, target: str = "", met: bool | None = None, note: str = ""
) -> dict[str, Any]:
    return {"metric": metric, "value": value, "unit": unit, "target": target, "met": met, "note": note}


def results() -> list[dict[str, Any]]:
    logo = load_logo(LOGO)
    rows = []
    sizes: dict[tuple[int, str], int] = {}
    for mm in (58, 80):
        for qr, profile, native in (("native QR", "TM-T20II", True), ("raster QR", "POS-5890", False)):
            size = len(ticket_bytes(TICKET, SITE, profile, mm, native_qr=native))
            sizes[(mm, qr)] = size
            rows.append(row(f"bytes per ticket, {mm} mm, {qr}, no logo", size, "B", "<= 2048", size <= TARGET_BYTES))
        with_logo = len(ticket_bytes(TICKET, SITE, "TM-T20II", mm, logo=logo, native_qr=True))
        sizes[(mm, "logo")] = with_logo
        rows.append(row(f"bytes per ticket, {mm} mm, native QR, with logo", with_logo, "B", note="no target"))
    for mm in (58, 80):
        ms = median_ms(lambda mm=mm: ticket_bytes(fresh(), SITE, "TM-T20II", mm), RENDERS)
        rows.append(row(f"render ESC/POS bytes, {mm} mm (median)", round(ms, 3), "ms"))
    ms = median_ms(lambda: ticket_bytes(fresh(), SITE, "POS-5890", 58, native_qr=False), RENDERS)
    rows.append(row("render ESC/POS bytes, 58 mm raster QR (median)", round(ms, 3), "ms"))
    ms = median_ms(lambda: render_png(ticket_layout(fresh(), SITE, PAPERS[80]), PAPERS[80]), 30)
    rows.append(row("render PNG preview, 80 mm (median)", round(ms, 1), "ms", note="preview printer and UI"))
    for baud in (9600, 115200):
        for key, label in (
            ((80, "native QR"), "80 mm native QR"),
            ((58, "raster QR"), "58 mm raster QR"),
            ((80, "logo"), "80 mm with logo"),
        ):
            seconds = sizes[key] * 10 / baud
            rows.append(
                row(
                    f"time on the wire at {baud} baud, {label}",
                    round(seconds * 1000, 1),
                    "ms",
                    note=f"{sizes[key]} B x 10 bits",
                )
            )
    with FakePrinter() as fake:
        service = PrinterService(NetworkTransport(fake.host, fake.port), SITE, "TM-T20II", 80, 3.0)
        try:
            send = median_ms(lambda: service.print_ticket(fresh()), SENDS)
            ready = median_ms(service.readiness, SENDS)
        finally:
            service.close()
        fake.wait_for_jobs(SENDS + 1)
    rows.append(
        row(
            "render + send over loopback, 80 mm (median)",
            round(send, 2),
            "ms",
            "<= 10",
            send <= TARGET_SEND_MEDIAN_MS,
            "print_ticket: worker thread, connect, DLE EOT 1-4 before and after, the job",
        )
    )
    rows.append(row("readiness query over loopback (median)", round(ready, 2), "ms", note="connect + DLE EOT 1-4"))
    return rows


def main() -> None:
    print(f"bench.printer: {RENDERS} renders, {SENDS} sends to the fake printer on 127.0.0.1", file=sys.stderr)
    print_rows(results())


if __name__ == "__main__":
    main()
