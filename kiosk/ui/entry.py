"""Check-in entry: the NIK on a 16-digit keypad (shown 4-4-4-4) or the booking code on a letter pad.

What can be checked here is checked here, as it is typed: a NIK of the wrong length or with an
impossible birth date is explained on this screen, next to the digits, which stay for correcting.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, OptionProperty, StringProperty

from kiosk.core import nik as nik_rules
from kiosk.core.errors import BadInput
from kiosk.core.nik import NIK_LENGTH
from kiosk.i18n import N_
from kiosk.ui.widgets import KioskScreen, group_digits, load_kv

load_kv("keys")  # the keypad, steps and countdown rules, left out of the first frame
load_kv("entry")

CODE_MAX = 20
CODE_MIN = 4
CODE_SHOWN = 8  # booking codes are 8 characters (MGT7K3Q9, MGT-0042): as many places on show


def nik_problem(app: Any, digits: str) -> str:
    """What is wrong with a NIK being typed, in plain words; "" when it can be looked up.

    Offline and instant (``kiosk.core.nik``), so it is fine on the UI thread.
    """
    if len(digits) < NIK_LENGTH:
        return str(app.tr(N_("NIK harus 16 angka, baru {count}")).format(count=len(digits)))
    try:
        nik_rules.validate(digits)
    except BadInput as error:
        title, hint = app.explain(error)
        return f"{title}. {hint}"
    return ""


class EntryScreen(KioskScreen):
    mode = OptionProperty("nik", options=("nik", "code"))
    shown = StringProperty("")  # what the display shows: the NIK grouped, or the code
    complete = BooleanProperty(False)  # enough typed, and well formed, to search
    note = StringProperty("")  # what is wrong with what was typed; "" when nothing is

    def prepare(self, mode: str = "nik", keep: bool = False, **_kwargs: Any) -> None:
        """``keep``: back from a refusal, with what was typed still there to correct."""
        if keep and mode == self.mode:
            self._update()
            return
        self.mode = mode
        self.reset()

    def reset(self) -> None:
        if "pad" in self.ids:
            self.ids.pad.text = ""
        self.note = ""
        self._update()

    def on_mode(self, *_args: Any) -> None:
        if "pad" in self.ids:
            self.ids.pad.letters = self.mode == "code"
            self.ids.pad.max_length = NIK_LENGTH if self.mode == "nik" else CODE_MAX
            self.ids.pad.text = ""
        self.note = ""

    def switch_mode(self) -> None:
        self.mode = "code" if self.mode == "nik" else "nik"

    def typed(self, text: str) -> None:
        self._update()

    def _update(self) -> None:
        text = self.ids.pad.text if "pad" in self.ids else ""
        if self.mode == "nik":
            self.shown = group_digits(text)
            problem = nik_problem(self.app, text) if text else ""
            self.complete = not problem and len(text) == NIK_LENGTH
            # a mistake is said as soon as all 16 digits are there; while typing, nothing nags
            self.note = problem if len(text) == NIK_LENGTH else ""
        else:
            self.shown = text + "_" * max(0, CODE_SHOWN - len(text)) if text else ""
            self.complete = len(text) >= CODE_MIN
            self.note = ""

    def search(self) -> None:
        text = self.ids.pad.text
        if self.complete:
            self.note = ""
            self.app.look_up(text)
        elif self.mode == "nik":
            self.note = nik_problem(self.app, text)
        else:
            self.note = self.app.tr(N_("Kode booking paling sedikit {minimum} huruf atau angka, baru {count}")).format(
                minimum=CODE_MIN, count=len(text)
            )
