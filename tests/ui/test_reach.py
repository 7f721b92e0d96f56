"""Controls within reach (EN 301 549 §8.3): everything a citizen touches lies 380-1,220 mm above the floor.

Each citizen screen is laid out in the real window; every touchable control's rectangle is
converted from window pixels to millimetres above the floor for the default mounting
(``[ui.mounting]``: a 43-inch portrait panel on a floor kiosk, its top at 1,702 mm). Run with
``-s`` to see the table of heights (it is the one in the README).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from conftest import NIK_YOUNG, confirm_until_done, entry_steps, walk_in_steps

from kiosk.core.config import REACH_HIGH_MM, REACH_LOW_MM, MountingConfig
from kiosk.ui import theme

pytestmark = pytest.mark.ui


def every_citizen_screen(ui) -> Iterator[str]:
    """Yield at each screen and step a citizen can reach, with its buttons on show."""
    yield from entry_steps(ui, ("home", "entry (NIK)", "entry (booking code)"))
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    yield "confirm (booking)"
    confirm_until_done(ui)
    yield "done"
    ui.tap("finish")
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "error")
    yield "error (already checked in: reprint)"
    ui.tap("back")
    yield from walk_in_steps(ui, ("walk-in (services)", "walk-in (NIK, priority)", "confirm (walk-in)"))
    ui.kiosk.issue_walk_in("KK", NIK_YOUNG)  # another kiosk was quicker: the refusal and its way back
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "error")
    yield "error (refused: choose another service)"


def touchable(ui) -> Iterator[tuple[str, object]]:
    """(name, widget) of every control a citizen can touch on the current screen.

    The technician's long press on the logo is not a citizen control and is left out. A
    "Dengarkan" button placed on the root layout (beside the screens) is included.
    """
    from kivy.uix.behaviors import ButtonBehavior

    from kiosk.ui.widgets import KeyButton, LongPressImage

    def named(widget) -> str:
        text = re.sub(r"\[/?[a-z]+(=[^\]]*)?\]", "", getattr(widget, "text", "") or "").split("\n")[0]
        if isinstance(widget, KeyButton):
            return "keypad keys"
        return text or type(widget).__name__

    for widget in ui.visible_widgets():
        if isinstance(widget, ButtonBehavior) and not isinstance(widget, LongPressImage):
            if widget.height > 0 and widget.width > 0 and not widget.disabled:
                yield named(widget), widget
    root = ui.app.root_widget
    for child in root.children:
        if child is root.manager or child is root.ids.get("veil"):
            continue
        for widget in child.walk():
            if isinstance(widget, ButtonBehavior) and widget.opacity > 0 and widget.height > 0:
                yield f"{named(widget)} (root)", widget


def heights_mm(widget, window_height: float, mounting: MountingConfig) -> tuple[float, float]:
    x, y = widget.to_window(widget.x, widget.y)
    return mounting.above_floor_mm(y, window_height), mounting.above_floor_mm(y + widget.height, window_height)


def test_every_control_of_every_citizen_screen_is_380_to_1220_mm_above_the_floor(ui):
    mounting = ui.config.ui.mounting
    assert mounting == MountingConfig()  # the default: a 43-inch portrait floor kiosk
    height = ui.window.height
    rows: list[tuple[str, str, float, float]] = []
    out_of_reach = []
    seen = set()
    for where in every_citizen_screen(ui):
        ui.pump(2)
        seen.add(ui.current)
        merged: dict[str, tuple[float, float]] = {}
        for name, widget in touchable(ui):
            low, high = heights_mm(widget, height, mounting)
            if low < REACH_LOW_MM - 0.5 or high > REACH_HIGH_MM + 0.5:
                out_of_reach.append(f"{where}: {name!r} {low:.0f}-{high:.0f} mm")
            was = merged.get(name)
            merged[name] = (min(low, was[0]), max(high, was[1])) if was else (low, high)
        assert merged, f"{where}: no control found"
        slot = ui.screen.ids.get("listen_slot")  # the place kept for "Dengarkan" (see the next test)
        if slot is not None:
            low, high = heights_mm(slot, height, mounting)
            if low < REACH_LOW_MM - 0.5 or high > REACH_HIGH_MM + 0.5:
                out_of_reach.append(f"{where}: the listen button's place {low:.0f}-{high:.0f} mm")
            merged.setdefault("(Dengarkan: kept free)", (low, high))
        rows += [(where, name, low, high) for name, (low, high) in merged.items()]
    print_table(rows)
    assert not out_of_reach, "\n".join(dict.fromkeys(out_of_reach))
    assert seen == {"home", "entry", "confirm", "done", "error", "walkin"}


def print_table(rows: list[tuple[str, str, float, float]]) -> None:
    print(f"\nHeight above the floor, default mounting (band {REACH_LOW_MM}-{REACH_HIGH_MM} mm)")
    print("| Screen | Control | Bottom (mm) | Top (mm) |")
    print("|---|---|---:|---:|")
    for where, name, low, high in rows:
        print(f"| {where} | {name} | {low:.0f} | {high:.0f} |")


def test_every_citizen_screen_keeps_the_same_bottom_right_place_free_for_the_listen_button(ui):
    from kivy.uix.behaviors import ButtonBehavior

    expected = theme.listen_slot(tuple(ui.window.size), ui.config.ui.mounting)
    for where in every_citizen_screen(ui):
        ui.pump(2)
        slot = ui.find("listen_slot")
        x, y = slot.to_window(slot.x, slot.y)
        assert (round(x), round(y), round(slot.width)) == tuple(round(v) for v in expected[:3]), where
        assert slot.height >= expected[3] - 0.5, where
        sx, sy, sw, sh = expected
        for widget in ui.visible_widgets():
            if isinstance(widget, ButtonBehavior) and widget.height > 0 and not widget.disabled:
                wx, wy = widget.to_window(widget.x, widget.y)
                overlaps = wx < sx + sw and sx < wx + widget.width and wy < sy + sh and sy < wy + widget.height
                assert not overlaps, f"{where}: {getattr(widget, 'text', widget)!r} covers the listen button's place"


@pytest.mark.ui_options(config={"bottom_edge_mm = 750": "bottom_edge_mm = 200"})
def test_a_panel_mounted_low_keeps_its_buttons_above_380_mm(ui):
    ui.pump(2)
    mounting = ui.config.ui.mounting
    for name, widget in touchable(ui):
        low, high = heights_mm(widget, ui.window.height, mounting)
        assert low >= REACH_LOW_MM - 0.5, f"{name!r} at {low:.0f} mm"
