"""Widgets every screen uses: big buttons, the keypad, the busy veil, the idle warning."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from kivy.app import App
from kivy.clock import Clock
from kivy.lang import Builder
from kivy.metrics import sp
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.gridlayout import GridLayout
from kivy.uix.image import Image
from kivy.uix.label import Label
from kivy.uix.screenmanager import Screen

from kiosk.i18n import N_
from kiosk.ui import theme

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

KV_DIR = Path(__file__).resolve().parent / "kv"
_loaded: set[str] = set()


def load_kv(name: str = "widgets") -> None:
    """Load ``kv/<name>.kv`` once per process (loading twice would double every rule)."""
    if name in _loaded:
        return
    _loaded.add(name)
    Builder.load_file(str(KV_DIR / f"{name}.kv"))


class KioskScreen(Screen):
    """A screen of the kiosk. ``idle_timeout_s``: 0 = the configured timeout, None = never."""

    idle_timeout_s: float | None = 0

    @property
    def app(self) -> KioskApp:
        return cast("KioskApp", App.get_running_app())

    def prepare(self, **kwargs: Any) -> None:
        """Called by ``app.go`` with its keyword arguments before the screen shows."""

    def reset(self) -> None:
        """Wipe whatever the person typed: called on the way home."""


class BigButton(ButtonBehavior, Label):
    """A plain, flat, very large button: colour from the theme, no hover, no ripple."""

    background = ListProperty([0, 0, 0, 1])
    foreground = ListProperty([1, 1, 1, 1])

    def on_kv_post(self, _base: Any) -> None:
        # the generic <Label> rule sets dark text; a button's text colour follows its foreground
        self.color = self.foreground
        self.disabled_color = self.foreground

    def on_foreground(self, _button: Any, value: list[float]) -> None:
        self.color = value
        self.disabled_color = value


class KeyButton(BigButton):
    """One key of a keypad; ``value`` is what it types, ``label`` a word to show instead."""

    value = StringProperty("")
    label = StringProperty("")


DELETE_LABEL = N_("Hapus")
CLEAR_LABEL = N_("Hapus semua")  # two plain words: wraps cleanly on a narrow key
DIGIT_ROWS = ("123", "456", "789")
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-"  # booking codes may carry a dash (MGT-0001)


class Keypad(GridLayout):
    """Digits (or digits and letters) with delete and clear; edits its ``text``."""

    text = StringProperty("")
    max_length = NumericProperty(16)
    letters = BooleanProperty(False)

    def on_kv_post(self, _base: Any) -> None:
        self.build_keys()

    def on_letters(self, *_args: Any) -> None:
        self.build_keys()

    def build_keys(self) -> None:
        self.clear_widgets()
        keys = LETTERS if self.letters else "".join(DIGIT_ROWS)
        for char in keys:
            self.add_widget(KeyButton(value=char, text=char))
        if self.letters:
            # Word keys are one letter-key wide here: body-size type fits them.
            self.add_widget(KeyButton(value="DEL", label=DELETE_LABEL, font_size=sp(theme.TEXT_SP)))
            self.add_widget(KeyButton(value="CLR", label=CLEAR_LABEL, font_size=sp(theme.TEXT_SP)))
        else:
            self.add_widget(KeyButton(value="CLR", label=CLEAR_LABEL, font_size=sp(theme.BUTTON_SP)))
            self.add_widget(KeyButton(value="0", text="0"))
            self.add_widget(KeyButton(value="DEL", label=DELETE_LABEL, font_size=sp(theme.BUTTON_SP)))

    def press(self, value: str) -> None:
        if value == "DEL":
            self.text = self.text[:-1]
        elif value == "CLR":
            self.text = ""
        elif len(self.text) < self.max_length:
            self.text += value
        else:
            return
        echo = getattr(App.get_running_app(), "echo_key", None)
        if echo is not None:
            echo(self, value)  # a listener hears what was typed (kiosk.ui.nonvisual)


class Step(BoxLayout):
    """One step of a screen, shown or folded away; a folded step takes no touches.

    A folded step still has children laid out beyond its zero height; without this guard
    those invisible (and disabled) keys would swallow taps meant for the step on show.
    """

    shown = BooleanProperty(True)

    def on_touch_down(self, touch: Any) -> bool:
        return bool(self.shown and super().on_touch_down(touch))

    def on_touch_move(self, touch: Any) -> bool:
        return bool(self.shown and super().on_touch_move(touch))

    def on_touch_up(self, touch: Any) -> bool:
        return bool(self.shown and super().on_touch_up(touch))


class BusyVeil(FloatLayout):
    """Covers the screen while a task runs, so a second tap lands nowhere."""

    angle = NumericProperty(0)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._spinner: Any = None
        self.fbind("opacity", self._shown)  # not on_opacity: Widget's own handler fades the canvas

    def _shown(self, _veil: Any, opacity: float) -> None:
        # Spin only while shown: a hidden veil costs no frames. Each step redraws the whole
        # window; on a kiosk PC without a GPU (software GL) 20 steps a second queued more frames
        # than it could draw and the screen froze for seconds after the answer (bench/ui.py).
        if opacity and self._spinner is None:
            self._spinner = Clock.schedule_interval(self._spin, 1 / theme.SPINNER_STEPS_PER_S)
        elif not opacity and self._spinner is not None:
            self._spinner.cancel()
            self._spinner = None

    def _spin(self, dt: float) -> None:
        self.angle = (self.angle - 360 * dt) % 360

    def on_touch_down(self, touch: Any) -> bool:
        app = App.get_running_app()
        return bool(app is not None and app.busy)

    def on_touch_move(self, touch: Any) -> bool:
        return self.on_touch_down(touch)

    def on_touch_up(self, touch: Any) -> bool:
        return self.on_touch_down(touch)


class IdleOverlay(FloatLayout):
    """ "Masih di sini?" over every screen for the idle warning's last seconds.

    The window's touch handler (``KioskApp._on_any_touch``) ends the warning and keeps that
    touch from the screen below; hidden, the overlay takes no touches.
    """


class LongPressImage(ButtonBehavior, Image):
    """An image that fires ``on_long_press`` once it has been held ``hold_s`` seconds.

    The hold is measured on the app's ``monotonic`` clock (the idle timer's), checked every
    frame while pressed: no timer armed from Kivy's last frame time, which on a busy machine
    could lie a second or more in the past and fire a short press.
    """

    hold_s = NumericProperty(2.0)
    __events__ = ("on_long_press",)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._hold: Any = None
        self._pressed_at = 0.0

    def _now(self) -> float:
        monotonic = getattr(App.get_running_app(), "monotonic", None)
        return float(monotonic()) if callable(monotonic) else time.monotonic()

    def on_press(self) -> None:
        self._pressed_at = self._now()
        if self._hold is None:
            self._hold = Clock.schedule_interval(self._check_hold, 0)

    def _check_hold(self, _dt: float) -> bool:
        if self._now() - self._pressed_at < self.hold_s:
            return True
        self._hold = None
        self.dispatch("on_long_press")
        return False

    def on_release(self) -> None:
        if self._hold is not None:
            self._hold.cancel()
            self._hold = None

    def on_long_press(self) -> None:
        pass


def group_digits(digits: str, size: int = 4) -> str:
    """``3520011708450001`` → ``3520 0117 0845 0001``: easier to compare with the card."""
    return " ".join(digits[i : i + size] for i in range(0, len(digits), size))
