"""Draw docs/keypad.png: the USB numeric keypad and what each key does on the kiosk.

The words come from ``kiosk.ui.nonvisual`` (the same keys the kiosk listens to); the fonts are
the ones Kivy ships. Run: ``.venv/bin/python scripts/draw_keypad.py``
"""

from __future__ import annotations

from pathlib import Path

import kivy
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "keypad.png"
FONTS = Path(kivy.__file__).resolve().parent / "data" / "fonts"
UNIT = 190  # one key's pitch in pixels
GAP = 14
MARGIN = 40
TITLE_H = 120

# (column, row, width, height, key cap, what it does); an 18-key USB keypad with Backspace
KEYS = (
    (0, 0, 1, 1, "Num", "tetap menyala"),
    (1, 0, 1, 1, "/", "semua pilihan"),
    (2, 0, 1, 1, "*", "ulangi"),
    (3, 0, 1, 1, "⌫", "hapus, kembali"),
    (0, 1, 1, 1, "7", ""),
    (1, 1, 1, 1, "8", ""),
    (2, 1, 1, 1, "9", ""),
    (3, 1, 1, 1, "-", "suara pelan"),
    (0, 2, 1, 1, "4", ""),
    (1, 2, 1, 1, "5", "titik timbul"),
    (2, 2, 1, 1, "6", ""),
    (3, 2, 1, 1, "+", "suara keras"),
    (0, 3, 1, 1, "1", ""),
    (1, 3, 1, 1, "2", ""),
    (2, 3, 1, 1, "3", ""),
    (3, 3, 1, 2, "Enter", "lanjut"),
    (0, 4, 2, 1, "0", ""),
    (2, 4, 1, 1, ".", "batal, ke awal"),
)
FUNCTION = "#0B3A82"  # the kiosk's primary blue: keys with a job of their own
DIGIT = "#E6ECF5"


def main() -> Path:
    width = MARGIN * 2 + UNIT * 4
    height = MARGIN * 2 + TITLE_H + UNIT * 5 + 90
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    bold = ImageFont.truetype(str(FONTS / "Roboto-Bold.ttf"), 64)
    small = ImageFont.truetype(str(FONTS / "Roboto-Regular.ttf"), 26)
    label = ImageFont.truetype(str(FONTS / "Roboto-Regular.ttf"), 23)
    symbol = ImageFont.truetype(str(FONTS / "DejaVuSans.ttf"), 64)
    title = ImageFont.truetype(str(FONTS / "Roboto-Bold.ttf"), 38)
    draw.text((MARGIN, MARGIN), "Kios tanpa melihat layar", font=title, fill="#111111")
    draw.text((MARGIN, MARGIN + 52), "Angka: memilih, atau mengetik NIK / kode", font=small, fill="#3A3A3A")
    top = MARGIN + TITLE_H
    for column, row, w, h, cap, does in KEYS:
        x0, y0 = MARGIN + column * UNIT, top + row * UNIT
        box = (x0 + GAP / 2, y0 + GAP / 2, x0 + w * UNIT - GAP / 2, y0 + h * UNIT - GAP / 2)
        function = not cap.isdigit()
        draw.rounded_rectangle(box, radius=18, fill=FUNCTION if function else DIGIT, outline="#0A1F44", width=3)
        ink = "white" if function else "#0A1F44"
        font = symbol if cap == "⌫" else bold
        size = 44 if len(cap) > 2 else 64
        font = ImageFont.truetype(font.path, size)
        cx = (box[0] + box[2]) / 2
        cy = (box[1] + box[3]) / 2 - (14 if does else 0)
        draw.text((cx, cy), cap, font=font, fill=ink, anchor="mm")
        if cap == "5":  # the raised dot a finger finds first
            draw.ellipse((cx - 9, cy + 30, cx + 9, cy + 48), fill="#0A1F44")
        if does:
            draw.text((cx, box[3] - 24), does, font=label, fill=ink, anchor="mm")
    notes = ("Tombol pertama hanya menyalakan suara.", "Headphone: mendengar sendiri (NIK berbunyi tit).")
    for index, note in enumerate(notes):
        draw.text((MARGIN, top + UNIT * 5 + 14 + 34 * index), note, font=small, fill="#3A3A3A")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    image.save(OUT, optimize=True)
    return OUT


if __name__ == "__main__":
    print(main())
