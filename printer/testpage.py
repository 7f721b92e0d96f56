"""The self-test page: what a technician checks after installing or repairing the printer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kiosk.core.clock import SystemClock
from kiosk.i18n import translator
from printer.layout import Block, Gap, Qr, Rule, Text, largest_size, lines
from printer.status import PrinterStatus
from printer.text import printable

if TYPE_CHECKING:
    from printer.service import PrinterService

SAMPLE = "Sêlamat datang – “Dukcapil” Ngawi/Magetan, Bu Ñoñi"


def blocks(service: PrinterService, status: PrinterStatus) -> list[Block]:
    """Every line of the test page."""
    _ = translator(service.language)
    paper = service.paper
    now = SystemClock().now()
    out: list[Block] = [Text(printable(_("HALAMAN UJI PRINTER")), 2, True), Text(now.strftime("%Y-%m-%d %H:%M WIB"))]
    out += [Rule()]
    out += lines(_("Sambungan: {label}").format(label=service.transport.label), paper, align="left")
    out += lines(_("Profil: {profile}").format(profile=service.profile), paper, align="left")
    out += lines(
        _("Kertas: {mm} mm, {dots} titik, {columns} kolom").format(mm=paper.mm, dots=paper.dots, columns=paper.columns),
        paper,
        align="left",
    )
    out += lines(_("Status: {state}").format(state=status.describe(service.language)), paper, align="left")
    out += [Text(printable(line), align="left") for line in status.raw_lines()]
    out += [Rule()]
    out += lines(_("Kode halaman: ASCII (huruf lain ditransliterasi)"), paper, align="left")
    out += lines(SAMPLE, paper, align="left")
    out += [Text("0123456789 ABCDEFGHIJKLMNOPQRSTUVWXYZ"[: paper.columns], align="left")]
    out += [Rule(), Text(printable(_("Ukuran huruf")))]
    biggest = largest_size("A-001", paper)
    for size in sorted({1, 2, 3, max(1, biggest // 2), biggest}):
        out += [Text(f"{size}x" if size < 3 else "A-001", size, size > 1)]
    out += [Rule()]
    qr_kind = _("QR bawaan printer") if service.native_qr else _("QR sebagai gambar")
    out += [Text(printable(qr_kind)), Qr(service.site.booking_website), Gap()]
    out += lines(_("Bila karcis terpotong di bawah garis ini, pemotong baik."), paper)
    return out
