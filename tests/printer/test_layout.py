"""The ticket's ESC/POS bytes, byte by byte: both paper widths, QR native and raster, odd text."""

from __future__ import annotations

import re

from PIL import Image
from printer_helpers import TICKET_ID, make_ticket

from kiosk.core.config import Config
from kiosk.core.model import Priority, Ticket, TicketKind
from printer.escpos_bytes import qr_image, ticket_bytes
from printer.layout import FONT_A_WIDTH, PAPERS, Text, ticket_layout

GS_SIZE = b"\x1d!"
NATIVE_QR_DATA = b"\x1d(k"
RASTER = b"\x1dv0"


def size_before(data: bytes, text: bytes) -> int:
    """The GS ! character size in force where ``text`` is printed (1 = normal)."""
    position = data.index(text)
    sizes = [m for m in re.finditer(rb"\x1d!(.)", data[:position], re.DOTALL)]
    if not sizes:
        return 1
    byte = sizes[-1].group(1)[0]
    return (byte >> 4) + 1


def test_the_number_is_printed_eight_times_larger_on_80_mm_paper(config: Config, ticket: Ticket) -> None:
    data = ticket_bytes(ticket, config.site, "TM-T20II", 80)
    assert size_before(data, b"A-001\n") == 8
    assert 5 * FONT_A_WIDTH * 8 <= PAPERS[80].dots


def test_the_number_still_fits_one_line_of_58_mm_paper(config: Config, ticket: Ticket) -> None:
    data = ticket_bytes(ticket, config.site, "TM-T20II", 58)
    size = size_before(data, b"A-001\n")
    assert size == 6
    assert 5 * FONT_A_WIDTH * size <= PAPERS[58].dots < 5 * FONT_A_WIDTH * (size + 1)


def test_a_profile_with_qr_support_gets_the_native_qr_of_the_ticket_id(config: Config, ticket: Ticket) -> None:
    data = ticket_bytes(ticket, config.site, "TM-T20II", 80)
    assert NATIVE_QR_DATA + b"'\x001P0" + TICKET_ID.upper().encode() in data
    assert RASTER not in data


def test_a_profile_without_qr_support_gets_the_qr_as_a_raster_image(config: Config, ticket: Ticket) -> None:
    data = ticket_bytes(ticket, config.site, "POS-5890", 58)
    assert NATIVE_QR_DATA not in data
    code = qr_image(TICKET_ID.upper())
    width_bytes = (code.width + 7) // 8
    header = RASTER + b"\x00" + bytes((width_bytes, 0, code.height & 0xFF, code.height >> 8))
    start = data.index(header) + len(header)
    assert len(data[start:]) > width_bytes * code.height  # the image itself follows its header


def test_the_ticket_ends_with_a_feed_and_a_cut(config: Config, ticket: Ticket) -> None:
    data = ticket_bytes(ticket, config.site, "TM-T20II", 80)
    assert data.startswith(b"\x1b@")
    assert data.endswith(b"\x1bd\x06\x1dV\x01")


def test_the_ticket_shows_everything_the_person_needs(config: Config, ticket: Ticket) -> None:
    data = ticket_bytes(ticket, config.site, "TM-T20II", 80)
    for text in (
        b"Dinas Kependudukan dan Pencatatan Sipil",
        b"MPP Magetan - Pasar Baru Lt. 2",
        b"Perekaman KTP-el",
        b"Antre langsung",
        b"30 November 2026 08:05 WIB",
        b"Di depan Anda: 3 orang, perkiraan 18 menit",
        b"NIK: 3520**********01",
        b"- Kartu Keluarga (asli)",
        b"http://antrian-disdukmagetan.com",
    ):
        assert text in data, text


def test_a_checked_in_ticket_shows_the_booking_code_and_says_online(config: Config) -> None:
    online = make_ticket(kind=TicketKind.ONLINE, holder="MGT7K3Q9", booking_code="MGT7K3Q9")
    data = ticket_bytes(online, config.site, "TM-T20II", 80)
    assert b"Kode booking: MGT7K3Q9" in data
    assert b"Pendaftaran online" in data


def test_a_priority_ticket_carries_an_inverted_priority_mark(config: Config) -> None:
    data = ticket_bytes(make_ticket(priority=Priority.PREGNANT), config.site, "TM-T20II", 80)
    mark = data.index(b"PRIORITAS - IBU HAMIL")
    assert data.rfind(b"\x1dB\x01", 0, mark) > data.rfind(b"\x1dB\x00", 0, mark)


def test_an_ordinary_ticket_has_no_priority_mark(config: Config, ticket: Ticket) -> None:
    assert b"PRIORITAS" not in ticket_bytes(ticket, config.site, "TM-T20II", 80)


def test_a_long_service_name_wraps_inside_the_paper_and_loses_no_word(config: Config) -> None:
    name = "Penerbitan Kartu Identitas Anak dan Akta Kelahiran Terlambat Lebih Dari Satu Tahun"
    long = make_ticket(service_name=name)
    for mm in (58, 80):
        paper = PAPERS[mm]
        blocks = ticket_layout(long, config.site, paper)
        texts = [b for b in blocks if isinstance(b, Text)]
        assert all(len(b.text) * b.size * FONT_A_WIDTH <= paper.dots for b in texts)
        printed = " ".join(b.text for b in texts)
        assert all(word in printed for word in name.split())
        data = ticket_bytes(long, config.site, "TM-T20II", mm)
        assert b"Terlambat" in data


def test_non_ascii_text_is_transliterated_never_garbage(config: Config) -> None:
    odd = make_ticket(service_name="Akta Kelahiran – Anak Angkat", documents=("Surat dari Pak Séjati “RT 03”",))
    data = ticket_bytes(odd, config.site, "TM-T20II", 80)
    assert b"Akta Kelahiran - Anak Angkat" in data
    assert b'Surat dari Pak Sejati "RT 03"' in data
    assert max(data) < 0x80  # no code page bytes at all: every printer shows the same letters


def test_the_same_ticket_always_gives_the_same_bytes(config: Config, ticket: Ticket) -> None:
    assert ticket_bytes(ticket, config.site, "TM-T20II", 80) == ticket_bytes(ticket, config.site, "TM-T20II", 80)


def test_an_english_ticket_uses_the_english_labels(config: Config, ticket: Ticket) -> None:
    data = ticket_bytes(ticket, config.site, "TM-T20II", 80, language="en")
    assert b"Queue number" in data
    assert b"Nomor antrean" not in data


def test_a_logo_is_printed_at_the_top_at_most_half_the_paper_wide(config: Config, ticket: Ticket) -> None:
    logo = Image.new("L", (800, 200), 0)
    data = ticket_bytes(ticket, config.site, "TM-T20II", 80, logo=logo)
    assert data.index(RASTER) < data.index(b"Dinas")
    header = data[data.index(RASTER) + 4 :]
    assert header[0] + 256 * header[1] == PAPERS[80].dots // 2 // 8


def test_a_reprint_is_marked_cetak_ulang_with_its_own_time_on_both_papers_and_as_text(config: Config) -> None:
    from datetime import datetime

    from kiosk import ticket_text
    from kiosk.core.clock import WIB

    reprint = make_ticket(reprinted_at=datetime(2026, 11, 30, 10, 15, tzinfo=WIB))
    for mm in (58, 80):
        blocks = ticket_layout(reprint, config.site, PAPERS[mm])
        texts = [b.text for b in blocks if isinstance(b, Text)]
        assert " CETAK ULANG " in texts and "Dicetak ulang 30 November 2026 10:15 WIB" in " ".join(texts)
        assert all(len(b.text) * FONT_A_WIDTH * b.size <= PAPERS[mm].dots for b in blocks if isinstance(b, Text))
        assert not any("CETAK ULANG" in t for t in _texts(ticket_layout(make_ticket(), config.site, PAPERS[mm])))
    text = ticket_text.render(reprint, config)
    assert "CETAK ULANG" in text and "Dicetak ulang 30 November 2026 10:15 WIB" in text
    assert "REPRINT" in ticket_text.render(reprint, config, "en")


def _texts(blocks: list[object]) -> list[str]:
    return [b.text for b in blocks if isinstance(b, Text)]


def test_the_next_person_reads_you_are_next_never_zero_people_and_zero_minutes(config: Config) -> None:
    from dataclasses import replace

    from kiosk import ticket_text

    first = replace(make_ticket(), people_ahead=0, wait_minutes=0)
    data = ticket_bytes(first, config.site, "TM-T20II", 80)
    assert b"Anda berikutnya." in data and b"0 orang" not in data
    text = ticket_text.render(first, config, "id")
    assert "Anda berikutnya." in text and "0 orang" not in text
