"""Home: the two big choices, slots left per service, language, clock, booking-site QR."""

from __future__ import annotations

from io import BytesIO
from typing import Any

import qrcode
from kivy.core.image import Image as CoreImage
from kivy.properties import ObjectProperty, StringProperty

from kiosk.core.model import ServiceQuota
from kiosk.i18n import N_, Translate
from kiosk.ui.widgets import KioskScreen, load_kv

load_kv("home")


def qr_texture(text: str) -> Any:
    """A QR code as a Kivy texture, drawn in memory (nothing written to disk)."""
    image = qrcode.make(text, border=2, box_size=8).get_image().convert("RGB")
    buffer = BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    texture = CoreImage(buffer, ext="png").texture
    texture.mag_filter = "nearest"  # crisp modules when scaled up
    return texture


def slots_text(tr: Translate, quota: ServiceQuota) -> str:
    if not quota.service.walk_in:
        return tr(N_("{service}: hanya online")).format(service=quota.service.name)
    if quota.full:
        return tr(N_("{service}: penuh")).format(service=quota.service.name)
    return tr(N_("{service}: sisa {count}")).format(service=quota.service.name, count=quota.remaining)


class HomeScreen(KioskScreen):
    idle_timeout_s = None  # home is where the idle timeout leads

    qr = ObjectProperty(None, allownone=True)
    slots = StringProperty("")

    def on_kv_post(self, _base: Any) -> None:
        self.qr = qr_texture(self.app.config.site.booking_website)
        self.app.bind(quotas=self._show_slots, language=self._show_slots, quotas_failed=self._show_slots)

    def _show_slots(self, *_args: Any) -> None:
        app = self.app
        if app.quotas_failed and not app.quotas:
            self.slots = app.tr(N_("Sisa nomor belum bisa dimuat. Anda tetap bisa mencoba."))
            return
        self.slots = "\n".join(slots_text(app.tr, q) for q in app.quotas)

    def technician(self) -> None:
        self.app.go("pin")
