"""Walk-in: pick a service (slots left, full ones greyed "Penuh"), type the NIK, priority in one tap."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, ListProperty, ObjectProperty, OptionProperty, StringProperty

from kiosk.core.errors import BadInput
from kiosk.core.model import Priority, ServiceQuota
from kiosk.core.nik import NIK_LENGTH
from kiosk.i18n import N_
from kiosk.ui.widgets import BigButton, KioskScreen, group_digits, load_kv

load_kv("walkin")

# The toggle labels of walkin.kv, marked here so the catalogue has them.
PRIORITY_BUTTONS = (
    (Priority.ELDERLY, N_("Lansia")),
    (Priority.DISABLED, N_("Disabilitas")),
    (Priority.PREGNANT, N_("Ibu hamil")),
)


class ServiceTile(BigButton):
    """One service: its name and slots left; disabled and marked "Penuh" when none are left."""

    quota = ObjectProperty(None)


class PriorityToggle(BigButton):
    priority = StringProperty("")
    label = StringProperty("")
    selected = BooleanProperty(False)


class WalkInScreen(KioskScreen):
    step = OptionProperty("service", options=("service", "nik"))
    services = ListProperty([])  # ServiceQuota of walk-in services
    chosen = ObjectProperty(None, allownone=True)  # the Service picked
    priority = StringProperty("")  # a Priority value or ""
    shown = StringProperty("")
    complete = BooleanProperty(False)
    note = StringProperty("")  # the elderly suggestion

    def prepare(self, **_kwargs: Any) -> None:
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
        if "pad" in self.ids:
            self.ids.pad.text = ""
        self.shown = ""
        self.complete = False

    def on_services(self, *_args: Any) -> None:
        grid = self.ids.get("grid")
        if grid is None:
            return
        grid.clear_widgets()
        for quota in self.services:
            grid.add_widget(ServiceTile(quota=quota, disabled=quota.full, on_release=self._pick))

    def _pick(self, tile: ServiceTile) -> None:
        if tile.quota.full:
            return
        self.chosen = tile.quota.service
        self.step = "nik"

    def typed(self, text: str) -> None:
        self.shown = group_digits(text)
        self.complete = len(text) == NIK_LENGTH
        if not self.complete:
            if self.note:
                self.note = ""
                self.priority = ""
            return
        try:
            suggested = self.app.kiosk.suggests_priority(text)  # pure date arithmetic: fine on the UI thread
        except BadInput:
            suggested = None
        if suggested is not None and not self.priority:
            self.priority = suggested.value
            self.note = self.app.tr(N_("Menurut NIK, Anda berusia 60 tahun ke atas: antrean lansia dipilih."))

    def toggle(self, priority: str) -> None:
        self.priority = "" if self.priority == priority else priority
        self.note = ""

    def next(self) -> None:
        if not self.complete or self.chosen is None:
            return
        priority = Priority(self.priority) if self.priority else None
        self.app.go("confirm", service=self.chosen, nik=self.ids.pad.text, priority=priority)

    def back(self) -> None:
        if self.step == "nik":
            self.ids.pad.text = ""
            self.priority = ""
            self.note = ""
            self.step = "service"
        else:
            self.app.go_home()
