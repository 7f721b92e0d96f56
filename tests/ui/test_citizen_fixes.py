"""Issue 17's citizen-side fixes on the real window: a double tap, past bookings, refusals that lead somewhere."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import (
    FAMILY_CARD_IN_ENGLISH,
    NIK_YOUNG,
    UI,
    confirm_until_done,
    walk_in_ticket,
    walk_in_up_to_confirm,
)

pytestmark = pytest.mark.ui


def double_tap(ui: UI, widget: Any) -> None:
    """Two taps on one spot, marked by Kivy's own double-tap post-processor as the window's loop does."""
    from kivy.input.postproc.doubletap import InputPostprocDoubleTap
    from kivy.tests.common import UnitTestTouch

    post = InputPostprocDoubleTap()
    post.double_tap_time = 3600.0  # the verdict must not depend on how fast this machine is
    ui.pump()
    x, y = widget.to_window(*widget.center)
    touches = []
    for _ in range(2):
        touch = UnitTestTouch(x, y)
        post.process([("begin", touch)])
        touch.touch_down()
        ui.pump()
        post.process([("end", touch)])
        touch.touch_up()
        ui.pump()
        touches.append(touch)
    assert touches[1].is_double_tap


def test_a_double_tap_on_selesai_leaves_the_next_person_home_in_indonesian(ui: UI) -> None:
    walk_in_ticket(ui)
    finish = ui.find("finish")
    double_tap(ui, finish)
    ui.pump(3)
    assert ui.current == "home" and ui.app.language == "id"
    assert ui.sees("Sudah daftar online")
    ui.tap("English")  # a tap of the next person's own still works
    assert ui.app.language == "en"


def book(ui: UI, code: str, nik: str, day_offset: int, service: str = "KTP") -> None:
    """One more booking in the day book, as the daily import would add it."""
    from datetime import timedelta

    from kiosk.backends.importer import parse_rows

    day = (ui.clock.now() + timedelta(days=day_offset)).date()
    row = {"code": code, "nik": nik, "name": "Warga Uji", "service": service, "date": day.isoformat()}
    result = parse_rows([(1, row | {"slot": "09:00", "site": "MPP"})], ui.config, ui.kiosk.hasher)
    assert not result.problems, result.problems
    ui.book.upsert_bookings(result.bookings)


def test_a_booking_for_yesterday_says_the_day_has_passed_and_what_to_do_now(ui: UI) -> None:
    book(ui, "MGTPAST1", NIK_YOUNG, -1)
    ui.type_keys("MGTPAST1")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Tanggal jadwal Anda sudah lewat")
    assert ui.sees("29 November 2026") and ui.sees("sudah lewat")
    assert not ui.sees("Silakan datang pada tanggal itu")
    assert ui.sees('"Kembali", lalu "Belum daftar"') and ui.sees("Kembali")


def test_a_booking_for_tomorrow_still_says_to_come_on_that_day(ui: UI) -> None:
    ui.type_keys("MGT5D3W1")  # tomorrow's
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Silakan datang pada tanggal itu") and ui.sees("1 Desember 2026")


@pytest.mark.parametrize("code", ["ZZZ99999"])
def test_a_refusal_that_means_walk_in_says_how_to_get_to_belum_daftar(ui: UI, code: str) -> None:
    ui.type_keys(code)  # not found
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees('tekan "Kembali", lalu "Belum daftar"')
    ui.tap("back")
    assert ui.current == "home" and ui.sees("Belum daftar")


def test_english_says_reprint_my_ticket_and_disabled_beside_elderly(ui: UI) -> None:
    ui.tap("English")
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done")
    ui.tap("finish")
    ui.tap("English")
    ui.type_keys("MGT7K3Q9")  # again: already checked in, one reprint allowed
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Reprint my ticket")
    ui.tap("back")
    ui.tap("walkin")
    ui.settle()
    ui.tap(ui.find("Kartu Keluarga"))
    assert [ui.find(i).text for i in ("regular", "elderly", "disabled_person", "pregnant")] == [
        "Regular queue",
        "Elderly",
        "Disabled",
        "Pregnant",
    ]


def test_the_home_qr_holds_the_booking_sites_code_module_for_module(ui: UI) -> None:
    import qrcode

    code = qrcode.QRCode(border=2)
    code.add_data(ui.config.site.booking_website)
    code.make(fit=True)
    matrix = code.get_matrix()
    texture = ui.screen.qr
    assert texture.size == (len(matrix), len(matrix))
    pixels = texture.pixels  # RGBA, bottom row first
    size = len(matrix)
    for y, row in enumerate(reversed(matrix)):
        for x, dark in enumerate(row):
            assert pixels[(y * size + x) * 4] == (0 if dark else 255), (x, y)


@pytest.mark.ui_options(config={"daily_quota = 40": "daily_quota = 0"})
@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_a_refusal_labels_its_qr_and_puts_what_to_do_next_just_above_the_buttons(ui: UI, size: Any) -> None:
    ui.window.size = size
    try:
        ui.tap("walkin")
        ui.settle()
        ui.tap(ui.find("Kartu Keluarga"))  # full: the refusal with the booking site's QR
        ui.wait_until(lambda: ui.current == "error")
        ui.pump(3)
        screen = ui.screen
        qr, label, hint = screen.ids.qr, screen.ids.qr_label, screen.ids.hint
        assert qr.opacity == 1 and label.opacity == 1
        assert "Pindai untuk daftar hari lain" in label.text and "antrian-disdukmagetan.com" in label.text
        assert label.top <= qr.y + 1 and hint.top <= label.y + 1  # QR, its label, then the hint
        first_button = screen.ids.retry
        assert first_button.opacity == 1 and 0 <= hint.y - first_button.top <= 40  # right above it
        shown = [qr, label, hint, first_button, screen.ids.back]
        for widget in shown:
            assert widget.x >= 0 and widget.y >= 0 and widget.right <= size[0] and widget.top <= size[1]
        texts = [w for w in shown if w is not qr]
        for a, b in zip(texts, texts[1:], strict=False):
            assert a.y >= b.top - 1 or b.y >= a.top - 1  # nothing overlaps
    finally:
        ui.window.size = (1080, 1920)


@pytest.mark.ui_options(config=FAMILY_CARD_IN_ENGLISH)
def test_a_service_is_named_and_its_documents_spoken_in_the_persons_language(ui: UI) -> None:
    from kiosk.i18n import translator
    from kiosk.ui.voice import prompt_of

    ui.tap("English")
    assert ui.sees("Family Card: 40 left")
    walk_in_up_to_confirm(ui, "Family Card")
    assert ui.sees("Family Card") and not ui.sees("Kartu Keluarga")
    confirm_until_done(ui)
    assert ui.find("service").text == "Family Card"
    said = prompt_of(ui.screen, translator("en"))
    assert "Old Family Card, Cover letter from the RT/RW" in said
    ui.app.go_home()
    ui.tap("Basa Jawa")  # a name in Javanese, no documents in Javanese: the Indonesian ones
    assert ui.sees("Kartu Kulawarga")


def test_a_service_name_in_an_unknown_language_is_reported_by_its_key(tmp_path: Any) -> None:
    from conftest import write_config

    from kiosk.core import config as config_mod

    path = write_config(tmp_path, {'name = "Kartu Keluarga"\n': 'name = "Kartu Keluarga"\nname_fr = "Livret"\n'})
    with pytest.raises(config_mod.ConfigError, match=r"services\[\d\]\.name_fr"):
        config_mod.load(path)


@pytest.mark.parametrize("size", [(1080, 1920), (1920, 1080)])
def test_a_mistyped_nik_is_explained_between_the_digits_and_the_keys(ui: UI, size: Any) -> None:
    ui.window.size = size
    try:
        ui.tap("booked")
        ui.press_digits("3520019999990001")  # no such birth date
        ui.pump(2)
        screen = ui.screen
        note, display, pad = screen.ids.note, screen.ids.display, screen.ids.pad
        assert note.text and note.bold
        assert display.y >= note.top - 1 and note.y >= pad.top - 1  # digits, what is wrong, keys
        assert note.y >= 0 and note.top <= size[1]
    finally:
        ui.window.size = (1080, 1920)
