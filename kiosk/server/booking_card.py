"""The booking confirmation as pictures: the QR the kiosk's scanner reads, and a card to save on the phone.

The QR holds the bare booking code: a USB scanner types it into the kiosk like a keyboard
(``kiosk.ui.scanner``) and ``rules.normalize_code`` reads it. The card shows the NIK masked only.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

FONTS = Path(__file__).resolve().parent / "web" / "static" / "fonts"
CARD_WIDTH = 720
MARGIN = 40


def qr_png(code: str, box: int = 8) -> bytes:
    image = qrcode.make(code, border=2, box_size=box).get_image().convert("RGB")
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def qr_data_uri(code: str) -> str:
    """The QR as a ``data:`` image (the pages' CSP allows ``img-src data:``): no second request."""
    return "data:image/png;base64," + base64.b64encode(qr_png(code)).decode("ascii")


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(str(FONTS / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")), size)
    except OSError:
        return ImageFont.load_default()


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont) -> list[str]:
    lines: list[str] = []
    line = ""
    for word in text.split():
        trial = f"{line} {word}".strip()
        if draw.textlength(trial, font=font) <= CARD_WIDTH - 2 * MARGIN or not line:
            line = trial
        else:
            lines.append(line)
            line = word
    return lines + ([line] if line else [])


def card_png(code: str, heading: str, rows: list[tuple[str, str]], documents_title: str, documents: list[str]) -> bytes:
    """A phone-sized card: heading, the code large, its QR, the rows (label, value), the documents."""
    qr = Image.open(io.BytesIO(qr_png(code, box=10))).convert("RGB")
    canvas = Image.new("RGB", (CARD_WIDTH, 1600), "white")
    draw = ImageDraw.Draw(canvas)
    y = MARGIN
    for line in _wrap(draw, heading, _font(30, bold=True)):
        draw.text((MARGIN, y), line, fill="#07305a", font=_font(30, bold=True))
        y += 40
    y += 10
    draw.text((MARGIN, y), code, fill="black", font=_font(64, bold=True))
    y += 90
    canvas.paste(qr, ((CARD_WIDTH - qr.width) // 2, y))
    y += qr.height + 20
    for label, value in rows:
        draw.text((MARGIN, y), label, fill="#555555", font=_font(24))
        y += 32
        for line in _wrap(draw, value, _font(30, bold=True)):
            draw.text((MARGIN, y), line, fill="black", font=_font(30, bold=True))
            y += 40
        y += 8
    if documents:
        draw.text((MARGIN, y), documents_title, fill="#555555", font=_font(24))
        y += 32
        for document in documents:
            for line in _wrap(draw, f"• {document}", _font(26)):
                draw.text((MARGIN, y), line, fill="black", font=_font(26))
                y += 36
    out = io.BytesIO()
    canvas.crop((0, 0, CARD_WIDTH, min(1600, y + MARGIN))).save(out, format="PNG", optimize=True)
    return out.getvalue()
