"""A citizen with an online booking checks in: by NIK on the keypad, by booking code, by scanner."""

from __future__ import annotations

import pytest
from conftest import NIK_MAN_1945, NIK_OTHER_REGION, NIK_WOMAN_1990, confirm_until_done

pytestmark = pytest.mark.ui


def nik_in_clear(ui, nik: str) -> bool:
    """The NIK, whole or grouped 4-4-4-4, anywhere on the current screen."""
    grouped = " ".join(nik[i : i + 4] for i in range(0, 16, 4))
    return any(nik in text.replace(" ", "") or grouped in text for text in ui.texts())


def test_check_in_by_nik_on_the_keypad_prints_a_ticket_and_masks_the_person(ui):
    ui.tap("booked")
    assert ui.current == "entry"
    ui.press_digits(NIK_MAN_1945)
    assert ui.find("display").text == "3520 0117 0845 0001"  # grouped like on the card while typing
    ui.tap("search")
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees("Siti A*****")
    assert ui.sees("3520**********01")
    assert not ui.sees("Siti Aminah")
    assert not nik_in_clear(ui, NIK_MAN_1945)
    confirm_until_done(ui)
    assert ui.find("number").text == "A-001"
    assert ui.sees("Ambil karcis Anda")
    assert not nik_in_clear(ui, NIK_MAN_1945)
    assert [t.number for t in ui.tickets()] == ["A-001"]


def test_check_in_by_booking_code_on_the_letter_pad(ui):
    ui.tap("booked")
    ui.tap("switch")
    assert ui.sees("Ketik kode booking Anda")
    ui.press_digits("MGT4P2X8")
    ui.tap("search")
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees("Budi S******")
    assert ui.sees("Cetak KTP-el / IKD")
    confirm_until_done(ui)
    assert ui.find("number").text == "B-001"


def test_a_scanned_booking_qr_is_taken_on_the_home_screen(ui):
    ui.type_keys("https://antrian-disdukmagetan.com/b/MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees("Siti A*****")
    confirm_until_done(ui)
    assert ui.find("number").text == "A-001"


def test_a_scan_is_taken_from_any_screen_even_mid_typing(ui):
    ui.tap("walkin")
    ui.settle()
    ui.type_keys("mgt4p2x8")  # a scanner in lower-case mode
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees("Budi S******")


def test_a_stray_key_pressed_earlier_does_not_spoil_the_next_scan(ui):
    ui.type_keys("7", enter=False)
    ui.run_for(1.2)
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees("Siti A*****")


def test_checking_in_twice_never_makes_a_second_number_and_allows_one_reprint(ui):
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    confirm_until_done(ui)
    ui.tap("finish")
    assert ui.current == "home"

    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Anda sudah mengambil nomor")
    assert ui.sees("A-001")
    ui.tap("reprint")
    ui.wait_until(lambda: ui.current == "done")
    assert ui.find("number").text == "A-001"
    ui.tap("finish")

    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "error")
    ui.settle()
    assert ui.sees("sudah pernah dicetak ulang")  # the reprint is used: not offered again (issue 17 P8)
    assert not ui.sees("Cetak ulang karcis")
    assert [t.number for t in ui.tickets()] == ["A-001"]


def test_a_booking_for_another_day_says_which_day(ui):
    ui.type_keys(NIK_OTHER_REGION)
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Jadwal Anda bukan hari ini")
    assert ui.sees("1 Desember 2026")
    assert not nik_in_clear(ui, NIK_OTHER_REGION)
    ui.tap("back")
    assert ui.current == "home"
    assert ui.tickets() == []


def test_a_mistyped_nik_is_explained_on_the_keypad_with_the_digits_kept_to_correct(ui):
    ui.tap("booked")
    ui.press_digits("3520013213900002")  # born on the 32nd of the 13th month
    assert ui.sees("NIK tidak sesuai")  # said as the 16th digit is typed
    assert ui.sees("tanggal lahir")
    ui.tap("search")
    ui.pump(3)
    assert ui.current == "entry" and not ui.app.task_running  # nothing looked up
    assert ui.find("display").text == "3520 0132 1390 0002"
    keys = {key.value: key for key in ui.find("pad").children}
    for _ in range(10):
        ui.tap(keys["DEL"])
    ui.press_digits("1708450001")
    assert not ui.sees("NIK tidak sesuai")
    ui.tap("search")
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees("Siti A*****")


def test_search_with_12_digits_says_how_many_are_missing(ui):
    ui.tap("booked")
    ui.press_digits(NIK_MAN_1945[:12])
    ui.tap("search")
    assert ui.current == "entry"
    assert ui.sees("NIK harus 16 angka, baru 12")


def test_a_nik_not_found_leads_back_to_the_keypad_with_the_digits_kept(ui):
    ui.tap("booked")
    ui.press_digits(NIK_WOMAN_1990[:-1] + "9")  # one digit wrong: no booking
    ui.tap("search")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Pendaftaran online tidak ditemukan")
    assert ui.find("retry").text == "Perbaiki NIK"
    ui.tap("retry")
    assert ui.current == "entry"
    assert ui.find("display").text == "3520 0152 0390 0009"
    keys = {key.value: key for key in ui.find("pad").children}
    ui.tap(keys["DEL"])
    ui.press_digits("2")
    ui.tap("search")
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees("Budi S******")


def test_the_code_field_has_a_place_for_each_of_the_8_characters(ui):
    ui.tap("booked")
    ui.tap("switch")
    assert ui.find("display").text.count("_") == 8
    ui.press_digits("MGT")
    assert ui.find("display").text == "MGT_____"


def test_search_stays_off_until_sixteen_digits_are_typed(ui):
    ui.tap("booked")
    ui.press_digits(NIK_WOMAN_1990[:15])
    ui.tap("search")
    ui.pump(3)
    assert ui.current == "entry"
    keys = {key.value: key for key in ui.find("pad").children}
    ui.tap(keys["DEL"])
    assert ui.find("display").text == "3520 0152 0390 00"
    ui.tap(keys["CLR"])
    assert ui.find("display").text.startswith("____")


def test_the_done_screen_shows_the_picture_of_the_ticket_that_was_printed(ui):
    if not hasattr(ui.printer, "preview_png"):
        pytest.skip("the preview printer is not installed")
    ui.type_keys("MGT7K3Q9")
    ui.wait_until(lambda: ui.current == "confirm")
    confirm_until_done(ui)
    preview = ui.find("preview")
    assert preview.texture is not None and preview.opacity == 1
    assert preview.texture.height > preview.texture.width  # a paper ticket: tall and narrow
    assert any(ui.config.printer.preview_dir.glob("*.png"))  # the preview printer's own copy


def test_a_booking_code_with_a_dash_can_be_typed_on_the_letter_pad(ui):
    from kiosk.core import nik as nik_rules
    from kiosk.core.model import Booking

    now = ui.clock.now()
    ui.book.upsert_bookings(
        [
            Booking(
                code="MGT-0042",
                nik_hash=ui.kiosk.hasher.hash(NIK_OTHER_REGION),
                nik_masked=nik_rules.mask(NIK_OTHER_REGION),
                name="Sri Rahayu",
                service_code="KK",
                day=now.date(),
                slot=now.time().replace(second=0, microsecond=0),
                site=ui.config.site.code,
            )
        ]
    )
    ui.tap("booked")
    ui.tap("switch")
    ui.press_digits("MGT-0042")
    ui.tap("search")
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees("Sri R*****")
    confirm_until_done(ui)
    assert ui.find("number").text == "C-001"


def test_no_on_the_booking_found_goes_back_to_the_keypad_with_the_digits_kept(ui):
    ui.tap("booked")
    ui.press_digits(NIK_MAN_1945)
    ui.tap("search")
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees('Tekan "Ya, cetak nomor saya"')  # the button by its words, not its colour
    ui.tap("back")
    assert ui.current == "entry"
    assert ui.find("display").text == "3520 0117 0845 0001"
    assert ui.tickets() == []
