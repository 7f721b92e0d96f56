"""The one place for colours and sizes. Kivy-free, so tests can check contrast without a window.

Touch targets: a 21.5-inch 1080x1920 panel has a diagonal of sqrt(1080^2 + 1920^2) = 2203 px,
so 2203 / 21.5 = 102.5 px per inch = 4.03 px per mm. 20 mm is therefore 81 px. Kivy on a
desktop panel runs at density 1 (1 dp = 1 px), so ``TOUCH_DP = 100`` is 24.8 mm: above the
20 mm floor with room for a shaky finger.
"""

from __future__ import annotations

from typing import Any

PANEL_DIAGONAL_INCH = 21.5
PANEL_PX = (1080, 1920)
PANEL_PX_PER_MM = (PANEL_PX[0] ** 2 + PANEL_PX[1] ** 2) ** 0.5 / PANEL_DIAGONAL_INCH / 25.4
MIN_TOUCH_MM = 20.0

# sizes (dp for boxes, sp for text)
TOUCH_DP = 100  # smallest touch target: 24.8 mm on the reference panel
BIG_TOUCH_DP = 220  # the two choices on the home screen
KEY_DP = 120  # keypad keys
GAP_DP = 16
PAD_DP = 24
TEXT_SP = 28  # body text (floor: 24 sp)
SMALL_SP = 24  # the smallest text anywhere
TITLE_SP = 44
BUTTON_SP = 34
KEY_SP = 48
ENTRY_SP = 52  # the NIK / code being typed
NUMBER_SP = 150  # the queue number on the done screen (floor: 96 sp)
CLOCK_SP = 30

# Reach (EN 301 549 §8.3): every citizen screen keeps what a person touches in the rows of the
# window that lie 380-1,220 mm above the floor for the configured ``[ui.mounting]``; titles,
# instructions and status go above. The bottom-right corner of every citizen screen, one touch
# target high and LISTEN_SLOT_W_DP wide, is kept free for the "Dengarkan" button that is placed
# once on the root layout (``listen_slot`` gives its rectangle).
LISTEN_SLOT_W_DP = 300


def reach_rows_px(window_height: float, mounting: Any) -> tuple[float, float]:
    """The window rows within reach, (lowest, highest), in px up from the window's bottom."""
    from kiosk.core.config import REACH_HIGH_MM, REACH_LOW_MM

    low = max(0.0, mounting.window_y_px(REACH_LOW_MM, window_height))
    high = min(float(window_height), mounting.window_y_px(REACH_HIGH_MM, window_height))
    return low, high


def bottom_pad_px(window_height: float, mounting: Any, pad_px: float) -> float:
    """A screen's bottom padding: its usual margin, or more when the panel starts below 380 mm."""
    return max(pad_px, reach_rows_px(window_height, mounting)[0])


def listen_slot(window_size: tuple[float, float], mounting: Any, density: float = 1.0) -> tuple[float, ...]:
    """(x, y, width, height) in window px of the place kept free for the listen button."""
    width, height = window_size
    pad = PAD_DP * density
    slot_w, slot_h = LISTEN_SLOT_W_DP * density, TOUCH_DP * density
    return (width - pad - slot_w, bottom_pad_px(height, mounting, pad), slot_w, slot_h)


Rgb = tuple[float, float, float]


def hex_rgb(value: str) -> Rgb:
    value = value.lstrip("#")
    return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)


# colours; every (text, background) pair in PAIRS is checked for contrast >= 7:1 by a test
BG = hex_rgb("#FFFFFF")
TEXT = hex_rgb("#111111")
MUTED = hex_rgb("#3A3A3A")  # secondary text, still >= 7:1 on white
PRIMARY = hex_rgb("#0B3A82")  # main action
ON_PRIMARY = hex_rgb("#FFFFFF")
SECONDARY = hex_rgb("#14532D")  # the other main action
ON_SECONDARY = hex_rgb("#FFFFFF")
KEY = hex_rgb("#E6ECF5")  # keypad key face
ON_KEY = hex_rgb("#0A1F44")
DISABLED = hex_rgb("#D4D4D4")  # a full service: grey, but its text must still be readable
ON_DISABLED = hex_rgb("#1F1F1F")
DANGER = hex_rgb("#8A1111")  # refusal / fault title bar, printer banner
ON_DANGER = hex_rgb("#FFFFFF")
SELECTED = hex_rgb("#7A3E00")  # the priority toggle when on
ON_SELECTED = hex_rgb("#FFFFFF")
NOTICE = hex_rgb("#FFE58A")  # the office's notice band on home (as on the hall display)
PANEL = hex_rgb("#F1F4F8")  # cards on the home screen
HEADER = hex_rgb("#0B3A82")
# The keypad's chosen item (kiosk.ui.nonvisual): a thick outline that differs from every face colour.
FOCUS = hex_rgb("#E8A400")
ON_HEADER = hex_rgb("#FFFFFF")

PAIRS: dict[str, tuple[Rgb, Rgb]] = {
    "text": (TEXT, BG),
    "muted": (MUTED, BG),
    "text on panel": (TEXT, PANEL),
    "office notice": (TEXT, NOTICE),
    "muted on panel": (MUTED, PANEL),
    "primary button": (ON_PRIMARY, PRIMARY),
    "secondary button": (ON_SECONDARY, SECONDARY),
    "key": (ON_KEY, KEY),
    "full service": (ON_DISABLED, DISABLED),
    "danger": (ON_DANGER, DANGER),
    "selected": (ON_SELECTED, SELECTED),
    "header": (ON_HEADER, HEADER),
}


def rgba(colour: Rgb, alpha: float = 1.0) -> tuple[float, float, float, float]:
    return (*colour, alpha)


def relative_luminance(colour: Rgb) -> float:
    """WCAG 2 relative luminance."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: Rgb, b: Rgb) -> float:
    """WCAG 2 contrast ratio, 1..21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


# The busy spinner's steps per second: enough to show the kiosk is alive, few enough that
# software-rendered GL keeps up (see BusyVeil).
SPINNER_STEPS_PER_S = 5
