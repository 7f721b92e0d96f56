"""Home: the two big choices, slots left per service, the languages, clock, booking-site QR."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kivy.graphics.texture import Texture
from kivy.metrics import sp
from kivy.properties import ObjectProperty, StringProperty

from kiosk.core.model import ServiceQuota
from kiosk.i18n import LANGUAGES, N_, Translate
from kiosk.speech.prompts import home_prompt
from kiosk.ui import qr, theme
from kiosk.ui.widgets import BigButton, KioskScreen, load_kv

load_kv("home")


def qr_texture(text: str, cache: Path | None = None) -> Any:
    """A QR code as a Kivy texture: one texel per module, straight from the code's matrix.

    No picture in between: going through a PNG and Kivy's image loader made PIL register every
    image plugin it has, about a third of the kiosk's extra cold start (docs/benchmarks.md).
    ``cache``: a folder where the code is kept for the next time (``kiosk.ui.qr.cached_rows``).
    """
    rows = qr.cached_rows(text, cache) if cache is not None else qr.build_rows(text)
    size = len(rows)
    dark, light = b"\x00\x00\x00\xff", b"\xff\xff\xff\xff"
    # RGBA keeps every row 4-byte aligned, as OpenGL unpacks it; Kivy's rows run bottom-up
    pixels = b"".join(dark if module == qr.DARK else light for row in reversed(rows) for module in row)
    texture = Texture.create(size=(size, size), colorfmt="rgba")
    texture.blit_buffer(pixels, colorfmt="rgba", bufferfmt="ubyte")
    texture.mag_filter = "nearest"  # crisp modules when scaled up
    return texture


# Each language by its own name, as its speakers look for it; a language without an entry here
# shows its code until it gets one.
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English", "jv": "Basa Jawa"}


class LanguageButton(BigButton):
    """One language of the chooser; the one in use is marked by its colour and underlined."""

    def __init__(self, code: str, **kwargs: Any) -> None:
        super().__init__(text=LANGUAGE_NAMES.get(code, code), font_size=sp(theme.TEXT_SP), **kwargs)
        self.code = code

    def show(self, current: str) -> None:
        selected = self.code == current
        self.underline = selected  # not by colour alone (a property, not markup: markup lays out word by word)
        self.background = theme.rgba(theme.SELECTED) if selected else theme.rgba(theme.KEY)
        self.foreground = theme.rgba(theme.ON_SELECTED) if selected else theme.rgba(theme.ON_KEY)


def slots_text(tr: Translate, quota: ServiceQuota, language: str = "id") -> str:
    name = quota.service.name_in(language)
    if not quota.service.walk_in:
        return tr(N_("{service}: hanya online")).format(service=name)
    if quota.closed_reason is not None:  # the office closed it for today; a tap on its tile says why
        return tr(N_("{service}: tutup hari ini")).format(service=name)
    if quota.full:
        return tr(N_("{service}: penuh")).format(service=name)
    return tr(N_("{service}: sisa {count}")).format(service=name, count=quota.remaining)


def notice_in(notice: Any, language: str) -> str:
    """The office's notice in the person's language; Indonesian when not given in it."""
    if notice is None:
        return ""
    own = {"en": notice.text_en, "jv": notice.text_jv}.get(language, "")
    return str(own or notice.text)


class HomeScreen(KioskScreen):
    idle_timeout_s = None  # home is where the idle timeout leads

    qr = ObjectProperty(None, allownone=True)
    slots = StringProperty("")
    notice = StringProperty("")  # the office's notice in the person's language; "" when none

    def on_kv_post(self, _base: Any) -> None:
        config = self.app.config
        self.qr = qr_texture(config.site.booking_website, config.backend.path.parent)  # kept beside the day book
        self.app.bind(quotas=self._show_slots, language=self._show_slots, quotas_failed=self._show_slots)
        self.app.bind(language=self._show_languages)
        self.app.bind(office_notice=self._show_notice, language=self._show_notice)
        self._show_notice()
        self.build_languages(LANGUAGES)

    def build_languages(self, languages: tuple[str, ...]) -> None:
        """One button per language: a language added to ``kiosk.i18n.LANGUAGES`` needs no layout change."""
        self.ids.languages.clear_widgets()
        for code in languages:
            self.ids.languages.add_widget(LanguageButton(code, on_release=self._choose_language))
        self._show_languages()

    def _choose_language(self, button: LanguageButton) -> None:
        self.app.language = button.code

    def _show_languages(self, *_args: Any) -> None:
        for button in self.ids.languages.children:
            button.show(self.app.language)

    def _show_slots(self, *_args: Any) -> None:
        app = self.app
        if app.quotas_failed and not app.quotas:
            self.slots = app.tr(N_("Sisa nomor belum bisa dimuat. Anda tetap bisa mencoba."))
            return
        self.slots = "\n".join(slots_text(app.tr, q, app.language) for q in app.quotas)

    def _show_notice(self, *_args: Any) -> None:
        self.notice = notice_in(self.app.office_notice, self.app.language)

    def prompt(self) -> str:
        """The welcome, and the office's notice after it (kiosk.ui.voice speaks it)."""
        return home_prompt(self.app.tr, self.notice)

    def technician(self) -> None:
        self.app.go("pin")
