"""Technician mode: a PIN behind a hidden gesture, then diagnostics.

Reached by a long press on the home logo. Every call to the printer, the backend or the
disk runs through ``app.run_task``; leaving (``Kembali``, idle, or ``go_home``) locks
technician mode again. The PIN gate counts wrong tries in a file beside the day book, so
pulling the plug does not reset a lockout (``kiosk.backends.pin_lock``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kivy.clock import Clock
from kivy.factory import Factory
from kivy.properties import BooleanProperty, ListProperty, StringProperty

from kiosk import bootstrap
from kiosk.core.errors import KioskError, Reason, SystemFault
from kiosk.core.pin import PIN_MAX_DIGITS, PIN_MIN_DIGITS, PinGate, PinOutcome, PinResult
from kiosk.i18n import N_, Translate
from kiosk.ui import theme
from kiosk.ui.diagnostics import backend_lines, counter_lines, export_daily_report, export_day_log, printer_lines
from kiosk.ui.widgets import KioskScreen, load_kv

if TYPE_CHECKING:
    from kiosk.ui.app import KioskApp

load_kv("keys")  # the keypad, steps and countdown rules, left out of the first frame
load_kv("technician")
log = logging.getLogger(__name__)

TECHNICIAN_IDLE_S = 120  # a technician reads and thinks; still locks itself if walked away from
DOT = "\u2022"
EXIT_QUESTION = N_("Tutup aplikasi kios? Warga tidak bisa mengambil nomor sampai dibuka lagi.")


def pin_gate(app: KioskApp) -> PinGate:
    """The app's one PIN gate, built on first use from the config and the kiosk's clock."""
    if app.technician_gate is None:
        app.technician_gate = bootstrap.build_pin_gate(app.config, app.kiosk.clock)
    return app.technician_gate


def pin_message(tr: Translate, result: PinResult) -> str:
    """What the PIN screen says after a try (or on arrival)."""
    if result.outcome == PinOutcome.DISABLED:
        return tr(N_("Mode teknisi tidak aktif: PIN belum diatur. Atur dengan perintah kiosk set-pin."))
    if result.outcome == PinOutcome.LOCKED:
        return tr(N_("Terlalu banyak PIN salah. Terkunci, coba lagi dalam {minutes} menit.")).format(
            minutes=result.minutes_left
        )
    return tr(N_("PIN salah. Sisa {tries} kali coba.")).format(tries=result.tries_left)


def printer_warning(kiosk: Any, tr: Any) -> str:
    """What the technician should do before the printer stops (the port's readiness warning)."""
    try:
        readiness = kiosk.printer_readiness()
    except Exception:  # noqa: BLE001 - the status lines above already say what is wrong
        log.exception("printer readiness failed")
        return ""
    if readiness is not None and readiness.warning == "paper_near_end":
        return str(tr(N_("Peringatan: kertas hampir habis. Ganti gulungan sebelum karcis terpotong.")))
    return ""


class PinScreen(KioskScreen):
    """A digit keypad with masked dots; five wrong tries lock it for five minutes."""

    dots = StringProperty("")
    message = StringProperty("")
    locked = BooleanProperty(False)
    disabled_mode = BooleanProperty(False)
    can_submit = BooleanProperty(False)

    def prepare(self, **_kwargs: Any) -> None:
        self.reset()
        app = self.app
        gate = pin_gate(app)
        app.run_task(gate.status, self._arrived, self._failed)

    def reset(self) -> None:
        if "pad" in self.ids:
            self.ids.pad.text = ""
        self.message = ""
        self.locked = self.disabled_mode = False
        self.typed("")

    def typed(self, text: str) -> None:
        self.dots = " ".join(DOT * len(text))
        self.can_submit = PIN_MIN_DIGITS <= len(text) <= PIN_MAX_DIGITS

    def submit(self) -> None:
        pin = self.ids.pad.text
        if not self.can_submit:
            self.message = self.app.tr(N_("PIN terdiri dari {low} sampai {high} angka.")).format(
                low=PIN_MIN_DIGITS, high=PIN_MAX_DIGITS
            )
            return
        self.ids.pad.text = ""  # the digits never stay on screen, right or wrong
        gate = pin_gate(self.app)
        self.app.run_task(lambda: gate.attempt(pin), self._answered, self._failed, self.app.tr(N_("Memeriksa PIN ...")))

    def on_scan(self, text: str) -> bool:
        """A USB keyboard works too: digits then Enter are one try. Nothing typed here is a booking."""
        digits = text.strip()
        if digits.isascii() and digits.isdigit() and PIN_MIN_DIGITS <= len(digits) <= PIN_MAX_DIGITS:
            self.ids.pad.text = digits
            self.submit()
        return True

    def _arrived(self, result: PinResult) -> None:
        self.disabled_mode = result.outcome == PinOutcome.DISABLED
        self.locked = result.outcome == PinOutcome.LOCKED
        self.message = pin_message(self.app.tr, result) if (self.disabled_mode or self.locked) else ""

    def _answered(self, result: PinResult) -> None:
        if result.accepted:
            log.info("technician mode unlocked")
            self.app.technician_unlocked = True
            self.app.go("technician")
            return
        log.warning("technician PIN refused: %s", result.outcome.value)
        self._arrived(result)
        self.message = pin_message(self.app.tr, result)

    def _failed(self, error: KioskError) -> None:
        self.message = " ".join(self.app.explain(error))


class TechnicianScreen(KioskScreen):
    """Printer status and actions, backend latency, today's counters, report export, exit."""

    idle_timeout_s = TECHNICIAN_IDLE_S

    printer_state = StringProperty("")
    printer_ok = BooleanProperty(True)
    printer_bits = StringProperty("")
    printer_raw = StringProperty("")
    printer_warning = StringProperty("")  # e.g. paper near end: it prints, but not for long
    backend_text = StringProperty("")
    counters_text = StringProperty("")
    result_text = StringProperty("")
    prefixes = ListProperty([])
    prefix = StringProperty("")
    number = StringProperty("")  # the ticket number being typed for a reprint, e.g. "A-007"
    portrait = BooleanProperty(True)
    unprinted = ListProperty([])  # today's tickets no paper of which came out: (number, "HH:MM")
    unprinted_loaded = BooleanProperty(False)
    confirm_exit = BooleanProperty(False)  # "Keluar dari kios" asks once more before it closes

    def prepare(self, **_kwargs: Any) -> None:
        self.prefixes = [s.prefix for s in self.app.config.services]
        self.reset()
        if not self.app.technician_unlocked:  # only ever through the PIN
            Clock.schedule_once(lambda _dt: self.app.go_home(), 0)
            return
        self.refresh()

    def reset(self) -> None:
        self.result_text = ""
        self.confirm_exit = False
        self.unprinted = []
        self.unprinted_loaded = False
        self.prefix = self.prefixes[0] if self.prefixes else ""
        if "prefix_row" in self.ids:
            self._mark_prefix()
        if "pad" in self.ids:
            self.ids.pad.text = ""
        self.typed("")

    def _allowed(self) -> bool:
        if not self.app.technician_unlocked:
            self.app.go_home()
            return False
        return True

    # -- status ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Ask the printer, time the backend and count today's tickets, all on the worker."""
        if not self._allowed():
            return
        app = self.app
        kiosk = app.kiosk
        language = app.language
        tr = app.tr

        def work() -> dict[str, Any]:
            return {
                **printer_lines(kiosk.printer, language, tr),
                "printer_warning": printer_warning(kiosk, tr),
                **backend_lines(kiosk, tr),
                **counter_lines(kiosk, tr),
                **unprinted_lines(kiosk),
            }

        app.run_task(work, self._show, self._failed, tr(N_("Memeriksa printer dan server ...")))

    def _show(self, found: dict[str, Any]) -> None:
        for key, value in found.items():
            setattr(self, key, value)

    def _failed(self, error: KioskError) -> None:
        self.result_text = " ".join(self.app.explain(error))

    def on_unprinted(self, *_args: Any) -> None:
        rows = self.ids.unprinted_list
        rows.clear_widgets()
        for number, issued in self.unprinted:
            row = Factory.UnprintedRow()  # a KV class: its properties exist once it is built
            row.number, row.issued = number, issued
            rows.add_widget(row)

    # -- printer actions ------------------------------------------------------------------

    def test_page(self) -> None:
        printer = self.app.kiosk.printer
        action = printer.test_page if printer is not None else None
        self._printer_action(action, N_("Halaman uji dicetak."), N_("Mencetak halaman uji ..."))

    def feed_and_cut(self) -> None:
        printer = self.app.kiosk.printer
        action = printer.feed_and_cut if printer is not None else None
        self._printer_action(action, N_("Kertas didorong dan dipotong."), N_("Mendorong dan memotong kertas ..."))

    def _printer_action(self, action: Callable[[], None] | None, done_text: str, busy_text: str) -> None:
        if not self._allowed():
            return
        app = self.app
        if action is None:
            self.result_text = app.tr(N_("Tidak ada printer yang diatur"))
            return
        app.run_task(action, lambda _r: self._after_print(done_text), self._printer_failed, app.tr(busy_text))

    def _after_print(self, text: str) -> None:
        self.result_text = self.app.tr(text)
        self.refresh()

    def _printer_failed(self, error: KioskError) -> None:
        """The technician's words for a page that did not come out, never the citizen's (P4)."""
        self.result_text = technician_print_problem(self.app.tr, error) or " ".join(self.app.explain(error))
        self.refresh()  # the status lines above say what the printer reports now

    # -- reprint by number ----------------------------------------------------------------

    def on_prefixes(self, *_args: Any) -> None:
        row = self.ids.prefix_row
        row.clear_widgets()
        for prefix in self.prefixes:
            button = Factory.PrefixButton(text=prefix)
            button.bind(on_release=lambda b: self.pick_prefix(b.text))
            row.add_widget(button)
        self._mark_prefix()

    def pick_prefix(self, prefix: str) -> None:
        self.prefix = prefix
        self._mark_prefix()
        self.typed(self.ids.pad.text if "pad" in self.ids else "")

    def _mark_prefix(self) -> None:
        for button in self.ids.prefix_row.children:
            chosen = button.text == self.prefix
            button.background = theme.rgba(theme.SELECTED if chosen else theme.KEY)
            button.foreground = theme.rgba(theme.ON_SELECTED if chosen else theme.ON_KEY)

    def typed(self, digits: str) -> None:
        self.number = f"{self.prefix}-{int(digits):03d}" if digits and self.prefix else ""

    def reprint(self) -> None:
        if not self._allowed():
            return
        app = self.app
        number = self.number
        if not number:
            self.result_text = app.tr(N_("Pilih huruf layanan lalu ketik nomor karcis."))
            return

        self._print_number(number)
        self.ids.pad.text = ""  # the field is empty for the next number

    def print_unprinted(self, number: str) -> None:
        """A ticket of today's "not printed" list: its first paper, not marked as a reprint."""
        if self._allowed():
            self._print_number(number)

    def _print_number(self, number: str) -> None:
        app = self.app

        def done(result: Any) -> None:
            self.result_text = reprint_outcome(app, result)
            self.refresh()  # the list of unprinted tickets and the printer's state as they are now

        def failed(error: KioskError) -> None:
            self._failed(error)
            self.refresh()

        app.run_task(
            lambda: app.kiosk.reprint(number, technician=True),
            done,
            failed,
            app.tr(N_("Mencetak ulang {number} ...")).format(number=number),
        )

    # -- report, leaving ------------------------------------------------------------------

    def export_report(self) -> None:
        if not self._allowed():
            return
        app = self.app
        kiosk = app.kiosk
        app.run_task(
            lambda: export_daily_report(kiosk),
            lambda path: setattr(self, "result_text", app.tr(N_("Laporan disimpan: {path}")).format(path=path)),
            self._failed,
            app.tr(N_("Menyimpan laporan ...")),
        )

    def export_log(self) -> None:
        if not self._allowed():
            return
        app = self.app
        kiosk = app.kiosk
        app.run_task(
            lambda: export_day_log(kiosk, app.tr),
            lambda text: setattr(self, "result_text", text),
            self._failed,
            app.tr(N_("Menyimpan log ...")),
        )

    def leave(self) -> None:
        """Back to the citizens' screens: technician mode locks again (``go_home`` does it)."""
        self.app.go_home()

    def ask_exit(self) -> None:
        """Closing the kiosk leaves the citizens without it: one more tap to be sure."""
        if self._allowed():
            self.confirm_exit = True
            self.result_text = self.app.tr(
                N_("Tutup aplikasi kios? Warga tidak bisa mengambil nomor sampai dibuka lagi.")
            )

    def cancel_exit(self) -> None:
        self.confirm_exit = False
        self.result_text = ""

    def exit_kiosk(self) -> None:
        if self._allowed() and self.confirm_exit:
            log.warning("technician left the kiosk")
            self.app.exit_kiosk()


def reprint_outcome(app: Any, result: Any) -> str:
    """What the technician reads after printing a ticket by its number."""
    tr = app.tr
    number = result.ticket.number
    if result.printed:
        if result.ticket.reprinted_at is None:  # its first paper: it had not come out before
            return str(tr(N_("Karcis {number} dicetak.")).format(number=number))
        return str(tr(N_("Karcis {number} dicetak ulang.")).format(number=number))
    if result.print_problem == Reason.PRINTER_HOLDS_TICKET.value:  # it comes out once fixed
        held = SystemFault(Reason.PRINTER_HOLDS_TICKET, state=result.printer_state or "")
        return f"{number}: " + " ".join(app.explain(held))
    if result.print_problem == Reason.PRINTER_MAYBE_PRINTED.value:
        return str(
            tr(N_("Karcis {number} mungkin sudah keluar: printer tidak menjawab setelahnya. Periksa tempat karcis."))
        ).format(number=number)
    return str(tr(N_("Karcis {number} ada, tetapi gagal dicetak."))).format(number=number)


def technician_print_problem(tr: Translate, error: KioskError) -> str:
    """A test page or feed that did not come out, in the technician's words ("" if not a print fault)."""
    if error.reason == Reason.PRINTER_MAYBE_PRINTED:
        return str(tr(N_("Printer tidak menjawab setelah menerima perintah: periksa apakah kertas sudah keluar.")))
    if error.reason in (Reason.PRINTER_FAULT, Reason.PRINTER_HOLDS_TICKET, Reason.PRINTER_NOT_READY):
        return str(tr(N_("Printer tidak mencetak. Lihat status printer di atas, perbaiki, lalu coba lagi.")))
    return ""


def unprinted_lines(kiosk: Any) -> dict[str, Any]:
    """Today's tickets no paper of which came out, for the list with a print button (worker side)."""
    try:
        tickets = kiosk.unprinted_today()
    except KioskError:
        log.exception("unprinted tickets could not be read")
        return {"unprinted": [], "unprinted_loaded": False}
    rows = [(t.number, t.issued_at.strftime("%H:%M")) for t in tickets]
    return {"unprinted": rows, "unprinted_loaded": True}
