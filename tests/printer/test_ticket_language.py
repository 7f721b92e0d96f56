"""The ticket in the person's language (issue 17): labels, service name and documents on the paper.

A real day book and the real preview printer (the exact ESC/POS bytes into the preview folder):
what is asserted is the text on the paper a person takes from the tray.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MONDAY_0800, NIK_YOUNG, write_config

from kiosk.backends.daybook import DayBook
from kiosk.core import config as config_mod
from kiosk.core.clock import FixedClock
from kiosk.core.config import Config
from kiosk.core.nik import NikHasher
from kiosk.core.usecases import Kiosk
from printer.service import PrinterService
from printer.spool import PreviewTransport

FAMILY_CARD_IN_ENGLISH = {
    'name = "Kartu Keluarga"\n': (
        'name = "Kartu Keluarga"\nname_en = "Family Card"\n'
        'documents_en = ["Old Family Card", "Cover letter from the RT/RW"]\n'
    )
}


@pytest.fixture
def english_config(tmp_path: Path) -> Config:
    return config_mod.load(write_config(tmp_path, FAMILY_CARD_IN_ENGLISH))


@pytest.fixture
def preview_kiosk(english_config: Config) -> Iterator[tuple[Kiosk, Path]]:
    folder = english_config.printer.preview_dir
    printer = PrinterService(PreviewTransport(folder), english_config.site, "TM-T20II", 80, 2.0)
    book = DayBook(english_config.backend.path, english_config)
    kiosk = Kiosk(
        config=english_config,
        backend=book,
        hasher=NikHasher(b"test-secret-of-at-least-16-bytes"),
        clock=FixedClock(MONDAY_0800),
        printer=printer,
    )
    try:
        yield kiosk, folder
    finally:
        printer.close()
        book.close()


def job_file(folder: Path, number: str) -> Path:
    (job,) = [path for path in folder.glob("*.bin") if number in path.name]
    return job


def paper(folder: Path, number: str) -> bytes:
    return job_file(folder, number).read_bytes()


def test_an_english_walk_in_gets_an_english_ticket(preview_kiosk: tuple[Kiosk, Path]) -> None:
    kiosk, folder = preview_kiosk
    result = kiosk.issue_walk_in("KK", NIK_YOUNG, language="en")
    assert result.printed
    data = paper(folder, result.ticket.number)
    for english in (b"Queue number", b"Family Card", b"Bring:", b"- Old Family Card", b"Cover letter from the RT/RW"):
        assert english in data
    for indonesian in (b"Nomor antrean", b"Kartu Keluarga", b"Bawa:", b"Surat pengantar", b"Antre langsung"):
        assert indonesian not in data
    # the picture the screen shows is of the same English ticket
    assert kiosk.printer is not None
    png = job_file(folder, result.ticket.number).with_suffix(".png").read_bytes()
    assert png == kiosk.printer.preview_png(result.ticket, "en")  # type: ignore[attr-defined]


def test_without_a_language_the_ticket_stays_indonesian(preview_kiosk: tuple[Kiosk, Path]) -> None:
    kiosk, folder = preview_kiosk
    result = kiosk.issue_walk_in("KK", NIK_YOUNG)
    data = paper(folder, result.ticket.number)
    assert b"Nomor antrean" in data and b"Kartu Keluarga lama" in data and b"Bawa:" in data
    assert b"Queue number" not in data and b"Family Card" not in data


def test_the_citizens_print_again_is_in_their_language_and_the_technicians_in_indonesian(
    preview_kiosk: tuple[Kiosk, Path],
) -> None:
    kiosk, folder = preview_kiosk
    first = kiosk.issue_walk_in("KK", NIK_YOUNG, language="en")
    for old in folder.glob("*"):
        old.unlink()
    kiosk.reprint(first.ticket.number, language="en")
    (mine,) = [path.read_bytes() for path in folder.glob("*.bin")]
    assert b"REPRINT" in mine and b"Queue number" in mine
    assert b"Family Card" in mine and b"Kartu Keluarga" not in mine
    for old in folder.glob("*"):
        old.unlink()
    kiosk.reprint(first.ticket.number, technician=True)
    (technicians,) = [path.read_bytes() for path in folder.glob("*.bin")]
    assert b"Nomor antrean" in technicians and b"Kartu Keluarga" in technicians
    assert b"Family Card" not in technicians
