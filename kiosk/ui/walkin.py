"""Walk-in: pick a service (slots left; a full one explains where to book), type the NIK, priority in one tap.

No dead ends: what can be checked before the confirm screen is checked here (the NIK's structure
as it is typed, quota and the per-NIK caps through ``Kiosk.precheck_walk_in`` on "Lanjut"), and a
refusal leads back here with what is still right kept (the service chosen, the digits typed).
Elderly priority goes by the NIK's birth date: offered and pre-selected from 60, not granted below.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, OptionProperty, StringProperty

from kiosk.core.errors import BadInput, KioskError, Reason, Refusal, SystemFault
from kiosk.core.model import Priority, ServiceQuota
from kiosk.core.nik import NIK_LENGTH
from kiosk.i18n import N_
from kiosk.ui.entry import nik_problem
from kiosk.ui.widgets import BigButton, KioskScreen, group_digits, load_kv

load_kv("keys")  # the keypad, steps and countdown rules, left out of the first frame
load_kv("walkin")

# The toggle labels of walkin.kv, marked here so the catalogue has them.
PRIORITY_BUTTONS = (
    (None, N_("Antrean biasa")),
    (Priority.ELDERLY, N_("Lansia")),
    (Priority.DISABLED, N_("Disabilitas")),
    (Priority.PREGNANT, N_("Ibu hamil")),
)

ELDERLY_SUGGESTED = N_("Menurut NIK, Anda berusia 60 tahun ke atas: antrean lansia dipilih.")
ELDERLY_NOT_YET = N_(
    "Menurut NIK, Anda belum berusia 60 tahun, jadi antrean lansia belum bisa dipilih. "
    "Anda tetap kami layani di antrean biasa."
)
ELDERLY_NEEDS_NIK = N_("Ketik NIK Anda dulu: antrean lansia dipilih dari tanggal lahir di NIK.")

# Where a refusal of a walk-in leads back to, and the words on that button (see ErrorScreen).
TO_KEYPAD = ("walkin", {"keep": True, "step": "nik"})
TO_SERVICES = ("walkin", {"keep": True, "step": "service"})
OTHER_SERVICE = (Reason.QUOTA_FULL, Reason.ALREADY_HAS_TICKET, Reason.SERVICE_NOT_WALK_IN, Reason.SERVICE_UNKNOWN)
TRY_AGAIN = (Reason.BACKEND_UNREACHABLE, Reason.BACKEND_FAULT, Reason.DATABASE_FAULT)


def walk_in_retry(error: KioskError, nik: str = "") -> tuple[str, dict[str, Any], str] | None:
    """Where the person can correct what a walk-in refusal is about; None when nothing can be.

    Someone with a booking for this service today is taken to its check-in with the NIK
    already typed (``nik`` stays in memory only, on the error screen, until it is left).
    """
    if error.reason == Reason.HAS_BOOKING and nik:
        return ("lookup", {"query": nik}, N_("Ambil nomor pendaftaran saya"))
    if isinstance(error, BadInput) and error.reason.value.startswith("nik_"):
        return (*TO_KEYPAD, N_("Perbaiki NIK"))
    if error.reason == Reason.PRIORITY_NOT_ELDERLY:
        return (*TO_KEYPAD, N_("Ubah pilihan antrean"))
    if error.reason in OTHER_SERVICE:
        return (*TO_SERVICES, N_("Pilih layanan lain"))
    if isinstance(error, SystemFault) and error.reason in TRY_AGAIN:
        return (*TO_KEYPAD, N_("Coba lagi"))
    return None


class ServiceTile(BigButton):
    """One service: its name and slots left; grey and marked "Penuh" when none are left, or
    "Tutup" when the office closed it for today.

    A full or closed tile still answers a tap: it says why, and where to book another day.
    """

    quota = ObjectProperty(None)


class PriorityToggle(BigButton):
    priority = StringProperty("")
    label = StringProperty("")
    selected = BooleanProperty(False)
    offered = BooleanProperty(True)  # False: greyed; a tap says why


class WalkInScreen(KioskScreen):
    step = OptionProperty("service", options=("service", "nik"))
    services = ListProperty([])  # ServiceQuota of walk-in services
    chosen = ObjectProperty(None, allownone=True)  # the Service picked
    priority = StringProperty("")  # a Priority value or ""
    shown = StringProperty("")
    complete = BooleanProperty(False)  # 16 digits of a well-formed NIK
    elderly_offered = BooleanProperty(False)  # the NIK's birth date says 60 or over
    note = StringProperty("")  # about priority: suggested, or why not
    problem = StringProperty("")  # what is wrong with the NIK typed

    def prepare(self, keep: bool = False, step: str = "service", **_kwargs: Any) -> None:
        """``keep``: back from a refusal or from "Bukan, kembali", at ``step``, with what was right."""
        if keep:
            self.step = step if self.chosen is not None else "service"
            self.note = ""
            self.typed(self.ids.pad.text)
        else:
            self.reset()
        self.services = [q for q in self.app.quotas if q.service.walk_in]
        self.app.run_task(self.app.kiosk.walk_in_services, self._arrived, None, self.app.tr(N_("Memuat layanan ...")))

    def _arrived(self, services: list[ServiceQuota]) -> None:
        self.services = services

    def reset(self) -> None:
        self.step = "service"
        self.chosen = None
        self.priority = ""
        self.note = ""
        self.problem = ""
        if "pad" in self.ids:
            self.ids.pad.text = ""
        self.shown = ""
        self.complete = False
        self.elderly_offered = False

    def on_services(self, *_args: Any) -> None:
        grid = self.ids.get("grid")
        if grid is None:
            return
        grid.clear_widgets()
        for quota in self.services:
            grid.add_widget(ServiceTile(quota=quota, on_release=self._pick))

    def _pick(self, tile: ServiceTile) -> None:
        service = tile.quota.service
        if tile.quota.closed_reason is not None:  # the office's reason, as the server would refuse it
            website = self.app.config.site.booking_website
            name = service.name_in(self.app.language)
            closed = Refusal(Reason.SERVICE_CLOSED, service=name, why=tile.quota.closed_reason, website=website)
            self.app.show_error(closed, retry=(*TO_SERVICES, N_("Pilih layanan lain")))
            return
        if tile.quota.full:
            website = self.app.config.site.booking_website
            name = service.name_in(self.app.language)
            full = Refusal(Reason.QUOTA_FULL, service=name, website=website.split("://")[-1])
            self.app.show_error(full, retry=(*TO_SERVICES, N_("Pilih layanan lain")))
            return
        self.chosen = service
        self.step = "nik"
        self.typed(self.ids.pad.text)

    def typed(self, text: str) -> None:
        self.shown = group_digits(text)
        whole = len(text) == NIK_LENGTH
        self.problem = nik_problem(self.app, text) if whole else ""
        self.complete = whole and not self.problem
        offered = False
        if self.complete:
            offered = Priority.ELDERLY in self.app.kiosk.priorities_for(text)  # date arithmetic: fine here
        if offered and not self.elderly_offered and not self.priority:
            self.priority = Priority.ELDERLY.value
            self.note = self.app.tr(ELDERLY_SUGGESTED)
        elif not offered and self.priority == Priority.ELDERLY.value:
            self.priority = ""  # the NIK was corrected: the suggestion no longer holds
            self.note = ""
        elif not offered and self.note == self.app.tr(ELDERLY_SUGGESTED):
            self.note = ""
        self.elderly_offered = offered

    def toggle(self, priority: str) -> None:
        """Choose one line: regular ("") or a priority. Like a radio button, a tap on the one
        already chosen keeps it: a senior who taps the pre-selected "Lansia" means "yes"."""
        if priority == Priority.ELDERLY.value and not self.elderly_offered:
            self.note = self.app.tr(ELDERLY_NOT_YET if self.complete else ELDERLY_NEEDS_NIK)
            return
        if priority == self.priority:
            return
        self.priority = priority
        self.note = ""

    def next(self) -> None:
        if self.chosen is None:
            return
        text = self.ids.pad.text
        if not self.complete:
            self.problem = nik_problem(self.app, text)  # "NIK harus 16 angka, baru 12"
            return
        app, service = self.app, self.chosen
        priority = Priority(self.priority) if self.priority else None

        def checked(_none: None) -> None:
            app.go("confirm", service=service, nik=text, priority=priority)

        app.run_task(
            lambda: app.kiosk.precheck_walk_in(service.code, text, priority),
            checked,
            lambda error: app.show_error(error, retry=walk_in_retry(error, text)),
            app.tr(N_("Memeriksa NIK Anda ...")),
        )

    def back(self) -> None:
        if self.step == "nik":
            self.priority = ""
            self.note = ""
            self.problem = ""
            self.elderly_offered = False  # offered again, pre-selected, when the next service is picked
            self.step = "service"  # the digits stay: still right for another service
        else:
            self.app.go_start()
