"""A ticket as a list of blocks: the one layout both the ESC/POS bytes and the PNG preview draw.

Pure: no I/O, no printer. Text is already printable ASCII and wrapped to the paper, so the
preview shows exactly the lines the paper gets.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from kiosk.core.config import SiteConfig
from kiosk.core.model import Ticket, TicketKind
from kiosk.i18n import translator
from kiosk.messages import format_day
from kiosk.ticket_text import KIND_LABELS, PRIORITY_LABELS, REPRINT_MARK, place_in_line, reprint_line
from printer.text import printable, wrap

FONT_A_WIDTH = 12  # dots per character of font A at size 1 (12 x 24)
FONT_A_HEIGHT = 24
MAX_SIZE = 8  # GS ! multiplies width and height by 1..8


@dataclass(frozen=True)
class Paper:
    mm: int
    dots: int  # printable width at 203 dpi

    @property
    def columns(self) -> int:
        return self.dots // FONT_A_WIDTH


PAPERS = {58: Paper(58, 384), 80: Paper(80, 576)}


@dataclass(frozen=True)
class Text:
    text: str
    size: int = 1
    bold: bool = False
    align: str = "center"
    invert: bool = False


@dataclass(frozen=True)
class Rule:
    """A dashed line across the paper."""


@dataclass(frozen=True)
class Gap:
    lines: int = 1


@dataclass(frozen=True)
class Qr:
    data: str


@dataclass(frozen=True)
class Picture:
    image: Image.Image  # already 1-bit and no wider than the paper


Block = Text | Rule | Gap | Qr | Picture


def paper_for(mm: int) -> Paper:
    return PAPERS[mm]


def largest_size(text: str, paper: Paper, limit: int = MAX_SIZE) -> int:
    """The largest character size at which ``text`` still fits on one line of ``paper``."""
    fitting = paper.dots // (FONT_A_WIDTH * max(1, len(text)))
    return max(1, min(limit, fitting))


def lines(text: str, paper: Paper, size: int = 1, bold: bool = False, align: str = "center") -> list[Block]:
    """``text`` wrapped to the paper at ``size``, one block per printed line."""
    return [Text(line, size, bold, align) for line in wrap(text, paper.columns // size)]


def qr_payload(ticket: Ticket, public_url: str = "") -> str:
    """The ticket's place-in-line page (``server.public_url`` set), else the bare ticket id."""
    if public_url:
        return f"{public_url.rstrip('/')}/t/{ticket.id}"
    # Upper case fits QR alphanumeric mode: a smaller code (version 2 instead of 3) for the same id.
    return ticket.id.upper()


def prepare_logo(image: Image.Image, paper: Paper) -> Image.Image:
    """The logo as 1-bit, at most half the paper wide (it is a header, not a poster)."""
    logo = image.convert("L")
    limit = paper.dots // 2
    if logo.width > limit:
        logo = logo.resize((limit, max(1, round(logo.height * limit / logo.width))), Image.Resampling.LANCZOS)
    return logo.convert("1")


def ticket_layout(
    ticket: Ticket,
    site: SiteConfig,
    paper: Paper,
    language: str = "id",
    logo: Image.Image | None = None,
    public_url: str = "",
) -> list[Block]:
    """Every line of the paper ticket, top to bottom (the cut follows the last block)."""
    _ = translator(language)
    blocks: list[Block] = []
    if logo is not None:
        blocks += [Picture(prepare_logo(logo, paper))]
    blocks += lines(site.office, paper, bold=True)
    blocks += lines(site.name, paper)
    blocks += [Rule(), Text(printable(_("Nomor antrean")))]
    blocks += [Text(printable(ticket.number), largest_size(printable(ticket.number), paper), bold=True)]
    service_size = 2 if len(printable(ticket.service_name)) * 2 * FONT_A_WIDTH <= paper.dots else 1
    blocks += lines(ticket.service_name, paper, size=service_size, bold=True)
    blocks += lines(_(KIND_LABELS[ticket.kind]), paper)
    if ticket.priority is not None:
        mark = printable(_(PRIORITY_LABELS[ticket.priority]))
        mark_size = 2 if (len(mark) + 2) * 2 * FONT_A_WIDTH <= paper.dots else 1
        blocks += [Gap(), *(Text(f" {line} ", mark_size, True, invert=True) for line in wrap(mark, paper.columns))]
    issued = ticket.issued_at
    blocks += [
        Gap(),
        Text(printable(f"{format_day(ticket.day, language)} {issued.strftime('%H:%M')} WIB")),
    ]
    blocks += lines(place_in_line(ticket, _), paper)
    if ticket.reprinted_at is not None:
        # A reprint says so, with its own time: staff must be able to tell it from a second number.
        blocks += [Gap(), Text(f" {printable(_(REPRINT_MARK))} ", 2, True, invert=True)]
        blocks += lines(reprint_line(ticket.reprinted_at, language), paper)
    holder = _("Kode booking: {code}") if ticket.kind == TicketKind.ONLINE else _("NIK: {code}")
    blocks += lines(holder.format(code=ticket.holder), paper)
    if ticket.documents:
        blocks += [Rule(), Text(printable(_("Bawa:")), bold=True, align="left")]
        for document in ticket.documents:
            blocks += [Text(line, align="left") for line in wrap(f"- {document}", paper.columns, indent="  ")]
    blocks += [Rule(), Qr(qr_payload(ticket, public_url))]
    blocks += lines(f"ID {ticket.id}", paper)
    blocks += lines(_("Daftar online untuk hari lain: {website}").format(website=site.booking_website), paper)
    if ticket.kiosk_id:
        blocks += lines(_("Kios {kiosk}").format(kiosk=ticket.kiosk_id), paper)
    return blocks
