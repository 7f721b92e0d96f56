"""Confirm before a number is issued: the booking found (name and NIK masked), or the walk-in choice."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.core import nik as nik_rules
from kiosk.core.model import Booking, Priority
from kiosk.core.privacy import mask_name
from kiosk.core.usecases import new_idempotency_key
from kiosk.i18n import N_
from kiosk.ui.result import issued, show_done
from kiosk.ui.walkin import walk_in_retry
from kiosk.ui.widgets import KioskScreen, load_kv

load_kv("keys")  # the keypad, steps and countdown rules, left out of the first frame
load_kv("confirm")

PRIORITY_NAMES = {
    Priority.ELDERLY: N_("Lansia (60 tahun ke atas)"),
    Priority.DISABLED: N_("Penyandang disabilitas"),
    Priority.PREGNANT: N_("Ibu hamil"),
}


class ConfirmScreen(KioskScreen):
    walk_in = BooleanProperty(False)
    person = StringProperty("")  # masked name (booking) or empty (walk-in)
    nik_shown = StringProperty("")  # always masked
    service_text = StringProperty("")
    detail = StringProperty("")  # slot time, booking code, or the priority chosen

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._query = ""
        self._nik = ""
        self._service_code = ""
        self._priority: Priority | None = None
        self._key = ""
        self._came_from = ""

    def prepare(
        self,
        booking: Booking | None = None,
        query: str = "",
        service: Any = None,
        nik: str = "",
        priority: Priority | None = None,
        **_kwargs: Any,
    ) -> None:
        self.reset()
        self._came_from = self.manager.current if self.manager else ""
        self._key = new_idempotency_key()  # one per confirmation: a retried request never issues twice
        tr = self.app.tr
        if booking is not None:
            self.walk_in = False
            self._query = query
            self.person = mask_name(booking.name)
            self.nik_shown = booking.nik_masked
            configured = self.app.config.service(booking.service_code)
            self.service_text = configured.name_in(self.app.language) if configured else booking.service_code
            self.detail = tr(N_("Jadwal pukul {slot} · kode {code}")).format(
                slot=booking.slot.strftime("%H:%M"), code=booking.code
            )
        else:
            self.walk_in = True
            self._nik = nik
            self._service_code = service.code
            self._priority = priority
            self.person = ""
            self.nik_shown = nik_rules.mask(nik)
            self.service_text = service.name_in(self.app.language)
            self.detail = tr(PRIORITY_NAMES[priority]) if priority else tr(N_("Antrean biasa"))

    def reset(self) -> None:
        self._query = ""
        self._nik = ""
        self._service_code = ""
        self._priority = None
        self.person = self.nik_shown = self.service_text = self.detail = ""

    def confirm(self) -> None:
        app = self.app
        kiosk = app.kiosk
        key = self._key
        language = app.language  # the ticket is printed in the person's language
        if self.walk_in:
            service, nik, priority = self._service_code, self._nik, self._priority
            app.run_task(
                lambda: issued(kiosk, kiosk.issue_walk_in(service, nik, priority, key, language=language)),
                lambda done: show_done(app, done),
                lambda error: app.show_error(error, retry=walk_in_retry(error, nik)),
                app.tr(N_("Mencetak karcis Anda ...")),
            )
        else:
            query = self._query
            app.run_task(
                lambda: issued(kiosk, kiosk.check_in(query, key, language=language)),
                lambda done: show_done(app, done),
                lambda error: app.show_error(error, query=query),
                app.tr(N_("Mencetak karcis Anda ...")),
            )

    def back(self) -> None:
        """ "No": back to what was typed or chosen, kept, to change what is wrong."""
        if self.walk_in:
            self.app.go("walkin", keep=True, step="nik")
        elif self._came_from == "entry":
            self.app.go("entry", mode=self.app.screen_named("entry").mode, keep=True)
        else:
            self.app.go_start()
