"""Technician mode on the real window: hidden gesture, PIN with lockout, diagnostics, locking again."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from kiosk.core.pin import hash_pin

pytestmark = pytest.mark.ui

PIN = "4826"
PIN_HASH = hash_pin(PIN, n=2**4)  # cheap cost parameter: the same code path, a faster test
WITH_PIN = {'technician_pin_hash = ""': f'technician_pin_hash = "{PIN_HASH}"'}


def open_pin_screen(ui) -> None:
    ui.long_press("logo", 2.3)
    ui.wait_until(lambda: ui.current == "pin", what="the PIN screen")
    ui.settle()


def enter_pin(ui, pin: str) -> None:
    ui.press_digits(pin)
    ui.tap("submit")
    ui.settle()


def type_pin(ui, pin: str) -> None:
    """A technician's USB keyboard: digits then Enter (fewer frames than tapping each key)."""
    ui.type_keys(pin)
    ui.settle()


def unlock(ui) -> None:
    open_pin_screen(ui)
    type_pin(ui, PIN)
    ui.wait_until(lambda: ui.current == "technician", what="the technician screen")
    ui.settle()


@pytest.mark.ui_options(config=WITH_PIN)
def test_a_long_press_on_the_logo_and_the_pin_open_diagnostics_with_the_printer_status_in_words(ui) -> None:
    ui.tap("logo")  # a short tap does nothing: citizens must not stumble into it
    ui.pump(3)
    assert ui.current == "home"
    open_pin_screen(ui)
    ui.press_digits(PIN)
    assert ui.find("dots").text == "\u2022 \u2022 \u2022 \u2022"
    assert not any(PIN in text for text in shown_labels(ui))  # the PIN is never shown
    ui.tap("submit")
    ui.wait_until(lambda: ui.current == "technician", what="the technician screen")
    assert ui.app.technician_unlocked
    ui.settle()

    state = ui.find("printer_state").text
    assert state and state not in ("ready", "unknown")  # words, not a code
    assert ui.sees("menjawab dalam")  # the backend answered, with its latency
    assert ui.sees("Jumlah karcis hari ini: 0")


@pytest.mark.ui_options(config=WITH_PIN)
def test_a_network_printer_out_of_paper_shows_its_state_and_each_status_bit_in_words(ui) -> None:
    import dataclasses
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "printer"))
    from fake_printer import FakePrinter

    from printer.service import build_ticket_printer

    with FakePrinter(state="paper_out") as fake:
        network = dataclasses.replace(ui.config.printer, kind="network", host=fake.host, port=fake.port, timeout_s=1.0)
        ui.kiosk.printer = build_ticket_printer(dataclasses.replace(ui.config, printer=network))
        unlock(ui)
        assert ui.sees("Kertas habis: pasang gulungan baru")
        bits = ui.find("printer_bits").text
        assert "Tutup tertutup" in bits and "Cetak berhenti karena kertas habis" in bits
        assert "DLE EOT 4: 0x72" in ui.find("printer_raw").text

        fake.state = "ready"
        ui.tap("refresh")
        ui.settle()
        assert ui.sees("Siap mencetak")
        ui.tap("feed_cut")
        ui.settle()
        assert ui.sees("Kertas didorong dan dipotong.")
        assert fake.wait_for_jobs(1)
        ui.tap("test_page")
        ui.settle()
        assert ui.sees("Halaman uji dicetak.")
        assert len(fake.wait_for_jobs(2)) == 2


@pytest.mark.ui_options(config=WITH_PIN)
def test_five_wrong_pins_lock_for_five_minutes_even_against_the_right_pin(ui) -> None:
    open_pin_screen(ui)
    for tries_left in (4, 3, 2, 1):
        type_pin(ui, "1111")
        assert ui.sees(f"Sisa {tries_left} kali coba")
    type_pin(ui, "1111")
    assert ui.sees("coba lagi dalam 5 menit")

    ui.clock.travel(timedelta(minutes=3, seconds=10))
    type_pin(ui, PIN)
    assert ui.current == "pin"
    assert not ui.app.technician_unlocked
    assert ui.sees("coba lagi dalam 2 menit")

    ui.tap("back")  # leaving and coming back does not reset the lock
    assert ui.current == "home"
    open_pin_screen(ui)
    assert ui.sees("Terlalu banyak PIN salah")
    assert (Path(ui.config.backend.path).parent / "technician-pin.json").exists()  # survives a restart

    ui.clock.travel(timedelta(minutes=2))
    enter_pin(ui, PIN)
    ui.wait_until(lambda: ui.current == "technician", what="the technician screen")


def test_without_a_pin_hash_the_pin_screen_says_technician_mode_is_off(ui) -> None:
    open_pin_screen(ui)
    assert ui.sees("Mode teknisi tidak aktif")
    type_pin(ui, "0000")
    assert ui.current == "pin"
    assert not ui.app.technician_unlocked


@pytest.mark.ui_options(config=WITH_PIN)
def test_the_pin_screen_goes_home_when_left_idle_and_forgets_the_digits(ui) -> None:
    open_pin_screen(ui)
    ui.press_digits("12")
    ui.monotonic.travel(ui.config.ui.idle_timeout_s + 1)
    ui.wait_until(lambda: ui.current == "home", what="the idle timeout")
    ui.app.go("pin")
    ui.settle()
    assert ui.find("dots").text == "- - - -"


@pytest.mark.ui_options(config=WITH_PIN)
def test_a_technician_reprints_a_ticket_by_its_number_as_often_as_needed(ui) -> None:
    result = ui.kiosk.issue_walk_in("KTP", ui_nik())
    assert result.ticket.number == "A-001"
    printed_before = _printed(ui)
    unlock(ui)
    assert ui.sees("langsung 1")

    ui.press_digits("42")
    ui.tap("reprint")
    ui.settle()
    assert ui.sees("Nomor antrean tidak ditemukan")
    ui.tap(ui.find("pad").children[0])  # Hapus
    ui.tap(ui.find("pad").children[0])

    ui.tap(next(b for b in ui.find("prefix_row").children if b.text == "A"))
    ui.press_digits("1")
    assert ui.find("number").text == "A-001"
    ui.tap("reprint")
    ui.settle()
    assert ui.sees("Karcis A-001 dicetak ulang")
    assert _printed(ui) == printed_before + 1
    assert ui.book.find_ticket(ui.clock.now().date(), "A-001").reprints == 1
    assert ui.find("number").text == "huruf + nomor"  # cleared after use: the next number starts empty
    ui.press_digits("1")
    ui.tap("reprint")
    ui.settle()
    assert ui.book.find_ticket(ui.clock.now().date(), "A-001").reprints == 2
    assert len(ui.tickets()) == 1  # the same number again, never a new one


@pytest.mark.ui_options(config=WITH_PIN)
def test_the_daily_report_is_exported_into_the_data_folder_without_personal_data(ui) -> None:
    ui.kiosk.issue_walk_in("KTP", ui_nik())
    unlock(ui)
    ui.tap("export")
    ui.settle()
    assert ui.sees("Laporan disimpan")
    written = [p for p in (Path(ui.config.backend.path).parent / "reports").rglob("*") if p.is_file()]
    assert {p.suffix for p in written} == {".csv", ".png"}  # the record, and the picture to post
    assert "KTP" in next(p for p in written if p.suffix == ".csv").read_text(encoding="utf-8")
    for path in written:
        data = path.read_bytes()
        assert ui_nik().encode() not in data and b"Siti" not in data


@pytest.mark.ui_options(config=WITH_PIN)
def test_leaving_technician_mode_locks_it_again_and_exit_needs_it(ui, monkeypatch) -> None:
    stopped = []
    # Stopping would end the one shared test window; record the request instead.
    monkeypatch.setattr(ui.app, "stop", lambda *a: stopped.append(True))
    assert not ui.app.exit_kiosk()
    unlock(ui)
    ui.tap("back")
    assert ui.current == "home"
    assert not ui.app.technician_unlocked
    ui.app.go("technician")  # even straight to the screen: nothing without the PIN
    ui.wait_until(lambda: ui.current == "home", what="home again")
    assert stopped == []

    unlock(ui)
    ui.tap("exit")  # asks first: closing the kiosk leaves the citizens without it
    ui.pump(2)
    assert stopped == [] and ui.sees("Tutup aplikasi kios?")
    ui.tap("exit_cancel")
    ui.pump(2)
    assert stopped == [] and not ui.sees("Tutup aplikasi kios?") and ui.current == "technician"
    ui.tap("exit")
    ui.pump(2)
    ui.tap("exit_confirm")
    assert stopped == [True]


def shown_labels(ui) -> list[str]:
    """Texts actually drawn (labels), not a widget's internal value such as the keypad's."""
    from kivy.uix.label import Label

    return [w.text for w in ui.visible_widgets() if isinstance(w, Label) and w.text]


def ui_nik() -> str:
    from conftest import NIK_WOMAN_1990

    return NIK_WOMAN_1990


def _printed(ui) -> int:
    printed = getattr(ui.printer, "printed", None)
    if printed is not None:
        return len(printed)
    folder = Path(ui.config.printer.preview_dir)
    return len(list(folder.glob("*.png"))) if folder.exists() else 0


@pytest.mark.ui_options(config=WITH_PIN)
def test_the_days_log_is_saved_for_the_technician_with_every_nik_masked(ui, tmp_path, monkeypatch) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    journalctl = bin_dir / "journalctl"  # journald does not run here; this plays its reader
    journalctl.write_text(f"#!/bin/sh\necho 'kiosk[1]: walk-in for {ui_nik()} issued A-001'\n", encoding="utf-8")
    journalctl.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    unlock(ui)
    ui.tap("export_log")
    ui.settle()
    assert ui.sees("Log disimpan")
    saved = [p for p in (Path(ui.config.backend.path).parent / "reports").rglob("*") if p.is_file()]
    assert len(saved) == 1
    text = saved[0].read_text(encoding="utf-8")
    assert "A-001" in text and ui_nik() not in text


@pytest.mark.ui_options(config=WITH_PIN)
def test_with_the_http_backend_the_link_to_the_server_is_shown_in_words(ui, tmp_path) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "api"))
    from api_support import server_with_kiosk

    with server_with_kiosk(tmp_path, ui.clock) as (server, backend):
        ui.kiosk.backend, ui.kiosk.config = backend, backend.config
        unlock(ui)
        text = ui.find("backend").text
        assert "menjawab dalam" in text and "Terhubung ke server pusat" in text
        assert "Karcis luring belum terkirim: 0" in text
        assert "BackendStatus" not in text and "=" not in text  # words, not a repr

        server.stop()
        ui.tap("refresh")
        ui.settle()
        text = ui.find("backend").text
        assert "Mode luring: memakai cadangan lokal" in text
        assert "Kesalahan terakhir:" in text
        assert "BackendStatus" not in text
