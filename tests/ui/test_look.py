"""The look: contrast from the theme, text and touch sizes measured on the laid-out screens."""

from __future__ import annotations

import pytest
from conftest import confirm_until_done, entry_steps, walk_in_steps

from kiosk.ui import theme

pytestmark = pytest.mark.ui

CITIZEN_SCREENS = ("home", "entry", "walkin", "confirm", "done", "error")


@pytest.mark.parametrize("pair", sorted(theme.PAIRS))
def test_every_text_colour_has_a_contrast_of_at_least_7_to_1(pair):
    text, background = theme.PAIRS[pair]
    assert theme.contrast(text, background) >= 7.0


def test_the_smallest_touch_target_is_at_least_20_mm_on_the_reference_panel():
    assert theme.TOUCH_DP * theme.PANEL_PX_PER_MM**-1 >= theme.MIN_TOUCH_MM  # 1 dp = 1 px at density 1


def test_contrast_is_computed_the_wcag_way():
    assert theme.contrast((0, 0, 0), (1, 1, 1)) == pytest.approx(21.0)
    assert theme.contrast((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)) == pytest.approx(1.0)


def walk_through_every_citizen_screen(ui):
    """Yield after each screen (and step) a citizen can reach, laid out on the window."""
    yield from entry_steps(ui)
    yield from walk_in_steps(ui, ("walk-in (services)", "walk-in (NIK)", "confirm"))
    confirm_until_done(ui)
    yield "done"
    ui.tap("finish")
    ui.type_keys("MGT5D3W1")
    ui.wait_until(lambda: ui.current == "error")
    yield "error"


def test_text_is_at_least_24_sp_and_buttons_at_least_20_mm_on_every_citizen_screen(ui):
    from kivy.metrics import dp, sp
    from kivy.uix.behaviors import ButtonBehavior
    from kivy.uix.label import Label

    seen = set()
    for where in walk_through_every_citizen_screen(ui):
        ui.pump(2)
        seen.add(ui.current)
        for widget in ui.visible_widgets():
            if isinstance(widget, Label) and widget.text.strip():
                assert widget.font_size >= sp(24) - 0.01, f"{where}: {widget.text!r} at {widget.font_size}"
            if isinstance(widget, ButtonBehavior) and isinstance(widget, Label) and widget.height > 0:
                assert min(widget.size) >= dp(theme.TOUCH_DP) - 0.01, f"{where}: {widget.text!r} is {widget.size}"
    assert seen == set(CITIZEN_SCREENS)


def test_the_queue_number_is_at_least_96_sp(ui):
    from kivy.metrics import sp

    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    confirm_until_done(ui)
    assert ui.find("number").font_size >= sp(96)


@pytest.fixture
def landscape(ui):
    ui.window.size = (1920, 1080)
    ui.pump(3)
    yield ui
    ui.window.size = (1080, 1920)
    ui.pump(2)


def test_in_landscape_every_text_and_button_of_every_citizen_screen_is_on_screen(landscape):
    from kivy.metrics import dp
    from kivy.uix.behaviors import ButtonBehavior

    ui = landscape
    for where in walk_through_every_citizen_screen(ui):
        ui.pump(2)
        for widget in ui.visible_widgets():
            if widget.height > 0 and getattr(widget, "text", "").strip():  # every text, button or not
                x, y = widget.to_window(widget.x, widget.y)
                inside = x >= -1 and y >= -1 and x + widget.width <= 1921 and y + widget.height <= 1081
                assert inside, f"{where}: {widget.text!r} at {(x, y)} size {widget.size}"
            if isinstance(widget, ButtonBehavior) and widget.height > 0 and getattr(widget, "text", ""):
                assert min(widget.size) >= dp(theme.TOUCH_DP) - 0.01, f"{where}: {widget.text!r} is {widget.size}"


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_the_booking_website_on_home_is_one_line_never_broken_mid_word(ui, size):
    ui.window.size = size
    ui.pump(3)
    try:
        website = ui.find("website")
        assert website.text == "antrian-disdukmagetan.com"
        assert website.texture_size[1] < 1.6 * website.font_size  # one line, not "...co / m"
        assert website.texture_size[0] <= website.parent.width + 0.5
        x, _y = website.to_window(website.center_x - website.texture_size[0] / 2, website.y)
        assert x >= 0 and x + website.texture_size[0] <= size[0]
    finally:
        ui.window.size = (1080, 1920)
        ui.pump(2)


def test_a_frame_of_the_home_screen_renders(ui, tmp_path):
    shot = ui.screenshot(tmp_path / "home")
    assert shot.exists() and shot.stat().st_size > 10_000


def test_the_language_chooser_holds_every_language_and_a_third_needs_no_layout_change(ui):
    from kivy.metrics import dp

    from kiosk.i18n import LANGUAGES

    home = ui.screen
    assert [b.code for b in reversed(home.ids.languages.children)] == list(LANGUAGES)
    home.build_languages(("id", "en", "jv"))  # as when Basa Jawa joins kiosk.i18n.LANGUAGES
    ui.pump(2)
    assert ui.sees("Basa Jawa")
    for button in home.ids.languages.children:
        assert min(button.size) >= dp(theme.TOUCH_DP) - 0.01, button.text
        assert button.texture_size[0] <= button.width, button.text  # the name fits its button
    ui.tap(ui.find("Basa Jawa"))
    assert ui.app.language == "jv"
    underlined = {button.text: button.underline for button in home.ids.languages.children}
    assert underlined == {"Bahasa Indonesia": False, "English": False, "Basa Jawa": True}  # not colour alone
