"""A walk-in picks a service, types the NIK, may take priority in one tap, and gets a number."""

from __future__ import annotations

import pytest
from conftest import NIK_MAN_1945, NIK_WOMAN_1990, NIK_YOUNG

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
    ui.tap("next")
    assert ui.current == "confirm"
    assert ui.sees("3520**********04")
    assert ui.sees("Antrean biasa")
    assert not any(NIK_YOUNG in t.replace(" ", "") for t in ui.texts())
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done")
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
    ui.tap("next")
    assert ui.sees("Lansia (60 tahun ke atas)")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done")
    assert ui.sees("Antrean prioritas")
    assert ui.tickets()[0].priority == Priority.ELDERLY


def test_the_suggested_priority_can_be_declined_in_one_tap(ui):
    start_walk_in(ui, "Cetak KTP-el", NIK_MAN_1945)
    ui.tap("elderly")
    assert not ui.find("elderly").selected
    ui.tap("next")
    assert ui.sees("Antrean biasa")


def test_priority_for_a_pregnant_woman_is_one_tap(ui):
    start_walk_in(ui, "Perekaman KTP-el", NIK_WOMAN_1990)
    ui.tap("pregnant")
    assert ui.find("pregnant").selected
    ui.tap("next")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done")
    assert ui.tickets()[0].priority == Priority.PREGNANT


@pytest.mark.ui_options(config={"daily_quota = 40": "daily_quota = 0"})
def test_a_full_service_is_greyed_out_as_penuh_and_cannot_be_chosen(ui):
    ui.tap("walkin")
    ui.settle()
    tile = ui.find("Kartu Keluarga")
    assert "Penuh" in tile.text
    assert tile.disabled
    ui.tap(tile)
    assert ui.find("title").text == "Pilih layanan"
    assert ui.tickets() == []


@pytest.mark.ui_options(config={"daily_quota = 30": "daily_quota = 1"})
def test_when_the_last_slot_goes_to_another_kiosk_first_the_person_is_told_plainly(ui):
    start_walk_in(ui, "Akta Kelahiran", NIK_YOUNG)
    ui.tap("next")
    ui.kiosk.issue_walk_in("AKTA", NIK_WOMAN_1990)  # the other kiosk was quicker
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("Kuota hari ini sudah penuh")
    assert ui.sees("antrian-disdukmagetan.com")  # where to book another day, with its QR
    assert ui.screen.qr is not None
    assert [t.number for t in ui.tickets()] == ["D-001"]


def test_one_nik_gets_one_walk_in_number_per_service(ui):
    start_walk_in(ui, "Kartu Keluarga", NIK_YOUNG)
    ui.tap("next")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "done")
    ui.tap("finish")
    start_walk_in(ui, "Kartu Keluarga", NIK_YOUNG)
    ui.tap("next")
    ui.tap("confirm")
    ui.wait_until(lambda: ui.current == "error")
    assert ui.sees("NIK ini sudah mendapat nomor hari ini")
    assert len(ui.tickets()) == 1
