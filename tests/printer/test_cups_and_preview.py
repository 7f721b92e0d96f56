"""CUPS (through stand-in ``lp``/``lpstat`` commands on PATH) and the preview folder."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest
from PIL import Image

from kiosk.core.config import Config
from kiosk.core.errors import SystemFault
from kiosk.core.model import Ticket
from printer.escpos_bytes import ticket_bytes
from printer.service import PrinterService
from printer.spool import CupsTransport, PreviewTransport
from printer.status import State

LPSTAT_IDLE = "printer thermal is idle.  enabled since Mon 30 Nov 2026 07:00:00\n\tAlerts: none\n"


@pytest.fixture
def cups(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with ``lp`` (stores the job) and ``lpstat`` (prints lpstat.txt), first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (tmp_path / "lpstat.txt").write_text(LPSTAT_IDLE)
    scripts = {
        "lp": (
            f'#!/bin/sh\ncat > "{tmp_path}/job.bin"\necho "$@" > "{tmp_path}/lp-args"\necho "request id is thermal-1"\n'
        ),
        "lpstat": f'#!/bin/sh\ncat "{tmp_path}/lpstat.txt"\n',
    }
    for name, body in scripts.items():
        path = bin_dir / name
        path.write_text(body)
        path.chmod(path.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return tmp_path


def cups_service(config: Config) -> PrinterService:
    return PrinterService(CupsTransport("thermal"), config.site, "TM-T20II", 80, 2.0)


def test_a_ticket_goes_to_the_cups_queue_raw(config: Config, ticket: Ticket, cups: Path) -> None:
    service = cups_service(config)
    try:
        assert service.readiness().can_print
        service.print_ticket(ticket)
    finally:
        service.close()
    assert (cups / "job.bin").read_bytes() == ticket_bytes(ticket, config.site, "TM-T20II", 80)
    assert (cups / "lp-args").read_text().split()[:4] == ["-d", "thermal", "-o", "raw"]


@pytest.mark.parametrize(
    ("lpstat", "state"),
    [
        ("printer thermal disabled since Mon 30 Nov 2026 -\n\tPaused\n", State.OFFLINE),
        ("printer thermal is idle.\n\tAlerts: media-empty-error\n", State.PAPER_OUT),
        ("printer thermal is idle.\n\tAlerts: cover-open\n", State.COVER_OPEN),
        ("printer thermal is idle.\n\tAlerts: media-low-report\n", State.PAPER_NEAR_END),
        ("something cups never says\n", State.UNKNOWN),
    ],
)
def test_the_cups_queue_state_is_read_from_lpstat(config: Config, cups: Path, lpstat: str, state: State) -> None:
    (cups / "lpstat.txt").write_text(lpstat)
    service = cups_service(config)
    try:
        assert service.status().state == state
    finally:
        service.close()


def test_without_the_cups_client_the_printer_is_offline_and_says_what_to_install(
    config: Config, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    service = cups_service(config)
    try:
        status = service.status()
    finally:
        service.close()
    assert status.state == State.OFFLINE and "cups-client" in status.detail


def test_the_preview_printer_writes_a_png_that_looks_like_the_paper(config: Config, ticket: Ticket) -> None:
    folder = config.printer.preview_dir
    service = PrinterService(PreviewTransport(folder), config.site, "TM-T20II", 58, 1.0)
    try:
        service.print_ticket(ticket)
        png = service.preview_png(ticket)
    finally:
        service.close()
    assert (folder / "2026-11-30_A-001.png").read_bytes() == png
    image = Image.open(io.BytesIO(png))
    assert image.width == 384 + 2 * 24 and image.height > image.width
    assert not list(folder.glob("*.part"))


def test_a_preview_folder_that_cannot_be_written_refuses_to_print(
    config: Config, ticket: Ticket, tmp_path: Path
) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    service = PrinterService(PreviewTransport(blocker / "tickets"), config.site, "TM-T20II", 80, 1.0)
    try:
        assert not service.readiness().can_print
        with pytest.raises(SystemFault):
            service.print_ticket(ticket)
    finally:
        service.close()
