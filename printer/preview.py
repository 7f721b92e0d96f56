"""Blocks → a PNG that looks like the paper ticket: for the preview printer, the UI and the docs.

Dots map to pixels one to one (203 dpi), font A is drawn as a 12 x 24 monospace cell, so line
breaks, sizes and the QR code come out where the printer puts them.
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from printer.escpos_bytes import qr_image
from printer.layout import FONT_A_HEIGHT, FONT_A_WIDTH, Block, Gap, Paper, Picture, Qr, Rule, Text

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # fonts-dejavu-core, installed by scripts/setup.sh
MARGIN = 24  # white paper around the printable width
QR_PREVIEW_BOX = 4  # the printer draws its QR with 3-5 dot modules; the preview shows the middle

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@cache
def _font(size: int, bold: bool) -> Font:
    name = "DejaVuSansMono-Bold.ttf" if bold else "DejaVuSansMono.ttf"
    # DejaVu Sans Mono advances 0.6 em: 20 px per 12-dot cell.
    pixels = round(FONT_A_WIDTH * size / 0.6)
    try:
        return ImageFont.truetype(str(FONT_DIR / name), pixels)
    except OSError:
        return ImageFont.load_default(pixels)


def _height(block: Block, paper: Paper) -> int:
    if isinstance(block, Text):
        return FONT_A_HEIGHT * block.size
    if isinstance(block, Gap):
        return FONT_A_HEIGHT * block.lines
    if isinstance(block, Rule):
        return FONT_A_HEIGHT
    if isinstance(block, Qr):
        return qr_image(block.data, QR_PREVIEW_BOX).height + FONT_A_HEIGHT // 2
    return block.image.height + 4


def render_png(blocks: list[Block], paper: Paper, scale: int = 1) -> bytes:
    """The ticket as PNG bytes, ``paper.dots`` wide plus a margin (times ``scale``)."""
    height = sum(_height(block, paper) for block in blocks) + 3 * FONT_A_HEIGHT
    page = Image.new("L", (paper.dots + 2 * MARGIN, height + 2 * MARGIN), 255)
    draw = ImageDraw.Draw(page)
    y = MARGIN
    for block in blocks:
        step = _height(block, paper)
        if isinstance(block, Text):
            font = _font(block.size, block.bold)
            width = int(draw.textlength(block.text, font=font))
            x = MARGIN if block.align == "left" else MARGIN + max(0, (paper.dots - width) // 2)
            if block.align == "right":
                x = MARGIN + max(0, paper.dots - width)
            if block.invert:
                draw.rectangle((x, y, x + width, y + step - 1), fill=0)
            draw.text((x, y + step // 2), block.text, font=font, fill=255 if block.invert else 0, anchor="lm")
        elif isinstance(block, Rule):
            for x in range(MARGIN, MARGIN + paper.dots, 12):
                draw.line((x, y + step // 2, x + 6, y + step // 2), fill=0, width=2)
        elif isinstance(block, Qr):
            code = qr_image(block.data, QR_PREVIEW_BOX)
            page.paste(code.convert("L"), (MARGIN + (paper.dots - code.width) // 2, y))
        elif isinstance(block, Picture):
            page.paste(block.image.convert("L"), (MARGIN + (paper.dots - block.image.width) // 2, y))
        y += step
    # The tear line of the cutter under the last line.
    for x in range(0, page.width, 8):
        draw.line((x, page.height - 6, x + 4, page.height - 2), fill=0)
    if scale != 1:
        page = page.resize((page.width * scale, page.height * scale), Image.Resampling.NEAREST)
    out = io.BytesIO()
    # 1-bit like the paper: a third of the bytes and far faster to encode than grey with optimize.
    page.convert("1", dither=Image.Dither.NONE).save(out, format="PNG")
    return out.getvalue()
