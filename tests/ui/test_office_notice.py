"""The office's notice on the kiosk's home screen: posted at the office desk, shown and spoken at home."""

from __future__ import annotations

import threading
from datetime import time, timedelta

import pytest
from conftest import UI, spy_on_play
from test_voice import _listen

from kiosk.backends.office_book import OfficeBook
from kiosk.core.office import OfficeDesk
from kiosk.i18n import translator
from kiosk.speech import prompts

pytestmark = pytest.mark.ui

POLL = 60.0  # the status poll runs every 5 s (STATUS_POLL_S); generous for a busy machine
TEXT = "Blangko KTP-el habis hari ini. Cetak KTP-el dilayani besok."
TEXT_EN = "KTP-el blanks have run out today. KTP-el printing resumes tomorrow."


def _desk(ui: UI) -> OfficeDesk:
    """The supervisor's desk on the kiosk's own day book (the one-kiosk embedded site)."""
    return OfficeDesk(ui.config, OfficeBook(ui.book), ui.clock)


def _banner(ui: UI) -> str:
    widget = ui.find("office_notice")
    return str(widget.text) if widget.opacity == 1 and widget.height > 0 else ""


def test_a_notice_posted_at_the_office_shows_on_home_within_the_poll_and_goes_when_cleared(ui: UI) -> None:
    assert ui.current == "home" and _banner(ui) == ""
    _desk(ui).post_notice("kepala", TEXT, text_en=TEXT_EN)
    ui.wait_until(lambda: _banner(ui), POLL, "the notice on the home screen")
    ui.settle()
    assert _banner(ui) == TEXT and ui.sees(TEXT)

    ui.app.language = "en"
    ui.pump(3)
    assert _banner(ui) == TEXT_EN
    ui.app.language = "jv"  # no Javanese text given: the Indonesian one
    ui.pump(3)
    assert _banner(ui) == TEXT
    ui.app.language = "id"
    ui.pump(3)

    _desk(ui).clear_notice("kepala")
    ui.wait_until(lambda: not _banner(ui), POLL, "the cleared notice to go")
    assert not ui.sees(TEXT)


def test_a_notice_disappears_at_its_expiry(ui: UI) -> None:
    _desk(ui).post_notice("kepala", TEXT, until=time(9, 0))
    ui.wait_until(lambda: _banner(ui) == TEXT, POLL, "the notice on the home screen")
    ui.clock.travel(timedelta(hours=1, minutes=1))  # 09:01, past its "until"
    ui.wait_until(lambda: not _banner(ui), POLL, "the expired notice to go")
    assert not ui.sees(TEXT)


def test_dengarkan_on_home_speaks_the_notice_after_the_welcome(ui: UI) -> None:
    _desk(ui).post_notice("kepala", TEXT)
    ui.app.refresh_status()
    ui.wait_until(lambda: _banner(ui) == TEXT, POLL, "the notice on the home screen")
    played = spy_on_play(ui)
    ui.tap(_listen(ui))
    ui.wait_until(lambda: played, 30, "the home prompt to play")
    expected = prompts.home_prompt(translator("id"), TEXT)
    assert expected.startswith(prompts.screen_prompt("home", "", translator("id")))
    assert played[-1] == (threading.main_thread().name, "id", expected)


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_the_longest_notice_fits_home_and_leaves_the_two_choices_their_size(ui: UI, size: tuple[int, int]) -> None:
    from kivy.metrics import dp
    from kivy.uix.behaviors import ButtonBehavior

    from kiosk.core.office import NOTICE_MAX_CHARS
    from kiosk.ui import theme

    longest = ("Layanan akta kelahiran pindah ke ruang dua di lantai atas mulai pukul sepuluh. " * 3)[
        :NOTICE_MAX_CHARS
    ].strip()
    _desk(ui).post_notice("kepala", longest)
    ui.app.refresh_status()
    ui.wait_until(lambda: _banner(ui) == longest, POLL, "the notice on the home screen")
    ui.window.size = size
    try:
        ui.pump(3)
        banner = ui.find("office_notice")
        assert banner.texture_size[1] <= banner.height  # every line of it shown
        for widget in ui.visible_widgets():
            if widget.height > 0 and getattr(widget, "text", "").strip():
                x, y = widget.to_window(widget.x, widget.y)
                inside = x >= -1 and y >= -1 and x + widget.width <= size[0] + 1 and y + widget.height <= size[1] + 1
                assert inside, f"{widget.text!r} at {(x, y)} size {widget.size}"
            if isinstance(widget, ButtonBehavior) and widget.height > 0 and getattr(widget, "text", ""):
                assert min(widget.size) >= dp(theme.TOUCH_DP) - 0.01, f"{widget.text!r} is {widget.size}"
    finally:
        ui.window.size = (1080, 1920)
        ui.pump(2)
