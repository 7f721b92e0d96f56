"""Issue 17 on the real window: a person who chose English takes an English ticket from the tray."""

from __future__ import annotations

import io

import pytest
from conftest import FAMILY_CARD_IN_ENGLISH, UI, PaperRoll, confirm_until_done, walk_in_ticket
from PIL import Image

from kiosk.core.model import Ticket

pytestmark = pytest.mark.ui


@pytest.mark.ui_options(config=FAMILY_CARD_IN_ENGLISH)
def test_an_english_walk_in_gets_an_english_ticket_and_sees_its_picture(ui: UI) -> None:
    if not hasattr(ui.printer, "preview_png"):
        pytest.skip("the preview printer is not installed")
    ui.tap("English")
    walk_in_ticket(ui, "Family Card")
    folder = ui.config.printer.preview_dir
    (job,) = folder.glob("*.bin")  # the exact bytes the paper got
    paper = job.read_bytes()
    for english in (b"Queue number", b"Family Card", b"Bring:", b"Old Family Card"):
        assert english in paper
    for indonesian in (b"Nomor antrean", b"Kartu Keluarga", b"Bawa:", b"Antre langsung"):
        assert indonesian not in paper
    # The screen shows the picture of that English paper, not an Indonesian drawing of it.
    preview = ui.find("preview")
    assert preview.texture is not None and preview.opacity == 1
    picture = Image.open(io.BytesIO(job.with_suffix(".png").read_bytes()))
    assert preview.texture.size == picture.size


def test_an_indonesian_walk_in_still_gets_an_indonesian_ticket(ui: UI) -> None:
    if not hasattr(ui.printer, "preview_png"):
        pytest.skip("the preview printer is not installed")
    walk_in_ticket(ui)
    (job,) = ui.config.printer.preview_dir.glob("*.bin")
    paper = job.read_bytes()
    assert b"Nomor antrean" in paper and b"Kartu Keluarga lama" in paper
    assert b"Queue number" not in paper


@pytest.mark.ui_options(config=FAMILY_CARD_IN_ENGLISH)
def test_an_english_check_in_by_booking_code_gets_an_english_ticket(ui: UI) -> None:
    if not hasattr(ui.printer, "preview_png"):
        pytest.skip("the preview printer is not installed")
    ui.tap("English")
    ui.type_keys("MGT7K3Q9")  # today's KTP booking
    ui.wait_until(lambda: ui.current == "confirm")
    confirm_until_done(ui)
    (job,) = ui.config.printer.preview_dir.glob("*.bin")
    paper = job.read_bytes()
    assert b"Queue number" in paper and b"Booking code: MGT7K3Q9" in paper
    assert b"Nomor antrean" not in paper and b"Pendaftaran online" not in paper


class LanguageRoll(PaperRoll):
    """PaperRoll that keeps the language each ticket was printed in."""

    def __init__(self) -> None:
        super().__init__(jams=True)
        self.languages: list[str | None] = []

    def print_ticket(self, ticket: Ticket, language: str | None = None) -> None:
        super().print_ticket(ticket, language)
        self.languages.append(language)


@pytest.mark.ui_options(config=FAMILY_CARD_IN_ENGLISH, printer=LanguageRoll())
def test_cetak_lagi_prints_the_english_walk_ins_ticket_in_english(ui: UI) -> None:
    ui.tap("English")
    walk_in_ticket(ui, "Family Card")
    assert ui.printer.printed == []  # the paper jammed
    ui.printer.jams = False
    ui.tap("print_again")
    ui.wait_until(lambda: ui.printer.printed, what="the ticket printed again")
    (ticket,) = ui.printer.printed
    assert ui.printer.languages == ["en"]
    assert ticket.service_name == "Family Card"
    assert ticket.documents == ("Old Family Card", "Cover letter from the RT/RW")
