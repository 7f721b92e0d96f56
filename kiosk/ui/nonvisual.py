"""The whole kiosk with a USB numeric keypad and sound alone (EN 301 549 §5.1.3, ADA 707.5/707.6).

Keys as SDL delivers them through Kivy (``kivy/core/window/window_sdl2.py`` maps SDL's keypad
keycodes to Kivy's 256..271): ``KP_0``..``KP_9``, ``KP_Enter``, ``BackSpace``, ``KP_Multiply``,
``KP_Add``, ``KP_Subtract``, ``KP_Divide``, ``KP_Decimal``.

- The first key only turns on speech mode and says where the person is and what each number does
  (the person cannot know yet what a number would do, so it does nothing else).
- On every screen the choices are its visible buttons in the order shown (reading order of the
  widget tree, the same in portrait and landscape), numbered from 1. A digit chooses; on a screen
  with a NIK or code field a digit types instead, until the field is full (a full NIK: the digits
  choose again, e.g. a priority) or the person pressed ``/`` to hear the choices.
- ``Enter`` takes the screen's main forward action, ``BackSpace`` deletes a character or goes one
  step back when the field is empty, ``*`` repeats, ``+``/``-`` change the volume, ``/`` says every
  choice, ``.`` cancels and goes home (speech mode, language and volume kept for this person).
- A NIK digit is echoed as a tone, never spoken (the NIK is private); the whole NIK is read back
  as its length and its last two digits. A booking code is typed like an SMS on a phone keypad
  (2 once: A, twice: B, three times: C, four times: 2) and each character is spoken.
- The chosen item is outlined thickly (people with low vision).

Screens need nothing for this: the choices are their buttons. ``ENTER_IDS`` and ``BACK_IDS`` name
the main forward and the back button of each screen by KV id.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from typing import Any

from kivy.graphics import Color, InstructionGroup, Line
from kivy.metrics import dp

from kiosk.i18n import ASSETS, N_
from kiosk.speech.prompts import DIGIT_WORDS
from kiosk.ui import theme
from kiosk.ui.idle import tone_wav
from kiosk.ui.widgets import BigButton, Keypad

log = logging.getLogger(__name__)

KP_DIGITS = {256 + digit: digit for digit in range(10)}
KP_DECIMAL, KP_DIVIDE, KP_MULTIPLY, KP_SUBTRACT, KP_ADD, KP_ENTER = 266, 267, 268, 269, 270, 271
BACKSPACE = 8
KEYPAD_KEYS = frozenset({*KP_DIGITS, KP_DECIMAL, KP_DIVIDE, KP_MULTIPLY, KP_SUBTRACT, KP_ADD, KP_ENTER, BACKSPACE})

VOLUME_STEP = 0.15
VOLUME_MIN = 0.1
VOLUME_MAX = 1.0
MULTITAP_S = 1.5  # the same key again within this time changes the letter instead of adding one
# A phone's keypad letters, then the digit itself; 1 also types the dash of codes like MGT-0042.
PHONE_LETTERS = dict(enumerate(("0", "-1", "ABC2", "DEF3", "GHI4", "JKL5", "MNO6", "PQRS7", "TUV8", "WXYZ9")))
FOCUS_WIDTH_DP = 6

# The main forward action of each screen (the first of these ids shown and enabled), and its way back.
ENTER_IDS: dict[str, tuple[str, ...]] = {
    "entry": ("search",),
    "walkin": ("next",),
    "confirm": ("confirm",),
    "done": ("finish",),
    "error": ("retry", "reprint", "back"),
}
BACK_IDS = ("back",)
NOT_CHOICES = ("banner",)  # a message drawn as a button (the printer's problem): read, never chosen
QUIET_SCREENS = ("pin", "technician")  # the technician's: the keypad is an ordinary keyboard there

INTRO = N_(
    "Mode suara aktif. Tombol angka memilih. Enter untuk lanjut. Tombol hapus untuk menghapus atau kembali. "
    "Bintang untuk mengulang. Tambah dan kurang untuk mengatur suara. Garis miring untuk mendengar semua pilihan. "
    "Titik untuk batal dan kembali ke awal."
)
CHOICES_INTRO = N_("Pilihan:")
CHOICE = N_("{number}, {label}.")
NO_CHOICES = N_("Tidak ada pilihan di sini. Tekan Enter untuk lanjut, atau titik untuk kembali ke awal.")
NO_SUCH_CHOICE = N_("Tidak ada pilihan {number}.")
SELECTED = N_("dipilih")
NOT_SELECTED = N_("tidak dipilih")
FIELD_NIK = N_("Ketik NIK dengan tombol angka. Setiap angka berbunyi tit.")
ENTER_DOES = N_("Enter: {label}.")
FIELD_CODE = N_(
    "Ketik kode booking seperti SMS di telepon: tombol 2 sekali untuk A, dua kali untuk B, tiga kali untuk C, "
    "empat kali untuk angka 2."
)
FIELD_MENU = N_("Untuk pilihan lain, tekan garis miring.")
NIK_COMPLETE = N_("{count} angka, berakhiran {last}.")
NIK_COUNT = N_("{count} angka.")
DELETED = N_("Dihapus.")
ALL_DELETED = N_("Semua dihapus.")
DASH = N_("tanda hubung")
NO_ENTER = N_("Di sini belum ada yang bisa dilanjutkan. Pilih dengan tombol angka.")
AT_START = N_("Anda sudah di halaman awal.")
CANCELLED = N_("Dibatalkan.")
VOLUME = N_("Suara {percent} persen.")
WAIT = N_("Mohon tunggu.")
# the idle warning, for a keypad user
KEYPAD_IDLE_PROMPT = N_("Masih di sini? Tekan tombol apa saja untuk melanjutkan.")

KEY_TONE_S = 0.07
KEY_TONE_PATH = ASSETS / "sounds" / "key-tone.wav"
MARKUP = re.compile(r"\[/?[a-z]+(=[^\]]*)?\]")


def key_tone_wav() -> bytes:
    """The echo of a NIK digit: one short soft note (the digit itself is never spoken)."""
    return tone_wav(frequency=1320.0, seconds=KEY_TONE_S)


def visible_buttons(widget: Any) -> Iterator[Any]:
    """The buttons a person sees on ``widget``, in reading order; keypad keys are the field, not choices."""
    if widget.opacity == 0 or widget.disabled:
        return
    if isinstance(widget, Keypad):
        return
    if isinstance(widget, BigButton):
        if widget.text.strip():
            yield widget
        return
    for child in reversed(widget.children):  # Kivy keeps the first child added last
        yield from visible_buttons(child)


def spoken_label(button: Any) -> str:
    """A button's words as shown, one sentence a line, markup left out."""
    lines = [line.strip() for line in MARKUP.sub("", button.text).splitlines() if line.strip()]
    return ". ".join(lines)


class Focus:
    """A thick outline around the chosen widget, drawn on its own canvas (follows it as it moves)."""

    def __init__(self) -> None:
        self.widget: Any = None
        self._group: InstructionGroup | None = None
        self._line: Line | None = None

    def show(self, widget: Any) -> None:
        self.clear()
        if widget is None:
            return
        group = InstructionGroup()
        group.add(Color(*theme.rgba(theme.FOCUS)))
        line = Line(width=dp(FOCUS_WIDTH_DP))
        group.add(line)
        widget.canvas.after.add(group)
        self.widget, self._group, self._line = widget, group, line
        widget.bind(pos=self._follow, size=self._follow)
        self._follow()

    def _follow(self, *_args: Any) -> None:
        if self.widget is None or self._line is None:
            return
        inset = dp(FOCUS_WIDTH_DP) / 2
        x, y = self.widget.pos
        w, h = self.widget.size
        self._line.rounded_rectangle = (x - inset, y - inset, w + 2 * inset, h + 2 * inset, dp(14))

    def clear(self) -> None:
        if self.widget is not None and self._group is not None:
            self.widget.canvas.after.remove(self._group)
            self.widget.unbind(pos=self._follow, size=self._follow)
        self.widget = self._group = self._line = None


class KeypadControl:
    """Turns keypad keys into choices, typing and speech; one per app, reset for each person."""

    def __init__(self, app: Any, play_tone: Callable[[], None]) -> None:
        self.app = app
        self.play_tone = play_tone
        self.active = False  # speech mode: this person uses the keypad
        self.menu = False  # "/" was pressed on a field screen: the next digit chooses
        self.focus = Focus()
        self.preface = ""
        self._last_key = -1
        self._last_key_at = -MULTITAP_S * 2

    # -- the person ------------------------------------------------------------------------

    def reset(self) -> None:
        """The next person: no speech mode, no focus."""
        self.active = False
        self.menu = False
        self.preface = ""
        self._last_key = -1
        self.focus.clear()

    def screen_changed(self) -> None:
        self.menu = False
        self._last_key = -1
        self.focus.clear()
        field = self.field()
        if self.active and field is not None:
            self.focus.show(self._display())

    # -- what the screen offers ------------------------------------------------------------

    @property
    def screen(self) -> Any:
        return self.app.screen

    def choices(self) -> list[Any]:
        return [b for b in visible_buttons(self.screen) if getattr(b, "uid", None) not in self._skipped()]

    def _skipped(self) -> set[int]:
        ids = self.screen.ids
        return {ids[name].uid for name in NOT_CHOICES if name in ids}

    def _by_id(self, names: tuple[str, ...]) -> Any:
        shown = {b.uid for b in self.choices()}
        for name in names:
            widget = self.screen.ids.get(name)
            if widget is not None and widget.uid in shown:
                return widget
        return None

    def field(self) -> Any:
        """The keypad of the NIK or code field on show, or None."""
        pad = self.screen.ids.get("pad")
        if pad is None:
            return None
        node = pad
        while node is not None and node is not self.screen:
            if node.opacity == 0 or node.disabled:
                return None
            node = node.parent
        return pad

    def _display(self) -> Any:
        return self.screen.ids.get("display")

    def describe(self) -> str:
        """The numbered choices of this screen (and how to type on a field screen), as spoken."""
        tr = self.app.tr
        parts = []
        field = self.field()
        typing = field is not None and not self._field_full(field)
        if typing:
            parts.append(tr(FIELD_CODE if field.letters else FIELD_NIK))
        choices = self.choices()
        if choices:
            if typing:
                parts.append(tr(FIELD_MENU))
            parts.append(tr(CHOICES_INTRO))
            parts.extend(tr(CHOICE).format(number=n, label=self._label(b)) for n, b in enumerate(choices, 1))
        elif field is None:
            parts.append(tr(NO_CHOICES))
        forward = self._by_id(ENTER_IDS.get(self.app.manager.current, ()))
        if forward is not None:
            parts.append(tr(ENTER_DOES).format(label=spoken_label(forward)))
        return " ".join(parts)

    def _label(self, button: Any) -> str:
        label = spoken_label(button)
        selected = getattr(button, "selected", None)
        code = getattr(button, "code", None)
        if selected or (selected is None and code is not None and code == self.app.language):
            label = f"{label}, {self.app.tr(SELECTED)}"
        return label

    @staticmethod
    def _field_full(pad: Any) -> bool:
        return bool(len(pad.text) >= pad.max_length)

    # -- keys ------------------------------------------------------------------------------

    def wants(self, key: int) -> bool:
        return key in KEYPAD_KEYS and self.app.manager.current not in QUIET_SCREENS

    def key_down(self, key: int) -> bool:
        """One keypad key; True: taken. Never raises into Kivy's loop (the kiosk's crash guard sees it)."""
        app = self.app
        if not self.active:
            self.active = True
            app.listening = True
            field = self.field()
            if field is not None:
                self.focus.show(self._display())
            self.say_screen(intro=True)
            return True
        speaker = app.speaker
        if key == KP_MULTIPLY:
            self.repeat()
            return True
        if key in (KP_ADD, KP_SUBTRACT):
            self.change_volume(+1 if key == KP_ADD else -1)
            return True
        if app.busy:
            self.say(app.busy_text or app.tr(WAIT))
            return True
        if speaker is not None:
            speaker.hush()  # a key interrupts what is being said
        if key in KP_DIGITS:
            self.digit(KP_DIGITS[key])
        elif key == KP_ENTER:
            self.enter()
        elif key == BACKSPACE:
            self.backspace()
        elif key == KP_DIVIDE:
            self.menu = self.field() is not None
            self.say(self.describe())
        elif key == KP_DECIMAL:
            self.cancel()
        return True

    def digit(self, number: int) -> None:
        field = self.field()
        if field is not None and not self.menu and not self._field_full(field):
            if field.letters:
                self._multitap(field, number)
            else:
                self._last_key = -1
                field.press(str(number))
            self.focus.show(self._display())
            return
        self.menu = False
        choices = self.choices()
        if not 1 <= number <= len(choices):
            self.say(f"{self.app.tr(NO_SUCH_CHOICE).format(number=number)} {self.describe()}")
            return
        self.choose(choices[number - 1])

    def choose(self, button: Any) -> None:
        screen = self.screen
        self.focus.show(button)
        button.trigger_action(duration=0)
        if self.screen is not screen or not hasattr(button, "selected"):
            return  # a new screen or step speaks for itself
        state = self.app.tr(SELECTED if button.selected else NOT_SELECTED)
        note = getattr(screen, "problem", "") or getattr(screen, "note", "")
        self.say(f"{spoken_label(button)}: {state}. {note}")

    def enter(self) -> None:
        button = self._by_id(ENTER_IDS.get(self.app.manager.current, ()))
        if button is None:
            self.say(f"{self.app.tr(NO_ENTER)} {self.describe()}")
            return
        self.focus.show(button)
        button.trigger_action(duration=0)

    def backspace(self) -> None:
        field = self.field()
        if field is not None and field.text and not self.menu:
            self._last_key = -1
            field.press("DEL")
            return
        self.menu = False
        button = self._by_id(BACK_IDS)
        if button is None:
            if self.app.manager.current == "home":
                self.say(f"{self.app.tr(AT_START)} {self.describe()}")
            else:
                self.say(self.describe())
            return
        button.trigger_action(duration=0)

    def cancel(self) -> None:
        """Home, for this same person: what was typed is wiped, speech mode and language stay."""
        if self.app.manager.current == "home":
            self.say_screen(before=self.app.tr(CANCELLED))
            return
        self.preface = self.app.tr(CANCELLED)  # said before the home screen's prompt
        self.app.go_start()

    def take_preface(self) -> str:
        """What to say before the next screen's prompt (once)."""
        preface, self.preface = self.preface, ""
        return preface

    def repeat(self) -> None:
        speaker = self.app.speaker
        if speaker is not None and speaker.last_said is not None:
            language, text = speaker.last_said
            speaker.say(text, language)
        else:
            self.say_screen()

    def change_volume(self, direction: int) -> None:
        speaker = self.app.speaker
        if speaker is None:
            return
        speaker.set_volume(min(VOLUME_MAX, max(VOLUME_MIN, speaker.volume + direction * VOLUME_STEP)))
        self.say(self.app.tr(VOLUME).format(percent=round(speaker.volume * 100)), remember=False)

    # -- typing and its echo ---------------------------------------------------------------

    def _multitap(self, pad: Any, number: int) -> None:
        letters = PHONE_LETTERS[number]
        now = float(self.app.monotonic())
        again = number == self._last_key and now - self._last_key_at < MULTITAP_S and pad.text
        self._last_key, self._last_key_at = number, now
        if again:
            current = pad.text[-1]
            index = letters.find(current)
            pad.text = pad.text[:-1] + letters[(index + 1) % len(letters)]
            self.echo(pad, pad.text[-1])
        else:
            pad.press(letters[0])

    def echo(self, pad: Any, value: str) -> None:
        """What a key typed, said back (also for taps on the screen's keys while listening)."""
        app = self.app
        if not (self.active or app.listening) or app.manager.current in QUIET_SCREENS:
            return  # the technician's PIN is never echoed, not even as a count
        tr = app.tr
        if value == "CLR":
            self.say(tr(ALL_DELETED))
            return
        if pad.letters:
            if value == "DEL":
                self.say(f"{tr(DELETED)} {self._spell(pad.text)}")
            else:
                self.say(self._spell(value))
            return
        self.play_tone()  # a NIK digit: a tone, never the digit
        count = len(pad.text)
        if value == "DEL":
            self.say(f"{tr(DELETED)} {tr(NIK_COUNT).format(count=count)}")
        elif count >= pad.max_length:
            screen = self.screen
            last = ", ".join(tr(DIGIT_WORDS[int(c)]) for c in pad.text[-2:])
            note = getattr(screen, "problem", "") or getattr(screen, "note", "")
            parts = [tr(NIK_COMPLETE).format(count=count, last=last), note]
            if not getattr(screen, "problem", "") and self.active:
                parts.append(self.describe())
            self.say(" ".join(p for p in parts if p))

    def _spell(self, text: str) -> str:
        tr = self.app.tr
        words = []
        for char in text:
            if char.isdigit():
                words.append(tr(DIGIT_WORDS[int(char)]))
            elif char == "-":
                words.append(tr(DASH))
            else:
                words.append(char)
        return ", ".join(words)

    # -- speech ----------------------------------------------------------------------------

    def say(self, text: str, remember: bool = True) -> None:
        speaker = self.app.speaker
        if speaker is not None and text.strip():
            speaker.say(text, self.app.language, remember=remember)

    def say_screen(self, intro: bool = False, before: str = "") -> None:
        from kiosk.ui.voice import prompt_of

        parts = [before, prompt_of(self.screen, self.app.tr)]
        if intro:
            parts.append(self.app.tr(INTRO))
        parts.append(self.describe())
        self.say(" ".join(p for p in parts if p))
