"""Check-in entry: the NIK on a 16-digit keypad (shown 4-4-4-4) or the booking code on a letter pad."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, OptionProperty, StringProperty

from kiosk.core.nik import NIK_LENGTH
from kiosk.ui.widgets import KioskScreen, group_digits, load_kv

load_kv("entry")

CODE_MAX = 20


class EntryScreen(KioskScreen):
    mode = OptionProperty("nik", options=("nik", "code"))
    shown = StringProperty("")  # what the display shows: the NIK grouped, or the code
    complete = BooleanProperty(False)  # enough typed to search

    def prepare(self, mode: str = "nik", **_kwargs: Any) -> None:
        self.mode = mode
        self.reset()

    def reset(self) -> None:
        if "pad" in self.ids:
            self.ids.pad.text = ""
        self._update()

    def on_mode(self, *_args: Any) -> None:
        if "pad" in self.ids:
            self.ids.pad.letters = self.mode == "code"
            self.ids.pad.max_length = NIK_LENGTH if self.mode == "nik" else CODE_MAX
            self.ids.pad.text = ""

    def switch_mode(self) -> None:
        self.mode = "code" if self.mode == "nik" else "nik"

    def typed(self, text: str) -> None:
        self._update()

    def _update(self) -> None:
        text = self.ids.pad.text if "pad" in self.ids else ""
        if self.mode == "nik":
            self.shown = group_digits(text)
            self.complete = len(text) == NIK_LENGTH
        else:
            self.shown = text
            self.complete = len(text) >= 4

    def search(self) -> None:
        if self.complete:
            self.app.look_up(self.ids.pad.text)
