"""Blocks → ESC/POS bytes, built in python-escpos's ``Dummy`` and sent later in one write."""

from __future__ import annotations

from functools import lru_cache

import qrcode
from escpos.capabilities import NotSupported, get_profile
from escpos.image import EscposImage
from escpos.printer import Dummy
from PIL import Image

from kiosk.core.config import SiteConfig
from kiosk.core.model import Ticket
from printer.layout import Block, Gap, Paper, Picture, Qr, Rule, Text, paper_for, ticket_layout

GS = b"\x1d"
QR_RASTER_BOX = 3  # dots per module: 0.375 mm, still read by phones and scanners, and few bytes


class UnknownProfile(ValueError):
    """The configured python-escpos printer profile does not exist."""


def check_profile(name: str) -> None:
    """Raise ``UnknownProfile`` unless python-escpos knows a profile of this name."""
    try:
        get_profile(name)
    except (KeyError, NotSupported):
        raise UnknownProfile(name) from None


def supports_native_qr(profile: str) -> bool:
    return bool(get_profile(profile).supports("qrCode"))


@lru_cache(maxsize=32)
def qr_image(data: str, box: int = QR_RASTER_BOX) -> Image.Image:
    """The QR code as a 1-bit image (one module of quiet zone: the paper margin is the rest).

    Cached: the bytes and the preview of one ticket draw the same code; callers never modify it.
    """
    code = qrcode.QRCode(box_size=box, border=1, error_correction=qrcode.constants.ERROR_CORRECT_L)
    code.add_data(data)
    code.make(fit=True)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("1")


def _raster(printer: Dummy, image: Image.Image) -> None:
    # GS v 0 written here: escpos's image() prints a warning to stdout for profiles without a
    # known width, which would corrupt the CLI's JSON output.
    raster = EscposImage(image)
    header = GS + b"v0\x00" + printer._int_low_high(raster.width_bytes, 2) + printer._int_low_high(raster.height, 2)
    printer._raw(header + raster.to_raster_format())


def render_escpos(blocks: list[Block], paper: Paper, profile: str, native_qr: bool | None = None) -> bytes:
    """The bytes of one job: initialise, every block, feed and cut."""
    printer = Dummy(profile=profile)
    native = supports_native_qr(profile) if native_qr is None else native_qr
    printer.hw("INIT")
    size, bold, align, invert = 1, False, "", False
    for block in blocks:
        if isinstance(block, Text):
            if block.align != align:
                printer.set(align=block.align)
                align = block.align
            if block.size != size:
                # GS ! for every size, 1 included: ESC ! (normal_textsize) would also drop bold.
                printer.set(custom_size=True, width=block.size, height=block.size)
                size = block.size
            if block.bold != bold:
                printer.set(bold=block.bold)
                bold = block.bold
            if block.invert != invert:
                printer.set(invert=block.invert)
                invert = block.invert
            printer.text(block.text + "\n")
        else:
            if size != 1 or bold or invert:
                printer.set(custom_size=True, width=1, height=1, bold=False, invert=False)
                size, bold, invert = 1, False, False
            if align != "center":
                printer.set(align="center")
                align = "center"
            if isinstance(block, Rule):
                printer.text("-" * paper.columns + "\n")
            elif isinstance(block, Gap):
                printer.text("\n" * block.lines)
            elif isinstance(block, Qr):
                if native:
                    printer.qr(block.data, size=5 if paper.mm == 80 else 4, native=True)
                    printer.text("\n")
                else:
                    _raster(printer, qr_image(block.data))
            elif isinstance(block, Picture):
                _raster(printer, block.image)
    printer.set(custom_size=True, width=1, height=1, bold=False, invert=False, align="left")
    printer.cut(mode="PART", feed=True)
    output: bytes = printer.output
    return output


def ticket_bytes(
    ticket: Ticket,
    site: SiteConfig,
    profile: str,
    paper_mm: int,
    language: str = "id",
    logo: Image.Image | None = None,
    native_qr: bool | None = None,
) -> bytes:
    """The ESC/POS bytes of a ticket: pure, the same input always gives the same bytes."""
    paper = paper_for(paper_mm)
    return render_escpos(ticket_layout(ticket, site, paper, language, logo), paper, profile, native_qr)
