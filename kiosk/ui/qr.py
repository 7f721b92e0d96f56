"""QR codes for the screens, as rows of modules: built with qrcode, or read back from a cache.

No Kivy here (``kiosk.ui.home.qr_texture`` turns the rows into a texture), and qrcode is
imported only when a code has to be built: it brings PIL's ImageDraw and FreeType with it.
"""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

BORDER = 2  # modules of light margin around the code
DARK, LIGHT = "#", "."  # not digits: a row of the code must never look like a NIK to a scan of the disk


def build_rows(text: str) -> list[str]:
    """The QR code of ``text``, border included: one string per row, ``DARK`` and ``LIGHT`` modules."""
    import qrcode

    code = qrcode.QRCode(border=BORDER)
    code.add_data(text)
    code.make(fit=True)
    return ["".join(DARK if module else LIGHT for module in row) for row in code.get_matrix()]


def _well_formed(rows: list[str]) -> bool:
    """Square, of a size a QR code has (17 + 4 x version, plus the border), only modules."""
    size = len(rows)
    inner = size - 2 * BORDER
    shaped = inner >= 21 and (inner - 17) % 4 == 0
    return shaped and all(len(row) == size and not row.strip(DARK + LIGHT) for row in rows)


def cached_rows(text: str, folder: Path) -> list[str]:
    """``build_rows(text)``, kept in ``folder`` (the kiosk's data folder) and read back next time.

    The home screen's code (the booking site) is the same at every boot, and building it (the
    qrcode import and the search for the best mask) took some 11 ms of the kiosk's cold start. A
    file that is missing, unreadable or torn (a power cut) is built again; one that cannot be
    written only costs the next boot the same 11 ms.
    """
    path = folder / f"qr-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:24]}.txt"
    try:
        rows = path.read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        rows = []
    if _well_formed(rows):
        return rows
    rows = build_rows(text)
    partial = path.with_name(f".{path.name}.{os.getpid()}")
    try:
        partial.write_text("\n".join(rows) + "\n", encoding="ascii")
        os.replace(partial, path)
    except OSError as exc:
        log.info("QR code not kept in %s: %s", folder, exc.strerror)
        partial.unlink(missing_ok=True)
    return rows
