"""A walk-in picks a service, types the NIK, may take priority in one tap, and gets a number."""

from __future__ import annotations

import pytest
from conftest import NIK_MAN_1945, NIK_WOMAN_1990, NIK_YOUNG, confirm_until_done, next_until_confirm

from kiosk.core.model import Priority

pytestmark = pytest.mark.ui


def start_walk_in(ui, service_name: str, nik: str) -> None:
    ui.tap("walkin")
    ui.settle()
    ui.tap(ui.find(service_name))
    assert ui.sees("Ketik NIK Anda")
    ui.press_digits(nik)


def test_a_walk_in_gets_a_number_for_the_service_chosen(ui):
    start_walk_in(ui, "Kartu Keluarga", NIK_YOUNG)
    assert not ui.find("note").text  # nobody suggested priority for a 21-year-old
    next_until_confirm(ui)
    assert ui.current == "confirm"
    assert ui.sees("3520**********04")
    assert ui.sees("Antrean biasa")
    assert not any(NIK_YOUNG in t.replace(" ", "") for t in ui.texts())
    confirm_until_done(ui)
    assert ui.find("number").text == "C-001"
    assert ui.sees("Kartu Keluarga")
    (ticket,) = ui.tickets()
    assert ticket.priority is None and ticket.holder == "3520**********04"


def test_the_service_grid_shows_slots_left_and_offers_no_online_only_service(ui):
    ui.tap("walkin")
    ui.settle()
    assert ui.sees("Sisa 40 nomor")
    assert ui.sees("Perekaman KTP-el")
    assert not ui.sees("Surat Pindah")


def test_elderly_priority_is_suggested_from_the_nik_and_marked_on_the_ticket(ui):
    start_walk_in(ui, "Cetak KTP-el", NIK_MAN_1945)
    assert ui.sees("Menurut NIK, Anda berusia 60 tahun ke atas")
    assert ui.find("elderly").selected
    next_until_confirm(ui)
    assert ui.sees("Lansia (60 tahun ke atas)")
    confirm_until_done(ui)
    assert ui.sees("Antrean prioritas")
    assert ui.tickets()[0].priority == Priority.ELDERLY


def test_a_senior_who_taps_the_preselected_lansia_keeps_it(ui):
    start_walk_in(ui, "Cetak KTP-el", NIK_MAN_1945)
    assert ui.find("elderly").selected
    ui.tap("elderly")  # "yes, I am elderly": not a switch that turns it off (issue 17 P6)
    assert ui.find("elderly").selected
    next_until_confirm(ui)
    assert ui.sees("Lansia (60 tahun ke atas)")


def test_the_suggested_priority_can_be_declined_in_one_tap(ui):
    start_walk_in(ui, "Cetak KTP-el", NIK_MAN_1945)
    ui.tap("regular")
    assert not ui.find("elderly").selected and ui.find("regular").selected
    next_until_confirm(ui)
    assert ui.sees("Antrean biasa")


def test_priority_for_a_pregnant_woman_is_one_tap(ui):
    start_walk_in(ui, "Perekaman KTP-el", NIK_WOMAN_1990)
    ui.tap("pregnant")
    assert ui.find("pregnant").selected
    next_until_confirm(ui)
    confirm_until_done(ui)
    assert ui.tickets()[0].priority == Priority.PREGNANT


@pytest.mark.ui_options(config={"daily_quota = 40": "daily_quota = 0"})
def test_tapping_a_full_service_explains_it_shows_where_to_book_another_day_and_leads_back(ui):
    ui.tap("walkin")
    ui.settle()
    tile = ui.find("Kartu Keluarga")
    assert "Penuh" in tile.text
    ui.tap(tile)
    assert ui.current == "error"  # the tap is answered, not ignored
    assert ui.sees("Kuota hari ini sudah penuh")
    assert ui.sees("Kartu Keluarga")
    assert ui.sees("antrian-disdukmagetan.com")
    assert ui.screen.qr is not None and ui.find("qr").opacity == 1  # the booking website's QR
    ui.tap("retry")
    ui.settle()
    assert ui.current == "walkin" and ui.find("title").text == "Pilih layanan"
    assert ui.tickets() == []


@pytest.mark.ui_options(config={"daily_quota = 30": "daily_quota = 1"})
def test_when_the_last_slot_goes_to_another_kiosk_first_the_person_is_told_plainly(ui):
    start_walk_in(ui, "Akta Kelahiran", NIK_YOUNG)
    next_until_confirm(ui)
    ui.kiosk.issue_walk_in("AKTA", NIK_WOMAN_1990)  # the other kiosk was quicker
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Kuota hari ini sudah penuh")
    assert ui.sees("antrian-disdukmagetan.com")  # where to book another day, with its QR
    assert ui.screen.qr is not None
    assert [t.number for t in ui.tickets()] == ["D-001"]


def test_one_nik_gets_one_walk_in_number_per_service(ui):
    start_walk_in(ui, "Kartu Keluarga", NIK_YOUNG)
    next_until_confirm(ui)
    confirm_until_done(ui)
    ui.tap("finish")
    start_walk_in(ui, "Kartu Keluarga", NIK_YOUNG)
    ui.tap("next")
    ui.wait_until(lambda: ui.current == "error")  # said before the confirm screen
    assert ui.sees("NIK ini sudah mendapat nomor hari ini")
    assert len(ui.tickets()) == 1


# -- no dead ends ---------------------------------------------------------------------------

IMPOSSIBLE_NIK = "3520013213900002"  # born on the 32nd of the 13th month
BORN_1992 = "3520011708920005"


def test_an_impossible_birth_date_is_said_on_the_keypad_with_the_digits_kept_to_correct(ui):
    start_walk_in(ui, "Kartu Keluarga", IMPOSSIBLE_NIK)
    assert ui.current == "walkin"
    assert ui.sees("NIK tidak sesuai")
    assert ui.sees("tanggal lahir")
    ui.tap("next")
    ui.pump(3)
    assert ui.current == "walkin"  # never reaches "Ya, ambil nomor"
    assert ui.find("display").text == "3520 0132 1390 0002"  # still there to correct
    keys = {key.value: key for key in ui.find("pad").children}
    for _ in range(10):
        ui.tap(keys["DEL"])  # back to the region code, which was right
    ui.press_digits("1708920002")  # the birth date as on the card, and the serial
    assert ui.find("display").text == "3520 0117 0892 0002"
    assert not ui.sees("NIK tidak sesuai")
    next_until_confirm(ui)
    assert ui.sees("Kartu Keluarga")  # the service chosen before is kept


def test_lanjut_with_12_digits_says_how_many_are_missing(ui):
    start_walk_in(ui, "Kartu Keluarga", NIK_YOUNG[:12])
    ui.tap("next")
    assert ui.current == "walkin"
    assert ui.sees("NIK harus 16 angka, baru 12")


def test_a_refusal_by_the_caps_comes_before_the_confirm_screen_and_leads_back_with_the_nik_kept(ui):
    ui.kiosk.issue_walk_in("KK", NIK_YOUNG)  # this NIK already has its Kartu Keluarga number
    start_walk_in(ui, "Kartu Keluarga", NIK_YOUNG)
    ui.tap("next")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("NIK ini sudah mendapat nomor hari ini")
    assert ui.find("retry").text == "Pilih layanan lain"
    ui.tap("retry")
    ui.settle()
    assert ui.current == "walkin" and ui.find("title").text == "Pilih layanan"
    ui.tap(ui.find("Perekaman KTP-el"))
    assert ui.find("display").text == "3520 0105 0705 0004"  # not typed again
    next_until_confirm(ui)
    confirm_until_done(ui)
    assert ui.find("number").text == "A-001"


def test_a_refusal_after_confirming_leads_back_to_the_services_with_the_nik_kept(ui):
    start_walk_in(ui, "Kartu Keluarga", NIK_YOUNG)
    next_until_confirm(ui)
    ui.kiosk.issue_walk_in("KK", NIK_YOUNG)  # meanwhile, at another kiosk
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "error")
    ui.tap("retry")
    ui.settle()
    ui.tap(ui.find("Cetak KTP-el"))
    assert ui.find("display").text == "3520 0105 0705 0004"


def test_no_on_the_confirm_screen_goes_back_to_the_keypad_with_everything_kept(ui):
    start_walk_in(ui, "Kartu Keluarga", NIK_WOMAN_1990)
    ui.tap("pregnant")
    next_until_confirm(ui)
    ui.tap("back")
    ui.settle()
    assert ui.current == "walkin"
    assert ui.find("display").text == "3520 0152 0390 0002"
    assert ui.find("pregnant").selected


def test_elderly_priority_is_not_granted_to_a_nik_born_in_1992_and_is_told_kindly(ui):
    start_walk_in(ui, "Cetak KTP-el", BORN_1992)
    assert not ui.find("elderly").selected
    ui.tap("elderly")
    assert not ui.find("elderly").selected
    assert ui.sees("belum berusia 60 tahun")
    assert ui.sees("tetap kami layani")
    ui.tap("disabled_person")  # self-declared: granted at any age
    assert ui.find("disabled_person").selected
    next_until_confirm(ui)
    assert ui.sees("Penyandang disabilitas")


def test_correcting_an_elderly_nik_to_a_younger_one_takes_the_elderly_line_away(ui):
    start_walk_in(ui, "Cetak KTP-el", NIK_MAN_1945)
    assert ui.find("elderly").selected
    keys = {key.value: key for key in ui.find("pad").children}
    ui.tap(keys["CLR"])
    ui.press_digits(BORN_1992)
    assert not ui.find("elderly").selected
    next_until_confirm(ui)
    assert ui.sees("Antrean biasa")


def test_the_person_with_no_one_ahead_is_told_they_are_next(ui):
    start_walk_in(ui, "Kartu Keluarga", NIK_YOUNG)
    next_until_confirm(ui)
    confirm_until_done(ui)
    assert ui.sees("Anda berikutnya")
    assert not any("0 orang" in text or "0 menit" in text for text in ui.texts())


def test_no_instruction_names_a_button_by_its_colour(ui):
    start_walk_in(ui, "Kartu Keluarga", NIK_YOUNG)
    next_until_confirm(ui)
    assert ui.sees('Tekan "Ya, ambil nomor"')
    colours = ("hijau", "merah", "biru", "kuning", "abu")
    assert not any(colour in text.lower() for text in ui.texts() for colour in colours)


def test_the_first_tap_right_after_an_error_screens_kembali_is_not_lost(ui):
    from kivy.tests.common import UnitTestTouch

    ui.pump()
    walkin = ui.find("walkin")
    where = walkin.to_window(*walkin.center)  # "Belum daftar" on the home screen
    ui.type_keys("MGT5D3W1")  # a booking for tomorrow: the error screen
    ui.wait_until(lambda: ui.current == "error")
    back = ui._touch_at(ui.find("back"))
    back.touch_down()
    ui.pump()
    back.touch_up()  # home again, and the finger comes straight down on "Belum daftar", no frame between
    second = UnitTestTouch(*where)
    second.touch_down()
    second.touch_up()
    ui.pump()
    assert ui.current == "walkin"


def test_a_walk_in_who_booked_this_service_is_taken_to_the_check_in_without_typing_again(ui):
    start_walk_in(ui, "Perekaman KTP-el", NIK_MAN_1945)  # booked KTP today at 08:00
    ui.tap("next")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Anda sudah mendaftar online untuk layanan ini")
    ui.tap("retry")
    ui.wait_until(lambda: ui.current == "confirm")
    assert ui.sees("Siti A*****")  # the booking, found by the NIK already typed
    confirm_until_done(ui)
    assert ui.find("number").text == "A-001"
