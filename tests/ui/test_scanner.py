"""A USB scanner on the real window: the key events SDL2 gives, capitals, suffixes, keys that are no text."""

from __future__ import annotations

import pytest
from conftest import sdl_key_events

pytestmark = pytest.mark.ui

CODE = "MGT7K3Q9"  # Siti Aminah's booking, today


def booking_shown(ui) -> bool:
    return ui.current == "confirm" and ui.sees("Siti A*****")


@pytest.mark.parametrize("capitals", ["sdl", "codepoint"])
def test_a_scanned_code_in_capitals_finds_the_booking(ui, capitals):
    events = sdl_key_events(CODE, capitals=capitals)
    assert ("down", 304, 225, chr(304), ["shift"]) in events  # Shift itself comes with a codepoint
    ui.send_keys(events)
    ui.wait_until(lambda: booking_shown(ui), what="the booking")


@pytest.mark.parametrize("suffix", ["numpad_enter", "tab", "crlf"])
def test_a_scanner_ending_its_line_with_keypad_enter_tab_or_cr_lf_finds_the_booking(ui, suffix):
    ui.type_keys(CODE, suffix=suffix)
    ui.wait_until(lambda: booking_shown(ui), what="the booking")
    ui.settle()
    assert ui.screen._query == CODE  # no stray "j" of the LF, no second lookup


def test_a_qr_link_with_the_code_in_its_query_is_found(ui):
    ui.type_keys(f"https://antrian.example/b?code={CODE}&src=qr")  # "?", "&" come with Shift too
    ui.wait_until(lambda: booking_shown(ui), what="the booking")


def test_the_code_in_small_letters_is_the_same_booking(ui):
    ui.type_keys(CODE.lower())
    ui.wait_until(lambda: booking_shown(ui), what="the booking")


def test_modifier_and_function_keys_add_nothing_to_a_scan(ui):
    noise = [
        ("down", 306, 224, chr(306), ["ctrl"]),  # Ctrl
        ("up", 306, 224),
        ("down", 286, 62, chr(286), []),  # F5
        ("up", 286, 62),
        ("down", 273, 82, chr(273), []),  # arrow up
        ("up", 273, 82),
        ("down", 301, 57, chr(301), ["capslock"]),  # Caps Lock
        ("up", 301, 57),
    ]
    ui.send_keys(noise + sdl_key_events(CODE))
    ui.wait_until(lambda: booking_shown(ui), what="the booking")


def test_a_scan_on_the_code_keypad_screen_finds_the_booking(ui):
    ui.tap("booked")
    ui.tap("switch")
    ui.type_keys(CODE, suffix="numpad_enter")
    ui.wait_until(lambda: booking_shown(ui), what="the booking")
