"""Scanner input: USB barcode/QR scanners type like a keyboard; this turns their keys into lines.

Kivy's SDL2 window reports every key down with a codepoint, also modifier and function keys
(Shift arrives as key 304 with ``chr(304)``, "İ"), and a letter typed with Shift arrives with
its unshifted codepoint and ``"shift"`` in the modifiers. Only keys that stand for a printable
character become text; Enter, keypad Enter, Tab and LF end a line (scanners add one of them,
or CR + LF, as the suffix). A line goes to ``on_line``; the caller decides what it means.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

log = logging.getLogger(__name__)

SCAN_GAP_S = 1.0  # keys further apart than this start a new scan
MAX_LINE = 200
LINE_END_KEYS = frozenset({9, 10, 13, 271})  # Tab, LF, Return, keypad Enter
ESCAPE_KEY = 27
BACKSPACE_KEY = 8
NUMPAD_DIGITS = {256 + digit: str(digit) for digit in range(10)}  # Kivy's numpad0 .. numpad9
NUMPAD_SIGNS = {266: ".", 267: "/", 268: "*", 269: "-", 270: "+"}
# Scanners emulate a US keyboard: Shift + these keys types the character below each.
_US_PLAIN = "1234567890-=[]\\;',./`"
_US_SHIFTED = '!@#$%^&*()_+{}|:"<>?~'
US_SHIFT = dict(zip(_US_PLAIN, _US_SHIFTED, strict=True))
CONTROL_MODIFIERS = frozenset({"ctrl", "alt", "meta", "super"})  # Ctrl+J (LF) and the like are no text


def key_char(key: int, codepoint: object, modifiers: Sequence[str]) -> str | None:
    """The printable character a key down stands for, or None (modifier, function, control key)."""
    if key in NUMPAD_DIGITS:
        return NUMPAD_DIGITS[key]
    if key in NUMPAD_SIGNS:
        return NUMPAD_SIGNS[key]
    if not 32 <= key < 127:
        return None  # Shift (304), Ctrl, arrows, F-keys, keys Kivy has no code for
    if CONTROL_MODIFIERS.intersection(modifiers):
        return None
    char = codepoint if isinstance(codepoint, str) and len(codepoint) == 1 else chr(key)
    if not char.isprintable() or not char.isascii():
        return None
    if "shift" in modifiers and char == chr(key):  # SDL2 gives the unshifted codepoint
        char = US_SHIFT.get(char, char.upper())
    return char


class ScannerInput:
    """Collects key downs into lines; a gap of ``SCAN_GAP_S`` between keys starts a new line.

    ``monotonic`` is real time on purpose: a scanner types a whole line within milliseconds,
    whatever the idle clock says.
    """

    def __init__(self, on_line: Callable[[str], None], monotonic: Callable[[], float]) -> None:
        self.on_line = on_line
        self.monotonic = monotonic
        self._buffer: list[str] = []
        self._last_key = -SCAN_GAP_S * 2

    def clear(self) -> None:
        self._buffer.clear()

    @property
    def pending(self) -> str:
        return "".join(self._buffer)

    @property
    def scanning(self) -> bool:
        """A line is coming in: characters arrived and the last one less than ``SCAN_GAP_S`` ago."""
        return bool(self._buffer) and self.monotonic() - self._last_key <= SCAN_GAP_S

    def key_down(self, key: int, codepoint: object, modifiers: Sequence[str]) -> bool:
        """One key down from the window. Returns True: the kiosk consumes every key."""
        now = self.monotonic()
        if now - self._last_key > SCAN_GAP_S:
            self._buffer.clear()  # a stray key pressed long ago is not part of this scan
        self._last_key = now
        if key == ESCAPE_KEY:
            return True  # never leaves the app; on_request_close decides for the window
        if key in LINE_END_KEYS:
            text = "".join(self._buffer).strip()
            self._buffer.clear()
            if text:
                self.on_line(text)
            return True
        if key == BACKSPACE_KEY:
            if self._buffer:
                self._buffer.pop()
            return True
        char = key_char(key, codepoint, modifiers)
        if char is not None and len(self._buffer) < MAX_LINE:
            self._buffer.append(char)
        return True
